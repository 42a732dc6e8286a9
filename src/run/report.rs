//! What `run` and `status` report: the execution, each job, the cluster steps; as a text summary
//! with a per-job table, or one JSON document.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::audit::{JobRow, WorkflowRow};
use super::display::one_line;
use super::sfn::Execution;
use super::time;

/// Exit codes of `run`, `status` and `cluster`.
pub mod exit {
    pub const SUCCEEDED: i32 = 0;
    pub const FAILED: i32 = 1;
    /// Usage or configuration error (also what `main` returns for any error).
    pub const USAGE: i32 = 2;
    /// Still running when the wait ended (`--timeout`, Ctrl-C).
    pub const STILL_RUNNING: i32 = 3;
}

/// How the watch ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Waited {
    /// The execution ended (or was found ended).
    Finished,
    /// Not waited for (`run --no-wait`): started is success.
    NotWaited,
    /// Looked at once (`status` without `--watch`): the exit code tells the state.
    Snapshot,
    /// `--timeout` expired while it was still running.
    TimedOut,
    /// Ctrl-C.
    Interrupted,
    /// Reading the execution's state failed after it started: it may still be running.
    LostSight,
}

/// One job of the execution.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobReport {
    pub job_name: String,
    /// waiting (no audit row yet), triggered, successful, failed, or what the row says.
    pub status: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub duration_seconds: Option<i64>,
    pub error_message: Option<String>,
}

impl JobReport {
    pub fn from_row(job_name: &str, row: Option<&JobRow>) -> JobReport {
        let Some(row) = row else {
            return JobReport {
                job_name: job_name.to_string(),
                status: "waiting".into(),
                start: None,
                end: None,
                duration_seconds: None,
                error_message: None,
            };
        };
        let start = row
            .execution_start_ts
            .as_deref()
            .map(|s| (s, time::parse_job_ts(s)));
        let end = row
            .execution_end_ts
            .as_deref()
            .map(|s| (s, time::parse_job_ts(s)));
        let shown = |v: Option<(&str, Option<DateTime<Utc>>)>| {
            v.map(|(raw, parsed)| parsed.map(time::rfc3339).unwrap_or_else(|| raw.to_string()))
        };
        let duration_seconds = match (start, end) {
            (Some((_, Some(s))), Some((_, Some(e)))) => Some((e - s).num_seconds()),
            _ => None,
        };
        JobReport {
            job_name: job_name.to_string(),
            status: row
                .execution_status
                .clone()
                .unwrap_or_else(|| "unknown".into()),
            start: shown(start),
            end: shown(end),
            duration_seconds,
            error_message: row.error_message.clone(),
        }
    }

    /// Successful or failed: nothing more will happen to it.
    pub fn is_done(&self) -> bool {
        matches!(self.status.as_str(), "successful" | "failed")
    }

    pub fn start_time(&self) -> Option<DateTime<Utc>> {
        self.start
            .as_deref()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&Utc))
    }
}

/// A cluster resume or pause.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterStep {
    /// "resume" or "pause".
    pub action: String,
    pub cluster_id: String,
    pub state_machine: String,
    pub execution_name: String,
    pub execution_arn: Option<String>,
    /// The execution's status; NOT_STARTED when it could not be started; RUNNING when the wait
    /// ended first.
    pub status: String,
    pub error: Option<String>,
    pub cause: Option<String>,
}

impl ClusterStep {
    pub fn succeeded(&self) -> bool {
        self.status == super::sfn::SUCCEEDED
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClusterReport {
    pub resume: Option<ClusterStep>,
    pub pause: Option<ClusterStep>,
}

/// What `run` and `status` print.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunReport {
    pub workflow_id: String,
    pub execution_id: String,
    pub execution_arn: Option<String>,
    /// The master execution's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED), or
    /// NOT_STARTED, or NOT_FOUND (`status` of an id Step Functions does not know).
    pub status: String,
    /// The workflow audit row's `execution_status`.
    pub audit_status: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub jobs: Vec<JobReport>,
    pub cluster: Option<ClusterReport>,
    pub waited: Waited,
}

pub const NOT_STARTED: &str = "NOT_STARTED";
pub const NOT_FOUND: &str = "NOT_FOUND";

impl RunReport {
    pub fn new(workflow_id: &str, execution_id: &str) -> RunReport {
        RunReport {
            workflow_id: workflow_id.to_string(),
            execution_id: execution_id.to_string(),
            execution_arn: None,
            status: NOT_STARTED.into(),
            audit_status: None,
            start: None,
            end: None,
            error: None,
            cause: None,
            jobs: Vec::new(),
            cluster: None,
            waited: Waited::NotWaited,
        }
    }

