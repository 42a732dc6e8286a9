//! TD070–TD084: Teradata DML and query forms that Redshift writes differently: UPDATE and DELETE
//! with a FROM list, MERGE, QUALIFY, quantified LIKE and comparisons over lists, SAMPLE, macro
//! calls and host variables.
//!
//! A rule that changes several places of a statement (an UPDATE whose FROM list moves and whose
//! alias references are renamed) hands them to the engine as ONE edit, so they are applied
//! together or not at all: a half-applied rename would leave references to an alias that no
//! longer exists.

use crate::diagnostic::Severity;
use crate::rules::sql::{Findings, SqlCheck, cased};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Keywords, Kind, Statement, WordSet};
use crate::syntax::lexer::TokenKind;
use crate::syntax::span::Span;
use crate::text::Upper;

pub const UPDATE_FROM: Rule = Rule {
    code: "TD070",
    name: "update-from",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`UPDATE a FROM t a, s SET … WHERE …` becomes `UPDATE t SET … FROM s WHERE …`",
    doc: "Teradata names the target of a joined UPDATE first (by its alias or its name) and lists \
it again in the FROM clause; Redshift names the table after UPDATE and lists only the other \
tables after SET. The target leaves the FROM list, its alias is dropped and `a.` references \
become references by the table's bare name (`t.` for `db.t`), which Redshift accepts for the \
target. A qualified column on the left of a SET assignment loses its qualifier (Redshift, like \
PostgreSQL, rejects `SET a.c = …`). When the target is not in the FROM list it is the table \
itself and every listed table is a source. A target listed twice, a target that is a derived \
table or part of a JOIN, or an alias that is reused elsewhere in the statement (for example in a \
subquery) cannot be mapped safely: the statement is kept and reported.\n\nBefore:\n```\nUPDATE \
tgt\nFROM ${DB}.ACCT tgt, ${STG}.ACCT_DELTA src\nSET BAL = src.BAL\nWHERE tgt.ACCT_ID = \
src.ACCT_ID;\n```\nAfter:\n```\nUPDATE ${DB}.ACCT\nSET BAL = src.BAL\nFROM ${STG}.ACCT_DELTA src\n\
WHERE ACCT.ACCT_ID = src.ACCT_ID;\n```",
};

pub const DELETE_USING: Rule = Rule {
    code: "TD071",
    name: "delete-using",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`DELETE a FROM t a, s WHERE …` becomes `DELETE FROM t USING s WHERE …`",
    doc: "Teradata names the table to delete from before FROM and joins the others in the FROM \
list; Redshift deletes from the table after FROM and joins the others with USING. Redshift's \
DELETE takes no alias, so a target alias (also in `DELETE FROM t a WHERE …`) is dropped and `a.` \
references become `t.` (the table's bare name). A target listed twice or an alias reused \
elsewhere is kept and reported, and so is `DELETE FROM t, s` without a named target.\n\n\
Before:\n```\nDEL a FROM ${DB}.ACCT a, ${STG}.CLOSED c WHERE a.ACCT_ID = c.ACCT_ID;\n```\n\
After:\n```\nDELETE FROM ${DB}.ACCT USING ${STG}.CLOSED c WHERE ACCT.ACCT_ID = c.ACCT_ID;\n```",
};

pub const MERGE: Rule = Rule {
    code: "TD072",
    name: "merge",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "MERGE: the target alias is dropped, `INSERT (values)` gets `VALUES`, target qualifiers leave SET and column lists",
    doc: "Redshift's MERGE takes no alias for the target table: the alias is dropped and `a.` \
references become references by the table's bare name. Teradata accepts `WHEN NOT MATCHED THEN \
INSERT (src.a, 'M')` with the values list right after INSERT; Redshift needs `VALUES`. A list \
followed by VALUES is a column list and only loses target qualifiers, as does the left side of \
`UPDATE SET`. Redshift runs one WHEN MATCHED clause then one WHEN NOT MATCHED clause: clauses in \
the other order are swapped; a single clause, a `WHEN … AND condition` or a subquery as source \
are reported for review (rewrite as UPDATE … FROM plus INSERT … SELECT, or stage the source in a \
TEMP table). As in Teradata, a target row matched by several source rows is an error at run \
time.\n\nBefore:\n```\nMERGE INTO ${DB}.MEMBER AS tgt USING ${STG}.MEMBER_DELTA src\nON \
(tgt.MBR_ID = src.MBR_ID)\nWHEN MATCHED THEN UPDATE SET tgt.STATUS = src.STATUS\nWHEN NOT MATCHED \
THEN INSERT (src.MBR_ID, src.STATUS);\n```\nAfter:\n```\nMERGE INTO ${DB}.MEMBER USING \
${STG}.MEMBER_DELTA src\nON (MEMBER.MBR_ID = src.MBR_ID)\nWHEN MATCHED THEN UPDATE SET STATUS = \
src.STATUS\nWHEN NOT MATCHED THEN INSERT VALUES (src.MBR_ID, src.STATUS);\n```",
};

pub const QUALIFY: Rule = Rule {
    code: "TD080",
    name: "qualify",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "QUALIFY is kept; a table right before it gets an alias, and QUALIFY over a grouped query moves to a subquery",
    doc: "Redshift supports QUALIFY, but documents that a FROM relation directly before it must \
have an alias: such a table gets its own bare name as alias (`FROM db.t` becomes `FROM db.t AS \
t`), so `t.col` references keep working. Redshift documents nothing about QUALIFY over a grouped \
query (GROUP BY, HAVING or aggregates), so that form is moved into a subquery that means the same \
in both systems: the condition becomes a column `rsqlmig_qualify` of the grouped query and the \
outer query keeps its rows and columns. The outer query lists the select items by name, so every \
item needs one (a column or an alias), and a following ORDER BY may only use those names or \
positions; otherwise, and with TOP or a set operation, the query is kept and reported.\n\n\
Before:\n```\nSELECT STORE_ID, SUM(AMT) AS TOT FROM ${DB}.SALES GROUP BY 1\nQUALIFY RANK() OVER \
(ORDER BY TOT DESC) <= 10;\n```\nAfter:\n```\nSELECT STORE_ID, TOT FROM (SELECT STORE_ID, \
SUM(AMT) AS TOT, (RANK() OVER (ORDER BY TOT DESC NULLS LAST) <= 10) AS rsqlmig_qualify FROM ${DB}.SALES \
GROUP BY 1\n) AS q WHERE rsqlmig_qualify;\n```",
};

pub const LIKE_ANY: Rule = Rule {
    code: "TD081",
    name: "like-any",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`x LIKE ANY|SOME|ALL (…)` becomes ORs / ANDs of LIKEs; `= ANY (list)` becomes `IN`, `<> ALL (list)` `NOT IN`",
    doc: "Redshift has no quantified LIKE and no ANY/SOME/ALL over a value list. `LIKE ANY` and \
`LIKE SOME` become LIKEs joined by OR, `LIKE ALL` by AND, each with the ESCAPE clause of the \
original. The meaning is Teradata's exactly: `x NOT LIKE ANY ('a%', 'b%')` is true when x fails \
to match at least one pattern, so it becomes `(x NOT LIKE 'a%' OR x NOT LIKE 'b%')`; to exclude \
every pattern Teradata needs `NOT LIKE ALL`. `= ANY|SOME (list)` becomes `IN (list)` and `<> \
ALL (list)` becomes `NOT IN (list)`; other comparisons are expanded like LIKE. A subquery after \
`= ANY` is valid Redshift and kept; after LIKE it is reported (rewrite with EXISTS).\n\n\
Before:\n```\nWHERE PROD_CD LIKE ANY ('GOLD%', 'PLAT%') AND STATUS = ANY ('A', 'S')\n```\n\
After:\n```\nWHERE (PROD_CD LIKE 'GOLD%' OR PROD_CD LIKE 'PLAT%') AND STATUS IN ('A', 'S')\n```",
};

pub const SAMPLE: Rule = Rule {
    code: "TD082",
    name: "sample",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`SELECT … SAMPLE n` becomes `… ORDER BY RANDOM() LIMIT n`; fractions, several samples and ordered queries are flagged",
    doc: "A random sample of n rows is the first n rows in random order. The rewrite applies to a \
single integer row count at the end of a query. A fraction (`SAMPLE .25`), several samples \
(`SAMPLE 10, 20`), sampling options, a query that already has ORDER BY or a row limit, or a \
branch of a set operation cannot be rewritten this way: the query is kept as is (SAMPLE is never \
dropped) and reported as an error to fix by hand.\n\nBefore:\n```\nSELECT ACCT_ID FROM \
${DB}.ACCT WHERE STATUS = 'A' SAMPLE 100;\n```\nAfter:\n```\nSELECT ACCT_ID FROM ${DB}.ACCT \
WHERE STATUS = 'A' ORDER BY RANDOM() LIMIT 100;\n```",
};

pub const EXEC_MACRO: Rule = Rule {
    code: "TD083",
    name: "exec-macro",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`EXEC macro(…)` is kept and flagged: convert the macro to a stored procedure and CALL it",
    doc: "Redshift has no macros. The macro has to be rewritten as a stored procedure \
(`CREATE PROCEDURE … LANGUAGE plpgsql`), after which the call becomes `CALL proc(…)`. The \
statement is kept until then, so the job fails visibly instead of silently skipping the \
step.\n\nBefore:\n```\nEXEC ETL.OPEN_ETL_PRCSS('DLY_LOAD', NULL);\n```\nAfter:\n```\n-- rsqlmig: \
TD083 EXEC runs a Teradata macro: ...\nEXEC ETL.OPEN_ETL_PRCSS('DLY_LOAD', NULL);\n```",
};

pub const ATOMIC_UPSERT: Rule = Rule {
    code: "TD087",
    name: "atomic-upsert",
    kind: RuleKind::Convert,
    severity: Severity::Error,
    summary: "Teradata's atomic upsert `UPDATE … ELSE INSERT …` is kept and flagged: rewrite it as MERGE",
    doc: "`UPDATE t SET … WHERE k = 1 ELSE INSERT INTO t VALUES (…)` updates the row or, when \
none matched, inserts one, in one statement. Redshift has no such form; MERGE does the same \
(`MERGE INTO t USING (SELECT 1 AS k) s ON t.k = s.k WHEN MATCHED THEN UPDATE SET … WHEN NOT \
MATCHED THEN INSERT VALUES (…)`). The statement is kept unchanged, UPDATE rules included, with \
an action item.\n\nBefore:\n```\nUPDATE t SET n = n + 1 WHERE k = 1 ELSE INSERT INTO t VALUES \
(1, 1);\n```\nAfter:\n```\n-- rsqlmig: TD087 Teradata's atomic upsert has no Redshift form …\n\
UPDATE t SET n = n + 1 WHERE k = 1 ELSE INSERT INTO t VALUES (1, 1);\n```",
};

pub const HOST_VARIABLES: Rule = Rule {
    code: "TD084",
    name: "host-variables",
    kind: RuleKind::Convert,
    severity: Severity::Error,
    summary: "`:name` host variables outside a USING request are flagged: RSQL reads them as its own variables",
    doc: "In BTEQ `:name` is fed by a `USING` clause (and `.IMPORT`), or is a macro parameter. \
RSQL substitutes `:name` with its own variable of that name, or leaves it for the server to \
reject, so the request cannot run as written. It is kept and reported: use a literal, an RSQL \
variable set with `\\set`, or a stored procedure parameter. Requests that start with USING are \
handled by the `.IMPORT` conversion; `::` casts and text in strings and comments are not \
variables.\n\nBefore:\n```\nUPDATE ${DB}.BTCH SET STUS = 'RUN' WHERE BTCH_ID = :BTCH_ID;\n```\n\
After:\n```\n-- rsqlmig: TD084 host variable :BTCH_ID outside a USING request: ...\nUPDATE \
${DB}.BTCH SET STUS = 'RUN' WHERE BTCH_ID = :BTCH_ID;\n```",
};

pub const RULES: &[&Rule] = &[
    &UPDATE_FROM,
    &DELETE_USING,
    &MERGE,
    &QUALIFY,
    &LIKE_ANY,
    &SAMPLE,
    &EXEC_MACRO,
    &ATOMIC_UPSERT,
    &HOST_VARIABLES,
];

