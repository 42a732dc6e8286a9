//! `rsqlmig graph` and `rsqlmig catalog init` as a user runs them: the repository's example
//! catalog, the output formats, exit codes, a broken catalog, and an init round trip.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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

/// A framework job script running `sql`.
fn job(sql: &str) -> String {
    format!(
        "source $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\n{sql}\n\\if :ERROR <> 0\n  \\exit 1\n\\endif\nEOF\nrsqlexitcode=$?\nexit $rsqlexitcode\n"
    )
}

#[test]
fn example_catalog_compiles_the_blog_workflow_stages() {
    rsqlmig(&repo())
        .args(["graph", "catalog/", "--workflow", "blog_test_workflow"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  stages (compiled):\n    1. sequential: rsql_blog_script_1.sh, rsql_blog_script_2.sh\n    2. parallel: rsql_blog_script_3.sh, rsql_blog_script_4.sh, rsql_blog_script_5.sh, rsql_blog_script_6.sh\n",
        ))
        .stdout(predicate::str::contains(
            "    rsql_blog_script_2.sh\n      after: rsql_blog_script_1.sh (schema rsql_blog)\n      writes: rsql_blog.blog_table\n",
        ))
        .stdout(predicate::str::contains("info GR008"));
}

#[test]
fn example_catalog_passes_check_with_every_workflow() {
    let out = rsqlmig(&repo())
        .args(["graph", "--check"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("workflow blog_test_workflow"), "{text}");
    assert!(text.contains("workflow fixtures_migration"), "{text}");
    assert!(text.contains(": 0 error(s)"), "{text}");
}

#[test]
fn json_has_the_documented_shape() {
    let out = rsqlmig(&repo())
        .args([
            "graph",
            "catalog",
            "--workflow",
            "blog_test_workflow",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let workflows = v["workflows"].as_array().unwrap();
    assert_eq!(workflows.len(), 1);
    let wf = &workflows[0];
    let keys: Vec<&str> = wf.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5);
    for k in ["workflow_id", "jobs", "edges", "stages", "diagnostics"] {
        assert!(keys.contains(&k), "{k} missing: {keys:?}");
    }
    assert_eq!(wf["workflow_id"], "blog_test_workflow");
    assert_eq!(wf["jobs"][1]["script"], "rsql_blog_script_2.sh");
    assert_eq!(wf["jobs"][1]["writes"][0], "rsql_blog.blog_table");
    assert_eq!(wf["jobs"][2]["reads"].as_array().unwrap().len(), 0);
    let edge = &wf["edges"][0];
    assert_eq!(edge["from"], "rsql_blog_script_1.sh");
    assert_eq!(edge["to"], "rsql_blog_script_2.sh");
    assert_eq!(edge["kind"], "schema");
    assert_eq!(edge["tables"][0], "rsql_blog");
    assert_eq!(wf["stages"][0]["execution_type"], "sequential");
    assert_eq!(wf["stages"][1]["execution_type"], "parallel");
    assert_eq!(wf["stages"][1]["scripts"].as_array().unwrap().len(), 4);
    let d = &wf["diagnostics"][0];
    assert_eq!(d["code"], "GR008");
    assert_eq!(d["severity"], "info");
    assert_eq!(d["file"], "catalog/workflows/blog_test_workflow.yaml");
    assert!(d["line"].as_u64().unwrap() > 0 && d["column"].as_u64().unwrap() > 0);
}

/// A catalog whose workflow has a dependency cycle through a declaration.
fn cyclic_catalog() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "cat/jobs/a.sh",
        &job("INSERT INTO s.t SELECT 1;"),
    );
    write(
        tmp.path(),
        "cat/jobs/b.sh",
        &job("INSERT INTO s.u SELECT * FROM s.t;"),
    );
    write(
        tmp.path(),
        "cat/workflows/w.yaml",
        "workflow_id: w\njobs:\n  - script: a.sh\n    depends_on: [b.sh]\n  - script: b.sh\n  - script: c.sh\n",
    );
    tmp
}

#[test]
fn check_exits_1_on_errors_and_0_without_check() {
    let tmp = cyclic_catalog();
    // The contradiction makes the declared order win: a warning, not a cycle.
    rsqlmig(tmp.path())
        .args(["graph", "cat", "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "cat/workflows/w.yaml:4:18: warning GR007: a.sh declares it depends on b.sh",
        ))
        .stdout(predicate::str::contains(
            "cat/workflows/w.yaml:6:13: error GR002: job script cat/jobs/c.sh does not exist",
        ));
    rsqlmig(tmp.path())
        .args(["graph", "cat"])
        .assert()
        .success();
    // A real cycle: the error names every job and table.
    write(
        tmp.path(),
        "cat/jobs/c.sh",
        &job("INSERT INTO s.v SELECT * FROM s.u;"),
    );
    write(
        tmp.path(),
        "cat/workflows/w.yaml",
        "workflow_id: w\njobs:\n  - script: a.sh\n    depends_on: [c.sh]\n  - script: b.sh\n  - script: c.sh\n",
    );
    rsqlmig(tmp.path())
        .args(["graph", "cat", "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error GR001: dependency cycle: a.sh -[table s.t]-> b.sh -[table s.u]-> c.sh -[declared]-> a.sh",
        ))
        .stdout(predicate::str::contains("stages: none"));
}

