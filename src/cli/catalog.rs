//! `rsqlmig catalog init`: a new workflow (and its job scripts) from a directory of converted
//! scripts, with the dependencies derived from what the scripts read and write.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use super::exit;
use crate::analysis::{Resolver, analyze_job};
use crate::catalog::{
    self, JOBS_DIR, JobSpec, SETTINGS_FILE, WORKFLOWS_DIR, WorkflowSpec, is_safe_name,
    is_valid_workflow_id,
};
use crate::graph::{self, EdgeKind};

#[derive(clap::Subcommand)]
pub enum CatalogCommand {
    /// Create a workflow from a directory of job scripts (`convert --target framework` output,
    /// or `.rsql` files): copies them into the catalog's jobs/ and lists them in file-name order
    /// with the dependencies derived from their SQL.
    Init(InitArgs),
}

#[derive(clap::Args)]
pub struct InitArgs {
    /// Directory holding the job scripts (walked recursively: .sh .ksh .bash .rsql .sql).
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    /// The new workflow's id (also its file name: workflows/NAME.yaml).
    #[arg(long, value_name = "NAME")]
    workflow: String,
    /// The catalog directory; created when missing.
    #[arg(long, value_name = "DIR", default_value = "catalog")]
    catalog: PathBuf,
}

const JOB_EXTENSIONS: &[&str] = &["sh", "ksh", "bash", "rsql", "sql"];

pub fn run(cmd: CatalogCommand) -> Result<i32> {
    match cmd {
        CatalogCommand::Init(args) => init(args),
    }
}

fn init(args: InitArgs) -> Result<i32> {
    if !is_valid_workflow_id(&args.workflow) {
        bail!(
            "workflow name {:?} must be 1 to 128 characters from A-Z a-z 0-9 . _ -",
            args.workflow
        );
    }
    let wf_path = args
        .catalog
        .join(WORKFLOWS_DIR)
        .join(format!("{}.yaml", args.workflow));
    if wf_path.exists() {
        bail!(
            "{} already exists: not overwritten (edit it, or choose another --workflow)",
            wf_path.display()
        );
    }
    let scripts = collect_scripts(&args.from)?;
    let settings_path = args.catalog.join(SETTINGS_FILE);
    let settings = catalog::load_settings(&args.catalog).map_err(|e| anyhow::anyhow!("{e}"))?;

    // Read every script and refuse before writing anything if one would replace another.
    let jobs_dir = args.catalog.join(JOBS_DIR);
    let mut contents = Vec::with_capacity(scripts.len());
    let mut conflicts = Vec::new();
    for (name, path) in &scripts {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let target = jobs_dir.join(name);
        let same = match std::fs::read(&target) {
            Ok(existing) if existing == bytes => true,
            Ok(_) => {
                conflicts.push(target.display().to_string());
                false
            }
            Err(_) => false,
        };
        contents.push((bytes, same));
    }
    if !conflicts.is_empty() {
        bail!(
            "a different job script of the same name is already in the catalog: {} (rename the new one, or remove the old one)",
            conflicts.join(", ")
        );
    }

    // Derive the dependencies in file-name order.
    let resolver = Resolver::new(&settings);
    let analyses: Vec<_> = scripts
        .par_iter()
        .zip(contents.par_iter())
        .map(|((_, path), (bytes, _))| analyze_job(path, bytes, &resolver))
        .collect();
    let refs: Vec<_> = analyses.iter().map(Some).collect();
    let mut depends: Vec<Vec<usize>> = vec![Vec::new(); scripts.len()];
    for e in graph::derived_edges(&refs) {
        if e.kind != EdgeKind::Declared && !depends[e.to].contains(&e.from) {
            depends[e.to].push(e.from);
        }
    }
    let spec = WorkflowSpec {
        workflow_id: args.workflow.clone(),
        description: Some(format!(
            "Created by rsqlmig catalog init from {} job script(s)",
            scripts.len()
        )),
        cluster: None,
        jobs: scripts
            .iter()
            .zip(&depends)
            .map(|((name, _), deps)| {
                let mut deps = deps.clone();
                deps.sort_unstable();
                JobSpec {
                    script: name.clone(),
                    depends_on: deps.iter().map(|&d| scripts[d].0.clone()).collect(),
                    enabled: true,
                }
            })
            .collect(),
        stages: None,
    };
    let edges: usize = spec.jobs.iter().map(|j| j.depends_on.len()).sum();

    // Write: the scripts, catalog.yaml when missing, the workflow file last.
    let mut copied = 0;
    for ((name, _), (bytes, same)) in scripts.iter().zip(&contents) {
        if !same {
            let target = jobs_dir.join(name);
            crate::atomic::write_output(&target, bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
            copied += 1;
        }
    }
    if copied > 0 {
        // The copies are on disk before the workflow that names them.
        crate::atomic::sync_file_system(&jobs_dir)
            .with_context(|| format!("cannot flush {} to disk", jobs_dir.display()))?;
    }
    if !settings_path.exists() {
        write_new(&settings_path, catalog::default_settings_yaml().as_bytes())?;
        println!("created {}", settings_path.display());
    }
    let header = "Created by `rsqlmig catalog init`. depends_on lists the dependencies derived from\n\
                  what the scripts read and write; `rsqlmig graph` shows the stages compiled from them.";
    write_new(&wf_path, catalog::workflow_yaml(&spec, header).as_bytes())?;
    println!(
        "copied {copied} job script(s) to {} ({} already there)",
        jobs_dir.display(),
        scripts.len() - copied
    );
    println!(
        "wrote {}: {} job(s), {edges} derived dependenc{}",
        wf_path.display(),
        scripts.len(),
        if edges == 1 { "y" } else { "ies" }
    );
    println!(
        "next: rsqlmig graph {} --workflow {}",
        args.catalog.display(),
        args.workflow
    );
    Ok(exit::OK)
}

/// The job scripts under `dir`, by file name (names must be unique and safe).
fn collect_scripts(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    let mut found: HashMap<String, PathBuf> = HashMap::new();
    let mut unsafe_names = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot walk {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let ext = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if name.starts_with('.') || !ext.is_some_and(|e| JOB_EXTENSIONS.contains(&e.as_str())) {
            continue;
        }
        if !is_safe_name(&name) {
            unsafe_names.push(entry.path().display().to_string());
            continue;
        }
        if let Some(first) = found.insert(name.clone(), entry.path().to_path_buf()) {
            bail!(
                "two job scripts are named {name}: {} and {} (the framework runs scripts by bare name)",
                first.display(),
                entry.path().display()
            );
        }
    }
    if !unsafe_names.is_empty() {
        bail!(
            "job script names must be bare file names of A-Z a-z 0-9 . _ - (the framework puts them unquoted in a shell command): {}",
            unsafe_names.join(", ")
        );
    }
    if found.is_empty() {
        bail!(
            "no job scripts ({}) under {}",
            JOB_EXTENSIONS
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" "),
            dir.display()
        );
    }
    let mut scripts: Vec<(String, PathBuf)> = found.into_iter().collect();
    scripts.sort();
    Ok(scripts)
}

/// Writes a new file atomically; fails if the file appeared meanwhile.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic::write_new(path, bytes)
        .with_context(|| format!("cannot write {} (not overwritten)", path.display()))
}
