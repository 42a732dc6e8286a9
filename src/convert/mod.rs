//! `convert` for one file: decode, find the BTEQ (plain or in shell heredocs), convert it, wrap
//! it for the chosen target, encode it back as the input was.

pub mod context;
pub mod script;
pub mod sql;

use std::path::{Path, PathBuf};

use crate::convert::context::ParsedScript;
use crate::diagnostic::{Diagnostic, Edit, Severity, apply_edits, span_before_edits};
use crate::rules::bteq::requests::FRAMEWORK_JOB_TEXT;
use crate::rules::bteq::unsupported::{UTILITY_SCRIPT, utility_marker};
use crate::rules::bteq::{logon, requests};
use crate::syntax::shell::{self, ShellError};
use crate::syntax::span::Span;
use crate::text::{self, Encoding, LineEnding};

/// What `convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// `.rsql` files for `rsql -f`; shell scripts stay shell scripts with an `rsql` heredoc.
    Rsql,
    /// Job scripts in the orchestration framework's contract (`source $1/get_redshift_creds.sh $2`,
    /// `rsql -h $HOST -U $USER -d $DB <<EOF`, exit code passed through).
    Framework,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Converted,
    /// A shell script with no BTEQ heredoc: copied unchanged.
    Unchanged,
    /// A FastLoad, MultiLoad, FastExport or TPT script.
    Unsupported,
    Failed,
}

/// The command that replaces `bteq` in front of a heredoc.
pub const RSQL_INVOCATION: &str = "rsql -h $HOST -U $USER -d $DB";
/// The framework's credentials contract (reference `framework.md` §1.7).
pub const CREDENTIALS_LINE: &str = "source $1/get_redshift_creds.sh $2";

pub struct FileConversion {
    pub status: Status,
    /// The decoded input (diagnostic spans point into it).
    pub input: String,
    pub encoding: Option<Encoding>,
    /// The converted text, when there is one to write.
    pub output: Option<String>,
    /// The bytes to write (the output in the input's encoding).
    pub output_bytes: Option<Vec<u8>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Password spans in `input`, to redact when showing it.
    pub secrets: Vec<Span>,
}

impl FileConversion {
    fn failed(
        input: String,
        encoding: Option<Encoding>,
        status: Status,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        FileConversion {
            status,
            input,
            encoding,
            output: None,
            output_bytes: None,
            diagnostics,
            secrets: Vec::new(),
        }
    }

    /// `input` with every password replaced by `********`.
    pub fn redacted_input(&self) -> String {
        let mut edits = self
            .secrets
            .iter()
            .map(|s| Edit::replace(*s, "********"))
            .collect();
        apply_edits(&self.input, &mut edits).0
    }
}

/// Whether `path` names a shell script by its extension.
pub fn has_shell_extension(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("sh" | "ksh" | "bash")
    )
}

/// Whether a file is a shell script: by its extension (`.sh`, `.ksh`, `.bash`), else by its
/// content.
pub fn is_shell_script(path: &Path, text: &str) -> bool {
    has_shell_extension(path) || shell::looks_like_shell(text.as_bytes())
}

/// Converts one file's bytes; [`is_shell_script`] decides the file kind.
pub fn convert_file(path: &Path, bytes: &[u8], target: Target) -> FileConversion {
    convert_file_as(path, bytes, target, None)
}

/// [`convert_file`] for a caller that already decided whether the file is a shell script (the
/// CLI does, to name the output), so the content is not scanned twice.
pub fn convert_file_as(
    path: &Path,
    bytes: &[u8],
    target: Target,
    is_shell: Option<bool>,
) -> FileConversion {
    let decoded = match text::decode(bytes) {
        Ok(d) => d,
        Err(e) => {
            let diag = Diagnostic::new(
                "IO002",
                Severity::Error,
                Span::empty(0),
                format!("not a text script: {e}"),
            );
            return FileConversion::failed(String::new(), None, Status::Failed, vec![diag]);
        }
    };
    let src = decoded.text;
    let line_ending = LineEnding::detect(&src);
    let is_shell = is_shell.unwrap_or_else(|| is_shell_script(path, &src));
    let result = if is_shell {
        convert_shell(&src, line_ending, target)
    } else {
        convert_plain(&src, line_ending, target, path)
    };
    let (status, output, mut diagnostics, secrets) = match result {
        Ok(ok) => ok,
        Err((status, diagnostics)) => {
            return FileConversion::failed(src, Some(decoded.encoding), status, diagnostics);
        }
    };
    let (output, encoding) = match target {
        Target::Rsql => (output, decoded.encoding),
        Target::Framework => {
            let (output, note) = runnable_by_sh(output, decoded.encoding, line_ending);
            diagnostics.extend(note);
            (output, Encoding::Utf8)
        }
    };
    let output_bytes = match text::encode(&output, encoding) {
        Ok(b) => b,
        Err(e) => {
            let diag = Diagnostic::new(
                "IO004",
                Severity::Error,
                Span::empty(0),
                format!("output cannot keep the input's encoding: {e}"),
            );
            return FileConversion::failed(src, Some(decoded.encoding), Status::Failed, vec![diag]);
        }
    };
    FileConversion {
        status,
        input: src,
        encoding: Some(decoded.encoding),
        output: Some(output),
        output_bytes: Some(output_bytes),
        diagnostics,
        secrets,
    }
}

