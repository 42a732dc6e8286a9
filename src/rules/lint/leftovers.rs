//! RS020–RS022: what is left of BTEQ and Teradata in an RSQL script: dot-commands (and `bteq`
//! heredocs), Teradata-only SQL, and `:name` host variables RSQL does not know.

use std::collections::HashSet;

use crate::convert::context::ParsedScript;
use crate::convert::script::{convert_parsed, convert_script};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::lint::shell::unquote;
use crate::lint::unit::{FileUnit, ScriptUnit, Sink, first_arg};
use crate::rules::bteq::requests::rsql_command;
use crate::rules::bteq::unsupported::utility_marker;
use crate::rules::sql::{Findings, SqlCheck, checks};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Statement, split_statements};
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::script::InstructionKind;
use crate::syntax::shell::is_bteq_command;
use crate::syntax::span::Span;

pub const BTEQ_COMMAND: Rule = Rule {
    code: "RS020",
    name: "bteq-command",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "A BTEQ dot-command (or a `bteq` heredoc or command) left in an RSQL script",
    doc: "RSQL does not know `.IF`, `.QUIT`, `.LOGON` or any other BTEQ command; it sends the \
line to Redshift as SQL, where it fails. The fix is what `rsqlmig convert` writes for the \
command: safe when that conversion is exact, unsafe when it is flagged (an approximation or an \
action item). A `bteq <<EOF` heredoc in a shell script is reported at its command, with an \
unsafe fix that converts the whole heredoc; a `bteq` that reads its script from a file or a pipe \
(`bteq < load.btq`) is reported without a fix: that script is converted on its own.\n\nBefore:\n```\nINSERT INTO t SELECT * FROM s;\n\
.IF ERRORCODE <> 0 THEN .QUIT 8\n```\nAfter:\n```\nINSERT INTO t SELECT * FROM s;\n\\if :ERROR <> \
0\n  \\exit 8\n\\endif\n```",
};

pub const TERADATA_SQL: Rule = Rule {
    code: "RS021",
    name: "teradata-sql",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "Teradata-only SQL that a `TD…` conversion rule rewrites (the message names the rule)",
    doc: "Every Teradata SQL rewrite that `convert` knows (`rsqlmig rules`, codes `TD…`) is \
also a lint check, so SQL edited by hand after the migration is held to the same standard. The \
finding names the TD rule (`TD001: SEL is Teradata; use SELECT`); select or suppress it by \
either code. The fix is that rule's rewrite: safe for exact rewrites (info-level rules), unsafe \
for flagged ones. A finding the rule only reports (no rewrite) keeps the rule's severity. After \
`convert`, a `-- rsqlmig: TD…` marker before the statement turns the finding into an info-level \
open action item.\n\nBefore:\n```\nSEL a FROM t WHERE b NOT= 0;\n```\nAfter:\n```\nSELECT a FROM t \
WHERE b <> 0;\n```",
};

pub const HOST_VARIABLE: Rule = Rule {
    code: "RS022",
    name: "host-variable",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "A `:name` in SQL that is not an RSQL variable (built in, or set earlier by `\\set`, `\\gset` or `rsql -v`)",
    doc: "BTEQ's `USING (a INT) INSERT … VALUES (:a)` reads host variables from an imported \
file; RSQL reads `:a` as one of its own variables and, when none is set, sends `:a` to Redshift \
as written, where it is a syntax error. Variables RSQL sets (`:ERROR`, `:ERRORCODE`, \
`:ACTIVITYCOUNT`, `:ROW_COUNT`, `:LAST_ERROR_MESSAGE`, …), those set earlier by `\\set` or \
`\\gset`, and those an `rsql -v name=…` heredoc command sets are known. Variables set only on the \
command line of a plain `.rsql` script are not visible: `\\set` a default or suppress the \
finding.\n\nBefore:\n```\nUSING (k INTEGER)\nDELETE FROM t WHERE k = :k;\n```\nAfter:\n```\n\\set k 42\n\
DELETE FROM t WHERE k = :k;\n```",
};

