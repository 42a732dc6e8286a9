//! What one SQL statement reads and writes: table names with how they are used, schemas it
//! creates, files it reads or writes, the search path it sets, procedures it calls.
//!
//! Names come out raw (their pieces as written, placeholders unresolved); the job-level pass in
//! [`super`] resolves them against the catalog's `vars`, `aliases` and the current search path.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::sql::statement::{Keywords, Statement};
use crate::syntax::lexer::{Mode, TokenKind, tokenize};

/// How a statement uses a table (bit set).
pub mod access {
    /// SELECT … FROM / JOIN / USING, subqueries, MERGE source, CTAS query, LIKE source.
    pub const READ: u8 = 1;
    /// INSERT, COPY: rows added, none read.
    pub const APPEND: u8 = 2;
    /// UPDATE, DELETE, MERGE target: existing rows changed.
    pub const MODIFY: u8 = 4;
    /// CREATE TABLE / VIEW (also the new name of a rename).
    pub const CREATE: u8 = 8;
    /// DROP, TRUNCATE, ALTER, the old name of a rename.
    pub const DDL: u8 = 16;
    pub const WRITE: u8 = APPEND | MODIFY | CREATE | DDL;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    Word,
    /// A `"quoted identifier"`, quotes removed.
    Quoted,
    /// `${X}`, `$X`, `%%X%%`, … as written.
    Placeholder,
}

/// A run of one name part: `tmp_${KPI}` is the pieces `tmp_` and `${KPI}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    pub kind: PieceKind,
    /// Borrowed from the script, owned only when quotes were removed.
    pub text: Cow<'a, str>,
    /// Byte offset in the analysed file.
    pub offset: usize,
}

/// A dotted name as written: `db.schema.table` is three parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawName<'a> {
    pub parts: Vec<Vec<Piece<'a>>>,
    pub offset: usize,
}

