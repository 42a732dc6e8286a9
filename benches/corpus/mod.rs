//! A deterministic, synthetic BTEQ corpus for the benchmarks.
//!
//! Scripts are assembled from templates that follow the shipped fixtures and the survey in
//! `reference/bteq-corpus.md`: logon includes, error-check scaffolding, exports, imports,
//! Teradata SQL (SEL, QUALIFY, UPDATE … FROM, MERGE, DELETE … ALL, volatile tables, BT/ET).
//! The same `(scripts, seed)` always yields byte-identical files, so figures are comparable
//! across runs and machines. Scripts are grouped into workflow directories of about 20.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// What [`generate`] wrote.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub files: usize,
    pub bytes: u64,
}

/// SplitMix64: tiny and well distributed; keeps the corpus free of crate-version drift.
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
    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }
    /// Between `lo` and `hi` distinct items, in random order.
    fn distinct<T: Copy>(&mut self, items: &[T], lo: usize, hi: usize) -> Vec<T> {
        let n = self.range(lo, hi);
        let mut pool = items.to_vec();
        for i in 0..n.min(pool.len()) {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(n);
        pool
    }
}

const SUBJECTS: &[&str] = &[
    "ACCT", "CUST", "TXN", "CLAIM", "POLICY", "STORE", "ITEM", "SUBSCR", "GL", "PARTY", "CDR",
    "MBR", "ORDER", "SHIPMT", "INVOICE", "PYMT", "CARD", "LOAN", "FEE", "CVRG",
];
const SUFFIXES: &[&str] = &[
    "DLY", "STG", "HIST", "SNAP", "FACT", "DIM", "DELTA", "AGG", "XREF", "CURR",
];
const KEYS: &[&str] = &[
    "ACCT_ID",
    "CUST_ID",
    "PARTY_ID",
    "STORE_NBR",
    "ITEM_NBR",
    "SUBSCR_ID",
    "CLAIM_ID",
    "POLICY_NBR",
    "BRANCH_ID",
    "GL_ACCT_NO",
    "MBR_ID",
    "ORDER_ID",
];
const MEASURES: &[&str] = &[
    "TXN_AMT",
    "DISC_AMT",
    "NET_AMT",
    "QTY",
    "BAL_AMT",
    "FEE_AMT",
    "CHRG_AMT",
    "PAID_AMT",
    "UNITS",
    "RISK_SCORE",
    "CALL_DUR_SEC",
    "TAX_AMT",
];
const CODES: &[&str] = &[
    "STATUS_CD",
    "SRC_SYS_CD",
    "REGION_CD",
    "CCY_CD",
    "PLAN_CD",
    "CHANNEL_CD",
    "SEGMENT_CD",
];
const DATES: &[&str] = &["TXN_DT", "EFF_DT", "POST_DT", "BUS_DT", "LOAD_DT"];
const DELIMITERS: &[&str] = &["EOF", "EOF", "EOF", "EOF1", "!EOF!", "EOFBTEQ", "eof"];
const REDIRECTS: &[&str] = &[
    "> $LOG 2>&1",
    ">> ${LOG_DIR}/${JOB}.log 2>&1",
    "| tee -a \"$LOG\"",
    "&>> ${LOG}",
    "> ${LOG} 2>${ERR}",
    "",
];

/// One workflow's shared naming: a subject area, database placeholders, logon and label style.
struct Flow {
    subject: &'static str,
    tgt: String,
    stg: String,
    wrk: String,
    logon: usize,
    label: &'static str,
}

impl Flow {
    fn new(rng: &mut Rng) -> Flow {
        // Placeholder styles seen in production: shell vars, CBA `%%X%%`, FSDM `&&X`, literal names.
        let (tgt, stg, wrk) = match rng.below(10) {
            0..=5 => ("${TGT_DB}", "${STG_DB}", "${WRK_DB}"),
            6 => ("$NCR_TGT_SCHEMA", "$NCR_STG_SCHEMA", "$NCR_WRK_SCHEMA"),
            7 => ("%%STARDATADB%%", "%%DDSTG%%", "%%DDWRK%%"),
            8 => ("&&ENV_LDR", "&&ENV_STG", "&&ENV_WRK"),
            _ => ("EDW_PROD", "EDW_STAGING", "EDW_WORK"),
        };
        Flow {
            subject: rng.pick(SUBJECTS),
            tgt: tgt.into(),
            stg: stg.into(),
            wrk: wrk.into(),
            logon: rng.below(5),
            label: rng.pick(&["ERRORS", "ERRORS", "EXITERR", "ERROR_END", "FAILURE"]),
        }
    }
}

/// Builds one BTEQ session (the whole `.btq`, or one heredoc body).
struct Session<'a> {
    rng: &'a mut Rng,
    flow: &'a Flow,
    out: String,
    check: usize,
    steps: usize,
}

