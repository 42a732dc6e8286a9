//! The invariants the fuzz targets (`fuzz/fuzz_targets/*.rs`) check, shared with the regression
//! test `tests/fuzz_regressions.rs`, which runs them on every input in `fixtures/fuzz/<target>/`.
//!
//! Each `check_*` takes arbitrary bytes and panics when an invariant does not hold. Only `std` and
//! `rsqlmig` are used here: the file is compiled both by the fuzz crate and by the main package.
#![allow(dead_code)]

use std::path::Path;

use rsqlmig::convert::{self, Status, Target};
use rsqlmig::lint::{self, config::LintOptions};
use rsqlmig::sql::statement::{Statement, split_statements};
use rsqlmig::syntax::lexer::{Mode, Token, TokenKind, tokenize};
use rsqlmig::syntax::script::{Dialect, InstructionKind, Script};
use rsqlmig::syntax::shell::{self, ShellError, find_heredocs};
use rsqlmig::syntax::span::Span;

/// A check: panics when an invariant does not hold for the input.
pub type Check = fn(&[u8]);

/// The targets, by the name of their fuzz target and of their `fixtures/fuzz/` directory.
pub const TARGETS: &[(&str, Check)] = &[
    ("bteq_parser", check_bteq_parser),
    ("heredoc", check_heredoc),
    ("sql_tokenizer", check_sql_tokenizer),
    ("converter", check_converter),
    ("linter", check_linter),
];

fn in_bounds(span: Span, len: usize, what: &str) {
    assert!(
        span.start <= span.end && span.end as usize <= len,
        "{what} {span:?} outside 0..{len}"
    );
}

/// With valid UTF-8 input, the span may be used to slice the text.
fn on_char_boundaries(text: Option<&str>, span: Span, what: &str) {
    if let Some(text) = text {
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
            "{what} {span:?} splits a character"
        );
    }
}

/// Tokens are non-empty and tile `src` exactly, in order.
fn assert_tokens_tile(src: &[u8], tokens: &[Token], what: &str) {
    let text = std::str::from_utf8(src).ok();
    let mut pos = 0usize;
    for t in tokens {
        assert_eq!(
            t.span.start as usize, pos,
            "{what}: gap or overlap before {t:?}"
        );
        assert!(t.span.end > t.span.start, "{what}: empty token {t:?}");
        on_char_boundaries(text, t.span, what);
        pos = t.span.end as usize;
    }
    assert_eq!(pos, src.len(), "{what}: tokens stop before the end");
    let joined: Vec<u8> = tokens
        .iter()
        .flat_map(|t| src[t.span.range()].iter().copied())
        .collect();
    assert_eq!(joined, src, "{what}: tokens do not rebuild the input");
}

/// `Script::parse_bytes` in both dialects: the tokens rebuild the input byte for byte (the
/// losslessness of `tests/properties.rs`), the instructions tile the tokens, problems lie inside
/// the input, and on UTF-8 input every span can slice the text.
pub fn check_bteq_parser(data: &[u8]) {
    let text = std::str::from_utf8(data).ok();
    for dialect in [Dialect::Bteq, Dialect::Rsql] {
        let script = Script::parse_bytes(data, dialect);
        assert_eq!(script.dialect, dialect);
        assert_tokens_tile(data, &script.tokens, "script tokens");
        let mut pos = 0usize;
        let mut next_token = 0usize;
        for instr in &script.instructions {
            assert_eq!(
                instr.tokens.start, next_token,
                "{instr:?} does not follow on"
            );
            assert!(
                instr.tokens.end > instr.tokens.start,
                "empty instruction {instr:?}"
            );
            assert_eq!(instr.span.start as usize, pos, "{instr:?} leaves a gap");
            let toks = script.tokens_of(instr);
            assert_eq!(toks.first().map(|t| t.span.start), Some(instr.span.start));
            assert_eq!(toks.last().map(|t| t.span.end), Some(instr.span.end));
            if instr.kind == InstructionKind::Trivia {
                assert!(toks.iter().all(|t| t.kind.is_trivia()), "{instr:?}");
            }
            if let Some(text) = text {
                let _ = script.command_name(instr, text);
            }
            pos = instr.span.end as usize;
            next_token = instr.tokens.end;
        }
        assert_eq!(pos, data.len(), "instructions stop before the end");
        assert_eq!(next_token, script.tokens.len(), "instructions skip tokens");
        for p in &script.problems {
            in_bounds(p.span, data.len(), "problem");
        }
        if let Some(text) = text {
            let again = Script::parse(text, dialect);
            assert_eq!(again.tokens, script.tokens, "parse and parse_bytes differ");
            assert_eq!(again.instructions, script.instructions);
        }
    }
}

