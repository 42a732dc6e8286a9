//! What a job script reads and writes: the input of the dependency graph.
//!
//! A job is RSQL: a framework `.sh` script whose `rsql … <<EOF` heredocs hold the SQL (each
//! heredoc is one session; a script may hold several; `bteq` heredocs of a not yet converted
//! script are read too), or a plain `.rsql`/`.sql` file. [`tables`] lists the raw facts of each
//! statement; this module resolves names against the catalog (`vars`, `aliases`,
//! `ignore_tables`, the session's `search_path`), drops temporary tables and reads of tables
//! the job created itself, and collects schema creations and file hand-offs.

pub mod tables;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use crate::catalog::Settings;
use crate::diagnostic::Severity;
use crate::render::Finding;
use crate::rules::graph as rules;
use crate::sql::statement::{Statement, split_statements};
use crate::syntax::command::parse_file_spec;
use crate::syntax::lexer::{Mode, TokenKind, tokenize};
use crate::syntax::script::{Dialect, InstructionKind, Script};
use crate::syntax::shell::{self, ShellError};
use crate::syntax::span::{LineIndex, Span};

pub use tables::access;
use tables::{Fact, PieceKind, RawName, statement_facts, unquote_ident};

/// Resolves names the way the catalog says: placeholder values, view-database aliases and the
/// tables to ignore. Names are lower-cased (Redshift folds unquoted identifiers, and rsqlmig
/// folds quoted ones too); an unresolved placeholder stays as written.
#[derive(Clone, Debug, Default)]
pub struct Resolver {
    vars: HashMap<String, String>,
    vars_folded: HashMap<String, String>,
    aliases: HashMap<String, String>,
    ignore_qualified: HashSet<String>,
    ignore_bare: HashSet<String>,
}

/// Appends `text` lower-cased, without a temporary string for ASCII text (almost every name).
fn push_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

impl Resolver {
    pub fn new(settings: &Settings) -> Resolver {
        let mut r = Resolver {
            vars: settings.vars.clone().into_iter().collect(),
            vars_folded: settings
                .vars
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
            ..Default::default()
        };
        r.aliases = settings
            .aliases
            .iter()
            .map(|(k, v)| (r.fold_text(k), r.fold_text(v)))
            .collect();
        for entry in &settings.ignore_tables {
            let folded = r.fold_text(entry);
            let parts: Vec<&str> = folded.split('.').collect();
            match parts.as_slice() {
                [table] => {
                    r.ignore_bare.insert(table.to_string());
                }
                [.., schema, table] => {
                    let schema = r.alias(schema.to_string());
                    r.ignore_qualified.insert(format!("{schema}.{table}"));
                }
                [] => {}
            }
        }
        r
    }

    /// The value of a placeholder as written (`${X}`, `$X`, `%%X%%`, `&&X`, `{{ X }}`, `{X}`,
    /// `@X`, or a shell default `${X:-d}`).
    pub fn lookup<'s>(&'s self, placeholder: &'s str) -> Option<&'s str> {
        let (key, default) = placeholder_key(placeholder)?;
        self.vars
            .get(key)
            .or_else(|| self.vars_folded.get(&key.to_ascii_lowercase()))
            .map(String::as_str)
            .or(default)
    }

    fn alias(&self, schema: String) -> String {
        match self.aliases.get(&schema) {
            Some(table_db) => table_db.clone(),
            None => schema,
        }
    }

    /// Folds free text holding a name (`${VIEW_DB}`, `Edw.T`): placeholders resolved, the rest
    /// lower-cased, unresolved placeholders kept.
    fn fold_text(&self, text: &str) -> String {
        let mut out = String::new();
        for tok in tokenize(text.trim().as_bytes(), Mode::RsqlSql) {
            let t = tok.span.text(text.trim());
            match tok.kind {
                TokenKind::Placeholder => match self.lookup(t) {
                    Some(v) => push_lowercase(&mut out, v),
                    None => out.push_str(t),
                },
                TokenKind::QuotedIdent => push_lowercase(&mut out, &unquote_ident(t)),
                k if k.is_trivia() => {}
                _ => push_lowercase(&mut out, t),
            }
        }
        out
    }