/// `writeln!` into the session text; writing to a `String` cannot fail.
macro_rules! w {
    ($s:expr) => {{ $s.out.push('\n'); }};
    ($s:expr, $($arg:tt)*) => {{ let _ = writeln!($s.out, $($arg)*); }};
}

impl Session<'_> {
    fn table(&mut self, db: &str) -> String {
        let subject = if self.rng.chance(70) {
            self.flow.subject
        } else {
            self.rng.pick(SUBJECTS)
        };
        format!("{db}.{subject}_{}", self.rng.pick(SUFFIXES))
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
        w!(
            self,
            ".SET WIDTH {}",
            self.rng.pick(&[200, 254, 500, 65531])
        );
        if self.rng.chance(40) {
            w!(self, ".SET QUIET ON");
        }
        if self.rng.chance(40) {
            w!(self, ".SET ERRORLEVEL 3807 SEVERITY 0");
        }
        if self.rng.chance(50) {
            w!(self, ".SET ERROROUT STDOUT");
        }
        w!(
            self,
            "\nSET QUERY_BAND = 'App={};Job={job};' FOR SESSION;",
            self.flow.subject
        );
        if self.rng.chance(50) {
            w!(self, "\nDATABASE {};", self.flow.tgt);
        }
    }

    fn footer(&mut self) {
        let label = self.flow.label;
        w!(
            self,
            "\n.LOGOFF\n.QUIT 0\n\n.LABEL {label}\n.QUIT ERRORCODE"
        );
    }

    /// Appends one step (a request or a small group of them) with its comments and checks.
    fn step(&mut self) {
        self.steps += 1;
        match self.rng.below(4) {
            0 => w!(self, "\n**** STEP {} ****", self.steps),
            1 => w!(
                self,
                "\n/* step {}: {} refresh */",
                self.steps,
                self.flow.subject
            ),
            2 => w!(self, "\n-- step {}", self.steps),
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
        let (tgt, src) = (self.table(&self.flow.tgt), self.table(&self.flow.stg));
        let keys = self.rng.distinct(KEYS, 1, 3);
        let measures = self.rng.distinct(MEASURES, 1, 4);
        let dt = self.rng.pick(DATES);
        let cols: Vec<&str> = keys.iter().chain(&measures).copied().collect();
        w!(
            self,
            "INSERT INTO {tgt}\n      ({}, LOAD_TS)",
            cols.join(", ")
        );
        let sel = if self.rng.chance(25) {
            "SEL   "
        } else {
            "SELECT"
        };
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
        if self.rng.chance(50) {
            w!(
                self,
                "WHERE  s.{dt} = CAST('${{RUN_DT}}' AS DATE FORMAT 'YYYYMMDD')"
            );
        } else {
            w!(
                self,
                "WHERE  s.{dt} = CURRENT_DATE - {}",
                self.rng.range(1, 7)
            );
        }
        w!(self, "AND    s.{} IN ('A', 'P')", self.rng.pick(CODES));
        if windowed {
            w!(
                self,
                "QUALIFY ROW_NUMBER() OVER (PARTITION BY s.{} ORDER BY s.SRC_UPD_TS DESC) = 1;",
                keys[0]
            );
        } else {
            let ordinals: Vec<String> = (1..=keys.len()).map(|i| i.to_string()).collect();
            w!(self, "GROUP BY {};", ordinals.join(","));
        }
        self.check();
    }

    fn update_from(&mut self) {
        let (tgt, src) = (self.table(&self.flow.tgt), self.table(&self.flow.wrk));
        let keys = self.rng.distinct(KEYS, 2, 2);
        let sets = self.rng.distinct(MEASURES, 1, 3);
        w!(self, "UPDATE tgt\nFROM   {tgt} tgt, {src} src");
        for (i, c) in sets.iter().enumerate() {
            w!(
                self,
                "{} {c} = src.{c}",
                if i == 0 { "SET   " } else { "     ," }
            );
        }
        w!(self, "     , UPD_TS = CURRENT_TIMESTAMP(0)");
        w!(
            self,
            "WHERE  tgt.{0} = src.{0}\nAND    tgt.{1} = src.{1};",
            keys[0],
            keys[1]
        );
        self.check();
    }

    fn merge(&mut self) {
        let (tgt, src) = (self.table(&self.flow.tgt), self.table(&self.flow.stg));
        let key = self.rng.pick(KEYS);
        let m = self.rng.distinct(MEASURES, 2, 2);
        w!(
            self,
            "MERGE INTO {tgt} TGT\nUSING {src} SRC\n   ON TGT.{key} = SRC.{key}"
        );
        w!(
            self,
            "WHEN MATCHED THEN UPDATE\n   SET {0} = SRC.{0}\n     , {1} = SRC.{1}",
            m[0],
            m[1]
        );
        w!(
            self,
            "     , UPD_TS = CURRENT_TIMESTAMP(0)\nWHEN NOT MATCHED THEN INSERT"
        );
        w!(self, "   ({key}, {0}, {1}, UPD_TS)", m[0], m[1]);
        w!(
            self,
            "   VALUES (SRC.{key}, SRC.{0}, SRC.{1}, CURRENT_TIMESTAMP(0));",
            m[0],
            m[1]
        );
        self.check();
    }

    fn delete(&mut self) {
        let t = self.table(&self.flow.stg);
        match self.rng.below(3) {
            0 => w!(self, "DELETE FROM {t} ALL;"),
            1 => w!(self, "Delete from {t} All\n;"),
            _ => w!(
                self,
                "DEL FROM {t} WHERE {} < ADD_MONTHS(CURRENT_DATE, -{});",
                self.rng.pick(DATES),
                self.rng.range(2, 36)
            ),
        }
        self.check();
    }

    fn volatile(&mut self) {
        let src = self.table(&self.flow.stg);
        let key = self.rng.pick(KEYS);
        let (m, code, dt) = (
            self.rng.pick(MEASURES),
            self.rng.pick(CODES),
            self.rng.pick(DATES),
        );
        w!(
            self,
            "CREATE VOLATILE MULTISET TABLE VT_{}_{} AS",
            self.flow.subject,
            self.steps
        );
        w!(
            self,
            "( SEL  {key}\n       , {m}\n       , {code}\n  FROM {src}"
        );
        w!(
            self,
            "  WHERE {dt} >= CAST('${{RUN_DT}}' AS DATE FORMAT 'YYYYMMDD') - {}",
            self.rng.range(1, 30)
        );
        w!(
            self,
            "  QUALIFY RANK() OVER (PARTITION BY {key} ORDER BY {dt} DESC) = 1"
        );
        w!(
            self,
            ") WITH DATA PRIMARY INDEX ({key})\nON COMMIT PRESERVE ROWS;"
        );
        self.check();
    }

    /// The dbc.TablesV probe with a reused `ok` label (forward `.GOTO` finds the next one).
    fn drop_if_exists(&mut self) {
        let db = self.flow.wrk.clone();
        for _ in 0..self.rng.range(1, 3) {
            let name = format!("{}_{}_TMP", self.flow.subject, self.rng.pick(SUFFIXES));
            w!(
                self,
                "SELECT 1 FROM dbc.TablesV WHERE DatabaseName = '{db}' AND TableName = '{name}';"
            );
            w!(
                self,
                ".IF ACTIVITYCOUNT = 0 THEN .GOTO ok\nDROP TABLE {db}.{name};\n.label ok;\n"
            );
        }
    }

    fn export(&mut self) {
        let t = self.table(&self.flow.tgt);
        let (key, m, dt) = (
            self.rng.pick(KEYS),
            self.rng.pick(MEASURES),
            self.rng.pick(DATES),
        );
        if self.rng.chance(50) {
            w!(self, ".SET TITLEDASHES OFF");
        }
        let file = format!("{}_{}", self.flow.subject.to_ascii_lowercase(), self.steps);
        w!(
            self,
            ".EXPORT REPORT FILE=/data/out/{file}_${{RUN_DT}}.txt\n"
        );
        if self.rng.chance(50) {
            w!(self, "SELECT '{key}|{m}' (TITLE '');\n");
        }
        w!(
            self,
            "LOCKING ROW FOR ACCESS\nSELECT  TRIM({key}) || '|' ||"
        );
        w!(
            self,
            "        TRIM(CAST(SUM({m}) AS DECIMAL(15,2))) (TITLE '')\nFROM    {t}"
        );
        w!(
            self,
            "WHERE   {dt} = CURRENT_DATE - 1\nGROUP BY {key}\nORDER BY 1;"
        );
        self.check();
        w!(self, "\n.EXPORT RESET");
    }

    /// CBA-style single-row parameter hand-off: read a batch key from a file.
    fn import(&mut self) {
        let ctl = format!("{}.UTIL_PROS_ISAC", self.flow.tgt);
        w!(
            self,
            ".IMPORT VARTEXT FILE=/sched/{}_BTCH_KEY.txt",
            self.flow.subject
        );
        w!(
            self,
            "USING ( FILLER CHAR(24), BTCH_KEY CHAR(10) )\nUPDATE {ctl}"
        );
        w!(
            self,
            "SET    BTCH_STUS_C = 'RUNNING'\n     , UPDT_TS     = CURRENT_TIMESTAMP(0)"
        );
        w!(
            self,
            "WHERE  BTCH_KEY_I  = CAST(trim(:BTCH_KEY) AS DECIMAL(10,0));"
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
        let t = self.table(&self.flow.tgt);
        let stats = if self.rng.chance(70) {
            "STATISTICS"
        } else {
            "STATS"
        };
        w!(
            self,
            "COLLECT {stats} ON {t} COLUMN ({});",
            self.rng.pick(KEYS)
        );
    }
}

/// A size in bytes: log-uniform 1–16 KB for most scripts, a Pareto tail up to 1 MB for the rest.
/// Tuned so the mean is about 10 KB, as in the surveyed production code.
fn target_size(rng: &mut Rng) -> usize {
    const KB: f64 = 1024.0;
    let size = if rng.chance(92) {
        KB * 16f64.powf(rng.unit())
    } else {
        16.0 * KB * rng.unit().powf(-1.0 / 1.3)
    };
    size.min(1024.0 * KB) as usize
}

/// One BTEQ session body of roughly `size` bytes.
fn session(rng: &mut Rng, flow: &Flow, job: &str, size: usize) -> String {
    let check = rng.below(5);
    let mut s = Session {
        rng,
        flow,
        out: String::with_capacity(size + 2048),
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

fn banner(rng: &mut Rng, job: &str, flow: &Flow) -> String {
    let purpose = format!(
        "Load {} data from {} into {}",
        flow.subject, flow.stg, flow.tgt
    );
    if rng.chance(50) {
        let bar = "*".repeat(77);
        format!(
            "/{bar}\n * Job Name : {job}\n * Purpose  : {purpose}\n * Exit     : 0 ok, 8 failed\n {bar}/\n"
        )
    } else {
        let bar = "*".repeat(65);
        format!("{bar}\n* Job      : {job}\n* Purpose  : {purpose}\n{bar}\n")
    }
}

fn plain_script(rng: &mut Rng, flow: &Flow, job: &str, size: usize) -> String {
    let mut text = banner(rng, job, flow);
    text.push_str(&session(rng, flow, job, size.saturating_sub(text.len())));
    text
}

fn shell_script(rng: &mut Rng, flow: &Flow, job: &str, size: usize, shell: &str) -> String {
    let mut t = String::with_capacity(size + 4096);
    let _ = writeln!(
        t,
        "#!/bin/{shell}\n#{}\n# {job}: {} batch",
        "=".repeat(70),
        flow.subject
    );
    let _ = writeln!(
        t,
        "#{}\n. ${{ETL_HOME}}/config/{}.parm",
        "=".repeat(70),
        flow.subject.to_ascii_lowercase()
    );
    let _ = writeln!(
        t,
        "JOB={job}\nRUN_DT=$(date +%Y%m%d)\nLOG=${{LOG_DIR}}/{job}_${{RUN_DT}}.log\nERR=${{LOG}}.err\n"
    );
    // Some files hold several sessions, one per shell function (DBQL tool, franchise lib).
    let heredocs = if rng.chance(30) { rng.range(2, 4) } else { 1 };
    for h in 0..heredocs {
        let delim = rng.pick(DELIMITERS);
        let redirect = rng.pick(REDIRECTS);
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
            let _ = writeln!(
                t,
                "RETURN_CD=$?\nif [ $RETURN_CD -ne 0 ]; then\n   echo \"{job} failed rc=$RETURN_CD\" >> $LOG\n   exit $RETURN_CD\nfi\n"
            );
        }
    }
    t.push_str("exit 0\n");
    t
}

/// Writes `scripts` scripts under `dir` (created if needed), in workflow folders of ~20.
/// Deterministic for a given `seed`.
pub fn generate(dir: &Path, scripts: usize, seed: u64) -> Stats {
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    let mut flow_no = 0;
    while stats.files < scripts {
        flow_no += 1;
        let flow = Flow::new(&mut rng);
        let flow_dir = dir.join(format!(
            "wf_{flow_no:04}_{}",
            flow.subject.to_ascii_lowercase()
        ));
        fs::create_dir_all(&flow_dir).expect("create corpus directory");
        for _ in 0..rng.range(15, 25).min(scripts - stats.files) {
            let job = format!("{}_{}_{:05}", flow.subject, rng.pick(SUFFIXES), stats.files);
            let size = target_size(&mut rng);
            let (ext, text) = match rng.below(100) {
                0..=59 => ("btq", plain_script(&mut rng, &flow, &job, size)),
                60..=84 => ("sh", shell_script(&mut rng, &flow, &job, size, "bash")),
                _ => ("ksh", shell_script(&mut rng, &flow, &job, size, "ksh")),
            };
            let path = flow_dir.join(format!("{}.{ext}", job.to_ascii_lowercase()));
            fs::write(&path, &text).expect("write corpus script");
            stats.files += 1;
            stats.bytes += text.len() as u64;
        }
    }
    stats
}
