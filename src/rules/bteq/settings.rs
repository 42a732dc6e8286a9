//! BQ040–BQ043: `.SET ...` (and the same settings without `SET`: `.WIDTH 120`, `.maxerror 1`).

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::bteq::sqlstate;
use crate::rules::{Rule, RuleKind};
use crate::syntax::command::{ErrorCodes, parse_errorlevel};

pub const REPORT_SETTING: Rule = Rule {
    code: "BQ040",
    name: "report-setting",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`WIDTH`, `TITLEDASHES`, `FORMAT`, `HEADING`, `RTITLE`, `MAXERROR` become `\\rset` settings",
    doc: "RSQL's `\\rset` carries BTEQ's report and error-limit settings under the same names, \
except `FORMAT`, which is `rformat`. `SET` is optional in BTEQ, so `.WIDTH 120` converts like \
`.SET WIDTH 120`.\n\nBefore:\n```\n.SET WIDTH 65531\n.SET TITLEDASHES OFF\n.maxerror 1\n```\nAfter:\n\
```\n\\rset width 65531\n\\rset titledashes off\n\\rset maxerror 1\n```",
};

pub const ERRORLEVEL_SEVERITY: Rule = Rule {
    code: "BQ041",
    name: "errorlevel-severity",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`.SET ERRORLEVEL codes SEVERITY n` becomes `\\rset errorlevel <SQLSTATE> severity n` per code (approximate)",
    doc: "RSQL maps SQLSTATEs, not Teradata error numbers, to severities. Each code of the list \
becomes its own `\\rset` with the SQLSTATE of reference table §3.4 (`XX000` when none is known), \
flagged because Redshift reports many failures as `XX000`. `UNKNOWN` (every other code) has no \
RSQL form and is kept as an action item. Where the setting only tolerates a missing table before \
a DROP, `DROP TABLE IF EXISTS` is the better rewrite.\n\nBefore:\n```\n.errorlevel (3807,2652) \
severity 0\n```\nAfter:\n```\n-- rsqlmig: BQ041 Teradata codes mapped to SQLSTATEs (3807 -> 42P01, \
2652 -> XX000): check that Redshift raises them\n-- .errorlevel (3807,2652) severity 0\n\\rset \
errorlevel 42P01 severity 0\n\\rset errorlevel XX000 severity 0\n```",
};

pub const SETTING_DROPPED: Rule = Rule {
    code: "BQ042",
    name: "setting-dropped",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "Settings and commands with no effect in an RSQL job (QUIET, ECHOREQ, SESSION TRANSACTION BTET, SESSION CHARSET, SESSIONS, ERROROUT, DEFAULTS, SHOW, HELP) are dropped with a reason",
    doc: "These change nothing a Redshift job depends on: RSQL autocommits like BTET mode, \
sessions are UTF-8, one session runs the script, errors go to stderr (redirect in the shell), \
and the rest only change console output. Each is kept as a comment with the reason.\n\nBefore:\n\
```\n.SET SESSION TRANSACTION BTET;\n```\nAfter:\n```\n-- rsqlmig: BQ042 .SET SESSION TRANSACTION \
BTET dropped: RSQL commits each statement on its own, as BTET mode does\n-- .SET SESSION \
TRANSACTION BTET;\n```",
};

pub const SETTING_NO_EQUIVALENT: Rule = Rule {
    code: "BQ043",
    name: "setting-no-equivalent",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "Settings RSQL cannot reproduce (SEPARATOR, NULL, RECORDMODE, RETLIMIT, FOLDLINE, SIDETITLES, SESSION TRANSACTION ANSI, ...) become action items with a hint",
    doc: "Report layout, record mode, row limits and ANSI transaction mode change what a job \
writes or commits, so they are not dropped silently: each is kept as an action item that says \
what to use instead (`\\pset fieldsep`, `UNLOAD ... DELIMITER`, `LIMIT n`, explicit `BEGIN; ... \
COMMIT;`).\n\nBefore:\n```\n.SET SEPARATOR '|'\n```\nAfter:\n```\n-- rsqlmig: BQ043 .SET \
SEPARATOR has no RSQL counterpart: use \\pset fieldsep with \\pset format unaligned, or UNLOAD ... \
DELIMITER\n-- .SET SEPARATOR '|'\n```",
};

