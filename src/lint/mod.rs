//! `lint` for one file: decide what the file is (plain RSQL, a shell script with `rsql`
//! heredocs, a framework job), run every lint rule (`rules::lint`), drop what is suppressed
//! inline, and apply fixes until nothing fixable is left.
//!
//! Rules see an RSQL script as RSQL receives it ([`unit::View`]: a heredoc body after the
//! shell's backslash escapes) and report in its coordinates; the engine maps findings and fixes
//! back to the file. Shell-level rules see the whole file.

pub mod config;
pub mod render;
pub mod shell;
pub mod unit;

use std::path::Path;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, apply_edits};
use crate::syntax::script::{Dialect, InstructionKind, Script};
use crate::syntax::shell::{self as sh, Heredoc, ShellError, ShellScan};
use crate::syntax::span::{LineIndex, Span};
use crate::text::LineEnding;

use config::{ErrorChecks, FrameworkMode, LintOptions, starts_with_ignore_case};
use unit::{FileInfo, FileKind, FileUnit, ScriptUnit, Sink, View};

/// How many times `fix` re-lints and applies fixes at most.
pub const MAX_FIX_PASSES: usize = 10;

/// The findings for one file text.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by position; spans are byte offsets into the linted text.
    pub diagnostics: Vec<Diagnostic>,
    /// Spans of passwords in the text: never shown in full.
    pub secrets: Vec<Span>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Whether `path` is a job script in a catalog: in a `jobs/` directory with a `catalog.yaml`
/// beside that directory (the layout of `catalog::Catalog`).
pub fn is_catalog_job(path: &Path) -> bool {
    // `k1.sh` and `./k1.sh` run inside `jobs/` name no directory: the answer must not depend on
    // how the path was written.
    let path = path
        .canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let Some(dir) = path.parent() else {
        return false;
    };
    dir.file_name().is_some_and(|n| n == "jobs")
        && dir
            .parent()
            .is_some_and(|root| root.join("catalog.yaml").is_file())
}

/// Decides the kind of file and which contract applies to it.
pub fn file_info(path: &Path, text: &str, opts: &LintOptions) -> FileInfo {
    let kind = if crate::convert::is_shell_script(path, text) {
        FileKind::Shell
    } else {
        FileKind::Rsql
    };
    let framework = match opts.framework {
        FrameworkMode::Always => true,
        FrameworkMode::Never => false,
        FrameworkMode::Auto => {
            (kind == FileKind::Shell && crate::text::contains(text, "get_redshift_creds.sh"))
                || is_catalog_job(path)
        }
    };
    let error_checks = match opts.require_error_checks {
        ErrorChecks::Always => true,
        ErrorChecks::Never => false,
        ErrorChecks::Auto => framework,
    };
    FileInfo {
        path: path.to_path_buf(),
        kind,
        framework,
        error_checks,
        line_ending: LineEnding::detect(text),
    }
}

/// The convert rule a lint finding reports (`RS021` findings name a `TD…` rule first:
/// `TD001: …`).
pub fn origin(d: &Diagnostic) -> Option<&str> {
    let head = d.message.split(':').next()?;
    let b = head.as_bytes();
    (b.len() == 5
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..].iter().all(u8::is_ascii_digit))
    .then_some(head)
}

/// Lints one file's text (decoded) and applies `opts`' selection and inline suppressions.
pub fn lint(text: &str, info: &FileInfo, opts: &LintOptions) -> Report {
    let mut report = lint_unfiltered(text, info);
    let suppressions = Suppressions::parse(text);
    report
        .diagnostics
        .retain(|d| opts.reports(d.code, origin(d)) && !suppressions.suppresses(text, d));
    report
}

