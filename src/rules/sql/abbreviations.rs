//! TD001–TD009: Teradata's abbreviations and operator spellings.

use crate::diagnostic::Severity;
use crate::rules::sql::{Findings, SqlCheck};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Kind, Statement, WordSet};
use crate::syntax::lexer::TokenKind;

pub const KEYWORD_ABBREVIATIONS: Rule = Rule {
    code: "TD001",
    name: "keyword-abbreviations",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`SEL`, `INS`, `UPD`, `DEL` become `SELECT`, `INSERT`, `UPDATE`, `DELETE`",
    doc: "Teradata accepts these abbreviations as reserved words; Redshift does not know them.\n\n\
Before:\n```\nSEL a FROM t WHERE b IN (SEL b FROM s);\nDEL FROM t WHERE d < 1;\n```\nAfter:\n```\nSELECT \
a FROM t WHERE b IN (SELECT b FROM s);\nDELETE FROM t WHERE d < 1;\n```",
};

pub const NOT_EQUAL: Rule = Rule {
    code: "TD002",
    name: "not-equal-operators",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`NOT=`, `NOT =`, `^=` and `~=` become `<>`",
    doc: "Teradata's spellings of \"not equal\" are not Redshift operators.\n\nBefore:\n```\nWHERE a \
NOT= b AND c ^= 0\n```\nAfter:\n```\nWHERE a <> b AND c <> 0\n```",
};

pub const COMPARISON_WORDS: Rule = Rule {
    code: "TD003",
    name: "comparison-words",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`LT LE GT GE EQ NE` between operands become `< <= > >= = <>`",
    doc: "Teradata allows comparison operators as words. They are rewritten only where they stand \
between two operands, so a column named `GE` is left alone.\n\nBefore:\n```\nWHERE amt GE 100 AND \
cnt NE 0\n```\nAfter:\n```\nWHERE amt >= 100 AND cnt <> 0\n```",
};

pub const MOD_OPERATOR: Rule = Rule {
    code: "TD004",
    name: "mod-operator",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "The infix `a MOD b` becomes `a % b`",
    doc: "Redshift has `%` and the `MOD(a, b)` function, not the infix keyword (the function form \
is kept).\n\nBefore:\n```\nWHERE acct_id MOD 10 = 3\n```\nAfter:\n```\nWHERE acct_id % 10 = 3\n```",
};

pub const POWER_OPERATOR: Rule = Rule {
    code: "TD005",
    name: "power-operator",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`a ** b` becomes `POWER(a, b)`",
    doc: "Redshift has no `**` operator.\n\nBefore:\n```\nSELECT (1 + r) ** n FROM rates;\n```\n\
After:\n```\nSELECT POWER((1 + r), n) FROM rates;\n```",
};

pub const MINUS_EXCEPT: Rule = Rule {
    code: "TD006",
    name: "minus-except",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "The set operator `MINUS` becomes `EXCEPT`; `MINUS ALL`, `EXCEPT ALL` and `INTERSECT ALL` are flagged (Redshift has neither)",
    doc: "`EXCEPT` is the standard spelling. Redshift supports neither `EXCEPT ALL` nor `INTERSECT ALL`, \
which keep duplicates; such a query needs a rewrite (for example numbering duplicates with ROW_NUMBER()) \
and is reported as an action item.\n\nBefore:\n```\nSELECT id FROM a MINUS SELECT id FROM b;\n```\n\
After:\n```\nSELECT id FROM a EXCEPT SELECT id FROM b;\n```",
};

pub const TOP_LIMIT: Rule = Rule {
    code: "TD007",
    name: "top-limit",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`SELECT TOP n …` becomes `SELECT … LIMIT n`; `TOP n PERCENT` and `WITH TIES` are flagged",
    doc: "The row limit moves to the end of its query. Where the query is one branch of a set \
operation, `TOP n` is kept (Redshift accepts it there too). `PERCENT` and `WITH TIES` have no \
Redshift form and are reported.\n\nBefore:\n```\nSELECT TOP 10 cust_id, bal FROM acct ORDER BY bal \
DESC;\n```\nAfter:\n```\nSELECT cust_id, bal FROM acct ORDER BY bal DESC NULLS LAST LIMIT 10;\n```",
};