/// A framework job as `sh` on the framework's Linux host can run it: UTF-8 without a byte-order
/// mark and LF line endings (with CR endings `sh` reads `$2\r` as the secret's name, and it
/// cannot read UTF-16 at all), and the note that says so when the input was otherwise.
fn runnable_by_sh(
    output: String,
    encoding: Encoding,
    line_ending: LineEnding,
) -> (String, Option<Diagnostic>) {
    let crlf = line_ending == LineEnding::CrLf;
    if encoding == Encoding::Utf8 && !crlf {
        return (output, None);
    }
    let output = if crlf {
        output.replace("\r\n", "\n")
    } else {
        output
    };
    let was = match (encoding, crlf) {
        (Encoding::Utf8, _) => "has CRLF line endings".to_string(),
        (e, false) => format!("is {}", e.name()),
        (e, true) => format!("is {} with CRLF line endings", e.name()),
    };
    let note = Diagnostic::new(
        FRAMEWORK_JOB_TEXT.code,
        FRAMEWORK_JOB_TEXT.severity,
        Span::empty(0),
        format!(
            "the job is written as UTF-8 with LF line endings (the input {was}): the framework runs it with sh"
        ),
    );
    (output, Some(note))
}

type Converted = (Status, String, Vec<Diagnostic>, Vec<Span>);
type Refused = (Status, Vec<Diagnostic>);

fn refuse_utility(span: Span, what: &str) -> Refused {
    (
        Status::Unsupported,
        vec![Diagnostic::new(
            UTILITY_SCRIPT.code,
            Severity::Error,
            span,
            format!("{what}: not converted; rebuild the load or export with COPY / UNLOAD and S3"),
        )],
    )
}

fn convert_plain(
    src: &str,
    line_ending: LineEnding,
    target: Target,
    path: &Path,
) -> Result<Converted, Refused> {
    let parsed = ParsedScript::new(src);
    if let Some((span, what)) = utility_marker(src, &parsed) {
        return Err(refuse_utility(span, &what));
    }
    let out = script::convert_parsed(src, &parsed, line_ending);
    if out.fatal {
        return Err((Status::Failed, out.diagnostics));
    }
    let text = match target {
        Target::Rsql => out.text,
        Target::Framework => framework_job(&out.text, line_ending, path),
    };
    Ok((Status::Converted, text, out.diagnostics, out.secrets))
}

