//! What a conversion rule sees of the script it converts, and how it reports.

use std::borrow::Cow;

use crate::diagnostic::{Diagnostic, Edit, Severity, apply_edits};
use crate::syntax::command::{logon_password, trim_args};
use crate::syntax::lexer::{Mode, Token, TokenKind, tokenize};
use crate::syntax::script::{Dialect, Instruction, InstructionKind, Script};
use crate::syntax::span::Span;
use crate::text::LineEnding;

/// The conversion of one instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Leave the text as it is.
    Keep,
    /// Replace the instruction with these lines (no line breaks; the converter adds the
    /// script's line ending and indentation).
    Lines(Vec<String>),
}

/// A dot-command as the rules see it.
#[derive(Clone, Debug)]
pub struct Command<'a> {
    /// Upper-cased command name (`IF`, `SET`, `LOGON`): borrowed when written in upper case.
    pub name: Cow<'a, str>,
    /// The arguments after the name, with the trailing `;` and blanks removed.
    pub args: &'a str,
    /// Absolute offset of `args` in the script text.
    pub args_start: usize,
    /// The whole command (from the dot), trailing blanks excluded.
    pub span: Span,
    /// Written without the dot (`QUIT 0;`).
    pub dotless: bool,
}

impl<'a> Command<'a> {
    pub fn from_instruction(script: &Script, src: &'a str, instr: &Instruction) -> Option<Self> {
        if instr.kind != InstructionKind::DotCommand {
            return None;
        }
        let mut sig = script.significant(instr);
        let first = sig.next()?;
        let dotless = first.kind != crate::syntax::lexer::TokenKind::Dot;
        let name_tok = if dotless { first } else { sig.next()? };
        let written = name_tok.span.text(src);
        let name = if written.bytes().any(|b| b.is_ascii_lowercase()) {
            Cow::Owned(written.to_ascii_uppercase())
        } else {
            Cow::Borrowed(written)
        };
        let after_name = name_tok.span.end as usize;
        // Never before the name's end: `trim_end` takes Unicode blanks, which the lexer keeps in
        // words (found by fuzzing: `.L` then a no-break space).
        let end =
            (instr.span.start as usize + instr.span.text(src).trim_end().len()).max(after_name);
        let raw_args = &src[after_name..end];
        let args = trim_args(raw_args);
        let lead = raw_args.len() - raw_args.trim_start().len();
        Some(Command {
            name,
            args,
            args_start: after_name + lead,
            span: Span::new(instr.span.start as usize, end),
            dotless,
        })
    }

    /// The command as written, for messages and comments.
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        self.span.text(src)
    }
}

/// Per-script state shared by the conversion rules.
pub struct ConvertContext<'a> {
    pub src: &'a str,
    pub script: &'a Script,
    pub line_ending: LineEnding,
    pub diagnostics: Vec<Diagnostic>,
    /// Spans holding passwords: never copied into any output.
    pub secrets: Vec<Span>,
    /// The passwords among `secrets` in text that is kept (a `.LOGON` commented out, or one
    /// swallowed by an open request): the converter masks them in place.
    pub comment_secrets: Vec<Span>,
    /// Label renames and `.GOTO` targets (see `rules::bteq::goto`).
    pub labels: crate::rules::bteq::goto::LabelPlan,
    /// The mode of the `.EXPORT` in effect, so its `.EXPORT RESET` converts the same way.
    pub export_active: Option<crate::rules::bteq::export::ExportKind>,
    /// An `.IMPORT` was seen and its `USING` request has not come yet.
    pub import_pending: bool,
    /// A `BT` / `BEGIN` is open: multi-statement requests need no wrapping.
    pub in_transaction: bool,
    /// Set while converting the action of an `.IF ... THEN`: the condition, when known.
    pub enclosing_condition: Option<crate::syntax::command::Condition>,
}

