//! `lint`'s output: text (with the source line and a caret), JSON (convert's diagnostic shape
//! plus `fixable`) and SARIF 2.1.0. Secrets never reach any of them: source lines and diffs are
//! masked before they are kept.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Severity, apply_edits};
use crate::lint::applies;
use crate::rules::{Rule, RuleKind};
use crate::syntax::span::{LineIndex, Span};

/// One finding placed at its 1-based line and column. The fields of lint's JSON types are in
/// alphabetical order: the keys of its report have always been sorted.
#[derive(Clone, Debug, Serialize)]
pub struct LintFinding {
    pub code: &'static str,
    pub column: usize,
    /// The fix's applicability, when there is a fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Applicability>,
    /// `lint --fix` (with the run's `--unsafe-fixes`) would fix it.
    pub fixable: bool,
    pub line: usize,
    pub message: String,
    pub severity: Severity,
    /// The source line, secrets masked (text output only).
    #[serde(skip)]
    pub source: String,
}

/// What lint found in one file; holds no file text beyond the lines it shows.
#[derive(Debug)]
pub struct LintFileReport {
    pub input: PathBuf,
    pub findings: Vec<LintFinding>,
    /// Fixes applied (`--fix`) or that would be (`--diff`).
    pub fixed: usize,
    /// The unified diff of the fixes, secrets masked (`--diff`).
    pub diff: Option<String>,
    /// The file could not be read, decoded or written.
    pub io_error: bool,
}

impl LintFileReport {
    /// Places `diagnostics` (spans into `text`) and keeps their masked source lines.
    pub fn new(
        input: PathBuf,
        text: &str,
        diagnostics: &[Diagnostic],
        secrets: &[Span],
        unsafe_fixes: bool,
    ) -> Self {
        let index = LineIndex::new(text);
        let mut findings: Vec<LintFinding> = diagnostics
            .iter()
            .map(|d| {
                let (line, column) = index.line_col(text, d.span.start as usize);
                let line_span = index.line_span(text, line);
                LintFinding {
                    code: d.code,
                    severity: d.severity,
                    line,
                    column,
                    message: d.message.clone(),
                    fixable: d.fix.as_ref().is_some_and(|f| applies(f, unsafe_fixes)),
                    fix: d.fix.as_ref().map(|f| f.applicability),
                    source: mask_within(text, line_span, secrets),
                }
            })
            .collect();
        findings.sort_by_key(|f| (f.line, f.column));
        LintFileReport {
            input,
            findings,
            fixed: 0,
            diff: None,
            io_error: false,
        }
    }

    /// A file that could not be read, decoded or written.
    pub fn io_error(input: PathBuf, code: &'static str, message: String) -> Self {
        LintFileReport {
            input,
            findings: vec![LintFinding {
                code,
                severity: Severity::Error,
                line: 1,
                column: 1,
                message,
                fixable: false,
                fix: None,
                source: String::new(),
            }],
            fixed: 0,
            diff: None,
            io_error: true,
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// What a secret shows of itself: its first character and `***`.
pub fn mask(secret: &str) -> String {
    crate::rules::lint::security::masked(secret)
}

/// `text` with every secret masked.
pub fn masked_text(text: &str, secrets: &[Span]) -> String {
    let mut edits: Vec<Edit> = secrets
        .iter()
        .map(|s| Edit::replace(*s, mask(s.text(text))))
        .collect();
    apply_edits(text, &mut edits).0
}

/// The text of `span` with the secrets inside it (or overlapping it) masked.
fn mask_within(text: &str, span: Span, secrets: &[Span]) -> String {
    let mut out = String::new();
    let mut pos = span.start as usize;
    for s in secrets
        .iter()
        .filter(|s| s.start < span.end && s.end > span.start)
    {
        let start = (s.start as usize).max(pos);
        out.push_str(&text[pos..start]);
        if s.start >= span.start {
            out.push_str(&mask(s.text(text)));
        } else {
            out.push_str("***");
        }
        pos = (s.end as usize).min(span.end as usize).max(start);
    }
    out.push_str(&text[pos..span.end as usize]);
    out
}

#[derive(Default, Serialize)]
pub struct Summary {
    errors: usize,
    files: usize,
    fixable: usize,
    fixed: usize,
    info: usize,
    warnings: usize,
}

fn summary(reports: &[LintFileReport]) -> Summary {
    let mut s = Summary {
        files: reports.len(),
        ..Summary::default()
    };
    for r in reports {
        s.errors += r.count(Severity::Error);
        s.warnings += r.count(Severity::Warning);
        s.info += r.count(Severity::Info);
        s.fixable += r.findings.iter().filter(|f| f.fixable).count();
        s.fixed += r.fixed;
    }
    s
}

/// Text output: each finding as `path:line:col: severity CODE: message`, its source line and
/// a caret; diffs first when present; a summary line last.
pub fn write_text(
    out: &mut dyn Write,
    diffs: &mut dyn Write,
    reports: &[LintFileReport],
    colour: bool,
    fixing: bool,
) {
    for r in reports {
        if let Some(diff) = &r.diff {
            let _ = write!(diffs, "{diff}");
        }
    }
    for r in reports {
        for f in &r.findings {
            write_finding(out, &r.input, f, colour);
        }
    }
    let s = summary(reports);
    let mut line = format!(
        "{} file(s): {} error(s), {} warning(s), {} info",
        s.files, s.errors, s.warnings, s.info
    );
    if fixing {
        line.push_str(&format!("; {} fix(es) applied", s.fixed));
    }
    let safe = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.fix == Some(Applicability::Safe))
        .count();
    let unsafe_ = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.fix == Some(Applicability::Unsafe))
        .count();
    if safe > 0 {
        line.push_str(&format!("; {safe} fixable with --fix"));
    }
    if unsafe_ > 0 {
        line.push_str(&format!("; {unsafe_} more with --fix --unsafe-fixes"));
    }
    let _ = writeln!(out, "{line}");
}

fn write_finding(out: &mut dyn Write, path: &Path, f: &LintFinding, colour: bool) {
    let paint = |s: &str| -> String {
        if !colour {
            return s.to_string();
        }
        match f.severity {
            Severity::Error => console::style(s).red().bold().to_string(),
            Severity::Warning => console::style(s).yellow().bold().to_string(),
            Severity::Info => console::style(s).cyan().to_string(),
        }
    };
    let code = if colour {
        console::style(f.code).bold().to_string()
    } else {
        f.code.to_string()
    };
    let _ = writeln!(
        out,
        "{}:{}:{}: {} {code}: {}",
        path.display(),
        f.line,
        f.column,
        paint(f.severity.as_str()),
        f.message
    );
    if f.source.is_empty() && f.line == 1 && f.column == 1 && f.code.starts_with("IO") {
        return;
    }
    let gutter = f.line.to_string();
    let pad = " ".repeat(gutter.len());
    let bar = if colour {
        console::style("|").blue().bold().to_string()
    } else {
        "|".to_string()
    };
    let caret_pad: String = f
        .source
        .chars()
        .take(f.column.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let hint = match (f.fix, f.fixable) {
        (Some(Applicability::Safe), _) => " fix: --fix",
        (Some(Applicability::Unsafe), true) => " fix: --fix (unsafe)",
        (Some(Applicability::Unsafe), false) => " fix: --fix --unsafe-fixes",
        (None, _) => "",
    };
    let _ = writeln!(out, "{pad} {bar}");
    let _ = writeln!(out, "{gutter} {bar} {}", f.source);
    let _ = writeln!(out, "{pad} {bar} {caret_pad}{}{hint}", paint("^"));
}

#[derive(Serialize)]
pub struct JsonFile<'a> {
    diagnostics: &'a [LintFinding],
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a str>,
    #[serde(skip_serializing_if = "is_zero")]
    fixed: usize,
    input: String,
}

#[derive(Serialize)]
pub struct JsonLint<'a> {
    files: Vec<JsonFile<'a>>,
    summary: Summary,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `{"files":[{"input","diagnostics":[{"code","severity","line","column","message","fixable"}]}],"summary":{…}}`
pub fn json(reports: &[LintFileReport]) -> JsonLint<'_> {
    let files: Vec<JsonFile> = reports
        .iter()
        .map(|r| JsonFile {
            input: r.input.display().to_string(),
            fixed: r.fixed,
            diff: r.diff.as_deref(),
            diagnostics: &r.findings,
        })
        .collect();
    JsonLint {
        files,
        summary: summary(reports),
    }
}

pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where SARIF viewers link the tool to: the crate's homepage or repository when the package
/// names one.
pub fn information_uri() -> &'static str {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
        .unwrap_or("https://docs.aws.amazon.com/redshift/latest/mgmt/rsql-query-tool.html")
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF 2.1.0 log of one run; artifact URIs relative to `base` (the working directory).
pub fn sarif(reports: &[LintFileReport], base: &Path) -> Value {
    let rules: Vec<&Rule> = crate::rules::all()
        .iter()
        .copied()
        .filter(|r| r.kind == RuleKind::Lint)
        .collect();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            let first_paragraph = r.doc.split("\n\n").next().unwrap_or(r.summary);
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": first_paragraph },
                "help": { "text": r.doc, "markdown": r.doc },
                "defaultConfiguration": { "level": sarif_level(r.severity) },
                "properties": { "tags": ["rsql"] },
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let uri = artifact_uri(&r.input, base);
        for f in &r.findings {
            let mut result = json!({
                "ruleId": f.code,
                "level": sarif_level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": f.line, "startColumn": f.column },
                    }
                }],
            });
            if let Some(i) = rules.iter().position(|r| r.code == f.code) {
                result["ruleIndex"] = json!(i);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "rsqlmig",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": information_uri(),
                    "rules": descriptors,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A relative URI with forward slashes for a path under `base`; a `file:` URI otherwise.
pub fn artifact_uri(path: &Path, base: &Path) -> String {
    let relative = if path.is_absolute() {
        let canon_base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        match canon.strip_prefix(&canon_base) {
            Ok(r) => Some(r.to_path_buf()),
            Err(_) => None,
        }
    } else {
        Some(path.to_path_buf())
    };
    match relative {
        Some(r) => {
            let parts: Vec<String> = r
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .map(|c| percent_encode(&c.as_os_str().to_string_lossy()))
                .collect();
            parts.join("/")
        }
        None => {
            let text = path.to_string_lossy().replace('\\', "/");
            let encoded: Vec<String> = text.split('/').map(percent_encode).collect();
            format!("file://{}", encoded.join("/"))
        }
    }
}

/// Percent-encodes what may not stand in a URI path segment.
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'@' | b'=' | b',')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes() {
        let base = Path::new("/nonexistent/base");
        assert_eq!(
            artifact_uri(Path::new("./jobs/a b.sh"), base),
            "jobs/a%20b.sh"
        );
        assert_eq!(artifact_uri(Path::new("/x/y.sh"), base), "file:///x/y.sh");
    }

    #[test]
    fn masking_secrets_in_lines() {
        let text = "a PASS=Winter2024 b\n";
        let secret = Span::new(7, 17);
        assert_eq!(
            mask_within(text, Span::new(0, 19), &[secret]),
            "a PASS=W*** b"
        );
        assert_eq!(masked_text(text, &[secret]), "a PASS=W*** b\n");
    }
}