fn convert_shell(src: &str, line_ending: LineEnding, target: Target) -> Result<Converted, Refused> {
    let scan = shell::scan(src.as_bytes()).map_err(|e| match e {
        ShellError::UnterminatedHeredoc { delimiter, opener } => (
            Status::Failed,
            vec![Diagnostic::new(
                crate::rules::bteq::requests::UNTERMINATED_HEREDOC.code,
                Severity::Error,
                opener,
                format!("heredoc never closed: no line `{delimiter}` after it"),
            )],
        ),
    })?;
    let heredocs = scan.heredocs;
    if let Some(h) = heredocs
        .iter()
        .find(|h| shell::is_teradata_utility_command(&h.command))
    {
        return Err(refuse_utility(
            h.command_span,
            &format!("`{}` heredoc", h.command),
        ));
    }
    let mut diagnostics = Vec::new();
    requests::bteq_without_heredoc(&scan.bteq_without_heredoc, &mut diagnostics);
    let mut secrets = Vec::new();
    let mut edits = Vec::new();
    let mut converted_any = false;
    for heredoc in heredocs
        .iter()
        .filter(|h| shell::is_bteq_command(&h.command))
    {
        let base = heredoc.body.start as usize;
        // BTEQ reads the body after the shell has joined continued lines.
        let joins = if heredoc.quoted {
            Vec::new()
        } else {
            requests::join_continued_lines(src, heredoc, &mut diagnostics)
        };
        let body_text = heredoc.body.text(src);
        let joined;
        let body_text = if joins.is_empty() {
            body_text
        } else {
            joined = apply_edits(body_text, &mut joins.clone()).0;
            joined.as_str()
        };
        let to_file = |span: Span| span_before_edits(span, &joins).offset(base);
        let parsed = ParsedScript::new(body_text);
        if let Some((span, what)) = utility_marker(body_text, &parsed) {
            return Err(refuse_utility(to_file(span), &what));
        }
        let out = script::convert_parsed(body_text, &parsed, line_ending);
        diagnostics.extend(out.diagnostics.into_iter().map(|mut d| {
            d.span = to_file(d.span);
            d
        }));
        if out.fatal {
            return Err((Status::Failed, diagnostics));
        }
        secrets.extend(out.secrets.iter().map(|&s| to_file(s)));
        let (command_edits, command_reports) = requests::rsql_command(src, heredoc);
        edits.extend(command_edits);
        diagnostics.extend(command_reports);
        edits.push(Edit::replace(heredoc.body, out.text));
        converted_any = true;
    }
    // Logon lines in the shell text itself (a logon file written at run time, an old logon).
    let bodies: Vec<Span> = heredocs
        .iter()
        .filter(|h| shell::is_bteq_command(&h.command))
        .map(|h| h.body)
        .collect();
    edits.extend(logon::mask_shell_logons(
        src,
        &bodies,
        &mut secrets,
        &mut diagnostics,
    ));
    if !converted_any && edits.is_empty() {
        diagnostics.push(Diagnostic::new(
            crate::rules::bteq::requests::SHELL_WITHOUT_BTEQ.code,
            Severity::Info,
            Span::empty(0),
            "no BTEQ heredoc in this shell script: copied unchanged",
        ));
        return Ok((Status::Unchanged, src.to_string(), diagnostics, secrets));
    }
    let status = if converted_any {
        Status::Converted
    } else {
        Status::Unchanged
    };
    if converted_any && target == Target::Framework && !text::contains(src, "get_redshift_creds.sh")
    {
        edits.push(Edit::insert(
            after_shebang(src),
            format!("{CREDENTIALS_LINE}{}", line_ending.as_str()),
        ));
    }
    let (mut text, _) = apply_edits(src, &mut edits);
    if converted_any && target == Target::Framework {
        let at = heredocs
            .iter()
            .find(|h| shell::is_bteq_command(&h.command))
            .map_or(Span::empty(0), |h| h.command_span);
        text = pass_exit_code(text, at, &mut diagnostics);
    }
    Ok((status, text, diagnostics, secrets))
}

/// A framework job exits with rsql's exit code (reference `framework.md` §1.7). Where the shell
/// script drops it after a converted heredoc, lint's fix for that (RS051: capture `$?` after
/// the heredoc, end the script with `exit` of it) is applied and reported for review.
fn pass_exit_code(text: String, at: Span, diagnostics: &mut Vec<Diagnostic>) -> String {
    let code = crate::rules::lint::framework::EXIT_CODE.code;
    let (fixed, applied) = crate::lint::apply_framework_fixes(&text, code);
    if applied == 0 {
        return text;
    }
    diagnostics.push(Diagnostic::new(
        code,
        Severity::Warning,
        at,
        "the script did not pass rsql's exit code to its exit: rsqlexitcode=$? and exit $rsqlexitcode added; check the flow",
    ));
    fixed
}

/// Offset just after the `#!` line, or 0.
fn after_shebang(src: &str) -> usize {
    if src.starts_with("#!") {
        src.find('\n').map_or(src.len(), |i| i + 1)
    } else {
        0
    }
}