/// `find_heredocs`: every span lies in the input, in file order, bodies and terminators do not
/// overlap, the terminator line holds the delimiter and no earlier body line does, and on UTF-8
/// input every span can slice the text. A found BTEQ or RSQL heredoc makes the file shell.
pub fn check_heredoc(data: &[u8]) {
    let text = std::str::from_utf8(data).ok();
    let len = data.len();
    let heredocs = match find_heredocs(data) {
        Ok(h) => h,
        Err(ShellError::UnterminatedHeredoc { opener, .. }) => {
            in_bounds(opener, len, "unterminated opener");
            assert!(!opener.is_empty());
            assert!(data[opener.range()].starts_with(b"<<"), "opener {opener:?}");
            on_char_boundaries(text, opener, "unterminated opener");
            let _ = shell::looks_like_shell(data);
            return;
        }
    };
    let mut after_previous = 0usize;
    for h in &heredocs {
        for (span, what) in [
            (h.command_span, "command"),
            (h.opener_line, "opener line"),
            (h.body, "body"),
            (h.terminator, "terminator"),
        ] {
            in_bounds(span, len, what);
            on_char_boundaries(text, span, what);
        }
        assert!(!h.command_span.is_empty(), "{h:?}");
        assert_eq!(
            h.command,
            String::from_utf8_lossy(&data[h.command_span.range()]),
            "{h:?}"
        );
        // The body starts on a line after the opener line and after the previous heredoc, and
        // ends where its terminator line starts.
        assert!(h.opener_line.end < h.body.start, "{h:?}");
        assert!(h.command_span.end <= h.body.start, "{h:?}");
        assert!(
            h.body.start as usize >= after_previous,
            "heredocs overlap or are out of order: {h:?}"
        );
        assert!(
            h.body.start == 0 || data[h.body.start as usize - 1] == b'\n',
            "body does not start a line: {h:?}"
        );
        assert_eq!(h.body.end, h.terminator.start, "{h:?}");
        assert!(
            h.body.is_empty() || data[h.body.end as usize - 1] == b'\n',
            "body does not end with a line break: {h:?}"
        );
        let terminator = &data[h.terminator.range()];
        assert!(!terminator.contains(&b'\n'), "{h:?}");
        if text.is_some() {
            // With valid UTF-8 the delimiter is exact (removing ASCII quotes keeps UTF-8).
            let delimiter = h.delimiter.as_bytes();
            let strip = |line: &[u8]| -> Vec<u8> {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let tabs = if h.strip_tabs {
                    line.iter().take_while(|&&b| b == b'\t').count()
                } else {
                    0
                };
                line[tabs..].to_vec()
            };
            assert!(
                strip(terminator).starts_with(delimiter),
                "terminator does not hold the delimiter: {h:?}"
            );
            let body = &data[h.body.range()];
            for line in body
                .strip_suffix(b"\n")
                .unwrap_or(body)
                .split(|&b| b == b'\n')
            {
                assert!(
                    h.body.is_empty() || strip(line) != delimiter,
                    "a body line already ends the heredoc: {h:?}"
                );
            }
        }
        after_previous = h.terminator.end as usize;
    }
    // A command word that runs over several lines (`"⏎bteq⏎"`) is beyond the sniff's cheap test.
    if !data.starts_with(b"\xEF\xBB\xBF")
        && heredocs.iter().any(|h| {
            (shell::is_bteq_command(&h.command) || shell::is_rsql_command(&h.command))
                && !h.command.contains('\n')
        })
    {
        assert!(
            shell::looks_like_shell(data),
            "a bteq/rsql heredoc but not shell"
        );
    }
}

/// `tokenize` in every mode: non-empty tokens that tile the input exactly; `split_statements`
/// splits the SQL tokens into ordered statements ending at `;` tokens; on UTF-8 input every
/// statement's view pairs its parentheses consistently.
pub fn check_sql_tokenizer(data: &[u8]) {
    let text = std::str::from_utf8(data).ok();
    for mode in [Mode::BteqSql, Mode::RsqlSql, Mode::CommandLine] {
        let tokens = tokenize(data, mode);
        assert_tokens_tile(data, &tokens, "tokenize");
        if mode == Mode::CommandLine {
            // A command line ends at its line break: no token but a line break holds one.
            for t in &tokens {
                let bytes = &data[t.span.range()];
                if bytes.contains(&b'\n') {
                    assert_eq!(t.kind, TokenKind::Newline, "{t:?} crosses a line");
                }
            }
        }
        let statements = split_statements(&tokens);
        let mut next = 0usize;
        for (i, (range, semicolon)) in statements.iter().enumerate() {
            assert_eq!(range.start, next, "statement {i} does not follow on");
            assert!(range.start <= range.end && range.end <= tokens.len());
            match semicolon {
                Some(s) => {
                    assert_eq!(*s, range.end);
                    assert_eq!(tokens[*s].kind, TokenKind::Semicolon);
                    next = s + 1;
                }
                None => {
                    assert_eq!(
                        i + 1,
                        statements.len(),
                        "only the last statement lacks a `;`"
                    );
                    assert_eq!(range.end, tokens.len());
                    next = range.end;
                }
            }
            if let Some(text) = text {
                check_statement(text, &tokens[range.clone()]);
            }
        }
        assert!(
            tokens[next..].iter().all(|t| t.kind.is_trivia()),
            "tokens after the last statement"
        );
    }
}

