//! The command line: argument parsing and the commands' top-level flow. Rule logic lives in
//! `rules`, conversion in `convert`, output formats in `render`.

mod catalog;
mod convert;
mod graph;
mod inputs;
mod lint;
mod publish;
mod rules;
mod run;

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
    /// Lint RSQL scripts and framework job scripts; --fix applies safe fixes.
    Lint(lint::LintArgs),
    /// Show the job dependency graph of a catalog and the stages compiled from it.
    Graph(graph::GraphArgs),
    /// Manage the job catalog (`catalog init`).
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// Upload job scripts to S3 and workflow configs to the framework's DynamoDB table.
    Publish(publish::PublishArgs),
    /// Create the bucket and the framework's three tables where missing.
    Bootstrap(publish::BootstrapArgs),
    /// List the conversion and lint rules, or show one rule's documentation.
    Rules(rules::RulesArgs),
    /// Run a published workflow on the framework, watch it, and record how it ended.
    Run(run::RunArgs),
    /// Show an execution of a workflow (or list its recent executions).
    Status(run::StatusArgs),
    /// Resume or pause a cluster through the cross-account state machines.
    Cluster(run::ClusterArgs),
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
        Command::Lint(args) => lint::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Catalog(cmd) => catalog::run(cmd),
        Command::Publish(args) => publish::run(args),
        Command::Bootstrap(args) => publish::run_bootstrap(args),
        Command::Rules(args) => rules::run(args),
        Command::Run(args) => run::run(args),
        Command::Status(args) => run::status(args),
        Command::Cluster(args) => run::cluster(args),
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
