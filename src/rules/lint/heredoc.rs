//! RS040–RS043: what the shell does to an unquoted `rsql <<EOF` heredoc before RSQL sees it
//! (reference `bteq-rsql.md` §2.6), and heredocs that never end.
//!
//! These rules read the body as written in the file (not the shell's view of it that the other
//! rules read), since they are about the escapes themselves.

use crate::diagnostic::{Applicability, Edit, Fix, Severity, apply_edits};
use crate::lint::unit::{FileUnit, Sink};
use crate::rules::{Rule, RuleKind};
use crate::syntax::lexer::TokenKind;
use crate::syntax::script::{Dialect, InstructionKind, Script};
use crate::syntax::shell::{Heredoc, ShellError, find_heredocs, is_rsql_command};
use crate::syntax::span::Span;

pub const SHELL_DOLLAR: Rule = Rule {
    code: "RS040",
    name: "heredoc-shell-dollar",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "`$$` or `$1`…`$9` in an unquoted rsql heredoc that the shell expands but RSQL was meant to see",
    doc: "In `rsql <<EOF` (delimiter not quoted) the shell expands `$$` to its process id and \
`$1` to its first argument before RSQL reads the text, so a `CREATE PROCEDURE … AS $$ … $$` \
body or a `$1` parameter inside it is destroyed. Reported: dollar-quote delimiters (`$$`, \
`$body$`) and `$$` / `$1`…`$9` inside dollar-quoted bodies; in framework jobs, where `$1` and \
`$2` are the instance code directory and the secret id, every `$$` and `$1`…`$9` in SQL text. \
Elsewhere a `$1` or a `tmp_$$` outside a dollar-quoted body is taken as the deliberate shell \
substitution it usually is. The safe fix escapes them (`\\$`); quoting the delimiter (`<<'EOF'`) \
also works when the heredoc needs no shell expansion at all.\n\nBefore:\n```\nrsql -h $HOST -U $USER \
-d $DB <<EOF\nCREATE OR REPLACE PROCEDURE p(n int) AS $$\nBEGIN\n  DELETE FROM t WHERE id = $1;\n\
END;\n$$ LANGUAGE plpgsql;\nEOF\n```\nAfter:\n```\nrsql -h $HOST -U $USER -d $DB <<EOF\nCREATE OR \
REPLACE PROCEDURE p(n int) AS \\$\\$\nBEGIN\n  DELETE FROM t WHERE id = \\$1;\nEND;\n\\$\\$ LANGUAGE \
plpgsql;\nEOF\n```",
};

pub const BACKTICK: Rule = Rule {
    code: "RS041",
    name: "heredoc-backtick",
    kind: RuleKind::Lint,
    severity: Severity::Warning,
    summary: "Backticks in an unquoted rsql heredoc: the shell runs them (info in `\\echo` / `\\remark`, where that is the intent)",
    doc: "The shell replaces `` `cmd` `` with the command's output before RSQL sees the text, \
even inside an SQL string or comment, so a backtick in SQL runs a command. The framework's \
sample jobs use exactly that on purpose in `\\echo` and `\\remark` lines (`` \\echo `date` ``), \
which is reported as info only. Escape a literal backtick as `` \\` `` or quote the heredoc \
delimiter.\n\nBefore:\n```\nrsql <<EOF\nSELECT 'run `hostname`' AS note;\nEOF\n```\nAfter:\n```\n\
rsql <<EOF\nSELECT 'run \\`hostname\\`' AS note;\nEOF\n```",
};

pub const DOUBLE_BACKSLASH: Rule = Rule {
    code: "RS042",
    name: "heredoc-double-backslash",
    kind: RuleKind::Lint,
    severity: Severity::Warning,
    summary: "`\\\\` in an unquoted rsql heredoc, which the shell collapses to `\\`",
    doc: "In an unquoted heredoc `\\\\` reaches RSQL as a single backslash, so a regular \
expression `'\\\\d+'` or a Windows path loses half its backslashes (a single `\\` before a letter, \
as in `\\if`, is kept). The safe fix doubles them so RSQL receives what is written; text in \
comments is left alone.\n\nBefore:\n```\nrsql <<EOF\nSELECT REGEXP_SUBSTR(c, '\\\\d+') FROM t;\nEOF\n```\n\
After:\n```\nrsql <<EOF\nSELECT REGEXP_SUBSTR(c, '\\\\\\\\d+') FROM t;\nEOF\n```",
};

