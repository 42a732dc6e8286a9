//! TD050–TD064: Teradata functions, casts, output formats and column phrases.
//!
//! Teradata writes conversions and report attributes as phrases in parentheses after an operand:
//! `x (INTEGER)`, `d (FORMAT 'YYYY-MM-DD') (CHAR(10))`, `x (TITLE 'Name')`. One check reads such
//! a chain of phrases as a whole and rewrites it in one go, so `CAST(` and `TO_CHAR(` nest in the
//! order Teradata applies them; it reports under the rule of each phrase (TD059, TD060, TD061,
//! TD064).

use crate::diagnostic::Severity;
use crate::rules::sql::{Findings, SqlCheck, cased};
use crate::rules::{Rule, RuleKind};
use crate::sql::statement::{Keywords, Kind, Statement, WordSet};
use crate::syntax::lexer::TokenKind;
use crate::syntax::span::Span;
use crate::text::Upper;

pub const ZEROIFNULL: Rule = Rule {
    code: "TD050",
    name: "zeroifnull",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`ZEROIFNULL(x)` becomes `COALESCE(x, 0)`",
    doc: "Redshift has no ZEROIFNULL; COALESCE returns the same value with the same type.\n\n\
Before:\n```\nSELECT ZEROIFNULL(SUM(amt)) FROM t;\n```\nAfter:\n```\nSELECT COALESCE(SUM(amt), 0) \
FROM t;\n```",
};

pub const NULLIFZERO: Rule = Rule {
    code: "TD051",
    name: "nullifzero",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`NULLIFZERO(x)` becomes `NULLIF(x, 0)`",
    doc: "Redshift has no NULLIFZERO; NULLIF gives the same result, typically to avoid a division \
by zero.\n\nBefore:\n```\nSELECT amt / NULLIFZERO(cnt) FROM t;\n```\nAfter:\n```\nSELECT amt / \
NULLIF(cnt, 0) FROM t;\n```",
};

pub const INDEX_STRPOS: Rule = Rule {
    code: "TD052",
    name: "index-strpos",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "The string functions `INDEX(s, sub)` and `INSTR(s, sub)` become `STRPOS(s, sub)`",
    doc: "All return the 1-based position of the first occurrence, or 0. Only the two-argument \
function in an expression is rewritten (INSTR with a start position or an occurrence is an \
action item, TD062): `PRIMARY INDEX (c)`, `UNIQUE INDEX (c)` and secondary \
`INDEX (a, b)` clauses of DDL and COLLECT STATISTICS are left to the DDL rules.\n\nBefore:\n```\n\
WHERE INDEX(cust_nm, ',') > 0\n```\nAfter:\n```\nWHERE STRPOS(cust_nm, ',') > 0\n```",
};

pub const CHARACTER_LENGTH: Rule = Rule {
    code: "TD053",
    name: "character-length",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`CHARACTERS(x)`, `CHARS(x)`, `CHARACTER_LENGTH(x)`, `CHAR_LENGTH(x)` become `LENGTH(x)`",
    doc: "All count characters. Note that Redshift's LENGTH does not count the trailing blanks of a \
CHAR(n) value, where Teradata counts n; VARCHAR values behave the same.\n\nBefore:\n```\nWHERE \
CHARACTERS(TRIM(acct_no)) = 10\n```\nAfter:\n```\nWHERE LENGTH(TRIM(acct_no)) = 10\n```",
};

pub const OREPLACE: Rule = Rule {
    code: "TD054",
    name: "oreplace",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`OREPLACE`, `OTRANSLATE` and `OADD_MONTHS` become `REPLACE`, `TRANSLATE` and `ADD_MONTHS`",
    doc: "Teradata's Oracle-compatible functions (also spelt `TD_SYSFNLIB.OREPLACE`) have the \
same arguments as Redshift's REPLACE, TRANSLATE and ADD_MONTHS (which, like OADD_MONTHS, keeps a \
month's last day at the last day; TD058 still notes that it returns a TIMESTAMP). A two-argument OREPLACE, which deletes \
the search string, gets an explicit empty replacement.\n\nBefore:\n```\nSELECT OREPLACE(phone, \
'-', ''), OREPLACE(nm, '\"') FROM t;\n```\nAfter:\n```\nSELECT REPLACE(phone, '-', ''), \
REPLACE(nm, '\"', '') FROM t;\n```",
};

pub const SUBSTR: Rule = Rule {
    code: "TD065",
    name: "substr",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`SUBSTR(s, start [, length])` becomes `SUBSTRING(s, start [, length])`",
    doc: "Redshift runs SUBSTR only on the leader node: a query that applies it to a table's column \
fails with `SUBSTR() function is not supported`. SUBSTRING takes the same arguments and, like \
Teradata's SUBSTR, counts a start before 1 against the length (`SUBSTR(s, 0, 3)` is the first two \
characters in both).\n\nBefore:\n```\nSELECT SUBSTR(acct_no, 1, 4), SUBSTR(nm, 3) FROM t;\n```\n\
After:\n```\nSELECT SUBSTRING(acct_no, 1, 4), SUBSTRING(nm, 3) FROM t;\n```",
};

pub const TD_SYSFNLIB: Rule = Rule {
    code: "TD066",
    name: "td-sysfnlib",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`TD_SYSFNLIB.f(…)` loses the prefix when Redshift has `f` with the same meaning; other library functions are action items",
    doc: "Teradata's embedded-services functions may be called through their database, \
`TD_SYSFNLIB`, which Redshift does not have. For the functions Redshift has under the same name \
and with the same arguments (NVL, NVL2, DECODE, LPAD, RPAD, TRIM, TO_CHAR, TO_DATE, \
TO_TIMESTAMP, LAST_DAY, MONTHS_BETWEEN, REGEXP_SUBSTR, …) the prefix is removed; the functions \
other rules convert (OREPLACE, INDEX, SUBSTR, STRTOK, …) are left to them; any other \
`TD_SYSFNLIB.` call is kept and reported.\n\nBefore:\n```\nSELECT TD_SYSFNLIB.NVL(a, 0), \
TD_SYSFNLIB.LPAD(b, 5, '0') FROM t;\n```\nAfter:\n```\nSELECT NVL(a, 0), LPAD(b, 5, '0') FROM \
t;\n```",
};

pub const RANDOM_RANGE: Rule = Rule {
    code: "TD067",
    name: "random-range",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`RANDOM(low, high)` becomes `CAST(low + FLOOR(RANDOM() * (high - low + 1)) AS INTEGER)`",
    doc: "Teradata's RANDOM(low, high) returns a whole number from low to high; Redshift's \
RANDOM() takes no arguments and returns a fraction in [0, 1), which the rewrite scales to the \
same range.\n\nBefore:\n```\nSELECT RANDOM(1, 100) FROM t;\n```\nAfter:\n```\nSELECT CAST(1 + \
FLOOR(RANDOM() * (100 - 1 + 1)) AS INTEGER) FROM t;\n```",
};

pub const GREATEST_LEAST: Rule = Rule {
    code: "TD068",
    name: "greatest-least-nulls",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`GREATEST` and `LEAST` are kept and flagged: Redshift ignores NULL arguments where Teradata returns NULL",
    doc: "In Teradata GREATEST and LEAST return NULL when any argument is NULL; Redshift's skip \
NULL arguments and return NULL only when all are. Code that relies on NULL (an open-ended \
`eff_to_dt` in a type-2 dimension, say) gets a date instead. The call is kept: where an \
argument can be NULL, write `CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE LEAST(a, b) END`, \
or mark the finding as reviewed.\n\nBefore:\n```\nSELECT LEAST(d.end_dt, s.end_dt) FROM d, s;\n```\n\
After:\n```\n-- rsqlmig: TD068 LEAST ignores NULL arguments in Redshift …\nSELECT LEAST(d.end_dt, \
s.end_dt) FROM d, s;\n```",
};

pub const STRTOK: Rule = Rule {
    code: "TD055",
    name: "strtok",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`STRTOK(s, d, n)` becomes `SPLIT_PART(s, d, n)` (review: delimiters and empty tokens differ)",
    doc: "STRTOK treats its second argument as a set of delimiter characters and skips empty \
tokens; SPLIT_PART splits on the whole delimiter string and counts empty fields. The result is \
the same for a one-character delimiter and no consecutive delimiters, so the rewrite is flagged \
for review.\n\nBefore:\n```\nSELECT STRTOK(full_nm, ' ', 2) FROM t;\n```\nAfter:\n```\nSELECT \
SPLIT_PART(full_nm, ' ', 2) FROM t;\n```",
};

pub const DATE_VALUE: Rule = Rule {
    code: "TD056",
    name: "date-value",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`DATE` used as a value (today) becomes `CURRENT_DATE`; `TIME` as a value is flagged",
    doc: "In Teradata the bare keyword `DATE` is the current date. It is rewritten only where a \
value stands (after an operator, a comma, an opening parenthesis of a call or a keyword such as \
SELECT, WHERE, THEN, DEFAULT); the type (`AS DATE`, a column `d DATE`, `(DATE, FORMAT '...')`) \
and literals (`DATE '2020-01-01'`) are kept. `TIME` as a value, Teradata's time of day as a \
REAL hhmmss, has no one Redshift form and is flagged.\n\nBefore:\n```\nSELECT DATE;\nDELETE FROM t WHERE \
load_dt < DATE - 7;\n```\nAfter:\n```\nSELECT CURRENT_DATE;\nDELETE FROM t WHERE load_dt < \
CURRENT_DATE - 7;\n```",
};

pub const CURRENT_TIMESTAMP: Rule = Rule {
    code: "TD057",
    name: "current-timestamp",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`CURRENT_TIMESTAMP(0)` becomes `GETDATE()`, other precisions `SYSDATE`; `AT` time zones and `CURRENT_TIME` are flagged",
    doc: "Redshift lists CURRENT_TIMESTAMP as a leader-node-only function (it fails in a query \
that reads a table) returning TIMESTAMPTZ. `GETDATE()` returns the statement's start time \
truncated to seconds, like `CURRENT_TIMESTAMP(0)`; `SYSDATE` returns the transaction's start \
time with microseconds, the nearest match for `CURRENT_TIMESTAMP` and `CURRENT_TIMESTAMP(n)`. \
`CURRENT_TIMESTAMP AT 'zone'` (or `AT TIME ZONE 'zone'`) becomes `CONVERT_TIMEZONE('zone', ...)`, \
which assumes the session runs in UTC (Redshift's default): it is reported for review. \
`CURRENT_TIME` is also leader-node-only and is reported.\n\nBefore:\n```\nUPDATE t SET upd_ts = \
CURRENT_TIMESTAMP(0), load_ts = CURRENT_TIMESTAMP(6);\n```\nAfter:\n```\nUPDATE t SET upd_ts = \
GETDATE(), load_ts = SYSDATE;\n```",
};

pub const ADD_MONTHS: Rule = Rule {
    code: "TD058",
    name: "add-months",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`ADD_MONTHS` is kept and flagged: Redshift returns a TIMESTAMP and keeps month ends at month ends",
    doc: "Redshift's ADD_MONTHS returns a TIMESTAMP, not a DATE, and maps the last day of a month \
to the last day of the target month (`ADD_MONTHS('2024-04-30', 1)` is May 31), where Teradata \
keeps the day number (May 30). Wrap it in `CAST(... AS DATE)` where a date is expected and check \
month-end inputs.\n\nBefore:\n```\nWHERE d < ADD_MONTHS(CURRENT_DATE, -13)\n```\nAfter:\n```\n\
-- rsqlmig: TD058 ADD_MONTHS returns a TIMESTAMP in Redshift ...\nWHERE d < ADD_MONTHS(CURRENT_DATE, \
-13)\n```",
};

pub const CAST_FORMAT: Rule = Rule {
    code: "TD059",
    name: "cast-format",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`CAST(x AS DATE FORMAT 'f')` and `x (FORMAT 'f')` become `TO_DATE`, `TO_TIMESTAMP` or `TO_CHAR` with a Redshift format",
    doc: "A FORMAT with a target DATE parses a string (`TO_DATE`), with TIMESTAMP(n) \
`TO_TIMESTAMP` (which returns TIMESTAMPTZ), with CHAR/VARCHAR or no type it formats a date or \
timestamp (`TO_CHAR`, a VARCHAR). Format tokens map as follows: `YYYY`/`Y4` YYYY, `YY` YY, \
`MM` MM, `MMM`/`M3` Mon, `MMMM`/`M4` Month, `DD` DD, `DDD`/`D3` DDD, `EEE`/`E3` Dy, \
`EEEE`/`E4` Day, `HH` HH24 (HH12 with `T`), `MI` MI, `SS` SS, `S(6)` US, `S(3)` MS, `T` AM, \
`B` a blank; `- / : . ,`, blanks and double-quoted text are kept; lower case works too. Names \
keep Teradata's mixed case (`Jan`, `Mon`). A full month or day name in TO_CHAR is reported: \
Redshift pads it to 9 characters. A format that cannot be mapped completely (numeric or \
character masks such as `9(5)`, `Z`, `X(10)`, other letters) is kept verbatim and reported. \
A DATE or TIMESTAMP format on a value that already is one (`DATE`, `CURRENT_TIMESTAMP`, a date \
function or cast) only sets Teradata's display: it is removed with a warning, since `TO_DATE` \
would read the date's text with the wrong format. Cast on to text, `CAST(CAST(x AS DATE \
FORMAT 'f') AS CHAR(n))` writes the date in the format, so it becomes `CAST(TO_CHAR(x, 'f') AS \
CHAR(n))` (with a warning unless x is known to be a date).\n\n\
Before:\n```\nSELECT CAST('20240131' AS DATE FORMAT 'YYYYMMDD'),\n       post_dt (FORMAT \
'DDBMMMBYYYY') (CHAR(11));\n```\nAfter:\n```\nSELECT TO_DATE('20240131', 'YYYYMMDD'),\n       \
CAST(TO_CHAR(post_dt, 'DD Mon YYYY') AS CHAR(11));\n```",
};

pub const CONVERSION_SYNTAX: Rule = Rule {
    code: "TD060",
    name: "conversion-syntax",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "Teradata's postfix conversion `x (INTEGER)`, `x (CHAR(n))`, `x (DATE)` becomes `CAST(x AS type)`",
    doc: "The phrase converts the primary expression just before it (a name, a literal, a call or \
a parenthesised group). Function calls, `IN (...)` lists, `VALUES (...)` and column lists are \
not phrases. A phrase that cannot be read completely is kept and reported.\n\nBefore:\n```\n\
SELECT TRIM(acct_no) (CHAR(12)), amt (DECIMAL(15,2)) FROM t;\n```\nAfter:\n```\nSELECT \
CAST(TRIM(acct_no) AS CHAR(12)), CAST(amt AS DECIMAL(15,2)) FROM t;\n```",
};

