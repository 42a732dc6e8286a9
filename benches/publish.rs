//! `rsqlmig publish` of a generated catalog to moto (`cargo bench --bench publish`).
//!
//! Writes a catalog of 2,000 framework job scripts in 50 workflows (`benches/catalog`;
//! `RSQLMIG_BENCH_JOBS` / `RSQLMIG_BENCH_WORKFLOWS` change the sizes), starts moto the way the
//! tests do (`RSQLMIG_MOTO_SERVER`, else `.venv/bin/moto_server`: `bash scripts/test.sh`
//! installs it), runs the release binary's `bootstrap`, then `publish --format json` twice, and
//! prints each publish's wall time, the report's counts and the AWS API calls by operation. The
//! second publish changes nothing and must write nothing.
//!
//! Every AWS call goes to moto on 127.0.0.1 with dummy credentials: the child's environment is
//! cleared and rebuilt from the moto helper's (no profile, no instance metadata, no proxy).

#[path = "../tests/support/moto.rs"]
#[allow(dead_code)]
mod moto;

mod catalog;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use moto::Moto;

const BUCKET: &str = "rsqlmig-bench-scripts";
const SEED: u64 = 0x6EA9_2024;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

/// The release binary running `args`, pointed at moto and at nothing else.
fn rsqlmig(moto: &Moto, args: &[&std::ffi::OsStr]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rsqlmig"));
    cmd.env_clear().envs(moto.env()).args(args);
    cmd.arg("--endpoint-url").arg(moto.endpoint());
    cmd
}

/// Runs the command; its stdout, or exit with its stderr.
fn run(mut cmd: Command, what: &str) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run rsqlmig {what}: {e}"));
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "rsqlmig {what} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    (out.stdout, took)
}

struct Publish {
    wall: Duration,
    report: serde_json::Value,
}

fn publish(moto: &Moto, dir: &Path) -> Publish {
    let cmd = rsqlmig(
        moto,
        &[
            "publish".as_ref(),
            dir.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
    );
    let (stdout, wall) = run(cmd, "publish");
    let report = serde_json::from_slice(&stdout).expect("publish --format json prints JSON");
    Publish { wall, report }
}

fn count(report: &serde_json::Value, section: &str, field: &str) -> usize {
    report[section][field].as_array().map_or(0, Vec::len)
}

fn calls(report: &serde_json::Value) -> BTreeMap<String, u64> {
    report["api_calls"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

fn print(label: &str, p: &Publish) {
    let r = &p.report;
    let calls = calls(r);
    let total: u64 = calls.values().sum();
    println!(
        "{label}: {:.2} s wall; objects uploaded {}, unchanged {}; items created {}, updated {}, unchanged {}",
        p.wall.as_secs_f64(),
        count(r, "objects", "uploaded"),
        count(r, "objects", "unchanged"),
        count(r, "items", "created"),
        count(r, "items", "updated"),
        count(r, "items", "unchanged"),
    );
    println!("  API calls: {total}");
    for (op, n) in &calls {
        println!("    {op:<30} {n:>6}");
    }
}

fn main() {
    let jobs = env_usize("RSQLMIG_BENCH_JOBS", 2000);
    let workflows = env_usize("RSQLMIG_BENCH_WORKFLOWS", 50);
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("bench_catalog");
    let start = Instant::now();
    let written = catalog::write_catalog(&dir, jobs, workflows, BUCKET, SEED)
        .expect("the generated catalog is written");
    println!(
        "catalog: {} jobs in {} workflows, {:.2} MB of scripts (generated in {:.2} s)",
        written.jobs,
        written.workflows,
        written.bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );

    let moto = Moto::start();
    let (_, took) = run(
        rsqlmig(&moto, &["bootstrap".as_ref(), dir.as_os_str()]),
        "bootstrap",
    );
    println!("bootstrap: {:.2} s wall", took.as_secs_f64());

    let first = publish(&moto, &dir);
    print("first publish", &first);
    assert_eq!(count(&first.report, "objects", "uploaded"), written.jobs);
    assert_eq!(count(&first.report, "items", "created"), written.workflows);

    let again = publish(&moto, &dir);
    print("unchanged re-publish", &again);
    assert_eq!(count(&again.report, "objects", "uploaded"), 0);
    assert_eq!(
        count(&again.report, "items", "unchanged"),
        written.workflows
    );
    let writes: Vec<String> = calls(&again.report)
        .into_keys()
        .filter(|op| {
            let name = op.rsplit('.').next().unwrap_or(op);
            ![
                "Head", "Get", "List", "BatchGet", "Describe", "Query", "Scan",
            ]
            .iter()
            .any(|read| name.starts_with(read))
        })
        .collect();
    assert!(
        writes.is_empty(),
        "the unchanged re-publish made other calls than reads: {writes:?}"
    );
}
