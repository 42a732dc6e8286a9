//! TD030–TD041: Teradata DDL and maintenance statements in Redshift's form.
//!
//! A `CREATE TABLE` is read once into a [`CreateTable`]: its modifiers, the table options, the
//! column list or the `AS` source, and the index / partition / `ON COMMIT` clauses after it. Each
//! rule then edits only its own tokens, so the rules combine in one pass, and none of them matches
//! what another one wrote (a second conversion finds nothing to do).

use crate::diagnostic::Severity;
use crate::rules::sql::{Findings, SqlCheck};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Keywords, Kind, Statement};
use crate::syntax::lexer::TokenKind;
use crate::syntax::span::Span;

pub const SET_MULTISET: Rule = Rule {
    code: "TD030",
    name: "set-multiset",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`CREATE SET|MULTISET TABLE` becomes `CREATE TABLE`; a `SET` table is flagged (its duplicate-row filter is lost)",
    doc: "Redshift tables are multisets. A Teradata `SET` table silently discards duplicate rows on \
`INSERT … SELECT` (and rejects them on single-row inserts); Redshift keeps them, so row counts \
can differ. An explicit `SET` is therefore reported as an action item: add `DISTINCT` (or a \
`NOT EXISTS` check) to the loads that relied on it. A `CREATE TABLE` without either keyword is \
not flagged, although Teradata-mode sessions make it a `SET` table too: the script alone does \
not tell the session mode.\n\nBefore:\n```\nCREATE MULTISET TABLE stg.acct ( acct_id INTEGER );\n```\n\
After:\n```\nCREATE TABLE stg.acct ( acct_id INTEGER );\n```",
};

pub const TABLE_OPTIONS: Rule = Rule {
    code: "TD031",
    name: "table-options",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "Teradata table options after the table name (`FALLBACK`, `JOURNAL`, `CHECKSUM`, `MAP`, `DATABLOCKSIZE` …) are removed",
    doc: "Protection, journaling, checksums, block sizes, free space, merge-block ratio, block \
compression, maps and isolated loading are Teradata storage settings with no Redshift \
counterpart; Redshift manages them itself. Each option is removed with its comma. An option the \
converter does not know (a `QUEUE` table, for example) is kept and reported.\n\nBefore:\n```\n\
CREATE MULTISET TABLE a.b ,NO FALLBACK ,NO BEFORE JOURNAL, CHECKSUM = DEFAULT (\n  id INTEGER\n);\n```\n\
After:\n```\nCREATE TABLE a.b (\n  id INTEGER\n);\n```",
};

pub const COLUMN_ATTRIBUTES: Rule = Rule {
    code: "TD032",
    name: "column-attributes",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "Column attributes `FORMAT`, `TITLE`, `CHARACTER SET`, `[NOT] CASESPECIFIC`, `UPPERCASE` and `COMPRESS` are removed; `WITH DEFAULT` is flagged",
    doc: "These attributes of a column definition (in `CREATE TABLE` and `ALTER TABLE … ADD`) \
describe Teradata display formats, titles, server character sets, comparison rules and \
multi-value compression; Redshift has none of them and picks column encodings itself. `DATE \
FORMAT 'YYYY-MM-DD'` keeps `DATE`. Removing `NOT CASESPECIFIC` makes the column compare \
case-sensitively: a note. Redshift counts `VARCHAR` lengths in bytes, not `UNICODE` characters, \
so `VARCHAR(n) CHARACTER SET UNICODE` becomes `VARCHAR(4n)` (at most 65535), room for any n \
characters in UTF-8; a `CHAR(n)` UNICODE column is reported, as Redshift's CHAR holds \
single-byte characters only. Removing `UPPERCASE` stops values being stored upper-cased: a \
warning. `WITH DEFAULT` (the type's own default) is kept and flagged: write `DEFAULT value`.\n\n\
Before:\n```\nCREATE TABLE t\n( cust_nm VARCHAR(100) CHARACTER SET \
LATIN NOT CASESPECIFIC\n, city_nm VARCHAR(60) CHARACTER SET UNICODE\n, open_dt DATE FORMAT \
'YYYY-MM-DD' COMPRESS (DATE '9999-12-31')\n);\n```\nAfter:\n```\nCREATE TABLE t\n( cust_nm \
VARCHAR(100)\n, city_nm VARCHAR(240)\n, open_dt DATE\n);\n```",
};

pub const PRIMARY_INDEX: Rule = Rule {
    code: "TD033",
    name: "primary-index",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`[UNIQUE] PRIMARY INDEX (c)` becomes `DISTKEY(c) SORTKEY(c)`, `NO PRIMARY INDEX` becomes `DISTSTYLE EVEN`; secondary indexes are removed",
    doc: "The primary index decides where Teradata stores a row, like Redshift's distribution key, \
and is usually the join and lookup column, so it becomes the sort key too. A Redshift \
distribution key is one column: a composite index `(a, b)` becomes `SORTKEY(a, b)` only and \
Redshift chooses the distribution (`DISTSTYLE AUTO`), because distributing on the first column \
alone can skew the slices. A `UNIQUE` primary index loses its uniqueness check (Redshift does not \
enforce keys). `NO PRIMARY INDEX` spreads rows round-robin: `DISTSTYLE EVEN`. Secondary \
`[UNIQUE] INDEX [name] (cols)` clauses are removed: Redshift has no indexes. `PRIMARY KEY` and \
`UNIQUE` constraints stay (Redshift accepts them as planner hints). In `CREATE TABLE … AS` the \
keys move before `AS` (see TD036).\n\nBefore:\n```\nCREATE TABLE t ( id INTEGER, d DATE )\n\
UNIQUE PRIMARY INDEX (id)\nINDEX (d);\n```\nAfter:\n```\nCREATE TABLE t ( id INTEGER, d DATE )\n\
DISTKEY(id) SORTKEY(id);\n```",
};

pub const PARTITION_BY: Rule = Rule {
    code: "TD034",
    name: "partition-by",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`PARTITION BY RANGE_N(col BETWEEN …)` becomes `SORTKEY(col)`; `CASE_N` and multi-level partitioning are flagged",
    doc: "Teradata row partitioning lets queries skip partitions; Redshift gets the same effect \
from zone maps on a sort key. The partitioning column leads the sort key: with a primary index \
the table gets one `SORTKEY(col, index columns)` (Teradata stores rows by partition first, then \
by the index's hash), and the distribution key stays the index column. `CASE_N`, expressions \
and several partitioning levels have no direct form: the clause is kept and reported.\n\n\
Before:\n```\nCREATE TABLE t ( id INTEGER, d DATE ) PRIMARY INDEX (id)\nPARTITION BY RANGE_N(d \
BETWEEN DATE '2020-01-01' AND DATE '2030-12-31' EACH INTERVAL '1' MONTH);\n```\nAfter:\n```\n\
CREATE TABLE t ( id INTEGER, d DATE ) DISTKEY(id) SORTKEY(d, id);\n```",
};

pub const TEMPORARY_TABLES: Rule = Rule {
    code: "TD035",
    name: "temporary-tables",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`VOLATILE` becomes `TEMP` and `ON COMMIT PRESERVE ROWS` is removed; `GLOBAL TEMPORARY` and `ON COMMIT DELETE ROWS` are flagged",
    doc: "A volatile table lives until the session ends and keeps its rows across transactions \
with `ON COMMIT PRESERVE ROWS`: that is a Redshift `TEMP` table. A global temporary table's \
definition persists across sessions while its rows do not; as a `TEMP` table it has to be \
created in every session that uses it, which is reported. Redshift keeps a temporary table's \
rows until the session ends, so `ON COMMIT DELETE ROWS` is reported and kept (it is also \
Teradata's default: a table without the clause is noted). A temporary table cannot be \
schema-qualified in Redshift: a qualified name is reported.\n\nBefore:\n```\nCREATE \
MULTISET VOLATILE TABLE vt ( id INTEGER ) ON COMMIT PRESERVE ROWS;\n```\nAfter:\n```\nCREATE TEMP \
TABLE vt ( id INTEGER );\n```",
};

pub const CREATE_TABLE_AS: Rule = Rule {
    code: "TD036",
    name: "create-table-as",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`CREATE TABLE x AS (query) WITH [NO] DATA [PRIMARY INDEX …]` and `AS y WITH [NO] DATA` in Redshift's forms",
    doc: "Redshift puts table attributes before `AS` and takes the query without parentheses or \
`WITH DATA` (`AND STATS` goes too: Redshift analyses a new CTAS table itself). The primary index \
and partitioning become `DISTKEY`/`SORTKEY`/`DISTSTYLE` before `AS` (TD033, TD034). `WITH NO \
DATA` keeps the parenthesised query and adds `LIMIT 0`, which creates the same columns with no \
rows and stays valid whatever the query ends with. A copy of a table, `AS y WITH NO DATA`, \
becomes `(LIKE y)` (which also copies its keys), and `AS y WITH DATA` becomes `AS SELECT * FROM \
y` (defaults and constraints of `y` are not copied).\n\nBefore:\n```\nCREATE VOLATILE MULTISET \
TABLE vt AS (\n  SELECT id, amt FROM s\n) WITH DATA PRIMARY INDEX (id) ON COMMIT PRESERVE ROWS;\n\
CREATE TABLE w.copy AS w.orig WITH NO DATA;\n```\nAfter:\n```\nCREATE TEMP TABLE vt \
DISTKEY(id) SORTKEY(id) AS\n  SELECT id, amt FROM s;\nCREATE TABLE w.copy (LIKE w.orig);\n```",
};

pub const REPLACE_VIEW: Rule = Rule {
    code: "TD037",
    name: "replace-view",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`REPLACE VIEW` becomes `CREATE OR REPLACE VIEW`; macros, procedures and functions are flagged",
    doc: "Teradata's `REPLACE VIEW` creates or replaces the view. A macro, a Teradata SPL \
procedure or a function needs a rewrite in PL/pgSQL or SQL (`EXEC m` becomes `CALL p`), so \
`REPLACE` (or `CREATE`) `MACRO`, `PROCEDURE` and `FUNCTION` are reported and kept.\n\nBefore:\n\
```\nREPLACE VIEW v_acct AS SELECT * FROM acct;\n```\nAfter:\n```\nCREATE OR REPLACE VIEW v_acct AS \
SELECT * FROM acct;\n```",
};

pub const RENAME_TABLE: Rule = Rule {
    code: "TD038",
    name: "rename-table",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`RENAME TABLE a.b TO a.c` becomes `ALTER TABLE a.b RENAME TO c`; a move to another schema is flagged",
    doc: "Redshift's `RENAME TO` takes a bare name and keeps the table in its schema, so the new \
name loses its qualifier. When both names are qualified with different schemas, the rename \
cannot be expressed and is reported and kept.\n\nBefore:\n```\nRENAME TABLE ${DB}.acct TO \
${DB}.acct_old;\n```\nAfter:\n```\nALTER TABLE ${DB}.acct RENAME TO acct_old;\n```",
};

pub const DATA_TYPES: Rule = Rule {
    code: "TD039",
    name: "data-types",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`BYTEINT`, `FLOAT`/`REAL`, `NUMBER`, `BYTE`, `LONG VARCHAR`, `TIMESTAMP(n)` become Redshift types; `CLOB`/`BLOB` are flagged",
    doc: "In column definitions and `CAST(x AS type)`: `BYTEINT` becomes `SMALLINT`; Teradata's \
`FLOAT`, `REAL` and `DOUBLE PRECISION` are all 8-byte floats, so they become `DOUBLE PRECISION` \
(Redshift's `FLOAT4`/`REAL` would lose precision); `NUMBER(p[,s])` becomes `DECIMAL(p[,s])` and \
`NUMBER(*, s)` `DECIMAL(38,s)`. A bare `NUMBER` or `NUMBER(*)` is a floating decimal of up to 38 \
digits; it becomes `DECIMAL(38,10)` (28 integer and 10 fraction digits) and is reported so the \
scale can be checked against the data. `BYTE(n)` becomes `VARBYTE(n)` and `LONG VARCHAR` \
`VARCHAR(65535)`. Redshift rejects a precision on `TIMESTAMP(n)` and `TIME(n)` (it always keeps \
microseconds), so the precision is dropped; in a `CAST` with fewer than 6 digits that no longer \
cuts the fraction, which is noted. `CLOB` and `BLOB` have no Redshift type and are reported.\n\nBefore:\n```\n\
CREATE TABLE t ( flag BYTEINT, rate FLOAT, amt NUMBER(12,2), note LONG VARCHAR, ts TIMESTAMP(0) );\n\
```\nAfter:\n```\nCREATE TABLE t ( flag SMALLINT, rate DOUBLE PRECISION, amt DECIMAL(12,2), note \
VARCHAR(65535), ts TIMESTAMP );\n```",
};

pub const COLLECT_STATISTICS: Rule = Rule {
    code: "TD040",
    name: "collect-statistics",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`COLLECT STATISTICS|STATS|STAT … ON t COLUMN …` becomes `ANALYZE t (columns)`",
    doc: "Every spelling is read: `ON t` before or after the `COLUMN`/`INDEX` clauses, the table \
without `ON`, `USING SAMPLE …` options (dropped), several clauses (their columns are merged, \
duplicates removed). The `PARTITION` pseudo-column is left out. Statistics on an expression or a \
named index cannot be listed for `ANALYZE`: the whole table is analysed and the rewrite is \
reported.\n\nBefore:\n```\nCOLLECT STATS COLUMN a, COLUMN (b, c) ON stg.t;\nCollect Statistics \
db.t Column (c);\n```\nAfter:\n```\nANALYZE stg.t (a, b, c);\nANALYZE db.t (c);\n```",
};

