//! Findings and the edits that fix them, shared by every rule and renderer.

use serde::Serialize;

use crate::syntax::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a fix can be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the script's meaning: applied by `--fix`.
    Safe,
    /// May change behaviour: applied only with `--unsafe-fixes`.
    Unsafe,
}

/// Replace the bytes of `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Self {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit::replace(Span::empty(at), text)
    }

    pub fn delete(span: Span) -> Self {
        Edit::replace(span, String::new())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// One finding of one rule at one place in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    /// Byte span in the decoded file text.
    pub span: Span,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            span,
            message: message.into(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Action items are findings the user has to act on.
    pub fn is_action_item(&self) -> bool {
        self.severity >= Severity::Warning
    }
}

/// Applies non-overlapping edits to `text`. Edits are sorted by position; an edit that overlaps
/// an earlier one is skipped and returned so the caller can report or retry it. `edits` keeps the
/// applied ones, in order (for [`span_before_edits`]).
pub fn apply_edits(text: &str, edits: &mut Vec<Edit>) -> (String, Vec<Edit>) {
    let skipped = take_overlapping(edits);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut pos = 0usize;
    for edit in edits.iter() {
        let range = edit.span.range();
        out.push_str(&text[pos..range.start]);
        out.push_str(&edit.replacement);
        pos = range.end;
    }
    out.push_str(&text[pos..]);
    (out, skipped)
}

/// Sorts `edits` by position and takes out, in order, each one that overlaps an edit kept
/// before it: what is left applies in one go.
pub fn take_overlapping(edits: &mut Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut skipped = Vec::new();
    let mut pos = 0usize;
    edits.retain(|edit| {
        let range = edit.span.range();
        if range.start < pos {
            skipped.push(edit.clone());
            return false;
        }
        pos = range.end;
        true
    });
    skipped
}

/// Where `span` of the text `apply_edits` wrote lies in the text before: `applied` are the edits
/// it kept. A position inside a replacement moves to the edge of the span it replaced.
pub fn span_before_edits(span: Span, applied: &[Edit]) -> Span {
    let back = |pos: usize, is_end: bool| {
        // How much the text before `pos` grew, edit by edit.
        let mut growth = 0isize;
        for e in applied {
            let (start, end) = (e.span.start as usize, e.span.end as usize);
            let new_start = start.saturating_add_signed(growth);
            if pos <= new_start {
                break;
            }
            if pos < new_start + e.replacement.len() {
                return if is_end { end } else { start };
            }
            growth += e.replacement.len() as isize - (end - start) as isize;
        }
        pos.saturating_add_signed(-growth)
    };
    let start = back(span.start as usize, false);
    Span::new(start, back(span.end as usize, true).max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_overlaps_are_returned() {
        let mut edits = vec![
            Edit::replace(Span::new(4, 5), "X"),
            Edit::insert(0, ">"),
            Edit::replace(Span::new(3, 5), "overlap"),
        ];
        let (out, skipped) = apply_edits("abcdef", &mut edits);
        assert_eq!(out, ">abcoverlapf");
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].replacement, "X");
        assert_eq!(edits.len(), 2, "the applied edits stay");
    }

    #[test]
    fn spans_move_back_across_applied_edits() {
        // "ab**cd" written as "ab********cd" (a masked password grows by 6).
        let mut edits = vec![Edit::replace(Span::new(2, 4), "********")];
        let (out, _) = apply_edits("ab**cd", &mut edits);
        assert_eq!(out, "ab********cd");
        let back = |s: usize, e: usize| span_before_edits(Span::new(s, e), &edits);
        assert_eq!(back(0, 2), Span::new(0, 2));
        assert_eq!(back(10, 12), Span::new(4, 6));
        assert_eq!(back(0, 12), Span::new(0, 6));
        assert_eq!(
            back(3, 5),
            Span::new(2, 4),
            "inside the replacement: its edges"
        );
        // A shrinking edit: "abcdef" → "aXf".
        let mut edits = vec![Edit::replace(Span::new(1, 5), "X")];
        apply_edits("abcdef", &mut edits);
        assert_eq!(span_before_edits(Span::new(2, 3), &edits), Span::new(5, 6));
    }
}
