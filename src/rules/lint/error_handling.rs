//! RS010–RS012: statements whose failure is never checked, `:ERRORCODE` compared with a number,
//! error branches that do not exit.

use crate::diagnostic::{Applicability, Edit, Fix, Severity};
use crate::lint::unit::{Meta, ScriptUnit, Sink, first_arg};
use crate::rules::{Rule, RuleKind};
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::script::InstructionKind;

pub const UNCHECKED_STATEMENT: Rule = Rule {
    code: "RS010",
    name: "unchecked-statement",
    kind: RuleKind::Lint,
    severity: Severity::Warning,
    summary: "A data-changing statement not followed by a test of `:ERROR`, `:ERRORCODE` or `:ACTIVITYCOUNT` before the next statement",
    doc: "RSQL goes on after a failed statement unless the script tests the outcome, so a \
failed `INSERT` in a job silently becomes a successful run with missing data. After every \
INSERT, UPDATE, DELETE, MERGE, COPY, UNLOAD, CREATE, DROP, ALTER and TRUNCATE, an `\\if` on \
`:ERROR`, `:ERRORCODE` / `:'ERRORCODE'` or `:ACTIVITYCOUNT` must come before the next statement \
(an `\\exit n` with n other than 0 right after it counts too, and so does `\\set ON_ERROR_STOP on` \
earlier in the script). Required in framework jobs, off in other scripts: set \
`lint.require_error_checks: always | never | auto` in rsqlmig.yaml.\n\nBefore:\n```\nINSERT INTO \
dw.sales SELECT * FROM stage.sales;\nCOMMIT;\n```\nAfter:\n```\nINSERT INTO dw.sales SELECT * FROM \
stage.sales;\n\\if :ERROR <> 0\n  \\exit 8\n\\endif\nCOMMIT;\n```",
};

pub const ERRORCODE_NUMBER: Rule = Rule {
    code: "RS011",
    name: "errorcode-number",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "`:ERRORCODE` compared with a number; it is a SQLSTATE string (`:'ERRORCODE' <> '00000'`)",
    doc: "RSQL's `:ERRORCODE` holds the five-character SQLSTATE of the last statement, not \
Teradata's error number, so `\\if :ERRORCODE <> 0` never means what it says. A comparison with \
0 has a safe fix to the documented form; other numbers are Teradata codes that need a SQLSTATE \
(see `BQ021`).\n\nBefore:\n```\n\\if :ERRORCODE <> 0\n  \\exit 8\n\\endif\n```\nAfter:\n```\n\\if \
:'ERRORCODE' <> '00000'\n  \\exit 8\n\\endif\n```",
};

pub const ERROR_BRANCH_WITHOUT_EXIT: Rule = Rule {
    code: "RS012",
    name: "error-branch-without-exit",
    kind: RuleKind::Lint,
    severity: Severity::Warning,
    summary: "An error branch (`\\if :ERROR …`, `:'ERRORCODE' <> '00000'`) that ends without `\\exit n` or `\\goto`",
    doc: "A branch taken when the last statement failed should stop the job with a non-zero \
exit code (or jump to a label that does): otherwise the script goes on after the failure and \
the scheduler, or the framework's Step Functions, records a success. `\\exit 0` or a bare \
`\\exit` in the branch does not count.\n\nBefore:\n```\n\\if :ERROR <> 0\n  \\echo 'load failed'\n\
\\endif\n```\nAfter:\n```\n\\if :ERROR <> 0\n  \\echo 'load failed'\n  \\exit 8\n\\endif\n```",
};

/// Statements whose failure loses or corrupts data when nobody checks it.
const CHANGING: &[&str] = &[
    "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "UNLOAD", "CREATE", "DROP", "ALTER", "TRUNCATE",
];

/// Variables whose test counts as checking the last statement's outcome.
const STATUS_VARIABLES: &[&str] = &[
    "ERROR",
    "ERRORCODE",
    "ACTIVITYCOUNT",
    "ROW_COUNT",
    "SQLSTATE",
    "LAST_ERROR_SQLSTATE",
];

