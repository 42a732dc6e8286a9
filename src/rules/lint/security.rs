//! RS030: a literal password in a script.

use crate::convert::context::logon_line_secrets;
use crate::diagnostic::{Applicability, Edit, Fix, Severity};
use crate::lint::shell::{ShellCommand, assignment, base_name};
use crate::lint::unit::{FileUnit, ScriptUnit, Sink};
use crate::rules::{Rule, RuleKind};
use crate::syntax::span::Span;

pub const LITERAL_PASSWORD: Rule = Rule {
    code: "RS030",
    name: "literal-password",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "A literal password in `\\logon`, a `.LOGON`, an `rsql` command line or a PASS/PWD/SECRET shell variable",
    doc: "A password in a script ends up in the repository, in the framework's logs and in \
`ps`. RSQL reads the password from `RSPASSWORD`, which the framework's \
`source $1/get_redshift_creds.sh $2` exports from Secrets Manager. Reported: the password of \
`\\logon` (positional or `password=`), of a BTEQ `.LOGON` line (commented out or not), `rsql -P` \
/ `password=` on an rsql command line, and literal values of shell variables whose name contains \
PASS, PWD or SECRET (`export DB_PASS=…`, `PGPASSWORD=… rsql`). The finding never shows the value \
(at most its first character). The unsafe fix removes the literal: the password argument goes, a \
`RSPASSWORD=`/`PGPASSWORD=` assignment is deleted, another variable gets `\"$RSPASSWORD\"`, a \
`.LOGON` password is masked. Values that are expansions (`$X`, `${X}`, `$(cmd)`, `:var`) are \
not literals.\n\nBefore:\n```\nexport RSPASSWORD=Winter2024\nrsql -h $HOST -U $USER -d $DB <<EOF\n```\n\
After:\n```\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\n```",
};

/// `S***`: what a message may show of a secret.
pub fn masked(secret: &str) -> String {
    match secret.chars().next() {
        Some(c) => format!("{c}***"),
        None => "***".to_string(),
    }
}

/// Whether `value` is written out in the script (not an expansion, a mask or empty).
pub fn is_literal(value: &str) -> bool {
    let v = value.trim_matches(['"', '\'']);
    !v.is_empty()
        && v != "-"
        && !v.chars().all(|c| c == '*')
        && !v.contains('$')
        && !v.contains('`')
        && !v.starts_with(':')
        && !v.starts_with("%%")
        && !v.starts_with("&&")
        && !(v.starts_with('{') && v.ends_with('}'))
}

pub fn check_script(unit: &ScriptUnit, out: &mut Sink) {
    for m in unit.metas().iter().filter(|m| m.name == "logon") {
        let base = m.args_span.start as usize;
        let words = word_spans(m.args);
        let conninfo = words.iter().any(|w| w.text(m.args).contains('='));
        let password = if conninfo {
            words.iter().find_map(|w| {
                let text = w.text(m.args);
                let (key, value) = text.split_once('=')?;
                key.eq_ignore_ascii_case("password").then(|| {
                    let start = w.start as usize + key.len() + 1;
                    (Span::new(start, start + value.len()), *w)
                })
            })
        } else {
            words.get(4).map(|w| (*w, *w))
        };
        let Some((value, whole)) = password else {
            continue;
        };
        let text = value.text(m.args);
        if !is_literal(text) {
            continue;
        }
        let value = value.offset(base);
        let whole = whole.offset(base);
        out.secrets.push(value);
        // Deleting a positional password makes the next word the password: with words after it
        // (not a `\logon` RSQL reads) the fix would never end (found by fuzzing).
        let last = conninfo || words.len() == 5;
        let fix = last.then(|| Fix {
            applicability: Applicability::Unsafe,
            edits: vec![Edit::delete(with_blank_before(unit.src, whole))],
        });
        out.report_fix(
            &LITERAL_PASSWORD,
            Severity::Error,
            value,
            format!(
                "literal password in \\logon ({}): remove it; RSQL reads RSPASSWORD, which get_redshift_creds.sh exports",
                masked(text)
            ),
            fix,
        );
    }
}

pub fn check_file(unit: &FileUnit, out: &mut Sink) {
    let src = unit.src;
    for secret in logon_line_secrets(src) {
        let text = secret.text(src);
        if !is_literal(text) {
            continue;
        }
        out.secrets.push(secret);
        out.report_fix(
            &LITERAL_PASSWORD,
            Severity::Error,
            secret,
            format!(
                "literal password in a .LOGON line ({}): mask it; RSQL reads RSPASSWORD, which get_redshift_creds.sh exports",
                masked(text)
            ),
            Some(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit::replace(secret, "********")],
            }),
        );
    }
    for line in unit.lines {
        for cmd in &line.commands {
            shell_command(src, cmd, line.span, out);
        }
    }
}