    /// Takes the execution's status, times, error and cause.
    pub fn set_execution(&mut self, e: &Execution) {
        self.execution_arn = Some(e.arn.clone());
        self.status = e.status.clone();
        self.start = e.start.map(time::rfc3339).or(self.start.take());
        self.end = e.end.map(time::rfc3339).or(self.end.take());
        self.error = e.error.clone();
        self.cause = e.cause.clone();
    }

    /// Takes the audit row's status, and its times where Step Functions gave none.
    pub fn set_row(&mut self, row: &WorkflowRow) {
        self.audit_status = row.execution_status.clone();
        if self.start.is_none() {
            self.start = row.start().map(time::rfc3339);
        }
        if self.end.is_none() {
            self.end = row.end().map(time::rfc3339);
        }
        if self.error.is_none() && self.status != super::sfn::SUCCEEDED {
            self.error = row.error_message.clone();
        }
    }

    pub fn set_jobs(&mut self, names: &[String], rows: &std::collections::HashMap<String, JobRow>) {
        self.jobs = names
            .iter()
            .map(|n| JobReport::from_row(n, rows.get(n)))
            .collect();
    }

    fn cluster_failed(&self) -> bool {
        self.cluster.as_ref().is_some_and(|c| {
            c.resume.as_ref().is_some_and(|s| !s.succeeded())
                || c.pause.as_ref().is_some_and(|s| !s.succeeded())
        })
    }

    /// 0 succeeded (or started, without waiting), 1 failed (the workflow, or a cluster step),
    /// 3 still running when the wait ended.
    pub fn exit_code(&self) -> i32 {
        match self.waited {
            Waited::TimedOut | Waited::Interrupted | Waited::LostSight => exit::STILL_RUNNING,
            _ if self.cluster_failed() => exit::FAILED,
            Waited::NotWaited if self.status == "RUNNING" => exit::SUCCEEDED,
            _ => match (self.status.as_str(), self.audit_status.as_deref()) {
                (super::sfn::SUCCEEDED, _) => exit::SUCCEEDED,
                ("RUNNING" | "PENDING_REDRIVE", _) => exit::STILL_RUNNING,
                (NOT_FOUND, Some("successful")) => exit::SUCCEEDED,
                (NOT_FOUND, Some("running")) => exit::STILL_RUNNING,
                _ => exit::FAILED,
            },
        }
    }

    /// One word for the last line: succeeded, failed, running.
    pub fn outcome(&self) -> &'static str {
        match self.exit_code() {
            exit::SUCCEEDED if self.status == "RUNNING" => "started",
            exit::SUCCEEDED => "succeeded",
            exit::STILL_RUNNING => "still running",
            _ => "failed",
        }
    }
}

fn show_ts(s: &Option<String>) -> String {
    match s {
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|d| time::display(d.with_timezone(&Utc)))
            .unwrap_or_else(|_| v.clone()),
        None => "-".into(),
    }
}

fn step_line(step: &ClusterStep) -> String {
    let mut line = format!(
        "{} {}: {} ({} execution {})",
        step.action, step.cluster_id, step.status, step.state_machine, step.execution_name
    );
    match (&step.error, &step.cause) {
        (Some(e), Some(c)) => line.push_str(&format!(": {e}: {}", one_line(c))),
        (Some(e), None) => line.push_str(&format!(": {e}")),
        (None, Some(c)) => line.push_str(&format!(": {}", one_line(c))),
        (None, None) => {}
    }
    line
}

