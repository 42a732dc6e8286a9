//! Here-documents in shell scripts.
//!
//! Real BTEQ jobs are shell scripts that feed the BTEQ text to `bteq` in a heredoc. The converter
//! rewrites only the body and the command word and keeps every other byte, so it needs exact spans.
//! The scanner below is a small shell tokenizer: it follows quotes, `$( )`, `${ }`, `$(( ))`,
//! backticks and comments well enough to tell a real `<<` operator from one inside a string, an
//! arithmetic expression or a comment, and to know which simple command receives each heredoc.
//! It works on bytes (scripts are often Latin-1), keeps an explicit stack instead of recursing,
//! runs in linear time and never panics.

use crate::syntax::span::Span;

/// One here-document fed to a command, found in a shell script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The command word that receives the heredoc, as written: `bteq`, `/usr/bin/bteq`, `$BTEQ`, `${BTEQ_CMD}`, `rsql`, `fastload`, ...
    pub command: String,
    /// Span of that command word (what a converter replaces, e.g. `bteq` -> `rsql -h $HOST ...`).
    pub command_span: Span,
    /// Span of the whole line holding the `<<` operator, without its line break.
    pub opener_line: Span,
    /// `<<-`: the shell strips leading TABs from body lines and from the terminator line.
    pub strip_tabs: bool,
    /// The delimiter word with quotes removed: `EOF`, `eof`, `!EOF!`, `EOFBTEQ`.
    pub delimiter: String,
    /// The delimiter was quoted (`'EOF'`, `"EOF"`, `\EOF`, or partly quoted): the body is not expanded by the shell.
    pub quoted: bool,
    /// The body: from the start of the line after the opener line to the start of the terminator line (includes the body's final line break).
    pub body: Span,
    /// The terminator line, without its line break (may be `EOF)` inside `$( ... )`, or tab-indented with `<<-`).
    pub terminator: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellError {
    /// A heredoc whose terminator line never appears. `opener` is the span of the `<<WORD` operator.
    UnterminatedHeredoc { delimiter: String, opener: Span },
}

/// Every heredoc in `src` that is fed to a command, in file order. Heredocs on commented-out lines
/// (`#bteq <<EOF`, `###bteq << EOF`, and the body of such a heredoc, which is then ordinary commented or
/// uncommented shell text) are skipped, as are `<<` inside quoted strings, `$(( a << 2 ))` arithmetic and `<<<` here-strings.
pub fn find_heredocs(src: &[u8]) -> Result<Vec<Heredoc>, ShellError> {
    scan(src).map(|s| s.heredocs)
}

/// What the shell scanner found in a script.
#[derive(Default)]
pub struct ShellScan {
    /// As [`find_heredocs`] returns them.
    pub heredocs: Vec<Heredoc>,
    /// Command words naming BTEQ ([`is_bteq_command`]) that no heredoc feeds: `bteq < file`,
    /// `gen | bteq`, `command -v bteq`.
    pub bteq_without_heredoc: Vec<Span>,
}

/// Heredocs and the BTEQ commands run without one, in one scan.
pub fn scan(src: &[u8]) -> Result<ShellScan, ShellError> {
    let mut scanner = Scanner::new(src);
    scanner.run()?;
    let bteq_without_heredoc = scanner
        .bteq_words
        .into_iter()
        .filter(|w| {
            !scanner.found.iter().any(|h| h.command_span == *w)
                && is_bteq_command(&String::from_utf8_lossy(&src[w.range()]))
        })
        .collect();
    Ok(ShellScan {
        heredocs: scanner.found,
        bteq_without_heredoc,
    })
}

/// The line continuations of an unquoted heredoc's body: each backslash-newline the shell removes
/// before the command reads the body (a backslash that is itself escaped, `\\`, ends no line).
pub fn line_continuations(body: &str) -> Vec<Span> {
    let bytes = body.as_bytes();
    memchr::memchr_iter(b'\n', bytes)
        .filter(|&nl| {
            let backslashes = bytes[..nl]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            backslashes % 2 == 1
        })
        .map(|nl| Span::new(nl - 1, nl + 1))
        .collect()
}

/// Whether a heredoc's command runs BTEQ: the command's base name (after the last `/`, with `$`, `{`, `}` stripped)
/// is `bteq` case-insensitively, or a variable whose name contains `BTEQ` (`$BTEQ`, `${BTEQ_BIN}`).
pub fn is_bteq_command(command: &str) -> bool {
    command_is(command, &COMMAND_NAMES[..1])
}

/// Whether a heredoc's command runs RSQL: base name `rsql`, or a variable whose name contains `RSQL`.
pub fn is_rsql_command(command: &str) -> bool {
    command_is(command, &COMMAND_NAMES[1..2])
}

/// `fastload`, `mload`, `fexp`, `tbuild`, `tpump` (base names, case-insensitive, variables containing those names).
pub fn is_teradata_utility_command(command: &str) -> bool {
    command_is(command, &COMMAND_NAMES[2..])
}

/// True when a file is a shell script rather than plain BTEQ: it starts with `#!`, or it has a heredoc or
/// `< file` redirect fed to a BTEQ/rsql/utility command on an uncommented line. Used for `.sql` files that are really shell.
pub fn looks_like_shell(src: &[u8]) -> bool {
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    if src.starts_with(b"#!") {
        return true;
    }
    may_name_a_command(src) && feeds_a_known_command(src)
}

/// The shell scanner's answer: a heredoc or `<` redirect feeds a BTEQ, rsql or utility command.
fn feeds_a_known_command(src: &[u8]) -> bool {
    !fed_commands(src).is_empty()
}

/// The command words fed by a heredoc or `<` redirect that name a BTEQ, rsql or utility command.
fn fed_commands(src: &[u8]) -> Vec<Span> {
    let mut scanner = Scanner::new(src);
    // An unterminated heredoc still shows the file is a script; it stays in `pending`.
    let _ = scanner.run();
    let commands = (scanner.found.iter().map(|h| h.command_span))
        .chain(scanner.pending.iter().filter_map(|p| p.command))
        .chain(scanner.input_redirects.iter().copied());
    commands
        .filter(|s| {
            let c = String::from_utf8_lossy(&src[s.range()]);
            is_bteq_command(&c) || is_rsql_command(&c) || is_teradata_utility_command(&c)
        })
        .collect()
}

/// The names [`is_bteq_command`], [`is_rsql_command`] and [`is_teradata_utility_command`] look for.
const COMMAND_NAMES: [&str; 7] = [
    "bteq", "rsql", "fastload", "mload", "fexp", "tbuild", "tpump",
];

