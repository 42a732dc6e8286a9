//! `rsqlmig graph` output: text, Graphviz DOT, Mermaid and JSON.

use std::fmt::Write as _;

use serde::Serialize;

use super::{EdgeKind, Stage, WorkflowGraph, reason};
use crate::catalog::{ExecutionFlag, FileDiagnostic};
use crate::diagnostic::Severity;

/// Stages, then each job with what it reads and writes and what it runs after, then the
/// diagnostics as `file:line:col: severity CODE: message`.
pub fn text(graphs: &[WorkflowGraph], colour: bool) -> String {
    let mut out = String::new();
    for (w, g) in graphs.iter().enumerate() {
        if w > 0 {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "workflow {} ({}): {} job(s), {} edge(s)",
            g.workflow_id,
            g.file.display(),
            g.jobs.len(),
            g.edges.len()
        );
        let origin = if g.explicit_stages {
            "explicit"
        } else {
            "compiled"
        };
        if g.stages.is_empty() {
            let _ = writeln!(out, "  stages: none (see the errors below)");
        } else {
            let _ = writeln!(out, "  stages ({origin}):");
        }
        for (i, s) in g.stages.iter().enumerate() {
            let skipped = if s.execution_flag == ExecutionFlag::No {
                " (skipped: execution_flag n)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    {}. {}{skipped}: {}",
                i + 1,
                s.execution_type.as_str(),
                s.scripts.join(", ")
            );
        }
        let _ = writeln!(out, "  jobs:");
        let mut incoming: Vec<Vec<&super::Edge>> = vec![Vec::new(); g.jobs.len()];
        for e in &g.edges {
            incoming[e.to].push(e);
        }
        for (j, job) in g.jobs.iter().enumerate() {
            let disabled = if job.enabled { "" } else { " (disabled)" };
            let _ = writeln!(out, "    {}{disabled}", job.script);
            let after: Vec<String> = incoming[j]
                .iter()
                .map(|e| format!("{} ({})", g.jobs[e.from].script, reason(e)))
                .collect();
            for (what, items) in [
                ("after", &after),
                ("reads", &job.reads),
                ("writes", &job.writes),
                ("creates schema", &job.schemas_created),
                ("reads files", &job.files_read),
                ("writes files", &job.files_written),
            ] {
                if !items.is_empty() {
                    let _ = writeln!(out, "      {what}: {}", items.join(", "));
                }
            }
        }
        for d in &g.diagnostics {
            let _ = writeln!(out, "{}", diagnostic_line(d, colour));
        }
    }
    let count = |s: Severity| {
        graphs
            .iter()
            .flat_map(|g| &g.diagnostics)
            .filter(|d| d.severity == s)
            .count()
    };
    if !graphs.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} workflow(s): {} error(s), {} warning(s), {} info",
        graphs.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    out
}

pub fn diagnostic_line(d: &FileDiagnostic, colour: bool) -> String {
    let severity = d.severity.as_str();
    let severity = if colour {
        match d.severity {
            Severity::Error => console::style(severity).red().bold().to_string(),
            Severity::Warning => console::style(severity).yellow().to_string(),
            Severity::Info => console::style(severity).dim().to_string(),
        }
    } else {
        severity.to_string()
    };
    format!(
        "{}:{}:{}: {severity} {}: {}",
        d.file.display(),
        d.line,
        d.column,
        d.code,
        d.message
    )
}