pub const DELETE_ALL: Rule = Rule {
    code: "TD008",
    name: "delete-all",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`DELETE [FROM] t ALL` / `DEL t ALL` becomes `DELETE FROM t`",
    doc: "Teradata's `ALL` (delete every row) is the default in Redshift. `TRUNCATE` would be \
faster but commits the open transaction, so it is not used.\n\nBefore:\n```\nDEL ${STG}.tmp ALL;\n```\n\
After:\n```\nDELETE FROM ${STG}.tmp;\n```",
};

pub const INSERT_INTO: Rule = Rule {
    code: "TD009",
    name: "insert-into",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`INSERT t …` without `INTO` becomes `INSERT INTO t …`",
    doc: "Teradata makes `INTO` optional; Redshift requires it.\n\nBefore:\n```\nINSERT stg.t SELECT * \
FROM src.t;\n```\nAfter:\n```\nINSERT INTO stg.t SELECT * FROM src.t;\n```",
};

pub const RULES: &[&Rule] = &[
    &KEYWORD_ABBREVIATIONS,
    &NOT_EQUAL,
    &COMPARISON_WORDS,
    &MOD_OPERATOR,
    &POWER_OPERATOR,
    &MINUS_EXCEPT,
    &TOP_LIMIT,
    &DELETE_ALL,
    &INSERT_INTO,
];

pub const CHECKS: &[SqlCheck] = &[
    SqlCheck {
        rule: &KEYWORD_ABBREVIATIONS,
        check: abbreviations,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &NOT_EQUAL,
        check: not_equal,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &COMPARISON_WORDS,
        check: comparison_words,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &MOD_OPERATOR,
        check: mod_operator,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &POWER_OPERATOR,
        check: power,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &MINUS_EXCEPT,
        check: minus,
        redshift_valid: true,
    },
    SqlCheck {
        rule: &TOP_LIMIT,
        check: top,
        redshift_valid: true,
    },
    SqlCheck {
        rule: &DELETE_ALL,
        check: delete_all,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &INSERT_INTO,
        check: insert_into,
        redshift_valid: false,
    },
];

/// Where a statement keyword may stand: the statement's start, or a `THEN` of MERGE.
fn starts_statement(s: &Statement, i: usize) -> bool {
    i == s.body || (i > 0 && s.is(i - 1, "THEN"))
}

fn abbreviations(s: &Statement, out: &mut Findings) {
    for i in s.each_of(&const { WordSet::of(&["SEL", "INS", "UPD", "DEL", "CT"]) }) {
        let full = if s.is(i, "SEL") && !(i > 0 && s.kind_of(i - 1) == Some(TokenKind::Dot)) {
            "SELECT"
        } else if starts_statement(s, i) && s.is(i, "INS") {
            "INSERT"
        } else if starts_statement(s, i) && s.is(i, "UPD") {
            "UPDATE"
        } else if starts_statement(s, i) && s.is(i, "DEL") {
            "DELETE"
        } else if i == s.body && s.is(i, "CT") && s.is_name_part(i + 1) {
            "CREATE TABLE"
        } else {
            continue;
        };
        out.replace(s.span(i), full);
    }
}

fn not_equal(s: &Statement, out: &mut Findings) {
    for i in s.each_of(&const { WordSet::of(&["^=", "~=", "NOT"]) }) {
        if s.is_op(i, "^=") || s.is_op(i, "~=") {
            out.replace(s.span(i), "<>");
        } else if s.is(i, "NOT") && s.is_op(i + 1, "=") && s.after_operand(i) {
            out.replace(s.range(i, i + 1), "<>");
        }
    }
}

/// Whether an operand can start at `i` (for word operators between two operands).
fn starts_operand(s: &Statement, i: usize) -> bool {
    match s.kind_of(i) {
        Some(TokenKind::Word) => !s.is_any(
            i,
            &[
                "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "QUALIFY", "UNION", "AS", "ON", "AND",
                "OR", "THEN", "ELSE", "END", "WHEN", "INTO",
            ],
        ),
        Some(
            TokenKind::Number
            | TokenKind::String
            | TokenKind::QuotedIdent
            | TokenKind::Placeholder
            | TokenKind::Variable
            | TokenKind::LParen,
        ) => true,
        Some(TokenKind::Op) => s.is_op(i, "-") || s.is_op(i, "+"),
        _ => false,
    }
}

/// A word used as a binary operator at `i`.
fn infix_word(s: &Statement, i: usize, word: &str) -> bool {
    s.is(i, word) && s.after_operand(i) && starts_operand(s, i + 1)
}