    /// The parts of a name with placeholders resolved and letters folded.
    fn parts(&self, name: &RawName, unresolved: &mut Vec<(String, usize)>) -> Vec<String> {
        let mut parts = Vec::with_capacity(name.parts.len());
        for part in &name.parts {
            let mut text = String::new();
            let mut open = false;
            let mut dotted = false;
            for piece in part {
                match piece.kind {
                    PieceKind::Word | PieceKind::Quoted => push_lowercase(&mut text, &piece.text),
                    PieceKind::Placeholder => match self.lookup(&piece.text) {
                        Some(v) => {
                            dotted |= v.contains('.');
                            push_lowercase(&mut text, v);
                        }
                        None => {
                            open = true;
                            unresolved.push((piece.text.to_string(), piece.offset));
                            text.push_str(&piece.text);
                        }
                    },
                }
            }
            if dotted && !open {
                parts.extend(text.split('.').filter(|p| !p.is_empty()).map(String::from));
            } else {
                parts.push(text);
            }
        }
        parts
    }

    /// `schema.table` (the last two parts; the schema through `aliases`), or the search path's
    /// schema for an unqualified name, or the bare table name when there is no search path.
    pub fn table_name(
        &self,
        name: &RawName,
        search_path: Option<&str>,
        unresolved: &mut Vec<(String, usize)>,
    ) -> String {
        let mut parts = self.parts(name, unresolved);
        let table = parts.pop().unwrap_or_default();
        let schema = parts.pop().or_else(|| search_path.map(str::to_string));
        match schema.map(|s| self.alias(s)) {
            // Redshift's default search path is `'$user', public`: under it `public.t` is `t`.
            Some(s) if s == "public" && search_path.is_none() => table,
            Some(s) => format!("{s}.{table}"),
            None => table,
        }
    }

    /// A schema name (the last part), without aliasing (for the search path).
    fn schema_name(&self, name: &RawName, unresolved: &mut Vec<(String, usize)>) -> String {
        self.parts(name, unresolved).pop().unwrap_or_default()
    }

    pub fn is_ignored(&self, table: &str) -> bool {
        if self.ignore_qualified.contains(table) {
            return true;
        }
        let bare = table.rsplit('.').next().unwrap_or(table);
        self.ignore_bare.contains(bare)
    }

    /// A file path with placeholders resolved (letters kept: paths are case-sensitive).
    fn path(&self, path: &str, offset: usize, unresolved: &mut Vec<(String, usize)>) -> String {
        let mut out = String::with_capacity(path.len());
        for tok in tokenize(path.as_bytes(), Mode::CommandLine) {
            let t = tok.span.text(path);
            if tok.kind == TokenKind::Placeholder {
                match self.lookup(t) {
                    Some(v) => out.push_str(v),
                    None => {
                        unresolved.push((t.to_string(), offset + tok.span.start as usize));
                        out.push_str(t);
                    }
                }
            } else {
                out.push_str(t);
            }
        }
        out.trim().to_string()
    }
}

/// The variable a placeholder names and its shell default: `${X:-d}` is `("X", Some("d"))`.
/// `$(cmd)`, backticks and `$1` name no variable.
pub fn placeholder_key(raw: &str) -> Option<(&str, Option<&str>)> {
    let is_name = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if let Some(inner) = raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        let end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let (name, rest) = inner.split_at(end);
        if !is_name(name) {
            return None;
        }
        if rest.is_empty() {
            return Some((name, None));
        }
        let default = [":-", "-", ":=", "="]
            .iter()
            .find_map(|op| rest.strip_prefix(op))?;
        return Some((name, Some(default)));
    }
    let key = if let Some(inner) = raw.strip_prefix("%%").and_then(|r| r.strip_suffix("%%")) {
        inner
    } else if let Some(inner) = raw.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) {
        inner.trim()
    } else if let Some(inner) = raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        inner
    } else if let Some(inner) = raw.strip_prefix("&&") {
        inner
    } else if let Some(inner) = raw.strip_prefix('@') {
        inner
    } else if let Some(inner) = raw.strip_prefix('$') {
        if !is_name(inner) {
            return None;
        }
        inner
    } else {
        return None;
    };
    (!key.is_empty()).then_some((key, None))
}

