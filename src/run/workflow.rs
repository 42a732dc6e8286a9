//! A published workflow as the trigger Lambda reads it from the config table (reference
//! `framework.md` §1.3.1, §1.4): the enabled stages, verbatim, and the job list they give.

use std::collections::{BTreeSet, HashMap};

use anyhow::{Result, anyhow, bail};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

use crate::aws::{Clients, describe};

/// What `run` starts: the trigger's view of one config item.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowConfig {
    pub workflow_id: String,
    /// The enabled stages (`execution_flag` lower-cased is "y"), in order, each exactly as stored.
    pub stages: Vec<Value>,
    /// The scripts of the enabled stages, in stage order: the audit row's `rsql_jobs`.
    pub rsql_jobs: Vec<String>,
    /// Stages left out because their flag is not "y".
    pub skipped_stages: usize,
    /// What the framework would trip over at run time (reported, not refused).
    pub warnings: Vec<String>,
}

/// Reads `workflow_id`'s item from `table` (consistent read). A missing item, a missing or
/// malformed `workflow_stages`, or no enabled stage is an error naming the table and the key.
pub async fn read(clients: &Clients, table: &str, workflow_id: &str) -> Result<WorkflowConfig> {
    let key = format!("workflow_id = {workflow_id:?}");
    let out = clients
        .dynamodb
        .get_item()
        .table_name(table)
        .key("workflow_id", AttributeValue::S(workflow_id.to_string()))
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| {
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception())
            {
                anyhow!(
                    "the config table {table} does not exist in this account and region \
                     (set aws.config_table in catalog.yaml, or create it with `rsqlmig bootstrap`)"
                )
            } else {
                anyhow!("reading {table} ({key}): {}", describe(&e))
            }
        })?;
    let Some(item) = out.item() else {
        bail!(
            "workflow {workflow_id:?} is not in the config table {table} (no item with key {key}): \
             publish it first"
        );
    };
    parse(item, table, workflow_id)
}

/// The trigger's reading of a config item.
pub fn parse(
    item: &HashMap<String, AttributeValue>,
    table: &str,
    workflow_id: &str,
) -> Result<WorkflowConfig> {
    let whose = format!("the item with key workflow_id = {workflow_id:?} in {table}");
    let stages = match item.get("workflow_stages") {
        Some(AttributeValue::L(l)) => l,
        Some(_) => {
            bail!("{whose}: workflow_stages is not a List (the framework needs a List of Maps)")
        }
        None => bail!("{whose} has no workflow_stages"),
    };
    let mut config = WorkflowConfig {
        workflow_id: workflow_id.to_string(),
        stages: Vec::new(),
        rsql_jobs: Vec::new(),
        skipped_stages: 0,
        warnings: Vec::new(),
    };
    for (i, stage) in stages.iter().enumerate() {
        let n = i + 1;
        let AttributeValue::M(map) = stage else {
            bail!("{whose}: stage {n} of workflow_stages is not a Map");
        };
        let flag = match map.get("execution_flag") {
            Some(AttributeValue::S(s)) => s,
            Some(_) => bail!("{whose}: stage {n} has an execution_flag that is not a String"),
            None => bail!(
                "{whose}: stage {n} has no execution_flag (the framework's trigger fails on it)"
            ),
        };
        if flag.to_lowercase() != "y" {
            config.skipped_stages += 1;
            continue;
        }
        let scripts = match map.get("scripts") {
            Some(AttributeValue::L(l)) => l
                .iter()
                .map(|s| match s {
                    AttributeValue::S(s) => Ok(s.clone()),
                    _ => Err(anyhow!(
                        "{whose}: stage {n} lists a script that is not a String"
                    )),
                })
                .collect::<Result<Vec<_>>>()?,
            Some(_) => bail!(
                "{whose}: stage {n}'s scripts is not a List of Strings (a String Set breaks the trigger)"
            ),
            None => bail!("{whose}: stage {n} has no scripts"),
        };
        match map.get("execution_type") {
            Some(AttributeValue::S(t)) if t == "parallel" || t == "sequential" => {}
            Some(AttributeValue::S(t)) => config.warnings.push(format!(
                "stage {n}: execution_type {t:?} is neither \"parallel\" nor \"sequential\": \
                 the master state machine will fail on it"
            )),
            _ => config.warnings.push(format!(
                "stage {n} has no String execution_type: the master state machine will fail on it"
            )),
        }
        if scripts.is_empty() {
            config.warnings.push(format!(
                "stage {n} has no scripts: the framework fails on an empty parallel stage"
            ));
        }
        if map.values().any(holds_number) {
            config.warnings.push(format!(
                "stage {n} holds a Number: the framework's trigger cannot serialise it"
            ));
        }
        config.rsql_jobs.extend(scripts);
        config.stages.push(to_json(stage)?);
    }
    if config.stages.is_empty() {
        bail!(
            "{whose} has no enabled stage (execution_flag \"y\" on none of its {} stages): \
             nothing to run",
            stages.len()
        );
    }
    let mut seen = BTreeSet::new();
    for job in &config.rsql_jobs {
        if !seen.insert(job) {
            config.warnings.push(format!(
                "script {job} is listed twice: its job audit rows collide"
            ));
        }
    }
    Ok(config)
}