fn edge_label(kind: EdgeKind, labels: &[String]) -> String {
    match kind {
        EdgeKind::Table => labels.join("\n"),
        EdgeKind::Declared => "declared".into(),
        EdgeKind::Schema => format!("schema {}", labels.join(", ")),
        EdgeKind::File => labels
            .iter()
            .map(|l| format!("file {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// A DOT string literal.
fn dot_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Graphviz: one cluster per workflow, jobs as boxes (disabled ones dashed), edges labelled with
/// their tables; declared edges dashed, file edges dotted, schema edges grey.
pub fn dot(graphs: &[WorkflowGraph]) -> String {
    let mut out = String::from(
        "digraph rsqlmig {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for (w, g) in graphs.iter().enumerate() {
        let _ = writeln!(out, "  subgraph {} {{", dot_str(&format!("cluster_{w}")));
        let _ = writeln!(out, "    label={};", dot_str(&g.workflow_id));
        for (j, job) in g.jobs.iter().enumerate() {
            let style = if job.enabled { "" } else { ", style=dashed" };
            let _ = writeln!(
                out,
                "    {} [label={}{style}];",
                dot_str(&format!("w{w}_j{j}")),
                dot_str(&job.script)
            );
        }
        out.push_str("  }\n");
        for e in &g.edges {
            let style = match e.kind {
                EdgeKind::Table => "",
                EdgeKind::Declared => ", style=dashed",
                EdgeKind::File => ", style=dotted",
                EdgeKind::Schema => ", color=gray40, fontcolor=gray40",
            };
            let _ = writeln!(
                out,
                "  {} -> {} [label={}{style}];",
                dot_str(&format!("w{w}_j{}", e.from)),
                dot_str(&format!("w{w}_j{}", e.to)),
                dot_str(&edge_label(e.kind, &e.labels))
            );
        }
    }
    out.push_str("}\n");
    out
}

/// Text inside a Mermaid `"…"` label.
fn mermaid_str(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', "<br/>")
}

/// Mermaid flowchart: one subgraph per workflow; declared edges dotted.
pub fn mermaid(graphs: &[WorkflowGraph]) -> String {
    let mut out = String::from("flowchart LR\n");
    for (w, g) in graphs.iter().enumerate() {
        let _ = writeln!(out, "  subgraph w{w}[\"{}\"]", mermaid_str(&g.workflow_id));
        for (j, job) in g.jobs.iter().enumerate() {
            let disabled = if job.enabled { "" } else { " (disabled)" };
            let _ = writeln!(
                out,
                "    w{w}_j{j}[\"{}{disabled}\"]",
                mermaid_str(&job.script)
            );
        }
        out.push_str("  end\n");
        for e in &g.edges {
            let arrow = if e.kind == EdgeKind::Declared {
                "-.->"
            } else {
                "-->"
            };
            let _ = writeln!(
                out,
                "  w{w}_j{} {arrow}|\"{}\"| w{w}_j{}",
                e.from,
                mermaid_str(&edge_label(e.kind, &e.labels)),
                e.to
            );
        }
    }
    out
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    workflows: Vec<JsonWorkflow<'a>>,
}

#[derive(Serialize)]
struct JsonWorkflow<'a> {
    workflow_id: &'a str,
    jobs: Vec<JsonJob<'a>>,
    edges: Vec<JsonEdge<'a>>,
    stages: &'a [Stage],
    diagnostics: &'a [FileDiagnostic],
}

#[derive(Serialize)]
struct JsonJob<'a> {
    script: &'a str,
    reads: &'a [String],
    writes: &'a [String],
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    tables: &'a [String],
    kind: EdgeKind,
}

/// `{"workflows":[{"workflow_id","jobs","edges","stages","diagnostics"}]}`.
pub fn json(graphs: &[WorkflowGraph]) -> impl Serialize + '_ {
    JsonDoc {
        workflows: graphs
            .iter()
            .map(|g| JsonWorkflow {
                workflow_id: &g.workflow_id,
                jobs: g
                    .jobs
                    .iter()
                    .map(|j| JsonJob {
                        script: &j.script,
                        reads: &j.reads,
                        writes: &j.writes,
                    })
                    .collect(),
                edges: g
                    .edges
                    .iter()
                    .map(|e| JsonEdge {
                        from: &g.jobs[e.from].script,
                        to: &g.jobs[e.to].script,
                        tables: &e.labels,
                        kind: e.kind,
                    })
                    .collect(),
                stages: &g.stages,
                diagnostics: &g.diagnostics,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ExecutionType;
    use crate::graph::{Edge, JobNode};
    use std::path::PathBuf;

    fn sample() -> WorkflowGraph {
        let job = |s: &str, enabled| JobNode {
            script: s.into(),
            enabled,
            reads: vec!["s.\"q\"".into()],
            writes: vec!["s.t".into()],
            ..Default::default()
        };
        WorkflowGraph {
            workflow_id: "wf".into(),
            file: PathBuf::from("catalog/workflows/wf.yaml"),
            jobs: vec![job("a.sh", true), job("b.sh", false)],
            edges: vec![Edge {
                from: 0,
                to: 1,
                kind: EdgeKind::Table,
                labels: vec!["s.t".into(), "s.u".into()],
            }],
            stages: vec![Stage {
                execution_flag: ExecutionFlag::Yes,
                execution_type: ExecutionType::Sequential,
                scripts: vec!["a.sh".into()],
            }],
            explicit_stages: false,
            diagnostics: vec![FileDiagnostic {
                code: "GR008",
                severity: Severity::Info,
                line: 3,
                column: 5,
                message: "m".into(),
                file: PathBuf::from("catalog/workflows/wf.yaml"),
            }],
        }
    }

    #[test]
    fn text_lists_stages_jobs_and_diagnostics() {
        let t = text(&[sample()], false);
        assert!(
            t.contains("  stages (compiled):\n    1. sequential: a.sh\n"),
            "{t}"
        );
        assert!(
            t.contains("    b.sh (disabled)\n      after: a.sh (tables s.t, s.u)\n"),
            "{t}"
        );
        assert!(
            t.contains("catalog/workflows/wf.yaml:3:5: info GR008: m\n"),
            "{t}"
        );
        assert!(
            t.ends_with("1 workflow(s): 0 error(s), 0 warning(s), 1 info\n"),
            "{t}"
        );
    }

    #[test]
    fn dot_and_mermaid_escape_labels() {
        let d = dot(&[sample()]);
        assert!(
            d.contains("\"w0_j0\" -> \"w0_j1\" [label=\"s.t\\ns.u\"];"),
            "{d}"
        );
        assert!(d.contains("[label=\"b.sh\", style=dashed]"), "{d}");
        let m = mermaid(&[sample()]);
        assert!(m.contains("w0_j0 -->|\"s.t<br/>s.u\"| w0_j1"), "{m}");
        assert_eq!(mermaid_str("a\"b"), "a#quot;b");
        assert_eq!(dot_str("a\"b\\"), "\"a\\\"b\\\\\"");
    }

    #[test]
    fn json_has_the_documented_shape() {
        let v: serde_json::Value = serde_json::to_value(json(&[sample()])).unwrap();
        let wf = &v["workflows"][0];
        assert_eq!(wf["workflow_id"], "wf");
        assert_eq!(wf["jobs"][0]["script"], "a.sh");
        assert_eq!(wf["jobs"][0]["writes"][0], "s.t");
        assert_eq!(wf["edges"][0]["from"], "a.sh");
        assert_eq!(wf["edges"][0]["to"], "b.sh");
        assert_eq!(wf["edges"][0]["kind"], "table");
        assert_eq!(wf["edges"][0]["tables"][1], "s.u");
        assert_eq!(wf["stages"][0]["execution_type"], "sequential");
        assert_eq!(wf["stages"][0]["execution_flag"], "y");
        assert_eq!(wf["diagnostics"][0]["file"], "catalog/workflows/wf.yaml");
        assert_eq!(wf["diagnostics"][0]["line"], 3);
        assert_eq!(wf["diagnostics"][0]["severity"], "info");
    }
}