/// Every rule's findings, before selection and suppression (acknowledged action items are
/// already lowered to info).
fn lint_unfiltered(text: &str, info: &FileInfo) -> Report {
    let mut sink = Sink::default();
    match info.kind {
        FileKind::Rsql => {
            let view = View::plain(text, 0);
            lint_script(&view, info, None, &mut sink);
            let file = FileUnit {
                src: text,
                file: info,
                heredocs: &[],
                bteq_without_heredoc: &[],
                unterminated: None,
                lines: &[],
                verbatim_bodies: &[],
            };
            crate::rules::lint::check_file(&file, &mut sink);
        }
        FileKind::Shell => {
            let (scan, unterminated) = shell_scan(text);
            let heredocs = scan.heredocs;
            let mut verbatim_bodies: Vec<Option<Script>> = std::iter::repeat_with(|| None)
                .take(heredocs.len())
                .collect();
            for (k, h) in heredocs.iter().enumerate() {
                if sh::is_rsql_command(&h.command) {
                    let view = View::heredoc(text, h);
                    let script = lint_script(&view, info, Some((h, text)), &mut sink);
                    if view.is_verbatim() {
                        verbatim_bodies[k] = Some(script);
                    }
                }
            }
            let lines = lines_outside_heredocs(text, &heredocs, unterminated.as_ref());
            let file = FileUnit {
                src: text,
                file: info,
                heredocs: &heredocs,
                bteq_without_heredoc: &scan.bteq_without_heredoc,
                unterminated: unterminated.as_ref(),
                lines: &lines,
                verbatim_bodies: &verbatim_bodies,
            };
            crate::rules::lint::check_file(&file, &mut sink);
        }
    }
    let mut diagnostics = sink.diagnostics;
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    let mut secrets = sink.secrets;
    secrets.sort();
    secrets.dedup();
    Report {
        diagnostics,
        secrets,
    }
}

/// The shell lines of `text` outside its heredoc bodies (and outside a body never closed).
fn lines_outside_heredocs(
    text: &str,
    heredocs: &[Heredoc],
    unterminated: Option<&(String, Span)>,
) -> Vec<shell::ShellLine> {
    let from = unterminated.map(|(_, opener)| {
        let end = opener.end as usize;
        text[end..].find('\n').map_or(text.len(), |i| end + i + 1)
    });
    shell::shell_lines(text, heredocs, from)
}

/// Applies the fixes of the framework-contract rule `code` (RS05x) to a shell job script until
/// none is left, running only the framework rules: the shell text is read, no RSQL body is
/// parsed. Returns the text and how many fixes were applied (for `convert --target
/// framework`, which must not pay for a whole lint of every job it writes).
pub fn apply_framework_fixes(text: &str, code: &str) -> (String, usize) {
    let info = FileInfo {
        path: "job.sh".into(),
        kind: FileKind::Shell,
        framework: true,
        error_checks: true,
        line_ending: LineEnding::detect(text),
    };
    let mut current = text.to_string();
    let mut applied = 0;
    for _ in 0..MAX_FIX_PASSES {
        let (scan, unterminated) = shell_scan(&current);
        let heredocs = scan.heredocs;
        let lines = lines_outside_heredocs(&current, &heredocs, unterminated.as_ref());
        let file = FileUnit {
            src: &current,
            file: &info,
            heredocs: &heredocs,
            bteq_without_heredoc: &scan.bteq_without_heredoc,
            unterminated: unterminated.as_ref(),
            lines: &lines,
            verbatim_bodies: &[],
        };
        let mut sink = Sink::default();
        crate::rules::lint::framework::check(&file, &mut sink);
        let found: Vec<&Diagnostic> = sink
            .diagnostics
            .iter()
            .filter(|d| d.code == code && d.fix.is_some())
            .collect();
        if found.is_empty() {
            break; // the usual last pass: no need to read suppressions
        }
        let suppressions = Suppressions::parse(&current);
        let fixes: Vec<&Fix> = found
            .into_iter()
            .filter(|d| !suppressions.suppresses(&current, d))
            .filter_map(|d| d.fix.as_ref())
            .collect();
        let (next, n) = apply_fixes(&current, &fixes);
        if n == 0 || next == current {
            break;
        }
        applied += n;
        current = next;
    }
    (current, applied)
}

/// The shell scan of a script; when a heredoc is never closed, the scan of the text before it
/// and the open one.
fn shell_scan(text: &str) -> (ShellScan, Option<(String, Span)>) {
    match sh::scan(text.as_bytes()) {
        Ok(scan) => (scan, None),
        Err(ShellError::UnterminatedHeredoc { delimiter, opener }) => {
            let line_start = text[..opener.start as usize]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let before = sh::scan(&text.as_bytes()[..line_start]).unwrap_or_default();
            (before, Some((delimiter, opener)))
        }
    }
}

