//! The job catalog: `catalog/catalog.yaml` (settings shared by every workflow),
//! `catalog/workflows/<workflow_id>.yaml` (one workflow each) and the job scripts in
//! `catalog/jobs/`.
//!
//! Loading has two kinds of outcome. A file that cannot be read or is not the expected YAML shape
//! (a syntax error, an unknown key, a wrong type) makes the catalog unusable: [`Catalog::load`]
//! returns every such [`LoadError`], each naming its file, line and column. Problems in what the
//! files say (a missing job script, a name the framework cannot run, a duplicate, a dependency
//! on an unknown job) are diagnostics with `GR…` codes attached to the workflow, placed at the
//! offending value in the YAML text, so `rsqlmig graph` reports them all beside the graph.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;
use crate::rules::graph as rules;

pub const SETTINGS_FILE: &str = "catalog.yaml";
pub const WORKFLOWS_DIR: &str = "workflows";
pub const JOBS_DIR: &str = "jobs";

/// `catalog/catalog.yaml`. Every key is optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// What names this catalog's items and manifests for `publish --prune`; the directory's name
    /// when unset. Catalogs that publish to one table need different names.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub aws: Aws,
    /// Placeholder values: `TGT_DB: dw` resolves `${TGT_DB}.t`, `$TGT_DB.t`, `%%TGT_DB%%.t`, …
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// A view database (schema) mapped to the table database it exposes.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Tables left out of the graph (shared audit and control tables): `schema.table`, or a bare
    /// `table` for that table name in any schema.
    #[serde(default)]
    pub ignore_tables: Vec<String>,
}

/// AWS names, with the orchestration framework's defaults (reference `framework.md` §1.2, §1.3).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Aws {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default = "default_bucket")]
    pub bucket: String,
    #[serde(default = "default_key_prefix")]
    pub key_prefix: String,
    #[serde(default = "default_config_table")]
    pub config_table: String,
    #[serde(default = "default_workflow_audit_table")]
    pub workflow_audit_table: String,
    #[serde(default = "default_job_audit_table")]
    pub job_audit_table: String,
    #[serde(default = "default_master_state_machine")]
    pub master_state_machine: String,
    #[serde(default = "default_resume_state_machine")]
    pub resume_state_machine: String,
    #[serde(default = "default_pause_state_machine")]
    pub pause_state_machine: String,
}

fn default_bucket() -> String {
    "rsql-framework-scripts".into()
}
fn default_key_prefix() -> String {
    "rsql_scripts/".into()
}
fn default_config_table() -> String {
    "rsql-blog-rsql-config-table".into()
}
fn default_workflow_audit_table() -> String {
    "rsql-blog-rsql-workflow-audit-table".into()
}
fn default_job_audit_table() -> String {
    "rsql-blog-rsql-job-audit-table".into()
}
fn default_master_state_machine() -> String {
    "rsql-master-state-machine".into()
}
fn default_resume_state_machine() -> String {
    "ResumeClusterStateMachine".into()
}
fn default_pause_state_machine() -> String {
    "PauseClusterStateMachine".into()
}

impl Default for Aws {
    fn default() -> Self {
        Aws {
            region: None,
            bucket: default_bucket(),
            key_prefix: default_key_prefix(),
            config_table: default_config_table(),
            workflow_audit_table: default_workflow_audit_table(),
            job_audit_table: default_job_audit_table(),
            master_state_machine: default_master_state_machine(),
            resume_state_machine: default_resume_state_machine(),
            pause_state_machine: default_pause_state_machine(),
        }
    }
}

/// `catalog/workflows/<workflow_id>.yaml`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WorkflowSpec {
    pub workflow_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    pub jobs: Vec<JobSpec>,
    /// Explicit stages: override compilation, still checked against the graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<Vec<StageSpec>>,
}

/// The cluster the resume/pause wrapper starts before the workflow and stops after it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    pub id: String,
    pub target_account_role: String,
    #[serde(default = "yes")]
    pub pause_after: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// A bare file name under `catalog/jobs/`.
    pub script: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl JobSpec {
    pub fn new(script: impl Into<String>) -> Self {
        JobSpec {
            script: script.into(),
            depends_on: Vec::new(),
            enabled: true,
        }
    }
}