pub fn check(unit: &ScriptUnit, out: &mut Sink) {
    unchecked(unit, out);
    for m in unit.metas() {
        if m.name == "if" || m.name == "elseif" || m.name == "elif" {
            let toks = condition_tokens(unit, m);
            errorcode_number(unit, &toks, out);
            if is_error_condition(unit.src, &toks) {
                error_branch(unit, m, out);
            }
        }
    }
}

/// The significant tokens of a meta-command after its name.
fn condition_tokens(unit: &ScriptUnit, m: &Meta) -> Vec<Token> {
    let instr = &unit.script.instructions[m.index];
    unit.script
        .significant(instr)
        .filter(|t| t.span.start >= m.args_span.start)
        .copied()
        .collect()
}

/// The name of a `:NAME` / `:'NAME'` / `:"NAME"` variable token, as written (compare it
/// ignoring case).
fn variable_name<'s>(src: &'s str, t: &Token) -> Option<&'s str> {
    (t.kind == TokenKind::Variable).then(|| {
        t.span
            .text(src)
            .trim_start_matches(':')
            .trim_matches(['\'', '"'])
    })
}

fn unchecked(unit: &ScriptUnit, out: &mut Sink) {
    if !unit.file.error_checks {
        return;
    }
    let instrs = &unit.script.instructions;
    let mut stop_on_error = false;
    for (i, _) in instrs.iter().enumerate() {
        if let Some(m) = unit.meta(i) {
            if m.name == "set" && first_arg(m.args).eq_ignore_ascii_case("ON_ERROR_STOP") {
                let value = m.args.split_whitespace().nth(1).unwrap_or("");
                stop_on_error = !matches!(
                    value.to_ascii_lowercase().as_str(),
                    "off" | "0" | "false" | "no" | ""
                );
            }
            continue;
        }
        if stop_on_error || instrs[i].kind != InstructionKind::Sql {
            continue;
        }
        let Some(first) = unit.script.significant(&instrs[i]).next() else {
            continue;
        };
        let word = first.span.text(unit.src).to_ascii_uppercase();
        if first.kind != TokenKind::Word || !CHANGING.contains(&word.as_str()) {
            continue;
        }
        if !checked_after(unit, i) {
            out.report(
                &UNCHECKED_STATEMENT,
                Severity::Warning,
                unit.trimmed(&instrs[i]),
                format!("{word} is not followed by a check of :ERROR, :ERRORCODE or :ACTIVITYCOUNT before the next statement: a failure goes unnoticed"),
            );
        }
    }
}

/// Whether the outcome of statement `i` is tested before the next statement.
fn checked_after(unit: &ScriptUnit, i: usize) -> bool {
    for j in i + 1..unit.script.instructions.len() {
        if !unit.is_statement(j) {
            continue;
        }
        let Some(m) = unit.meta(j) else {
            return false; // the next SQL statement or BTEQ command
        };
        match m.name.as_str() {
            "if" | "elseif" | "elif" => {
                return condition_tokens(unit, m).iter().any(|t| {
                    variable_name(unit.src, t)
                        .is_some_and(|v| STATUS_VARIABLES.iter().any(|s| s.eq_ignore_ascii_case(v)))
                });
            }
            "exit" | "quit" | "q" => {
                let code = first_arg(m.args);
                return !code.is_empty() && code != "0";
            }
            // `select … \gset`, `\echo`, `\remark`: the statement's status is still the last one.
            _ => {}
        }
    }
    false
}

fn is_cmp(src: &str, t: &Token) -> bool {
    t.kind == TokenKind::Op
        && matches!(
            t.span.text(src),
            "=" | "<>" | "!=" | "<" | ">" | "<=" | ">="
        )
}

fn is_zero(src: &str, t: &Token) -> bool {
    t.kind == TokenKind::Number && t.span.text(src).bytes().all(|b| b == b'0')
}