/// Passwords in one simple command of the shell text.
fn shell_command(src: &str, cmd: &ShellCommand, line: Span, out: &mut Sink) {
    let command_at = cmd.command_index(src);
    let command = command_at.and_then(|i| cmd.word(src, i)).map(base_name);
    let mut assignments: Vec<(usize, bool)> = (0..command_at.unwrap_or(cmd.words.len()))
        .map(|i| (i, command_at.is_some()))
        .collect();
    if let (Some(ci), Some("export" | "readonly" | "local" | "declare" | "typeset")) =
        (command_at, command)
    {
        assignments.extend(
            (ci + 1..cmd.words.len())
                .filter(|&i| !cmd.words[i].text(src).starts_with('-'))
                .map(|i| (i, false)),
        );
    }
    for (i, prefix) in assignments {
        let word = cmd.words[i];
        let Some((name, value)) = assignment(word.text(src)) else {
            continue;
        };
        if !sensitive(name) || !is_literal(value) || looks_like_path(value) {
            continue;
        }
        let start = word.end as usize - value.len();
        let value_span = Span::new(start, word.end as usize);
        let secret = unquoted_span(src, value_span);
        out.secrets.push(secret);
        let upper = name.to_ascii_uppercase();
        let sole =
            cmd.words.len() == 1 || (cmd.words.len() == 2 && command_at == Some(0) && i == 1);
        let (edit, how) = if prefix {
            (
                Edit::delete(with_blank_after(src, word)),
                "drop the assignment",
            )
        } else if (upper == "RSPASSWORD" || upper == "PGPASSWORD") && sole && cmd.then.is_none() {
            (Edit::delete(whole_line(src, line)), "drop the line")
        } else {
            (
                Edit::replace(value_span, "\"$RSPASSWORD\""),
                "use \"$RSPASSWORD\"",
            )
        };
        out.report_fix(
            &LITERAL_PASSWORD,
            Severity::Error,
            secret,
            format!(
                "literal password in shell variable {name} ({}): {how}; get_redshift_creds.sh exports RSPASSWORD from Secrets Manager",
                masked(value.trim_matches(['"', '\'']))
            ),
            Some(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![edit],
            }),
        );
    }
    if command != Some("rsql") {
        return;
    }
    let ci = command_at.expect("rsql is the command");
    let mut k = ci + 1;
    while k < cmd.words.len() {
        let word = cmd.words[k];
        let text = word.text(src);
        let (value_span, whole) =
            if (text == "-P" || text == "--password") && k + 1 < cmd.words.len() {
                k += 1;
                (cmd.words[k], word.cover(cmd.words[k]))
            } else if let Some(v) = text.strip_prefix("--password=") {
                (
                    Span::new(word.end as usize - v.len(), word.end as usize),
                    word,
                )
            } else if let Some(at) = text.to_ascii_lowercase().find("password=") {
                let start = word.start as usize + at + "password=".len();
                let len = src[start..word.end as usize]
                    .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                    .unwrap_or(word.end as usize - start);
                let span = Span::new(start, start + len);
                let key = Span::new(word.start as usize + at, start + len);
                (span, key)
            } else {
                k += 1;
                continue;
            };
        k += 1;
        let value = value_span.text(src);
        // `-P name=value` is psql's --pset.
        if !is_literal(value) || (text == "-P" && value.contains('=')) {
            continue;
        }
        let secret = unquoted_span(src, value_span);
        out.secrets.push(secret);
        out.report_fix(
            &LITERAL_PASSWORD,
            Severity::Error,
            secret,
            format!(
                "literal password on the rsql command line ({}): remove it; rsql reads RSPASSWORD, which get_redshift_creds.sh exports",
                masked(value.trim_matches(['"', '\'']))
            ),
            Some(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit::delete(with_blank_before(src, whole))],
            }),
        );
    }
}

/// A variable name that says it holds a secret (not `PWD`, not a file, id or name of one).
fn sensitive(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    (upper.contains("PASS") || upper.contains("PWD") || upper.contains("SECRET"))
        && upper != "PWD"
        && upper != "OLDPWD"
        && ![
            "_FILE", "_PATH", "_DIR", "_ID", "_NAME", "_ARN", "_KEY_ID", "_REGION",
        ]
        .iter()
        .any(|s| upper.ends_with(s))
}

fn looks_like_path(value: &str) -> bool {
    let v = value.trim_matches(['"', '\'']);
    v.starts_with('/') || v.starts_with("~/") || v.starts_with("./")
}

/// The blank-separated words of `text`, as spans relative to it.
fn word_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(Span::new(s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Span::new(s, text.len()));
    }
    out
}