/// Teradata's comparison words and their operators.
const COMPARISON_OPERATORS: [(&str, &str); 6] = [
    ("LT", "<"),
    ("LE", "<="),
    ("GT", ">"),
    ("GE", ">="),
    ("EQ", "="),
    ("NE", "<>"),
];

fn comparison_words(s: &Statement, out: &mut Findings) {
    for i in s.each_of(&const { WordSet::of(&["LT", "LE", "GT", "GE", "EQ", "NE"]) }) {
        let op = COMPARISON_OPERATORS
            .into_iter()
            .find(|(w, _)| infix_word(s, i, w));
        if let Some((_, op)) = op {
            out.replace(s.span(i), op);
        }
    }
}

fn mod_operator(s: &Statement, out: &mut Findings) {
    for i in s.each("MOD") {
        if infix_word(s, i, "MOD") && !s.is_call(i) {
            out.replace(s.span(i), "%");
        }
    }
}

fn power(s: &Statement, out: &mut Findings) {
    for i in s.each_of(&const { WordSet::of(&["**"]) }) {
        if i == 0 || i + 1 >= s.len() || !s.is_op(i, "**") || !s.after_operand(i) {
            continue;
        }
        let left = s.operand_start(i - 1);
        let mut right_start = i + 1;
        // A signed exponent: `2 ** -1`.
        if s.is_op(right_start, "-") || s.is_op(right_start, "+") {
            right_start += 1;
        }
        if right_start >= s.len()
            || !starts_operand(s, right_start)
            || s.kind_of(right_start) == Some(TokenKind::Op)
        {
            continue;
        }
        let right = s.operand_end(right_start);
        // `a ** b` becomes `a, b`; a line break or a comment around `**` stays where it is,
        // so the request keeps its lines (found by fuzzing: `LOGON x⏎**6` became the one line
        // `LOGON POWER(x, 6);`, which reads as the dotless command).
        let blank = |gap: &str| gap.trim().is_empty() && !gap.contains('\n');
        let gaps_blank = blank(s.gap(i - 1, i)) && blank(s.gap(i, i + 1));
        out.rewrite(|out| {
            out.insert(s.span(left).start, "POWER(");
            if gaps_blank {
                let gaps = crate::syntax::span::Span::new(
                    s.span(i - 1).end as usize,
                    s.span(i + 1).start as usize,
                );
                out.replace(gaps, ", ");
            } else {
                out.replace(s.span(i), ",");
            }
            out.insert(s.span(right).end, ")");
        });
    }
}

fn minus(s: &Statement, out: &mut Findings) {
    for i in s.each_of(&const { WordSet::of(&["MINUS", "EXCEPT", "INTERSECT"]) }) {
        let set_op = s.is_any(i, &["MINUS", "EXCEPT", "INTERSECT"]);
        if i == 0 || !set_op {
            continue;
        }
        let next = i + 1 + usize::from(s.is_any(i + 1, &["ALL", "DISTINCT"]));
        let is_set_operator =
            s.is_any(next, &["SELECT", "SEL"]) || s.kind_of(next) == Some(TokenKind::LParen);
        if !is_set_operator {
            continue;
        }
        if s.is(i, "MINUS") {
            out.replace(s.span(i), "EXCEPT");
        }
        if s.is(i + 1, "ALL") {
            let op = if s.is(i, "INTERSECT") {
                "INTERSECT"
            } else {
                "EXCEPT"
            };
            out.report(
                &MINUS_EXCEPT,
                Severity::Warning,
                s.range(i, i + 1),
                format!("{op} ALL is not supported by Redshift: rewrite it (e.g. number duplicates with ROW_NUMBER())"),
            );
        }
    }
}