/// A BTEQ script parsed for conversion: its instructions, and the dot-command of each (`None`
/// for the others), read once for every rule that looks at commands.
pub struct ParsedScript<'a> {
    pub script: Script,
    pub commands: Vec<Option<Command<'a>>>,
}

impl<'a> ParsedScript<'a> {
    pub fn new(src: &'a str) -> Self {
        let script = Script::parse(src, Dialect::Bteq);
        let commands = script
            .instructions
            .iter()
            .map(|instr| Command::from_instruction(&script, src, instr))
            .collect();
        ParsedScript { script, commands }
    }
}

impl<'a> ConvertContext<'a> {
    pub fn new(src: &'a str, parsed: &'a ParsedScript, line_ending: LineEnding) -> Self {
        let script = &parsed.script;
        let comment_secrets = find_comment_secrets(src, script);
        let mut secrets = find_secrets(&parsed.commands);
        secrets.extend(&comment_secrets);
        secrets.sort();
        let labels = crate::rules::bteq::goto::LabelPlan::new(&parsed.commands);
        ConvertContext {
            src,
            script,
            line_ending,
            diagnostics: Vec::new(),
            secrets,
            comment_secrets,
            labels,
            export_active: None,
            import_pending: false,
            in_transaction: false,
            enclosing_condition: None,
        }
    }

    pub fn report(
        &mut self,
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(code, severity, span, message));
    }

    /// The text of `span` with every password replaced by `********`.
    pub fn redacted(&self, span: Span) -> String {
        let mut out = String::new();
        let mut pos = span.start as usize;
        for secret in self
            .secrets
            .iter()
            .filter(|s| s.start >= span.start && s.end <= span.end)
        {
            out.push_str(&self.src[pos..secret.start as usize]);
            out.push_str("********");
            pos = secret.end as usize;
        }
        out.push_str(&self.src[pos..span.end as usize]);
        out
    }

    /// Keeps `span` as a commented-out action item: a `-- rsqlmig: CODE message` line, then the
    /// original text (passwords redacted), each line behind `-- `. Reports the diagnostic too.
    pub fn action_item(
        &mut self,
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Vec<String> {
        let message = message.into();
        let mut lines = vec![marker(code, &message)];
        lines.extend(commented(&self.redacted(span)));
        self.report(code, severity, span, message);
        lines
    }
}

/// The `-- rsqlmig: CODE message` line that marks converted or flagged text.
pub fn marker(code: &str, message: &str) -> String {
    format!("-- rsqlmig: {code} {message}")
}

/// Each line of `text` behind `-- `.
pub fn commented(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|l| format!("-- {}", l.trim_end()))
}

/// Passwords of `.LOGON` lines kept as text: in a comment (`/* .LOGON tdp/user,pw; */`), in a
/// request left open by a missing `;`, anywhere a line starts with `.LOGON` but no command is.
fn find_comment_secrets(src: &str, script: &Script) -> Vec<Span> {
    let commands: Vec<Span> = script
        .instructions
        .iter()
        .filter(|i| i.kind == InstructionKind::DotCommand)
        .map(|i| i.span)
        .collect();
    // A dot command masks its own password: a line secret that reaches into one (`.LOGON ,p--`,
    // where the command ends before the comment) is the command's.
    logon_line_secrets(src)
        .into_iter()
        .filter(|s| !commands.iter().any(|c| c.start < s.end && s.start < c.end))
        .collect()
}

