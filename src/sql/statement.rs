//! A view of one SQL statement for the rewrite rules: its significant tokens with matched
//! parentheses and nesting depth, its kind, and helpers to find clauses and operands.
//!
//! The view never changes text: rules read it and return edits on token spans.

use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::span::Span;
use crate::text::Upper;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    Create,
    Replace,
    Drop,
    Alter,
    Rename,
    Collect,
    Database,
    /// `BT`, `ET`, `BEGIN`, `END`, `COMMIT`, `ROLLBACK`, `ABORT`.
    Transaction,
    Set,
    Call,
    Exec,
    Help,
    Show,
    /// `WITH … SELECT` (or a CTE before DML).
    With,
    /// `USING (…) request`: host variables fed by `.IMPORT`.
    Using,
    Other,
}

/// One statement: the tokens between two `;` of a request (the `;` excluded).
pub struct Statement<'a> {
    /// The text the token spans point into.
    pub src: &'a str,
    /// Significant tokens only (no whitespace or comments).
    pub toks: Vec<Token>,
    /// For an opening or closing parenthesis, the index of its partner ([`NO_PARTNER`] for
    /// other tokens and unbalanced parentheses).
    pair: Vec<u32>,
    /// Parenthesis depth of each token (a parenthesis has the depth outside it).
    pub depth: Vec<u32>,
    pub kind: Kind,
    /// Index of the first token after any `LOCKING … FOR …` prefixes.
    pub body: usize,
    /// The statement's words and operators, for rules that look for one most statements lack.
    words: WordSet,
    /// Each token's bit in a `WordSet` ([`NO_BIT`] for tokens other than words and operators),
    /// so [`Statement::is_in`] rules most tokens out with one bit test.
    bits: Vec<u16>,
    /// The kinds of its tokens, one bit each ([`kind_bit`]).
    kinds: u32,
}

fn kind_bit(kind: TokenKind) -> u32 {
    1 << kind as u32
}

const NO_PARTNER: u32 = u32::MAX;

/// The bit of a token that is not a word or an operator.
const NO_BIT: u16 = u16::MAX;

/// Words (case-insensitive) and operators hashed into 512 bits, one bit each ([`bit_of`]): a
/// statement's set answers "may it hold this word?" with one bit test, never a false "no". Built
/// at compile time for the rules' trigger words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordSet([u64; 8]);

impl WordSet {
    /// The set that every statement may hold something of: for checks without triggers.
    pub const ANY: WordSet = WordSet([u64::MAX; 8]);

    pub const fn of(words: &[&str]) -> WordSet {
        let mut set = WordSet([0; 8]);
        let mut i = 0;
        while i < words.len() {
            set.insert(bit_of(words[i].as_bytes()));
            i += 1;
        }
        set
    }

    pub const fn union(self, other: WordSet) -> WordSet {
        let mut set = self.0;
        let mut i = 0;
        while i < set.len() {
            set[i] |= other.0[i];
            i += 1;
        }
        WordSet(set)
    }

    const fn insert(&mut self, bit: u16) {
        self.0[bit as usize >> 6] |= 1 << (bit & 63);
    }

    fn contains(&self, bit: u16) -> bool {
        self.0[bit as usize >> 6] & (1 << (bit & 63)) != 0
    }

    /// Whether the sets share a bit: false means no word of one is in the other.
    pub fn meets(&self, other: &WordSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
}

/// The word's bit number (0..512): its first and last eight bytes with the ASCII case bit
/// cleared, and its length, mixed by one multiplication. Equal words (ignoring case) get the same
/// bit; the few other words that do are only false "maybe"s.
const fn bit_of(word: &[u8]) -> u16 {
    let n = word.len();
    let (head, tail) = if n >= 8 {
        (case_folded(word, 0, 8), case_folded(word, n - 8, 8))
    } else {
        (case_folded(word, 0, n), 0)
    };
    let mixed = (head ^ tail.rotate_left(29) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 55) as u16
}

/// `len` (at most 8) bytes of `word` from `at`, little-endian, with bit `0x20` cleared in each:
/// written byte by byte to be `const`; the compiler turns eight of them into one load.
const fn case_folded(word: &[u8], at: usize, len: usize) -> u64 {
    let mut value = 0u64;
    let mut k = 0;
    while k < len {
        value |= ((word[at + k] & !0x20) as u64) << (8 * k);
        k += 1;
    }
    value
}

/// A keyword list with its `WordSet`, built at compile time, for [`Statement::is_in`].
pub struct Keywords {
    set: WordSet,
    words: &'static [&'static str],
}

