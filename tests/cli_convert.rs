//! `rsqlmig convert` as a user runs it: exit codes, outputs on disk, --check, --diff, JSON.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn rsqlmig(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rsqlmig").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn converts_a_tree_into_a_mirrored_output_tree() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "in/a.btq",
        ".LOGON h/u,pw;\nSELECT 1;\n.QUIT 0\n",
    );
    write(tmp.path(), "in/sub/b.sh", "bteq <<EOF\n.QUIT 4\nEOF\n");
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 file(s): 2 converted, 0 failed"));
    let a = std::fs::read_to_string(tmp.path().join("out/a.rsql")).unwrap();
    assert!(a.ends_with("SELECT 1;\n\\exit 0\n"));
    assert!(!a.contains("pw;"));
    let b = std::fs::read_to_string(tmp.path().join("out/sub/b.sh")).unwrap();
    assert_eq!(b, "rsql -h $HOST -U $USER -d $DB <<EOF\n\\exit 4\nEOF\n");
    // The input is untouched and no temporary file is left behind.
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("in/a.btq")).unwrap(),
        ".LOGON h/u,pw;\nSELECT 1;\n.QUIT 0\n"
    );
    let leftovers: Vec<_> = walk(&tmp.path().join("out"))
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".rsqlmig-")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn one_bad_file_fails_the_run_but_not_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "in/good.btq", ".QUIT 0\n");
    write(tmp.path(), "in/bad.btq", "SELECT 'never closed;\n");
    std::fs::write(tmp.path().join("in/junk.btq"), b"\x00\x01binary").unwrap();
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "in/bad.btq:1:8: error BQ083: string never closed",
        ))
        .stdout(predicate::str::contains("error IO002"));
    assert!(tmp.path().join("out/good.rsql").exists());
    assert!(!tmp.path().join("out/bad.rsql").exists());
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "in/a.btq", ".QUIT 0\n");
    write(tmp.path(), "in/b.btq", ".QUIT 0\n");
    rsqlmig(tmp.path())
        .args(["convert", "--bogus"])
        .assert()
        .code(2);
    rsqlmig(tmp.path())
        .args(["convert", "missing-dir"])
        .assert()
        .code(2);
    // Two files need an output directory.
    rsqlmig(tmp.path()).args(["convert", "in"]).assert().code(2);
    // An output directory inside the inputs is refused.
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "in/out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inside the input directory"));
}

#[test]
fn never_overwrites_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    // The shell script's output name is its own name: writing next to it would overwrite it.
    write(tmp.path(), "job.sh", "bteq <<EOF\n.QUIT 0\nEOF\n");
    rsqlmig(tmp.path())
        .args(["convert", "job.sh", "--out", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "is an input file: not overwritten",
        ));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("job.sh")).unwrap(),
        "bteq <<EOF\n.QUIT 0\nEOF\n"
    );
}

#[test]
fn single_file_without_out_goes_to_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.btq", ".IF ERRORCODE <> 0 THEN .QUIT 8\n");
    rsqlmig(tmp.path())
        .args(["convert", "a.btq"])
        .assert()
        .success()
        .stdout("\\if :ERROR <> 0\n  \\exit 8\n\\endif\n");
}

#[test]
fn check_reports_outputs_that_differ() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "in/a.btq", ".QUIT 3\n");
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out", "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("would change: out/a.rsql"));
    assert!(
        !tmp.path().join("out/a.rsql").exists(),
        "--check writes nothing"
    );
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out"])
        .assert()
        .success();
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out", "--check"])
        .assert()
        .success();
    write(tmp.path(), "out/a.rsql", "edited by hand\n");
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out", "--check"])
        .assert()
        .code(1);
}

#[test]
fn diff_shows_input_to_output_without_passwords() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "a.btq",
        ".LOGON tdp/u,Secr3t!; .SET NOSUCH 1\n.QUIT 0\n",
    );
    rsqlmig(tmp.path())
        .args(["convert", "a.btq", "--diff"])
        .assert()
        .success()
        .stdout(predicate::str::contains("a.btq:1:23: warning BQ071"))
        .stdout(predicate::str::contains("-.QUIT 0\n"))
        .stdout(predicate::str::contains("+\\exit 0\n"))
        .stdout(predicate::str::contains(
            "-.LOGON tdp/u,********; .SET NOSUCH 1",
        ))
        .stdout(predicate::str::contains("Secr3t").not());
}