pub fn check_script(unit: &ScriptUnit, out: &mut Sink) {
    dot_commands(unit, out);
    teradata_sql(unit, out);
    host_variables(unit, out);
}

pub fn check_file(unit: &FileUnit, out: &mut Sink) {
    for h in unit.heredocs.iter().filter(|h| is_bteq_command(&h.command)) {
        // As `convert` does: the body is converted as written, so shell expansions stay as
        // they were.
        let body = h.body.text(unit.src);
        let parsed = ParsedScript::new(body);
        // Continued lines are joined first by `convert`, which reports each join: left to it.
        let continued = !h.quoted && !crate::syntax::shell::line_continuations(body).is_empty();
        let fix = (utility_marker(body, &parsed).is_none() && !continued)
            .then(|| convert_parsed(body, &parsed, unit.file.line_ending))
            .filter(|c| !c.fatal)
            .map(|c| {
                let (mut edits, _) = rsql_command(unit.src, h);
                edits.push(Edit::replace(h.body, c.text));
                Fix {
                    applicability: Applicability::Unsafe,
                    edits,
                }
            });
        out.report_fix(
            &BTEQ_COMMAND,
            Severity::Error,
            h.command_span,
            format!(
                "`{}` heredoc: BTEQ left in the script; convert it (`rsqlmig convert`)",
                h.command
            ),
            fix,
        );
    }
    // `bteq < load.btq`, `gen | bteq`: BTEQ still runs, on a script kept elsewhere.
    for &word in unit.bteq_without_heredoc {
        out.report(
            &BTEQ_COMMAND,
            Severity::Error,
            word,
            format!(
                "`{}` runs a BTEQ script from a file or a pipe: convert that script (`rsqlmig convert`) and run it with rsql",
                word.text(unit.src)
            ),
        );
    }
}

/// BTEQ's commands that work without the dot when the line ends with `;`.
const DOTLESS: &[&str] = &["LOGON", "LOGOFF", "QUIT", "EXIT"];

fn dot_commands(unit: &ScriptUnit, out: &mut Sink) {
    let src = unit.src;
    let instrs = &unit.script.instructions;
    for (i, instr) in instrs.iter().enumerate() {
        if instr.then_action {
            continue;
        }
        let name = match instr.kind {
            InstructionKind::DotCommand => unit
                .script
                .significant(instr)
                .find(|t| t.kind == TokenKind::Word)
                .map(|t| format!(".{}", t.span.text(src).to_ascii_uppercase())),
            InstructionKind::Sql => dotless(unit, instr),
            _ => None,
        };
        let Some(name) = name else { continue };
        let cmd = unit.trimmed(instr);
        let last = match instrs.get(i + 1) {
            Some(next) if next.then_action => unit.trimmed(next),
            _ => cmd,
        };
        let fix = conversion_fix(unit, i, Span::new(cmd.start as usize, last.end as usize));
        out.report_fix(
            &BTEQ_COMMAND,
            Severity::Error,
            cmd,
            format!("BTEQ command {name} in an RSQL script: RSQL sends it to Redshift as SQL"),
            fix,
        );
    }
}

/// `QUIT 8;`, `LOGON …;` on one line: a dotless BTEQ command read as SQL.
fn dotless(unit: &ScriptUnit, instr: &crate::syntax::script::Instruction) -> Option<String> {
    let first = unit.script.significant(instr).next()?;
    let word = first.span.text(unit.src);
    if first.kind != TokenKind::Word || !DOTLESS.iter().any(|d| d.eq_ignore_ascii_case(word)) {
        return None;
    }
    let text = unit.trimmed(instr).text(unit.src);
    (text.ends_with(';') && !text.contains('\n')).then(|| word.to_ascii_uppercase())
}

