//! BQ001–BQ004: connection commands leave the script, and no password reaches the output.
//!
//! RSQL connects on its command line (`rsql -h $HOST -U $USER -d $DB`, password in `RSPASSWORD`)
//! or, in the orchestration framework, through `get_redshift_creds.sh`. A password must never be
//! copied into the converted script, a report or a log.

use crate::convert::context::{Command, ConvertContext, Output, logon_line_secrets, mask};
use crate::diagnostic::{Diagnostic, Edit, Severity};
use crate::rules::lint::security::is_literal;
use crate::rules::{Rule, RuleKind};
use crate::syntax::command::parse_file_spec;
use crate::syntax::lexer::{Mode, tokenize};
use crate::syntax::script::InstructionKind;
use crate::syntax::span::Span;

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
comment. An `.IF ERRORCODE …` (or `ERRORLEVEL`, `ACTIVITYCOUNT`) test right after it read the \
logoff's outcome, always a success; it now reads the request before, which may fail the job \
where BTEQ went on: that test gets a warning.\n\nBefore:\n```\n.LOGOFF\n```\nAfter:\n```\n-- rsqlmig: BQ003 .LOGOFF dropped: RSQL \
closes the session when the script ends\n-- .LOGOFF\n```",
};

pub const SHELL_PASSWORD_MASKED: Rule = Rule {
    code: "BQ004",
    name: "shell-password-masked",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "A literal password on a logon line of the shell text around the BTEQ is masked",
    doc: "A shell script can hold logon lines outside its BTEQ heredocs: a logon file written at \
run time (`cat > logon.btq <<EOF`), an old inline logon. The output never holds a password, so a \
literal one there is replaced by `********` and that line no longer logs on: take the password \
from the environment or a vault instead. A password given as an expansion (`${TD_PASS}`, \
`$(vault read)`) is no secret and is what makes the line work: it is kept.\n\nBefore:\n```\n\
cat > $TMP/logon.btq <<EOF\n.LOGON tdprod/etl_user,Secr3t!;\nEOF\n```\nAfter:\n```\n\
cat > $TMP/logon.btq <<EOF\n.LOGON tdprod/etl_user,********;\nEOF\n```\n\
`warning BQ004: literal password masked in shell text: this logon no longer works; take the \
password from the environment`",
};

/// Masks the literal passwords of the logon lines in a shell script's own text, outside the
/// BTEQ `bodies` that were converted; returns the edits and reports each one.
pub fn mask_shell_logons(
    src: &str,
    bodies: &[Span],
    secrets: &mut Vec<Span>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut tokens = None;
    for secret in logon_line_secrets(src) {
        let converted = bodies
            .iter()
            .any(|b| b.start <= secret.start && secret.end <= b.end);
        if converted || !is_literal(secret.text(src)) {
            continue;
        }
        // The shell text is read as BTEQ would read it, as the masks of the bodies are.
        let tokens = tokens.get_or_insert_with(|| tokenize(src.as_bytes(), Mode::BteqSql));
        edits.push(Edit::replace(secret, mask(tokens, src, secret)));
        secrets.push(secret);
        diagnostics.push(Diagnostic::new(
            SHELL_PASSWORD_MASKED.code,
            Severity::Warning,
            secret,
            "literal password masked in shell text: this logon no longer works; take the password from the environment",
        ));
    }
    edits
}

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
    if let Some(test) = outcome_test_after(cx, cmd.span) {
        cx.report(
            LOGOFF_DROPPED.code,
            Severity::Warning,
            test,
            "this test read the outcome of .LOGOFF (always success in BTEQ); with .LOGOFF dropped it reads the request before it: check that failing there is meant",
        );
    }
    Output::Lines(cx.action_item(LOGOFF_DROPPED.code, Severity::Info, cmd.span, message))
}

/// The `.IF` right after the command at `span` when it tests `ERRORCODE`, `ERRORLEVEL` or
/// `ACTIVITYCOUNT`: its first line.
fn outcome_test_after(cx: &ConvertContext, span: Span) -> Option<Span> {
    let instrs = &cx.script.instructions;
    let at = instrs.partition_point(|i| i.span.start <= span.start);
    let next = instrs[at..]
        .iter()
        .find(|i| !matches!(i.kind, InstructionKind::Trivia | InstructionKind::Comment))?;
    let text = next.span.text(cx.src);
    let line = text.lines().next().unwrap_or("").trim_end();
    let is_test = next.kind == InstructionKind::DotCommand
        && line.get(..3).is_some_and(|w| w.eq_ignore_ascii_case(".IF"))
        && super::if_block::reads_outcome(line);
    is_test.then(|| {
        Span::new(
            next.span.start as usize,
            next.span.start as usize + line.len(),
        )
    })
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
    use super::*;
    use crate::convert::script::convert_bteq;

    #[test]
    fn shell_text_keeps_expanded_passwords_and_masks_literal_ones() {
        let src = "cat > l1 <<E\n.LOGON ${TDPID}/${USER},${TD_PASS};\nE\n\
                   cat > l2 <<E\n.LOGON h/u,$(vault read td);\nE\n\
                   cat > l3 <<E\n.LOGON h/u,Secr3t!;\nE\n\
                   bteq <<E\n.LOGON h/u,Body5ecret;\nE\n";
        let body_start = src.rfind(".LOGON").unwrap();
        let bodies = [Span::new(body_start, src.len() - 2)];
        let (mut secrets, mut diagnostics) = (Vec::new(), Vec::new());
        let edits = mask_shell_logons(src, &bodies, &mut secrets, &mut diagnostics);
        assert_eq!(edits.len(), 1, "{edits:?}");
        assert_eq!(secrets.len(), 1);
        assert_eq!(secrets[0].text(src), "Secr3t!");
        assert_eq!(edits[0].span, secrets[0]);
        assert_eq!(edits[0].replacement, "********");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "BQ004");
        assert_eq!(diagnostics[0].severity, Severity::Warning);
        assert!(!diagnostics[0].message.contains("Secr3t"));
    }

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
        let out = convert_bteq("UPDATE t SET a = 1;\n.LOGOFF\n.IF ERRORCODE <> 0 THEN .QUIT 8\n");
        let test = out
            .diagnostics
            .iter()
            .find(|d| d.code == "BQ003" && d.severity == Severity::Warning)
            .expect("the test after .LOGOFF is reported");
        assert_eq!(test.span.start, 28);
        let out = convert_bteq("SELECT 1;\n.LOGOFF\n.QUIT 0\n");
        assert!(out.diagnostics.iter().all(|d| d.severity == Severity::Info));
        assert!(out.text.contains("-- rsqlmig: BQ003 .LOGOFF dropped"));
        assert!(out.text.contains("-- .LOGOFF\n\\exit 0"));
    }
}
