//! The whole estate end to end with the release binary (`cargo bench --bench scale`).
//!
//! For each size (default 1,000 and 10,000 scripts; `RSQLMIG_BENCH_SCALE=a,b` changes them),
//! generates the benchmark corpus and a catalog over it (`corpus::generate`,
//! `corpus::write_catalog`), then times three commands, best wall time of 3, with peak resident
//! memory from GNU time (`/usr/bin/time -v`):
//! - `rsqlmig convert CORPUS --out OUT --target framework` (read, parse, convert, write), into
//!   an empty OUT, then again into the full one (`again`: every output already there, unchanged);
//! - `rsqlmig lint CATALOG/jobs` on what convert wrote;
//! - `rsqlmig graph CATALOG` (analyse every job, build, check and compile every workflow).
//!
//! Each command runs from the temp dir, so no rsqlmig.yaml of the checkout changes it, and on
//! all cores. MB = 10^6 bytes of the command's input.

mod corpus;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

const SEED: u64 = 0x5EED_B7E0_2024;
const RUNS: usize = 3;

fn main() {
    let sizes: Vec<usize> = std::env::var("RSQLMIG_BENCH_SCALE")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .expect("RSQLMIG_BENCH_SCALE: sizes like 1000,10000")
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "rsqlmig {} on {threads} threads, best of {RUNS}",
        env!("CARGO_PKG_VERSION")
    );
    for scripts in sizes {
        estate(scripts);
    }
}

/// What one run of a command cost.
struct Run {
    wall: Duration,
    rss_mb: Option<f64>,
    exit: Option<i32>,
    stdout: Vec<u8>,
}

impl Run {
    fn line(&self, what: &str, mb: f64) -> String {
        let rss = self
            .rss_mb
            .map_or_else(|| "n/a (no /usr/bin/time)".into(), |r| format!("{r:.0} MB"));
        format!(
            "  {what:<8} {:>7.2} s {:>7.1} MB/s   peak RSS {rss}",
            self.wall.as_secs_f64(),
            mb / self.wall.as_secs_f64()
        )
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or(Value::Null)
    }
}

fn estate(scripts: usize) {
    let temp = tempfile::tempdir().expect("temp dir");
    // `RSQLMIG_BENCH_KEEP=DIR` keeps the estate (corpus, catalog, outputs) in DIR/<scripts>, a
    // new directory, to profile one command by hand.
    let root = match std::env::var_os("RSQLMIG_BENCH_KEEP") {
        Some(dir) => PathBuf::from(dir).join(scripts.to_string()),
        None => temp.path().to_path_buf(),
    };
    if root.join("corpus").exists() {
        panic!("{} already holds an estate", root.display());
    }
    let corpus_dir = root.as_path().join("corpus");
    let catalog_dir = root.as_path().join("catalog");
    let stats = corpus::generate(&corpus_dir, scripts, SEED);
    corpus::write_catalog(&catalog_dir, &stats);
    let corpus_mb = stats.bytes as f64 / 1e6;
    println!(
        "\n{} scripts, {corpus_mb:.1} MB in {} workflows (seed {SEED:#x})",
        stats.files,
        stats.workflows.len()
    );

    let out = root.as_path().join("out");
    let convert_args: [&OsStr; 8] = [
        "convert".as_ref(),
        corpus_dir.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--target".as_ref(),
        "framework".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    let convert = best_of(|| {
        let _ = std::fs::remove_dir_all(&out);
        measure(root.as_path(), &convert_args)
    });
    println!("{}", convert.line("convert", corpus_mb));
    println!("           summary {}", convert.json()["summary"]);
    // The same conversion again, every output already there and unchanged: a migration team
    // converts the estate over and over as it fixes scripts.
    let again = best_of(|| measure(root.as_path(), &convert_args));
    println!("{}", again.line("again", corpus_mb));

    let jobs = catalog_dir.join("jobs");
    let lint_mb = gather_jobs(&out, &jobs) as f64 / 1e6;
    let lint = best_of(|| {
        measure(
            root.as_path(),
            &[
                "lint".as_ref(),
                jobs.as_os_str(),
                "--format".as_ref(),
                "json".as_ref(),
            ],
        )
    });
    println!("{}", lint.line("lint", lint_mb));
    let files = lint.json()["files"].as_array().cloned().unwrap_or_default();
    let findings: usize = files
        .iter()
        .map(|f| f["diagnostics"].as_array().map_or(0, Vec::len))
        .sum();
    println!(
        "           {findings} findings in {} files (exit {:?})",
        files.len(),
        lint.exit
    );

    let graph = best_of(|| {
        measure(
            root.as_path(),
            &[
                "graph".as_ref(),
                catalog_dir.as_os_str(),
                "--format".as_ref(),
                "json".as_ref(),
            ],
        )
    });
    println!("{}", graph.line("graph", lint_mb));
    let workflows = graph.json()["workflows"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let count = |key: &str| -> usize {
        workflows
            .iter()
            .map(|w| w[key].as_array().map_or(0, Vec::len))
            .sum()
    };
    println!(
        "           {} workflows, {} jobs, {} edges, {} stages, {} diagnostics (exit {:?})",
        workflows.len(),
        count("jobs"),
        count("edges"),
        count("stages"),
        count("diagnostics"),
        graph.exit
    );
}

/// Moves every converted job script under `out` into the flat `jobs` folder of the catalog and
/// returns their total size.
fn gather_jobs(out: &Path, jobs: &Path) -> u64 {
    std::fs::create_dir_all(jobs).expect("create catalog jobs");
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.expect("walk converted scripts");
        if entry.file_type().is_file() {
            bytes += entry.metadata().expect("stat converted script").len();
            std::fs::rename(entry.path(), jobs.join(entry.file_name())).expect("move job script");
        }
    }
    bytes
}

fn best_of(mut run: impl FnMut() -> Run) -> Run {
    (0..RUNS)
        .map(|_| run())
        .min_by_key(|r| r.wall)
        .expect("at least one run")
}

/// Runs the release binary with `args` in `dir`, under GNU time when it is installed.
fn measure(dir: &Path, args: &[&OsStr]) -> Run {
    let bin = env!("CARGO_BIN_EXE_rsqlmig");
    let gnu_time = PathBuf::from("/usr/bin/time");
    let mut cmd = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.arg("-v").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.current_dir(dir).args(args);
    let started = Instant::now();
    let output = cmd.output().expect("run rsqlmig");
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let rss_mb = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    Run {
        wall,
        rss_mb,
        exit: output.status.code(),
        stdout: output.stdout,
    }
}
