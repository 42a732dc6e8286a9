//! Lossless tokens for BTEQ and RSQL scripts.
//!
//! The lexer works on bytes, so any input (Latin-1, invalid UTF-8, binary junk) tokenises, and the
//! tokens tile the input exactly: concatenating their texts gives the input back byte for byte.
//! Token boundaries fall only next to ASCII bytes, so on UTF-8 text every span is a char boundary.
//!
//! What a byte sequence means depends on where it is (a `'` opens a string in SQL but not in a
//! `.OS` command line), so the parser drives the lexer with a [`Mode`].

use memchr::memmem;

use crate::syntax::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Spaces, tabs, form feeds and lone carriage returns.
    Whitespace,
    /// `\n` or `\r\n`.
    Newline,
    /// `-- ...` up to the end of the line.
    LineComment,
    /// `/* ... */`; unterminated at end of input when [`Token::unterminated`].
    BlockComment,
    /// A BTEQ `*` comment line (only at the start of an instruction).
    StarComment,
    /// An identifier or keyword.
    Word,
    /// `"quoted identifier"` with `""` escapes.
    QuotedIdent,
    /// `'string'` with `''` escapes, or an RSQL `$$dollar quoted$$` string.
    String,
    Number,
    /// Text substituted before the script runs: `${X}`, `$X`, `$(cmd)`, backticks, `%%X%%`,
    /// `&&X`, `@X`, `{{ x }}`, `{x}`. Always kept verbatim.
    Placeholder,
    /// `:name`, `:'name'` or `:"name"`: an RSQL variable, or a BTEQ `USING` host variable.
    Variable,
    LParen,
    RParen,
    Comma,
    Semicolon,
    Dot,
    /// `\` starting an RSQL meta-command.
    Backslash,
    /// Operators: `=`, `<>`, `<=`, `>=`, `!=`, `^=`, `~=`, `**`, `||`, `::`, `+`, `-`, `*`, `/`, ...
    Op,
    /// Any other byte run (control characters, bytes that are not text).
    Other,
}

impl TokenKind {
    /// Whitespace, line breaks and comments: what separates significant tokens.
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace
                | TokenKind::Newline
                | TokenKind::LineComment
                | TokenKind::BlockComment
                | TokenKind::StarComment
        )
    }

    pub fn is_comment(self) -> bool {
        matches!(
            self,
            TokenKind::LineComment | TokenKind::BlockComment | TokenKind::StarComment
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// A string, quoted identifier or block comment that reached the end of its line (in a
    /// command line) or of the input without being closed.
    pub unterminated: bool,
}

/// Where the lexer is, which decides what some bytes mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Inside a BTEQ SQL request: strings and block comments may span lines; `$$` is a shell
    /// placeholder (the process id), as BTEQ text is usually inside a shell heredoc.
    BteqSql,
    /// Inside an RSQL statement: as `BteqSql`, but `$$ ... $$` and `$tag$ ... $tag$` are strings.
    RsqlSql,
    /// A dot-command or meta-command line: nothing extends past the end of the line.
    CommandLine,
}

pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'#' || b >= 0x80
}