/// The fix for the command at instruction `i` spanning `span`: what `convert` writes for it.
fn conversion_fix(unit: &ScriptUnit, i: usize, span: Span) -> Option<Fix> {
    let src = unit.src;
    let start = span.start as usize;
    let line_start = src[..start].rfind('\n').map_or(0, |p| p + 1);
    let from = if src[line_start..start].trim().is_empty() {
        line_start
    } else {
        start
    };
    let mut snippet = src[from..span.end as usize].to_string();
    // A jump converts only when its label is ahead: give the snippet the label, then drop it.
    let target = goto_target(&snippet).filter(|t| label_ahead(unit, i, t));
    let nl = unit.file.line_ending.as_str();
    if let Some(t) = &target {
        snippet.push_str(&format!("{nl}.LABEL {t}"));
    }
    let converted = convert_script(&snippet, unit.file.line_ending);
    if converted.fatal {
        return None;
    }
    let mut text = converted.text;
    if let Some(t) = &target {
        let tail = format!("{nl}\\label {t}");
        text = text.strip_suffix(&tail)?.to_string();
    }
    // `convert` keeps what it does not read as the command (`quit?…;` stays SQL): no fix then,
    // or `--fix` would offer it forever (found by fuzzing).
    if text == src[from..span.end as usize] {
        return None;
    }
    let flagged = converted
        .diagnostics
        .iter()
        .any(|d| d.severity >= Severity::Warning);
    Some(Fix {
        applicability: if flagged {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        edits: vec![Edit::replace(Span::new(from, span.end as usize), text)],
    })
}

/// The label of a `.GOTO` in `snippet`, if it has one.
fn goto_target(snippet: &str) -> Option<String> {
    let upper = snippet.to_ascii_uppercase();
    let at = upper.find(".GOTO")?;
    let name = snippet[at + 5..]
        .split(|c: char| c.is_whitespace() || c == ';')
        .find(|w| !w.is_empty())?;
    Some(name.to_string())
}

/// Whether a `\label` or `.LABEL` named `name` comes after instruction `i`.
fn label_ahead(unit: &ScriptUnit, i: usize, name: &str) -> bool {
    let src = unit.src;
    unit.script.instructions[i + 1..].iter().any(|instr| {
        let words: Vec<&str> = unit
            .script
            .significant(instr)
            .filter(|t| t.kind == TokenKind::Word)
            .take(2)
            .map(|t| t.span.text(src))
            .collect();
        matches!(
            instr.kind,
            InstructionKind::MetaCommand | InstructionKind::DotCommand
        ) && words.len() == 2
            && words[0].eq_ignore_ascii_case("label")
            && words[1].trim_end_matches(';').eq_ignore_ascii_case(name)
    })
}

/// Convert checks about what valid SQL meant on Teradata, not about what Redshift accepts
/// (where NULLs sort, GREATEST's NULLs, `date` and `time` as today and now, which in RSQL are
/// columns): hand-written RSQL means Redshift's reading, so lint does not run them.
const READS_TERADATA_MEANING: &[&str] = &[
    crate::rules::sql::functions::DATE_VALUE.code,
    crate::rules::sql::functions::GREATEST_LEAST.code,
    crate::rules::sql::ordering::NULL_ORDERING.code,
];

/// The convert checks lint runs, chosen once.
fn lint_checks() -> &'static [&'static SqlCheck] {
    static CHECKS: std::sync::OnceLock<Vec<&'static SqlCheck>> = std::sync::OnceLock::new();
    CHECKS.get_or_init(|| {
        checks()
            .filter(|c| !READS_TERADATA_MEANING.contains(&c.rule.code))
            .collect()
    })
}