#[test]
fn broken_catalog_exits_2_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "cat/catalog.yaml",
        "aws:\n  bucket: b\n  regoin: eu-west-1\n",
    );
    write(
        tmp.path(),
        "cat/workflows/w.yaml",
        "workflow_id: w\njobs:\n  - script: [a\n",
    );
    rsqlmig(tmp.path())
        .args(["graph", "cat"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cat/catalog.yaml:3:3: aws: unknown field `regoin`",
        ))
        .stderr(predicate::str::contains("cat/workflows/w.yaml:"))
        .stderr(predicate::str::contains("2 error(s)"));
    rsqlmig(tmp.path())
        .args(["graph", "nowhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a catalog"));
    rsqlmig(&repo())
        .args(["graph", "--workflow", "no_such_workflow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no workflow \"no_such_workflow\""));
}

#[test]
fn dot_and_mermaid_draw_labelled_edges() {
    let out = rsqlmig(&repo())
        .args(["graph", "catalog", "--format", "dot"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let dot = String::from_utf8(out).unwrap();
    assert!(dot.starts_with("digraph rsqlmig {"), "{dot}");
    assert!(dot.contains("[label=\"rsql_blog.blog_table\"]"), "{dot}");
    let graphviz = std::process::Command::new("dot").arg("-V").output();
    if graphviz.is_ok_and(|o| o.status.success()) {
        let svg = Command::new("dot")
            .arg("-Tsvg")
            .write_stdin(dot)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(String::from_utf8_lossy(&svg).contains("<svg"));
    } else {
        eprintln!("Graphviz `dot` is not installed: rendering not checked");
    }
    rsqlmig(&repo())
        .args([
            "graph",
            "catalog",
            "--workflow",
            "blog_test_workflow",
            "--format",
            "mermaid",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("flowchart LR\n"))
        .stdout(predicate::str::contains(
            "w0_j0 -->|\"schema rsql_blog\"| w0_j1",
        ));
}

#[test]
fn catalog_init_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "fw/01_schema.sh",
        &job("CREATE SCHEMA IF NOT EXISTS mart;"),
    );
    write(
        d,
        "fw/02_table.sh",
        &job("CREATE TABLE mart.sales (a int);"),
    );
    write(
        d,
        "fw/sub/03_load.sh",
        &job("INSERT INTO mart.sales SELECT * FROM stg.pos;"),
    );
    write(d, "fw/04_report.rsql", "SELECT * FROM mart.sales;\n");
    write(d, "fw/notes.txt", "not a job\n");
    rsqlmig(d)
        .args([
            "catalog",
            "init",
            "--from",
            "fw",
            "--workflow",
            "nightly",
            "--catalog",
            "cat",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("created cat/catalog.yaml"))
        .stdout(predicate::str::contains(
            "wrote cat/workflows/nightly.yaml: 4 job(s), 4 derived dependencies",
        ));
    let yaml = std::fs::read_to_string(d.join("cat/workflows/nightly.yaml")).unwrap();
    assert!(
        yaml.contains(
            "jobs:\n  - script: 01_schema.sh\n  - script: 02_table.sh\n    depends_on:\n      - 01_schema.sh\n  - script: 03_load.sh\n    depends_on:\n      - 02_table.sh\n  - script: 04_report.rsql\n    depends_on:\n      - 02_table.sh\n      - 03_load.sh\n"
        ),
        "{yaml}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("cat/jobs/03_load.sh")).unwrap(),
        job("INSERT INTO mart.sales SELECT * FROM stg.pos;")
    );
    assert!(!d.join("cat/jobs/notes.txt").exists());
    rsqlmig(d)
        .args(["graph", "cat", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1. sequential: 01_schema.sh, 02_table.sh, 03_load.sh, 04_report.rsql\n",
        ));
    // An existing workflow is never overwritten.
    rsqlmig(d)
        .args([
            "catalog",
            "init",
            "--from",
            "fw",
            "--workflow",
            "nightly",
            "--catalog",
            "cat",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    // Identical scripts may be shared by a second workflow; a different one of the same name
    // is refused before anything is written.
    rsqlmig(d)
        .args([
            "catalog",
            "init",
            "--from",
            "fw",
            "--workflow",
            "again",
            "--catalog",
            "cat",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("copied 0 job script(s)"));
    write(d, "fw/04_report.rsql", "SELECT 2;\n");
    rsqlmig(d)
        .args([
            "catalog",
            "init",
            "--from",
            "fw",
            "--workflow",
            "third",
            "--catalog",
            "cat",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("04_report.rsql"));
    assert!(!d.join("cat/workflows/third.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(d.join("cat/jobs/04_report.rsql")).unwrap(),
        "SELECT * FROM mart.sales;\n"
    );
    // Names the framework cannot run are refused.
    write(d, "bad/my job.sh", &job("SELECT 1;"));
    rsqlmig(d)
        .args([
            "catalog",
            "init",
            "--from",
            "bad",
            "--workflow",
            "w",
            "--catalog",
            "cat",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("my job.sh"));
    rsqlmig(d)
        .args([
            "catalog",
            "init",
            "--from",
            "fw",
            "--workflow",
            "bad id",
            "--catalog",
            "cat",
        ])
        .assert()
        .code(2);
}
