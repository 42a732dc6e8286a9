//! The dependency graph of a workflow's jobs and its compilation into the framework's stages.
//!
//! Nodes are the jobs in listed order. Derived edges only point forward in that order (a job
//! listed earlier runs first when both touch one thing), so the scripts alone never make a
//! cycle; declared `depends_on` may point either way.
//!
//! - `table`: A writes table T and B, listed later, reads T, or changes it with UPDATE, DELETE,
//!   MERGE or DDL, or appends to it after A created, dropped, altered or changed it. Two jobs
//!   that only append (INSERT, COPY) get no edge: they may run side by side (GR008 says so).
//!   Writers are indexed per table (the last writer that was not an append, and the appends
//!   since), so building the edges is linear in the number of accesses plus edges.
//! - `schema`: A creates schema S and B, listed later, creates an object in S (or uses a table
//!   in S that no job of the workflow creates).
//! - `file`: A writes a file (or S3 prefix) that B, listed later, reads; S3 paths match when one
//!   is a prefix of the other.
//! - `declared`: `depends_on`. A declaration that runs B before A where the scripts derived
//!   A → B wins over the derived edge (GR007).
//!
//! Stages are the longest-path levels of the enabled jobs: a level of several jobs is a
//! `parallel` stage, consecutive single-job levels form one `sequential` stage, and disabled jobs
//! go last in a `sequential` stage the framework skips (`execution_flag: "n"`).

pub mod render;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::{JobAnalysis, Resolver, access, analyze_job};
use crate::catalog::{
    Catalog, ExecutionFlag, ExecutionType, FileDiagnostic, Pos, Workflow, is_safe_name,
};
use crate::diagnostic::Severity;
use crate::rules::graph as rules;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Table,
    Schema,
    File,
    Declared,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Table => "table",
            EdgeKind::Schema => "schema",
            EdgeKind::File => "file",
            EdgeKind::Declared => "declared",
        }
    }
}

/// `from` runs before `to`; `labels` are the tables, files or schema that link them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub labels: Vec<String>,
}