fn errorcode_number(unit: &ScriptUnit, toks: &[Token], out: &mut Sink) {
    let src = unit.src;
    for (k, t) in toks.iter().enumerate() {
        if !variable_name(src, t).is_some_and(|v| v.eq_ignore_ascii_case("ERRORCODE")) {
            continue;
        }
        // `:ERRORCODE op n` or `n op :ERRORCODE`.
        let (op, num, var_first) = match (toks.get(k + 1), toks.get(k + 2)) {
            (Some(op), Some(n)) if is_cmp(src, op) && n.kind == TokenKind::Number => (op, n, true),
            _ => match (
                k.checked_sub(2).map(|j| &toks[j]),
                k.checked_sub(1).map(|j| &toks[j]),
            ) {
                (Some(n), Some(op)) if is_cmp(src, op) && n.kind == TokenKind::Number => {
                    (op, n, false)
                }
                _ => continue,
            },
        };
        let span = if var_first {
            t.span.cover(num.span)
        } else {
            num.span.cover(t.span)
        };
        let op_text = op.span.text(src);
        let fix = (is_zero(src, num) && matches!(op_text, "=" | "<>" | "!=")).then(|| {
            let op = if op_text == "=" { "=" } else { "<>" };
            let replacement = if var_first {
                format!(":'ERRORCODE' {op} '00000'")
            } else {
                format!("'00000' {op} :'ERRORCODE'")
            };
            Fix {
                applicability: Applicability::Safe,
                edits: vec![Edit::replace(span, replacement)],
            }
        });
        let message = if fix.is_some() {
            "`:ERRORCODE` is a SQLSTATE string, not a number: compare `:'ERRORCODE'` with '00000'"
                .to_string()
        } else {
            format!(
                "`:ERRORCODE` is a SQLSTATE string, not a number: {} looks like a Teradata error code; compare `:'ERRORCODE'` with its SQLSTATE",
                num.span.text(src)
            )
        };
        out.report_fix(&ERRORCODE_NUMBER, Severity::Error, span, message, fix);
    }
}

/// `:ERROR`, `:ERROR <> 0`, `:ERROR != 0`, `:ERROR > 0`, `:ERROR = 1`, `:ERROR = true`,
/// `:'ERRORCODE' <> '00000'` (or `<> 0`).
fn is_error_condition(src: &str, toks: &[Token]) -> bool {
    let Some(var) = toks.first().and_then(|t| variable_name(src, t)) else {
        return false;
    };
    let var = var.to_ascii_uppercase();
    let op = toks.get(1).map(|t| t.span.text(src));
    let value = toks.get(2).map(|t| t.span.text(src).trim_matches('\''));
    match (var.as_str(), toks.len(), op, value) {
        ("ERROR", 1, _, _) => true,
        ("ERROR", 3, Some("<>" | "!=" | ">"), Some(v)) => v.bytes().all(|b| b == b'0'),
        ("ERROR", 3, Some("="), Some(v)) => v == "1" || v.eq_ignore_ascii_case("true"),
        ("ERRORCODE", 3, Some("<>" | "!="), Some(v)) => v.bytes().all(|b| b == b'0'),
        _ => false,
    }
}

