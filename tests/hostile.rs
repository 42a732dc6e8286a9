//! Hostile input: every case gets a clear error (or a clean conversion), never a panic, a stack
//! overflow or a half-written file.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn rsqlmig(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rsqlmig").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// Runs convert on one file of `content` and returns (exit code, stdout).
fn convert_one(content: &[u8]) -> (i32, String, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("in")).unwrap();
    std::fs::write(tmp.path().join("in/x.btq"), content).unwrap();
    let out = rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflow"),
        "{stderr}"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        tmp,
    )
}

#[test]
fn deeply_nested_parentheses() {
    let depth = 100_000;
    let sql = format!(
        "SELECT {}1{} FROM t;\n.QUIT 0\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let (code, _, tmp) = convert_one(sql.as_bytes());
    assert_eq!(code, 0);
    assert!(
        std::fs::read_to_string(tmp.path().join("out/x.rsql"))
            .unwrap()
            .ends_with("FROM t;\n\\exit 0\n")
    );
    let cond = format!(
        ".IF {}ERRORCODE <> 0{} THEN .QUIT 8\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let (code, stdout, _) = convert_one(cond.as_bytes());
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("BQ023"),
        "an unreadable condition is an action item"
    );
}

#[test]
fn unclosed_parentheses_name_the_position() {
    let (code, stdout, _) = convert_one(b"SELECT 1;\nSELECT (a\nFROM t;\n");
    assert_eq!(code, 1);
    assert!(
        stdout.contains("in/x.btq:2:8: error BQ083: parenthesis never closed"),
        "{stdout}"
    );
}

#[test]
fn a_ten_million_character_line() {
    let mut line = String::from("SELECT a");
    while line.len() < 10_000_000 {
        line.push_str(" + a");
    }
    line.push_str(" FROM t;\n");
    let (code, _, tmp) = convert_one(line.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::metadata(tmp.path().join("out/x.rsql"))
            .unwrap()
            .len(),
        line.len() as u64
    );
}

#[test]
fn a_hundred_megabyte_file() {
    let mut text = String::with_capacity(100 * 1024 * 1024 + 64);
    text.push_str("/* archive of old statements\n");
    let filler = "-- SELECT * FROM old_table WHERE id = 1; kept for reference only\n";
    while text.len() < 100 * 1024 * 1024 {
        text.push_str(filler);
    }
    text.push_str("*/\nSELECT 1;\n.QUIT 0\n");
    let (code, stdout, tmp) = convert_one(text.as_bytes());
    assert_eq!(code, 0, "{stdout}");
    assert!(
        std::fs::metadata(tmp.path().join("out/x.rsql"))
            .unwrap()
            .len()
            > 100 * 1024 * 1024
    );
}

#[test]
fn unterminated_text_is_an_error_with_its_position() {
    for (content, expected) in [
        (
            &b"SELECT 'abc\nFROM t;\n"[..],
            "in/x.btq:1:8: error BQ083: string never closed",
        ),
        (
            b"SELECT 1;\n/* note\n.QUIT 0\n",
            "in/x.btq:2:1: error BQ083: block comment never closed",
        ),
        (
            b"SELECT \"abc FROM t;\n",
            "in/x.btq:1:8: error BQ083: quoted name never closed",
        ),
    ] {
        let (code, stdout, tmp) = convert_one(content);
        assert_eq!(code, 1);
        assert!(stdout.contains(expected), "{stdout}");
        assert!(!tmp.path().join("out/x.rsql").exists());
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("job.sh"),
        "#!/bin/sh\nbteq <<EOF\n.QUIT 0\n",
    )
    .unwrap();
    rsqlmig(tmp.path())
        .args(["convert", "job.sh", "--out", "out"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "job.sh:2:6: error BQ084: heredoc never closed",
        ));
}

#[test]
fn binary_files_and_goto_loops() {
    let (code, stdout, _) = convert_one(b"\x7fELF\x02\x01\x01\x00\x00\x00binary");
    assert_eq!(code, 1);
    assert!(
        stdout.contains("error IO002: not a text script: binary file"),
        "{stdout}"
    );
    let (code, stdout, _) = convert_one(b".LABEL AGAIN\nSELECT 1;\n.GOTO AGAIN\n");
    assert_eq!(code, 0);
    assert!(stdout.contains("BQ032"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn unreadable_inputs_and_unwritable_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("in")).unwrap();
    std::fs::write(tmp.path().join("in/ok.btq"), ".QUIT 0\n").unwrap();
    // A link to nothing cannot be read, whoever runs the test (root reads any mode).
    std::os::unix::fs::symlink(
        tmp.path().join("missing.btq"),
        tmp.path().join("in/dangling.btq"),
    )
    .unwrap();
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("dangling.btq"))
        .stdout(predicate::str::contains("1 failed"));
    assert!(
        tmp.path().join("out/ok.rsql").exists(),
        "the readable file is still converted"
    );
    // An output "directory" that is a file cannot be written into.
    std::fs::write(tmp.path().join("blocked"), "not a directory").unwrap();
    rsqlmig(tmp.path())
        .args(["convert", "in/ok.btq", "--out", "blocked"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("cannot write"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("blocked")).unwrap(),
        "not a directory"
    );
}

#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let tmp = tempfile::tempdir().unwrap();
    // Thousands of findings: far more JSON than a pipe buffers.
    std::fs::write(tmp.path().join("x.rsql"), ".LOGOFF\n".repeat(20_000)).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rsqlmig"))
        .current_dir(tmp.path())
        .args(["lint", "x.rsql", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap(); // then the pipe closes
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    child.wait().unwrap();
    assert!(head.starts_with(b"{"));
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_under_a_json_report_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("x.rsql"), ".LOGOFF\n".repeat(100)).unwrap();
    for args in [
        &["lint", "x.rsql", "--format", "json"][..],
        &["lint", "x.rsql", "--format", "sarif"],
        &["convert", "x.rsql", "--out", "out", "--format", "json"],
    ] {
        // Writing to /dev/full fails with ENOSPC, as a report redirected to a full disk would.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("rsqlmig"))
            .current_dir(tmp.path())
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write the JSON report to stdout"),
            "{args:?}: {stderr}"
        );
    }
}
