//! The workflow config item, in exactly the shape the framework's trigger Lambda reads
//! (reference `framework.md` §1.3.1), plus rsqlmig's provenance attributes.
//!
//! Hard constraints from the framework's code: `workflow_stages` is a List of Maps; each stage
//! holds only `execution_flag` ("y"/"n"), `execution_type` ("parallel"/"sequential") and `scripts`
//! (a List of Strings, never a String Set); no Number anywhere inside a stage (nested numbers
//! become `Decimal` and break `json.dumps` in the trigger). Provenance lives at the top level,
//! where extra attributes are ignored, and uses no Number either.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One stage as the framework runs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// "y" or "n".
    pub execution_flag: String,
    /// "parallel" or "sequential".
    pub execution_type: String,
    pub scripts: Vec<String>,
}

/// One job of a workflow, for provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Job {
    pub script: String,
    pub depends_on: Vec<String>,
    pub enabled: bool,
}

/// What `publish` writes for one workflow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Workflow {
    pub workflow_id: String,
    pub description: Option<String>,
    pub stages: Vec<Stage>,
    pub jobs: Vec<Job>,
}

/// A job script's name and content hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptHash {
    pub name: String,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Digest of everything a workflow item stands for: its shape and the content of its scripts.
/// Publishing again with the same digest writes nothing.
pub fn workflow_digest(workflow: &Workflow, scripts: &[ScriptHash]) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        workflow: &'a Workflow,
        scripts: Vec<(&'a str, &'a str)>,
    }
    let mut pairs: Vec<(&str, &str)> = scripts
        .iter()
        .map(|s| (s.name.as_str(), s.sha256.as_str()))
        .collect();
    pairs.sort();
    let canonical = serde_json::to_vec(&Canonical {
        workflow,
        scripts: pairs,
    })
    .expect("serialisable");
    sha256_hex(&canonical)
}

