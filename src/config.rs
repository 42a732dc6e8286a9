//! `rsqlmig.yaml`: project defaults for the commands, read from the working directory.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::convert::Target;

pub const FILE_NAME: &str = "rsqlmig.yaml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub convert: ConvertConfig,
    /// `lint:` (see `lint::config`).
    #[serde(default)]
    pub lint: crate::lint::config::LintConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConvertConfig {
    /// Files or directories to convert when no PATH is given.
    #[serde(default)]
    pub source: Vec<PathBuf>,
    /// Output directory when `--out` is not given.
    pub out: Option<PathBuf>,
    pub target: Option<Target>,
    /// File extensions taken from directories (files named on the command line are always taken).
    pub extensions: Option<Vec<String>>,
}

/// Reads `rsqlmig.yaml` from `dir` (the working directory, so relative paths in it need no
/// rewriting); a missing file gives the defaults.
pub fn load(dir: &Path) -> Result<Config> {
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let config: Config = serde_yaml::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        anyhow::anyhow!("{}{at}: {e}", path.display())
    })?;
    Ok(config)
}
