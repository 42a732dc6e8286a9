//! Groups tokens into instructions: the lossless syntax tree of a BTEQ or RSQL script.
//!
//! A script is a flat sequence of instructions that tiles the token stream (and so the input):
//! trivia, stand-alone comments, dot-commands, RSQL meta-commands and SQL requests.
//!
//! BTEQ rules (reference `bteq-rsql.md` §1.1): a dot-command is recognised only at the start of an
//! instruction and ends at the end of its line; `LOGON`/`LOGOFF`/`QUIT`/`EXIT` work without the
//! dot when the line ends with `;`; a SQL request ends at a `;` that is the last non-blank
//! character of a line outside strings, comments and parentheses, so `; -- note` does not end it
//! and a line starting with `;` continues a multi-statement request. RSQL follows psql: any `;`
//! outside parentheses ends a statement, and a meta-command may follow a query on its line.

use std::ops::Range;

use crate::syntax::lexer::{Lexer, Mode, Token, TokenKind};
use crate::syntax::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Bteq,
    Rsql,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstructionKind {
    /// Whitespace and line breaks between instructions.
    Trivia,
    /// A comment standing between instructions (`--`, `/* */`, BTEQ `*` lines).
    Comment,
    /// `.NAME args`, or a dotless `LOGON`/`LOGOFF`/`QUIT`/`EXIT ...;`.
    DotCommand,
    /// `\name args` (RSQL).
    MetaCommand,
    /// One SQL request (BTEQ, possibly several statements) or statement (RSQL).
    Sql,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub kind: InstructionKind,
    pub span: Span,
    /// Indices into [`Script::tokens`].
    pub tokens: Range<usize>,
    /// This instruction is the action of the `.IF … THEN` just before it on the same line.
    pub then_action: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    UnterminatedString,
    UnterminatedQuotedIdent,
    UnterminatedComment,
    /// A `(` never closed: the request swallowed the rest of the input.
    UnclosedParenthesis,
    /// `;` followed by `-- comment`: BTEQ does not end the request there.
    SemicolonBeforeLineComment,
    /// The last request has no terminating `;`.
    MissingFinalSemicolon,
    /// A line starting with `.NAME` inside an open request: BTEQ sends it as SQL text, which
    /// usually means a `;` is missing on the line before.
    DotLineInsideRequest,
}

impl ProblemKind {
    /// Problems that make a script unusable as written.
    pub fn is_fatal(self) -> bool {
        matches!(
            self,
            ProblemKind::UnterminatedString
                | ProblemKind::UnterminatedQuotedIdent
                | ProblemKind::UnterminatedComment
                | ProblemKind::UnclosedParenthesis
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxProblem {
    pub kind: ProblemKind,
    pub span: Span,
}

#[derive(Debug)]
pub struct Script {
    pub dialect: Dialect,
    pub tokens: Vec<Token>,
    pub instructions: Vec<Instruction>,
    pub problems: Vec<SyntaxProblem>,
}

impl Script {
    pub fn parse(src: &str, dialect: Dialect) -> Script {
        Parser::new(src.as_bytes(), dialect).run()
    }

    /// Parses bytes that need not be text at all (the property tests use this).
    pub fn parse_bytes(src: &[u8], dialect: Dialect) -> Script {
        Parser::new(src, dialect).run()
    }

    pub fn tokens_of(&self, instr: &Instruction) -> &[Token] {
        &self.tokens[instr.tokens.clone()]
    }

    /// The significant (non-trivia) tokens of an instruction.
    pub fn significant<'s>(&'s self, instr: &Instruction) -> impl Iterator<Item = &'s Token> + 's {
        self.tokens_of(instr).iter().filter(|t| !t.kind.is_trivia())
    }

    /// Upper-cased name of a dot-command or meta-command (`IF`, `SET`, `LOGON`, `if`).
    pub fn command_name<'s>(&self, instr: &Instruction, src: &'s str) -> Option<&'s str> {
        if !matches!(
            instr.kind,
            InstructionKind::DotCommand | InstructionKind::MetaCommand
        ) {
            return None;
        }
        self.significant(instr)
            .find(|t| t.kind == TokenKind::Word)
            .map(|t| t.span.text(src))
    }
}

struct Parser<'a> {
    src: &'a [u8],
    dialect: Dialect,
    lexer: Lexer<'a>,
    tokens: Vec<Token>,
    instructions: Vec<Instruction>,
    problems: Vec<SyntaxProblem>,
}

const DOTLESS_COMMANDS: [&[u8]; 4] = [b"LOGON", b"LOGOFF", b"QUIT", b"EXIT"];

