//! `rsqlmig bootstrap` and `rsqlmig publish` through the binary, against moto.

mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use support::moto::Moto;

fn rsqlmig(moto: &Moto) -> Command {
    let mut cmd = Command::cargo_bin("rsqlmig").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    moto.configure(&mut cmd);
    cmd
}

fn json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn bootstrap_then_publish_the_example_catalog() {
    let moto = Moto::start();
    rsqlmig(&moto)
        .args(["bootstrap", "catalog"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created table rsql-blog-rsql-config-table",
        ));
    rsqlmig(&moto)
        .args(["bootstrap", "catalog"])
        .assert()
        .success()
        .stdout(predicate::str::contains("found bucket"));

    let plan = json(rsqlmig(&moto).args([
        "publish",
        "catalog",
        "--workflow",
        "blog_test_workflow",
        "--dry-run",
        "--format",
        "json",
    ]));
    assert_eq!(
        plan["items"]["created"],
        serde_json::json!(["blog_test_workflow"])
    );
    assert_eq!(plan["objects"]["uploaded"].as_array().unwrap().len(), 6);

    let first = json(rsqlmig(&moto).args([
        "publish",
        "catalog",
        "--workflow",
        "blog_test_workflow",
        "--format",
        "json",
    ]));
    assert_eq!(first["objects"]["uploaded"].as_array().unwrap().len(), 6);
    assert_eq!(
        first["items"]["created"],
        serde_json::json!(["blog_test_workflow"])
    );
    // The stages the graph compiled are what the item holds.
    let stages = rsqlmig::aws::block_on(async {
        let env = moto.env();
        for (k, v) in &env {
            unsafe { std::env::set_var(k, v) };
        }
        let clients = rsqlmig::aws::Clients::new(&Default::default(), None)
            .await
            .unwrap();
        let item = clients
            .dynamodb
            .get_item()
            .table_name("rsql-blog-rsql-config-table")
            .key(
                "workflow_id",
                aws_sdk_dynamodb::types::AttributeValue::S("blog_test_workflow".into()),
            )
            .send()
            .await
            .unwrap()
            .item
            .unwrap();
        item["workflow_stages"]
            .as_l()
            .unwrap()
            .iter()
            .map(|s| {
                let m = s.as_m().unwrap();
                let scripts: Vec<String> = m["scripts"]
                    .as_l()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_s().unwrap().clone())
                    .collect();
                format!(
                    "{}:{}:{}",
                    m["execution_flag"].as_s().unwrap(),
                    m["execution_type"].as_s().unwrap(),
                    scripts.join(",")
                )
            })
            .collect::<Vec<_>>()
    })
    .unwrap();
    assert_eq!(
        stages,
        vec![
            "y:sequential:rsql_blog_script_1.sh,rsql_blog_script_2.sh",
            "y:parallel:rsql_blog_script_3.sh,rsql_blog_script_4.sh,rsql_blog_script_5.sh,rsql_blog_script_6.sh",
        ]
    );

    let again = json(rsqlmig(&moto).args([
        "publish",
        "catalog",
        "--workflow",
        "blog_test_workflow",
        "--format",
        "json",
    ]));
    assert_eq!(again["objects"]["uploaded"], serde_json::json!([]));
    assert_eq!(
        again["items"]["unchanged"],
        serde_json::json!(["blog_test_workflow"])
    );
    // The first publish counted its writes; the second only read.
    assert_eq!(
        first["api_calls"]["S3.PutObject"], 7,
        "6 scripts + the manifest"
    );
    assert_eq!(first["api_calls"]["DynamoDB.TransactWriteItems"], 1);
    assert_eq!(
        again["api_calls"],
        serde_json::json!({"DynamoDB.BatchGetItem": 1, "S3.ListObjectsV2": 1})
    );
}

/// A catalog in `dir` with `catalog.yaml` and one workflow file `wf.yaml`.
fn catalog_dir(dir: &std::path::Path, settings: &str, workflow: &str) {
    std::fs::create_dir_all(dir.join("workflows")).unwrap();
    std::fs::create_dir_all(dir.join("jobs")).unwrap();
    std::fs::write(dir.join("catalog.yaml"), settings).unwrap();
    std::fs::write(dir.join("workflows/wf.yaml"), workflow).unwrap();
}

