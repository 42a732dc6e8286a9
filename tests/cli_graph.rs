//! `rsqlmig graph` and `rsqlmig catalog init` as a user runs them: the repository's example
//! catalog, the output formats, exit codes, a broken catalog, and an init round trip.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use predicates::prelude::*;
use predicates::str::contains;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rsqlmig(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rsqlmig").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// `rsqlmig graph ARGS...` run in `dir`.
fn graph(dir: &Path, args: &[&str]) -> Assert {
    rsqlmig(dir).arg("graph").args(args).assert()
}

/// `rsqlmig graph catalog --workflow blog_test_workflow --format FORMAT` in the repository.
fn blog_workflow_as(format: &str) -> Assert {
    rsqlmig(&repo())
        .args(["graph", "catalog", "--workflow", "blog_test_workflow"])
        .args(["--format", format])
        .assert()
}

/// `rsqlmig catalog init --from FROM --workflow WORKFLOW --catalog cat` run in `dir`.
fn catalog_init(dir: &Path, from: &str, workflow: &str) -> Assert {
    rsqlmig(dir)
        .args(["catalog", "init", "--from", from, "--workflow", workflow])
        .args(["--catalog", "cat"])
        .assert()
}

/// The stdout of a command that must succeed.
fn success_stdout(assert: Assert) -> Vec<u8> {
    assert.success().get_output().stdout.clone()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes a framework job script for each (name, sql).
fn write_jobs(dir: &Path, jobs: &[(&str, &str)]) {
    for (name, sql) in jobs {
        write(dir, name, &job(sql));
    }
}

/// A framework job script running `sql`.
fn job(sql: &str) -> String {
    format!(
        "source $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\n{sql}\n\\if :ERROR <> 0\n  \\exit 1\n\\endif\nEOF\nrsqlexitcode=$?\nexit $rsqlexitcode\n"
    )
}

#[test]
fn example_catalog_compiles_the_blog_workflow_stages() {
    graph(&repo(), &["catalog/", "--workflow", "blog_test_workflow"])
        .success()
        .stdout(contains(
            "  stages (compiled):\n    1. sequential: rsql_blog_script_1.sh, rsql_blog_script_2.sh\n    2. parallel: rsql_blog_script_3.sh, rsql_blog_script_4.sh, rsql_blog_script_5.sh, rsql_blog_script_6.sh\n",
        ))
        .stdout(contains(
            "    rsql_blog_script_2.sh\n      after: rsql_blog_script_1.sh (schema rsql_blog)\n      writes: rsql_blog.blog_table\n",
        ))
        .stdout(contains("info GR008"));
}

#[test]
fn example_catalog_passes_check_with_every_workflow() {
    let text = String::from_utf8(success_stdout(graph(&repo(), &["--check"]))).unwrap();
    assert!(text.contains("workflow blog_test_workflow"), "{text}");
    assert!(text.contains("workflow fixtures_migration"), "{text}");
    assert!(text.contains(": 0 error(s)"), "{text}");
}

#[test]
fn json_has_the_documented_shape() {
    let out = success_stdout(blog_workflow_as("json"));
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

/// The workflow `w` of jobs a.sh, b.sh and c.sh, in which a.sh declares it depends on `dep`.
fn write_workflow_w(dir: &Path, dep: &str) {
    write(
        dir,
        "cat/workflows/w.yaml",
        &format!(
            "workflow_id: w\njobs:\n  - script: a.sh\n    depends_on: [{dep}]\n  - script: b.sh\n  - script: c.sh\n"
        ),
    );
}

/// A catalog whose workflow has a dependency cycle through a declaration.
fn cyclic_catalog() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write_jobs(
        tmp.path(),
        &[
            ("cat/jobs/a.sh", "INSERT INTO s.t SELECT 1;"),
            ("cat/jobs/b.sh", "INSERT INTO s.u SELECT * FROM s.t;"),
        ],
    );
    write_workflow_w(tmp.path(), "b.sh");
    tmp
}

#[test]
fn check_exits_1_on_errors_and_0_without_check() {
    let tmp = cyclic_catalog();
    // The contradiction makes the declared order win: a warning, not a cycle.
    graph(tmp.path(), &["cat", "--check"])
        .code(1)
        .stdout(contains(
            "cat/workflows/w.yaml:4:18: warning GR007: a.sh declares it depends on b.sh",
        ))
        .stdout(contains(
            "cat/workflows/w.yaml:6:13: error GR002: job script cat/jobs/c.sh does not exist",
        ));
    graph(tmp.path(), &["cat"]).success();
    // A real cycle: the error names every job and table.
    write_jobs(
        tmp.path(),
        &[("cat/jobs/c.sh", "INSERT INTO s.v SELECT * FROM s.u;")],
    );
    write_workflow_w(tmp.path(), "c.sh");
    graph(tmp.path(), &["cat", "--check"])
        .code(1)
        .stdout(contains(
            "error GR001: dependency cycle: a.sh -[table s.t]-> b.sh -[table s.u]-> c.sh -[declared]-> a.sh",
        ))
        .stdout(contains("stages: none"));
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
    graph(tmp.path(), &["cat"])
        .code(2)
        .stderr(contains(
            "cat/catalog.yaml:3:3: aws: unknown field `regoin`",
        ))
        .stderr(contains("cat/workflows/w.yaml:"))
        .stderr(contains("2 error(s)"));
    graph(tmp.path(), &["nowhere"])
        .code(2)
        .stderr(contains("not a catalog"));
    graph(&repo(), &["--workflow", "no_such_workflow"])
        .code(2)
        .stderr(contains("no workflow \"no_such_workflow\""));
}

#[test]
fn dot_and_mermaid_draw_labelled_edges() {
    let out = success_stdout(graph(&repo(), &["catalog", "--format", "dot"]));
    let dot = String::from_utf8(out).unwrap();
    assert!(dot.starts_with("digraph rsqlmig {"), "{dot}");
    assert!(dot.contains("[label=\"rsql_blog.blog_table\"]"), "{dot}");
    let graphviz = std::process::Command::new("dot").arg("-V").output();
    if graphviz.is_ok_and(|o| o.status.success()) {
        let svg = success_stdout(Command::new("dot").arg("-Tsvg").write_stdin(dot).assert());
        assert!(String::from_utf8_lossy(&svg).contains("<svg"));
    } else {
        eprintln!("Graphviz `dot` is not installed: rendering not checked");
    }
    blog_workflow_as("mermaid")
        .success()
        .stdout(predicate::str::starts_with("flowchart LR\n"))
        .stdout(contains("w0_j0 -->|\"schema rsql_blog\"| w0_j1"));
}

#[test]
fn catalog_init_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_jobs(
        d,
        &[
            ("fw/01_schema.sh", "CREATE SCHEMA IF NOT EXISTS mart;"),
            ("fw/02_table.sh", "CREATE TABLE mart.sales (a int);"),
            (
                "fw/sub/03_load.sh",
                "INSERT INTO mart.sales SELECT * FROM stg.pos;",
            ),
        ],
    );
    write(d, "fw/04_report.rsql", "SELECT * FROM mart.sales;\n");
    write(d, "fw/notes.txt", "not a job\n");
    catalog_init(d, "fw", "nightly")
        .success()
        .stdout(contains("created cat/catalog.yaml"))
        .stdout(contains(
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
    graph(d, &["cat", "--check"]).success().stdout(contains(
        "1. sequential: 01_schema.sh, 02_table.sh, 03_load.sh, 04_report.rsql\n",
    ));
    // An existing workflow is never overwritten.
    catalog_init(d, "fw", "nightly")
        .code(2)
        .stderr(contains("already exists"));
    // Identical scripts may be shared by a second workflow; a different one of the same name
    // is refused before anything is written.
    catalog_init(d, "fw", "again")
        .success()
        .stdout(contains("copied 0 job script(s)"));
    write(d, "fw/04_report.rsql", "SELECT 2;\n");
    catalog_init(d, "fw", "third")
        .code(2)
        .stderr(contains("04_report.rsql"));
    assert!(!d.join("cat/workflows/third.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(d.join("cat/jobs/04_report.rsql")).unwrap(),
        "SELECT * FROM mart.sales;\n"
    );
    // Names the framework cannot run are refused.
    write(d, "bad/my job.sh", &job("SELECT 1;"));
    catalog_init(d, "bad", "w")
        .code(2)
        .stderr(contains("my job.sh"));
    catalog_init(d, "fw", "bad id").code(2);
}
