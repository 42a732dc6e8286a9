//! The `lint:` section of `rsqlmig.yaml` and the options a lint run uses.

use std::path::PathBuf;

use serde::Deserialize;

/// Whether shell scripts are held to the orchestration framework's job-script contract.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FrameworkMode {
    /// A shell script is a framework job when it references `get_redshift_creds.sh` or lives in
    /// a catalog's `jobs/` directory (a `catalog.yaml` one level up).
    #[default]
    Auto,
    /// Every shell script (and every plain script, for the error-check rule) is a framework job.
    Always,
    /// No file is a framework job.
    Never,
}

/// Whether a data-changing statement must be followed by a test of its outcome (RS010).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ErrorChecks {
    /// Required in framework jobs, not in other scripts.
    #[default]
    Auto,
    Always,
    Never,
}

/// `lint:` in `rsqlmig.yaml`. Command-line flags win.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Files or directories to lint when no PATH is given.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// Rule codes or code prefixes to report (default: all).
    pub select: Option<Vec<String>>,
    /// Rule codes or code prefixes never to report.
    #[serde(default)]
    pub ignore: Vec<String>,
    pub framework: Option<FrameworkMode>,
    pub require_error_checks: Option<ErrorChecks>,
    /// File extensions taken from directories (files named on the command line are always
    /// taken). Default: `rsql sql sh ksh bash`.
    pub extensions: Option<Vec<String>>,
}

/// Extensions taken from directories by default.
pub const DEFAULT_EXTENSIONS: &[&str] = &["rsql", "sql", "sh", "ksh", "bash"];

/// What a lint run checks and reports.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub framework: FrameworkMode,
    pub require_error_checks: ErrorChecks,
    /// Codes or prefixes to report; empty means all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl LintOptions {
    /// Whether findings of `code` (or of the convert rule `origin` it reports) are reported.
    pub fn reports(&self, code: &str, origin: Option<&str>) -> bool {
        let matches = |pattern: &String| {
            let p = pattern.trim();
            !p.is_empty()
                && (starts_with_ignore_case(code, p)
                    || origin.is_some_and(|o| starts_with_ignore_case(o, p)))
        };
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }
}

/// `a` starts with `prefix`, ignoring ASCII case.
pub fn starts_with_ignore_case(a: &str, prefix: &str) -> bool {
    a.len() >= prefix.len() && a.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Splits `RS0,RS1` and repeated flags into single codes.
pub fn split_codes(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_and_ignore_take_prefixes() {
        let opts = LintOptions {
            select: vec!["RS0".into()],
            ignore: vec!["rs005".into()],
            ..LintOptions::default()
        };
        assert!(opts.reports("RS001", None));
        assert!(!opts.reports("RS005", None));
        assert!(!opts.reports("RS101", None));
        let opts = LintOptions {
            ignore: vec!["TD001".into()],
            ..LintOptions::default()
        };
        assert!(!opts.reports("RS021", Some("TD001")));
        assert!(opts.reports("RS021", Some("TD002")));
    }

    #[test]
    fn config_section_parses() {
        let c: LintConfig = serde_yaml::from_str(
            "paths: [out/rsql]\nselect: [RS0]\nframework: always\nrequire_error_checks: never\n",
        )
        .unwrap();
        assert_eq!(c.framework, Some(FrameworkMode::Always));
        assert_eq!(c.require_error_checks, Some(ErrorChecks::Never));
        assert!(serde_yaml::from_str::<LintConfig>("frameworks: auto\n").is_err());
    }
}
