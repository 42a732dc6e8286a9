//! Throughput of `rsqlmig` on a generated BTEQ corpus (`cargo bench --bench convert`).
//!
//! Reports the syntax layer alone and the in-process conversion, both on one thread, best of 3
//! (`--bench scale` runs the release binary end to end).
//! `RSQLMIG_BENCH_SCRIPTS` sets the corpus size (default 5000); `RSQLMIG_BENCH_KEEP=DIR` writes
//! the corpus to DIR (new or empty) and keeps it, to inspect or convert by hand. MB = 10^6 bytes.

// The allocator of the `rsqlmig` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod corpus;

use std::hint::black_box;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rsqlmig::convert::{Status, Target, convert_file};
use rsqlmig::syntax::script::{Dialect, Script};

const SEED: u64 = 0x5EED_B7E0_2024;
const RUNS: usize = 3;

fn main() {
    let scripts: usize = std::env::var("RSQLMIG_BENCH_SCRIPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus_dir = match std::env::var_os("RSQLMIG_BENCH_KEEP") {
        Some(dir) => PathBuf::from(dir),
        None => tmp.path().join("corpus"),
    };
    if std::fs::read_dir(&corpus_dir).is_ok_and(|mut d| d.next().is_some()) {
        panic!(
            "{} is not empty: the corpus needs a new directory",
            corpus_dir.display()
        );
    }
    let started = Instant::now();
    let stats = corpus::generate(&corpus_dir, scripts, SEED);
    let generated_in = started.elapsed();
    let files = load(&corpus_dir);
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    assert_eq!(
        total as u64, stats.bytes,
        "corpus on disk differs from what was generated"
    );
    let mb = total as f64 / 1e6;
    println!(
        "corpus: {} scripts, {mb:.1} MB (mean {:.1} KB, largest {:.0} KB; seed {SEED:#x}, generated in {:.2} s)",
        stats.files,
        total as f64 / 1e3 / files.len() as f64,
        files.iter().map(|(_, b)| b.len()).max().unwrap_or(0) as f64 / 1e3,
        generated_in.as_secs_f64()
    );

    // Correctness pass first (also warms caches): a panic or a failed file is reported, and
    // panicking files are left out of the timed runs so the figures still come out.
    let panicking = check(&files);
    let timed: Vec<&(PathBuf, Vec<u8>)> = files
        .iter()
        .filter(|(p, _)| !panicking.contains(p))
        .collect();
    let timed_mb = timed.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;

    let parse = best_of(|| {
        for (_, bytes) in &timed {
            black_box(Script::parse_bytes(black_box(bytes), Dialect::Bteq));
        }
    });
    println!(
        "parse (1 thread): {:.1} MB/s",
        timed_mb / parse.as_secs_f64()
    );

    let conv = best_of(|| {
        for (path, bytes) in &timed {
            black_box(convert_file(path, black_box(bytes), Target::Rsql));
        }
    });
    println!(
        "convert in-process (1 thread): {:.1} MB/s, {:.0} scripts/s",
        timed_mb / conv.as_secs_f64(),
        timed.len() as f64 / conv.as_secs_f64()
    );
}

/// Every corpus file, read up front so the timed loops never touch the disk. Sorted for a
/// stable order.
fn load(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk corpus"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read corpus file");
            (e.into_path(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// Converts every file once; prints failures and panics (smallest file first) and returns the
/// paths that panicked.
fn check(files: &[(PathBuf, Vec<u8>)]) -> Vec<PathBuf> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut panicked = Vec::new();
    let mut failed = Vec::new();
    for (path, bytes) in files {
        match catch_unwind(AssertUnwindSafe(|| convert_file(path, bytes, Target::Rsql))) {
            Err(_) => panicked.push((bytes.len(), path.clone())),
            Ok(c) if matches!(c.status, Status::Failed | Status::Unsupported) => {
                let why = c
                    .diagnostics
                    .first()
                    .map(|d| d.message.clone())
                    .unwrap_or_default();
                failed.push((bytes.len(), path.clone(), why));
            }
            Ok(_) => {}
        }
    }
    std::panic::set_hook(hook);
    panicked.sort();
    failed.sort();
    println!(
        "check: {} panicked, {} failed (of {})",
        panicked.len(),
        failed.len(),
        files.len()
    );
    for (len, path) in panicked.iter().take(3) {
        println!("  PANIC  {} ({len} bytes)", path.display());
    }
    for (len, path, why) in failed.iter().take(3) {
        println!("  FAILED {} ({len} bytes): {why}", path.display());
    }
    panicked.into_iter().map(|(_, p)| p).collect()
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