fn top(s: &Statement, out: &mut Findings) {
    for i in s.each("TOP") {
        if !(i > 0 && s.is_any(i - 1, &["SELECT", "SEL", "DISTINCT", "ALL"])) {
            continue;
        }
        let Some(n_at) = Some(i + 1).filter(|&n| {
            matches!(
                s.kind_of(n),
                Some(TokenKind::Number | TokenKind::Placeholder)
            )
        }) else {
            continue;
        };
        if s.is(n_at + 1, "PERCENT") || s.is_seq(n_at + 1, &["WITH", "TIES"]) {
            out.report(&TOP_LIMIT, Severity::Warning, s.range(i, n_at + 1), "TOP n PERCENT / WITH TIES have no Redshift form: rewrite with ROW_NUMBER() or RANK()");
            continue;
        }
        let depth = s.depth[i];
        // The query ends at the parenthesis that encloses it (the only token after it with a
        // smaller depth: a parenthesis has the depth outside it, so the `)` of a call inside
        // the query, `SUM(x)`, has the query's depth), or at the end of the statement.
        let end = (i..s.len())
            .find(|&k| s.depth[k] < depth)
            .map_or(s.len() - 1, |k| k - 1);
        // A branch of a set operation, first or last: a LIMIT would apply to the whole result.
        let start = (0..i)
            .rev()
            .find(|&k| s.depth[k] < depth)
            .map_or(0, |k| k + 1);
        let has_set_op = (start..=end).any(|k| {
            s.depth[k] == depth && s.is_any(k, &["UNION", "EXCEPT", "MINUS", "INTERSECT"])
        });
        let has_limit = (i..=end).any(|k| s.depth[k] == depth && s.is(k, "LIMIT"));
        if has_set_op || has_limit {
            continue;
        }
        out.rewrite(|out| {
            out.delete_tokens(s, i, n_at);
            out.insert(s.span(end).end, format!(" LIMIT {}", s.text(n_at)));
        });
    }
}

fn delete_all(s: &Statement, out: &mut Findings) {
    if s.kind != Kind::Delete || s.len() < 3 {
        return;
    }
    let last = s.len() - 1;
    if !(s.is(last, "ALL") && s.depth[last] == 0) {
        return;
    }
    out.rewrite(|out| {
        out.delete_tokens(s, last, last);
        if !s.is(s.body + 1, "FROM") {
            out.insert(s.span(s.body + 1).start, "FROM ");
        }
    });
}