/// What replaces the password at `secret` in `text`, which the lexer read as `tokens`:
/// `********`, then the marks of those tokens that lie inside the password, in order:
/// parentheses, the quotes of strings and quoted names, comment marks. The marks are taken as
/// the tokens of the whole text have them, so the text around the password reads as before:
/// a substitution (`$(…)`, `${…}`) or a variable is one token and is dropped whole, and a
/// string opened before the password and closed inside it keeps its closing quote. Found by
/// fuzzing: `(` then `logon ,)` lost its closing parenthesis; `logon ,$(')` became `(')`, an
/// open string; `'⏎LOGON ,${'}` lost the quote that closed the first line's string.
pub fn mask(tokens: &[Token], text: &str, secret: Span) -> String {
    let mut masked = String::from("********");
    let first = tokens.partition_point(|t| t.span.end <= secret.start);
    for t in tokens[first..]
        .iter()
        .take_while(|t| t.span.start < secret.end)
    {
        let token = t.span.text(text);
        // Strings and quoted names open and close with the same ASCII quote.
        let (open, close) = match t.kind {
            TokenKind::LParen | TokenKind::RParen => (token, ""),
            TokenKind::String | TokenKind::QuotedIdent => (&token[..1], &token[..1]),
            TokenKind::LineComment => ("--", ""),
            TokenKind::BlockComment => ("/*", "*/"),
            _ => continue,
        };
        if t.span.start >= secret.start {
            masked.push_str(open);
        }
        if t.span.end <= secret.end && !t.unterminated {
            masked.push_str(close);
        }
    }
    masked
}

/// `text` with the password of every line that reads as a logon masked ([`mask`]): a rewrite
/// can make a line read as one (found by fuzzing: `logon n**2` became `logon POWER(n, 2)`), and
/// the next reading of the output would mask it.
pub fn mask_logon_lines(text: String) -> String {
    let secrets = logon_line_secrets(&text);
    if secrets.is_empty() {
        return text;
    }
    let tokens = tokenize(text.as_bytes(), Mode::BteqSql);
    let mut masks: Vec<Edit> = secrets
        .iter()
        .map(|s| Edit::replace(*s, mask(&tokens, &text, *s)))
        .collect();
    apply_edits(&text, &mut masks).0
}

/// The password of every line of `text` that reads as a logon (`.LOGON h/u,pw`, `-- .logon …`,
/// `* LOGON …`), whatever surrounds it.
pub fn logon_line_secrets(text: &str) -> Vec<Span> {
    let mut secrets = Vec::new();
    // Only lines that hold `logon` can be one: find them from its `g`, one vectorised byte
    // search without a lower-cased copy (this runs on every script convert and lint read, and
    // on every converted request).
    let bytes = text.as_bytes();
    let mut next_line = 0;
    for g in memchr::memchr2_iter(b'g', b'G', bytes) {
        let Some(at) = g.checked_sub(2) else { continue };
        if at < next_line
            || !bytes
                .get(at..g + 3)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"logon"))
        {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |n| at + n + 1);
        next_line = line_end;
        // The line, or the comment it ends with (`.QUIT 0 -- .LOGON h/u,pw;`, which a
        // conversion may put on a line of its own; found by fuzzing).
        let before = &text[line_start..at];
        let comment = [before.rfind("--"), before.rfind("/*")]
            .into_iter()
            .flatten()
            .max()
            .map(|c| line_start + c);
        for start in std::iter::once(line_start).chain(comment) {
            let line = &text[start..line_end];
            let body = line.trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '-' | '/' | '*' | '.')
            });
            let lead = line.len() - body.len();
            if body.len() > 6 && body.as_bytes()[..6].eq_ignore_ascii_case(b"logon ") {
                let args_start = start + lead + 6;
                // `logon ` then only blanks: no arguments (the blank after `logon` may end the line).
                let args_end = (start + line.trim_end().len()).max(args_start);
                let args = &text[args_start..args_end];
                if let Some(r) = logon_password(args) {
                    secrets.push(Span::new(args_start + r.start, args_start + r.end));
                }
                break;
            }
        }
    }
    secrets
}