/// Runs the script rules on one RSQL text and moves their findings into file coordinates;
/// returns the parsed text.
fn lint_script(
    view: &View,
    info: &FileInfo,
    heredoc: Option<(&Heredoc, &str)>,
    out: &mut Sink,
) -> Script {
    let script = Script::parse(&view.text, Dialect::Rsql);
    let unit = ScriptUnit::new(&view.text, &script, info, heredoc);
    let mut sink = Sink::default();
    crate::rules::lint::check_script(&unit, &mut sink);
    acknowledge_markers(&unit, &mut sink.diagnostics);
    out.diagnostics.extend(
        sink.diagnostics
            .into_iter()
            .map(|d| view.diagnostic_to_file(d)),
    );
    out.secrets
        .extend(sink.secrets.into_iter().map(|s| view.span_to_file(s)));
    script
}

/// A `-- rsqlmig: CODE message` marker (what `convert` writes before text it flags) right
/// before a statement acknowledges findings of that code in the statement, and in the
/// statements of the same request that follow it directly: they are reported as info.
fn acknowledge_markers(unit: &ScriptUnit, diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() || !crate::text::contains(unit.src, "rsqlmig:") {
        return;
    }
    let instrs = &unit.script.instructions;
    // (statements covered, their markers as (code, marker text))
    let mut regions: Vec<(Span, Vec<(&str, &str)>)> = Vec::new();
    let mut markers: Vec<(&str, &str)> = Vec::new();
    let mut open: Option<usize> = None;
    for (i, instr) in instrs.iter().enumerate() {
        match instr.kind {
            InstructionKind::Comment => {
                open = None;
                let text = instr.span.text(unit.src);
                markers.extend(marker_codes(text));
            }
            InstructionKind::Trivia => {
                if instr.span.text(unit.src).matches('\n').count() > 1 {
                    open = None;
                    markers.clear();
                }
            }
            InstructionKind::Sql if open.is_some() => {
                let r = open.expect("checked");
                regions[r].0 = regions[r].0.cover(instr.span);
            }
            _ => {
                open = None;
                if !markers.is_empty() {
                    regions.push((instr.span, std::mem::take(&mut markers)));
                    if instr.kind == InstructionKind::Sql {
                        open = Some(regions.len() - 1);
                    }
                }
                let _ = i;
            }
        }
    }
    for d in diagnostics.iter_mut() {
        if d.severity == Severity::Info {
            continue;
        }
        // A finding about a `:name` is also acknowledged by a marker that names that variable
        // (convert's TD084 says what RS022 says).
        let subject = d.span.text(unit.src);
        let variable = subject.starts_with(':').then_some(subject);
        let acknowledged = regions.iter().any(|(span, codes)| {
            span.start <= d.span.start
                && d.span.start < span.end.max(span.start + 1)
                && codes.iter().any(|(c, text)| {
                    c.eq_ignore_ascii_case(d.code)
                        || origin(d) == Some(*c)
                        || variable.is_some_and(|v| mentions(text, v))
                })
        });
        if acknowledged {
            d.severity = Severity::Info;
            d.message = format!("open action item: {}", d.message);
        }
    }
}

/// The `rsqlmig: CODE …` markers in a comment's text (not `rsqlmig: ignore`), as (code, the
/// marker's text to the end of its line).
fn marker_codes(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.match_indices("rsqlmig:").filter_map(move |(i, m)| {
        let rest = &text[i + m.len()..];
        let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let code = rest.split_whitespace().next()?;
        (!code.eq_ignore_ascii_case("ignore")).then_some((code, rest))
    })
}