fn holds_number(v: &AttributeValue) -> bool {
    match v {
        AttributeValue::N(_) | AttributeValue::Ns(_) => true,
        AttributeValue::L(l) => l.iter().any(holds_number),
        AttributeValue::M(m) => m.values().any(holds_number),
        _ => false,
    }
}

/// A DynamoDB value as plain JSON, the way boto3's deserialiser plus `json.dumps` renders it.
pub fn to_json(v: &AttributeValue) -> Result<Value> {
    Ok(match v {
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::N(n) => number(n)?,
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::L(l) => Value::Array(l.iter().map(to_json).collect::<Result<_>>()?),
        AttributeValue::M(m) => Value::Object(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), to_json(v)?)))
                .collect::<Result<_>>()?,
        ),
        AttributeValue::Ss(ss) => Value::Array(ss.iter().cloned().map(Value::String).collect()),
        AttributeValue::Ns(ns) => {
            Value::Array(ns.iter().map(|n| number(n)).collect::<Result<_>>()?)
        }
        _ => bail!("a binary or unknown DynamoDB value has no JSON form"),
    })
}

fn number(n: &str) -> Result<Value> {
    if let Ok(i) = n.parse::<i64>() {
        return Ok(Value::from(i));
    }
    n.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| anyhow!("{n} is not a number JSON can hold"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.into())
    }

    fn stage(flag: &str, kind: &str, scripts: &[&str]) -> AttributeValue {
        AttributeValue::M(HashMap::from([
            ("execution_flag".into(), s(flag)),
            ("execution_type".into(), s(kind)),
            (
                "scripts".into(),
                AttributeValue::L(scripts.iter().map(|x| s(x)).collect()),
            ),
        ]))
    }

    fn item(stages: Vec<AttributeValue>) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("workflow_id".into(), s("wf")),
            ("workflow_stages".into(), AttributeValue::L(stages)),
        ])
    }

    #[test]
    fn enabled_stages_verbatim_in_order() {
        let it = item(vec![
            stage("y", "sequential", &["a.sh", "b.sh"]),
            stage("n", "parallel", &["skipped.sh"]),
            stage("Y", "parallel", &["c.sh", "d.sh"]),
        ]);
        let c = parse(&it, "t", "wf").unwrap();
        assert_eq!(c.rsql_jobs, ["a.sh", "b.sh", "c.sh", "d.sh"]);
        assert_eq!(c.skipped_stages, 1);
        assert_eq!(
            c.stages[1],
            serde_json::json!({"execution_flag": "Y", "execution_type": "parallel", "scripts": ["c.sh", "d.sh"]})
        );
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn unusable_items_name_table_and_key() {
        let e = parse(&item(vec![stage("n", "parallel", &["a.sh"])]), "cfg", "wf").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("cfg") && msg.contains("workflow_id = \"wf\""),
            "{msg}"
        );
        assert!(msg.contains("no enabled stage"), "{msg}");
        let no_stages = HashMap::from([("workflow_id".to_string(), s("wf"))]);
        assert!(
            parse(&no_stages, "cfg", "wf")
                .unwrap_err()
                .to_string()
                .contains("no workflow_stages")
        );
        let no_flag = item(vec![AttributeValue::M(HashMap::new())]);
        assert!(
            parse(&no_flag, "cfg", "wf")
                .unwrap_err()
                .to_string()
                .contains("no execution_flag")
        );
        let set = item(vec![AttributeValue::M(HashMap::from([
            ("execution_flag".into(), s("y")),
            ("scripts".into(), AttributeValue::Ss(vec!["a.sh".into()])),
        ]))]);
        assert!(
            parse(&set, "cfg", "wf")
                .unwrap_err()
                .to_string()
                .contains("String Set")
        );
    }

    #[test]
    fn runtime_traps_are_warnings() {
        let mut odd = stage("y", "Parallel", &["a.sh", "a.sh"]);
        if let AttributeValue::M(m) = &mut odd {
            m.insert("stage_id".into(), AttributeValue::N("1".into()));
        }
        let c = parse(&item(vec![odd]), "t", "wf").unwrap();
        assert_eq!(c.warnings.len(), 3, "{:?}", c.warnings);
        assert_eq!(c.stages[0]["stage_id"], serde_json::json!(1));
    }
}
