//! `rsqlmig lint`: RSQL scripts and framework job scripts in, findings (and fixes) out.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rayon::prelude::*;

use super::exit;
use super::inputs::{self, Input};
use crate::config;
use crate::diagnostic::Severity;
use crate::lint::config::{
    DEFAULT_EXTENSIONS, ErrorChecks, FrameworkMode, LintOptions, split_codes,
    starts_with_ignore_case,
};
use crate::lint::render::{self as out, LintFileReport, masked_text};
use crate::lint::{self, file_info};
use crate::text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
}

#[derive(clap::Args)]
pub struct LintArgs {
    /// Files or directories (walked recursively for .rsql .sql .sh .ksh .bash). Default:
    /// `lint.paths` in rsqlmig.yaml.
    paths: Vec<PathBuf>,
    /// Apply safe fixes in place (atomically), re-linting until nothing fixable is left.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, apply unsafe fixes too.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print what --fix would change, as a unified diff; write nothing.
    #[arg(long)]
    diff: bool,
    /// Report only these codes or code prefixes (comma-separated: RS0,RS030).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Never report these codes or code prefixes.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Hold shell scripts to the framework's job contract: auto (references
    /// get_redshift_creds.sh, or in a catalog's jobs/), always, never.
    #[arg(long, value_enum)]
    framework: Option<FrameworkMode>,
    /// Require a check after each data-changing statement: auto (framework jobs), always, never.
    #[arg(long, value_enum)]
    require_error_checks: Option<ErrorChecks>,
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
}

pub fn run(args: LintArgs) -> Result<i32> {
    let cwd = std::env::current_dir()?;
    let config = config::load(&cwd)?.lint;
    let paths = if args.paths.is_empty() {
        if config.paths.is_empty() {
            bail!("no PATH given and no lint.paths in {}", config::FILE_NAME);
        }
        config.paths.clone()
    } else {
        args.paths.clone()
    };
    let select = if args.select.is_empty() {
        split_codes(config.select.as_deref().unwrap_or_default())
    } else {
        split_codes(&args.select)
    };
    let ignore = if args.ignore.is_empty() {
        split_codes(&config.ignore)
    } else {
        split_codes(&args.ignore)
    };
    for code in select.iter().chain(&ignore) {
        if !known_code(code) {
            bail!("{code}: no rule code starts with it (see `rsqlmig rules`)");
        }
    }
    let opts = LintOptions {
        framework: args.framework.or(config.framework).unwrap_or_default(),
        require_error_checks: args
            .require_error_checks
            .or(config.require_error_checks)
            .unwrap_or_default(),
        select,
        ignore,
    };
    let extensions: Vec<String> = config
        .extensions
        .clone()
        .unwrap_or_else(|| DEFAULT_EXTENSIONS.iter().map(|e| e.to_string()).collect());
    let (files, walk_errors) = inputs::collect(&paths, &extensions)?;

    let progress =
        (super::stderr_is_terminal() && args.format == LintFormat::Text && files.len() > 1)
            .then(|| crate::render::progress_bar(files.len() as u64, "linting"));
    let mut reports: Vec<LintFileReport> = files
        .par_iter()
        .map(|input| {
            let report = lint_one(input, &opts, &args);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            report
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    reports.extend(
        walk_errors
            .into_iter()
            .map(|e| LintFileReport::io_error(e.path, "IO001", e.message)),
    );
    reports.sort_by(|a, b| a.input.cmp(&b.input));

    match args.format {
        LintFormat::Text => {
            let colour = if args.diff {
                super::stderr_is_terminal()
            } else {
                super::stdout_is_terminal()
            };
            let mut stdout = std::io::stdout().lock();
            if args.diff {
                let mut stderr = std::io::stderr().lock();
                out::write_text(&mut stderr, &mut stdout, &reports, colour, false);
            } else {
                let mut sink = std::io::sink();
                out::write_text(&mut stdout, &mut sink, &reports, colour, args.fix);
            }
            let _ = stdout.flush();
        }
        LintFormat::Json => crate::render::print_json(&out::json(&reports))?,
        LintFormat::Sarif => crate::render::print_json(&out::sarif(&reports, &cwd))?,
    }

    if reports.iter().any(|r| r.io_error) {
        return Ok(exit::USAGE);
    }
    let errors = reports.iter().any(|r| r.count(Severity::Error) > 0);
    let would_change = args.diff && reports.iter().any(|r| r.diff.is_some());
    Ok(if errors || would_change {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// Whether some rule's code (or a `TD…` rule's code) starts with `prefix`.
fn known_code(prefix: &str) -> bool {
    crate::rules::all()
        .iter()
        .any(|r| starts_with_ignore_case(r.code, prefix))
}

fn lint_one(input: &Input, opts: &LintOptions, args: &LintArgs) -> LintFileReport {
    let path = &input.path;
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return LintFileReport::io_error(path.clone(), "IO001", format!("cannot read: {e}"));
        }
    };
    let decoded = match text::decode(&bytes) {
        Ok(d) => d,
        Err(e) => {
            return LintFileReport::io_error(
                path.clone(),
                "IO002",
                format!("not a text script: {e}"),
            );
        }
    };
    let src = decoded.text;
    if !(args.fix || args.diff) {
        let info = file_info(path, &src, opts);
        let report = lint::lint(&src, &info, opts);
        return LintFileReport::new(
            path.clone(),
            &src,
            &report.diagnostics,
            &report.secrets,
            args.unsafe_fixes,
        );
    }
    let outcome = lint::fix(&src, path, opts, args.unsafe_fixes);
    let mut report = LintFileReport::new(
        path.clone(),
        &outcome.text,
        &outcome.report.diagnostics,
        &outcome.report.secrets,
        args.unsafe_fixes,
    );
    report.fixed = outcome.applied;
    if outcome.text == src {
        return report;
    }
    if args.diff {
        let name = path.display().to_string();
        report.diff = Some(crate::render::unified_diff(
            &masked_text(&src, &outcome.original_secrets),
            &masked_text(&outcome.text, &outcome.report.secrets),
            &name,
            &name,
        ));
        return report;
    }
    let written = text::encode(&outcome.text, decoded.encoding)
        .map_err(|e| format!("fixed text cannot keep the file's encoding: {e}"))
        .and_then(|b| write_in_place(path, &b).map_err(|e| format!("cannot write: {e}")));
    match written {
        Ok(()) => report,
        Err(message) => LintFileReport::io_error(path.clone(), "IO003", message),
    }
}

/// Replaces `path` atomically (a temporary file in the same directory, renamed into place),
/// keeping its permissions, so an executable job script stays executable; a symbolic link is
/// followed, not replaced.
fn write_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let options = crate::atomic::WriteOptions {
        replace: true,
        permissions: Some(std::fs::metadata(&target)?.permissions()),
        ..crate::atomic::WriteOptions::default()
    };
    crate::atomic::write_with(&target, &options, |file| file.write_all(bytes))
}
