//! A deterministic, synthetic BTEQ corpus for the benchmarks.
//!
//! Scripts are assembled from templates that follow the shipped fixtures and the survey in
//! `reference/bteq-corpus.md`: logon includes, error-check scaffolding, exports, imports and
//! Teradata SQL (SEL, QUALIFY, UPDATE … FROM, MERGE, DELETE … ALL, volatile tables, BT/ET).
//! The same `(scripts, seed)` always yields byte-identical files, so figures stay comparable
//! across runs and machines. Scripts are grouped into workflow directories of about 20.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use words::*;

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub files: usize,
    pub bytes: u64,
    /// Each workflow folder's name and the file names of its scripts, in job order.
    pub workflows: Vec<(String, Vec<String>)>,
}

/// SplitMix64: tiny and well distributed; no crate, so the corpus never drifts with a version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// `a` with probability `percent`, else `b`.
    fn either<T>(&mut self, percent: usize, a: T, b: T) -> T {
        if self.chance(percent) { a } else { b }
    }
    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }
    /// Between `lo` and `hi` distinct items, in random order.
    fn distinct<T: Copy>(&mut self, items: &[T], lo: usize, hi: usize) -> Vec<T> {
        let n = self.range(lo, hi).min(items.len());
        let mut pool = items.to_vec();
        for i in 0..n {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(n);
        pool
    }
}

/// Name parts and shell forms; compact tables, so rustfmt is told to leave them alone.
#[rustfmt::skip]
mod words {
    pub const SUBJECTS: &[&str] = &["ACCT", "CUST", "TXN", "CLAIM", "POLICY", "STORE", "ITEM",
        "SUBSCR", "GL", "PARTY", "CDR", "MBR", "ORDER", "SHIPMT", "INVOICE", "PYMT", "CARD", "LOAN"];
    pub const SUFFIXES: &[&str] = &["DLY", "STG", "HIST", "SNAP", "FACT", "DIM", "DELTA", "AGG",
        "XREF", "CURR"];
    pub const KEYS: &[&str] = &["ACCT_ID", "CUST_ID", "PARTY_ID", "STORE_NBR", "ITEM_NBR",
        "SUBSCR_ID", "CLAIM_ID", "POLICY_NBR", "BRANCH_ID", "GL_ACCT_NO", "MBR_ID", "ORDER_ID"];
    pub const MEASURES: &[&str] = &["TXN_AMT", "DISC_AMT", "NET_AMT", "QTY", "BAL_AMT", "FEE_AMT",
        "CHRG_AMT", "PAID_AMT", "UNITS", "RISK_SCORE", "CALL_DUR_SEC", "TAX_AMT"];
    pub const CODES: &[&str] = &["STATUS_CD", "SRC_SYS_CD", "REGION_CD", "CCY_CD", "PLAN_CD",
        "CHANNEL_CD", "SEGMENT_CD"];
    pub const DATES: &[&str] = &["TXN_DT", "EFF_DT", "POST_DT", "BUS_DT", "LOAD_DT"];
    pub const LABELS: &[&str] = &["ERRORS", "ERRORS", "EXITERR", "ERROR_END", "FAILURE"];
    pub const DELIMITERS: &[&str] = &["EOF", "EOF", "EOF", "EOF1", "!EOF!", "EOFBTEQ", "eof"];
    pub const REDIRECTS: &[&str] = &["> $LOG 2>&1", ">> ${LOG_DIR}/${JOB}.log 2>&1",
        "| tee -a \"$LOG\"", "&>> ${LOG}", "> ${LOG} 2>${ERR}", ""];
    /// Database placeholder styles seen in production: shell variables, CBA `%%X%%`,
    /// FSDM `&&X`, literal names.
    pub const DATABASES: &[[&str; 3]] = &[
        ["${TGT_DB}", "${STG_DB}", "${WRK_DB}"], ["${TGT_DB}", "${STG_DB}", "${WRK_DB}"],
        ["${TGT_DB}", "${STG_DB}", "${WRK_DB}"], ["$NCR_TGT_SCHEMA", "$NCR_STG_SCHEMA", "$WRK"],
        ["%%STARDATADB%%", "%%DDSTG%%", "%%DDWRK%%"], ["&&ENV_LDR", "&&ENV_STG", "&&ENV_WRK"],
        ["EDW_PROD", "EDW_STAGING", "EDW_WORK"]];
    /// What the catalog resolves the placeholders of [`DATABASES`] to.
    #[allow(dead_code)]
    pub const CATALOG_VARS: &[(&str, &str)] = &[("TGT_DB", "edw"), ("STG_DB", "edw_stg"),
        ("WRK_DB", "edw_wrk"), ("NCR_TGT_SCHEMA", "edwhr"), ("NCR_STG_SCHEMA", "edwhr_staging"),
        ("WRK", "edwhr_wrk"), ("STARDATADB", "cba_star"), ("DDSTG", "cba_stg"),
        ("DDWRK", "cba_wrk"), ("ENV_LDR", "fsdm"), ("ENV_STG", "fsdm_stg"),
        ("ENV_WRK", "fsdm_wrk")];
    /// What a wrapper does after a top-level heredoc.
    pub const RC_CHECK: &str = "RETURN_CD=$?
if [ $RETURN_CD -ne 0 ]; then
   echo \"$JOB failed rc=$RETURN_CD\" >> $LOG
   exit $RETURN_CD
fi

";
}

