//! `rsqlmig publish` and `rsqlmig bootstrap`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{Format, exit};
use crate::aws::{AwsArgs, Clients, block_on};
use crate::catalog::Catalog;
use crate::graph;
use crate::publish::bootstrap::{bootstrap, framework_tables};
use crate::publish::item::{Job, Stage, Workflow};
use crate::publish::{self, PAUSE_ENV, Report, Request};

#[derive(clap::Args)]
pub struct PublishArgs {
    /// The catalog directory.
    #[arg(default_value = "catalog")]
    catalog: PathBuf,
    /// Publish only these workflows (repeatable); default: all.
    #[arg(long = "workflow", value_name = "ID")]
    workflows: Vec<String>,
    /// Read the current state and print the plan; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also delete items and scripts this catalog published before and no longer has (the
    /// whole catalog only: with --workflow, every other workflow would look removed).
    #[arg(long, conflicts_with = "workflows")]
    prune: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    aws: AwsArgs,
}

#[derive(clap::Args)]
pub struct BootstrapArgs {
    /// The catalog directory (for the bucket and table names).
    #[arg(default_value = "catalog")]
    catalog: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    aws: AwsArgs,
}

/// Loads the catalog and checks everything publish depends on; prints the reasons and returns
/// `None` when something is wrong, before any AWS call.
fn validated(dir: &Path, only: &[String]) -> Result<Option<(Catalog, Vec<graph::WorkflowGraph>)>> {
    let catalog = match Catalog::load(dir, only) {
        Ok(c) => c,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            anyhow::bail!(
                "the catalog in {} does not load: nothing published",
                dir.display()
            );
        }
    };
    let graphs = graph::build_catalog(&catalog);
    let mut ok = true;
    for g in &graphs {
        for d in g
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        {
            eprintln!("{}", graph::render::diagnostic_line(d, false));
            ok = false;
        }
    }
    let lint_errors = lint_errors(&catalog);
    for line in &lint_errors {
        eprintln!("{line}");
    }
    ok &= lint_errors.is_empty();
    Ok(ok.then_some((catalog, graphs)))
}

/// Every error-level lint finding in the catalog's job scripts, as `file:line:col` lines.
fn lint_errors(catalog: &Catalog) -> Vec<String> {
    let options = crate::lint::config::LintOptions::default();
    let mut paths: Vec<PathBuf> = catalog
        .workflows
        .iter()
        .flat_map(|wf| wf.spec.jobs.iter().map(|j| wf.script_path(&j.script)))
        .collect();
    paths.sort();
    paths.dedup();
    let mut lines = Vec::new();
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else {
            continue; // a missing script is the graph's error already
        };
        let Ok(decoded) = crate::text::decode(&bytes) else {
            lines.push(format!(
                "{}:1:1: error IO002: not a text script",
                path.display()
            ));
            continue;
        };
        lines.extend(publish::unrunnable_by_sh(&path, &decoded));
        let info = crate::lint::file_info(&path, &decoded.text, &options);
        let report = crate::lint::lint(&decoded.text, &info, &options);
        let errors: Vec<_> = report
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .collect();
        for f in crate::render::Finding::place(&decoded.text, &errors) {
            lines.push(format!(
                "{}:{}:{}: error {}: {}",
                path.display(),
                f.line,
                f.column,
                f.code,
                f.message
            ));
        }
    }
    lines
}