#[test]
fn json_report_has_the_documented_shape() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "in/a.btq",
        "SELECT 1;\n.SET SEPARATOR '|'\n.QUIT 0\n",
    );
    write(
        tmp.path(),
        "in/f.btq",
        ".LOGTABLE w.l;\n.BEGIN LOADING t ERRORFILES e1, e2;\n",
    );
    let out = rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 2, "converted": 1, "failed": 1, "action_items": 2})
    );
    let a = &doc["files"][0];
    assert_eq!(a["input"], "in/a.btq");
    assert_eq!(a["output"], "out/a.rsql");
    assert_eq!(a["status"], "converted");
    assert_eq!(
        a["diagnostics"][0],
        serde_json::json!({"code": "BQ043", "severity": "warning", "line": 2, "column": 1,
            "message": ".SET SEPARATOR '|' has no RSQL counterpart: use \\pset fieldsep with \\pset format unaligned, or UNLOAD ... DELIMITER"})
    );
    assert_eq!(doc["files"][1]["status"], "unsupported");
    assert_eq!(doc["files"][1]["diagnostics"][0]["code"], "BQ090");
}

#[test]
fn framework_target_writes_job_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "in/load.btq",
        "INSERT INTO t VALUES (1);\n.IF ERRORCODE <> 0 THEN .QUIT 21\n",
    );
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out", "--target", "framework"])
        .assert()
        .success();
    let job = std::fs::read_to_string(tmp.path().join("out/load.sh")).unwrap();
    assert!(job.contains("source $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\nINSERT INTO t VALUES (1);\n\\if :ERROR <> 0\n  \\exit 21\n\\endif\nEOF\nrsqlexitcode=$?\nexit $rsqlexitcode\n"), "{job}");
}

#[test]
fn config_file_supplies_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "src/a.btq", ".QUIT 5\n");
    write(
        tmp.path(),
        "rsqlmig.yaml",
        "convert:\n  source: [src]\n  out: build\n",
    );
    rsqlmig(tmp.path()).arg("convert").assert().success();
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("build/a.rsql")).unwrap(),
        "\\exit 5\n"
    );
    write(tmp.path(), "rsqlmig.yaml", "convert:\n  sauce: [src]\n");
    rsqlmig(tmp.path())
        .arg("convert")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rsqlmig.yaml:2:3"));
}

#[cfg(unix)]
#[test]
fn unwritable_output_and_symlink_loops_are_reported() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "in/a.btq", ".QUIT 0\n");
    symlink(tmp.path().join("in"), tmp.path().join("in/loop")).unwrap();
    std::fs::create_dir(tmp.path().join("ro")).unwrap();
    std::fs::set_permissions(
        tmp.path().join("ro"),
        std::fs::Permissions::from_mode(0o500),
    )
    .unwrap();
    let is_root = std::fs::write(tmp.path().join("ro/probe"), b"").is_ok();
    let assert = rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "ro"])
        .assert()
        .code(1);
    assert.stdout(predicate::str::contains("symbolic link loop"));
    if !is_root {
        rsqlmig(tmp.path())
            .args(["convert", "in/a.btq", "--out", "ro"])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("cannot write"));
    }
}

#[test]
fn shell_wrappers_around_bteq_are_converted_or_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "in/piped.sh",
        "#!/bin/ksh\ncat > $TMP/logon.btq <<E\n.LOGON tdp/etl,${TD_PASS};\n.LOGON tdp/etl,Secr3t!;\nE\n\
         cat <<EOF | bteq >> $LOG 2>&1\nSEL 1;\n.QUIT 0\nEOF\nbteq < $SQL/load.btq\nexit $?\n",
    );
    rsqlmig(tmp.path())
        .args(["convert", "in", "--out", "out"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "in/piped.sh:4:16: warning BQ004: literal password masked",
        ))
        .stdout(predicate::str::contains(
            "in/piped.sh:10:1: warning BQ086: bteq runs a script from a file or a pipe",
        ))
        .stdout(predicate::str::contains("Secr3t").not());
    let out = std::fs::read_to_string(tmp.path().join("out/piped.sh")).unwrap();
    assert!(
        out.contains(
            "cat <<EOF | rsql -h $HOST -U $USER -d $DB >> $LOG 2>&1\nSELECT 1;\n\\exit 0\nEOF\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(".LOGON tdp/etl,${TD_PASS};\n.LOGON tdp/etl,********;\n"),
        "{out}"
    );
    assert!(out.contains("\nbteq < $SQL/load.btq\n"), "{out}");
}
