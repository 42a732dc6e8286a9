//! BQ010–BQ012: `.QUIT` / `.EXIT` become `\exit`, keeping every exit code a scheduler reads.

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};
use crate::syntax::command::{CmpOp, Condition, ExitArg, StatusVar, parse_exit_arg};

pub const EXIT_CODE: Rule = Rule {
    code: "BQ010",
    name: "quit-exit-code",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.QUIT n` / `.EXIT n` (and dotless `QUIT n;`) become `\\exit n` with the same code",
    doc: "Schedulers act on a job's exit code (0, 1, 2 for a re-poll, 4, 8, 12, 99, 100, 101...), \
so a numeric code is kept exactly. The trailing `;` is dropped: RSQL meta-commands end at the end \
of the line.\n\nBefore:\n```\n.IF ERRORCODE <> 0 THEN .QUIT 101;\n```\nAfter:\n```\n\\if :ERROR \
<> 0\n  \\exit 101\n\\endif\n```",
};

pub const STATUS_EXIT: Rule = Rule {
    code: "BQ011",
    name: "quit-status-code",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`.QUIT ERRORCODE`, `.QUIT ERRORLEVEL` and bare `.QUIT` exit 8 after a failed statement, else 0",
    doc: "BTEQ can exit with the last Teradata error code, or with the highest severity seen \
(ERRORLEVEL, also what a bare `.QUIT` returns). RSQL has neither number: `:ERRORCODE` is a \
SQLSTATE string and no severity is readable. The conversion exits 8 (BTEQ's severity for a \
failed request) when the last statement failed and 0 otherwise. Inside an `.IF` that already \
tested ERRORCODE the outcome is known and a single `\\exit` is written (reported as info); \
elsewhere the approximation is flagged.\n\nBefore:\n```\n.LABEL ERRORS\n.QUIT ERRORCODE\n```\n\
After:\n```\n\\label ERRORS\n-- rsqlmig: BQ011 .QUIT ERRORCODE: RSQL cannot return the Teradata \
code; exits 8 if the last statement failed, else 0\n-- .QUIT ERRORCODE\n\\if :ERROR <> 0\n  \\exit \
8\n\\else\n  \\exit 0\n\\endif\n```",
};

pub const UNSUPPORTED_STATUS_EXIT: Rule = Rule {
    code: "BQ012",
    name: "quit-unsupported-status",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`.QUIT ACTIVITYCOUNT|WARNINGCODE|...` has no RSQL counterpart: kept as an action item before a plain `\\exit`",
    doc: "Status values other than ERRORCODE and ERRORLEVEL cannot be an RSQL exit code. The \
script still stops there (`\\exit`, code 0), and the original is kept as an action item so the \
intended code can be rebuilt, e.g. with `\\if :ACTIVITYCOUNT = 0`.\n\nBefore:\n```\n.QUIT \
ACTIVITYCOUNT\n```\nAfter:\n```\n-- rsqlmig: BQ012 .QUIT ACTIVITYCOUNT has no RSQL counterpart; \
exits 0\n-- .QUIT ACTIVITYCOUNT\n\\exit\n```",
};

/// The exit code written for a failed run when BTEQ would have exited with a status value.
pub const FAILURE_EXIT_CODE: u64 = 8;

pub fn quit(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let shown = if cmd.dotless {
        cmd.name.to_string()
    } else {
        format!(".{}", cmd.name)
    };
    match parse_exit_arg(cmd.args) {
        Some(ExitArg::Code(n)) => Output::Lines(vec![format!("\\exit {n}")]),
        Some(ExitArg::Default | ExitArg::Status(StatusVar::ErrorCode | StatusVar::ErrorLevel)) => {
            let what = if cmd.args.is_empty() {
                format!("{shown} without a code (BTEQ returns the highest severity)")
            } else {
                format!("{shown} {}", cmd.args.to_ascii_uppercase())
            };
            if let Some(failed) = cx
                .enclosing_condition
                .as_ref()
                .and_then(last_statement_failed)
            {
                let code = if failed { FAILURE_EXIT_CODE } else { 0 };
                cx.report(
                    STATUS_EXIT.code,
                    Severity::Info,
                    cmd.span,
                    format!("{what} exits {code}: RSQL cannot return the Teradata value"),
                );
                return Output::Lines(vec![format!("\\exit {code}")]);
            }
            let mut lines = cx.action_item(
                STATUS_EXIT.code,
                Severity::Warning,
                cmd.span,
                format!(
                    "{what}: RSQL cannot return the Teradata value; exits {FAILURE_EXIT_CODE} if the last statement failed, else 0"
                ),
            );
            lines.extend([
                "\\if :ERROR <> 0".to_string(),
                format!("  \\exit {FAILURE_EXIT_CODE}"),
                "\\else".to_string(),
                "  \\exit 0".to_string(),
                "\\endif".to_string(),
            ]);
            Output::Lines(lines)
        }
        Some(ExitArg::Status(StatusVar::Other(_) | StatusVar::ActivityCount)) | None => {
            let mut lines = cx.action_item(
                UNSUPPORTED_STATUS_EXIT.code,
                Severity::Warning,
                cmd.span,
                format!("{shown} {} has no RSQL counterpart; exits 0", cmd.args),
            );
            lines.push("\\exit".to_string());
            Output::Lines(lines)
        }
    }
}

/// Whether `.QUIT`/`.EXIT` with `args`, as the action of a test of `enclosing`, becomes an
/// `\exit` with a fixed code (a number, or a status the test settles) rather than one that
/// reads the last statement's outcome.
pub fn is_fixed_exit(args: &str, enclosing: Option<&Condition>) -> bool {
    match parse_exit_arg(args) {
        Some(ExitArg::Code(_)) => true,
        Some(ExitArg::Default | ExitArg::Status(StatusVar::ErrorCode | StatusVar::ErrorLevel)) => {
            enclosing.and_then(last_statement_failed).is_some()
        }
        _ => false,
    }
}

/// Whether an `.IF` condition settles that the last statement failed (`Some(true)`) or
/// succeeded (`Some(false)`).
fn last_statement_failed(cond: &Condition) -> Option<bool> {
    match cond {
        Condition::Compare {
            var: StatusVar::ErrorCode | StatusVar::ErrorLevel,
            op,
            value,
        } => match (op, value) {
            (CmpOp::Ne | CmpOp::Gt, 0) => Some(true),
            (CmpOp::Eq, 0) => Some(false),
            (CmpOp::Eq, _) => Some(true),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    #[test]
    fn numeric_codes_are_kept_exactly() {
        for code in [0, 1, 2, 4, 8, 12, 99, 100, 101] {
            let out = convert_bteq(&format!(".QUIT {code};\n"));
            assert_eq!(out.text, format!("\\exit {code}\n"));
            let out = convert_bteq(&format!(".exit {code}\n"));
            assert_eq!(out.text, format!("\\exit {code}\n"));
        }
        assert_eq!(convert_bteq("QUIT 8;\n").text, "\\exit 8\n");
    }

    #[test]
    fn quit_errorcode_after_label_is_flagged_branch() {
        let out = convert_bteq(".LABEL ERRORS\n.QUIT ERRORCODE\n");
        assert!(
            out.text.contains(
                "-- .QUIT ERRORCODE\n\\if :ERROR <> 0\n  \\exit 8\n\\else\n  \\exit 0\n\\endif\n"
            ),
            "{}",
            out.text
        );
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.code == "BQ011" && d.is_action_item())
        );
    }

    #[test]
    fn quit_errorcode_inside_error_test_is_a_plain_exit() {
        let out = convert_bteq(".IF ERRORCODE <> 0 THEN .QUIT ERRORCODE;\n");
        assert_eq!(out.text, "\\if :ERROR <> 0\n  \\exit 8\n\\endif\n");
        assert!(out.diagnostics.iter().all(|d| !d.is_action_item()));
    }

    #[test]
    fn bare_quit_is_flagged() {
        let out = convert_bteq(".QUIT\n");
        assert!(out.text.contains("\\if :ERROR <> 0"));
        assert_eq!(out.diagnostics[0].code, "BQ011");
    }

    #[test]
    fn unsupported_status_still_exits() {
        let out = convert_bteq(".QUIT ACTIVITYCOUNT\n");
        assert!(
            out.text.ends_with("-- .QUIT ACTIVITYCOUNT\n\\exit\n"),
            "{}",
            out.text
        );
        assert_eq!(out.diagnostics[0].code, "BQ012");
    }
}
