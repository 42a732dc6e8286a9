//! A deterministic, generated job catalog for the benchmarks (`graph`, `publish`).
//!
//! Framework job scripts with realistic SQL: staging COPYs from S3, core jobs that read earlier
//! jobs' tables through temp tables and DELETE/INSERT their own, mart CTAS and UNLOADs, a shared
//! append-only log table every job writes, S3 hand-offs. The same sizes and seed always yield
//! byte-identical scripts. [`write_catalog`] writes them as a catalog directory
//! (`catalog.yaml`, `jobs/`, `workflows/<id>.yaml`) in the format `rsqlmig::catalog` loads.

use std::io;
use std::path::Path;

use rsqlmig::catalog::{JOBS_DIR, JobSpec, SETTINGS_FILE, WORKFLOWS_DIR, WorkflowSpec};

/// xorshift64*: reproducible without a dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The id of generated workflow `w` (also its file stem).
pub fn workflow_id(w: usize) -> String {
    format!("wf_{w:03}")
}

/// The job scripts of one workflow of `n` jobs; `w` scopes its schemas and script names.
pub fn workflow_scripts(w: usize, n: usize, rng: &mut Rng) -> Vec<(String, String)> {
    // Tables written so far, by job, so later jobs read recent outputs (a deep DAG).
    let mut outputs: Vec<String> = Vec::new();
    let mut unloads: Vec<String> = Vec::new();
    let mut scripts = Vec::with_capacity(n);
    for k in 0..n {
        let name = format!("w{w:03}_job_{k:05}.sh");
        let mut sql = String::new();
        let pick = |rng: &mut Rng, outputs: &[String]| -> Option<String> {
            if outputs.is_empty() {
                return None;
            }
            let window = outputs.len().min(40);
            Some(outputs[outputs.len() - 1 - rng.below(window)].clone())
        };
        match k % 10 {
            0..=2 => {
                let t = format!("stg_{w}.src_{k}");
                sql.push_str(&format!(
                    "TRUNCATE {t};\nCOPY {t} FROM 's3://landing/{w}/src_{k}/' IAM_ROLE 'arn:aws:iam::1:role/r' DELIMITER '|';\n"
                ));
                if !unloads.is_empty() && rng.below(4) == 0 {
                    let from = unloads[rng.below(unloads.len())].clone();
                    sql.push_str(&format!(
                        "COPY stg_{w}.feed_{k} FROM '{from}000' IAM_ROLE 'arn:aws:iam::1:role/r';\n"
                    ));
                }
                outputs.push(t);
            }
            3..=7 => {
                let t = format!("core_{w}.fact_{k}");
                let a = pick(rng, &outputs).unwrap_or_else(|| format!("ext_{w}.seed"));
                let b = pick(rng, &outputs).unwrap_or_else(|| format!("ext_{w}.seed"));
                sql.push_str(&format!(
                    "CREATE TEMP TABLE delta_{k} AS\nSELECT a.id, a.amt, b.code\nFROM {a} a\nJOIN {b} b ON b.id = a.id\nWHERE a.load_dt = CURRENT_DATE;\n\
                     DELETE FROM {t} USING delta_{k} d WHERE {t}.id = d.id;\n\
                     INSERT INTO {t} (id, amt, code)\nSELECT id, amt, code FROM delta_{k};\n"
                ));
                if rng.below(3) == 0
                    && let Some(c) = pick(rng, &outputs)
                {
                    sql.push_str(&format!(
                        "UPDATE {t} SET code = r.code FROM {c} r WHERE r.id = {t}.id;\n"
                    ));
                }
                outputs.push(t);
            }
            _ => {
                let t = format!("mart_{w}.agg_{k}");
                let a = pick(rng, &outputs).unwrap_or_else(|| format!("ext_{w}.seed"));
                let path = format!("s3://exports/{w}/agg_{k}_");
                sql.push_str(&format!(
                    "DROP TABLE IF EXISTS {t};\nCREATE TABLE {t} AS\nWITH s AS (SELECT code, SUM(amt) AS amt FROM {a} GROUP BY code)\nSELECT * FROM s;\n\
                     UNLOAD ('select * from {t} where amt > 0') TO '{path}' IAM_ROLE 'arn:aws:iam::1:role/r';\n"
                ));
                unloads.push(path);
                outputs.push(t);
            }
        }
        sql.push_str(&format!(
            "INSERT INTO ctl.job_log (job, ts) VALUES ('{name}', GETDATE());\n"
        ));
        let script = format!(
            "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\n\\echo start\n{sql}\\if :ERROR <> 0\n  \\exit 8\n\\endif\nEOF\nrsqlexitcode=$?\nexit $rsqlexitcode\n"
        );
        scripts.push((name, script));
    }
    scripts
}

/// What [`write_catalog`] wrote.
pub struct Written {
    pub workflows: usize,
    pub jobs: usize,
    /// Bytes of job scripts.
    pub bytes: usize,
}

/// Writes a catalog of `jobs` job scripts in `workflows` workflows (of `jobs / workflows` jobs,
/// rounded up; the last one takes the rest) into `dir`: `catalog.yaml` naming `bucket`, the
/// scripts in `jobs/`, and `workflows/wf_NNN.yaml` listing them in order. No `depends_on`: the
/// graph derives the dependencies from the SQL.
#[allow(dead_code)] // only benches/publish.rs writes a catalog; benches/graph.rs stays in memory
pub fn write_catalog(
    dir: &Path,
    jobs: usize,
    workflows: usize,
    bucket: &str,
    seed: u64,
) -> io::Result<Written> {
    let per_workflow = jobs.div_ceil(workflows.max(1)).max(1);
    std::fs::create_dir_all(dir.join(JOBS_DIR))?;
    std::fs::create_dir_all(dir.join(WORKFLOWS_DIR))?;
    std::fs::write(
        dir.join(SETTINGS_FILE),
        format!(
            "# Generated by benches/catalog: {jobs} jobs in workflows of {per_workflow}.\n\
             aws:\n  bucket: {bucket}\n"
        ),
    )?;
    let mut rng = Rng(seed);
    let mut written = Written {
        workflows: 0,
        jobs: 0,
        bytes: 0,
    };
    for w in 0..jobs.div_ceil(per_workflow) {
        let n = per_workflow.min(jobs - w * per_workflow);
        let scripts = workflow_scripts(w, n, &mut rng);
        for (name, text) in &scripts {
            std::fs::write(dir.join(JOBS_DIR).join(name), text)?;
            written.bytes += text.len();
        }
        let spec = WorkflowSpec {
            workflow_id: workflow_id(w),
            description: Some(format!("generated workflow {w} of {n} jobs")),
            cluster: None,
            jobs: scripts
                .iter()
                .map(|(name, _)| JobSpec::new(name.clone()))
                .collect(),
            stages: None,
        };
        let yaml = serde_yaml::to_string(&spec).map_err(io::Error::other)?;
        std::fs::write(
            dir.join(WORKFLOWS_DIR)
                .join(format!("{}.yaml", spec.workflow_id)),
            yaml,
        )?;
        written.workflows += 1;
        written.jobs += n;
    }
    Ok(written)
}