impl<'a> Parser<'a> {
    fn new(src: &'a [u8], dialect: Dialect) -> Self {
        Parser {
            src,
            dialect,
            lexer: Lexer::new(src),
            tokens: Vec::with_capacity(src.len() / 2 + 1),
            instructions: Vec::with_capacity(src.len() / 40),
            problems: Vec::new(),
        }
    }

    fn run(mut self) -> Script {
        let mut then_action = false;
        while !self.lexer.at_end() {
            let start_tok = self.tokens.len();
            let start = self.lexer.pos();
            let (kind, action_follows) = self.instruction(then_action);
            let end = self.lexer.pos();
            debug_assert!(end > start, "the parser must always advance");
            self.instructions.push(Instruction {
                kind,
                span: Span::new(start, end),
                tokens: start_tok..self.tokens.len(),
                then_action,
            });
            then_action = action_follows;
        }
        Script {
            dialect: self.dialect,
            tokens: self.tokens,
            instructions: self.instructions,
            problems: self.problems,
        }
    }

    fn push(&mut self, mode: Mode) -> Option<Token> {
        let tok = self.lexer.next_token(mode)?;
        if tok.unterminated {
            let kind = match tok.kind {
                TokenKind::String => ProblemKind::UnterminatedString,
                TokenKind::QuotedIdent => ProblemKind::UnterminatedQuotedIdent,
                _ => ProblemKind::UnterminatedComment,
            };
            // A command line's open quote is ordinary text (`.OS echo it's`), not an error.
            if mode != Mode::CommandLine || tok.kind == TokenKind::BlockComment {
                self.problems.push(SyntaxProblem {
                    kind,
                    span: tok.span,
                });
            }
        }
        self.tokens.push(tok);
        Some(tok)
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.src.get(at).copied()
    }