#[test]
fn an_invalid_catalog_writes_nothing() {
    let moto = Moto::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    catalog_dir(
        dir,
        "aws:\n  bucket: never-created\n",
        "workflow_id: wf\njobs:\n  - script: missing.sh\n",
    );
    rsqlmig(&moto)
        .args(["publish", dir.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("missing.sh"))
        .stderr(predicate::str::contains("nothing published"));
    // No bucket was created and no table exists.
    let (buckets, tables) = rsqlmig::aws::block_on(async {
        for (k, v) in moto.env() {
            unsafe { std::env::set_var(k, v) };
        }
        let c = rsqlmig::aws::Clients::new(&Default::default(), None)
            .await
            .unwrap();
        (
            c.s3.list_buckets().send().await.unwrap().buckets().len(),
            c.dynamodb
                .list_tables()
                .send()
                .await
                .unwrap()
                .table_names()
                .len(),
        )
    })
    .unwrap();
    assert_eq!((buckets, tables), (0, 0));
}

#[test]
fn a_job_script_with_lint_errors_is_not_published() {
    let moto = Moto::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    catalog_dir(
        dir,
        "aws:\n  bucket: never-created\n",
        "workflow_id: wf\njobs:\n  - script: job.sh\n",
    );
    // A BTEQ leftover and a backward jump: errors at lint level.
    std::fs::write(
        dir.join("jobs/job.sh"),
        "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\n\\label again\nSEL 1;\n\\goto again\nEOF\nrc=$?\nexit $rc\n",
    )
    .unwrap();
    rsqlmig(&moto)
        .args(["publish", dir.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("job.sh:6:1: error"))
        .stderr(predicate::str::contains("nothing published"));
}

#[test]
fn job_scripts_sh_cannot_run_are_not_published() {
    let moto = Moto::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    catalog_dir(
        dir,
        "aws:\n  bucket: never-created\n",
        "workflow_id: wf\njobs:\n  - script: crlf.sh\n  - script: wide.sh\n",
    );
    let job = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\nSELECT 1;\nEOF\nrc=$?\nexit $rc\n";
    std::fs::write(dir.join("jobs/crlf.sh"), job.replace('\n', "\r\n")).unwrap();
    let utf16: Vec<u8> = std::iter::once(0xFEFFu16)
        .chain(job.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(dir.join("jobs/wide.sh"), utf16).unwrap();
    rsqlmig(&moto)
        .args(["publish", dir.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("crlf.sh:1:12: error IO006"))
        .stderr(predicate::str::contains(
            "wide.sh:1:1: error IO005: the script is UTF-16LE",
        ))
        .stderr(predicate::str::contains("nothing published"));
}

#[test]
fn prune_needs_the_whole_catalog() {
    let moto = Moto::start();
    rsqlmig(&moto)
        .args([
            "publish",
            "catalog",
            "--workflow",
            "blog_test_workflow",
            "--prune",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--prune"));
}

#[test]
fn catalogs_with_their_own_names_do_not_prune_each_other() {
    let moto = Moto::start();
    let tmp = tempfile::tempdir().unwrap();
    // Two teams, each with a directory called `catalog`, publishing to one table.
    let team = |team: &str, workflow: &str| {
        let dir = tmp.path().join(team).join("catalog");
        std::fs::create_dir_all(dir.join("workflows")).unwrap();
        std::fs::create_dir_all(dir.join("jobs")).unwrap();
        std::fs::write(dir.join("catalog.yaml"), format!("name: {team}\n")).unwrap();
        std::fs::write(
            dir.join(format!("workflows/{workflow}.yaml")),
            format!("workflow_id: {workflow}\njobs:\n  - script: {workflow}_job.sh\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("jobs/{workflow}_job.sh")),
            "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\nSELECT 1;\nEOF\nrc=$?\nexit $rc\n",
        )
        .unwrap();
        dir.to_str().unwrap().to_string()
    };
    let (a, b) = (team("team_a", "wf_a"), team("team_b", "wf_b"));
    rsqlmig(&moto).args(["bootstrap", &a]).assert().success();
    rsqlmig(&moto).args(["publish", &a]).assert().success();
    rsqlmig(&moto).args(["publish", &b]).assert().success();
    let plan =
        json(rsqlmig(&moto).args(["publish", &b, "--prune", "--dry-run", "--format", "json"]));
    assert_eq!(plan["items"]["deleted"], serde_json::json!([]));
    assert_eq!(plan["objects"]["deleted"], serde_json::json!([]));
}
