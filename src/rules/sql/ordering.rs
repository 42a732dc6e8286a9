//! TD085–TD086: ORDER BY where Teradata and Redshift read it differently: where NULLs sort
//! (opposite ends), and the rows a window aggregate with an ORDER BY covers.

use crate::diagnostic::Severity;
use crate::rules::sql::{Findings, SqlCheck, cased};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Keywords, Statement};
use crate::syntax::lexer::TokenKind;

pub const NULL_ORDERING: Rule = Rule {
    code: "TD085",
    name: "null-ordering",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`ORDER BY` items get `NULLS FIRST` (ascending) or `NULLS LAST` (descending), the order Teradata gives NULLs",
    doc: "Teradata sorts NULL below every value: first in ascending order, last in descending \
order. Redshift sorts it above every value, the other way round. Each item of an ORDER BY, in a \
query, a window (`OVER (… ORDER BY …)`) or `WITHIN GROUP (ORDER BY …)`, gets the NULLS FIRST or \
NULLS LAST that keeps Teradata's order. It matters most where the order picks rows: without it \
`ROW_NUMBER() OVER (PARTITION BY k ORDER BY upd_ts DESC) = 1` keeps a row whose upd_ts is NULL \
instead of the latest one. Items that already say where NULLs go, constants and `RANDOM()` are \
left alone.\n\nBefore:\n```\nSELECT * FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY k ORDER \
BY upd_ts DESC) = 1 ORDER BY k;\n```\nAfter:\n```\nSELECT * FROM t QUALIFY ROW_NUMBER() OVER \
(PARTITION BY k ORDER BY upd_ts DESC NULLS LAST) = 1 ORDER BY k NULLS FIRST;\n```",
};

pub const WINDOW_FRAME: Rule = Rule {
    code: "TD086",
    name: "window-frame",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "A window aggregate with ORDER BY and no ROWS gets Teradata's frame, `ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING`",
    doc: "Teradata aggregates the whole partition when a window has an ORDER BY but no ROWS \
clause; Redshift rejects an aggregate window function (SUM, AVG, COUNT, MIN, MAX, STDDEV, \
VARIANCE) with an ORDER BY and no frame. The frame that keeps Teradata's result is written out. \
FIRST_VALUE, LAST_VALUE and NTH_VALUE without a frame are reported: name the rows they should \
see.\n\nBefore:\n```\nSELECT SUM(amt) OVER (PARTITION BY acct ORDER BY d) FROM t;\n```\n\
After:\n```\nSELECT SUM(amt) OVER (PARTITION BY acct ORDER BY d NULLS FIRST ROWS BETWEEN \
UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t;\n```",
};

pub const RULES: &[&Rule] = &[&NULL_ORDERING, &WINDOW_FRAME];

/// Redshift sorts as Teradata does once told where NULLs go, so lint does not hold hand-written
/// RSQL to Teradata's order.
pub const CHECKS: &[SqlCheck] = &[
    SqlCheck {
        rule: &NULL_ORDERING,
        check: null_ordering,
        redshift_valid: true,
    },
    SqlCheck {
        rule: &WINDOW_FRAME,
        check: window_frame,
        redshift_valid: false,
    },
];

/// Aggregates that Redshift lets run over a window frame.
const FRAMED_AGGREGATES: Keywords = Keywords::new(&[
    "SUM",
    "AVG",
    "COUNT",
    "MIN",
    "MAX",
    "STDDEV",
    "STDDEV_SAMP",
    "STDDEV_POP",
    "VARIANCE",
    "VAR_SAMP",
    "VAR_POP",
]);

fn window_frame(s: &Statement, out: &mut Findings) {
    for over in s.each("OVER") {
        let Some(close) = s
            .partner(over + 1)
            .filter(|_| s.kind_of(over + 1) == Some(TokenKind::LParen))
        else {
            continue;
        };
        let inner = s.depth[over] + 1;
        let ordered = s.find(over + 2, close, inner, "ORDER").is_some();
        let framed = s
            .find_where(over + 2, close, inner, |k| {
                s.is_any(k, &["ROWS", "RANGE", "RESET"])
            })
            .is_some();
        if !ordered || framed || over < 2 || s.kind_of(over - 1) != Some(TokenKind::RParen) {
            continue;
        }
        let Some(name) = s.partner(over - 1).and_then(|open| open.checked_sub(1)) else {
            continue;
        };
        if s.is_in(name, &FRAMED_AGGREGATES) {
            out.insert(
                s.span(close).start,
                format!(
                    " {}",
                    cased(
                        s.text(over),
                        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
                    )
                ),
            );
        } else if s.is_any(name, &["FIRST_VALUE", "LAST_VALUE", "NTH_VALUE"]) {
            out.report(
                &WINDOW_FRAME,
                Severity::Error,
                s.range(name, close),
                "Redshift needs a frame for FIRST_VALUE, LAST_VALUE and NTH_VALUE with ORDER BY: add ROWS BETWEEN ... (Teradata's default was the whole partition)",
            );
        }
    }
}

/// Words that end an ORDER BY list at its own depth.
const ENDS_ORDER_BY: Keywords = Keywords::new(&[
    "LIMIT",
    "OFFSET",
    "FETCH",
    "ROWS",
    "RANGE",
    "UNION",
    "EXCEPT",
    "MINUS",
    "INTERSECT",
    "QUALIFY",
    "SAMPLE",
    "FOR",
    "WITH",
    "RESET",
    "HAVING",
    "WHERE",
    "GROUP",
]);