fn insert_into(s: &Statement, out: &mut Findings) {
    let i = s.body;
    if s.kind == Kind::Insert && !s.is(i + 1, "INTO") && s.is_name_part(i + 1) {
        out.insert(s.span(i + 1).start, "INTO ");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::{codes, convert_sql};

    #[test]
    fn abbreviations_expand() {
        assert_eq!(
            convert_sql("SEL a FROM t WHERE b IN (SEL b FROM s);"),
            "SELECT a FROM t WHERE b IN (SELECT b FROM s);"
        );
        assert_eq!(
            convert_sql("CT db.t (a INTEGER);"),
            "CREATE TABLE db.t (a INTEGER);"
        );
        assert_eq!(
            convert_sql("DEL FROM t WHERE d < 1;"),
            "DELETE FROM t WHERE d < 1;"
        );
        assert_eq!(convert_sql("UPD t SET a = 1;"), "UPDATE t SET a = 1;");
        assert_eq!(
            convert_sql("INS INTO t VALUES (1);"),
            "INSERT INTO t VALUES (1);"
        );
        assert_eq!(
            convert_sql("SELECT x.sel FROM t x;"),
            "SELECT x.sel FROM t x;"
        );
    }

    #[test]
    fn not_equal_spellings() {
        assert_eq!(
            convert_sql("WHERE a NOT= b AND c ^= 0 AND d ~= 1 AND e NOT = f"),
            "WHERE a <> b AND c <> 0 AND d <> 1 AND e <> f"
        );
        assert_eq!(convert_sql("WHERE NOT a = b"), "WHERE NOT a = b");
    }

    #[test]
    fn comparison_words_only_between_operands() {
        assert_eq!(
            convert_sql("WHERE amt GE 100 AND cnt NE 0 AND x LT (1)"),
            "WHERE amt >= 100 AND cnt <> 0 AND x < (1)"
        );
        assert_eq!(
            convert_sql("SELECT ge, lt AS eq FROM t"),
            "SELECT ge, lt AS eq FROM t"
        );
    }

    #[test]
    fn mod_and_power() {
        assert_eq!(
            convert_sql("WHERE acct_id MOD 10 = 3 AND MOD(a, 2) = 0"),
            "WHERE acct_id % 10 = 3 AND MOD(a, 2) = 0"
        );
        assert_eq!(
            convert_sql("SELECT (1 + r) ** n, t.a**2, 2 ** -1 FROM rates t"),
            "SELECT POWER((1 + r), n), POWER(t.a, 2), POWER(2, -1) FROM rates t"
        );
        // Found by fuzzing: `POWER(` after a stray leading dot made `.POWER(…` a dot-command.
        assert_eq!(convert_sql("._**e"), "POWER(._, e)");
        assert_eq!(convert_sql("..t**o"), "POWER(..t, o)");
        // Line breaks and comments around `**` stay.
        assert_eq!(
            convert_sql("SELECT a\n** b, c ** /* x */ d FROM t"),
            "SELECT POWER(a\n, b), POWER(c , /* x */ d) FROM t"
        );
        // Found by fuzzing: LIKE ALL took the exponent alone for its operand, and its rewrite
        // overlapped only POWER's `)`, so POWER applied without it. The power is the operand, and
        // POWER's edits apply together or not at all.
        assert_eq!(
            convert_sql("SELECT a**I LIKE ALL ('x%','y%'), b MOD 2 = ANY (1) FROM t"),
            "SELECT (POWER(a, I) LIKE 'x%' AND POWER(a, I) LIKE 'y%'), b % 2 IN (1) FROM t"
        );
    }

    #[test]
    fn minus_becomes_except_and_all_is_flagged() {
        assert_eq!(
            convert_sql("SELECT id FROM a MINUS SELECT id FROM b;"),
            "SELECT id FROM a EXCEPT SELECT id FROM b;"
        );
        assert_eq!(
            codes("SELECT id FROM a MINUS ALL SELECT id FROM b;"),
            vec!["TD006"]
        );
        assert_eq!(
            codes("SELECT id FROM a INTERSECT ALL SELECT id FROM b;"),
            vec!["TD006"]
        );
        assert!(codes("SELECT id FROM a INTERSECT SELECT id FROM b;").is_empty());
    }

    #[test]
    fn top_moves_to_limit() {
        assert_eq!(
            convert_sql("SELECT TOP 10 cust_id, bal FROM acct ORDER BY bal DESC;"),
            "SELECT cust_id, bal FROM acct ORDER BY bal DESC NULLS LAST LIMIT 10;"
        );
        assert_eq!(
            convert_sql("INSERT INTO t SELECT DISTINCT TOP 5 a FROM s"),
            "INSERT INTO t SELECT DISTINCT a FROM s LIMIT 5"
        );
        assert_eq!(
            convert_sql("SELECT * FROM (SELECT TOP 3 a FROM s) x;"),
            "SELECT * FROM (SELECT a FROM s LIMIT 3) x;"
        );
        assert_eq!(codes("SELECT TOP 10 PERCENT a FROM s;"), vec!["TD007"]);
        // Redshift takes TOP in a set operation's branch; LIMIT would cut the whole result.
        for kept in [
            "SELECT a FROM t1 UNION ALL SELECT TOP 5 a FROM t2 ORDER BY 1 NULLS FIRST;",
            "SELECT TOP 5 a FROM t1 UNION SELECT a FROM t2;",
            "SELECT * FROM (SELECT a FROM t1 EXCEPT SELECT TOP 2 a FROM t2) x;",
        ] {
            assert_eq!(convert_sql(kept), kept);
        }
        // A call's parentheses inside the query do not end it.
        assert_eq!(
            convert_sql("SEL TOP 10 cc, SUM(amt) AS total FROM gl GROUP BY 1 ORDER BY 2 DESC;"),
            "SELECT cc, SUM(amt) AS total FROM gl GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT 10;"
        );
        assert_eq!(
            convert_sql("SELECT * FROM (SELECT TOP 3 MAX(a) m FROM s) x;"),
            "SELECT * FROM (SELECT MAX(a) m FROM s LIMIT 3) x;"
        );
    }

    #[test]
    fn delete_all_and_insert_into() {
        assert_eq!(
            convert_sql("DEL ${STG}.tmp ALL;"),
            "DELETE FROM ${STG}.tmp;"
        );
        assert_eq!(convert_sql("Delete from X All\n;"), "Delete from X\n;");
        assert_eq!(convert_sql("DELETE FROM t ALL;"), "DELETE FROM t;");
        assert_eq!(
            convert_sql("INSERT stg.t SELECT * FROM src.t;"),
            "INSERT INTO stg.t SELECT * FROM src.t;"
        );
        assert_eq!(
            convert_sql("INS stg.t VALUES (1);"),
            "INSERT INTO stg.t VALUES (1);"
        );
    }
}