/// How the framework runs a stage's scripts (compared case-sensitively by its state machine).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ExecutionType {
    Parallel,
    Sequential,
}

impl ExecutionType {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionType::Parallel => "parallel",
            ExecutionType::Sequential => "sequential",
        }
    }
}

/// Whether the framework runs a stage (`"y"`) or skips it (anything else; rsqlmig writes `"n"`).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash, Default)]
pub enum ExecutionFlag {
    #[default]
    #[serde(rename = "y", alias = "Y")]
    Yes,
    #[serde(rename = "n", alias = "N")]
    No,
}

impl ExecutionFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionFlag::Yes => "y",
            ExecutionFlag::No => "n",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    pub execution_type: ExecutionType,
    pub scripts: Vec<String>,
    #[serde(default)]
    pub execution_flag: ExecutionFlag,
}

/// A 1-based line and column in a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// A diagnostic placed in a file: what `rsqlmig graph` prints and serialises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileDiagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub file: PathBuf,
}

impl FileDiagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        file: &Path,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        FileDiagnostic {
            code,
            severity,
            line: pos.line,
            column: pos.column,
            message: message.into(),
            file: file.to_path_buf(),
        }
    }
}

impl fmt::Display for FileDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} {}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.severity.as_str(),
            self.code,
            self.message
        )
    }
}

/// Why a catalog file could not be loaded at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub file: PathBuf,
    /// 1-based; `None` when the problem is the file as a whole.
    pub pos: Option<Pos>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                p.line,
                p.column,
                self.message
            ),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Where the values of a workflow file are, for diagnostics.
#[derive(Clone, Debug, Default)]
pub struct WorkflowPositions {
    pub workflow_id: Option<Pos>,
    /// Per job: its `script` value.
    pub jobs: Vec<Pos>,
    /// Per job, per `depends_on` entry.
    pub depends_on: Vec<Vec<Pos>>,
    /// Per explicit stage: its start, and each script entry.
    pub stages: Vec<Pos>,
    pub stage_scripts: Vec<Vec<Pos>>,
}

/// One loaded workflow file.
#[derive(Clone, Debug)]
pub struct Workflow {
    pub path: PathBuf,
    pub spec: WorkflowSpec,
    pub positions: WorkflowPositions,
    /// Where the job scripts are (`catalog/jobs`).
    pub jobs_dir: PathBuf,
    /// Problems in what the file says (`GR…` codes), placed in the file.
    pub diagnostics: Vec<FileDiagnostic>,
}

impl Workflow {
    /// A workflow built in code (tests, benchmarks, `catalog init`): positions default to 1:1.
    pub fn from_spec(spec: WorkflowSpec, path: PathBuf, jobs_dir: PathBuf) -> Workflow {
        let positions = WorkflowPositions {
            workflow_id: None,
            jobs: vec![Pos::START; spec.jobs.len()],
            depends_on: spec
                .jobs
                .iter()
                .map(|j| vec![Pos::START; j.depends_on.len()])
                .collect(),
            stages: vec![Pos::START; spec.stages.as_ref().map_or(0, Vec::len)],
            stage_scripts: spec
                .stages
                .iter()
                .flatten()
                .map(|s| vec![Pos::START; s.scripts.len()])
                .collect(),
        };
        Workflow {
            path,
            spec,
            positions,
            jobs_dir,
            diagnostics: Vec::new(),
        }
    }

    /// Parses a workflow file's text. `file_stem` is the id the file name gives.
    pub fn parse(
        text: &str,
        path: &Path,
        file_stem: &str,
        jobs_dir: &Path,
    ) -> Result<Workflow, LoadError> {
        let spec: WorkflowSpec = serde_yaml::from_str(text).map_err(|e| yaml_error(path, &e))?;
        let positions = locate_workflow(text, &spec);
        let mut wf = Workflow {
            path: path.to_path_buf(),
            spec,
            positions,
            jobs_dir: jobs_dir.to_path_buf(),
            diagnostics: Vec::new(),
        };
        wf.check(file_stem);
        Ok(wf)
    }

    pub fn id(&self) -> &str {
        &self.spec.workflow_id
    }