impl Keywords {
    pub const fn new(words: &'static [&'static str]) -> Keywords {
        Keywords {
            set: WordSet::of(words),
            words,
        }
    }
}

/// Operand-ending tokens: what can stand just before a binary operator.
fn ends_operand(t: &Token) -> bool {
    matches!(
        t.kind,
        TokenKind::Word
            | TokenKind::QuotedIdent
            | TokenKind::String
            | TokenKind::Number
            | TokenKind::Placeholder
            | TokenKind::Variable
            | TokenKind::RParen
    )
}

impl<'a> Statement<'a> {
    /// Builds the view over `tokens` (trivia allowed; it is dropped).
    pub fn new(src: &'a str, tokens: &[Token]) -> Statement<'a> {
        // A few tight walks rather than one that fills every vector: significant tokens, then
        // word bits, then parenthesis partners and depths.
        let mut toks: Vec<Token> = Vec::with_capacity(tokens.len());
        toks.extend(tokens.iter().filter(|t| !t.kind.is_trivia()));
        let n = toks.len();
        let mut words = WordSet([0; 8]);
        let mut kinds = 0;
        let bits: Vec<u16> = toks
            .iter()
            .map(|t| {
                kinds |= kind_bit(t.kind);
                if matches!(t.kind, TokenKind::Word | TokenKind::Op) {
                    let bit = bit_of(&src.as_bytes()[t.span.start as usize..t.span.end as usize]);
                    words.insert(bit);
                    bit
                } else {
                    NO_BIT
                }
            })
            .collect();
        let mut pair = vec![NO_PARTNER; n];
        let mut depth = Vec::with_capacity(n);
        let mut open: Vec<u32> = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match t.kind {
                TokenKind::LParen => {
                    depth.push(open.len() as u32);
                    open.push(i as u32);
                }
                TokenKind::RParen => {
                    if let Some(o) = open.pop() {
                        pair[o as usize] = i as u32;
                        pair[i] = o;
                    }
                    depth.push(open.len() as u32);
                }
                _ => depth.push(open.len() as u32),
            }
        }
        let mut stmt = Statement {
            src,
            toks,
            pair,
            depth,
            kind: Kind::Other,
            body: 0,
            words,
            bits,
            kinds,
        };
        stmt.body = stmt.skip_locking(0);
        stmt.kind = stmt.kind_at(stmt.body);
        stmt
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    pub fn text(&self, i: usize) -> &'a str {
        self.toks[i].span.text(self.src)
    }

    pub fn span(&self, i: usize) -> Span {
        self.toks[i].span
    }

    /// The span from token `i` to token `j` inclusive.
    pub fn range(&self, i: usize, j: usize) -> Span {
        self.toks[i].span.cover(self.toks[j].span)
    }

