//! BQ060–BQ065: commands RSQL has under another spelling.

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};
use crate::syntax::command::parse_file_spec;
use crate::syntax::lexer::{Mode, TokenKind, tokenize};

pub const OS_COMMAND: Rule = Rule {
    code: "BQ060",
    name: "os-command",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.OS cmd` becomes `\\os cmd`",
    doc: "RSQL's `\\os` (an alias of psql's `\\!`) runs a shell command like BTEQ's `.OS`. The \
command text is kept byte for byte; a Windows command (`del C:\\...`) still needs a Linux \
replacement on the RSQL host.\n\nBefore:\n```\n.OS rm ${DIR}/x.csv;\n```\nAfter:\n```\n\\os rm \
${DIR}/x.csv\n```",
};

pub const HANG: Rule = Rule {
    code: "BQ061",
    name: "hang-sleep",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.HANG n` becomes `\\os sleep n`",
    doc: "RSQL has no pause command; the shell's `sleep` waits the same number of seconds.\n\n\
Before:\n```\n.HANG 30\n```\nAfter:\n```\n\\os sleep 30\n```",
};

pub const REMARK: Rule = Rule {
    code: "BQ062",
    name: "remark",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.REMARK 'text'` becomes `\\remark 'text'` (same `//` line breaks)",
    doc: "RSQL's `\\remark` prints text like BTEQ's `.REMARK`, with `//` as a line break.\n\n\
Before:\n```\n.REMARK 'Step 1 done//next'\n```\nAfter:\n```\n\\remark 'Step 1 done//next'\n```",
};

pub const RUN_FILE: Rule = Rule {
    code: "BQ063",
    name: "run-file",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.RUN FILE=f [SKIP=n]` becomes `\\run file=f [skip=n]`; the included file must be converted too",
    doc: "RSQL's `\\run` mirrors BTEQ's `.RUN`, `SKIP` included. A name with a comma, semicolon, \
blank or backslash outside shell expansions (`E:\\etl\\step2.btq`) is quoted, its backslashes \
written twice, as `\\export` file names are: unquoted, a backslash would start another \
meta-command. The file it reads is BTEQ and needs converting as well (logon includes are \
handled by BQ002).\n\nBefore:\n```\n.RUN FILE=common_steps.btq\n```\nAfter:\n```\n\\run \
file=common_steps.btq\n```",
};

pub const DATABASE_COMMAND: Rule = Rule {
    code: "BQ065",
    name: "database-command",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "The dot form `.DATABASE db` becomes `SET search_path TO db;`",
    doc: "A Teradata database is a Redshift schema; unqualified names resolve through the \
search path.\n\nBefore:\n```\n.DATABASE ${TGT_DB}\n```\nAfter:\n```\nSET search_path TO ${TGT_DB};\n```",
};

pub fn os(_cx: &mut ConvertContext, cmd: &Command) -> Output {
    Output::Lines(vec![format!("\\os {}", cmd.args).trim_end().to_string()])
}

pub fn hang(cx: &mut ConvertContext, cmd: &Command) -> Output {
    if cmd.args.parse::<u64>().is_err() {
        return Output::Lines(cx.action_item(
            HANG.code,
            Severity::Warning,
            cmd.span,
            ".HANG needs a number of seconds: convert it by hand",
        ));
    }
    Output::Lines(vec![format!("\\os sleep {}", cmd.args)])
}

pub fn remark(_cx: &mut ConvertContext, cmd: &Command) -> Output {
    Output::Lines(vec![
        format!("\\remark {}", cmd.args).trim_end().to_string(),
    ])
}

/// A file name as an RSQL meta-command argument: quoted when it holds a blank, `,`, `;` or a
/// backslash (`E:\etl\a.btq`), which outside quotes would end the argument and start another
/// meta-command; inside quotes a backslash is written twice.
pub fn rsql_file_name(name: &str) -> String {
    // What a shell expansion holds (`$(date +'%Y%m%d')`) is gone before rsql reads the line.
    let mut outside = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find(['$', '`']) {
        outside.push_str(&rest[..at]);
        let close = match &rest.as_bytes()[at..] {
            [b'$', b'(', ..] => ')',
            [b'$', b'{', ..] => '}',
            [b'`', ..] => '`',
            _ => {
                rest = &rest[at + 1..];
                continue;
            }
        };
        rest = rest[at + 1..]
            .find(close)
            .map_or("", |end| &rest[at + 1 + end + 1..]);
    }
    outside.push_str(rest);
    if name.starts_with(['\'', '"']) || !outside.contains([',', ';', ' ', '\\']) {
        return name.to_string();
    }
    format!("'{}'", name.replace('\\', "\\\\").replace('\'', "''"))
}