    pub fn script_path(&self, script: &str) -> PathBuf {
        self.jobs_dir.join(script)
    }

    fn report(&mut self, code: &'static str, severity: Severity, pos: Pos, message: String) {
        self.diagnostics.push(FileDiagnostic::new(
            code, severity, &self.path, pos, message,
        ));
    }

    /// The checks on what the file says; each problem becomes a diagnostic.
    fn check(&mut self, file_stem: &str) {
        let id = self.spec.workflow_id.clone();
        let id_pos = self.positions.workflow_id.unwrap_or(Pos::START);
        if !is_valid_workflow_id(&id) {
            self.report(
                rules::BAD_WORKFLOW_ID.code,
                Severity::Error,
                id_pos,
                format!(
                    "workflow id {id:?} must be 1 to 128 characters from A-Z a-z 0-9 . _ - \
                     (it becomes a DynamoDB key and part of Step Functions input)"
                ),
            );
        } else if id != file_stem {
            self.report(
                rules::BAD_WORKFLOW_ID.code,
                Severity::Error,
                id_pos,
                format!("workflow id {id:?} differs from its file name {file_stem:?}.yaml"),
            );
        }
        let jobs = self.spec.jobs.clone();
        if jobs.is_empty() {
            self.report(
                rules::NO_ENABLED_JOB.code,
                Severity::Error,
                id_pos,
                "the workflow lists no jobs: the framework fails on a workflow without an enabled stage"
                    .into(),
            );
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, job) in jobs.iter().enumerate() {
            let pos = self.positions.jobs[i];
            if !is_safe_name(&job.script) {
                self.report(
                    rules::UNSAFE_NAME.code,
                    Severity::Error,
                    pos,
                    format!(
                        "script name {:?} is not a bare file name of A-Z a-z 0-9 . _ - \
                         (the framework puts it unquoted into a shell command)",
                        job.script
                    ),
                );
            } else if !self.jobs_dir.join(&job.script).is_file() {
                let shown = self.jobs_dir.join(&job.script);
                self.report(
                    rules::MISSING_SCRIPT.code,
                    Severity::Error,
                    pos,
                    format!("job script {} does not exist", shown.display()),
                );
            }
            if let Some(&first) = seen.get(job.script.as_str()) {
                let first_line = self.positions.jobs[first].line;
                self.report(
                    rules::DUPLICATE_SCRIPT.code,
                    Severity::Error,
                    pos,
                    format!(
                        "script {} is listed twice (first on line {first_line}): the framework's \
                         job audit key (job_name, execution id) would collide",
                        job.script
                    ),
                );
            } else {
                seen.insert(&job.script, i);
            }
        }
        for (i, job) in jobs.iter().enumerate() {
            for (k, dep) in job.depends_on.iter().enumerate() {
                let pos = self.positions.depends_on[i][k];
                if *dep == job.script {
                    self.report(
                        rules::CYCLE.code,
                        Severity::Error,
                        pos,
                        format!("{} depends on itself", job.script),
                    );
                } else if !seen.contains_key(dep.as_str()) {
                    self.report(
                        rules::UNKNOWN_DEPENDENCY.code,
                        Severity::Error,
                        pos,
                        format!(
                            "{} depends on {dep}, which is not a job of this workflow",
                            job.script
                        ),
                    );
                }
            }
        }
        let stages = self.spec.stages.clone().unwrap_or_default();
        for (i, stage) in stages.iter().enumerate() {
            if stage.scripts.is_empty() {
                let pos = self.positions.stages[i];
                self.report(
                    rules::STAGE_VIOLATION.code,
                    Severity::Error,
                    pos,
                    format!(
                        "stage {} has no scripts (the framework fails on an empty parallel stage)",
                        i + 1
                    ),
                );
            }
        }
    }
}

/// `[A-Za-z0-9._-]+`: what the framework can put unquoted in a shell command line.
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// `[A-Za-z0-9._-]{1,128}`.
pub fn is_valid_workflow_id(id: &str) -> bool {
    id.len() <= 128 && is_safe_name(id)
}

/// The whole catalog.
#[derive(Clone, Debug)]
pub struct Catalog {
    pub dir: PathBuf,
    pub settings: Settings,
    /// Workflows in file-name order.
    pub workflows: Vec<Workflow>,
}

