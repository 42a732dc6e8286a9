//! `publish`: job scripts to S3, workflow config items to the framework's DynamoDB table.
//!
//! Order and safety: read the current state first (object hashes, items); write scripts first,
//! then config items, so an item never names a missing script; write an item only when its
//! digest changed, conditionally on the digest read before, so a concurrent publish is reported
//! as a conflict instead of being overwritten.

pub mod bootstrap;
pub mod item;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, KeysAndAttributes, Put, TransactWriteItem};
use aws_sdk_s3::primitives::ByteStream;
use serde::Serialize;

use crate::aws::{Clients, describe};
use item::{ScriptHash, Workflow, attr};

/// Uploads in flight at once.
const UPLOAD_CONCURRENCY: usize = 8;
/// BatchGetItem takes at most 100 keys.
const BATCH_GET_LIMIT: usize = 100;
/// Writes per TransactWriteItems call (the call takes 100; 25 keeps each transaction small and
/// matches the classic batch-write limit).
const WRITE_CHUNK: usize = 25;
/// Scripts per page of the prefix listing publish reads at most (a page is 1,000 objects): past
/// that, HeadObject per script is cheaper.
const SCRIPTS_PER_LIST_PAGE: usize = 4;
/// Attempts for keys a batch read leaves unprocessed.
const MAX_ATTEMPTS: u32 = 8;
/// Test hook for the CLI: milliseconds to wait between reading the state and writing.
pub const PAUSE_ENV: &str = "RSQLMIG_TEST_PAUSE_BEFORE_WRITE_MS";
/// Object metadata key holding a script's SHA-256.
const HASH_METADATA: &str = "sha256";

/// Where to publish and what.
pub struct Request {
    pub bucket: String,
    pub key_prefix: String,
    pub config_table: String,
    /// Identifies the catalog the items and manifests belong to (for `--prune`).
    pub catalog: String,
    pub workflows: Vec<Workflow>,
    /// Script name → content, for every script the workflows name.
    pub scripts: BTreeMap<String, Vec<u8>>,
    pub dry_run: bool,
    pub prune: bool,
    /// Wait between reading the state and writing (tests use it to make two publishes race;
    /// the CLI takes it from [`PAUSE_ENV`]).
    pub pause_before_write: Option<Duration>,
}