/// Bytes that continue a word, `$` aside (it may start a placeholder instead): a table, because
/// words are most of a script's bytes.
const WORD_CONTINUE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'#' || byte >= 0x80;
        b += 1;
    }
    table
};

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Lexer { src, pos: 0 }
    }

    pub fn with_pos(src: &'a [u8], pos: usize) -> Self {
        Lexer { src, pos }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn token(&mut self, kind: TokenKind, end: usize) -> Token {
        let start = self.pos;
        self.pos = end;
        Token {
            kind,
            span: Span::new(start, end),
            unterminated: false,
        }
    }

    fn unterminated(&mut self, kind: TokenKind, end: usize) -> Token {
        let mut token = self.token(kind, end);
        token.unterminated = true;
        token
    }

    /// End of the current line (the index of its `\n`, or the end of input).
    fn line_end(&self, from: usize) -> usize {
        self.src[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.src.len(), |i| from + i)
    }

    /// Lexes a `*` comment line: everything up to the line break.
    pub fn star_comment(&mut self) -> Token {
        let mut end = self.line_end(self.pos);
        if end > self.pos && self.src[end - 1] == b'\r' {
            end -= 1;
        }
        self.token(TokenKind::StarComment, end)
    }

    /// The next token, or `None` at end of input. Inlined into its two loops: as a call, saving
    /// and restoring registers cost about a third of the lexer's instructions.
    #[inline(always)]
    pub fn next_token(&mut self, mode: Mode) -> Option<Token> {
        let b = self.peek(0)?;
        let start = self.pos;
        let src = self.src;
        let tok = match b {
            b'\n' => self.token(TokenKind::Newline, start + 1),
            b'\r' if self.peek(1) == Some(b'\n') => self.token(TokenKind::Newline, start + 2),
            b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => {
                let mut end = start + 1;
                while end < src.len() {
                    match src[end] {
                        b' ' | b'\t' | b'\x0b' | b'\x0c' => end += 1,
                        b'\r' if src.get(end + 1) != Some(&b'\n') => end += 1,
                        _ => break,
                    }
                }
                self.token(TokenKind::Whitespace, end)
            }
            b'-' if self.peek(1) == Some(b'-') => {
                let mut end = self.line_end(start);
                if end > start && src[end - 1] == b'\r' {
                    end -= 1;
                }
                self.token(TokenKind::LineComment, end)
            }
            b'/' if self.peek(1) == Some(b'*') => self.block_comment(mode),
            b'\'' => self.quoted(b'\'', TokenKind::String, mode),
            b'"' => self.quoted(b'"', TokenKind::QuotedIdent, mode),
            b'0'..=b'9' => self.number(),
            b'$' => self.dollar(mode),
            b'`' => {
                let limit = if mode == Mode::CommandLine {
                    self.line_end(start)
                } else {
                    src.len()
                };
                match memchr::memchr(b'`', &src[start + 1..limit]) {
                    Some(i) => self.token(TokenKind::Placeholder, start + 2 + i),
                    None => self.token(TokenKind::Other, start + 1),
                }
            }
            b'%' if self.peek(1) == Some(b'%') => self.percent_placeholder(),
            b'&' if self.peek(1) == Some(b'&') && self.peek(2).is_some_and(is_name_start) => {
                let end = self.name_end(start + 2);
                self.token(TokenKind::Placeholder, end)
            }
            b'@' if self.peek(1).is_some_and(is_name_start) => {
                let end = self.name_end(start + 1);
                self.token(TokenKind::Placeholder, end)
            }
            b'{' => self.brace_placeholder(),
            b':' => self.colon(),
            b'(' => self.token(TokenKind::LParen, start + 1),
            b')' => self.token(TokenKind::RParen, start + 1),
            b',' => self.token(TokenKind::Comma, start + 1),
            b';' => self.token(TokenKind::Semicolon, start + 1),
            b'.' => self.token(TokenKind::Dot, start + 1),
            b'\\' => self.token(TokenKind::Backslash, start + 1),
            b if is_word_start(b) => {
                let end = self.word_end(start + 1);
                self.token(TokenKind::Word, end)
            }
            b'<' | b'>' | b'=' | b'!' | b'^' | b'~' | b'*' | b'|' | b'+' | b'-' | b'/' | b'%'
            | b'&' | b'?' | b'@' | b'[' | b']' | b'}' => {
                let two = [b, self.peek(1).unwrap_or(0)];
                let len = match &two {
                    b"<>" | b"<=" | b">=" | b"!=" | b"^=" | b"~=" | b"**" | b"||" | b"=>"
                    | b"->" => 2,
                    _ => 1,
                };
                self.token(TokenKind::Op, start + len)
            }
            _ => {
                // Control characters and the like: one run, so binary junk stays cheap.
                let mut end = start + 1;
                while end < src.len() && is_other(src[end]) {
                    end += 1;
                }
                self.token(TokenKind::Other, end)
            }
        };
        Some(tok)
    }

    fn word_end(&self, mut end: usize) -> usize {
        let src = self.src;
        loop {
            end += src[end..]
                .iter()
                .position(|&b| !WORD_CONTINUE[b as usize])
                .unwrap_or(src.len() - end);
            // `tmp_${X}` and `tmp_$(f)`: the placeholder is its own token; any other `$` is part
            // of the word.
            if src.get(end) == Some(&b'$') && !matches!(src.get(end + 1), Some(b'{') | Some(b'(')) {
                end += 1;
            } else {
                return end;
            }
        }
    }

    fn name_end(&self, mut end: usize) -> usize {
        while end < self.src.len() && is_name_continue(self.src[end]) {
            end += 1;
        }
        end
    }

    fn block_comment(&mut self, mode: Mode) -> Token {
        let start = self.pos;
        // In a command line an unclosed comment ends with the line, as a string does.
        let limit = if mode == Mode::CommandLine {
            let end = self.line_end(start);
            if self.src[end - 1] == b'\r' {
                end - 1
            } else {
                end
            }
        } else {
            self.src.len()
        };
        match memmem::find(&self.src[start + 2..limit], b"*/") {
            Some(i) => self.token(TokenKind::BlockComment, start + 2 + i + 2),
            None => self.unterminated(TokenKind::BlockComment, limit),
        }
    }

    /// A quoted string or identifier; a doubled quote is an escaped quote. In a command line it
    /// stops at the end of the line.
    fn quoted(&mut self, quote: u8, kind: TokenKind, mode: Mode) -> Token {
        let src = self.src;
        let limit = if mode == Mode::CommandLine {
            let mut end = self.line_end(self.pos);
            if end > self.pos && src[end - 1] == b'\r' {
                end -= 1;
            }
            end
        } else {
            src.len()
        };
        let mut i = self.pos + 1;
        while i < limit {
            match memchr::memchr(quote, &src[i..limit]) {
                None => break,
                Some(off) => {
                    i += off + 1;
                    if i < limit && src[i] == quote {
                        i += 1; // escaped quote
                    } else {
                        return self.token(kind, i);
                    }
                }
            }
        }
        self.unterminated(kind, limit)
    }

    fn number(&mut self) -> Token {
        let src = self.src;
        let mut end = self.pos;
        while end < src.len() && src[end].is_ascii_digit() {
            end += 1;
        }
        if end + 1 < src.len() && src[end] == b'.' && src[end + 1].is_ascii_digit() {
            end += 1;
            while end < src.len() && src[end].is_ascii_digit() {
                end += 1;
            }
        }
        if end < src.len() && (src[end] == b'e' || src[end] == b'E') {
            let mut exp = end + 1;
            if exp < src.len() && (src[exp] == b'+' || src[exp] == b'-') {
                exp += 1;
            }
            if exp < src.len() && src[exp].is_ascii_digit() {
                end = exp;
                while end < src.len() && src[end].is_ascii_digit() {
                    end += 1;
                }
            }
        }
        self.token(TokenKind::Number, end)
    }

    fn dollar(&mut self, mode: Mode) -> Token {
        let start = self.pos;
        let src = self.src;
        match self.peek(1) {
            Some(b'{') => match memchr::memchr(b'}', &src[start + 2..]) {
                Some(i) if !src[start + 2..start + 2 + i].contains(&b'\n') => {
                    self.token(TokenKind::Placeholder, start + 3 + i)
                }
                _ => self.token(TokenKind::Other, start + 1),
            },
            Some(b'(') => {
                let limit = if mode == Mode::CommandLine {
                    self.line_end(start)
                } else {
                    src.len()
                };
                match matching_paren(&src[..limit], start + 1) {
                    Some(close) => self.token(TokenKind::Placeholder, close + 1),
                    None => self.token(TokenKind::Other, start + 1),
                }
            }
            Some(b'$') if mode == Mode::RsqlSql => self.dollar_quoted(start, 2),
            Some(b) if mode == Mode::RsqlSql && is_name_start(b) => {
                // `$tag$ ... $tag$` when the tag is closed by a `$`; otherwise a placeholder.
                let tag_end = self.name_end(start + 1);
                if src.get(tag_end) == Some(&b'$') {
                    self.dollar_quoted(start, tag_end + 1 - start)
                } else {
                    self.token(TokenKind::Placeholder, tag_end)
                }
            }
            Some(b) if is_name_start(b) => {
                let end = self.name_end(start + 1);
                self.token(TokenKind::Placeholder, end)
            }
            Some(b'0'..=b'9' | b'$' | b'?' | b'#' | b'@' | b'*' | b'!' | b'-') => {
                self.token(TokenKind::Placeholder, start + 2)
            }
            _ => self.token(TokenKind::Other, start + 1),
        }
    }

    fn dollar_quoted(&mut self, start: usize, tag_len: usize) -> Token {
        let tag = &self.src[start..start + tag_len];
        match memmem::find(&self.src[start + tag_len..], tag) {
            Some(i) => self.token(TokenKind::String, start + tag_len + i + tag_len),
            None => self.unterminated(TokenKind::String, self.src.len()),
        }
    }

    fn percent_placeholder(&mut self) -> Token {
        let start = self.pos;
        let name_end = self.name_end(start + 2);
        if name_end > start + 2 && self.src[name_end..].starts_with(b"%%") {
            self.token(TokenKind::Placeholder, name_end + 2)
        } else {
            self.token(TokenKind::Op, start + 1)
        }
    }

    fn brace_placeholder(&mut self) -> Token {
        let start = self.pos;
        let src = self.src;
        if self.peek(1) == Some(b'{') {
            if let Some(i) = memmem::find(&src[start + 2..], b"}}") {
                let inner = &src[start + 2..start + 2 + i];
                if !inner.contains(&b'\n') {
                    return self.token(TokenKind::Placeholder, start + 4 + i);
                }
            }
        } else if self.peek(1).is_some_and(is_name_start) {
            let end = self.name_end(start + 1);
            if src.get(end) == Some(&b'}') {
                return self.token(TokenKind::Placeholder, end + 1);
            }
        }
        self.token(TokenKind::Op, start + 1)
    }

    fn colon(&mut self) -> Token {
        let start = self.pos;
        match self.peek(1) {
            Some(b':') => self.token(TokenKind::Op, start + 2),
            Some(b) if is_name_start(b) => {
                let end = self.name_end(start + 1);
                self.token(TokenKind::Variable, end)
            }
            Some(q @ (b'\'' | b'"')) => {
                let name_end = self.name_end(start + 2);
                if name_end > start + 2 && self.src.get(name_end) == Some(&q) {
                    self.token(TokenKind::Variable, name_end + 1)
                } else {
                    self.token(TokenKind::Op, start + 1)
                }
            }
            _ => self.token(TokenKind::Op, start + 1),
        }
    }
}

