//! The command line: argument parsing and the commands' top-level flow. Rule logic lives in
//! `rules`, conversion in `convert`, output formats in `render`.

mod convert;
mod inputs;
mod rules;

use std::io::IsTerminal;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes shared by the commands.
pub mod exit {
    pub const OK: i32 = 0;
    /// Something in the inputs needs the user's attention (failed file, finding, difference).
    pub const FINDINGS: i32 = 1;
    /// Bad usage or configuration.
    pub const USAGE: i32 = 2;
}

#[derive(Parser)]
#[command(
    name = "rsqlmig",
    version,
    about = "Migrate Teradata BTEQ jobs to Amazon Redshift RSQL and the Generic RSQL Orchestration Framework"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert BTEQ scripts (plain or shell-wrapped) to RSQL.
    Convert(convert::ConvertArgs),
    /// List the conversion and lint rules, or show one rule's documentation.
    Rules(rules::RulesArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Convert(args) => convert::run(args),
        Command::Rules(args) => rules::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            exit::USAGE
        }
    }
}

/// Colour and progress bars only for a person at a terminal.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}
