//! BQ020–BQ024: `.IF ... THEN`, `.IF/.ELSEIF/.ELSE/.ENDIF` become RSQL `\if` blocks.

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::bteq::sqlstate;
use crate::rules::{Rule, RuleKind};
use crate::syntax::command::{CmpOp, Condition, StatusVar, parse_condition, split_then};
use crate::syntax::span::Span;

pub const IF_BLOCK: Rule = Rule {
    code: "BQ020",
    name: "if-block",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.IF cond THEN action` becomes an `\\if ... \\endif` block; `.ELSEIF/.ELSE/.ENDIF` map one to one",
    doc: "RSQL's `\\if` takes a whole block, so BTEQ's one-line form becomes three lines with the \
converted action inside; the action may be a command (`.GOTO`, `.QUIT`, `.RUN`...) or an SQL \
request. ERRORCODE tests against 0 use `:ERROR`, as the framework's own job scripts do; \
ACTIVITYCOUNT tests use `:ACTIVITYCOUNT` with the same operator (`!=`, `^=`, `~=` become `<>`). \
BTEQ's parentheses around each test are dropped and `NOT` is folded into the operator.\n\n\
Before:\n```\n.IF ERRORCODE <> 0 THEN .GOTO ERRORS\n.if ACTIVITYCOUNT = 0 then .quit 2;\n```\n\
After:\n```\n\\if :ERROR <> 0\n  \\goto ERRORS\n\\endif\n\\if :ACTIVITYCOUNT = 0\n  \\exit 2\n\\endif\n```",
};

pub const ERRORCODE_SQLSTATE: Rule = Rule {
    code: "BQ021",
    name: "errorcode-sqlstate",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`ERRORCODE = n` (n != 0) becomes a test of the SQLSTATE Redshift raises for that error (approximate)",
    doc: "RSQL's `:ERRORCODE` is a SQLSTATE string, not a Teradata error number. Known codes map \
to their SQLSTATE (3807 -> `42P01`, 3803 -> `42P07`, 3706 -> `42601`, 2801 -> `23505`, ...); others to \
Redshift's catch-all `XX000`. Redshift reports many failures as `XX000`, so each mapping is \
flagged for review. For the common \"ignore a missing table before DROP\" idiom consider `DROP \
TABLE IF EXISTS`.\n\nBefore:\n```\n.IF ERRORCODE = 3807 THEN .GOTO NEXT1\n```\nAfter:\n```\n\
\\if :'ERRORCODE' = '42P01'\n  \\goto NEXT1\n\\endif\n```",
};

pub const ERRORLEVEL_APPROXIMATION: Rule = Rule {
    code: "BQ022",
    name: "errorlevel-approximation",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`ERRORLEVEL` tests become `:ERROR` tests (the last statement, not the highest severity so far)",
    doc: "ERRORLEVEL is the highest severity seen in the whole run and never resets; RSQL has no \
readable counterpart. A test for \"some error\" (`<> 0`, `> n`, `>= n` with n <= 8) becomes \
`:ERROR <> 0` and a test for \"no error\" becomes `:ERROR = 0`, which look only at the last \
statement. Flagged: check that every failing statement is tested.\n\nBefore:\n```\n.IF \
ERRORLEVEL <> 0 THEN .GOTO EXITERR\n```\nAfter:\n```\n\\if :ERROR <> 0\n  \\goto EXITERR\n\\endif\n```",
};

pub const UNSUPPORTED_CONDITION: Rule = Rule {
    code: "BQ023",
    name: "if-unsupported-condition",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "An `.IF` on WARNINGCODE, other status values, shell variables or mixed AND/OR nesting is kept as an action item",
    doc: "Conditions RSQL cannot express are not guessed. A one-line `.IF` is commented out with \
its action (the action then never runs); a block `.IF` becomes `\\if false` so that its \
`\\else` branch still runs, and must be rewritten by hand.\n\nBefore:\n```\n.IF WARNINGCODE <> 0 \
THEN .GOTO WARN\n```\nAfter:\n```\n-- rsqlmig: BQ023 .IF condition has no RSQL counterpart: \
WARNINGCODE <> 0\n-- .IF WARNINGCODE <> 0 THEN .GOTO WARN\n```",
};

pub const STAR_ACTION: Rule = Rule {
    code: "BQ024",
    name: "if-star-action",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "A one-line `.IF` whose SQL action starts with `*` is kept as an action item",
    doc: "The action of a one-line `.IF` goes on a line of its own inside the `\\if` block, where a \
leading `*` would start a BTEQ comment line: the request would silently become a comment the \
next time the script is read. No SQL statement starts with `*`, so the `.IF` is commented out \
with its action for a rewrite by hand.\n\nBefore:\n```\n.IF ERRORCODE <> 0 THEN *;\n```\n\
After:\n```\n\\if :ERROR <> 0\n  -- rsqlmig: BQ024 the action starts with `*`, which reads as a \
comment line in the \\if block: rewrite it\n  -- *;\n\\endif\n```",
};

/// The action item for an SQL action that starts with `*` (see [`STAR_ACTION`]), or `None`.
pub fn star_action(cx: &mut ConvertContext, action: Span) -> Option<Vec<String>> {
    action.text(cx.src).starts_with('*').then(|| {
        cx.action_item(
            STAR_ACTION.code,
            Severity::Warning,
            action,
            "the action starts with `*`, which reads as a comment line in the \\if block: rewrite it",
        )
    })
}

/// How many spaces the action of a one-line `.IF` is indented inside its `\if` block.
const ACTION_INDENT: &str = "  ";

/// Converts a one-line `.IF cond THEN` (or `.ELSEIF cond THEN`, inside a block) whose action
/// has been converted to `action` lines.
pub fn if_then(cx: &mut ConvertContext, cmd: &Command, action: Vec<String>, whole: Span) -> Output {
    let (cond_text, _) = split_then(cmd.args);
    let is_elseif = cmd.name == "ELSEIF";
    match rsql_condition(cx, cond_text, cmd.span) {
        Some(expr) => {
            let mut lines = Vec::with_capacity(action.len() + 2);
            let meta = if is_elseif { "\\elseif " } else { "\\if " };
            lines.push([meta, &expr].concat());
            lines.extend(action.into_iter().map(|l| [ACTION_INDENT, &l].concat()));
            if !is_elseif {
                // An `.ELSEIF` branch is closed by its block's `.ENDIF`.
                lines.push("\\endif".to_string());
            }
            Output::Lines(lines)
        }
        None => Output::Lines(cx.action_item(
            UNSUPPORTED_CONDITION.code,
            Severity::Warning,
            whole,
            format!(
                ".IF condition has no RSQL counterpart: {}",
                cond_text.trim()
            ),
        )),
    }
}

/// Converts the block forms: `.IF cond [THEN]`, `.ELSEIF cond [THEN]`, `.ELSE`, `.ENDIF`.
pub fn block(cx: &mut ConvertContext, cmd: &Command) -> Output {
    match &*cmd.name {
        "ELSE" => Output::Lines(vec!["\\else".to_string()]),
        "ENDIF" => Output::Lines(vec!["\\endif".to_string()]),
        name => {
            let meta = if name == "IF" { "\\if" } else { "\\elseif" };
            let (cond_text, _) = split_then(cmd.args);
            match rsql_condition(cx, cond_text, cmd.span) {
                Some(expr) => Output::Lines(vec![format!("{meta} {expr}")]),
                None => {
                    let mut lines = cx.action_item(
                        UNSUPPORTED_CONDITION.code,
                        Severity::Error,
                        cmd.span,
                        format!(
                            ".{name} condition has no RSQL counterpart: {}; rewrite this block by hand",
                            cond_text.trim()
                        ),
                    );
                    lines.push(format!("{meta} false"));
                    Output::Lines(lines)
                }
            }
        }
    }
}

/// The parsed condition of an `.IF`/`.ELSEIF` command, for rules that depend on it.
/// Whether a condition's text reads the last request's outcome (`ERRORCODE`, `ERRORLEVEL`,
/// `ACTIVITYCOUNT`).
pub fn reads_outcome(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    ["ERRORCODE", "ERRORLEVEL", "ACTIVITYCOUNT"]
        .iter()
        .any(|w| upper.contains(w))
}

pub fn condition_of(cmd: &Command) -> Option<Condition> {
    parse_condition(split_then(cmd.args).0)
}

/// Translates a BTEQ condition into an RSQL `\if` expression, reporting approximations.
/// `None` when RSQL cannot express it.
fn rsql_condition(cx: &mut ConvertContext, text: &str, span: Span) -> Option<String> {
    let cond = parse_condition(text)?;
    let mut notes = Vec::new();
    let expr = expression(&cond, false, &mut notes)?;
    for (code, message) in notes {
        cx.report(code, Severity::Warning, span, message);
    }
    Some(expr)
}

/// Renders `cond` (negated when `negate`), pushing approximation notes.
fn expression(
    cond: &Condition,
    negate: bool,
    notes: &mut Vec<(&'static str, String)>,
) -> Option<String> {
    match cond {
        Condition::Not(inner) => expression(inner, !negate, notes),
        Condition::And(parts) | Condition::Or(parts) => {
            // De Morgan: NOT (a AND b) = NOT a OR NOT b.
            let is_and = matches!(cond, Condition::And(_)) != negate;
            let joiner = if is_and { " AND " } else { " OR " };
            let rendered = parts
                .iter()
                .map(|p| {
                    // RSQL's precedence between AND and OR is undocumented: refuse to mix them.
                    if matches!(p, Condition::And(_) | Condition::Or(_)) {
                        return None;
                    }
                    expression(p, negate, notes)
                })
                .collect::<Option<Vec<_>>>()?;
            Some(rendered.join(joiner))
        }
        Condition::Compare { var, op, value } => {
            let op = if negate { op.negate() } else { *op };
            compare(var, op, *value, notes)
        }
    }
}

fn compare(
    var: &StatusVar,
    op: CmpOp,
    value: u64,
    notes: &mut Vec<(&'static str, String)>,
) -> Option<String> {
    match var {
        StatusVar::ActivityCount => Some(format!(":ACTIVITYCOUNT {} {value}", op.rsql())),
        StatusVar::ErrorCode => match (op, value) {
            (CmpOp::Ne | CmpOp::Gt, 0) => Some(":ERROR <> 0".to_string()),
            (CmpOp::Eq | CmpOp::Le, 0) => Some(":ERROR = 0".to_string()),
            (CmpOp::Eq | CmpOp::Ne, code) => {
                let state = match sqlstate::for_teradata_code(code) {
                    Some(state) => {
                        notes.push((
                            ERRORCODE_SQLSTATE.code,
                            format!("ERRORCODE {code} tested as SQLSTATE {state}: check that Redshift raises it"),
                        ));
                        state
                    }
                    None => {
                        notes.push((
                            ERRORCODE_SQLSTATE.code,
                            format!(
                                "ERRORCODE {code} has no known SQLSTATE; tested as {}",
                                sqlstate::INTERNAL_ERROR
                            ),
                        ));
                        sqlstate::INTERNAL_ERROR
                    }
                };
                Some(format!(":'ERRORCODE' {} '{state}'", op.rsql()))
            }
            _ => None,
        },
        StatusVar::ErrorLevel => {
            // Failed requests have severity 8 by default, so these read "some error" / "none".
            let any_error = match (op, value) {
                (CmpOp::Ne, 0) => true,
                (CmpOp::Gt, v) if v < 8 => true,
                (CmpOp::Ge, v) if (1..=8).contains(&v) => true,
                (CmpOp::Eq, 0) => false,
                (CmpOp::Lt, v) if (1..=8).contains(&v) => false,
                (CmpOp::Le, v) if v < 8 => false,
                _ => return None,
            };
            notes.push((
                ERRORLEVEL_APPROXIMATION.code,
                "ERRORLEVEL tested as :ERROR, which reflects only the last statement".to_string(),
            ));
            Some(
                if any_error {
                    ":ERROR <> 0"
                } else {
                    ":ERROR = 0"
                }
                .to_string(),
            )
        }
        StatusVar::Other(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    fn codes(src: &str) -> Vec<&'static str> {
        convert_bteq(src)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn errorcode_tests_use_the_error_flag() {
        for line in [
            ".IF ERRORCODE <> 0 THEN .GOTO ERRORS",
            ".IF ERRORCODE<>0 THEN .GOTO ERRORS;",
            ".If Errorcode  != 0 Then .Goto ERRORS",
            ".if errorcode > 0 then .goto ERRORS;",
            ".IF ERRORCODE ^= 0 THEN .GOTO ERRORS",
        ] {
            let out = convert_bteq(&format!("{line}\n.LABEL ERRORS\n"));
            assert_eq!(
                out.text, "\\if :ERROR <> 0\n  \\goto ERRORS\n\\endif\n\\label ERRORS\n",
                "{line}"
            );
            assert!(out.diagnostics.is_empty(), "{line}: {:?}", out.diagnostics);
        }
        assert_eq!(
            convert_bteq(".IF ERRORCODE = 0 THEN .QUIT 0\n").text,
            "\\if :ERROR = 0\n  \\exit 0\n\\endif\n"
        );
    }

    #[test]
    fn activitycount_keeps_its_comparison() {
        for (op, rsql) in [
            ("=", "="),
            ("<>", "<>"),
            ("!=", "<>"),
            ("~=", "<>"),
            (">", ">"),
            ("<", "<"),
            (">=", ">="),
            ("<=", "<="),
        ] {
            let out = convert_bteq(&format!(".IF ACTIVITYCOUNT {op} 1 THEN .QUIT 2\n"));
            assert_eq!(
                out.text,
                format!("\\if :ACTIVITYCOUNT {rsql} 1\n  \\exit 2\n\\endif\n")
            );
        }
    }

    #[test]
    fn an_action_starting_with_a_star_is_kept_as_an_action_item() {
        // Found by fuzzing: `  *;` on a line of its own inside the `\if` block read back as a
        // `*` comment line, so a second conversion turned the request into `--;`.
        let out = convert_bteq(".IF ERRORCODE > 0 THEN *;\n");
        assert_eq!(
            out.text,
            "\\if :ERROR <> 0\n  -- rsqlmig: BQ024 the action starts with `*`, which reads as a \
comment line in the \\if block: rewrite it\n  -- *;\n\\endif\n"
        );
        assert_eq!(codes(".IF ERRORCODE > 0 THEN *;\n"), vec!["BQ024"]);
        assert_eq!(convert_bteq(&out.text).text, out.text);
    }

    #[test]
    fn errorcode_values_map_to_sqlstates_and_are_flagged() {
        let out = convert_bteq(".IF ERRORCODE = 3807 THEN .GOTO NEXT1\n.LABEL NEXT1\n");
        assert!(
            out.text.starts_with("\\if :'ERRORCODE' = '42P01'\n"),
            "{}",
            out.text
        );
        assert_eq!(
            codes(".IF ERRORCODE = 3807 THEN .GOTO N\n.LABEL N\n"),
            vec!["BQ021"]
        );
        assert!(
            convert_bteq(".IF ERRORCODE = 1234 THEN .QUIT 3\n")
                .text
                .contains("'XX000'")
        );
    }

    #[test]
    fn sql_action_goes_inside_the_block() {
        let out = convert_bteq(".if errorcode <> 3807 then drop table w.t;\n");
        assert_eq!(
            out.text,
            "\\if :'ERRORCODE' <> '42P01'\n  drop table w.t;\n\\endif\n"
        );
    }

    #[test]
    fn combined_and_negated_conditions() {
        let out = convert_bteq(".IF (ERRORCODE <> 0) OR (ACTIVITYCOUNT = 0) THEN .QUIT 12\n");
        assert_eq!(
            out.text,
            "\\if :ERROR <> 0 OR :ACTIVITYCOUNT = 0\n  \\exit 12\n\\endif\n"
        );
        let out = convert_bteq(".IF NOT (ACTIVITYCOUNT = 0) THEN .QUIT 1\n");
        assert!(out.text.starts_with("\\if :ACTIVITYCOUNT <> 0\n"));
    }

    #[test]
    fn errorlevel_is_approximated() {
        let out = convert_bteq(".IF ERRORLEVEL <> 0 THEN .GOTO EXITERR\n.LABEL EXITERR\n");
        assert!(out.text.starts_with("\\if :ERROR <> 0\n"));
        assert_eq!(codes(".IF ERRORLEVEL >= 8 THEN .QUIT 8\n"), vec!["BQ022"]);
    }

    #[test]
    fn unsupported_conditions_are_action_items() {
        let out = convert_bteq(".IF WARNINGCODE <> 0 THEN .GOTO WARN\n.LABEL WARN\n");
        assert!(out.text.starts_with("-- rsqlmig: BQ023"), "{}", out.text);
        assert!(
            out.text
                .contains("-- .IF WARNINGCODE <> 0 THEN .GOTO WARN\n")
        );
    }

    #[test]
    fn elseif_with_an_action_stays_a_branch() {
        let src = ".IF ACTIVITYCOUNT = 0 THEN\n  .QUIT 1\n.ELSEIF ACTIVITYCOUNT > 9 THEN .QUIT 2\n.ENDIF\n";
        assert_eq!(
            convert_bteq(src).text,
            "\\if :ACTIVITYCOUNT = 0\n  \\exit 1\n\\elseif :ACTIVITYCOUNT > 9\n  \\exit 2\n\\endif\n"
        );
    }

    #[test]
    fn block_form() {
        let src = ".IF ACTIVITYCOUNT = 0 THEN\n  SELECT 1;\n.ELSEIF ACTIVITYCOUNT > 10\n  .QUIT 4\n.ELSE\n  SELECT 2;\n.ENDIF\n";
        assert_eq!(
            convert_bteq(src).text,
            "\\if :ACTIVITYCOUNT = 0\n  SELECT 1;\n\\elseif :ACTIVITYCOUNT > 10\n  \\exit 4\n\\else\n  SELECT 2;\n\\endif\n"
        );
    }
}