fn teradata_sql(unit: &ScriptUnit, out: &mut Sink) {
    let src = unit.src;
    for instr in &unit.script.instructions {
        if instr.kind != InstructionKind::Sql || dotless(unit, instr).is_some() {
            continue;
        }
        let tokens = unit.script.tokens_of(instr);
        for (range, _) in split_statements(tokens) {
            let stmt = Statement::new(src, &tokens[range]);
            if stmt.is_empty() {
                continue;
            }
            for check in lint_checks() {
                let mut found = Findings::default();
                (check.check)(&stmt, &mut found);
                if check.redshift_valid {
                    // Only what Redshift rejects (`MINUS ALL`) is a finding here.
                    let reports = std::mem::take(&mut found.diagnostics);
                    found = Findings::default();
                    found.diagnostics = reports;
                }
                if let Some(d) = teradata_finding(src, check.rule, found) {
                    out.diagnostics.push(d);
                }
            }
        }
    }
}

/// One lint finding for what one `TD…` check found in one statement.
fn teradata_finding(src: &str, rule: &'static Rule, mut found: Findings) -> Option<Diagnostic> {
    let flagged = found
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .max_by_key(|d| d.severity);
    // A report about `:name` variables (no rewrite) is RS022's business, which knows RSQL's
    // variables; the convert rules flag every `:name` because BTEQ has no variables.
    if !found.has_edits()
        && found
            .diagnostics
            .iter()
            .all(|d| d.span.text(src).starts_with(':'))
    {
        return None;
    }
    let first_edit = found
        .edits()
        .iter()
        .min_by_key(|e| (e.span.start, e.span.end));
    let (span, message) = match (flagged, first_edit) {
        (Some(d), _) => (d.span, format!("{}: {}", d.code, d.message)),
        (None, Some(e)) => {
            let old = e.span.text(src).trim();
            let new = e.replacement.trim();
            let short = |s: &str| !s.is_empty() && s.len() <= 40 && !s.contains('\n');
            let message = if short(old) && new.is_empty() {
                format!("{}: `{old}` is Teradata; remove it", rule.code)
            } else if short(old) && short(new) {
                format!("{}: `{old}` is Teradata; use `{new}`", rule.code)
            } else {
                format!("{}: Teradata SQL: {}", rule.code, rule.summary)
            };
            (e.span, message)
        }
        (None, None) => return None,
    };
    let severity = if !found.has_edits() {
        flagged.map_or(Severity::Info, |d| d.severity)
    } else {
        Severity::Error
    };
    let exact = rule.severity == Severity::Info
        && found
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Info);
    // A check may rewrite a construct and one nested in it (`QUALIFY … QUALIFY`): the fix takes
    // the rewrites that apply together, and the next pass of `--fix` the rest, as `convert` does.
    let edits = found.take_applicable();
    let fix = (!edits.is_empty()).then_some(Fix {
        applicability: if exact {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        edits,
    });
    let mut d = Diagnostic::new(TERADATA_SQL.code, severity, span, message);
    d.fix = fix;
    Some(d)
}

/// Variables RSQL (psql) sets itself.
const BUILT_IN: &[&str] = &[
    "ERROR",
    "ERRORCODE",
    "ACTIVITYCOUNT",
    "ROW_COUNT",
    "LAST_ERROR_MESSAGE",
    "LAST_ERROR_SQLSTATE",
    "SQLSTATE",
    "DBNAME",
    "USER",
    "HOST",
    "PORT",
    "ENCODING",
    "LASTOID",
    "VERSION",
    "VERSION_NAME",
    "VERSION_NUM",
    "SERVER_VERSION_NAME",
    "SERVER_VERSION_NUM",
    "ON_ERROR_STOP",
    "AUTOCOMMIT",
    "QUIET",
    "ECHO",
    "VERBOSITY",
];

