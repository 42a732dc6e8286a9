//! Lint rules for RSQL scripts and framework job scripts (codes `RS…`).
//!
//! A rule is a `pub const … : Rule` with its check, in the family module it belongs to. Script
//! checks read one RSQL text ([`ScriptUnit`]: a plain file or an `rsql` heredoc body, as RSQL
//! receives it); file checks read the whole file with its shell text ([`FileUnit`]). Both report
//! into a [`Sink`], with an optional `Fix` (safe or unsafe) made of edits. The engine
//! (`crate::lint`) maps findings to the file, applies suppressions and runs the fixes.
//!
//! | codes | family |
//! |---|---|
//! | RS001–RS005 | control flow (`\goto`, `\if` blocks, unreachable code, labels) |
//! | RS010–RS012 | error handling (`:ERROR` / `:ERRORCODE` checks, exits) |
//! | RS020–RS022 | leftovers from BTEQ and Teradata |
//! | RS030 | security (passwords) |
//! | RS040–RS043 | shell heredoc hazards |
//! | RS050–RS052 | the orchestration framework's job-script contract |

pub mod control_flow;
pub mod error_handling;
pub mod framework;
pub mod heredoc;
pub mod leftovers;
pub mod security;

use crate::lint::unit::{FileUnit, ScriptUnit, Sink};
use crate::rules::Rule;

pub const RULES: &[&Rule] = &[
    &control_flow::GOTO_TARGET,
    &control_flow::UNBALANCED_IF,
    &control_flow::ELSE_AFTER_ELSE,
    &control_flow::UNREACHABLE,
    &control_flow::UNUSED_LABEL,
    &error_handling::UNCHECKED_STATEMENT,
    &error_handling::ERRORCODE_NUMBER,
    &error_handling::ERROR_BRANCH_WITHOUT_EXIT,
    &leftovers::BTEQ_COMMAND,
    &leftovers::TERADATA_SQL,
    &leftovers::HOST_VARIABLE,
    &security::LITERAL_PASSWORD,
    &heredoc::SHELL_DOLLAR,
    &heredoc::BACKTICK,
    &heredoc::DOUBLE_BACKSLASH,
    &heredoc::UNTERMINATED_HEREDOC,
    &framework::CREDENTIALS,
    &framework::EXIT_CODE,
    &framework::SCRIPT_NAME,
    &framework::POSITIONAL_ARGUMENTS,
];

/// Runs every script rule on one RSQL text.
pub fn check_script(unit: &ScriptUnit, out: &mut Sink) {
    control_flow::check(unit, out);
    error_handling::check(unit, out);
    leftovers::check_script(unit, out);
    security::check_script(unit, out);
}

/// Runs every file rule on the whole file.
pub fn check_file(unit: &FileUnit, out: &mut Sink) {
    leftovers::check_file(unit, out);
    security::check_file(unit, out);
    heredoc::check(unit, out);
    framework::check(unit, out);
}

/// Test helpers: lint a text as a file of the given name and look at the outcome.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;

    use crate::diagnostic::{Applicability, Diagnostic};
    use crate::lint::config::LintOptions;
    use crate::lint::{self, FixOutcome};

    pub fn lint_as(name: &str, text: &str) -> Vec<Diagnostic> {
        lint_with(name, text, &LintOptions::default())
    }

    pub fn lint_with(name: &str, text: &str, opts: &LintOptions) -> Vec<Diagnostic> {
        let info = lint::file_info(Path::new(name), text, opts);
        lint::lint(text, &info, opts).diagnostics
    }

    /// The codes of the findings of `code`'s family (prefix), in order.
    pub fn codes(name: &str, text: &str, prefix: &str) -> Vec<&'static str> {
        lint_as(name, text)
            .iter()
            .map(|d| d.code)
            .filter(|c| c.starts_with(prefix))
            .collect()
    }

    /// Only the findings of `code`.
    pub fn only(name: &str, text: &str, code: &str) -> Vec<Diagnostic> {
        lint_as(name, text)
            .into_iter()
            .filter(|d| d.code == code)
            .collect()
    }

    pub fn fixed(name: &str, text: &str, unsafe_fixes: bool) -> FixOutcome {
        lint::fix(text, Path::new(name), &LintOptions::default(), unsafe_fixes)
    }

    pub fn applicability(d: &Diagnostic) -> Option<Applicability> {
        d.fix.as_ref().map(|f| f.applicability)
    }
}
