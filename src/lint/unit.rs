//! What a lint rule sees: one RSQL script (a plain file, or the body of an `rsql` heredoc) or
//! the whole file with its shell text, and where it reports.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::lint::shell::ShellLine;
use crate::rules::Rule;
use crate::syntax::lexer::TokenKind;
use crate::syntax::script::{Instruction, InstructionKind, Script};
use crate::syntax::shell::Heredoc;
use crate::syntax::span::Span;
use crate::text::LineEnding;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A plain RSQL script (`.rsql`, `.sql`).
    Rsql,
    /// A shell script: the RSQL is in `rsql` heredocs.
    Shell,
}

/// Facts about the file being linted that rules depend on.
#[derive(Clone, Debug)]
pub struct FileInfo {
    pub path: PathBuf,
    pub kind: FileKind,
    /// Held to the orchestration framework's job-script contract.
    pub framework: bool,
    /// Data-changing statements must be followed by an error check (RS010).
    pub error_checks: bool,
    pub line_ending: LineEnding,
}

/// An RSQL text as RSQL receives it, and the way back to the file's bytes.
///
/// In an unquoted heredoc the shell removes the backslash of `\$`, `` \` ``, `\\` and of a line
/// continuation before RSQL sees the text (and `<<-` strips leading tabs), so rules read the text
/// after that, and their spans and edits are mapped back to the file here.
pub struct View {
    pub text: String,
    /// Where the text starts in the file.
    base: usize,
    /// The file offset of every byte of `text` and of its end, when bytes were removed.
    map: Option<Vec<u32>>,
    /// Replacements go into an unquoted heredoc and need the shell's escapes.
    escape: bool,
}

impl View {
    /// A text copied from the file byte for byte, starting at `base`.
    pub fn plain(text: &str, base: usize) -> View {
        View {
            text: text.to_string(),
            base,
            map: None,
            escape: false,
        }
    }

    /// Whether the text is the file's bytes unchanged.
    pub fn is_verbatim(&self) -> bool {
        self.map.is_none()
    }

    /// The body of `heredoc` in `src` as the command receives it.
    pub fn heredoc(src: &str, heredoc: &Heredoc) -> View {
        let raw = heredoc.body.text(src).as_bytes();
        let base = heredoc.body.start as usize;
        let unquoted = !heredoc.quoted;
        // The shell removes a backslash only before `$`, a backtick, a backslash or a newline.
        let changes = heredoc.strip_tabs
            || (unquoted
                && memchr::memchr_iter(b'\\', raw)
                    .any(|i| matches!(raw.get(i + 1), Some(b'$' | b'`' | b'\\' | b'\n'))));
        if !changes {
            return View {
                text: heredoc.body.text(src).to_string(),
                base,
                map: None,
                escape: unquoted,
            };
        }
        let mut text = Vec::with_capacity(raw.len());
        let mut map = Vec::with_capacity(raw.len() + 1);
        let mut i = 0;
        let mut line_start = true;
        while i < raw.len() {
            if heredoc.strip_tabs && line_start {
                while i < raw.len() && raw[i] == b'\t' {
                    i += 1;
                }
                line_start = false;
                continue;
            }
            let b = raw[i];
            if unquoted && b == b'\\' && i + 1 < raw.len() {
                match raw[i + 1] {
                    c @ (b'$' | b'`' | b'\\') => {
                        text.push(c);
                        map.push((base + i) as u32);
                        i += 2;
                        continue;
                    }
                    b'\n' => {
                        i += 2;
                        continue;
                    }
                    _ => {}
                }
            }
            text.push(b);
            map.push((base + i) as u32);
            line_start = b == b'\n';
            i += 1;
        }
        map.push((base + raw.len()) as u32);
        View {
            // Only ASCII bytes were removed, so the text is still UTF-8.
            text: String::from_utf8(text)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            base,
            map: Some(map),
            escape: unquoted,
        }
    }

    /// The file offset of view offset `at`.
    pub fn to_file(&self, at: usize) -> usize {
        match &self.map {
            Some(map) => map[at.min(map.len() - 1)] as usize,
            None => self.base + at,
        }
    }

    pub fn span_to_file(&self, span: Span) -> Span {
        Span::new(
            self.to_file(span.start as usize),
            self.to_file(span.end as usize),
        )
    }

