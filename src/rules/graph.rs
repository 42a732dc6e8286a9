//! GR001–GR015: what `rsqlmig graph` reports about a catalog: problems in the workflow files,
//! in the dependency graph derived from the job scripts, and in the stages.
//!
//! The checks live beside the code that sees the problem (`catalog` for the files, `analysis`
//! for the scripts, `graph` for edges and stages); this module holds their registry entries.

use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};

pub const CYCLE: Rule = Rule {
    code: "GR001",
    name: "dependency-cycle",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "the jobs of a workflow depend on each other in a cycle: no stage order can run them",
    doc: "Edges come from what the scripts read and write (a job listed earlier that writes a table \
precedes a job that reads it) and from declared `depends_on`. A declared dependency that points \
back against a chain of derived edges closes a cycle; the message names every job on it and the \
tables (or `declared`, `file`, `schema`) that link them. No stages are compiled for the workflow \
until the cycle is broken: remove the declaration, or change the job order.\n\nBefore:\n```\n\
jobs:\n  - script: load.sh        # writes stg.a\n  - script: merge.sh       # reads stg.a, writes dw.b\n  - \
script: report.sh      # reads dw.b\n  # and load.sh declares: depends_on: [report.sh]\n```\n\
After:\n```\njobs:\n  - script: load.sh\n  - script: merge.sh\n  - script: report.sh\n```",
};

pub const MISSING_SCRIPT: Rule = Rule {
    code: "GR002",
    name: "missing-script",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "a job's script is not in the catalog's `jobs/` directory",
    doc: "Every job names a file under `catalog/jobs/`; `publish` copies these files to where the \
framework runs them. A missing file would fail at run time with nothing in the job audit table \
but `triggered`.\n\nBefore:\n```\njobs:\n  - script: laod_sales.sh\n```\nAfter:\n```\njobs:\n  - \
script: load_sales.sh\n```",
};

pub const UNSAFE_NAME: Rule = Rule {
    code: "GR003",
    name: "unsafe-script-name",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "a script name is not a bare file name of `A-Z a-z 0-9 . _ -`",
    doc: "The framework joins the script path and name into a shell command line without quoting, \
and updates the job audit row with the name's basename: a space, a shell metacharacter or a \
directory breaks the command or splits the audit row in two.\n\nBefore:\n```\njobs:\n  - \
script: \"daily load.sh\"\n  - script: sub/dir.sh\n```\nAfter:\n```\njobs:\n  - script: \
daily_load.sh\n  - script: dir.sh\n```",
};

pub const BAD_WORKFLOW_ID: Rule = Rule {
    code: "GR004",
    name: "bad-workflow-id",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "a workflow id is not 1–128 characters of `A-Z a-z 0-9 . _ -`, or differs from its file name",
    doc: "The workflow id is the config table key, is spliced into a PartiQL statement and a shell \
command by the framework, and names the file it lives in, so `graph --workflow ID` and \
`publish` find it.\n\nBefore:\n```\n# workflows/nightly.yaml\nworkflow_id: nightly load\n```\n\
After:\n```\n# workflows/nightly.yaml\nworkflow_id: nightly\n```",
};

pub const DUPLICATE_SCRIPT: Rule = Rule {
    code: "GR005",
    name: "duplicate-script",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "a script is listed twice in one workflow",
    doc: "The framework keys its job audit rows on (job_name, workflow_execution_id): a second run \
of the same script in one execution overwrites the first one's row. Copy the script under a \
second name if it really must run twice.\n\nBefore:\n```\njobs:\n  - script: stats.sh\n  - \
script: load.sh\n  - script: stats.sh\n```\nAfter:\n```\njobs:\n  - script: stats.sh\n  - \
script: load.sh\n  - script: stats_after_load.sh\n```",
};

pub const UNKNOWN_DEPENDENCY: Rule = Rule {
    code: "GR006",
    name: "unknown-dependency",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "`depends_on` names a script that is not a job of the workflow",
    doc: "A dependency can only order jobs of the same workflow; the framework has no \
cross-workflow ordering.\n\nBefore:\n```\njobs:\n  - script: b.sh\n    depends_on: [a]\n```\n\
After:\n```\njobs:\n  - script: a.sh\n  - script: b.sh\n    depends_on: [a.sh]\n```",
};

pub const CONTRADICTION: Rule = Rule {
    code: "GR007",
    name: "contradicting-dependency",
    kind: RuleKind::Graph,
    severity: Severity::Warning,
    summary: "a declared dependency runs a job before one the scripts say it follows; the declaration wins",
    doc: "Job A is listed before B and writes something B reads, so the graph would run A first, \
but A declares `depends_on: [B]`. The declared order is kept and the derived edge dropped; \
check which one is right (a view database missing from `aliases`, or a stale declaration).\n\n\
Before:\n```\njobs:\n  - script: a.sh          # writes stg.t\n    depends_on: [b.sh]\n  - \
script: b.sh          # reads stg.t\n```\nAfter:\n```\njobs:\n  - script: a.sh\n  - script: \
b.sh\n```",
};

pub const RACE_WRITE: Rule = Rule {
    code: "GR008",
    name: "parallel-write",
    kind: RuleKind::Graph,
    severity: Severity::Info,
    summary: "jobs in one parallel stage write the same table",
    doc: "Jobs that only append (INSERT, COPY) to one table have no order between them and may \
run side by side, as the framework's own sample does with four inserts; Redshift serialises the \
writes. Reported so the overlap is a decision: if order matters, add `depends_on`.\n\nBefore:\n\
```\n- execution_type: parallel\n  scripts: [insert_a.sh, insert_b.sh]   # both INSERT INTO \
dw.log\n```\nAfter:\n```\njobs:\n  - script: insert_a.sh\n  - script: insert_b.sh\n    \
depends_on: [insert_a.sh]\n```",
};