impl Catalog {
    /// Loads `dir`: `catalog.yaml` (optional: defaults when absent) and every
    /// `workflows/*.yaml` (or only those whose file stem is in `only`). Returns every load error
    /// of every file, not only the first.
    pub fn load(dir: &Path, only: &[String]) -> Result<Catalog, Vec<LoadError>> {
        let mut errors = Vec::new();
        let settings = match load_settings(dir) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                Settings::default()
            }
        };
        let wf_dir = dir.join(WORKFLOWS_DIR);
        let jobs_dir = dir.join(JOBS_DIR);
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&wf_dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
                })
                .collect(),
            Err(e) => {
                errors.push(LoadError {
                    file: wf_dir.clone(),
                    pos: None,
                    message: format!("not a catalog: cannot read its workflows directory ({e})"),
                });
                Vec::new()
            }
        };
        files.sort();
        let stem = |p: &Path| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        for wanted in only {
            if !errors.is_empty() {
                break;
            }
            if !files.iter().any(|f| stem(f) == *wanted) {
                errors.push(LoadError {
                    file: wf_dir.clone(),
                    pos: None,
                    message: format!("no workflow {wanted:?} (no file {wanted}.yaml)"),
                });
            }
        }
        let mut workflows = Vec::new();
        for file in files {
            let file_stem = stem(&file);
            if !only.is_empty() && !only.contains(&file_stem) {
                continue;
            }
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(LoadError {
                        file: file.clone(),
                        pos: None,
                        message: format!("cannot read: {e}"),
                    });
                    continue;
                }
            };
            match Workflow::parse(&text, &file, &file_stem, &jobs_dir) {
                Ok(wf) => workflows.push(wf),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(Catalog {
                dir: dir.to_path_buf(),
                settings,
                workflows,
            })
        } else {
            Err(errors)
        }
    }
}

/// Reads `catalog.yaml` from `dir`; a missing file gives the defaults.
pub fn load_settings(dir: &Path) -> Result<Settings, LoadError> {
    let path = dir.join(SETTINGS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_settings(&text, &path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(LoadError {
            file: path,
            pos: None,
            message: format!("cannot read: {e}"),
        }),
    }
}

pub fn parse_settings(text: &str, path: &Path) -> Result<Settings, LoadError> {
    // An empty file (or one with only comments) is the defaults.
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(Settings::default());
    }
    serde_yaml::from_str(text).map_err(|e| yaml_error(path, &e))
}

fn yaml_error(path: &Path, e: &serde_yaml::Error) -> LoadError {
    let pos = e.location().map(|l| Pos {
        line: l.line(),
        column: l.column(),
    });
    let mut message = e.to_string();
    // The position is already in front; drop serde_yaml's " at line N column M".
    if let Some(at) = message.rfind(" at line ") {
        let tail = &message[at + " at line ".len()..];
        if tail
            .split(" column ")
            .all(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()))
        {
            let rest = tail
                .find(|c: char| !(c.is_ascii_digit() || c == ' ' || c.is_ascii_lowercase()))
                .map(|i| tail[i..].to_string())
                .unwrap_or_default();
            message = format!("{}{rest}", &message[..at]);
        }
    }
    LoadError {
        file: path.to_path_buf(),
        pos,
        message,
    }
}

// ---------------------------------------------------------------------------------------------
// Finding values in the YAML text. serde_yaml gives no positions for values that parsed fine, so
// the block structure is read from the text: top-level keys at column 0, sequence items at the
// first indentation below them, and a value's first whole-word occurrence inside its item.
// Flow style (`jobs: [{script: a}]`) falls back to the key's line.

struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            lines: text.lines().collect(),
        }
    }

    fn indent(line: &str) -> usize {
        line.len() - line.trim_start_matches(' ').len()
    }

    fn is_content(line: &str) -> bool {
        let t = line.trim();
        !t.is_empty() && !t.starts_with('#') && t != "---"
    }

    /// The line (0-based) of top-level `key:`.
    fn top_key(&self, key: &str) -> Option<usize> {
        self.lines.iter().position(|l| key_at(l, 0, key))
    }

    /// Sequence items under the key on line `key_line`: `(first, last)` line ranges.
    fn items(&self, key_line: usize) -> Vec<(usize, usize)> {
        let key_indent = Self::indent(self.lines[key_line]);
        let mut out: Vec<(usize, usize)> = Vec::new();
        let mut item_indent = None;
        for i in key_line + 1..self.lines.len() {
            let line = self.lines[i];
            if !Self::is_content(line) {
                continue;
            }
            let ind = Self::indent(line);
            let dash = line[ind..].starts_with('-');
            match item_indent {
                None => {
                    if !dash || ind < key_indent {
                        return out;
                    }
                    item_indent = Some(ind);
                    out.push((i, i));
                }
                Some(n) => {
                    if ind < n || (ind == n && !dash) {
                        return out;
                    }
                    if ind == n {
                        out.push((i, i));
                    } else if let Some(last) = out.last_mut() {
                        last.1 = i;
                    }
                }
            }
        }
        out
    }

    /// The first line in `from..=to` holding `key:` (at any indentation, after `- ` too).
    fn key_in(&self, from: usize, to: usize, key: &str) -> Option<usize> {
        (from..=to.min(self.lines.len().saturating_sub(1)))
            .find(|&i| (0..self.lines[i].len()).any(|at| key_at(self.lines[i], at, key)))
    }

    /// The first whole-word occurrence of `value` in lines `from..=to`, skipping comments.
    fn value_in(&self, from: usize, to: usize, value: &str) -> Option<Pos> {
        for i in from..=to.min(self.lines.len().saturating_sub(1)) {
            let line = self.lines[i];
            let code = match line.find(" #") {
                Some(c) => &line[..c],
                None => line,
            };
            let mut start = 0;
            while let Some(off) = code[start..].find(value) {
                let at = start + off;
                let end = at + value.len();
                let before = code[..at].chars().next_back();
                let after = code[end..].chars().next();
                let word = |c: Option<char>| {
                    c.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                };
                if !word(before) && !word(after) {
                    return Some(Pos {
                        line: i + 1,
                        column: code[..at].chars().count() + 1,
                    });
                }
                start = at + value.len().max(1);
            }
        }
        None
    }

    fn line_pos(&self, line: usize) -> Pos {
        let l = self.lines.get(line).copied().unwrap_or("");
        Pos {
            line: line + 1,
            column: Self::indent(l) + 1,
        }
    }
}

/// Whether `line` has `key:` (or `"key":`, `'key':`) starting at byte `at`, where `at` is the
/// line's indentation or just after a `- ` item marker.
fn key_at(line: &str, at: usize, key: &str) -> bool {
    let Some(rest) = line.get(at..) else {
        return false;
    };
    let before = line[..at].trim_start_matches(' ');
    let prefix_ok = before.is_empty()
        || (before.len() > 1
            && before.starts_with('-')
            && before[1..].trim_matches(' ').is_empty());
    if !prefix_ok {
        return false;
    }
    let rest = rest
        .strip_prefix('"')
        .and_then(|r| r.strip_prefix(key).and_then(|r| r.strip_prefix('"')))
        .or_else(|| {
            rest.strip_prefix('\'')
                .and_then(|r| r.strip_prefix(key).and_then(|r| r.strip_prefix('\'')))
        })
        .or_else(|| rest.strip_prefix(key));
    rest.is_some_and(|r| {
        let r = r.trim_start_matches(' ');
        r.starts_with(':') && (r.len() == 1 || r[1..].starts_with([' ', '\t']))
    })
}