pub const HELP_SHOW: Rule = Rule {
    code: "TD041",
    name: "help-show",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`HELP …` and `SHOW …` requests are flagged and kept",
    doc: "Teradata's dictionary commands have no direct counterpart: Redshift's `SHOW TABLE` and \
`SHOW VIEW` print Redshift DDL, and columns, sizes and statistics come from the `svv_*` system \
views (`svv_columns`, `svv_table_info`) or `pg_table_def`. Whatever reads the output must be \
checked, so the request is kept and reported.\n\nBefore:\n```\nSHOW TABLE stg.acct;\n```\n\
After:\n```\n-- rsqlmig: TD041 SHOW prints Teradata DDL: …\nSHOW TABLE stg.acct;\n```",
};

pub const TERADATA_STATEMENTS: Rule = Rule {
    code: "TD042",
    name: "teradata-only-statements",
    kind: RuleKind::Convert,
    severity: Severity::Error,
    summary: "Statements Redshift does not have (indexes, space and user administration, query logging, most `SET SESSION`, multi-action `ALTER TABLE`) are kept and flagged; `ALTER TABLE t RENAME a TO b` gets `COLUMN`",
    doc: "Some Teradata statements have no Redshift form, and keeping them makes the job fail: \
`CREATE [UNIQUE|JOIN|HASH] INDEX` and `DROP … INDEX` (Redshift has no indexes: sort keys serve \
their queries, and a join index becomes a materialized view), `CREATE USER|DATABASE … PERM`, \
`MODIFY`, `GIVE`, `CHECKPOINT`, `BEGIN|END QUERY LOGGING`, `DIAGNOSTIC`, `SET SESSION` \
settings (`SET SESSION DATEFORM = ANSIDATE` becomes `SET datestyle TO ISO`, the same display) \
and an `ALTER TABLE` with several \
actions (Redshift's takes one: split it). They are kept with an action item. Teradata's column \
rename `ALTER TABLE t RENAME a TO b` becomes Redshift's `RENAME COLUMN a TO b`.\n\nBefore:\n```\n\
CREATE INDEX ix_acct (acct_no) ON t;\nALTER TABLE t RENAME nm TO cust_nm;\n```\nAfter:\n```\n\
-- rsqlmig: TD042 Redshift has no indexes …\nCREATE INDEX ix_acct (acct_no) ON t;\nALTER TABLE t \
RENAME COLUMN nm TO cust_nm;\n```",
};

pub const IDENTITY_COLUMNS: Rule = Rule {
    code: "TD043",
    name: "identity-columns",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`GENERATED ALWAYS AS IDENTITY (START WITH s INCREMENT BY i …)` becomes `IDENTITY(s, i)`; `BY DEFAULT` keeps its name",
    doc: "Redshift writes an identity column as `IDENTITY(seed, step)` (values only it generates) \
or `GENERATED BY DEFAULT AS IDENTITY(seed, step)` (explicit values allowed), with seed and step \
1 when Teradata names none. MINVALUE, MAXVALUE and NO CYCLE have no Redshift form and are \
dropped with a note; CYCLE is reported. Like Teradata's, Redshift's values are unique but not \
consecutive.\n\nBefore:\n```\nCREATE TABLE t (id INTEGER GENERATED ALWAYS AS IDENTITY (START \
WITH 1 INCREMENT BY 1 NO CYCLE), v CHAR(1));\n```\nAfter:\n```\nCREATE TABLE t (id INTEGER \
IDENTITY(1, 1), v CHAR(1));\n```",
};

pub const RULES: &[&Rule] = &[
    &SET_MULTISET,
    &TABLE_OPTIONS,
    &COLUMN_ATTRIBUTES,
    &PRIMARY_INDEX,
    &PARTITION_BY,
    &TEMPORARY_TABLES,
    &CREATE_TABLE_AS,
    &REPLACE_VIEW,
    &RENAME_TABLE,
    &DATA_TYPES,
    &COLLECT_STATISTICS,
    &HELP_SHOW,
    &TERADATA_STATEMENTS,
    &IDENTITY_COLUMNS,
];

pub const CHECKS: &[SqlCheck] = &[
    SqlCheck {
        rule: &SET_MULTISET,
        check: set_multiset,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &TABLE_OPTIONS,
        check: table_options,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &COLUMN_ATTRIBUTES,
        check: column_attributes,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &PRIMARY_INDEX,
        check: primary_index,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &PARTITION_BY,
        check: partition_by,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &TEMPORARY_TABLES,
        check: temporary_tables,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &CREATE_TABLE_AS,
        check: create_table_as,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &REPLACE_VIEW,
        check: replace_view,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &RENAME_TABLE,
        check: rename_table,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &DATA_TYPES,
        check: data_types,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &COLLECT_STATISTICS,
        check: collect_statistics,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &HELP_SHOW,
        check: help_show,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &TERADATA_STATEMENTS,
        check: teradata_statements,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &IDENTITY_COLUMNS,
        check: identity_columns,
        redshift_valid: false,
    },
];

// ---------------------------------------------------------------------------------------------
// Reading CREATE TABLE

/// Inclusive token range.
type Range = (usize, usize);

/// One comma-separated table option between the table name and the column list or `AS`.
struct TableOption {
    comma: usize,
    first: usize,
    last: usize,
}

/// Where the table's columns come from.
enum Source {
    /// `( column definitions )`.
    Columns { open: usize },
    /// `AS ( query ) WITH [NO] DATA`.
    Query {
        as_at: usize,
        open: usize,
        close: usize,
        with: Range,
        data: bool,
    },
    /// `AS table WITH [NO] DATA`.
    Copy {
        as_at: usize,
        name: Range,
        with: Range,
        data: bool,
    },
}

enum ClauseKind {
    /// `[UNIQUE] PRIMARY INDEX [name] (cols)`; `None` when a column is not a plain name.
    PrimaryIndex {
        unique: bool,
        cols: Option<Vec<Range>>,
    },
    NoPrimaryIndex,
    /// A secondary `[UNIQUE] INDEX [name] [ALL] (cols) [ORDER BY …]`.
    Index,
    /// `PARTITION BY …`, with the column of a single `RANGE_N(col BETWEEN …)`.
    Partition {
        col: Option<Range>,
    },
    OnCommit {
        preserve: bool,
    },
}

/// A clause after the column list or `WITH DATA`; `start` may be a separating comma.
struct Clause {
    start: usize,
    end: usize,
    kind: ClauseKind,
}

/// The parts of a `CREATE … TABLE` statement.
struct CreateTable {
    set: Option<usize>,
    volatile: Option<usize>,
    /// `GLOBAL` of `GLOBAL TEMPORARY`.
    global: Option<usize>,
    name: Range,
    options: Vec<TableOption>,
    source: Option<Source>,
    clauses: Vec<Clause>,
}

impl CreateTable {
    /// Whether table attributes stay where the Teradata clauses are (after the column list),
    /// rather than moving before `AS`.
    fn keys_in_place(&self) -> bool {
        matches!(
            self.source,
            Some(Source::Columns { .. }) | Some(Source::Copy { data: false, .. })
        )
    }

    /// Whether the CTAS query or copy moves the keys before `AS`.
    fn keys_before_as(&self) -> bool {
        matches!(
            self.source,
            Some(Source::Query { .. }) | Some(Source::Copy { data: true, .. })
        )
    }

    /// The clause that receives all the keys in place: the first (NO) PRIMARY INDEX.
    fn anchor(&self) -> Option<usize> {
        self.clauses.iter().position(|c| {
            matches!(
                c.kind,
                ClauseKind::PrimaryIndex { cols: Some(_), .. } | ClauseKind::NoPrimaryIndex
            )
        })
    }
}

fn create_table(s: &Statement) -> Option<CreateTable> {
    let mut i = s.body;
    if !s.is(i, "CREATE") {
        return None;
    }
    i += 1;
    let (mut set, mut volatile, mut global) = (None, None, None);
    loop {
        if set.is_none() && s.is_any(i, &["SET", "MULTISET"]) {
            set = Some(i);
            i += 1;
        } else if s.is(i, "VOLATILE") {
            volatile = Some(i);
            i += 1;
        } else if s.is_seq(i, &["GLOBAL", "TEMPORARY"]) {
            global = Some(i);
            i += 2;
        } else if s.is_any(i, &["TEMP", "TEMPORARY", "LOCAL"]) {
            i += 1;
        } else {
            break;
        }
    }
    if !s.is(i, "TABLE") {
        return None;
    }
    let name = (i + 1, s.name_end(i + 1)?);
    let mut k = name.1 + 1;
    let mut options = Vec::new();
    while s.kind_of(k) == Some(TokenKind::Comma) {
        let mut j = k + 1;
        while j < s.len()
            && !matches!(s.kind_of(j), Some(TokenKind::Comma | TokenKind::LParen))
            && !s.is(j, "AS")
        {
            j += 1;
        }
        if j == k + 1 {
            break;
        }
        options.push(TableOption {
            comma: k,
            first: k + 1,
            last: j - 1,
        });
        k = j;
    }
    let mut columns = None;
    if s.kind_of(k) == Some(TokenKind::LParen) {
        let close = s.partner(k)?;
        columns = Some(k);
        k = close + 1;
    }
    let mut tail = None;
    let source = if s.is(k, "AS") {
        let as_at = k;
        if s.kind_of(as_at + 1) == Some(TokenKind::LParen) {
            let open = as_at + 1;
            let close = s.partner(open)?;
            with_data(s, close + 1).map(|(with, data)| {
                tail = Some(with.1 + 1);
                Source::Query {
                    as_at,
                    open,
                    close,
                    with,
                    data,
                }
            })
        } else {
            let end = s.name_end(as_at + 1)?;
            with_data(s, end + 1).map(|(with, data)| {
                tail = Some(with.1 + 1);
                Source::Copy {
                    as_at,
                    name: (as_at + 1, end),
                    with,
                    data,
                }
            })
        }
    } else {
        columns.map(|open| {
            tail = Some(s.partner(open).unwrap_or(open) + 1);
            Source::Columns { open }
        })
    };
    let clauses = tail.map(|t| clauses(s, t)).unwrap_or_default();
    Some(CreateTable {
        set,
        volatile,
        global,
        name,
        options,
        source,
        clauses,
    })
}

/// `WITH [NO] DATA [AND [NO] STATS|STATISTICS]` at `w`: its range and whether it copies data.
fn with_data(s: &Statement, w: usize) -> Option<(Range, bool)> {
    if !s.is(w, "WITH") {
        return None;
    }
    let (data, mut end) = if s.is(w + 1, "DATA") {
        (true, w + 1)
    } else if s.is_seq(w + 1, &["NO", "DATA"]) {
        (false, w + 2)
    } else {
        return None;
    };
    if s.is(end + 1, "AND") {
        let stats = end + 2 + usize::from(s.is(end + 2, "NO"));
        if s.is_any(stats, &["STATISTICS", "STATS", "STAT"]) {
            end = stats;
        }
    }
    Some(((w, end), data))
}

/// Whether the tokens `a..=b` are one plain (possibly quoted) name.
fn plain_name(s: &Statement, a: usize, b: usize) -> bool {
    matches!(s.kind_of(a), Some(TokenKind::Word | TokenKind::QuotedIdent))
        && s.name_end(a) == Some(b)
        && !(a..=b).any(|k| s.kind_of(k) == Some(TokenKind::Dot))
}

/// The names listed in the parentheses at `open`, or `None` if one is not a plain name.
fn name_list(s: &Statement, open: usize) -> Option<Vec<Range>> {
    let args = s.args(open);
    if args.is_empty() || !args.iter().all(|&(a, b)| plain_name(s, a, b)) {
        return None;
    }
    Some(args)
}