/// One workflow's shared naming: subject area, databases, logon and error-label style.
struct Flow {
    subject: &'static str,
    dbs: [&'static str; 3],
    logon: usize,
    label: &'static str,
}

/// Builds one BTEQ session: a whole `.btq` file, or one heredoc body.
struct Session<'a> {
    rng: &'a mut Rng,
    flow: &'a Flow,
    out: String,
    check: usize,
    steps: usize,
}

/// `writeln!` into the session text (writing to a `String` cannot fail).
macro_rules! w {
    ($s:expr) => {{ $s.out.push('\n'); }};
    ($s:expr, $($arg:tt)*) => {{ let _ = writeln!($s.out, $($arg)*); }};
}

impl Session<'_> {
    /// A table in target (0), staging (1) or work (2) database; mostly the flow's subject.
    fn table(&mut self, db: usize) -> String {
        let (db, other) = (self.flow.dbs[db], self.rng.pick(SUBJECTS));
        let subject = self.rng.either(70, self.flow.subject, other);
        let suffix = self.rng.pick(SUFFIXES);
        format!("{db}.{subject}_{suffix}")
    }

    /// The error check after a request; one style per session, as real scripts do.
    fn check(&mut self) {
        let label = self.flow.label;
        match self.check {
            0 | 1 => w!(self, ".IF ERRORCODE <> 0 THEN .GOTO {label}"),
            2 => w!(self, ".if errorcode <> 0 then .goto {label}"),
            3 => w!(self, ".IF ERRORCODE <> 0 THEN .QUIT 8;"),
            _ => w!(self, ".IF ERRORCODE <> 0 THEN .QUIT ERRORCODE;"),
        }
    }

    fn header(&mut self, job: &str) {
        match self.flow.logon {
            0 => w!(self, ".LOGON ${{TDPID}}/${{TDUSER}},${{TDPASS}};"),
            1 => w!(self, ".RUN FILE=${{LOGON_DIR}}/logon.btq;"),
            2 => w!(self, ".run file $LOGON/${{LOGON_ID}};"),
            3 => w!(self, ".RUN FILE=%%BTEQ_LOGON_SCRIPT%%"),
            _ => w!(
                self,
                ".LOGMECH LDAP;\n.logon ${{TDPID}}/${{TDUSER}},${{TDPASS}}"
            ),
        }
        let width = self.rng.pick(&[200, 254, 500, 65531]);
        w!(self, ".SET WIDTH {width}");
        for (percent, line) in [
            (40, ".SET QUIET ON"),
            (40, ".SET ERRORLEVEL 3807 SEVERITY 0"),
            (50, ".SET ERROROUT STDOUT"),
        ] {
            if self.rng.chance(percent) {
                w!(self, "{line}");
            }
        }
        let subject = self.flow.subject;
        w!(
            self,
            "\nSET QUERY_BAND = 'App={subject};Job={job};' FOR SESSION;"
        );
        if self.rng.chance(50) {
            w!(self, "\nDATABASE {};", self.flow.dbs[0]);
        }
    }

    fn footer(&mut self) {
        let label = self.flow.label;
        w!(
            self,
            "\n.LOGOFF\n.QUIT 0\n\n.LABEL {label}\n.QUIT ERRORCODE"
        );
    }

    /// Appends one step (a request or a small group of them) with its comment and checks.
    fn step(&mut self) {
        self.steps += 1;
        let (n, subject) = (self.steps, self.flow.subject);
        match self.rng.below(4) {
            0 => w!(self, "\n**** STEP {n} ****"),
            1 => w!(self, "\n/* step {n}: {subject} refresh */"),
            2 => w!(self, "\n-- step {n}"),
            _ => w!(self),
        }
        match self.rng.below(20) {
            0..=4 => self.insert_select(),
            5..=6 => self.update_from(),
            7..=8 => self.merge(),
            9..=10 => self.delete(),
            11..=12 => self.volatile(),
            13 => self.drop_if_exists(),
            14..=15 => self.export(),
            16 => self.import(),
            17 => self.transaction(),
            _ => self.collect(),
        }
    }

    fn insert_select(&mut self) {
        let (tgt, src) = (self.table(0), self.table(1));
        let keys = self.rng.distinct(KEYS, 1, 3);
        let measures = self.rng.distinct(MEASURES, 1, 4);
        let cols: Vec<&str> = keys.iter().chain(&measures).copied().collect();
        let list = cols.join(", ");
        w!(self, "INSERT INTO {tgt}\n      ({list}, LOAD_TS)");
        let sel = self.rng.either(25, "SEL   ", "SELECT");
        let windowed = self.rng.chance(30);
        for (i, c) in cols.iter().enumerate() {
            let lead = if i == 0 { sel } else { "     ," };
            if i >= keys.len() && !windowed {
                w!(self, "{lead} SUM(s.{c})");
            } else {
                w!(self, "{lead} s.{c}");
            }
        }
        w!(self, "     , CURRENT_TIMESTAMP(0)\nFROM   {src} s");
        let (dt, code) = (self.rng.pick(DATES), self.rng.pick(CODES));
        let days = self.rng.range(1, 7);
        if self.rng.chance(50) {
            w!(
                self,
                "WHERE  s.{dt} = CAST('${{RUN_DT}}' AS DATE FORMAT 'YYYYMMDD')"
            );
        } else {
            w!(self, "WHERE  s.{dt} = CURRENT_DATE - {days}");
        }
        w!(self, "AND    s.{code} IN ('A', 'P')");
        if windowed {
            let key = keys[0];
            w!(
                self,
                "QUALIFY ROW_NUMBER() OVER (PARTITION BY s.{key} ORDER BY s.SRC_UPD_TS DESC) = 1;"
            );
        } else {
            let ordinals: Vec<String> = (1..=keys.len()).map(|i| i.to_string()).collect();
            w!(self, "GROUP BY {};", ordinals.join(","));
        }
        self.check();
    }

    /// Teradata's `UPDATE alias FROM t alias, s SET …` form.
    fn update_from(&mut self) {
        let (tgt, src) = (self.table(0), self.table(2));
        let keys = self.rng.distinct(KEYS, 2, 2);
        let (k1, k2) = (keys[0], keys[1]);
        w!(self, "UPDATE tgt\nFROM   {tgt} tgt, {src} src");
        for (i, c) in self.rng.distinct(MEASURES, 1, 3).iter().enumerate() {
            let lead = if i == 0 { "SET   " } else { "     ," };
            w!(self, "{lead} {c} = src.{c}");
        }
        w!(self, "     , UPD_TS = CURRENT_TIMESTAMP(0)");
        w!(
            self,
            "WHERE  tgt.{k1} = src.{k1}\nAND    tgt.{k2} = src.{k2};"
        );
        self.check();
    }

    fn merge(&mut self) {
        let (tgt, src, key) = (self.table(0), self.table(1), self.rng.pick(KEYS));
        let m = self.rng.distinct(MEASURES, 2, 2);
        let (m1, m2) = (m[0], m[1]);
        w!(
            self,
            "MERGE INTO {tgt} TGT
USING {src} SRC
   ON TGT.{key} = SRC.{key}
WHEN MATCHED THEN UPDATE
   SET {m1} = SRC.{m1}
     , {m2} = SRC.{m2}
     , UPD_TS = CURRENT_TIMESTAMP(0)
WHEN NOT MATCHED THEN INSERT
   ({key}, {m1}, {m2}, UPD_TS)
   VALUES (SRC.{key}, SRC.{m1}, SRC.{m2}, CURRENT_TIMESTAMP(0));"
        );
        self.check();
    }

    fn delete(&mut self) {
        let t = self.table(1);
        let (dt, months) = (self.rng.pick(DATES), self.rng.range(2, 36));
        match self.rng.below(3) {
            0 => w!(self, "DELETE FROM {t} ALL;"),
            1 => w!(self, "Delete from {t} All\n;"),
            _ => w!(
                self,
                "DEL FROM {t} WHERE {dt} < ADD_MONTHS(CURRENT_DATE, -{months});"
            ),
        }
        self.check();
    }

    fn volatile(&mut self) {
        let (src, key, m) = (self.table(1), self.rng.pick(KEYS), self.rng.pick(MEASURES));
        let (code, dt) = (self.rng.pick(CODES), self.rng.pick(DATES));
        let days = self.rng.range(1, 30);
        let (subject, n) = (self.flow.subject, self.steps);
        w!(
            self,
            "CREATE VOLATILE MULTISET TABLE VT_{subject}_{n} AS
( SEL  {key}
       , {m}
       , {code}
  FROM {src}
  WHERE {dt} >= CAST('${{RUN_DT}}' AS DATE FORMAT 'YYYYMMDD') - {days}
  QUALIFY RANK() OVER (PARTITION BY {key} ORDER BY {dt} DESC) = 1
) WITH DATA PRIMARY INDEX ({key})
ON COMMIT PRESERVE ROWS;"
        );
        self.check();
    }

    /// The dbc.TablesV probe with a reused `ok` label (a forward `.GOTO` finds the next one).
    fn drop_if_exists(&mut self) {
        let db = self.flow.dbs[2];
        for _ in 0..self.rng.range(1, 3) {
            let name = format!("{}_{}_TMP", self.flow.subject, self.rng.pick(SUFFIXES));
            w!(
                self,
                "SELECT 1 FROM dbc.TablesV WHERE DatabaseName = '{db}' AND TableName = '{name}';
.IF ACTIVITYCOUNT = 0 THEN .GOTO ok
DROP TABLE {db}.{name};
.label ok;
"
            );
        }
    }

    fn export(&mut self) {
        let (t, key, m) = (self.table(0), self.rng.pick(KEYS), self.rng.pick(MEASURES));
        let file = format!("{}_{}", self.flow.subject.to_ascii_lowercase(), self.steps);
        let dt = self.rng.pick(DATES);
        if self.rng.chance(50) {
            w!(self, ".SET TITLEDASHES OFF");
        }
        w!(
            self,
            ".EXPORT REPORT FILE=/data/out/{file}_${{RUN_DT}}.txt\n"
        );
        if self.rng.chance(50) {
            w!(self, "SELECT '{key}|{m}' (TITLE '');\n");
        }
        w!(
            self,
            "LOCKING ROW FOR ACCESS
SELECT  TRIM({key}) || '|' ||
        TRIM(CAST(SUM({m}) AS DECIMAL(15,2))) (TITLE '')
FROM    {t}
WHERE   {dt} = CURRENT_DATE - 1
GROUP BY {key}
ORDER BY 1;"
        );
        self.check();
        w!(self, "\n.EXPORT RESET");
    }

    /// CBA-style single-row hand-off: read a batch key from a file written by an earlier job.
    fn import(&mut self) {
        let (db, subject) = (self.flow.dbs[0], self.flow.subject);
        w!(
            self,
            ".IMPORT VARTEXT FILE=/sched/{subject}_BTCH_KEY.txt
USING ( FILLER CHAR(24), BTCH_KEY CHAR(10) )
UPDATE {db}.UTIL_PROS_ISAC
SET    BTCH_STUS_C = 'RUNNING'
     , UPDT_TS     = CURRENT_TIMESTAMP(0)
WHERE  BTCH_KEY_I  = CAST(trim(:BTCH_KEY) AS DECIMAL(10,0));"
        );
        self.check();
    }

    fn transaction(&mut self) {
        w!(self, "BT;\n");
        self.update_from();
        w!(self);
        self.insert_select();
        w!(self, "\nET;");
        self.check();
    }

    fn collect(&mut self) {
        let (t, key) = (self.table(0), self.rng.pick(KEYS));
        let stats = self.rng.either(70, "STATISTICS", "STATS");
        w!(self, "COLLECT {stats} ON {t} COLUMN ({key});");
    }
}