pub const TITLE_NAMED: Rule = Rule {
    code: "TD061",
    name: "title-named",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`x (TITLE 't')` becomes `x AS \"t\"` in a query's select list, `x (NAMED n)` becomes `x AS n`; `(TITLE '')` is removed",
    doc: "A title is a report heading: at the end of an item of the outermost select list it \
becomes a quoted alias (Redshift folds it to lower case unless enable_case_sensitive_identifier \
is on). Elsewhere (views, CREATE TABLE AS, INSERT ... SELECT, subqueries) a title would rename \
a column, so it is removed. An empty title suppressed the heading; Redshift cannot suppress one \
column's heading, so the phrase is removed and reported as information. `NAMED` renames the \
expression, which is what AS does.\n\nBefore:\n```\nSELECT acct_no (TITLE 'Account No'), bal \
(NAMED cur_bal), 'x' (TITLE '') FROM t;\n```\nAfter:\n```\nSELECT acct_no AS \"Account No\", \
bal AS cur_bal, 'x' FROM t;\n```",
};

pub const TERADATA_ONLY_FUNCTIONS: Rule = Rule {
    code: "TD062",
    name: "teradata-only-functions",
    kind: RuleKind::Convert,
    severity: Severity::Error,
    summary: "`HASHROW`, `HASHAMP`, `CSUM`, `MSUM`, `MAVG`, `MDIFF`, `QUANTILE`, `RANK(x DESC)`, `RESET WHEN`, `TD_UNPIVOT`, `TD_MONTH_BEGIN`, `DAY_OF_WEEK`, `TRUNC(d, 'MM')` … are action items",
    doc: "These Teradata functions have no Redshift counterpart with the same meaning: the hash \
and AMP functions expose Teradata's data distribution, the old cumulative and moving aggregates \
(`CSUM`, `MSUM`, `MAVG`, `MDIFF`, `MLINREG`, `QUANTILE`, `RANK(x DESC)`) compute within GROUP BY \
groups, `RESET WHEN` restarts window partitions on a condition, and `TD_NORMALIZE_OVERLAP` / \
`TD_UNPIVOT` are table operators; the period and calendar functions (`TD_MONTH_BEGIN`, \
`TD_YEAR_END`, `DAY_OF_WEEK`, …) and `TRUNC(d, 'MM')` count weeks and days differently from \
`DATE_TRUNC` and `EXTRACT`. The statement is kept verbatim with an action item that names \
the window-function rewrite.\n\nBefore:\n```\nSELECT acct_no, CSUM(amt, txn_dt) FROM t;\n```\n\
After:\n```\n-- rsqlmig: TD062 CSUM is a Teradata cumulative sum: rewrite as SUM(x) OVER ...\n\
SELECT acct_no, CSUM(amt, txn_dt) FROM t;\n```",
};

pub const TRANSLATE_USING: Rule = Rule {
    code: "TD063",
    name: "translate-using",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`TRANSLATE(x USING LATIN_TO_UNICODE [WITH ERROR])` becomes `x`",
    doc: "Redshift stores all character data as UTF-8, so a character-set translation has nothing \
to do. The parentheses are kept when `x` is more than one operand.\n\nBefore:\n```\nSELECT \
TRANSLATE(cust_nm USING LATIN_TO_UNICODE WITH ERROR) FROM t;\n```\nAfter:\n```\nSELECT cust_nm \
FROM t;\n```",
};

pub const CASESPECIFIC_PREDICATE: Rule = Rule {
    code: "TD064",
    name: "casespecific-predicate",
    kind: RuleKind::Convert,
    severity: Severity::Warning,
    summary: "`(CASESPECIFIC)`, `(NOT CASESPECIFIC)`, `(CS)`, `(NOT CS)` after an operand are removed and flagged",
    doc: "Redshift compares strings case-sensitively (unless a column has a case-insensitive \
collation), so the phrases have no counterpart. A `NOT CASESPECIFIC` comparison needs `UPPER()` \
on both sides or `ILIKE`: the removal is reported for review.\n\nBefore:\n```\nWHERE cust_nm \
(NOT CASESPECIFIC) = 'smith'\n```\nAfter:\n```\nWHERE cust_nm = 'smith'\n```",
};

pub const RULES: &[&Rule] = &[
    &ZEROIFNULL,
    &NULLIFZERO,
    &INDEX_STRPOS,
    &CHARACTER_LENGTH,
    &OREPLACE,
    &SUBSTR,
    &TD_SYSFNLIB,
    &RANDOM_RANGE,
    &GREATEST_LEAST,
    &STRTOK,
    &DATE_VALUE,
    &CURRENT_TIMESTAMP,
    &ADD_MONTHS,
    &CAST_FORMAT,
    &CONVERSION_SYNTAX,
    &TITLE_NAMED,
    &TERADATA_ONLY_FUNCTIONS,
    &TRANSLATE_USING,
    &CASESPECIFIC_PREDICATE,
];

/// TD061 and TD064 are reported by the phrase check registered under TD060.
pub const CHECKS: &[SqlCheck] = &[
    SqlCheck {
        rule: &ZEROIFNULL,
        check: zeroifnull,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &NULLIFZERO,
        check: nullifzero,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &INDEX_STRPOS,
        check: index_strpos,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &CHARACTER_LENGTH,
        check: character_length,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &CHARACTER_LENGTH,
        check: char_length_synonyms,
        redshift_valid: true,
    },
    SqlCheck {
        rule: &OREPLACE,
        check: oreplace,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &SUBSTR,
        check: substr,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &TD_SYSFNLIB,
        check: td_sysfnlib,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &RANDOM_RANGE,
        check: random_range,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &GREATEST_LEAST,
        check: greatest_least,
        redshift_valid: true,
    },
    SqlCheck {
        rule: &STRTOK,
        check: strtok,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &DATE_VALUE,
        check: date_value,
        redshift_valid: true,
    },
    SqlCheck {
        rule: &CURRENT_TIMESTAMP,
        check: current_timestamp,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &ADD_MONTHS,
        check: add_months,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &CAST_FORMAT,
        check: cast_format,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &CASESPECIFIC_PREDICATE,
        check: cast_attributes,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &CONVERSION_SYNTAX,
        check: phrases,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &TERADATA_ONLY_FUNCTIONS,
        check: teradata_only,
        redshift_valid: false,
    },
    SqlCheck {
        rule: &TRANSLATE_USING,
        check: translate_using,
        redshift_valid: false,
    },
];

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

fn after_dot(s: &Statement, i: usize) -> bool {
    i > 0 && s.kind_of(i - 1) == Some(TokenKind::Dot)
}

/// If token `i` is the name of a call (`name(`, or `TD_SYSFNLIB.name(`), the first token of the
/// name; `None` for other qualified names (a user's function of the same name).
fn call_start(s: &Statement, i: usize) -> Option<usize> {
    if !s.is_call(i) {
        return None;
    }
    if !after_dot(s, i) {
        return Some(i);
    }
    (i >= 2 && s.is(i - 2, "TD_SYSFNLIB") && !after_dot(s, i - 2)).then(|| i - 2)
}

/// Keywords after which a value (an operand) starts.
const VALUE_KEYWORDS: Keywords = Keywords::new(&[
    "SELECT", "SEL", "WHERE", "AND", "OR", "NOT", "ON", "WHEN", "THEN", "ELSE", "HAVING",
    "QUALIFY", "BETWEEN", "IN", "RETURN", "VALUES", "DISTINCT", "CASE", "FROM", "DEFAULT", "ALL",
]);

/// Whether token `i` stands where an expression starts: after an operator, a comma, an opening
/// parenthesis or a keyword that is followed by a value.
fn value_position(s: &Statement, i: usize) -> bool {
    if i == 0 {
        return false;
    }
    match s.kind_of(i - 1) {
        Some(TokenKind::Op) => !s.is_op(i - 1, "::"),
        Some(TokenKind::LParen | TokenKind::Comma) => true,
        Some(TokenKind::Word) => s.is_in(i - 1, &VALUE_KEYWORDS),
        _ => false,
    }
}

/// For each token, the opening parenthesis that directly encloses it.
fn enclosing_opens(s: &Statement) -> Vec<Option<usize>> {
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        if s.kind_of(i) == Some(TokenKind::RParen) && s.partner(i).is_some() {
            stack.pop();
        }
        out.push(stack.last().copied());
        if s.kind_of(i) == Some(TokenKind::LParen) && s.partner(i).is_some() {
            stack.push(i);
        }
    }
    out
}

/// The `CASE` that opens the `CASE ... END` whose `END` is at `end`.
fn case_start(s: &Statement, end: usize) -> Option<usize> {
    let d = s.depth[end];
    let mut nested = 0usize;
    for k in (0..end).rev() {
        if s.depth[k] != d {
            continue;
        }
        if s.is(k, "END") {
            nested += 1;
        } else if s.is(k, "CASE") {
            if nested == 0 {
                return Some(k);
            }
            nested -= 1;
        }
    }
    None
}

/// The first token of the primary expression ending at `end`: `Statement::operand_start`, plus
/// `CASE ... END` and window calls `f(...) OVER (...)`.
fn operand_begin(s: &Statement, end: usize) -> usize {
    if s.is(end, "END")
        && let Some(case) = case_start(s, end)
    {
        return case;
    }
    let start = s.operand_start(end);
    if s.is(start, "OVER") && start > 0 && s.kind_of(start - 1) == Some(TokenKind::RParen) {
        return s.operand_start(start - 1);
    }
    // A typed literal: `DATE '2024-01-31'`.
    if s.kind_of(start) == Some(TokenKind::String)
        && start > 0
        && s.is_any(start - 1, &["DATE", "TIME", "TIMESTAMP"])
    {
        return start - 1;
    }
    start
}

/// Whether the source between tokens `i` and `j` (inclusive) holds a comment.
fn has_comment(s: &Statement, i: usize, j: usize) -> bool {
    (i..j).any(|k| !s.gap(k, k + 1).trim().is_empty())
}

/// The last word `kw` directly inside the parentheses `open..close` (not in nested ones). Walks
/// back from `close` over nested groups, so nested calls do not make the rules quadratic.
fn last_in_call(s: &Statement, open: usize, close: usize, kw: &str) -> Option<usize> {
    let mut k = close;
    while k > open + 1 {
        k -= 1;
        if s.kind_of(k) == Some(TokenKind::RParen) {
            k = s.partner(k)?;
        } else if s.is(k, kw) {
            return Some(k);
        }
    }
    None
}

/// The text of a string token without quotes, `''` unescaped.
fn string_value(s: &Statement, i: usize) -> Option<String> {
    let t = s.text(i);
    let inner = t.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace("''", "'"))
}

/// `text` to replace `span` with, plus a blank if it would otherwise join a word before it to
/// a word after the span (`TRANSLATE(x USING ...)FROM` must not become `xFROM`).
fn apart(s: &Statement, span: Span, text: String) -> String {
    let wordy = |c: char| c.is_alphanumeric() || matches!(c, '_' | '$' | '#');
    let before = if text.is_empty() {
        s.src[..span.start as usize].chars().next_back()
    } else {
        text.chars().next_back()
    };
    let after = s.src[span.end as usize..].chars().next();
    if before.is_some_and(wordy) && after.is_some_and(wordy) {
        text + " "
    } else {
        text
    }
}