pub fn run_file(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let Some(spec) = parse_file_spec(cmd.args) else {
        return Output::Lines(cx.action_item(
            RUN_FILE.code,
            Severity::Warning,
            cmd.span,
            ".RUN not understood: convert it by hand",
        ));
    };
    let mut line = format!("\\run file={}", rsql_file_name(spec.name));
    for (key, value) in &spec.options {
        match value {
            Some(v) => line.push_str(&format!(" {}={v}", key.to_ascii_lowercase())),
            None => line.push_str(&format!(" {}", key.to_ascii_lowercase())),
        }
    }
    cx.report(
        RUN_FILE.code,
        Severity::Info,
        cmd.span,
        format!("{} is run by RSQL now: convert it too", spec.name),
    );
    Output::Lines(vec![line])
}

pub fn database(cx: &mut ConvertContext, cmd: &Command) -> Output {
    // The name is copied into SQL: an open quote or parenthesis, a comment or a `;` in it would
    // run the statement into the rest of the script or end it early.
    let tokens = tokenize(cmd.args.as_bytes(), Mode::BteqSql);
    let mut depth = 0i64;
    let balanced = tokens.iter().all(|t| {
        depth += match t.kind {
            TokenKind::LParen => 1,
            TokenKind::RParen => -1,
            _ => 0,
        };
        depth >= 0
    }) && depth == 0;
    let odd = !balanced
        || tokens
            .iter()
            .any(|t| t.unterminated || t.kind.is_comment() || t.kind == TokenKind::Semicolon);
    if odd || cmd.args.is_empty() {
        return Output::Lines(cx.action_item(
            DATABASE_COMMAND.code,
            Severity::Warning,
            cmd.span,
            ".DATABASE name not understood: convert it by hand",
        ));
    }
    Output::Lines(vec![format!("SET search_path TO {};", cmd.args)])
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    #[test]
    fn renamed_commands() {
        let out = convert_bteq(
            ".OS rm ${DIR}/x.csv;\n.os echo \"error text\"\n.HANG 30\n.REMARK 'Step 1 done//next'\n.DATABASE ${TGT_DB}\n",
        );
        assert_eq!(
            out.text,
            "\\os rm ${DIR}/x.csv\n\\os echo \"error text\"\n\\os sleep 30\n\\remark 'Step 1 done//next'\nSET search_path TO ${TGT_DB};\n"
        );
    }

    #[test]
    fn database_names_that_would_break_the_sql_are_action_items() {
        // Found by fuzzing: `.DATABASE "` became `SET search_path TO ";`, a quote never closed.
        // And `.DATABASE(` one whose parenthesis never closes.
        for src in [
            ".DATABASE \"\n",
            ".DATABASE x; y\n",
            ".DATABASE\n",
            ".DATABASE(",
            ".DATABASE )(",
        ] {
            let out = convert_bteq(src);
            assert!(
                out.text.starts_with("-- rsqlmig: BQ065 "),
                "{src:?}: {}",
                out.text
            );
            assert_eq!(convert_bteq(&out.text).text, out.text);
        }
    }

    #[test]
    fn run_file_keeps_skip_and_quotes_odd_names() {
        let out = convert_bteq("SELECT 1;\n.RUN FILE=steps.btq SKIP=2\n.run file=a b.btq\n");
        assert!(
            out.text.contains("\\run file=steps.btq skip=2\n"),
            "{}",
            out.text
        );
        assert_eq!(out.diagnostics[0].code, "BQ063");
        let out = convert_bteq(
            "SELECT 1;\n.RUN FILE = E:\\etl\\step2.btq\n.EXPORT REPORT FILE = C:\\out\\r.txt\n",
        );
        assert_eq!(
            out.text,
            "SELECT 1;\n\\run file='E:\\\\etl\\\\step2.btq'\n\\export report file='C:\\\\out\\\\r.txt'\n"
        );
        assert_eq!(
            super::rsql_file_name("${OUT}/z_$(date +'%Y %m').csv"),
            "${OUT}/z_$(date +'%Y %m').csv"
        );
        assert_eq!(
            super::rsql_file_name("/data/a b;c.btq"),
            "'/data/a b;c.btq'"
        );
    }
}