pub const CHECKS: &[SqlCheck] = &[
    SqlCheck {
        rule: &UPDATE_FROM,
        check: update_from,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &DELETE_USING,
        check: delete_using,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &MERGE,
        check: merge,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &QUALIFY,
        check: qualify,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &LIKE_ANY,
        check: like_any,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &SAMPLE,
        check: sample,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &EXEC_MACRO,
        check: exec_macro,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &ATOMIC_UPSERT,
        check: atomic_upsert,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &HOST_VARIABLES,
        check: host_variables,
        redshift_valid: false,
    },
];

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The edits of one rewrite, handed to the engine as one edit.
#[derive(Default)]
struct Rewrite {
    edits: Vec<(usize, usize, String)>,
}

impl Rewrite {
    fn replace(&mut self, span: Span, text: impl Into<String>) {
        self.edits
            .push((span.start as usize, span.end as usize, text.into()));
    }

    fn insert(&mut self, at: u32, text: impl Into<String>) {
        self.edits.push((at as usize, at as usize, text.into()));
    }

    fn delete(&mut self, start: u32, end: u32) {
        self.edits
            .push((start as usize, end as usize, String::new()));
    }

    /// Whether an edit belongs to `lo..hi` (an insertion at `hi` belongs to what follows).
    fn within(e: &(usize, usize, String), lo: usize, hi: usize) -> bool {
        e.0 >= lo && e.1 <= hi && (e.0 < hi || lo == hi)
    }

    /// `src[lo..hi]` with the edits inside it applied.
    fn render(&self, src: &str, lo: usize, hi: usize) -> Option<String> {
        let mut inside: Vec<&(usize, usize, String)> = self
            .edits
            .iter()
            .filter(|e| Self::within(e, lo, hi))
            .collect();
        inside.sort_by_key(|e| (e.0, e.1));
        let mut text = String::new();
        let mut pos = lo;
        for (a, b, t) in inside {
            if *a < pos {
                return None;
            }
            text.push_str(&src[pos..*a]);
            text.push_str(t);
            pos = *b;
        }
        text.push_str(&src[pos..hi]);
        Some(text)
    }

    /// Swaps the (already edited) text of `a` and `b`, `a` before `b`; the text between stays.
    fn swap(&mut self, src: &str, a: (usize, usize), b: (usize, usize)) -> Option<()> {
        let first = self.render(src, a.0, a.1)?;
        let gap = self.render(src, a.1, b.0)?;
        let second = self.render(src, b.0, b.1)?;
        self.edits.retain(|e| !Self::within(e, a.0, b.1));
        self.edits.push((a.0, b.1, format!("{second}{gap}{first}")));
        Some(())
    }

    /// Adds the edits to `out` as one replacement from the first edit to the last. Edits that
    /// overlap one another (a bug) are dropped rather than applied wrongly.
    fn commit(mut self, src: &str, out: &mut Findings) {
        if self.edits.is_empty() {
            return;
        }
        self.edits.sort_by_key(|e| (e.0, e.1));
        let start = self.edits[0].0;
        let end = self.edits.iter().map(|e| e.1).max().unwrap_or(start);
        if let Some(text) = self.render(src, start, end.max(start)) {
            // `render` leaves out an insertion at `end` when `end > start`: add it here.
            let tail: String = self
                .edits
                .iter()
                .filter(|e| e.0 == end && e.1 == end && end > start)
                .map(|e| e.2.as_str())
                .collect();
            out.replace(Span::new(start, end), format!("{text}{tail}"));
        }
    }
}

/// Words that end a table reference or an expression rather than name an alias.
const NOT_ALIASES: Keywords = Keywords::new(&[
    "FROM",
    "WHERE",
    "SET",
    "USING",
    "ON",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "OUTER",
    "NATURAL",
    "GROUP",
    "ORDER",
    "HAVING",
    "QUALIFY",
    "UNION",
    "EXCEPT",
    "MINUS",
    "INTERSECT",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "AS",
    "SAMPLE",
    "LIMIT",
    "AND",
    "OR",
    "NOT",
    "WITH",
    "VALUES",
    "SELECT",
    "SEL",
    "INTO",
    "ALL",
    "BY",
    "IS",
    "IN",
    "LIKE",
    "BETWEEN",
    "NULL",
]);

/// Whether token `i` can be an alias.
fn is_alias(s: &Statement, i: usize) -> bool {
    match s.kind_of(i) {
        Some(TokenKind::Word) => !s.is_in(i, &NOT_ALIASES),
        Some(TokenKind::QuotedIdent) => true,
        _ => false,
    }
}

/// Identifier equality: case-insensitive unless quoted.
fn same_ident(a: &str, b: &str) -> bool {
    if a.starts_with('"') || b.starts_with('"') {
        a == b
    } else {
        a.eq_ignore_ascii_case(b)
    }
}

/// The tokens `a..=b` concatenated without what lies between them (`db . t` is `db.t`).
fn chain_text(s: &Statement, a: usize, b: usize) -> String {
    (a..=b).map(|i| s.text(i)).collect()
}

fn adjacent(s: &Statement, a: usize, b: usize) -> bool {
    s.span(a).end == s.span(b).start
}

/// The first token of the name part (adjacent words and placeholders) that ends at `i`.
fn part_start(s: &Statement, mut i: usize) -> usize {
    while i > 0 && s.is_name_part(i - 1) && s.is_name_part(i) && adjacent(s, i - 1, i) {
        i -= 1;
    }
    i
}

/// The last token of the name part that starts at `i`.
fn part_end(s: &Statement, mut i: usize) -> usize {
    while s.is_name_part(i + 1) && adjacent(s, i, i + 1) {
        i += 1;
    }
    i
}

/// The first token of the last part of the name `first..=last` (`t` in `db.t`).
fn bare_start(s: &Statement, first: usize, last: usize) -> usize {
    (first..=last)
        .rev()
        .find(|&k| s.kind_of(k) == Some(TokenKind::Dot))
        .map_or(first, |k| k + 1)
}

/// The name parts in `from..to` as inclusive token ranges.
fn parts(s: &Statement, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to.min(s.len()) {
        if s.is_name_part(i) {
            let end = part_end(s, i);
            out.push((i, end));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether the part `(a, b)` is a qualifier: `x.` not preceded by a dot.
fn is_qualifier(s: &Statement, a: usize, b: usize) -> bool {
    s.kind_of(b + 1) == Some(TokenKind::Dot) && !(a > 0 && s.kind_of(a - 1) == Some(TokenKind::Dot))
}

/// The first token of the dotted name whose part starts at `a`.
fn chain_start(s: &Statement, a: usize) -> usize {
    let mut start = a;
    while start >= 2 && s.kind_of(start - 1) == Some(TokenKind::Dot) && s.is_name_part(start - 2) {
        start = part_start(s, start - 2);
    }
    start
}

/// Whether a table reference can start at `i`: after FROM, JOIN or USING, or after a comma of
/// a FROM list.
fn in_from_list(s: &Statement, i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let prev = i - 1;
    if s.is_any(prev, &["FROM", "JOIN", "USING"]) {
        return true;
    }
    if s.kind_of(prev) != Some(TokenKind::Comma) {
        return false;
    }
    let d = s.depth[prev];
    (0..prev)
        .rev()
        .take_while(|&k| s.depth[k] >= d)
        .find(|&k| {
            s.depth[k] == d
                && s.is_any(
                    k,
                    &[
                        "FROM", "USING", "SELECT", "SEL", "WHERE", "SET", "GROUP", "ORDER",
                        "HAVING", "QUALIFY", "VALUES", "ON", "BY",
                    ],
                )
        })
        .is_some_and(|k| s.is_any(k, &["FROM", "USING"]))
}

/// Whether the name part `(a, b)` makes a relation name visible: a table listed without alias
/// (`FROM db.t` makes `t` visible) or an alias (`FROM u t`, `AS t`).
fn defines_relation(s: &Statement, a: usize, b: usize) -> bool {
    if s.kind_of(b + 1) == Some(TokenKind::Dot) {
        return false; // a qualifier or a schema
    }
    let aliased = s.is(b + 1, "AS") || is_alias(s, b + 1);
    let start = chain_start(s, a);
    if start < a {
        return in_from_list(s, start) && !aliased;
    }
    if a == 0 {
        return false;
    }
    if s.is(a - 1, "AS") || in_from_list(s, a) && !aliased {
        return true;
    }
    // `FROM u t`: an alias right after a table or derived table.
    match s.kind_of(a - 1) {
        Some(TokenKind::RParen) => s.partner(a - 1).is_some_and(|o| in_from_list(s, o)),
        Some(TokenKind::Word | TokenKind::QuotedIdent | TokenKind::Placeholder) => {
            !s.is_in(a - 1, &NOT_ALIASES) && in_from_list(s, chain_start(s, part_start(s, a - 1)))
        }
        _ => false,
    }
}

/// Whether another relation of the statement (outside the token ranges `skip`) is visible
/// under `name`: renaming references to or from it would change what they mean.
fn defined_elsewhere(s: &Statement, name: &str, skip: &[(usize, usize)]) -> bool {
    // A part's tokens touch (`part_end`), so its text is its source slice: no allocation.
    parts(s, 0, s.len()).into_iter().any(|(a, b)| {
        !skip.iter().any(|&(x, y)| a >= x && b <= y)
            && same_ident(s.slice(a, b), name)
            && defines_relation(s, a, b)
    })
}

/// The qualifier parts `name.` in `from..to` not in `claimed`.
fn qualifier_refs(
    s: &Statement,
    name: &str,
    from: usize,
    to: usize,
    claimed: &[usize],
) -> Vec<(usize, usize)> {
    parts(s, from, to)
        .into_iter()
        .filter(|&(a, b)| {
            !claimed.contains(&a) && is_qualifier(s, a, b) && same_ident(s.slice(a, b), name)
        })
        .collect()
}

/// Inclusive ranges of the comma-separated parts of `from..to` at `depth`.
fn split_commas(s: &Statement, from: usize, to: usize, depth: u32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = from;
    for i in from..to {
        if s.depth[i] == depth && s.kind_of(i) == Some(TokenKind::Comma) {
            if start < i {
                out.push((start, i - 1));
            }
            start = i + 1;
        }
    }
    if start < to {
        out.push((start, to - 1));
    }
    out
}

/// One entry of a FROM list.
struct Item {
    first: usize,
    last: usize,
    /// The last token of the table name (or the `)` of a derived table).
    name_last: usize,
    alias: Option<usize>,
    derived: bool,
    /// A table or derived table with at most an alias (no JOIN, no column list).
    simple: bool,
}

impl Item {
    fn parse(s: &Statement, first: usize, last: usize) -> Item {
        let (name_last, derived) = if s.kind_of(first) == Some(TokenKind::LParen) {
            (s.partner(first).unwrap_or(last), true)
        } else {
            (s.name_end(first).unwrap_or(last), false)
        };
        let mut item = Item {
            first,
            last,
            name_last,
            alias: None,
            derived,
            simple: false,
        };
        if !derived && !s.is_name_part(first) {
            return item;
        }
        let k = name_last + 1;
        if k > last {
            item.simple = name_last == last;
        } else if k == last && is_alias(s, k) {
            item.alias = Some(k);
            item.simple = true;
        } else if k + 1 == last && s.is(k, "AS") && is_alias(s, last) {
            item.alias = Some(last);
            item.simple = true;
        }
        item
    }

    fn bare<'a>(&self, s: &Statement<'a>) -> &'a str {
        s.slice(bare_start(s, self.first, self.name_last), self.name_last)
    }
}

fn table_items(s: &Statement, from: usize, to: usize, depth: u32) -> Vec<Item> {
    split_commas(s, from, to, depth)
        .into_iter()
        .map(|(a, b)| Item::parse(s, a, b))
        .collect()
}

/// The text of the FROM list `items` without item `k`, keeping the separators of the others.
fn list_without<'a>(s: &Statement<'a>, items: &[Item], k: usize) -> String {
    let n = items.len();
    let start = s.span(items[0].first).start as usize;
    let end = s.span(items[n - 1].last).end as usize;
    if n == 1 {
        return String::new();
    }
    let (cut_a, cut_b) = if k + 1 < n {
        (
            s.span(items[k].first).start as usize,
            s.span(items[k + 1].first).start as usize,
        )
    } else {
        (
            s.span(items[k - 1].last).end as usize,
            s.span(items[k].last).end as usize,
        )
    };
    format!("{}{}", &s.src[start..cut_a], &s.src[cut_b..end])
}

