//! The cross-account cluster wrapper (reference `framework.md` §2.5, §2.7): the resume and pause
//! state machines, each started with `{"clusterId", "targetAccountRole"}` and waited for.

use serde::Serialize;
use tokio::time::Instant;

use super::display::Display;
use super::report::{ClusterStep, NOT_STARTED};
use super::sfn;
use super::watch::{self, End, Interrupt, Poll};
use crate::aws::Clients;

/// The cluster to resume before a workflow and pause after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterTarget {
    pub cluster_id: String,
    pub target_account_role: String,
    /// Pause after the workflow (the catalog's `pause_after`, default true).
    pub pause_after: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Resume,
    Pause,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Resume => "resume",
            Action::Pause => "pause",
        }
    }
}

/// The execution input both state machines take.
pub fn input(target: &ClusterTarget) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Input<'a> {
        cluster_id: &'a str,
        target_account_role: &'a str,
    }
    serde_json::to_string(&Input {
        cluster_id: &target.cluster_id,
        target_account_role: &target.target_account_role,
    })
    .expect("serialisable")
}

/// A step about to be started.
pub struct Step<'a> {
    pub action: Action,
    pub target: &'a ClusterTarget,
    /// The state machine's name (for the report) and ARN.
    pub state_machine: &'a str,
    pub state_machine_arn: &'a str,
    pub execution_name: String,
}

/// Starts the step and, with `wait`, waits for it. A start that fails is a NOT_STARTED step
/// with the reason as its error; a wait cut short leaves it RUNNING.
pub async fn run_step(
    clients: &Clients,
    step: Step<'_>,
    wait: bool,
    poll: Poll,
    deadline: Option<Instant>,
    interrupt: &Interrupt,
    display: &mut Display,
) -> (ClusterStep, Option<End>) {
    let mut report = ClusterStep {
        action: step.action.as_str().into(),
        cluster_id: step.target.cluster_id.clone(),
        state_machine: step.state_machine.to_string(),
        execution_name: step.execution_name.clone(),
        execution_arn: None,
        status: NOT_STARTED.into(),
        error: None,
        cause: None,
    };
    display.note(&format!(
        "cluster {}: {} ({} execution {})",
        step.target.cluster_id,
        step.action.as_str(),
        step.state_machine,
        step.execution_name
    ));
    let arn = match sfn::start(
        clients,
        step.state_machine_arn,
        &step.execution_name,
        &input(step.target),
    )
    .await
    {
        Ok(arn) => arn,
        Err(e) => {
            report.error = Some(format!("{e:#}"));
            return (report, None);
        }
    };
    report.execution_arn = Some(arn.clone());
    report.status = "RUNNING".into();
    if !wait {
        return (report, None);
    }
    let target = watch::Target {
        clients,
        execution_arn: &arn,
        job_table: "",
        execution_id: &step.execution_name,
        jobs: &[],
    };
    let mut quiet = Display::Silent;
    let end = match watch::watch(&target, poll, deadline, interrupt, &mut quiet).await {
        Ok((end, _)) => end,
        Err(e) => {
            report.status = "UNKNOWN".into();
            report.error = Some(format!("{e:#}"));
            return (report, None);
        }
    };
    let exec = match &end {
        End::Finished(e) => Some(e),
        End::TimedOut(e) | End::Interrupted(e) => e.as_ref(),
    };
    if let Some(exec) = exec {
        report.status = exec.status.clone();
        report.error = exec.error.clone();
        report.cause = exec.cause.clone();
    }
    display.note(&format!(
        "cluster {}: {} {}",
        step.target.cluster_id,
        step.action.as_str(),
        report.status
    ));
    (report, Some(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_has_the_two_keys_the_lambdas_read() {
        let t = ClusterTarget {
            cluster_id: "dw-1".into(),
            target_account_role: "arn:aws:iam::1:role/r".into(),
            pause_after: true,
        };
        assert_eq!(
            input(&t),
            r#"{"clusterId":"dw-1","targetAccountRole":"arn:aws:iam::1:role/r"}"#
        );
    }
}