/// Setting names that may also be written as their own dot-command, without `SET`.
pub const SETTING_COMMANDS: &[&str] = &[
    "WIDTH",
    "TITLEDASHES",
    "FORMAT",
    "HEADING",
    "RTITLE",
    "MAXERROR",
    "ERRORLEVEL",
    "QUIET",
    "ECHOREQ",
    "SESSION",
    "SESSIONS",
    "ERROROUT",
    "DEFAULTS",
    "SEPARATOR",
    "NULL",
    "RECORDMODE",
    "INDICDATA",
    "RETLIMIT",
    "RETCANCEL",
    "RETRY",
    "FOLDLINE",
    "SIDETITLES",
    "SKIPLINE",
    "SKIPDOUBLE",
    "SUPPRESS",
    "UNDERLINE",
    "PAGELENGTH",
    "PAGEBREAK",
    "FOOTING",
    "FORMCHAR",
    "FULLYEAR",
    "OMIT",
    "REPORTALIGN",
    "TRAILINGLINES",
    "EXPORTEJECT",
    "DECIMALDIGITS",
    "LARGEDATAMODE",
    "AUTOKEYRETRIEVE",
    "TDP",
    "REPEATSTOP",
    "ERRORONDBSWARNING",
    "EXITONDELAY",
];

