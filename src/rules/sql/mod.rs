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
pub mod ordering;
pub mod transactions;

use crate::diagnostic::{Diagnostic, Edit, Severity};
use crate::rules::Rule;
use crate::sql::statement::Statement;
use crate::syntax::span::Span;

/// What the checks found in one statement.
#[derive(Default)]
pub struct Findings {
    edits: Vec<Edit>,
    /// The rewrite each edit belongs to: the edits of one rewrite apply together or not at all.
    rewrite_of: Vec<u32>,
    rewrites: u32,
    /// The rewrite [`Findings::rewrite`] is collecting.
    open: Option<u32>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Findings {
    pub fn replace(&mut self, span: Span, text: impl Into<String>) {
        self.push(Edit::replace(span, text));
    }

    pub fn insert(&mut self, at: u32, text: impl Into<String>) {
        self.push(Edit::insert(at as usize, text));
    }

    pub fn delete(&mut self, span: Span) {
        self.push(Edit::delete(span));
    }

    fn push(&mut self, edit: Edit) {
        let rewrite = self.open.unwrap_or_else(|| {
            self.rewrites += 1;
            self.rewrites - 1
        });
        self.edits.push(edit);
        self.rewrite_of.push(rewrite);
    }

    /// The edits `build` makes are one rewrite: they apply together or not at all (`POWER(`,
    /// `, ` and `)` around `a ** b`), so an edit of another rule that overlaps one of them
    /// never leaves half of it in the text.
    pub fn rewrite(&mut self, build: impl FnOnce(&mut Findings)) {
        if self.open.is_some() {
            build(self);
            return;
        }
        self.open = Some(self.rewrites);
        self.rewrites += 1;
        build(self);
        self.open = None;
    }

    pub fn has_edits(&self) -> bool {
        !self.edits.is_empty()
    }

    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// The edits that apply together this pass, in text order: whole rewrites that overlap no
    /// rewrite kept before them. A rewrite left out is found again by the next pass, on the
    /// text the kept ones made.
    pub fn take_applicable(&mut self) -> Vec<Edit> {
        let mut order: Vec<usize> = (0..self.edits.len()).collect();
        order.sort_by_key(|&k| (self.edits[k].span.start, self.edits[k].span.end));
        let mut dropped = vec![false; self.rewrites as usize];
        // Dropping a rewrite frees the text its kept edits held: go again until none is dropped.
        loop {
            let mut pos = 0usize;
            // The rewrite of the last kept insertion and where it inserts: two rewrites that
            // insert at one point (` LIMIT 10` and ` NULLS LAST` after `DESC`) have no order
            // between them, so only the first applies this pass.
            let mut inserted: Option<(usize, u32)> = None;
            let mut dropped_one = false;
            for &k in &order {
                let rewrite = self.rewrite_of[k] as usize;
                if dropped[rewrite] {
                    continue;
                }
                let span = self.edits[k].span;
                let start = span.start as usize;
                let same_point = span.is_empty()
                    && inserted.is_some_and(|(at, r)| at == start && r as usize != rewrite);
                if start < pos || same_point {
                    dropped[rewrite] = true;
                    dropped_one = true;
                } else {
                    pos = span.end as usize;
                    inserted = span.is_empty().then_some((start, rewrite as u32));
                }
            }
            if !dropped_one {
                break;
            }
        }
        // Each pass must make progress: a rewrite whose own edits overlap is always dropped, and
        // if nothing else is left, the first one found stands with what of it applies.
        if self.rewrite_of.iter().all(|&r| dropped[r as usize])
            && let Some(&first) = self.rewrite_of.first()
        {
            dropped[first as usize] = false;
        }
        let mut edits: Vec<Edit> = order
            .into_iter()
            .filter(|&k| !dropped[self.rewrite_of[k] as usize])
            .map(|k| std::mem::replace(&mut self.edits[k], Edit::delete(Span::default())))
            .collect();
        crate::diagnostic::take_overlapping(&mut edits);
        self.edits.clear();
        self.rewrite_of.clear();
        edits
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
        self.push(Edit::delete(span));
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
    /// What the check rewrites is also valid Redshift SQL (`MINUS`, `TOP n`, `CHAR_LENGTH`, a
    /// column named `date`): `convert` still rewrites it, but lint's RS021 keeps only the
    /// check's reports (such as `MINUS ALL`), so hand-written RSQL is not held to Teradata's
    /// reading of it.
    pub redshift_valid: bool,
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
        ordering::CHECKS,
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
        ordering::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// `new` in the case of `orig`: lower case when `orig` has letters and all are lower case, so a
/// rewrite keeps the script's keyword style.
pub fn cased(orig: &str, new: &str) -> String {
    let lower = orig.bytes().any(|b| b.is_ascii_lowercase())
        && !orig.bytes().any(|b| b.is_ascii_uppercase());
    if lower {
        new.to_ascii_lowercase()
    } else {
        new.to_string()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_applies_whole_or_waits_for_the_next_pass() {
        let mut found = Findings::default();
        // `a ** b` → `POWER(a, b)`, and another rule's edit over `a *` that collides with the
        // middle of it: POWER waits, rather than leave `POWER(` alone in the text.
        found.rewrite(|out| {
            out.insert(0, "POWER(");
            out.replace(Span::new(1, 5), ", ");
            out.insert(6, ")");
        });
        found.replace(Span::new(0, 2), "(b)");
        found.replace(Span::new(8, 9), "x");
        let kept: Vec<_> = found
            .take_applicable()
            .into_iter()
            .map(|e| (e.span.start, e.replacement))
            .collect();
        assert_eq!(kept, vec![(0, "(b)".to_string()), (8, "x".to_string())]);
        assert!(!found.has_edits());
        // A rewrite whose own edits overlap, alone: it applies as far as it can, so a pass
        // never stalls.
        found.rewrite(|out| {
            out.replace(Span::new(0, 4), "A");
            out.replace(Span::new(2, 6), "B");
            out.replace(Span::new(8, 9), "C");
        });
        let kept: Vec<_> = found
            .take_applicable()
            .into_iter()
            .map(|e| e.replacement)
            .collect();
        assert_eq!(kept, vec!["A", "C"]);
    }
}
