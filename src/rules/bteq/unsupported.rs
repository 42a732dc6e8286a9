//! BQ070, BQ071, BQ090: commands and scripts that are not converted.

use crate::convert::context::{Command, ConvertContext, Output, ParsedScript};
use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};
use crate::syntax::script::InstructionKind;
use crate::syntax::span::Span;
use crate::text::Upper;

pub const NO_EQUIVALENT: Rule = Rule {
    code: "BQ070",
    name: "command-no-equivalent",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "BTEQ commands with no RSQL counterpart (`.COMPILE`, `.TSO`, `.ECHO`, `=` re-submit, ...) are kept as action items",
    doc: "The command is commented out with the original text so the intent can be rebuilt by \
hand (a `.COMPILE`d stored procedure must be converted to PL/pgSQL and created with `\\i`).\n\n\
Before:\n```\n.COMPILE FILE=proc.spl\n```\nAfter:\n```\n-- rsqlmig: BQ070 .COMPILE has no RSQL \
counterpart\n-- .COMPILE FILE=proc.spl\n```",
};

pub const UNKNOWN_COMMAND: Rule = Rule {
    code: "BQ071",
    name: "unknown-command",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "A dot-command BTEQ does not know (often a typo'd label) is kept as an action item",
    doc: "Production scripts contain stray lines such as `.ASSIGN_UNIQUE_COUPONS;`; BTEQ \
rejects them at run time. They are commented out and reported, never dropped.\n\nBefore:\n```\n\
.ASSIGN_UNIQUE_COUPONS;\n```\nAfter:\n```\n-- rsqlmig: BQ071 unknown BTEQ command: \
.ASSIGN_UNIQUE_COUPONS\n-- .ASSIGN_UNIQUE_COUPONS;\n```",
};

pub const UTILITY_SCRIPT: Rule = Rule {
    code: "BQ090",
    name: "teradata-utility-script",
    kind: RuleKind::Convert,
    severity: Severity::Error,
    summary: "FastLoad, MultiLoad, FastExport and TPT scripts are refused, never half-converted",
    doc: "These utilities share BTEQ's dot syntax (`.LOGON`, `.SET`) but load or export in \
bulk; their RSQL replacement is a redesign around `COPY` and `UNLOAD` with S3. A file with \
their markers (`.BEGIN LOADING`, `.BEGIN [IMPORT] MLOAD`, `.BEGIN EXPORT`, `.LOGTABLE`, \
`.LAYOUT`, `.DML LABEL`, `DEFINE JOB`, or a heredoc fed to `fastload`, `mload`, `fexp`, \
`tbuild`, `tpump`) is reported and no output is written.\n\nBefore:\n```\n.LOGTABLE \
wrk.acct_log;\n.BEGIN IMPORT MLOAD TABLES stg.acct;\n```\nAfter: (no output) `error BQ090: \
MultiLoad script (.BEGIN IMPORT MLOAD): not converted; rebuild the load with COPY from S3`",
};

/// Commands that exist in BTEQ but have no RSQL form.
/// `=` re-submits the previous request.
const KNOWN_WITHOUT_EQUIVALENT: &[&str] = &["COMPILE", "TSO", "ECHO", "ABORT", "MESSAGEOUT", "="];

pub fn command(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let shown = cmd
        .text(cx.src)
        .trim_end_matches(';')
        .trim_end()
        .to_string();
    if KNOWN_WITHOUT_EQUIVALENT.contains(&&*cmd.name) {
        Output::Lines(cx.action_item(
            NO_EQUIVALENT.code,
            Severity::Warning,
            cmd.span,
            format!("{shown} has no RSQL counterpart"),
        ))
    } else {
        Output::Lines(cx.action_item(
            UNKNOWN_COMMAND.code,
            Severity::Warning,
            cmd.span,
            format!("unknown BTEQ command: {shown}"),
        ))
    }
}

/// The first marker of a FastLoad, MultiLoad, FastExport or TPT script: (span, description).
pub fn utility_marker(src: &str, parsed: &ParsedScript) -> Option<(Span, String)> {
    let script = &parsed.script;
    for (instr, command) in script.instructions.iter().zip(&parsed.commands) {
        let tool = match instr.kind {
            InstructionKind::DotCommand => {
                let Some(cmd) = command else {
                    continue;
                };
                // Upper-cased without allocating: every word compared here is short.
                let mut args = cmd.args.split_whitespace().map(Upper::of);
                let first_arg = args.next().unwrap_or(Upper::of(""));
                let second_arg = args.next().unwrap_or(Upper::of(""));
                match (&*cmd.name, first_arg.as_str()) {
                    ("BEGIN" | "END", "LOADING") | ("ERRLIMIT", _) => "FastLoad",
                    ("BEGIN", "IMPORT") if second_arg.as_str() == "MLOAD" => "MultiLoad",
                    ("BEGIN" | "END", "MLOAD") | ("LAYOUT" | "DML", _) => "MultiLoad",
                    ("BEGIN" | "END", "EXPORT") => "FastExport",
                    ("LOGTABLE", _) => "MultiLoad or FastExport",
                    _ => continue,
                }
            }
            InstructionKind::Sql => {
                let mut words = script.significant(instr).map(|t| t.span.text(src));
                if words
                    .next()
                    .is_some_and(|w| w.eq_ignore_ascii_case("DEFINE"))
                    && words.next().is_some_and(|w| w.eq_ignore_ascii_case("JOB"))
                {
                    "Teradata Parallel Transporter (TPT)"
                } else {
                    continue;
                }
            }
            _ => continue,
        };
        let first_line = instr.span.text(src).lines().next().unwrap_or("").trim_end();
        return Some((instr.span, format!("{tool} script ({first_line})")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::script::convert_bteq;

    #[test]
    fn stray_and_unsupported_commands_are_kept() {
        let out =
            convert_bteq(".ASSIGN_UNIQUE_COUPONS;\n.COMPILE FILE=p.spl\n.SET NOSUCH 1\n= 2\n");
        assert!(out.text.contains("-- .ASSIGN_UNIQUE_COUPONS;"));
        let codes: Vec<_> = out.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec!["BQ071", "BQ070", "BQ071", "BQ070"]);
    }

    #[test]
    fn utility_markers_are_found() {
        for (src, tool) in [
            (
                ".LOGON a/b,c;\n.BEGIN LOADING stg.t ERRORFILES e1, e2;\n",
                "FastLoad",
            ),
            (".BEGIN IMPORT MLOAD TABLES t;\n", "MultiLoad"),
            (
                ".LOGTABLE w.l;\n.BEGIN EXPORT SESSIONS 4;\n",
                "MultiLoad or FastExport",
            ),
            ("DEFINE JOB load_sales\n(\n);\n", "TPT"),
        ] {
            let (_, what) = utility_marker(src, &ParsedScript::new(src)).expect(src);
            assert!(what.contains(tool), "{what}");
        }
        let src = ".LOGON a/b,c;\nSELECT 1;\n";
        assert!(utility_marker(src, &ParsedScript::new(src)).is_none());
    }
}