/// What one job reads and writes, with names resolved.
#[derive(Clone, Debug, Default)]
pub struct JobAnalysis {
    /// `schema.table` (or a bare name) → how the job uses it ([`access`] bits).
    pub tables: BTreeMap<String, u8>,
    pub schemas_created: BTreeSet<String>,
    pub files_read: BTreeSet<String>,
    pub files_written: BTreeSet<String>,
    /// Findings about the script itself (GR011, GR012, GR014, GR015), placed in it.
    pub notes: Vec<Finding>,
}

impl JobAnalysis {
    pub fn reads(&self) -> impl Iterator<Item = &str> {
        self.tables
            .iter()
            .filter(|(_, a)| **a & access::READ != 0)
            .map(|(t, _)| t.as_str())
    }

    pub fn writes(&self) -> impl Iterator<Item = &str> {
        self.tables
            .iter()
            .filter(|(_, a)| **a & access::WRITE != 0)
            .map(|(t, _)| t.as_str())
    }

    pub fn access(&self, table: &str) -> u8 {
        self.tables.get(table).copied().unwrap_or(0)
    }

    fn note(
        &mut self,
        rule: &crate::rules::Rule,
        severity: Severity,
        at: (usize, usize),
        message: String,
    ) {
        self.notes.push(Finding {
            code: rule.code,
            severity,
            line: at.0,
            column: at.1,
            message,
        });
    }
}

/// Analyses one job script. `path` decides plain vs shell by its extension (and the content).
pub fn analyze_job(path: &Path, bytes: &[u8], resolver: &Resolver) -> JobAnalysis {
    let mut job = JobAnalysis::default();
    let text = match crate::text::decode(bytes) {
        Ok(d) => d.text,
        Err(e) => {
            job.note(
                &rules::UNREADABLE_SCRIPT,
                Severity::Error,
                (1, 1),
                format!("not a text script: {e}"),
            );
            return job;
        }
    };
    let index = LineIndex::new(&text);
    let is_shell = crate::convert::is_shell_script(path, &text);
    let mut sessions = Vec::new();
    if is_shell {
        match shell::find_heredocs(text.as_bytes()) {
            Err(ShellError::UnterminatedHeredoc { delimiter, opener }) => {
                job.note(
                    &rules::UNREADABLE_SCRIPT,
                    Severity::Error,
                    index.line_col(&text, opener.start as usize),
                    format!(
                        "heredoc <<{delimiter} has no terminator line: the job cannot be analysed"
                    ),
                );
                return job;
            }
            Ok(heredocs) => {
                for h in heredocs {
                    let dialect = if shell::is_rsql_command(&h.command) {
                        Dialect::Rsql
                    } else if shell::is_bteq_command(&h.command) {
                        Dialect::Bteq
                    } else {
                        continue;
                    };
                    sessions.push(session_facts(&text, h.body, dialect));
                }
                if sessions.is_empty() {
                    job.note(
                        &rules::NO_RSQL,
                        Severity::Warning,
                        (1, 1),
                        "no heredoc is fed to rsql (or bteq): the job's reads and writes are unknown"
                            .into(),
                    );
                }
            }
        }
    } else {
        sessions.push(session_facts(
            &text,
            Span::new(0, text.len()),
            Dialect::Rsql,
        ));
    }
    job.absorb(sessions, resolver, &text, &index);
    job
}