fn locate_workflow(text: &str, spec: &WorkflowSpec) -> WorkflowPositions {
    let lines = Lines::new(text);
    let mut pos = WorkflowPositions {
        workflow_id: lines.top_key("workflow_id").map(|l| {
            lines
                .value_in(l, l, &spec.workflow_id)
                .unwrap_or(lines.line_pos(l))
        }),
        ..Default::default()
    };
    let jobs_line = lines.top_key("jobs");
    let job_items = jobs_line.map(|l| lines.items(l)).unwrap_or_default();
    let fallback = jobs_line.map_or(Pos::START, |l| lines.line_pos(l));
    for (i, job) in spec.jobs.iter().enumerate() {
        let Some(&(from, to)) = job_items.get(i) else {
            pos.jobs.push(
                jobs_line
                    .and_then(|l| lines.value_in(l, l, &job.script))
                    .unwrap_or(fallback),
            );
            pos.depends_on.push(vec![fallback; job.depends_on.len()]);
            continue;
        };
        let item = lines.line_pos(from);
        let script_line = lines.key_in(from, to, "script").unwrap_or(from);
        pos.jobs.push(
            lines
                .value_in(script_line, script_line, &job.script)
                .unwrap_or(item),
        );
        let deps_line = lines.key_in(from, to, "depends_on");
        let mut deps = Vec::new();
        for dep in &job.depends_on {
            let found = deps_line.and_then(|d| lines.value_in(d, to, dep));
            deps.push(found.unwrap_or(item));
        }
        pos.depends_on.push(deps);
    }
    let stages_line = lines.top_key("stages");
    let stage_items = stages_line.map(|l| lines.items(l)).unwrap_or_default();
    let fallback = stages_line.map_or(Pos::START, |l| lines.line_pos(l));
    for (i, stage) in spec.stages.iter().flatten().enumerate() {
        let Some(&(from, to)) = stage_items.get(i) else {
            pos.stages.push(fallback);
            pos.stage_scripts.push(vec![fallback; stage.scripts.len()]);
            continue;
        };
        let item = lines.line_pos(from);
        pos.stages.push(item);
        let scripts_line = lines.key_in(from, to, "scripts").unwrap_or(from);
        // A script listed twice in one stage: the second search starts after the first hit.
        let mut found: Vec<Pos> = Vec::new();
        for script in &stage.scripts {
            let mut at = lines.value_in(scripts_line, to, script);
            while let Some(p) = at {
                if !found.contains(&p) {
                    break;
                }
                at = next_occurrence(&lines, p, to, script);
            }
            let p = at.unwrap_or(item);
            found.push(p);
        }
        pos.stage_scripts.push(found);
    }
    pos
}

fn next_occurrence(lines: &Lines, after: Pos, to: usize, value: &str) -> Option<Pos> {
    // Same line, later column: search the rest of the line by masking what is before.
    let line = lines.lines.get(after.line - 1)?;
    let byte = line
        .char_indices()
        .nth(after.column - 1)
        .map_or(line.len(), |(b, _)| b);
    let skip = byte + value.len();
    let rest_line = Lines {
        lines: vec![&line[skip.min(line.len())..]],
    };
    if let Some(p) = rest_line.value_in(0, 0, value) {
        let prefix_chars = line[..skip.min(line.len())].chars().count();
        return Some(Pos {
            line: after.line,
            column: prefix_chars + p.column,
        });
    }
    lines.value_in(after.line, to, value)
}

/// A YAML scalar for a name: plain when YAML reads it back as the same string, quoted otherwise.
pub fn yaml_scalar(s: &str) -> String {
    let plain = is_safe_name(s)
        && s.bytes().any(|b| b.is_ascii_alphabetic())
        && !s.starts_with(['-', '.'])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | ".inf" | ".nan"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serialises")
    }
}

/// The text of a new workflow file: its jobs in order with their dependencies.
pub fn workflow_yaml(spec: &WorkflowSpec, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!(
        "workflow_id: {}\n",
        yaml_scalar(&spec.workflow_id)
    ));
    if let Some(d) = &spec.description {
        out.push_str(&format!(
            "description: {}\n",
            serde_json::to_string(d).expect("a string serialises")
        ));
    }
    out.push_str("jobs:\n");
    for job in &spec.jobs {
        out.push_str(&format!("  - script: {}\n", yaml_scalar(&job.script)));
        if !job.depends_on.is_empty() {
            out.push_str("    depends_on:\n");
            for d in &job.depends_on {
                out.push_str(&format!("      - {}\n", yaml_scalar(d)));
            }
        }
        if !job.enabled {
            out.push_str("    enabled: false\n");
        }
    }
    out
}