#[derive(Debug, Default, Serialize)]
pub struct Objects {
    pub uploaded: Vec<String>,
    pub unchanged: Vec<String>,
    pub deleted: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Items {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
    pub deleted: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct WorkflowReport {
    pub workflow_id: String,
    /// created, updated, unchanged or conflict.
    pub status: String,
    pub digest: String,
    /// Unified diff of the item as YAML (old → new), for created and updated items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub dry_run: bool,
    pub objects: Objects,
    pub items: Items,
    pub workflows: Vec<WorkflowReport>,
    /// Workflows another publish changed between our read and our write.
    pub conflicts: Vec<String>,
    /// AWS requests sent through the clients while publishing, by `Service.Operation`
    /// ([`crate::aws::ApiCalls`]; requests of a concurrent use of the same clients count too).
    pub api_calls: BTreeMap<String, usize>,
}

struct Planned {
    workflow: Workflow,
    digest: String,
    item: HashMap<String, AttributeValue>,
    /// The digest on the item read before, or None when there was no item; Some("") for an item
    /// rsqlmig did not write.
    previous: Option<String>,
}

/// Publishes `req`; with `dry_run` only reads and reports the plan.
pub async fn publish(clients: &Clients, req: &Request) -> Result<Report> {
    let calls_before = clients.api_calls.snapshot();
    let mut report = Report {
        dry_run: req.dry_run,
        ..Report::default()
    };
    let hashes: Vec<ScriptHash> = req
        .scripts
        .iter()
        .map(|(name, bytes)| ScriptHash {
            name: name.clone(),
            sha256: item::sha256_hex(bytes),
        })
        .collect();

    // 1. Read: which objects differ, what items exist.
    let stored = stored_hashes(clients, req, &hashes).await?;
    let to_upload: Vec<&ScriptHash> = hashes
        .iter()
        .filter(|h| stored.get(&h.name).and_then(|s| s.as_deref()) != Some(h.sha256.as_str()))
        .collect();
    for h in &hashes {
        if !to_upload.iter().any(|u| u.name == h.name) {
            report.objects.unchanged.push(h.name.clone());
        }
    }
    let ids: Vec<String> = req
        .workflows
        .iter()
        .map(|w| w.workflow_id.clone())
        .collect();
    // The items' digests first (a small read); whole items only where the digest differs, for
    // the diff.
    let stored_digests = read_items(
        clients,
        &req.config_table,
        &ids,
        Some(&[attr::WORKFLOW_ID, attr::DIGEST]),
    )
    .await?;
    let fresh: Vec<(Vec<ScriptHash>, String, Option<String>)> = req
        .workflows
        .iter()
        .map(|workflow| {
            let own: Vec<ScriptHash> = hashes
                .iter()
                .filter(|h| workflow.jobs.iter().any(|j| j.script == h.name))
                .cloned()
                .collect();
            let digest = item::workflow_digest(workflow, &own);
            let previous = stored_digests.get(&workflow.workflow_id).map(|o| {
                o.get(attr::DIGEST)
                    .and_then(|v| v.as_s().ok())
                    .cloned()
                    .unwrap_or_default()
            });
            (own, digest, previous)
        })
        .collect();
    let stale: Vec<String> = req
        .workflows
        .iter()
        .zip(&fresh)
        .filter(|(_, (_, digest, previous))| previous.as_ref().is_some_and(|p| p != digest))
        .map(|(w, _)| w.workflow_id.clone())
        .collect();
    let existing = read_items(clients, &req.config_table, &stale, None).await?;
    let published_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut planned = Vec::new();
    for (workflow, (own, digest, previous)) in req.workflows.iter().zip(fresh) {
        let new_item = item::to_item(workflow, &own, &req.catalog, &digest, &published_at);
        let old = existing.get(&workflow.workflow_id);
        let status = match &previous {
            Some(d) if *d == digest => "unchanged",
            Some(_) => "updated",
            None => "created",
        };
        let diff = (status != "unchanged").then(|| {
            let old_yaml = old.map(item::to_yaml).unwrap_or_default();
            crate::render::unified_diff(
                &old_yaml,
                &item::to_yaml(&new_item),
                &format!("{}/{} (current)", req.config_table, workflow.workflow_id),
                &format!("{}/{} (published)", req.config_table, workflow.workflow_id),
            )
        });
        report.workflows.push(WorkflowReport {
            workflow_id: workflow.workflow_id.clone(),
            status: status.to_string(),
            digest: digest.clone(),
            diff,
        });
        match status {
            "unchanged" => report.items.unchanged.push(workflow.workflow_id.clone()),
            _ => planned.push(Planned {
                workflow: workflow.clone(),
                digest,
                item: new_item,
                previous,
            }),
        }
    }
    let prune = if req.prune {
        plan_prune(clients, req, &ids).await?
    } else {
        Prune::default()
    };

    if req.dry_run {
        report.objects.uploaded = to_upload.iter().map(|h| h.name.clone()).collect();
        for p in &planned {
            match p.previous {
                Some(_) => report.items.updated.push(p.workflow.workflow_id.clone()),
                None => report.items.created.push(p.workflow.workflow_id.clone()),
            }
        }
        report.items.deleted = prune.items;
        report.objects.deleted = prune.objects;
        report.api_calls = clients.api_calls.since(&calls_before);
        return Ok(report);
    }
    if let Some(pause) = req.pause_before_write {
        tokio::time::sleep(pause).await;
    }

    // 2. Scripts first, so no item ever names a missing script.
    report.objects.uploaded = upload(clients, req, &to_upload).await?;

    // 3. Items, conditional on what was read.
    let written = write_items(clients, &req.config_table, &planned, &mut report).await?;
    for p in planned
        .iter()
        .filter(|p| written.contains(&p.workflow.workflow_id))
    {
        match p.previous {
            Some(_) => report.items.updated.push(p.workflow.workflow_id.clone()),
            None => report.items.created.push(p.workflow.workflow_id.clone()),
        }
        write_manifest(clients, req, &p.workflow, &p.digest, &hashes).await?;
    }

    // 4. Prune what this catalog published before and no longer has.
    if req.prune {
        report.items.deleted =
            delete_items(clients, &req.config_table, &req.catalog, &prune.items).await?;
        report.objects.deleted = delete_objects(
            clients,
            &req.bucket,
            &req.key_prefix,
            &prune.objects,
            &prune.manifests,
        )
        .await?;
    }
    report.api_calls = clients.api_calls.since(&calls_before);
    Ok(report)
}

fn object_key(req: &Request, name: &str) -> String {
    format!("{}{name}", req.key_prefix)
}

/// Why the framework's `sh` cannot run the job script at `path`, as `file:line:col` lines: it
/// runs every job as `sh <script> …` on Linux, which cannot read UTF-16 or a byte-order mark and
/// reads a CR as part of each line (the secret's name becomes `$2\r`).
pub fn unrunnable_by_sh(path: &std::path::Path, decoded: &crate::text::Decoded) -> Vec<String> {
    let mut lines = Vec::new();
    if decoded.encoding != crate::text::Encoding::Utf8 {
        lines.push(format!(
            "{}:1:1: error IO005: the script is {}: the framework runs it with sh, which needs \
UTF-8 without a byte-order mark (`rsqlmig convert --target framework` writes it so)",
            path.display(),
            decoded.encoding.name()
        ));
    }
    if let Some(cr) = memchr::memchr(b'\r', decoded.text.as_bytes()) {
        let line = 1 + memchr::memchr_iter(b'\n', &decoded.text.as_bytes()[..cr]).count();
        let column = cr - decoded.text[..cr].rfind('\n').map_or(0, |nl| nl + 1) + 1;
        lines.push(format!(
            "{}:{line}:{column}: error IO006: CR line ending: sh reads the CR as part of the \
line; save the script with LF line endings (`rsqlmig convert --target framework` writes them)",
            path.display()
        ));
    }
    lines
}

fn manifest_prefix(key_prefix: &str, catalog: &str) -> String {
    format!("{key_prefix}_rsqlmig/{catalog}/")
}

/// The SHA-256 of what each script's object holds (`None`: no object, or no hash).
///
/// One listing of the prefix (a call per 1,000 objects) says which objects exist and gives their
/// ETags; an object whose ETag is the MD5 of the script's bytes (any single-part upload without
/// SSE-KMS or SSE-C) holds exactly those bytes. Only the other objects are read with HeadObject
/// for the `sha256` metadata rsqlmig stores, 8 at a time.
async fn stored_hashes(
    clients: &Clients,
    req: &Request,
    hashes: &[ScriptHash],
) -> Result<HashMap<String, Option<String>>> {
    let listing = list_objects(clients, req, hashes.len().div_ceil(SCRIPTS_PER_LIST_PAGE)).await?;
    let mut out = HashMap::new();
    let mut unknown = Vec::new();
    for h in hashes {
        match listing.etags.get(&object_key(req, &h.name)) {
            Some(etag) if etag.trim_matches('"') == md5_hex(&req.scripts[&h.name]) => {
                out.insert(h.name.clone(), Some(h.sha256.clone()));
            }
            None if listing.complete => {
                out.insert(h.name.clone(), None);
            }
            _ => unknown.push(h),
        }
    }
    let semaphore = Arc::new(tokio::sync::Semaphore::new(UPLOAD_CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for h in unknown {
        let s3 = clients.s3.clone();
        let (bucket, key, name) = (req.bucket.clone(), object_key(req, &h.name), h.name.clone());
        let permit = semaphore.clone();
        tasks.spawn(async move {
            let _permit = permit.acquire_owned().await;
            match s3.head_object().bucket(&bucket).key(&key).send().await {
                Ok(out) => Ok((
                    name,
                    out.metadata().and_then(|m| m.get(HASH_METADATA).cloned()),
                )),
                Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => {
                    Ok((name, None))
                }
                Err(e) => Err(anyhow!("s3://{bucket}/{key}: {}", describe(&e))),
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let (name, hash) = joined.context("a read task failed")??;
        out.insert(name, hash);
    }
    Ok(out)
}

/// The objects directly under the key prefix, by key.
#[derive(Default)]
struct Listing {
    etags: HashMap<String, String>,
    /// Every object was listed: a key not in `etags` has no object.
    complete: bool,
}

/// Lists the key prefix (`/` as delimiter: the manifests' folder is not descended into), at most
/// `max_pages` pages, so that a prefix shared with many other objects costs no more calls than
/// reading a few scripts' heads would. A listing the caller may not make (no `s3:ListBucket`)
/// is an empty, incomplete one: every script is then read with HeadObject.
async fn list_objects(clients: &Clients, req: &Request, max_pages: usize) -> Result<Listing> {
    let mut listing = Listing::default();
    let mut token = None;
    for _ in 0..max_pages.max(1) {
        let resp = match clients
            .s3
            .list_objects_v2()
            .bucket(&req.bucket)
            .prefix(&req.key_prefix)
            .delimiter("/")
            .set_continuation_token(token)
            .send()
            .await
        {
            Ok(resp) => resp,
            Err(e) if e.as_service_error().is_some() => return Ok(Listing::default()),
            Err(e) => bail!(
                "listing s3://{}/{}: {}",
                req.bucket,
                req.key_prefix,
                describe(&e)
            ),
        };
        for object in resp.contents() {
            if let (Some(key), Some(etag)) = (object.key(), object.e_tag()) {
                listing.etags.insert(key.to_string(), etag.to_string());
            }
        }
        token = resp.next_continuation_token().map(str::to_string);
        if token.is_none() {
            listing.complete = true;
            break;
        }
    }
    Ok(listing)
}

fn md5_hex(bytes: &[u8]) -> String {
    use md5::Digest;
    md5::Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn upload(
    clients: &Clients,
    req: &Request,
    to_upload: &[&ScriptHash],
) -> Result<Vec<String>> {
    let bar = (crate::cli::stderr_is_terminal() && to_upload.len() > 1)
        .then(|| crate::render::progress_bar(to_upload.len() as u64, "uploading"));
    let semaphore = Arc::new(tokio::sync::Semaphore::new(UPLOAD_CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for h in to_upload {
        let s3 = clients.s3.clone();
        let (bucket, key, name, sha) = (
            req.bucket.clone(),
            object_key(req, &h.name),
            h.name.clone(),
            h.sha256.clone(),
        );
        let body = req.scripts[&h.name].clone();
        let permit = semaphore.clone();
        tasks.spawn(async move {
            let _permit = permit.acquire_owned().await;
            s3.put_object()
                .bucket(&bucket)
                .key(&key)
                .body(ByteStream::from(body))
                .content_type("text/x-shellscript")
                .metadata(HASH_METADATA, sha)
                .send()
                .await
                .map_err(|e| anyhow!("uploading s3://{bucket}/{key}: {}", describe(&e)))?;
            Ok::<_, anyhow::Error>(name)
        });
    }
    let mut uploaded = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        uploaded.push(joined.context("an upload task failed")??);
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    uploaded.sort();
    Ok(uploaded)
}

/// The current items of `ids` (consistent reads, 100 keys per call, unprocessed keys retried
/// with backoff), with only `attributes` when given.
async fn read_items(
    clients: &Clients,
    table: &str,
    ids: &[String],
    attributes: Option<&[&str]>,
) -> Result<HashMap<String, HashMap<String, AttributeValue>>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(BATCH_GET_LIMIT) {
        let mut keys: Vec<HashMap<String, AttributeValue>> = chunk
            .iter()
            .map(|id| {
                HashMap::from([(attr::WORKFLOW_ID.to_string(), AttributeValue::S(id.clone()))])
            })
            .collect();
        let mut attempt = 0;
        while !keys.is_empty() {
            attempt += 1;
            if attempt > MAX_ATTEMPTS {
                bail!("{table}: reads still unprocessed after {MAX_ATTEMPTS} attempts");
            }
            let mut request = KeysAndAttributes::builder()
                .set_keys(Some(keys.clone()))
                .consistent_read(true);
            if let Some(attributes) = attributes {
                let names: Vec<String> = (0..attributes.len()).map(|i| format!("#a{i}")).collect();
                request = request.projection_expression(names.join(", "));
                for (name, attribute) in names.into_iter().zip(attributes) {
                    request = request.expression_attribute_names(name, *attribute);
                }
            }
            let request = request.build()?;
            let resp = clients
                .dynamodb
                .batch_get_item()
                .request_items(table, request)
                .send()
                .await
                .map_err(|e| anyhow!("reading {table}: {}", describe(&e)))?;
            for found in resp
                .responses()
                .and_then(|r| r.get(table))
                .into_iter()
                .flatten()
            {
                if let Some(AttributeValue::S(id)) = found.get(attr::WORKFLOW_ID) {
                    out.insert(id.clone(), found.clone());
                }
            }
            keys = resp
                .unprocessed_keys()
                .and_then(|u| u.get(table))
                .map(|k| k.keys().to_vec())
                .unwrap_or_default();
            if !keys.is_empty() {
                tokio::time::sleep(backoff(attempt)).await;
            }
        }
    }
    Ok(out)
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(50 * 2u64.pow(attempt.min(6)))
}

/// Writes the planned items in transactions of [`WRITE_CHUNK`], each put conditional on the
/// state read before. Returns the ids written; conflicts go to the report.
async fn write_items(
    clients: &Clients,
    table: &str,
    planned: &[Planned],
    report: &mut Report,
) -> Result<BTreeSet<String>> {
    let mut written = BTreeSet::new();
    for chunk in planned.chunks(WRITE_CHUNK) {
        // A transaction cancelled by a conflict writes none of its items: the others go again
        // without the conflicting ones, until a transaction goes through.
        let mut pending: Vec<&Planned> = chunk.iter().collect();
        while !pending.is_empty() {
            let items: Vec<TransactWriteItem> = pending
                .iter()
                .map(|p| {
                    let mut put = Put::builder()
                        .table_name(table)
                        .set_item(Some(p.item.clone()));
                    put = match p.previous.as_deref() {
                        None => put.condition_expression("attribute_not_exists(workflow_id)"),
                        Some("") => put.condition_expression(
                            "attribute_exists(workflow_id) AND attribute_not_exists(rsqlmig_digest)",
                        ),
                        Some(old) => put
                            .condition_expression("rsqlmig_digest = :old")
                            .expression_attribute_values(
                                ":old",
                                AttributeValue::S(old.to_string()),
                            ),
                    };
                    Ok(TransactWriteItem::builder().put(put.build()?).build())
                })
                .collect::<Result<_>>()?;
            let e = match clients
                .dynamodb
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await
            {
                Ok(_) => {
                    written.extend(pending.iter().map(|p| p.workflow.workflow_id.clone()));
                    break;
                }
                Err(e) => e,
            };
            let canceled = e.as_service_error().and_then(|s| match s {
                aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(c) => Some(c),
                _ => None,
            });
            let Some(canceled) = canceled else {
                bail!("writing {table}: {}", describe(&e));
            };
            let conflicting: Vec<bool> = pending
                .iter()
                .enumerate()
                .map(|(k, _)| {
                    canceled
                        .cancellation_reasons()
                        .get(k)
                        .is_some_and(|r| r.code() == Some("ConditionalCheckFailed"))
                })
                .collect();
            if !conflicting.contains(&true) {
                bail!("writing {table}: {}", describe(&e));
            }
            for (p, _) in pending.iter().zip(&conflicting).filter(|(_, c)| **c) {
                report.conflicts.push(p.workflow.workflow_id.clone());
                if let Some(w) = report
                    .workflows
                    .iter_mut()
                    .find(|w| w.workflow_id == p.workflow.workflow_id)
                {
                    w.status = "conflict".to_string();
                }
            }
            pending = pending
                .into_iter()
                .zip(conflicting)
                .filter(|(_, c)| !c)
                .map(|(p, _)| p)
                .collect();
        }
    }
    Ok(written)
}

#[derive(Serialize)]
struct Manifest<'a> {
    catalog: &'a str,
    workflow_id: &'a str,
    digest: &'a str,
    rsqlmig_version: &'a str,
    scripts: BTreeMap<&'a str, &'a str>,
}

async fn write_manifest(
    clients: &Clients,
    req: &Request,
    workflow: &Workflow,
    digest: &str,
    hashes: &[ScriptHash],
) -> Result<()> {
    let scripts = hashes
        .iter()
        .filter(|h| workflow.jobs.iter().any(|j| j.script == h.name))
        .map(|h| (h.name.as_str(), h.sha256.as_str()))
        .collect();
    let manifest = Manifest {
        catalog: &req.catalog,
        workflow_id: &workflow.workflow_id,
        digest,
        rsqlmig_version: env!("CARGO_PKG_VERSION"),
        scripts,
    };
    let key = format!(
        "{}{}.json",
        manifest_prefix(&req.key_prefix, &req.catalog),
        workflow.workflow_id
    );
    clients
        .s3
        .put_object()
        .bucket(&req.bucket)
        .key(&key)
        .content_type("application/json")
        .metadata("digest", digest)
        .body(ByteStream::from(serde_json::to_vec_pretty(&manifest)?))
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "writing manifest s3://{}/{key}: {}",
                req.bucket,
                describe(&e)
            )
        })?;
    Ok(())
}

#[derive(Default)]
struct Prune {
    items: Vec<String>,
    objects: Vec<String>,
    manifests: Vec<String>,
}

/// What this catalog published before and no longer has: its items (by `rsqlmig_catalog`) for
/// workflows not in the catalog, and the scripts its manifests list that no workflow uses now.
async fn plan_prune(clients: &Clients, req: &Request, ids: &[String]) -> Result<Prune> {
    let mut prune = Prune::default();
    let mut start_key = None;
    loop {
        let resp = clients
            .dynamodb
            .scan()
            .table_name(&req.config_table)
            .filter_expression("rsqlmig_catalog = :c")
            .expression_attribute_values(":c", AttributeValue::S(req.catalog.clone()))
            .projection_expression("workflow_id")
            .set_exclusive_start_key(start_key)
            .send()
            .await
            .map_err(|e| anyhow!("scanning {}: {}", req.config_table, describe(&e)))?;
        for found in resp.items() {
            if let Some(AttributeValue::S(id)) = found.get(attr::WORKFLOW_ID)
                && !ids.contains(id)
            {
                prune.items.push(id.clone());
            }
        }
        start_key = resp.last_evaluated_key().cloned();
        if start_key.is_none() {
            break;
        }
    }
    let prefix = manifest_prefix(&req.key_prefix, &req.catalog);
    let mut listed = Vec::new();
    let mut token = None;
    loop {
        let resp = clients
            .s3
            .list_objects_v2()
            .bucket(&req.bucket)
            .prefix(&prefix)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| anyhow!("listing s3://{}/{prefix}: {}", req.bucket, describe(&e)))?;
        listed.extend(
            resp.contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_string)),
        );
        token = resp.next_continuation_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut old_scripts = BTreeSet::new();
    for key in &listed {
        let body = clients
            .s3
            .get_object()
            .bucket(&req.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| anyhow!("reading s3://{}/{key}: {}", req.bucket, describe(&e)))?
            .body
            .collect()
            .await?
            .into_bytes();
        let manifest: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if let Some(scripts) = manifest.get("scripts").and_then(|s| s.as_object()) {
            old_scripts.extend(scripts.keys().cloned());
        }
        let workflow = key.trim_start_matches(&prefix).trim_end_matches(".json");
        if !ids.iter().any(|id| id == workflow) {
            prune.manifests.push(key.clone());
        }
    }
    prune.objects = old_scripts
        .into_iter()
        .filter(|s| !req.scripts.contains_key(s))
        .collect();
    Ok(prune)
}

async fn delete_items(
    clients: &Clients,
    table: &str,
    catalog: &str,
    ids: &[String],
) -> Result<Vec<String>> {
    for chunk in ids.chunks(WRITE_CHUNK) {
        let items: Vec<TransactWriteItem> = chunk
            .iter()
            .map(|id| {
                let delete = Delete::builder()
                    .table_name(table)
                    .key(attr::WORKFLOW_ID, AttributeValue::S(id.clone()))
                    .condition_expression("rsqlmig_catalog = :c")
                    .expression_attribute_values(":c", AttributeValue::S(catalog.to_string()))
                    .build()?;
                Ok(TransactWriteItem::builder().delete(delete).build())
            })
            .collect::<Result<_>>()?;
        clients
            .dynamodb
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .map_err(|e| anyhow!("pruning {table}: {}", describe(&e)))?;
    }
    Ok(ids.to_vec())
}

async fn delete_objects(
    clients: &Clients,
    bucket: &str,
    key_prefix: &str,
    scripts: &[String],
    manifests: &[String],
) -> Result<Vec<String>> {
    let keys: Vec<String> = scripts
        .iter()
        .map(|s| format!("{key_prefix}{s}"))
        .chain(manifests.iter().cloned())
        .collect();
    for key in &keys {
        clients
            .s3
            .delete_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| anyhow!("deleting s3://{bucket}/{key}: {}", describe(&e)))?;
    }
    Ok(scripts.to_vec())
}