/// A size in bytes: log-uniform 1–16 KB for most scripts, a Pareto tail up to 1 MB for the
/// rest; the mean comes out near 10 KB, with a few scripts in the hundreds of KB.
fn target_size(rng: &mut Rng) -> usize {
    const KB: f64 = 1024.0;
    let size = if rng.chance(90) {
        KB * 16f64.powf(rng.unit())
    } else {
        16.0 * KB * rng.unit().powf(-1.0 / 1.5)
    };
    size.min(1024.0 * KB) as usize
}

/// One BTEQ session of roughly `size` bytes: header, steps until the size is reached, footer.
fn session(rng: &mut Rng, flow: &Flow, job: &str, size: usize) -> String {
    let check = rng.below(5);
    let out = String::with_capacity(size + 2048);
    let mut s = Session {
        rng,
        flow,
        out,
        check,
        steps: 0,
    };
    s.header(job);
    while s.out.len() + 60 < size {
        s.step();
    }
    s.footer();
    s.out
}

fn plain_script(rng: &mut Rng, flow: &Flow, job: &str, size: usize) -> String {
    let (subject, [tgt, stg, _]) = (flow.subject, flow.dbs);
    let purpose = format!("Load {subject} data from {stg} into {tgt}");
    let mut t = if rng.chance(50) {
        let bar = "*".repeat(77);
        format!("/{bar}\n * Job Name : {job}\n * Purpose  : {purpose}\n {bar}/\n")
    } else {
        let bar = "*".repeat(65);
        format!("{bar}\n* Job      : {job}\n* Purpose  : {purpose}\n{bar}\n")
    };
    t.push_str(&session(rng, flow, job, size.saturating_sub(t.len())));
    t
}

