//! The SQL layer on top of the lossless tokens: statements, their kind, parentheses, clauses
//! and operands, for rules that rewrite Teradata SQL as edits on spans.

pub mod statement;
