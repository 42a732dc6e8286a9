//! Byte spans into a source text.

use std::ops::Range;

/// A half-open byte range `start..end` into the text a syntax tree was built from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn empty(at: usize) -> Self {
        Span::new(at, at)
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The bytes both spans hold, if any.
    pub fn intersect(self, other: Span) -> Option<Span> {
        let (start, end) = (self.start.max(other.start), self.end.min(other.end));
        (start < end).then_some(Span { start, end })
    }

    /// The span moved `by` bytes later (from a substring's coordinates to its parent's).
    pub fn offset(self, by: usize) -> Span {
        Span::new(self.start as usize + by, self.end as usize + by)
    }

    /// The span moved `by` bytes earlier (into the coordinates of a substring starting at `by`).
    pub fn offset_back(self, by: usize) -> Span {
        Span::new(self.start as usize - by, self.end as usize - by)
    }

    pub fn text(self, src: &str) -> &str {
        &src[self.range()]
    }
}

/// Maps byte offsets to 1-based line and column numbers (columns count characters).
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| (i + 1) as u32));
        LineIndex { line_starts }
    }

    /// 1-based (line, column) of a byte offset; the column counts Unicode scalar values.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let mut col_end = offset;
        while !text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        (line + 1, text[start..col_end].chars().count() + 1)
    }

    /// The byte span of line `line` (1-based), without its line break.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_starts[line - 1] as usize;
        let mut end = self
            .line_starts
            .get(line)
            .map(|&s| s as usize - 1)
            .unwrap_or(text.len());
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "ab\nçd\r\nef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 5), (2, 2)); // after the two-byte 'ç'
        assert_eq!(idx.line_col(text, 8), (3, 1));
        assert_eq!(idx.line_span(text, 2).text(text), "çd");
        assert_eq!(idx.line_span(text, 3).text(text), "ef");
    }
}