/// Which FROM-list entry the target named `n_first..=n_last` of an UPDATE or DELETE is:
/// `Ok(Some(k))`, `Ok(None)` when it is not listed (it is then the table itself), or why it
/// cannot be told.
fn find_target(
    s: &Statement,
    n_first: usize,
    n_last: usize,
    clause_alias: Option<usize>,
    items: &[Item],
) -> Result<Option<usize>, &'static str> {
    let n_text = chain_text(s, n_first, n_last);
    let single = !(n_first..=n_last).any(|k| s.kind_of(k) == Some(TokenKind::Dot));
    let matches: Vec<usize> = (0..items.len())
        .filter(|&k| {
            let it = &items[k];
            if !it.simple {
                return false;
            }
            match it.alias {
                Some(a) => {
                    clause_alias.is_none() && single && same_ident(s.text(a), &n_text)
                        || clause_alias.is_some_and(|c| same_ident(s.text(a), s.text(c)))
                }
                None => {
                    !it.derived
                        && (same_ident(&chain_text(s, it.first, it.name_last), &n_text)
                            || single && same_ident(it.bare(s), &n_text))
                }
            }
        })
        .collect();
    if matches.len() > 1 {
        return Err("the target is listed more than once in the FROM list");
    }
    if let Some(&k) = matches.first() {
        if items[k].derived {
            return Err("the target is a derived table");
        }
        if clause_alias.is_some() {
            return Err("the target is named with an alias and listed again in the FROM list");
        }
        return Ok(Some(k));
    }
    // Not a simple entry: inside a JOIN, or listed under another alias.
    for it in items {
        let hidden = if it.simple {
            it.alias.is_some() && !it.derived && single && same_ident(it.bare(s), &n_text)
        } else {
            parts(s, it.first, it.last + 1)
                .iter()
                .any(|&(a, b)| same_ident(&chain_text(s, a, b), &n_text))
        };
        if hidden {
            return Err(if it.simple {
                "the target table is also listed under another alias"
            } else {
                "the target is part of a JOIN in the FROM list"
            });
        }
    }
    Ok(None)
}

/// Removes target qualifiers from the left side of the assignments in `set+1..=last`
/// (`SET a.c = 1` becomes `SET c = 1`). Returns the first tokens of the removed qualifiers.
fn strip_set_qualifiers(
    s: &Statement,
    set: usize,
    last: usize,
    quals: &[String],
    rw: &mut Rewrite,
) -> Vec<usize> {
    let depth = s.depth[set];
    let mut claimed = Vec::new();
    for (a, _) in split_commas(s, set + 1, last + 1, depth) {
        let Some(e) = s.name_end(a) else { continue };
        if !s.is_op(e + 1, "=") {
            continue;
        }
        strip_qualifier(s, a, e, quals, rw, &mut claimed);
    }
    claimed
}

/// Removes the qualifier of the name `a..=e` if it is one of `quals`.
fn strip_qualifier(
    s: &Statement,
    a: usize,
    e: usize,
    quals: &[String],
    rw: &mut Rewrite,
    claimed: &mut Vec<usize>,
) {
    let Some(dot) = (a..=e)
        .rev()
        .find(|&k| s.kind_of(k) == Some(TokenKind::Dot))
    else {
        return;
    };
    let qual = chain_text(s, a, dot - 1);
    if quals.iter().any(|q| same_ident(q, &qual)) {
        rw.delete(s.span(a).start, s.span(dot).end);
        claimed.push(a);
    }
}

/// Renames `alias.` references to `bare.` in `from..to`, except the qualifiers in `claimed`.
fn rename_refs(
    s: &Statement,
    alias: &str,
    bare: &str,
    from: usize,
    to: usize,
    claimed: &[usize],
    rw: &mut Rewrite,
) {
    for (a, b) in qualifier_refs(s, alias, from, to, claimed) {
        rw.replace(s.range(a, b), bare);
    }
}

fn statement_span(s: &Statement) -> Span {
    s.range(s.body, s.len() - 1)
}

// ---------------------------------------------------------------------------------------------
// TD070 UPDATE … FROM
// ---------------------------------------------------------------------------------------------

fn update_from(s: &Statement, out: &mut Findings) {
    if s.kind != Kind::Update || !s.is_name_part(s.body + 1) || upsert_else(s).is_some() {
        return;
    }
    let n_first = s.body + 1;
    let Some(n_last) = s.name_end(n_first) else {
        return;
    };
    // `UPDATE t [AS] a FROM …` / `UPDATE t a SET …`: an alias in the UPDATE clause.
    let (clause_alias, clause_last) = if s.is(n_last + 1, "AS") && is_alias(s, n_last + 2) {
        (Some(n_last + 2), n_last + 2)
    } else if is_alias(s, n_last + 1) {
        (Some(n_last + 1), n_last + 1)
    } else {
        (None, n_last)
    };
    let from = clause_last + 1;
    let Some(set) = s.find(from, s.len(), 0, "SET") else {
        return;
    };
    let where_at = s.find(set + 1, s.len(), 0, "WHERE");
    let set_last = where_at.map_or(s.len() - 1, |w| w - 1);
    if set_last <= set {
        return;
    }
    let mut quals = vec![chain_text(s, n_first, n_last), bare_of(s, n_first, n_last)];
    if let Some(a) = clause_alias {
        quals.push(s.text(a).to_string());
    }
    let mut rw = Rewrite::default();
    if !s.is(from, "FROM") {
        // Already Redshift's shape: only the SET qualifiers.
        strip_set_qualifiers(s, set, set_last, &quals, &mut rw);
        rw.commit(s.src, out);
        return;
    }
    let items = table_items(s, from + 1, set, 0);
    if items.is_empty() {
        return;
    }
    let target = match find_target(s, n_first, n_last, clause_alias, &items) {
        Ok(t) => t,
        Err(why) => {
            out.report(
                &UPDATE_FROM,
                Severity::Warning,
                statement_span(s),
                format!("UPDATE with a FROM list kept: {why}; rewrite it as UPDATE t SET ... FROM others WHERE ..."),
            );
            return;
        }
    };
    let (t_first, t_last, alias) = match target {
        Some(k) => (items[k].first, items[k].name_last, items[k].alias),
        None => (n_first, n_last, clause_alias),
    };
    let bare = bare_of(s, t_first, t_last);
    quals.push(chain_text(s, t_first, t_last));
    quals.push(bare.clone());
    let list_last = set - 1;
    let mut skip = vec![(n_first, clause_last), (t_first, t_last)];
    if let Some(k) = target {
        skip.push((items[k].first, items[k].last));
    }
    if let Some(a) = alias.filter(|&a| !same_ident(s.text(a), &bare)) {
        let name = s.text(a);
        let reason = if defined_elsewhere(s, name, &skip) {
            Some("its alias names another table elsewhere in the statement")
        } else if defined_elsewhere(s, &bare, &skip) {
            Some("another table of the statement is visible under the target's name")
        } else if !qualifier_refs(s, name, from, set, &[]).is_empty() {
            Some("the FROM list refers to the target alias")
        } else {
            None
        };
        if let Some(why) = reason {
            out.report(
                &UPDATE_FROM,
                Severity::Warning,
                statement_span(s),
                format!("UPDATE with a FROM list kept: {why}, so the alias cannot be replaced by the table name"),
            );
            return;
        }
    }
    // The UPDATE clause names the table.
    if let Some(k) = target
        && chain_text(s, n_first, n_last) != chain_text(s, items[k].first, items[k].name_last)
    {
        rw.replace(
            s.range(n_first, n_last),
            s.slice(items[k].first, items[k].name_last),
        );
    }
    // The clause alias and the FROM list leave; the other tables follow SET. A comment before
    // FROM stays where it is.
    let before_from = s.gap(clause_last, from);
    let before_set = s.gap(list_last, set);
    let comment_stays = !before_from.trim().is_empty() && before_set.trim().is_empty();
    if comment_stays {
        if clause_last > n_last {
            rw.delete(s.span(n_last).end, s.span(clause_last).end);
        }
        rw.delete(s.span(from).start, s.span(set).start);
    } else {
        rw.delete(s.span(n_last).end, s.span(list_last).end);
    }
    let others = match target {
        Some(k) => list_without(s, &items, k),
        None => s
            .slice(items[0].first, items[items.len() - 1].last)
            .to_string(),
    };
    if !others.is_empty() {
        // The FROM list goes on its own line when WHERE starts one and it did not.
        let moved_gap = if comment_stays {
            before_set
        } else {
            before_from
        };
        let line_break = where_at
            .map(|w| s.gap(set_last, w))
            .filter(|_| !moved_gap.contains('\n'))
            .and_then(|g| {
                let n = g.rfind('\n')?;
                let n = if g[..n].ends_with('\r') { n - 1 } else { n };
                Some(g[n..].to_string())
            });
        let before_from = match line_break {
            Some(g) => g,
            None if moved_gap.is_empty() => " ".to_string(),
            None => moved_gap.to_string(),
        };
        let from_kw = &s.src[s.span(from).start as usize..s.span(items[0].first).start as usize];
        rw.insert(
            s.span(set_last).end,
            format!("{before_from}{from_kw}{others}"),
        );
    }
    let claimed = strip_set_qualifiers(s, set, set_last, &quals, &mut rw);
    if let Some(a) = alias.filter(|&a| !same_ident(s.text(a), &bare)) {
        rename_refs(s, s.text(a), &bare, set, s.len(), &claimed, &mut rw);
    }
    rw.commit(s.src, out);
}

/// The bare name (last part) of the name `first..=last`.
fn bare_of(s: &Statement, first: usize, last: usize) -> String {
    s.slice(bare_start(s, first, last), last).to_string()
}

// ---------------------------------------------------------------------------------------------
// TD071 DELETE … FROM / USING
// ---------------------------------------------------------------------------------------------

fn delete_using(s: &Statement, out: &mut Findings) {
    if s.kind != Kind::Delete {
        return;
    }
    let d = s.body;
    if s.is(d + 1, "FROM") {
        delete_from_alias(s, d + 1, out);
        return;
    }
    let n_first = d + 1;
    let Some(n_last) = s.name_end(n_first) else {
        return;
    };
    let from = n_last + 1;
    if !s.is(from, "FROM") {
        return;
    }
    let end = s.find(from + 1, s.len(), 0, "WHERE").unwrap_or(s.len());
    let items = table_items(s, from + 1, end, 0);
    if items.is_empty() {
        return;
    }
    let target = match find_target(s, n_first, n_last, None, &items) {
        Ok(t) => t,
        Err(why) => {
            out.report(
                &DELETE_USING,
                Severity::Warning,
                statement_span(s),
                format!("DELETE with a FROM list kept: {why}; rewrite it as DELETE FROM t USING others WHERE ..."),
            );
            return;
        }
    };
    let list_first = items[0].first;
    let list_last = items[items.len() - 1].last;
    let mut rw = Rewrite::default();
    let using = cased(s.text(from), "USING");
    // `DELETE a FROM` loses the name before FROM.
    rw.delete(s.span(n_first).start, s.span(from).start);
    let Some(k) = target else {
        rw.replace(
            s.range(list_first, list_last),
            format!(
                "{} {using} {}",
                s.slice(n_first, n_last),
                s.slice(list_first, list_last)
            ),
        );
        rw.commit(s.src, out);
        return;
    };
    let it = &items[k];
    let bare = it.bare(s).to_string();
    let table = s.slice(it.first, it.name_last);
    if let Some(a) = it.alias.filter(|&a| !same_ident(s.text(a), &bare)) {
        let skip = [(n_first, n_last), (it.first, it.last)];
        if defined_elsewhere(s, s.text(a), &skip) || defined_elsewhere(s, &bare, &skip) {
            out.report(
                &DELETE_USING,
                Severity::Warning,
                statement_span(s),
                "DELETE with a FROM list kept: another table of the statement is visible under the target's alias or name, so the alias cannot be replaced by the table name",
            );
            return;
        }
        rename_refs(s, s.text(a), &bare, end, s.len(), &[], &mut rw);
    }
    let others = list_without(s, &items, k);
    let list = if others.is_empty() {
        table.to_string()
    } else {
        format!("{table} {using} {others}")
    };
    rw.replace(s.range(list_first, list_last), list);
    rw.commit(s.src, out);
}

