//! Fuzz regression cases: every file in `fixtures/fuzz/<target>/` is run through the same check
//! as the cargo-fuzz target of that name (`fuzz/fuzz_targets/<target>.rs`); the checks live in
//! `tests/support/fuzz_checks.rs`. A crash the fuzzer finds is minimised and saved there
//! (README "Fuzzing"), so it stays fixed without the fuzz toolchain.

#[path = "support/fuzz_checks.rs"]
mod fuzz_checks;

use std::path::Path;

fn cases(target: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fuzz")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_target_has_regression_cases() {
    for (target, _) in fuzz_checks::TARGETS {
        assert!(
            !cases(target).is_empty(),
            "fixtures/fuzz/{target}/ is empty"
        );
    }
}

fn run(target: &str) {
    let check = fuzz_checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|&(_, check)| check)
        .unwrap();
    for path in cases(target) {
        let data = std::fs::read(&path).unwrap();
        if let Err(panic) = std::panic::catch_unwind(|| check(&data)) {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("");
            panic!("{}: {message}", path.display());
        }
    }
}

#[test]
fn bteq_parser() {
    run("bteq_parser");
}

#[test]
fn heredoc() {
    run("heredoc");
}

#[test]
fn sql_tokenizer() {
    run("sql_tokenizer");
}

#[test]
fn converter() {
    run("converter");
}

#[test]
fn linter() {
    run("linter");
}
