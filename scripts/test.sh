#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (moto's AWS server in
# .venv, for the AWS tests), then runs every Rust test.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
if ! .venv/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
export RSQLMIG_MOTO_SERVER="$PWD/.venv/bin/moto_server"

cargo test --locked