/// `DELETE FROM t a WHERE a.x = 1`: Redshift's DELETE takes no alias.
fn delete_from_alias(s: &Statement, from: usize, out: &mut Findings) {
    let end = s.find(from + 1, s.len(), 0, "WHERE").unwrap_or(s.len());
    // Redshift's `DELETE FROM t USING s1, s2`: the list after USING is not the target's.
    let end = s.find(from + 1, end, 0, "USING").unwrap_or(end);
    let items = table_items(s, from + 1, end, 0);
    if items.len() > 1 {
        out.report(
            &DELETE_USING,
            Severity::Warning,
            statement_span(s),
            "DELETE FROM a list of tables kept: name the table to delete from and join the others with USING (DELETE FROM t USING s WHERE ...)",
        );
        return;
    }
    let Some(it) = items.first() else { return };
    let Some(a) = it.alias.filter(|_| it.simple && !it.derived) else {
        return;
    };
    let bare = it.bare(s).to_string();
    let mut rw = Rewrite::default();
    if !same_ident(s.text(a), &bare) {
        let skip = [(it.first, it.last)];
        if defined_elsewhere(s, s.text(a), &skip) || defined_elsewhere(s, &bare, &skip) {
            out.report(
                &DELETE_USING,
                Severity::Warning,
                statement_span(s),
                "DELETE with an alias kept: another table of the statement is visible under the alias or the table's name, so the alias cannot be replaced by the table name",
            );
            return;
        }
        rename_refs(s, s.text(a), &bare, end, s.len(), &[], &mut rw);
    }
    rw.delete(s.span(it.name_last).end, s.span(a).end);
    rw.commit(s.src, out);
}

// ---------------------------------------------------------------------------------------------
// TD072 MERGE
// ---------------------------------------------------------------------------------------------

fn merge(s: &Statement, out: &mut Findings) {
    if s.kind != Kind::Merge {
        return;
    }
    let mut t = s.body + 1;
    let has_into = s.is(t, "INTO");
    if has_into {
        t += 1;
    }
    let Some(t_last) = s.name_end(t) else { return };
    let (alias, clause_last) = if s.is(t_last + 1, "AS") && is_alias(s, t_last + 2) {
        (Some(t_last + 2), t_last + 2)
    } else if is_alias(s, t_last + 1) {
        (Some(t_last + 1), t_last + 1)
    } else {
        (None, t_last)
    };
    let Some(using) = s.find(clause_last + 1, s.len(), 0, "USING") else {
        return;
    };
    let Some(on) = s.find(using + 1, s.len(), 0, "ON") else {
        return;
    };
    let mut rw = Rewrite::default();
    let mut notes: Vec<&str> = Vec::new();
    if !has_into {
        rw.insert(
            s.span(t).start,
            format!("{} ", cased(s.text(s.body), "INTO")),
        );
    }
    let bare = bare_of(s, t, t_last);
    let mut quals = vec![chain_text(s, t, t_last), bare.clone()];
    let mut rename = None;
    if let Some(a) = alias {
        quals.push(s.text(a).to_string());
        let skip = [(t, clause_last)];
        if defined_elsewhere(s, s.text(a), &skip) || defined_elsewhere(s, &bare, &skip) {
            notes.push("the target alias cannot be dropped (Redshift MERGE takes none) because another table of the statement is visible under the alias or the table's name: rename one of them");
        } else {
            rw.delete(s.span(t_last).end, s.span(clause_last).end);
            if !same_ident(s.text(a), &bare) {
                rename = Some(a);
            }
        }
    }
    if s.kind_of(using + 1) == Some(TokenKind::LParen) {
        notes.push("Redshift documents a table as MERGE source: if it rejects the subquery, stage it in a TEMP table");
    }
    // The WHEN clauses: (first, last, matched).
    let whens: Vec<usize> = (on + 1..s.len())
        .filter(|&k| s.depth[k] == 0 && s.is(k, "WHEN"))
        .collect();
    let mut clauses = Vec::new();
    let mut claimed = Vec::new();
    for (n, &w) in whens.iter().enumerate() {
        let last = whens.get(n + 1).map_or(s.len() - 1, |&next| next - 1);
        let matched = s.is(w + 1, "MATCHED");
        let not_matched = s.is_seq(w + 1, &["NOT", "MATCHED"]);
        if !matched && !not_matched {
            return;
        }
        let after = if matched { w + 2 } else { w + 3 };
        if !s.is(after, "THEN") {
            notes.push("Redshift MERGE has no WHEN ... AND condition: move the condition into the source or split the statement");
        }
        let Some(then) = s.find(after, last + 1, 0, "THEN") else {
            return;
        };
        let action = then + 1;
        if !s.is_any(action, &["UPDATE", "UPD", "INSERT", "INS", "DELETE", "DEL"]) {
            // Malformed, or another statement ran into the MERGE: reordering its clauses would
            // move text that is not a clause.
            out.report(
                &MERGE,
                Severity::Warning,
                statement_span(s),
                "a WHEN clause has no UPDATE, INSERT or DELETE action: the MERGE is left as it is",
            );
            return;
        }
        if s.is_any(action, &["UPDATE", "UPD"]) && s.is(action + 1, "SET") {
            claimed.extend(strip_set_qualifiers(s, action + 1, last, &quals, &mut rw));
        } else if s.is_any(action, &["INSERT", "INS"]) {
            let open = action + 1;
            if s.kind_of(open) == Some(TokenKind::LParen)
                && let Some(close) = s.partner(open)
            {
                if s.is(close + 1, "VALUES") {
                    for (a, _) in s.args(open) {
                        if let Some(e) = s.name_end(a) {
                            strip_qualifier(s, a, e, &quals, &mut rw, &mut claimed);
                        }
                    }
                } else {
                    rw.insert(
                        s.span(open).start,
                        format!("{} ", cased(s.text(action), "VALUES")),
                    );
                }
            }
        }
        clauses.push((w, last, matched));
    }
    if let Some(a) = rename {
        rename_refs(
            s,
            s.text(a),
            &bare,
            clause_last + 1,
            s.len(),
            &claimed,
            &mut rw,
        );
    }
    match clauses.as_slice() {
        [(_, _, true), (_, _, false)] => {}
        [(w1, l1, false), (w2, l2, true)] => {
            let a = (s.span(*w1).start as usize, s.span(*l1).end as usize);
            let b = (s.span(*w2).start as usize, s.span(*l2).end as usize);
            if rw.swap(s.src, a, b).is_none() {
                return;
            }
        }
        _ => notes.push("Redshift MERGE needs one WHEN MATCHED and one WHEN NOT MATCHED clause: rewrite as UPDATE ... FROM and/or INSERT ... SELECT"),
    }
    for note in notes {
        out.report(&MERGE, Severity::Warning, statement_span(s), note);
    }
    rw.commit(s.src, out);
}

// ---------------------------------------------------------------------------------------------
// TD080 QUALIFY
// ---------------------------------------------------------------------------------------------

const AGGREGATES: Keywords = Keywords::new(&[
    "SUM",
    "COUNT",
    "MIN",
    "MAX",
    "AVG",
    "AVERAGE",
    "STDDEV_POP",
    "STDDEV_SAMP",
    "VAR_POP",
    "VAR_SAMP",
    "LISTAGG",
]);

/// Whether `from..to` calls an aggregate (not a window function), outside subqueries.
fn has_aggregate(s: &Statement, from: usize, to: usize) -> bool {
    let mut k = from;
    while k < to {
        if s.kind_of(k) == Some(TokenKind::LParen) && s.is_any(k + 1, &["SELECT", "SEL"]) {
            k = s.partner(k).unwrap_or(k) + 1;
            continue;
        }
        if s.is_call(k)
            && s.is_in(k, &AGGREGATES)
            && !s.partner(k + 1).is_some_and(|c| s.is(c + 1, "OVER"))
        {
            return true;
        }
        k += 1;
    }
    false
}

/// The tokens of the query around token `i`: from the first token at its depth or deeper
/// before it to the last one after it (the enclosing parentheses excluded).
fn query_run(s: &Statement, i: usize) -> (usize, usize) {
    let d = s.depth[i];
    let mut begin = i;
    while begin > 0 && s.depth[begin - 1] >= d {
        begin -= 1;
    }
    let end = (i..s.len()).find(|&k| s.depth[k] < d).unwrap_or(s.len());
    (begin, end)
}

const SET_OPERATORS: Keywords = Keywords::new(&["UNION", "EXCEPT", "MINUS", "INTERSECT"]);

/// Words that may not be a column's output name on their own.
const NOT_COLUMNS: Keywords = Keywords::new(&[
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "DATE",
    "TIME",
    "USER",
    "SESSION",
    "NULL",
    "TRUE",
    "FALSE",
]);

/// The output name of the select item `first..=last`: its alias or its column name.
fn output_name<'a>(s: &Statement<'a>, first: usize, last: usize) -> Option<&'a str> {
    let name_like = |i: usize| {
        matches!(s.kind_of(i), Some(TokenKind::QuotedIdent))
            || s.kind_of(i) == Some(TokenKind::Word) && !s.is_in(i, &NOT_COLUMNS)
    };
    if last > first && s.is(last - 1, "AS") {
        return is_alias(s, last).then(|| s.text(last));
    }
    if s.name_end(first) == Some(last) {
        let single = part_start(s, last) == last;
        return (single && name_like(last)).then(|| s.text(last));
    }
    // `expr alias`
    let before = last - 1;
    let ends_expr = matches!(
        s.kind_of(before),
        Some(
            TokenKind::Word
                | TokenKind::QuotedIdent
                | TokenKind::RParen
                | TokenKind::Number
                | TokenKind::String
        )
    ) && !s.is_in(before, &NOT_ALIASES);
    (last > first && ends_expr && is_alias(s, last) && name_like(last)).then(|| s.text(last))
}

/// How the outer query lists the select item `first..=last`: its name, and the text that
/// selects it. Teradata's `x (NAMED n)` is named n; `x (TITLE 'T')` is x shown under the
/// heading "T" (the TITLE phrase is converted by another rule, which drops it in a subquery).
fn outer_item(s: &Statement, first: usize, last: usize) -> Option<(String, String)> {
    if s.kind_of(last) == Some(TokenKind::RParen)
        && let Some(open) = s.partner(last)
        && open > first
        && last == open + 3
    {
        if s.is(open + 1, "NAMED") && is_alias(s, open + 2) {
            let name = s.text(open + 2).to_string();
            return Some((name.clone(), name));
        }
        if s.is(open + 1, "TITLE") && s.kind_of(open + 2) == Some(TokenKind::String) {
            let name = output_name(s, first, open - 1)?.to_string();
            let quoted = s.text(open + 2);
            let title = quoted[1..quoted.len().saturating_sub(1).max(1)].replace("''", "'");
            if title.is_empty() {
                return Some((name.clone(), name));
            }
            let shown = format!(
                "{name} {} \"{}\"",
                cased(s.text(open + 1), "AS"),
                title.replace('"', "\"\"")
            );
            return Some((name, shown));
        }
    }
    let name = output_name(s, first, last)?.to_string();
    Some((name.clone(), name))
}

fn qualify(s: &Statement, out: &mut Findings) {
    for q in s.each("QUALIFY").filter(|&q| q > 0) {
        qualify_at(s, q, out);
    }
}

fn qualify_at(s: &Statement, q: usize, out: &mut Findings) {
    let d = s.depth[q];
    let (begin, end) = query_run(s, q);
    let Some(select) = (begin..q)
        .rev()
        .find(|&k| s.depth[k] == d && s.is_any(k, &["SELECT", "SEL"]))
    else {
        return;
    };
    let Some(from) = s.find(select + 1, q, d, "FROM") else {
        return;
    };
    let next = s.find_where(q + 1, end, d, |k| {
        s.is_any(
            k,
            &[
                "ORDER",
                "GROUP",
                "HAVING",
                "WHERE",
                "SAMPLE",
                "LIMIT",
                "UNION",
                "EXCEPT",
                "MINUS",
                "INTERSECT",
            ],
        )
    });
    let cond_last = next.unwrap_or(end) - 1;
    if cond_last <= q {
        return;
    }
    if let Some(n) = next
        && s.is_any(n, &["WHERE", "GROUP", "HAVING"])
    {
        out.report(
            &QUALIFY,
            Severity::Warning,
            s.range(q, cond_last),
            "QUALIFY before WHERE, GROUP BY or HAVING: Redshift needs it after them; move it",
        );
        return;
    }
    let grouped = s
        .find(select, q, d, "GROUP")
        .is_some_and(|g| s.is(g + 1, "BY"))
        || s.find(select, q, d, "HAVING").is_some()
        || has_aggregate(s, select + 1, from)
        || has_aggregate(s, q + 1, cond_last + 1);
    if grouped {
        wrap_grouped(s, select, from, q, cond_last, next, (begin, end), out);
    } else {
        alias_before(s, select, q, out);
    }
}