/// Whether `text` holds `word` not as part of a longer name.
fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        !text[i + word.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// `-- rsqlmig: ignore CODE[, CODE]` (or `# rsqlmig: ignore …` in shell text) comments.
struct Suppressions {
    /// (1-based line, codes; empty = every code)
    entries: Vec<(usize, Vec<String>)>,
    /// Lines of the text, built only when there are entries (most files have none).
    index: Option<LineIndex>,
}

impl Suppressions {
    fn parse(text: &str) -> Suppressions {
        let mut entries = Vec::new();
        if !crate::text::contains(text, "rsqlmig: ignore")
            && !crate::text::contains(text, "rsqlmig:ignore")
        {
            return Suppressions {
                entries,
                index: None,
            };
        }
        for (n, line) in text.lines().enumerate() {
            let Some(at) = line.find("rsqlmig:") else {
                continue;
            };
            let before = &line[..at];
            if !(before.contains("--") || before.contains('#') || before.contains("/*")) {
                continue;
            }
            let rest = line[at + "rsqlmig:".len()..].trim_start();
            let Some(rest) = rest.strip_prefix("ignore") else {
                continue;
            };
            if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                continue;
            }
            let codes: Vec<String> = rest
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|t| !t.is_empty())
                .take_while(|t| is_code_like(t))
                .map(str::to_string)
                .collect();
            entries.push((n + 1, codes));
        }
        let index = (!entries.is_empty()).then(|| LineIndex::new(text));
        Suppressions { entries, index }
    }

    fn suppresses(&self, text: &str, d: &Diagnostic) -> bool {
        let Some(index) = &self.index else {
            return false;
        };
        let (line, _) = index.line_col(text, d.span.start as usize);
        self.entries.iter().any(|(at, codes)| {
            (*at == line || *at + 1 == line)
                && (codes.is_empty()
                    || codes.iter().any(|c| {
                        starts_with_ignore_case(d.code, c)
                            || origin(d).is_some_and(|o| starts_with_ignore_case(o, c))
                    }))
        })
    }
}

/// `RS010`, `TD001`, `RS0`: letters then digits.
fn is_code_like(token: &str) -> bool {
    let letters = token.bytes().take_while(u8::is_ascii_alphabetic).count();
    letters >= 2 && letters < token.len() && token.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

/// The outcome of `fix`.
#[derive(Debug)]
pub struct FixOutcome {
    /// The text with every applicable fix applied.
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// The findings left in `text`.
    pub report: Report,
    /// The secrets of the original text (to mask it in a diff).
    pub original_secrets: Vec<Span>,
}

/// Whether `--fix` (with `--unsafe-fixes` when `unsafe_fixes`) applies `fix`.
pub fn applies(fix: &Fix, unsafe_fixes: bool) -> bool {
    !fix.edits.is_empty() && (fix.applicability == Applicability::Safe || unsafe_fixes)
}

/// Applies safe fixes (and unsafe ones with `unsafe_fixes`), re-lints and repeats until no
/// applicable fix is left or [`MAX_FIX_PASSES`] is reached.
pub fn fix(text: &str, path: &Path, opts: &LintOptions, unsafe_fixes: bool) -> FixOutcome {
    let mut current = text.to_string();
    let mut applied = 0;
    let mut original_secrets = None;
    for _ in 0..MAX_FIX_PASSES {
        let info = file_info(path, &current, opts);
        let report = lint(&current, &info, opts);
        if original_secrets.is_none() {
            original_secrets = Some(report.secrets.clone());
        }
        let fixes: Vec<&Fix> = report
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| applies(f, unsafe_fixes))
            .collect();
        if fixes.is_empty() {
            break;
        }
        let (next, n) = apply_fixes(&current, &fixes);
        if n == 0 || next == current {
            break;
        }
        applied += n;
        current = next;
    }
    let info = file_info(path, &current, opts);
    let report = lint(&current, &info, opts);
    FixOutcome {
        original_secrets: original_secrets.unwrap_or_else(|| report.secrets.clone()),
        text: current,
        applied,
        report,
    }
}

/// Applies whole fixes whose edits overlap no edit of a fix taken before them; returns the new
/// text and how many fixes were taken. An edit identical to one already taken is not repeated.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut order: Vec<&Fix> = fixes.to_vec();
    order.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min().unwrap_or(0));
    let mut taken: Vec<Edit> = Vec::new();
    let mut count = 0;
    for fix in order {
        let fresh: Vec<&Edit> = fix.edits.iter().filter(|e| !taken.contains(e)).collect();
        if fresh
            .iter()
            .any(|e| taken.iter().any(|t| conflicts(e, t)) || fresh_overlap(&fresh, e))
        {
            continue;
        }
        taken.extend(fresh.into_iter().cloned());
        count += 1;
    }
    let (out, _) = apply_edits(text, &mut taken);
    (out, count)
}

/// Two edits touch the same bytes (an insertion strictly inside a replaced span counts).
fn conflicts(a: &Edit, b: &Edit) -> bool {
    let (a0, a1, b0, b1) = (a.span.start, a.span.end, b.span.start, b.span.end);
    if a0 == a1 && b0 == b1 {
        return false;
    }
    if a0 == a1 {
        return b0 < a0 && a0 < b1;
    }
    if b0 == b1 {
        return a0 < b0 && b0 < a1;
    }
    a0.max(b0) < a1.min(b1)
}