    /// The source text from token `i` to token `j` inclusive, layout and comments included.
    pub fn slice(&self, i: usize, j: usize) -> &'a str {
        self.range(i, j).text(self.src)
    }

    pub fn kind_of(&self, i: usize) -> Option<TokenKind> {
        self.toks.get(i).map(|t| t.kind)
    }

    /// Whether token `i` is the word `kw` (case-insensitive).
    /// The hottest test of the rewrite rules: it compares lengths before it looks at any text.
    #[inline]
    pub fn is(&self, i: usize, kw: &str) -> bool {
        self.toks.get(i).is_some_and(|t| {
            let (start, end) = (t.span.start as usize, t.span.end as usize);
            end - start == kw.len()
                && t.kind == TokenKind::Word
                && self.src.as_bytes()[start..end].eq_ignore_ascii_case(kw.as_bytes())
        })
    }

    /// Whether the statement may hold the word or operator `kw`: false means it does not.
    pub fn may_have(&self, kw: &str) -> bool {
        self.words.contains(bit_of(kw.as_bytes()))
    }

    /// Whether the statement may hold a word or operator of `set`: false means it holds none.
    pub fn may_hold(&self, set: &WordSet) -> bool {
        self.words.meets(set)
    }

    /// The indices of the word `kw` (case-insensitive), in order.
    pub fn each<'s>(&'s self, kw: &'s str) -> impl Iterator<Item = usize> + 's {
        let bit = bit_of(kw.as_bytes());
        let len = if self.words.contains(bit) {
            self.len()
        } else {
            0
        };
        (0..len).filter(move |&i| self.bits[i] == bit && self.is(i, kw))
    }

    /// The indices of the tokens that may be a word or operator of `set`, in order: a superset
    /// of those that are, found with one bit test per token.
    pub fn each_of<'s>(&'s self, set: &'s WordSet) -> impl Iterator<Item = usize> + 's {
        let len = if self.words.meets(set) { self.len() } else { 0 };
        (0..len).filter(move |&i| self.may_be(i, set))
    }

    /// The indices of the tokens that are words of `kws`, in order.
    pub fn each_in<'s>(&'s self, kws: &'s Keywords) -> impl Iterator<Item = usize> + 's {
        self.each_of(&kws.set)
            .filter(|&i| self.is_any(i, kws.words))
    }

    /// Whether the statement has a token of kind `kind`.
    pub fn has_kind(&self, kind: TokenKind) -> bool {
        self.kinds & kind_bit(kind) != 0
    }

    /// Whether the words from `i` on are `kws`.
    pub fn is_seq(&self, i: usize, kws: &[&str]) -> bool {
        kws.iter().enumerate().all(|(k, kw)| self.is(i + k, kw))
    }

    /// Whether token `i` is one of the words `kws` (the token is read once, then lengths are
    /// compared before any text: rules pass lists of up to 40 keywords).
    pub fn is_any(&self, i: usize, kws: &[&str]) -> bool {
        let Some(t) = self.toks.get(i).filter(|t| t.kind == TokenKind::Word) else {
            return false;
        };
        let word = &self.src.as_bytes()[t.span.start as usize..t.span.end as usize];
        kws.iter()
            .any(|kw| kw.len() == word.len() && word.eq_ignore_ascii_case(kw.as_bytes()))
    }

    /// Whether token `i` may be a word or operator of `set`: false means it is none of them.
    fn may_be(&self, i: usize, set: &WordSet) -> bool {
        self.bits
            .get(i)
            .is_some_and(|&bit| bit != NO_BIT && set.contains(bit))
    }

    /// Whether token `i` is one of the words `kws`: one bit test rules out most tokens.
    pub fn is_in(&self, i: usize, kws: &Keywords) -> bool {
        self.may_be(i, &kws.set) && self.is_any(i, kws.words)
    }

    /// Whether token `i` is the operator or punctuation `op`.
    pub fn is_op(&self, i: usize, op: &str) -> bool {
        self.toks.get(i).is_some_and(|t| {
            !matches!(
                t.kind,
                TokenKind::Word | TokenKind::String | TokenKind::QuotedIdent
            ) && t.span.text(self.src) == op
        })
    }

    /// The partner of the parenthesis at `i`.
    pub fn partner(&self, i: usize) -> Option<usize> {
        self.pair
            .get(i)
            .filter(|&&p| p != NO_PARTNER)
            .map(|&p| p as usize)
    }

    /// Index of the first word `kw` at `depth` in `from..to`.
    pub fn find(&self, from: usize, to: usize, depth: u32, kw: &str) -> Option<usize> {
        (from..to.min(self.len())).find(|&i| self.depth[i] == depth && self.is(i, kw))
    }

    /// Index of the first token at `depth` in `from..to` that `pred` accepts.
    pub fn find_where(
        &self,
        from: usize,
        to: usize,
        depth: u32,
        pred: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        (from..to.min(self.len())).find(|&i| self.depth[i] == depth && pred(i))
    }

    /// Whether token `i` is a word followed by `(` (a call, or a DDL clause such as `INDEX (c)`:
    /// rules check the context).
    pub fn is_call(&self, i: usize) -> bool {
        self.kind_of(i) == Some(TokenKind::Word) && self.kind_of(i + 1) == Some(TokenKind::LParen)
    }

    /// The text between tokens `i` and `j` (exclusive on both sides).
    pub fn gap(&self, i: usize, j: usize) -> &'a str {
        &self.src[self.toks[i].span.end as usize..self.toks[j].span.start as usize]
    }

    /// Arguments of the call whose `(` is at `open`: the token ranges between commas at the
    /// call's depth + 1, as inclusive `(first, last)` index pairs.
    pub fn args(&self, open: usize) -> Vec<(usize, usize)> {
        let Some(close) = self.partner(open) else {
            return Vec::new();
        };
        let inner = self.depth[open] + 1;
        let mut out = Vec::new();
        let mut start = open + 1;
        for i in open + 1..close {
            if self.depth[i] == inner && self.kind_of(i) == Some(TokenKind::Comma) {
                if start < i {
                    out.push((start, i - 1));
                }
                start = i + 1;
            }
        }
        if start < close {
            out.push((start, close - 1));
        }
        out
    }

    /// Whether a binary operator may stand at `i`: something that ends an operand is before it.
    pub fn after_operand(&self, i: usize) -> bool {
        i > 0 && ends_operand(&self.toks[i - 1]) && !self.is_keyword_before_operand(i - 1)
    }

    /// Words after which an operand starts (so they do not end one).
    fn is_keyword_before_operand(&self, i: usize) -> bool {
        const BEFORE_OPERAND: Keywords = Keywords::new(&[
            "SELECT", "SEL", "WHERE", "AND", "OR", "NOT", "ON", "WHEN", "THEN", "ELSE", "SET",
            "BY", "HAVING", "QUALIFY", "BETWEEN", "IN", "LIKE", "IS", "RETURN", "VALUES", "AS",
            "DISTINCT", "CASE", "FROM", "JOIN", "USING", "TABLE", "VIEW", "INTO", "UPDATE",
            "DATABASE", "SCHEMA", "EXISTS", "INDEX",
        ]);
        self.is_in(i, &BEFORE_OPERAND)
    }

    /// The first token of the operand that ends at `end` (a dotted name, a literal, a call, or a
    /// parenthesised group with the function name before it).
    pub fn operand_start(&self, end: usize) -> usize {
        let mut i = end;
        if self.kind_of(i) == Some(TokenKind::RParen)
            && let Some(open) = self.partner(i)
        {
            i = open;
            let named = i > 0
                && self.kind_of(i - 1) == Some(TokenKind::Word)
                && !self.is_keyword_before_operand(i - 1);
            if !named {
                return i;
            }
            i -= 1;
        }
        // Extend over `a.b.c` name chains, and over stray dots (`..t`, malformed SQL): a rewrite
        // that wraps the operand must not write a word right after a dot, where `.CAST(` at the
        // start of a request would read as a dot-command (found by fuzzing: `._ ** e`).
        while i >= 1 && self.kind_of(i - 1) == Some(TokenKind::Dot) {
            i -= 1;
            if i >= 1 && self.is_name_part(i - 1) {
                i -= 1;
            }
        }
        i
    }

    /// The last token of the operand that starts at `start`.
    pub fn operand_end(&self, start: usize) -> usize {
        let mut i = start;
        if self.kind_of(i) == Some(TokenKind::LParen) {
            return self.partner(i).unwrap_or(i);
        }
        while self.kind_of(i + 1) == Some(TokenKind::Dot) && self.is_name_part(i + 2) {
            i += 2;
        }
        if self.kind_of(i) == Some(TokenKind::Word)
            && self.kind_of(i + 1) == Some(TokenKind::LParen)
        {
            return self.partner(i + 1).unwrap_or(i);
        }
        i
    }

    /// A part of a dotted name: a word, a quoted identifier or a placeholder (`${DB}`).
    pub fn is_name_part(&self, i: usize) -> bool {
        matches!(
            self.kind_of(i),
            Some(TokenKind::Word | TokenKind::QuotedIdent | TokenKind::Placeholder)
        )
    }

    /// The last token of the (possibly dotted, possibly placeholder-built) name starting at `i`.
    pub fn name_end(&self, i: usize) -> Option<usize> {
        if !self.is_name_part(i) {
            return None;
        }
        let mut end = i;
        loop {
            // `tmp_${X}` and `${DB}X`: adjacent parts form one name part.
            if self.is_name_part(end + 1)
                && self.toks[end].span.end == self.toks[end + 1].span.start
            {
                end += 1;
            } else if self.kind_of(end + 1) == Some(TokenKind::Dot) && self.is_name_part(end + 2) {
                end += 2;
            } else {
                return Some(end);
            }
        }
    }

    fn skip_locking(&self, mut i: usize) -> usize {
        // LOCKING|LOCK [ROW|TABLE|DATABASE|VIEW] [name] [FOR|IN] <mode> [MODE] [NOWAIT]
        const MODES: [&str; 7] = [
            "ACCESS",
            "READ",
            "WRITE",
            "EXCLUSIVE",
            "SHARE",
            "LOAD",
            "CHECKSUM",
        ];
        while self.is_any(i, &["LOCKING", "LOCK"]) {
            // The mode follows FOR/IN or, as Teradata also allows, the object itself.
            let Some(mode_at) = self
                .after_lock_object(i + 1)
                .filter(|&k| self.is_any(k, &MODES))
                .or_else(|| {
                    (i + 1..self.len().min(i + 8))
                        .find(|&k| self.is_any(k, &["FOR", "IN"]))
                        .map(|k| k + 1)
                })
            else {
                return i;
            };
            let mut end = mode_at;
            if self.is_any(end, &MODES) {
                end += 1;
            } else {
                return i;
            }
            if self.is(end, "MODE") {
                end += 1;
            }
            if self.is(end, "NOWAIT") {
                end += 1;
            }
            i = end;
        }
        i
    }

    /// The token after the object of a `LOCKING` written without FOR/IN, whose object starts at
    /// `k`: `ROW`, or `TABLE|DATABASE|VIEW name`.
    fn after_lock_object(&self, k: usize) -> Option<usize> {
        if self.is(k, "ROW") {
            return Some(k + 1);
        }
        if self.is_any(k, &["TABLE", "DATABASE", "VIEW"]) {
            return self.name_end(k + 1).map(|end| end + 1);
        }
        None
    }

    /// The end of the `LOCKING … FOR …` prefix chain starting at `i` (exclusive), or `i`.
    pub fn locking_end(&self, i: usize) -> usize {
        self.skip_locking(i)
    }

    fn kind_at(&self, mut i: usize) -> Kind {
        // `((SELECT …) UNION …)`: look through opening parentheses (a loop: nesting may be deep).
        let opened = i;
        while self.kind_of(i) == Some(TokenKind::LParen) {
            i += 1;
        }
        let Some(t) = self.toks.get(i) else {
            return Kind::Other;
        };
        if i > opened {
            let is_select = t.kind == TokenKind::Word
                && (t.span.text(self.src).eq_ignore_ascii_case("SELECT")
                    || t.span.text(self.src).eq_ignore_ascii_case("SEL"));
            return if is_select { Kind::Select } else { Kind::Other };
        }
        if t.kind != TokenKind::Word {
            return Kind::Other;
        }
        match Upper::of(t.span.text(self.src)).as_str() {
            "SELECT" | "SEL" => Kind::Select,
            "INSERT" | "INS" => Kind::Insert,
            "UPDATE" | "UPD" => Kind::Update,
            "DELETE" | "DEL" => Kind::Delete,
            "MERGE" => Kind::Merge,
            "CREATE" | "CT" => Kind::Create,
            "REPLACE" => Kind::Replace,
            "DROP" => Kind::Drop,
            "ALTER" => Kind::Alter,
            "RENAME" => Kind::Rename,
            "COLLECT" => Kind::Collect,
            "DATABASE" => Kind::Database,
            // `BEGIN QUERY LOGGING`, `END LOGGING`: administration, not a transaction.
            "BEGIN" | "END"
                if self.kind_of(i + 1) == Some(TokenKind::Word)
                    && !self.is_any(i + 1, &["TRANSACTION", "WORK", "TRAN"]) =>
            {
                Kind::Other
            }
            "BT" | "ET" | "BEGIN" | "END" | "COMMIT" | "ROLLBACK" | "ABORT" => Kind::Transaction,
            "SET" => Kind::Set,
            "CALL" => Kind::Call,
            "EXEC" | "EXECUTE" => Kind::Exec,
            "HELP" => Kind::Help,
            "SHOW" => Kind::Show,
            "WITH" => Kind::With,
            "USING" => Kind::Using,
            _ => Kind::Other,
        }
    }
}