/// `FROM db.t QUALIFY …`: Redshift needs an alias on the relation right before QUALIFY.
fn alias_before(s: &Statement, select: usize, q: usize, out: &mut Findings) {
    let d = s.depth[q];
    let prev = q - 1;
    if !s.is_name_part(prev) {
        return;
    }
    let ps = part_start(s, prev);
    let mut start = ps;
    while start >= 2 && s.kind_of(start - 1) == Some(TokenKind::Dot) && s.is_name_part(start - 2) {
        start = part_start(s, start - 2);
    }
    if start == 0 {
        return;
    }
    let clause = (select..q)
        .rev()
        .find(|&k| s.depth[k] == d && s.is_any(k, &["FROM", "WHERE", "GROUP", "HAVING"]));
    if !clause.is_some_and(|c| s.is(c, "FROM")) {
        return;
    }
    let before = start - 1;
    if !(s.is_any(before, &["FROM", "JOIN"]) || s.kind_of(before) == Some(TokenKind::Comma)) {
        return;
    }
    let whole_placeholder =
        ps == start && (ps..=prev).all(|k| s.kind_of(k) == Some(TokenKind::Placeholder));
    let full = chain_text(s, start, prev);
    let len = prev - start;
    let three_part = start < ps
        && (0..s.len().saturating_sub(len + 1)).any(|a| {
            a != start
                && s.kind_of(a + len + 1) == Some(TokenKind::Dot)
                && !(a > 0 && s.kind_of(a - 1) == Some(TokenKind::Dot))
                && same_ident(&chain_text(s, a, a + len), &full)
        });
    if whole_placeholder || three_part {
        out.report(
            &QUALIFY,
            Severity::Warning,
            s.range(start, q),
            "Redshift needs an alias on the table right before QUALIFY: add one (and use it in column references)",
        );
        return;
    }
    let mut rw = Rewrite::default();
    rw.insert(
        s.span(prev).end,
        format!(" {} {}", cased(s.text(q), "AS"), s.slice(ps, prev)),
    );
    rw.commit(s.src, out);
}

/// `SELECT … GROUP BY … QUALIFY c [ORDER BY …]` becomes
/// `SELECT names FROM (SELECT …, (c) AS rsqlmig_qualify … GROUP BY …) AS q WHERE rsqlmig_qualify`.
#[allow(clippy::too_many_arguments)]
fn wrap_grouped(
    s: &Statement,
    select: usize,
    from: usize,
    q: usize,
    cond_last: usize,
    next: Option<usize>,
    (begin, end): (usize, usize),
    out: &mut Findings,
) {
    let d = s.depth[q];
    let span = s.range(q, cond_last);
    let keep = |out: &mut Findings, why: &str| {
        out.report(
            &QUALIFY,
            Severity::Warning,
            span,
            format!("QUALIFY over a grouped query kept: {why}; move the grouped query into a subquery and filter outside it"),
        );
    };
    let mut first_item = select + 1;
    if s.is_any(first_item, &["DISTINCT", "ALL"]) {
        first_item += 1;
    }
    if (begin..end).any(|k| s.depth[k] == d && s.is_in(k, &SET_OPERATORS)) {
        return keep(out, "the query is part of a set operation");
    }
    if s.is(first_item, "TOP") {
        let moves = matches!(
            s.kind_of(first_item + 1),
            Some(TokenKind::Number | TokenKind::Placeholder)
        ) && !s.is(first_item + 2, "PERCENT")
            && !s.is_seq(first_item + 2, &["WITH", "TIES"])
            && first_item + 2 < from
            && !(q..end).any(|k| s.depth[k] == d && s.is(k, "LIMIT"));
        if !moves {
            return keep(out, "TOP would limit the rows before the filter");
        }
        // TD007 moves `TOP n` to a LIMIT at the end, which then applies after the filter. This
        // edit leaves the text as it is and overlaps TD007's, so the checks run again on its
        // result and the query is moved into a subquery then.
        let mut rw = Rewrite::default();
        rw.replace(
            s.range(first_item, first_item + 2),
            s.slice(first_item, first_item + 2),
        );
        rw.commit(s.src, out);
        return;
    }
    let items = split_commas(s, first_item, from, d);
    let mut names: Vec<String> = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for &(a, b) in &items {
        let Some((name, text)) = outer_item(s, a, b) else {
            return keep(out, "every select item needs a name (add AS alias)");
        };
        if names.iter().any(|n| same_ident(n, &name)) {
            return keep(out, "two select items have the same name");
        }
        names.push(name);
        shown.push(text);
    }
    if names.is_empty() {
        return;
    }
    if let Some(n) = next {
        if s.is(n, "ORDER") {
            let order_end = s
                .find_where(n + 2, end, d, |k| s.is_any(k, &["LIMIT", "SAMPLE"]))
                .unwrap_or(end);
            for (a, b) in split_commas(s, n + 2, order_end, d) {
                // RANDOM(): a SAMPLE converted by TD082.
                let random = s.is(a, "RANDOM") && s.partner(a + 1) == Some(a + 2);
                let a = if random { a + 2 } else { a };
                let by_name = random
                    || s.kind_of(a) == Some(TokenKind::Number)
                    || names.iter().any(|x| same_ident(x, s.text(a)));
                let rest_ok =
                    (a + 1..=b).all(|k| s.is_any(k, &["ASC", "DESC", "NULLS", "FIRST", "LAST"]));
                if !(by_name && rest_ok) {
                    return keep(
                        out,
                        "ORDER BY must use the select items' names or positions",
                    );
                }
            }
        } else if !s.is_any(n, &["LIMIT", "SAMPLE"]) {
            return keep(out, "clauses follow QUALIFY");
        }
    }
    let kw = |word: &str| cased(s.text(select), word);
    let mut rw = Rewrite::default();
    rw.insert(
        s.span(select).start,
        format!("{} {} {} (", kw("SELECT"), shown.join(", "), kw("FROM")),
    );
    rw.insert(
        s.span(from - 1).end,
        format!(
            ", ({}) {} rsqlmig_qualify",
            s.slice(q + 1, cond_last),
            kw("AS")
        ),
    );
    let cut = if s.gap(q - 1, q).contains('\n') {
        s.span(q).start
    } else {
        s.span(q - 1).end
    };
    rw.replace(
        Span::new(cut as usize, s.span(cond_last).end as usize),
        format!(") {} q {} rsqlmig_qualify", kw("AS"), kw("WHERE")),
    );
    rw.commit(s.src, out);
}

// ---------------------------------------------------------------------------------------------
// TD081 LIKE ANY / = ANY (list)
// ---------------------------------------------------------------------------------------------

/// The comparison operator at `i` in Redshift's spelling.
fn comparison(s: &Statement, i: usize) -> Option<&'static str> {
    let op = match s.kind_of(i)? {
        TokenKind::Op => match s.text(i) {
            "=" => "=",
            "<>" | "!=" | "^=" | "~=" => "<>",
            "<" => "<",
            ">" => ">",
            "<=" => "<=",
            ">=" => ">=",
            _ => return None,
        },
        TokenKind::Word => match Upper::of(s.text(i)).as_str() {
            "EQ" => "=",
            "NE" => "<>",
            "LT" => "<",
            "LE" => "<=",
            "GT" => ">",
            "GE" => ">=",
            _ => return None,
        },
        _ => return None,
    };
    Some(op)
}

/// The first token of the expression ending at `end` (operands joined by arithmetic or `||`).
fn expr_start(s: &Statement, end: usize) -> usize {
    let mut start = s.operand_start(end);
    while start >= 2
        && (s.kind_of(start - 1) == Some(TokenKind::Op)
            && matches!(s.text(start - 1), "||" | "+" | "-" | "*" | "/" | "**" | "%")
            || s.is(start - 1, "MOD"))
        && s.after_operand(start - 1)
    {
        start = s.operand_start(start - 2);
    }
    start
}

fn like_any(s: &Statement, out: &mut Findings) {
    let mut done = 0usize;
    for q in s.each_of(&const { WordSet::of(&["ANY", "SOME", "ALL"]) }) {
        if !(q >= 2
            && s.is_any(q, &["ANY", "SOME", "ALL"])
            && s.kind_of(q + 1) == Some(TokenKind::LParen))
        {
            continue;
        }
        let open = q + 1;
        let Some(close) = s.partner(open) else {
            continue;
        };
        // The operator: [NOT] LIKE, a comparison, or `NOT =`.
        let p = q - 1;
        let (op_first, op_text, like) = if s.is(p, "LIKE") {
            if s.is(p - 1, "NOT") {
                (p - 1, format!("{} {}", s.text(p - 1), s.text(p)), true)
            } else {
                (p, s.text(p).to_string(), true)
            }
        } else if s.is_op(p, "=") && s.is(p - 1, "NOT") {
            (p - 1, "<>".to_string(), false)
        } else if let Some(op) = comparison(s, p) {
            (p, op.to_string(), false)
        } else {
            continue;
        };
        if !s.after_operand(op_first) {
            continue;
        }
        let left_end = op_first - 1;
        if s.kind_of(left_end) == Some(TokenKind::RParen)
            && s.partner(left_end).is_some_and(|o| s.args(o).len() > 1)
        {
            continue; // (a, b) = ANY (…): row comparison.
        }
        let left_start = expr_start(s, left_end);
        if done > 0 && left_start <= done {
            continue; // inside the predicate just rewritten
        }
        if s.is_any(open + 1, &["SELECT", "SEL", "WITH"])
            || s.kind_of(open + 1) == Some(TokenKind::LParen)
                && s.is_any(open + 2, &["SELECT", "SEL"])
        {
            if like {
                out.report(
                    &LIKE_ANY,
                    Severity::Warning,
                    s.range(left_start, close),
                    "LIKE ANY/ALL with a subquery has no Redshift form: rewrite with EXISTS (SELECT 1 FROM ... WHERE x LIKE pattern); kept",
                );
            }
            continue;
        }
        let elems = s.args(open);
        if elems.is_empty() {
            continue;
        }
        let any = !s.is(q, "ALL");
        let kw = |word: &str| cased(s.text(q), word);
        let mut rw = Rewrite::default();
        if !like && (op_text == "=" && any || op_text == "<>" && !any) {
            let word = if any { kw("IN") } else { kw("NOT IN") };
            rw.replace(s.range(op_first, q), word);
            done = q;
            rw.commit(s.src, out);
            continue;
        }
        let (last, escape) = if like && s.is(close + 1, "ESCAPE") && close + 2 < s.len() {
            (
                close + 2,
                format!(" {} {}", s.text(close + 1), s.text(close + 2)),
            )
        } else {
            (close, String::new())
        };
        let x = s.slice(left_start, left_end);
        let terms: Vec<String> = elems
            .iter()
            .map(|&(a, b)| format!("{x} {op_text} {}{escape}", s.slice(a, b)))
            .collect();
        let text = if terms.len() == 1 {
            terms[0].clone()
        } else {
            let joiner = format!(" {} ", if any { kw("OR") } else { kw("AND") });
            format!("({})", terms.join(&joiner))
        };
        rw.replace(s.range(left_start, last), text);
        done = last;
        rw.commit(s.src, out);
    }
}

// ---------------------------------------------------------------------------------------------
// TD082 SAMPLE
// ---------------------------------------------------------------------------------------------

fn sample(s: &Statement, out: &mut Findings) {
    for i in s.each("SAMPLE") {
        if i > 0 && s.after_operand(i) && i + 1 < s.len() {
            sample_at(s, i, out);
        }
    }
}