pub fn run(args: PublishArgs) -> Result<i32> {
    let Some((catalog, graphs)) = validated(&args.catalog, &args.workflows)? else {
        eprintln!("error: validation failed: nothing published");
        return Ok(exit::FINDINGS);
    };
    let mut scripts = BTreeMap::new();
    let mut workflows = Vec::new();
    for (wf, g) in catalog.workflows.iter().zip(&graphs) {
        for job in &wf.spec.jobs {
            let path = wf.script_path(&job.script);
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            scripts.insert(job.script.clone(), bytes);
        }
        workflows.push(Workflow {
            workflow_id: wf.spec.workflow_id.clone(),
            description: wf.spec.description.clone(),
            stages: g
                .stages
                .iter()
                .map(|s| Stage {
                    execution_flag: s.execution_flag.as_str().to_string(),
                    execution_type: s.execution_type.as_str().to_string(),
                    scripts: s.scripts.clone(),
                })
                .collect(),
            jobs: wf
                .spec
                .jobs
                .iter()
                .map(|j| Job {
                    script: j.script.clone(),
                    depends_on: j.depends_on.clone(),
                    enabled: j.enabled,
                })
                .collect(),
        });
    }
    let aws = &catalog.settings.aws;
    let request = Request {
        bucket: aws.bucket.clone(),
        key_prefix: aws.key_prefix.clone(),
        config_table: aws.config_table.clone(),
        catalog: catalog
            .settings
            .name
            .clone()
            .unwrap_or_else(|| catalog_identity(&args.catalog)),
        workflows,
        scripts,
        dry_run: args.dry_run,
        prune: args.prune,
        pause_before_write: std::env::var(PAUSE_ENV)
            .ok()
            .and_then(|v| v.parse().ok())
            .map(std::time::Duration::from_millis),
    };
    let region = aws.region.clone();
    let report = block_on(async {
        let clients = Clients::new(&args.aws, region.as_deref()).await?;
        publish::publish(&clients, &request).await
    })??;
    print_report(&report, &request, args.format)?;
    if !report.conflicts.is_empty() {
        eprintln!(
            "error: conflict: {} changed since this publish read it (another publish?); it was not written: run publish again",
            report.conflicts.join(", ")
        );
        return Ok(exit::FINDINGS);
    }
    Ok(exit::OK)
}

/// What identifies this catalog's items and manifests for `--prune` when catalog.yaml names
/// none: the catalog directory's name (`catalog`), unless it cannot be read.
fn catalog_identity(dir: &Path) -> String {
    let abs = crate::cli::inputs::absolute(dir);
    abs.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "catalog".to_string())
}

fn print_report(report: &Report, req: &Request, format: Format) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(report)?)?,
        Format::Text => {
            let verb = if report.dry_run { "would" } else { "did" };
            writeln!(
                out,
                "{} s3://{}/{}",
                if report.dry_run {
                    "plan for"
                } else {
                    "published to"
                },
                req.bucket,
                req.key_prefix
            )?;
            for (what, names) in [
                ("upload", &report.objects.uploaded),
                ("keep", &report.objects.unchanged),
                ("delete", &report.objects.deleted),
            ] {
                if !names.is_empty() {
                    writeln!(out, "  objects {verb} {what}: {}", names.join(", "))?;
                }
            }
            writeln!(out, "table {}", req.config_table)?;
            for (what, names) in [
                ("create", &report.items.created),
                ("update", &report.items.updated),
                ("keep", &report.items.unchanged),
                ("delete", &report.items.deleted),
            ] {
                if !names.is_empty() {
                    writeln!(out, "  items {verb} {what}: {}", names.join(", "))?;
                }
            }
            for w in report.workflows.iter().filter(|w| w.diff.is_some()) {
                writeln!(out, "{} ({}):", w.workflow_id, w.status)?;
                write!(out, "{}", w.diff.as_deref().unwrap_or(""))?;
            }
            let calls: Vec<String> = report
                .api_calls
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            writeln!(out, "AWS calls: {}", calls.join(", "))?;
        }
    }
    Ok(())
}

pub fn run_bootstrap(args: BootstrapArgs) -> Result<i32> {
    let settings = match crate::catalog::load_settings(&args.catalog) {
        Ok(s) => s,
        Err(e) => anyhow::bail!("{e}"),
    };
    let aws = &settings.aws;
    let tables = framework_tables(
        &aws.config_table,
        &aws.workflow_audit_table,
        &aws.job_audit_table,
    );
    let report = block_on(async {
        let clients = Clients::new(&args.aws, aws.region.as_deref()).await?;
        bootstrap(&clients, &aws.bucket, &tables).await
    })??;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => {
            for c in &report.created {
                println!("created {c}");
            }
            for f in &report.found {
                println!("found {f}");
            }
        }
    }
    Ok(exit::OK)
}