pub const UNTERMINATED_HEREDOC: Rule = Rule {
    code: "RS043",
    name: "heredoc-unterminated",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "A heredoc whose delimiter line never comes",
    doc: "The shell feeds the rest of the file to the command and warns; nothing after the \
heredoc runs as shell, the exit-code epilogue included. Most often the delimiter line has \
trailing blanks, or is indented without `<<-`. The unsafe fix trims such a line to the \
delimiter, or else adds the delimiter at the end of the file.\n\nBefore:\n```\nrsql <<EOF\n\
SELECT 1;\nEOF   \nexit $?\n```\nAfter:\n```\nrsql <<EOF\nSELECT 1;\nEOF\nexit $?\n```",
};

pub fn check(unit: &FileUnit, out: &mut Sink) {
    if let Some((delimiter, opener)) = unit.unterminated {
        unterminated(unit.src, delimiter, *opener, out);
    }
    for (k, h) in unit.heredocs.iter().enumerate() {
        if h.quoted || !is_rsql_command(&h.command) {
            continue;
        }
        let parsed;
        let script = match unit.verbatim_bodies.get(k) {
            Some(Some(script)) => script,
            _ => {
                parsed = Script::parse(h.body.text(unit.src), Dialect::Rsql);
                &parsed
            }
        };
        Body::new(unit.src, h, script, unit.file.framework).check(out);
    }
}

/// One unquoted rsql heredoc body, as written.
struct Body<'a> {
    raw: &'a str,
    base: usize,
    script: &'a Script,
    /// Spans (relative to `raw`) of comments: the shell expands there too, but RSQL ignores
    /// what it finds.
    comments: Vec<Span>,
    framework: bool,
}