fn check_statement(text: &str, tokens: &[Token]) {
    let stmt = Statement::new(text, tokens);
    assert_eq!(stmt.depth.len(), stmt.len());
    assert!(stmt.body <= stmt.len());
    for i in 0..stmt.len() {
        let _ = stmt.text(i);
        if let Some(j) = stmt.partner(i) {
            assert_eq!(stmt.partner(j), Some(i), "partners are not mutual");
            let (open, close) = (i.min(j), i.max(j));
            assert_eq!(stmt.kind_of(open), Some(TokenKind::LParen));
            assert_eq!(stmt.kind_of(close), Some(TokenKind::RParen));
            assert_eq!(stmt.depth[open], stmt.depth[close]);
        }
    }
}

/// `convert_file` as plain BTEQ and as shell, for both targets: never panics, an output exactly
/// when the status says so, spans inside the decoded input. Stability as `tests/properties.rs`
/// states it: when a plain file converts to RSQL (`Status::Converted`), converting what was
/// written (the output in the input's encoding) again gives the same output, unless the output
/// is guessed to be shell where the input was not (or the reverse) or has a heredoc never closed
/// where the input had none.
pub fn check_converter(data: &[u8]) {
    for name in ["x.btq", "x.sh"] {
        for target in [Target::Rsql, Target::Framework] {
            let once = convert::convert_file(Path::new(name), data, target);
            let has_output = matches!(once.status, Status::Converted | Status::Unchanged);
            assert_eq!(
                once.output.is_some(),
                has_output,
                "{name} {target:?} {:?}",
                once.status
            );
            assert_eq!(once.output_bytes.is_some(), has_output);
            for d in &once.diagnostics {
                in_bounds(d.span, once.input.len(), d.code);
            }
            for s in &once.secrets {
                in_bounds(*s, once.input.len(), "secret");
            }
            let _ = once.redacted_input();
            // Known exceptions, where the output's shell text scans differently: whether a
            // `.btq` file is shell is guessed from its content (`looks_like_shell`), and an
            // action item that quotes a line with an odd number of quotes can uncover a heredoc
            // (`.FOO x'` then `rsql <<E`); a masked password that held an unclosed `${` can too
            // (`logon h/u,${ <<E` in shell text).
            let scans_alike = |input: &[u8], output: &[u8]| {
                shell::looks_like_shell(input) == shell::looks_like_shell(output)
                    && (find_heredocs(input).is_err() || find_heredocs(output).is_ok())
            };
            if name == "x.btq"
                && target == Target::Rsql
                && once.status == Status::Converted
                && scans_alike(
                    once.input.as_bytes(),
                    once.output.as_deref().unwrap().as_bytes(),
                )
            {
                // properties.rs converts `out.as_bytes()`; its inputs are UTF-8, where that is
                // exactly what convert writes. For UTF-16 or a BOM, the written bytes are.
                // The written bytes are compared, not the decoded texts: a Latin-1 input whose
                // only non-UTF-8 byte the conversion removed reads back as UTF-8 (found by fuzzing:
                // `T\xef\xbb\xbf;COLLECT STAT \xdc ON B`), the same bytes as another text.
                let bytes = once.output_bytes.unwrap();
                let twice = convert::convert_file(Path::new(name), &bytes, target);
                assert!(
                    twice.output_bytes.as_deref() == Some(&bytes[..]),
                    "converting the output again changed it:\n{}\n---\n{}",
                    String::from_utf8_lossy(&bytes),
                    String::from_utf8_lossy(twice.output_bytes.as_deref().unwrap_or_default())
                );
            }
        }
    }
}

/// `lint` and `lint::fix` on the text (invalid UTF-8 replaced): as a plain RSQL file and as a
/// shell script, every finding's span lies in the text on character boundaries. `fix` converges
/// as `tests/cli_lint.rs` states it: fixing the fixed text changes nothing and applies nothing,
/// and no applicable fix is left after the first fix. `fix` is the expensive part, so it runs
/// in one of the four set-ups (file name, unsafe fixes or not), chosen by the input's length.
pub fn check_linter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let opts = LintOptions::default();
    for name in ["job.rsql", "job.sh"] {
        let path = Path::new(name);
        let info = lint::file_info(path, &text, &opts);
        let report = lint::lint(&text, &info, &opts);
        for d in &report.diagnostics {
            in_bounds(d.span, text.len(), d.code);
            on_char_boundaries(Some(&text), d.span, d.code);
        }
        for s in &report.secrets {
            in_bounds(*s, text.len(), "secret");
        }
    }
    let name = if data.len().is_multiple_of(2) {
        "job.rsql"
    } else {
        "job.sh"
    };
    let unsafe_fixes = data.len() % 4 >= 2;
    let path = Path::new(name);
    let once = lint::fix(&text, path, &opts, unsafe_fixes);
    let twice = lint::fix(&once.text, path, &opts, unsafe_fixes);
    assert_eq!(
        once.text, twice.text,
        "{name} (unsafe fixes: {unsafe_fixes}): a second fix changed the text"
    );
    assert_eq!(twice.applied, 0, "{name}");
    let left: Vec<_> = once
        .report
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| lint::applies(f, unsafe_fixes))
        })
        .collect();
    assert!(left.is_empty(), "{name}: still fixable {left:#?}");
}