/// Lays out rows under a header with columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            width[i] = width[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  ", w = width[i]));
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// The text summary: the execution, the cluster steps, then the per-job table.
pub fn text(report: &RunReport) -> String {
    let mut out = String::new();
    out.push_str(&format!("workflow   {}\n", report.workflow_id));
    out.push_str(&format!("execution  {}\n", report.execution_id));
    if let Some(arn) = &report.execution_arn {
        out.push_str(&format!("arn        {arn}\n"));
    }
    let audit = report
        .audit_status
        .as_deref()
        .map(|a| format!(" (audit row: {a})"))
        .unwrap_or_default();
    out.push_str(&format!("status     {}{audit}\n", report.status));
    out.push_str(&format!("start      {}\n", show_ts(&report.start)));
    out.push_str(&format!("end        {}\n", show_ts(&report.end)));
    if let Some(e) = &report.error {
        out.push_str(&format!("error      {}\n", one_line(e)));
    }
    if let Some(c) = &report.cause {
        out.push_str(&format!("cause      {}\n", one_line(c)));
    }
    if let Some(cluster) = &report.cluster {
        for step in [&cluster.resume, &cluster.pause].into_iter().flatten() {
            out.push_str(&format!("cluster    {}\n", step_line(step)));
        }
    }
    if !report.jobs.is_empty() {
        out.push('\n');
        let rows: Vec<Vec<String>> = report
            .jobs
            .iter()
            .map(|j| {
                vec![
                    j.job_name.clone(),
                    j.status.clone(),
                    show_ts(&j.start),
                    show_ts(&j.end),
                    j.duration_seconds
                        .map(time::duration)
                        .unwrap_or_else(|| "-".into()),
                    j.error_message.as_deref().map(one_line).unwrap_or_default(),
                ]
            })
            .collect();
        out.push_str(&table(
            &["JOB", "STATUS", "START", "END", "DURATION", "ERROR"],
            &rows,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(status: &str, waited: Waited) -> RunReport {
        RunReport {
            status: status.into(),
            waited,
            ..RunReport::new("wf", "id")
        }
    }

    #[test]
    fn exit_codes() {
        assert_eq!(report("SUCCEEDED", Waited::Finished).exit_code(), 0);
        assert_eq!(report("FAILED", Waited::Finished).exit_code(), 1);
        assert_eq!(report("TIMED_OUT", Waited::Finished).exit_code(), 1);
        assert_eq!(report("NOT_STARTED", Waited::Finished).exit_code(), 1);
        assert_eq!(report("RUNNING", Waited::TimedOut).exit_code(), 3);
        assert_eq!(report("RUNNING", Waited::Interrupted).exit_code(), 3);
        assert_eq!(report("RUNNING", Waited::LostSight).exit_code(), 3);
        assert_eq!(report("RUNNING", Waited::NotWaited).exit_code(), 0);
        let mut paused_badly = report("SUCCEEDED", Waited::Finished);
        paused_badly.cluster = Some(ClusterReport {
            resume: None,
            pause: Some(ClusterStep {
                action: "pause".into(),
                cluster_id: "c".into(),
                state_machine: "p".into(),
                execution_name: "id-pause".into(),
                execution_arn: None,
                status: "FAILED".into(),
                error: Some("X".into()),
                cause: None,
            }),
        });
        assert_eq!(paused_badly.exit_code(), 1);
    }

    #[test]
    fn job_rows_become_report_lines() {
        let row = JobRow {
            job_name: "a.sh".into(),
            execution_status: Some("failed".into()),
            execution_start_ts: Some("04-01-23-06-16-10".into()),
            execution_end_ts: Some("04-01-23-06-16-14".into()),
            error_message: Some("Error Code : 21\nError Message : boom".into()),
        };
        let j = JobReport::from_row("a.sh", Some(&row));
        assert_eq!(j.duration_seconds, Some(4));
        assert_eq!(j.start.as_deref(), Some("2023-04-01T06:16:10Z"));
        assert!(j.is_done());
        assert_eq!(JobReport::from_row("b.sh", None).status, "waiting");
        let mut r = report("FAILED", Waited::Finished);
        r.jobs = vec![j];
        let t = text(&r);
        assert!(t.contains("a.sh  failed  2023-04-01 06:16:10  2023-04-01 06:16:14  4s        Error Code : 21 / Error Message : boom"), "{t}");
    }
}
