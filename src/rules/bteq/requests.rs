//! BQ080–BQ087: how BTEQ splits requests, where RSQL would split them differently, and the shell
//! wrapper around BTEQ (heredocs never closed, scripts without one, bteq fed from elsewhere, its
//! command-line options).

use crate::convert::RSQL_INVOCATION;
use crate::convert::context::ConvertContext;
use crate::diagnostic::{Diagnostic, Edit, Severity};
use crate::rules::{Rule, RuleKind};
use crate::syntax::script::{InstructionKind, ProblemKind, Script};
use crate::syntax::shell::Heredoc;
use crate::syntax::span::Span;

pub const SEMICOLON_BEFORE_COMMENT: Rule = Rule {
    code: "BQ080",
    name: "semicolon-before-comment",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`;` followed by `-- comment` does not end a BTEQ request: the next lines joined it",
    doc: "BTEQ ends a request only at a `;` that is the last non-blank character of a line, so \
`DELETE FROM t; -- rerun` sends the following statement in the same request (one transaction). \
RSQL ends the statement at the `;`. The text is kept; check whether the statements were meant \
to run together, and wrap them in `BEGIN; ... COMMIT;` if so.\n\nBefore:\n```\nDELETE FROM t; -- \
rerun-safe\nINSERT INTO t SELECT * FROM s;\n```\nAfter: unchanged, with a warning on the `;`.",
};

pub const MISSING_FINAL_SEMICOLON: Rule = Rule {
    code: "BQ081",
    name: "missing-final-semicolon",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "The last request of a script gets the `;` BTEQ let it omit",
    doc: "BTEQ submits a final request without `;` at end of input; RSQL's behaviour there is \
not documented, so the terminator is added.\n\nBefore:\n```\nSELECT COUNT(*) FROM t\n```\nAfter:\n\
```\nSELECT COUNT(*) FROM t;\n```",
};

pub const DOT_LINE_IN_REQUEST: Rule = Rule {
    code: "BQ082",
    name: "dot-line-in-request",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "A `.COMMAND` line inside an open request is SQL text to BTEQ: probably a missing `;` before it",
    doc: "A dot-command is recognised only at the start of an instruction; while a request is \
still open (no line-final `;` yet), BTEQ sends the line to the database as part of the SQL, \
where it fails. The text is kept as BTEQ would run it; add the missing `;`.\n\nBefore:\n```\n\
SELECT 1\n.IF ERRORCODE <> 0 THEN .QUIT 8\n```\nAfter: unchanged, with a warning on the `.IF` line.",
};

pub const UNTERMINATED_TEXT: Rule = Rule {
    code: "BQ083",
    name: "unterminated-text",
    kind: RuleKind::Convert,
    severity: Severity::Error,
    summary: "An unterminated string, quoted name, block comment or parenthesis makes the file unconvertible",
    doc: "Everything after the opening quote or `/*` would be swallowed, so no conversion can \
be trusted. The file is reported with the position of the opening character and no output is \
written.\n\nBefore:\n```\nSELECT 'abc FROM t;\n```\nAfter: (no output) `error BQ083: string \
never closed`",
};

pub const UNTERMINATED_HEREDOC: Rule = Rule {
    code: "BQ084",
    name: "unterminated-heredoc",
    kind: RuleKind::Convert,
    severity: Severity::Error,
    summary: "A shell heredoc whose delimiter line never comes makes the file unconvertible",
    doc: "The shell would feed the rest of the file to the command, so where the BTEQ ends is \
unknown. The file is reported at the `<<` and no output is written.\n\nBefore:\n```\nbteq <<EOF\n\
.QUIT 0\n```\nAfter: (no output) `error BQ084: heredoc never closed: no line `EOF` after it`",
};

pub const SHELL_WITHOUT_BTEQ: Rule = Rule {
    code: "BQ085",
    name: "shell-without-bteq",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "A shell script with no BTEQ heredoc is copied unchanged",
    doc: "Shell scripts around the jobs (parameter files, wrappers, already converted RSQL jobs) \
are kept in the output tree as they are, so converting a converted tree changes nothing.\n\n\
Before:\n```\nrsql -h $HOST -U $USER -d $DB <<EOF\n\\exit 0\nEOF\n```\nAfter: unchanged.",
};

