//! Dependency-graph build and stage compilation on a generated catalog (`cargo bench --bench graph`).
//!
//! Generates framework job scripts with realistic SQL (`benches/catalog`: staging COPYs from S3,
//! core jobs that read earlier jobs' tables through temp tables and DELETE/INSERT their own,
//! mart CTAS and UNLOADs, a shared append-only log table every job writes, S3 hand-offs),
//! analyses them, and times `graph::build` (edges, cycle check, stage compilation, race checks)
//! for 1,000 and 5,000 jobs in two shapes: one big workflow, and workflows of 100 jobs. Best of
//! 5, one thread.
//! `RSQLMIG_BENCH_JOBS=a,b` changes the sizes.

// The allocator of the `rsqlmig` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod catalog;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rsqlmig::analysis::{JobAnalysis, Resolver, analyze_job};
use rsqlmig::catalog::{JobSpec, Workflow, WorkflowSpec};
use rsqlmig::graph;

use catalog::{Rng, workflow_id, workflow_scripts};

const RUNS: usize = 5;

/// Job names, enabled flags and edges: what `graph::compile_stages` takes.
type CompileInput = (Vec<String>, Vec<bool>, Vec<(usize, usize)>);

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        black_box(f());
        best = best.min(t.elapsed());
    }
    best
}

struct Shape {
    workflows: Vec<(Workflow, Vec<JobAnalysis>)>,
    analyse: Duration,
    bytes: usize,
}

fn shape(jobs: usize, per_workflow: usize, seed: u64) -> Shape {
    let mut rng = Rng(seed);
    let resolver = Resolver::default();
    let mut out = Vec::new();
    let mut analyse = Duration::ZERO;
    let mut bytes = 0;
    let count = jobs.div_ceil(per_workflow);
    for w in 0..count {
        let n = per_workflow.min(jobs - w * per_workflow);
        let scripts = workflow_scripts(w, n, &mut rng);
        bytes += scripts.iter().map(|(_, s)| s.len()).sum::<usize>();
        let t = Instant::now();
        let analyses: Vec<JobAnalysis> = scripts
            .iter()
            .map(|(name, text)| analyze_job(Path::new(name), text.as_bytes(), &resolver))
            .collect();
        analyse += t.elapsed();
        let spec = WorkflowSpec {
            workflow_id: workflow_id(w),
            description: None,
            cluster: None,
            jobs: scripts
                .iter()
                .map(|(name, _)| JobSpec::new(name.clone()))
                .collect(),
            stages: None,
        };
        let wf = Workflow::from_spec(
            spec,
            PathBuf::from(format!("workflows/{}.yaml", workflow_id(w))),
            PathBuf::from("jobs"),
        );
        out.push((wf, analyses));
    }
    Shape {
        workflows: out,
        analyse,
        bytes,
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::var("RSQLMIG_BENCH_JOBS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 5000]);
    println!(
        "{:>6} {:>12} {:>9} {:>11} {:>13} {:>9} {:>8} {:>8} {:>11}",
        "jobs", "shape", "MB", "analyse", "build+stages", "per job", "edges", "stages", "compile"
    );
    let mut per_job: Vec<(String, usize, f64)> = Vec::new();
    for &jobs in &sizes {
        for per_workflow in [jobs, 100] {
            let s = shape(jobs, per_workflow, 0x6EA9_2024 ^ jobs as u64);
            let refs: Vec<(&Workflow, Vec<Option<&JobAnalysis>>)> = s
                .workflows
                .iter()
                .map(|(wf, a)| (wf, a.iter().map(Some).collect()))
                .collect();
            let graphs: Vec<graph::WorkflowGraph> =
                refs.iter().map(|(wf, a)| graph::build(wf, a)).collect();
            let edges: usize = graphs.iter().map(|g| g.edges.len()).sum();
            let stages: usize = graphs.iter().map(|g| g.stages.len()).sum();
            assert!(
                graphs.iter().all(|g| !g.has_errors()),
                "generated catalog has errors"
            );
            let build = best(RUNS, || {
                refs.iter()
                    .map(|(wf, a)| graph::build(wf, a).edges.len())
                    .sum::<usize>()
            });
            // Stage compilation alone, on the built edges.
            let inputs: Vec<CompileInput> = graphs
                .iter()
                .map(|g| {
                    (
                        g.jobs.iter().map(|j| j.script.clone()).collect(),
                        vec![true; g.jobs.len()],
                        g.edges.iter().map(|e| (e.from, e.to)).collect(),
                    )
                })
                .collect();
            let compile = best(RUNS, || {
                inputs
                    .iter()
                    .map(|(n, e, p)| graph::compile_stages(n, e, p).map_or(0, |s| s.len()))
                    .sum::<usize>()
            });
            let label = format!("{} x {}", s.workflows.len(), per_workflow.min(jobs));
            let us = build.as_secs_f64() * 1e6 / jobs as f64;
            println!(
                "{jobs:>6} {label:>12} {:>9.2} {:>9.1}ms {:>11.2}ms {:>7.1}µs {edges:>8} {stages:>8} {:>9.2}ms",
                s.bytes as f64 / 1e6,
                s.analyse.as_secs_f64() * 1e3,
                build.as_secs_f64() * 1e3,
                us,
                compile.as_secs_f64() * 1e3,
            );
            per_job.push((
                if per_workflow == jobs {
                    "one workflow".into()
                } else {
                    "100-job workflows".into()
                },
                jobs,
                us,
            ));
        }
    }
    if sizes.len() >= 2 {
        for kind in ["one workflow", "100-job workflows"] {
            let pts: Vec<&(String, usize, f64)> = per_job.iter().filter(|p| p.0 == kind).collect();
            if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
                println!(
                    "{kind}: build time per job at {} jobs is {:.2}x that at {} jobs (1.0 = linear)",
                    last.1,
                    last.2 / first.2,
                    first.1
                );
            }
        }
    }
}
