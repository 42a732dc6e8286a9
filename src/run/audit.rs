//! The framework's audit tables (reference `framework.md` §1.3.2, §1.3.3): the workflow row
//! `run` writes in the trigger's place, the conditional updates that record how the execution
//! ended, and the job rows the framework's hosts write.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use chrono::{DateTime, Utc};

use super::time;
use crate::aws::{Clients, describe};

/// BatchGetItem takes at most 100 keys.
const BATCH_GET_LIMIT: usize = 100;
/// Attempts for keys a batch read leaves unprocessed, per poll.
const MAX_ATTEMPTS: u32 = 6;

pub const RUNNING: &str = "running";
pub const SUCCESSFUL: &str = "successful";
pub const FAILED: &str = "failed";

/// A workflow audit row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkflowRow {
    pub workflow_execution_id: String,
    pub workflow_id: String,
    pub rsql_jobs: Vec<String>,
    pub execution_status: Option<String>,
    pub execution_start_ts: Option<String>,
    pub execution_end_ts: Option<String>,
    pub error_message: Option<String>,
}

fn string(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(s)) => Some(s.clone()),
        Some(AttributeValue::N(n)) => Some(n.clone()),
        _ => None,
    }
}

impl WorkflowRow {
    pub fn from_item(item: &HashMap<String, AttributeValue>) -> WorkflowRow {
        let rsql_jobs = match item.get("rsql_jobs") {
            Some(AttributeValue::L(l)) => l.iter().filter_map(|v| v.as_s().ok().cloned()).collect(),
            Some(AttributeValue::Ss(ss)) => ss.clone(),
            _ => Vec::new(),
        };
        WorkflowRow {
            workflow_execution_id: string(item, "workflow_execution_id").unwrap_or_default(),
            workflow_id: string(item, "workflow_id").unwrap_or_default(),
            rsql_jobs,
            execution_status: string(item, "execution_status"),
            execution_start_ts: string(item, "execution_start_ts"),
            execution_end_ts: string(item, "execution_end_ts"),
            error_message: string(item, "error_message"),
        }
    }

    pub fn start(&self) -> Option<DateTime<Utc>> {
        self.execution_start_ts
            .as_deref()
            .and_then(time::parse_workflow_ts)
    }

    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.execution_end_ts
            .as_deref()
            .and_then(time::parse_workflow_ts)
    }
}

fn key(execution_id: &str, workflow_id: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (
            "workflow_execution_id".to_string(),
            AttributeValue::S(execution_id.to_string()),
        ),
        (
            "workflow_id".to_string(),
            AttributeValue::S(workflow_id.to_string()),
        ),
    ])
}

/// Reads one workflow audit row (consistent read).
pub async fn get_workflow_row(
    clients: &Clients,
    table: &str,
    execution_id: &str,
    workflow_id: &str,
) -> Result<Option<WorkflowRow>> {
    let out = clients
        .dynamodb
        .get_item()
        .table_name(table)
        .set_key(Some(key(execution_id, workflow_id)))
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| anyhow!("reading the workflow audit table {table}: {}", describe(&e)))?;
    Ok(out.item().map(WorkflowRow::from_item))
}

/// Why the audit row could not be written.
#[derive(Debug)]
pub enum PutError {
    /// A row with this execution id and workflow already exists; it was left as it was.
    AlreadyUsed,
    Other(anyhow::Error),
}

/// Writes the row exactly as the trigger Lambda does, but only if no row has this key, so an
/// earlier run's row is never overwritten.
pub async fn put_running(
    clients: &Clients,
    table: &str,
    execution_id: &str,
    workflow_id: &str,
    rsql_jobs: &[String],
    started: DateTime<Utc>,
) -> std::result::Result<(), PutError> {
    let mut item = key(execution_id, workflow_id);
    item.insert(
        "rsql_jobs".into(),
        AttributeValue::L(
            rsql_jobs
                .iter()
                .map(|j| AttributeValue::S(j.clone()))
                .collect(),
        ),
    );
    item.insert("execution_status".into(), AttributeValue::S(RUNNING.into()));
    item.insert(
        "execution_start_ts".into(),
        AttributeValue::S(time::workflow_ts(started)),
    );
    match clients
        .dynamodb
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(workflow_execution_id)")
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
        {
            Err(PutError::AlreadyUsed)
        }
        Err(e) => Err(PutError::Other(anyhow!(
            "writing the workflow audit row to {table}: {}",
            describe(&e)
        ))),
    }
}

/// Records how the execution ended: `execution_status`, `execution_end_ts` and (for a failure)
/// `error_message`, only while the row still says "running". Returns whether it wrote.
pub async fn finish_row(
    clients: &Clients,
    table: &str,
    execution_id: &str,
    workflow_id: &str,
    status: &str,
    ended: DateTime<Utc>,
    error_message: Option<&str>,
) -> Result<bool> {
    let mut update = clients
        .dynamodb
        .update_item()
        .table_name(table)
        .set_key(Some(key(execution_id, workflow_id)))
        .condition_expression("execution_status = :running")
        .expression_attribute_values(":running", AttributeValue::S(RUNNING.into()))
        .expression_attribute_values(":status", AttributeValue::S(status.into()))
        .expression_attribute_values(":end", AttributeValue::S(time::workflow_ts(ended)));
    update = match error_message {
        Some(message) => update
            .update_expression(
                "SET execution_status = :status, execution_end_ts = :end, error_message = :error",
            )
            .expression_attribute_values(":error", AttributeValue::S(message.into())),
        None => update.update_expression("SET execution_status = :status, execution_end_ts = :end"),
    };
    match update.send().await {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
        {
            Ok(false)
        }
        Err(e) => bail!(
            "updating the workflow audit row in {table}: {}",
            describe(&e)
        ),
    }
}

