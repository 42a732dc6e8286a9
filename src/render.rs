//! Output formats: diagnostics as text with positions, JSON documents, unified diffs, rule docs.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::Format;
use crate::convert::Status;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Rule;
use crate::syntax::span::LineIndex;

/// What a command learned about one file.
pub struct FileReport {
    pub input: PathBuf,
    pub output: Option<PathBuf>,
    pub status: Status,
    pub diagnostics: Vec<Diagnostic>,
    /// The decoded input, for computing positions only: it may hold passwords, never print it.
    pub input_text: String,
    /// The decoded input with passwords redacted, for display (diffs).
    pub source: String,
    pub output_text: Option<String>,
    /// With `--check`: the file on disk differs from the output.
    pub differs: bool,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    input: String,
    output: Option<String>,
    status: Status,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    differs: bool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
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

/// A diagnostic with its 1-based line and column in `source`.
pub fn positioned<'a>(
    source: &str,
    index: &LineIndex,
    diags: &'a [Diagnostic],
) -> Vec<(usize, usize, &'a Diagnostic)> {
    diags
        .iter()
        .map(|d| {
            let (line, column) = index.line_col(source, d.span.start as usize);
            (line, column, d)
        })
        .collect()
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
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.is_action_item())
            .count(),
    }
}

/// Prints what `convert` did, in `format`; diffs too when asked. Text goes to stderr when
/// stdout carries the converted script itself.
pub fn print_convert_reports(
    reports: &[FileReport],
    format: Format,
    diff: bool,
    stdout_has_script: bool,
) {
    let mut sorted: Vec<&FileReport> = reports.iter().collect();
    sorted.sort_by(|a, b| a.input.cmp(&b.input));
    match format {
        Format::Json => {
            let files = sorted
                .iter()
                .map(|r| {
                    let index = LineIndex::new(&r.input_text);
                    JsonFile {
                        input: r.input.display().to_string(),
                        output: r.output.as_ref().map(|p| p.display().to_string()),
                        status: r.status,
                        differs: r.differs,
                        diagnostics: positioned(&r.input_text, &index, &r.diagnostics)
                            .into_iter()
                            .map(|(line, column, d)| JsonDiagnostic {
                                code: d.code,
                                severity: d.severity,
                                line,
                                column,
                                message: &d.message,
                            })
                            .collect(),
                    }
                })
                .collect();
            let doc = JsonConvert {
                files,
                summary: summary(reports),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("report serialises")
            );
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
                if diff {
                    write_diff(&mut out, r, colour);
                }
                write_diagnostics(&mut out, r, colour);
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
}

fn write_diagnostics(out: &mut dyn Write, r: &FileReport, colour: bool) {
    let index = LineIndex::new(&r.input_text);
    let mut rows = positioned(&r.input_text, &index, &r.diagnostics);
    rows.sort_by_key(|(line, column, _)| (*line, *column));
    for (line, column, d) in rows {
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
        let _ = writeln!(
            out,
            "{}:{line}:{column}: {severity} {}: {}",
            r.input.display(),
            d.code,
            d.message
        );
    }
    if matches!(r.status, Status::Failed | Status::Unsupported) {
        let _ = writeln!(
            out,
            "{}: {}",
            r.input.display(),
            match r.status {
                Status::Unsupported => "not converted (unsupported script kind)",
                _ => "not converted",
            }
        );
    }
}

fn write_diff(out: &mut dyn Write, r: &FileReport, colour: bool) {
    let Some(output) = &r.output_text else { return };
    let diff = similar::TextDiff::from_lines(r.source.as_str(), output.as_str());
    let old = r.input.display().to_string();
    let new = r
        .output
        .as_ref()
        .map_or_else(|| old.clone(), |p| p.display().to_string());
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&old, &new)
        .to_string();
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
