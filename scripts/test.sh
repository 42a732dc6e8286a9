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

# SARIF output is validated against the official SARIF 2.1.0 schema (tests/cli_lint.rs): the
# validator is jsonschema in .venv, the schema file comes from a registry package at test time
# (never committed). Without either the test says so and skips the validation.
JSONSCHEMA_VERSION=4.26.0
if ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('jsonschema') != '$JSONSCHEMA_VERSION')" 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check "jsonschema==$JSONSCHEMA_VERSION" || true
fi
SARIF_PACKAGE=@microsoft/jest-sarif@1.0.0-beta.0
SARIF_SCHEMA_DIR=target/sarif-schema
if [ ! -f "$SARIF_SCHEMA_DIR/sarif-2.1.0-rtm.5.json" ] && command -v npm >/dev/null; then
  mkdir -p "$SARIF_SCHEMA_DIR"
  if tarball=$(cd "$SARIF_SCHEMA_DIR" && npm pack --silent "$SARIF_PACKAGE" 2>/dev/null | tail -n 1) && [ -n "$tarball" ]; then
    tar -xzf "$SARIF_SCHEMA_DIR/$tarball" -C "$SARIF_SCHEMA_DIR" --strip-components=3 package/lib/schemas/sarif-2.1.0-rtm.5.json || true
    rm -f "$SARIF_SCHEMA_DIR/$tarball"
  fi
fi
export RSQLMIG_SARIF_SCHEMA="$PWD/$SARIF_SCHEMA_DIR/sarif-2.1.0-rtm.5.json"
export RSQLMIG_PYTHON="$PWD/.venv/bin/python"

# `rsqlmig graph --format dot` is rendered with Graphviz when `dot` is there (tests/cli_graph.rs):
# Debian's package, where the machine lets us install it; otherwise that check says it skipped.
if ! command -v dot >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  timeout 300 apt-get install -y --no-install-recommends graphviz >/dev/null 2>&1 \
    || echo "graphviz not installed: the DOT rendering check will be skipped"
fi

cargo test --locked