/// The index, partition and `ON COMMIT` clauses from `from` on; stops at anything else.
fn clauses(s: &Statement, from: usize) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut k = from;
    while k < s.len() {
        let start = k;
        if s.kind_of(k) == Some(TokenKind::Comma) {
            k += 1;
        }
        let (end, kind) =
            if s.is_seq(k, &["UNIQUE", "PRIMARY", "INDEX"]) || s.is_seq(k, &["PRIMARY", "INDEX"]) {
                let unique = s.is(k, "UNIQUE");
                let mut p = k + 2 + usize::from(unique);
                if s.is_name_part(p) && s.kind_of(p + 1) == Some(TokenKind::LParen) {
                    p += 1;
                }
                let Some(close) = s
                    .partner(p)
                    .filter(|_| s.kind_of(p) == Some(TokenKind::LParen))
                else {
                    break;
                };
                let cols = name_list(s, p);
                (close, ClauseKind::PrimaryIndex { unique, cols })
            } else if s.is_seq(k, &["NO", "PRIMARY", "INDEX"]) {
                (k + 2, ClauseKind::NoPrimaryIndex)
            } else if s.is_seq(k, &["UNIQUE", "INDEX"]) || s.is(k, "INDEX") {
                let mut p = k + 1 + usize::from(s.is(k, "UNIQUE"));
                if s.is_name_part(p) && !s.is(p, "ALL") {
                    p += 1;
                }
                if s.is(p, "ALL") {
                    p += 1;
                }
                let Some(mut end) = s
                    .partner(p)
                    .filter(|_| s.kind_of(p) == Some(TokenKind::LParen))
                else {
                    break;
                };
                if s.is_seq(end + 1, &["ORDER", "BY"]) {
                    end += 2;
                    if s.is_any(end + 1, &["VALUES", "HASH"]) {
                        end += 1;
                    }
                    if s.kind_of(end + 1) == Some(TokenKind::LParen) {
                        end = s.partner(end + 1).unwrap_or(end);
                    }
                }
                (end, ClauseKind::Index)
            } else if s.is_seq(k, &["PARTITION", "BY"]) {
                let p = k + 2;
                let (end, col) = if s.kind_of(p) == Some(TokenKind::LParen) {
                    let Some(close) = s.partner(p) else { break };
                    // `PARTITION BY (RANGE_N(…))`: one level in parentheses.
                    let args = s.args(p);
                    let col = match args.as_slice() {
                        [(a, b)] if s.is(*a, "RANGE_N") && s.partner(a + 1) == Some(*b) => {
                            range_n_column(s, *a)
                        }
                        _ => None,
                    };
                    (close, col)
                } else if s.is_call(p) {
                    let Some(close) = s.partner(p + 1) else { break };
                    let col = if s.is(p, "RANGE_N") {
                        range_n_column(s, p)
                    } else {
                        None
                    };
                    (close, col)
                } else if s.is(p, "COLUMN") {
                    let end = if s.kind_of(p + 1) == Some(TokenKind::LParen) {
                        s.partner(p + 1).unwrap_or(p)
                    } else {
                        p
                    };
                    (end, None)
                } else {
                    break;
                };
                (end, ClauseKind::Partition { col })
            } else if s.is_seq(k, &["ON", "COMMIT"])
                && s.is_any(k + 2, &["PRESERVE", "DELETE"])
                && s.is(k + 3, "ROWS")
            {
                (
                    k + 3,
                    ClauseKind::OnCommit {
                        preserve: s.is(k + 2, "PRESERVE"),
                    },
                )
            } else {
                break;
            };
        out.push(Clause { start, end, kind });
        k = end + 1;
    }
    out
}

/// The column of `RANGE_N(col BETWEEN …)` whose name is at `at`, if it is a plain name.
fn range_n_column(s: &Statement, at: usize) -> Option<Range> {
    let (a, b) = *s.args(at + 1).first()?;
    let between = s.find(a, b + 1, s.depth[a], "BETWEEN")?;
    (between > a && plain_name(s, a, between - 1)).then_some((a, between - 1))
}

/// Redshift table attributes for the primary index and partitioning of `t`.
fn table_keys(s: &Statement, t: &CreateTable) -> String {
    let mut style = None;
    let mut dist = None;
    let mut sort: Vec<&str> = Vec::new();
    if let Some(anchor) = t.anchor() {
        match &t.clauses[anchor].kind {
            ClauseKind::PrimaryIndex {
                cols: Some(cols), ..
            } => {
                if cols.len() == 1 {
                    dist = Some(s.slice(cols[0].0, cols[0].1));
                }
                sort = cols.iter().map(|&(a, b)| s.slice(a, b)).collect();
            }
            ClauseKind::NoPrimaryIndex => style = Some("EVEN"),
            _ => {}
        }
    }
    let partition = t.clauses.iter().find_map(|c| match c.kind {
        ClauseKind::Partition { col: Some((a, b)) } => Some(s.slice(a, b)),
        _ => None,
    });
    if let Some(p) = partition {
        sort.retain(|c| !c.eq_ignore_ascii_case(p));
        sort.insert(0, p);
    }
    let mut parts = Vec::new();
    if let Some(style) = style {
        parts.push(format!("DISTSTYLE {style}"));
    }
    if let Some(dist) = dist {
        parts.push(format!("DISTKEY({dist})"));
    }
    if !sort.is_empty() {
        parts.push(format!("SORTKEY({})", sort.join(", ")));
    }
    parts.join(" ")
}

// ---------------------------------------------------------------------------------------------
// Edit helpers

/// Deletes tokens `i..=j` with the blanks before them (so a clause at the end of a line or of the
/// statement leaves nothing behind), or only the tokens if a comment is in the way.
fn delete_back(s: &Statement, out: &mut Findings, i: usize, j: usize) {
    let start = if i > 0 && s.gap(i - 1, i).trim().is_empty() {
        s.span(i - 1).end
    } else {
        s.span(i).start
    };
    out.replace(Span::new(start as usize, s.span(j).end as usize), "");
}

/// Deletes tokens `i..=j` inside a line: with the blanks after them when they stay on the line,
/// else with the blanks before them.
fn delete_inline(s: &Statement, out: &mut Findings, i: usize, j: usize) {
    let after_inline =
        j + 1 < s.len() && s.gap(j, j + 1).trim().is_empty() && !s.gap(j, j + 1).contains('\n');
    if after_inline {
        out.replace(
            Span::new(s.span(i).start as usize, s.span(j + 1).start as usize),
            "",
        );
    } else {
        delete_back(s, out, i, j);
    }
}

/// Deletes the `(` at `open` that starts a query, keeping the query where the `(` was.
fn delete_open_paren(s: &Statement, out: &mut Findings, open: usize) {
    let after = s.gap(open, open + 1);
    if after.trim().is_empty() && !after.contains('\n') {
        out.replace(
            Span::new(s.span(open).start as usize, s.span(open + 1).start as usize),
            "",
        );
    } else if after.trim().is_empty() {
        delete_back(s, out, open, open);
    } else {
        out.replace(s.span(open), "");
    }
}

fn is_qualified(s: &Statement, (a, b): Range) -> bool {
    (a..=b).any(|k| s.kind_of(k) == Some(TokenKind::Dot))
}

// ---------------------------------------------------------------------------------------------
// TD030

