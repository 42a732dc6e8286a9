//! `rsqlmig graph [CATALOG_DIR]`: the dependency graph of each workflow and its stages.

use std::path::PathBuf;

use anyhow::Result;

use super::exit;
use crate::catalog::Catalog;
use crate::graph::{self, render};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Text,
    Dot,
    Mermaid,
    Json,
}

#[derive(clap::Args)]
pub struct GraphArgs {
    /// The catalog directory (catalog.yaml, workflows/, jobs/).
    #[arg(default_value = "catalog")]
    dir: PathBuf,
    /// Only this workflow (repeatable); by default every workflow in the catalog.
    #[arg(long = "workflow", value_name = "ID")]
    workflows: Vec<String>,
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    format: GraphFormat,
    /// Exit 1 when any workflow has an error (a cycle, a missing script, an unsafe name, …).
    #[arg(long)]
    check: bool,
}

pub fn run(args: GraphArgs) -> Result<i32> {
    let catalog = match Catalog::load(&args.dir, &args.workflows) {
        Ok(c) => c,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            eprintln!(
                "{}: the catalog cannot be loaded ({} error(s))",
                args.dir.display(),
                errors.len()
            );
            return Ok(exit::USAGE);
        }
    };
    let graphs = graph::build_catalog(&catalog);
    match args.format {
        GraphFormat::Text => print!("{}", render::text(&graphs, super::stdout_is_terminal())),
        GraphFormat::Dot => print!("{}", render::dot(&graphs)),
        GraphFormat::Mermaid => print!("{}", render::mermaid(&graphs)),
        GraphFormat::Json => crate::render::print_json(&render::json(&graphs))?,
    }
    if matches!(args.format, GraphFormat::Dot | GraphFormat::Mermaid) {
        // The drawing goes to stdout; problems still need to be seen.
        for d in graphs.iter().flat_map(|g| &g.diagnostics) {
            if d.severity >= crate::diagnostic::Severity::Warning {
                eprintln!(
                    "{}",
                    render::diagnostic_line(d, super::stderr_is_terminal())
                );
            }
        }
    }
    let failed = args.check && graphs.iter().any(|g| g.has_errors());
    Ok(if failed { exit::FINDINGS } else { exit::OK })
}