/// Reports an error branch (from `m` to its block's next `\elseif` / `\else` / `\endif`) that
/// neither exits with a code nor jumps.
fn error_branch(unit: &ScriptUnit, m: &Meta, out: &mut Sink) {
    let mut depth = 0usize;
    let mut stops = false;
    let mut end = None;
    for j in m.index + 1..unit.script.instructions.len() {
        let Some(n) = unit.meta(j) else { continue };
        match n.name.as_str() {
            "if" => depth += 1,
            "endif" if depth > 0 => depth -= 1,
            "elseif" | "elif" | "else" | "endif" if depth == 0 => {
                end = Some(n.span);
                break;
            }
            "goto" => stops = true,
            "exit" | "quit" | "q" => {
                let code = first_arg(n.args);
                stops |= !code.is_empty() && code != "0";
            }
            _ => {}
        }
    }
    if !stops {
        let at = end.map_or(String::new(), |s| {
            format!(" (branch ends at `{}`)", s.text(unit.src))
        });
        out.report(
            &ERROR_BRANCH_WITHOUT_EXIT,
            Severity::Warning,
            m.span,
            format!("error branch without \\exit n or \\goto{at}: the job goes on, or exits 0, after the failure"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::config::{ErrorChecks, LintOptions};
    use crate::rules::lint::testing::{applicability, fixed, lint_with, only};

    fn always() -> LintOptions {
        LintOptions {
            require_error_checks: ErrorChecks::Always,
            ..LintOptions::default()
        }
    }

    fn unchecked(src: &str) -> usize {
        lint_with("a.rsql", src, &always())
            .iter()
            .filter(|d| d.code == "RS010")
            .count()
    }

    #[test]
    fn data_changing_statements_need_a_check() {
        assert_eq!(unchecked("INSERT INTO t SELECT 1;\nCOMMIT;\n"), 1);
        assert_eq!(unchecked("DELETE FROM t;\n"), 1);
        assert_eq!(
            unchecked(
                "INSERT INTO t SELECT 1;\n\\echo done\n\\if :ERROR <> 0\n  \\exit 8\n\\endif\n"
            ),
            0
        );
        assert_eq!(
            unchecked("UPDATE t SET a = 1;\n\\if :ACTIVITYCOUNT = 0\n\\endif\n"),
            0
        );
        assert_eq!(unchecked("DROP TABLE t;\n\\exit 8\n"), 0);
        assert_eq!(unchecked("SELECT 1;\nBEGIN;\n"), 0);
        assert_eq!(
            unchecked("\\set ON_ERROR_STOP on\nINSERT INTO t SELECT 1;\n"),
            0
        );
    }

    #[test]
    fn error_checks_are_off_in_plain_scripts_by_default() {
        assert!(only("a.rsql", "INSERT INTO t SELECT 1;\n", "RS010").is_empty());
        let job = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\nINSERT INTO t SELECT 1;\nEOF\nrsqlexitcode=$?\nexit $rsqlexitcode\n";
        assert_eq!(only("job.sh", job, "RS010").len(), 1);
    }

    #[test]
    fn errorcode_compared_with_zero_is_fixed() {
        let d = only(
            "a.rsql",
            "\\if :ERRORCODE <> 0\n\\exit 8\n\\endif\n",
            "RS011",
        );
        assert_eq!(applicability(&d[0]), Some(Applicability::Safe));
        let out = fixed(
            "a.rsql",
            "\\if :ERRORCODE = 0\n\\goto OK\n\\endif\n\\label OK\n",
            false,
        );
        assert!(
            out.text.starts_with("\\if :'ERRORCODE' = '00000'\n"),
            "{}",
            out.text
        );
        let out = fixed(
            "a.rsql",
            "\\if :'ERRORCODE' != 0\n\\exit 8\n\\endif\n",
            false,
        );
        assert!(
            out.text.starts_with("\\if :'ERRORCODE' <> '00000'\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn errorcode_compared_with_a_teradata_code_has_no_fix() {
        let d = only("a.rsql", "\\if :ERRORCODE = 3807\n\\endif\n", "RS011");
        assert_eq!(d.len(), 1);
        assert!(d[0].fix.is_none());
        assert!(d[0].message.contains("3807"));
        assert!(only("a.rsql", "\\if :'ERRORCODE' = '42P01'\n\\endif\n", "RS011").is_empty());
    }

    #[test]
    fn error_branches_must_exit() {
        let bad = "\\if :ERROR <> 0\n  \\echo failed\n\\endif\n";
        assert_eq!(only("a.rsql", bad, "RS012").len(), 1);
        let zero = "\\if :'ERRORCODE' <> '00000'\n  \\exit 0\n\\endif\n";
        assert_eq!(only("a.rsql", zero, "RS012").len(), 1);
        let good = "\\if :ERROR <> 0\n  \\if :ACTIVITYCOUNT = 0\n  \\endif\n  \\exit 21\n\\else\n  \\echo ok\n\\endif\n";
        assert!(only("a.rsql", good, "RS012").is_empty());
        let jump = "\\if :ERROR\n  \\goto ERRORS\n\\endif\n\\label ERRORS\n";
        assert!(only("a.rsql", jump, "RS012").is_empty());
        let not_error = "\\if :ERROR = 0\n  \\echo fine\n\\endif\n\\if :'ERRORCODE' <> '42P01'\n  DROP TABLE t;\n\\endif\n";
        assert!(only("a.rsql", not_error, "RS012").is_empty());
    }
}
