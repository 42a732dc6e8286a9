//! TD020: Teradata lock modifiers before a statement (or inside a view) are removed.

use crate::diagnostic::Severity;
use crate::rules::sql::{Findings, SqlCheck};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Statement, WordSet};
use crate::syntax::lexer::TokenKind;
use crate::syntax::span::Span;

pub const LOCKING_PREFIX: Rule = Rule {
    code: "TD020",
    name: "locking-prefix",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`LOCKING|LOCK [ROW|TABLE|DATABASE|VIEW] [name] [FOR|IN] ACCESS|READ|WRITE|EXCLUSIVE` prefixes are removed, in views too",
    doc: "Redshift uses snapshot isolation: readers never block writers, so `FOR ACCESS` (dirty \
read) has no purpose, and writes are serialised by Redshift itself. Stacked prefixes and prefixes \
inside `CREATE/REPLACE VIEW … AS` are removed with the line break after them. A removed `FOR WRITE` \
or `EXCLUSIVE` lock is reported: use `LOCK t;` inside a transaction if the job relied on it.\n\n\
Before:\n```\nLOCKING ROW FOR ACCESS\nSEL * FROM v_acct;\n```\nAfter:\n```\nSEL * FROM v_acct;\n```",
};

pub const RULES: &[&Rule] = &[&LOCKING_PREFIX];

pub const CHECKS: &[SqlCheck] = &[SqlCheck {
    rule: &LOCKING_PREFIX,
    check: locking,
    redshift_valid: false,
}];

fn locking(s: &Statement, out: &mut Findings) {
    if !s.may_hold(&const { WordSet::of(&["LOCKING", "LOCK"]) }) {
        return;
    }
    let mut i = 0;
    while i < s.len() {
        let end = if s.is_any(i, &["LOCKING", "LOCK"]) {
            s.locking_end(i)
        } else {
            i
        };
        if end == i {
            i += 1;
            continue;
        }
        // Only a statement may take the prefix's place: `LOCKING … FOR ACCESS.E` would leave a
        // request starting with `.`, a dot command to BTEQ (found by fuzzing), `*` a comment.
        let statement_follows = matches!(
            s.kind_of(end),
            Some(
                TokenKind::Word
                    | TokenKind::LParen
                    | TokenKind::Placeholder
                    | TokenKind::QuotedIdent
            )
        );
        if !statement_follows {
            out.report(
                &LOCKING_PREFIX,
                Severity::Warning,
                s.range(i, end - 1),
                "LOCKING prefix kept: no statement follows it; remove it by hand",
            );
            i = end;
            continue;
        }
        if (i..end).any(|k| s.is_any(k, &["WRITE", "EXCLUSIVE"])) {
            out.report(&LOCKING_PREFIX, Severity::Info, s.range(i, end - 1), "write lock removed: Redshift serialises writes; add LOCK t; inside a transaction if the job relied on it");
        }
        // Remove up to the next token, line break included, so the statement takes the prefix's place.
        let to = if end < s.len() {
            s.span(end).start as usize
        } else {
            s.span(end - 1).end as usize
        };
        out.delete(Span::new(s.span(i).start as usize, to));
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::{codes, convert_sql};

    #[test]
    fn a_prefix_without_a_statement_after_it_is_kept() {
        // Found by fuzzing: the request became `.E;`, a dot command when converted again.
        assert_eq!(convert_sql("LOCKING FOR ACCESS.E"), "LOCKING FOR ACCESS.E");
        assert_eq!(codes("LOCKING ROW FOR ACCESS;"), vec!["TD020"]);
    }

    #[test]
    fn prefixes_are_removed() {
        assert_eq!(
            convert_sql("LOCKING ROW FOR ACCESS\nSELECT * FROM v;"),
            "SELECT * FROM v;"
        );
        assert_eq!(
            convert_sql("LOCK TABLE a FOR ACCESS\nLOCK TABLE b FOR ACCESS\n  SELECT c FROM a;"),
            "SELECT c FROM a;"
        );
        assert_eq!(
            convert_sql("REPLACE VIEW v AS LOCKING ROW FOR ACCESS SELECT a FROM t;"),
            "CREATE OR REPLACE VIEW v AS SELECT a FROM t;"
        );
        assert_eq!(
            convert_sql("LOCKING TABLE s.UTIL_PARM FOR WRITE\nINSERT INTO s.UTIL_PARM VALUES (1);"),
            "INSERT INTO s.UTIL_PARM VALUES (1);"
        );
    }

    #[test]
    fn for_and_in_may_be_left_out() {
        assert_eq!(
            convert_sql(
                "LOCKING ROW ACCESS
SEL a FROM t WHERE b IN (1);"
            ),
            "SELECT a FROM t WHERE b IN (1);"
        );
        assert_eq!(
            convert_sql("REPLACE VIEW v AS LOCK TABLE db.t ACCESS SELECT a FROM db.t;"),
            "CREATE OR REPLACE VIEW v AS SELECT a FROM db.t;"
        );
        // A table named like a mode is still a name.
        assert_eq!(
            convert_sql("LOCKING TABLE access FOR ACCESS SELECT 1 FROM access;"),
            "SELECT 1 FROM access;"
        );
    }
}
