//! The run engine behind `rsqlmig run`, `status` and `cluster`: it does the framework's trigger
//! Lambda's job directly (reference `framework.md` §1.4) and fixes what the trigger gets wrong
//! (§1.12): the audit row is written conditionally (an id is never reused), a failed start or a
//! failed, timed-out or aborted execution is recorded as "failed", and the cluster wrapper pauses
//! the cluster whatever the workflow's outcome (§2.8).
//!
//! Order of `run`, each step only after the previous one succeeded:
//! 1. read the config item (consistent) and resolve the state machines: nothing written yet;
//! 2. check that the id is unused (no audit row, no master execution of that name);
//! 3. resume the cluster and wait (when there is a cluster): a failure ends the run here, with
//!    no audit row and no master execution;
//! 4. write the audit row "running", conditional on no row with this key;
//! 5. start the master (name = execution id, the trigger's input); a failed start marks the row
//!    "failed" with the reason;
//! 6. watch until it ends, then mark the row "failed" (error and cause) or "successful", only
//!    while it still says "running";
//! 7. pause the cluster and wait, whatever the outcome of 4–6 (unless `pause_after: false`, or
//!    the execution is still running because the wait ended first).

pub mod audit;
pub mod cluster;
pub mod display;
pub mod id;
pub mod report;
pub mod sfn;
pub mod time;
pub mod watch;
pub mod workflow;

use std::time::Duration;

use anyhow::{Result, bail};
use chrono::Utc;
use serde::Serialize;
use tokio::time::Instant;

use crate::aws::Clients;
use cluster::{Action, ClusterTarget};
use display::Display;
use report::{ClusterReport, RunReport, Waited};
use watch::{End, Interrupt, Poll};

/// The AWS names `run` uses, from the catalog's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    pub config_table: String,
    pub workflow_audit_table: String,
    pub job_audit_table: String,
    pub master_state_machine: String,
    pub resume_state_machine: String,
    pub pause_state_machine: String,
}

impl Names {
    pub fn from_settings(aws: &crate::catalog::Aws) -> Names {
        Names {
            config_table: aws.config_table.clone(),
            workflow_audit_table: aws.workflow_audit_table.clone(),
            job_audit_table: aws.job_audit_table.clone(),
            master_state_machine: aws.master_state_machine.clone(),
            resume_state_machine: aws.resume_state_machine.clone(),
            pause_state_machine: aws.pause_state_machine.clone(),
        }
    }
}

/// How to wait and show progress.
pub struct Watching {
    pub poll: Poll,
    /// Give up waiting (exit 3) after this long, counted from the start of the command.
    pub timeout: Option<Duration>,
    pub interrupt: Interrupt,
    pub display: Display,
    /// The command that resumes watching, for messages.
    pub status_command: String,
}

/// What `run` does.
pub struct RunOptions {
    pub workflow_id: String,
    /// Already validated by the caller ([`id::validate`]).
    pub execution_id: String,
    pub cluster: Option<ClusterTarget>,
    /// False with `--no-wait`: return once the master is started.
    pub wait: bool,
}

/// The master's input, exactly as the trigger Lambda builds it (§1.4).
pub fn master_input(config: &workflow::WorkflowConfig, execution_id: &str) -> String {
    #[derive(Serialize)]
    struct Input<'a> {
        #[serde(rename = "statusCode")]
        status_code: u16,
        workflow_id: &'a str,
        workflow_execution_id: &'a str,
        stage_details: &'a [serde_json::Value],
        index: i64,
        count: i64,
    }
    serde_json::to_string(&Input {
        status_code: 200,
        workflow_id: &config.workflow_id,
        workflow_execution_id: execution_id,
        stage_details: &config.stages,
        index: -1,
        count: config.stages.len() as i64 - 1,
    })
    .expect("serialisable")
}