/// Splits the tokens of a request into statements at `;` outside parentheses. Returns, per
/// statement, the token range (the `;` excluded) and the `;` token's index if there is one.
pub fn split_statements(tokens: &[Token]) -> Vec<(std::ops::Range<usize>, Option<usize>)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth = depth.saturating_sub(1),
            TokenKind::Semicolon if depth == 0 => {
                out.push((start..i, Some(i)));
                start = i + 1;
            }
            _ => {}
        }
    }
    if tokens[start..].iter().any(|t| !t.kind.is_trivia()) {
        out.push((start..tokens.len(), None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::{Mode, tokenize};

    fn stmt(src: &str) -> Statement<'_> {
        let toks = tokenize(src.as_bytes(), Mode::BteqSql);
        Statement::new(src, &toks)
    }

    #[test]
    fn kinds_skip_locking_prefixes() {
        assert_eq!(
            stmt("LOCKING ROW FOR ACCESS SEL * FROM t").kind,
            Kind::Select
        );
        assert_eq!(stmt("LOCK TABLE a FOR ACCESS LOCK TABLE b FOR ACCESS CREATE VOLATILE TABLE v AS (SELECT 1) WITH DATA").kind, Kind::Create);
        assert_eq!(
            stmt("LOCKING TABLE s.UTIL FOR WRITE\nINSERT INTO x VALUES (1)").kind,
            Kind::Insert
        );
        assert_eq!(stmt("(SELECT 1) UNION (SELECT 2)").kind, Kind::Select);
        assert_eq!(stmt("BT").kind, Kind::Transaction);
    }

    #[test]
    fn words_match_keywords_in_any_case_and_nothing_else() {
        let long = "x".repeat(200);
        let src = format!("sel Select 'SEL' \"SEL\" SELECTED é {long}");
        let s = stmt(&src);
        assert!(s.is(0, "SEL") && s.is(1, "SELECT") && s.is(0, "sel"));
        assert!(!s.is(0, "SELECT") && !s.is(1, "SEL") && !s.is(4, "SELECT"));
        // Strings and quoted identifiers are never keywords.
        assert!(!s.is(2, "SEL") && !s.is(3, "SEL"));
        assert!(s.is(5, "é") && !s.is(5, "É"));
        assert!(s.is(6, &long.to_uppercase()) && !s.is(6, &"x".repeat(199)));
        assert!(!s.is(7, "SEL"));
    }

    #[test]
    fn word_sets_never_miss_a_word() {
        let s = stmt("sel Zeroifnull(a) FROM t WHERE x lt 1 AND 'QUALIFY' = \"SAMPLE\"");
        for kw in ["SEL", "ZEROIFNULL", "zeroIfNull", "FROM", "LT", "T", "A"] {
            assert!(s.may_have(kw), "{kw}");
        }
        assert_eq!(s.each("lt").collect::<Vec<_>>(), vec![9]);
        assert_eq!(s.each("X").count(), 1);
        // Strings and quoted identifiers are not words; absent words are (almost always) known
        // to be absent, and `each` finds nothing either way.
        assert_eq!(s.each("QUALIFY").count(), 0);
        assert_eq!(s.each("SAMPLE").count(), 0);
        let absent = [
            "MERGE", "LOCKING", "CAST", "FORMAT", "SESSION", "OREPLACE", "STRTOK",
        ];
        assert!(absent.iter().filter(|kw| s.may_have(kw)).count() <= 2);
        // Operators are in the set too, and sets built at compile time agree.
        let s = stmt("x ^= 2 ** y");
        assert!(s.may_have("^=") && s.may_have("**"));
        const TRIGGERS: WordSet = WordSet::of(&["merge", "**"]);
        assert!(s.may_hold(&TRIGGERS) && s.may_hold(&WordSet::ANY));
        assert!(!stmt("SELECT 1").may_hold(&WordSet::of(&["**"])));
    }

    #[test]
    fn parentheses_pair_and_args_split() {
        let s = stmt("f(a, g(b, c), 'x,y')");
        assert_eq!(s.partner(1), Some(s.len() - 1));
        let args: Vec<_> = s.args(1).iter().map(|&(a, b)| s.slice(a, b)).collect();
        assert_eq!(args, vec!["a", "g(b, c)", "'x,y'"]);
    }

    #[test]
    fn operands_extend_over_names_and_calls() {
        let s = stmt("x = a.b ** f(c) + (d)");
        let pow = (0..s.len()).find(|&i| s.text(i) == "**").unwrap();
        assert_eq!(s.slice(s.operand_start(pow - 1), pow - 1), "a.b");
        assert_eq!(s.slice(pow + 1, s.operand_end(pow + 1)), "f(c)");
        let plus = (0..s.len()).find(|&i| s.text(i) == "+").unwrap();
        assert_eq!(s.slice(plus + 1, s.operand_end(plus + 1)), "(d)");
    }

    #[test]
    fn names_join_placeholders() {
        let s = stmt("${DB}.tmp_${KPI}_x.col y");
        assert_eq!(s.slice(0, s.name_end(0).unwrap()), "${DB}.tmp_${KPI}_x.col");
    }

    #[test]
    fn statements_split_outside_parentheses() {
        let src = "SELECT 1; SELECT (2;3); SELECT 4";
        let toks = tokenize(src.as_bytes(), Mode::BteqSql);
        let parts = split_statements(&toks);
        assert_eq!(parts.len(), 3);
        assert!(parts[2].1.is_none());
    }
}