fn host_variables(unit: &ScriptUnit, out: &mut Sink) {
    let src = unit.src;
    if !unit
        .script
        .tokens
        .iter()
        .any(|t| t.kind == TokenKind::Variable)
    {
        return;
    }
    let mut known: HashSet<String> = BUILT_IN.iter().map(|s| s.to_string()).collect();
    if let Some((h, shell)) = unit.heredoc {
        known.extend(command_line_variables(h.opener_line.text(shell)));
    }
    let mut last_sql = None;
    for (i, instr) in unit.script.instructions.iter().enumerate() {
        if let Some(m) = unit.meta(i) {
            match m.name.as_str() {
                "set" | "prompt" => {
                    let name = if m.name == "set" {
                        first_arg(m.args)
                    } else {
                        m.args.split_whitespace().last().unwrap_or("")
                    };
                    known.insert(name.to_ascii_uppercase());
                }
                "gset" => {
                    let prefix = first_arg(m.args).to_ascii_uppercase();
                    if let Some(q) = last_sql {
                        for name in select_names(unit, q) {
                            known.insert(format!("{prefix}{name}"));
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        if instr.kind != InstructionKind::Sql {
            continue;
        }
        last_sql = Some(i);
        for t in unit.script.significant(instr) {
            if t.kind != TokenKind::Variable {
                continue;
            }
            let name = t
                .span
                .text(src)
                .trim_start_matches(':')
                .trim_matches(['\'', '"']);
            if !known.contains(&name.to_ascii_uppercase()) {
                out.report(
                    &HOST_VARIABLE,
                    Severity::Error,
                    t.span,
                    format!("`:{name}` is not an RSQL variable here (no \\set, \\gset or rsql -v sets it before): a BTEQ host variable left from .IMPORT … USING? RSQL sends it to Redshift as written"),
                );
            }
        }
    }
}

/// Variables an `rsql -v NAME=value` (`--set`, `--variable`) command line sets.
fn command_line_variables(line: &str) -> Vec<String> {
    let words: Vec<String> = line.split_whitespace().map(unquote).collect();
    let mut out = Vec::new();
    for (k, w) in words.iter().enumerate() {
        let assignment = match w.as_str() {
            "-v" | "--set" | "--variable" => words.get(k + 1).map(String::as_str),
            _ => w
                .strip_prefix("--set=")
                .or_else(|| w.strip_prefix("--variable="))
                .or_else(|| w.strip_prefix("-v").filter(|r| r.contains('='))),
        };
        if let Some((name, _)) = assignment.and_then(|a| a.split_once('=')) {
            out.push(name.to_ascii_uppercase());
        }
    }
    out
}

/// The column names a `SELECT …` at instruction `i` returns (for `\gset`), upper-cased.
fn select_names(unit: &ScriptUnit, i: usize) -> Vec<String> {
    let src = unit.src;
    let toks: Vec<&Token> = unit
        .script
        .significant(&unit.script.instructions[i])
        .collect();
    let Some(start) = toks
        .iter()
        .position(|t| t.span.text(src).eq_ignore_ascii_case("SELECT"))
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut depth = 0i32;
    let mut item: Vec<&Token> = Vec::new();
    let flush = |item: &mut Vec<&Token>, names: &mut Vec<String>| {
        let alias = item
            .iter()
            .position(|t| t.span.text(src).eq_ignore_ascii_case("AS"))
            .and_then(|k| item.get(k + 1))
            .or_else(|| {
                item.iter()
                    .rev()
                    .find(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
            });
        if let Some(t) = alias {
            names.push(t.span.text(src).trim_matches('"').to_ascii_uppercase());
        }
        item.clear();
    };
    for t in &toks[start + 1..] {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            TokenKind::Comma if depth == 0 => {
                flush(&mut item, &mut names);
                continue;
            }
            TokenKind::Word
                if depth == 0
                    && ["FROM", "INTO", "WHERE", "GROUP", "ORDER", "LIMIT", "UNION"]
                        .iter()
                        .any(|k| t.span.text(src).eq_ignore_ascii_case(k)) =>
            {
                break;
            }
            TokenKind::Semicolon => break,
            _ => {}
        }
        if depth == 0 || t.kind != TokenKind::RParen {
            item.push(t);
        }
    }
    flush(&mut item, &mut names);
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lint::testing::{applicability, fixed, only};

    #[test]
    fn dot_commands_are_reported_and_converted() {
        let src = "INSERT INTO t SELECT 1;\n.IF ERRORCODE <> 0 THEN .QUIT 8\n";
        let d = only("a.rsql", src, "RS020");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains(".IF"));
        assert_eq!(applicability(&d[0]), Some(Applicability::Safe));
        let out = fixed("a.rsql", src, false);
        assert_eq!(
            out.text,
            "INSERT INTO t SELECT 1;\n\\if :ERROR <> 0\n  \\exit 8\n\\endif\n"
        );
    }

    #[test]
    fn nested_rewrites_of_one_check_are_fixed_in_turn() {
        // Found by fuzzing: the two QUALIFY rewrites overlap, so the fix could never apply and
        // stayed on offer after `--fix`.
        let src = "SELECT R FROM QUALIFY QUALIFY COUNT(\n";
        let d = only("a.rsql", src, "RS021");
        let edits = &d[0].fix.as_ref().expect("a fix").edits;
        assert!(edits.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        let out = fixed("a.rsql", src, false);
        assert!(out.applied > 0 && out.text != src, "{}", out.text);
        let left: Vec<_> = out
            .report
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_some())
            .collect();
        assert!(left.is_empty(), "{left:#?}");
    }

    #[test]
    fn flagged_conversions_are_unsafe() {
        let d = only("a.rsql", "  .QUIT ERRORCODE\n", "RS020");
        assert_eq!(applicability(&d[0]), Some(Applicability::Unsafe));
        let out = fixed("a.rsql", "  .QUIT ERRORCODE\n", true);
        assert!(
            out.text.contains("  \\if :ERROR <> 0\n    \\exit 8\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn gotos_convert_when_their_label_is_ahead() {
        let src = ".GOTO DONE\nSELECT 1;\n\\label DONE\n";
        let out = fixed("a.rsql", src, false);
        assert_eq!(out.text, "\\goto DONE\nSELECT 1;\n\\label DONE\n");
    }

    #[test]
    fn logon_leftovers_never_show_the_password() {
        let src = ".LOGON tdprod/etl,Secr3t;\nSELECT 1;\n";
        let d = only("a.rsql", src, "RS020");
        assert!(!d[0].message.contains("Secr3t"));
        let out = fixed("a.rsql", src, false);
        assert!(!out.text.contains("Secr3t"), "{}", out.text);
        assert_eq!(only("a.rsql", "QUIT 8;\n", "RS020").len(), 1);
    }

    #[test]
    fn teradata_sql_is_named_by_its_rule() {
        let d = only("a.rsql", "SEL a FROM t;\n", "RS021");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "TD001: `SEL` is Teradata; use `SELECT`");
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(applicability(&d[0]), Some(Applicability::Safe));
        assert_eq!(
            fixed("a.rsql", "SEL a FROM t;\n", false).text,
            "SELECT a FROM t;\n"
        );
        assert!(only("a.rsql", "SELECT a FROM t WHERE b <> 0;\n", "RS021").is_empty());
    }

    #[test]
    fn redshift_forms_of_teradata_constructs_are_not_findings() {
        for sql in [
            "SELECT TOP 10 a FROM t;\n",
            "SELECT a FROM t MINUS SELECT a FROM s;\n",
            "SELECT CHAR_LENGTH(a), CHARACTER_LENGTH(b) FROM t;\n",
            "INSERT INTO d (date, amt) SELECT date, amt FROM s;\n",
            "SELECT a FROM t ORDER BY a;\n",
            "SELECT LEAST(a, b), GREATEST(c, d) FROM t;\n",
            "SELECT time, date FROM events;\n",
        ] {
            assert!(only("a.rsql", sql, "RS021").is_empty(), "{sql}");
        }
        // What Redshift rejects still is.
        let d = only(
            "a.rsql",
            "SELECT a FROM t MINUS ALL SELECT a FROM s;\n",
            "RS021",
        );
        assert!(d[0].message.starts_with("TD006: "), "{}", d[0].message);
        let d = only("a.rsql", "SELECT SUBSTR(a, 1, 2) FROM t;\n", "RS021");
        assert_eq!(d[0].message, "TD065: `SUBSTR` is Teradata; use `SUBSTRING`");
        let d = only("a.rsql", "SELECT CHARACTERS(a) FROM t;\n", "RS021");
        assert_eq!(
            d[0].message,
            "TD053: `CHARACTERS` is Teradata; use `LENGTH`"
        );
    }

    #[test]
    fn a_command_convert_keeps_as_sql_has_no_fix() {
        // Found by fuzzing: `quit?;` converts to itself, so `--fix` offered it forever.
        let d = only("a.rsql", "quit?;\n", "RS020");
        assert_eq!(d.len(), 1);
        assert_eq!(applicability(&d[0]), None);
    }

    #[test]
    fn approximate_rewrites_are_unsafe() {
        let d = only(
            "a.rsql",
            "SET QUERY_BAND = 'App=x;' FOR SESSION;\n",
            "RS021",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.starts_with("TD012: "), "{}", d[0].message);
        assert_eq!(applicability(&d[0]), Some(Applicability::Unsafe));
    }

    #[test]
    fn bteq_heredocs_are_leftovers() {
        let src = "#!/bin/sh\nbteq <<EOF\n.LOGON h/u,pw;\nSEL 1;\n.QUIT 0\nEOF\n";
        let d = only("job.sh", src, "RS020");
        assert_eq!(d.len(), 1);
        assert_eq!(applicability(&d[0]), Some(Applicability::Unsafe));
        let out = fixed("job.sh", src, true);
        assert!(
            out.text.contains("rsql -h $HOST -U $USER -d $DB <<EOF\n"),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("SELECT 1;\n\\exit 0\nEOF\n"),
            "{}",
            out.text
        );
        assert!(!out.text.contains(",pw"));
    }

    #[test]
    fn bteq_run_on_a_file_or_a_pipe_is_a_leftover() {
        let src = "#!/bin/sh\nLOG=x bteq < load.btq > $LOG\ngen.sh | ${BTEQ} -c ASCII\n\
                   cat <<EOF | bteq\nSEL 1;\nEOF\necho bteq; rsql < x.sql\n";
        let d = only("job.sh", src, "RS020");
        let words: Vec<&str> = d.iter().map(|d| d.span.text(src)).collect();
        // The cat-piped heredoc is reported once, at its command, with its fix.
        assert_eq!(words, ["bteq", "${BTEQ}", "bteq"]);
        assert!(d[0].message.contains("from a file or a pipe"));
        assert!(d[0].fix.is_none());
        assert!(d[2].message.contains("heredoc"));
        assert_eq!(applicability(&d[2]), Some(Applicability::Unsafe));
    }

    #[test]
    fn host_variables_must_be_rsql_variables() {
        let d = only("a.rsql", "DELETE FROM t WHERE k = :k;\n", "RS022");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`:k`"));
        let ok = "\\set k 42\nDELETE FROM t WHERE k = :k AND e = :'ERRORCODE';\n\
select count(*) as cnt, max(d) last_d from t \\gset\nSELECT :cnt, :'last_d';\n\
select 1 as n \\gset p_\nSELECT :p_n, a::int FROM t;\n";
        assert!(
            only("a.rsql", ok, "RS022").is_empty(),
            "{:?}",
            only("a.rsql", ok, "RS022")
        );
        let shell = "rsql -v run_dt=2024 --set=batch=1 <<EOF\nSELECT :'run_dt', :batch;\nEOF\n";
        assert!(only("job.sh", shell, "RS022").is_empty());
    }
}