fn is_other(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | b'\x0b' | b'\x0c')
}

/// Index of the `)` closing the `(` at `open`, tracking nesting.
fn matching_paren(src: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in src[open..].iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Tokenises all of `src` in one mode (used by tests and by SQL-only callers).
pub fn tokenize(src: &[u8], mode: Mode) -> Vec<Token> {
    let mut lexer = Lexer::new(src);
    // SQL runs at about one token (blanks included) per 2 bytes: reserve once instead of
    // growing and copying.
    let mut tokens = Vec::with_capacity(src.len() / 2 + 1);
    while let Some(t) = lexer.next_token(mode) {
        tokens.push(t);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str, mode: Mode) -> Vec<(TokenKind, &str)> {
        tokenize(src.as_bytes(), mode)
            .into_iter()
            .map(|t| (t.kind, t.span.text(src)))
            .collect()
    }

    fn significant(src: &str, mode: Mode) -> Vec<(TokenKind, &str)> {
        kinds(src, mode)
            .into_iter()
            .filter(|(k, _)| !k.is_trivia())
            .collect()
    }

    use TokenKind::*;

    #[test]
    fn strings_with_doubled_quotes_and_semicolons() {
        assert_eq!(
            significant("SELECT 'it''s;' , \"a\"\"b\";", Mode::BteqSql),
            vec![
                (Word, "SELECT"),
                (String, "'it''s;'"),
                (Comma, ","),
                (QuotedIdent, "\"a\"\"b\""),
                (Semicolon, ";")
            ]
        );
    }

    #[test]
    fn comments_and_crlf() {
        assert_eq!(
            kinds("a -- c;\r\n/* x\n;*/b", Mode::BteqSql),
            vec![
                (Word, "a"),
                (Whitespace, " "),
                (LineComment, "-- c;"),
                (Newline, "\r\n"),
                (BlockComment, "/* x\n;*/"),
                (Word, "b")
            ]
        );
    }

    #[test]
    fn placeholders_are_single_tokens() {
        let src = "${DB}.T $X $(date +'%Y') `date` %%STG%%.T &&ENV.T \"@Db\".T T@Part {{ p.x }} {db}_X $1 $$";
        let got: Vec<_> = significant(src, Mode::BteqSql)
            .into_iter()
            .filter(|(k, _)| *k == Placeholder)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(
            got,
            vec![
                "${DB}",
                "$X",
                "$(date +'%Y')",
                "`date`",
                "%%STG%%",
                "&&ENV",
                "@Part",
                "{{ p.x }}",
                "{db}",
                "$1",
                "$$"
            ]
        );
    }

    #[test]
    fn word_stops_before_embedded_placeholder() {
        assert_eq!(
            significant("tmp_${KPI}_x A$B", Mode::BteqSql),
            vec![
                (Word, "tmp_"),
                (Placeholder, "${KPI}"),
                (Word, "_x"),
                (Word, "A$B")
            ]
        );
    }

    #[test]
    fn rsql_dollar_quoting_and_variables() {
        assert_eq!(
            significant("AS $$ a; b $$ :'ERRORCODE' :X a::int", Mode::RsqlSql),
            vec![
                (Word, "AS"),
                (String, "$$ a; b $$"),
                (Variable, ":'ERRORCODE'"),
                (Variable, ":X"),
                (Word, "a"),
                (Op, "::"),
                (Word, "int")
            ]
        );
    }

    #[test]
    fn command_line_strings_stop_at_line_end() {
        let toks = tokenize(b"echo it's\nnext'", Mode::CommandLine);
        let s = toks.iter().find(|t| t.kind == String).unwrap();
        assert!(s.unterminated);
        assert_eq!(s.span, Span::new(7, 9));
    }

    #[test]
    fn command_line_block_comments_stop_at_line_end() {
        // Found by fuzzing: an unclosed `/*` in a command line ran to the end of the input.
        let toks = tokenize(b"x /* y\r\nz */", Mode::CommandLine);
        assert_eq!(toks[2].kind, BlockComment);
        assert!(toks[2].unterminated);
        assert_eq!(toks[2].span, Span::new(2, 6));
        assert_eq!(toks[3].kind, Newline);
        let toks = tokenize(b"/* y */\n", Mode::CommandLine);
        assert_eq!(
            (toks[0].span, toks[0].unterminated),
            (Span::new(0, 7), false)
        );
    }

    #[test]
    fn command_line_placeholders_stay_on_their_line() {
        let toks = tokenize(b"echo `x\n`", Mode::CommandLine);
        assert_eq!(toks[2].kind, Other);
        let toks = tokenize(b"echo $(x\n)", Mode::CommandLine);
        assert_eq!(toks[2].kind, Other);
    }

    #[test]
    fn operators() {
        assert_eq!(
            significant("a<>b NOT=c ^=d ~=e !=f **2 || x", Mode::BteqSql)
                .into_iter()
                .filter(|(k, _)| *k == Op)
                .map(|(_, t)| t)
                .collect::<Vec<_>>(),
            vec!["<>", "=", "^=", "~=", "!=", "**", "||"]
        );
    }

    #[test]
    fn tokens_tile_arbitrary_bytes() {
        let src: &[u8] = b"\xff\xfe'abc\x00\x01 /* \xe9 ${ $( ` %% {{ :' \r\r\n";
        for mode in [Mode::BteqSql, Mode::RsqlSql, Mode::CommandLine] {
            let toks = tokenize(src, mode);
            let mut pos = 0;
            for t in &toks {
                assert_eq!(t.span.start as usize, pos);
                assert!(t.span.end > t.span.start);
                pos = t.span.end as usize;
            }
            assert_eq!(pos, src.len());
        }
    }
}