/// Attribute names rsqlmig adds for provenance (ignored by the framework).
pub mod attr {
    pub const WORKFLOW_ID: &str = "workflow_id";
    pub const DESCRIPTION: &str = "workflow_description";
    pub const STAGES: &str = "workflow_stages";
    pub const DIGEST: &str = "rsqlmig_digest";
    pub const PUBLISHED_AT: &str = "rsqlmig_published_at";
    pub const VERSION: &str = "rsqlmig_version";
    pub const CATALOG: &str = "rsqlmig_catalog";
    pub const JOBS: &str = "rsqlmig_jobs";
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn list_of_strings(items: &[String]) -> AttributeValue {
    AttributeValue::L(items.iter().map(|i| s(i.clone())).collect())
}

/// The DynamoDB item for `workflow`.
pub fn to_item(
    workflow: &Workflow,
    scripts: &[ScriptHash],
    catalog: &str,
    digest: &str,
    published_at: &str,
) -> HashMap<String, AttributeValue> {
    let stages = workflow
        .stages
        .iter()
        .map(|stage| {
            AttributeValue::M(HashMap::from([
                (
                    "execution_flag".to_string(),
                    s(stage.execution_flag.clone()),
                ),
                (
                    "execution_type".to_string(),
                    s(stage.execution_type.clone()),
                ),
                ("scripts".to_string(), list_of_strings(&stage.scripts)),
            ]))
        })
        .collect();
    let hash_of: HashMap<&str, &str> = scripts
        .iter()
        .map(|s| (s.name.as_str(), s.sha256.as_str()))
        .collect();
    let jobs = workflow
        .jobs
        .iter()
        .map(|job| {
            AttributeValue::M(HashMap::from([
                ("script".to_string(), s(job.script.clone())),
                ("depends_on".to_string(), list_of_strings(&job.depends_on)),
                ("enabled".to_string(), AttributeValue::Bool(job.enabled)),
                (
                    "sha256".to_string(),
                    s(hash_of.get(job.script.as_str()).copied().unwrap_or("")),
                ),
            ]))
        })
        .collect();
    let mut item = HashMap::from([
        (
            attr::WORKFLOW_ID.to_string(),
            s(workflow.workflow_id.clone()),
        ),
        (attr::STAGES.to_string(), AttributeValue::L(stages)),
        (attr::DIGEST.to_string(), s(digest)),
        (attr::PUBLISHED_AT.to_string(), s(published_at)),
        (attr::VERSION.to_string(), s(env!("CARGO_PKG_VERSION"))),
        (attr::CATALOG.to_string(), s(catalog)),
        (attr::JOBS.to_string(), AttributeValue::L(jobs)),
    ]);
    if let Some(description) = &workflow.description {
        item.insert(attr::DESCRIPTION.to_string(), s(description.clone()));
    }
    item
}

/// An item as YAML, for reviewing a change as a diff. Keys are sorted; the publication time is
/// left out because it changes on every write.
pub fn to_yaml(item: &HashMap<String, AttributeValue>) -> String {
    let mut keys: Vec<&String> = item
        .keys()
        .filter(|k| k.as_str() != attr::PUBLISHED_AT)
        .collect();
    keys.sort();
    let mut map = serde_yaml::Mapping::new();
    for k in keys {
        map.insert(serde_yaml::Value::String(k.clone()), yaml_value(&item[k]));
    }
    serde_yaml::to_string(&map).expect("YAML serialises")
}

fn yaml_value(v: &AttributeValue) -> serde_yaml::Value {
    use serde_yaml::Value;
    match v {
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::N(n) => Value::String(format!("(number) {n}")),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::L(items) => Value::Sequence(items.iter().map(yaml_value).collect()),
        AttributeValue::M(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_yaml::Mapping::new();
            for k in keys {
                out.insert(Value::String(k.clone()), yaml_value(&map[k]));
            }
            Value::Mapping(out)
        }
        AttributeValue::Ss(set) => Value::String(format!("(string set) {}", set.join(", "))),
        other => Value::String(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Workflow {
        Workflow {
            workflow_id: "blog_test_workflow".into(),
            description: Some("demo".into()),
            stages: vec![
                Stage {
                    execution_flag: "y".into(),
                    execution_type: "sequential".into(),
                    scripts: vec!["a.sh".into(), "b.sh".into()],
                },
                Stage {
                    execution_flag: "y".into(),
                    execution_type: "parallel".into(),
                    scripts: vec!["c.sh".into(), "d.sh".into()],
                },
            ],
            jobs: vec![Job {
                script: "a.sh".into(),
                depends_on: vec![],
                enabled: true,
            }],
        }
    }

    /// No Number anywhere in the item, and stages are lists of maps of strings and string lists.
    fn assert_framework_shape(v: &AttributeValue) {
        match v {
            AttributeValue::N(_) | AttributeValue::Ns(_) | AttributeValue::Ss(_) => {
                panic!("forbidden type {v:?}")
            }
            AttributeValue::L(items) => items.iter().for_each(assert_framework_shape),
            AttributeValue::M(map) => map.values().for_each(assert_framework_shape),
            _ => {}
        }
    }

    #[test]
    fn item_has_the_framework_shape() {
        let item = to_item(&sample(), &[], "cat", "d1", "2026-01-01T00:00:00Z");
        item.values().for_each(assert_framework_shape);
        let stages = item["workflow_stages"].as_l().unwrap();
        let first = stages[0].as_m().unwrap();
        let mut keys: Vec<_> = first.keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, vec!["execution_flag", "execution_type", "scripts"]);
        assert_eq!(first["execution_type"].as_s().unwrap(), "sequential");
        assert_eq!(
            first["scripts"]
                .as_l()
                .unwrap()
                .iter()
                .map(|v| v.as_s().unwrap().as_str())
                .collect::<Vec<_>>(),
            vec!["a.sh", "b.sh"]
        );
    }

    #[test]
    fn digest_follows_content_and_shape() {
        let w = sample();
        let one = [ScriptHash {
            name: "a.sh".into(),
            sha256: "x".into(),
        }];
        let two = [ScriptHash {
            name: "a.sh".into(),
            sha256: "y".into(),
        }];
        assert_eq!(workflow_digest(&w, &one), workflow_digest(&w, &one));
        assert_ne!(workflow_digest(&w, &one), workflow_digest(&w, &two));
        let mut changed = w.clone();
        changed.stages[1].execution_type = "sequential".into();
        assert_ne!(workflow_digest(&w, &one), workflow_digest(&changed, &one));
    }

    #[test]
    fn yaml_rendering_is_stable_and_skips_the_timestamp() {
        let a = to_yaml(&to_item(&sample(), &[], "cat", "d1", "t1"));
        let b = to_yaml(&to_item(&sample(), &[], "cat", "d1", "t2"));
        assert_eq!(a, b);
        assert!(a.contains("workflow_stages:"));
        assert!(!a.contains("rsqlmig_published_at"));
    }
}