impl<'a> Body<'a> {
    /// `script` is the parse of the body as written.
    fn new(src: &'a str, h: &Heredoc, script: &'a Script, framework: bool) -> Body<'a> {
        let raw = h.body.text(src);
        let comments = script
            .tokens
            .iter()
            .filter(|t| t.kind.is_comment())
            .map(|t| t.span)
            .collect();
        Body {
            raw,
            base: h.body.start as usize,
            script,
            comments,
            framework,
        }
    }

    fn check(&self, out: &mut Sink) {
        self.dollars(out);
        self.backticks(out);
        self.backslashes(out);
    }

    fn at(&self, span: Span) -> Span {
        span.offset(self.base)
    }

    fn in_comment(&self, pos: usize) -> bool {
        self.comments
            .iter()
            .any(|c| (c.start as usize) <= pos && pos < c.end as usize)
    }

    /// Whether the byte at `pos` is escaped by an odd run of backslashes.
    fn escaped(&self, pos: usize) -> bool {
        let run = self.raw.as_bytes()[..pos]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        run % 2 == 1
    }

    /// Unescaped `$` of `$$` and `$1`…`$9` in `span` (and the `$` of a `$$` pair right after).
    fn shell_dollars(&self, span: Span) -> Vec<usize> {
        let bytes = self.raw.as_bytes();
        let (start, end) = (span.start as usize, span.end as usize);
        let mut out = Vec::new();
        let mut i = start;
        // `i` may pass `end` by one after a `$$` pair.
        while i < end
            && let Some(at) = memchr::memchr(b'$', &bytes[i..end])
        {
            i += at;
            if !self.escaped(i) {
                match bytes.get(i + 1) {
                    Some(b'$') => {
                        out.extend([i, i + 1]);
                        i += 2;
                        continue;
                    }
                    Some(b'1'..=b'9') => out.push(i),
                    _ => {}
                }
            }
            i += 1;
        }
        out
    }

    fn dollars(&self, out: &mut Sink) {
        let raw = self.raw;
        for instr in &self.script.instructions {
            if instr.kind != InstructionKind::Sql {
                continue;
            }
            // Every case below needs a `$`: one search per request, then only the tokens that
            // hold one are read.
            let start = instr.span.start as usize;
            let dollars: Vec<usize> = memchr::memchr_iter(b'$', instr.span.text(raw).as_bytes())
                .map(|i| start + i)
                .collect();
            let mut next_dollar = 0;
            for t in self.script.significant(instr) {
                while dollars
                    .get(next_dollar)
                    .is_some_and(|&at| at < t.span.start as usize)
                {
                    next_dollar += 1;
                }
                match dollars.get(next_dollar) {
                    None => break,
                    Some(&at) if at >= t.span.end as usize => continue,
                    Some(_) => {}
                }
                let text = t.span.text(raw);
                let start = t.span.start as usize;
                let dollar_quoted = t.kind == TokenKind::String && text.starts_with('$');
                let positions: Vec<usize> = if dollar_quoted {
                    if self.escaped(start) {
                        continue;
                    }
                    let tag_len = text[1..].find('$').map_or(text.len(), |i| i + 2);
                    let tag = &text[..tag_len];
                    let mut positions: Vec<usize> = (start..start + tag_len)
                        .filter(|&p| raw.as_bytes()[p] == b'$')
                        .collect();
                    let body_end = if !t.unterminated && text.len() >= 2 * tag_len {
                        t.span.end as usize - tag_len
                    } else {
                        t.span.end as usize
                    };
                    positions.extend(self.shell_dollars(Span::new(start + tag_len, body_end)));
                    if body_end < t.span.end as usize && text.ends_with(tag) {
                        positions.extend(
                            (body_end..t.span.end as usize).filter(|&p| raw.as_bytes()[p] == b'$'),
                        );
                    }
                    positions
                } else if self.framework {
                    self.shell_dollars(t.span)
                } else {
                    continue;
                };
                if positions.is_empty() {
                    continue;
                }
                let first = positions[0];
                let shown_len = if raw.as_bytes().get(first + 1) == Some(&b'$') {
                    2
                } else if dollar_quoted {
                    text[1..].find('$').map_or(1, |i| i + 2)
                } else {
                    2
                };
                let shown = &raw[first..(first + shown_len).min(raw.len())];
                let message = if dollar_quoted {
                    format!(
                        "`{shown}` in an unquoted heredoc: the shell expands it before RSQL sees the dollar-quoted text; escape it as `\\$` (or quote the delimiter)"
                    )
                } else {
                    format!(
                        "`{shown}` in a framework job's heredoc: the shell replaces it (with its process id or an argument of the job) before RSQL sees it; escape it as `\\$`"
                    )
                };
                out.report_fix(
                    &SHELL_DOLLAR,
                    Severity::Error,
                    self.at(Span::new(first, first + shown_len.min(raw.len() - first))),
                    message,
                    Some(Fix {
                        applicability: Applicability::Safe,
                        edits: positions
                            .iter()
                            .map(|&p| Edit::insert(self.base + p, "\\"))
                            .collect(),
                    }),
                );
            }
        }
    }

    /// The meta-command name of the instruction holding `pos`, if it is one.
    fn meta_at(&self, pos: usize) -> Option<String> {
        let instr = self
            .script
            .instructions
            .iter()
            .find(|i| (i.span.start as usize) <= pos && pos < i.span.end as usize)?;
        if instr.kind != InstructionKind::MetaCommand {
            return None;
        }
        self.script
            .command_name(instr, self.raw)
            .map(str::to_ascii_lowercase)
    }

    fn backticks(&self, out: &mut Sink) {
        let bytes = self.raw.as_bytes();
        let ticks: Vec<usize> = memchr::memchr_iter(b'`', bytes)
            .filter(|&i| !self.escaped(i))
            .collect();
        for pair in ticks.chunks(2) {
            let start = pair[0];
            let end = pair.get(1).map_or(start + 1, |e| e + 1);
            let span = self.at(Span::new(start, end));
            let meta = self.meta_at(start);
            if matches!(meta.as_deref(), Some("echo" | "remark" | "qecho")) {
                out.report(
                    &BACKTICK,
                    Severity::Info,
                    span,
                    format!(
                        "backticks in \\{}: the shell runs the command and RSQL prints its output",
                        meta.unwrap_or_default()
                    ),
                );
                continue;
            }
            let message = if pair.len() == 1 {
                "unmatched backtick in an unquoted heredoc: the shell fails on it; escape it as \\`"
                    .to_string()
            } else if self.in_comment(start) {
                "backticks in a comment of an unquoted heredoc: the shell runs the command even there; escape them as \\` or quote the delimiter".to_string()
            } else {
                "backticks in SQL of an unquoted heredoc: the shell runs the command and pastes its output before RSQL sees the text; escape them as \\` or quote the delimiter".to_string()
            };
            out.report(&BACKTICK, Severity::Warning, span, message);
        }
    }

    fn backslashes(&self, out: &mut Sink) {
        let bytes = self.raw.as_bytes();
        let mut i = 0;
        while let Some(at) = memchr::memchr(b'\\', &bytes[i..]) {
            i += at;
            let run = bytes[i..].iter().take_while(|&&b| b == b'\\').count();
            let next = bytes.get(i + run).copied();
            if run == 2
                && !matches!(next, None | Some(b'$' | b'`' | b'\n' | b'\r'))
                && !self.in_comment(i)
            {
                out.report_fix(
                    &DOUBLE_BACKSLASH,
                    Severity::Warning,
                    self.at(Span::new(i, i + 2)),
                    "`\\\\` in an unquoted heredoc reaches RSQL as one backslash; write `\\\\\\\\` (or quote the delimiter)",
                    Some(Fix {
                        applicability: Applicability::Safe,
                        edits: vec![Edit::insert(self.base + i, "\\\\")],
                    }),
                );
            }
            i += run;
        }
    }
}