fn shell_script(rng: &mut Rng, flow: &Flow, job: &str, size: usize, shell: &str) -> String {
    let (bar, parm) = ("=".repeat(70), flow.subject.to_ascii_lowercase());
    let mut t = format!(
        "#!/bin/{shell}
#{bar}
# {job}: daily batch, one BTEQ session per step
#{bar}
. ${{ETL_HOME}}/config/{parm}.parm
JOB={job}
RUN_DT=$(date +%Y%m%d)
LOG=${{LOG_DIR}}/{job}_${{RUN_DT}}.log
ERR=${{LOG}}.err

"
    );
    // Some files hold several sessions, often one per shell function (DBQL tool, franchise lib).
    let several = rng.range(2, 4);
    let heredocs = rng.either(30, several, 1);
    for h in 0..heredocs {
        let (delim, redirect) = (rng.pick(DELIMITERS), rng.pick(REDIRECTS));
        let in_function = heredocs > 1 && rng.chance(70);
        if in_function {
            let _ = writeln!(t, "step_{h}() {{");
        }
        let _ = writeln!(t, "bteq <<{delim} {redirect}");
        t.push_str(&session(rng, flow, job, size / heredocs));
        let _ = writeln!(t, "{delim}");
        if in_function {
            let _ = writeln!(t, "return $?\n}}\n\nstep_{h} || exit $?\n");
        } else {
            t.push_str(RC_CHECK);
        }
    }
    t.push_str("exit 0\n");
    t
}

