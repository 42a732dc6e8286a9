//! Step Functions: state machines by name, executions started by name, their status.

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};

use super::time;
use crate::aws::{Clients, describe};

/// The ARN of the state machine called `name` (an ARN is taken as it is). Without one of that
/// exact name, the one machine named `name-…`: CloudFormation names the framework's cluster
/// machines `ResumeClusterStateMachine-<random>` (reference `framework.md` §2.5, §2.7).
pub async fn state_machine_arn(clients: &Clients, name: &str) -> Result<String> {
    if name.starts_with("arn:") {
        return Ok(name.to_string());
    }
    let generated_prefix = format!("{name}-");
    let mut generated: Vec<(String, String)> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = clients
            .sfn
            .list_state_machines()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| anyhow!("listing state machines: {}", describe(&e)))?;
        if let Some(sm) = out.state_machines().iter().find(|sm| sm.name() == name) {
            return Ok(sm.state_machine_arn().to_string());
        }
        generated.extend(
            out.state_machines()
                .iter()
                .filter(|sm| sm.name().starts_with(&generated_prefix))
                .map(|sm| (sm.name().to_string(), sm.state_machine_arn().to_string())),
        );
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    match generated.as_slice() {
        [(_, arn)] => return Ok(arn.clone()),
        [] => {}
        several => bail!(
            "no state machine named {name} but several named {generated_prefix}…: {}; name the \
             one to use (its full name or ARN) in the catalog's aws settings",
            several
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    bail!(
        "no state machine named {name} in region {}: check the catalog's aws settings \
         (master_state_machine, resume_state_machine, pause_state_machine) and --region",
        clients.region.as_deref().unwrap_or("(none)")
    )
}

/// `arn:…:stateMachine:<name>` → `arn:…:execution:<name>:<execution name>`.
pub fn execution_arn(state_machine_arn: &str, name: &str) -> String {
    match state_machine_arn.split_once(":stateMachine:") {
        Some((head, machine)) => format!("{head}:execution:{machine}:{name}"),
        None => format!("{state_machine_arn}:{name}"),
    }
}

/// An execution as DescribeExecution shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Execution {
    pub arn: String,
    /// RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE.
    pub status: String,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub cause: Option<String>,
}

pub const SUCCEEDED: &str = "SUCCEEDED";

impl Execution {
    pub fn is_terminal(&self) -> bool {
        is_terminal(&self.status)
    }

    pub fn succeeded(&self) -> bool {
        self.status == SUCCEEDED
    }

    /// `error: cause`, or whichever of them there is.
    pub fn error_message(&self) -> String {
        match (self.error.as_deref(), self.cause.as_deref()) {
            (Some(e), Some(c)) if !c.is_empty() => format!("{e}: {c}"),
            (Some(e), _) => e.to_string(),
            (None, Some(c)) => c.to_string(),
            (None, None) => format!("the execution ended {}", self.status),
        }
    }
}

pub fn is_terminal(status: &str) -> bool {
    !matches!(status, "RUNNING" | "PENDING_REDRIVE")
}

/// Starts `state_machine_arn` with execution `name`; returns the execution ARN.
pub async fn start(
    clients: &Clients,
    state_machine_arn: &str,
    name: &str,
    input: &str,
) -> Result<String> {
    let out = clients
        .sfn
        .start_execution()
        .state_machine_arn(state_machine_arn)
        .name(name)
        .input(input)
        .send()
        .await
        .map_err(|e| {
            if e.as_service_error()
                .is_some_and(|s| s.is_execution_already_exists())
            {
                anyhow!("an execution named {name} already exists for {state_machine_arn}")
            } else {
                anyhow!("starting {state_machine_arn}: {}", describe(&e))
            }
        })?;
    Ok(out.execution_arn().to_string())
}

/// The execution's status, or `None` when it does not exist.
pub async fn describe_execution(clients: &Clients, arn: &str) -> Result<Option<Execution>> {
    match clients
        .sfn
        .describe_execution()
        .execution_arn(arn)
        .send()
        .await
    {
        Ok(out) => Ok(Some(Execution {
            arn: out.execution_arn().to_string(),
            status: out.status().as_str().to_string(),
            start: time::from_smithy(out.start_date()),
            end: out.stop_date().and_then(time::from_smithy),
            error: out.error().map(str::to_string),
            cause: out.cause().map(str::to_string),
        })),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_execution_does_not_exist()) =>
        {
            Ok(None)
        }
        Err(e) => bail!("describing execution {arn}: {}", describe(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execution_arns_follow_the_state_machine_arn() {
        assert_eq!(
            execution_arn(
                "arn:aws:states:us-east-1:123456789012:stateMachine:rsql-master-state-machine",
                "demo_test_26"
            ),
            "arn:aws:states:us-east-1:123456789012:execution:rsql-master-state-machine:demo_test_26"
        );
    }

    #[test]
    fn error_messages_join_error_and_cause() {
        let mut e = Execution {
            status: "FAILED".into(),
            error: Some("21".into()),
            cause: Some("relation does not exist".into()),
            ..Default::default()
        };
        assert_eq!(e.error_message(), "21: relation does not exist");
        e.cause = None;
        assert_eq!(e.error_message(), "21");
        e.error = None;
        assert_eq!(e.error_message(), "the execution ended FAILED");
        assert!(e.is_terminal() && !is_terminal("RUNNING"));
    }
}