    pub fn edit_to_file(&self, edit: &Edit) -> Edit {
        let replacement = if self.escape {
            escape_for_heredoc(&edit.replacement)
        } else {
            edit.replacement.clone()
        };
        Edit::replace(self.span_to_file(edit.span), replacement)
    }

    pub fn diagnostic_to_file(&self, mut d: Diagnostic) -> Diagnostic {
        d.span = self.span_to_file(d.span);
        if let Some(fix) = &mut d.fix {
            fix.edits = fix.edits.iter().map(|e| self.edit_to_file(e)).collect();
        }
        d
    }
}

/// Escapes backslashes for an unquoted heredoc (before `\`, `$`, a backtick or a line break),
/// so that RSQL receives them as written. `$` and backticks are left as they are: the view
/// cannot tell a shell expansion from an escaped `\$`, and the heredoc rules (RS040) catch a
/// `$$` or `$1` that RSQL was meant to see.
pub fn escape_for_heredoc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 4);
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\\' && matches!(bytes.get(i + 1), Some(b'\\' | b'$' | b'`' | b'\n')) {
            out.push_str(&text[last..i]);
            out.push('\\');
            last = i;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Findings of the rules, and the spans of secrets they saw (never shown in full).
#[derive(Debug, Default)]
pub struct Sink {
    pub diagnostics: Vec<Diagnostic>,
    pub secrets: Vec<Span>,
}

impl Sink {
    pub fn report(
        &mut self,
        rule: &Rule,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::new(rule.code, severity, span, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn report_fix(
        &mut self,
        rule: &Rule,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
        fix: Option<Fix>,
    ) {
        self.report(rule, severity, span, message).fix = fix;
    }
}

/// One RSQL script: a plain file, or the body of an `rsql` heredoc.
pub struct ScriptUnit<'a> {
    /// The text as RSQL receives it (see [`View`]); spans are offsets into it.
    pub src: &'a str,
    pub script: &'a Script,
    pub file: &'a FileInfo,
    /// The heredoc this script is the body of, and the shell text holding it.
    pub heredoc: Option<(&'a Heredoc, &'a str)>,
    /// Every meta-command, in order: most rules walk them, so they are read once.
    metas: Vec<Meta<'a>>,
}

/// The whole file: its text, and for shell scripts its heredocs and shell lines.
pub struct FileUnit<'a> {
    pub src: &'a str,
    pub file: &'a FileInfo,
    pub heredocs: &'a [Heredoc],
    /// `bteq` command words no heredoc feeds (`bteq < load.btq`).
    pub bteq_without_heredoc: &'a [Span],
    /// A heredoc never closed: its delimiter and the span of its `<<` operator.
    pub unterminated: Option<&'a (String, Span)>,
    /// Shell lines outside heredoc bodies (empty for a plain RSQL file).
    pub lines: &'a [ShellLine],
    /// By heredoc index, the parse of a body RSQL receives exactly as written (the shell
    /// changes nothing in it), so the heredoc rules need not parse it again.
    pub verbatim_bodies: &'a [Option<Script>],
}

/// An RSQL meta-command (`\if :ERROR <> 0`) as the rules read it.
#[derive(Clone, Debug)]
pub struct Meta<'s> {
    /// Index of the instruction in the script.
    pub index: usize,
    /// Lower-cased name: `if`, `elseif`, `goto`, `exit`, `echo`.
    pub name: String,
    /// The command without trailing blanks.
    pub span: Span,
    /// Arguments after the name, trimmed.
    pub args: &'s str,
    pub args_span: Span,
}

impl<'a> ScriptUnit<'a> {
    pub fn new(
        src: &'a str,
        script: &'a Script,
        file: &'a FileInfo,
        heredoc: Option<(&'a Heredoc, &'a str)>,
    ) -> ScriptUnit<'a> {
        let metas = (0..script.instructions.len())
            .filter_map(|i| read_meta(src, script, i))
            .collect();
        ScriptUnit {
            src,
            script,
            file,
            heredoc,
            metas,
        }
    }

    /// The meta-command at instruction `index`, if it is one.
    pub fn meta(&self, index: usize) -> Option<&Meta<'a>> {
        let k = self.metas.binary_search_by_key(&index, |m| m.index).ok()?;
        Some(&self.metas[k])
    }

    /// Every meta-command, in order.
    pub fn metas(&self) -> &[Meta<'a>] {
        &self.metas
    }

    /// The instruction's span without trailing blanks and line breaks.
    pub fn trimmed(&self, instr: &Instruction) -> Span {
        let text = instr.span.text(self.src);
        Span::new(
            instr.span.start as usize,
            instr.span.start as usize + text.trim_end().len(),
        )
    }

    /// Whether instruction `i` is a statement that runs (SQL or a command, not layout).
    pub fn is_statement(&self, i: usize) -> bool {
        matches!(
            self.script.instructions[i].kind,
            InstructionKind::Sql | InstructionKind::MetaCommand | InstructionKind::DotCommand
        )
    }
}

/// The meta-command at instruction `index` of `script`, if it is one.
fn read_meta<'a>(src: &'a str, script: &Script, index: usize) -> Option<Meta<'a>> {
    let instr = script.instructions.get(index)?;
    if instr.kind != InstructionKind::MetaCommand {
        return None;
    }
    let name_tok = script
        .significant(instr)
        .find(|t| t.kind == TokenKind::Word)?;
    // `\if`: the word must follow the backslash directly.
    if name_tok.span.start != instr.span.start + 1 {
        return None;
    }
    let text = instr.span.text(src);
    let end = instr.span.start as usize + text.trim_end().len();
    let after = name_tok.span.end as usize;
    let raw = &src[after.min(end)..end];
    let lead = raw.len() - raw.trim_start().len();
    Some(Meta {
        index,
        name: name_tok.span.text(src).to_ascii_lowercase(),
        span: Span::new(instr.span.start as usize, end),
        args: raw.trim(),
        args_span: Span::new(after + lead, end),
    })
}

/// The first word of `args` (a label, an exit code).
pub fn first_arg(args: &str) -> &str {
    args.split_whitespace().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::shell::find_heredocs;

    #[test]
    fn unquoted_heredoc_view_unescapes_and_maps_back() {
        let src = "rsql <<EOF\nAS \\$\\$ x \\\\ y \\$1 $$;\nEOF\n";
        let h = &find_heredocs(src.as_bytes()).unwrap()[0];
        let view = View::heredoc(src, h);
        assert_eq!(view.text, "AS $$ x \\ y $1 $$;\n");
        // `$$` at view 3..5 is `\$\$` at file 14..18.
        assert_eq!(view.span_to_file(Span::new(3, 5)).text(src), "\\$\\$");
        let edit = view.edit_to_file(&Edit::replace(Span::new(3, 5), "\\x"));
        assert_eq!(edit.replacement, "\\x");
        let edit = view.edit_to_file(&Edit::replace(Span::new(3, 5), "\\\\"));
        assert_eq!(edit.replacement, "\\\\\\");
    }

    #[test]
    fn backslashes_the_shell_keeps_leave_the_view_verbatim() {
        let src = "rsql <<EOF\n\\if :ERROR <> 0\n  \\exit 1\n\\endif\nEOF\n";
        let h = &find_heredocs(src.as_bytes()).unwrap()[0];
        let view = View::heredoc(src, h);
        assert!(view.is_verbatim());
        assert_eq!(view.text, h.body.text(src));
        let src = "rsql <<EOF\n\\echo \\$HOME\nEOF\n";
        let h = &find_heredocs(src.as_bytes()).unwrap()[0];
        assert!(!View::heredoc(src, h).is_verbatim());
    }

    #[test]
    fn quoted_heredoc_view_is_the_body() {
        let src = "rsql <<'EOF'\nx \\$\nEOF\n";
        let h = &find_heredocs(src.as_bytes()).unwrap()[0];
        let view = View::heredoc(src, h);
        assert_eq!(view.text, "x \\$\n");
        assert_eq!(view.to_file(0), 13);
        assert_eq!(view.edit_to_file(&Edit::insert(0, "$$")).replacement, "$$");
    }

    #[test]
    fn tab_stripping_heredoc() {
        let src = "rsql <<-EOF\n\t\tselect 1;\n\tEOF\n";
        let h = &find_heredocs(src.as_bytes()).unwrap()[0];
        let view = View::heredoc(src, h);
        assert_eq!(view.text, "select 1;\n");
        assert_eq!(view.to_file(0), 14);
    }

    #[test]
    fn escaping_for_heredocs() {
        assert_eq!(
            escape_for_heredoc("a $$ b $1 ${X} $Y \\\\ \\d \\$"),
            "a $$ b $1 ${X} $Y \\\\\\ \\d \\\\$"
        );
    }
}