pub const BTEQ_WITHOUT_HEREDOC: Rule = Rule {
    code: "BQ086",
    name: "bteq-without-heredoc",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`bteq` run on a script from a file or a pipe is kept and flagged: that script is converted on its own",
    doc: "Some wrappers keep the BTEQ script in its own file and run `bteq < load.btq` or \
`gen_sql | bteq`. The script is not in the shell file, so nothing here can be converted: convert \
that file too (`rsqlmig convert`, which writes `load.rsql`) and run it with `rsql -h $HOST -U \
$USER -d $DB -f load.rsql`, or move it into a heredoc. The command is reported at its word and \
left as it is.\n\nBefore:\n```\nbteq < $SQL_DIR/load_cust.btq > $LOG 2>&1\n```\nAfter: \
unchanged, with `warning BQ086: bteq runs a script from a file or a pipe: convert that script \
too and run it with rsql`",
};

pub const BTEQ_OPTION: Rule = Rule {
    code: "BQ087",
    name: "bteq-option",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`bteq -c UTF8 <<EOF`: BTEQ's session character set option is removed from the rsql command (others are kept and flagged)",
    doc: "The command that receives a converted heredoc becomes `rsql -h $HOST -U $USER -d \
$DB`; the words after it stay. BTEQ's `-c charset` and `-e encoding` set the session's character \
set, which rsql has no option for (Redshift stores UTF-8; the client encoding follows the \
environment), and in rsql `-c` would run its argument as the only command and ignore the \
heredoc. They are removed. Any other option word is kept with a warning: check that rsql means \
the same by it.\n\nBefore:\n```\nbteq -c UTF8 <<EOF > $LOG 2>&1\n```\nAfter:\n```\nrsql -h \
$HOST -U $USER -d $DB <<EOF > $LOG 2>&1\n```",
};

pub const LINE_CONTINUATION: Rule = Rule {
    code: "BQ088",
    name: "shell-line-continuation",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "A backslash at the end of a line in an unquoted heredoc joins it with the next (the shell does so before BTEQ reads it): converted joined",
    doc: "In a heredoc whose delimiter is not quoted (`bteq <<EOF`), the shell removes every \
backslash-newline before the command reads the text, so BTEQ sees one line. The body is \
converted as BTEQ read it, with the lines joined, and each join is reported; a `\\\\` at the end \
of a line is an escaped backslash and joins nothing.\n\nBefore:\n```\nbteq <<EOF\n.IF ERRORCODE \
<> 0 \\\nTHEN .QUIT 8\nEOF\n```\nAfter:\n```\nrsql -h $HOST -U $USER -d $DB <<EOF\n\\if :ERROR \
<> 0\n  \\exit 8\n\\endif\nEOF\n```",
};

pub const FRAMEWORK_JOB_TEXT: Rule = Rule {
    code: "BQ089",
    name: "framework-job-text",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "A framework job is written as UTF-8 with LF line endings, whatever the input's encoding and line endings",
    doc: "The framework runs every job as `sh <script> <instance_code_dir> <secret_id>` on a \
Linux host. With CRLF line endings the shell reads each line's CR as part of its last word \
(the secret's name becomes `$2\\r`, `EOF\\r` does not end the heredoc), and it cannot read \
UTF-16 or a byte-order mark at all. `convert --target framework` therefore writes the job as \
UTF-8 with LF endings and says so; the `rsql` target keeps the input's encoding and line \
endings. The example is a UTF-16LE file with CRLF endings; the job is UTF-8 with LF endings.\n\nBefore:\n```\nSELECT 1;\n```\n\
After:\n```\n#!/bin/bash\n…\nSELECT 1;\n…\n```",
};