    /// Parses one instruction; returns its kind and whether a `THEN` action follows it.
    fn instruction(&mut self, is_action: bool) -> (InstructionKind, bool) {
        let pos = self.lexer.pos();
        let b = self.src[pos];
        if !is_action && matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c') {
            while matches!(
                self.byte(self.lexer.pos()),
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c')
            ) {
                self.push(Mode::BteqSql);
            }
            return (InstructionKind::Trivia, false);
        }
        let next = self.byte(pos + 1);
        if (b == b'-' && next == Some(b'-')) || (b == b'/' && next == Some(b'*')) {
            self.push(Mode::BteqSql);
            return (InstructionKind::Comment, false);
        }
        if b == b'*' && self.dialect == Dialect::Bteq && !is_action {
            let tok = self.lexer.star_comment();
            self.tokens.push(tok);
            return (InstructionKind::Comment, false);
        }
        if b == b'.' && next.is_some_and(|c| c.is_ascii_alphabetic()) {
            return (InstructionKind::DotCommand, self.command_line());
        }
        if b == b'\\' && next.is_some_and(|c| c.is_ascii_alphabetic() || c == b'?') {
            self.command_line();
            return (InstructionKind::MetaCommand, false);
        }
        if self.dialect == Dialect::Bteq && (self.is_dotless_command(pos) || self.is_resubmit(pos))
        {
            return (InstructionKind::DotCommand, self.command_line());
        }
        self.sql();
        (InstructionKind::Sql, false)
    }

    /// `LOGON x;`, `QUIT 0;`: a command word at the start whose line ends with `;`.
    fn is_dotless_command(&self, pos: usize) -> bool {
        let word_end = pos
            + self.src[pos..]
                .iter()
                .position(|b| !b.is_ascii_alphabetic())
                .unwrap_or(self.src.len() - pos);
        let word = &self.src[pos..word_end];
        if !DOTLESS_COMMANDS
            .iter()
            .any(|c| c.eq_ignore_ascii_case(word))
        {
            return false;
        }
        if !matches!(
            self.byte(word_end),
            None | Some(b' ' | b'\t' | b';' | b'\r' | b'\n')
        ) {
            return false;
        }
        let line_end = self.src[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.src.len(), |i| pos + i);
        self.src[pos..line_end]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b';')
    }

    /// `= [n]`: BTEQ's command to re-submit the previous request, alone on its line.
    fn is_resubmit(&self, pos: usize) -> bool {
        if self.byte(pos) != Some(b'=') {
            return false;
        }
        let line_end = self.src[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.src.len(), |i| pos + i);
        self.src[pos + 1..line_end]
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_whitespace() || *b == b';')
    }

    /// Lexes a command line up to (not including) its line break or a block comment.
    /// Returns true when the command is an `.IF … THEN` with an action after `THEN`.
    fn command_line(&mut self) -> bool {
        let mut words = 0;
        let mut is_if = false;
        // `.OS` passes its line to the shell, where `--` is an option (`ls --color`).
        let mut raw_line = false;
        loop {
            let pos = self.lexer.pos();
            match self.byte(pos) {
                None | Some(b'\n') => return false,
                Some(b'\r') if self.byte(pos + 1) == Some(b'\n') => return false,
                Some(b'/') if self.byte(pos + 1) == Some(b'*') => return false,
                Some(b'-') if self.byte(pos + 1) == Some(b'-') && !raw_line => return false,
                _ => {}
            }
            let Some(tok) = self.push(Mode::CommandLine) else {
                return false;
            };
            match tok.kind {
                TokenKind::Word => {
                    let text = &self.src[tok.span.range()];
                    words += 1;
                    if words == 1 {
                        is_if = text.eq_ignore_ascii_case(b"IF")
                            || text.eq_ignore_ascii_case(b"ELSEIF");
                        raw_line = text.eq_ignore_ascii_case(b"OS");
                    } else if is_if && text.eq_ignore_ascii_case(b"THEN") {
                        while matches!(self.byte(self.lexer.pos()), Some(b' ' | b'\t')) {
                            self.push(Mode::CommandLine);
                        }
                        let at = self.lexer.pos();
                        let comment_follows = matches!(
                            (self.byte(at), self.byte(at + 1)),
                            (Some(b'-'), Some(b'-')) | (Some(b'/'), Some(b'*'))
                        );
                        return !comment_follows
                            && !matches!(self.byte(at), None | Some(b'\n' | b'\r'));
                    }
                }
                TokenKind::Semicolon => {
                    // `.SET A ON; .SET B OFF`: two commands in one instruction line.
                    let mut at = self.lexer.pos();
                    while matches!(self.byte(at), Some(b' ' | b'\t')) {
                        at += 1;
                    }
                    if self.byte(at) == Some(b'.')
                        && self.byte(at + 1).is_some_and(|c| c.is_ascii_alphabetic())
                    {
                        while self.lexer.pos() < at {
                            self.push(Mode::CommandLine);
                        }
                        // The separating blanks stay with this command, not the next one.
                        return false;
                    }
                }
                _ => {}
            }
        }
    }

    /// Lexes one SQL request (BTEQ) or statement (RSQL).
    fn sql(&mut self) {
        let mode = match self.dialect {
            Dialect::Bteq => Mode::BteqSql,
            Dialect::Rsql => Mode::RsqlSql,
        };
        let first = self.tokens.len();
        let mut depth = 0usize;
        // Where the outermost open parenthesis is, for the error if it is never closed.
        let mut outer_paren = None;
        let mut last_significant = None;
        let mut at_line_start = false;
        let mut reached_end = false;
        loop {
            let pos = self.lexer.pos();
            if self.dialect == Dialect::Rsql
                && depth == 0
                && self.byte(pos) == Some(b'\\')
                && self.byte(pos + 1).is_some_and(|c| c.is_ascii_alphabetic())
                && last_significant.is_some()
            {
                // `select … \gset`: the meta-command ends the query.
                break;
            }
            if at_line_start && self.dialect == Dialect::Bteq {
                self.check_dot_line(pos);
            }
            let Some(tok) = self.push(mode) else {
                reached_end = true;
                break;
            };
            at_line_start = tok.kind == TokenKind::Newline
                || (at_line_start && tok.kind == TokenKind::Whitespace);
            if !tok.kind.is_trivia() {
                last_significant = Some(self.tokens.len());
            }
            match tok.kind {
                TokenKind::LParen => {
                    if depth == 0 {
                        outer_paren = Some(tok.span);
                    }
                    depth += 1;
                }
                TokenKind::RParen => depth = depth.saturating_sub(1),
                TokenKind::Semicolon
                    if depth == 0
                        && (self.dialect == Dialect::Rsql
                            || self.ends_request(tok.span.end as usize)) =>
                {
                    return;
                }
                _ => {}
            }
        }
        // No terminator: give trailing trivia back to the instructions after this one.
        let keep = last_significant.unwrap_or(first + 1).max(first + 1);
        if keep < self.tokens.len() {
            let resume = self.tokens[keep].span.start as usize;
            self.tokens.truncate(keep);
            self.lexer = Lexer::with_pos(self.src, resume);
        }
        if let (true, Some(span)) = (reached_end && depth > 0, outer_paren) {
            self.problems.push(SyntaxProblem {
                kind: ProblemKind::UnclosedParenthesis,
                span,
            });
        } else if reached_end
            && last_significant.is_some()
            && !self.tokens[keep - 1].unterminated
            && self.tokens[keep - 1].kind != TokenKind::Semicolon
        {
            let span = self.tokens[keep - 1].span;
            self.problems.push(SyntaxProblem {
                kind: ProblemKind::MissingFinalSemicolon,
                span: Span::empty(span.end as usize),
            });
        }
    }

    /// Whether a `;` ending at `after` is the last non-blank character of its line. A block
    /// comment after it is ignored, as BTEQ's scan ignores comment text; a `--` comment is not.
    fn ends_request(&mut self, after: usize) -> bool {
        let mut at = after;
        loop {
            match self.byte(at) {
                None | Some(b'\n') => return true,
                Some(b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c') => at += 1,
                Some(b'/') if self.byte(at + 1) == Some(b'*') => return true,
                Some(b'-') if self.byte(at + 1) == Some(b'-') => {
                    self.problems.push(SyntaxProblem {
                        kind: ProblemKind::SemicolonBeforeLineComment,
                        span: Span::new(after - 1, after),
                    });
                    return false;
                }
                Some(_) => return false,
            }
        }
    }

    fn check_dot_line(&mut self, pos: usize) {
        if self.byte(pos) == Some(b'.')
            && self.byte(pos + 1).is_some_and(|c| c.is_ascii_alphabetic())
        {
            let end = self.src[pos..]
                .iter()
                .position(|&b| b == b'\n' || b == b'\r')
                .map_or(self.src.len(), |i| pos + i);
            self.problems.push(SyntaxProblem {
                kind: ProblemKind::DotLineInsideRequest,
                span: Span::new(pos, end),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InstructionKind::*;

    /// The non-trivia instructions as (kind, text).
    fn parts(src: &str, dialect: Dialect) -> Vec<(InstructionKind, &str)> {
        Script::parse(src, dialect)
            .instructions
            .iter()
            .filter(|i| i.kind != Trivia)
            .map(|i| (i.kind, i.span.text(src)))
            .collect()
    }

    fn bteq(src: &str) -> Vec<(InstructionKind, &str)> {
        parts(src, Dialect::Bteq)
    }

    fn problems(src: &str) -> Vec<ProblemKind> {
        Script::parse(src, Dialect::Bteq)
            .problems
            .iter()
            .map(|p| p.kind)
            .collect()
    }

    #[test]
    fn request_ends_at_line_final_semicolon_only() {
        assert_eq!(
            bteq("SELECT 'a;b', (1;2)\n  FROM t; \n.QUIT 0\n"),
            vec![
                (Sql, "SELECT 'a;b', (1;2)\n  FROM t;"),
                (DotCommand, ".QUIT 0")
            ]
        );
    }

    #[test]
    fn semicolon_before_line_comment_continues_the_request() {
        let src = "SELECT 1; -- first\nSELECT 2;\n";
        assert_eq!(bteq(src), vec![(Sql, "SELECT 1; -- first\nSELECT 2;")]);
        assert_eq!(problems(src), vec![ProblemKind::SemicolonBeforeLineComment]);
    }

    #[test]
    fn leading_semicolon_continues_a_multi_statement_request() {
        let src = "INSERT INTO t SELECT * FROM s WHERE x = 1\n;UPDATE u SET a = 1;\nSELECT 1; SELECT 2;\n";
        assert_eq!(
            bteq(src),
            vec![
                (
                    Sql,
                    "INSERT INTO t SELECT * FROM s WHERE x = 1\n;UPDATE u SET a = 1;"
                ),
                (Sql, "SELECT 1; SELECT 2;")
            ]
        );
    }

    #[test]
    fn dot_command_only_at_instruction_start() {
        let src = "SELECT a\n.5 + b FROM t;\n  .IF ERRORCODE <> 0 THEN .GOTO ERR;\n";
        assert_eq!(
            bteq(src),
            vec![
                (Sql, "SELECT a\n.5 + b FROM t;"),
                (DotCommand, ".IF ERRORCODE <> 0 THEN "),
                (DotCommand, ".GOTO ERR;")
            ]
        );
        assert!(problems(src).is_empty());
    }

    #[test]
    fn if_then_sql_action_follows_request_rules() {
        let src = ".if errorcode <> 3807 then drop table w.t;\n.IF ERRORCODE <> 0 THEN CALL p('x',\n (SELECT 1));\n";
        let script = Script::parse(src, Dialect::Bteq);
        let got: Vec<_> = script
            .instructions
            .iter()
            .filter(|i| i.kind != Trivia)
            .map(|i| (i.kind, i.span.text(src), i.then_action))
            .collect();
        assert_eq!(
            got,
            vec![
                (DotCommand, ".if errorcode <> 3807 then ", false),
                (Sql, "drop table w.t;", true),
                (DotCommand, ".IF ERRORCODE <> 0 THEN ", false),
                (Sql, "CALL p('x',\n (SELECT 1));", true),
            ]
        );
    }

    #[test]
    fn dotless_commands_need_a_final_semicolon() {
        assert_eq!(
            bteq("LOGON ${LOGONDB};\nquit 8;\nEXIT_TABLE_LOAD\n"),
            vec![
                (DotCommand, "LOGON ${LOGONDB};"),
                (DotCommand, "quit 8;"),
                (Sql, "EXIT_TABLE_LOAD")
            ]
        );
    }

    #[test]
    fn comments_stars_and_commented_commands() {
        let src = "**** HEADER ****\n/* .LOGON x/y,z;\n .QUIT */\n-- .if errorcode<>0 then .quit errorcode\n.SET ERRORLEVEL 3624 SEVERITY 0; /* why */\n";
        assert_eq!(
            bteq(src),
            vec![
                (Comment, "**** HEADER ****"),
                (Comment, "/* .LOGON x/y,z;\n .QUIT */"),
                (Comment, "-- .if errorcode<>0 then .quit errorcode"),
                (DotCommand, ".SET ERRORLEVEL 3624 SEVERITY 0; "),
                (Comment, "/* why */"),
            ]
        );
    }

    #[test]
    fn trailing_line_comments_end_commands_except_os() {
        assert_eq!(
            bteq(".QUIT 8 -- done\n.IF ERRORCODE <> 0 THEN -- block form\n.OS ls --color\n"),
            vec![
                (DotCommand, ".QUIT 8 "),
                (Comment, "-- done"),
                (DotCommand, ".IF ERRORCODE <> 0 THEN "),
                (Comment, "-- block form"),
                (DotCommand, ".OS ls --color"),
            ]
        );
    }

    #[test]
    fn resubmit_command_is_a_command() {
        assert_eq!(
            bteq("SELECT 1;\n= 2\n.QUIT 0\n"),
            vec![
                (Sql, "SELECT 1;"),
                (DotCommand, "= 2"),
                (DotCommand, ".QUIT 0")
            ]
        );
    }

    #[test]
    fn two_commands_on_one_line() {
        assert_eq!(
            bteq(".SET SIDETITLES ON; .SET FOLDLINE ON ALL\n"),
            vec![
                (DotCommand, ".SET SIDETITLES ON; "),
                (DotCommand, ".SET FOLDLINE ON ALL")
            ]
        );
    }

    #[test]
    fn last_request_may_lack_its_semicolon() {
        let src = "SELECT 1;\nSELECT 2\n\n-- end\n";
        assert_eq!(
            bteq(src),
            vec![(Sql, "SELECT 1;"), (Sql, "SELECT 2"), (Comment, "-- end")]
        );
        assert_eq!(problems(src), vec![ProblemKind::MissingFinalSemicolon]);
    }

    #[test]
    fn crlf_and_unterminated_string() {
        let src = ".QUIT 0\r\nSELECT 'abc\r\n";
        assert_eq!(
            bteq(src),
            vec![(DotCommand, ".QUIT 0"), (Sql, "SELECT 'abc\r\n")]
        );
        assert!(problems(src).contains(&ProblemKind::UnterminatedString));
    }

    #[test]
    fn rsql_statements_end_at_any_semicolon_and_meta_commands() {
        let src = "\\if :ERROR <> 0\n  \\exit 1\n\\endif\nselect 1; select 2;\nselect count(*) as n from t \\gset\n";
        assert_eq!(
            parts(src, Dialect::Rsql),
            vec![
                (MetaCommand, "\\if :ERROR <> 0"),
                (MetaCommand, "\\exit 1"),
                (MetaCommand, "\\endif"),
                (Sql, "select 1;"),
                (Sql, "select 2;"),
                (Sql, "select count(*) as n from t"),
                (MetaCommand, "\\gset"),
            ]
        );
    }

    #[test]
    fn dot_line_inside_request_is_reported() {
        let src = "SELECT 1\n.IF ERRORCODE <> 0 THEN .QUIT 8\n";
        assert_eq!(problems(src)[0], ProblemKind::DotLineInsideRequest);
    }
}
