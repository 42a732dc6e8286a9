//! BQ001–BQ003: connection commands leave the script.
//!
//! RSQL connects on its command line (`rsql -h $HOST -U $USER -d $DB`, password in `RSPASSWORD`)
//! or, in the orchestration framework, through `get_redshift_creds.sh`. A password must never be
//! copied into the converted script, a report or a log.

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};
use crate::syntax::command::parse_file_spec;

pub const LOGON_REMOVED: Rule = Rule {
    code: "BQ001",
    name: "logon-removed",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.LOGON`, `.LOGMECH` and `.LOGDATA` are removed; RSQL connects on its command line",
    doc: "BTEQ opens its session inside the script; RSQL opens it from the command line or a DSN \
(`rsql -h $HOST -U $USER -d $DB`, password from `RSPASSWORD`), and framework jobs get those \
variables from `get_redshift_creds.sh`. The command is replaced by a comment that keeps the \
host and user but never the password.\n\nBefore:\n```\n.LOGON tdprod/etl_user,Secr3t!;\n```\nAfter:\n```\n\
-- rsqlmig: BQ001 .LOGON removed: RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)\n\
-- .LOGON tdprod/etl_user,********;\n```",
};

pub const LOGON_FILE_REMOVED: Rule = Rule {
    code: "BQ002",
    name: "logon-file-removed",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.RUN FILE` that includes a logon file is removed like `.LOGON`",
    doc: "Most production scripts keep the logon in a separate file and include it with `.RUN \
FILE`. A `.RUN` is taken as a logon include when its file name mentions a logon, wallet, vault, \
password or credential, or is an `.mlbt` file, or when it comes before any SQL in a script that \
has no `.LOGON` of its own. It is removed with a comment, like `.LOGON`.\n\nBefore:\n```\n\
.run file $LOGON/${LOGON_ID};\n```\nAfter:\n```\n-- rsqlmig: BQ002 logon file include removed: \
RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)\n-- .run file \
$LOGON/${LOGON_ID};\n```",
};

pub const LOGOFF_DROPPED: Rule = Rule {
    code: "BQ003",
    name: "logoff-dropped",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.LOGOFF` is dropped: RSQL closes the session when the script ends",
    doc: "`.LOGOFF` ends the session but not BTEQ. RSQL keeps one session for the whole script \
and closes it at `\\exit` or end of input, so the command has no counterpart. It is kept as a \
comment.\n\nBefore:\n```\n.LOGOFF\n```\nAfter:\n```\n-- rsqlmig: BQ003 .LOGOFF dropped: RSQL \
closes the session when the script ends\n-- .LOGOFF\n```",
};

/// No `$` in it: the message lands in heredoc bodies the shell expands.
const CONNECT_HINT: &str =
    "RSQL connects on its command line (rsql -h, -U, -d; password from RSPASSWORD)";

pub fn logon(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let message = format!("{} removed: {CONNECT_HINT}", display_name(cmd));
    Output::Lines(cx.action_item(LOGON_REMOVED.code, Severity::Info, cmd.span, message))
}

pub fn logoff(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let message = format!(
        "{} dropped: RSQL closes the session when the script ends",
        display_name(cmd)
    );
    Output::Lines(cx.action_item(LOGOFF_DROPPED.code, Severity::Info, cmd.span, message))
}

/// Converts a `.RUN FILE` that includes a logon file; `None` when it is an ordinary include.
pub fn logon_include(
    cx: &mut ConvertContext,
    cmd: &Command,
    before_any_sql: bool,
    script_has_logon: bool,
) -> Option<Output> {
    let spec = parse_file_spec(cmd.args)?;
    let name = spec.name.to_ascii_lowercase();
    let named_like_logon = ["logon", "wallet", "vault", "passw", "cred", ".mlbt"]
        .iter()
        .any(|hint| name.contains(hint));
    if !(named_like_logon || (before_any_sql && !script_has_logon)) {
        return None;
    }
    let message = format!("logon file include removed: {CONNECT_HINT}");
    Some(Output::Lines(cx.action_item(
        LOGON_FILE_REMOVED.code,
        Severity::Info,
        cmd.span,
        message,
    )))
}

fn display_name(cmd: &Command) -> String {
    if cmd.dotless {
        cmd.name.to_string()
    } else {
        format!(".{}", cmd.name)
    }
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    #[test]
    fn logon_is_removed_without_its_password() {
        let out = convert_bteq(".LOGON tdprod/etl_user,Secr3t!;\nSELECT 1;\n");
        assert!(!out.text.contains("Secr3t!"), "{}", out.text);
        assert!(out.text.contains("-- .LOGON tdprod/etl_user,********;"));
        assert!(out.text.starts_with("-- rsqlmig: BQ001 .LOGON removed"));
        assert!(
            out.diagnostics
                .iter()
                .all(|d| !d.message.contains("Secr3t!"))
        );
    }

    #[test]
    fn dotless_logon_logmech_and_logdata() {
        let out =
            convert_bteq("LOGON ${LOGONDB};\n.LOGMECH LDAP;\n.LOGDATA 'authcid=u password=p';\n");
        assert!(out.text.contains("-- rsqlmig: BQ001 LOGON removed"));
        assert!(out.text.contains("-- rsqlmig: BQ001 .LOGMECH removed"));
        assert!(!out.text.contains("password=p"), "{}", out.text);
    }

    #[test]
    fn logon_includes_are_recognised() {
        for line in [
            ".RUN FILE=%%BTEQ_LOGON_SCRIPT%%",
            ".run file $LOGON/${LOGON_ID};",
            ".RUN FILE = E:\\dir\\logon.txt;",
            ".RUN FILE $LOGONDIR/HDW_AC;",
        ] {
            let out = convert_bteq(&format!("{line}\nSELECT 1;\n"));
            assert!(out.text.contains("BQ002"), "{line}: {}", out.text);
        }
        let out = convert_bteq(".LOGON a/b,c;\nSELECT 1;\n.RUN FILE=common_steps.btq\n");
        assert!(
            out.text.contains("\\run file=common_steps.btq"),
            "{}",
            out.text
        );
    }

    #[test]
    fn logoff_is_dropped_with_a_comment() {
        let out = convert_bteq("SELECT 1;\n.LOGOFF\n.QUIT 0\n");
        assert!(out.text.contains("-- rsqlmig: BQ003 .LOGOFF dropped"));
        assert!(out.text.contains("-- .LOGOFF\n\\exit 0"));
    }
}