/// The edits that join the continued lines of an unquoted heredoc's body (relative to the body),
/// each reported.
pub fn join_continued_lines(
    src: &str,
    heredoc: &Heredoc,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Edit> {
    let base = heredoc.body.start as usize;
    crate::syntax::shell::line_continuations(heredoc.body.text(src))
        .into_iter()
        .map(|join| {
            diagnostics.push(Diagnostic::new(
                LINE_CONTINUATION.code,
                Severity::Info,
                join.offset(base),
                "line continuation: the shell joins this line with the next before BTEQ reads it; converted joined",
            ));
            Edit::delete(join)
        })
        .collect()
}

/// BTEQ options that take the next word as their value and have no rsql counterpart.
const CHARSET_OPTIONS: [&str; 2] = ["-c", "-e"];

/// The edits that make the command fed a BTEQ heredoc run rsql: its word becomes
/// [`RSQL_INVOCATION`] and BTEQ's own options go (up to the heredoc operator or a redirection),
/// with their reports.
pub fn rsql_command(src: &str, heredoc: &Heredoc) -> (Vec<Edit>, Vec<Diagnostic>) {
    let command = heredoc.command_span;
    let line_end = heredoc.opener_line.end as usize;
    let mut edits = vec![Edit::replace(command, RSQL_INVOCATION)];
    let mut diagnostics = Vec::new();
    let mut words = Vec::new();
    let mut at = command.end as usize;
    let bytes = src.as_bytes();
    while at < line_end {
        let start = at + src[at..line_end].len() - src[at..line_end].trim_start().len();
        if start >= line_end {
            break;
        }
        let end = src[start..line_end]
            .find(char::is_whitespace)
            .map_or(line_end, |i| start + i);
        let first = bytes[start];
        let redirect = first.is_ascii_digit() && src[start..end].contains('>');
        if matches!(first, b'<' | b'>' | b'|' | b';' | b'&' | b')' | b'#') || redirect {
            break;
        }
        words.push((at, start, end));
        at = end;
    }
    let mut k = 0;
    while k < words.len() {
        let (gap_start, start, end) = words[k];
        let word = &src[start..end];
        if CHARSET_OPTIONS.contains(&word) && k + 1 < words.len() {
            let value_end = words[k + 1].2;
            edits.push(Edit::delete(Span::new(gap_start, value_end)));
            diagnostics.push(Diagnostic::new(
                BTEQ_OPTION.code,
                Severity::Info,
                Span::new(start, value_end),
                format!("BTEQ option `{}` removed: rsql has no session character set option (in rsql `{word}` would replace the heredoc)", &src[start..value_end]),
            ));
            k += 2;
            continue;
        }
        if word.starts_with('-') {
            diagnostics.push(Diagnostic::new(
                BTEQ_OPTION.code,
                Severity::Warning,
                Span::new(start, end),
                format!("BTEQ option `{word}` kept on the rsql command: check that rsql means the same by it"),
            ));
        }
        k += 1;
    }
    (edits, diagnostics)
}

/// Reports each BTEQ command word of a shell script that no heredoc feeds.
pub fn bteq_without_heredoc(commands: &[Span], diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.extend(commands.iter().map(|&word| {
        Diagnostic::new(
            BTEQ_WITHOUT_HEREDOC.code,
            Severity::Warning,
            word,
            "bteq runs a script from a file or a pipe: convert that script too and run it with rsql",
        )
    }));
}

/// Reports the parser's problems; returns the edits that fix what can be fixed.
pub fn syntax_problems(cx: &mut ConvertContext) -> Vec<Edit> {
    let mut edits = Vec::new();
    for problem in cx.script.problems.clone() {
        match problem.kind {
            ProblemKind::SemicolonBeforeLineComment => cx.report(
                SEMICOLON_BEFORE_COMMENT.code,
                Severity::Warning,
                problem.span,
                "`;` followed by `--` does not end the BTEQ request: the next statement ran in the same request, RSQL runs it separately",
            ),
            ProblemKind::MissingFinalSemicolon => {
                cx.report(
                    MISSING_FINAL_SEMICOLON.code,
                    Severity::Info,
                    problem.span,
                    "last request had no `;`: added",
                );
                let mut at = problem.span.start as usize;
                // A password masked as a whole (`LOGON h/u,pw--`) may run past the last token:
                // the `;` goes after it, not into the masked text.
                let inside = |s: &&Span| (s.start as usize) < at && at < s.end as usize;
                if let Some(s) = cx.comment_secrets.iter().find(inside) {
                    at = s.end as usize;
                    // A password read up to a blank can end inside a comment (`pw-- x`): the
                    // `;` goes after that comment, not into it (found by fuzzing: `; x` made
                    // the comment's text a request).
                    if let Some(t) = cx.script.tokens.iter().find(|t| {
                        (t.span.start as usize) < at && at < t.span.end as usize
                    }) {
                        at = t.span.end as usize;
                    }
                }
                // At the end of `QUIT 0` (SQL to BTEQ without its `;`) a `;` would make the line
                // the dotless command when the output is read again: it then gets its own line.
                let mut fixed = cx.src.to_string();
                fixed.insert(at, ';');
                let reparsed = Script::parse(&fixed, cx.script.dialect);
                let still_sql = reparsed
                    .instructions
                    .iter()
                    .find(|i| i.span.range().contains(&at))
                    .is_some_and(|i| i.kind == InstructionKind::Sql);
                let newline = if still_sql { "" } else { cx.line_ending.as_str() };
                edits.push(Edit::insert(at, format!("{newline};")));
            }
            ProblemKind::DotLineInsideRequest => cx.report(
                DOT_LINE_IN_REQUEST.code,
                Severity::Warning,
                problem.span,
                "this line is inside an open SQL request, so BTEQ sends it as SQL: is a `;` missing on the line before?",
            ),
            ProblemKind::UnterminatedString => cx.report(UNTERMINATED_TEXT.code, Severity::Error, problem.span, "string never closed"),
            ProblemKind::UnterminatedQuotedIdent => cx.report(UNTERMINATED_TEXT.code, Severity::Error, problem.span, "quoted name never closed"),
            ProblemKind::UnterminatedComment => cx.report(UNTERMINATED_TEXT.code, Severity::Error, problem.span, "block comment never closed"),
            ProblemKind::UnclosedParenthesis => cx.report(
                UNTERMINATED_TEXT.code,
                Severity::Error,
                problem.span,
                "parenthesis never closed: BTEQ would read the rest of the file as one request",
            ),
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::script::convert_bteq;

    fn codes(src: &str) -> Vec<&'static str> {
        convert_bteq(src)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn request_splitting_hazards_are_reported() {
        assert_eq!(codes("DELETE FROM t; -- x\nSELECT 1;\n"), vec!["BQ080"]);
        assert_eq!(codes("SELECT 1\n.QUIT 8\n"), vec!["BQ082", "BQ081"]);
        assert_eq!(codes("SELECT 'x;\n"), vec!["BQ083"]);
    }

    #[test]
    fn final_semicolon_is_added() {
        assert_eq!(
            convert_bteq("SELECT 1;\nSELECT 2\n").text,
            "SELECT 1;\nSELECT 2;\n"
        );
        // Found by fuzzing: `QUIT 0;` would be the dotless command when converted again.
        let once = convert_bteq("SELECT 1;\nQUIT 0\n").text;
        assert_eq!(once, "SELECT 1;\nQUIT 0\n;\n");
        assert_eq!(convert_bteq(&once).text, once);
        // Found by fuzzing: the `;` went inside the masked password, an overlapping edit.
        let once = convert_bteq("LOGON h/u,pw--\n").text;
        assert_eq!(once, "LOGON h/u,********--\n;\n");
        assert_eq!(convert_bteq(&once).text, once);
        // Found by fuzzing: the password ends inside a comment; the `;` goes after the comment.
        let once = convert_bteq("LOGON h/u,pw-- x").text;
        assert_eq!(once, "LOGON h/u,********-- x\n;");
        assert_eq!(convert_bteq(&once).text, once);
        // Found while fixing the above for a rewritten request: the request's edit kept the
        // password, and the mask that ran past it did not apply.
        let once = convert_bteq("SEL 1\nLOGON h/u,pw--\n").text;
        assert_eq!(once, "SELECT 1\nLOGON h/u,********--\n;\n");
        assert_eq!(convert_bteq(&once).text, once);
    }

    #[test]
    fn bteq_charset_options_are_removed_and_others_flagged() {
        let command = |src: &str| {
            let heredoc = &crate::syntax::shell::find_heredocs(src.as_bytes()).unwrap()[0];
            let (mut edits, diagnostics) = rsql_command(src, heredoc);
            let found: Vec<(Severity, String)> = diagnostics
                .iter()
                .map(|d| (d.severity, d.span.text(src).to_string()))
                .collect();
            (crate::diagnostic::apply_edits(src, &mut edits).0, found)
        };
        let (out, found) = command("bteq -c UTF8 -x <<EOF > $LOG 2>&1\n.QUIT\nEOF\n");
        assert_eq!(
            out,
            "rsql -h $HOST -U $USER -d $DB -x <<EOF > $LOG 2>&1\n.QUIT\nEOF\n"
        );
        assert_eq!(
            found,
            vec![
                (Severity::Info, "-c UTF8".to_string()),
                (Severity::Warning, "-x".to_string())
            ]
        );
        let (out, found) = command("bteq<<EOF 2>&1 | tee -a log\n.QUIT\nEOF\n");
        assert!(out.starts_with("rsql -h $HOST -U $USER -d $DB<<EOF 2>&1 | tee"));
        assert!(found.is_empty());
    }
}
