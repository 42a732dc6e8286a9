//! Throughput of `lint` on converted scripts (`cargo bench --bench lint`).
//!
//! Generates the benchmark corpus (`corpus::generate`, the same as `--bench convert`), converts
//! every script in memory with `convert_file` (alternately to plain `.rsql` and to framework job
//! scripts, so both the RSQL and the shell paths run), then lints the outputs in memory: on one
//! thread, with `--fix` semantics on one thread, and on all cores (best of 3 each).
//! `RSQLMIG_BENCH_SCRIPTS` sets the corpus size (default 5000). MB = 10^6 bytes of lint input.

// The allocator of the `rsqlmig` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod corpus;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rsqlmig::convert::{self, Status, Target, convert_file};
use rsqlmig::diagnostic::Severity;
use rsqlmig::lint::{self, config::LintOptions};

const SEED: u64 = 0x5EED_B7E0_2024;
const RUNS: usize = 3;

fn main() {
    let scripts: usize = std::env::var("RSQLMIG_BENCH_SCRIPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("corpus");
    corpus::generate(&dir, scripts, SEED);
    let outputs = converted(&dir);
    let total: usize = outputs.iter().map(|(_, t)| t.len()).sum();
    let mb = total as f64 / 1e6;
    let shell = outputs
        .iter()
        .filter(|(p, _)| convert::has_shell_extension(p))
        .count();
    println!(
        "lint input: {} converted scripts ({} shell scripts, {} .rsql), {mb:.1} MB",
        outputs.len(),
        shell,
        outputs.len() - shell
    );

    let opts = LintOptions::default();
    let (findings, errors) = outputs.iter().fold((0, 0), |(n, e), (path, text)| {
        let info = lint::file_info(path, text, &opts);
        let report = lint::lint(text, &info, &opts);
        let errs = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        (n + report.diagnostics.len(), e + errs)
    });
    println!("findings: {findings} ({errors} at error level)");

    let one = best_of(|| {
        for (path, text) in &outputs {
            let info = lint::file_info(path, text, &opts);
            black_box(lint::lint(black_box(text), &info, &opts));
        }
    });
    println!(
        "lint in-process (1 thread): {:.1} MB/s, {:.0} scripts/s",
        mb / one.as_secs_f64(),
        outputs.len() as f64 / one.as_secs_f64()
    );

    let fix = best_of(|| {
        for (path, text) in &outputs {
            black_box(lint::fix(black_box(text), path, &opts, false));
        }
    });
    println!(
        "lint --fix in-process (1 thread): {:.1} MB/s",
        mb / fix.as_secs_f64()
    );

    let threads = rayon::current_num_threads();
    let all = best_of(|| {
        outputs.par_iter().for_each(|(path, text)| {
            let info = lint::file_info(path, text, &opts);
            black_box(lint::lint(black_box(text), &info, &opts));
        });
    });
    println!(
        "lint in-process ({threads} threads): {:.1} MB/s",
        mb / all.as_secs_f64()
    );
}

/// Every corpus script converted, in memory: (output name, text). Even files go to `.rsql`,
/// odd ones become framework job scripts.
fn converted(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk corpus"))
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
        .iter()
        .enumerate()
        .filter_map(|(i, path)| {
            let bytes = std::fs::read(path).expect("read corpus file");
            let target = if i % 2 == 0 {
                Target::Rsql
            } else {
                Target::Framework
            };
            let conv = convert_file(path, &bytes, target);
            if conv.status != Status::Converted {
                return None;
            }
            let is_shell = convert::has_shell_extension(path)
                || rsqlmig::syntax::shell::looks_like_shell(&bytes);
            let name =
                convert::output_name(path.strip_prefix(dir).unwrap_or(path), is_shell, target);
            Some((name, conv.output?))
        })
        .collect()
}

fn best_of(mut run: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed()
        })
        .min()
        .unwrap()
}