/// `span` without the quotes around its text.
fn unquoted_span(src: &str, span: Span) -> Span {
    let text = span.text(src);
    let inner = text.trim_start_matches(['"', '\'']);
    let lead = text.len() - inner.len();
    let inner = inner.trim_end_matches(['"', '\'']);
    if inner.is_empty() {
        return span;
    }
    let start = span.start as usize + lead;
    Span::new(start, start + inner.len())
}

/// `span` with the blanks before it.
fn with_blank_before(src: &str, span: Span) -> Span {
    let start = span.start as usize;
    let blanks = src[..start].len() - src[..start].trim_end_matches([' ', '\t']).len();
    Span::new(start - blanks, span.end as usize)
}

/// `span` with the blanks after it.
fn with_blank_after(src: &str, span: Span) -> Span {
    let end = span.end as usize;
    let blanks = src[end..].len() - src[end..].trim_start_matches([' ', '\t']).len();
    Span::new(span.start as usize, end + blanks)
}

/// A line with its line break.
fn whole_line(src: &str, line: Span) -> Span {
    let end = src[line.end as usize..]
        .find('\n')
        .map_or(src.len(), |i| line.end as usize + i + 1);
    Span::new(line.start as usize, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lint::testing::{fixed, lint_as, only};

    fn no_secret_in_messages(name: &str, src: &str, secret: &str) {
        for d in lint_as(name, src) {
            assert!(!d.message.contains(secret), "{}", d.message);
        }
    }

    #[test]
    fn logon_passwords() {
        let src = "\\logon dw etl redshift.local 5439 Winter2024\nSELECT 1;\n";
        let d = only("a.rsql", src, "RS030");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("W***"));
        no_secret_in_messages("a.rsql", src, "Winter2024");
        let out = fixed("a.rsql", src, true);
        assert_eq!(out.text, "\\logon dw etl redshift.local 5439\nSELECT 1;\n");
        let conninfo = "\\logon host=h dbname=dw user=etl password=Winter2024\n";
        assert_eq!(only("a.rsql", conninfo, "RS030").len(), 1);
        assert!(only("a.rsql", "\\logon dw etl h 5439 $RSPASSWORD\n", "RS030").is_empty());
        assert!(only("a.rsql", "\\logon dw etl h 5439\n", "RS030").is_empty());
        // Found by fuzzing: with words after the password, each fix made the next one the
        // password. Reported, not fixed.
        let extra = "\\logon dw etl h 5439 Winter2024 x y\n";
        let d = only("a.rsql", extra, "RS030");
        assert!(d.len() == 1 && d[0].fix.is_none(), "{d:#?}");
    }

    #[test]
    fn bteq_logon_lines() {
        let src = "-- .LOGON tdprod/etl,Winter2024;\nSELECT 1;\n";
        let d = only("a.rsql", src, "RS030");
        assert_eq!(d.len(), 1);
        let out = fixed("a.rsql", src, true);
        assert_eq!(out.text, "-- .LOGON tdprod/etl,********;\nSELECT 1;\n");
    }

    #[test]
    fn shell_variables_and_rsql_command_lines() {
        let src = "#!/bin/bash\nexport DB_PASS='Winter2024'\nTD_PWD=Winter2024; export TD_PWD\n\
PGPASSWORD=Winter2024 rsql -h h -U u -d d -P Winter2024 <<EOF\nSELECT 1;\nEOF\n\
rsql -P pager=off -f x.sql\nSECRET_ID=my-secret\ncd $PWD\nexport RSPASSWORD=Winter2024\n";
        let d = only("job.sh", src, "RS030");
        assert_eq!(d.len(), 5, "{d:#?}");
        no_secret_in_messages("job.sh", src, "Winter2024");
        let out = fixed("job.sh", src, true);
        assert!(!out.text.contains("Winter2024"), "{}", out.text);
        assert!(
            out.text.contains("export DB_PASS=\"$RSPASSWORD\"\n"),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("\nrsql -h h -U u -d d <<EOF\n"),
            "{}",
            out.text
        );
        assert!(!out.text.contains("export RSPASSWORD"), "{}", out.text);
        assert!(out.report.diagnostics.iter().all(|d| d.code != "RS030"));
    }

    #[test]
    fn expansions_are_not_literals() {
        let src = "#!/bin/sh\nDB_PASS=$(aws secretsmanager get-secret-value --secret-id x)\nexport PASSWORD=\"${PW}\"\nPASS_FILE=/etc/pw\n";
        assert!(only("job.sh", src, "RS030").is_empty());
    }

    #[test]
    fn masking() {
        assert_eq!(masked("Winter2024"), "W***");
        assert_eq!(masked(""), "***");
    }
}