/// Runs a published workflow. Errors (exit 2) are problems found before anything ran: a missing
/// workflow or state machine, an id already used, AWS access. Everything after the first start is
/// in the report, whose [`RunReport::exit_code`] says how it went.
pub async fn run(
    clients: &Clients,
    names: &Names,
    opts: &RunOptions,
    watching: &mut Watching,
) -> Result<RunReport> {
    let started_at = Instant::now();
    let deadline = watching.timeout.map(|t| started_at + t);
    let wf = &opts.workflow_id;
    let exec_id = &opts.execution_id;

    // 1. Read, resolve: nothing is written before all of this worked.
    let config = workflow::read(clients, &names.config_table, wf).await?;
    for w in &config.warnings {
        watching.display.note(&format!(
            "warning: workflow {wf} in {}: {w}",
            names.config_table
        ));
    }
    let master_arn = sfn::state_machine_arn(clients, &names.master_state_machine).await?;
    let cluster_arns = match &opts.cluster {
        Some(_) => Some((
            sfn::state_machine_arn(clients, &names.resume_state_machine).await?,
            sfn::state_machine_arn(clients, &names.pause_state_machine).await?,
        )),
        None => None,
    };
    let execution_arn = sfn::execution_arn(&master_arn, exec_id);

    // 2. The id must be new: no audit row, no master execution by that name.
    if let Some(row) =
        audit::get_workflow_row(clients, &names.workflow_audit_table, exec_id, wf).await?
    {
        bail!(
            "execution id {exec_id} was already used for workflow {wf} (its audit row in {} says {}); \
             nothing was written. See it with `{}`, or leave --execution-id out to get a new id",
            names.workflow_audit_table,
            row.execution_status.as_deref().unwrap_or("no status"),
            watching.status_command
        );
    }
    if let Some(existing) = sfn::describe_execution(clients, &execution_arn).await? {
        bail!(
            "an execution named {exec_id} already exists for {} (status {}); nothing was written. \
             Step Functions keeps execution names for 90 days: choose another id",
            names.master_state_machine,
            existing.status
        );
    }

    let mut report = RunReport::new(wf, exec_id);
    report.set_jobs(&config.rsql_jobs, &Default::default());

    // 3. Resume the cluster.
    let mut resumed = false;
    if let (Some(target), Some((resume_arn, _))) = (&opts.cluster, &cluster_arns) {
        let (step, end) = cluster::run_step(
            clients,
            cluster::Step {
                action: Action::Resume,
                target,
                state_machine: &names.resume_state_machine,
                state_machine_arn: resume_arn,
                execution_name: id::derived(exec_id, "resume"),
            },
            true,
            watching.poll,
            deadline,
            &watching.interrupt,
            &mut watching.display,
        )
        .await;
        let ok = step.succeeded();
        report.cluster = Some(ClusterReport {
            resume: Some(step),
            pause: None,
        });
        match end {
            Some(End::TimedOut(_)) => {
                report.waited = Waited::TimedOut;
                return Ok(report);
            }
            Some(End::Interrupted(_)) => {
                report.waited = Waited::Interrupted;
                return Ok(report);
            }
            _ => {}
        }
        if !ok {
            report.waited = Waited::Finished;
            report.error = Some(
                "the cluster resume did not succeed: the workflow was not started (no audit row written)"
                    .into(),
            );
            return Ok(report);
        }
        resumed = true;
    }

    // 4–6. The workflow itself.
    let outcome = run_master(
        clients,
        names,
        opts,
        &config,
        &master_arn,
        deadline,
        watching,
        &mut report,
    )
    .await;

    // 7. Pause, whatever happened, unless the workflow is still running.
    let still_running = matches!(
        report.waited,
        Waited::TimedOut | Waited::Interrupted | Waited::LostSight
    ) || (outcome.is_ok() && report.waited == Waited::NotWaited);
    if resumed && let (Some(target), Some((_, pause_arn))) = (&opts.cluster, &cluster_arns) {
        if !target.pause_after {
            watching.display.note(&format!(
                "cluster {}: left running (pause_after: false)",
                target.cluster_id
            ));
        } else if still_running {
            watching.display.note(&format!(
                "cluster {}: left running because the workflow is still running; pause it later with \
                 `rsqlmig cluster pause --cluster-id {} --target-account-role {} --wait`",
                target.cluster_id, target.cluster_id, target.target_account_role
            ));
        } else {
            // The pause is not cut short by --timeout or Ctrl-C: leaving it unwatched is how a
            // cluster stays up.
            let (step, _) = cluster::run_step(
                clients,
                cluster::Step {
                    action: Action::Pause,
                    target,
                    state_machine: &names.pause_state_machine,
                    state_machine_arn: pause_arn,
                    execution_name: id::derived(exec_id, "pause"),
                },
                true,
                watching.poll,
                None,
                &Interrupt::never(),
                &mut watching.display,
            )
            .await;
            if let Some(c) = report.cluster.as_mut() {
                c.pause = Some(step);
            }
        }
    }
    outcome.map(|()| report)
}