/// Writes `scripts` scripts under `dir` (created if needed) in workflow folders of 15–25
/// scripts: ~60% plain `.btq`, ~25% `.sh`, ~15% `.ksh`. Deterministic for a given `seed`.
pub fn generate(dir: &Path, scripts: usize, seed: u64) -> Stats {
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    let mut flow_no = 0;
    while stats.files < scripts {
        flow_no += 1;
        let flow = Flow {
            subject: rng.pick(SUBJECTS),
            dbs: rng.pick(DATABASES),
            logon: rng.below(5),
            label: rng.pick(LABELS),
        };
        let flow_name = format!("wf_{flow_no:04}_{}", flow.subject.to_ascii_lowercase());
        let flow_dir = dir.join(&flow_name);
        fs::create_dir_all(&flow_dir).expect("create corpus directory");
        let mut names = Vec::new();
        for _ in 0..rng.range(15, 25).min(scripts - stats.files) {
            let job = format!("{}_{}_{:05}", flow.subject, rng.pick(SUFFIXES), stats.files);
            let size = target_size(&mut rng);
            let (ext, text) = match rng.below(100) {
                0..=59 => ("btq", plain_script(&mut rng, &flow, &job, size)),
                60..=84 => ("sh", shell_script(&mut rng, &flow, &job, size, "bash")),
                _ => ("ksh", shell_script(&mut rng, &flow, &job, size, "ksh")),
            };
            let name = format!("{}.{ext}", job.to_ascii_lowercase());
            fs::write(flow_dir.join(&name), &text).expect("write corpus script");
            names.push(name);
            stats.files += 1;
            stats.bytes += text.len() as u64;
        }
        stats.workflows.push((flow_name, names));
    }
    stats
}