pub const RACE_READ: Rule = Rule {
    code: "GR009",
    name: "parallel-read-write",
    kind: RuleKind::Graph,
    severity: Severity::Warning,
    summary: "in one parallel stage, a job reads a table another job writes",
    doc: "Edges follow the job list: a reader listed after a writer runs after it. A reader listed \
before the writer gets no edge, and the two may land in one parallel stage, where the reader \
sees the table before, during or after the write. Declare the intended order.\n\nBefore:\n```\n\
jobs:\n  - script: report.sh     # reads dw.sales\n  - script: load.sh       # writes dw.sales\n\
```\nAfter:\n```\njobs:\n  - script: report.sh\n    depends_on: [load.sh]\n  - script: load.sh\n\
```",
};

pub const STAGE_VIOLATION: Rule = Rule {
    code: "GR010",
    name: "stage-violation",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "explicit `stages` do not fit the graph: a job missing, twice or unknown, a dependent pair in one parallel stage, or a job before one it depends on",
    doc: "Explicit stages override compilation (to keep a known-good production order, say) but \
must still run every enabled job exactly once in an enabled stage and respect every edge. An \
empty stage is refused too: the framework fails on an empty parallel stage.\n\nBefore:\n```\n\
stages:\n  - execution_type: parallel\n    scripts: [create_table.sh, insert_rows.sh]\n```\nAfter:\n\
```\nstages:\n  - execution_type: sequential\n    scripts: [create_table.sh, insert_rows.sh]\n```",
};

pub const UNRESOLVED_PLACEHOLDER: Rule = Rule {
    code: "GR011",
    name: "unresolved-placeholder",
    kind: RuleKind::Graph,
    severity: Severity::Info,
    summary: "a placeholder in a table name or file path has no value in `vars`: the name is compared as written",
    doc: "`${TGT_DB}.sales` in one job and `dw.sales` in another are the same table only if the \
catalog says `TGT_DB: dw`. Without a value the placeholder stays as written, so jobs that spell \
the database differently are not linked.\n\nBefore:\n```\n# catalog.yaml\nvars: {}\n```\nAfter:\
\n```\n# catalog.yaml\nvars:\n  TGT_DB: dw\n```",
};

pub const OPAQUE_CALL: Rule = Rule {
    code: "GR012",
    name: "opaque-call",
    kind: RuleKind::Graph,
    severity: Severity::Info,
    summary: "a job calls a stored procedure: what the procedure reads and writes is not in the graph",
    doc: "Framework procedures (key generators, statistics helpers, audit loggers) take table names \
as string arguments; the graph cannot see through them. Add `depends_on` for orderings that go \
through a procedure.\n\nBefore:\n```\nCALL etl.sk_gen('dw', 'customer');\n```\nAfter:\n```\n\
# workflow file\n  - script: load_customer.sh\n    depends_on: [sk_gen_customer.sh]\n```",
};

pub const NO_ENABLED_JOB: Rule = Rule {
    code: "GR013",
    name: "no-enabled-job",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "a workflow has no enabled job: the framework fails when no stage is enabled",
    doc: "The framework's master iterator takes the first enabled stage without checking that \
there is one, so a workflow whose jobs are all `enabled: false` (or that lists none) fails with \
an IndexError at run time.\n\nBefore:\n```\njobs:\n  - script: a.sh\n    enabled: false\n```\n\
After:\n```\njobs:\n  - script: a.sh\n```",
};

pub const UNREADABLE_SCRIPT: Rule = Rule {
    code: "GR014",
    name: "unreadable-script",
    kind: RuleKind::Graph,
    severity: Severity::Error,
    summary: "a job script cannot be read or decoded, or its heredoc never ends",
    doc: "Nothing can be derived from a script that is not text or whose `<<EOF` has no \
terminator line (the shell would fail on it too).\n\nBefore:\n```\nrsql -h $HOST -U $USER -d \
$DB <<EOF\nselect 1;\n```\nAfter:\n```\nrsql -h $HOST -U $USER -d $DB <<EOF\nselect 1;\nEOF\n```",
};

pub const NO_RSQL: Rule = Rule {
    code: "GR015",
    name: "no-rsql",
    kind: RuleKind::Graph,
    severity: Severity::Warning,
    summary: "a shell job feeds no heredoc to `rsql` (or `bteq`): its reads and writes are unknown",
    doc: "The graph reads SQL from `rsql <<EOF` heredocs in shell jobs. A job that runs SQL another \
way (`rsql -f file`, a Python client) contributes no edges; declare its dependencies.\n\n\
Before:\n```\nrsql -h $HOST -U $USER -d $DB -f load.sql\n```\nAfter:\n```\nrsql -h $HOST -U $USER \
-d $DB <<EOF\n\\i load.sql\nEOF\n```",
};

pub const RULES: &[&Rule] = &[
    &CYCLE,
    &MISSING_SCRIPT,
    &UNSAFE_NAME,
    &BAD_WORKFLOW_ID,
    &DUPLICATE_SCRIPT,
    &UNKNOWN_DEPENDENCY,
    &CONTRADICTION,
    &RACE_WRITE,
    &RACE_READ,
    &STAGE_VIOLATION,
    &UNRESOLVED_PLACEHOLDER,
    &OPAQUE_CALL,
    &NO_ENABLED_JOB,
    &UNREADABLE_SCRIPT,
    &NO_RSQL,
];
