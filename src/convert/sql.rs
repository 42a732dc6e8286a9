//! Converts one SQL request: runs the `TD…` rules on each statement until nothing changes, and
//! keeps a multi-statement request atomic.

use crate::convert::context::ParsedScript;
use crate::diagnostic::Severity;
use crate::diagnostic::{Diagnostic, apply_edits};
use crate::rules::bteq::if_block::{condition_of, reads_outcome};
use crate::rules::bteq::quit::is_fixed_exit;
use crate::rules::sql::{self as sql_rules, Findings};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Kind, Statement, split_statements};
use crate::syntax::lexer::{Mode, Token, tokenize};
use crate::syntax::script::InstructionKind;
use crate::syntax::span::Span;

pub const ATOMIC_REQUEST: Rule = Rule {
    code: "TD014",
    name: "multi-statement-request",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "A multi-statement request outside BT/ET is wrapped in `BEGIN; … COMMIT;` to stay atomic",
    doc: "BTEQ sends statements separated by a `;` that does not end the line (or continued by a \
line starting with `;`) as one request, which Teradata runs as one transaction. RSQL runs each \
statement on its own, so the request is wrapped in an explicit transaction, unless it already \
runs inside `BT; … ET;`. The `.IF` tests of `ERRORCODE`, `ERRORLEVEL` or `ACTIVITYCOUNT` right \
after the request must still read the request's outcome, not COMMIT's: when they leave with \
`.GOTO`, or `.QUIT`/`.EXIT` with a code fixed by then (`.QUIT 8`, `.QUIT ERRORCODE` under \
`ERRORCODE <> 0`), `COMMIT;` moves after them and also runs before each of their \
actions (after a failed statement the transaction is aborted and COMMIT rolls it back, as \
BTEQ rolls back a failed request); another action keeps `COMMIT;` in place with a warning on \
the test.\n\nBefore:\n```\nINSERT INTO t SELECT * FROM s WHERE d = 1\n;UPDATE c SET n = n + \
1;\n.IF ERRORCODE <> 0 THEN .QUIT 8\n```\nAfter:\n```\nBEGIN;\nINSERT INTO t SELECT * FROM s WHERE \
d = 1\n;UPDATE c SET n = n + 1;\n\\if :ERROR <> 0\n  COMMIT;\n  \\exit 8\n\\endif\nCOMMIT;\n```",
};

/// The one-line `.IF` tests right after a request wrapped in `BEGIN; … COMMIT;` that read its
/// outcome (`ERRORCODE`, `ERRORLEVEL`, `ACTIVITYCOUNT`): after `COMMIT;` they would read
/// COMMIT's.
#[derive(Debug, PartialEq, Eq)]
pub enum OutcomeTests {
    None,
    /// They all leave with `.GOTO`, or `.QUIT`/`.EXIT` with a fixed code (`.QUIT 8`, or
    /// `.QUIT ERRORCODE` under `ERRORCODE <> 0`): `COMMIT;` goes before each action
    /// and after the last test, whose action is instruction `last_action`. (In a transaction
    /// a failed statement aborts, COMMIT then rolls back: as BTEQ, which rolls the failed
    /// request back and keeps a successful one.)
    Movable {
        last_action: usize,
    },
    /// The test at instruction `at` does something else: `COMMIT;` stays, the test is reported.
    Fixed {
        at: usize,
    },
}

/// The outcome tests after the request at instruction `request`.
pub fn outcome_tests(parsed: &ParsedScript, request: usize) -> OutcomeTests {
    let instrs = &parsed.script.instructions;
    let mut found = OutcomeTests::None;
    let mut k = request + 1;
    while k < instrs.len() {
        match instrs[k].kind {
            InstructionKind::Trivia | InstructionKind::Comment => {
                k += 1;
                continue;
            }
            InstructionKind::DotCommand => {}
            _ => break,
        }
        let Some(test) = parsed.commands[k].as_ref().filter(|c| c.name == "IF") else {
            break;
        };
        if !reads_outcome(test.args) {
            break;
        }
        let action = instrs
            .get(k + 1)
            .filter(|a| a.then_action)
            .and_then(|_| parsed.commands[k + 1].as_ref());
        let leaves = action.is_some_and(|a| match &*a.name {
            "GOTO" => true,
            "QUIT" | "EXIT" => is_fixed_exit(a.args, condition_of(test).as_ref()),
            _ => false,
        });
        if !leaves {
            return OutcomeTests::Fixed { at: k };
        }
        found = OutcomeTests::Movable { last_action: k + 1 };
        k += 2;
    }
    found
}