impl RawName<'_> {
    /// The lower-cased text of a one-part name without placeholders (`cte`, `#tmp`).
    pub fn simple(&self) -> Option<String> {
        match self.parts.as_slice() {
            [part] if part.iter().all(|p| p.kind != PieceKind::Placeholder) => Some(
                part.iter()
                    .map(|p| p.text.to_lowercase())
                    .collect::<String>(),
            ),
            _ => None,
        }
    }

    /// The name with its own copy of the text (for a query inside a string literal).
    fn into_owned(self) -> RawName<'static> {
        let parts = self
            .parts
            .into_iter()
            .map(|part| {
                part.into_iter()
                    .map(|p| Piece {
                        kind: p.kind,
                        text: Cow::Owned(p.text.into_owned()),
                        offset: p.offset,
                    })
                    .collect()
            })
            .collect();
        RawName {
            parts,
            offset: self.offset,
        }
    }

    /// The last part as written (for Teradata `UPDATE alias FROM table alias`).
    fn last_lower(&self) -> String {
        self.parts
            .last()
            .map(|p| p.iter().map(|x| x.text.to_lowercase()).collect())
            .unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact<'a> {
    Table {
        name: RawName<'a>,
        access: u8,
        temp: bool,
    },
    /// `CREATE SCHEMA s`.
    Schema(RawName<'a>),
    /// `SET search_path TO s` (or Teradata `DATABASE s`); `None` for `DEFAULT`.
    SearchPath(Option<RawName<'a>>),
    /// A file or S3 path read (`COPY … FROM`, `\i`, `.IMPORT`), as written without quotes.
    FileRead { path: String, offset: usize },
    /// A file or S3 path written (`UNLOAD … TO`, `\export`, `.EXPORT`).
    FileWrite { path: String, offset: usize },
    /// `CALL p(…)`: reads and writes hidden in a procedure.
    Call { name: String, offset: usize },
}

/// Appends the facts of `stmt` to `out`. `base` is the offset of `stmt.src` in the file.
pub fn statement_facts<'a>(stmt: &Statement<'a>, base: usize, out: &mut Vec<Fact<'a>>) {
    if stmt.is_empty() {
        return;
    }
    let mut scan = Scan::new(stmt, base);
    let mut head = stmt.body;
    if stmt.is(head, "EXPLAIN") {
        head += 1;
        while stmt.is_any(head, &["ANALYZE", "VERBOSE"]) {
            head += 1;
        }
    }
    if stmt.is(head, "WITH") {
        head = scan.after_ctes(head);
    }
    if stmt.is(head, "USING") && stmt.kind_of(head + 1) == Some(TokenKind::LParen) {
        head = stmt.partner(head + 1).map_or(stmt.len(), |p| p + 1);
    }
    if scan.head(head) {
        scan.generic();
        scan.alias_target();
    }
    out.append(&mut scan.out);
}

/// Words that end a FROM item: never a table alias.
const NOT_ALIAS: Keywords = Keywords::new(&[
    "WHERE",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "NATURAL",
    "OUTER",
    "ON",
    "USING",
    "GROUP",
    "ORDER",
    "HAVING",
    "QUALIFY",
    "UNION",
    "EXCEPT",
    "MINUS",
    "INTERSECT",
    "LIMIT",
    "OFFSET",
    "FETCH",
    "WINDOW",
    "SET",
    "SAMPLE",
    "WITH",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "INTO",
    "VALUES",
    "SELECT",
    "SEL",
    "FROM",
    "RETURNING",
    "AND",
    "OR",
    "TOP",
    "PARTITION",
    "LATERAL",
    "AS",
    "NOT",
    "IN",
    "IS",
    "BY",
    "FOR",
    "ALL",
]);

/// Words that end a FROM clause at their depth.
const CLAUSE_ENDS: Keywords = Keywords::new(&[
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
    "OFFSET",
    "WINDOW",
    "SELECT",
    "SEL",
    "SET",
    "VALUES",
    "RETURNING",
    "INTO",
    "WHEN",
]);

/// Functions whose arguments use FROM without naming a table.
const FROM_FUNCTIONS: Keywords = Keywords::new(&[
    "EXTRACT",
    "SUBSTRING",
    "SUBSTR",
    "TRIM",
    "POSITION",
    "OVERLAY",
]);

/// Statements that read no table (or whose names are not tables).
const NO_TABLES: &[&str] = &[
    "GRANT",
    "REVOKE",
    "COMMENT",
    "ANALYZE",
    "VACUUM",
    "COLLECT",
    "HELP",
    "SHOW",
    "LOCK",
    "LOCKING",
    "BEGIN",
    "BT",
    "ET",
    "END",
    "COMMIT",
    "ROLLBACK",
    "ABORT",
    "START",
    "DECLARE",
    "FETCH",
    "CLOSE",
    "PREPARE",
    "DEALLOCATE",
    "RESET",
    "CANCEL",
    "DISCARD",
];

struct Scan<'s, 'a> {
    st: &'s Statement<'a>,
    base: usize,
    ctes: HashSet<String>,
    /// By token: FROM keywords the statement head already handled (`DELETE FROM t`).
    skip: Vec<bool>,
    /// By token: commas of FROM lists already followed.
    consumed: Vec<bool>,
    /// The innermost open parenthesis around each token.
    enclosing: Vec<Option<usize>>,
    /// FROM-list entries with their aliases (lower-case), for Teradata alias targets.
    entries: Vec<(RawName<'a>, Option<String>)>,
    /// Teradata `UPDATE a FROM t a …`: the target is named by its alias.
    target_alias: Option<(String, RawName<'a>)>,
    out: Vec<Fact<'a>>,
}

impl<'s, 'a> Scan<'s, 'a> {
    fn new(st: &'s Statement<'a>, base: usize) -> Self {
        let mut enclosing = Vec::with_capacity(st.len());
        let mut open: Vec<usize> = Vec::new();
        for i in 0..st.len() {
            match st.kind_of(i) {
                Some(TokenKind::LParen) => {
                    enclosing.push(open.last().copied());
                    open.push(i);
                }
                Some(TokenKind::RParen) => {
                    open.pop();
                    enclosing.push(open.last().copied());
                }
                _ => enclosing.push(open.last().copied()),
            }
        }
        let mut scan = Scan {
            st,
            base,
            ctes: HashSet::new(),
            skip: vec![false; st.len()],
            consumed: vec![false; st.len()],
            enclosing,
            entries: Vec::new(),
            target_alias: None,
            out: Vec::new(),
        };
        scan.collect_ctes();
        scan
    }

    fn upper(&self, i: usize) -> String {
        match self.st.kind_of(i) {
            Some(TokenKind::Word) => self.st.text(i).to_ascii_uppercase(),
            _ => String::new(),
        }
    }

    fn is_kind(&self, i: usize, kind: TokenKind) -> bool {
        self.st.kind_of(i) == Some(kind)
    }

    /// After the `(` at `i`'s partner, or the end.
    fn past_parens(&self, i: usize) -> usize {
        self.st.partner(i).map_or(self.st.len(), |p| p + 1)
    }

    /// The dotted name starting at `i` and its last token.
    fn name(&self, i: usize) -> Option<(RawName<'a>, usize)> {
        let end = self.st.name_end(i)?;
        let mut parts: Vec<Vec<Piece<'a>>> = vec![Vec::new()];
        for k in i..=end {
            let tok = self.st.toks[k];
            let text = self.st.text(k);
            let offset = self.base + tok.span.start as usize;
            let piece = match tok.kind {
                TokenKind::Dot => {
                    parts.push(Vec::new());
                    continue;
                }
                // `"@CoreDatabase"`, `"${DB}"`: substituted before the script runs, quotes or not.
                TokenKind::QuotedIdent if is_placeholder(&unquote_ident(text)) => Piece {
                    kind: PieceKind::Placeholder,
                    text: Cow::Owned(unquote_ident(text)),
                    offset: offset + 1,
                },
                TokenKind::QuotedIdent => Piece {
                    kind: PieceKind::Quoted,
                    text: Cow::Owned(unquote_ident(text)),
                    offset,
                },
                TokenKind::Placeholder => Piece {
                    kind: PieceKind::Placeholder,
                    text: Cow::Borrowed(text),
                    offset,
                },
                _ => Piece {
                    kind: PieceKind::Word,
                    text: Cow::Borrowed(text),
                    offset,
                },
            };
            parts.last_mut().expect("one part at least").push(piece);
        }
        Some((
            RawName {
                parts,
                offset: self.base + self.st.span(i).start as usize,
            },
            end,
        ))
    }

    fn table(&mut self, name: RawName<'a>, access: u8, temp: bool) {
        if access == access::READ
            && let Some(simple) = name.simple()
            && self.ctes.contains(&simple)
        {
            return;
        }
        self.out.push(Fact::Table { name, access, temp });
    }

    /// Every `WITH [RECURSIVE] name [(cols)] AS (…) [, …]` in the statement, at any depth.
    fn collect_ctes(&mut self) {
        for i in 0..self.st.len() {
            if self.st.is(i, "WITH") {
                self.after_ctes(i);
            }
        }
    }

    /// Records the CTE names of the list starting at the `WITH` at `i`; returns the index of
    /// the first token after the list.
    fn after_ctes(&mut self, i: usize) -> usize {
        let st = self.st;
        let mut j = i + 1;
        if st.is(j, "RECURSIVE") {
            j += 1;
        }
        loop {
            if !matches!(
                st.kind_of(j),
                Some(TokenKind::Word | TokenKind::QuotedIdent)
            ) {
                return i + 1;
            }
            let name = if st.kind_of(j) == Some(TokenKind::QuotedIdent) {
                unquote_ident(st.text(j)).to_lowercase()
            } else {
                st.text(j).to_lowercase()
            };
            let mut k = j + 1;
            if self.is_kind(k, TokenKind::LParen) {
                k = self.past_parens(k);
            }
            if !(st.is(k, "AS") && self.is_kind(k + 1, TokenKind::LParen)) {
                return i + 1;
            }
            self.ctes.insert(name);
            k = self.past_parens(k + 1);
            if self.is_kind(k, TokenKind::Comma) {
                j = k + 1;
            } else {
                return k;
            }
        }
    }

    /// Handles the statement's head; returns whether FROM/JOIN/USING reads should be scanned.
    fn head(&mut self, i: usize) -> bool {
        let st = self.st;
        let word = self.upper(i);
        match word.as_str() {
            "INSERT" | "INS" => {
                let j = if st.is(i + 1, "INTO") { i + 2 } else { i + 1 };
                if let Some((name, _)) = self.name(j) {
                    self.table(name, access::APPEND, false);
                }
                true
            }
            "UPDATE" | "UPD" => {
                let j = if st.is(i + 1, "ONLY") { i + 2 } else { i + 1 };
                if let Some((name, end)) = self.name(j) {
                    if st.is(end + 1, "FROM") && name.parts.len() == 1 {
                        self.target_alias = Some((name.last_lower(), name));
                    } else {
                        self.table(name, access::MODIFY, false);
                    }
                }
                true
            }
            "DELETE" | "DEL" => {
                let mut j = i + 1;
                if st.is(j, "FROM") {
                    self.skip[j] = true;
                    j += 1;
                }
                if let Some((name, end)) = self.name(j) {
                    if st.is(end + 1, "FROM") && name.parts.len() == 1 && j == i + 1 {
                        self.target_alias = Some((name.last_lower(), name));
                    } else {
                        self.table(name, access::MODIFY, false);
                    }
                }
                true
            }
            "MERGE" => {
                let j = if st.is(i + 1, "INTO") { i + 2 } else { i + 1 };
                if let Some((name, _)) = self.name(j) {
                    self.table(name, access::MODIFY, false);
                }
                true
            }
            "CREATE" | "CT" | "REPLACE" => self.create(i + 1),
            "DROP" => {
                let mut j = i + 1;
                if st.is(j, "MATERIALIZED") {
                    j += 1;
                }
                if !st.is_any(j, &["TABLE", "VIEW"]) {
                    return false;
                }
                j += 1;
                if st.is_seq(j, &["IF", "EXISTS"]) {
                    j += 2;
                }
                while let Some((name, end)) = self.name(j) {
                    self.table(name, access::DDL, false);
                    if !self.is_kind(end + 1, TokenKind::Comma) {
                        break;
                    }
                    j = end + 2;
                }
                false
            }
            "TRUNCATE" => {
                let j = if st.is(i + 1, "TABLE") { i + 2 } else { i + 1 };
                if let Some((name, _)) = self.name(j) {
                    self.table(name, access::DDL, false);
                }
                false
            }
            "ALTER" => {
                if !st.is(i + 1, "TABLE") {
                    return false;
                }
                let Some((name, end)) = self.name(i + 2) else {
                    return false;
                };
                if st.is_seq(end + 1, &["RENAME", "TO"])
                    && let Some((new, _)) = self.name(end + 3)
                {
                    let new = in_schema_of(new, &name);
                    self.table(new, access::CREATE, false);
                } else if st.is_seq(end + 1, &["APPEND", "FROM"])
                    && let Some((from, _)) = self.name(end + 3)
                {
                    self.table(from, access::READ | access::MODIFY, false);
                }
                self.table(name, access::DDL, false);
                false
            }
            "RENAME" => {
                if !st.is_any(i + 1, &["TABLE", "VIEW"]) {
                    return false;
                }
                let Some((old, end)) = self.name(i + 2) else {
                    return false;
                };
                if st.is_any(end + 1, &["TO", "AS"])
                    && let Some((new, _)) = self.name(end + 2)
                {
                    let new = in_schema_of(new, &old);
                    self.table(new, access::CREATE, false);
                }
                self.table(old, access::DDL, false);
                false
            }
            "REFRESH" => {
                if st.is_seq(i + 1, &["MATERIALIZED", "VIEW"])
                    && let Some((name, _)) = self.name(i + 3)
                {
                    self.table(name, access::MODIFY, false);
                }
                false
            }
            "COPY" => {
                if let Some((name, end)) = self.name(i + 1) {
                    self.table(name, access::APPEND, false);
                    if let Some(from) = st.find(end + 1, st.len(), st.depth[i], "FROM") {
                        self.path_at(from + 1, false);
                    }
                }
                false
            }
            "UNLOAD" => {
                self.unload(i);
                false
            }
            "SET" => {
                self.search_path(i + 1);
                false
            }
            "RESET" => {
                if self.st.is_any(i + 1, &["search_path", "ALL"]) {
                    self.out.push(Fact::SearchPath(None));
                }
                false
            }
            "DATABASE" => {
                if let Some((name, _)) = self.name(i + 1) {
                    self.out.push(Fact::SearchPath(Some(name)));
                }
                false
            }
            "CALL" | "EXEC" | "EXECUTE" => {
                if let Some(end) = st.name_end(i + 1) {
                    self.out.push(Fact::Call {
                        name: st.slice(i + 1, end).to_string(),
                        offset: self.base + st.span(i + 1).start as usize,
                    });
                }
                false
            }
            "SELECT" | "SEL" => {
                self.select_into(i);
                true
            }
            w if NO_TABLES.contains(&w) => false,
            _ => true,
        }
    }

    /// `CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|VOLATILE] [SET|MULTISET] TABLE …`,
    /// `… VIEW`, `… SCHEMA`. `j` is the token after CREATE (or REPLACE).
    fn create(&mut self, mut j: usize) -> bool {
        let st = self.st;
        if st.is_seq(j, &["OR", "REPLACE"]) {
            j += 2;
        }
        let mut temp = false;
        loop {
            match self.upper(j).as_str() {
                "TEMP" | "TEMPORARY" | "VOLATILE" => temp = true,
                "GLOBAL" | "LOCAL" | "SET" | "MULTISET" | "UNLOGGED" | "MATERIALIZED"
                | "EXTERNAL" | "RECURSIVE" => {}
                _ => break,
            }
            j += 1;
        }
        match self.upper(j).as_str() {
            "TABLE" => {
                j += 1;
                if st.is_seq(j, &["IF", "NOT", "EXISTS"]) {
                    j += 3;
                }
                let Some((name, end)) = self.name(j) else {
                    return true;
                };
                let temp = temp || name.simple().is_some_and(|n| n.starts_with('#'));
                self.table(name, access::CREATE, temp);
                let depth = st.depth[end];
                // `(LIKE source …)`
                if self.is_kind(end + 1, TokenKind::LParen)
                    && st.is(end + 2, "LIKE")
                    && let Some((src, _)) = self.name(end + 3)
                {
                    self.table(src, access::READ, false);
                }
                // Teradata `AS source WITH [NO] DATA`
                if let Some(as_at) = st.find(end + 1, st.len(), depth, "AS")
                    && !st.is_any(as_at + 1, &["SELECT", "SEL", "WITH"])
                    && let Some((src, _)) = self.name(as_at + 1)
                {
                    self.table(src, access::READ, false);
                }
                true
            }
            "VIEW" => {
                j += 1;
                if st.is_seq(j, &["IF", "NOT", "EXISTS"]) {
                    j += 3;
                }
                if let Some((name, _)) = self.name(j) {
                    self.table(name, access::CREATE, false);
                }
                true
            }
            "SCHEMA" => {
                j += 1;
                if st.is_seq(j, &["IF", "NOT", "EXISTS"]) {
                    j += 3;
                }
                if !st.is(j, "AUTHORIZATION")
                    && let Some((name, _)) = self.name(j)
                {
                    self.out.push(Fact::Schema(name));
                }
                false
            }
            _ => false,
        }
    }

    /// `SELECT … INTO [TEMP] [TABLE] t FROM …` creates `t`.
    fn select_into(&mut self, i: usize) {
        let st = self.st;
        let depth = st.depth[i];
        let from = st.find(i, st.len(), depth, "FROM").unwrap_or(st.len());
        let Some(into) = st.find(i, from, depth, "INTO") else {
            return;
        };
        let mut j = into + 1;
        let mut temp = false;
        while st.is_any(j, &["TEMP", "TEMPORARY", "UNLOGGED", "TABLE"]) {
            temp |= st.is_any(j, &["TEMP", "TEMPORARY"]);
            j += 1;
        }
        if let Some((name, _)) = self.name(j) {
            let temp = temp || name.simple().is_some_and(|n| n.starts_with('#'));
            self.table(name, access::CREATE, temp);
        }
    }

    /// `SET search_path TO|= a, b` / `SET search_path TO DEFAULT`.
    fn search_path(&mut self, i: usize) {
        let st = self.st;
        let mut j = i;
        if st.is_any(j, &["SESSION", "LOCAL"]) {
            j += 1;
        }
        if !st.is(j, "search_path") {
            return;
        }
        j += 1;
        if st.is(j, "TO") || st.is_op(j, "=") {
            j += 1;
        }
        if st.is(j, "DEFAULT") {
            self.out.push(Fact::SearchPath(None));
            return;
        }
        // The first schema that is not `'$user'` (a string) decides unqualified names.
        loop {
            if let Some((name, _)) = self.name(j) {
                self.out.push(Fact::SearchPath(Some(name)));
                return;
            }
            if self.is_kind(j, TokenKind::String) && self.is_kind(j + 1, TokenKind::Comma) {
                j += 2;
                continue;
            }
            return;
        }
    }

    /// A path in a string (or placeholder) at `i`: read or written.
    fn path_at(&mut self, i: usize, write: bool) {
        let st = self.st;
        let path = match st.kind_of(i) {
            Some(TokenKind::String) => unquote_string(st.text(i)),
            Some(TokenKind::Placeholder) => st.text(i).to_string(),
            _ => return,
        };
        let offset = self.base + st.span(i).start as usize;
        self.out.push(if write {
            Fact::FileWrite { path, offset }
        } else {
            Fact::FileRead { path, offset }
        });
    }

    /// `UNLOAD ('query') TO 's3://…'`: the query's reads, and the path written.
    fn unload(&mut self, i: usize) {
        let st = self.st;
        if self.is_kind(i + 1, TokenKind::LParen) && self.is_kind(i + 2, TokenKind::String) {
            let raw = st.text(i + 2);
            let query = unquote_string(raw);
            let inner_base = self.base + st.span(i + 2).start as usize + 1;
            let toks = tokenize(query.as_bytes(), Mode::RsqlSql);
            let inner = Statement::new(&query, &toks);
            let mut facts = Vec::new();
            statement_facts(&inner, inner_base, &mut facts);
            for fact in facts {
                match fact {
                    Fact::Table { name, .. } => self.table(name.into_owned(), access::READ, false),
                    Fact::Call { name, offset } => self.out.push(Fact::Call { name, offset }),
                    _ => {}
                }
            }
        }
        if let Some(to) = st.find(i + 1, st.len(), st.depth[i], "TO") {
            self.path_at(to + 1, true);
        }
    }

    /// FROM, JOIN and USING anywhere in the statement, and comma-separated items after a join
    /// (`FROM a JOIN b ON … , c`).
    fn generic(&mut self) {
        let st = self.st;
        // Per depth: inside a FROM clause (until WHERE, GROUP BY, … at that depth).
        let mut in_from: Vec<bool> = vec![false; 1];
        for k in 0..st.len() {
            let d = st.depth[k] as usize;
            if in_from.len() <= d + 1 {
                in_from.resize(d + 2, false);
            }
            match st.kind_of(k) {
                Some(TokenKind::LParen) => in_from[d + 1] = false,
                Some(TokenKind::Comma) if in_from[d] && !self.consumed[k] => {
                    self.table_list(k + 1);
                    continue;
                }
                _ => {}
            }
            if st.is_in(k, &CLAUSE_ENDS) {
                in_from[d] = false;
            }
            if self.skip[k] {
                continue;
            }
            if st.is(k, "FROM") {
                in_from[d] = true;
                if k >= 2 && st.is(k - 1, "DISTINCT") && st.is_any(k - 2, &["IS", "NOT"]) {
                    continue;
                }
                if let Some(open) = self.enclosing[k]
                    && open > 0
                    && st.is_in(open - 1, &FROM_FUNCTIONS)
                {
                    continue;
                }
                self.table_list(k + 1);
            } else if st.is(k, "JOIN") {
                self.table_ref(k + 1);
            } else if st.is(k, "USING") && !self.is_kind(k + 1, TokenKind::LParen) {
                self.table_list(k + 1);
            }
        }
    }

    fn table_list(&mut self, mut j: usize) {
        loop {
            let next = self.table_ref(j);
            if next > j && self.is_kind(next, TokenKind::Comma) {
                self.consumed[next] = true;
                j = next + 1;
            } else {
                return;
            }
        }
    }

    /// One FROM item at `j`: a table (read), a subquery or a table function, with its alias.
    /// Returns the index after it.
    fn table_ref(&mut self, mut j: usize) -> usize {
        let st = self.st;
        while st.is_any(j, &["LATERAL", "ONLY"]) {
            j += 1;
        }
        if st.is(j, "TABLE") && self.is_kind(j + 1, TokenKind::LParen) {
            let after = self.past_parens(j + 1);
            return self.alias(after).0;
        }
        if self.is_kind(j, TokenKind::LParen) {
            let after = self.past_parens(j);
            return self.alias(after).0;
        }
        let Some((name, end)) = self.name(j) else {
            return j;
        };
        if self.is_kind(end + 1, TokenKind::LParen) {
            let after = self.past_parens(end + 1);
            return self.alias(after).0;
        }
        if name.parts.len() == 1 && st.is_in(j, &NOT_ALIAS) {
            return j;
        }
        let (after, alias) = self.alias(end + 1);
        self.entries.push((name.clone(), alias));
        self.table(name, access::READ, false);
        after
    }

    /// An optional `[AS] alias [(columns)]` at `j`.
    fn alias(&self, mut j: usize) -> (usize, Option<String>) {
        let st = self.st;
        let explicit = st.is(j, "AS");
        if explicit {
            j += 1;
        }
        let named = match st.kind_of(j) {
            Some(TokenKind::QuotedIdent) => true,
            Some(TokenKind::Word) => explicit || !st.is_in(j, &NOT_ALIAS),
            _ => false,
        };
        if !named {
            return (j, None);
        }
        let alias = st.text(j).trim_matches('"').to_lowercase();
        j += 1;
        if self.is_kind(j, TokenKind::LParen) {
            j = self.past_parens(j);
        }
        (j, Some(alias))
    }

    /// Teradata `UPDATE a FROM t a, …` / `DELETE a FROM t a`: the entry the alias names.
    fn alias_target(&mut self) {
        let Some((alias, name)) = self.target_alias.take() else {
            return;
        };
        let target = self
            .entries
            .iter()
            .find(|(_, a)| a.as_deref() == Some(alias.as_str()))
            .or_else(|| self.entries.iter().find(|(n, _)| n.last_lower() == alias))
            .map(|(n, _)| n.clone())
            .unwrap_or(name);
        self.table(target, access::MODIFY, false);
    }
}

/// `new` in the schema of `old` when `new` is unqualified (`ALTER TABLE s.a RENAME TO b`).
fn in_schema_of<'a>(mut new: RawName<'a>, old: &RawName<'a>) -> RawName<'a> {
    if new.parts.len() == 1 && old.parts.len() > 1 {
        let mut parts = old.parts[..old.parts.len() - 1].to_vec();
        parts.append(&mut new.parts);
        new.parts = parts;
    }
    new
}

/// Whether `text` is exactly one placeholder (`@X`, `${X}`, `%%X%%`, …).
fn is_placeholder(text: &str) -> bool {
    let toks = tokenize(text.as_bytes(), Mode::RsqlSql);
    toks.len() == 1 && toks[0].kind == TokenKind::Placeholder
}

/// `"a""b"` -> `a"b`.
pub fn unquote_ident(text: &str) -> String {
    let inner = text.strip_prefix('"').unwrap_or(text);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    inner.replace("\"\"", "\"")
}

/// `'it''s'` -> `it's` (also `\'`), `$$x$$` -> `x`.
pub fn unquote_string(text: &str) -> String {
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'').unwrap_or(inner);
        return inner.replace("''", "'").replace("\\'", "'");
    }
    if text.starts_with('$')
        && let Some(tag_end) = text[1..].find('$')
    {
        let tag = &text[..tag_end + 2];
        let inner = &text[tag.len()..];
        return inner.strip_suffix(tag).unwrap_or(inner).to_string();
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::{Mode, tokenize};

    /// (name as written, access, temp) of each table fact.
    fn tables(sql: &str) -> Vec<(String, u8, bool)> {
        facts(sql)
            .into_iter()
            .filter_map(|f| match f {
                Fact::Table { name, access, temp } => Some((written(&name), access, temp)),
                _ => None,
            })
            .collect()
    }

    fn written(name: &RawName) -> String {
        name.parts
            .iter()
            .map(|p| p.iter().map(|x| &*x.text).collect::<String>())
            .collect::<Vec<_>>()
            .join(".")
    }

    fn facts(sql: &str) -> Vec<Fact<'_>> {
        let toks = tokenize(sql.as_bytes(), Mode::RsqlSql);
        let st = Statement::new(sql, &toks);
        let mut out = Vec::new();
        statement_facts(&st, 0, &mut out);
        out
    }

    fn reads(sql: &str) -> Vec<String> {
        tables(sql)
            .into_iter()
            .filter(|t| t.1 == access::READ)
            .map(|t| t.0)
            .collect()
    }

    fn writes(sql: &str) -> Vec<(String, u8)> {
        tables(sql)
            .into_iter()
            .filter(|t| t.1 & access::WRITE != 0)
            .map(|t| (t.0, t.1))
            .collect()
    }

    use access::*;

    #[test]
    fn insert_select_reads_from_joins_and_subqueries() {
        let sql = "INSERT INTO dw.f (a, b) SELECT x.a, y.b FROM stg.x x JOIN stg.y AS y ON x.k = y.k \
                   LEFT OUTER JOIN (SELECT k FROM stg.z WHERE k IN (SELECT k FROM stg.w)) z ON z.k = x.k, stg.v v \
                   WHERE EXISTS (SELECT 1 FROM stg.e WHERE e.k = x.k)";
        assert_eq!(writes(sql), vec![("dw.f".into(), APPEND)]);
        assert_eq!(
            reads(sql),
            vec!["stg.x", "stg.y", "stg.z", "stg.w", "stg.v", "stg.e"]
        );
        assert_eq!(writes("INS dw.t VALUES (1)"), vec![("dw.t".into(), APPEND)]);
    }

    #[test]
    fn comma_lists_and_aliases() {
        assert_eq!(
            reads("SELECT * FROM a, b AS bb, c cc, d"),
            vec!["a", "b", "c", "d"]
        );
        assert_eq!(reads("SELECT * FROM a WHERE x = 1"), vec!["a"]);
        assert_eq!(
            reads("select * from s.t1 t cross join s.t2"),
            vec!["s.t1", "s.t2"]
        );
    }

    #[test]
    fn update_delete_merge_targets_and_sources() {
        let sql = "UPDATE dw.t SET a = s.a FROM stg.s s WHERE t.k = s.k";
        assert_eq!(writes(sql), vec![("dw.t".into(), MODIFY)]);
        assert_eq!(reads(sql), vec!["stg.s"]);
        let sql = "DELETE FROM dw.t USING stg.a, stg.b WHERE t.k = a.k";
        assert_eq!(writes(sql), vec![("dw.t".into(), MODIFY)]);
        assert_eq!(reads(sql), vec!["stg.a", "stg.b"]);
        assert_eq!(
            writes("DELETE dw.t WHERE 1=1"),
            vec![("dw.t".into(), MODIFY)]
        );
        assert!(reads("DELETE FROM dw.t WHERE d < current_date").is_empty());
        let sql = "MERGE INTO dw.t USING stg.s ON t.k = s.k WHEN MATCHED THEN UPDATE SET a = s.a \
                   WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.a)";
        assert_eq!(writes(sql), vec![("dw.t".into(), MODIFY)]);
        assert_eq!(reads(sql), vec!["stg.s"]);
        let sql = "MERGE INTO dw.t tt USING (SELECT * FROM stg.s) s ON tt.k = s.k WHEN MATCHED THEN DELETE";
        assert_eq!(reads(sql), vec!["stg.s"]);
    }

    #[test]
    fn teradata_alias_targets() {
        let sql = "UPDATE a FROM dw.acct a, stg.delta d SET bal = d.bal WHERE a.k = d.k";
        assert_eq!(writes(sql), vec![("dw.acct".into(), MODIFY)]);
        assert!(reads(sql).contains(&"stg.delta".to_string()));
        let sql = "DELETE a FROM dw.acct a, stg.gone g WHERE a.k = g.k";
        assert_eq!(writes(sql), vec![("dw.acct".into(), MODIFY)]);
    }

    #[test]
    fn create_table_forms() {
        assert_eq!(
            tables("CREATE TABLE IF NOT EXISTS \"rsql_blog\".\"blog_table\" (s_no integer)"),
            vec![("rsql_blog.blog_table".into(), CREATE, false)]
        );
        let sql = "CREATE TABLE dw.t AS SELECT * FROM stg.s";
        assert_eq!(writes(sql), vec![("dw.t".into(), CREATE)]);
        assert_eq!(reads(sql), vec!["stg.s"]);
        assert_eq!(
            reads("CREATE TABLE dw.t (LIKE dw.template)"),
            vec!["dw.template"]
        );
        assert_eq!(reads("CREATE TABLE s.x AS s.y WITH NO DATA"), vec!["s.y"]);
        assert_eq!(
            reads("CREATE TABLE s.x AS (SELECT a FROM s.y) WITH DATA PRIMARY INDEX (a)"),
            vec!["s.y"]
        );
        assert_eq!(
            tables("CREATE TEMP TABLE w AS SELECT 1"),
            vec![("w".into(), CREATE, true)]
        );
        assert_eq!(
            tables("CREATE MULTISET VOLATILE TABLE vt (a int)"),
            vec![("vt".into(), CREATE, true)]
        );
        assert_eq!(
            tables("CREATE TABLE #w (a int)"),
            vec![("#w".into(), CREATE, true)]
        );
        assert_eq!(
            tables("SELECT a INTO TEMP TABLE w FROM s.t"),
            vec![("w".into(), CREATE, true), ("s.t".into(), READ, false)]
        );
    }

    #[test]
    fn views_drop_truncate_alter_rename_copy() {
        let sql = "CREATE OR REPLACE VIEW v.x AS SELECT * FROM t.x";
        assert_eq!(writes(sql), vec![("v.x".into(), CREATE)]);
        assert_eq!(reads(sql), vec!["t.x"]);
        assert_eq!(
            writes("REPLACE VIEW v.y AS SEL * FROM t.y"),
            vec![("v.y".into(), CREATE)]
        );
        assert_eq!(
            writes("DROP TABLE IF EXISTS a.b, a.c CASCADE"),
            vec![("a.b".into(), DDL), ("a.c".into(), DDL)]
        );
        assert_eq!(writes("DROP VIEW v.x"), vec![("v.x".into(), DDL)]);
        assert!(writes("DROP SCHEMA s").is_empty());
        assert_eq!(writes("TRUNCATE TABLE s.t"), vec![("s.t".into(), DDL)]);
        assert_eq!(writes("truncate s.t"), vec![("s.t".into(), DDL)]);
        assert_eq!(
            writes("ALTER TABLE s.t_new RENAME TO t"),
            vec![("s.t".into(), CREATE), ("s.t_new".into(), DDL)]
        );
        assert_eq!(
            writes("ALTER TABLE s.t ADD COLUMN c int"),
            vec![("s.t".into(), DDL)]
        );
        assert_eq!(
            writes("RENAME TABLE s.a TO s.b"),
            vec![("s.b".into(), CREATE), ("s.a".into(), DDL)]
        );
        let f = facts("COPY stg.t (a, b) FROM 's3://bucket/in/t_' IAM_ROLE 'arn' DELIMITER '|'");
        assert_eq!(
            f[0],
            Fact::Table {
                name: f_name(&f[0]),
                access: APPEND,
                temp: false
            }
        );
        assert!(matches!(&f[1], Fact::FileRead { path, .. } if path == "s3://bucket/in/t_"));
    }

    fn f_name<'a>(f: &Fact<'a>) -> RawName<'a> {
        match f {
            Fact::Table { name, .. } => name.clone(),
            _ => panic!("not a table"),
        }
    }

    #[test]
    fn unload_reads_its_query_and_writes_its_path() {
        let f = facts(
            "UNLOAD ('select * from dw.sales where region = ''EU''') TO 's3://b/out/sales_' IAM_ROLE 'x'",
        );
        assert_eq!(written(&f_name(&f[0])), "dw.sales");
        assert!(matches!(&f[0], Fact::Table { access: READ, .. }));
        assert!(matches!(&f[1], Fact::FileWrite { path, .. } if path == "s3://b/out/sales_"));
        // The offset points into the string, at the table name.
        let sql = "UNLOAD ('select 1 from dw.sales') TO 's3://b/x'";
        let f = facts(sql);
        let Fact::Table { name, .. } = &f[0] else {
            panic!()
        };
        assert_eq!(&sql[name.offset..name.offset + 8], "dw.sales");
    }

    #[test]
    fn ctes_are_not_tables() {
        let sql = "WITH x AS (SELECT * FROM s.a), \"Y\" (c) AS (SELECT c FROM x JOIN s.b ON 1=1) \
                   INSERT INTO s.t SELECT * FROM y";
        assert_eq!(writes(sql), vec![("s.t".into(), APPEND)]);
        assert_eq!(reads(sql), vec!["s.a", "s.b"]);
        let sql = "INSERT INTO s.t WITH RECURSIVE r AS (SELECT 1 FROM s.seed UNION ALL SELECT 1 FROM r) SELECT * FROM r";
        assert_eq!(reads(sql), vec!["s.seed"]);
        // A qualified name is never a CTE.
        assert_eq!(reads("WITH x AS (SELECT 1) SELECT * FROM s.x"), vec!["s.x"]);
    }

    #[test]
    fn from_inside_functions_is_not_a_table() {
        let sql = "SELECT EXTRACT(YEAR FROM d), SUBSTRING(c FROM 1 FOR 2), TRIM(BOTH ' ' FROM c) \
                   FROM s.t WHERE a IS DISTINCT FROM b";
        assert_eq!(reads(sql), vec!["s.t"]);
        assert_eq!(
            reads("SELECT * FROM generate_series(1, 3) g, s.t"),
            vec!["s.t"]
        );
        assert_eq!(reads("SELECT * FROM a JOIN b USING (k)"), vec!["a", "b"]);
    }

    #[test]
    fn statements_without_tables() {
        assert!(facts("GRANT SELECT ON s.t TO GROUP g").is_empty());
        assert!(facts("REVOKE ALL ON s.t FROM u").is_empty());
        assert!(facts("COLLECT STATISTICS ON s.t COLUMN (a)").is_empty());
        assert!(facts("ANALYZE s.t").is_empty());
        assert!(facts("SET query_group TO 'x'").is_empty());
        assert!(facts("begin").is_empty());
    }

    #[test]
    fn schema_search_path_and_calls() {
        assert!(matches!(&facts("CREATE SCHEMA IF NOT EXISTS rsql_blog")[0],
            Fact::Schema(n) if written(n) == "rsql_blog"));
        assert!(facts("CREATE SCHEMA AUTHORIZATION u").is_empty());
        assert!(
            matches!(&facts("SET search_path TO '$user', stg, public")[0],
            Fact::SearchPath(Some(n)) if written(n) == "stg")
        );
        assert!(matches!(&facts("SET search_path = $ETL_VIEWS_DB")[0],
            Fact::SearchPath(Some(n)) if written(n) == "$ETL_VIEWS_DB"));
        assert_eq!(
            facts("set search_path to default"),
            vec![Fact::SearchPath(None)]
        );
        assert!(matches!(
            &facts("DATABASE edw")[0],
            Fact::SearchPath(Some(_))
        ));
        assert!(matches!(&facts("CALL etl.sk_gen('dw', 't')")[0],
            Fact::Call { name, .. } if name == "etl.sk_gen"));
    }

    #[test]
    fn placeholders_stay_pieces_of_names() {
        let f = facts("INSERT INTO ${TGT_DB}.tmp_${KPI}_x SELECT * FROM %%STG%%.\"Src\"");
        let Fact::Table { name, .. } = &f[0] else {
            panic!()
        };
        assert_eq!(name.parts.len(), 2);
        assert_eq!(name.parts[0][0].kind, PieceKind::Placeholder);
        assert_eq!(
            name.parts[1].iter().map(|p| p.kind).collect::<Vec<_>>(),
            vec![PieceKind::Word, PieceKind::Placeholder, PieceKind::Word]
        );
        let Fact::Table { name, .. } = &f[1] else {
            panic!()
        };
        assert_eq!(name.parts[1][0].kind, PieceKind::Quoted);
        assert_eq!(name.parts[1][0].text, "Src");
        // A quoted placeholder is still a placeholder; one glued to a name joins its part.
        let f = facts("DROP TABLE \"@WorkDatabase\".WK_BAL@PartId");
        let Fact::Table { name, .. } = &f[0] else {
            panic!()
        };
        assert_eq!(name.parts[0][0].kind, PieceKind::Placeholder);
        assert_eq!(name.parts[0][0].text, "@WorkDatabase");
        assert_eq!(name.parts[1][1].kind, PieceKind::Placeholder);
    }

    #[test]
    fn locking_and_explain_prefixes() {
        assert_eq!(
            reads("LOCKING ROW FOR ACCESS SELECT * FROM s.t"),
            vec!["s.t"]
        );
        assert_eq!(reads("EXPLAIN SELECT * FROM s.t"), vec!["s.t"]);
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote_string("'it''s'"), "it's");
        assert_eq!(unquote_string("$$a'b$$"), "a'b");
        assert_eq!(unquote_string("$q$x$q$"), "x");
        assert_eq!(unquote_ident("\"a\"\"b\""), "a\"b");
    }
}
