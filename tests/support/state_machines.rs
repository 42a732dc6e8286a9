//! Stand-ins for the framework's state machines, for moto (which runs ASL but no Lambdas and no
//! nested executions): flat definitions that do what the real ones leave behind in DynamoDB.
//!
//! - [`master`]: walks the trigger's `stage_details` (outer Map over stages, one at a time;
//!   inner Map over each stage's `scripts`, all at once for "parallel", one at a time for
//!   "sequential"; any other type fails like the framework's `rsql_failure`), and per script
//!   writes the job audit row the way the framework's hosts do: "triggered" first, then
//!   "successful" with `error_message` NULL. A script named [`FAILING_SCRIPT`] gets a "failed"
//!   row with an error message instead, and the execution fails with that job's exit code as the
//!   error (as `SendTaskFailure` does). Job timestamps are fixed strings in the job table's
//!   format, 7 seconds apart. `wait_seconds` > 0 puts a Wait between "triggered" and the end of
//!   each job, to keep an execution running for a while.
//! - [`cluster_recorder`]: the resume or pause machine: records its input and execution name
//!   in a table, then succeeds.
//! - [`failing_cluster`]: records its input, then fails as the real Lambda does on a bad cluster.

use serde_json::{Value, json};

/// The script the master stand-in fails.
pub const FAILING_SCRIPT: &str = "fail_job.sh";
/// What the stand-in writes for it, and the execution's error and cause.
pub const FAILING_ERROR: &str = "21";
pub const FAILING_MESSAGE: &str =
    "Error Code : 21\nError Message : relation \"dw.missing\" does not exist";
/// The stand-in's job timestamps (job audit table format).
pub const JOB_START: &str = "04-01-23-06-15-02";
pub const JOB_END: &str = "04-01-23-06-15-09";
/// The role every stand-in is created with (moto checks the shape only).
pub const ROLE: &str = "arn:aws:iam::123456789012:role/rsql-test-stepfunctions";

fn job_item(status: &str, end: bool, error: Value) -> Value {
    let mut item = json!({
        "job_name": {"S.$": "$.script"},
        "workflow_execution_id": {"S.$": "$.workflow_execution_id"},
        "workflow_id": {"S.$": "$.workflow_id"},
        "execution_status": {"S": status},
        "execution_start_ts": {"S": JOB_START},
    });
    if end {
        item["execution_end_ts"] = json!({"S": JOB_END});
        item["error_message"] = error;
    }
    item
}

fn put(table: &str, item: Value, next: Option<&str>) -> Value {
    let mut state = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:putItem",
        "Parameters": {"TableName": table, "Item": item},
        "ResultPath": null,
    });
    match next {
        Some(n) => state["Next"] = json!(n),
        None => state["End"] = json!(true),
    }
    state
}

/// One job: triggered → (wait) → successful, or failed and Fail.
fn job_iterator(job_table: &str, wait_seconds: u32) -> Value {
    let mut states = serde_json::Map::new();
    let after_trigger = if wait_seconds > 0 {
        "Running"
    } else {
        "Outcome"
    };
    states.insert(
        "Triggered".into(),
        put(
            job_table,
            job_item("triggered", false, Value::Null),
            Some(after_trigger),
        ),
    );
    if wait_seconds > 0 {
        states.insert(
            "Running".into(),
            json!({"Type": "Wait", "Seconds": wait_seconds, "Next": "Outcome"}),
        );
    }
    states.insert(
        "Outcome".into(),
        json!({
            "Type": "Choice",
            "Choices": [{"Variable": "$.script", "StringEquals": FAILING_SCRIPT, "Next": "Failed"}],
            "Default": "Successful"
        }),
    );
    states.insert(
        "Successful".into(),
        put(
            job_table,
            job_item("successful", true, json!({"NULL": true})),
            None,
        ),
    );
    states.insert(
        "Failed".into(),
        put(
            job_table,
            job_item("failed", true, json!({"S": FAILING_MESSAGE})),
            Some("JobFailed"),
        ),
    );
    states.insert(
        "JobFailed".into(),
        json!({"Type": "Fail", "Error": FAILING_ERROR, "Cause": FAILING_MESSAGE}),
    );
    json!({"StartAt": "Triggered", "States": states})
}

fn jobs_map(job_table: &str, wait_seconds: u32, max_concurrency: u32) -> Value {
    json!({
        "Type": "Map",
        "ItemsPath": "$.stage.scripts",
        "MaxConcurrency": max_concurrency,
        "ItemSelector": {
            "script.$": "$$.Map.Item.Value",
            "workflow_id.$": "$.workflow_id",
            "workflow_execution_id.$": "$.workflow_execution_id"
        },
        "Iterator": job_iterator(job_table, wait_seconds),
        "ResultPath": null,
        "End": true
    })
}

/// The master stand-in (see the module doc).
pub fn master(job_table: &str, wait_seconds: u32) -> String {
    let stage = json!({
        "StartAt": "StageType",
        "States": {
            "StageType": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.stage.execution_type", "StringEquals": "parallel", "Next": "ParallelJobs"},
                    {"Variable": "$.stage.execution_type", "StringEquals": "sequential", "Next": "SequentialJobs"}
                ],
                "Default": "rsql_failure"
            },
            "ParallelJobs": jobs_map(job_table, wait_seconds, 0),
            "SequentialJobs": jobs_map(job_table, wait_seconds, 1),
            "rsql_failure": {"Type": "Fail", "Error": "InvalidExecutionType", "Cause": "execution_type is neither parallel nor sequential"}
        }
    });
    json!({
        "Comment": "rsqlmig test stand-in for rsql-master-state-machine",
        "StartAt": "Stages",
        "States": {
            "Stages": {
                "Type": "Map",
                "ItemsPath": "$.stage_details",
                "MaxConcurrency": 1,
                "ItemSelector": {
                    "stage.$": "$$.Map.Item.Value",
                    "workflow_id.$": "$.workflow_id",
                    "workflow_execution_id.$": "$.workflow_execution_id"
                },
                "Iterator": stage,
                "ResultPath": null,
                "Next": "rsql_success"
            },
            "rsql_success": {"Type": "Succeed"}
        }
    })
    .to_string()
}

fn record(calls_table: &str, action: &str, next: Option<&str>) -> Value {
    put(
        calls_table,
        json!({
            "call_id": {"S.$": "$$.Execution.Name"},
            "action": {"S": action},
            "cluster_id": {"S.$": "$.clusterId"},
            "target_account_role": {"S.$": "$.targetAccountRole"},
            "input": {"S.$": "States.JsonToString($)"},
            "entered": {"S.$": "$$.State.EnteredTime"}
        }),
        next,
    )
}

/// A resume or pause stand-in that records its call and succeeds.
pub fn cluster_recorder(calls_table: &str, action: &str) -> String {
    json!({
        "StartAt": "Record",
        "States": {"Record": record(calls_table, action, None)}
    })
    .to_string()
}

/// A resume or pause stand-in that records its call and fails.
pub fn failing_cluster(calls_table: &str, action: &str) -> String {
    json!({
        "StartAt": "Record",
        "States": {
            "Record": record(calls_table, action, Some("ClusterNotFound")),
            "ClusterNotFound": {"Type": "Fail", "Error": "ClusterNotFound", "Cause": "Cluster not found"}
        }
    })
    .to_string()
}
