//! `publish` against a real local AWS API (moto): exact item shape, idempotence, minimal
//! updates, conflicts and pruning.

mod support;

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue;
use rsqlmig::aws::Clients;
use rsqlmig::publish::bootstrap::{bootstrap, framework_tables};
use rsqlmig::publish::item::{Job, Stage, Workflow};
use rsqlmig::publish::{Request, publish};
use support::moto::Moto;

const CONFIG: &str = "rsql-blog-rsql-config-table";

fn workflow(id: &str, scripts: &[&str]) -> Workflow {
    Workflow {
        workflow_id: id.into(),
        description: Some(format!("{id} for tests")),
        stages: vec![
            Stage {
                execution_flag: "y".into(),
                execution_type: "sequential".into(),
                scripts: vec![scripts[0].into()],
            },
            Stage {
                execution_flag: "y".into(),
                execution_type: "parallel".into(),
                scripts: scripts[1..].iter().map(|s| s.to_string()).collect(),
            },
        ],
        jobs: scripts
            .iter()
            .map(|s| Job {
                script: s.to_string(),
                depends_on: vec![],
                enabled: true,
            })
            .collect(),
    }
}

fn request(bucket: &str, workflows: Vec<Workflow>, scripts: &[(&str, &str)]) -> Request {
    Request {
        bucket: bucket.into(),
        key_prefix: "rsql_scripts/".into(),
        config_table: CONFIG.into(),
        catalog: "test-catalog".into(),
        workflows,
        scripts: scripts
            .iter()
            .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
            .collect::<BTreeMap<_, _>>(),
        dry_run: false,
        prune: false,
        pause_before_write: None,
    }
}

fn calls(ops: &[(&str, usize)]) -> BTreeMap<String, usize> {
    ops.iter().map(|(op, n)| (op.to_string(), *n)).collect()
}

fn setup(bucket: &str) -> (Moto, Clients) {
    let moto = Moto::start();
    let c = moto.clients();
    rsqlmig::aws::block_on(async {
        let tables = framework_tables(
            CONFIG,
            "rsql-blog-rsql-workflow-audit-table",
            "rsql-blog-rsql-job-audit-table",
        );
        let first = bootstrap(&c, bucket, &tables).await.unwrap();
        assert_eq!(first.created.len(), 4);
        let again = bootstrap(&c, bucket, &tables).await.unwrap();
        assert!(again.created.is_empty(), "bootstrap is idempotent");
        assert_eq!(again.found.len(), 4);
    })
    .unwrap();
    (moto, c)
}