impl JobAnalysis {
    /// Resolves the facts of every session (in order) into the job's tables, schemas and files.
    fn absorb(
        &mut self,
        sessions: Vec<Vec<Fact>>,
        resolver: &Resolver,
        text: &str,
        index: &LineIndex,
    ) {
        // Temporary tables are session-local: never an edge, whether used before or after the
        // CREATE that makes them.
        let temps: HashSet<String> = sessions
            .iter()
            .flatten()
            .filter_map(|f| match f {
                Fact::Table {
                    name, temp: true, ..
                } => name.simple(),
                _ => None,
            })
            .collect();
        let mut unresolved: Vec<(String, usize)> = Vec::new();
        let mut calls: Vec<(String, usize)> = Vec::new();
        for session in sessions {
            let mut search_path: Option<String> = None;
            for fact in session {
                match fact {
                    Fact::Table { name, access, temp } => {
                        if temp || name.simple().is_some_and(|s| temps.contains(&s)) {
                            continue;
                        }
                        let full =
                            resolver.table_name(&name, search_path.as_deref(), &mut unresolved);
                        if full.is_empty() || resolver.is_ignored(&full) {
                            continue;
                        }
                        *self.tables.entry(full).or_default() |= access;
                    }
                    Fact::Schema(name) => {
                        let schema = resolver.schema_name(&name, &mut unresolved);
                        self.schemas_created.insert(resolver.alias(schema));
                    }
                    Fact::SearchPath(name) => {
                        search_path = name.map(|n| resolver.schema_name(&n, &mut unresolved));
                    }
                    Fact::FileRead { path, offset } => {
                        let p = resolver.path(&path, offset, &mut unresolved);
                        if !p.is_empty() {
                            self.files_read.insert(p);
                        }
                    }
                    Fact::FileWrite { path, offset } => {
                        let p = resolver.path(&path, offset, &mut unresolved);
                        if !p.is_empty() {
                            self.files_written.insert(p);
                        }
                    }
                    Fact::Call { name, offset } => calls.push((name, offset)),
                }
            }
        }
        // Reading a table the job creates (before or after the CREATE: an existence probe, a
        // work table) is internal to the job. Ordering against other jobs is kept: the
        // CREATE is a write that follows every earlier writer of the table.
        for acc in self.tables.values_mut() {
            if *acc & access::CREATE != 0 {
                *acc &= !access::READ;
            }
        }
        let mut seen = HashSet::new();
        for (raw, offset) in unresolved {
            if seen.insert(raw.clone()) {
                self.note(
                    &rules::UNRESOLVED_PLACEHOLDER,
                    Severity::Info,
                    index.line_col(text, offset),
                    format!(
                        "{raw} has no value in the catalog's vars: names built with it are compared as written"
                    ),
                );
            }
        }
        let mut seen = HashSet::new();
        for (name, offset) in calls {
            if seen.insert(name.to_lowercase()) {
                self.note(
                    &rules::OPAQUE_CALL,
                    Severity::Info,
                    index.line_col(text, offset),
                    format!("CALL {name}: what the procedure reads and writes is not in the graph"),
                );
            }
        }
    }
}

/// The facts of one session: the script text in `span` of `text`, parsed in `dialect`.
fn session_facts(text: &str, span: Span, dialect: Dialect) -> Vec<Fact<'_>> {
    let body = &text[span.range()];
    let base = span.start as usize;
    let script = Script::parse(body, dialect);
    let mut facts = Vec::new();
    let mut in_action_item = false;
    for instr in &script.instructions {
        let at = instr.span.start as usize;
        let src = instr.span.text(body);
        match instr.kind {
            InstructionKind::Trivia => continue,
            InstructionKind::Comment => {
                // `-- rsqlmig: BQ051 …` then `-- .EXPORT DATA FILE=f`: a hand-off the conversion
                // left as an action item still orders the jobs.
                let Some(rest) = src.strip_prefix("--") else {
                    in_action_item = false;
                    continue;
                };
                let trimmed = rest.trim_start();
                if trimmed.starts_with("rsqlmig:") {
                    in_action_item = true;
                } else if in_action_item && let Some(cmd) = trimmed.strip_prefix('.') {
                    let offset = base + at + (src.len() - cmd.len());
                    let name = cmd
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    if matches!(name.as_str(), "EXPORT" | "IMPORT") {
                        dot_command(cmd, offset, &mut facts);
                    }
                }
                continue;
            }
            InstructionKind::Sql => {
                let toks = script.tokens_of(instr);
                for (range, _) in split_statements(toks) {
                    let stmt = Statement::new(body, &toks[range]);
                    statement_facts(&stmt, base, &mut facts);
                }
            }
            InstructionKind::MetaCommand => {
                let cmd = src.trim_start_matches('\\');
                meta_command(cmd, base + at + (src.len() - cmd.len()), &mut facts);
            }
            InstructionKind::DotCommand => {
                let cmd = src.strip_prefix('.').unwrap_or(src);
                dot_command(cmd, base + at + (src.len() - cmd.len()), &mut facts);
            }
        }
        in_action_item = false;
    }
    facts
}

