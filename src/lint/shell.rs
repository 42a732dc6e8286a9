//! The shell text of a script around its heredocs, as the lint rules read it: physical lines
//! outside heredoc bodies, split into simple commands and words.
//!
//! This is deliberately shallow (no functions, loops or expansions are followed): the rules ask
//! questions such as "which command comes right after this heredoc" or "is this word an
//! assignment", which the line structure answers. `syntax::shell` finds the heredocs themselves.

use crate::syntax::shell::Heredoc;
use crate::syntax::span::Span;

/// One line of shell text outside heredoc bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellLine {
    /// The line without its line break.
    pub span: Span,
    /// The simple commands on the line, in order.
    pub commands: Vec<ShellCommand>,
    /// The line holds only blanks and comments.
    pub blank: bool,
}

/// A simple command: words up to `;`, `&&`, `||`, `|`, `&` or the end of the line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShellCommand {
    pub words: Vec<Span>,
    /// The targets of its redirections (`$LOG` in `> $LOG`), which are not words of it.
    pub redirects: Vec<Span>,
    /// The operator after the command (`;`, `&&`, `||`, `|`, `&`), if any.
    pub then: Option<&'static str>,
}

impl ShellCommand {
    pub fn word<'s>(&self, src: &'s str, i: usize) -> Option<&'s str> {
        self.words.get(i).map(|s| s.text(src))
    }

    /// Index of the command word: the first word that is not a `NAME=value` assignment.
    pub fn command_index(&self, src: &str) -> Option<usize> {
        self.words
            .iter()
            .position(|w| assignment(w.text(src)).is_none())
    }

    pub fn span(&self) -> Option<Span> {
        Some(self.words.first()?.cover(*self.words.last()?))
    }
}

/// Every line of `src` outside heredoc bodies and terminator lines. Text after the opener of an
/// unterminated heredoc (`unterminated_from`, the opener's line end) is body to the shell.
pub fn shell_lines(
    src: &str,
    heredocs: &[Heredoc],
    unterminated_from: Option<usize>,
) -> Vec<ShellLine> {
    let mut skip: Vec<Span> = heredocs
        .iter()
        .map(|h| Span::new(h.body.start as usize, h.terminator.end as usize))
        .collect();
    if let Some(from) = unterminated_from {
        skip.push(Span::new(from.min(src.len()), src.len()));
    }
    skip.sort();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while start < src.len() {
        while k < skip.len() && (skip[k].end as usize) <= start {
            k += 1;
        }
        if let Some(s) = skip.get(k)
            && (s.start as usize) <= start
        {
            // A heredoc body: on to the first line that starts at or after its end.
            let after = s.end as usize;
            start = if after == 0 || src.as_bytes()[after - 1] == b'\n' {
                after
            } else {
                memchr::memchr(b'\n', &src.as_bytes()[after..]).map_or(src.len(), |i| after + i + 1)
            };
            continue;
        }
        let end = memchr::memchr(b'\n', &src.as_bytes()[start..]).map_or(src.len(), |i| start + i);
        let text_end = if end > start && src.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let span = Span::new(start, text_end);
        let commands = commands(src, span);
        let blank = commands.iter().all(|c| c.words.is_empty());
        lines.push(ShellLine {
            span,
            commands,
            blank,
        });
        start = end + 1;
    }
    lines
}

/// `NAME=value` (or `NAME+=value`): the name and the value's span.
pub fn assignment(word: &str) -> Option<(&str, &str)> {
    let eq = word.find('=')?;
    let name = word[..eq].strip_suffix('+').unwrap_or(&word[..eq]);
    let valid = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then(|| (name, &word[eq + 1..]))
}

