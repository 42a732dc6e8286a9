//! TD010–TD014: transactions and session statements.

use crate::diagnostic::Severity;
use crate::rules::sql::{Findings, SqlCheck};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Kind, Statement};
use crate::syntax::lexer::TokenKind;

pub const TRANSACTION_KEYWORDS: Rule = Rule {
    code: "TD010",
    name: "transaction-keywords",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`BT`/`BEGIN TRANSACTION` → `BEGIN`, `ET`/`END TRANSACTION` → `COMMIT`, `ABORT`/`ROLLBACK WORK` → `ROLLBACK`",
    doc: "Teradata's transaction statements in Redshift's spelling. A conditional `ABORT … WHERE` \
has no counterpart and is reported.\n\nBefore:\n```\nBT;\nUPDATE t SET a = 1;\nET;\n```\nAfter:\n```\n\
BEGIN;\nUPDATE t SET a = 1;\nCOMMIT;\n```",
};

pub const DATABASE_SEARCH_PATH: Rule = Rule {
    code: "TD011",
    name: "database-search-path",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`DATABASE x;` becomes `SET search_path TO x;`",
    doc: "A Teradata database is a Redshift schema; unqualified names resolve through the search \
path.\n\nBefore:\n```\nDATABASE ${ETL_VIEWS_DB};\n```\nAfter:\n```\nSET search_path TO ${ETL_VIEWS_DB};\n```",
};

pub const QUERY_BAND: Rule = Rule {
    code: "TD012",
    name: "query-band",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`SET QUERY_BAND = '…' FOR SESSION` becomes `SET query_group TO '…'` (approximate)",
    doc: "Redshift's query group labels the session's queries for workload management and in \
system tables, which is what query bands are mostly used for; the key=value structure and \
`FOR TRANSACTION` scope are lost, so the rewrite is flagged. `QUERY_BAND = NONE` resets it.\n\n\
Before:\n```\nSET QUERY_BAND = 'App=DDS;Job=LOAD_01;' FOR SESSION;\n```\nAfter:\n```\nSET query_group \
TO 'App=DDS;Job=LOAD_01;';\n```",
};

pub const SELECT_SESSION: Rule = Rule {
    code: "TD013",
    name: "select-session",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`SELECT SESSION` becomes `SELECT pg_backend_pid()`",
    doc: "The session number in Redshift is the backend process id.\n\nBefore:\n```\nSELECT \
SESSION;\n```\nAfter:\n```\nSELECT pg_backend_pid();\n```",
};

pub const RULES: &[&Rule] = &[
    &TRANSACTION_KEYWORDS,
    &DATABASE_SEARCH_PATH,
    &QUERY_BAND,
    &SELECT_SESSION,
    &crate::convert::sql::ATOMIC_REQUEST,
];

pub const CHECKS: &[SqlCheck] = &[
    SqlCheck {
        rule: &TRANSACTION_KEYWORDS,
        check: transaction,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &DATABASE_SEARCH_PATH,
        check: database,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &QUERY_BAND,
        check: query_band,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &SELECT_SESSION,
        check: select_session,
        redshift_valid: false,
    },
];

fn transaction(s: &Statement, out: &mut Findings) {
    if s.kind != Kind::Transaction {
        return;
    }
    let last = s.len() - 1;
    let replacement = if s.len() == 1 && s.is(0, "BT") {
        "BEGIN"
    } else if s.len() == 1 && s.is(0, "ET") {
        "COMMIT"
    } else if s.len() == 2 && s.is_seq(0, &["BEGIN", "TRANSACTION"]) {
        "BEGIN"
    } else if s.len() == 2
        && s.is_any(0, &["END", "COMMIT"])
        && s.is_any(1, &["TRANSACTION", "WORK"])
    {
        "COMMIT"
    } else if s.len() == 2 && s.is_seq(0, &["ROLLBACK", "WORK"]) {
        "ROLLBACK"
    } else if s.is(0, "ABORT") {
        if (1..s.len()).any(|i| s.is(i, "WHERE") || s.is(i, "FROM")) {
            out.report(&TRANSACTION_KEYWORDS, Severity::Warning, s.range(0, last), "conditional ABORT has no Redshift counterpart: test the condition with \\if and ROLLBACK");
            return;
        }
        "ROLLBACK"
    } else {
        return;
    };
    out.replace(s.range(0, last), replacement);
}

