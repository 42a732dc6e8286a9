//! Teradata SQL → Redshift SQL rewrite rules (codes `TD…`).
//!
//! Each rule is a `Rule` plus a check that reads one [`Statement`] and adds edits and
//! diagnostics to [`Findings`]. The converter runs every check on every statement of a request,
//! applies the edits that do not overlap, and runs the checks again on the result until nothing
//! changes, so two rules may rewrite neighbouring text without coordinating.

pub mod abbreviations;
pub mod ddl;
pub mod dml;
pub mod functions;
pub mod locking;
pub mod transactions;

use crate::diagnostic::{Diagnostic, Edit, Severity};
use crate::rules::Rule;
use crate::sql::statement::Statement;
use crate::syntax::span::Span;

/// What the checks found in one statement.
#[derive(Default)]
pub struct Findings {
    pub edits: Vec<Edit>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Findings {
    pub fn replace(&mut self, span: Span, text: impl Into<String>) {
        self.edits.push(Edit::replace(span, text));
    }

    pub fn insert(&mut self, at: u32, text: impl Into<String>) {
        self.edits.push(Edit::insert(at as usize, text));
    }

    /// Deletes tokens `i..=j` of `stmt` with the blanks that follow them (or, at the end of the
    /// statement, the blanks before them), so no double spaces are left.
    pub fn delete_tokens(&mut self, stmt: &Statement, i: usize, j: usize) {
        let mut span = stmt.range(i, j);
        if j + 1 < stmt.len() {
            let gap = stmt.gap(j, j + 1);
            if gap.trim().is_empty() && !gap.contains('\n') {
                span = Span::new(span.start as usize, stmt.span(j + 1).start as usize);
            }
        } else if i > 0 {
            let gap = stmt.gap(i - 1, i);
            if gap.trim().is_empty() {
                span = Span::new(stmt.span(i - 1).end as usize, span.end as usize);
            }
        }
        self.edits.push(Edit::delete(span));
    }

    pub fn report(
        &mut self,
        rule: &'static Rule,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(rule.code, severity, span, message));
    }
}

/// One rule's check over a statement.
pub struct SqlCheck {
    pub rule: &'static Rule,
    pub check: fn(&Statement, &mut Findings),
}

/// Every check of every family.
pub fn checks() -> impl Iterator<Item = &'static SqlCheck> {
    [
        abbreviations::CHECKS,
        transactions::CHECKS,
        locking::CHECKS,
        ddl::CHECKS,
        functions::CHECKS,
        dml::CHECKS,
    ]
    .into_iter()
    .flatten()
}

/// Every SQL rule (a check may report under more than one rule of its family).
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    [
        abbreviations::RULES,
        transactions::RULES,
        locking::RULES,
        ddl::RULES,
        functions::RULES,
        dml::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// Runs every check on `stmt`.
pub fn check_statement(stmt: &Statement, out: &mut Findings) {
    for c in checks() {
        (c.check)(stmt, out);
    }
}

/// Test helper: converts one request of Teradata SQL and returns the text.
#[cfg(test)]
pub fn convert_sql(text: &str) -> String {
    crate::convert::sql::convert_request(text, None, &mut false).wrapped_text()
}

/// Test helper: the codes reported for one request.
#[cfg(test)]
pub fn codes(text: &str) -> Vec<&'static str> {
    crate::convert::sql::convert_request(text, None, &mut false)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}