/// Wraps converted RSQL in the framework's job-script contract (reference `framework.md` §1.7).
pub fn framework_job(rsql: &str, line_ending: LineEnding, source: &Path) -> String {
    let nl = line_ending.as_str();
    let body = escape_for_unquoted_heredoc(rsql);
    let delimiter = heredoc_delimiter(&body);
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let mut out = String::with_capacity(body.len() + 256);
    for line in [
        "#!/bin/bash",
        &format!(
            "# Converted from {name} by rsqlmig {}.",
            env!("CARGO_PKG_VERSION")
        ),
        "# The framework runs it as: sh <script> <instance_code_dir> <secret_id>",
        CREDENTIALS_LINE,
        &format!("{RSQL_INVOCATION} <<{delimiter}"),
    ] {
        out.push_str(line);
        out.push_str(nl);
    }
    out.push_str(&body);
    if !body.is_empty() && !body.ends_with('\n') {
        out.push_str(nl);
    }
    for line in [delimiter.as_str(), "rsqlexitcode=$?", "exit $rsqlexitcode"] {
        out.push_str(line);
        out.push_str(nl);
    }
    out
}

/// Escapes what a shell would expand in an unquoted heredoc but that was not a shell placeholder
/// in a plain BTEQ file: `$$`, `$1`, a lone `$`, a `$` inside a name (`acct$hist`, as Teradata
/// names may hold one), and backslashes before `\`, `$` or a backtick. `${X}`, `$X` and `$(cmd)`
/// stay live: in a plain BTEQ file they are placeholders meant to be filled.
pub fn escape_for_unquoted_heredoc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for i in memchr::memchr2_iter(b'\\', b'$', bytes) {
        let next = bytes.get(i + 1).copied();
        let escape = if bytes[i] == b'\\' {
            matches!(next, Some(b'\\' | b'$' | b'`'))
        } else {
            let in_name = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
            let placeholder = matches!(next, Some(b'{' | b'(' | b'a'..=b'z' | b'A'..=b'Z' | b'_'));
            !placeholder || (in_name && !matches!(next, Some(b'{' | b'(')))
        };
        if escape {
            out.push_str(&text[last..i]);
            out.push('\\');
            last = i;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// `EOF`, or a variant no line of `body` equals.
fn heredoc_delimiter(body: &str) -> String {
    let mut delimiter = "EOF".to_string();
    while body.lines().any(|l| l.trim_end_matches('\r') == delimiter) {
        delimiter.insert_str(0, "RSQL_");
    }
    delimiter
}

/// The output file name for an input: plain BTEQ gets `.rsql` (target rsql) or `.sh` (target
/// framework); a shell script keeps its name.
pub fn output_name(relative: &Path, is_shell: bool, target: Target) -> PathBuf {
    if is_shell {
        return relative.to_path_buf();
    }
    let ext = match target {
        Target::Rsql => "rsql",
        Target::Framework => "sh",
    };
    relative.with_extension(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_bteq_converts_in_its_encoding() {
        let conv = convert_file(Path::new("a.btq"), b"-- caf\xe9\n.QUIT 0\n", Target::Rsql);
        assert_eq!(conv.status, Status::Converted);
        assert_eq!(conv.output_bytes.unwrap(), b"-- caf\xe9\n\\exit 0\n");
    }

    #[test]
    fn shell_heredoc_body_and_invocation_are_converted() {
        let src = "#!/bin/ksh\nbteq <<EOF > $LOG 2>&1\n.LOGON h/u,p;\n.QUIT 8\nEOF\nRC=$?\n";
        let conv = convert_file(Path::new("job.ksh"), src.as_bytes(), Target::Rsql);
        let out = conv.output.unwrap();
        assert!(
            out.starts_with(
                "#!/bin/ksh\nrsql -h $HOST -U $USER -d $DB <<EOF > $LOG 2>&1\n-- rsqlmig: BQ001"
            ),
            "{out}"
        );
        assert!(out.ends_with("\\exit 8\nEOF\nRC=$?\n"), "{out}");
        assert!(!out.contains(",p;"));
    }

    #[test]
    fn framework_jobs_pass_rsql_exit_code_on() {
        let src =
            "#!/bin/bash\nbteq <<EOF\n.LOGON h/u,p;\nDELETE FROM t ALL;\n.QUIT 3\nEOF\necho done\n";
        let conv = convert_file(Path::new("job.sh"), src.as_bytes(), Target::Framework);
        let out = conv.output.unwrap();
        assert!(
            out.ends_with("EOF\nrsqlexitcode=$?\necho done\nexit $rsqlexitcode\n"),
            "{out}"
        );
        assert!(conv.diagnostics.iter().any(|d| d.code == "RS051"));
        // A job that already passes it on is left alone.
        let again = convert_file(Path::new("job.sh"), out.as_bytes(), Target::Framework);
        assert_eq!(again.output.as_deref(), Some(out.as_str()));
        assert!(!again.diagnostics.iter().any(|d| d.code == "RS051"));
    }

    #[test]
    fn framework_target_wraps_plain_bteq() {
        let conv = convert_file(
            Path::new("load.btq"),
            b"SELECT '$$' || $1;\n.QUIT 4\n",
            Target::Framework,
        );
        let out = conv.output.unwrap();
        assert!(
            out.contains(
                "source $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\n"
            )
        );
        assert!(
            out.contains(
                "SELECT '\\$\\$' || \\$1;\n\\exit 4\nEOF\nrsqlexitcode=$?\nexit $rsqlexitcode\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn continued_lines_of_an_unquoted_heredoc_are_converted_joined() {
        let src = "bteq <<EOF\nSELECT 1;\n.IF ERRORCODE <> 0 \\\nTHEN .QUIT 8\nSEL ADD_MONTHS(d, 1), 'a\\\\'\n;\nEOF\n";
        let conv = convert_file(Path::new("j.sh"), src.as_bytes(), Target::Rsql);
        let out = conv.output.unwrap();
        assert!(
            out.starts_with("rsql -h $HOST -U $USER -d $DB <<EOF\nSELECT 1;\n\\if :ERROR <> 0\n  \\exit 8\n\\endif\n-- rsqlmig: TD058"),
            "{out}"
        );
        assert!(
            out.ends_with("\nSELECT ADD_MONTHS(d, 1), 'a\\\\'\n;\nEOF\n"),
            "{out}"
        );
        let join = conv.diagnostics.iter().find(|d| d.code == "BQ088").unwrap();
        assert_eq!(join.span.text(src), "\\\n");
        // Positions after a join are the file's.
        let later = conv.diagnostics.iter().find(|d| d.code == "TD058").unwrap();
        assert!(later.span.text(src).starts_with("ADD_MONTHS"));
        // Quoted, the body is BTEQ's as written.
        let quoted = src.replace("<<EOF", "<<'EOF'");
        let conv = convert_file(Path::new("j.sh"), quoted.as_bytes(), Target::Rsql);
        assert!(conv.diagnostics.iter().all(|d| d.code != "BQ088"));
    }

    #[test]
    fn placeholders_stay_live_in_the_framework_heredoc() {
        assert_eq!(
            escape_for_unquoted_heredoc("${DB}.T $X $(d) a\\\\b"),
            "${DB}.T $X $(d) a\\\\\\b"
        );
        // A `$` inside a name is part of it, as the lexer reads it; `tmp_${X}` is a placeholder.
        assert_eq!(
            escape_for_unquoted_heredoc("SELECT acct$bal FROM db.acct$hist, tmp_${X}, t_$(d)"),
            "SELECT acct\\$bal FROM db.acct\\$hist, tmp_${X}, t_$(d)"
        );
    }

    #[test]
    fn utility_scripts_are_refused() {
        let conv = convert_file(
            Path::new("x.btq"),
            b".LOGTABLE w.l;\n.BEGIN EXPORT SESSIONS 4;\n",
            Target::Rsql,
        );
        assert_eq!(conv.status, Status::Unsupported);
        assert!(conv.output.is_none());
        let conv = convert_file(
            Path::new("x.sh"),
            b"fastload <<EOF\n.LOGON a/b,c;\nEOF\n",
            Target::Rsql,
        );
        assert_eq!(conv.status, Status::Unsupported);
    }

    #[test]
    fn binary_files_fail_cleanly() {
        let conv = convert_file(Path::new("x.btq"), b"\x00\x01\x02", Target::Rsql);
        assert_eq!(conv.status, Status::Failed);
        assert_eq!(conv.diagnostics[0].code, "IO002");
    }

    #[test]
    fn output_names() {
        assert_eq!(
            output_name(Path::new("d/a.btq"), false, Target::Rsql),
            PathBuf::from("d/a.rsql")
        );
        assert_eq!(
            output_name(Path::new("d/a.btq"), false, Target::Framework),
            PathBuf::from("d/a.sh")
        );
        assert_eq!(
            output_name(Path::new("d/a.sql"), true, Target::Rsql),
            PathBuf::from("d/a.sql")
        );
    }
}