/// A cheap test before the shell scanner, which costs as much as parsing the script: a command
/// that counts names one of [`COMMAND_NAMES`], and its heredoc or `<` redirect is on the same
/// logical line (lines joined by a trailing `\`), unless a quote, `$`, parenthesis or brace on
/// that line may carry the command over to other lines (`x="a⏎b" bteq`, `<<E x=$(⏎) bteq`).
/// SQL compares with `<` often and mentions a tool's name now and then, but rarely both on one
/// line. Not covered: a command word that itself runs over several lines (`"⏎bteq⏎"`), which no
/// script writes to run BTEQ; the shell scan finds such words, this test does not.
fn may_name_a_command(src: &[u8]) -> bool {
    if memchr::memchr(b'<', src).is_none() {
        return false;
    }
    let lower = src.to_ascii_lowercase();
    COMMAND_NAMES.iter().any(|name| {
        // Each logical line is searched once per name, however often the name occurs on it.
        let mut searched_to = 0;
        memchr::memmem::find_iter(&lower, name.as_bytes()).any(|at| {
            if at < searched_to {
                return false;
            }
            let line = logical_line(src, at);
            searched_to = line.end;
            src[line]
                .iter()
                .any(|b| matches!(b, b'<' | b'\'' | b'"' | b'`' | b'$' | b'(' | b')' | b'}'))
        })
    })
}

/// The lines around `at` joined by backslash-newline continuations.
fn logical_line(src: &[u8], at: usize) -> std::ops::Range<usize> {
    let continued = |line_end: usize| trim_cr(&src[..line_end]).ends_with(b"\\");
    let mut start = at;
    loop {
        start = memchr::memrchr(b'\n', &src[..start]).map_or(0, |i| i + 1);
        if start == 0 || !continued(start - 1) {
            break;
        }
        start -= 1;
    }
    let mut end = at;
    loop {
        end = line_end(src, end);
        if end == src.len() || !continued(end) {
            break;
        }
        end += 1;
    }
    start..end
}

/// The command's base name is one of `names`, or it is a variable whose name contains one of them.
fn command_is(command: &str, names: &[&str]) -> bool {
    let word = command.trim_matches(['"', '\'']);
    let base = word.rfind('/').map_or(word, |i| &word[i + 1..]);
    let variable = base.starts_with('$');
    let name = base.trim_matches(['$', '{', '}']).to_ascii_lowercase();
    names
        .iter()
        .any(|&n| name == n || (variable && name.contains(n)))
}

/// Reserved words and wrapper commands after which the next word is still the command
/// (`if bteq`, `nohup bteq`, `time -p bteq`).
const PREFIX_WORDS: &[&[u8]] = &[
    b"!", b"}", b"if", b"then", b"elif", b"else", b"do", b"while", b"until", b"time", b"nohup",
    b"exec", b"command", b"builtin", b"env", b"nice",
];

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum CmdKind {
    /// The script itself.
    #[default]
    Top,
    /// `( ... )`
    Subshell,
    /// `$( ... )`
    Subst,
    /// `` `...` ``
    Backtick,
}

/// The simple command being read in one command context.
#[derive(Clone, Copy, Default)]
struct Cmd {
    kind: CmdKind,
    /// Open `case` statements: their `a)` patterns must not close a `$(`.
    case_depth: usize,
    /// Identifies the simple command, so a heredoc written before the command word (`<<EOF cat`) still gets it.
    serial: usize,
    /// Start of the word being read.
    word: Option<usize>,
    /// The command word, once seen.
    command: Option<Span>,
    /// A wrapper word was seen (`nohup`, `time`): options after it are not the command.
    after_prefix: bool,
    /// The next word is the target of a redirection (`> log`), not the command.
    redirect_target: bool,
    /// A `<` redirection was seen before the command word.
    input_redirect: bool,
}

/// What the scanner is inside of; the innermost frame is the last on the stack.
enum Frame {
    /// Shell commands: the script itself, `( )`, `$( )` or backticks.
    Cmd(Cmd),
    /// Inside `"..."`.
    DQuote,
    /// Inside `${...}`; single quotes quote there only when the expansion is not itself in double quotes.
    Param { in_dquote: bool },
    /// Inside `$(( ... ))` or `(( ... ))`; `depth` counts the inner parentheses still open.
    Arith { depth: usize },
}

/// A heredoc operator whose body has not been read yet: it starts after the next unquoted newline.
struct Pending {
    serial: usize,
    command: Option<Span>,
    opener: Span,
    opener_line: Span,
    strip_tabs: bool,
    delimiter: Vec<u8>,
    quoted: bool,
    /// Piped from a `cat` (`cat <<EOF | bteq`): the command after the pipe, when the line
    /// names one, takes the heredoc from `cat`.
    through_cat: bool,
    /// What bash also accepts right after the delimiter on the terminator line:
    /// `)` inside `$( )` and `` ` `` inside backticks.
    closer: Option<u8>,
}

struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
    /// Never empty: the bottom is the script's own command context.
    frames: Vec<Frame>,
    pending: Vec<Pending>,
    next_serial: usize,
    /// The line last looked up by `line_at`.
    line: Span,
    found: Vec<Heredoc>,
    /// Command words of simple commands with a `<` redirection.
    input_redirects: Vec<Span>,
    /// Command words that mention `bteq` (in any case): the candidates for BTEQ commands.
    bteq_words: Vec<Span>,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a [u8]) -> Self {
        Scanner {
            src,
            pos: 0,
            frames: vec![Frame::Cmd(Cmd::default())],
            pending: Vec::new(),
            next_serial: 0,
            line: Span::default(),
            found: Vec::new(),
            input_redirects: Vec::new(),
            bteq_words: Vec::new(),
        }
    }

    fn run(&mut self) -> Result<(), ShellError> {
        while let Some(&b) = self.src.get(self.pos) {
            match self.frames.last() {
                Some(Frame::Cmd(cmd)) => {
                    let kind = cmd.kind;
                    self.step_cmd(b, kind)?;
                }
                Some(_) => self.step_nested(b),
                None => break,
            }
        }
        // An operator on the last line, or in text that never reaches a newline, has no body.
        match self.pending.first() {
            Some(p) => Err(unterminated(p)),
            None => Ok(()),
        }
    }

    /// One byte of shell command text.
    fn step_cmd(&mut self, b: u8, kind: CmdKind) -> Result<(), ShellError> {
        match b {
            // `\r` counts as a blank so that CRLF scripts read like LF ones.
            b' ' | b'\t' | b'\r' => {
                self.end_word();
                self.pos += 1;
            }
            b'\n' => {
                self.end_word();
                self.pos += 1;
                self.end_command();
                if !self.pending.is_empty() {
                    self.read_bodies()?;
                }
            }
            // A line continuation joins two lines without ending the word.
            b'\\' if self.peek(1) == Some(b'\n') => self.pos += 2,
            // Only a `#` that starts a word is a comment: not `a#b`, `$#` or `${#x}`.
            b'#' if self.word().is_none() => self.comment(),
            b'`' if kind == CmdKind::Backtick => {
                self.end_word();
                self.close(1);
            }
            b'&' if self.peek(1) == Some(b'>') => {
                self.end_word();
                self.redirect(if self.peek(2) == Some(b'>') { 3 } else { 2 });
            }
            b'|' if self.peek(1) != Some(b'|') && !self.src[..self.pos].ends_with(b"|") => {
                self.end_word();
                self.pos += 1;
                self.pipe();
            }
            b';' | b'&' | b'|' => {
                self.end_word();
                self.pos += 1;
                self.end_command();
            }
            b'(' if self.word().is_none() && self.peek(1) == Some(b'(') => {
                self.open(2, Frame::Arith { depth: 0 });
            }
            b'(' => {
                self.end_word();
                let close = skip_blanks(self.src, self.pos + 1);
                if self.src.get(close) == Some(&b')') {
                    // `name()`: a function definition, whose body starts a new command.
                    self.pos = close + 1;
                    self.end_command();
                } else {
                    self.open_cmd(1, CmdKind::Subshell);
                }
            }
            b')' => {
                self.end_word(); // may be the `esac` that ends a `case`
                let closes = matches!(self.frames.last(), Some(Frame::Cmd(cmd))
                    if matches!(cmd.kind, CmdKind::Subshell | CmdKind::Subst) && cmd.case_depth == 0);
                if closes {
                    self.close(1);
                } else {
                    // A `case` pattern such as `a)`.
                    self.pos += 1;
                    self.end_command();
                }
            }
            b'<' | b'>' => self.redirection(b),
            _ => {
                self.start_word();
                self.step_word_byte(b, false);
            }
        }
        Ok(())
    }

    /// One byte inside `"..."`, `${...}` or `$((...))`: only what opens or closes text matters.
    fn step_nested(&mut self, b: u8) {
        match (b, self.frames.last_mut()) {
            (b'"', Some(Frame::DQuote)) | (b'}', Some(Frame::Param { .. })) => self.close(1),
            (b'(', Some(Frame::Arith { depth })) => {
                *depth += 1;
                self.pos += 1;
            }
            (b')', Some(Frame::Arith { depth })) if *depth > 0 => {
                *depth -= 1;
                self.pos += 1;
            }
            (b')', Some(Frame::Arith { .. })) => {
                self.close(if self.peek(1) == Some(b')') { 2 } else { 1 });
            }
            (_, top) => {
                let quoted = !matches!(top, Some(Frame::Param { in_dquote: false }));
                self.step_word_byte(b, quoted);
            }
        }
    }

    /// A byte that may open nested text: a quote, a backslash escape, `$(`, `$((`, `${`, `$'`
    /// or a backtick. Anything else is an ordinary byte. When `quoted` (inside double quotes or
    /// arithmetic), `'` and `$'` are ordinary too.
    fn step_word_byte(&mut self, b: u8, quoted: bool) {
        match (b, self.peek(1), self.peek(2)) {
            (b'\'', ..) if !quoted => self.skip_single_quotes(false),
            (b'"', ..) => self.open(1, Frame::DQuote),
            (b'\\', ..) => self.advance(2),
            (b'`', ..) => self.open_cmd(1, CmdKind::Backtick),
            (b'$', Some(b'('), Some(b'(')) => self.open(3, Frame::Arith { depth: 0 }),
            (b'$', Some(b'('), _) => self.open_cmd(2, CmdKind::Subst),
            (b'$', Some(b'{'), _) => self.open(2, Frame::Param { in_dquote: quoted }),
            (b'$', Some(b'\''), _) if !quoted => {
                self.pos += 1;
                self.skip_single_quotes(true);
            }
            _ => self.pos += 1,
        }
    }

    /// Skips a `'...'` string starting at `self.pos`; `$'...'` strings also know `\'`.
    fn skip_single_quotes(&mut self, backslash_escapes: bool) {
        let mut i = self.pos + 1;
        while let Some(&c) = self.src.get(i) {
            match c {
                b'\'' => {
                    self.pos = i + 1;
                    return;
                }
                b'\\' if backslash_escapes => i += 2,
                _ => i += 1,
            }
        }
        self.pos = self.src.len();
    }

    /// Skips `len` bytes and enters `frame`.
    fn open(&mut self, len: usize, frame: Frame) {
        self.advance(len);
        self.frames.push(frame);
    }

    /// Skips `len` bytes and enters a new command context.
    fn open_cmd(&mut self, len: usize, kind: CmdKind) {
        self.next_serial += 1;
        let cmd = Cmd {
            kind,
            serial: self.next_serial,
            ..Cmd::default()
        };
        self.open(len, Frame::Cmd(cmd));
    }

    /// Skips `len` bytes and leaves the innermost frame (never the script's own).
    fn close(&mut self, len: usize) {
        self.advance(len);
        if self.frames.len() > 1 {
            self.frames.pop();
        }
    }

    /// Any redirection operator, including the heredoc operators `<<` and `<<-`.
    fn redirection(&mut self, b: u8) {
        let pos = self.pos;
        // Digits right before the operator name a file descriptor (`2>`); they are not a word.
        if let Some(Frame::Cmd(cmd)) = self.frames.last_mut()
            && cmd
                .word
                .is_some_and(|start| self.src[start..pos].iter().all(u8::is_ascii_digit))
        {
            cmd.word = None;
        }
        self.end_word();
        let rest = &self.src[pos..];
        if rest.starts_with(b"<<<") {
            self.redirect(3);
        } else if rest.starts_with(b"<<") {
            self.heredoc_operator();
        } else {
            if b == b'<' {
                self.note_input_redirect();
            }
            let two = matches!(
                (b, rest.get(1)),
                (b'<', Some(b'&' | b'>')) | (b'>', Some(b'>' | b'&' | b'|'))
            );
            self.redirect(if two { 2 } else { 1 });
        }
    }

    fn redirect(&mut self, operator_len: usize) {
        self.pos += operator_len;
        if let Some(Frame::Cmd(cmd)) = self.frames.last_mut() {
            cmd.redirect_target = true;
        }
    }

    fn note_input_redirect(&mut self) {
        if let Some(Frame::Cmd(cmd)) = self.frames.last_mut() {
            match cmd.command {
                Some(command) => self.input_redirects.push(command),
                None => cmd.input_redirect = true,
            }
        }
    }

    /// Reads `<<WORD` or `<<-WORD` at `self.pos`; the body is read at the next newline.
    fn heredoc_operator(&mut self) {
        let start = self.pos;
        self.pos += 2;
        let strip_tabs = self.peek(0) == Some(b'-');
        if strip_tabs {
            self.pos += 1;
        }
        let (delimiter, quoted, end) = read_delimiter(self.src, skip_blanks(self.src, self.pos));
        self.pos = end;
        // `<<` without a word is a syntax error: there is no body to skip.
        if delimiter.is_empty() && !quoted {
            return;
        }
        let opener_line = self.line_at(start);
        if let Some(Frame::Cmd(cmd)) = self.frames.last() {
            self.pending.push(Pending {
                serial: cmd.serial,
                command: cmd.command,
                opener: Span::new(start, end),
                opener_line,
                strip_tabs,
                delimiter,
                quoted,
                through_cat: false,
                closer: match cmd.kind {
                    CmdKind::Subst => Some(b')'),
                    CmdKind::Backtick => Some(b'`'),
                    CmdKind::Top | CmdKind::Subshell => None,
                },
            });
        }
    }

    /// Reads the bodies of the pending heredocs, one after the other, from `self.pos`.
    fn read_bodies(&mut self) -> Result<(), ShellError> {
        let src = self.src;
        let mut resume = self.pos;
        // Every body starts a line, even when the heredoc before it ended at `EOF)`.
        let mut next_body = self.pos;
        for p in std::mem::take(&mut self.pending) {
            let body_start = next_body;
            let mut line = body_start;
            loop {
                if line >= src.len() {
                    let error = unterminated(&p);
                    self.pending.push(p);
                    return Err(error);
                }
                let end = line_end(src, line);
                let text = trim_cr(&src[line..end]);
                let indent = if p.strip_tabs {
                    text.iter().take_while(|&&c| c == b'\t').count()
                } else {
                    0
                };
                if let Some(rest) = text[indent..].strip_prefix(&p.delimiter[..])
                    && (rest.is_empty() || rest.first() == p.closer.as_ref())
                {
                    next_body = (end + 1).min(src.len());
                    // After `EOF)` the scan goes on with the `)`.
                    resume = if rest.is_empty() {
                        next_body
                    } else {
                        line + indent + p.delimiter.len()
                    };
                    let terminator = Span::new(line, line + text.len());
                    self.finish(p, Span::new(body_start, line), terminator);
                    break;
                }
                line = end + 1;
            }
        }
        self.pos = resume;
        Ok(())
    }

    fn finish(&mut self, p: Pending, body: Span, terminator: Span) {
        // A heredoc with no command word (`<<EOF` alone) feeds nothing.
        let Some(command_span) = p.command else {
            return;
        };
        self.found.push(Heredoc {
            command: String::from_utf8_lossy(&self.src[command_span.range()]).into_owned(),
            command_span,
            opener_line: p.opener_line,
            strip_tabs: p.strip_tabs,
            delimiter: String::from_utf8_lossy(&p.delimiter).into_owned(),
            quoted: p.quoted,
            body,
            terminator,
        });
    }

    /// Skips a comment. A commented-out heredoc (`#bteq <<EOF`) has no body for the shell, but its
    /// old body and terminator usually still follow, commented or not; skip them too, so that a
    /// stray quote in that text cannot derail the scan of the rest of the file.
    fn comment(&mut self) {
        let start = self.pos;
        let end = line_end(self.src, start);
        self.pos = end;
        if !self.pending.is_empty() {
            return; // the next line starts a live body
        }
        if let Some(delimiter) = commented_delimiter(&self.src[start..end])
            && let Some(after) = commented_body_end(self.src, end + 1, &delimiter)
        {
            self.pos = after;
            self.end_command();
        }
    }

    fn word(&self) -> Option<usize> {
        match self.frames.last() {
            Some(Frame::Cmd(cmd)) => cmd.word,
            _ => None,
        }
    }

    fn start_word(&mut self) {
        let pos = self.pos;
        if let Some(Frame::Cmd(cmd)) = self.frames.last_mut() {
            cmd.word.get_or_insert(pos);
        }
    }

    /// Ends the word being read and decides whether it is the command word.
    fn end_word(&mut self) {
        let (src, end) = (self.src, self.pos);
        let Some(Frame::Cmd(cmd)) = self.frames.last_mut() else {
            return;
        };
        let Some(start) = cmd.word.take() else { return };
        let word = &src[start..end];
        if std::mem::take(&mut cmd.redirect_target) {
            return;
        }
        if word == b"{" {
            // `f() {`, `function f {`: a brace group starts a new command even after other words.
            self.end_command();
            return;
        }
        if cmd.command.is_some() {
            return;
        }
        if PREFIX_WORDS.contains(&word) {
            cmd.after_prefix = true;
            return;
        }
        if is_assignment(word) || (cmd.after_prefix && word.starts_with(b"-")) {
            return;
        }
        match word {
            b"case" => cmd.case_depth += 1,
            b"esac" => cmd.case_depth = cmd.case_depth.saturating_sub(1),
            _ => {}
        }
        let span = Span::new(start, end);
        cmd.command = Some(span);
        if word.windows(4).any(|w| w.eq_ignore_ascii_case(b"bteq")) {
            self.bteq_words.push(span);
        }
        for p in self
            .pending
            .iter_mut()
            .rev()
            .take_while(|p| p.serial == cmd.serial)
        {
            if std::mem::take(&mut p.through_cat) {
                p.command = Some(span);
            } else {
                p.command.get_or_insert(span);
            }
        }
        if cmd.input_redirect {
            self.input_redirects.push(span);
        }
    }

    /// Ends the simple command (at `;`, `&`, `|`, a newline, ...): the next word is a command again.
    fn end_command(&mut self) {
        if let Some(Frame::Cmd(cmd)) = self.frames.last_mut() {
            self.next_serial += 1;
            *cmd = Cmd {
                kind: cmd.kind,
                case_depth: cmd.case_depth,
                serial: self.next_serial,
                ..Cmd::default()
            };
        }
    }

    /// Ends the simple command at a pipe. The heredocs of a `cat` (`cat <<EOF | bteq`) pass
    /// through it unchanged: they feed the command after the pipe.
    fn pipe(&mut self) {
        let src = self.src;
        let cat = match self.frames.last() {
            Some(Frame::Cmd(cmd)) if cmd.command.is_some_and(|c| is_cat(&src[c.range()])) => {
                Some(cmd.serial)
            }
            _ => None,
        };
        self.end_command();
        if let Some(serial) = cat {
            // `end_command` gave the command after the pipe the newest serial.
            let next = self.next_serial;
            for p in self
                .pending
                .iter_mut()
                .rev()
                .take_while(|p| p.serial == serial)
            {
                p.serial = next;
                p.through_cat = true;
            }
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn advance(&mut self, by: usize) {
        self.pos = (self.pos + by).min(self.src.len());
    }

    /// The line holding `pos`, without its line break. Lookups come in file order, so caching the
    /// last line keeps several operators on one long line from rescanning it.
    fn line_at(&mut self, pos: usize) -> Span {
        if !self.line.range().contains(&pos) {
            let start = self.src[..pos]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = start + trim_cr(&self.src[start..line_end(self.src, pos)]).len();
            self.line = Span::new(start, end);
        }
        self.line
    }
}

/// `cat`, `/bin/cat`: a command that copies its input (a heredoc) to its output unchanged.
fn is_cat(word: &[u8]) -> bool {
    let base = word.rsplit(|&b| b == b'/').next().unwrap_or(word);
    base == b"cat"
}

fn unterminated(p: &Pending) -> ShellError {
    ShellError::UnterminatedHeredoc {
        delimiter: String::from_utf8_lossy(&p.delimiter).into_owned(),
        opener: p.opener,
    }
}

/// Bytes that end an unquoted shell word.
fn is_meta(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

/// Reads a heredoc delimiter word at `pos` and removes its quotes; any quoting (`'EOF'`, `"EOF"`,
/// `\EOF`, `E"OF"`) means the body is not expanded. Returns the word, whether it was quoted, and
/// where it ends. The word is kept to one line even if a quote is left open.
fn read_delimiter(src: &[u8], mut pos: usize) -> (Vec<u8>, bool, usize) {
    let mut word = Vec::new();
    let mut quoted = false;
    while let Some(&b) = src.get(pos) {
        match b {
            b'\'' | b'"' => {
                quoted = true;
                pos += 1;
                while let Some(&c) = src.get(pos) {
                    if c == b'\n' {
                        break;
                    }
                    pos += 1;
                    if c == b {
                        break;
                    }
                    match src.get(pos) {
                        // Inside double quotes a backslash escapes only these.
                        Some(&e @ (b'"' | b'\\' | b'$' | b'`')) if b == b'"' && c == b'\\' => {
                            word.push(e);
                            pos += 1;
                        }
                        _ => word.push(c),
                    }
                }
            }
            b'\\' => {
                quoted = true;
                pos += 1;
                if let Some(&c) = src.get(pos)
                    && c != b'\n'
                {
                    word.push(c);
                    pos += 1;
                }
            }
            _ if is_meta(b) => break,
            _ => {
                word.push(b);
                pos += 1;
            }
        }
    }
    (word, quoted, pos)
}

/// The delimiter of a heredoc operator in a comment's text, if it has one.
fn commented_delimiter(comment: &[u8]) -> Option<Vec<u8>> {
    let mut pos = find_heredoc_operator(comment)? + 2;
    if comment.get(pos) == Some(&b'-') {
        pos += 1;
    }
    let (delimiter, _, _) = read_delimiter(comment, skip_blanks(comment, pos));
    (!delimiter.is_empty()).then_some(delimiter)
}

/// Where the old body of a commented-out heredoc ends: after the first line that reads as its
/// terminator once leading blanks and `#`s are removed. Gives up at a line holding `<<`, which may
/// open a live heredoc with the same delimiter; that also keeps the look-ahead linear.
fn commented_body_end(src: &[u8], mut pos: usize, delimiter: &[u8]) -> Option<usize> {
    while pos < src.len() {
        let end = line_end(src, pos);
        let line = trim_cr(&src[pos..end]);
        let text = &line[line
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'#'))
            .count()..];
        if text
            .strip_prefix(delimiter)
            .is_some_and(|rest| matches!(rest.first(), None | Some(b')' | b'`')))
        {
            return Some((end + 1).min(src.len()));
        }
        if find_heredoc_operator(line).is_some() {
            return None;
        }
        pos = end + 1;
    }
    None
}