/// The file named by `FILE=f` (or `file = 'f'`, `FILE f`) in `args`: (offset in args, name).
fn file_argument(args: &str) -> Option<(usize, String)> {
    let upper = args.to_ascii_uppercase();
    let mut from = 0;
    while let Some(i) = upper[from..].find("FILE") {
        let at = from + i;
        from = at + 4;
        let boundary_before = at == 0 || !upper.as_bytes()[at - 1].is_ascii_alphanumeric();
        let next = upper.as_bytes().get(at + 4).copied();
        if !boundary_before || !matches!(next, Some(b'=' | b' ' | b'\t')) {
            continue;
        }
        let spec = &args[at..];
        let name = match parse_file_spec(spec) {
            Some(spec) => spec.name.to_string(),
            None => {
                let rest = spec[4..].trim_start();
                let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
                rest.split([' ', '\t', ',', ';'])
                    .next()
                    .unwrap_or("")
                    .to_string()
            }
        };
        let unquoted = name.trim_matches(['\'', '"']).to_string();
        if unquoted.is_empty() {
            return None;
        }
        let offset = args.find(&name).unwrap_or(at);
        return Some((offset, unquoted));
    }
    None
}

/// `.EXPORT … FILE=f` writes f; `.IMPORT … FILE=f` and `.RUN FILE=f` read it.
fn dot_command(cmd: &str, offset: usize, facts: &mut Vec<Fact>) {
    let name = cmd
        .split(|c: char| c.is_whitespace() || c == ';')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    let args = &cmd[name.len().min(cmd.len())..];
    let write = match name.as_str() {
        "EXPORT" => true,
        "IMPORT" | "RUN" => false,
        _ => return,
    };
    if write && args.trim_start().to_ascii_uppercase().starts_with("RESET") {
        return;
    }
    if let Some((at, path)) = file_argument(args) {
        let offset = offset + name.len() + at;
        facts.push(if write {
            Fact::FileWrite { path, offset }
        } else {
            Fact::FileRead { path, offset }
        });
    }
}