fn sample_at(s: &Statement, i: usize, out: &mut Findings) {
    let d = s.depth[i];
    let (begin, end) = query_run(s, i);
    let Some(select) = (begin..i)
        .rev()
        .find(|&k| s.depth[k] == d && s.is_any(k, &["SELECT", "SEL"]))
    else {
        return;
    };
    if s.find(select, i, d, "FROM").is_none() {
        return;
    }
    let n = i + 1;
    let sample_last = s
        .find_where(n, end, d, |k| {
            s.is_any(k, &["ORDER", "UNION", "EXCEPT", "MINUS", "INTERSECT"])
        })
        .unwrap_or(end)
        - 1;
    let span = s.range(i, sample_last.max(n));
    let fail = |out: &mut Findings, msg: &str| {
        out.report(&SAMPLE, Severity::Error, span, msg.to_string());
    };
    if s.is_any(n, &["WITH", "RANDOMIZED", "WHEN"]) {
        return fail(
            out,
            "SAMPLE WITH REPLACEMENT / RANDOMIZED ALLOCATION / WHEN has no Redshift form: rewrite the sampling by hand (ORDER BY RANDOM() LIMIT n per group); kept",
        );
    }
    if (n..=sample_last).any(|k| s.depth[k] == d && s.kind_of(k) == Some(TokenKind::Comma)) {
        return fail(
            out,
            "SAMPLE with several sample sizes has no Redshift form: run one query per sample (ORDER BY RANDOM() LIMIT n) and combine them with UNION ALL, numbering each; kept",
        );
    }
    let fraction = s.kind_of(n) == Some(TokenKind::Dot)
        || s.kind_of(n) == Some(TokenKind::Number) && s.text(n).contains('.');
    if fraction {
        return fail(
            out,
            "SAMPLE of a fraction of the rows has no exact Redshift form: use WHERE RANDOM() < fraction (approximate size) or compute n from COUNT(*); kept",
        );
    }
    let integer =
        s.kind_of(n) == Some(TokenKind::Number) && s.text(n).bytes().all(|b| b.is_ascii_digit());
    if !integer || sample_last != n {
        return fail(
            out,
            "SAMPLE size is not a literal row count: rewrite as ORDER BY RANDOM() LIMIT n by hand; kept",
        );
    }
    if (select..end).any(|k| s.depth[k] == d && s.is(k, "ORDER")) {
        return fail(
            out,
            "SAMPLE in a query with ORDER BY: sample in a subquery (ORDER BY RANDOM() LIMIT n) and sort outside it; kept",
        );
    }
    if (begin..end).any(|k| s.depth[k] == d && s.is_in(k, &SET_OPERATORS)) {
        return fail(
            out,
            "SAMPLE in a branch of a set operation: put the branch in parentheses with ORDER BY RANDOM() LIMIT n; kept",
        );
    }
    if (select..end).any(|k| s.depth[k] == d && s.is_any(k, &["TOP", "LIMIT"])) {
        return fail(
            out,
            "SAMPLE in a query that already limits its rows: rewrite the sampling by hand; kept",
        );
    }
    let kw = |word: &str| cased(s.text(i), word);
    let mut rw = Rewrite::default();
    rw.replace(
        s.range(i, n),
        format!("{} RANDOM() {} {}", kw("ORDER BY"), kw("LIMIT"), s.text(n)),
    );
    rw.commit(s.src, out);
}

// ---------------------------------------------------------------------------------------------
// TD083 EXEC, TD084 host variables
// ---------------------------------------------------------------------------------------------

fn exec_macro(s: &Statement, out: &mut Findings) {
    if s.kind == Kind::Exec {
        out.report(
            &EXEC_MACRO,
            Severity::Warning,
            statement_span(s),
            "EXEC runs a Teradata macro, which Redshift does not have: convert the macro to a stored procedure and run it with CALL; kept",
        );
    }
}

/// The `ELSE` of an atomic upsert, `UPDATE … ELSE INSERT …`.
fn upsert_else(s: &Statement) -> Option<usize> {
    if s.kind != Kind::Update {
        return None;
    }
    s.each("ELSE")
        .find(|&k| s.depth[k] == 0 && s.is_any(k + 1, &["INSERT", "INS"]))
}

fn atomic_upsert(s: &Statement, out: &mut Findings) {
    if let Some(k) = upsert_else(s) {
        out.report(
            &ATOMIC_UPSERT,
            Severity::Error,
            s.range(k, k + 1),
            "Teradata's atomic upsert (UPDATE ... ELSE INSERT) has no Redshift form: rewrite it as MERGE INTO t USING (...) ON ... WHEN MATCHED THEN UPDATE ... WHEN NOT MATCHED THEN INSERT ...",
        );
    }
}

