//! BQ064: BTEQ `*` comment lines become `--` comments.

use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};

pub const STAR_COMMENT: Rule = Rule {
    code: "BQ064",
    name: "star-comment",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "A `*` comment line becomes a `--` comment",
    doc: "BTEQ skips lines that start with `*` between requests; RSQL would send them as SQL. \
The leading `*` becomes `--`, the rest of the line is kept.\n\nBefore:\n```\n**** LOAD STEP ****\n\
```\nAfter:\n```\n--*** LOAD STEP ****\n```",
};

/// The `--` form of a `*` comment line.
pub fn star_comment(text: &str) -> String {
    format!("--{}", &text[1..])
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    #[test]
    fn star_lines_become_dash_comments() {
        assert_eq!(
            convert_bteq("**** HEADER ****\n* note\nSELECT 2\n* 3;\n").text,
            "--*** HEADER ****\n-- note\nSELECT 2\n* 3;\n"
        );
    }

    #[test]
    fn a_logon_in_a_star_comment_keeps_its_password_out() {
        // Found by fuzzing: the replacement copied the comment with its password.
        let out = convert_bteq("* .LOGON tdp/etl,s3cret;\n*logon ,$\n");
        assert_eq!(out.text, "-- .LOGON tdp/etl,********;\n--logon ,********\n");
    }
}
