//! The rule registry: every conversion and lint rule, with its stable code and documentation.
//!
//! A rule lives in one module with a `pub const RULE: Rule` (or a few closely related ones), the
//! logic that applies it and its tests. This registry lists them all; `rsqlmig rules` and
//! `docs/rules.md` are generated from it.

pub mod bteq;
pub mod graph;
pub mod lint;
pub mod sql;

use crate::diagnostic::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Applied by `convert` (BTEQ → RSQL).
    Convert,
    /// Reported (and fixed) by `lint`.
    Lint,
    /// Reported by `graph`.
    Graph,
}

#[derive(Debug, serde::Serialize)]
pub struct Rule {
    /// Stable code, e.g. `BQ010`. Never reused for another rule.
    pub code: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    pub kind: RuleKind,
    /// Severity of the diagnostics the rule emits (`info` when it converts exactly).
    pub severity: Severity,
    /// One line: what the rule does.
    pub summary: &'static str,
    /// A paragraph with the reasoning, then a before/after example.
    pub doc: &'static str,
}

/// Every rule, in code order.
pub fn all() -> &'static [&'static Rule] {
    static ALL: std::sync::LazyLock<Vec<&'static Rule>> = std::sync::LazyLock::new(|| {
        let mut rules: Vec<&'static Rule> = bteq::RULES
            .iter()
            .copied()
            .chain(sql::rules())
            .chain(graph::RULES.iter().copied())
            .chain(lint::RULES.iter().copied())
            .collect();
        rules.sort_by_key(|r| r.code);
        rules
    });
    &ALL
}

pub fn by_code(code: &str) -> Option<&'static Rule> {
    all()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_documented() {
        let codes: Vec<_> = all().iter().map(|r| r.code).collect();
        let mut unique = codes.clone();
        unique.dedup();
        assert_eq!(codes, unique, "codes must be unique");
        for rule in all() {
            assert!(!rule.summary.is_empty(), "{} has no summary", rule.code);
            assert!(
                rule.doc.contains("Before:") && rule.doc.contains("After:"),
                "{} doc needs a before/after example",
                rule.code
            );
        }
    }
}