/// Passwords in `.LOGON` arguments and whole `.LOGDATA` arguments.
fn find_secrets(commands: &[Option<Command>]) -> Vec<Span> {
    let mut secrets = Vec::new();
    for cmd in commands.iter().flatten() {
        match &*cmd.name {
            "LOGON" => {
                if let Some(r) = logon_password(cmd.args) {
                    secrets.push(Span::new(cmd.args_start + r.start, cmd.args_start + r.end));
                }
            }
            "LOGDATA" if !cmd.args.is_empty() => {
                secrets.push(Span::new(cmd.args_start, cmd.args_start + cmd.args.len()));
            }
            _ => {}
        }
    }
    secrets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logon_in_the_comment_that_ends_a_line_is_a_secret() {
        // Found by fuzzing: the conversion put the comment on a line of its own, unmasked.
        let text =
            ".QUIT 0 -- .LOGON h/u,pw1;\nSELECT 1; /* logon h/u,pw2 */\n-- .logon h/u,pw3;\n";
        let found: Vec<&str> = logon_line_secrets(text)
            .iter()
            .map(|s| s.text(text))
            .collect();
        assert_eq!(found, vec!["pw1", "pw2", "pw3"]);
    }

    #[test]
    fn a_command_name_ending_in_a_unicode_blank_keeps_its_span() {
        // Found by fuzzing: the arguments were sliced from after the name to before its end.
        let src = ".L\u{a0}";
        let parsed = ParsedScript::new(src);
        let cmd = parsed.commands[0].as_ref().unwrap();
        assert_eq!((&*cmd.name, cmd.args, cmd.text(src)), ("L\u{a0}", "", src));
    }

    #[test]
    fn a_masked_password_keeps_the_shape_of_the_text() {
        let mask_alone = |secret: &str| {
            let tokens = tokenize(secret.as_bytes(), Mode::BteqSql);
            mask(&tokens, secret, Span::new(0, secret.len()))
        };
        assert_eq!(mask_alone("s3cret"), "********");
        assert_eq!(mask_alone("p(w)'x'\"y"), "********()''\"");
        // Found by fuzzing: `$(')` is one substitution, not a parenthesis and an open string.
        assert_eq!(mask_alone("$(')\"\""), "********\"\"");
        assert_eq!(mask_alone("${PW}x"), "********");
        assert_eq!(mask_alone("pw--)"), "********--");
        assert_eq!(mask_alone("a/*b)*/c"), "********/**/");
        assert_eq!(mask_alone("'pé"), "********'");
        // In context: marks of tokens that cross the password's edges count on their side.
        let in_text = |text: &str, secret: &str| {
            let at = text.rfind(secret).unwrap();
            let tokens = tokenize(text.as_bytes(), Mode::BteqSql);
            mask(&tokens, text, Span::new(at, at + secret.len()))
        };
        // Found by fuzzing: the `'` inside `${'}` closes the string of the first line.
        assert_eq!(in_text("'\nLOGON ,${'}", "${'}"), "********'");
        assert_eq!(in_text("SELECT '\nlogon ,pw' x", "pw'"), "********'");
        assert_eq!(in_text("logon ,/*a b*/", "/*a"), "********/*");
        // Inside one string, the password has no marks of its own.
        assert_eq!(in_text("SELECT 'logon ,p(w x'", "p(w"), "********");
    }

    #[test]
    fn lines_that_read_as_a_logon_are_masked_once() {
        let masked = mask_logon_lines("logon POWER(n, 2)\n;".to_string());
        assert_eq!(masked, "logon POWER(n, ********)\n;");
        assert_eq!(mask_logon_lines(masked.clone()), masked);
        assert_eq!(mask_logon_lines("SELECT 1;".to_string()), "SELECT 1;");
    }

    #[test]
    fn logon_lines_give_their_passwords() {
        let text = "-- .logon tdp/u,pw1\nLOGON \n.LOGON\nSELECT logon, logon FROM t;\n* logon h/u,pw2; -- logon\n";
        let found: Vec<&str> = logon_line_secrets(text)
            .iter()
            .map(|s| s.text(text))
            .collect();
        // Found by fuzzing: `LOGON ` with nothing after the blank sliced past the line's end.
        assert_eq!(found, vec!["pw1", "pw2"]);
    }
}