#[test]
fn publish_writes_the_framework_shape_and_is_idempotent() {
    let (_moto, c) = setup("scripts");
    let scripts = [
        ("a.sh", "echo a\n"),
        ("b.sh", "echo b\n"),
        ("c.sh", "echo c\n"),
    ];
    let req = request(
        "scripts",
        vec![workflow("wf1", &["a.sh", "b.sh", "c.sh"])],
        &scripts,
    );
    rsqlmig::aws::block_on(async {
        let first = publish(&c, &req).await.unwrap();
        assert_eq!(first.objects.uploaded, vec!["a.sh", "b.sh", "c.sh"]);
        assert_eq!(first.items.created, vec!["wf1"]);
        // Every request, counted by the clients' interceptor: one listing of the prefix, one
        // batch read, three uploads and the manifest, one transaction.
        assert_eq!(
            first.api_calls,
            calls(&[
                ("DynamoDB.BatchGetItem", 1),
                ("DynamoDB.TransactWriteItems", 1),
                ("S3.ListObjectsV2", 1),
                ("S3.PutObject", 4),
            ])
        );

        // Read the item back with a plain client and check every attribute's type.
        let item = c
            .dynamodb
            .get_item()
            .table_name(CONFIG)
            .key("workflow_id", AttributeValue::S("wf1".into()))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
            .unwrap();
        let stages = item["workflow_stages"]
            .as_l()
            .expect("workflow_stages is a List");
        assert_eq!(stages.len(), 2);
        for stage in stages {
            let m = stage.as_m().expect("a stage is a Map");
            let mut keys: Vec<_> = m.keys().map(String::as_str).collect();
            keys.sort();
            assert_eq!(keys, vec!["execution_flag", "execution_type", "scripts"]);
            assert_eq!(m["execution_flag"].as_s().unwrap(), "y");
            assert!(
                m["scripts"]
                    .as_l()
                    .expect("scripts is a List, not a set")
                    .iter()
                    .all(|s| s.is_s())
            );
        }
        assert_eq!(
            stages[1].as_m().unwrap()["execution_type"].as_s().unwrap(),
            "parallel"
        );
        assert!(
            item.values().all(|v| !v.is_n()),
            "no Number at the top level either"
        );
        assert!(item["rsqlmig_digest"].is_s() && item["rsqlmig_jobs"].is_l());

        // Objects hold the exact bytes and their hash.
        let mut stamps = Vec::new();
        for (name, body) in scripts {
            let obj =
                c.s3.get_object()
                    .bucket("scripts")
                    .key(format!("rsql_scripts/{name}"))
                    .send()
                    .await
                    .unwrap();
            stamps.push((
                obj.e_tag().map(str::to_string),
                obj.last_modified().cloned(),
            ));
            assert!(obj.metadata().unwrap().contains_key("sha256"));
            assert_eq!(
                obj.body.collect().await.unwrap().into_bytes().as_ref(),
                body.as_bytes()
            );
        }

        // Again: nothing written.
        let again = publish(&c, &req).await.unwrap();
        assert!(again.objects.uploaded.is_empty());
        assert_eq!(again.items.unchanged, vec!["wf1"]);
        // Read-only, and no read per script: the listing's ETags vouch for the objects.
        assert_eq!(
            again.api_calls,
            calls(&[("DynamoDB.BatchGetItem", 1), ("S3.ListObjectsV2", 1)])
        );
        for ((name, _), stamp) in scripts.iter().zip(stamps) {
            let head =
                c.s3.head_object()
                    .bucket("scripts")
                    .key(format!("rsql_scripts/{name}"))
                    .send()
                    .await
                    .unwrap();
            assert_eq!(
                (
                    head.e_tag().map(str::to_string),
                    head.last_modified().cloned()
                ),
                stamp
            );
        }

        // One script changes: one upload, one item update.
        let changed = request(
            "scripts",
            vec![workflow("wf1", &["a.sh", "b.sh", "c.sh"])],
            &[
                ("a.sh", "echo a\n"),
                ("b.sh", "echo B2\n"),
                ("c.sh", "echo c\n"),
            ],
        );
        let third = publish(&c, &changed).await.unwrap();
        assert_eq!(third.objects.uploaded, vec!["b.sh"]);
        assert_eq!(third.items.updated, vec!["wf1"]);
        assert_eq!(third.api_calls.get("DynamoDB.TransactWriteItems"), Some(&1));
        assert_eq!(
            third.api_calls.get("S3.PutObject"),
            Some(&2),
            "b.sh and the manifest"
        );
        // The digests are read first; the whole item only for the diff of the one that changed.
        assert_eq!(third.api_calls.get("DynamoDB.BatchGetItem"), Some(&2));
        let diff = third.workflows[0].diff.as_deref().unwrap();
        let sha = rsqlmig::publish::item::sha256_hex;
        assert!(
            diff.lines()
                .any(|l| l.starts_with('-') && l.contains(&sha(b"echo b\n"))),
            "{diff}"
        );
        assert!(
            diff.lines()
                .any(|l| l.starts_with('+') && l.contains(&sha(b"echo B2\n"))),
            "{diff}"
        );
    })
    .unwrap();
}

#[test]
fn dry_run_writes_nothing_and_shows_the_item_diff() {
    let (_moto, c) = setup("dry");
    let mut req = request(
        "dry",
        vec![workflow("wf2", &["a.sh", "b.sh"])],
        &[("a.sh", "1"), ("b.sh", "2")],
    );
    req.dry_run = true;
    rsqlmig::aws::block_on(async {
        let plan = publish(&c, &req).await.unwrap();
        assert_eq!(plan.objects.uploaded, vec!["a.sh", "b.sh"]);
        assert_eq!(plan.items.created, vec!["wf2"]);
        let diff = plan.workflows[0].diff.as_deref().unwrap();
        assert!(diff.contains("+workflow_stages:"), "{diff}");
        assert_eq!(
            plan.api_calls,
            calls(&[("DynamoDB.BatchGetItem", 1), ("S3.ListObjectsV2", 1)]),
            "a dry run only reads"
        );
        let listed = c.s3.list_objects_v2().bucket("dry").send().await.unwrap();
        assert_eq!(listed.key_count(), Some(0));
        let scan = c.dynamodb.scan().table_name(CONFIG).send().await.unwrap();
        assert_eq!(scan.count(), 0);
    })
    .unwrap();
}

