//! BQ050–BQ051: `.EXPORT` becomes `\export report` or an UNLOAD action item.

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};
use crate::syntax::command::parse_file_spec;

pub const EXPORT_REPORT: Rule = Rule {
    code: "BQ050",
    name: "export-report",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.EXPORT [REPORT] FILE=f` ... `.EXPORT RESET` become `\\export report file=f` ... `\\export reset`",
    doc: "RSQL's `\\export report` writes query results to a file as BTEQ's report mode does \
(no mode keyword also means REPORT). The file name is kept as written, shell placeholders \
included. `LIMIT=`, `OPEN` and `CLOSE` options have no RSQL form and are flagged.\n\nBefore:\n\
```\n.EXPORT FILE = /data/out/y.csv;\nSELECT ...;\n.EXPORT RESET\n```\nAfter:\n```\n\\export report \
file=/data/out/y.csv\nSELECT ...;\n\\export reset\n```",
};

pub const EXPORT_DATA: Rule = Rule {
    code: "BQ051",
    name: "export-data",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`.EXPORT DATA|INDICDATA|DIF` has no RSQL counterpart: action item to UNLOAD to S3",
    doc: "Record-mode exports write Teradata's binary layout, which nothing in RSQL produces. \
The command is kept as an action item that names the replacement: `UNLOAD ('select ...') TO \
's3://...' IAM_ROLE ...` (or `\\o file` with `\\pset format unaligned` for text). The matching \
`.EXPORT RESET` is commented out with it. A job that hands the file to another job needs the \
hand-off moved to S3 too.\n\nBefore:\n```\n.EXPORT DATA FILE=/sched/BTCH_KEY.txt\nSELECT ...;\n\
.EXPORT RESET\n```\nAfter:\n```\n-- rsqlmig: BQ051 .EXPORT DATA has no RSQL counterpart: write \
the rows with UNLOAD ('select ...') TO 's3://...' IAM_ROLE ...\n-- .EXPORT DATA FILE=/sched/BTCH_KEY.txt\n\
SELECT ...;\n-- rsqlmig: BQ051 .EXPORT RESET ends the DATA export above\n-- .EXPORT RESET\n```",
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Report,
    /// DATA, INDICDATA or DIF: not converted.
    Data,
}

pub fn export(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let mut words = cmd.args.split_whitespace();
    let mode = words.next().unwrap_or("").to_ascii_uppercase();
    let mode = mode.split('=').next().unwrap_or("");
    match mode {
        "RESET" => reset(cx, cmd),
        "DATA" | "INDICDATA" | "DIF" => {
            cx.export_active = Some(ExportKind::Data);
            Output::Lines(cx.action_item(
                EXPORT_DATA.code,
                Severity::Warning,
                cmd.span,
                format!(".EXPORT {mode} has no RSQL counterpart: write the rows with UNLOAD ('select ...') TO 's3://...' IAM_ROLE ..."),
            ))
        }
        _ => report(cx, cmd, mode == "REPORT"),
    }
}

fn report(cx: &mut ConvertContext, cmd: &Command, has_mode: bool) -> Output {
    let spec_text = if has_mode {
        cmd.args.trim_start()[6..].trim_start()
    } else {
        cmd.args
    };
    let Some(spec) = parse_file_spec(spec_text) else {
        return Output::Lines(cx.action_item(
            EXPORT_REPORT.code,
            Severity::Warning,
            cmd.span,
            ".EXPORT not understood (options before FILE, or no file): convert it by hand",
        ));
    };
    cx.export_active = Some(ExportKind::Report);
    let converted = format!(
        "\\export report file={}",
        super::passthrough::rsql_file_name(spec.name)
    );
    if spec.options.is_empty() {
        return Output::Lines(vec![converted]);
    }
    let options: Vec<_> = spec.options.iter().map(|(k, _)| k.as_str()).collect();
    let mut lines = cx.action_item(
        EXPORT_REPORT.code,
        Severity::Warning,
        cmd.span,
        format!(
            ".EXPORT options {} have no RSQL counterpart and were left out",
            options.join(", ")
        ),
    );
    lines.push(converted);
    Output::Lines(lines)
}

fn reset(cx: &mut ConvertContext, cmd: &Command) -> Output {
    match cx.export_active.take() {
        Some(ExportKind::Data) => Output::Lines(cx.action_item(
            EXPORT_DATA.code,
            Severity::Info,
            cmd.span,
            ".EXPORT RESET ends the DATA export above",
        )),
        _ => Output::Lines(vec!["\\export reset".to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    #[test]
    fn report_exports_convert() {
        let out = convert_bteq(
            ".EXPORT RESET\n.EXPORT FILE = /data/out/y.csv;\nSEL 1;\n.export reset\n.export report file = ${OUT}/z_$(date +'%Y%m%d').csv;\n.EXPORT REPORT FILE='${tmp}'\n",
        );
        assert_eq!(
            out.text,
            "\\export reset\n\\export report file=/data/out/y.csv\nSELECT 1;\n\\export reset\n\\export report file=${OUT}/z_$(date +'%Y%m%d').csv\n\\export report file='${tmp}'\n"
        );
        assert!(out.diagnostics.is_empty());
    }

    #[test]
    fn export_options_are_flagged() {
        let out = convert_bteq(".export file X close\n");
        assert!(
            out.text.ends_with("\\export report file=X\n"),
            "{}",
            out.text
        );
        assert_eq!(out.diagnostics[0].code, "BQ050");
    }

    #[test]
    fn data_exports_are_action_items_with_their_reset() {
        let out = convert_bteq(".EXPORT DATA FILE=/sched/k.txt\nSELECT 1;\n.EXPORT RESET\n");
        assert!(
            out.text
                .starts_with("-- rsqlmig: BQ051 .EXPORT DATA has no RSQL counterpart")
        );
        assert!(out.text.contains(
            "-- rsqlmig: BQ051 .EXPORT RESET ends the DATA export above\n-- .EXPORT RESET\n"
        ));
        assert!(!out.text.contains("\\export"));
    }
}