fn unterminated(src: &str, delimiter: &str, opener: Span, out: &mut Sink) {
    let after = src[opener.end as usize..]
        .find('\n')
        .map_or(src.len(), |i| opener.end as usize + i + 1);
    // A line that is the delimiter once blanks are trimmed: the usual mistake. A line that is
    // exactly the delimiter closed an earlier heredoc of the same line (`<<E <<E`).
    let mut near_miss = None;
    let mut pos = after;
    while pos < src.len() {
        let end = src[pos..].find('\n').map_or(src.len(), |i| pos + i);
        let line = src[pos..end].trim_end_matches('\r');
        if line != delimiter && line.trim() == delimiter {
            near_miss = Some(Span::new(pos, pos + line.len()));
            break;
        }
        pos = end + 1;
    }
    let (mut edit, how) = match near_miss {
        Some(line) => (
            Edit::replace(line, delimiter),
            "a line holds the delimiter with blanks around it; trim them",
        ),
        None => {
            let nl = if src.ends_with('\n') || src.is_empty() {
                ""
            } else {
                "\n"
            };
            (
                Edit::insert(src.len(), format!("{nl}{delimiter}\n")),
                "add it at the end",
            )
        }
    };
    // A delimiter line cannot close a heredoc whose opener line never ends (an open quote on it
    // runs to the end of the file): offer the edit only where the shell then finds the end.
    // Heredocs opened later on the same line are still open once this one is closed at the end
    // of the file: their delimiters follow in the same edit, so one `--fix` pass closes them all.
    let mut open_at = opener;
    let closes = loop {
        let (with_edit, _) = apply_edits(src, &mut vec![edit.clone()]);
        match find_heredocs(with_edit.as_bytes()) {
            Err(ShellError::UnterminatedHeredoc { opener: still, .. }) if still == opener => {
                break false;
            }
            Err(ShellError::UnterminatedHeredoc {
                opener: next,
                delimiter: next_delimiter,
            }) if near_miss.is_none()
                && next.start > open_at.start
                && (next.end as usize) < after =>
            {
                edit.replacement.push_str(&format!("{next_delimiter}\n"));
                open_at = next;
            }
            _ => break true,
        }
    };
    if !closes {
        out.report(
            &UNTERMINATED_HEREDOC,
            Severity::Error,
            opener,
            format!("heredoc never closed: no line `{delimiter}` after it, and its opener line never ends (check the quotes on it)"),
        );
        return;
    }
    out.report_fix(
        &UNTERMINATED_HEREDOC,
        Severity::Error,
        opener,
        format!("heredoc never closed: no line `{delimiter}` after it ({how})"),
        Some(Fix {
            applicability: Applicability::Unsafe,
            edits: vec![edit],
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lint::testing::{fixed, only};

    const PROC: &str = "#!/bin/sh\nrsql -h $HOST <<EOF\nCREATE PROCEDURE p(n int) AS $$\nBEGIN\n  DELETE FROM t WHERE id = $1;\nEND;\n$$ LANGUAGE plpgsql;\nSELECT '$1', tmp_$$ FROM x;\nEOF\n";

    #[test]
    fn dollar_quotes_in_unquoted_heredocs() {
        let d = only("job.sh", PROC, "RS040");
        assert_eq!(d.len(), 1, "{d:#?}");
        let out = fixed("job.sh", PROC, false);
        assert!(
            out.text.contains(
                "AS \\$\\$\nBEGIN\n  DELETE FROM t WHERE id = \\$1;\nEND;\n\\$\\$ LANGUAGE"
            ),
            "{}",
            out.text
        );
        // A shell argument or a PID outside a dollar-quoted body is taken as intended.
        assert!(out.text.contains("SELECT '$1', tmp_$$ FROM x;"));
        assert!(fixed("job.sh", &out.text, false).applied == 0);
        let quoted = PROC.replace("<<EOF", "<<'EOF'");
        assert!(only("job.sh", &quoted, "RS040").is_empty());
    }

    #[test]
    fn framework_jobs_flag_every_shell_dollar_in_sql() {
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\n\\echo $1\nSELECT '$1', tmp_$$ FROM x; -- $2\nEOF\nrsqlexitcode=$?\nexit $rsqlexitcode\n";
        let d = only("job.sh", src, "RS040");
        assert_eq!(d.len(), 2, "{d:#?}");
        let out = fixed("job.sh", src, false);
        assert!(
            out.text
                .contains("\\echo $1\nSELECT '\\$1', tmp_\\$\\$ FROM x; -- $2\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn tagged_dollar_quotes() {
        let src = "rsql <<EOF\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $body$ LANGUAGE sql;\nEOF\n";
        let out = fixed("job.sh", src, false);
        assert!(
            out.text
                .contains("AS \\$body\\$ SELECT 1 \\$body\\$ LANGUAGE"),
            "{}",
            out.text
        );
    }

    #[test]
    fn backticks() {
        let src = "rsql <<EOF\n\\echo `date`\n\\remark 'at `date +%T`'\nSELECT '`hostname`';\n-- `whoami`\nEOF\n";
        let d = only("job.sh", src, "RS041");
        let sev: Vec<_> = d.iter().map(|d| d.severity).collect();
        assert_eq!(
            sev,
            vec![
                Severity::Info,
                Severity::Info,
                Severity::Warning,
                Severity::Warning
            ]
        );
        assert!(only("job.sh", &src.replace("<<EOF", "<<\"EOF\""), "RS041").is_empty());
        assert!(only("job.sh", "rsql <<EOF\nSELECT '\\`x\\`';\nEOF\n", "RS041").is_empty());
    }

    #[test]
    fn double_backslashes() {
        let src = "rsql <<EOF\nSELECT REGEXP_SUBSTR(c, '\\\\d+'), 'a\\\\\\\\b', '\\\\$X' FROM t; -- c:\\\\x\n\\echo a\\b\nEOF\n";
        let d = only("job.sh", src, "RS042");
        assert_eq!(d.len(), 1, "{d:#?}");
        let out = fixed("job.sh", src, false);
        assert!(out.text.contains("'\\\\\\\\d+'"), "{}", out.text);
        assert!(only("job.sh", &out.text, "RS042").is_empty());
    }

    #[test]
    fn unterminated_heredocs() {
        let src = "rsql <<EOF\nSELECT 1;\nEOF  \nexit $?\n";
        let d = only("job.sh", src, "RS043");
        assert_eq!(d.len(), 1);
        let out = fixed("job.sh", src, true);
        assert_eq!(out.text, "rsql <<EOF\nSELECT 1;\nEOF\nexit $?\n");
        let out = fixed("job.sh", "rsql <<EOF\nSELECT 1;", true);
        assert_eq!(out.text, "rsql <<EOF\nSELECT 1;\nEOF\n");
        // Found by fuzzing: the line that closed the first `<<E` was offered as the second's
        // "line with blanks", an edit that changed nothing, again on every `--fix`.
        let out = fixed("job.sh", "<<E<<E", true);
        assert_eq!(out.text, "<<E<<E\nE\nE\n");
        assert!(only("job.sh", &out.text, "RS043").is_empty());
        // Found by fuzzing: an open quote on the opener line swallows every `E` added after it.
        let src = "rsql <<E <\"\nSELECT 1;\n";
        let d = only("job.sh", src, "RS043");
        assert!(
            d[0].fix.is_none() && d[0].message.contains("quotes"),
            "{d:#?}"
        );
        assert_eq!(fixed("job.sh", src, true).text, src);
        // Found by fuzzing: ten heredocs open on one line took ten `--fix` passes, one each.
        let d = only("job.sh", "cat <<A <<B; rsql <<C\nA\n", "RS043");
        let edits = &d[0].fix.as_ref().unwrap().edits;
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].replacement, "B\nC\n");
        let out = fixed("job.sh", "cat <<A <<B; rsql <<C\nA\n", true);
        assert_eq!(out.text, "cat <<A <<B; rsql <<C\nA\nB\nC\n");
        assert!(only("job.sh", &out.text, "RS043").is_empty());
    }
}