enum Handling {
    Rset(&'static str),
    ErrorLevel,
    Dropped(&'static str),
    NoEquivalent(&'static str),
    /// Not a BTEQ setting at all.
    Unknown,
}

fn handling(setting: &str, value: &str) -> Handling {
    let value = value.to_ascii_uppercase();
    match setting {
        "WIDTH" => Handling::Rset("width"),
        "TITLEDASHES" => Handling::Rset("titledashes"),
        "FORMAT" => Handling::Rset("rformat"),
        "HEADING" => Handling::Rset("heading"),
        "RTITLE" => Handling::Rset("rtitle"),
        "MAXERROR" => Handling::Rset("maxerror"),
        "ERRORLEVEL" if value == "ON" || value == "OFF" => {
            Handling::Dropped("RSQL maps error severities whenever \\rset errorlevel is used")
        }
        "ERRORLEVEL" => Handling::ErrorLevel,
        "TDP" => Handling::Dropped(
            "it picks the Teradata system; RSQL connects to the host on its command line",
        ),
        "QUIET" | "ECHOREQ" => Handling::Dropped(
            "it only changes what BTEQ echoes; RSQL writes results to the job log",
        ),
        "SESSION" if value.starts_with("TRANSACTION") && value.contains("ANSI") => {
            Handling::NoEquivalent(
                "RSQL commits each statement on its own; wrap each unit of work in BEGIN; ... COMMIT;",
            )
        }
        "SESSION" if value.starts_with("TRANSACTION") => {
            Handling::Dropped("RSQL commits each statement on its own, as BTET mode does")
        }
        "SESSION" if value.starts_with("CHARSET") => {
            Handling::Dropped("Redshift sessions are UTF-8")
        }
        "SESSION" => Handling::Dropped("Redshift has no such session option"),
        "SESSIONS" => Handling::Dropped("RSQL runs the script in one session"),
        "ERROROUT" => {
            Handling::Dropped("RSQL writes errors to stderr; redirect it in the shell (2>&1)")
        }
        "DEFAULTS" => Handling::Dropped("RSQL starts with its default formatting"),
        "SEPARATOR" => Handling::NoEquivalent(
            "use \\pset fieldsep with \\pset format unaligned, or UNLOAD ... DELIMITER",
        ),
        "NULL" => Handling::NoEquivalent("use \\pset null, or NVL() in the query"),
        "RECORDMODE" | "INDICDATA" => {
            Handling::NoEquivalent("binary record output: write the data with UNLOAD to S3")
        }
        "RETLIMIT" | "RETCANCEL" => {
            Handling::NoEquivalent("limit the rows in the query itself (LIMIT n)")
        }
        "ERRORONDBSWARNING" => {
            Handling::NoEquivalent("test :ERRORCODE after the statements that may warn")
        }
        "EXITONDELAY" => Handling::NoEquivalent("set statement_timeout in the session"),
        "RETRY" | "REPEATSTOP" => {
            Handling::NoEquivalent("RSQL does not retry requests; retry in the orchestration")
        }
        "FOLDLINE" | "SIDETITLES" | "SKIPLINE" | "SKIPDOUBLE" | "SUPPRESS" | "UNDERLINE"
        | "PAGELENGTH" | "PAGEBREAK" | "FOOTING" | "FORMCHAR" | "FULLYEAR" | "OMIT"
        | "REPORTALIGN" | "TRAILINGLINES" | "EXPORTEJECT" => Handling::NoEquivalent(
            "report formatting RSQL cannot reproduce; check the report output",
        ),
        name if SETTING_COMMANDS.contains(&name) => {
            Handling::NoEquivalent("RSQL has no such setting; check the output it affected")
        }
        _ => Handling::Unknown,
    }
}

pub fn setting(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let (name, value) = if cmd.name == "SET" {
        let mut parts = cmd.args.splitn(2, char::is_whitespace);
        let name = parts.next().unwrap_or("").to_ascii_uppercase();
        (name, parts.next().unwrap_or("").trim())
    } else {
        (cmd.name.to_string(), cmd.args)
    };
    let shown = cmd
        .text(cx.src)
        .trim_end_matches(';')
        .trim_end()
        .to_string();
    match handling(&name, value) {
        Handling::Rset(rsql) => {
            let value = if value.eq_ignore_ascii_case("on") || value.eq_ignore_ascii_case("off") {
                value.to_ascii_lowercase()
            } else {
                value.to_string()
            };
            Output::Lines(vec![
                format!("\\rset {rsql} {value}").trim_end().to_string(),
            ])
        }
        Handling::ErrorLevel => errorlevel(cx, cmd, value, &shown),
        Handling::Dropped(reason) => Output::Lines(cx.action_item(
            SETTING_DROPPED.code,
            Severity::Info,
            cmd.span,
            format!("{shown} dropped: {reason}"),
        )),
        Handling::Unknown => crate::rules::bteq::unsupported::command(cx, cmd),
        Handling::NoEquivalent(hint) => Output::Lines(cx.action_item(
            SETTING_NO_EQUIVALENT.code,
            Severity::Warning,
            cmd.span,
            format!("{shown} has no RSQL counterpart: {hint}"),
        )),
    }
}

fn errorlevel(cx: &mut ConvertContext, cmd: &Command, value: &str, shown: &str) -> Output {
    match parse_errorlevel(value) {
        Some((ErrorCodes::List(codes), severity)) => {
            let mapped: Vec<(u64, &str)> = codes
                .iter()
                .map(|&c| {
                    (
                        c,
                        sqlstate::for_teradata_code(c).unwrap_or(sqlstate::INTERNAL_ERROR),
                    )
                })
                .collect();
            let listing = mapped
                .iter()
                .map(|(c, s)| format!("{c} -> {s}"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut lines = cx.action_item(
                ERRORLEVEL_SEVERITY.code,
                Severity::Warning,
                cmd.span,
                format!("Teradata codes mapped to SQLSTATEs ({listing}): check that Redshift raises them"),
            );
            let mut states: Vec<&str> = mapped.iter().map(|(_, s)| *s).collect();
            states.dedup();
            lines.extend(
                states
                    .iter()
                    .map(|s| format!("\\rset errorlevel {s} severity {severity}")),
            );
            Output::Lines(lines)
        }
        Some((ErrorCodes::Unknown, _)) | None => Output::Lines(cx.action_item(
            ERRORLEVEL_SEVERITY.code,
            Severity::Warning,
            cmd.span,
            format!("{shown} has no RSQL counterpart: RSQL maps one SQLSTATE at a time"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    #[test]
    fn report_settings_become_rset() {
        let out = convert_bteq(
            ".SET WIDTH 65531\n.width 1048575;\n.SET TITLEDASHES OFF\n.Set Format On\n.SET HEADING 'Daily report'\n.SET RTITLE 'A//B'\n.SET MAXERROR 7\n.maxerror 1\n",
        );
        assert_eq!(
            out.text,
            "\\rset width 65531\n\\rset width 1048575\n\\rset titledashes off\n\\rset rformat on\n\\rset heading 'Daily report'\n\\rset rtitle 'A//B'\n\\rset maxerror 7\n\\rset maxerror 1\n"
        );
        assert!(out.diagnostics.is_empty());
    }

    #[test]
    fn errorlevel_lists_map_each_code() {
        let out = convert_bteq(".errorlevel (3807,2652) severity 0\n");
        assert!(
            out.text.ends_with(
                "\\rset errorlevel 42P01 severity 0\n\\rset errorlevel XX000 severity 0\n"
            ),
            "{}",
            out.text
        );
        assert_eq!(out.diagnostics[0].code, "BQ041");
        let out = convert_bteq(".SET ERRORLEVEL UNKNOWN SEVERITY 8\n");
        assert!(!out.text.contains("\\rset"), "{}", out.text);
    }

    #[test]
    fn dropped_and_unsupported_settings_keep_the_original() {
        let out = convert_bteq(".SET SESSION TRANSACTION BTET;\n.QUIET OFF\n");
        assert!(
            out.text
                .contains("-- rsqlmig: BQ042 .SET SESSION TRANSACTION BTET dropped")
        );
        assert!(out.text.contains("-- .QUIET OFF"));
        assert!(out.diagnostics.iter().all(|d| !d.is_action_item()));
        let out = convert_bteq(
            ".SET SEPARATOR '|'\n.SET SESSION TRANSACTION ANSI\n.SET FOLDLINE ON ALL\n",
        );
        assert_eq!(
            out.diagnostics.iter().filter(|d| d.code == "BQ043").count(),
            3
        );
        assert!(out.text.contains("-- .SET SEPARATOR '|'"));
    }
}