/// The text of a new `catalog.yaml`: the defaults, written out so they can be edited.
pub fn default_settings_yaml() -> String {
    let aws = Aws::default();
    format!(
        "# rsqlmig catalog settings, shared by every workflow in workflows/.\n\
         # name: team_a   # what `publish --prune` knows this catalog's items by (default: the directory's name)\n\
         aws:\n\
         \x20 # region: us-east-1\n\
         \x20 bucket: {}\n\
         \x20 key_prefix: {}\n\
         \x20 config_table: {}\n\
         \x20 workflow_audit_table: {}\n\
         \x20 job_audit_table: {}\n\
         \x20 master_state_machine: {}\n\
         \x20 resume_state_machine: {}\n\
         \x20 pause_state_machine: {}\n\
         # Placeholder values used to resolve table names such as ${{TGT_DB}}.T\n\
         vars: {{}}\n\
         # View database -> table database\n\
         aliases: {{}}\n\
         # Shared audit and control tables that would link every job to every other\n\
         ignore_tables: []\n",
        aws.bucket,
        aws.key_prefix,
        aws.config_table,
        aws.workflow_audit_table,
        aws.job_audit_table,
        aws.master_state_machine,
        aws.resume_state_machine,
        aws.pause_state_machine,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("workflows")).unwrap();
        std::fs::create_dir_all(dir.path().join("jobs")).unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    fn codes(wf: &Workflow) -> Vec<(&'static str, usize, usize)> {
        wf.diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect()
    }

    #[test]
    fn settings_default_every_key() {
        let s = parse_settings("vars:\n  TGT_DB: dw\n  N: 5\n", Path::new("c.yaml")).unwrap();
        assert_eq!(s.aws, Aws::default());
        assert_eq!(s.aws.bucket, "rsql-framework-scripts");
        assert_eq!(s.aws.pause_state_machine, "PauseClusterStateMachine");
        assert_eq!(s.vars["N"], "5");
        assert!(parse_settings("# nothing\n", Path::new("c.yaml")).is_ok());
        let written = parse_settings(&default_settings_yaml(), Path::new("c.yaml")).unwrap();
        assert_eq!(written.aws, Aws::default());
    }

    #[test]
    fn unknown_keys_are_load_errors_with_positions() {
        let e = parse_settings("aws:\n  bukket: x\n", Path::new("c.yaml")).unwrap_err();
        assert_eq!(e.pos.map(|p| p.line), Some(2));
        assert!(
            e.message.contains("unknown field `bukket`"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("at line"), "{}", e.message);
        assert!(e.to_string().starts_with("c.yaml:2:"), "{e}");
    }

    #[test]
    fn all_load_errors_are_collected() {
        let dir = catalog_dir(&[
            ("catalog.yaml", "ignore_table: []\n"),
            (
                "workflows/a.yaml",
                "workflow_id: a\njobs:\n  - scrpt: x.sh\n",
            ),
            ("workflows/b.yaml", "workflow_id: b\njobs: [\n"),
        ]);
        let errors = Catalog::load(dir.path(), &[]).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[1].to_string().contains("a.yaml:3:"), "{}", errors[1]);
    }

    #[test]
    fn semantic_problems_are_placed_diagnostics() {
        let text = "workflow_id: wf\n\
                    jobs:\n\
                    \x20 - script: a.sh\n\
                    \x20 - script: b.sh\n\
                    \x20   depends_on: [a.sh, zz.sh]\n\
                    \x20 - script: a.sh\n\
                    \x20 - script: \"bad name.sh\"\n\
                    \x20 - script: gone.sh\n\
                    stages:\n\
                    \x20 - execution_type: parallel\n\
                    \x20   scripts: []\n";
        let dir = catalog_dir(&[
            ("workflows/wf.yaml", text),
            ("jobs/a.sh", ""),
            ("jobs/b.sh", ""),
        ]);
        let cat = Catalog::load(dir.path(), &[]).unwrap();
        let wf = &cat.workflows[0];
        assert_eq!(
            codes(wf),
            vec![
                (rules::DUPLICATE_SCRIPT.code, 6, 13),
                (rules::UNSAFE_NAME.code, 7, 14),
                (rules::MISSING_SCRIPT.code, 8, 13),
                (rules::UNKNOWN_DEPENDENCY.code, 5, 24),
                (rules::STAGE_VIOLATION.code, 10, 3),
            ]
        );
        assert!(wf.diagnostics[0].message.contains("first on line 3"));
        assert!(
            wf.diagnostics[3]
                .to_string()
                .contains("wf.yaml:5:24: error GR006"),
            "{}",
            wf.diagnostics[3]
        );
    }

    #[test]
    fn workflow_id_must_be_safe_and_match_the_file() {
        let dir = catalog_dir(&[
            ("workflows/one.yaml", "workflow_id: two\njobs: []\n"),
            ("workflows/x.yaml", "workflow_id: \"x y\"\njobs: []\n"),
        ]);
        let cat = Catalog::load(dir.path(), &[]).unwrap();
        let one = &cat.workflows[0];
        assert_eq!(one.diagnostics[0].code, rules::BAD_WORKFLOW_ID.code);
        assert_eq!(
            (one.diagnostics[0].line, one.diagnostics[0].column),
            (1, 14)
        );
        assert!(
            one.diagnostics[0]
                .message
                .contains("differs from its file name")
        );
        assert!(
            one.diagnostics
                .iter()
                .any(|d| d.code == rules::NO_ENABLED_JOB.code)
        );
        assert!(cat.workflows[1].diagnostics[0].message.contains("1 to 128"));
        assert!(is_valid_workflow_id(&"a".repeat(128)));
        assert!(!is_valid_workflow_id(&"a".repeat(129)));
        assert!(!is_safe_name("a/b.sh") && !is_safe_name("a;rm.sh") && !is_safe_name(".."));
    }

    #[test]
    fn only_named_workflows_load_and_unknown_names_fail() {
        let dir = catalog_dir(&[
            ("workflows/a.yaml", "workflow_id: a\njobs: []\n"),
            ("workflows/b.yaml", "not: [valid\n"),
        ]);
        let cat = Catalog::load(dir.path(), &["a".into()]).unwrap();
        assert_eq!(cat.workflows.len(), 1);
        let errors = Catalog::load(dir.path(), &["c".into()]).unwrap_err();
        assert!(errors[0].message.contains("no workflow \"c\""));
        let missing = Catalog::load(&dir.path().join("nope"), &[]).unwrap_err();
        assert!(missing[0].message.contains("not a catalog"));
    }

    #[test]
    fn flags_types_and_defaults() {
        let text = "workflow_id: w\ncluster:\n  id: c1\n  target_account_role: arn:aws:iam::1:role/r\njobs:\n  - script: a.sh\n    enabled: false\nstages:\n  - execution_type: sequential\n    scripts: [a.sh]\n    execution_flag: N\n";
        let wf =
            Workflow::parse(text, Path::new("w.yaml"), "w", Path::new("/nonexistent")).unwrap();
        assert!(wf.spec.cluster.as_ref().unwrap().pause_after);
        assert!(!wf.spec.jobs[0].enabled);
        let stage = &wf.spec.stages.as_ref().unwrap()[0];
        assert_eq!(stage.execution_flag, ExecutionFlag::No);
        assert_eq!(
            wf.positions.stage_scripts[0][0],
            Pos {
                line: 10,
                column: 15
            }
        );
        let bad =
            "workflow_id: w\njobs: []\nstages:\n  - execution_type: Parallel\n    scripts: [a]\n";
        let e = Workflow::parse(bad, Path::new("w.yaml"), "w", Path::new(".")).unwrap_err();
        assert_eq!(e.pos.unwrap().line, 4);
    }

    #[test]
    fn generated_workflow_yaml_reads_back() {
        let spec = WorkflowSpec {
            workflow_id: "w".into(),
            description: Some("from \"x\"".into()),
            cluster: None,
            jobs: vec![
                JobSpec::new("a.sh"),
                JobSpec {
                    script: "123".into(),
                    depends_on: vec!["a.sh".into()],
                    enabled: false,
                },
            ],
            stages: None,
        };
        let text = workflow_yaml(&spec, "generated\nby a test");
        assert!(text.starts_with("# generated\n# by a test\n"));
        let back: WorkflowSpec = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, spec);
        let wf = Workflow::parse(&text, Path::new("w.yaml"), "w", Path::new(".")).unwrap();
        assert_eq!(wf.positions.depends_on[1][0].line, 9);
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("a.sh"), "a.sh");
    }
}