fn null_ordering(s: &Statement, out: &mut Findings) {
    for order in s.each("ORDER") {
        if !s.is(order + 1, "BY") {
            continue;
        }
        let depth = s.depth[order];
        let mut first = order + 2;
        let mut k = first;
        loop {
            let ends_list = k >= s.len()
                || s.depth[k] < depth
                || (s.depth[k] == depth
                    && (s.is_in(k, &ENDS_ORDER_BY) || s.kind_of(k) == Some(TokenKind::Semicolon)));
            if ends_list || (s.depth[k] == depth && s.kind_of(k) == Some(TokenKind::Comma)) {
                if first < k {
                    place_nulls(s, order, first, k - 1, out);
                }
                if ends_list {
                    break;
                }
                first = k + 1;
            }
            k += 1;
        }
    }
}

/// Adds where NULLs go to the ORDER BY item `first..=last`.
fn place_nulls(s: &Statement, order: usize, first: usize, last: usize, out: &mut Findings) {
    if last > first && s.is(last - 1, "NULLS") {
        return;
    }
    let constant = first == last
        && matches!(
            s.kind_of(first),
            Some(TokenKind::String | TokenKind::Placeholder)
        );
    let random = last == first + 2 && s.is(first, "RANDOM") && s.is_call(first);
    if constant || random {
        return;
    }
    let nulls = if s.is(last, "DESC") {
        "NULLS LAST"
    } else {
        "NULLS FIRST"
    };
    out.insert(
        s.span(last).end,
        format!(" {}", cased(s.text(order), nulls)),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::{codes, convert_sql};

    #[test]
    fn ascending_items_get_nulls_first_and_descending_ones_nulls_last() {
        assert_eq!(
            convert_sql("SELECT a, b FROM t ORDER BY a, b DESC, 3 ASC;"),
            "SELECT a, b FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST, 3 ASC NULLS FIRST;"
        );
        assert_eq!(
            convert_sql("select a from t order by coalesce(a, 0) desc"),
            "select a from t order by coalesce(a, 0) desc nulls last"
        );
        assert!(codes("SELECT a FROM t ORDER BY a").is_empty());
    }

    #[test]
    fn window_orders_keep_teradatas_row_choice() {
        assert_eq!(
            convert_sql(
                "SELECT k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY upd_ts DESC, id) rn FROM t \
QUALIFY rn = 1"
            ),
            "SELECT k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY upd_ts DESC NULLS LAST, id \
NULLS FIRST) rn FROM t AS t QUALIFY rn = 1"
        );
        assert_eq!(
            convert_sql(
                "SELECT SUM(x) OVER (ORDER BY d ROWS UNBOUNDED PRECEDING), LISTAGG(n, ',') WITHIN \
GROUP (ORDER BY n) FROM t"
            ),
            "SELECT SUM(x) OVER (ORDER BY d NULLS FIRST ROWS UNBOUNDED PRECEDING), LISTAGG(n, ',') \
WITHIN GROUP (ORDER BY n NULLS FIRST) FROM t"
        );
    }

    #[test]
    fn the_list_ends_at_the_next_clause() {
        assert_eq!(
            convert_sql("SELECT a FROM t UNION SELECT a FROM s ORDER BY 1 LIMIT 10;"),
            "SELECT a FROM t UNION SELECT a FROM s ORDER BY 1 NULLS FIRST LIMIT 10;"
        );
        assert_eq!(
            convert_sql(
                "SELECT a FROM (SELECT a FROM t ORDER BY a) x ORDER BY CASE WHEN a = 1 THEN 0 ELSE 1 END"
            ),
            "SELECT a FROM (SELECT a FROM t ORDER BY a NULLS FIRST) x ORDER BY CASE WHEN a = 1 THEN 0 \
ELSE 1 END NULLS FIRST"
        );
    }

    #[test]
    fn ordered_window_aggregates_get_teradatas_frame() {
        assert_eq!(
            convert_sql(
                "SELECT SUM(amt) OVER (PARTITION BY a ORDER BY d DESC), max(x) over (order by d) FROM t"
            ),
            "SELECT SUM(amt) OVER (PARTITION BY a ORDER BY d DESC NULLS LAST ROWS BETWEEN UNBOUNDED \
PRECEDING AND UNBOUNDED FOLLOWING), max(x) over (order by d nulls first rows between unbounded \
preceding and unbounded following) FROM t"
        );
        for kept in [
            "SELECT SUM(amt) OVER (PARTITION BY a) FROM t",
            "SELECT SUM(amt) OVER (ORDER BY d NULLS FIRST ROWS UNBOUNDED PRECEDING) FROM t",
            "SELECT ROW_NUMBER() OVER (ORDER BY d NULLS FIRST) FROM t",
        ] {
            assert_eq!(convert_sql(kept), kept);
        }
        let first = "SELECT FIRST_VALUE(x) OVER (ORDER BY d NULLS FIRST) FROM t";
        assert_eq!(convert_sql(first), first);
        assert_eq!(codes(first), vec!["TD086"]);
    }

    #[test]
    fn explicit_null_orders_constants_and_random_are_left_alone() {
        for kept in [
            "SELECT a FROM t ORDER BY a NULLS LAST, b DESC NULLS FIRST",
            "SELECT a FROM t ORDER BY RANDOM() LIMIT 10",
            "SELECT a, ROW_NUMBER() OVER (ORDER BY 'x') FROM t",
            "SELECT a FROM t GROUP BY a",
        ] {
            assert_eq!(convert_sql(kept), kept);
        }
    }
}