fn host_variables(s: &Statement, out: &mut Findings) {
    if s.kind == Kind::Using || !s.has_kind(TokenKind::Variable) {
        return;
    }
    // `\\if :ERROR …` left inside a request (a script already part RSQL) uses RSQL's own
    // variables: a line that starts with a meta-command is not Teradata's.
    let on_meta_line = |i: usize| {
        let start = s.span(i).start as usize;
        let line = s.src[..start].rfind('\n').map_or(0, |n| n + 1);
        s.src[line..start].trim_start().starts_with('\\')
    };
    let vars: Vec<usize> = (0..s.len())
        .filter(|&i| s.kind_of(i) == Some(TokenKind::Variable) && !on_meta_line(i))
        .collect();
    let (Some(&first), Some(&last)) = (vars.first(), vars.last()) else {
        return;
    };
    let mut names: Vec<&str> = Vec::new();
    for &v in &vars {
        let name = s.text(v);
        if name.is_ascii()
            && !name.contains('$')
            && !names.iter().any(|n| n.eq_ignore_ascii_case(name))
        {
            names.push(name);
        }
    }
    let what = match names.len() {
        0 => "host variables".to_string(),
        1 => format!("host variable {}", names[0]),
        _ => format!("host variables {}", names.join(", ")),
    };
    out.report(
        &HOST_VARIABLES,
        Severity::Error,
        s.range(first, last),
        format!("{what} outside a USING request: RSQL reads :name as its own variable; use a literal, an RSQL variable set with \\set, or a procedure parameter; kept"),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::{codes, convert_sql};

    /// Converts and checks that converting the output again changes nothing.
    fn conv(text: &str) -> String {
        let once = convert_sql(text);
        assert_eq!(convert_sql(&once), once, "not idempotent: {text}");
        once
    }

    #[test]
    fn update_from_drops_the_target_alias_and_moves_the_sources() {
        assert_eq!(
            conv("UPDATE a FROM db.t1 a, db.t2 b SET c = b.x WHERE a.id = b.id;"),
            "UPDATE db.t1 SET c = b.x FROM db.t2 b WHERE t1.id = b.id;"
        );
        assert_eq!(
            conv(
                "UPDATE tgt\nFROM ${DB}.ACCT tgt, ${STG}.ACCT_DELTA src\nSET tgt.BAL = src.BAL\n  , UPDT_TS = CURRENT_DATE\nWHERE tgt.ACCT_ID = src.ACCT_ID;"
            ),
            "UPDATE ${DB}.ACCT\nSET BAL = src.BAL\n  , UPDT_TS = CURRENT_DATE\nFROM ${STG}.ACCT_DELTA src\nWHERE ACCT.ACCT_ID = src.ACCT_ID;"
        );
        assert_eq!(
            conv("Update tbl from db.t tbl, cal Set d = cal.d Where tbl.k = cal.k;"),
            "Update db.t Set d = cal.d from cal Where t.k = cal.k;"
        );
        // The target in the middle and last of the list.
        assert_eq!(
            conv("UPDATE a FROM s1 x, db.t a, s2 y SET c = x.c WHERE a.k = x.k AND a.k = y.k;"),
            "UPDATE db.t SET c = x.c FROM s1 x, s2 y WHERE t.k = x.k AND t.k = y.k;"
        );
        assert_eq!(
            conv("UPDATE a FROM s1 x, db.t AS a SET c = x.c WHERE a.k = x.k;"),
            "UPDATE db.t SET c = x.c FROM s1 x WHERE t.k = x.k;"
        );
    }

    #[test]
    fn update_from_moves_the_sources_to_their_own_line() {
        assert_eq!(
            conv(
                "Update elig from db.MBR_ELIG elig, db.CAL_DT cal\nSet END_DT = cal.MTH_END_DT\n  Where elig.END_DT = cal.CAL_DT;"
            ),
            "Update db.MBR_ELIG\nSet END_DT = cal.MTH_END_DT\n  from db.CAL_DT cal\n  Where MBR_ELIG.END_DT = cal.CAL_DT;"
        );
        assert_eq!(
            conv("UPDATE a FROM db.t a, s\r\nSET c = s.c\r\nWHERE a.k = s.k;"),
            "UPDATE db.t\r\nSET c = s.c\r\nFROM s\r\nWHERE t.k = s.k;"
        );
        // Staging and target share a name, but the staging table is aliased.
        assert_eq!(
            conv(
                "UPDATE tgt FROM dw.ACCT tgt, stg.ACCT src SET BAL = src.BAL WHERE tgt.ID = src.ID;"
            ),
            "UPDATE dw.ACCT SET BAL = src.BAL FROM stg.ACCT src WHERE ACCT.ID = src.ID;"
        );
        // A column named like the alias is not a conflict.
        assert_eq!(
            conv("UPDATE src FROM dw.T src, s SET src = s.src WHERE src.k = s.k;"),
            "UPDATE dw.T SET src = s.src FROM s WHERE T.k = s.k;"
        );
    }

    #[test]
    fn update_from_without_alias_or_sources() {
        // The target is not listed: it is the table itself.
        assert_eq!(
            conv("UPDATE t FROM s SET c = s.c WHERE t.k = s.k;"),
            "UPDATE t SET c = s.c FROM s WHERE t.k = s.k;"
        );
        // Listed without an alias.
        assert_eq!(
            conv("UPDATE t1 FROM db.t1, db.t2 SET c = t2.c WHERE t1.k = t2.k;"),
            "UPDATE db.t1 SET c = t2.c FROM db.t2 WHERE t1.k = t2.k;"
        );
        // Only the target in the FROM list.
        assert_eq!(
            conv("UPDATE a FROM db.t a SET a.c = 1 WHERE a.k = 2;"),
            "UPDATE db.t SET c = 1 WHERE t.k = 2;"
        );
        // A derived table among the sources, placeholders in names.
        assert_eq!(
            conv(
                "UPDATE T\nFROM ${DB}.T T, (SELECT K, MAX(V) AS V FROM ${STG}.S GROUP BY 1) S\nSET V = S.V\nWHERE T.K = S.K;"
            ),
            "UPDATE ${DB}.T\nSET V = S.V\nFROM (SELECT K, MAX(V) AS V FROM ${STG}.S GROUP BY 1) S\nWHERE T.K = S.K;"
        );
    }

    #[test]
    fn update_from_with_upd_abbreviation_converges() {
        assert_eq!(
            conv("UPD a FROM db.t1 a, db.t2 b SET c = b.x WHERE a.id = b.id;"),
            "UPDATE db.t1 SET c = b.x FROM db.t2 b WHERE t1.id = b.id;"
        );
        assert_eq!(
            conv("UPD a FROM db.t1 a, db.t2 b SET c = b.x WHERE a.id NOT= b.id AND a.n GE 2;"),
            "UPDATE db.t1 SET c = b.x FROM db.t2 b WHERE t1.id <> b.id AND t1.n >= 2;"
        );
    }

    #[test]
    fn update_set_qualifiers_are_removed_in_redshift_form() {
        assert_eq!(
            conv("UPDATE db.t SET t.c = 1, db.t.d = 2 WHERE t.k = 3;"),
            "UPDATE db.t SET c = 1, d = 2 WHERE t.k = 3;"
        );
        assert_eq!(
            conv("UPDATE t SET c = s.c FROM s WHERE t.k = s.k;"),
            "UPDATE t SET c = s.c FROM s WHERE t.k = s.k;"
        );
    }

    #[test]
    fn update_from_that_cannot_be_mapped_is_kept() {
        for sql in [
            "UPDATE a FROM db.t a, db.t a SET c = 1;",
            "UPDATE a FROM (SELECT * FROM t) a, s SET c = 1;",
            "UPDATE a FROM db.t a, s SET c = (SELECT MAX(v) FROM u a WHERE a.k = s.k) WHERE a.k = s.k;",
            "UPDATE a FROM db.t a, s SET c = 1 WHERE EXISTS (SELECT 1 FROM u a WHERE a.k = s.k);",
            "UPDATE a FROM db.t a, other.t SET c = 1 WHERE a.k = t.k;",
            "UPDATE a FROM db.t a JOIN s ON a.k = s.k SET c = 1;",
        ] {
            assert_eq!(convert_sql(sql), sql, "{sql}");
            assert_eq!(codes(sql), vec!["TD070"], "{sql}");
        }
    }

    #[test]
    fn delete_from_list_becomes_using() {
        assert_eq!(
            conv("DELETE a FROM db.t a, s WHERE a.k = s.k;"),
            "DELETE FROM db.t USING s WHERE t.k = s.k;"
        );
        assert_eq!(
            conv("DELETE t FROM t, s WHERE t.k = s.k;"),
            "DELETE FROM t USING s WHERE t.k = s.k;"
        );
        assert_eq!(
            conv("DEL a FROM ${DB}.ACCT a, ${STG}.CLOSED c WHERE a.ACCT_ID = c.ACCT_ID;"),
            "DELETE FROM ${DB}.ACCT USING ${STG}.CLOSED c WHERE ACCT.ACCT_ID = c.ACCT_ID;"
        );
        assert_eq!(
            conv("delete x\nfrom s1, db.t x, s2\nwhere x.k = s1.k and x.j = s2.j;"),
            "delete from db.t using s1, s2\nwhere t.k = s1.k and t.j = s2.j;"
        );
        // Not listed: the table itself.
        assert_eq!(
            conv("DELETE t FROM s WHERE t.k = s.k;"),
            "DELETE FROM t USING s WHERE t.k = s.k;"
        );
        // Only the target.
        assert_eq!(
            conv("DELETE a FROM db.t a WHERE a.k = 1;"),
            "DELETE FROM db.t WHERE t.k = 1;"
        );
    }

    #[test]
    fn delete_alias_is_dropped() {
        assert_eq!(
            conv("DELETE FROM db.t a WHERE a.k = 1 AND EXISTS (SELECT 1 FROM s WHERE s.k = a.k);"),
            "DELETE FROM db.t WHERE t.k = 1 AND EXISTS (SELECT 1 FROM s WHERE s.k = t.k);"
        );
        assert_eq!(
            conv("DELETE FROM t WHERE k = 1;"),
            "DELETE FROM t WHERE k = 1;"
        );
        assert_eq!(conv("DEL FROM t ALL;"), "DELETE FROM t;");
        let kept = "DELETE FROM t, s WHERE t.k = s.k;";
        assert_eq!(convert_sql(kept), kept);
        assert_eq!(codes(kept), vec!["TD071"]);
        let shadow = "DELETE a FROM db.t a, s WHERE a.k IN (SELECT a.k FROM u a);";
        assert_eq!(convert_sql(shadow), shadow);
        assert_eq!(codes(shadow), vec!["TD071"]);
    }

    #[test]
    fn delete_using_a_list_is_already_redshift() {
        // Found by fuzzing: converting `DELETE t FROM t, s1, s2` twice reported TD071 the
        // second time, on its own output.
        let once = conv("DELETE t FROM t, s1, s2 WHERE t.k = s1.k AND t.j = s2.j;");
        assert_eq!(
            once,
            "DELETE FROM t USING s1, s2 WHERE t.k = s1.k AND t.j = s2.j;"
        );
        assert_eq!(convert_sql(&once), once);
        assert!(codes(&once).is_empty(), "{:?}", codes(&once));
        assert_eq!(
            conv("DELETE FROM db.t a USING s1, s2 WHERE a.k = s1.k;"),
            "DELETE FROM db.t USING s1, s2 WHERE t.k = s1.k;"
        );
    }

    #[test]
    fn merge_drops_the_target_alias_and_adds_values() {
        assert_eq!(
            conv(
                "MERGE INTO ${DB}.MEMBER AS tgt USING ${STG}.MEMBER_DELTA src\nON (tgt.MBR_ID = src.MBR_ID)\nWHEN MATCHED THEN UPDATE SET tgt.STATUS = src.STATUS\nWHEN NOT MATCHED THEN INSERT (src.MBR_ID, src.STATUS);"
            ),
            "MERGE INTO ${DB}.MEMBER USING ${STG}.MEMBER_DELTA src\nON (MEMBER.MBR_ID = src.MBR_ID)\nWHEN MATCHED THEN UPDATE SET STATUS = src.STATUS\nWHEN NOT MATCHED THEN INSERT VALUES (src.MBR_ID, src.STATUS);"
        );
        // A column list is kept (without target qualifiers); UPD / INS are expanded.
        assert_eq!(
            conv(
                "MERGE INTO t a USING s b ON a.k = b.k WHEN MATCHED THEN UPD SET v = b.v WHEN NOT MATCHED THEN INS (a.k, a.v) VALUES (b.k, b.v);"
            ),
            "MERGE INTO t USING s b ON t.k = b.k WHEN MATCHED THEN UPDATE SET v = b.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (b.k, b.v);"
        );
        // HCA: a values list right after INSERT.
        assert_eq!(
            conv(
                "MERGE INTO db.ENC TGT USING db.ENC_STG SRC ON TGT.ENC_ID = SRC.ENC_ID\nWHEN MATCHED THEN UPDATE SET STS = SRC.STS\nWHEN NOT MATCHED THEN INSERT (SRC.ENC_ID, 'M', CURRENT_DATE);"
            ),
            "MERGE INTO db.ENC USING db.ENC_STG SRC ON ENC.ENC_ID = SRC.ENC_ID\nWHEN MATCHED THEN UPDATE SET STS = SRC.STS\nWHEN NOT MATCHED THEN INSERT VALUES (SRC.ENC_ID, 'M', CURRENT_DATE);"
        );
        assert_eq!(
            codes(
                "MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.v);"
            ),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn merge_clauses_in_teradata_order_are_swapped() {
        assert_eq!(
            conv(
                "MERGE INTO t a USING s ON a.k = s.k\nWHEN NOT MATCHED THEN INSERT (s.k, s.v)\nWHEN MATCHED THEN UPDATE SET a.v = s.v;"
            ),
            "MERGE INTO t USING s ON t.k = s.k\nWHEN MATCHED THEN UPDATE SET v = s.v\nWHEN NOT MATCHED THEN INSERT VALUES (s.k, s.v);"
        );
    }

    #[test]
    fn merge_restrictions_are_reported() {
        let one = "MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v;";
        assert_eq!(conv(one), one);
        assert_eq!(codes(one), vec!["TD072"]);
        let cond = "MERGE INTO t USING s ON t.k = s.k WHEN MATCHED AND s.d = 1 THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (s.k);";
        assert_eq!(codes(cond), vec!["TD072"]);
        let sub = "MERGE INTO t USING (SELECT k FROM u) s ON t.k = s.k WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (s.k);";
        assert_eq!(conv(sub), sub);
        assert_eq!(codes(sub), vec!["TD072"]);
        // The source has the target's bare name: the alias stays.
        let clash = "MERGE INTO db.t a USING stg.t ON a.k = t.k WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (t.k);";
        assert_eq!(conv(clash), clash);
        assert_eq!(codes(clash), vec!["TD072"]);
        // Found by fuzzing: a clause without an action; swapping the clauses moved a query's
        // QUALIFY away from its end.
        let no_action = "MERGE INTO t USING s ON t.k = s.k\nWHEN NOT MATCHED THEN WHEN MATCHED THEN\nSELECT SUM(v) FROM u\nQUALIFY x = 1;";
        assert_eq!(conv(no_action), no_action);
        assert!(codes(no_action).contains(&"TD072"));
    }

    #[test]
    fn qualify_is_kept_with_an_alias_on_the_table_before_it() {
        assert_eq!(
            conv(
                "SELECT k, v FROM db.t QUALIFY ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) = 1;"
            ),
            "SELECT k, v FROM db.t AS t QUALIFY ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST) = 1;"
        );
        assert_eq!(
            conv("sel k from a x, ${DB}.b\nqualify rank() over (order by k) = 1"),
            "SELECT k from a x, ${DB}.b as b\nqualify rank() over (order by k nulls first) = 1"
        );
        for kept in [
            "SELECT k FROM db.t x QUALIFY ROW_NUMBER() OVER (ORDER BY k NULLS FIRST) = 1;",
            "SELECT k FROM db.t WHERE k > 0 QUALIFY ROW_NUMBER() OVER (ORDER BY k NULLS FIRST) = 1;",
            "SELECT k FROM (SELECT k FROM t) d QUALIFY ROW_NUMBER() OVER (ORDER BY k NULLS FIRST) = 1;",
        ] {
            assert_eq!(conv(kept), kept);
            assert!(codes(kept).is_empty());
        }
        // The table is named db.t.k elsewhere: an alias would break it.
        let three =
            "SELECT db.t.k FROM db.t QUALIFY ROW_NUMBER() OVER (ORDER BY db.t.k NULLS FIRST) = 1;";
        assert_eq!(conv(three), three);
        assert_eq!(codes(three), vec!["TD080"]);
    }

    #[test]
    fn qualify_over_a_grouped_query_moves_to_a_subquery() {
        assert_eq!(
            conv(
                "SELECT a, SUM(b) AS tot FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY tot DESC) <= 3;"
            ),
            "SELECT a, tot FROM (SELECT a, SUM(b) AS tot, (RANK() OVER (ORDER BY tot DESC NULLS LAST) <= 3) AS rsqlmig_qualify FROM t GROUP BY a) AS q WHERE rsqlmig_qualify;"
        );
        assert_eq!(
            conv(
                "INSERT INTO r\nSEL s.STORE_ID, SUM(s.AMT) TOT\nFROM ${DB}.SALES s\nGROUP BY 1\nQUALIFY RANK() OVER (ORDER BY SUM(s.AMT) DESC) <= 10\nORDER BY 2 DESC, STORE_ID;"
            ),
            "INSERT INTO r\nSELECT STORE_ID, TOT FROM (SELECT s.STORE_ID, SUM(s.AMT) TOT, (RANK() OVER (ORDER BY SUM(s.AMT) DESC NULLS LAST) <= 10) AS rsqlmig_qualify\nFROM ${DB}.SALES s\nGROUP BY 1\n) AS q WHERE rsqlmig_qualify\nORDER BY 2 DESC NULLS LAST, STORE_ID NULLS FIRST;"
        );
        // Aggregates without GROUP BY.
        assert_eq!(
            conv("SELECT MAX(v) AS m FROM t QUALIFY COUNT(*) OVER () > 0"),
            "SELECT m FROM (SELECT MAX(v) AS m, (COUNT(*) OVER () > 0) AS rsqlmig_qualify FROM t) AS q WHERE rsqlmig_qualify"
        );
    }

    #[test]
    fn qualify_over_a_grouped_query_with_top_or_sample() {
        // TOP n moves to a LIMIT after the filter (TD007), SAMPLE n too (TD082).
        assert_eq!(
            conv(
                "SELECT TOP 3 a, SUM(b) s FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY a) <= 5;"
            ),
            "SELECT a, s FROM (SELECT a, SUM(b) s, (RANK() OVER (ORDER BY a NULLS FIRST) <= 5) AS rsqlmig_qualify FROM t GROUP BY a) AS q WHERE rsqlmig_qualify LIMIT 3;"
        );
        assert_eq!(
            conv(
                "SEL a, COUNT(*) AS n FROM t GROUP BY 1 QUALIFY RANK() OVER (ORDER BY n) = 1 SAMPLE 5;"
            ),
            "SELECT a, n FROM (SELECT a, COUNT(*) AS n, (RANK() OVER (ORDER BY n NULLS FIRST) = 1) AS rsqlmig_qualify FROM t GROUP BY 1) AS q WHERE rsqlmig_qualify ORDER BY RANDOM() LIMIT 5;"
        );
        let percent = "SELECT TOP 3 PERCENT a, SUM(b) s FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY a NULLS FIRST) <= 5;";
        assert_eq!(conv(percent), percent);
        assert_eq!(codes(percent), vec!["TD007", "TD080"]);
    }

    #[test]
    fn update_from_keeps_comments_in_place() {
        assert_eq!(
            conv(
                "UPDATE a -- target\nFROM db.t a, s\nSET c = s.c -- from staging\nWHERE a.k = s.k;"
            ),
            "UPDATE db.t -- target\nSET c = s.c\nFROM s -- from staging\nWHERE t.k = s.k;"
        );
    }

    #[test]
    fn qualify_over_a_grouped_query_keeps_titles_and_names() {
        // NAMED names the column; TITLE is the heading, kept on the outer query.
        assert_eq!(
            conv(
                "SELECT STORE_ID (TITLE 'Store'), SUM(AMT) (NAMED TOT) FROM t GROUP BY 1 QUALIFY RANK() OVER (ORDER BY TOT DESC) <= 3;"
            ),
            "SELECT STORE_ID AS \"Store\", TOT FROM (SELECT STORE_ID, SUM(AMT) AS TOT, (RANK() OVER (ORDER BY TOT DESC NULLS LAST) <= 3) AS rsqlmig_qualify FROM t GROUP BY 1) AS q WHERE rsqlmig_qualify;"
        );
        assert_eq!(
            conv(
                "SEL STORE_ID (TITLE 'Store'), SUM(AMT) (NAMED TOT) FROM t GROUP BY 1 QUALIFY RANK() OVER (ORDER BY TOT DESC) <= 3;"
            ),
            "SELECT \"Store\", TOT FROM (SELECT STORE_ID AS \"Store\", SUM(AMT) AS TOT, (RANK() OVER (ORDER BY TOT DESC NULLS LAST) <= 3) AS rsqlmig_qualify FROM t GROUP BY 1) AS q WHERE rsqlmig_qualify;"
        );
    }

    #[test]
    fn qualify_over_a_grouped_query_without_names_is_kept() {
        for kept in [
            "SELECT a, SUM(b) FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY SUM(b) NULLS FIRST) = 1;",
            "SELECT x.a, y.a FROM x, y GROUP BY 1, 2 QUALIFY RANK() OVER (ORDER BY 1 NULLS FIRST) = 1;",
            "SELECT a FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY a NULLS FIRST) = 1 ORDER BY b NULLS FIRST;",
            "SELECT a FROM t UNION SELECT a FROM u GROUP BY a QUALIFY RANK() OVER (ORDER BY a NULLS FIRST) = 1;",
            "SELECT a FROM t QUALIFY RANK() OVER (ORDER BY a NULLS FIRST) = 1 WHERE a > 0;",
        ] {
            assert_eq!(conv(kept), kept, "{kept}");
            assert_eq!(codes(kept), vec!["TD080"], "{kept}");
        }
    }

    #[test]
    fn like_any_becomes_ors_and_ands() {
        assert_eq!(
            conv("WHERE x LIKE ANY ('a%', 'b%')"),
            "WHERE (x LIKE 'a%' OR x LIKE 'b%')"
        );
        assert_eq!(
            conv("WHERE t.x LIKE ALL ('%a%', '%b%') AND y LIKE SOME ('c')"),
            "WHERE (t.x LIKE '%a%' AND t.x LIKE '%b%') AND y LIKE 'c'"
        );
        // Teradata's meaning: NOT LIKE ANY is true when one pattern does not match.
        assert_eq!(
            conv("WHERE x NOT LIKE ANY ('a', 'b')"),
            "WHERE (x NOT LIKE 'a' OR x NOT LIKE 'b')"
        );
        assert_eq!(
            conv("WHERE x NOT LIKE ALL ('a', 'b')"),
            "WHERE (x NOT LIKE 'a' AND x NOT LIKE 'b')"
        );
        assert_eq!(
            conv("WHERE TRIM(a) || b like any ('A\\_%', 'B%') escape '\\'"),
            "WHERE (TRIM(a) || b like 'A\\_%' escape '\\' or TRIM(a) || b like 'B%' escape '\\')"
        );
        let sub = "WHERE x LIKE ANY (SELECT p FROM pats)";
        assert_eq!(conv(sub), sub);
        assert_eq!(codes(sub), vec!["TD081"]);
    }

    #[test]
    fn any_over_a_list_becomes_in() {
        assert_eq!(
            conv("WHERE s = ANY ('A', 'S') AND t = SOME (1, 2) AND u <> ALL ('X')"),
            "WHERE s IN ('A', 'S') AND t IN (1, 2) AND u NOT IN ('X')"
        );
        assert_eq!(
            conv("WHERE s NOT= ALL ('A', 'B') AND n > ANY (1, 5) AND m ^= ALL (3)"),
            "WHERE s NOT IN ('A', 'B') AND (n > 1 OR n > 5) AND m NOT IN (3)"
        );
        // A subquery is valid Redshift.
        let sub = "WHERE s = ANY (SELECT c FROM u)";
        assert_eq!(conv(sub), sub);
        assert!(codes(sub).is_empty());
        let plain = "SELECT ALL a FROM t WHERE b IN ('x')";
        assert_eq!(conv(plain), plain);
    }

    #[test]
    fn sample_becomes_random_order_with_limit() {
        assert_eq!(
            conv("SELECT ACCT_ID FROM db.ACCT WHERE STATUS = 'A' SAMPLE 100;"),
            "SELECT ACCT_ID FROM db.ACCT WHERE STATUS = 'A' ORDER BY RANDOM() LIMIT 100;"
        );
        assert_eq!(
            conv("INSERT INTO x SEL * FROM (sel a FROM t sample 10) d;"),
            "INSERT INTO x SELECT * FROM (SELECT a FROM t order by RANDOM() limit 10) d;"
        );
        assert_eq!(conv("SELECT sample FROM t"), "SELECT sample FROM t");
    }

    #[test]
    fn atomic_upserts_are_kept_and_flagged() {
        for upsert in [
            "UPDATE t SET n = n + 1 WHERE k = 1 ELSE INSERT INTO t VALUES (1, 1);",
            "UPD a FROM t a SET n = 2 WHERE a.k = 1 ELSE INS t (1, 2);",
        ] {
            assert_eq!(
                conv(upsert).replace("UPDATE", "UPD"),
                upsert.replace("UPDATE", "UPD")
            );
            assert!(codes(upsert).contains(&"TD087"), "{upsert}");
        }
        // CASE … ELSE is no upsert.
        assert!(!codes("UPDATE t SET n = CASE WHEN a = 1 THEN 0 ELSE 1 END;").contains(&"TD087"));
    }

    #[test]
    fn samples_without_a_rewrite_are_errors_and_kept() {
        for kept in [
            "SELECT a FROM t SAMPLE .25;",
            "SELECT a FROM t SAMPLE 0.25;",
            "SELECT a FROM t SAMPLE 10, 20;",
            "SELECT a FROM t SAMPLE 10 ORDER BY a NULLS FIRST;",
            "SELECT a FROM t ORDER BY a NULLS FIRST SAMPLE 10;",
            "SELECT a FROM t SAMPLE WITH REPLACEMENT 10;",
            "SELECT a FROM t SAMPLE 10 UNION SELECT a FROM u;",
        ] {
            assert_eq!(conv(kept), kept, "{kept}");
            assert_eq!(codes(kept), vec!["TD082"], "{kept}");
        }
    }

    #[test]
    fn exec_is_flagged_and_kept() {
        let sql = "EXEC ${ETL}.OPEN_ETL_PRCSS('job', NULL);";
        assert_eq!(conv(sql), sql);
        assert_eq!(codes(sql), vec!["TD083"]);
        assert_eq!(codes("EXECUTE m;"), vec!["TD083"]);
        assert!(codes("CALL p(1);").is_empty());
    }

    #[test]
    fn host_variables_outside_using_are_errors() {
        let sql = "UPDATE t SET s = 'R' WHERE k = :BTCH_KEY AND j = :BTCH_KEY;";
        assert_eq!(conv(sql), sql);
        assert_eq!(codes(sql), vec!["TD084"]);
        assert!(codes("SELECT a::int, ':x' FROM t /* :y */;").is_empty());
        assert!(codes("USING (k INTEGER) INSERT INTO t VALUES (:k);").is_empty());
        // RSQL meta-command text swallowed by a request uses RSQL's variables.
        assert!(codes("SELECT 1; -- note\n\\if :ERROR <> 0").is_empty());
    }

    /// Every form above, also in lower case and spread over lines: converting twice changes
    /// nothing more than converting once, and nothing panics.
    #[test]
    fn conversions_are_idempotent_in_every_spelling() {
        let corpus = [
            "UPD a FROM db.t1 a, db.t2 b SET a.c = b.x WHERE a.id = b.id AND a.n NE 0",
            "UPDATE t FROM s SET c = s.c WHERE t.k = s.k",
            "UPDATE a FROM (SELECT k FROM u) s, db.t a SET c = s.k WHERE a.k = s.k",
            "UPDATE a FROM db.t a SET c = (SELECT MAX(v) FROM u WHERE u.k = a.k)",
            "UPDATE a FROM db.t a, db.t b SET c = b.c WHERE a.k = b.k",
            "DEL a FROM db.t a, s WHERE a.k = s.k",
            "DELETE FROM db.t a WHERE a.k IN (SEL k FROM s WHERE s.j = a.j)",
            "MERGE db.t a USING s ON a.k = s.k WHEN NOT MATCHED THEN INS (s.k) WHEN MATCHED THEN UPD SET a.v = s.v",
            "MERGE INTO db.t a USING (SEL k FROM s) b ON a.k = b.k WHEN MATCHED THEN DEL",
            "SEL a, b FROM db.t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1 ORDER BY a",
            "SEL TOP 5 a, SUM(b) AS s FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY s) < 9 ORDER BY 2",
            "SEL a (TITLE 'A'), COUNT(*) (NAMED n) FROM t GROUP BY 1 QUALIFY RANK() OVER (ORDER BY n) = 1 SAMPLE 3",
            "SELECT a, SUM(b) FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY a) = 1",
            "SEL * FROM t WHERE x NOT LIKE ANY ('a', 'b') AND y LIKE ALL ('%c%') ESCAPE '!' AND z = SOME (1, 2)",
            "SEL * FROM t WHERE x NOT= ALL ('a', 'b') OR y GE ANY (1, 2) OR z LIKE ANY (SEL p FROM q)",
            "SEL a FROM t WHERE b = 1 SAMPLE 10",
            "SEL a FROM t SAMPLE .5, .25",
            "INSERT INTO x SEL a FROM (SEL a FROM t SAMPLE 10) d QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1",
            "EXEC m(1, :v)",
            "LOCKING ROW FOR ACCESS UPD a FROM db.t a, s SET c = 1 WHERE a.k = s.k",
        ];
        for sql in corpus {
            let lower = sql.to_lowercase();
            let lines = sql
                .replace(" WHERE ", "\nWHERE ")
                .replace(" SET ", "\n  SET ");
            let crlf = lines.replace('\n', "\r\n");
            for text in [sql, lower.as_str(), lines.as_str(), crlf.as_str()] {
                let text = format!("{text};");
                conv(&text);
            }
        }
    }

    /// The Before/After examples of the rule docs are what the rules do.
    #[test]
    fn doc_examples_convert_as_documented() {
        let block = |doc: &'static str, label: &str| -> String {
            let start = doc.find(label).unwrap() + label.len();
            let body = &doc[start..];
            let open = body.find("```\n").unwrap() + 4;
            let close = body[open..].find("\n```").unwrap();
            body[open..open + close].to_string()
        };
        for rule in [
            &super::UPDATE_FROM,
            &super::DELETE_USING,
            &super::MERGE,
            &super::QUALIFY,
            &super::LIKE_ANY,
            &super::SAMPLE,
        ] {
            let before = block(rule.doc, "Before:");
            let after = block(rule.doc, "After:");
            assert_eq!(conv(&before), after, "{}", rule.code);
        }
    }

    #[test]
    fn messages_are_ascii_without_dollar() {
        for sql in [
            "UPDATE a FROM db.t a, db.t a SET c = 1;",
            "DELETE FROM t, s WHERE t.k = s.k;",
            "MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN DELETE;",
            "SELECT a, SUM(b) FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY a) = 1;",
            "WHERE x LIKE ANY (SELECT p FROM pats)",
            "SELECT a FROM t SAMPLE .25;",
            "EXEC ${M};",
            "SELECT :${X} FROM t WHERE a = :b;",
        ] {
            for d in crate::convert::sql::convert_request(sql, None, &mut false).diagnostics {
                assert!(
                    d.message.is_ascii() && !d.message.contains('$'),
                    "{}",
                    d.message
                );
            }
        }
    }
}