/// How many times the rules run on their own output at most; each run applies the edits that
/// do not overlap an earlier edit of the same run, until a run finds nothing to change.
const MAX_PASSES: usize = 8;

pub struct RequestConversion {
    pub text: String,
    /// Diagnostics of the first pass, with spans relative to the request text.
    pub diagnostics: Vec<Diagnostic>,
    /// The request must be wrapped in `BEGIN;` … `COMMIT;` to stay atomic (the caller writes
    /// them on lines of their own, with any action-item markers after `BEGIN;`).
    pub atomic: bool,
}

impl RequestConversion {
    /// The converted text with its transaction lines, joined by `\n` (for tests and reports).
    pub fn wrapped_text(&self) -> String {
        if self.atomic {
            format!("BEGIN;\n{}\nCOMMIT;", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// Converts the text of one request. `lexed` is its tokens when the caller has them (the
/// script's parse), so the first pass need not tokenize it again. `in_transaction` says whether
/// a `BT`/`BEGIN` is open before it, and is updated for the next request.
pub fn convert_request(
    text: &str,
    mut lexed: Option<Vec<Token>>,
    in_transaction: &mut bool,
) -> RequestConversion {
    let mut current = text.to_string();
    let mut diagnostics = Vec::new();
    let mut shape = None;
    for pass in 0..MAX_PASSES {
        let tokens = match lexed.take() {
            Some(tokens) => {
                debug_assert_eq!(tokens, tokenize(current.as_bytes(), Mode::BteqSql));
                tokens
            }
            None => tokenize(current.as_bytes(), Mode::BteqSql),
        };
        let (mut findings, found_shape) = survey(&current, &tokens, true);
        if pass == 0 {
            diagnostics = std::mem::take(&mut findings.diagnostics);
        }
        if !findings.has_edits() {
            if pass > 0 {
                report_late_action_items(&mut diagnostics, findings.diagnostics);
            }
            shape = Some(found_shape);
            break;
        }
        // Run again on the result: an edit may have been skipped for overlapping another, and one
        // rule's output may be another rule's input (a CAST that names a Teradata type).
        current = apply_edits(&current, &mut findings.take_applicable()).0;
    }
    let shape = shape.unwrap_or_else(|| {
        let tokens = tokenize(current.as_bytes(), Mode::BteqSql);
        survey(&current, &tokens, false).1
    });
    let atomic = shape.needs_transaction(in_transaction);
    if atomic && !shape.terminated {
        current.push(';');
    }
    RequestConversion {
        text: current,
        diagnostics,
        atomic,
    }
}

/// Adds the action items that only the rewritten text shows (one rule's output meets another
/// rule's check), at the request's start: their spans point into text the input does not have.
/// The output then carries their markers, so converting it again adds none.
fn report_late_action_items(diagnostics: &mut Vec<Diagnostic>, late: Vec<Diagnostic>) {
    for mut d in late.into_iter().filter(Diagnostic::is_action_item) {
        if !diagnostics.iter().any(|known| known.code == d.code) {
            d.span = Span::default();
            diagnostics.push(d);
        }
    }
}

/// The statements of a request, as far as keeping it atomic goes.
#[derive(Default)]
struct RequestShape {
    statements: usize,
    /// A statement other than a query.
    writes: bool,
    /// Whether the last transaction statement opens (true) or ends (false) one.
    last_transaction: Option<bool>,
    /// The last statement ends with `;`.
    terminated: bool,
}

impl RequestShape {
    /// Whether the request must be wrapped in `BEGIN; … COMMIT;` to stay atomic: several
    /// statements that change data, outside a transaction, none of them a transaction statement
    /// (`ET; DELETE …` ends one itself). Updates `in_transaction` for the next request.
    fn needs_transaction(&self, in_transaction: &mut bool) -> bool {
        let own_transaction = self.last_transaction.is_some();
        if let Some(open) = self.last_transaction {
            *in_transaction = open;
        }
        // Reads need no transaction: only a request that changes data must stay all-or-nothing.
        self.statements >= 2 && self.writes && !own_transaction && !*in_transaction
    }
}

/// Runs the rules on each statement of a request when `check` is set, and describes the
/// request's statements.
fn survey(text: &str, tokens: &[Token], check: bool) -> (Findings, RequestShape) {
    let mut findings = Findings::default();
    let mut shape = RequestShape {
        terminated: true,
        ..RequestShape::default()
    };
    for (range, semi) in split_statements(tokens) {
        shape.terminated = semi.is_some();
        let stmt = Statement::new(text, &tokens[range]);
        if stmt.is_empty() {
            continue;
        }
        if check {
            sql_rules::check_statement(&stmt, &mut findings);
        }
        shape.statements += 1;
        shape.writes |= !matches!(stmt.kind, Kind::Select | Kind::With);
        if stmt.kind == Kind::Transaction {
            shape.last_transaction = Some(stmt.is_any(0, &["BT", "BEGIN"]));
        }
    }
    (findings, shape)
}

/// Codes already marked in the comment text just before a request, so a second conversion does
/// not add the same marker again.
pub fn marked_codes(preceding_comments: &str) -> Vec<&str> {
    preceding_comments
        .match_indices("rsqlmig: ")
        .filter_map(|(i, m)| preceding_comments[i + m.len()..].split_whitespace().next())
        .collect()
}

/// The marker lines for the action items among `diagnostics` not yet marked.
pub fn markers(diagnostics: &[Diagnostic], already: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for d in diagnostics.iter().filter(|d| d.is_action_item()) {
        if already.contains(&d.code) {
            continue;
        }
        let line = crate::convert::context::marker(d.code, &d.message);
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_items_only_the_rewritten_text_shows_are_reported_at_the_request_start() {
        let found = |code, severity, at| Diagnostic::new(code, severity, Span::new(at, at), "m");
        let mut diagnostics = vec![found("TD072", Severity::Warning, 5)];
        let late = vec![
            found("TD072", Severity::Warning, 9),
            found("TD080", Severity::Warning, 9),
            found("TD001", Severity::Info, 9),
        ];
        report_late_action_items(&mut diagnostics, late);
        let reported: Vec<_> = diagnostics.iter().map(|d| (d.code, d.span)).collect();
        assert_eq!(
            reported,
            vec![("TD072", Span::new(5, 5)), ("TD080", Span::new(0, 0))]
        );
    }

    #[test]
    fn multi_statement_requests_are_wrapped_once() {
        let mut open = false;
        let out = convert_request(
            "INSERT INTO t SELECT 1\n;UPDATE u SET a = 1;",
            None,
            &mut open,
        );
        assert!(out.atomic);
        assert_eq!(
            out.wrapped_text(),
            "BEGIN;\nINSERT INTO t SELECT 1\n;UPDATE u SET a = 1;\nCOMMIT;"
        );
        // Converting the output again: BEGIN; opens, the request is inside, COMMIT; closes.
        assert_eq!(convert_request("BEGIN;", None, &mut open).text, "BEGIN;");
        assert!(open);
        assert_eq!(
            convert_request(
                "INSERT INTO t SELECT 1\n;UPDATE u SET a = 1;",
                None,
                &mut open
            )
            .text,
            "INSERT INTO t SELECT 1\n;UPDATE u SET a = 1;"
        );
        convert_request("COMMIT;", None, &mut open);
        assert!(!open);
    }

    #[test]
    fn requests_with_their_own_transaction_statement_are_not_wrapped() {
        // Found by fuzzing: `ET;DELETE …` became `BEGIN; COMMIT;DELETE …; COMMIT;`, and one
        // more `BEGIN;` … `COMMIT;` each time the output was converted again.
        let mut open = true;
        let out = convert_request("ET;DELETE FROM t;", None, &mut open);
        assert!(!out.atomic);
        assert_eq!(out.text, "COMMIT;DELETE FROM t;");
        assert!(!open);
        let mut open = true;
        assert!(!convert_request("DELETE FROM t; ET;", None, &mut open).atomic);
        assert!(!open);
    }

    #[test]
    fn requests_inside_bt_et_are_not_wrapped() {
        let mut open = false;
        convert_request("BT;", None, &mut open);
        assert!(open);
        assert_eq!(
            convert_request("SELECT 1; SELECT 2;", None, &mut open).text,
            "SELECT 1; SELECT 2;"
        );
    }

    #[test]
    fn markers_skip_codes_already_marked() {
        let diags = vec![Diagnostic::new(
            "TD058",
            Severity::Warning,
            Span::empty(0),
            "check it",
        )];
        assert_eq!(
            markers(&diags, &[]),
            vec!["-- rsqlmig: TD058 check it".to_string()]
        );
        assert!(markers(&diags, &marked_codes("-- rsqlmig: TD058 check it\n")).is_empty());
    }
}
