//! `rsqlmig convert`: BTEQ files in, RSQL files out.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use super::inputs::{self, Input};
use super::{Format, exit};
use crate::config;
use crate::convert::{self, FileConversion, Status, Target};
use crate::diagnostic::Severity;
use crate::render::{self, FileReport, Finding};

#[derive(clap::Args)]
pub struct ConvertArgs {
    /// Files or directories (walked recursively). Default: `convert.source` in rsqlmig.yaml.
    paths: Vec<PathBuf>,
    /// Output directory; the input tree is mirrored below it. Default: `convert.out` in
    /// rsqlmig.yaml; with neither, a single file is printed to stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// `rsql`: `.rsql` scripts; `framework`: job scripts for the orchestration framework.
    #[arg(long, value_enum)]
    target: Option<Target>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print a unified diff of input → output for each file.
    #[arg(long)]
    diff: bool,
    /// Write nothing; exit 1 when an output on disk differs from what would be written.
    #[arg(long)]
    check: bool,
}

pub fn run(args: ConvertArgs) -> Result<i32> {
    let cwd = std::env::current_dir()?;
    let config = config::load(&cwd)?.convert;
    let paths = if args.paths.is_empty() {
        if config.source.is_empty() {
            bail!(
                "no PATH given and no convert.source in {}",
                config::FILE_NAME
            );
        }
        config.source.clone()
    } else {
        args.paths.clone()
    };
    let target = args.target.or(config.target).unwrap_or(Target::Rsql);
    let out_dir = args.out.clone().or(config.out.clone());
    let extensions: Vec<String> = config.extensions.clone().unwrap_or_else(|| {
        inputs::DEFAULT_EXTENSIONS
            .iter()
            .map(|e| e.to_string())
            .collect()
    });
    let (files, walk_errors) = inputs::collect(&paths, &extensions)?;
    if let Some(out) = &out_dir {
        inputs::check_output_dir(out, &paths)?;
    } else if args.check {
        bail!(
            "--check compares with files on disk: give --out (or convert.out in {})",
            config::FILE_NAME
        );
    } else if files.len() > 1 && !args.diff {
        bail!(
            "{} files to convert: give --out DIR (or convert.out in {})",
            files.len(),
            config::FILE_NAME
        );
    }
    let input_paths: HashSet<PathBuf> = files.iter().map(|f| inputs::absolute(&f.path)).collect();
    let planned = plan_outputs(&files, out_dir.as_deref(), target);

    let progress = (super::stderr_is_terminal() && args.format == Format::Text && files.len() > 1)
        .then(|| render::progress_bar(files.len() as u64, "converting"));
    let mut reports: Vec<FileReport> = files
        .par_iter()
        .zip(planned.par_iter())
        .map(|(input, planned)| {
            let report = convert_one(input, planned, &input_paths, target, &args);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            report
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(out) = &out_dir
        && !args.check
        && out.is_dir()
    {
        crate::atomic::sync_file_system(out)
            .with_context(|| format!("cannot flush the outputs in {} to disk", out.display()))?;
    }
    reports.extend(
        walk_errors
            .into_iter()
            .map(|e| FileReport::failed(e.path, "IO001", e.message)),
    );

    let to_stdout = out_dir.is_none() && !args.diff;
    if to_stdout
        && args.format == Format::Text
        && let Some(text) = reports.first().and_then(|r| r.stdout_text.as_deref())
    {
        print!("{text}");
    }
    render::print_convert_reports(&reports, args.format, to_stdout)?;
    let failed = reports
        .iter()
        .any(|r| matches!(r.status, Status::Failed | Status::Unsupported));
    let differs = args.check && reports.iter().any(|r| r.differs);
    Ok(if failed || differs {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// Where an input's output goes, and whether it is a shell script when that was decided to name
/// the output.
struct Planned {
    /// `None` without `--out`, or an error message on a name clash.
    output: Option<Result<PathBuf, String>>,
    is_shell: Option<bool>,
}

fn plan_outputs(files: &[Input], out_dir: Option<&Path>, target: Target) -> Vec<Planned> {
    let Some(out_dir) = out_dir else {
        return files
            .iter()
            .map(|_| Planned {
                output: None,
                is_shell: None,
            })
            .collect();
    };
    let mut seen: HashMap<PathBuf, PathBuf> = HashMap::new();
    // Sniffing reads every file that is not named like a shell script: on all cores.
    let shell: Vec<bool> = files
        .par_iter()
        .map(|input| convert::has_shell_extension(&input.path) || sniff_shell(&input.path))
        .collect();
    files
        .iter()
        .zip(shell)
        .map(|(input, is_shell)| {
            let path = out_dir.join(convert::output_name(&input.relative, is_shell, target));
            let output = Some(match seen.get(&path) {
                Some(first) => Err(format!(
                    "output {} would also be written for {}: rename one of them",
                    path.display(),
                    first.display()
                )),
                None => {
                    seen.insert(path.clone(), input.path.clone());
                    Ok(path)
                }
            });
            Planned {
                output,
                is_shell: Some(is_shell),
            }
        })
        .collect()
}

/// Reads a file to tell a shell script named `.sql` from plain BTEQ, as the conversion would.
fn sniff_shell(path: &Path) -> bool {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| crate::text::decode(&bytes).ok())
        .is_some_and(|decoded| convert::is_shell_script(path, &decoded.text))
}

fn convert_one(
    input: &Input,
    planned: &Planned,
    input_paths: &HashSet<PathBuf>,
    target: Target,
    args: &ConvertArgs,
) -> FileReport {
    let bytes = match std::fs::read(&input.path) {
        Ok(b) => b,
        Err(e) => {
            return FileReport::failed(input.path.clone(), "IO001", format!("cannot read: {e}"));
        }
    };
    let conversion = convert::convert_file_as(&input.path, &bytes, target, planned.is_shell);
    let mut report = FileReport {
        input: input.path.clone(),
        output: None,
        status: conversion.status,
        findings: Finding::place(&conversion.input, &conversion.diagnostics),
        diff: None,
        stdout_text: None,
        differs: false,
    };
    let Some(bytes) = conversion.output_bytes.as_ref() else {
        return report;
    };
    let Some(output) = planned.output.as_ref() else {
        // No output directory: the single converted file goes to stdout (or only its diff).
        if args.diff {
            report.diff = Some(diff_of(&conversion, &input.path, &input.path));
        } else {
            report.stdout_text = conversion.output.clone();
        }
        return report;
    };
    let out_path = match output {
        Ok(p) => p.clone(),
        Err(message) => return report.fail("IO003", message.clone()),
    };
    if args.diff {
        report.diff = Some(diff_of(&conversion, &input.path, &out_path));
    }
    report.output = Some(out_path.clone());
    if input_paths.contains(&inputs::absolute(&out_path)) {
        return report.fail(
            "IO003",
            format!(
                "output {} is an input file: not overwritten",
                out_path.display()
            ),
        );
    }
    if args.check {
        report.differs = std::fs::read(&out_path).map_or(true, |existing| &existing != bytes);
        return report;
    }
    if let Err(e) = crate::atomic::write_output(&out_path, bytes) {
        return report.fail("IO003", format!("cannot write {}: {e}", out_path.display()));
    }
    report
}

fn diff_of(conversion: &FileConversion, input: &Path, output: &Path) -> String {
    render::unified_diff(
        &conversion.redacted_input(),
        conversion.output.as_deref().unwrap_or(""),
        &input.display().to_string(),
        &output.display().to_string(),
    )
}

impl FileReport {
    fn failed(input: PathBuf, code: &'static str, message: String) -> Self {
        FileReport {
            input,
            output: None,
            status: Status::Failed,
            findings: vec![Finding {
                code,
                severity: Severity::Error,
                line: 1,
                column: 1,
                message,
            }],
            diff: None,
            stdout_text: None,
            differs: false,
        }
    }

    fn fail(mut self, code: &'static str, message: String) -> Self {
        self.status = Status::Failed;
        self.findings.push(Finding {
            code,
            severity: Severity::Error,
            line: 1,
            column: 1,
            message,
        });
        self
    }
}