fn set_multiset(s: &Statement, out: &mut Findings) {
    let Some(t) = create_table(s) else { return };
    let Some(i) = t.set else { return };
    out.delete_tokens(s, i, i);
    if s.is(i, "SET") {
        out.report(
            &SET_MULTISET,
            Severity::Warning,
            s.span(i),
            "SET table: Teradata discarded duplicate rows on INSERT ... SELECT, Redshift keeps them; add DISTINCT to the loads that relied on it",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// TD031

/// Whether a table option is one of Teradata's storage options.
fn known_option(s: &Statement, o: &TableOption) -> bool {
    const FIRST: Keywords = Keywords::new(&[
        "NO",
        "FALLBACK",
        "LOG",
        "DUAL",
        "LOCAL",
        "NOT",
        "BEFORE",
        "AFTER",
        "JOURNAL",
        "WITH",
        "CHECKSUM",
        "DEFAULT",
        "MERGEBLOCKRATIO",
        "MAP",
        "DATABLOCKSIZE",
        "MINIMUM",
        "MAXIMUM",
        "FREESPACE",
        "BLOCKCOMPRESSION",
    ]);
    const KEY: Keywords = Keywords::new(&[
        "FALLBACK",
        "LOG",
        "JOURNAL",
        "CHECKSUM",
        "MERGEBLOCKRATIO",
        "MAP",
        "DATABLOCKSIZE",
        "FREESPACE",
        "BLOCKCOMPRESSION",
        "LOADING",
    ]);
    s.is_in(o.first, &FIRST) && (o.first..=o.last).any(|k| s.is_in(k, &KEY))
}

fn table_options(s: &Statement, out: &mut Findings) {
    let Some(t) = create_table(s) else { return };
    let mut k = 0;
    while k < t.options.len() {
        if !known_option(s, &t.options[k]) {
            let o = &t.options[k];
            out.report(
                &TABLE_OPTIONS,
                Severity::Warning,
                s.range(o.first, o.last),
                format!(
                    "table option {} kept: it has no Redshift counterpart; remove it or rework the table",
                    s.slice(o.first, o.last).split_whitespace().collect::<Vec<_>>().join(" ")
                ),
            );
            k += 1;
            continue;
        }
        let mut m = k;
        while m + 1 < t.options.len() && known_option(s, &t.options[m + 1]) {
            m += 1;
        }
        // From the end of what precedes the first comma to the end of the last option.
        let start = s.span(t.options[k].comma - 1).end as usize;
        out.replace(Span::new(start, s.span(t.options[m].last).end as usize), "");
        k = m + 1;
    }
}

// ---------------------------------------------------------------------------------------------
// TD032

/// The column definitions of a `CREATE TABLE (…)` or of `ALTER TABLE … ADD`: inclusive ranges
/// whose first token is the column name.
fn column_defs(s: &Statement) -> Vec<Range> {
    const NOT_COLUMNS: Keywords = Keywords::new(&[
        "CONSTRAINT",
        "PRIMARY",
        "UNIQUE",
        "FOREIGN",
        "CHECK",
        "LIKE",
        "INDEX",
        "PERIOD",
    ]);
    let mut defs = Vec::new();
    if let Some(t) = create_table(s) {
        if let Some(Source::Columns { open }) = t.source {
            defs = s.args(open);
        }
    } else if s.kind == Kind::Alter && s.is(s.body + 1, "TABLE") {
        let mut k = s.body + 2;
        while let Some(add) = s.find(k, s.len(), 0, "ADD") {
            let first = add + 1 + usize::from(s.is(add + 1, "COLUMN"));
            let end = s
                .find_where(first, s.len(), 0, |i| {
                    s.kind_of(i) == Some(TokenKind::Comma)
                })
                .unwrap_or(s.len());
            if first < end {
                defs.push((first, end - 1));
            }
            k = end;
        }
    }
    defs.retain(|&(a, b)| {
        a < b
            && matches!(s.kind_of(a), Some(TokenKind::Word | TokenKind::QuotedIdent))
            && !s.is_in(a, &NOT_COLUMNS)
    });
    defs
}

/// The Teradata attribute starting at `k` of a column definition ending at `last`: its last token.
fn column_attribute(s: &Statement, k: usize, last: usize) -> Option<usize> {
    let string_at = |i: usize| i <= last && s.kind_of(i) == Some(TokenKind::String);
    let end = if s.is_any(k, &["FORMAT", "TITLE"]) && string_at(k + 1) {
        k + 1
    } else if s.is_seq(k, &["CHARACTER", "SET"]) && k + 2 <= last {
        k + 2
    } else if s.is(k, "NOT") && s.is_any(k + 1, &["CASESPECIFIC", "CS"]) {
        k + 1
    } else if s.is_any(k, &["CASESPECIFIC", "CS", "UPPERCASE", "UC"]) {
        k
    } else if s.is(k, "COMPRESS") {
        let v = k + 1;
        if v > last {
            k
        } else if s.kind_of(v) == Some(TokenKind::LParen) {
            s.partner(v).unwrap_or(k)
        } else if matches!(s.kind_of(v), Some(TokenKind::String | TokenKind::Number))
            || s.is(v, "NULL")
        {
            v
        } else if ((s.is_op(v, "-") || s.is_op(v, "+"))
            && v < last
            && s.kind_of(v + 1) == Some(TokenKind::Number))
            || (s.is_any(v, &["DATE", "TIME", "TIMESTAMP"]) && string_at(v + 1))
        {
            // A signed number or a typed literal: `-1`, `DATE '9999-12-31'`.
            v + 1
        } else if s.is(v, "USING") {
            s.name_end(v + 1).unwrap_or(v)
        } else {
            k
        }
    } else if s.is_seq(k, &["DECOMPRESS", "USING"]) {
        s.name_end(k + 2).unwrap_or(k + 1)
    } else {
        return None;
    };
    (end <= last).then_some(end)
}

fn column_attributes(s: &Statement, out: &mut Findings) {
    // The notes are made once per statement: a table shown by SHOW TABLE repeats them per column.
    let (mut case_noted, mut unicode_noted) = (false, false);
    for (first, last) in column_defs(s) {
        let depth = s.depth[first];
        let mut runs: Vec<Range> = Vec::new();
        // CHARACTER SET UNICODE at a token, on a VARCHAR whose length is the token at n's index.
        let mut widened: Option<(usize, usize, u64)> = None;
        let mut k = first + 1;
        while k <= last {
            if s.depth[k] != depth {
                k += 1;
                continue;
            }
            if s.is_seq(k, &["WITH", "DEFAULT"]) {
                out.report(
                    &COLUMN_ATTRIBUTES,
                    Severity::Warning,
                    s.range(k, k + 1),
                    "WITH DEFAULT (the type's own default: 0, blanks, the current date) has no Redshift form: write DEFAULT and the value",
                );
            }
            let Some(end) = column_attribute(s, k, last) else {
                k += 1;
                continue;
            };
            if s.is_any(k, &["UPPERCASE", "UC"]) {
                out.report(
                    &COLUMN_ATTRIBUTES,
                    Severity::Warning,
                    s.range(k, end),
                    "UPPERCASE removed: Teradata stored this column's values upper-cased, Redshift stores them as written: apply UPPER() where rows are written",
                );
            } else if s.is(k, "NOT") && !case_noted {
                case_noted = true;
                out.report(
                    &COLUMN_ATTRIBUTES,
                    Severity::Info,
                    s.range(k, end),
                    "NOT CASESPECIFIC removed: Redshift compares this column case-sensitively (add COLLATE CASE_INSENSITIVE if queries rely on it)",
                );
            } else if s.is_seq(k, &["CHARACTER", "SET"]) && s.is(k + 2, "UNICODE") {
                match unicode_length(s, first, k) {
                    UnicodeLength::Varying(at, n) => {
                        widened = Some((k, at, n));
                        if !unicode_noted {
                            unicode_noted = true;
                            out.report(
                                &COLUMN_ATTRIBUTES,
                                Severity::Info,
                                s.range(k, end),
                                "CHARACTER SET UNICODE removed and the VARCHAR length multiplied by 4 (at most 65535): Redshift counts bytes, and a UTF-8 character takes up to 4",
                            );
                        }
                    }
                    UnicodeLength::Fixed => out.report(
                        &COLUMN_ATTRIBUTES,
                        Severity::Warning,
                        s.range(k, end),
                        "CHARACTER SET UNICODE removed from a CHAR column: Redshift CHAR holds single-byte characters only; make it VARCHAR(4 × length) if it holds non-ASCII text",
                    ),
                    UnicodeLength::Other if !unicode_noted => {
                        unicode_noted = true;
                        out.report(
                            &COLUMN_ATTRIBUTES,
                            Severity::Info,
                            s.range(k, end),
                            "CHARACTER SET UNICODE removed: Redshift VARCHAR lengths count bytes, so non-ASCII text may need a longer column",
                        );
                    }
                    UnicodeLength::Other => {}
                }
            }
            match runs.last_mut() {
                Some(run) if run.1 + 1 == k => run.1 = end,
                _ => runs.push((k, end)),
            }
            k = end + 1;
        }
        for (a, b) in runs {
            // A VARCHAR widens in the same rewrite that removes its CHARACTER SET UNICODE, so a
            // second conversion finds nothing to widen again.
            let widen = widened.filter(|&(attr, _, _)| (a..=b).contains(&attr));
            out.rewrite(|out| {
                if b == last {
                    delete_back(s, out, a, b);
                } else {
                    delete_inline(s, out, a, b);
                }
                if let Some((_, at, n)) = widen {
                    out.replace(s.span(at), n.saturating_mul(4).min(65_535).to_string());
                }
            });
        }
    }
}

enum UnicodeLength {
    /// `VARCHAR(n)`: the length's token and n.
    Varying(usize, u64),
    /// `CHAR(n)`.
    Fixed,
    Other,
}

/// The character type of the column defined from `first` (its name) to the attribute at `attr`.
fn unicode_length(s: &Statement, first: usize, attr: usize) -> UnicodeLength {
    let mut k = first + 1;
    let varying = if s.is_any(k, &["VARCHAR", "CHARACTER", "CHAR"]) && s.is(k + 1, "VARYING") {
        k += 2;
        true
    } else if s.is(k, "VARCHAR") {
        k += 1;
        true
    } else if s.is_any(k, &["CHAR", "CHARACTER"]) {
        k += 1;
        false
    } else {
        return UnicodeLength::Other;
    };
    let length =
        (k + 3 <= attr && s.kind_of(k) == Some(TokenKind::LParen) && s.partner(k) == Some(k + 2))
            .then(|| s.text(k + 1).parse::<u64>().ok())
            .flatten();
    match (varying, length) {
        (true, Some(n)) => UnicodeLength::Varying(k + 1, n),
        (false, _) => UnicodeLength::Fixed,
        (true, None) => UnicodeLength::Other,
    }
}

// ---------------------------------------------------------------------------------------------
// TD033

fn primary_index(s: &Statement, out: &mut Findings) {
    let Some(t) = create_table(s) else { return };
    let anchor = t.anchor();
    for (n, c) in t.clauses.iter().enumerate() {
        match &c.kind {
            ClauseKind::PrimaryIndex { unique, cols } => {
                let Some(cols) = cols else {
                    out.report(
                        &PRIMARY_INDEX,
                        Severity::Warning,
                        s.range(c.start, c.end),
                        "primary index not read: replace it with DISTKEY(column) SORTKEY(columns) by hand",
                    );
                    continue;
                };
                if Some(n) != anchor {
                    continue;
                }
                if cols.len() > 1 {
                    out.report(
                        &PRIMARY_INDEX,
                        Severity::Info,
                        s.range(c.start, c.end),
                        "composite primary index: it becomes the SORTKEY; a Redshift DISTKEY is one column, so Redshift chooses the distribution",
                    );
                }
                if *unique {
                    out.report(
                        &PRIMARY_INDEX,
                        Severity::Info,
                        s.range(c.start, c.end),
                        "UNIQUE PRIMARY INDEX: Redshift does not enforce uniqueness",
                    );
                }
                move_or_replace(s, out, &t, c);
            }
            ClauseKind::NoPrimaryIndex if Some(n) == anchor => move_or_replace(s, out, &t, c),
            ClauseKind::Index => {
                out.report(
                    &PRIMARY_INDEX,
                    Severity::Info,
                    s.range(c.start, c.end),
                    "secondary index removed: Redshift has no indexes (sort keys and zone maps do their work)",
                );
                delete_back(s, out, c.start, c.end);
            }
            _ => {}
        }
    }
}

/// Writes the table keys in place of clause `c`, or deletes it when the keys go before `AS`.
fn move_or_replace(s: &Statement, out: &mut Findings, t: &CreateTable, c: &Clause) {
    if t.keys_in_place() {
        out.replace(s.range(c.start, c.end), table_keys(s, t));
    } else if t.keys_before_as() {
        delete_back(s, out, c.start, c.end);
    }
}

// ---------------------------------------------------------------------------------------------
// TD034

fn partition_by(s: &Statement, out: &mut Findings) {
    let Some(t) = create_table(s) else { return };
    for c in &t.clauses {
        let ClauseKind::Partition { col } = c.kind else {
            continue;
        };
        if col.is_none() {
            out.report(
                &PARTITION_BY,
                Severity::Warning,
                s.range(c.start, c.end),
                "PARTITION BY kept: only one RANGE_N(column BETWEEN ...) level maps to a SORTKEY; replace it with SORTKEY(partitioning column)",
            );
        } else if t.anchor().is_none() {
            // No primary index takes the keys: the partition clause becomes the sort key.
            move_or_replace(s, out, &t, c);
        } else if t.keys_in_place() || t.keys_before_as() {
            delete_back(s, out, c.start, c.end);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// TD035

fn temporary_tables(s: &Statement, out: &mut Findings) {
    let Some(t) = create_table(s) else { return };
    if let Some(v) = t.volatile {
        out.replace(s.span(v), "TEMP");
    }
    if let Some(g) = t.global {
        out.replace(s.range(g, g + 1), "TEMP");
        out.report(
            &TEMPORARY_TABLES,
            Severity::Warning,
            s.range(g, g + 1),
            "GLOBAL TEMPORARY table becomes a TEMP table: its definition no longer persists, so create it in every session that uses it",
        );
    }
    if (t.volatile.is_some() || t.global.is_some()) && is_qualified(s, t.name) {
        out.report(
            &TEMPORARY_TABLES,
            Severity::Warning,
            s.range(t.name.0, t.name.1),
            "a Redshift TEMP table cannot be schema-qualified: drop the schema here and where the table is used",
        );
    }
    let on_commit = t
        .clauses
        .iter()
        .any(|c| matches!(c.kind, ClauseKind::OnCommit { .. }));
    if (t.volatile.is_some() || t.global.is_some()) && t.source.is_some() && !on_commit {
        out.report(
            &TEMPORARY_TABLES,
            Severity::Info,
            s.range(t.name.0, t.name.1),
            "no ON COMMIT clause: Teradata deleted the rows at each commit (its default), the TEMP table keeps them",
        );
    }
    for c in &t.clauses {
        match c.kind {
            ClauseKind::OnCommit { preserve: true } => delete_back(s, out, c.start, c.end),
            ClauseKind::OnCommit { preserve: false } => out.report(
                &TEMPORARY_TABLES,
                Severity::Warning,
                s.range(c.start, c.end),
                "ON COMMIT DELETE ROWS has no Redshift form (TEMP tables keep their rows until the session ends): delete the rows after COMMIT and drop the clause",
            ),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// TD036

fn create_table_as(s: &Statement, out: &mut Findings) {
    let Some(t) = create_table(s) else { return };
    let keys = table_keys(s, &t);
    let before_as = |out: &mut Findings, as_at: usize| {
        if !keys.is_empty() {
            out.insert(s.span(as_at).start, format!("{keys} "));
        }
    };
    match t.source {
        Some(Source::Query {
            as_at,
            open,
            close,
            with,
            data,
        }) => {
            if let Some(odd) = unknown_after_with_data(s, with.1) {
                // Unwrapping the query would pull that text into it (`… WITH DATA A SAMPLE 5`).
                out.report(
                    &CREATE_TABLE_AS,
                    Severity::Warning,
                    s.range(with.0, odd),
                    "text after WITH DATA not understood: kept as written; convert this CREATE TABLE by hand",
                );
                return;
            }
            before_as(out, as_at);
            if close <= open + 1 {
                return;
            }
            // A `;` inside the parentheses (BTEQ read on to the `)`) would end the statement
            // once they are gone: keep them.
            let semicolon = (open..close).any(|k| s.kind_of(k) == Some(TokenKind::Semicolon));
            if data && semicolon {
                return;
            }
            if data {
                out.rewrite(|out| {
                    delete_open_paren(s, out, open);
                    delete_back(s, out, close, with.1);
                });
            } else {
                out.replace(s.range(with.0, with.1), "LIMIT 0");
            }
        }
        Some(Source::Copy {
            as_at,
            name,
            with,
            data,
        }) => {
            if data {
                out.rewrite(|out| {
                    before_as(out, as_at);
                    out.insert(s.span(name.0).start, "SELECT * FROM ");
                    delete_back(s, out, with.0, with.1);
                });
                out.report(
                    &CREATE_TABLE_AS,
                    Severity::Info,
                    s.range(as_at, with.1),
                    "copy of a table: column defaults and constraints of the source are not copied",
                );
            } else {
                out.replace(
                    s.range(as_at, with.1),
                    format!("(LIKE {})", s.slice(name.0, name.1)),
                );
            }
        }
        _ => {}
    }
}

/// Words that may follow `WITH [NO] DATA` outside parentheses: statistics, indexes,
/// partitioning and `ON COMMIT` (a name before `(`, such as `RANGE_N` or an index name, too).
const AFTER_WITH_DATA: Keywords = Keywords::new(&[
    "AND",
    "NO",
    "STATISTICS",
    "STATS",
    "STAT",
    "UNIQUE",
    "PRIMARY",
    "INDEX",
    "PARTITION",
    "BY",
    "COLUMN",
    "ROW",
    "ON",
    "COMMIT",
    "PRESERVE",
    "DELETE",
    "ROWS",
]);

/// The first token after `WITH [NO] DATA` (ending at `end`) that is not a table option.
fn unknown_after_with_data(s: &Statement, end: usize) -> Option<usize> {
    (end + 1..s.len()).find(|&k| {
        let known = s.depth[k] > 0
            || matches!(
                s.kind_of(k),
                Some(TokenKind::LParen | TokenKind::RParen | TokenKind::Comma)
            )
            || s.is_in(k, &AFTER_WITH_DATA)
            || s.is_call(k)
            || (k > 0 && s.is(k - 1, "INDEX") && s.is_name_part(k));
        !known
    })
}

// ---------------------------------------------------------------------------------------------
// TD037

fn replace_view(s: &Statement, out: &mut Findings) {
    let i = s.body;
    let replace = s.is(i, "REPLACE");
    if !(replace || s.is(i, "CREATE")) {
        return;
    }
    if replace && s.is(i + 1, "VIEW") {
        out.replace(s.span(i), "CREATE OR REPLACE");
        return;
    }
    let message = if s.is(i + 1, "MACRO") {
        "macro: Redshift has none; rewrite it as a stored procedure (CREATE OR REPLACE PROCEDURE ... LANGUAGE plpgsql) and EXEC as CALL"
    } else if s.is(i + 1, "PROCEDURE") {
        "Teradata SPL procedure: rewrite it in PL/pgSQL (CREATE OR REPLACE PROCEDURE ... LANGUAGE plpgsql)"
    } else if s.is(i + 1, "FUNCTION") {
        "Teradata function: rewrite it as a Redshift UDF (CREATE OR REPLACE FUNCTION ... LANGUAGE sql)"
    } else {
        return;
    };
    // A procedure or function already written for Redshift is left alone.
    let redshift = (i..s.len())
        .any(|k| s.is(k, "LANGUAGE") && s.is_any(k + 1, &["plpgsql", "sql", "plpythonu"]));
    if !redshift {
        out.report(
            &REPLACE_VIEW,
            Severity::Error,
            s.range(i, s.len() - 1),
            message,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// TD038

/// The schema part of a name (up to its last dot) and the index of that dot.
fn qualifier<'a>(s: &Statement<'a>, (a, b): Range) -> Option<(&'a str, usize)> {
    let dot = (a..=b)
        .rev()
        .find(|&k| s.kind_of(k) == Some(TokenKind::Dot))?;
    Some((s.slice(a, dot - 1), dot))
}

fn rename_table(s: &Statement, out: &mut Findings) {
    let i = s.body;
    if !(s.kind == Kind::Rename && s.is(i + 1, "TABLE")) {
        return;
    }
    let Some(from_end) = s.name_end(i + 2) else {
        return;
    };
    let to = from_end + 1;
    if !s.is_any(to, &["TO", "AS"]) {
        return;
    }
    let Some(new_end) = s.name_end(to + 1) else {
        return;
    };
    if new_end + 1 != s.len() {
        return;
    }
    let old = qualifier(s, (i + 2, from_end));
    let new = qualifier(s, (to + 1, new_end));
    let mut new_schema_dot = None;
    if let Some((new_schema, dot)) = new {
        match old {
            Some((old_schema, _)) if !old_schema.eq_ignore_ascii_case(new_schema) => {
                out.report(
                    &RENAME_TABLE,
                    Severity::Error,
                    s.range(i, new_end),
                    "rename into another schema: Redshift ALTER TABLE ... RENAME TO keeps a table in its schema; copy it instead (CREATE TABLE ... (LIKE ...), INSERT ... SELECT, DROP TABLE)",
                );
                return;
            }
            Some(_) => {}
            None => out.report(
                &RENAME_TABLE,
                Severity::Warning,
                s.range(to + 1, dot),
                "schema of the new name dropped: Redshift renames the table within its own schema; check that it is the same",
            ),
        }
        new_schema_dot = Some(dot);
    }
    out.rewrite(|out| {
        if let Some(dot) = new_schema_dot {
            out.replace(s.range(to + 1, dot), "");
        }
        out.replace(s.span(i), "ALTER");
        out.replace(s.span(to), "RENAME TO");
    });
}

// ---------------------------------------------------------------------------------------------
// TD039

/// A type rewrite: the last token the type covers, its replacement, and a finding.
type TypeRewrite = (usize, String, Option<(Severity, &'static str)>);

/// The rewrite of the data type at `k` (ending at or before `last`), if it needs one.
fn type_rewrite(s: &Statement, k: usize, last: usize, in_cast: bool) -> Option<TypeRewrite> {
    let parens = |i: usize| {
        (i <= last && s.kind_of(i) == Some(TokenKind::LParen))
            .then(|| s.partner(i))
            .flatten()
    };
    if s.is(k, "BYTEINT") {
        Some((k, "SMALLINT".into(), None))
    } else if s.is_any(k, &["FLOAT", "REAL"]) {
        let end = parens(k + 1).unwrap_or(k);
        Some((end, "DOUBLE PRECISION".into(), None))
    } else if s.is(k, "NUMBER") {
        const NUMBER_MSG: &str = "NUMBER without a precision becomes DECIMAL(38,10): check that 10 fraction digits fit the data";
        let Some(close) = parens(k + 1) else {
            return Some((
                k,
                "DECIMAL(38,10)".into(),
                Some((Severity::Warning, NUMBER_MSG)),
            ));
        };
        let args = s.args(k + 1);
        let star = args
            .first()
            .is_some_and(|&(a, b)| a == b && s.is_op(a, "*"));
        match args.as_slice() {
            [_] if star => Some((
                close,
                "DECIMAL(38,10)".into(),
                Some((Severity::Warning, NUMBER_MSG)),
            )),
            [_, (a, b)] if star => Some((close, format!("DECIMAL(38,{})", s.slice(*a, *b)), None)),
            _ => Some((k, "DECIMAL".into(), None)),
        }
    } else if s.is(k, "BYTE") {
        if parens(k + 1).is_some() {
            Some((k, "VARBYTE".into(), None))
        } else {
            Some((k, "VARBYTE(1)".into(), None))
        }
    } else if s.is_seq(k, &["LONG", "VARCHAR"]) && k < last {
        Some((k + 1, "VARCHAR(65535)".into(), None))
    } else if s.is_any(k, &["TIMESTAMP", "TIME"]) {
        // Redshift rejects a fractional-second precision: its TIMESTAMP and TIME keep microseconds.
        let close = parens(k + 1)?;
        let digits = s.args(k + 1);
        let exact = matches!(digits.as_slice(), [(a, b)] if a == b && s.text(*a) == "6");
        let finding = (in_cast && !exact).then_some((
            Severity::Info,
            "fractional-second precision dropped: Redshift keeps microseconds, so the value is no longer cut to the given digits",
        ));
        Some((close, s.text(k).into(), finding))
    } else if s.is_any(k, &["CLOB", "BLOB"]) {
        let end = parens(k + 1).unwrap_or(k);
        Some((
            end,
            s.slice(k, end).into(),
            Some((
                Severity::Error,
                "CLOB/BLOB have no Redshift type: use VARCHAR(65535) or VARBYTE if the values fit, or keep them in S3",
            )),
        ))
    } else {
        None
    }
}

fn data_types(s: &Statement, out: &mut Findings) {
    let mut at: Vec<(usize, usize, bool)> = column_defs(s)
        .into_iter()
        .map(|(first, last)| (first + 1, last, false))
        .collect();
    // CAST(x AS type)
    for i in s.each("CAST") {
        if s.kind_of(i + 1) != Some(TokenKind::LParen) {
            continue;
        }
        let Some(close) = s.partner(i + 1) else {
            continue;
        };
        let inner = s.depth[i + 1] + 1;
        if let Some(as_at) = (i + 2..close)
            .rev()
            .find(|&k| s.depth[k] == inner && s.is(k, "AS"))
            && as_at + 1 < close
        {
            at.push((as_at + 1, close - 1, true));
        }
    }
    for (k, last, in_cast) in at {
        let Some((end, text, finding)) = type_rewrite(s, k, last, in_cast) else {
            continue;
        };
        if let Some((severity, message)) = finding {
            out.report(&DATA_TYPES, severity, s.range(k, end), message);
            if severity == Severity::Error {
                continue;
            }
        }
        out.replace(s.range(k, end), text);
    }
}

// ---------------------------------------------------------------------------------------------
// TD040

/// Adds the column named by tokens `a..=b` unless it is listed already or is `PARTITION`.
fn add_column<'a>(s: &Statement<'a>, columns: &mut Vec<&'a str>, a: usize, b: usize) {
    let name = s.slice(a, b);
    if !name.eq_ignore_ascii_case("PARTITION")
        && !columns.iter().any(|c| c.eq_ignore_ascii_case(name))
    {
        columns.push(name);
    }
}

fn collect_statistics(s: &Statement, out: &mut Findings) {
    if s.kind != Kind::Collect {
        return;
    }
    let last = s.len() - 1;
    let mut i = s.body + 1;
    if s.is(i, "SUMMARY") {
        i += 1;
    }
    if !s.is_any(i, &["STATISTICS", "STATS", "STAT"]) {
        return;
    }
    i += 1;
    const CLAUSES: Keywords = Keywords::new(&["ON", "COLUMN", "INDEX", "USING", "FROM"]);
    let mut table: Option<Range> = None;
    let mut columns: Vec<&str> = Vec::new();
    let mut unreadable = false;
    // `Collect Statistics db.t Column (c)`: the table without ON.
    if s.is_name_part(i)
        && !s.is_in(i, &CLAUSES)
        && let Some(end) = s.name_end(i)
    {
        table = Some((i, end));
        i = end + 1;
    }
    while i < s.len() {
        if s.kind_of(i) == Some(TokenKind::Comma) {
            i += 1;
        } else if s.is(i, "USING") {
            i += 1;
            while i < s.len()
                && !s.is_any(i, &["ON", "COLUMN", "INDEX"])
                && s.kind_of(i) != Some(TokenKind::Comma)
            {
                i += 1;
            }
        } else if s.is_any(i, &["ON", "FROM"]) {
            let on = s.is(i, "ON");
            i += 1 + usize::from(s.is(i + 1, "TEMPORARY"));
            let Some(end) = s.name_end(i) else {
                unreadable = true;
                break;
            };
            if on {
                table = Some((i, end));
            }
            i = end + 1;
        } else if s.is_any(i, &["COLUMN", "INDEX"]) {
            let index = s.is(i, "INDEX");
            i += 1;
            if s.kind_of(i) == Some(TokenKind::LParen) {
                let close = s.partner(i).unwrap_or(last);
                for (a, b) in s.args(i) {
                    if plain_name(s, a, b) {
                        add_column(s, &mut columns, a, b);
                    } else {
                        unreadable = true;
                    }
                }
                i = close + 1;
            } else if let Some(end) = s.name_end(i) {
                if index || !plain_name(s, i, end) {
                    unreadable = true;
                } else {
                    add_column(s, &mut columns, i, end);
                }
                i = end + 1;
            } else {
                unreadable = true;
                i += 1;
            }
            // A named statistic: `COLUMN (a, b) AS stat_name`.
            if s.is(i, "AS") && s.is_name_part(i + 1) {
                i += 2;
            }
        } else {
            unreadable = true;
            i += 1;
        }
    }
    let Some((a, b)) = table else {
        out.report(
            &COLLECT_STATISTICS,
            Severity::Warning,
            s.range(s.body, last),
            "COLLECT STATISTICS not read: write ANALYZE table (columns) by hand",
        );
        return;
    };
    let mut text = format!("ANALYZE {}", s.slice(a, b));
    if unreadable {
        out.report(
            &COLLECT_STATISTICS,
            Severity::Warning,
            s.range(s.body, last),
            "statistics on an expression or a named index cannot be listed for ANALYZE: the whole table is analysed",
        );
    } else if !columns.is_empty() {
        text = format!("{text} ({})", columns.join(", "));
    }
    out.replace(s.range(s.body, last), text);
}

// ---------------------------------------------------------------------------------------------
// TD041

fn help_show(s: &Statement, out: &mut Findings) {
    let message = match s.kind {
        Kind::Help => {
            "HELP has no Redshift form: read svv_columns, svv_table_info or pg_table_def, or use SHOW TABLE"
        }
        Kind::Show => {
            "SHOW prints Teradata DDL: Redshift SHOW TABLE / SHOW VIEW print Redshift DDL and other objects are read from the svv_* views; check what uses the output"
        }
        _ => return,
    };
    out.report(
        &HELP_SHOW,
        Severity::Warning,
        s.range(s.body, s.len() - 1),
        message,
    );
}

// ---------------------------------------------------------------------------------------------
// TD043

fn identity_columns(s: &Statement, out: &mut Findings) {
    if !s.may_have("IDENTITY") {
        return;
    }
    for (first, last) in column_defs(s) {
        let Some(g) = s.find(first, last + 1, s.depth[first], "GENERATED") else {
            continue;
        };
        let by_default = s.is_seq(g + 1, &["BY", "DEFAULT"]);
        let as_at = if by_default { g + 3 } else { g + 2 };
        if !(by_default || s.is(g + 1, "ALWAYS")) || !s.is_seq(as_at, &["AS", "IDENTITY"]) {
            continue;
        }
        let identity = as_at + 1;
        // `IDENTITY(1, 1)`: Redshift's form already.
        let inside = identity + 2;
        if s.kind_of(identity + 1) == Some(TokenKind::LParen)
            && (s.kind_of(inside) == Some(TokenKind::Number) || s.is_op(inside, "-"))
        {
            continue;
        }
        let (mut seed, mut step) = ("1".to_string(), "1".to_string());
        let mut end = identity;
        if s.kind_of(identity + 1) == Some(TokenKind::LParen)
            && let Some(close) = s.partner(identity + 1)
        {
            end = close;
            let mut k = identity + 2;
            while k < close {
                // A number with its sign: `START WITH -1`.
                let number = |at: usize| {
                    let signed = s.is_op(at, "-") || s.is_op(at, "+");
                    let last = at + usize::from(signed);
                    (s.kind_of(last) == Some(TokenKind::Number))
                        .then(|| (s.slice(at, last).replace(' ', ""), last))
                };
                if s.is_seq(k, &["START", "WITH"])
                    && let Some((n, at)) = number(k + 2)
                {
                    seed = n;
                    k = at + 1;
                } else if s.is_seq(k, &["INCREMENT", "BY"])
                    && let Some((n, at)) = number(k + 2)
                {
                    step = n;
                    k = at + 1;
                } else if s.is(k, "CYCLE") && !s.is(k - 1, "NO") {
                    out.report(
                        &IDENTITY_COLUMNS,
                        Severity::Warning,
                        s.span(k),
                        "CYCLE dropped: Redshift identity values never wrap around",
                    );
                    k += 1;
                } else {
                    k += 1;
                }
            }
        }
        let kw = |word: &str| crate::rules::sql::cased(s.text(g), word);
        let new = if by_default {
            format!("{}({seed}, {step})", kw("GENERATED BY DEFAULT AS IDENTITY"))
        } else {
            format!("{}({seed}, {step})", kw("IDENTITY"))
        };
        out.replace(s.range(g, end), new);
    }
}

// ---------------------------------------------------------------------------------------------
// TD042

/// First words of Teradata's administration statements.
const TERADATA_ADMINISTRATION: Keywords = Keywords::new(&[
    "CHECKPOINT",
    "DIAGNOSTIC",
    "GIVE",
    "MODIFY",
    "DUMP",
    "INITIATE",
    "RESTART",
    "MONITOR",
    "ESTIMATE",
]);

fn teradata_statements(s: &Statement, out: &mut Findings) {
    let b = s.body;
    let message: &str = match s.kind {
        Kind::Create | Kind::Drop
            if s.is(b + 1, "INDEX")
                || s.is_any(b + 1, &["UNIQUE", "JOIN", "HASH"]) && s.is(b + 2, "INDEX") =>
        {
            "Redshift has no indexes: remove this statement (sort keys serve its queries; a join index becomes a materialized view)"
        }
        Kind::Create if s.is_any(b + 1, &["USER", "DATABASE"]) && s.may_have("PERM") => {
            "Teradata space administration (PERM, FROM a parent) has no Redshift form: create the schema or user with Redshift's own statement"
        }
        Kind::Set if s.is(b + 1, "SESSION") => {
            if s.is_any(b + 2, &["AUTHORIZATION", "CHARACTERISTICS"]) {
                return;
            }
            if s.is(b + 2, "DATEFORM") && s.is_op(b + 3, "=") && s.is(b + 4, "ANSIDATE") {
                out.replace(
                    s.range(b, s.len() - 1),
                    crate::rules::sql::cased(s.text(b), "SET datestyle TO ISO"),
                );
                return;
            }
            "Teradata session setting with no Redshift form: remove it, or set the Redshift parameter that does the same"
        }
        Kind::Alter => {
            alter_table(s, out);
            return;
        }
        Kind::Other if s.is_any(b, &["BEGIN", "END", "FLUSH"]) && s.is(b + 1, "QUERY") => {
            "query logging is Teradata administration: Redshift logs queries itself (STL_QUERY, SYS_QUERY_HISTORY); remove it"
        }
        Kind::Other if s.is_in(b, &TERADATA_ADMINISTRATION) => {
            "Teradata administration with no Redshift form: remove it"
        }
        _ => return,
    };
    out.report(
        &TERADATA_STATEMENTS,
        Severity::Error,
        s.range(b, s.len() - 1),
        message,
    );
}

/// `ALTER TABLE t RENAME a TO b` gets `COLUMN`; several actions (a comma outside parentheses)
/// are reported.
fn alter_table(s: &Statement, out: &mut Findings) {
    let b = s.body;
    if !s.is(b + 1, "TABLE") {
        return;
    }
    let Some(name_end) = s.name_end(b + 2) else {
        return;
    };
    let action = name_end + 1;
    if s.is(action, "RENAME") && !s.is_any(action + 1, &["TO", "COLUMN"]) && s.is(action + 2, "TO")
    {
        out.insert(
            s.span(action + 1).start,
            format!("{} ", crate::rules::sql::cased(s.text(action), "COLUMN")),
        );
    }
    if let Some(comma) = s.find_where(action, s.len(), 0, |k| {
        s.kind_of(k) == Some(TokenKind::Comma)
    }) {
        out.report(
            &TERADATA_STATEMENTS,
            Severity::Error,
            s.span(comma),
            "Redshift's ALTER TABLE takes one action (and no Teradata table options): write one ALTER TABLE per ADD, DROP or RENAME",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::{codes, convert_sql};

    #[test]
    fn identity_columns_take_redshifts_form() {
        assert_eq!(
            convert_sql(
                "CREATE TABLE t (id INTEGER GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10 MINVALUE 1 NO CYCLE), v CHAR(1));"
            ),
            "CREATE TABLE t (id INTEGER IDENTITY(100, 10), v CHAR(1));"
        );
        assert_eq!(
            convert_sql(
                "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH -5), v INTEGER)"
            ),
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY(-5, 1), v INTEGER)"
        );
        // Redshift's own forms are kept: converting again changes nothing.
        for kept in [
            "CREATE TABLE t (id INTEGER IDENTITY(100, 10), v CHAR(1));",
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY(-5, 1), v INTEGER)",
        ] {
            assert_eq!(convert_sql(kept), kept);
        }
        assert_eq!(
            codes("CREATE TABLE t (id INTEGER GENERATED ALWAYS AS IDENTITY (CYCLE))"),
            vec!["TD043"]
        );
    }

    #[test]
    fn statements_redshift_does_not_have_are_flagged() {
        for kept in [
            "CREATE UNIQUE INDEX ix (b) ON d.x;",
            "CREATE JOIN INDEX d.ji AS SELECT a, b FROM d.x;",
            "DROP INDEX ix ON d.x;",
            "CREATE USER u1 FROM d AS PERM = 0, PASSWORD = secret1;",
            "MODIFY DATABASE d AS PERM = 1000000;",
            "CHECKPOINT d.x;",
            "BEGIN QUERY LOGGING ON ALL;",
            "SET SESSION COLLATION ASCII;",
            "DIAGNOSTIC NOHASH ON FOR SESSION;",
            "ALTER TABLE t ADD a INTEGER, ADD b DATE;",
        ] {
            assert_eq!(convert_sql(kept), kept);
            assert_eq!(codes(kept), vec!["TD042"], "{kept}");
        }
        for fine in [
            "GRANT SELECT ON d.x TO u1;",
            "TRUNCATE TABLE d.x;",
            "ANALYZE d.x;",
            "SET SESSION AUTHORIZATION u1;",
            "BEGIN TRANSACTION;",
            "ALTER TABLE t ADD COLUMN a INTEGER;",
        ] {
            assert!(!codes(fine).contains(&"TD042"), "{fine}");
        }
        assert_eq!(
            convert_sql("ALTER TABLE db.t RENAME nm TO cust_nm;"),
            "ALTER TABLE db.t RENAME COLUMN nm TO cust_nm;"
        );
        assert_eq!(
            convert_sql("ALTER TABLE db.t RENAME TO t2;"),
            "ALTER TABLE db.t RENAME TO t2;"
        );
        assert_eq!(
            convert_sql("set session dateform = ansidate;"),
            "set datestyle to iso;"
        );
        // A request that begins query logging opens no transaction.
        let mut open = false;
        crate::convert::sql::convert_request("BEGIN QUERY LOGGING ON ALL;", None, &mut open);
        assert!(!open);
    }

    /// The codes of this family reported for `sql` (other families' findings left out).
    fn ddl_codes(sql: &str) -> Vec<&'static str> {
        codes(sql)
            .into_iter()
            .filter(|c| super::RULES.iter().any(|r| r.code == *c))
            .collect()
    }

    /// The edits this module's checks alone make on `sql` (other families' rules left out).
    fn ddl_findings(sql: &str) -> Vec<crate::diagnostic::Edit> {
        use crate::sql::statement::{Statement, split_statements};
        use crate::syntax::lexer::{Mode, tokenize};
        let tokens = tokenize(sql.as_bytes(), Mode::BteqSql);
        let mut out = crate::rules::sql::Findings::default();
        for (range, _) in split_statements(&tokens) {
            let stmt = Statement::new(sql, &tokens[range]);
            for c in super::CHECKS {
                (c.check)(&stmt, &mut out);
            }
        }
        out.edits().to_vec()
    }

    /// Converts `sql` and checks that converting the result changes nothing.
    fn conv(sql: &str) -> String {
        let once = convert_sql(sql);
        assert_eq!(
            convert_sql(&once),
            once,
            "second conversion changed the output"
        );
        once
    }

    /// The text of the code block after `label` in a rule's doc.
    fn example<'d>(doc: &'d str, label: &str) -> &'d str {
        let after = &doc[doc.find(label).unwrap()..];
        let start = after.find("```\n").unwrap() + 4;
        let len = after[start..].find("```").unwrap();
        after[start..start + len].trim_end()
    }

    #[test]
    fn doc_examples_convert_as_documented() {
        for rule in super::RULES {
            let (before, after) = (example(rule.doc, "Before:"), example(rule.doc, "After:"));
            // Marker lines are written by the script layer, before the kept statement.
            let after: String = after
                .lines()
                .filter(|l| !l.starts_with("-- rsqlmig:"))
                .map(|l| format!("{l}\n"))
                .collect();
            let after = after.trim_end();
            // One request per statement, as BTEQ would send them.
            let before: Vec<&str> = before.split_inclusive(";\n").map(str::trim_end).collect();
            let after: Vec<&str> = after.split_inclusive(";\n").map(str::trim_end).collect();
            assert_eq!(before.len(), after.len(), "{}", rule.code);
            for (b, a) in before.iter().zip(after) {
                assert_eq!(convert_sql(b), a, "{}", rule.code);
            }
        }
    }

    #[test]
    fn set_and_multiset_are_dropped() {
        assert_eq!(
            conv("CREATE MULTISET TABLE stg.acct ( acct_id INTEGER );"),
            "CREATE TABLE stg.acct ( acct_id INTEGER );"
        );
        assert_eq!(
            conv("CREATE SET TABLE stg.acct ( acct_id INTEGER );"),
            "CREATE TABLE stg.acct ( acct_id INTEGER );"
        );
        assert_eq!(
            ddl_codes("CREATE SET TABLE stg.acct ( acct_id INTEGER );"),
            vec!["TD030"]
        );
        assert!(ddl_codes("CREATE MULTISET TABLE t ( a INTEGER );").is_empty());
        assert_eq!(
            conv("create multiset table t (a integer);"),
            "create table t (a integer);"
        );
        // SET as a statement or a column name is not a table kind.
        assert_eq!(conv("UPDATE t SET a = 1;"), "UPDATE t SET a = 1;");
    }

    #[test]
    fn table_options_are_removed_with_their_commas() {
        assert_eq!(
            conv(
                "CREATE MULTISET TABLE a.b ,NO FALLBACK ,NO BEFORE JOURNAL, CHECKSUM = DEFAULT (\n  id INTEGER\n);"
            ),
            "CREATE TABLE a.b (\n  id INTEGER\n);"
        );
        assert_eq!(
            conv(
                "CREATE SET TABLE DB.T ,FALLBACK ,\n     NO BEFORE JOURNAL,\n     NO AFTER JOURNAL,\n     \
CHECKSUM = DEFAULT,\n     DEFAULT MERGEBLOCKRATIO,\n     MAP = TD_MAP1\n     (\n      ID INTEGER)\n\
NO PRIMARY INDEX;"
            ),
            "CREATE TABLE DB.T\n     (\n      ID INTEGER)\nDISTSTYLE EVEN;"
        );
        assert_eq!(
            conv(
                "CREATE TABLE t, FALLBACK PROTECTION, LOG, DUAL BEFORE JOURNAL, NOT LOCAL AFTER JOURNAL, \
WITH JOURNAL TABLE = db.jrnl, CHECKSUM = ON, MERGEBLOCKRATIO = 60 PERCENT, NO MERGEBLOCKRATIO, \
MAP = TD_MAP2 COLOCATE USING grp, DATABLOCKSIZE = 127 KILOBYTES, MAXIMUM DATABLOCKSIZE, \
FREESPACE = 10 PERCENT, BLOCKCOMPRESSION = AUTOTEMP, WITH CONCURRENT ISOLATED LOADING FOR ALL (a INTEGER);"
            ),
            "CREATE TABLE t (a INTEGER);"
        );
        assert_eq!(
            conv("CREATE TABLE t, NO FALLBACK AS (SELECT 1 AS a) WITH DATA;"),
            "CREATE TABLE t AS SELECT 1 AS a;"
        );
        // An unknown option stays (with its comma) and is reported; known ones around it go.
        assert_eq!(
            conv("CREATE TABLE t, NO FALLBACK, QUEUE, NO LOG (a INTEGER);"),
            "CREATE TABLE t, QUEUE (a INTEGER);"
        );
        assert_eq!(
            ddl_codes("CREATE TABLE t, QUEUE (a INTEGER);"),
            vec!["TD031"]
        );
    }

    #[test]
    fn column_attributes_are_removed() {
        let ddl = "CREATE TABLE t (\n  id INTEGER NOT NULL,\n  nm VARCHAR(100) CHARACTER SET LATIN NOT CASESPECIFIC,\n  \
nm2 VARCHAR(100) CHARACTER SET UNICODE CASESPECIFIC NOT NULL,\n  open_dt DATE FORMAT 'YYYY-MM-DD' COMPRESS (DATE '9999-12-31'),\n  \
st CHAR(1) UPPERCASE NOT CS COMPRESS ('A','C'),\n  amt DECIMAL(18,2) COMPRESS 0.00 ,\n  neg INTEGER COMPRESS -1,\n  \
flg CHAR(1) COMPRESS,\n  cd CHAR(2) CS COMPRESS NULL,\n  nt VARCHAR(10) TITLE 'Note' NOT NULL DEFAULT 'x',\n  \
upd_dt DATE FORMAT 'YY/MM/DD'\n     COMPRESS,\n  \"Cust Nm\" VARCHAR(10) UC,\n  PRIMARY KEY (id)\n);";
        assert_eq!(
            conv(ddl),
            "CREATE TABLE t (\n  id INTEGER NOT NULL,\n  nm VARCHAR(100),\n  nm2 VARCHAR(400) NOT NULL,\n  open_dt DATE,\n  \
st CHAR(1),\n  amt DECIMAL(18,2) ,\n  neg INTEGER,\n  flg CHAR(1),\n  cd CHAR(2),\n  nt VARCHAR(10) NOT NULL DEFAULT 'x',\n  \
upd_dt DATE,\n  \"Cust Nm\" VARCHAR(10),\n  PRIMARY KEY (id)\n);"
        );
        // One note each for NOT CASESPECIFIC and UNICODE, however many columns have them; a
        // warning for each UPPERCASE, whose values Redshift no longer upper-cases.
        assert_eq!(ddl_codes(ddl), vec!["TD032"; 4]);
        let sql = "CREATE TABLE t (b CHAR(2) NOT NULL WITH DEFAULT, c CHAR(1) UC);";
        let found: Vec<String> = crate::convert::sql::convert_request(sql, None, &mut false)
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Warning)
            .map(|d| d.span.text(sql).to_string())
            .collect();
        assert_eq!(found, vec!["WITH DEFAULT", "UC"]);
        assert_eq!(
            conv(
                "ALTER TABLE t ADD c CHAR(2) CHARACTER SET LATIN NOT CASESPECIFIC COMPRESS 'NA', ADD d DATE FORMAT 'YYYYMMDD';"
            ),
            "ALTER TABLE t ADD c CHAR(2), ADD d DATE;"
        );
        // A column named like an attribute is a name; FORMAT in a cast is not a column attribute.
        assert_eq!(
            conv("CREATE TABLE t (title VARCHAR(10), format CHAR(1));"),
            "CREATE TABLE t (title VARCHAR(10), format CHAR(1));"
        );
        assert!(
            ddl_findings("SELECT CAST(d AS DATE FORMAT 'YYYYMMDD') (TITLE 'x') FROM t;").is_empty()
        );
    }

    #[test]
    fn unicode_varchar_lengths_count_bytes() {
        assert_eq!(
            conv(
                "CREATE TABLE t (a VARCHAR(60) CHARACTER SET UNICODE NOT CASESPECIFIC, b CHARACTER VARYING(20000) CHARACTER SET UNICODE, c VARCHAR(5) CHARACTER SET LATIN)"
            ),
            "CREATE TABLE t (a VARCHAR(240), b CHARACTER VARYING(65535), c VARCHAR(5))"
        );
        // Converting again widens nothing: the attribute that asked for it is gone.
        assert_eq!(
            conv("CREATE TABLE t (a VARCHAR(240), b CHARACTER VARYING(65535))"),
            "CREATE TABLE t (a VARCHAR(240), b CHARACTER VARYING(65535))"
        );
        let fixed = "CREATE TABLE t (a CHAR(3) CHARACTER SET UNICODE)";
        assert_eq!(conv(fixed), "CREATE TABLE t (a CHAR(3))");
        assert_eq!(codes(fixed), vec!["TD032"]);
    }

    #[test]
    fn primary_index_becomes_distkey_and_sortkey() {
        assert_eq!(
            conv("CREATE TABLE t ( id INTEGER, d DATE )\nUNIQUE PRIMARY INDEX (id)\nINDEX (d);"),
            "CREATE TABLE t ( id INTEGER, d DATE )\nDISTKEY(id) SORTKEY(id);"
        );
        assert_eq!(
            ddl_codes("CREATE TABLE t ( id INTEGER, d DATE ) UNIQUE PRIMARY INDEX (id) INDEX (d);"),
            vec!["TD033", "TD033"]
        );
        assert_eq!(
            conv(
                "CREATE TABLE t ( id INTEGER, b INTEGER ) PRIMARY INDEX pi_t ( id ), UNIQUE INDEX si_b (b);"
            ),
            "CREATE TABLE t ( id INTEGER, b INTEGER ) DISTKEY(id) SORTKEY(id);"
        );
        assert_eq!(
            conv("CREATE TABLE t ( a INTEGER, b INTEGER ) PRIMARY INDEX (a, b);"),
            "CREATE TABLE t ( a INTEGER, b INTEGER ) SORTKEY(a, b);"
        );
        assert_eq!(
            ddl_codes("CREATE TABLE t ( a INTEGER, b INTEGER ) PRIMARY INDEX (a, b);"),
            vec!["TD033"]
        );
        assert_eq!(
            conv("CREATE TABLE t ( a INTEGER ) NO PRIMARY INDEX;"),
            "CREATE TABLE t ( a INTEGER ) DISTSTYLE EVEN;"
        );
        assert_eq!(
            conv(
                "CREATE TABLE t ( a INTEGER, b INTEGER, PRIMARY KEY (a), UNIQUE (b) ) INDEX idx_b ALL (b);"
            ),
            "CREATE TABLE t ( a INTEGER, b INTEGER, PRIMARY KEY (a), UNIQUE (b) );"
        );
        assert_eq!(
            conv("CREATE TABLE t ( a INTEGER ) PRIMARY INDEX (\"a\");"),
            "CREATE TABLE t ( a INTEGER ) DISTKEY(\"a\") SORTKEY(\"a\");"
        );
    }

    #[test]
    fn range_partitions_lead_the_sort_key() {
        let range = "RANGE_N(d BETWEEN DATE '2020-01-01' AND DATE '2030-12-31' EACH INTERVAL '1' MONTH, NO RANGE)";
        assert_eq!(
            conv(&format!(
                "CREATE TABLE t ( id INTEGER, d DATE ) PRIMARY INDEX (id)\nPARTITION BY {range};"
            )),
            "CREATE TABLE t ( id INTEGER, d DATE ) DISTKEY(id) SORTKEY(d, id);"
        );
        assert_eq!(
            conv(&format!(
                "CREATE TABLE t ( id INTEGER, d DATE ) PRIMARY INDEX (d, id) PARTITION BY ({range});"
            )),
            "CREATE TABLE t ( id INTEGER, d DATE ) SORTKEY(d, id);"
        );
        assert_eq!(
            conv(&format!(
                "CREATE TABLE t ( id INTEGER, d DATE ) NO PRIMARY INDEX\nPARTITION BY {range};"
            )),
            "CREATE TABLE t ( id INTEGER, d DATE ) DISTSTYLE EVEN SORTKEY(d);"
        );
        assert_eq!(
            conv(&format!(
                "CREATE TABLE t ( id INTEGER, d DATE )\nPARTITION BY {range};"
            )),
            "CREATE TABLE t ( id INTEGER, d DATE )\nSORTKEY(d);"
        );
        assert_eq!(
            conv(&format!(
                "CREATE TABLE t AS (SELECT id, d FROM s) WITH DATA PRIMARY INDEX (id) PARTITION BY {range};"
            )),
            "CREATE TABLE t DISTKEY(id) SORTKEY(d, id) AS SELECT id, d FROM s;"
        );
        // CASE_N and multi-level partitioning are kept and reported.
        let case_n = "CREATE TABLE t ( id INTEGER, d DATE ) PRIMARY INDEX (id)\nPARTITION BY CASE_N(id < 10, NO CASE);";
        assert_eq!(
            conv(case_n),
            "CREATE TABLE t ( id INTEGER, d DATE ) DISTKEY(id) SORTKEY(id)\nPARTITION BY CASE_N(id < 10, NO CASE);"
        );
        assert_eq!(ddl_codes(case_n), vec!["TD034"]);
        assert_eq!(
            ddl_codes(&format!(
                "CREATE TABLE t ( id INTEGER, d DATE ) PRIMARY INDEX (id) PARTITION BY ({range}, CASE_N(id < 10, NO CASE));"
            )),
            vec!["TD034"]
        );
        assert_eq!(
            ddl_codes(
                "CREATE TABLE t ( id INTEGER, d DATE ) PARTITION BY RANGE_N(CAST(d AS INTEGER) BETWEEN 1 AND 9 EACH 1);"
            ),
            vec!["TD034"]
        );
    }

    #[test]
    fn volatile_and_global_temporary_tables() {
        assert_eq!(
            conv("CREATE MULTISET VOLATILE TABLE vt ( id INTEGER ) ON COMMIT PRESERVE ROWS;"),
            "CREATE TEMP TABLE vt ( id INTEGER );"
        );
        assert_eq!(
            conv(
                "CREATE VOLATILE TABLE vt_campaign_cust\n( CUST_ID      DECIMAL(18,0)\n, CAMPAIGN_ID  INTEGER\n) PRIMARY INDEX (CUST_ID)\nON COMMIT PRESERVE ROWS;"
            ),
            "CREATE TEMP TABLE vt_campaign_cust\n( CUST_ID      DECIMAL(18,0)\n, CAMPAIGN_ID  INTEGER\n) DISTKEY(CUST_ID) SORTKEY(CUST_ID);"
        );
        assert_eq!(
            conv(
                "CREATE VOLATILE TABLE vt, NO LOG ( id INTEGER ) NO PRIMARY INDEX ON COMMIT PRESERVE ROWS;"
            ),
            "CREATE TEMP TABLE vt ( id INTEGER ) DISTSTYLE EVEN;"
        );
        assert!(
            ddl_codes("CREATE VOLATILE TABLE vt ( id INTEGER ) ON COMMIT PRESERVE ROWS;")
                .is_empty()
        );
        assert_eq!(
            conv("CREATE VOLATILE TABLE vt AS (SELECT 1 AS a) WITH DATA;"),
            "CREATE TEMP TABLE vt AS SELECT 1 AS a;"
        );
        assert_eq!(
            ddl_codes("CREATE VOLATILE TABLE vt AS (SELECT 1 AS a) WITH DATA;"),
            vec!["TD035"]
        );
        // Found by fuzzing: without its parentheses the query's `;` ended the statement, so
        // the converted text was read differently when converted again.
        assert_eq!(
            conv("CREATE VOLATILE TABLE vt AS (SELECT 1;\nSELECT 2) WITH DATA;"),
            "CREATE TEMP TABLE vt AS (SELECT 1;\nSELECT 2) WITH DATA;"
        );
        assert_eq!(
            conv("CREATE GLOBAL TEMPORARY TABLE gtt ( id INTEGER ) ON COMMIT PRESERVE ROWS;"),
            "CREATE TEMP TABLE gtt ( id INTEGER );"
        );
        assert_eq!(
            ddl_codes("CREATE GLOBAL TEMPORARY TABLE gtt ( id INTEGER ) ON COMMIT PRESERVE ROWS;"),
            vec!["TD035"]
        );
        // Kept, with three action items: the lost definition, the schema, ON COMMIT DELETE ROWS.
        assert_eq!(
            conv("CREATE SET GLOBAL TEMPORARY TABLE db.gtt ( id INTEGER ) ON COMMIT DELETE ROWS;"),
            "CREATE TEMP TABLE db.gtt ( id INTEGER ) ON COMMIT DELETE ROWS;"
        );
        assert_eq!(
            ddl_codes("CREATE GLOBAL TEMPORARY TABLE db.gtt ( id INTEGER ) ON COMMIT DELETE ROWS;"),
            vec!["TD035", "TD035", "TD035"]
        );
    }

    #[test]
    fn create_table_as_query() {
        // The corpus form: TD030, TD035, TD033 and TD036 each do a part.
        assert_eq!(
            conv(
                "CREATE VOLATILE MULTISET TABLE v AS (SELECT a, k FROM s) WITH DATA PRIMARY INDEX(k) ON COMMIT PRESERVE ROWS;"
            ),
            "CREATE TEMP TABLE v DISTKEY(k) SORTKEY(k) AS SELECT a, k FROM s;"
        );
        assert_eq!(
            conv(
                "CREATE VOLATILE MULTISET TABLE VT_ELIG AS\n( LOCKING ROW FOR ACCESS\n  SELECT  s.MBR_ID\n        , s.GRP_ID\n  FROM    ${SRC_DB}.MBR_ELIG_STG s\n) WITH DATA PRIMARY INDEX (MBR_ID)\nON COMMIT PRESERVE ROWS;"
            ),
            "CREATE TEMP TABLE VT_ELIG DISTKEY(MBR_ID) SORTKEY(MBR_ID) AS\nSELECT  s.MBR_ID\n        , s.GRP_ID\n  FROM    ${SRC_DB}.MBR_ELIG_STG s;"
        );
        assert_eq!(
            conv(
                "CREATE MULTISET TABLE ${STG}.tmp AS (\n  SELECT * FROM s\n) WITH DATA AND STATS NO PRIMARY INDEX;"
            ),
            "CREATE TABLE ${STG}.tmp DISTSTYLE EVEN AS\n  SELECT * FROM s;"
        );
        assert_eq!(
            conv(
                "CREATE TABLE t\nAS\n(\n  SELECT a FROM s\n)\nWITH DATA\nUNIQUE PRIMARY INDEX (a);"
            ),
            "CREATE TABLE t\nDISTKEY(a) SORTKEY(a) AS\n  SELECT a FROM s;"
        );
        assert_eq!(
            conv("CREATE TABLE w.GL AS\n( SELECT a, b FROM s\n) WITH DATA PRIMARY INDEX (a, b);"),
            "CREATE TABLE w.GL SORTKEY(a, b) AS\nSELECT a, b FROM s;"
        );
        assert_eq!(
            conv("CREATE TABLE x (a, b) AS (SELECT 1, 2) WITH DATA PRIMARY INDEX (a);"),
            "CREATE TABLE x (a, b) DISTKEY(a) SORTKEY(a) AS SELECT 1, 2;"
        );
        assert_eq!(
            conv("CREATE TABLE t AS (\n    SELECT a\n    FROM s -- latest\n) WITH DATA;"),
            "CREATE TABLE t AS\n    SELECT a\n    FROM s -- latest\n;"
        );
        // With TD007: the limit lands inside the query either way.
        assert_eq!(
            conv("CREATE TABLE t AS (SELECT TOP 10 a FROM s ORDER BY a) WITH DATA;"),
            "CREATE TABLE t AS SELECT a FROM s ORDER BY a NULLS FIRST LIMIT 10;"
        );
        // WITH NO DATA: the query keeps its parentheses and gets LIMIT 0.
        assert_eq!(
            conv("CREATE TABLE x AS (SELECT a FROM s) WITH NO DATA PRIMARY INDEX (a);"),
            "CREATE TABLE x DISTKEY(a) SORTKEY(a) AS (SELECT a FROM s) LIMIT 0;"
        );
        assert_eq!(
            conv("CREATE TABLE t AS (SELECT TOP 10 a FROM s ORDER BY a) WITH NO DATA;"),
            "CREATE TABLE t AS (SELECT a FROM s ORDER BY a NULLS FIRST LIMIT 10) LIMIT 0;"
        );
        assert!(ddl_codes("CREATE TABLE x AS (SELECT a FROM s) WITH DATA;").is_empty());
        // Found by fuzzing: unwrapping the query pulled the unknown tail into it, where the
        // second conversion read `A SAMPLE b` as the query's.
        let odd = "CREATE TABLE p AS (SELECT a FROM s) WITH DATA A SAMPLE b;";
        assert_eq!(conv(odd), odd);
        assert_eq!(ddl_codes(odd), vec!["TD036"]);
    }

    #[test]
    fn create_table_as_table() {
        assert_eq!(
            conv("CREATE TABLE %%DDSTG%%.X AS %%DDSTG%%.Y WITH NO DATA;"),
            "CREATE TABLE %%DDSTG%%.X (LIKE %%DDSTG%%.Y);"
        );
        assert_eq!(
            conv("CREATE TABLE x AS y WITH NO DATA PRIMARY INDEX (k);"),
            "CREATE TABLE x (LIKE y) DISTKEY(k) SORTKEY(k);"
        );
        assert_eq!(
            conv("CREATE VOLATILE TABLE v AS db.y WITH NO DATA ON COMMIT PRESERVE ROWS;"),
            "CREATE TEMP TABLE v (LIKE db.y);"
        );
        assert_eq!(
            conv("CREATE TABLE x AS y WITH DATA;"),
            "CREATE TABLE x AS SELECT * FROM y;"
        );
        assert_eq!(
            conv("CREATE TABLE x AS y WITH DATA AND NO STATISTICS PRIMARY INDEX (k);"),
            "CREATE TABLE x DISTKEY(k) SORTKEY(k) AS SELECT * FROM y;"
        );
        assert_eq!(ddl_codes("CREATE TABLE x AS y WITH DATA;"), vec!["TD036"]);
    }

    #[test]
    fn replace_view_and_unconvertible_objects() {
        assert_eq!(
            conv("REPLACE VIEW v_acct AS SELECT * FROM acct;"),
            "CREATE OR REPLACE VIEW v_acct AS SELECT * FROM acct;"
        );
        assert_eq!(
            conv("REPLACE VIEW ${VW}.v AS\nLOCKING ROW FOR ACCESS\nSELECT a FROM t;"),
            "CREATE OR REPLACE VIEW ${VW}.v AS\nSELECT a FROM t;"
        );
        assert_eq!(
            conv("CREATE VIEW v AS SELECT 1;"),
            "CREATE VIEW v AS SELECT 1;"
        );
        let macro_ = "REPLACE MACRO m (p DATE) AS ( DELETE FROM t WHERE d = :p; );";
        assert_eq!(conv(macro_), macro_);
        assert_eq!(ddl_codes(macro_), vec!["TD037"]);
        assert_eq!(ddl_codes("CREATE MACRO m AS ( SELECT 1; );"), vec!["TD037"]);
        assert_eq!(ddl_codes("REPLACE PROCEDURE p () BEGIN END"), vec!["TD037"]);
        assert_eq!(
            ddl_codes("REPLACE FUNCTION f (a INTEGER) RETURNS INTEGER LANGUAGE C"),
            vec!["TD037"]
        );
        assert!(
            ddl_codes("CREATE OR REPLACE FUNCTION f (INTEGER) RETURNS INTEGER STABLE AS 'SELECT 1' LANGUAGE sql")
                .is_empty()
        );
    }

    #[test]
    fn rename_table() {
        assert_eq!(
            conv("RENAME TABLE a.b TO a.c;"),
            "ALTER TABLE a.b RENAME TO c;"
        );
        assert_eq!(
            conv("RENAME TABLE ${DB}.acct TO ${DB}.acct_old;"),
            "ALTER TABLE ${DB}.acct RENAME TO acct_old;"
        );
        assert_eq!(conv("RENAME TABLE b AS c;"), "ALTER TABLE b RENAME TO c;");
        assert_eq!(
            conv("RENAME TABLE a.t TO a.t_old; RENAME TABLE a.t_new TO a.t;"),
            "BEGIN;\nALTER TABLE a.t RENAME TO t_old; ALTER TABLE a.t_new RENAME TO t;\nCOMMIT;"
        );
        let moved = "RENAME TABLE a.b TO z.c;";
        assert_eq!(conv(moved), moved);
        assert_eq!(ddl_codes(moved), vec!["TD038"]);
        assert_eq!(conv("RENAME TABLE b TO z.c;"), "ALTER TABLE b RENAME TO c;");
        assert_eq!(ddl_codes("RENAME TABLE b TO z.c;"), vec!["TD038"]);
        assert!(ddl_codes("RENAME TABLE A.b TO a.c;").is_empty());
    }

    #[test]
    fn data_types_in_columns_and_casts() {
        assert_eq!(
            conv(
                "CREATE TABLE t ( flag BYTEINT, rate FLOAT, r2 REAL, r3 DOUBLE PRECISION, amt NUMBER(12,2), n4 NUMBER(*,4), \
b1 BYTE(16), b2 BYTE, b3 VARBYTE(100), note LONG VARCHAR, ts TIMESTAMP(0), ts6 TIMESTAMP(6) WITH TIME ZONE, tm TIME(0) );"
            ),
            "CREATE TABLE t ( flag SMALLINT, rate DOUBLE PRECISION, r2 DOUBLE PRECISION, r3 DOUBLE PRECISION, amt DECIMAL(12,2), n4 DECIMAL(38,4), \
b1 VARBYTE(16), b2 VARBYTE(1), b3 VARBYTE(100), note VARCHAR(65535), ts TIMESTAMP, ts6 TIMESTAMP WITH TIME ZONE, tm TIME );"
        );
        assert!(
            ddl_codes("CREATE TABLE t ( flag BYTEINT, amt NUMBER(12,2), ts TIMESTAMP(0) );")
                .is_empty()
        );
        assert_eq!(
            conv("CREATE TABLE t ( n1 NUMBER, n2 NUMBER(*) );"),
            "CREATE TABLE t ( n1 DECIMAL(38,10), n2 DECIMAL(38,10) );"
        );
        assert_eq!(ddl_codes("CREATE TABLE t ( n1 NUMBER );"), vec!["TD039"]);
        // CLOB / BLOB are kept and reported as errors.
        assert_eq!(
            conv("CREATE TABLE t ( id INTEGER, doc CLOB(1M), img BLOB );"),
            "CREATE TABLE t ( id INTEGER, doc CLOB(1M), img BLOB );"
        );
        assert_eq!(
            ddl_codes("CREATE TABLE t ( id INTEGER, doc CLOB(1M), img BLOB );"),
            vec!["TD039", "TD039"]
        );
        assert_eq!(
            conv(
                "SELECT CAST(x AS BYTEINT), CAST(y AS FLOAT), CAST(z AS NUMBER(10)), CAST(w AS TIMESTAMP(6)) FROM t;"
            ),
            "SELECT CAST(x AS SMALLINT), CAST(y AS DOUBLE PRECISION), CAST(z AS DECIMAL(10)), CAST(w AS TIMESTAMP) FROM t;"
        );
        assert_eq!(
            ddl_codes("SELECT CAST(w AS TIMESTAMP(0)) FROM t;"),
            vec!["TD039"]
        );
        assert_eq!(
            conv("INSERT INTO t SELECT CAST(CASE WHEN a > 0 THEN 1 ELSE 0 END AS BYTEINT) FROM s;"),
            "INSERT INTO t SELECT CAST(CASE WHEN a > 0 THEN 1 ELSE 0 END AS SMALLINT) FROM s;"
        );
        assert_eq!(
            conv("ALTER TABLE t ADD c BYTEINT;"),
            "ALTER TABLE t ADD c SMALLINT;"
        );
        // Names are never types.
        assert_eq!(
            conv("CREATE TABLE t ( number INTEGER, real CHAR(1) );"),
            "CREATE TABLE t ( number INTEGER, real CHAR(1) );"
        );
        assert_eq!(
            conv("SELECT byteint, float AS number FROM t;"),
            "SELECT byteint, float AS number FROM t;"
        );
    }

    #[test]
    fn collect_statistics_becomes_analyze() {
        for (td, rs) in [
            ("COLLECT STATISTICS ON t COLUMN (a);", "ANALYZE t (a);"),
            ("COLLECT STATS ON t COLUMN (a, b);", "ANALYZE t (a, b);"),
            ("COLLECT STATS ON t INDEX (a);", "ANALYZE t (a);"),
            ("COLLECT STATISTICS COLUMN (a) ON t;", "ANALYZE t (a);"),
            ("Collect Statistics db.t Column (c);", "ANALYZE db.t (c);"),
            (
                "COLLECT STATS COLUMN a, COLUMN (b, c) ON t;",
                "ANALYZE t (a, b, c);",
            ),
            ("COLLECT STAT ON t;", "ANALYZE t;"),
            (
                "COLLECT STATISTICS USING SAMPLE ON t COLUMN a;",
                "ANALYZE t (a);",
            ),
            (
                "COLLECT STATISTICS USING SAMPLE 10 PERCENT COLUMN (a), USING NO SAMPLE COLUMN b ON ${DB}.t;",
                "ANALYZE ${DB}.t (a, b);",
            ),
            (
                "COLLECT STATISTICS ON \"@CoreDatabase\".CORE_BAL COLUMN (AS_OF_DT), COLUMN (as_of_dt), COLUMN PARTITION;",
                "ANALYZE \"@CoreDatabase\".CORE_BAL (AS_OF_DT);",
            ),
            (
                "COLLECT STATS COLUMN (a, b) AS stat_ab ON t;",
                "ANALYZE t (a, b);",
            ),
            ("COLLECT SUMMARY STATISTICS ON TEMPORARY gt;", "ANALYZE gt;"),
            (
                "COLLECT STATISTICS\n  ON ${TGT_DB}.MBR_ELIG\n  COLUMN (MBR_ID);",
                "ANALYZE ${TGT_DB}.MBR_ELIG (MBR_ID);",
            ),
        ] {
            assert_eq!(conv(td), rs, "{td}");
            assert!(ddl_codes(td).is_empty(), "{td}");
        }
        for (td, rs) in [
            (
                "COLLECT STATISTICS ON t COLUMN (EXTRACT(MONTH FROM d));",
                "ANALYZE t;",
            ),
            (
                "COLLECT STATISTICS ON t COLUMN (a), INDEX idx_b;",
                "ANALYZE t;",
            ),
        ] {
            assert_eq!(conv(td), rs, "{td}");
            assert_eq!(ddl_codes(td), vec!["TD040"], "{td}");
        }
        assert_eq!(conv("COLLECT STATISTICS;"), "COLLECT STATISTICS;");
        assert_eq!(ddl_codes("COLLECT STATISTICS;"), vec!["TD040"]);
    }

    #[test]
    fn help_and_show_are_flagged_and_kept() {
        for sql in [
            "SHOW TABLE stg.acct;",
            "HELP STATISTICS stg.acct;",
            "HELP SESSION;",
            "SHOW VIEW v;",
        ] {
            assert_eq!(conv(sql), sql);
            assert_eq!(ddl_codes(sql), vec!["TD041"]);
        }
    }

    #[test]
    fn messages_are_plain_ascii_without_dollar() {
        let sql = [
            "CREATE SET GLOBAL TEMPORARY TABLE db.g, QUEUE ( a NUMBER, b CLOB, c VARCHAR(9) CHARACTER SET UNICODE NOT CASESPECIFIC ) \
UNIQUE PRIMARY INDEX (a, b) INDEX (c) PARTITION BY CASE_N(a < 1) ON COMMIT DELETE ROWS;",
            "CREATE TABLE x AS y WITH DATA;",
            "CREATE VOLATILE TABLE v (a INT);",
            "REPLACE MACRO m AS (SELECT 1;);",
            "REPLACE PROCEDURE p () BEGIN END",
            "REPLACE FUNCTION f () RETURNS INT LANGUAGE C",
            "RENAME TABLE a.b TO z.c;",
            "RENAME TABLE b TO z.c;",
            "SELECT CAST(a AS TIMESTAMP(0));",
            "COLLECT STATISTICS ON t COLUMN (a || b);",
            "COLLECT STATISTICS;",
            "SHOW TABLE t;",
            "HELP TABLE t;",
        ];
        for text in sql {
            let conv = crate::convert::sql::convert_request(text, None, &mut false);
            assert!(!conv.diagnostics.is_empty(), "{text}");
            for d in conv.diagnostics {
                assert!(
                    d.message.is_ascii() && !d.message.contains('$'),
                    "{}: {}",
                    d.code,
                    d.message
                );
            }
        }
    }
}
