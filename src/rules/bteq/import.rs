//! BQ052: `.IMPORT` with its `USING` request and `.REPEAT` become one action item.

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};
use crate::syntax::span::Span;

pub const IMPORT_USING: Rule = Rule {
    code: "BQ052",
    name: "import-using",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`.IMPORT`, `.REPEAT`, `.PACK` and the `USING (...)` request they feed are kept as action items (COPY from S3, or RSQL variables)",
    doc: "Redshift has no `COPY FROM STDIN` and RSQL cannot feed file rows to a parameterised \
request, so the whole construct is commented out. Bulk loads (`.REPEAT *`) become `COPY t FROM \
's3://...' IAM_ROLE ... DELIMITER '|'`; a single key read from a file becomes an RSQL variable or a \
control-table lookup. The `USING` request is never left active: its `:name` host variables would \
be read as RSQL variables.\n\nBefore:\n```\n.IMPORT VARTEXT '|' FILE = '${plano}'\n.REPEAT *\nUSING \
(c1 VARCHAR(4))\nINSERT INTO t VALUES (:c1);\n```\nAfter:\n```\n-- rsqlmig: BQ052 .IMPORT has no \
RSQL counterpart: load the file with COPY ... FROM 's3://...' IAM_ROLE ...\n-- .IMPORT VARTEXT '|' FILE \
= '${plano}'\n-- rsqlmig: BQ052 .REPEAT has no RSQL counterpart: ...\n-- .REPEAT *\n-- rsqlmig: \
BQ052 USING request reads .IMPORT host variables: ...\n-- USING (c1 VARCHAR(4))\n-- INSERT INTO t \
VALUES (:c1);\n```",
};

const HINT: &str = "load the file with COPY ... FROM 's3://...' IAM_ROLE ... (bulk) or set an RSQL variable (single row)";

/// `.IMPORT`, `.REPEAT`, `.PACK`.
pub fn import_command(cx: &mut ConvertContext, cmd: &Command) -> Output {
    if cmd.name == "IMPORT" {
        cx.import_pending = true;
    }
    // `.PACK` and `.IMPORT` always belong to a file load; `.REPEAT` only after an `.IMPORT`.
    let hint = if cmd.name != "REPEAT" || cx.import_pending {
        HINT
    } else {
        "run the request set-based, or loop in the shell"
    };
    Output::Lines(cx.action_item(
        IMPORT_USING.code,
        Severity::Warning,
        cmd.span,
        format!(".{} has no RSQL counterpart: {hint}", cmd.name),
    ))
}

/// A request starting with `USING (...)`.
pub fn using_request(cx: &mut ConvertContext, span: Span) -> Vec<String> {
    let message = if cx.import_pending {
        format!("USING request reads .IMPORT host variables: {HINT}")
    } else {
        "USING request with host variables and no .IMPORT: its :names would be RSQL variables; rewrite it".to_string()
    };
    cx.import_pending = false;
    cx.action_item(IMPORT_USING.code, Severity::Warning, span, message)
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    #[test]
    fn import_and_its_request_are_commented_out() {
        let src = ".IMPORT VARTEXT FILE=/sched/K.txt\nUSING ( FILLER CHAR(24), K CHAR(10) )\nUPDATE t SET k = CAST(trim(:K) AS DECIMAL(10,0));\nSELECT 1;\n";
        let out = convert_bteq(src);
        assert!(out.text.contains("-- USING ( FILLER CHAR(24), K CHAR(10) )\n-- UPDATE t SET k = CAST(trim(:K) AS DECIMAL(10,0));\nSELECT 1;\n"), "{}", out.text);
        assert_eq!(
            out.diagnostics.iter().filter(|d| d.code == "BQ052").count(),
            2
        );
        let active: String = out.text.lines().filter(|l| !l.starts_with("--")).collect();
        assert!(!active.contains(":K"));
    }

    #[test]
    fn repeat_and_pack_are_action_items() {
        let out = convert_bteq(
            ".PACK 1000\n.IMPORT VARTEXT ',' file=$f;\n.REPEAT *\nUSING (c VARCHAR(4))\nINSERT INTO t VALUES (:c);\n",
        );
        assert_eq!(
            out.diagnostics.iter().filter(|d| d.code == "BQ052").count(),
            4
        );
        assert!(
            out.text.lines().all(|l| l.starts_with("--")),
            "{}",
            out.text
        );
    }
}