/// Steps 4–6: audit row, master start, watch, audit end. Errors are those before the master
/// started (the audit row could not be written).
#[allow(clippy::too_many_arguments)]
async fn run_master(
    clients: &Clients,
    names: &Names,
    opts: &RunOptions,
    config: &workflow::WorkflowConfig,
    master_arn: &str,
    deadline: Option<Instant>,
    watching: &mut Watching,
    report: &mut RunReport,
) -> Result<()> {
    let wf = &opts.workflow_id;
    let exec_id = &opts.execution_id;
    let table = &names.workflow_audit_table;
    match audit::put_running(clients, table, exec_id, wf, &config.rsql_jobs, Utc::now()).await {
        Ok(()) => {}
        Err(audit::PutError::AlreadyUsed) => bail!(
            "execution id {exec_id} was already used for workflow {wf} (a row with this key exists \
             in {table}; it was left as it was). See it with `{}`",
            watching.status_command
        ),
        Err(audit::PutError::Other(e)) => return Err(e),
    }
    report.audit_status = Some(audit::RUNNING.into());

    let input = master_input(config, exec_id);
    let execution_arn = match sfn::start(clients, master_arn, exec_id, &input).await {
        Ok(arn) => arn,
        Err(e) => {
            let reason = format!("{e:#}");
            audit::finish_row(
                clients,
                table,
                exec_id,
                wf,
                audit::FAILED,
                Utc::now(),
                Some(&reason),
            )
            .await?;
            report.waited = Waited::Finished;
            report.error = Some(reason);
            refresh_row(clients, table, report).await?;
            return Ok(());
        }
    };
    report.execution_arn = Some(execution_arn.clone());
    report.status = "RUNNING".into();
    if !opts.wait {
        report.waited = Waited::NotWaited;
        if let Some(exec) = sfn::describe_execution(clients, &execution_arn).await? {
            report.set_execution(&exec);
        }
        return Ok(());
    }

    watching
        .display
        .begin(&format!("{wf} {exec_id}"), &config.rsql_jobs);
    let target = watch::Target {
        clients,
        execution_arn: &execution_arn,
        job_table: &names.job_audit_table,
        execution_id: exec_id,
        jobs: &config.rsql_jobs,
    };
    let watched = watch::watch(
        &target,
        watching.poll,
        deadline,
        &watching.interrupt,
        &mut watching.display,
    )
    .await;
    watching.display.end();
    let (end, rows) = match watched {
        Ok(watched) => watched,
        Err(e) => {
            // Started but out of sight: treated as still running, so the cluster stays up.
            report.waited = Waited::LostSight;
            report.error = Some(format!(
                "{e:#}; the execution may still be running: see `{}`",
                watching.status_command
            ));
            return Ok(());
        }
    };
    report.set_jobs(&config.rsql_jobs, &rows);
    record_end(clients, table, wf, exec_id, &end, report).await
}

/// Puts the wait's end into the report and, for an ended execution, into the audit row.
async fn record_end(
    clients: &Clients,
    table: &str,
    wf: &str,
    exec_id: &str,
    end: &End,
    report: &mut RunReport,
) -> Result<()> {
    match end {
        End::Finished(exec) => {
            report.set_execution(exec);
            report.waited = Waited::Finished;
            let ended = exec.end.unwrap_or_else(Utc::now);
            if exec.succeeded() {
                audit::finish_row(clients, table, exec_id, wf, audit::SUCCESSFUL, ended, None)
                    .await?;
            } else {
                let message = exec.error_message();
                audit::finish_row(
                    clients,
                    table,
                    exec_id,
                    wf,
                    audit::FAILED,
                    ended,
                    Some(&message),
                )
                .await?;
            }
        }
        End::TimedOut(exec) | End::Interrupted(exec) => {
            if let Some(exec) = exec {
                report.set_execution(exec);
            }
            report.waited = if matches!(end, End::TimedOut(_)) {
                Waited::TimedOut
            } else {
                Waited::Interrupted
            };
        }
    }
    refresh_row(clients, table, report).await
}

async fn refresh_row(clients: &Clients, table: &str, report: &mut RunReport) -> Result<()> {
    if let Some(row) =
        audit::get_workflow_row(clients, table, &report.execution_id, &report.workflow_id).await?
    {
        report.set_row(&row);
    }
    Ok(())
}

