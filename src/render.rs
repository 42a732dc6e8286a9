//! Output formats: diagnostics as text with positions, JSON documents, unified diffs, rule docs.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;

use crate::cli::Format;
use crate::convert::Status;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Rule;
use crate::syntax::span::LineIndex;

/// A diagnostic placed at its 1-based line and column: what reports print and serialise.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Finding {
    /// Places `diagnostics` in `text` (the decoded input their spans point into).
    pub fn place(text: &str, diagnostics: &[Diagnostic]) -> Vec<Finding> {
        let index = LineIndex::new(text);
        let mut out: Vec<Finding> = diagnostics
            .iter()
            .map(|d| {
                let (line, column) = index.line_col(text, d.span.start as usize);
                Finding {
                    code: d.code,
                    severity: d.severity,
                    line,
                    column,
                    message: d.message.clone(),
                }
            })
            .collect();
        out.sort_by_key(|f| (f.line, f.column));
        out
    }

    pub fn is_action_item(&self) -> bool {
        self.severity >= Severity::Warning
    }
}

/// What a command learned about one file. Holds no file text beyond what will be printed, so a
/// run over thousands of files stays small.
pub struct FileReport {
    pub input: PathBuf,
    pub output: Option<PathBuf>,
    pub status: Status,
    pub findings: Vec<Finding>,
    /// The unified diff input -> output (passwords redacted), when asked for.
    pub diff: Option<String>,
    /// The converted text, when it goes to stdout.
    pub stdout_text: Option<String>,
    /// With `--check`: the file on disk differs from the output.
    pub differs: bool,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    input: String,
    output: Option<String>,
    status: Status,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    differs: bool,
    diagnostics: &'a [Finding],
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    converted: usize,
    failed: usize,
    action_items: usize,
}

#[derive(Serialize)]
struct JsonConvert<'a> {
    files: Vec<JsonFile<'a>>,
    summary: JsonSummary,
}

fn summary(reports: &[FileReport]) -> JsonSummary {
    JsonSummary {
        files: reports.len(),
        converted: reports
            .iter()
            .filter(|r| matches!(r.status, Status::Converted | Status::Unchanged))
            .count(),
        failed: reports
            .iter()
            .filter(|r| matches!(r.status, Status::Failed | Status::Unsupported))
            .count(),
        action_items: reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.is_action_item())
            .count(),
    }
}

/// A unified diff of `old` -> `new` with file names in the header.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// Writes `doc` to stdout as indented JSON and a line break, through a buffer: a report on
/// thousands of files is never held as one string (it would be most of a run's peak memory).
pub fn print_json(doc: &impl Serialize) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, doc)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .context("cannot write the JSON report to stdout")
}

/// Prints what `convert` did, in `format`; diffs too when present. Text goes to stderr when
/// stdout carries the converted script itself.
pub fn print_convert_reports(
    reports: &[FileReport],
    format: Format,
    stdout_has_script: bool,
) -> anyhow::Result<()> {
    let mut sorted: Vec<&FileReport> = reports.iter().collect();
    sorted.sort_by(|a, b| a.input.cmp(&b.input));
    match format {
        Format::Json => {
            let files = sorted
                .iter()
                .map(|r| JsonFile {
                    input: r.input.display().to_string(),
                    output: r.output.as_ref().map(|p| p.display().to_string()),
                    status: r.status,
                    differs: r.differs,
                    diagnostics: &r.findings,
                })
                .collect();
            print_json(&JsonConvert {
                files,
                summary: summary(reports),
            })?;
        }
        Format::Text => {
            let mut out: Box<dyn Write> = if stdout_has_script {
                Box::new(std::io::stderr().lock())
            } else {
                Box::new(std::io::stdout().lock())
            };
            let colour = if stdout_has_script {
                crate::cli::stderr_is_terminal()
            } else {
                crate::cli::stdout_is_terminal()
            };
            for r in &sorted {
                if let Some(diff) = &r.diff {
                    write_diff(&mut out, diff, colour);
                }
                write_findings(&mut out, r, colour);
                if r.differs {
                    let _ = writeln!(
                        out,
                        "would change: {}",
                        r.output.as_ref().unwrap_or(&r.input).display()
                    );
                }
            }
            let s = summary(reports);
            let _ = writeln!(
                out,
                "{} file(s): {} converted, {} failed, {} action item(s)",
                s.files, s.converted, s.failed, s.action_items
            );
        }
    }
    Ok(())
}

/// `path:line:col: severity CODE: message` lines.
pub fn write_findings(out: &mut dyn Write, r: &FileReport, colour: bool) {
    for f in &r.findings {
        let severity = f.severity.as_str();
        let severity = if colour {
            match f.severity {
                Severity::Error => console::style(severity).red().bold().to_string(),
                Severity::Warning => console::style(severity).yellow().to_string(),
                Severity::Info => console::style(severity).dim().to_string(),
            }
        } else {
            severity.to_string()
        };
        let _ = writeln!(
            out,
            "{}:{}:{}: {severity} {}: {}",
            r.input.display(),
            f.line,
            f.column,
            f.code,
            f.message
        );
    }
    if matches!(r.status, Status::Failed | Status::Unsupported) {
        let what = match r.status {
            Status::Unsupported => "not converted (unsupported script kind)",
            _ => "not converted",
        };
        let _ = writeln!(out, "{}: {what}", r.input.display());
    }
}

fn write_diff(out: &mut dyn Write, text: &str, colour: bool) {
    if !colour {
        let _ = write!(out, "{text}");
        return;
    }
    for line in text.split_inclusive('\n') {
        let styled = if line.starts_with("+++") || line.starts_with("---") {
            console::style(line).bold().to_string()
        } else if line.starts_with('+') {
            console::style(line).green().to_string()
        } else if line.starts_with('-') {
            console::style(line).red().to_string()
        } else if line.starts_with("@@") {
            console::style(line).cyan().to_string()
        } else {
            line.to_string()
        };
        let _ = write!(out, "{styled}");
    }
}

/// A progress bar on stderr.
pub fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// A rule's documentation as Markdown.
pub fn rule_doc(rule: &Rule) -> String {
    format!(
        "## {} {}\n\n{} · {} · {}\n\n{}\n\n",
        rule.code,
        rule.name,
        format!("{:?}", rule.kind).to_lowercase(),
        rule.severity.as_str(),
        rule.summary,
        rule.doc
    )
}