fn quote_string(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

// ---------------------------------------------------------------------------------------------
// TD050–TD055: renamed functions
// ---------------------------------------------------------------------------------------------

/// Renames the one-argument call `name(x)` to `new(x<extra>)`.
fn rename_one_arg(s: &Statement, out: &mut Findings, name: &str, new: &str, extra: &str) {
    for i in s.each(name) {
        rename_call(s, out, i, new, extra);
    }
}

/// Renames the call of one argument at token `i` to `new`, adding `extra` after the argument.
fn rename_call(s: &Statement, out: &mut Findings, i: usize, new: &str, extra: &str) {
    let Some(start) = call_start(s, i) else {
        return;
    };
    let args = s.args(i + 1);
    if args.len() != 1 {
        return;
    }
    out.rewrite(|out| {
        out.replace(s.range(start, i), cased(s.text(i), new));
        if !extra.is_empty() {
            out.insert(s.span(args[0].1).end, extra);
        }
    });
}

fn zeroifnull(s: &Statement, out: &mut Findings) {
    rename_one_arg(s, out, "ZEROIFNULL", "COALESCE", ", 0");
}

fn nullifzero(s: &Statement, out: &mut Findings) {
    rename_one_arg(s, out, "NULLIFZERO", "NULLIF", ", 0");
}

fn index_strpos(s: &Statement, out: &mut Findings) {
    let ddl = matches!(
        s.kind,
        Kind::Create | Kind::Replace | Kind::Alter | Kind::Collect | Kind::Drop
    );
    for i in s.each("INDEX") {
        if ddl && s.depth[i] == 0 {
            continue;
        }
        let Some(start) = call_start(s, i) else {
            continue;
        };
        let clause = start > 0 && s.is_any(start - 1, &["PRIMARY", "UNIQUE", "NO", "KEY"]);
        if s.args(i + 1).len() == 2 && !clause && s.kind != Kind::Collect {
            out.replace(s.range(start, i), cased(s.text(i), "STRPOS"));
        }
    }
    // INSTR with a start or an occurrence is reported by `teradata_only`.
    for i in s.each("INSTR") {
        if let Some(start) = call_start(s, i)
            && s.args(i + 1).len() == 2
        {
            out.replace(s.range(start, i), cased(s.text(i), "STRPOS"));
        }
    }
}

fn character_length(s: &Statement, out: &mut Findings) {
    for i in s.each_in(&const { Keywords::new(&["CHARACTERS", "CHARS"]) }) {
        rename_call(s, out, i, "LENGTH", "");
    }
}

/// Redshift knows these names too; `convert` writes the one name for all of them.
fn char_length_synonyms(s: &Statement, out: &mut Findings) {
    for i in s.each_in(&const { Keywords::new(&["CHARACTER_LENGTH", "CHAR_LENGTH"]) }) {
        rename_call(s, out, i, "LENGTH", "");
    }
}

fn oreplace(s: &Statement, out: &mut Findings) {
    for i in s.each_of(&const { WordSet::of(&["OREPLACE", "OTRANSLATE", "OADD_MONTHS"]) }) {
        let (new, arity) = if s.is(i, "OREPLACE") {
            ("REPLACE", 2..=3)
        } else if s.is(i, "OTRANSLATE") {
            ("TRANSLATE", 3..=3)
        } else if s.is(i, "OADD_MONTHS") {
            ("ADD_MONTHS", 2..=2)
        } else {
            continue;
        };
        let Some(start) = call_start(s, i) else {
            continue;
        };
        let args = s.args(i + 1);
        if !arity.contains(&args.len()) {
            continue;
        }
        out.rewrite(|out| {
            out.replace(s.range(start, i), cased(s.text(i), new));
            if new == "REPLACE" && args.len() == 2 {
                out.insert(s.span(args[1].1).end, ", ''");
            }
        });
    }
}

fn substr(s: &Statement, out: &mut Findings) {
    for i in s.each("SUBSTR") {
        let Some(start) = call_start(s, i) else {
            continue;
        };
        if (2..=3).contains(&s.args(i + 1).len()) {
            out.replace(s.range(start, i), cased(s.text(i), "SUBSTRING"));
        }
    }
}

/// Functions Redshift has under the same name, with the same arguments and meaning.
const REDSHIFT_SAME: Keywords = Keywords::new(&[
    "NVL",
    "NVL2",
    "DECODE",
    "COALESCE",
    "NULLIF",
    "LPAD",
    "RPAD",
    "LTRIM",
    "RTRIM",
    "BTRIM",
    "TRIM",
    "INITCAP",
    "UPPER",
    "LOWER",
    "LENGTH",
    "CHR",
    "ASCII",
    "REPLACE",
    "TRANSLATE",
    "CONCAT",
    "TO_CHAR",
    "TO_DATE",
    "TO_TIMESTAMP",
    "LAST_DAY",
    "MONTHS_BETWEEN",
    "NEXT_DAY",
    "ROUND",
    "CEIL",
    "CEILING",
    "FLOOR",
    "ABS",
    "SIGN",
    "MOD",
    "POWER",
    "SQRT",
    "EXP",
    "LN",
    "LOG",
    "SIN",
    "COS",
    "TAN",
    "ASIN",
    "ACOS",
    "ATAN",
    "ATAN2",
    "REGEXP_REPLACE",
    "REGEXP_SUBSTR",
    "REGEXP_INSTR",
    "REGEXP_COUNT",
    "SOUNDEX",
    "GREATEST",
    "LEAST",
]);

/// Functions other rules convert, prefix included (through `call_start`).
const CONVERTED_ELSEWHERE: Keywords = Keywords::new(&[
    "ZEROIFNULL",
    "NULLIFZERO",
    "INDEX",
    "INSTR",
    "CHARACTERS",
    "CHARS",
    "CHARACTER_LENGTH",
    "CHAR_LENGTH",
    "OREPLACE",
    "OTRANSLATE",
    "OADD_MONTHS",
    "SUBSTR",
    "STRTOK",
    "ADD_MONTHS",
    "TO_NUMBER",
    "TRUNC",
]);

fn td_sysfnlib(s: &Statement, out: &mut Findings) {
    for lib in s.each("TD_SYSFNLIB") {
        let name = lib + 2;
        if after_dot(s, lib) || s.kind_of(lib + 1) != Some(TokenKind::Dot) || !s.is_call(name) {
            continue;
        }
        if s.is_in(name, &REDSHIFT_SAME) {
            out.delete(s.range(lib, lib + 1));
        } else if !s.is_in(name, &CONVERTED_ELSEWHERE)
            && !TERADATA_ONLY.iter().any(|(names, _)| s.is_any(name, names))
        {
            let close = s.partner(name + 1).unwrap_or(name + 1);
            out.report(
                &TD_SYSFNLIB,
                Severity::Error,
                s.range(lib, close),
                format!(
                    "TD_SYSFNLIB.{} is a Teradata library function without a known Redshift \
counterpart: rewrite it",
                    s.text(name)
                ),
            );
        }
    }
}

fn random_range(s: &Statement, out: &mut Findings) {
    for i in s.each("RANDOM") {
        let Some(start) = call_start(s, i) else {
            continue;
        };
        let [(a0, a1), (b0, b1)] = s.args(i + 1)[..] else {
            continue;
        };
        let close = s.partner(i + 1).unwrap_or(i + 1);
        // An operand of more than one token keeps its own parentheses.
        let operand = |a: usize, b: usize| {
            if a == b {
                s.slice(a, b).to_string()
            } else {
                format!("({})", s.slice(a, b))
            }
        };
        let (low, high) = (operand(a0, a1), operand(b0, b1));
        let kw = |word: &str| cased(s.text(i), word);
        out.replace(
            s.range(start, close),
            format!(
                "{}({low} + {}({}() * ({high} - {low} + 1)) {} {})",
                kw("CAST"),
                kw("FLOOR"),
                kw("RANDOM"),
                kw("AS"),
                kw("INTEGER")
            ),
        );
    }
}

fn greatest_least(s: &Statement, out: &mut Findings) {
    for i in s.each_in(&const { Keywords::new(&["GREATEST", "LEAST"]) }) {
        let Some(start) = call_start(s, i) else {
            continue;
        };
        let close = s.partner(i + 1).unwrap_or(i + 1);
        out.report(
            &GREATEST_LEAST,
            Severity::Warning,
            s.range(start, close),
            format!(
                "{} ignores NULL arguments in Redshift, where Teradata returns NULL: check that \
no argument can be NULL, or test for it",
                Upper::of(s.text(i)).as_str()
            ),
        );
    }
}

fn strtok(s: &Statement, out: &mut Findings) {
    for i in s.each("STRTOK") {
        let Some(start) = call_start(s, i) else {
            continue;
        };
        let args = s.args(i + 1);
        // Teradata's defaults: a blank delimiter, the first token.
        let extra = match args.len() {
            1 => ", ' ', 1",
            2 => ", 1",
            3 => "",
            _ => continue,
        };
        out.rewrite(|out| {
            out.replace(s.range(start, i), cased(s.text(i), "SPLIT_PART"));
            if !extra.is_empty() {
                out.insert(s.span(args[args.len() - 1].1).end, extra);
            }
        });
        out.report(
            &STRTOK,
            Severity::Warning,
            s.range(start, s.partner(i + 1).unwrap_or(i)),
            "STRTOK became SPLIT_PART: STRTOK splits on any of the delimiter characters and skips \
empty tokens, SPLIT_PART splits on the whole string and counts empty fields; check the data",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// TD056–TD058: dates and timestamps
// ---------------------------------------------------------------------------------------------

fn date_value(s: &Statement, out: &mut Findings) {
    if s.each("DATE").next().is_none() && s.each("TIME").next().is_none() {
        return;
    }
    let opens = enclosing_opens(s);
    for i in s.each("DATE") {
        if is_date_value(s, i, &opens) {
            out.replace(s.span(i), cased(s.text(i), "CURRENT_DATE"));
        }
    }
    // `TIME` as a value is Teradata's time of day as a REAL hhmmss: no one form fits every use.
    for i in s.each("TIME") {
        if is_date_value(s, i, &opens) {
            out.report(
                &DATE_VALUE,
                Severity::Error,
                s.span(i),
                "TIME as a value is Teradata's current time of day (a REAL, hhmmss): use \
CAST(GETDATE() AS TIME), or TO_CHAR(GETDATE(), 'HH24:MI:SS') for text",
            );
        }
    }
}

/// Whether the keyword `DATE` at `i` is the current date rather than the type or a literal.
fn is_date_value(s: &Statement, i: usize, opens: &[Option<usize>]) -> bool {
    if after_dot(s, i) {
        return false;
    }
    // The operand of a phrase: `DATE (FORMAT 'YYYYMMDD')`, wherever it stands.
    if s.kind_of(i + 1) == Some(TokenKind::LParen) && phrase_at(s, i + 1).is_some() {
        return true;
    }
    if !value_position(s, i) {
        return false;
    }
    // What follows: not a literal `DATE '...'`, not a type attribute `DATE FORMAT '...'`, and a
    // parenthesis only when it holds phrases (`DATE (FORMAT 'YYYYMMDD')`).
    match s.kind_of(i + 1) {
        Some(TokenKind::String | TokenKind::Dot) => return false,
        Some(TokenKind::Word) if s.is(i + 1, "FORMAT") => return false,
        Some(TokenKind::LParen) => return false,
        _ => {}
    }
    match s.kind_of(i - 1) {
        // `x (DATE)`, `x (DATE, FORMAT ...)`, `PERIOD(DATE)` are the type.
        Some(TokenKind::LParen) => {
            !(phrase_at(s, i - 1).is_some() || (i >= 2 && s.is(i - 2, "PERIOD")))
        }
        Some(TokenKind::Comma) => opens[i].is_none_or(|o| phrase_at(s, o).is_none()),
        _ => true,
    }
}

fn current_timestamp(s: &Statement, out: &mut Findings) {
    for i in s.each_of(&const { WordSet::of(&["CURRENT_TIME", "CURRENT_TIMESTAMP"]) }) {
        if after_dot(s, i) {
            continue;
        }
        if s.is(i, "CURRENT_TIME") {
            let end = if s.kind_of(i + 1) == Some(TokenKind::LParen) {
                s.partner(i + 1).unwrap_or(i)
            } else {
                i
            };
            out.report(
                &CURRENT_TIMESTAMP,
                Severity::Warning,
                s.range(i, end),
                "CURRENT_TIME is a leader-node-only function in Redshift: use \
CAST(GETDATE() AS TIME) or TO_CHAR(GETDATE(), 'HH24:MI:SS')",
            );
            continue;
        }
        if !s.is(i, "CURRENT_TIMESTAMP") {
            continue;
        }
        // `CURRENT_TIMESTAMP(n)`; other parentheses are phrases (`(FORMAT '...')`).
        let (end, precision) = if s.kind_of(i + 1) == Some(TokenKind::LParen)
            && s.kind_of(i + 2) == Some(TokenKind::Number)
            && s.partner(i + 1) == Some(i + 3)
        {
            (i + 3, s.text(i + 2).parse::<u32>().ok())
        } else {
            (i, None)
        };
        let now = cased(
            s.text(i),
            if precision == Some(0) {
                "GETDATE()"
            } else {
                "SYSDATE"
            },
        );
        if !s.is(end + 1, "AT") {
            out.replace(s.range(i, end), now);
            continue;
        }
        // CURRENT_TIMESTAMP AT 'zone' | AT TIME ZONE 'zone' | AT LOCAL
        let at = end + 1;
        let zone = if s.is_seq(at + 1, &["TIME", "ZONE"]) {
            at + 3
        } else {
            at + 1
        };
        if s.is(zone, "LOCAL") {
            // The session's time zone: what GETDATE() and SYSDATE return.
            out.replace(s.range(i, zone), now);
        } else if s.kind_of(zone) == Some(TokenKind::String) {
            out.replace(
                s.range(i, zone),
                format!(
                    "{}({}, {now})",
                    cased(s.text(i), "CONVERT_TIMEZONE"),
                    s.text(zone)
                ),
            );
            out.report(
                &CURRENT_TIMESTAMP,
                Severity::Warning,
                s.range(i, zone),
                "CURRENT_TIMESTAMP AT a time zone became CONVERT_TIMEZONE, which assumes the \
session runs in UTC (the Redshift default): check the session time zone and the zone name",
            );
        } else {
            out.report(
                &CURRENT_TIMESTAMP,
                Severity::Warning,
                s.range(i, at),
                "CURRENT_TIMESTAMP AT a time zone offset: rewrite with CONVERT_TIMEZONE",
            );
        }
    }
}

fn add_months(s: &Statement, out: &mut Findings) {
    for i in s.each("ADD_MONTHS") {
        let Some(start) = call_start(s, i) else {
            continue;
        };
        out.report(
            &ADD_MONTHS,
            Severity::Warning,
            s.range(start, s.partner(i + 1).unwrap_or(i)),
            "ADD_MONTHS returns a TIMESTAMP in Redshift and maps a month end to a month end \
(Teradata keeps the day): use CAST(ADD_MONTHS(...) AS DATE) where a date is needed and check \
month-end dates",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// TD059: FORMAT and the format-token table
// ---------------------------------------------------------------------------------------------

/// A Teradata date/time format mapped to a Redshift datetime format.
#[derive(Debug, PartialEq)]
struct DateFormat {
    /// The Redshift format, without quotes.
    text: String,
    /// Holds a full month or day name (Redshift pads those to 9 characters in TO_CHAR).
    names: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Piece {
    Year4,
    Year2,
    MonthName,
    MonthAbbr,
    Month,
    Minute,
    DayOfYear,
    Day,
    DayName,
    DayAbbr,
    Hour,
    Second,
    Fraction(u32),
    Meridian,
}

/// Maps the Teradata format `literal` (a string token, quotes included) to a Redshift datetime
/// format, or `None` when any part of it has no exact counterpart.
fn map_format(literal: &str) -> Option<DateFormat> {
    let inner = literal
        .strip_prefix('\'')?
        .strip_suffix('\'')?
        .replace("''", "'");
    let upper = inner.to_ascii_uppercase();
    // Parts: a date/time element, or literal text copied as is.
    let mut parts: Vec<Result<Piece, String>> = Vec::new();
    let mut k = 0;
    while k < upper.len() {
        let rest = &upper[k..];
        let table: &[(&str, Piece)] = &[
            ("YYYY", Piece::Year4),
            ("Y4", Piece::Year4),
            ("YY", Piece::Year2),
            ("MMMM", Piece::MonthName),
            ("M4", Piece::MonthName),
            ("MMM", Piece::MonthAbbr),
            ("M3", Piece::MonthAbbr),
            ("MI", Piece::Minute),
            ("MM", Piece::Month),
            ("DDD", Piece::DayOfYear),
            ("D3", Piece::DayOfYear),
            ("DD", Piece::Day),
            ("EEEE", Piece::DayName),
            ("E4", Piece::DayName),
            ("EEE", Piece::DayAbbr),
            ("E3", Piece::DayAbbr),
            ("HH", Piece::Hour),
            ("SS", Piece::Second),
            ("T", Piece::Meridian),
        ];
        if let Some((pat, piece)) = table.iter().find(|(pat, _)| rest.starts_with(pat)) {
            parts.push(Ok(*piece));
            k += pat.len();
        } else if let Some(digits) = rest
            .strip_prefix("S(")
            .and_then(|r| r.split_once(')'))
            .map(|(d, _)| d)
        {
            parts.push(Ok(Piece::Fraction(digits.parse().ok()?)));
            k += 3 + digits.len();
        } else if rest.starts_with('B') {
            parts.push(Err(" ".to_string()));
            k += 1;
        } else if let Some(quoted) = rest.strip_prefix('"') {
            let close = quoted.find('"')? + 2;
            parts.push(Err(inner[k..k + close].to_string()));
            k += close;
        } else if let Some(c) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '-' | '/' | ':' | '.' | ',' | ' '))
        {
            parts.push(Err(c.to_string()));
            k += 1;
        } else {
            return None;
        }
    }
    if !parts.iter().any(|p| p.is_ok()) {
        return None;
    }
    let twelve = parts.contains(&Ok(Piece::Meridian));
    let mut text = String::new();
    let mut names = false;
    for part in parts {
        let piece = match part {
            Ok(piece) => piece,
            Err(lit) => {
                text.push_str(&lit);
                continue;
            }
        };
        names |= matches!(piece, Piece::MonthName | Piece::DayName);
        text.push_str(match piece {
            Piece::Year4 => "YYYY",
            Piece::Year2 => "YY",
            Piece::MonthName => "Month",
            Piece::MonthAbbr => "Mon",
            Piece::Month => "MM",
            Piece::Minute => "MI",
            Piece::DayOfYear => "DDD",
            Piece::Day => "DD",
            Piece::DayName => "Day",
            Piece::DayAbbr => "Dy",
            Piece::Hour if twelve => "HH12",
            Piece::Hour => "HH24",
            Piece::Second => "SS",
            Piece::Fraction(6) => "US",
            Piece::Fraction(3) => "MS",
            Piece::Fraction(_) => return None,
            Piece::Meridian => "AM",
        });
    }
    Some(DateFormat { text, names })
}

const UNMAPPED_FORMAT: &str = "FORMAT kept: it is not a date/time format with an exact Redshift \
counterpart (a numeric or character mask, or an unknown element); rewrite it with TO_CHAR and a \
Redshift format";

const DISPLAY_FORMAT: &str = "FORMAT on a value that already is a date or timestamp only sets \
how Teradata displays it: removed; where the result becomes text (a CHAR cast, a concatenation, \
a report column), write TO_CHAR(x, 'format') there";

/// Whether tokens `first..=last` are a date or timestamp value: the current date or time, a
/// date literal, a date function or a cast to a date or timestamp.
fn is_datetime_value(s: &Statement, first: usize, last: usize) -> bool {
    const DATETIME_STARTS: Keywords = Keywords::new(&[
        "DATE",
        "CURRENT_DATE",
        "CURRENT_TIMESTAMP",
        "GETDATE",
        "SYSDATE",
        "TO_DATE",
        "TO_TIMESTAMP",
        "ADD_MONTHS",
        "LAST_DAY",
        "DATE_TRUNC",
        "DATEADD",
        "TIMESTAMP",
    ]);
    if first > last {
        return false;
    }
    if s.is_in(first, &DATETIME_STARTS) {
        return true;
    }
    // `CAST(x AS DATE …)` nested.
    s.is(first, "CAST")
        && s.partner(first + 1).is_some_and(|close| {
            last_in_call(s, first + 1, close, "AS").is_some_and(|a| {
                parse_type(s, a + 1, close - 1).is_some_and(|(_, class)| {
                    matches!(class, TypeClass::Date | TypeClass::Timestamp)
                })
            })
        })
}

const TEXT_OF_A_DATE: &str = "CAST(CAST(x AS DATE FORMAT 'f') AS CHAR(n)) is the date x \
written in the format: TO_CHAR(x, 'f') assumes x is a date or timestamp; if x is text already in \
that format, it is the result itself";

/// Whether the CAST whose parentheses close at `close` (its name at `name`) is the whole operand
/// of a CAST to a character type: `CAST(CAST(x AS DATE FORMAT 'f') AS CHAR(n))`, where Teradata
/// writes the date in the inner format.
fn cast_to_text_around(s: &Statement, name: usize, close: usize) -> bool {
    name >= 2
        && s.kind_of(name - 1) == Some(TokenKind::LParen)
        && s.is(name - 2, "CAST")
        && s.is(close + 1, "AS")
        && s.is_any(close + 2, &["CHAR", "CHARACTER", "VARCHAR"])
}

const PADDED_NAMES: &str = "full month or day names: Redshift pads Month and Day to 9 \
characters in TO_CHAR where Teradata does not; trim them if the width matters";

/// What a target type does with a FORMAT.
#[derive(Clone, Copy, PartialEq, Debug)]
enum TypeClass {
    Date,
    Time,
    Timestamp,
    Char,
    Numeric,
}

impl TypeClass {
    /// The Redshift function that applies a format for this target type.
    fn format_function(self) -> Option<&'static str> {
        match self {
            TypeClass::Date => Some("TO_DATE"),
            TypeClass::Timestamp => Some("TO_TIMESTAMP"),
            TypeClass::Char => Some("TO_CHAR"),
            TypeClass::Time | TypeClass::Numeric => None,
        }
    }
}

/// A data type starting at `k` and ending at or before `last`: its last token and class.
fn parse_type(s: &Statement, k: usize, last: usize) -> Option<(usize, TypeClass)> {
    if s.kind_of(k) != Some(TokenKind::Word) {
        return None;
    }
    let mut end = k;
    let class = match Upper::of(s.text(k)).as_str() {
        "DATE" => TypeClass::Date,
        "TIME" => TypeClass::Time,
        "TIMESTAMP" => TypeClass::Timestamp,
        "CHAR" | "CHARACTER" | "VARCHAR" => {
            if s.is(k + 1, "VARYING") {
                end += 1;
            }
            TypeClass::Char
        }
        "INTEGER" | "INT" | "SMALLINT" | "BIGINT" | "BYTEINT" | "DECIMAL" | "DEC" | "NUMERIC"
        | "NUMBER" | "FLOAT" | "REAL" => TypeClass::Numeric,
        "DOUBLE" if s.is(k + 1, "PRECISION") => {
            end += 1;
            TypeClass::Numeric
        }
        _ => return None,
    };
    if s.kind_of(end + 1) == Some(TokenKind::LParen) {
        // A length, precision or scale: `(10)`, `(15,2)`, `(*, 2)`.
        let close = s.partner(end + 1)?;
        let sizes = (end + 2..close).all(|k| {
            matches!(s.kind_of(k), Some(TokenKind::Number | TokenKind::Comma)) || s.is_op(k, "*")
        });
        if !sizes || close == end + 2 {
            return None;
        }
        end = close;
    }
    if matches!(class, TypeClass::Time | TypeClass::Timestamp)
        && s.is_seq(end + 1, &["WITH", "TIME", "ZONE"])
    {
        end += 3;
    }
    (end <= last).then_some((end, class))
}

/// The Redshift spelling of the Teradata type at `start..=end`, for a `CAST` written from a
/// conversion phrase. Teradata's FLOAT, REAL and DOUBLE PRECISION are all 8-byte floats (Redshift's
/// REAL has 4 bytes), BYTEINT is a 1-byte integer, NUMBER(p,s) is DECIMAL(p,s); the same mapping
/// as the DDL rules apply to `CAST(x AS type)`. `None` for NUMBER without a precision.
fn redshift_type(s: &Statement, start: usize, end: usize) -> Option<String> {
    let word = s.text(start);
    if s.is(start, "BYTEINT") {
        Some(cased(word, "SMALLINT"))
    } else if s.is_any(start, &["FLOAT", "REAL", "DOUBLE"]) {
        Some(cased(word, "DOUBLE PRECISION"))
    } else if s.is(start, "NUMBER") {
        let precise = s.kind_of(start + 1) == Some(TokenKind::LParen)
            && s.kind_of(start + 2) == Some(TokenKind::Number);
        precise.then(|| format!("{}{}", cased(word, "DECIMAL"), s.slice(start + 1, end)))
    } else {
        Some(s.slice(start, end).to_string())
    }
}

fn cast_format(s: &Statement, out: &mut Findings) {
    for i in s.each("CAST") {
        if call_start(s, i) != Some(i) {
            continue;
        }
        let open = i + 1;
        let Some(close) = s.partner(open) else {
            continue;
        };
        let Some(as_at) = last_in_call(s, open, close, "AS").filter(|&a| a > open + 1) else {
            continue;
        };
        let Some(format_at) =
            (as_at + 1..close).find(|&k| s.depth[k] == s.depth[as_at] && s.is(k, "FORMAT"))
        else {
            continue;
        };
        let span = s.range(i, close);
        let function = if format_at == as_at + 1 {
            // CAST(x AS FORMAT 'f'): formats the value (a date, for a date format).
            Some("TO_CHAR")
        } else {
            parse_type(s, as_at + 1, format_at - 1)
                .filter(|&(end, _)| end == format_at - 1)
                .and_then(|(_, class)| class.format_function())
        };
        let well_formed =
            s.kind_of(format_at + 1) == Some(TokenKind::String) && format_at + 2 == close;
        let mapped = map_format(s.text(format_at + 1));
        let as_text = function.is_some_and(|f| f != "TO_CHAR") && cast_to_text_around(s, i, close);
        let function = if as_text { Some("TO_CHAR") } else { function };
        if as_text && mapped.is_some() && !is_datetime_value(s, open + 1, as_at - 1) {
            out.report(&CAST_FORMAT, Severity::Warning, span, TEXT_OF_A_DATE);
        }
        let (Some(function), true, Some(mapped)) = (function, well_formed, mapped) else {
            out.report(&CAST_FORMAT, Severity::Warning, span, UNMAPPED_FORMAT);
            continue;
        };
        if function != "TO_CHAR" && is_datetime_value(s, open + 1, as_at - 1) {
            // Reading a date as text with the format would misread it: FORMAT only says how
            // Teradata shows the value.
            out.report(&CAST_FORMAT, Severity::Warning, span, DISPLAY_FORMAT);
            out.delete(Span::new(
                s.span(format_at - 1).end as usize,
                s.span(format_at + 1).end as usize,
            ));
            continue;
        }
        if function == "TO_CHAR" && mapped.names {
            out.report(&CAST_FORMAT, Severity::Warning, span, PADDED_NAMES);
        }
        out.rewrite(|out| {
            out.replace(s.span(i), cased(s.text(i), function));
            out.replace(
                Span::new(
                    s.span(as_at - 1).end as usize,
                    s.span(format_at + 1).end as usize,
                ),
                format!(", {}", quote_string(&mapped.text)),
            );
        });
    }
}

/// Where a deletion of token `k` starts: with the blanks before it, but no comment.
fn gap_start(s: &Statement, k: usize) -> usize {
    if s.gap(k - 1, k).trim().is_empty() {
        s.span(k - 1).end as usize
    } else {
        s.span(k).start as usize
    }
}

/// `CAST(x AS VARCHAR(n) CHARACTER SET UNICODE NOT CASESPECIFIC)`: the type's Teradata
/// attributes go, as in a column definition (TD032's note) and as a postfix phrase (TD064's).
fn cast_attributes(s: &Statement, out: &mut Findings) {
    for i in s.each("CAST") {
        let open = i + 1;
        let Some(close) = s.partner(open).filter(|_| call_start(s, i) == Some(i)) else {
            continue;
        };
        let Some(as_at) = last_in_call(s, open, close, "AS") else {
            continue;
        };
        let depth = s.depth[as_at];
        let mut k = as_at + 2;
        while k < close {
            if s.depth[k] != depth {
                k += 1;
                continue;
            }
            let not = usize::from(s.is(k, "NOT"));
            if s.is_seq(k, &["CHARACTER", "SET"]) && k + 2 < close {
                out.delete(Span::new(gap_start(s, k), s.span(k + 2).end as usize));
                out.report(
                    &crate::rules::sql::ddl::COLUMN_ATTRIBUTES,
                    Severity::Info,
                    s.range(k, k + 2),
                    "CHARACTER SET removed from the cast: Redshift VARCHAR lengths count bytes, so non-ASCII text may need a longer type",
                );
                k += 3;
            } else if s.is_any(k + not, &["CASESPECIFIC", "CS"]) && k + not < close {
                out.delete(Span::new(gap_start(s, k), s.span(k + not).end as usize));
                out.report(
                    &CASESPECIFIC_PREDICATE,
                    Severity::Warning,
                    s.range(k, k + not),
                    "CASESPECIFIC removed from the cast: Redshift compares strings case-sensitively; use UPPER() or ILIKE where the comparison must ignore case",
                );
                k += 1 + not;
            } else {
                k += 1;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// TD059–TD061, TD064: postfix phrases
// ---------------------------------------------------------------------------------------------

/// One phrase inside the parentheses after an operand.
#[derive(Clone, Copy, Debug)]
enum Attr {
    /// A data type, tokens `start..=end`.
    Type {
        start: usize,
        end: usize,
        class: TypeClass,
    },
    /// `FORMAT 'f'`: the string token.
    Format(usize),
    /// `TITLE 't'`: the string token.
    Title(usize),
    /// `NAMED n`: the name token.
    Named(usize),
    /// `[NOT] CASESPECIFIC` / `[NOT] CS`.
    CaseSpecific { not: bool },
}

/// The phrase starting at `k` (not past `last`) and the index after it.
fn parse_attr(s: &Statement, k: usize, last: usize) -> Option<(Attr, usize)> {
    let string_at = |i: usize| i <= last && s.kind_of(i) == Some(TokenKind::String);
    if s.is(k, "FORMAT") && string_at(k + 1) {
        return Some((Attr::Format(k + 1), k + 2));
    }
    if s.is(k, "TITLE") && string_at(k + 1) {
        return Some((Attr::Title(k + 1), k + 2));
    }
    if s.is(k, "NAMED")
        && k < last
        && matches!(
            s.kind_of(k + 1),
            Some(TokenKind::Word | TokenKind::QuotedIdent)
        )
    {
        return Some((Attr::Named(k + 1), k + 2));
    }
    if s.is(k, "NOT") && k < last && s.is_any(k + 1, &["CASESPECIFIC", "CS"]) {
        return Some((Attr::CaseSpecific { not: true }, k + 2));
    }
    if s.is_any(k, &["CASESPECIFIC", "CS"]) {
        return Some((Attr::CaseSpecific { not: false }, k + 1));
    }
    let (end, class) = parse_type(s, k, last)?;
    Some((
        Attr::Type {
            start: k,
            end,
            class,
        },
        end + 1,
    ))
}

/// The phrases in the parentheses at `open`, and whether all of the content was read. `None`
/// when the content does not start with a phrase.
fn parse_group(s: &Statement, open: usize) -> Option<(Vec<Attr>, bool)> {
    let close = s.partner(open)?;
    // Cheap test first: most parentheses hold arguments, and `args` walks all of them.
    parse_attr(s, open + 1, close.checked_sub(1)?)?;
    let args = s.args(open);
    // `args` drops empty arguments: `(FORMAT 'x',)` is not complete.
    let commas = (open + 1..close)
        .filter(|&k| s.depth[k] == s.depth[open] + 1 && s.kind_of(k) == Some(TokenKind::Comma))
        .count();
    let mut complete = args.len() == commas + 1;
    let mut attrs = Vec::new();
    for &(a, b) in &args {
        let mut k = a;
        while k <= b {
            match parse_attr(s, k, b) {
                Some((attr, next)) => {
                    attrs.push(attr);
                    k = next;
                }
                None => {
                    complete = false;
                    break;
                }
            }
        }
    }
    if attrs.is_empty() || args.first().map(|a| a.0) != Some(open + 1) {
        return None;
    }
    // The first phrase must lie within the first argument.
    parse_attr(s, open + 1, args[0].1)?;
    Some((attrs, complete))
}

/// Whether the parentheses at `open` start with a bare word that is also a value: `DATE`, `TIME`
/// (the current date and time) or `CS` (a column name as often as a phrase).
fn starts_ambiguous(s: &Statement, open: usize) -> bool {
    s.is_any(open + 1, &["DATE", "TIME", "CS"]) && s.kind_of(open + 2) != Some(TokenKind::LParen)
}

/// `parse_group`, except that parentheses starting with an ambiguous word and holding more than
/// phrases are arguments (`ADD_MONTHS (DATE, -1)`), not phrases.
fn group_at(s: &Statement, open: usize) -> Option<(Vec<Attr>, bool)> {
    let (attrs, complete) = parse_group(s, open)?;
    (complete || !starts_ambiguous(s, open)).then_some((attrs, complete))
}

/// Words before a parenthesis that never end an operand there.
const NOT_OPERANDS: Keywords = Keywords::new(&[
    "OVER",
    "EXISTS",
    "PERIOD",
    "INDEX",
    "KEY",
    "COLUMN",
    "TABLE",
    "VIEW",
    "ANY",
    "SOME",
    "WITH",
    "FILTER",
    "WITHIN",
    "RANGE_N",
    "CASE_N",
    "PARTITION",
    "UNIQUE",
    "INSERT",
    "FORMAT",
    "TITLE",
    "NAMED",
    "CAST",
]);

/// Functions that take a date (or any value) as their only argument, for `f (DATE)` written
/// with a blank.
const DATE_FUNCTIONS: Keywords = Keywords::new(&[
    "ADD_MONTHS",
    "LAST_DAY",
    "NEXT_DAY",
    "TRUNC",
    "MAX",
    "MIN",
    "COUNT",
    "COALESCE",
    "NVL",
    "EXTRACT",
    "TD_MONTH_BEGIN",
    "TD_MONTH_END",
    "TD_WEEK_BEGIN",
    "TD_WEEK_END",
    "TD_YEAR_BEGIN",
    "TD_YEAR_END",
    "TD_QUARTER_BEGIN",
    "TD_QUARTER_END",
    "TD_DAY_OF_WEEK",
    "DAYNUMBER_OF_WEEK",
    "MONTHS_BETWEEN",
    "OADD_MONTHS",
    "ZEROIFNULL",
    "NULLIFZERO",
]);

/// The phrases of the parentheses at `open` if they follow an operand (`x (INTEGER)`), as
/// opposed to a call's arguments, a list or a column list.
fn phrase_at(s: &Statement, open: usize) -> Option<(Vec<Attr>, bool)> {
    if s.kind_of(open) != Some(TokenKind::LParen) {
        return None;
    }
    // Cheap test first: most parentheses hold arguments, which do not start with a phrase.
    parse_attr(s, open + 1, s.partner(open)?.checked_sub(1)?)?;
    if !s.after_operand(open) {
        return None;
    }
    let prev = open - 1;
    if s.is_in(prev, &NOT_OPERANDS) {
        return None;
    }
    let (attrs, complete) = group_at(s, open)?;
    // `LAST_DAY(DATE)`, `SUM(cs)`: a call whose only argument is a word that is also a value.
    if starts_ambiguous(s, open) && s.kind_of(prev) == Some(TokenKind::Word) && !after_dot(s, prev)
    {
        let call_like = s.gap(prev, open).is_empty() || s.is_in(prev, &DATE_FUNCTIONS);
        if call_like && (!complete || attrs.len() == 1) {
            return None;
        }
    }
    Some((attrs, complete))
}

/// Words that end a select-list item.
const ITEM_ENDS: Keywords = Keywords::new(&[
    "FROM",
    "WHERE",
    "GROUP",
    "ORDER",
    "HAVING",
    "QUALIFY",
    "UNION",
    "EXCEPT",
    "MINUS",
    "INTERSECT",
    "LIMIT",
    "SAMPLE",
    "INTO",
]);

/// Words that start a clause other than the select list.
const CLAUSE_WORDS: Keywords = Keywords::new(&[
    "FROM",
    "WHERE",
    "ON",
    "SET",
    "BY",
    "HAVING",
    "QUALIFY",
    "VALUES",
    "WHEN",
    "THEN",
    "ELSE",
    "AND",
    "OR",
    "USING",
    "INTO",
    "JOIN",
    "LIMIT",
    "UNION",
    "EXCEPT",
    "MINUS",
    "INTERSECT",
    "IN",
    "LIKE",
    "BETWEEN",
]);

/// For each token, the `SELECT` whose select list it stands in at its own parenthesis level
/// (outside `CASE ... END`), if any: one pass, so a statement with many titles stays linear.
fn select_lists(s: &Statement) -> Vec<Option<usize>> {
    // Per parenthesis level: the current SELECT and how many CASEs are open.
    let mut levels: Vec<(Option<usize>, u32)> = vec![(None, 0)];
    let mut out = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        if s.kind_of(i) == Some(TokenKind::RParen) && levels.len() > 1 {
            levels.pop();
        }
        let level = levels.last_mut().expect("the outermost level stays");
        out.push(if level.1 == 0 { level.0 } else { None });
        if s.is(i, "CASE") {
            level.1 += 1;
        } else if s.is(i, "END") && level.1 > 0 {
            level.1 -= 1;
        } else if level.1 == 0 {
            if s.is_any(i, &["SELECT", "SEL"]) {
                level.0 = Some(i);
            } else if s.is_in(i, &CLAUSE_WORDS) {
                level.0 = None;
            }
        }
        if s.kind_of(i) == Some(TokenKind::LParen) {
            levels.push((None, 0));
        }
    }
    out
}

/// Whether the `SELECT` at `k` names the columns of a query's result (its headings): the
/// outermost select of a SELECT or WITH statement, or of the first branch of a set operation.
fn is_result_select(s: &Statement, k: usize) -> bool {
    if !matches!(s.kind, Kind::Select | Kind::With) {
        return false;
    }
    s.depth[k] == 0
        || (s.depth[k] == 1
            && k > 0
            && k - 1 == s.body
            && s.kind_of(k - 1) == Some(TokenKind::LParen))
}

/// How the token after a phrase chain ends it: the end of a select-list item, an alias, or more
/// expression.
#[derive(PartialEq)]
enum After {
    ItemEnd,
    Alias,
    Expression,
}

fn after_chain(s: &Statement, end: usize) -> After {
    let next = end + 1;
    match s.kind_of(next) {
        None | Some(TokenKind::Comma | TokenKind::RParen) => After::ItemEnd,
        Some(TokenKind::Word) if s.is_in(next, &ITEM_ENDS) => After::ItemEnd,
        Some(TokenKind::Word) if s.is(next, "AS") => After::Alias,
        Some(TokenKind::QuotedIdent) => After::Alias,
        Some(TokenKind::Word)
            if matches!(
                s.kind_of(next + 1),
                None | Some(TokenKind::Comma | TokenKind::RParen)
            ) || s.is_in(next + 1, &ITEM_ENDS) =>
        {
            After::Alias
        }
        _ => After::Expression,
    }
}

fn phrases(s: &Statement, out: &mut Findings) {
    let mut lists = None;
    let mut i = 1;
    while i < s.len() {
        // Most tokens are not parentheses: test before the call.
        let is_open = s.kind_of(i) == Some(TokenKind::LParen);
        let Some((first_attrs, first_complete)) = is_open.then(|| phrase_at(s, i)).flatten() else {
            i += 1;
            continue;
        };
        let mut groups = vec![(i, first_attrs, first_complete)];
        let mut close = s.partner(i).unwrap_or(i);
        while s.kind_of(close + 1) == Some(TokenKind::LParen)
            && let Some((attrs, complete)) = group_at(s, close + 1)
        {
            groups.push((close + 1, attrs, complete));
            close = s.partner(close + 1).unwrap_or(close + 1);
        }
        convert_chain(s, out, &mut lists, i, close, &groups);
        i = close + 1;
    }
}

/// Rewrites the operand before `first` with its phrase groups, which end at `last`. `lists` caches
/// `select_lists` for the statement.
fn convert_chain(
    s: &Statement,
    out: &mut Findings,
    lists: &mut Option<Vec<Option<usize>>>,
    first: usize,
    last: usize,
    groups: &[(usize, Vec<Attr>, bool)],
) {
    let operand_end = first - 1;
    let operand_start = operand_begin(s, operand_end);
    let span = s.range(operand_start, last);
    if groups.iter().any(|g| !g.2) {
        out.report(
            &CONVERSION_SYNTAX,
            Severity::Warning,
            span,
            "Teradata conversion phrase not recognised: kept; rewrite it with CAST or TO_CHAR",
        );
        return;
    }
    if has_comment(s, operand_end, last) {
        out.report(
            &CONVERSION_SYNTAX,
            Severity::Warning,
            span,
            "comment inside a Teradata conversion phrase: kept; rewrite it with CAST or TO_CHAR",
        );
        return;
    }
    // `DATE - 1 (FORMAT 'YYYYMMDD')`: whether Teradata formats `1` or the difference is unclear.
    let after_arithmetic = operand_start > 0
        && ["+", "-", "*", "/"]
            .iter()
            .any(|op| s.is_op(operand_start - 1, op))
        && s.after_operand(operand_start - 1);
    let formats = groups
        .iter()
        .any(|g| g.1.iter().any(|a| matches!(a, Attr::Format(_))));
    if after_arithmetic && formats {
        out.report(
            &CAST_FORMAT,
            Severity::Warning,
            span,
            "FORMAT after an arithmetic operator: kept; put the expression in parentheses and \
rewrite it with TO_CHAR",
        );
        return;
    }
    // Wrappers from the innermost out: (opening text, closing text).
    let mut wrappers: Vec<(String, String)> = Vec::new();
    let mut title: Option<usize> = None;
    let mut named: Option<usize> = None;
    let mut case_specific: Vec<bool> = Vec::new();
    let mut names_padded = false;
    for (_, attrs, _) in groups {
        let mut ty = None;
        let mut format = None;
        for attr in attrs {
            match *attr {
                Attr::Type { start, end, class } if ty.is_none() => ty = Some((start, end, class)),
                Attr::Format(f) if format.is_none() => format = Some(f),
                Attr::Title(t) if title.is_none() => title = Some(t),
                Attr::Named(n) if named.is_none() => named = Some(n),
                Attr::CaseSpecific { not } => case_specific.push(not),
                _ => {
                    out.report(
                        &CONVERSION_SYNTAX,
                        Severity::Warning,
                        span,
                        "Teradata phrase repeated: kept; rewrite it by hand",
                    );
                    return;
                }
            }
        }
        match (ty, format) {
            (Some((start, _, class)), Some(f)) => {
                let (Some(function), Some(mapped)) =
                    (class.format_function(), map_format(s.text(f)))
                else {
                    out.report(&CAST_FORMAT, Severity::Warning, span, UNMAPPED_FORMAT);
                    return;
                };
                names_padded |= function == "TO_CHAR" && mapped.names;
                wrappers.push((
                    format!("{}(", cased(s.text(start), function)),
                    format!(", {})", quote_string(&mapped.text)),
                ));
            }
            (Some((start, end, _)), None) => {
                let Some(target) = redshift_type(s, start, end) else {
                    out.report(
                        &CONVERSION_SYNTAX,
                        Severity::Warning,
                        span,
                        "NUMBER without a precision has no exact Redshift type: kept; convert \
with CAST(x AS DECIMAL(p,s))",
                    );
                    return;
                };
                wrappers.push((
                    format!("{}(", cased(s.text(start), "CAST")),
                    format!(" {} {target})", cased(s.text(start), "AS")),
                ));
            }
            (None, Some(f)) => {
                let Some(mapped) = map_format(s.text(f)) else {
                    out.report(&CAST_FORMAT, Severity::Warning, span, UNMAPPED_FORMAT);
                    return;
                };
                names_padded |= mapped.names;
                wrappers.push((
                    format!("{}(", cased(s.text(f - 1), "TO_CHAR")),
                    format!(", {})", quote_string(&mapped.text)),
                ));
            }
            (None, None) => {}
        }
    }
    // TITLE and NAMED: an alias where the chain ends a select-list item.
    let select = if title.is_some() || named.is_some() {
        lists.get_or_insert_with(|| select_lists(s))[operand_start]
    } else {
        None
    };
    let after = after_chain(s, last);
    let mut alias = String::new();
    if let Some(n) = named {
        if select.is_none() || after != After::ItemEnd {
            out.report(
                &TITLE_NAMED,
                Severity::Warning,
                span,
                "NAMED inside an expression or with an alias: kept; name the select-list item \
with AS",
            );
            return;
        }
        alias = format!(" {} {}", cased(s.text(n - 1), "AS"), s.text(n));
    }
    if let Some(t) = title {
        let text = string_value(s, t).unwrap_or_default();
        let heading = select.is_some_and(|k| is_result_select(s, k));
        if text.is_empty() {
            out.report(
                &TITLE_NAMED,
                Severity::Info,
                span,
                "empty TITLE removed: Redshift cannot suppress one column's heading (turn \
headings off for the export if the file must have no heading line)",
            );
        } else if named.is_some() || !heading {
            out.report(
                &TITLE_NAMED,
                Severity::Info,
                span,
                "TITLE removed: it only sets a report heading, and an alias here would rename a \
column (of a view, table, insert or subquery) or repeat the NAMED name",
            );
        } else if after == After::ItemEnd {
            alias = format!(
                " {} \"{}\"",
                cased(s.text(t - 1), "AS"),
                text.replace('"', "\"\"")
            );
        } else {
            out.report(
                &TITLE_NAMED,
                Severity::Warning,
                span,
                "TITLE removed: it is not at the end of a select-list item or the item has an \
alias, so the report heading changes",
            );
        }
    }
    for &not in &case_specific {
        let message = if not {
            "NOT CASESPECIFIC removed: Redshift compares case-sensitively; compare UPPER() of \
both sides or use ILIKE"
        } else {
            "CASESPECIFIC removed: Redshift compares case-sensitively unless the column has a \
case-insensitive collation"
        };
        out.report(&CASESPECIFIC_PREDICATE, Severity::Warning, span, message);
    }
    if names_padded {
        out.report(&CAST_FORMAT, Severity::Warning, span, PADDED_NAMES);
    }
    let prefix: String = wrappers.iter().rev().map(|w| w.0.as_str()).collect();
    let suffix: String = wrappers.iter().map(|w| w.1.as_str()).collect();
    let tail = Span::new(s.span(operand_end).end as usize, s.span(last).end as usize);
    out.rewrite(|out| {
        if !prefix.is_empty() {
            out.insert(s.span(operand_start).start, prefix);
        }
        out.replace(tail, apart(s, tail, format!("{suffix}{alias}")));
    });
}

// ---------------------------------------------------------------------------------------------
// TD062, TD063
// ---------------------------------------------------------------------------------------------

/// Teradata-only functions, and what to write instead.
const TERADATA_ONLY: &[(&[&str], &str)] = &[
    (
        &["HASHROW", "HASHBUCKET", "HASHAMP", "HASHBAKAMP"],
        "Teradata row-hash and AMP functions expose its data distribution and have no \
Redshift form: drop the logic, or use MD5() or FNV_HASH() where only a fingerprint is needed",
    ),
    (
        &["CSUM"],
        "CSUM is a Teradata cumulative sum: rewrite as SUM(x) OVER (ORDER BY ... ROWS \
UNBOUNDED PRECEDING), partitioned by the GROUP BY columns",
    ),
    (
        &["MSUM"],
        "MSUM is a Teradata moving sum: rewrite as SUM(x) OVER (ORDER BY ... ROWS n-1 \
PRECEDING)",
    ),
    (
        &["MAVG"],
        "MAVG is a Teradata moving average: rewrite as AVG(x) OVER (ORDER BY ... ROWS \
n-1 PRECEDING)",
    ),
    (
        &["MDIFF"],
        "MDIFF is a Teradata moving difference: rewrite as x - LAG(x, n) OVER (ORDER BY \
...)",
    ),
    (
        &["MLINREG"],
        "MLINREG is a Teradata moving linear regression with no Redshift form: compute \
it with window aggregates",
    ),
    (
        &["QUANTILE"],
        "QUANTILE has no Redshift form: rewrite with NTILE(n) OVER (ORDER BY x) - 1 and \
check ties",
    ),
    (
        &["RANK"],
        "RANK(x DESC) is Teradata's old form: rewrite as RANK() OVER (ORDER BY x DESC), \
partitioned by the GROUP BY columns",
    ),
    (
        &["TD_NORMALIZE_OVERLAP"],
        "TD_NORMALIZE_OVERLAP has no Redshift form: merge overlapping periods with LAG() \
and a running SUM() OVER (...)",
    ),
    (
        &["TD_UNPIVOT"],
        "TD_UNPIVOT has no Redshift form: rewrite with UNPIVOT in the FROM clause or \
UNION ALL",
    ),
    (
        &[
            "TD_MONTH_BEGIN",
            "TD_MONTH_END",
            "TD_WEEK_BEGIN",
            "TD_WEEK_END",
            "TD_QUARTER_BEGIN",
            "TD_QUARTER_END",
            "TD_YEAR_BEGIN",
            "TD_YEAR_END",
            "MONTH_BEGIN",
            "MONTH_END",
            "WEEK_BEGIN",
            "WEEK_END",
            "QUARTER_BEGIN",
            "QUARTER_END",
            "YEAR_BEGIN",
            "YEAR_END",
        ],
        "Teradata's period-boundary functions have no Redshift form: use \
DATE_TRUNC('month', d)::DATE for a beginning and LAST_DAY(d) (or DATE_TRUNC of the next period \
minus one day) for an end; Teradata's weeks start on Sunday, DATE_TRUNC's on Monday",
    ),
    (
        &[
            "DAY_OF_WEEK",
            "TD_DAY_OF_WEEK",
            "DAY_OF_MONTH",
            "TD_DAY_OF_MONTH",
            "DAY_OF_YEAR",
            "TD_DAY_OF_YEAR",
            "WEEK_OF_YEAR",
            "TD_WEEK_OF_YEAR",
            "MONTH_OF_YEAR",
            "TD_MONTH_OF_YEAR",
            "QUARTER_OF_YEAR",
            "TD_QUARTER_OF_YEAR",
            "DAYNUMBER_OF_WEEK",
            "DAYNUMBER_OF_MONTH",
            "DAYNUMBER_OF_YEAR",
            "DAYNUMBER_OF_CALENDAR",
            "WEEKNUMBER_OF_YEAR",
            "WEEKNUMBER_OF_MONTH",
            "WEEKNUMBER_OF_QUARTER",
            "WEEKNUMBER_OF_CALENDAR",
            "MONTHNUMBER_OF_YEAR",
            "MONTHNUMBER_OF_QUARTER",
            "MONTHNUMBER_OF_CALENDAR",
            "QUARTERNUMBER_OF_YEAR",
            "QUARTERNUMBER_OF_CALENDAR",
            "YEARNUMBER_OF_CALENDAR",
        ],
        "Teradata's calendar functions have no Redshift form: use EXTRACT (DOW counts \
Sunday as 0 where DAY_OF_WEEK counts it as 1; DAY, DOY, WEEK, MONTH, QUARTER)",
    ),
    (
        &["REGEXP_SIMILAR"],
        "REGEXP_SIMILAR (1 when the whole string matches) has no Redshift form: use \
CASE WHEN s ~ '^(pattern)$' THEN 1 ELSE 0 END (add the match option by hand)",
    ),
    (
        &["TO_NUMBER"],
        "TO_NUMBER without a format has no Redshift form (Redshift's needs one): use \
CAST(x AS DECIMAL(p, s)) with the precision the data needs",
    ),
    (
        &["INSTR"],
        "INSTR with a start position or an occurrence has no Redshift form: use \
REGEXP_INSTR(s, sub, position, occurrence) with sub's regular-expression characters escaped",
    ),
    (
        &["TRUNC"],
        "TRUNC(d, 'format') is Teradata's date truncation: use DATE_TRUNC('month', d) (with \
the part named: 'year', 'quarter', 'month', 'week', 'day'); Redshift's TRUNC takes no format",
    ),
];

/// `RESET` and every name of [`TERADATA_ONLY`].
const TERADATA_ONLY_WORDS: WordSet = {
    let mut set = WordSet::of(&["RESET"]);
    let mut i = 0;
    while i < TERADATA_ONLY.len() {
        set = set.union(WordSet::of(TERADATA_ONLY[i].0));
        i += 1;
    }
    set
};

fn teradata_only(s: &Statement, out: &mut Findings) {
    for i in s.each_of(&TERADATA_ONLY_WORDS) {
        if s.kind_of(i) != Some(TokenKind::Word) {
            continue;
        }
        if s.is_seq(i, &["RESET", "WHEN"]) {
            out.report(
                &TERADATA_ONLY_FUNCTIONS,
                Severity::Error,
                s.range(i, i + 1),
                "RESET WHEN has no Redshift form: number the groups with a running \
SUM(CASE WHEN ... THEN 1 ELSE 0 END) OVER (...) and add it to PARTITION BY",
            );
            continue;
        }
        let Some(start) = call_start(s, i) else {
            continue;
        };
        let Some(&(_, message)) = TERADATA_ONLY.iter().find(|(names, _)| s.is_any(i, names)) else {
            continue;
        };
        let close = s.partner(i + 1).unwrap_or(i + 1);
        // `RANK()` is the window function; only `RANK(x DESC)` is Teradata's.
        if s.is(i, "RANK") && close <= i + 2 {
            continue;
        }
        // Only one argument makes TO_NUMBER Teradata's; two make INSTR Redshift's STRPOS (TD052).
        let arity = s.args(i + 1).len();
        if (s.is(i, "TO_NUMBER") && arity != 1) || (s.is(i, "INSTR") && arity <= 2) {
            continue;
        }
        // `TRUNC(x)` and `TRUNC(x, 2)` are Redshift's too; only a format makes it Teradata's.
        if s.is(i, "TRUNC")
            && !matches!(s.args(i + 1).as_slice(), [_, (f, l)] if f == l && s.kind_of(*f) == Some(TokenKind::String))
        {
            continue;
        }
        out.report(
            &TERADATA_ONLY_FUNCTIONS,
            Severity::Error,
            s.range(start, close),
            message,
        );
    }
}

fn translate_using(s: &Statement, out: &mut Findings) {
    for i in s.each("TRANSLATE") {
        let Some(start) = call_start(s, i) else {
            continue;
        };
        let open = i + 1;
        let Some(close) = s.partner(open) else {
            continue;
        };
        let Some(using) = last_in_call(s, open, close, "USING").filter(|&u| u > open + 1) else {
            continue;
        };
        let translation = s.kind_of(using + 1) == Some(TokenKind::Word)
            && s.text(using + 1).to_ascii_uppercase().contains("_TO_");
        let mut end = using + 2;
        if s.is_seq(end, &["WITH", "ERROR"]) {
            end += 2;
        }
        if !translation || end != close {
            continue;
        }
        let x_end = using - 1;
        let single = s.operand_end(open + 1) == x_end;
        let (opening, closing) = if single { ("", "") } else { ("(", ")") };
        let tail = Span::new(s.span(x_end).end as usize, s.span(close).end as usize);
        out.rewrite(|out| {
            out.replace(
                Span::new(
                    s.span(start).start as usize,
                    s.span(open + 1).start as usize,
                ),
                opening,
            );
            out.replace(tail, apart(s, tail, closing.to_string()));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{DateFormat, map_format};
    use crate::diagnostic::apply_edits;
    use crate::rules::sql::{Findings, codes, convert_sql};
    use crate::sql::statement::{Statement, split_statements};
    use crate::syntax::lexer::{Mode, tokenize};

    /// Runs only this module's checks until they find nothing more (so a rule whose output
    /// triggers it again would show), for cases where other families' rules also act.
    fn mine(sql: &str) -> String {
        let mut text = sql.to_string();
        for _ in 0..8 {
            let tokens = tokenize(text.as_bytes(), Mode::BteqSql);
            let mut found = Findings::default();
            for (range, _) in split_statements(&tokens) {
                let stmt = Statement::new(&text, &tokens[range]);
                if !stmt.is_empty() {
                    for c in super::CHECKS {
                        (c.check)(&stmt, &mut found);
                    }
                }
            }
            if !found.has_edits() {
                return text;
            }
            text = apply_edits(&text, &mut found.take_applicable()).0;
        }
        panic!("the rules keep rewriting their own output: {text}");
    }

    /// Converts `sql` and checks that converting the result changes nothing.
    fn conv(sql: &str) -> String {
        let once = convert_sql(sql);
        assert_eq!(convert_sql(&once), once, "not idempotent: {sql}");
        assert_eq!(mine(&once), once, "the output triggers a rule again: {sql}");
        once
    }

    #[test]
    fn zeroifnull_and_nullifzero() {
        assert_eq!(
            conv("SELECT ZEROIFNULL(SUM(amt)), amt / NULLIFZERO(cnt) FROM t;"),
            "SELECT COALESCE(SUM(amt), 0), amt / NULLIF(cnt, 0) FROM t;"
        );
        assert_eq!(
            conv("sel zeroifnull( a.x ) from t a"),
            "SELECT coalesce( a.x, 0 ) from t a"
        );
        assert_eq!(
            conv("SELECT ZEROIFNULL(NULLIFZERO(x)) FROM t"),
            "SELECT COALESCE(NULLIF(x, 0), 0) FROM t"
        );
        // Not a call, or a user's function of the same name.
        assert_eq!(
            conv("SELECT zeroifnull, u.ZEROIFNULL(x) FROM t"),
            "SELECT zeroifnull, u.ZEROIFNULL(x) FROM t"
        );
        assert!(codes("SELECT ZEROIFNULL(x) FROM t").is_empty());
    }

    #[test]
    fn index_becomes_strpos_only_in_expressions() {
        assert_eq!(
            conv("SELECT INDEX(cust_nm, ',') FROM t WHERE INDEX(a, 'x') > 0;"),
            "SELECT STRPOS(cust_nm, ',') FROM t WHERE STRPOS(a, 'x') > 0;"
        );
        assert_eq!(
            conv("SELECT SUBSTR(a, index(a, '-') + 1) FROM t"),
            "SELECT SUBSTRING(a, strpos(a, '-') + 1) FROM t"
        );
        for ddl in [
            "CREATE TABLE t (a INTEGER, b INTEGER) PRIMARY INDEX (a, b)",
            "CREATE TABLE t (a INTEGER, b INTEGER) PRIMARY INDEX (a) INDEX (a, b)",
            "CREATE TABLE t (a INTEGER, b INTEGER) UNIQUE INDEX (a, b)",
            "CREATE INDEX idx (a, b) ON t",
            "COLLECT STATISTICS INDEX (a, b) ON t",
            "CREATE TABLE t AS (SELECT a, b FROM s) WITH DATA PRIMARY INDEX (a, b)",
        ] {
            assert_eq!(mine(ddl), ddl);
        }
        // One argument: not the string function.
        assert_eq!(conv("SELECT INDEX(a) FROM t"), "SELECT INDEX(a) FROM t");
        assert_eq!(
            mine("CREATE TABLE t AS (SELECT INDEX(a, 'x') AS p FROM s) WITH DATA"),
            "CREATE TABLE t AS (SELECT STRPOS(a, 'x') AS p FROM s) WITH DATA"
        );
    }

    #[test]
    fn character_length_spellings() {
        assert_eq!(
            conv(
                "SELECT CHARACTERS(a), CHARS(b), CHARACTER_LENGTH(c), char_length(d) FROM t \
WHERE CHARACTERS(TRIM(e)) = 10"
            ),
            "SELECT LENGTH(a), LENGTH(b), LENGTH(c), length(d) FROM t WHERE LENGTH(TRIM(e)) = 10"
        );
        assert_eq!(conv("SELECT chars FROM t"), "SELECT chars FROM t");
    }

    #[test]
    fn oreplace_and_otranslate() {
        assert_eq!(
            conv(
                "SELECT OREPLACE(phone, '-', ''), OREPLACE(nm, '\"'), OTRANSLATE(a, 'ab', 'xy') FROM t"
            ),
            "SELECT REPLACE(phone, '-', ''), REPLACE(nm, '\"', ''), TRANSLATE(a, 'ab', 'xy') FROM t"
        );
        assert_eq!(
            conv("SELECT TD_SYSFNLIB.OREPLACE(a, 'x', 'y') FROM t"),
            "SELECT REPLACE(a, 'x', 'y') FROM t"
        );
        assert_eq!(
            conv("SELECT myudfs.OREPLACE(a, 'x', 'y') FROM t"),
            "SELECT myudfs.OREPLACE(a, 'x', 'y') FROM t"
        );
    }

    #[test]
    fn substr_becomes_substring() {
        assert_eq!(
            conv("SELECT SUBSTR(acct_no, 1, 4), substr(nm, 3), TD_SYSFNLIB.SUBSTR(x, 2, 1) FROM t"),
            "SELECT SUBSTRING(acct_no, 1, 4), substring(nm, 3), SUBSTRING(x, 2, 1) FROM t"
        );
        // Not a call of the built-in: a column, a user's function, a wrong arity.
        for kept in [
            "SELECT substr FROM t",
            "SELECT u.SUBSTR(a, 1) FROM t",
            "SELECT SUBSTR(a) FROM t",
        ] {
            assert_eq!(conv(kept), kept);
        }
        assert_eq!(
            codes("SELECT SUBSTRING(a FROM 1 FOR 2) FROM t"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn time_as_a_value_is_flagged() {
        let sql = "INSERT INTO log VALUES ('LD', DATE, TIME)";
        assert_eq!(
            conv(sql),
            "INSERT INTO log VALUES ('LD', CURRENT_DATE, TIME)"
        );
        assert_eq!(codes(sql), vec!["TD056"]);
        for typed in [
            "CREATE TABLE t (a TIME, b TIME(0))",
            "SELECT CAST(x AS TIME), TIME '12:00:00' FROM t",
        ] {
            assert!(codes(typed).is_empty(), "{typed}");
        }
    }

    #[test]
    fn a_formatted_date_cast_to_text_becomes_to_char() {
        assert_eq!(
            conv("SELECT CAST(CAST(eff_dt AS DATE FORMAT 'YYYYMMDD') AS CHAR(8)) FROM t"),
            "SELECT CAST(TO_CHAR(eff_dt, 'YYYYMMDD') AS CHAR(8)) FROM t"
        );
        assert_eq!(
            codes("SELECT CAST(CAST(eff_dt AS DATE FORMAT 'YYYYMMDD') AS CHAR(8)) FROM t"),
            vec!["TD059"]
        );
        // A known date needs no warning.
        assert_eq!(
            conv("SELECT CAST(CAST(CURRENT_DATE AS DATE FORMAT 'YYYY-MM') AS VARCHAR(7))"),
            "SELECT CAST(TO_CHAR(CURRENT_DATE, 'YYYY-MM') AS VARCHAR(7))"
        );
        assert!(
            codes("SELECT CAST(CAST(CURRENT_DATE AS DATE FORMAT 'YYYY-MM') AS VARCHAR(7))")
                .is_empty()
        );
        // Cast to a date, it is still read with the format.
        assert_eq!(
            conv("SELECT CAST(CAST(s AS DATE FORMAT 'YYYYMMDD') AS DATE) FROM t"),
            "SELECT CAST(TO_DATE(s, 'YYYYMMDD') AS DATE) FROM t"
        );
    }

    #[test]
    fn td_sysfnlib_prefixes_go_where_redshift_has_the_function() {
        assert_eq!(
            conv(
                "SELECT TD_SYSFNLIB.NVL(a, 0), td_sysfnlib.lpad(b, 5, '0'), TD_SYSFNLIB.OREPLACE(c, 'x', 'y') FROM t"
            ),
            "SELECT NVL(a, 0), lpad(b, 5, '0'), REPLACE(c, 'x', 'y') FROM t"
        );
        let unknown = "SELECT TD_SYSFNLIB.EDITDISTANCE(a, b) FROM t";
        assert_eq!(conv(unknown), unknown);
        assert_eq!(codes(unknown), vec!["TD066"]);
        // Flagged by TD062 alone.
        assert_eq!(
            codes("SELECT TD_SYSFNLIB.MONTH_BEGIN(d) FROM t"),
            vec!["TD062"]
        );
    }

    #[test]
    fn random_ranges_are_scaled_from_redshifts_fraction() {
        assert_eq!(
            conv("SELECT RANDOM(1, 100), random(0, n - 1) FROM t"),
            "SELECT CAST(1 + FLOOR(RANDOM() * (100 - 1 + 1)) AS INTEGER), cast(0 + floor(random() * ((n - 1) - 0 + 1)) as integer) FROM t"
        );
        assert_eq!(conv("SELECT RANDOM() FROM t"), "SELECT RANDOM() FROM t");
    }

    #[test]
    fn greatest_and_least_are_flagged_for_their_nulls() {
        let sql = "SELECT LEAST(d.end_dt, s.end_dt), GREATEST(a, b) FROM d, s";
        assert_eq!(conv(sql), sql);
        assert_eq!(codes(sql), vec!["TD068", "TD068"]);
    }

    #[test]
    fn oracle_style_and_calendar_functions() {
        assert_eq!(
            conv("SELECT OADD_MONTHS(d, 1), INSTR(a, ',') FROM t"),
            "SELECT ADD_MONTHS(d, 1), STRPOS(a, ',') FROM t"
        );
        for flagged in [
            "SELECT INSTR(a, ',', 1, 2) FROM t",
            "SELECT TO_NUMBER(a) FROM t",
            "SELECT REGEXP_SIMILAR(a, '[0-9]+', 'c') FROM t",
            "SELECT MONTH_BEGIN(d), DAYNUMBER_OF_WEEK(d) FROM t",
        ] {
            assert_eq!(conv(flagged), flagged);
            assert!(codes(flagged).iter().all(|c| *c == "TD062"), "{flagged}");
            assert!(!codes(flagged).is_empty(), "{flagged}");
        }
        assert!(codes("SELECT TO_NUMBER(a, '999') FROM t").is_empty());
    }

    #[test]
    fn strtok_becomes_split_part_with_a_warning() {
        assert_eq!(
            conv("SELECT STRTOK(full_nm, ' ', 2), STRTOK(a, ',') FROM t"),
            "SELECT SPLIT_PART(full_nm, ' ', 2), SPLIT_PART(a, ',', 1) FROM t"
        );
        assert_eq!(codes("SELECT STRTOK(a, ',', 1) FROM t"), vec!["TD055"]);
    }

    #[test]
    fn date_as_a_value_becomes_current_date() {
        assert_eq!(conv("SELECT DATE;"), "SELECT CURRENT_DATE;");
        assert_eq!(
            conv("DELETE FROM t WHERE d = DATE - 1 OR d < DATE-7"),
            "DELETE FROM t WHERE d = CURRENT_DATE - 1 OR d < CURRENT_DATE-7"
        );
        assert_eq!(
            conv("SELECT ADD_MONTHS(DATE, -1), EXTRACT(YEAR FROM date), LAST_DAY(DATE) FROM t"),
            "SELECT ADD_MONTHS(CURRENT_DATE, -1), EXTRACT(YEAR FROM current_date), \
LAST_DAY(CURRENT_DATE) FROM t"
        );
        assert_eq!(
            conv("UPDATE t SET load_dt = DATE, n = 1"),
            "UPDATE t SET load_dt = CURRENT_DATE, n = 1"
        );
        assert_eq!(
            conv("SELECT CASE WHEN d > DATE THEN 1 END FROM t WHERE d BETWEEN DATE - 7 AND DATE"),
            "SELECT CASE WHEN d > CURRENT_DATE THEN 1 END FROM t WHERE d BETWEEN CURRENT_DATE - 7 \
AND CURRENT_DATE"
        );
    }

    #[test]
    fn date_as_a_type_or_literal_is_kept() {
        for kept in [
            "SELECT CAST(x AS DATE) FROM t",
            "SELECT x FROM t WHERE d = DATE '2020-01-01'",
            "SELECT CURRENT_DATE, t.date_col FROM t",
            "CREATE TABLE t (a INTEGER, d DATE FORMAT 'YYYY-MM-DD', p PERIOD(DATE))",
            "REPLACE MACRO m (p_run_dt DATE) AS (SELECT 1;)",
            "SELECT CAST(x AS PERIOD (DATE)) FROM t",
        ] {
            assert_eq!(mine(kept), kept);
        }
        assert_eq!(
            mine("CREATE TABLE t (d DATE DEFAULT DATE)"),
            "CREATE TABLE t (d DATE DEFAULT CURRENT_DATE)"
        );
        // The type inside a conversion phrase.
        assert_eq!(
            conv("SELECT x (DATE) FROM t"),
            "SELECT CAST(x AS DATE) FROM t"
        );
    }

    #[test]
    fn current_timestamp_by_precision() {
        assert_eq!(
            conv(
                "UPDATE t SET a = CURRENT_TIMESTAMP(0), b = CURRENT_TIMESTAMP(6), c = CURRENT_TIMESTAMP;"
            ),
            "UPDATE t SET a = GETDATE(), b = SYSDATE, c = SYSDATE;"
        );
        assert_eq!(conv("select current_timestamp(0)"), "select getdate()");
        assert!(codes("SELECT CURRENT_TIMESTAMP(0)").is_empty());
        assert_eq!(codes("SELECT CURRENT_TIME"), vec!["TD057"]);
        assert_eq!(conv("SELECT CURRENT_TIME"), "SELECT CURRENT_TIME");
    }

    #[test]
    fn current_timestamp_at_time_zone() {
        assert_eq!(
            conv("SELECT current_timestamp at 'gmt'"),
            "SELECT convert_timezone('gmt', sysdate)"
        );
        assert_eq!(
            conv("SELECT CURRENT_TIMESTAMP(0) AT TIME ZONE 'GMT'"),
            "SELECT CONVERT_TIMEZONE('GMT', GETDATE())"
        );
        assert_eq!(
            conv("SELECT CURRENT_TIMESTAMP(0) AT LOCAL"),
            "SELECT GETDATE()"
        );
        assert_eq!(codes("SELECT current_timestamp at 'gmt'"), vec!["TD057"]);
        assert_eq!(
            conv("SELECT CURRENT_TIMESTAMP AT -5"),
            "SELECT CURRENT_TIMESTAMP AT -5"
        );
        assert_eq!(codes("SELECT CURRENT_TIMESTAMP AT -5"), vec!["TD057"]);
    }

    #[test]
    fn add_months_is_kept_and_flagged() {
        let sql = "DELETE FROM t WHERE d < ADD_MONTHS(CURRENT_DATE, -13);";
        assert_eq!(conv(sql), sql);
        assert_eq!(codes(sql), vec!["TD058"]);
    }

    #[test]
    fn cast_with_format() {
        assert_eq!(
            conv("SELECT CAST('20240131' AS DATE FORMAT 'YYYYMMDD') FROM t"),
            "SELECT TO_DATE('20240131', 'YYYYMMDD') FROM t"
        );
        assert_eq!(
            conv("SELECT cast(s.ts_txt as timestamp(0) format 'yyyy-mm-ddbhh:mi:ss') FROM s"),
            "SELECT to_timestamp(s.ts_txt, 'YYYY-MM-DD HH24:MI:SS') FROM s"
        );
        assert_eq!(
            conv("SELECT CAST(CAST(d AS FORMAT 'YYYY-MM-DD') AS CHAR(10)) FROM t"),
            "SELECT CAST(TO_CHAR(d, 'YYYY-MM-DD') AS CHAR(10)) FROM t"
        );
        assert_eq!(
            conv("SELECT CAST(d AS VARCHAR(20) FORMAT 'MMMBDD,BYYYY') FROM t"),
            "SELECT TO_CHAR(d, 'Mon DD, YYYY') FROM t"
        );
        assert_eq!(
            conv("SELECT CAST(DATE AS FORMAT 'YYYYMMDD') FROM t"),
            "SELECT TO_CHAR(CURRENT_DATE, 'YYYYMMDD') FROM t"
        );
        assert!(codes("SELECT CAST(x AS DATE FORMAT 'YYYYMMDD')").is_empty());
    }

    #[test]
    fn teradata_type_attributes_leave_a_cast() {
        let sql = "SELECT CAST(y AS VARCHAR(20) CHARACTER SET UNICODE NOT CASESPECIFIC) FROM t";
        assert_eq!(conv(sql), "SELECT CAST(y AS VARCHAR(20)) FROM t");
        assert_eq!(codes(sql), vec!["TD032", "TD064"]);
        let sql = "SELECT CAST(y AS CHAR(2) CS), CAST(z AS INTEGER) FROM t";
        assert_eq!(
            conv(sql),
            "SELECT CAST(y AS CHAR(2)), CAST(z AS INTEGER) FROM t"
        );
        let sql = "SELECT CAST(y AS CHAR(2) /* keep */ CS) FROM t";
        assert_eq!(conv(sql), "SELECT CAST(y AS CHAR(2) /* keep */ ) FROM t");
    }

    #[test]
    fn a_format_on_a_date_value_is_only_its_display() {
        for (sql, want) in [
            (
                "SELECT CAST(DATE AS DATE FORMAT 'YYYYMMDD') FROM t",
                "SELECT CAST(CURRENT_DATE AS DATE) FROM t",
            ),
            (
                "SELECT CAST(CURRENT_TIMESTAMP(0) AS TIMESTAMP(0) FORMAT 'YYYYMMDDHHMISS') FROM t",
                "SELECT CAST(GETDATE() AS TIMESTAMP) FROM t",
            ),
            (
                "SELECT CAST(CAST(s AS DATE FORMAT 'YYYYMMDD') AS DATE FORMAT 'DD/MM/YYYY') FROM t",
                "SELECT CAST(TO_DATE(s, 'YYYYMMDD') AS DATE) FROM t",
            ),
        ] {
            assert_eq!(conv(sql), want, "{sql}");
            assert!(codes(sql).contains(&"TD059"), "{sql}");
        }
    }

    #[test]
    fn cast_with_a_numeric_format_is_kept() {
        for sql in [
            "SELECT CAST(CAST(MAX(k) AS FORMAT '9(10)') AS CHAR(10)) FROM t",
            "SELECT CAST(amt AS DECIMAL(12,2) FORMAT 'ZZZ,ZZ9.99') FROM t",
            "SELECT CAST(x AS DATE FORMAT 'YYYYQ') FROM t",
        ] {
            assert_eq!(conv(sql), sql);
            assert_eq!(codes(sql), vec!["TD059"], "{sql}");
        }
        // Plain casts are not touched.
        assert_eq!(
            conv("SELECT CAST(x AS DATE), CAST(y AS CHAR(10)) FROM t"),
            "SELECT CAST(x AS DATE), CAST(y AS CHAR(10)) FROM t"
        );
    }

    #[test]
    fn format_tokens_map() {
        let m = |f: &str| map_format(&format!("'{f}'")).map(|d| d.text);
        assert_eq!(m("YYYY-MM-DD").as_deref(), Some("YYYY-MM-DD"));
        assert_eq!(m("yyyymmdd").as_deref(), Some("YYYYMMDD"));
        assert_eq!(m("Y4/MM/DD").as_deref(), Some("YYYY/MM/DD"));
        assert_eq!(m("DDBMMMBYY").as_deref(), Some("DD Mon YY"));
        assert_eq!(m("mmm-yy").as_deref(), Some("Mon-YY"));
        assert_eq!(m("M4 DD, Y4").as_deref(), Some("Month DD, YYYY"));
        assert_eq!(m("EEE, DD M3").as_deref(), Some("Dy, DD Mon"));
        assert_eq!(m("E4").as_deref(), Some("Day"));
        assert_eq!(m("YYYYDDD").as_deref(), Some("YYYYDDD"));
        assert_eq!(m("YYYYD3").as_deref(), Some("YYYYDDD"));
        assert_eq!(m("HH:MI:SS").as_deref(), Some("HH24:MI:SS"));
        assert_eq!(m("HH:MIBT").as_deref(), Some("HH12:MI AM"));
        assert_eq!(
            m("YYYY-MM-DDBHH:MI:SS.S(6)").as_deref(),
            Some("YYYY-MM-DD HH24:MI:SS.US")
        );
        assert_eq!(m("HH:MI:SS.S(3)").as_deref(), Some("HH24:MI:SS.MS"));
        assert_eq!(
            m("MM-DD-YYYYbHH:MI:SS").as_deref(),
            Some("MM-DD-YYYY HH24:MI:SS")
        );
        assert_eq!(
            m("\"Week of\" YYYY-MM-DD").as_deref(),
            Some("\"Week of\" YYYY-MM-DD")
        );
        assert_eq!(
            map_format("'DD Month'"),
            None,
            "'Month' is not a Teradata token"
        );
        assert_eq!(
            map_format("'M4'"),
            Some(DateFormat {
                text: "Month".into(),
                names: true
            })
        );
        for bad in [
            "9(5)", "ZZZ9", "X(10)", "$$9.99", "G", "SS.S(2)", "", "--", "YYYYQ",
        ] {
            assert_eq!(m(bad), None, "{bad}");
        }
    }

    #[test]
    fn format_phrases_become_to_char() {
        assert_eq!(
            conv("SELECT col (FORMAT 'YYYY-MM-DD') (CHAR(10)) FROM t"),
            "SELECT CAST(TO_CHAR(col, 'YYYY-MM-DD') AS CHAR(10)) FROM t"
        );
        assert_eq!(
            conv("select (current_timestamp (format 'MM-DD-YYYYbHH:MI:SS') (char(21))) \"Date:\""),
            "select (cast(to_char(sysdate, 'MM-DD-YYYY HH24:MI:SS') as char(21))) \"Date:\""
        );
        assert_eq!(
            conv("SELECT t.post_dt (FORMAT 'mmm-yy') FROM t"),
            "SELECT TO_CHAR(t.post_dt, 'Mon-YY') FROM t"
        );
        assert_eq!(
            conv("SELECT DATE (FORMAT 'YYYYMMDD') (CHAR(8))"),
            "SELECT CAST(TO_CHAR(CURRENT_DATE, 'YYYYMMDD') AS CHAR(8))"
        );
        assert_eq!(
            conv(
                "SELECT '20240131' (DATE, FORMAT 'YYYYMMDD'), s.x (DATE FORMAT 'DD/MM/YYYY') FROM s"
            ),
            "SELECT TO_DATE('20240131', 'YYYYMMDD'), TO_DATE(s.x, 'DD/MM/YYYY') FROM s"
        );
        assert_eq!(
            conv("SELECT ts_txt (TIMESTAMP(0), FORMAT 'YYYY-MM-DDBHH:MI:SS') FROM s"),
            "SELECT TO_TIMESTAMP(ts_txt, 'YYYY-MM-DD HH24:MI:SS') FROM s"
        );
        assert!(codes("SELECT col (FORMAT 'YYYY-MM-DD') (CHAR(10)) FROM t").is_empty());
        assert_eq!(codes("SELECT d (FORMAT 'DDBM4BY4') FROM t"), vec!["TD059"]);
    }

    #[test]
    fn numeric_format_phrases_are_kept() {
        for sql in [
            "SELECT amt (FORMAT 'ZZZ,ZZ9.99') FROM t",
            "SELECT k (FORMAT '9(10)') (CHAR(10)) FROM t",
            "SELECT amt (DECIMAL(12,2), FORMAT '-(9)9.99') FROM t",
        ] {
            assert_eq!(conv(sql), sql);
            assert_eq!(codes(sql), vec!["TD059"], "{sql}");
        }
    }

    #[test]
    fn conversion_phrases_become_cast() {
        assert_eq!(
            conv("SELECT TRIM(acct_no) (CHAR(12)), amt (DECIMAL(15,2)), n (INTEGER) + 1 FROM t"),
            "SELECT CAST(TRIM(acct_no) AS CHAR(12)), CAST(amt AS DECIMAL(15,2)), CAST(n AS INTEGER) + 1 FROM t"
        );
        assert_eq!(
            conv("SELECT SUM(a) (BIGINT), '2024-01-31' (DATE), x.y (SMALLINT), f (FLOAT) FROM x"),
            "SELECT CAST(SUM(a) AS BIGINT), CAST('2024-01-31' AS DATE), CAST(x.y AS SMALLINT), \
CAST(f AS DOUBLE PRECISION) FROM x"
        );
        // Teradata's types in Redshift's spelling (REAL is an 8-byte float in Teradata).
        assert_eq!(
            conv("SELECT a (REAL), b (byteint), c (NUMBER(12,2)), d (DOUBLE PRECISION) FROM x"),
            "SELECT CAST(a AS DOUBLE PRECISION), cast(b as smallint), CAST(c AS DECIMAL(12,2)), \
CAST(d AS DOUBLE PRECISION) FROM x"
        );
        assert_eq!(codes("SELECT a (NUMBER) FROM x"), vec!["TD060"]);
        assert_eq!(
            conv(
                "SELECT DATE '2024-01-31' (FORMAT 'DD/MM/YYYY'), TIMESTAMP '2024-01-31 10:00:00' (DATE)"
            ),
            "SELECT TO_CHAR(DATE '2024-01-31', 'DD/MM/YYYY'), CAST(TIMESTAMP '2024-01-31 10:00:00' AS DATE)"
        );
        assert_eq!(
            conv("SELECT (a + b) (VARCHAR(20)) FROM t"),
            "SELECT CAST((a + b) AS VARCHAR(20)) FROM t"
        );
        assert_eq!(
            conv("SELECT CASE WHEN a = 1 THEN 'Y' ELSE 'N' END (CHAR(1)) FROM t"),
            "SELECT CAST(CASE WHEN a = 1 THEN 'Y' ELSE 'N' END AS CHAR(1)) FROM t"
        );
        assert_eq!(
            conv("SELECT ROW_NUMBER() OVER (ORDER BY a) (INTEGER) FROM t"),
            "SELECT CAST(ROW_NUMBER() OVER (ORDER BY a NULLS FIRST) AS INTEGER) FROM t"
        );
        assert_eq!(
            conv("SELECT ((a (INTEGER)) (CHAR(5))) FROM t"),
            "SELECT (CAST((CAST(a AS INTEGER)) AS CHAR(5))) FROM t"
        );
        assert!(codes("SELECT a (INTEGER) FROM t").is_empty());
    }

    #[test]
    fn conversion_phrases_do_not_fire_elsewhere() {
        for sql in [
            "SELECT f(x), COALESCE(a, b) FROM t WHERE c IN (1, 2)",
            "CREATE TABLE t (c INTEGER, d CHAR(10), e DECIMAL(15,2))",
            "INSERT INTO t (a, b) VALUES (1, DATE '2024-01-31')",
            "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM s)",
            "SELECT SUM(a) OVER (PARTITION BY b) FROM t",
            "SELECT CAST(a AS INTEGER) FROM t",
        ] {
            assert_eq!(conv(sql), sql);
            assert!(codes(sql).is_empty(), "{sql}");
        }
        // An unrecognised phrase is kept and reported.
        let sql = "SELECT a (VARCHAR(10) CHARACTER SET UNICODE) FROM t";
        assert_eq!(conv(sql), sql);
        assert_eq!(codes(sql), vec!["TD060"]);
    }

    #[test]
    fn values_lists_and_current_values() {
        assert_eq!(
            conv(
                "INSERT INTO t VALUES (DATE, CURRENT_TIMESTAMP(0), '7' (INTEGER), DATE '2024-01-31')"
            ),
            "INSERT INTO t VALUES (CURRENT_DATE, GETDATE(), CAST('7' AS INTEGER), DATE '2024-01-31')"
        );
        assert_eq!(
            conv("SELECT a FROM t WHERE b IN (DATE, DATE - 1) AND c IN ('x', 'y')"),
            "SELECT a FROM t WHERE b IN (CURRENT_DATE, CURRENT_DATE - 1) AND c IN ('x', 'y')"
        );
        // CURRENT_TIMESTAMP followed by a phrase, not a precision.
        assert_eq!(
            conv("SELECT CURRENT_TIMESTAMP (FORMAT 'HH:MI') FROM t"),
            "SELECT TO_CHAR(SYSDATE, 'HH24:MI') FROM t"
        );
        // A title outside a select list only loses a heading.
        assert_eq!(
            conv("SELECT a FROM t WHERE b (TITLE 'B') = 1"),
            "SELECT a FROM t WHERE b = 1"
        );
    }

    #[test]
    fn ambiguous_phrases() {
        // A date format after an arithmetic operator: which operand it formats is unclear.
        let sql = "SELECT DATE - 1 (FORMAT 'YYYYMMDD')";
        assert_eq!(conv(sql), "SELECT CURRENT_DATE - 1 (FORMAT 'YYYYMMDD')");
        assert_eq!(codes(sql), vec!["TD059"]);
        // Calls whose first argument is DATE.
        assert_eq!(
            conv("SELECT COALESCE (DATE, d), NVL(DATE, d) FROM t"),
            "SELECT COALESCE (CURRENT_DATE, d), NVL(CURRENT_DATE, d) FROM t"
        );
        assert!(codes("SELECT COALESCE (DATE, d) FROM t").is_empty());
        // A comment inside the phrase chain is not dropped.
        let sql = "SELECT a /* code */ (CHAR(3)) FROM t";
        assert_eq!(conv(sql), sql);
        assert_eq!(codes(sql), vec!["TD060"]);
    }

    #[test]
    fn titles_and_names() {
        assert_eq!(
            conv("SELECT acct_no (TITLE 'Account No'), bal (NAMED cur_bal), 'x' (TITLE '') FROM t"),
            "SELECT acct_no AS \"Account No\", bal AS cur_bal, 'x' FROM t"
        );
        assert_eq!(
            conv("SELECT TRIM(COUNT(*)) (TITLE '') FROM t;"),
            "SELECT TRIM(COUNT(*)) FROM t;"
        );
        assert_eq!(
            codes("SELECT TRIM(COUNT(*)) (TITLE '') FROM t;"),
            vec!["TD061"]
        );
        assert_eq!(
            conv("SELECT a (TITLE 'Say \"hi\"'), b (title 'it''s') FROM t"),
            "SELECT a AS \"Say \"\"hi\"\"\", b as \"it's\" FROM t"
        );
        assert_eq!(
            conv("SELECT d (TITLE 'Run Date', FORMAT 'YYYY-MM-DD') FROM t"),
            "SELECT TO_CHAR(d, 'YYYY-MM-DD') AS \"Run Date\" FROM t"
        );
        assert_eq!(
            conv("SELECT d (FORMAT 'YYYY-MM-DD', TITLE 'Run Date')\nFROM t"),
            "SELECT TO_CHAR(d, 'YYYY-MM-DD') AS \"Run Date\"\nFROM t"
        );
        // Only the outermost select list names the report's headings.
        assert_eq!(
            mine("CREATE TABLE x AS (SELECT a (TITLE 'A'), b (NAMED bb) FROM t) WITH DATA"),
            "CREATE TABLE x AS (SELECT a, b AS bb FROM t) WITH DATA"
        );
        assert_eq!(
            conv("INSERT INTO x SELECT a (TITLE 'A') FROM t"),
            "INSERT INTO x SELECT a FROM t"
        );
        assert_eq!(
            codes("INSERT INTO x SELECT a (TITLE 'A') FROM t"),
            vec!["TD061"]
        );
        assert_eq!(
            conv("SELECT * FROM (SELECT a (TITLE 'A') FROM t) d"),
            "SELECT * FROM (SELECT a FROM t) d"
        );
        // An alias already names the item.
        assert_eq!(
            conv("SELECT a (TITLE 'A') AS x FROM t"),
            "SELECT a AS x FROM t"
        );
        assert_eq!(codes("SELECT a (TITLE 'A') AS x FROM t"), vec!["TD061"]);
        // NAMED inside an expression is kept.
        let sql = "SELECT (a + b) (NAMED s) * 2 FROM t";
        assert_eq!(conv(sql), sql);
        assert_eq!(codes(sql), vec!["TD061"]);
    }

    #[test]
    fn casespecific_phrases_are_removed() {
        assert_eq!(
            conv("SELECT * FROM t WHERE cust_nm (NOT CASESPECIFIC) = 'smith' AND c (CS) = 'A'"),
            "SELECT * FROM t WHERE cust_nm = 'smith' AND c = 'A'"
        );
        assert_eq!(
            conv("SELECT * FROM t WHERE a(not cs) LIKE 'x%' AND b (CASESPECIFIC) = c"),
            "SELECT * FROM t WHERE a LIKE 'x%' AND b = c"
        );
        assert_eq!(
            codes("SELECT * FROM t WHERE a (NOT CS) = 'x'"),
            vec!["TD064"]
        );
        // A column named cs as a call's argument.
        assert_eq!(
            conv("SELECT SUM(cs), MAX (cs) FROM t"),
            "SELECT SUM(cs), MAX (cs) FROM t"
        );
    }

    #[test]
    fn teradata_only_functions_are_errors() {
        for (sql, n) in [
            (
                "SELECT HASHAMP(HASHBUCKET(HASHROW(a))), COUNT(*) FROM t GROUP BY 1",
                3,
            ),
            (
                "SELECT a, CSUM(amt, d), MSUM(amt, 3, d), MAVG(amt, 3, d), MDIFF(amt, 1, d) FROM t",
                4,
            ),
            (
                "SELECT a, RANK(amt DESC) FROM t AS t QUALIFY RANK(amt DESC) <= 3",
                2,
            ),
            ("SELECT QUANTILE(10, amt) FROM t", 1),
            (
                "SELECT SUM(a) OVER (ORDER BY d NULLS FIRST RESET WHEN a < 0 ROWS UNBOUNDED PRECEDING) FROM t",
                1,
            ),
            (
                "SELECT * FROM TABLE (TD_UNPIVOT(ON t USING VALUE_COLUMNS('v'))) x",
                1,
            ),
            (
                "SELECT TD_MONTH_BEGIN(d), DAY_OF_WEEK(d), TRUNC(d, 'MM') FROM t",
                3,
            ),
        ] {
            assert_eq!(conv(sql), sql, "kept verbatim");
            assert_eq!(codes(sql), vec!["TD062"; n], "{sql}");
        }
        assert!(codes("SELECT RANK() OVER (ORDER BY a DESC) FROM t").is_empty());
        assert!(codes("SELECT TRUNC(amt), TRUNC(amt, 2), TRUNC(ts) FROM t").is_empty());
    }

    #[test]
    fn translate_using_is_removed() {
        assert_eq!(
            conv("SELECT TRANSLATE(cust_nm USING LATIN_TO_UNICODE WITH ERROR) FROM t"),
            "SELECT cust_nm FROM t"
        );
        assert_eq!(
            conv("SELECT TRANSLATE(a || b USING unicode_to_latin) || c FROM t"),
            "SELECT (a || b) || c FROM t"
        );
        // Words on both sides stay apart.
        assert_eq!(
            conv("SELECT TRANSLATE(a USING LATIN_TO_UNICODE)FROM t"),
            "SELECT a FROM t"
        );
        assert_eq!(
            conv("SELECT a (NAMED b)FROM t WHERE c (CS)AND d = 1"),
            "SELECT a AS b FROM t WHERE c AND d = 1"
        );
        assert_eq!(
            conv("SELECT TRANSLATE(a, 'abc', 'xyz') FROM t"),
            "SELECT TRANSLATE(a, 'abc', 'xyz') FROM t"
        );
    }
}