/// Writes a catalog over the corpus to `dir`: `catalog.yaml` (the corpus's placeholders
/// resolved) and one workflow per corpus folder whose jobs are the
/// folder's scripts converted to framework jobs (`x.btq` becomes `x.sh`; shell scripts keep
/// their names). The job scripts themselves are for the caller to put in `dir/jobs`.
#[allow(dead_code)] // only the scale bench writes a catalog
pub fn write_catalog(dir: &Path, stats: &Stats) {
    fs::create_dir_all(dir.join("workflows")).expect("create catalog directory");
    let mut settings = String::from("# Generated over the benchmark corpus.\nvars:\n");
    for (var, value) in CATALOG_VARS {
        let _ = writeln!(settings, "  {var}: {value}");
    }
    fs::write(dir.join("catalog.yaml"), settings).expect("write catalog.yaml");
    for (flow, scripts) in &stats.workflows {
        let mut yaml = format!("workflow_id: {flow}\njobs:\n");
        for script in scripts {
            let job = script
                .strip_suffix(".btq")
                .map_or_else(|| script.clone(), |stem| format!("{stem}.sh"));
            let _ = writeln!(yaml, "  - script: {job}");
        }
        fs::write(dir.join("workflows").join(format!("{flow}.yaml")), yaml)
            .expect("write workflow");
    }
}