/// One stage exactly as the framework's config item holds it (reference `framework.md` §1.3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stage {
    pub execution_flag: ExecutionFlag,
    pub execution_type: ExecutionType,
    pub scripts: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct JobNode {
    pub script: String,
    pub enabled: bool,
    pub reads: Vec<String>,
    pub writes: Vec<String>,
    pub schemas_created: Vec<String>,
    pub files_read: Vec<String>,
    pub files_written: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct WorkflowGraph {
    pub workflow_id: String,
    pub file: PathBuf,
    pub jobs: Vec<JobNode>,
    /// Sorted by (from, to, kind).
    pub edges: Vec<Edge>,
    /// Empty when the graph has a cycle.
    pub stages: Vec<Stage>,
    /// The stages come from the workflow file, not from compilation.
    pub explicit_stages: bool,
    /// Sorted by file, line, column.
    pub diagnostics: Vec<FileDiagnostic>,
}

impl WorkflowGraph {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Analyses every job script of the catalog once (in parallel) and builds each workflow's graph.
pub fn build_catalog(catalog: &Catalog) -> Vec<WorkflowGraph> {
    let resolver = Resolver::new(&catalog.settings);
    let mut scripts: Vec<(&str, PathBuf)> = Vec::new();
    let mut seen = HashSet::new();
    for wf in &catalog.workflows {
        for job in &wf.spec.jobs {
            if is_safe_name(&job.script) && seen.insert(job.script.as_str()) {
                scripts.push((job.script.as_str(), wf.script_path(&job.script)));
            }
        }
    }
    let analyses: HashMap<&str, JobAnalysis> = scripts
        .par_iter()
        .filter_map(|(name, path)| {
            let bytes = std::fs::read(path).ok()?;
            Some((*name, analyze_job(path, &bytes, &resolver)))
        })
        .collect();
    catalog
        .workflows
        .par_iter()
        .map(|wf| {
            let per_job: Vec<Option<&JobAnalysis>> = wf
                .spec
                .jobs
                .iter()
                .map(|j| analyses.get(j.script.as_str()))
                .collect();
            build(wf, &per_job)
        })
        .collect()
}

type EdgeMap = HashMap<(usize, usize, EdgeKind), BTreeSet<String>>;

/// How many job names a race message lists before `… and N more`.
const MAX_NAMES: usize = 8;

fn add(edges: &mut EdgeMap, from: usize, to: usize, kind: EdgeKind, label: Option<&str>) {
    let labels = edges.entry((from, to, kind)).or_default();
    if let Some(l) = label {
        labels.insert(l.to_string());
    }
}

/// Per table: the last writer that did more than append, and the appenders since (or one job
/// that already follows them all).
#[derive(Default)]
struct Writers {
    barrier: Option<usize>,
    appenders: Vec<usize>,
}

/// The edges the scripts imply (table, schema and file kinds), for jobs in listed order.
pub fn derived_edges(analyses: &[Option<&JobAnalysis>]) -> Vec<Edge> {
    let mut edges = EdgeMap::new();
    derive_into(analyses, &mut edges);
    sorted(edges)
}

fn derive_into(analyses: &[Option<&JobAnalysis>], edges: &mut EdgeMap) {
    // Tables.
    let mut writers: HashMap<&str, Writers> = HashMap::new();
    for (b, job) in analyses.iter().enumerate() {
        let Some(job) = job else { continue };
        for (table, &acc) in &job.tables {
            let w = writers.entry(table.as_str()).or_default();
            let only_appends = acc == access::APPEND;
            if let Some(a) = w.barrier {
                add(edges, a, b, EdgeKind::Table, Some(table));
            }
            if !only_appends {
                for &a in &w.appenders {
                    add(edges, a, b, EdgeKind::Table, Some(table));
                }
            }
            if acc & access::WRITE == 0 {
                continue;
            }
            if acc & (access::MODIFY | access::CREATE | access::DDL) != 0 {
                w.barrier = Some(b);
                w.appenders.clear();
            } else if only_appends {
                w.appenders.push(b);
            } else {
                // Reads and appends: it follows every appender so far, so later readers need
                // only it.
                w.appenders.clear();
                w.appenders.push(b);
            }
        }
    }
    // Schemas.
    let mut creators: HashMap<&str, usize> = HashMap::new();
    let mut created_tables: HashSet<&str> = HashSet::new();
    for (b, job) in analyses.iter().enumerate() {
        let Some(job) = job else { continue };
        for s in &job.schemas_created {
            creators.entry(s.as_str()).or_insert(b);
        }
        for (t, &acc) in &job.tables {
            if acc & access::CREATE != 0 {
                created_tables.insert(t.as_str());
            }
        }
    }
    if !creators.is_empty() {
        for (b, job) in analyses.iter().enumerate() {
            let Some(job) = job else { continue };
            for (t, &acc) in &job.tables {
                let Some((schema, _)) = t.split_once('.') else {
                    continue;
                };
                let Some(&a) = creators.get(schema) else {
                    continue;
                };
                if a < b && (acc & access::CREATE != 0 || !created_tables.contains(t.as_str())) {
                    add(edges, a, b, EdgeKind::Schema, Some(schema));
                }
            }
        }
    }
    // Files.
    let mut written: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (a, job) in analyses.iter().enumerate() {
        let Some(job) = job else { continue };
        for f in &job.files_written {
            written.entry(f.as_str()).or_default().push(a);
        }
    }
    if !written.is_empty() {
        for (b, job) in analyses.iter().enumerate() {
            let Some(job) = job else { continue };
            for read in &job.files_read {
                let mut link = |path: &str, ws: &[usize]| {
                    for &a in ws.iter().take_while(|&&a| a < b) {
                        add(edges, a, b, EdgeKind::File, Some(path));
                    }
                };
                if let Some(ws) = written.get(read.as_str()) {
                    link(read, ws);
                }
                if !is_s3(read) {
                    continue;
                }
                // A written prefix of what is read, or written objects under the read prefix.
                for (i, _) in read.char_indices().skip(1) {
                    if let Some(ws) = written.get(&read[..i]) {
                        link(&read[..i], ws);
                    }
                }
                for (path, ws) in written
                    .range::<str, _>((
                        std::ops::Bound::Excluded(read.as_str()),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(|(p, _)| p.starts_with(read.as_str()))
                {
                    link(path, ws);
                }
            }
        }
    }
}

fn is_s3(path: &str) -> bool {
    path.get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("s3://"))
}

fn sorted(edges: EdgeMap) -> Vec<Edge> {
    let mut out: Vec<Edge> = edges
        .into_iter()
        .map(|((from, to, kind), labels)| Edge {
            from,
            to,
            kind,
            labels: labels.into_iter().collect(),
        })
        .collect();
    out.sort_by_key(|e| (e.from, e.to, e.kind));
    out
}

/// Why `from` runs before `to`: the reasons of every edge between them (`edges` sorted by
/// (from, to, kind), as [`WorkflowGraph::edges`] is), joined by `; `.
pub fn pair_reason(edges: &[Edge], from: usize, to: usize) -> String {
    let start = edges.partition_point(|e| (e.from, e.to) < (from, to));
    edges[start..]
        .iter()
        .take_while(|e| e.from == from && e.to == to)
        .map(reason)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why `e` exists, for messages: `table dw.t`, `tables a, b`, `declared`.
pub fn reason(e: &Edge) -> String {
    match (e.kind, e.labels.len()) {
        (EdgeKind::Declared, _) | (_, 0) => e.kind.as_str().to_string(),
        (EdgeKind::Table, n) if n > 1 => format!("tables {}", e.labels.join(", ")),
        (EdgeKind::File, n) if n > 1 => format!("files {}", e.labels.join(", ")),
        (kind, _) => format!("{} {}", kind.as_str(), e.labels.join(", ")),
    }
}

/// Builds one workflow's graph. `analyses[i]` is job i's analysis (`None` when its script is
/// missing or unreadable).
pub fn build(wf: &Workflow, analyses: &[Option<&JobAnalysis>]) -> WorkflowGraph {
    let spec = &wf.spec;
    let n = spec.jobs.len();
    let mut diags = wf.diagnostics.clone();
    let mut noted = HashSet::new();
    for (job, analysis) in spec.jobs.iter().zip(analyses) {
        let Some(a) = analysis else { continue };
        if !noted.insert(job.script.as_str()) {
            continue;
        }
        let file = wf.script_path(&job.script);
        for f in &a.notes {
            diags.push(FileDiagnostic {
                code: f.code,
                severity: f.severity,
                line: f.line,
                column: f.column,
                message: f.message.clone(),
                file: file.clone(),
            });
        }
    }
    let jobs: Vec<JobNode> = spec
        .jobs
        .iter()
        .zip(analyses)
        .map(|(j, a)| JobNode {
            script: j.script.clone(),
            enabled: j.enabled,
            reads: a
                .map(|a| a.reads().map(String::from).collect())
                .unwrap_or_default(),
            writes: a
                .map(|a| a.writes().map(String::from).collect())
                .unwrap_or_default(),
            schemas_created: a
                .map(|a| a.schemas_created.iter().cloned().collect())
                .unwrap_or_default(),
            files_read: a
                .map(|a| a.files_read.iter().cloned().collect())
                .unwrap_or_default(),
            files_written: a
                .map(|a| a.files_written.iter().cloned().collect())
                .unwrap_or_default(),
        })
        .collect();
    let job_pos = |i: usize| wf.positions.jobs.get(i).copied().unwrap_or(Pos::START);
    let report = |diags: &mut Vec<FileDiagnostic>, code, severity, pos, message: String| {
        diags.push(FileDiagnostic::new(code, severity, &wf.path, pos, message));
    };

    let mut edges = EdgeMap::new();
    derive_into(analyses, &mut edges);

    // Declared edges, and derived ones they contradict.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, j) in spec.jobs.iter().enumerate() {
        index.entry(j.script.as_str()).or_insert(i);
    }
    for (j, job) in spec.jobs.iter().enumerate() {
        for (k, dep) in job.depends_on.iter().enumerate() {
            let Some(&d) = index.get(dep.as_str()) else {
                continue;
            };
            if d == j {
                continue;
            }
            add(&mut edges, d, j, EdgeKind::Declared, None);
            if d > j {
                for kind in [EdgeKind::Table, EdgeKind::Schema, EdgeKind::File] {
                    if let Some(labels) = edges.remove(&(j, d, kind)) {
                        let e = Edge {
                            from: j,
                            to: d,
                            kind,
                            labels: labels.into_iter().collect(),
                        };
                        let pos = wf
                            .positions
                            .depends_on
                            .get(j)
                            .and_then(|p| p.get(k))
                            .copied()
                            .unwrap_or(job_pos(j));
                        report(
                            &mut diags,
                            rules::CONTRADICTION.code,
                            Severity::Warning,
                            pos,
                            format!(
                                "{} declares it depends on {dep}, but {dep} is listed later and the scripts \
                                 put it after {} ({}): the declared order wins",
                                job.script,
                                job.script,
                                reason(&e)
                            ),
                        );
                    }
                }
            }
        }
    }
    let edges = sorted(edges);

    // Cycles.
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &edges {
        if succ[e.from].last() != Some(&e.to) {
            succ[e.from].push(e.to);
        }
    }
    let components = cycles(&succ);
    for comp in &components {
        let (message, pos) = describe_cycle(comp, &succ, &edges, wf);
        report(&mut diags, rules::CYCLE.code, Severity::Error, pos, message);
    }

    let enabled: Vec<bool> = spec.jobs.iter().map(|j| j.enabled).collect();
    let names: Vec<String> = spec.jobs.iter().map(|j| j.script.clone()).collect();
    let pairs: Vec<(usize, usize)> = edges.iter().map(|e| (e.from, e.to)).collect();
    let explicit_stages = spec.stages.is_some();
    let stages = if !components.is_empty() {
        Vec::new()
    } else if let Some(explicit) = &spec.stages {
        let stages: Vec<Stage> = explicit
            .iter()
            .map(|s| Stage {
                execution_flag: s.execution_flag,
                execution_type: s.execution_type,
                scripts: s.scripts.clone(),
            })
            .collect();
        check_stages(wf, &stages, &edges, &index, &mut diags);
        stages
    } else {
        compile_stages(&names, &enabled, &pairs).unwrap_or_default()
    };
    if n > 0
        && !stages
            .iter()
            .any(|s| s.execution_flag == ExecutionFlag::Yes && !s.scripts.is_empty())
        && components.is_empty()
    {
        report(
            &mut diags,
            rules::NO_ENABLED_JOB.code,
            Severity::Error,
            wf.positions.workflow_id.unwrap_or(Pos::START),
            "no job is enabled: the framework fails on a workflow without an enabled stage".into(),
        );
    }
    races(wf, &stages, &jobs, &index, &mut diags);
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    diags.dedup();
    WorkflowGraph {
        workflow_id: spec.workflow_id.clone(),
        file: wf.path.clone(),
        jobs,
        edges,
        stages,
        explicit_stages,
        diagnostics: diags,
    }
}

/// The strongly connected components with more than one job (Tarjan, iterative).
fn cycles(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = succ.len();
    const NONE: usize = usize::MAX;
    let mut index = vec![NONE; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut next = 0usize;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && index[v] == NONE {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = succ[v].get(*child) {
                *child += 1;
                if index[w] == NONE {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort_unstable();
                    out.push(comp);
                }
            }
        }
    }
    out.sort();
    out
}

/// A message naming one cycle through the component's first job, hop by hop with what links
/// each hop, and the component's other jobs; placed at a declared dependency on the cycle.
fn describe_cycle(
    comp: &[usize],
    succ: &[Vec<usize>],
    edges: &[Edge],
    wf: &Workflow,
) -> (String, Pos) {
    let members: HashSet<usize> = comp.iter().copied().collect();
    let start = comp[0];
    // Breadth-first from `start` inside the component until an edge leads back to it.
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut last = start;
    'search: while let Some(v) = queue.pop_front() {
        for &w in &succ[v] {
            if w == start {
                last = v;
                break 'search;
            }
            if members.contains(&w) && !parent.contains_key(&w) && w != start {
                parent.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    let mut path = vec![last];
    while let Some(&p) = parent.get(path.last().expect("non-empty")) {
        path.push(p);
    }
    path.reverse();
    if path[0] != start {
        path.insert(0, start);
    }
    let names = &wf.spec.jobs;
    let hop = |a: usize, b: usize| pair_reason(edges, a, b);
    let mut message = format!("dependency cycle: {}", names[path[0]].script);
    let mut pos = None;
    for (k, &a) in path.iter().enumerate() {
        let b = path.get(k + 1).copied().unwrap_or(start);
        message.push_str(&format!(" -[{}]-> {}", hop(a, b), names[b].script));
        if pos.is_none()
            && let Some(d) = names[b]
                .depends_on
                .iter()
                .position(|d| *d == names[a].script)
        {
            pos = wf
                .positions
                .depends_on
                .get(b)
                .and_then(|p| p.get(d))
                .copied();
        }
    }
    let on_path: HashSet<usize> = path.iter().copied().collect();
    let others: Vec<&str> = comp
        .iter()
        .filter(|j| !on_path.contains(j))
        .map(|&j| names[j].script.as_str())
        .collect();
    if !others.is_empty() {
        message.push_str(&format!("; also in the cycle: {}", others.join(", ")));
    }
    let pos = pos.unwrap_or(wf.positions.jobs.get(start).copied().unwrap_or(Pos::START));
    (message, pos)
}

/// Compiles stages: longest-path levels of the enabled jobs (a disabled job passes its
/// predecessors' order on without taking a level), several jobs in a level → `parallel`,
/// consecutive single-job levels → one `sequential` stage, then the disabled jobs in a skipped
/// `sequential` stage. `None` when `edges` has a cycle.
pub fn compile_stages(
    names: &[String],
    enabled: &[bool],
    edges: &[(usize, usize)],
) -> Option<Vec<Stage>> {
    let n = names.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(a, b) in edges {
        succ[a].push(b);
        indegree[b] += 1;
    }
    // `level[v]`: the first level v may run in.
    let mut level = vec![0usize; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut done = 0;
    while let Some(v) = queue.pop_front() {
        done += 1;
        let after = level[v] + usize::from(enabled[v]);
        for &w in &succ[v] {
            level[w] = level[w].max(after);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    if done < n {
        return None;
    }
    let mut levels: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for v in (0..n).filter(|&v| enabled[v]) {
        levels.entry(level[v]).or_default().push(v);
    }
    let mut stages: Vec<Stage> = Vec::new();
    let mut open_sequential = false;
    for jobs in levels.into_values() {
        let scripts: Vec<String> = jobs.iter().map(|&j| names[j].clone()).collect();
        if scripts.len() > 1 {
            stages.push(Stage {
                execution_flag: ExecutionFlag::Yes,
                execution_type: ExecutionType::Parallel,
                scripts,
            });
            open_sequential = false;
        } else if open_sequential {
            stages
                .last_mut()
                .expect("an open stage")
                .scripts
                .extend(scripts);
        } else {
            stages.push(Stage {
                execution_flag: ExecutionFlag::Yes,
                execution_type: ExecutionType::Sequential,
                scripts,
            });
            open_sequential = true;
        }
    }
    let disabled: Vec<String> = (0..n)
        .filter(|&v| !enabled[v])
        .map(|v| names[v].clone())
        .collect();
    if !disabled.is_empty() {
        stages.push(Stage {
            execution_flag: ExecutionFlag::No,
            execution_type: ExecutionType::Sequential,
            scripts: disabled,
        });
    }
    Some(stages)
}

/// Checks explicit stages against the graph.
fn check_stages(
    wf: &Workflow,
    stages: &[Stage],
    edges: &[Edge],
    index: &HashMap<&str, usize>,
    diags: &mut Vec<FileDiagnostic>,
) {
    let jobs = &wf.spec.jobs;
    let code = rules::STAGE_VIOLATION.code;
    let script_pos = |s: usize, k: usize| {
        wf.positions
            .stage_scripts
            .get(s)
            .and_then(|p| p.get(k))
            .copied()
            .unwrap_or(Pos::START)
    };
    let mut report = |pos: Pos, message: String| {
        diags.push(FileDiagnostic::new(
            code,
            Severity::Error,
            &wf.path,
            pos,
            message,
        ));
    };
    // Where each enabled job runs: (stage, place in the stage).
    let mut placed: Vec<Option<(usize, usize)>> = vec![None; jobs.len()];
    for (s, stage) in stages.iter().enumerate() {
        for (k, script) in stage.scripts.iter().enumerate() {
            let pos = script_pos(s, k);
            let Some(&j) = index.get(script.as_str()) else {
                report(
                    pos,
                    format!(
                        "stage {} lists {script}, which is not a job of the workflow",
                        s + 1
                    ),
                );
                continue;
            };
            if stage.execution_flag == ExecutionFlag::No {
                if jobs[j].enabled {
                    report(
                        pos,
                        format!(
                            "{script} is enabled but in stage {}, which the framework skips (execution_flag n)",
                            s + 1
                        ),
                    );
                }
                continue;
            }
            if !jobs[j].enabled {
                report(
                    pos,
                    format!(
                        "{script} is disabled (enabled: false) but in stage {}, which runs",
                        s + 1
                    ),
                );
                continue;
            }
            match placed[j] {
                Some((first, _)) => report(
                    pos,
                    format!(
                        "{script} is listed twice in the stages (first in stage {})",
                        first + 1
                    ),
                ),
                None => placed[j] = Some((s, k)),
            }
        }
    }
    for (j, job) in jobs.iter().enumerate() {
        if job.enabled && placed[j].is_none() && index.get(job.script.as_str()) == Some(&j) {
            report(
                wf.positions.jobs.get(j).copied().unwrap_or(Pos::START),
                format!("{} is enabled but in no stage that runs", job.script),
            );
        }
    }
    let mut reported = HashSet::new();
    for e in edges {
        let (Some((sa, ka)), Some((sb, kb))) = (placed[e.from], placed[e.to]) else {
            continue;
        };
        if !reported.insert((e.from, e.to)) {
            continue;
        }
        let why = pair_reason(edges, e.from, e.to);
        let (a, b) = (&jobs[e.from].script, &jobs[e.to].script);
        if sa == sb && stages[sa].execution_type == ExecutionType::Parallel {
            report(
                script_pos(sb, kb),
                format!(
                    "{a} and {b} are in one parallel stage ({}), but {b} depends on {a} ({why})",
                    sa + 1
                ),
            );
        } else if (sa, ka) > (sb, kb) {
            report(
                script_pos(sb, kb),
                format!("{b} runs before {a}, which it depends on ({why})"),
            );
        }
    }
}

/// Jobs of one parallel stage that write one table (info) or read what another writes
/// (warning). Indexed by table per stage, so linear in the stage's accesses.
fn races(
    wf: &Workflow,
    stages: &[Stage],
    jobs: &[JobNode],
    index: &HashMap<&str, usize>,
    diags: &mut Vec<FileDiagnostic>,
) {
    let job_pos = |j: usize| wf.positions.jobs.get(j).copied().unwrap_or(Pos::START);
    for stage in stages {
        if stage.execution_type != ExecutionType::Parallel
            || stage.execution_flag != ExecutionFlag::Yes
        {
            continue;
        }
        let mut seen = HashSet::new();
        let members: Vec<usize> = stage
            .scripts
            .iter()
            .filter_map(|s| index.get(s.as_str()).copied())
            .filter(|&m| seen.insert(m))
            .collect();
        // A job's writes are distinct, and each member comes once: no duplicates to check.
        let mut writers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &m in &members {
            for t in &jobs[m].writes {
                writers.entry(t.as_str()).or_default().push(m);
            }
        }
        let name = |j: &usize| jobs[*j].script.as_str();
        for (table, ws) in &writers {
            if ws.len() > 1 {
                diags.push(FileDiagnostic::new(
                    rules::RACE_WRITE.code,
                    Severity::Info,
                    &wf.path,
                    job_pos(ws[1]),
                    format!(
                        "{} write {table} in one parallel stage",
                        join_and(ws.iter().map(name), ws.len())
                    ),
                ));
            }
        }
        for &m in &members {
            for t in &jobs[m].reads {
                let Some(ws) = writers.get(t.as_str()) else {
                    continue;
                };
                let count = ws.len() - usize::from(jobs[m].writes.binary_search(t).is_ok());
                if count == 0 {
                    continue;
                }
                let others = ws.iter().filter(|&&w| w != m).map(name);
                diags.push(FileDiagnostic::new(
                    rules::RACE_READ.code,
                    Severity::Warning,
                    &wf.path,
                    job_pos(m),
                    format!(
                        "{} reads {t}, which {} {} in the same parallel stage: declare the order with depends_on",
                        jobs[m].script,
                        join_and(others, count),
                        if count == 1 { "writes" } else { "write" }
                    ),
                ));
            }
        }
    }
}

/// `a`, `a and b`, `a, b and c`; past [`MAX_NAMES`] names, `a, b, … and 12 more`.
fn join_and<'a>(names: impl Iterator<Item = &'a str>, count: usize) -> String {
    let shown: Vec<&str> = names.take(MAX_NAMES.min(count)).collect();
    match shown.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        _ if count > shown.len() => {
            format!("{} and {} more", shown.join(", "), count - shown.len())
        }
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_job;
    use crate::catalog::{JobSpec, StageSpec, WorkflowSpec};
    use std::path::Path;

    /// A job analysis from SQL text.
    fn sql(text: &str) -> JobAnalysis {
        analyze_job(Path::new("j.sql"), text.as_bytes(), &Resolver::default())
    }

    fn workflow(jobs: Vec<JobSpec>, stages: Option<Vec<StageSpec>>) -> Workflow {
        let spec = WorkflowSpec {
            workflow_id: "w".into(),
            description: None,
            cluster: None,
            jobs,
            stages,
        };
        Workflow::from_spec(spec, PathBuf::from("w.yaml"), PathBuf::from("jobs"))
    }

    fn jobs(names: &[&str]) -> Vec<JobSpec> {
        names.iter().map(|n| JobSpec::new(*n)).collect()
    }

    fn graph(names: &[&str], sqls: &[&str]) -> WorkflowGraph {
        graph_with(jobs(names), None, sqls)
    }

    fn graph_with(
        specs: Vec<JobSpec>,
        stages: Option<Vec<StageSpec>>,
        sqls: &[&str],
    ) -> WorkflowGraph {
        let analyses: Vec<JobAnalysis> = sqls.iter().map(|s| sql(s)).collect();
        let refs: Vec<Option<&JobAnalysis>> = analyses.iter().map(Some).collect();
        build(&workflow(specs, stages), &refs)
    }

    fn stage_list(g: &WorkflowGraph) -> Vec<(&str, &str, Vec<&str>)> {
        g.stages
            .iter()
            .map(|s| {
                (
                    s.execution_flag.as_str(),
                    s.execution_type.as_str(),
                    s.scripts.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    fn edge_list(g: &WorkflowGraph) -> Vec<(usize, usize, &str, String)> {
        g.edges
            .iter()
            .map(|e| (e.from, e.to, e.kind.as_str(), e.labels.join(",")))
            .collect()
    }

    fn codes(g: &WorkflowGraph) -> Vec<&'static str> {
        g.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn blog_sample_compiles_to_sequential_then_parallel() {
        let g = graph(
            &["s1", "s2", "s3", "s4", "s5", "s6"],
            &[
                "CREATE SCHEMA IF NOT EXISTS rsql_blog;",
                "CREATE TABLE IF NOT EXISTS \"rsql_blog\".\"blog_table\" (n int);",
                "INSERT INTO \"rsql_blog\".\"blog_table\" VALUES (1);",
                "INSERT INTO rsql_blog.blog_table VALUES (2);",
                "INSERT INTO rsql_blog.blog_table VALUES (3);",
                "INSERT INTO RSQL_BLOG.BLOG_TABLE VALUES (4);",
            ],
        );
        assert_eq!(
            stage_list(&g),
            vec![
                ("y", "sequential", vec!["s1", "s2"]),
                ("y", "parallel", vec!["s3", "s4", "s5", "s6"])
            ]
        );
        assert_eq!(edge_list(&g)[0], (0, 1, "schema", "rsql_blog".into()));
        assert_eq!(
            edge_list(&g)[1],
            (1, 2, "table", "rsql_blog.blog_table".into())
        );
        assert_eq!(g.edges.len(), 5);
        // Four appenders in one parallel stage: one info, no warning.
        assert_eq!(codes(&g), vec![rules::RACE_WRITE.code]);
        assert!(
            g.diagnostics[0]
                .message
                .contains("s3, s4, s5 and s6 write rsql_blog.blog_table")
        );
    }

    #[test]
    fn reads_follow_writes_listed_earlier_only() {
        let g = graph(
            &["load", "report", "late_load"],
            &[
                "INSERT INTO dw.f SELECT * FROM stg.s;",
                "SELECT * FROM dw.f JOIN dw.d ON 1=1;",
                "DELETE FROM dw.d; INSERT INTO dw.d SELECT 1;",
            ],
        );
        assert_eq!(edge_list(&g), vec![(0, 1, "table", "dw.f".into())]);
        // `report` reads dw.d which `late_load` (listed after it) writes, in one parallel stage.
        assert_eq!(
            stage_list(&g),
            vec![
                ("y", "parallel", vec!["load", "late_load"]),
                ("y", "sequential", vec!["report"])
            ]
        );
        let g = graph(
            &["report", "load"],
            &["SELECT * FROM dw.d;", "INSERT INTO dw.d SELECT 1;"],
        );
        assert!(g.edges.is_empty());
        assert_eq!(codes(&g), vec![rules::RACE_READ.code]);
        assert!(
            g.diagnostics[0]
                .message
                .contains("report reads dw.d, which load writes")
        );
    }

    #[test]
    fn modify_and_ddl_order_writers_but_appends_do_not() {
        let g = graph(
            &["create", "append1", "append2", "cleanup", "append3"],
            &[
                "CREATE TABLE dw.t (a int);",
                "INSERT INTO dw.t VALUES (1);",
                "COPY dw.t FROM 's3://b/t/';",
                "DELETE FROM dw.t WHERE a < 0;",
                "INSERT INTO dw.t VALUES (2);",
            ],
        );
        assert_eq!(
            edge_list(&g)
                .into_iter()
                .map(|(a, b, _, _)| (a, b))
                .collect::<Vec<_>>(),
            vec![(0, 1), (0, 2), (0, 3), (1, 3), (2, 3), (3, 4)]
        );
        assert_eq!(
            stage_list(&g),
            vec![
                ("y", "sequential", vec!["create"]),
                ("y", "parallel", vec!["append1", "append2"]),
                ("y", "sequential", vec!["cleanup", "append3"])
            ]
        );
    }

    #[test]
    fn readers_that_append_summarise_earlier_appenders() {
        // Every job reads and appends the same log table: a chain, not n^2 edges.
        let sqls: Vec<String> = (0..6)
            .map(|i| format!("INSERT INTO ctl.log SELECT max(id) + {i} FROM ctl.log;"))
            .collect();
        let names: Vec<String> = (0..6).map(|i| format!("j{i}")).collect();
        let g = graph(
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
            &sqls.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(g.edges.len(), 5);
        assert!(g.edges.iter().all(|e| e.to == e.from + 1));
    }

    #[test]
    fn schema_edges_only_where_objects_are_created_or_uncreated() {
        let g = graph(
            &["schema", "table", "insert", "view"],
            &[
                "CREATE SCHEMA s;",
                "CREATE TABLE s.t (a int);",
                "INSERT INTO s.t VALUES (1); INSERT INTO s.pre_existing VALUES (1);",
                "CREATE VIEW s.v AS SELECT * FROM s.t;",
            ],
        );
        assert_eq!(
            edge_list(&g),
            vec![
                (0, 1, "schema", "s".into()),
                (0, 2, "schema", "s".into()),
                (0, 3, "schema", "s".into()),
                (1, 2, "table", "s.t".into()),
                (1, 3, "table", "s.t".into()),
                (2, 3, "table", "s.t".into()),
            ]
        );
    }

    #[test]
    fn file_hand_offs_link_exports_to_imports() {
        let g = graph(
            &["export", "unload", "import", "copy", "copy_all"],
            &[
                "\\export report file=/x/key.txt\nSELECT 1;\n\\export reset\n",
                "UNLOAD ('select 1') TO 's3://b/out/part_';",
                "-- rsqlmig: BQ052 .IMPORT …\n-- .IMPORT VARTEXT FILE=/x/key.txt\n",
                "COPY stg.t FROM 's3://b/out/part_000';",
                "COPY stg.u FROM 's3://b/out/';",
            ],
        );
        assert_eq!(
            edge_list(&g),
            vec![
                (0, 2, "file", "/x/key.txt".into()),
                (1, 3, "file", "s3://b/out/part_".into()),
                (1, 4, "file", "s3://b/out/part_".into()),
            ]
        );
    }

    #[test]
    fn declared_order_wins_over_a_contradicting_edge() {
        let mut specs = jobs(&["a", "b"]);
        specs[0].depends_on = vec!["b".into()];
        let g = graph_with(
            specs,
            None,
            &["INSERT INTO s.t SELECT 1;", "SELECT * FROM s.t;"],
        );
        assert_eq!(edge_list(&g), vec![(1, 0, "declared", String::new())]);
        assert_eq!(codes(&g), vec![rules::CONTRADICTION.code]);
        assert!(g.diagnostics[0].message.contains("(table s.t)"));
        assert_eq!(stage_list(&g), vec![("y", "sequential", vec!["b", "a"])]);
    }

    #[test]
    fn a_cycle_names_every_job_and_table_on_it() {
        let mut specs = jobs(&["load", "merge", "report", "bystander"]);
        specs[0].depends_on = vec!["report".into()];
        let g = graph_with(
            specs,
            None,
            &[
                "INSERT INTO stg.a SELECT 1;",
                "INSERT INTO dw.b SELECT * FROM stg.a;",
                "SELECT * FROM dw.b;",
                "SELECT 1;",
            ],
        );
        let cycle: Vec<_> = g
            .diagnostics
            .iter()
            .filter(|d| d.code == rules::CYCLE.code)
            .collect();
        assert_eq!(cycle.len(), 1);
        let m = &cycle[0].message;
        assert_eq!(
            m,
            "dependency cycle: load -[table stg.a]-> merge -[table dw.b]-> report -[declared]-> load"
        );
        assert!(g.stages.is_empty());
        assert!(g.has_errors());
    }

    #[test]
    fn declared_cycles_are_found_too() {
        let mut specs = jobs(&["a", "b", "c"]);
        specs[0].depends_on = vec!["c".into()];
        specs[1].depends_on = vec!["a".into()];
        specs[2].depends_on = vec!["b".into()];
        let g = graph_with(specs, None, &["", "", ""]);
        assert_eq!(codes(&g), vec![rules::CYCLE.code]);
        assert!(
            g.diagnostics[0]
                .message
                .contains("a -[declared]-> b -[declared]-> c -[declared]-> a")
        );
    }

    #[test]
    fn disabled_jobs_go_last_and_keep_the_order_through_them() {
        let mut specs = jobs(&["a", "off", "b", "c"]);
        specs[1].enabled = false;
        let g = graph_with(
            specs,
            None,
            &[
                "INSERT INTO s.x SELECT 1;",
                "INSERT INTO s.y SELECT * FROM s.x;",
                "SELECT * FROM s.y;",
                "SELECT 1;",
            ],
        );
        assert_eq!(
            stage_list(&g),
            vec![
                ("y", "parallel", vec!["a", "c"]),
                ("y", "sequential", vec!["b"]),
                ("n", "sequential", vec!["off"])
            ]
        );
        let mut specs = jobs(&["a"]);
        specs[0].enabled = false;
        let g = graph_with(specs, None, &["SELECT 1;"]);
        assert_eq!(codes(&g), vec![rules::NO_ENABLED_JOB.code]);
    }

    fn stage(t: ExecutionType, scripts: &[&str]) -> StageSpec {
        StageSpec {
            execution_type: t,
            scripts: scripts.iter().map(|s| s.to_string()).collect(),
            execution_flag: ExecutionFlag::Yes,
        }
    }

    #[test]
    fn explicit_stages_are_checked_against_the_graph() {
        use ExecutionType::*;
        let sqls = [
            "CREATE TABLE s.t (a int);",
            "INSERT INTO s.t VALUES (1);",
            "SELECT * FROM s.t;",
            "SELECT 1;",
        ];
        let ok = graph_with(
            jobs(&["c", "i", "r", "x"]),
            Some(vec![
                stage(Sequential, &["c", "i"]),
                stage(Parallel, &["r", "x"]),
            ]),
            &sqls,
        );
        assert!(ok.explicit_stages);
        assert!(codes(&ok).is_empty(), "{:?}", ok.diagnostics);
        assert_eq!(ok.stages[1].scripts, vec!["r", "x"]);
        let bad = graph_with(
            jobs(&["c", "i", "r", "x"]),
            Some(vec![
                stage(Parallel, &["c", "i"]),
                stage(Sequential, &["zz", "i"]),
                stage(Sequential, &["r"]),
            ]),
            &sqls,
        );
        let messages: Vec<&str> = bad.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            bad.diagnostics
                .iter()
                .filter(|d| d.code != rules::RACE_WRITE.code)
                .all(|d| d.code == rules::STAGE_VIOLATION.code)
        );
        assert!(
            messages.iter().any(|m| m
                .contains("c and i are in one parallel stage (1), but i depends on c (table s.t)")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("zz, which is not a job"))
        );
        assert!(messages.iter().any(|m| m.contains("i is listed twice")));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("x is enabled but in no stage"))
        );
        let backwards = graph_with(
            jobs(&["c", "i", "r", "x"]),
            Some(vec![stage(Sequential, &["r", "c", "i", "x"])]),
            &sqls,
        );
        assert!(
            backwards
                .diagnostics
                .iter()
                .any(|d| d.message == "r runs before c, which it depends on (table s.t)")
        );
    }

    #[test]
    fn explicit_stages_with_disabled_jobs_and_races() {
        use ExecutionType::*;
        let mut specs = jobs(&["a", "b", "off"]);
        specs[2].enabled = false;
        let mut skipped = stage(Sequential, &["off"]);
        skipped.execution_flag = ExecutionFlag::No;
        let g = graph_with(
            specs,
            Some(vec![stage(Parallel, &["a", "b"]), skipped]),
            &[
                "SELECT * FROM s.t;",
                "INSERT INTO s.t SELECT 1;",
                "SELECT 1;",
            ],
        );
        assert_eq!(codes(&g), vec![rules::RACE_READ.code]);
        let mut specs = jobs(&["a", "off"]);
        specs[1].enabled = false;
        let g = graph_with(
            specs,
            Some(vec![stage(Parallel, &["a", "off"])]),
            &["SELECT 1;", "SELECT 1;"],
        );
        assert!(g.diagnostics[0].message.contains("off is disabled"));
    }

    #[test]
    fn race_messages_list_a_few_names() {
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        assert_eq!(join_and(names[..1].iter().copied(), 1), "a");
        assert_eq!(join_and(names[..3].iter().copied(), 3), "a, b and c");
        assert_eq!(
            join_and(names.iter().copied(), 10),
            "a, b, c, d, e, f, g, h and 2 more"
        );
    }

    #[test]
    fn compile_handles_empty_and_all_single_levels() {
        assert_eq!(compile_stages(&[], &[], &[]), Some(vec![]));
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let chain = compile_stages(&names, &[true; 3], &[(0, 1), (1, 2)]).unwrap();
        assert_eq!(chain.len(), 1);
        assert_eq!(chain[0].scripts, names);
        assert_eq!(compile_stages(&names, &[true; 3], &[(0, 1), (1, 0)]), None);
    }

    #[test]
    fn stages_serialise_with_the_framework_keys() {
        let s = Stage {
            execution_flag: ExecutionFlag::Yes,
            execution_type: ExecutionType::Parallel,
            scripts: vec!["a.sh".into()],
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"execution_flag":"y","execution_type":"parallel","scripts":["a.sh"]}"#
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Random DAGs: edges between a random permutation's order, random disabled jobs.
        fn dag() -> impl Strategy<Value = (usize, Vec<(usize, usize)>, Vec<bool>)> {
            (1usize..24).prop_flat_map(|n| {
                (
                    Just(n),
                    Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                    proptest::collection::vec((0..n, 0..n), 0..n * 3),
                    proptest::collection::vec(proptest::bool::weighted(0.85), n),
                )
                    .prop_map(|(n, order, raw, enabled)| {
                        let edges = raw
                            .into_iter()
                            .filter(|(a, b)| a != b)
                            .map(|(a, b)| if order[a] < order[b] { (a, b) } else { (b, a) })
                            .collect();
                        (n, edges, enabled)
                    })
            })
        }

        proptest! {
            #[test]
            fn compiled_stages_respect_every_dependency((n, edges, enabled) in dag()) {
                let names: Vec<String> = (0..n).map(|i| format!("j{i}")).collect();
                let stages = compile_stages(&names, &enabled, &edges).expect("a DAG compiles");
                // Every job exactly once; enabled jobs in running stages, disabled in the last.
                let mut place: HashMap<usize, (usize, usize)> = HashMap::new();
                for (s, stage) in stages.iter().enumerate() {
                    prop_assert!(!stage.scripts.is_empty());
                    for (k, script) in stage.scripts.iter().enumerate() {
                        let j: usize = script[1..].parse().unwrap();
                        prop_assert!(place.insert(j, (s, k)).is_none(), "{} twice", script);
                        prop_assert_eq!(stage.execution_flag == ExecutionFlag::Yes, enabled[j]);
                    }
                }
                prop_assert_eq!(place.len(), n);
                // Reachability between enabled jobs (through disabled ones too).
                let mut succ = vec![Vec::new(); n];
                for &(a, b) in &edges {
                    succ[a].push(b);
                }
                for a in (0..n).filter(|&a| enabled[a]) {
                    let mut seen = vec![false; n];
                    let mut stack = succ[a].clone();
                    while let Some(v) = stack.pop() {
                        if std::mem::replace(&mut seen[v], true) {
                            continue;
                        }
                        stack.extend(succ[v].iter().copied());
                    }
                    for b in (0..n).filter(|&b| seen[b] && enabled[b]) {
                        let (sa, ka) = place[&a];
                        let (sb, kb) = place[&b];
                        prop_assert!(
                            !(sa == sb && stages[sa].execution_type == ExecutionType::Parallel),
                            "dependent j{} and j{} share parallel stage {}", a, b, sa
                        );
                        prop_assert!((sa, ka) < (sb, kb), "j{} must run before j{}", a, b);
                    }
                }
                // No two adjacent sequential stages (they would have been merged).
                for pair in stages.windows(2) {
                    prop_assert!(!(pair[0].execution_type == ExecutionType::Sequential
                        && pair[1].execution_type == ExecutionType::Sequential
                        && pair[1].execution_flag == ExecutionFlag::Yes));
                }
            }
        }
    }
}