/// A fix whose own edits overlap is malformed: it is skipped.
fn fresh_overlap(edits: &[&Edit], e: &Edit) -> bool {
    edits
        .iter()
        .any(|o| !std::ptr::eq(*o, e) && conflicts(o, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(path: &str, text: &str) -> FileInfo {
        file_info(Path::new(path), text, &LintOptions::default())
    }

    fn codes(path: &str, text: &str) -> Vec<&'static str> {
        lint(text, &info(path, text), &LintOptions::default())
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn file_kinds_and_framework_jobs() {
        assert_eq!(info("a.rsql", "select 1;").kind, FileKind::Rsql);
        assert_eq!(info("a.sql", "#!/bin/sh\n").kind, FileKind::Shell);
        let job = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\n";
        assert!(info("job.sh", job).framework);
        assert!(info("job.sh", job).error_checks);
        assert!(!info("job.sh", "#!/bin/bash\n").framework);
        let opts = LintOptions {
            framework: FrameworkMode::Always,
            require_error_checks: ErrorChecks::Never,
            ..LintOptions::default()
        };
        let i = file_info(Path::new("x.sh"), "", &opts);
        assert!(i.framework && !i.error_checks);
    }

    #[test]
    fn inline_suppression_on_the_line_or_the_line_before() {
        let src = "\\goto NOWHERE\n";
        assert_eq!(codes("a.rsql", src), vec!["RS001"]);
        assert!(codes("a.rsql", "\\goto NOWHERE -- rsqlmig: ignore RS001\n").is_empty());
        assert!(
            codes(
                "a.rsql",
                "-- rsqlmig: ignore RS001, RS005\n\\goto NOWHERE\n"
            )
            .is_empty()
        );
        assert!(codes("a.rsql", "-- rsqlmig: ignore RS0\n\\goto NOWHERE\n").is_empty());
        assert_eq!(
            codes("a.rsql", "-- rsqlmig: ignore RS002\n\\goto NOWHERE\n"),
            vec!["RS001"]
        );
        assert_eq!(
            codes("a.rsql", "-- rsqlmig: ignore RS001\n\n\\goto NOWHERE\n"),
            vec!["RS001"]
        );
    }

    #[test]
    fn convert_markers_acknowledge_findings_as_info() {
        let src = "-- rsqlmig: TD012 query band set as query_group\nSEL 1;\n";
        let report = lint(src, &info("a.rsql", src), &LintOptions::default());
        assert_eq!(report.diagnostics.len(), 1);
        assert_eq!(report.diagnostics[0].severity, Severity::Error);
        let src = "-- rsqlmig: TD001 check it\nSEL 1;\n";
        let report = lint(src, &info("a.rsql", src), &LintOptions::default());
        assert_eq!(report.diagnostics[0].severity, Severity::Info);
        assert!(
            report.diagnostics[0]
                .message
                .starts_with("open action item: TD001")
        );
    }

    #[test]
    fn fixes_apply_whole_and_skip_overlaps() {
        let a = Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit::replace(Span::new(0, 3), "X"), Edit::insert(5, "!")],
        };
        let b = Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit::replace(Span::new(2, 4), "Y")],
        };
        let c = Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit::insert(5, "!")],
        };
        let (out, n) = apply_fixes("abcdefg", &[&a, &b, &c]);
        assert_eq!(out, "Xde!fg");
        assert_eq!(n, 2);
    }

    #[test]
    fn fix_converges() {
        let src = "\\if :ERRORCODE <> 0\n  \\exit 8\n\\endif\n";
        let out = fix(src, Path::new("a.rsql"), &LintOptions::default(), false);
        assert_eq!(
            out.text,
            "\\if :'ERRORCODE' <> '00000'\n  \\exit 8\n\\endif\n"
        );
        assert_eq!(out.applied, 1);
        assert!(out.report.diagnostics.is_empty());
        let again = fix(
            &out.text,
            Path::new("a.rsql"),
            &LintOptions::default(),
            false,
        );
        assert_eq!(again.text, out.text);
        assert_eq!(again.applied, 0);
    }
}