/// The workflow's rows, newest first (by parsed start time; unparseable ones last), at most
/// `limit`. The table has no index on `workflow_id`, so this scans it with a filter.
pub async fn recent_rows(
    clients: &Clients,
    table: &str,
    workflow_id: &str,
    limit: usize,
) -> Result<Vec<WorkflowRow>> {
    let mut rows = Vec::new();
    let mut start: Option<HashMap<String, AttributeValue>> = None;
    loop {
        let out = clients
            .dynamodb
            .scan()
            .table_name(table)
            .filter_expression("workflow_id = :w")
            .expression_attribute_values(":w", AttributeValue::S(workflow_id.to_string()))
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| {
                anyhow!(
                    "scanning the workflow audit table {table}: {}",
                    describe(&e)
                )
            })?;
        rows.extend(out.items().iter().map(WorkflowRow::from_item));
        match out.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => break,
        }
    }
    rows.sort_by(|a, b| {
        b.start()
            .cmp(&a.start())
            .then_with(|| b.workflow_execution_id.cmp(&a.workflow_execution_id))
    });
    rows.truncate(limit);
    Ok(rows)
}

/// A job audit row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobRow {
    pub job_name: String,
    pub execution_status: Option<String>,
    pub execution_start_ts: Option<String>,
    pub execution_end_ts: Option<String>,
    /// `None` for a missing attribute and for the framework's NULL.
    pub error_message: Option<String>,
}

impl JobRow {
    pub fn from_item(item: &HashMap<String, AttributeValue>) -> JobRow {
        JobRow {
            job_name: string(item, "job_name").unwrap_or_default(),
            execution_status: string(item, "execution_status"),
            execution_start_ts: string(item, "execution_start_ts"),
            execution_end_ts: string(item, "execution_end_ts"),
            error_message: string(item, "error_message"),
        }
    }
}

/// Reads the rows of `jobs` for one execution, 100 keys per BatchGetItem, retrying unprocessed
/// keys a few times. Jobs without a row (not triggered yet) are absent from the map; keys still
/// unprocessed after the retries are absent too (the next poll asks again).
pub async fn job_rows(
    clients: &Clients,
    table: &str,
    execution_id: &str,
    jobs: &[String],
) -> Result<HashMap<String, JobRow>> {
    let mut unique: Vec<&String> = Vec::new();
    for j in jobs {
        if !unique.contains(&j) {
            unique.push(j);
        }
    }
    let mut out = HashMap::new();
    for chunk in unique.chunks(BATCH_GET_LIMIT) {
        let mut keys: Vec<HashMap<String, AttributeValue>> = chunk
            .iter()
            .map(|job| {
                HashMap::from([
                    ("job_name".to_string(), AttributeValue::S((*job).clone())),
                    (
                        "workflow_execution_id".to_string(),
                        AttributeValue::S(execution_id.to_string()),
                    ),
                ])
            })
            .collect();
        let mut attempt = 0;
        while !keys.is_empty() && attempt < MAX_ATTEMPTS {
            attempt += 1;
            let request = KeysAndAttributes::builder()
                .set_keys(Some(keys.clone()))
                .consistent_read(true)
                .build()?;
            let resp = clients
                .dynamodb
                .batch_get_item()
                .request_items(table, request)
                .send()
                .await
                .map_err(|e| anyhow!("reading the job audit table {table}: {}", describe(&e)))?;
            for found in resp
                .responses()
                .and_then(|r| r.get(table))
                .into_iter()
                .flatten()
            {
                let row = JobRow::from_item(found);
                out.insert(row.job_name.clone(), row);
            }
            keys = resp
                .unprocessed_keys()
                .and_then(|u| u.get(table))
                .map(|k| k.keys().to_vec())
                .unwrap_or_default();
            if !keys.is_empty() {
                tokio::time::sleep(Duration::from_millis(50 * 2u64.pow(attempt))).await;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_the_framework_shapes() {
        let item = HashMap::from([
            ("job_name".to_string(), AttributeValue::S("a.sh".into())),
            (
                "execution_status".to_string(),
                AttributeValue::S("successful".into()),
            ),
            (
                "execution_start_ts".to_string(),
                AttributeValue::S("04-01-23-06-16-10".into()),
            ),
            ("error_message".to_string(), AttributeValue::Null(true)),
        ]);
        let row = JobRow::from_item(&item);
        assert_eq!(row.job_name, "a.sh");
        assert_eq!(row.error_message, None);
        assert_eq!(row.execution_end_ts, None);
        let wf = WorkflowRow::from_item(&HashMap::from([
            (
                "rsql_jobs".to_string(),
                AttributeValue::L(vec![AttributeValue::S("a.sh".into())]),
            ),
            (
                "execution_start_ts".to_string(),
                AttributeValue::S("04/01/2023 06:15:00".into()),
            ),
        ]));
        assert_eq!(wf.rsql_jobs, ["a.sh"]);
        assert_eq!(
            wf.start().map(time::display).as_deref(),
            Some("2023-04-01 06:15:00")
        );
    }
}