/// `status` of one execution: its audit row, its master execution, its jobs; with `watch`,
/// followed until it ends and then recorded in the audit row the way `run` does.
pub async fn status(
    clients: &Clients,
    names: &Names,
    workflow_id: &str,
    execution_id: &str,
    watch: bool,
    watching: &mut Watching,
) -> Result<RunReport> {
    let started_at = Instant::now();
    let deadline = watching.timeout.map(|t| started_at + t);
    let table = &names.workflow_audit_table;
    let row = audit::get_workflow_row(clients, table, execution_id, workflow_id).await?;
    let master_arn = sfn::state_machine_arn(clients, &names.master_state_machine).await?;
    let execution_arn = sfn::execution_arn(&master_arn, execution_id);
    let exec = sfn::describe_execution(clients, &execution_arn).await?;
    if row.is_none() && exec.is_none() {
        bail!(
            "no execution {execution_id} of workflow {workflow_id}: no row with this key in {table} \
             and no execution of that name for {}",
            names.master_state_machine
        );
    }
    let mut report = RunReport::new(workflow_id, execution_id);
    report.waited = Waited::Snapshot;
    let jobs = row
        .as_ref()
        .map(|r| r.rsql_jobs.clone())
        .unwrap_or_default();
    if let Some(row) = &row {
        report.set_row(row);
    }
    match &exec {
        Some(e) => report.set_execution(e),
        None => report.status = report::NOT_FOUND.into(),
    }
    if let Some(exec) = exec.filter(|_| watch) {
        let end = if exec.is_terminal() {
            End::Finished(exec.clone())
        } else {
            watching
                .display
                .begin(&format!("{workflow_id} {execution_id}"), &jobs);
            let target = watch::Target {
                clients,
                execution_arn: &execution_arn,
                job_table: &names.job_audit_table,
                execution_id,
                jobs: &jobs,
            };
            let watched = watch::watch(
                &target,
                watching.poll,
                deadline,
                &watching.interrupt,
                &mut watching.display,
            )
            .await;
            watching.display.end();
            watched?.0
        };
        record_end(clients, table, workflow_id, execution_id, &end, &mut report).await?;
    }
    let rows = audit::job_rows(clients, &names.job_audit_table, execution_id, &jobs).await?;
    report.set_jobs(&jobs, &rows);
    Ok(report)
}

/// One line of `status` without an execution id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecentExecution {
    pub execution_id: String,
    /// The audit row's `execution_status`.
    pub audit_status: Option<String>,
    /// The master execution's status (NOT_FOUND when Step Functions has none of that name).
    pub status: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub jobs: usize,
}

/// The most recent executions of a workflow, newest first.
pub async fn recent(
    clients: &Clients,
    names: &Names,
    workflow_id: &str,
    limit: usize,
) -> Result<Vec<RecentExecution>> {
    let rows = audit::recent_rows(clients, &names.workflow_audit_table, workflow_id, limit).await?;
    let master_arn = sfn::state_machine_arn(clients, &names.master_state_machine).await?;
    let mut out = Vec::new();
    for row in rows {
        let arn = sfn::execution_arn(&master_arn, &row.workflow_execution_id);
        let exec = sfn::describe_execution(clients, &arn).await?;
        out.push(RecentExecution {
            execution_id: row.workflow_execution_id.clone(),
            audit_status: row.execution_status.clone(),
            status: exec
                .as_ref()
                .map(|e| e.status.clone())
                .unwrap_or_else(|| report::NOT_FOUND.into()),
            start: row.start().map(time::rfc3339),
            end: row.end().map(time::rfc3339),
            jobs: row.rsql_jobs.len(),
        });
    }
    Ok(out)
}

/// `cluster resume|pause` on its own.
pub async fn cluster_step(
    clients: &Clients,
    names: &Names,
    action: Action,
    target: &ClusterTarget,
    execution_name: String,
    wait: bool,
    watching: &mut Watching,
) -> Result<report::ClusterStep> {
    let name = match action {
        Action::Resume => &names.resume_state_machine,
        Action::Pause => &names.pause_state_machine,
    };
    let arn = sfn::state_machine_arn(clients, name).await?;
    let deadline = watching.timeout.map(|t| Instant::now() + t);
    let (step, _) = cluster::run_step(
        clients,
        cluster::Step {
            action,
            target,
            state_machine: name,
            state_machine_arn: &arn,
            execution_name,
        },
        wait,
        watching.poll,
        deadline,
        &watching.interrupt,
        &mut watching.display,
    )
    .await;
    Ok(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_input_is_the_triggers() {
        let config = workflow::WorkflowConfig {
            workflow_id: "wf".into(),
            stages: vec![
                serde_json::json!({"execution_flag": "y", "execution_type": "sequential", "scripts": ["a.sh"]}),
                serde_json::json!({"execution_flag": "y", "execution_type": "parallel", "scripts": ["b.sh", "c.sh"]}),
            ],
            rsql_jobs: vec!["a.sh".into(), "b.sh".into(), "c.sh".into()],
            skipped_stages: 0,
            warnings: vec![],
        };
        let input: serde_json::Value =
            serde_json::from_str(&master_input(&config, "run-1")).unwrap();
        assert_eq!(
            input,
            serde_json::json!({
                "statusCode": 200,
                "workflow_id": "wf",
                "workflow_execution_id": "run-1",
                "stage_details": [
                    {"execution_flag": "y", "execution_type": "sequential", "scripts": ["a.sh"]},
                    {"execution_flag": "y", "execution_type": "parallel", "scripts": ["b.sh", "c.sh"]}
                ],
                "index": -1,
                "count": 1
            })
        );
    }
}