/// `\export report file=f` and `\o f` write f; `\i f`, `\include f` and `\run file=f` read it.
fn meta_command(cmd: &str, offset: usize, facts: &mut Vec<Fact>) {
    let name_len = cmd.find(|c: char| c.is_whitespace()).unwrap_or(cmd.len());
    let name = cmd[..name_len].to_ascii_lowercase();
    let args = &cmd[name_len..];
    let first_arg = || {
        let trimmed = args.trim_start();
        let word = trimmed.split_whitespace().next()?;
        let at = name_len + (args.len() - trimmed.len());
        Some((at, word.trim_matches(['\'', '"']).to_string()))
    };
    let (found, write) = match name.as_str() {
        "export" => {
            if args.trim_start().to_ascii_lowercase().starts_with("reset") {
                return;
            }
            (file_argument(args).map(|(at, p)| (name_len + at, p)), true)
        }
        "run" => (file_argument(args).map(|(at, p)| (name_len + at, p)), false),
        "i" | "include" | "ir" | "include_relative" => (first_arg(), false),
        "o" | "out" => (first_arg(), true),
        _ => return,
    };
    if let Some((at, path)) = found.filter(|(_, p)| !p.is_empty()) {
        let offset = offset + at;
        facts.push(if write {
            Fact::FileWrite { path, offset }
        } else {
            Fact::FileRead { path, offset }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(yaml: &str) -> Settings {
        crate::catalog::parse_settings(yaml, Path::new("catalog.yaml")).unwrap()
    }

    fn analyze(name: &str, text: &str, yaml: &str) -> JobAnalysis {
        analyze_job(
            Path::new(name),
            text.as_bytes(),
            &Resolver::new(&settings(yaml)),
        )
    }

    fn reads(job: &JobAnalysis) -> Vec<&str> {
        job.reads().collect()
    }

    fn writes(job: &JobAnalysis) -> Vec<&str> {
        job.writes().collect()
    }

    const FRAMEWORK_JOB: &str = "source $1/get_redshift_creds.sh $2\n\
        rsql -h $HOST -U $USER -d $DB <<EOF\n\
        \\echo start\n\
        INSERT INTO \"RSQL_Blog\".blog_table SELECT * FROM stg.src;\n\
        \\if :ERROR <> 0\n  \\exit 21\n\\endif\n\
        EOF\n\
        rsqlexitcode=$?\n\
        exit $rsqlexitcode\n";

    #[test]
    fn framework_scripts_are_read_from_their_heredocs() {
        let job = analyze("job.sh", FRAMEWORK_JOB, "");
        assert_eq!(writes(&job), vec!["rsql_blog.blog_table"]);
        assert_eq!(reads(&job), vec!["stg.src"]);
        assert!(job.notes.is_empty(), "{:?}", job.notes);
    }

    #[test]
    fn several_heredocs_are_several_sessions() {
        let text = "rsql <<A\nSET search_path TO one;\nINSERT INTO t VALUES (1);\nA\n\
                    rsql <<B\nSELECT * FROM t;\nB\n";
        let job = analyze("j.sh", text, "");
        // The second session has no search path: its `t` is unqualified.
        assert_eq!(writes(&job), vec!["one.t"]);
        assert_eq!(reads(&job), vec!["t"]);
    }

    #[test]
    fn plain_rsql_files_and_bteq_heredocs() {
        let job = analyze(
            "j.rsql",
            "UPDATE dw.t SET a = 1;\nSELECT * FROM dw.u;\n",
            "",
        );
        assert_eq!(writes(&job), vec!["dw.t"]);
        assert_eq!(reads(&job), vec!["dw.u"]);
        let job = analyze(
            "old.ksh",
            "bteq <<EOF\n.EXPORT REPORT FILE=/tmp/x.txt\nSEL * FROM dw.a;\n.EXPORT RESET\nEOF\n",
            "",
        );
        assert_eq!(reads(&job), vec!["dw.a"]);
        assert_eq!(
            job.files_written.iter().collect::<Vec<_>>(),
            vec!["/tmp/x.txt"]
        );
    }

    #[test]
    fn placeholders_resolve_from_vars_in_every_form() {
        let yaml = "vars:\n  TGT_DB: DW\n  KPI: k01\n";
        let sql = "INSERT INTO ${TGT_DB}.a SELECT 1;\nINSERT INTO $TGT_DB.b SELECT 1;\n\
                   INSERT INTO %%TGT_DB%%.c SELECT 1;\nINSERT INTO &&TGT_DB.d SELECT 1;\n\
                   INSERT INTO {{ TGT_DB }}.e SELECT 1;\nINSERT INTO {TGT_DB}.f SELECT 1;\n\
                   INSERT INTO ${TGT_DB}.tmp_${KPI}_x SELECT 1;\nINSERT INTO ${OTHER:-stg}.g SELECT 1;\n";
        let job = analyze("j.sql", sql, yaml);
        assert_eq!(
            writes(&job),
            vec![
                "dw.a",
                "dw.b",
                "dw.c",
                "dw.d",
                "dw.e",
                "dw.f",
                "dw.tmp_k01_x",
                "stg.g"
            ]
        );
        assert!(job.notes.is_empty(), "{:?}", job.notes);
    }

    #[test]
    fn unresolved_placeholders_stay_as_written_and_are_noted_once() {
        let sql = "INSERT INTO ${TGT_DB}.A SELECT * FROM ${TGT_DB}.B;\n";
        let job = analyze("j.sql", sql, "");
        assert_eq!(writes(&job), vec!["${TGT_DB}.a"]);
        assert_eq!(reads(&job), vec!["${TGT_DB}.b"]);
        assert_eq!(job.notes.len(), 1);
        let n = &job.notes[0];
        assert_eq!(
            (n.code, n.line, n.column),
            (rules::UNRESOLVED_PLACEHOLDER.code, 1, 13)
        );
        assert!(n.message.contains("${TGT_DB}"));
    }

    #[test]
    fn public_is_the_default_schema() {
        let job = analyze(
            "j.sql",
            "INSERT INTO plain SELECT * FROM public.src;\nSELECT * FROM PUBLIC.plain;\n\
             SET search_path TO stg;\nSELECT * FROM public.x, y;\n\
             RESET search_path;\nINSERT INTO r SELECT 1;\n",
            "",
        );
        assert_eq!(reads(&job), vec!["plain", "public.x", "src", "stg.y"]);
        assert_eq!(job.writes().collect::<Vec<_>>(), vec!["plain", "r"]);
    }

    #[test]
    fn aliases_map_view_databases_to_table_databases() {
        let yaml = "vars: {VDB: edw_views}\naliases:\n  ${VDB}: EDW\n  pvdata: edw\n";
        let job = analyze(
            "j.sql",
            "SELECT * FROM edw_views.a JOIN PVDATA.b ON 1=1 JOIN other.c ON 1=1;\n",
            yaml,
        );
        assert_eq!(reads(&job), vec!["edw.a", "edw.b", "other.c"]);
    }

    #[test]
    fn ignore_tables_bare_or_qualified() {
        let yaml = "vars: {CTL: ctl}\naliases: {ctl_v: ctl}\nignore_tables: [ETL_JOB_RUN, ctl_v.util_parm]\n";
        let job = analyze(
            "j.sql",
            "INSERT INTO any.etl_job_run VALUES (1);\nSELECT * FROM ${CTL}.util_parm, ctl.other;\nINSERT INTO dw.t SELECT 1;\n",
            yaml,
        );
        assert_eq!(writes(&job), vec!["dw.t"]);
        assert_eq!(reads(&job), vec!["ctl.other"]);
    }

    #[test]
    fn search_path_qualifies_unqualified_names() {
        let yaml = "vars: {ETL_VIEWS_DB: Views}\naliases: {views: core}\n";
        let sql = "SET search_path TO $ETL_VIEWS_DB;\nINSERT INTO stg.x SELECT * FROM a;\n\
                   SET search_path TO DEFAULT;\nSELECT * FROM b;\n";
        let job = analyze("j.sql", sql, yaml);
        assert_eq!(reads(&job), vec!["b", "core.a"]);
    }

    #[test]
    fn temp_tables_and_own_creations_are_internal() {
        let sql = "DROP TABLE IF EXISTS w;\nCREATE TEMP TABLE w AS SELECT * FROM stg.s;\n\
                   INSERT INTO w SELECT * FROM stg.t;\n\
                   CREATE TABLE stg.work AS SELECT * FROM w;\n\
                   INSERT INTO dw.f SELECT * FROM stg.work JOIN w ON 1=1;\n";
        let job = analyze("j.sql", sql, "");
        assert_eq!(reads(&job), vec!["stg.s", "stg.t"]);
        assert_eq!(writes(&job), vec!["dw.f", "stg.work"]);
        assert_eq!(job.access("stg.work"), access::CREATE);
        // An existence probe before the job re-creates its work table is no read either.
        let sql = "select 1 from w.wrk where 1=0;\ndrop table w.wrk;\ncreate table w.wrk as select * from s.a;\n";
        let job = analyze("j.sql", sql, "");
        assert_eq!(reads(&job), vec!["s.a"]);
        assert_eq!(job.access("w.wrk"), access::CREATE | access::DDL);
    }

    #[test]
    fn schema_creation_is_collected() {
        let job = analyze(
            "j.sh",
            "rsql <<EOF\nCREATE SCHEMA if not exists RSQL_BLOG;\nEOF\n",
            "",
        );
        assert_eq!(
            job.schemas_created.iter().collect::<Vec<_>>(),
            vec!["rsql_blog"]
        );
        assert!(job.tables.is_empty());
    }

    #[test]
    fn file_hand_offs() {
        let yaml = "vars: {BUCKET: my-bucket, OUT: /data}\n";
        let sql = "\\export report file=${OUT}/daily.csv\nSELECT * FROM dw.a;\n\\export reset\n\
                   UNLOAD ('select * from dw.b') TO 's3://${BUCKET}/b/part_' IAM_ROLE 'r';\n\
                   COPY stg.c FROM 's3://my-bucket/c/' IAM_ROLE 'r';\n\
                   \\i /etc/common.sql\n\\run file='other.run'\n\\o /tmp/o.txt\n\
                   -- rsqlmig: BQ051 .EXPORT DATA has no RSQL counterpart: …\n\
                   -- .EXPORT DATA FILE=/sched/KEY.txt\n\
                   SELECT 1;\n\
                   -- .IMPORT VARTEXT FILE=/not/an/action/item.txt\n";
        let job = analyze("j.sql", sql, yaml);
        assert_eq!(
            job.files_written.iter().collect::<Vec<_>>(),
            vec![
                "/data/daily.csv",
                "/sched/KEY.txt",
                "/tmp/o.txt",
                "s3://my-bucket/b/part_"
            ]
        );
        assert_eq!(
            job.files_read.iter().collect::<Vec<_>>(),
            vec!["/etc/common.sql", "other.run", "s3://my-bucket/c/"]
        );
        let job = analyze(
            "j.sql",
            "-- rsqlmig: BQ052 .IMPORT has no RSQL counterpart\n-- .IMPORT VARTEXT '|' FILE = '/sched/KEY.txt'\n",
            "",
        );
        assert_eq!(
            job.files_read.iter().collect::<Vec<_>>(),
            vec!["/sched/KEY.txt"]
        );
    }

    #[test]
    fn script_problems_are_notes() {
        let job = analyze("j.sh", "rsql <<EOF\nselect 1;\n", "");
        assert_eq!(job.notes[0].code, rules::UNREADABLE_SCRIPT.code);
        let job = analyze("j.sh", "#!/bin/sh\npython3 load.py\n", "");
        assert_eq!(job.notes[0].code, rules::NO_RSQL.code);
        let job = analyze_job(Path::new("j.sh"), b"\x00\x01", &Resolver::default());
        assert_eq!(job.notes[0].code, rules::UNREADABLE_SCRIPT.code);
        let job = analyze("j.sql", "CALL etl.p(1);\ncall ETL.P(2);\n", "");
        assert_eq!(job.notes.len(), 1);
        assert_eq!(job.notes[0].code, rules::OPAQUE_CALL.code);
    }

    #[test]
    fn placeholder_keys() {
        assert_eq!(placeholder_key("${A}"), Some(("A", None)));
        assert_eq!(placeholder_key("${A:-x}"), Some(("A", Some("x"))));
        assert_eq!(placeholder_key("$A"), Some(("A", None)));
        assert_eq!(placeholder_key("%%A%%"), Some(("A", None)));
        assert_eq!(placeholder_key("&&A"), Some(("A", None)));
        assert_eq!(placeholder_key("{{ params.a }}"), Some(("params.a", None)));
        assert_eq!(placeholder_key("{A}"), Some(("A", None)));
        assert_eq!(placeholder_key("@A"), Some(("A", None)));
        assert_eq!(placeholder_key("$(date)"), None);
        assert_eq!(placeholder_key("`date`"), None);
        assert_eq!(placeholder_key("$1"), None);
        assert_eq!(placeholder_key("${#A}"), None);
    }
}