fn database(s: &Statement, out: &mut Findings) {
    if s.kind == Kind::Database && s.len() >= 2 {
        out.replace(s.span(0), "SET search_path TO");
    }
}

fn query_band(s: &Statement, out: &mut Findings) {
    if !(s.kind == Kind::Set && s.is(1, "QUERY_BAND") && s.is_op(2, "=")) {
        return;
    }
    let last = s.len() - 1;
    let value = 3;
    let for_at = (value..s.len()).find(|&i| s.is(i, "FOR"));
    if s.is(value, "NONE") {
        out.replace(s.range(0, last), "RESET query_group");
    } else if s.kind_of(value) == Some(TokenKind::String)
        || s.kind_of(value) == Some(TokenKind::Placeholder)
    {
        let value_end = for_at.map_or(last, |f| f - 1);
        let value_end = if s.is(value_end, "UPDATE") {
            value_end - 1
        } else {
            value_end
        };
        out.replace(
            s.range(0, last),
            format!("SET query_group TO {}", s.slice(value, value_end)),
        );
    } else {
        return;
    }
    out.report(&QUERY_BAND, Severity::Warning, s.range(0, last), "query band set as query_group: the key=value pairs become one label; check WLM rules that read it");
}

fn select_session(s: &Statement, out: &mut Findings) {
    for i in s.each("SESSION").filter(|&i| i > 0) {
        let in_list =
            s.is_any(i - 1, &["SELECT", "SEL"]) || s.kind_of(i - 1) == Some(TokenKind::Comma);
        let ends_item = i + 1 == s.len()
            || s.kind_of(i + 1) == Some(TokenKind::Comma)
            || s.is_any(i + 1, &["FROM", "AS"]);
        if in_list && ends_item {
            out.replace(s.span(i), "pg_backend_pid()");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::{codes, convert_sql};

    #[test]
    fn transaction_statements() {
        assert_eq!(convert_sql("BT;"), "BEGIN;");
        assert_eq!(convert_sql("ET;"), "COMMIT;");
        assert_eq!(convert_sql("BEGIN TRANSACTION;"), "BEGIN;");
        assert_eq!(convert_sql("END TRANSACTION;"), "COMMIT;");
        assert_eq!(convert_sql("ABORT;"), "ROLLBACK;");
        assert_eq!(convert_sql("ABORT 'bad batch';"), "ROLLBACK;");
        assert_eq!(codes("ABORT 'x' FROM t WHERE n = 0;"), vec!["TD010"]);
    }

    #[test]
    fn database_and_session_statements() {
        assert_eq!(
            convert_sql("DATABASE ${ETL_VIEWS_DB};"),
            "SET search_path TO ${ETL_VIEWS_DB};"
        );
        assert_eq!(convert_sql("SELECT SESSION;"), "SELECT pg_backend_pid();");
        assert_eq!(
            convert_sql("SET QUERY_BAND = 'App=DDS;Job=$0;' FOR SESSION;"),
            "SET query_group TO 'App=DDS;Job=$0;';"
        );
        assert_eq!(
            convert_sql("SET QUERY_BAND = 'a=1;' UPDATE FOR SESSION;"),
            "SET query_group TO 'a=1;';"
        );
        assert_eq!(
            convert_sql("SET QUERY_BAND = NONE FOR SESSION;"),
            "RESET query_group;"
        );
        assert_eq!(codes("SET QUERY_BAND = 'a=1;' FOR SESSION;"), vec!["TD012"]);
    }
}