/// The position of the first `<<` that is not part of a `<<<` here-string.
fn find_heredoc_operator(text: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 1 < text.len() {
        if text[i] != b'<' || text[i + 1] != b'<' {
            i += 1;
        } else if text.get(i + 2) == Some(&b'<') {
            i += text[i..].iter().take_while(|&&c| c == b'<').count();
        } else {
            return Some(i);
        }
    }
    None
}

/// `NAME=value` or `NAME+=value`: an assignment before the command word.
fn is_assignment(word: &[u8]) -> bool {
    let Some(eq) = word.iter().position(|&b| b == b'=') else {
        return false;
    };
    let name = word[..eq].strip_suffix(b"+").unwrap_or(&word[..eq]);
    name.first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_')
        && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The position of the line break ending the line at `pos`, or the end of `src`.
fn line_end(src: &[u8], pos: usize) -> usize {
    src[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(src.len(), |i| pos + i)
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn skip_blanks(src: &[u8], pos: usize) -> usize {
    pos + src.get(pos..).map_or(0, |rest| {
        rest.iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_continuations_are_odd_backslashes_before_a_newline() {
        let body = ".IF ERRORCODE <> 0 \\\nTHEN .QUIT 8\nSELECT 'a\\\\'\nx \\\\\\\n";
        let spans: Vec<&str> = line_continuations(body)
            .iter()
            .map(|s| s.text(body))
            .collect();
        assert_eq!(spans, vec!["\\\n", "\\\n"]);
        assert_eq!(line_continuations(body)[1].start as usize, body.len() - 2);
    }

    const BODY: &str = ".logon $H/$U,$P;\nSELECT 'it''s' FROM t;\n.QUIT 0\n";

    /// The expected fields of one heredoc.
    struct Want<'a> {
        command: &'a str,
        delimiter: &'a str,
        quoted: bool,
        strip_tabs: bool,
        body: &'a str,
        terminator: &'a str,
    }

    /// `bteq <<EOF` with the standard body.
    fn bteq() -> Want<'static> {
        Want {
            command: "bteq",
            delimiter: "EOF",
            quoted: false,
            strip_tabs: false,
            body: BODY,
            terminator: "EOF",
        }
    }

    impl Want<'_> {
        #[track_caller]
        fn check(&self, src: &str, h: &Heredoc) {
            assert_eq!(h.command, self.command);
            assert_eq!(&src[h.command_span.range()], self.command);
            assert_eq!(h.delimiter, self.delimiter);
            assert_eq!(h.quoted, self.quoted);
            assert_eq!(h.strip_tabs, self.strip_tabs);
            assert_eq!(&src[h.body.range()], self.body);
            assert_eq!(&src[h.terminator.range()], self.terminator);
            assert_eq!(h.body.end, h.terminator.start);
            let line = &src[h.opener_line.range()];
            assert!(line.contains("<<") && !line.contains('\n'), "{line:?}");
        }

        /// Checks that `src` holds exactly this heredoc.
        #[track_caller]
        fn only(&self, src: &str) {
            let found = find_heredocs(src.as_bytes()).unwrap();
            assert_eq!(found.len(), 1, "{found:#?}");
            self.check(src, &found[0]);
        }
    }

    /// A small job script: `opener`, BODY and `EOF`.
    fn script(opener: &str) -> String {
        format!("#!/bin/ksh\nLOG=/tmp/x.log\n{opener}\n{BODY}EOF\necho done\n")
    }

    fn found(src: &str) -> Vec<Heredoc> {
        find_heredocs(src.as_bytes()).unwrap()
    }

    #[test]
    fn opener_line_forms() {
        for opener in [
            "bteq <<EOF",
            "bteq<<EOF",
            "bteq << EOF",
            "bteq <<EOF > $LOG 2>&1",
            "bteq << EOF > $1;",
            "bteq <<EOF>${LOG} 2>${ERR}",
            "bteq <<EOF | tee -a \"$LOG\"",
            "bteq <<EOF &>> log",
            "bteq -c UTF8 <<EOF",
            "bteq > log <<EOF",
            "bteq 2>err.log <<EOF",
            "nohup bteq <<EOF",
            "time bteq <<EOF",
            "time -p bteq <<EOF",
            "exec bteq <<EOF",
            "VAR=1 bteq <<EOF",
            "LANG=C TZ=UTC bteq <<EOF",
            "if bteq <<EOF; then",
            "bteq <<EOF && echo ok",
            "bteq <<EOF || exit 1",
            "! bteq <<EOF",
            "  \tbteq <<EOF # load the table",
        ] {
            let src = script(opener);
            bteq().only(&src);
            let h = &found(&src)[0];
            assert_eq!(&src[h.opener_line.range()], opener);
        }
    }

    #[test]
    fn command_forms() {
        for command in [
            "$BTEQ",
            "${BTEQ}",
            "\"$BTEQ\"",
            "/opt/teradata/client/bin/bteq",
            "${TD_HOME}/bin/bteq",
            "rsql",
            "fastload",
        ] {
            let src = script(&format!("{command} <<EOF"));
            Want { command, ..bteq() }.only(&src);
        }
    }

    #[test]
    fn operator_before_the_command_word() {
        let src = script("<<EOF bteq -c UTF8");
        bteq().only(&src);
    }

    #[test]
    fn tab_stripping_heredoc() {
        let src = "load() {\n\tbteq <<-EOF\n\t.logon x\n\t\tSELECT 1;\n\tEOF\n}\n";
        Want {
            strip_tabs: true,
            body: "\t.logon x\n\t\tSELECT 1;\n",
            terminator: "\tEOF",
            ..bteq()
        }
        .only(src);
    }

    #[test]
    fn only_exact_lines_terminate() {
        // With `<<` a TAB-indented delimiter is body text; spaces never strip, with either form.
        let src = "bteq <<EOF\n\tEOF\n  EOF\nEOF \nEOFX\nEOF\n";
        Want {
            body: "\tEOF\n  EOF\nEOF \nEOFX\n",
            ..bteq()
        }
        .only(src);
        let src = "bteq <<-EOF\n  EOF\n\t EOF\n\t\tEOF\n";
        Want {
            strip_tabs: true,
            body: "  EOF\n\t EOF\n",
            terminator: "\t\tEOF",
            ..bteq()
        }
        .only(src);
    }

    #[test]
    fn quoted_delimiters() {
        for (operator, delimiter) in [
            ("<<'EOF'", "EOF"),
            ("<<\"EOF\"", "EOF"),
            ("<<\\EOF", "EOF"),
            ("<< 'EOF BTEQ'", "EOF BTEQ"),
            ("<<E\"OF\"", "EOF"),
            ("<<-'EOF'", "EOF"),
            ("<<\"E\\\"F\"", "E\"F"),
        ] {
            let strip_tabs = operator.starts_with("<<-");
            let src = format!("bteq {operator} > log\n{BODY}{delimiter}\n");
            Want {
                delimiter,
                quoted: true,
                strip_tabs,
                terminator: delimiter,
                ..bteq()
            }
            .only(&src);
        }
    }

    #[test]
    fn unusual_delimiters() {
        for delimiter in [
            "eof",
            "!EOF!",
            "EOFBTEQ",
            "EOBTQ",
            "EOF1",
            "!set_period_date",
            "END_OF_SQL",
        ] {
            let src = format!("bteq <<{delimiter}\n{BODY}{delimiter}\n");
            Want {
                delimiter,
                terminator: delimiter,
                ..bteq()
            }
            .only(&src);
        }
    }

    #[test]
    fn command_substitution() {
        // bash accepts `EOF)` as the terminator inside `$( )`; the scan goes on after it.
        let src = "out=$(bteq << EOF\n.logon x\nEOF) ; cat <<X\nbody\nX\n";
        let all = found(src);
        assert_eq!(all.len(), 2);
        Want {
            body: ".logon x\n",
            terminator: "EOF) ; cat <<X",
            ..bteq()
        }
        .check(src, &all[0]);
        Want {
            command: "cat",
            delimiter: "X",
            body: "body\n",
            terminator: "X",
            ..bteq()
        }
        .check(src, &all[1]);

        let src = "out=\"$(bteq <<-EOF 2>&1\n\t.logon x\n\tEOF\n)\"\nrc=$?\n";
        Want {
            strip_tabs: true,
            body: "\t.logon x\n",
            terminator: "\tEOF",
            ..bteq()
        }
        .only(src);

        let src = "out=`bteq <<EOF\n.logon x\nEOF`\nout2=`bteq <<EOF\nSELECT 1;\nEOF\n`\n";
        let all = found(src);
        assert_eq!(all.len(), 2);
        Want {
            body: ".logon x\n",
            terminator: "EOF`",
            ..bteq()
        }
        .check(src, &all[0]);
        Want {
            body: "SELECT 1;\n",
            ..bteq()
        }
        .check(src, &all[1]);
    }

    #[test]
    fn a_body_after_an_eof_paren_terminator_starts_on_the_next_line() {
        // Found by fuzzing: the second body began at the `)` of `A)`, inside the first
        // heredoc's terminator line.
        let src = "x=$(cat <<A <<B\nA)\nbody\nB\n)\n";
        let all = found(src);
        assert_eq!(all.len(), 2);
        assert_eq!(&src[all[0].terminator.range()], "A)");
        assert_eq!(&src[all[1].body.range()], "body\n");
        assert_eq!(&src[all[1].terminator.range()], "B");
    }

    #[test]
    fn a_closing_paren_only_counts_inside_command_substitution() {
        let src = "(bteq <<EOF\nEOF)\nEOF\n)\n";
        Want {
            body: "EOF)\n",
            ..bteq()
        }
        .only(src);
    }

    #[test]
    fn case_patterns_inside_command_substitution() {
        let src = "x=$(case $1 in\n a) bteq <<EOF\nSELECT 1;\nEOF\n;;\n (b) echo b ;;\nesac)\ncat <<Z\nz\nZ)\nZ\n";
        let all = found(src);
        assert_eq!(all.len(), 2, "{all:#?}");
        Want {
            body: "SELECT 1;\n",
            ..bteq()
        }
        .check(src, &all[0]);
        // Back at the top level, where `Z)` is not a terminator.
        let z = Want {
            command: "cat",
            delimiter: "Z",
            body: "z\nZ)\n",
            terminator: "Z",
            ..bteq()
        };
        z.check(src, &all[1]);
    }

    #[test]
    fn one_heredoc_per_function() {
        let src = "load_a() {\n  bteq <<!load_a\n.logon x\n!load_a\n}\n\n\
                   function load_b {\n  bteq <<!load_b\nSELECT 2;\n!load_b\n}\n\
                   load_c() { bteq <<EOF\nSELECT 3;\nEOF\n}\nload_a && load_b && load_c\n";
        let all = found(src);
        assert_eq!(all.len(), 3);
        let want = [
            ("!load_a", ".logon x\n"),
            ("!load_b", "SELECT 2;\n"),
            ("EOF", "SELECT 3;\n"),
        ];
        for (h, (delimiter, body)) in all.iter().zip(want) {
            Want {
                delimiter,
                body,
                terminator: delimiter,
                ..bteq()
            }
            .check(src, h);
        }
    }

    #[test]
    fn two_heredocs_on_one_line() {
        let src = "cat <<A <<'B' > out\na body\nA\nb body\nB\nbteq <<EOF\nx\nEOF\n";
        let all = found(src);
        assert_eq!(all.len(), 3);
        let a = Want {
            command: "cat",
            delimiter: "A",
            body: "a body\n",
            terminator: "A",
            ..bteq()
        };
        a.check(src, &all[0]);
        Want {
            delimiter: "B",
            quoted: true,
            body: "b body\n",
            terminator: "B",
            ..a
        }
        .check(src, &all[1]);
        assert_eq!(all[0].opener_line, all[1].opener_line);
        Want {
            body: "x\n",
            ..bteq()
        }
        .check(src, &all[2]);
    }

    #[test]
    fn a_heredoc_piped_through_cat_feeds_the_command_after_the_pipe() {
        let commands =
            |src: &str| -> Vec<String> { found(src).into_iter().map(|h| h.command).collect() };
        let body = "x\nEOF\n";
        for (opener, command) in [
            ("cat <<EOF | bteq > log 2>&1\n", "bteq"),
            ("/bin/cat <<EOF |/usr/bin/bteq\n", "/usr/bin/bteq"),
            ("cat - <<EOF | nohup ${BTEQ} -c ASCII\n", "${BTEQ}"),
            // `||` runs bteq only when cat fails, without the heredoc; ksh's `|&` makes cat a
            // co-process.
            ("cat <<EOF |& bteq\n", "cat"),
            ("cat <<EOF || bteq\n", "cat"),
            // Not cat: the heredoc stays with the command that reads it.
            ("catalog <<EOF | bteq\n", "catalog"),
            ("tee x <<EOF | bteq\n", "tee"),
            // The pipe's next command comes after the body: the heredoc stays with cat.
            ("cat <<EOF |\n", "cat"),
        ] {
            assert_eq!(commands(&format!("{opener}{body}")), [command], "{opener}");
        }
        // Both heredocs of one cat pass on; the one of the command before does not.
        let src = "bteq <<A; cat <<B <<C | bteq\na\nA\nb\nB\nc\nC\n";
        assert_eq!(commands(src), ["bteq", "bteq", "bteq"]);
        let all = found(src);
        assert_eq!(&src[all[0].command_span.range()], "bteq");
        assert_eq!(all[0].command_span.start, 0);
        assert_eq!(all[1].command_span, all[2].command_span);
        assert_eq!(&src[all[2].body.range()], "c\n");
        // A `.sql` file holding such a pipe reads as shell.
        assert!(looks_like_shell(b"cat <<EOF | bteq\n.QUIT 0\nEOF\n"));
    }

    #[test]
    fn bteq_commands_without_a_heredoc_are_listed() {
        let src = "bteq <<EOF\nx\nEOF\n${BTEQ_BIN} < load.btq > log\ngen.sh | /usr/bin/bteq\n\
                   echo bteq 'bteq <x'\ncat <<E | bteq\ny\nE\nrsql < x.sql\n";
        let scan = scan(src.as_bytes()).unwrap();
        assert_eq!(scan.heredocs.len(), 2);
        let words: Vec<&str> = scan
            .bteq_without_heredoc
            .iter()
            .map(|w| &src[w.range()])
            .collect();
        assert_eq!(words, ["${BTEQ_BIN}", "/usr/bin/bteq"]);
    }

    #[test]
    fn commented_out_heredocs_are_skipped() {
        // Commented block, then a live one with the same delimiter.
        let src = "#bteq << EOF\n#.logon x\n#SELECT 'a\n#EOF\nbteq <<EOF\n.logon y\nEOF\n";
        Want {
            body: ".logon y\n",
            ..bteq()
        }
        .only(src);
        // Commented opener with a live-looking body; a stray quote must not swallow the rest.
        let src = "###bteq <<EOF\n.logon x\n/* don't */\nEOF\nbteq <<EOF\n.logon y\nEOF\n";
        Want {
            body: ".logon y\n",
            ..bteq()
        }
        .only(src);
        // Indented, inside `$( )`, and a comment at the end of a line.
        let src = "  # out=$(bteq <<EOF\n  # it's\n  # EOF)\necho x # bteq <<EOF\nit's\nEOF\n";
        assert_eq!(found(src), []);
    }

    #[test]
    fn a_comment_mentioning_a_heredoc_does_not_hide_a_live_one() {
        let src = "# usage: bteq <<EOF\nbteq <<EOF\n.logon y\nEOF\n";
        Want {
            body: ".logon y\n",
            ..bteq()
        }
        .only(src);
        let src = "# cat <<'END' would print it\n\nbteq <<EOF\n.logon y\nEOF\n";
        Want {
            body: ".logon y\n",
            ..bteq()
        }
        .only(src);
    }

    #[test]
    fn operators_that_are_not_heredocs() {
        let src = "echo \"bteq <<EOF\"\necho 'x << y'\necho \"a \\\" << b\"\n\
                   n=$(( 1 << 2 ))\n(( n = n << 1 ))\nfor ((i=0; i<<1; i++)); do :; done\n\
                   cat <<< \"$x\"\ncat <<<EOF\necho \\<\\<EOF\necho $'it\\'s << x'\n\
                   echo a#b <<< c\nn=${#var} m=$# ; echo ${x:-'<<'}\n";
        assert_eq!(found(src), []);
    }

    #[test]
    fn hashes_inside_words_are_not_comments() {
        let src = "echo a#b ${#var} $# x=1#2; bteq <<EOF\nSELECT 1;\nEOF\n";
        Want {
            body: "SELECT 1;\n",
            ..bteq()
        }
        .only(src);
    }

    #[test]
    fn other_commands_are_reported_and_their_bodies_skipped() {
        let src = "cat <<EOF > file.sql\n# not a comment\nit's \"odd\n$(\nEOF\nsqlplus -s u/p <<END\n\
                   <<X\nEND\nbteq <<EOF\nx\nEOF\n";
        let all = found(src);
        let commands: Vec<_> = all.iter().map(|h| h.command.as_str()).collect();
        assert_eq!(commands, ["cat", "sqlplus", "bteq"]);
        assert_eq!(
            &src[all[0].body.range()],
            "# not a comment\nit's \"odd\n$(\n"
        );
        assert_eq!(&src[all[1].body.range()], "<<X\n");
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let src = "bteq <<EOF > log\r\n.logon x;\r\nEOF\r\nbteq <<-EOF\r\n\tSELECT 1;\r\n\tEOF";
        let all = found(src);
        assert_eq!(all.len(), 2);
        Want {
            body: ".logon x;\r\n",
            ..bteq()
        }
        .check(src, &all[0]);
        assert_eq!(&src[all[0].opener_line.range()], "bteq <<EOF > log");
        Want {
            strip_tabs: true,
            body: "\tSELECT 1;\r\n",
            terminator: "\tEOF",
            ..bteq()
        }
        .check(src, &all[1]);
        Want {
            body: "x\n",
            ..bteq()
        }
        .only("bteq <<EOF\nx\nEOF");
    }

    #[test]
    fn unterminated_heredoc() {
        for (src, operator) in [
            ("echo hi\nbteq <<EOF > log\n.logon x\nEOF \n", "<<EOF"),
            ("bteq <<'EOF'", "<<'EOF'"),
            ("bteq <<-EOF\n  EOF\n", "<<-EOF"),
            ("x=$(bteq <<EOF\nEOFX)\n", "<<EOF"),
        ] {
            let Err(ShellError::UnterminatedHeredoc { delimiter, opener }) =
                find_heredocs(src.as_bytes())
            else {
                panic!("{src:?} should fail");
            };
            assert_eq!(delimiter, "EOF");
            assert_eq!(&src[opener.range()], operator);
        }
    }

    #[test]
    fn shell_quoting_on_the_opener_line() {
        // `\<` is an escaped character, so `<Z` is an input redirection, not a heredoc.
        let src =
            "echo 'a <<X' \"b \\\" <<Y\" \\<<Z; bteq \\\n  <<EOF > \"$LOG\"\nSELECT 1;\nEOF\n";
        let all = found(src);
        assert_eq!(all.len(), 1, "{all:#?}");
        Want {
            body: "SELECT 1;\n",
            ..bteq()
        }
        .check(src, &all[0]);
        assert_eq!(&src[all[0].opener_line.range()], "  <<EOF > \"$LOG\"");
        // A `<<` inside a string spanning lines is not an operator.
        let src = "echo \"multi\nline <<A\" <<B\nb\nB\n";
        Want {
            command: "echo",
            delimiter: "B",
            body: "b\n",
            terminator: "B",
            ..bteq()
        }
        .only(src);
    }

    #[test]
    fn body_starts_after_a_quote_spanning_lines() {
        let src = "cat <<EOF; echo 'a\nb'\nbody\nEOF\n";
        Want {
            command: "cat",
            body: "body\n",
            ..bteq()
        }
        .only(src);
    }

    #[test]
    fn latin1_and_invalid_utf8() {
        let src = b"bteq <<EOF\nSELECT '\xe9t\xe9';\nEOF\n\xff\xfe <<X\n\xe9\nX\n";
        let all = find_heredocs(src).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(&src[all[0].body.range()], b"SELECT '\xe9t\xe9';\n");
        assert_eq!(all[1].command, "\u{fffd}\u{fffd}");
        assert_eq!(all[1].command_span, Span::new(29, 31));
    }

    #[test]
    fn classifies_commands() {
        for c in [
            "bteq",
            "BTEQ",
            "/usr/bin/bteq",
            "$BTEQ",
            "${BTEQ_BIN}",
            "\"$BTEQ\"",
            "$bteq_cmd",
        ] {
            assert!(is_bteq_command(c), "{c}");
        }
        for c in [
            "rsql",
            "bteq.sh",
            "bteqx",
            "cat",
            "$LOG",
            "/bteq/bin/cat",
            "${BIN}",
            "",
        ] {
            assert!(!is_bteq_command(c), "{c}");
        }
        for c in ["rsql", "/usr/local/bin/RSQL", "$RSQL", "${RSQL_CMD}"] {
            assert!(is_rsql_command(c), "{c}");
        }
        assert!(!is_rsql_command("bteq"));
        for c in [
            "fastload",
            "mload",
            "FEXP",
            "tbuild",
            "tpump",
            "$MLOAD",
            "${FASTLOAD_BIN}",
        ] {
            assert!(is_teradata_utility_command(c), "{c}");
        }
        for c in ["bteq", "load", "$DOWNLOAD", "fastload.sh"] {
            assert!(!is_teradata_utility_command(c), "{c}");
        }
    }

    #[test]
    fn recognises_shell_scripts() {
        let shell: &[&[u8]] = &[
            b"#!/bin/sh\n",
            b"\xEF\xBB\xBF#!/bin/ksh\n",
            b"bteq << EOF > $1;\n.logon x\nEOF\n",
            b"LOG=$1\nrsql -D dsn <<'X'\n\\echo x\nX\n",
            b"fastload <<EOF\n.BEGIN LOADING t;\nEOF\n",
            b"bteq -c UTF8 < x.btq > log 2>&1\n",
            b"< x.btq $BTEQ\n",
            b"bteq <<EOF\nnever ends\n",
            // The cheap test before the scan ignores case, as the command test does.
            b"BTEQ <<EOF\n.LOGON x\nEOF\n",
            b"${Bteq_Bin} <<EOF\nEOF\n",
            b"TPump<<E\nE\n",
            b"bteq -c UTF8 \\\n  -e x \\\n  <<EOF\nEOF\n",
        ];
        for src in shell {
            assert!(looks_like_shell(src), "{}", String::from_utf8_lossy(src));
        }
        let plain: &[&[u8]] = &[
            b".logon tdp/u,p;\nSELECT a FROM t WHERE a < 3;\n.QUIT 0\n",
            b"-- run with: bteq < this_file.sql\nSELECT 1;\n",
            b"/* bteq <<EOF */ SELECT 1;\n",
            b"#bteq <<EOF\n#.logon x\n#EOF\n",
            b"cat <<EOF\nbteq\nEOF\n",
            b"SELECT a FROM t WHERE a <> b;\n",
            // A tool's name and a `<` on different lines: no command fed by it.
            b"-- loaded by mload\nSELECT a FROM t WHERE a < 3;\n",
            b"SELECT a FROM t WHERE a < 3; \\\n\n-- rsql rsql rsql\n",
            b"",
        ];
        for src in plain {
            assert!(!looks_like_shell(src), "{}", String::from_utf8_lossy(src));
        }
    }

    /// Minimal xorshift generator for the property tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[track_caller]
    fn check_invariants(src: &[u8]) {
        // The cheap test never rules out a command the scan finds, unless its word spans lines.
        let single_line_command = fed_commands(src)
            .iter()
            .any(|c| !src[c.range()].contains(&b'\n'));
        assert!(
            !single_line_command || may_name_a_command(src),
            "{:?}",
            String::from_utf8_lossy(src)
        );
        match find_heredocs(src) {
            Ok(all) => {
                let mut last = 0;
                for h in all {
                    for span in [h.command_span, h.opener_line, h.body, h.terminator] {
                        assert!(span.start <= span.end && span.end as usize <= src.len());
                    }
                    assert_eq!(h.body.end, h.terminator.start);
                    assert!(h.opener_line.end <= h.body.start);
                    assert!(h.body.start as usize >= last);
                    last = h.terminator.end as usize;
                }
            }
            Err(ShellError::UnterminatedHeredoc { opener, .. }) => {
                assert!(opener.end as usize <= src.len());
            }
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let len = rng.below(64);
            let src: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            check_invariants(&src);
        }
    }

    #[test]
    fn random_shell_fragments_never_panic() {
        const PIECES: &[&str] = &[
            "bteq", " ", "\t", "\n", "\r\n", "<<", "<<-", "<<<", "EOF", "\tEOF", "'", "\"", "\\",
            "`", "$(", "$((", "${", "$'", "(", ")", "))", "}", "{", "#", ";", "&", "|", ">", "<",
            "2>&1", "&>>", "x=1", "case", "esac", "a)", ";;", "!", "nohup", "EOF)", "E\"OF\"",
        ];
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let src: String = (0..rng.below(40))
                .map(|_| PIECES[rng.below(PIECES.len())])
                .collect();
            check_invariants(src.as_bytes());
        }
    }

    #[test]
    fn pathological_inputs_stay_linear() {
        // Each of these would take minutes if any part of the scan were quadratic.
        let n = 200_000;
        let inputs = [
            "# x <<A\n".repeat(n),
            "#bteq <<EOF\n".repeat(n),
            format!("cat {}\n", "<<A ".repeat(n)),
            "$(".repeat(n),
            "\"$(`${".repeat(n),
            format!("bteq <<EOF\n{}", "x\n".repeat(n)),
            format!("x <<A\n{}A\n", "#y <<B\n".repeat(n)),
        ];
        for src in inputs {
            check_invariants(src.as_bytes());
        }
    }
}