/// Removes one level of shell quoting from a word (for reading values, not for rewriting).
pub fn unquote(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            out.push(chars.next().unwrap_or('\\'));
                        }
                        _ => out.push(c),
                    }
                }
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The simple commands of one line.
fn commands(src: &str, line: Span) -> Vec<ShellCommand> {
    let bytes = src.as_bytes();
    let end = line.end as usize;
    let mut out = Vec::new();
    let mut current = ShellCommand::default();
    let mut i = line.start as usize;
    while i < end {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => break,
            b';' | b'&' | b'|' => {
                let two = i + 1 < end && bytes[i + 1] == b && b != b';';
                current.then = Some(match (b, two) {
                    (b'&', true) => "&&",
                    (b'|', true) => "||",
                    (b'&', false) => "&",
                    (b'|', false) => "|",
                    _ => ";",
                });
                out.push(std::mem::take(&mut current));
                i += if two { 2 } else { 1 };
            }
            b'(' | b')' => {
                if !current.words.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                i += 1;
            }
            b'{' | b'}' if i + 1 == end || matches!(bytes[i + 1], b' ' | b'\t' | b';' | b'\r') => {
                // Grouping: a command boundary.
                if !current.words.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                i += 1;
            }
            b'<' | b'>' => {
                // A redirection and its target are not words of the command.
                let mut j = i + 1;
                while j < end && matches!(bytes[j], b'<' | b'>' | b'&' | b'-' | b'|') {
                    j += 1;
                }
                while j < end && matches!(bytes[j], b' ' | b'\t') {
                    j += 1;
                }
                i = if j < end && !matches!(bytes[j], b';' | b'&' | b'|') {
                    let target_end = word_end(bytes, j, end);
                    current.redirects.push(Span::new(j, target_end));
                    target_end
                } else {
                    j
                };
            }
            _ => {
                let e = word_end(bytes, i, end).max(i + 1);
                // `2>&1`: the digits belong to the redirection.
                let redirect_fd = e < end
                    && matches!(bytes[e], b'<' | b'>')
                    && bytes[i..e].iter().all(u8::is_ascii_digit);
                if !redirect_fd {
                    current.words.push(Span::new(i, e));
                }
                i = e.max(i + 1);
            }
        }
    }
    if !current.words.is_empty() {
        out.push(current);
    }
    out
}

/// End of the shell word starting at `i` (quotes, `$( )`, `${ }` and backticks followed).
fn word_end(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i < end {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' => break,
            b'(' | b')' => break,
            b'\\' => i += 2,
            b'\'' => {
                i += 1;
                while i < end && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                i += 1;
                while i < end && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'`' => {
                i += 1;
                while i < end && bytes[i] != b'`' {
                    i += 1;
                }
                i += 1;
            }
            b'$' if i + 1 < end && matches!(bytes[i + 1], b'(' | b'{') => {
                let (open, close) = if bytes[i + 1] == b'(' {
                    (b'(', b')')
                } else {
                    (b'{', b'}')
                };
                let mut depth = 0usize;
                i += 1;
                while i < end {
                    if bytes[i] == open {
                        depth += 1;
                    } else if bytes[i] == close {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    i.min(end)
}

/// The base name of a command word (`/usr/bin/rsql` → `rsql`), quotes removed.
pub fn base_name(word: &str) -> &str {
    let w = word.trim_matches(['"', '\'']);
    w.rsplit('/').next().unwrap_or(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(line: &str) -> Vec<Vec<&str>> {
        commands(line, Span::new(0, line.len()))
            .iter()
            .map(|c| c.words.iter().map(|w| w.text(line)).collect())
            .collect()
    }

    #[test]
    fn commands_split_at_operators_and_skip_redirections() {
        assert_eq!(
            words_of("rsql -h $HOST <<EOF > $LOG 2>&1 || exit $?"),
            vec![vec!["rsql", "-h", "$HOST"], vec!["exit", "$?"]]
        );
        assert_eq!(
            words_of("RC=$?; if [ \"$RC\" -ne 0 ]; then exit $RC; fi # done"),
            vec![
                vec!["RC=$?"],
                vec!["if", "[", "\"$RC\"", "-ne", "0", "]"],
                vec!["then", "exit", "$RC"],
                vec!["fi"]
            ]
        );
        assert_eq!(
            words_of("echo \"a b; c\" $(date +'%T; x') `d e`"),
            vec![vec!["echo", "\"a b; c\"", "$(date +'%T; x')", "`d e`"]]
        );
    }

    #[test]
    fn assignments_and_unquoting() {
        assert_eq!(assignment("DB_PASS='x y'"), Some(("DB_PASS", "'x y'")));
        assert_eq!(assignment("A+=1"), Some(("A", "1")));
        assert_eq!(assignment("--opt=1"), None);
        assert_eq!(unquote("'a b'\"c\\\"d\"e\\ f"), "a bc\"de f");
    }

    #[test]
    fn lines_skip_heredoc_bodies() {
        let src = "#!/bin/sh\nrsql <<EOF\nselect 1;\nEOF\nrc=$?\n";
        let heredocs = crate::syntax::shell::find_heredocs(src.as_bytes()).unwrap();
        let lines = shell_lines(src, &heredocs, None);
        let texts: Vec<_> = lines.iter().map(|l| l.span.text(src)).collect();
        assert_eq!(texts, vec!["#!/bin/sh", "rsql <<EOF", "rc=$?"]);
        assert!(lines[0].blank);
    }
}