/// Writes `body` as a one-part multipart upload: its ETag is not the MD5 of the bytes.
async fn multipart_put(c: &Clients, bucket: &str, key: &str, body: &str, sha256: Option<String>) {
    use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
    let upload = c
        .s3
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .set_metadata(sha256.map(|s| std::collections::HashMap::from([("sha256".to_string(), s)])))
        .send()
        .await
        .unwrap();
    let id = upload.upload_id().unwrap();
    let part =
        c.s3.upload_part()
            .bucket(bucket)
            .key(key)
            .upload_id(id)
            .part_number(1)
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .unwrap();
    c.s3.complete_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .parts(
                    CompletedPart::builder()
                        .part_number(1)
                        .set_e_tag(part.e_tag().map(str::to_string))
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
}

#[test]
fn objects_whose_etag_is_no_md5_are_checked_by_their_hash_metadata() {
    let (_moto, c) = setup("heads");
    let req = request(
        "heads",
        vec![workflow("wf5", &["a.sh", "b.sh"])],
        &[("a.sh", "echo a\n"), ("b.sh", "echo b\n")],
    );
    rsqlmig::aws::block_on(async {
        publish(&c, &req).await.unwrap();
        // The same bytes again, as multipart uploads (like SSE-KMS, an ETag that is no MD5):
        // a.sh with rsqlmig's hash metadata, b.sh without.
        let sha = rsqlmig::publish::item::sha256_hex(b"echo a\n");
        multipart_put(&c, "heads", "rsql_scripts/a.sh", "echo a\n", Some(sha)).await;
        multipart_put(&c, "heads", "rsql_scripts/b.sh", "echo b\n", None).await;
        let again = publish(&c, &req).await.unwrap();
        assert_eq!(again.objects.unchanged, vec!["a.sh"]);
        assert_eq!(again.objects.uploaded, vec!["b.sh"]);
        assert_eq!(again.items.unchanged, vec!["wf5"]);
        assert_eq!(
            again.api_calls,
            calls(&[
                ("DynamoDB.BatchGetItem", 1),
                ("S3.HeadObject", 2),
                ("S3.ListObjectsV2", 1),
                ("S3.PutObject", 1),
            ])
        );
    })
    .unwrap();
}

/// The config item of `workflow_id`, read consistently.
fn config_item(
    c: &rsqlmig::aws::Clients,
    workflow_id: &str,
) -> Option<std::collections::HashMap<String, AttributeValue>> {
    rsqlmig::aws::block_on(async {
        c.dynamodb
            .get_item()
            .table_name(CONFIG)
            .key("workflow_id", AttributeValue::S(workflow_id.into()))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
    })
    .unwrap()
}

#[test]
fn a_concurrent_publish_is_a_conflict_and_the_item_stays_intact() {
    let (_moto, c) = setup("race");
    let base = request(
        "race",
        vec![workflow("wf3", &["a.sh", "b.sh"])],
        &[("a.sh", "1"), ("b.sh", "2")],
    );
    rsqlmig::aws::block_on(async { publish(&c, &base).await.unwrap() }).unwrap();
    // Two publishes read the same state; the slow one writes second and must lose.
    // The slow one also creates wf4, in the same transaction as its conflicting wf3.
    let mut slow = request(
        "race",
        vec![
            workflow("wf3", &["a.sh", "b.sh"]),
            workflow("wf4", &["b.sh"]),
        ],
        &[("a.sh", "slow"), ("b.sh", "2")],
    );
    slow.pause_before_write = Some(std::time::Duration::from_millis(1500));
    let fast = request(
        "race",
        vec![workflow("wf3", &["a.sh", "b.sh"])],
        &[("a.sh", "fast"), ("b.sh", "2")],
    );
    let report = rsqlmig::aws::block_on(async {
        let c2 = c.clone();
        let slow_task = tokio::spawn(async move { publish(&c2, &slow).await.unwrap() });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let fast_report = publish(&c, &fast).await.unwrap();
        assert_eq!(fast_report.items.updated, vec!["wf3"]);
        slow_task.await.unwrap()
    })
    .unwrap();
    assert_eq!(report.conflicts, vec!["wf3"]);
    assert!(report.items.updated.is_empty());
    // The conflict cancelled the whole transaction; wf4 went again on its own.
    assert_eq!(report.items.created, vec!["wf4"]);
    assert!(config_item(&c, "wf4").is_some(), "wf4 was written");
    // The winner's item is intact.
    let digest_now = config_item(&c, "wf3").unwrap()["rsqlmig_jobs"].clone();
    assert!(format!("{digest_now:?}").contains(&rsqlmig::publish::item::sha256_hex(b"fast")));
}

#[test]
fn prune_removes_what_this_catalog_no_longer_has() {
    let (_moto, c) = setup("prune");
    let both = request(
        "prune",
        vec![
            workflow("keep", &["a.sh", "b.sh"]),
            workflow("gone", &["c.sh", "d.sh"]),
        ],
        &[("a.sh", "1"), ("b.sh", "2"), ("c.sh", "3"), ("d.sh", "4")],
    );
    rsqlmig::aws::block_on(async { publish(&c, &both).await.unwrap() }).unwrap();
    let mut one = request(
        "prune",
        vec![workflow("keep", &["a.sh", "b.sh"])],
        &[("a.sh", "1"), ("b.sh", "2")],
    );
    let report = rsqlmig::aws::block_on(async { publish(&c, &one).await.unwrap() }).unwrap();
    assert!(
        report.items.deleted.is_empty(),
        "nothing is pruned unless asked"
    );
    one.prune = true;
    let report = rsqlmig::aws::block_on(async { publish(&c, &one).await.unwrap() }).unwrap();
    assert_eq!(report.items.deleted, vec!["gone"]);
    assert_eq!(report.objects.deleted, vec!["c.sh", "d.sh"]);
    let keys = rsqlmig::aws::block_on(async {
        c.s3.list_objects_v2()
            .bucket("prune")
            .send()
            .await
            .unwrap()
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect::<Vec<_>>()
    })
    .unwrap();
    assert_eq!(
        keys,
        vec![
            "rsql_scripts/_rsqlmig/test-catalog/keep.json",
            "rsql_scripts/a.sh",
            "rsql_scripts/b.sh"
        ]
    );
}
