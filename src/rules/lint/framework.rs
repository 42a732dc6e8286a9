//! RS050–RS053: the orchestration framework's job-script contract (reference `framework.md`
//! §1.7): credentials sourced before rsql runs, rsql's exit code passed to the script's exit, a
//! script name the framework can put into a shell command, `$1`/`$2` left to the contract.
//!
//! These rules run on framework jobs only: shell scripts that reference `get_redshift_creds.sh`,
//! scripts in a catalog's `jobs/` directory, or every script with `lint.framework: always`.

use crate::convert::CREDENTIALS_LINE;
use crate::diagnostic::{Applicability, Edit, Fix, Severity};
use crate::lint::shell::{ShellCommand, ShellLine, assignment, base_name, unquote};
use crate::lint::unit::{FileKind, FileUnit, Sink};
use crate::rules::{Rule, RuleKind};
use crate::syntax::shell::is_rsql_command;
use crate::syntax::span::Span;

pub const CREDENTIALS: Rule = Rule {
    code: "RS050",
    name: "framework-credentials",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "A framework job that does not `source $1/get_redshift_creds.sh $2` before running rsql",
    doc: "The framework runs a job as `sh <script> <instance_code_dir> <secret_id>`; the job \
gets `HOST`, `USER`, `DB` and `RSPASSWORD` by sourcing `get_redshift_creds.sh` from the code \
directory with the secret id. Without it rsql connects with empty settings. The safe fix inserts \
the line after the script's shebang and comment header.\n\nBefore:\n```\n#!/bin/bash\nrsql -h \
$HOST -U $USER -d $DB <<EOF\n```\nAfter:\n```\n#!/bin/bash\nsource $1/get_redshift_creds.sh $2\n\
rsql -h $HOST -U $USER -d $DB <<EOF\n```",
};

pub const EXIT_CODE: Rule = Rule {
    code: "RS051",
    name: "framework-exit-code",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "A framework job that does not pass rsql's exit code to its own exit",
    doc: "The framework marks a job failed only when the script exits non-zero, so rsql's exit \
code must reach the script's exit: capture `$?` right after the heredoc and `exit` with it (the \
samples' `rsqlexitcode=$?` … `exit $rsqlexitcode`), or let the rsql command be the script's last \
(or a function's last, or `return $?`), or `|| exit $?`. A command after rsql that neither \
captures nor tests `$?` loses it. An rsql heredoc piped into another command (`| tee log`) \
exits with that command's status unless `set -o pipefail` is on (warning). The unsafe fix adds \
`rsqlexitcode=$?` after the heredoc and makes the script end with `exit $rsqlexitcode`.\n\n\
Before:\n```\nrsql -h $HOST -U $USER -d $DB <<EOF\n…\nEOF\necho \"done at $(date)\"\nexit 0\n```\n\
After:\n```\nrsql -h $HOST -U $USER -d $DB <<EOF\n…\nEOF\nrsqlexitcode=$?\necho \"done at $(date)\"\n\
exit $rsqlexitcode\n```",
};

pub const SCRIPT_NAME: Rule = Rule {
    code: "RS052",
    name: "framework-script-name",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "A framework job whose file name is not a bare safe name (`[A-Za-z0-9._-]+`)",
    doc: "The framework puts the script name unquoted into the shell command it sends through \
SSM (`sh +x <path><script> …`), so a space, quote, `$` or `;` in the name breaks the command or \
runs something else. Rename the file (and its entry in the workflow).\n\nBefore: `daily load \
(v2).sh`\n\nAfter: `daily_load_v2.sh`",
};

pub const POSITIONAL_ARGUMENTS: Rule = Rule {
    code: "RS053",
    name: "framework-positional-arguments",
    kind: RuleKind::Lint,
    severity: Severity::Warning,
    summary: "A framework job that reads `$1`, `$2`, `$@` … for anything but sourcing `get_redshift_creds.sh`",
    doc: "The framework always runs a job as `sh <script> <instance_code_dir> <secret_id>`, so \
`$1` is the code directory and `$2` the secret id, whatever the script was written for: an old \
wrapper's `bteq <<EOF > $1` (a log file passed by the scheduler) now redirects into a directory \
and the job fails, a `DT=${1:-$(date +%F)}` takes the directory as a date. Pass such values \
another way (a variable set in the script, a file in the code directory). The credentials line \
itself is the contract and passes.\n\nBefore:\n```\nsource $1/get_redshift_creds.sh $2\nrsql -h \
$HOST -U $USER -d $DB <<EOF > $1\n```\nAfter:\n```\nsource $1/get_redshift_creds.sh $2\nrsql -h \
$HOST -U $USER -d $DB <<EOF > /tmp/load_cust.log\n```",
};

pub fn check(unit: &FileUnit, out: &mut Sink) {
    if !unit.file.framework {
        return;
    }
    script_name(unit, out);
    if unit.file.kind != FileKind::Shell {
        return;
    }
    positional_arguments(unit, out);
    let invocations = invocations(unit);
    if invocations.is_empty() {
        return;
    }
    credentials(unit, &invocations, out);
    for inv in &invocations {
        exit_code(unit, inv, out);
    }
}

/// `$1`…`$9`, `${1}`, `${1:-x}`, `$@`, `$*`, `$#` in the script's own words and redirection
/// targets.
fn positional_arguments(unit: &FileUnit, out: &mut Sink) {
    let src = unit.src;
    let lines = unit.lines.iter().filter(|l| !sources_credentials(src, l));
    let words = lines
        .flat_map(|l| &l.commands)
        .flat_map(|c| c.words.iter().chain(&c.redirects));
    for word in words {
        let text = word.text(src);
        let bytes = text.as_bytes();
        for at in memchr::memchr_iter(b'$', bytes) {
            let len = match &bytes[at + 1..] {
                [b'1'..=b'9' | b'@' | b'*' | b'#', ..] => 2,
                [b'{', b'1'..=b'9' | b'@' | b'*' | b'#', ..] => {
                    text[at..].find('}').map_or(2, |end| end + 1)
                }
                _ => continue,
            };
            if at > 0 && bytes[at - 1] == b'\\' {
                continue;
            }
            let start = word.start as usize + at;
            let span = Span::new(start, start + len);
            out.report(
                &POSITIONAL_ARGUMENTS,
                Severity::Warning,
                span,
                format!(
                    "`{}`: the framework runs the job as `sh <script> <instance_code_dir> <secret_id>`, so $1 is the code directory and $2 the secret id here",
                    span.text(src)
                ),
            );
        }
    }
}

fn script_name(unit: &FileUnit, out: &mut Sink) {
    let Some(name) = unit.file.path.file_name() else {
        return;
    };
    let name = name.to_string_lossy();
    let safe = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !safe {
        out.report(
            &SCRIPT_NAME,
            Severity::Error,
            Span::empty(0),
            format!("script name {name:?} is not a bare safe file name ([A-Za-z0-9._-]+): the framework puts it unquoted into a shell command"),
        );
    }
}

/// One run of rsql in the shell text.
struct Invocation {
    /// The command word.
    command: Span,
    /// The line the invocation starts on.
    opener_line: Span,
    /// The last line that belongs to the invocation (a heredoc's terminator line).
    last_line: Span,
}

fn invocations(unit: &FileUnit) -> Vec<Invocation> {
    let src = unit.src;
    let mut out: Vec<Invocation> = unit
        .heredocs
        .iter()
        .filter(|h| is_rsql_command(&h.command))
        .map(|h| Invocation {
            command: h.command_span,
            opener_line: h.opener_line,
            last_line: h.terminator,
        })
        .collect();
    for line in unit.lines {
        for cmd in &line.commands {
            let Some(ci) = cmd.command_index(src) else {
                continue;
            };
            let word = cmd.words[ci];
            if is_rsql_command(base_name(word.text(src))) && !out.iter().any(|i| i.command == word)
            {
                out.push(Invocation {
                    command: word,
                    opener_line: line.span,
                    last_line: line.span,
                });
            }
        }
    }
    out.sort_by_key(|i| i.command.start);
    out
}

/// Whether a shell line runs `source …/get_redshift_creds.sh …` (or `. …`).
fn sources_credentials(src: &str, line: &ShellLine) -> bool {
    line.commands.iter().any(|c| {
        matches!(c.word(src, 0), Some("source" | "."))
            && c.words[1..]
                .iter()
                .any(|w| w.text(src).contains("get_redshift_creds.sh"))
    })
}

fn credentials(unit: &FileUnit, invocations: &[Invocation], out: &mut Sink) {
    let src = unit.src;
    let first = &invocations[0];
    let sourced = unit
        .lines
        .iter()
        .find(|l| sources_credentials(src, l))
        .map(|l| l.span);
    match sourced {
        Some(at) if at.start < first.command.start => {}
        Some(_) => {
            out.report(
                &CREDENTIALS,
                Severity::Error,
                first.command,
                "get_redshift_creds.sh is sourced only after rsql runs: move `source $1/get_redshift_creds.sh $2` before it",
            );
        }
        None => {
            let nl = unit.file.line_ending.as_str();
            out.report_fix(
                &CREDENTIALS,
                Severity::Error,
                first.command,
                "framework job without `source $1/get_redshift_creds.sh $2` before rsql: HOST, USER, DB and RSPASSWORD are never set",
                Some(Fix {
                    applicability: Applicability::Safe,
                    edits: vec![Edit::insert(
                        header_end(unit, first.opener_line.start as usize),
                        format!("{CREDENTIALS_LINE}{nl}"),
                    )],
                }),
            );
        }
    }
}

/// Where the shebang and the leading comment block end (not after `limit`).
fn header_end(unit: &FileUnit, limit: usize) -> usize {
    let mut end = 0;
    for line in unit.lines {
        let text = line.span.text(unit.src).trim();
        if line.span.start as usize >= limit || !(text.is_empty() || text.starts_with('#')) {
            break;
        }
        end = unit.src[line.span.end as usize..]
            .find('\n')
            .map_or(unit.src.len(), |i| line.span.end as usize + i + 1);
    }
    end.min(limit)
}

/// `$?`, `${?}`, `"$?"`.
fn is_status(word: &str) -> bool {
    matches!(unquote(word).as_str(), "$?" | "${?}")
}

/// What holds rsql's exit code right after it: `$?`, or when rsql feeds a pipe (`rsql <<EOF |
/// tee -a $LOG`), bash's `${PIPESTATUS[…]}` (`$?` is then the last command's, unless
/// `pipefail` makes it rsql's failure).
struct StatusWords {
    piped: bool,
    pipefail: bool,
}

impl StatusWords {
    fn matches(&self, word: &str) -> bool {
        (is_status(word) && (!self.piped || self.pipefail))
            || (self.piped && unquote(word).starts_with("${PIPESTATUS["))
    }

    /// A command that reads the status (`if [ $? -ne 0 ]`, `rc=(${PIPESTATUS[@]})`).
    fn read_by(&self, src: &str, cmd: &ShellCommand) -> bool {
        cmd.words.iter().any(|w| {
            let w = w.text(src);
            (w.contains("$?") && (!self.piped || self.pipefail))
                || (self.piped && w.contains("PIPESTATUS"))
        })
    }
}

/// `set -e`, `set -euo pipefail`, `set -o errexit` on a line before `at`: a failing rsql ends
/// the script with its own code.
fn errexit_before(unit: &FileUnit, at: u32) -> bool {
    let src = unit.src;
    unit.lines
        .iter()
        .take_while(|l| l.span.start < at)
        .flat_map(|l| &l.commands)
        .any(|c| {
            c.word(src, 0) == Some("set")
                && c.words.iter().skip(1).enumerate().any(|(k, w)| {
                    let w = w.text(src);
                    (w.starts_with('-') && !w.starts_with("--") && w[1..].contains('e'))
                        || (w == "-o" && c.word(src, k + 2) == Some("errexit"))
                })
        })
}

/// `exit $V`, `exit ${V}`, `exit "$V"`, `return $V`: the variable it exits with.
fn exits_with(src: &str, line: &ShellLine) -> Vec<String> {
    line.commands
        .iter()
        .filter_map(|c| {
            let at = c
                .words
                .iter()
                .position(|w| matches!(w.text(src), "exit" | "return"))?;
            let arg = unquote(c.word(src, at + 1)?);
            let name = arg.strip_prefix('$')?;
            Some(name.trim_matches(['{', '}']).to_string())
        })
        .collect()
}

fn exit_code(unit: &FileUnit, inv: &Invocation, out: &mut Sink) {
    let src = unit.src;
    // The command that runs right after rsql: on the opener line (`rsql -f x; rc=$?`), or the
    // first one after the invocation's last line.
    let mut next: Option<(&ShellLine, &ShellCommand)> = None;
    let mut status = StatusWords {
        piped: false,
        pipefail: src.contains("pipefail"),
    };
    if let Some(line) = unit.lines.iter().find(|l| l.span == inv.opener_line)
        && let Some(k) = line
            .commands
            .iter()
            .position(|c| c.words.contains(&inv.command))
    {
        let cmd = &line.commands[k];
        let after = line.commands.get(k + 1);
        // `if ! rsql …; then exit 12; fi`: its status is the condition.
        if cmd
            .words
            .iter()
            .take_while(|&&w| w != inv.command)
            .any(|w| matches!(w.text(src), "if" | "elif" | "while" | "until"))
        {
            return;
        }
        status.piped = cmd.then == Some("|");
        if !status.piped && errexit_before(unit, inv.command.start) {
            return;
        }
        match cmd.then {
            Some("||")
                if after
                    .and_then(|n| n.word(src, 0))
                    .is_some_and(|w| matches!(w, "exit" | "return")) =>
            {
                return;
            }
            Some("|") if !status.pipefail && !src.contains("PIPESTATUS") => {
                out.report(
                    &EXIT_CODE,
                    Severity::Warning,
                    inv.command,
                    "rsql runs in a pipeline: `$?` is the status of the last command of the pipe, not rsql's; add `set -o pipefail` or read `${PIPESTATUS[0]}`",
                );
                return;
            }
            _ => {}
        }
        if inv.last_line == inv.opener_line {
            next = after.map(|c| (line, c));
        }
    }
    if next.is_none() {
        let after = inv.last_line.end as usize;
        let Some(line) = unit
            .lines
            .iter()
            .filter(|l| l.span.start as usize > after)
            .find(|l| !l.blank || l.span.text(src).trim_start().starts_with('}'))
        else {
            return; // the script ends with rsql
        };
        if line.span.text(src).trim_start().starts_with('}') {
            return; // the function ends with rsql: its status is rsql's
        }
        let Some(first) = line.commands.first() else {
            return;
        };
        next = Some((line, first));
    }
    let (line, cmd) = next.expect("set above");
    let word0 = cmd.word(src, 0).unwrap_or("");
    if matches!(word0, "exit" | "return") && cmd.word(src, 1).is_none_or(|w| status.matches(w)) {
        return;
    }
    if let Some((name, value)) = assignment(word0)
        && status.matches(value)
    {
        let exits = unit
            .lines
            .iter()
            .filter(|l| l.span.start >= line.span.start)
            .any(|l| exits_with(src, l).iter().any(|v| v == name));
        if !exits {
            report_lost(unit, inv, Some(name), &status, out);
        }
        return;
    }
    if status.read_by(src, cmd) {
        return; // `if [ $? -ne 0 ]; then … exit …`: tested where it is still rsql's
    }
    if line.span == inv.last_line {
        // `rsql -f x; other`: a capture on the next line would hold `other`'s status, and one
        // put between them could change what runs (`&&`): the user has to place it.
        out.report(
            &EXIT_CODE,
            Severity::Error,
            inv.command,
            "rsql's exit code is lost to the command after it on the same line: capture `$?` right after rsql and `exit` with it (the framework records a failed run as a success)",
        );
        return;
    }
    report_lost(unit, inv, None, &status, out);
}

fn lost_message(captured: Option<&str>) -> String {
    match captured {
        Some(name) => format!("rsql's exit code is captured in {name} but the script never exits with it: the framework records a failed run as a success"),
        None => "rsql's exit code is not passed to the script's exit (capture `$?` right after the heredoc and `exit` with it): the framework records a failed run as a success".to_string(),
    }
}

/// Reports rsql's exit code as lost, with the unsafe fix: capture it (unless `captured` already
/// names the variable that does) and end the script with `exit` of it.
fn report_lost(
    unit: &FileUnit,
    inv: &Invocation,
    captured: Option<&str>,
    status: &StatusWords,
    out: &mut Sink,
) {
    let src = unit.src;
    let nl = unit.file.line_ending.as_str();
    let var = captured.unwrap_or("rsqlexitcode");
    let mut edits = Vec::new();
    // Text inserted inside a heredoc's body is fed to a command, not run by the shell: after
    // rsql's line when that line opens a heredoc of its own (`rsql \`cmd <<E`), or at the end of
    // a script whose last heredoc is never closed.
    let in_body = |at: usize| {
        unit.heredocs
            .iter()
            .any(|h| h.body.start as usize <= at && at < h.terminator.end as usize)
            || unit
                .unterminated
                .is_some_and(|(_, opener)| at > opener.end as usize)
    };
    let by_hand = |out: &mut Sink, what: &str| {
        out.report(
            &EXIT_CODE,
            Severity::Error,
            inv.command,
            format!("{}; {what}", lost_message(captured)),
        );
    };
    if captured.is_none() && status.piped && !status.pipefail {
        by_hand(
            out,
            "rsql feeds a pipe: capture `${PIPESTATUS[k]}` (k its place in the pipe) right after it",
        );
        return;
    }
    if captured.is_none() {
        let line_end = src[inv.last_line.end as usize..]
            .find('\n')
            .map(|i| inv.last_line.end as usize + i + 1);
        if line_end.is_some_and(in_body) {
            by_hand(
                out,
                "the line after rsql's is inside a heredoc: capture it by hand",
            );
            return;
        }
        match line_end {
            Some(at) => edits.push(Edit::insert(at, format!("{var}=$?{nl}"))),
            None => edits.push(Edit::insert(src.len(), format!("{nl}{var}=$?{nl}"))),
        }
    }
    let exit = format!("exit ${var}");
    let last = unit.lines.iter().rev().find(|l| !l.blank);
    let last_is_exit = last
        .is_some_and(|l| l.commands.len() == 1 && l.commands[0].word(src, 0) == Some("exit"))
        && last.is_some_and(|l| l.span.start > inv.last_line.end);
    match last {
        Some(l) if last_is_exit => {
            // `exit $other` where `other=$?` captured another rsql run (a job with several):
            // changing it would lose that one's status, and the two fixes would take turns.
            let other_capture = exits_with(src, l).into_iter().find(|name| {
                name != var
                    && unit.lines.iter().any(|line| {
                        line.commands.iter().any(|c| {
                            c.word(src, 0)
                                .and_then(assignment)
                                .is_some_and(|(n, v)| n == name && is_status(v))
                        })
                    })
            });
            if let Some(other) = other_capture {
                by_hand(
                    out,
                    &format!(
                        "the script already exits with ${other}, another rsql run's (combine their codes by hand)"
                    ),
                );
                return;
            }
            let cmd = l.commands[0].span().expect("an exit command");
            edits.push(Edit::replace(cmd, exit));
        }
        _ if in_body(src.len()) => {
            by_hand(
                out,
                "the script ends inside a heredoc that is never closed: close it, then exit with the code",
            );
            return;
        }
        _ => {
            let lead = if src.ends_with('\n')
                || edits.iter().any(|e| e.span.start as usize == src.len())
            {
                ""
            } else {
                nl
            };
            edits.push(Edit::insert(src.len(), format!("{lead}{exit}{nl}")));
        }
    }
    out.report_fix(
        &EXIT_CODE,
        Severity::Error,
        inv.command,
        lost_message(captured),
        Some(Fix {
            applicability: Applicability::Unsafe,
            edits,
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::config::{FrameworkMode, LintOptions};
    use crate::rules::lint::testing::{applicability, fixed, lint_with, only};

    const SAMPLE: &str = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\n\\echo 'start'\nSELECT 1;\nEOF\nrsqlexitcode=$?\necho \"done\"\nexit $rsqlexitcode\n";

    #[test]
    fn the_sample_shape_passes() {
        assert!(only("job.sh", SAMPLE, "RS05").is_empty());
        let d: Vec<_> = crate::rules::lint::testing::lint_as("job.sh", SAMPLE)
            .into_iter()
            .filter(|d| d.code.starts_with("RS05"))
            .collect();
        assert!(d.is_empty(), "{d:#?}");
    }

    fn fw() -> LintOptions {
        LintOptions {
            framework: FrameworkMode::Always,
            ..LintOptions::default()
        }
    }

    #[test]
    fn missing_credentials_are_inserted_after_the_header() {
        let src = "#!/bin/bash\n# load the sales mart\n\nrsql -h $HOST -U $USER -d $DB <<EOF\nSELECT 1;\nEOF\n";
        let d: Vec<_> = lint_with("job.sh", src, &fw())
            .into_iter()
            .filter(|d| d.code == "RS050")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(applicability(&d[0]), Some(Applicability::Safe));
        let out = crate::lint::fix(src, std::path::Path::new("job.sh"), &fw(), false);
        assert_eq!(
            out.text,
            "#!/bin/bash\n# load the sales mart\n\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST -U $USER -d $DB <<EOF\nSELECT 1;\nEOF\n"
        );
        // Referencing the creds script but not sourcing it first.
        let late = "#!/bin/bash\nrsql <<EOF\nSELECT 1;\nEOF\nsource $1/get_redshift_creds.sh $2\n";
        let d = only("job.sh", late, "RS050");
        assert!(d[0].message.contains("after"));
    }

    #[test]
    fn exit_code_shapes_that_pass() {
        let ok = [
            "rsql <<EOF\nSELECT 1;\nEOF\n",
            "rsql <<EOF\nSELECT 1;\nEOF\n\n# end\n",
            "rsql <<EOF || exit $?\nSELECT 1;\nEOF\necho done\n",
            "rsql <<EOF\nSELECT 1;\nEOF\nexit $?\n",
            "rsql <<EOF\nSELECT 1;\nEOF\nRC=$?\nif [ $RC -ne 0 ]; then\n  exit $RC\nfi\necho ok\nexit 0\n",
            "rsql <<EOF\nSELECT 1;\nEOF\nif [ $? -ne 0 ]; then exit 8; fi\n",
            "load() {\nrsql <<EOF\nSELECT 1;\nEOF\n}\nload || exit $?\n",
            "load() {\nrsql <<EOF\nSELECT 1;\nEOF\nreturn $?\n}\nload\n",
            "rsql -f x.sql\n",
            "rsql <<EOF | tee -a $LOG\nSELECT 1;\nEOF\nrc=${PIPESTATUS[0]}\necho done\nexit $rc\n",
            "set -o pipefail\nrsql <<EOF | tee -a $LOG\nSELECT 1;\nEOF\nrc=$?\necho done\nexit $rc\n",
            "set -euo pipefail\nrsql <<EOF\nSELECT 1;\nEOF\necho finished\n",
            "set -o errexit\nrsql <<EOF\nSELECT 1;\nEOF\necho finished\n",
            "if ! rsql <<EOF\nSELECT 1;\nEOF\nthen exit 12; fi\necho finished\n",
        ];
        for body in ok {
            let src = format!("#!/bin/bash\nsource $1/get_redshift_creds.sh $2\n{body}");
            assert!(only("job.sh", &src, "RS051").is_empty(), "{src}");
        }
    }

    #[test]
    fn a_piped_rsql_status_is_read_from_pipestatus() {
        // `$?` after a pipe is tee's: capturing it would be no fix.
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql <<EOF | tee -a $LOG\nSELECT 1;\nEOF\necho ${PIPESTATUS[*]}\nexit 0\n";
        let d = only("job.sh", src, "RS051");
        assert!(d.is_empty(), "{d:?}");
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql <<EOF | tee -a $LOG\nSELECT 1;\nEOF\nrc=$?\nexit $rc\n# PIPESTATUS\n";
        let d = only("job.sh", src, "RS051");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("PIPESTATUS"), "{}", d[0].message);
        assert_eq!(applicability(&d[0]), None);
        // Without `set -e` a later `set -e` does not cover rsql.
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql <<EOF\nSELECT 1;\nEOF\nset -e\necho done\n";
        assert_eq!(only("job.sh", src, "RS051").len(), 1);
    }

    #[test]
    fn positional_arguments_are_the_framework_s() {
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nDT=${1:-$(date +%F)}\nrsql -h $HOST <<EOF > $1\nSELECT '$2';\nEOF\necho \"$@ \\$1\"\nexit $?\n";
        let found: Vec<&str> = only("job.sh", src, "RS053")
            .iter()
            .map(|d| d.span.text(src))
            .collect();
        assert_eq!(found, vec!["${1:-$(date +%F)}", "$1", "$@"]);
        assert!(only("job.sh", SAMPLE, "RS053").is_empty());
    }

    #[test]
    fn lost_exit_codes_are_fixed_unsafely() {
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST <<EOF\nSELECT 1;\nEOF\necho \"finished\"\nexit 0\n";
        let d = only("job.sh", src, "RS051");
        assert_eq!(d.len(), 1);
        assert_eq!(applicability(&d[0]), Some(Applicability::Unsafe));
        assert_eq!(fixed("job.sh", src, false).text, src);
        let out = fixed("job.sh", src, true);
        assert_eq!(
            out.text,
            "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -h $HOST <<EOF\nSELECT 1;\nEOF\nrsqlexitcode=$?\necho \"finished\"\nexit $rsqlexitcode\n"
        );
        let captured = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql <<EOF\nSELECT 1;\nEOF\nRC=$?\necho $RC\n";
        let out = fixed("job.sh", captured, true);
        assert!(
            out.text.ends_with("RC=$?\necho $RC\nexit $RC\n"),
            "{}",
            out.text
        );
        assert!(only("job.sh", &out.text, "RS051").is_empty());
    }

    #[test]
    fn a_command_after_rsql_on_its_line_is_reported_without_a_fix() {
        // Found by fuzzing: the capture went on the next line, after `w`, and was added again on
        // every `--fix`.
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -f x.sql; w\n";
        let d = only("job.sh", src, "RS051");
        assert_eq!(d.len(), 1);
        assert!(d[0].fix.is_none());
        assert_eq!(fixed("job.sh", src, true).text, src);
    }

    #[test]
    fn a_second_rsql_run_keeps_its_exit() {
        // Found by fuzzing: each run's fix rewrote the final `exit` to its own variable, and the
        // fixes took turns on every `--fix`.
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql <<EOF\nSELECT 1;\nEOF\nc=$?\nrsql -f x.sql\nrsqlexitcode=$?\nexit $rsqlexitcode\n";
        let d = only("job.sh", src, "RS051");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].fix.is_none() && d[0].message.contains("another rsql run's"));
        // `exit $?` is no other run's capture: the fix still replaces it.
        let plain = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql <<EOF\nSELECT 1;\nEOF\necho done\nexit $?\n";
        let out = fixed("job.sh", plain, true);
        assert!(
            out.text
                .ends_with("rsqlexitcode=$?\necho done\nexit $rsqlexitcode\n"),
            "{}",
            out.text
        );
        assert_eq!(fixed("job.sh", src, true).text, src);
    }

    #[test]
    fn no_exit_is_put_inside_a_heredoc_never_closed() {
        // Found by fuzzing: `exit $rsqlexitcode` was appended to the body of the unclosed heredoc
        // (so the shell never saw it) and appended again on every `--fix`.
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql -f x.sql\nrc=$?\ncat <<E\nnot closed\n";
        let d = only("job.sh", src, "RS051");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].fix.is_none() && d[0].message.contains("never closed"));
        let once = fixed("job.sh", src, true).text;
        assert_eq!(fixed("job.sh", &once, true).text, once);
    }

    #[test]
    fn no_capture_is_put_inside_a_heredoc() {
        // Found by fuzzing: the capture after `rsql \`d<<E` went into the heredoc's body, so the
        // next `--fix` added another.
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql `d<<E\nSELECT 1;\nE\n";
        let d = only("job.sh", src, "RS051");
        assert!(d.iter().all(|d| d.fix.is_none()), "{d:#?}");
        let once = fixed("job.sh", src, true).text;
        assert_eq!(fixed("job.sh", &once, true).text, once);
    }

    #[test]
    fn pipelines_lose_the_status() {
        let src = "#!/bin/bash\nsource $1/get_redshift_creds.sh $2\nrsql <<EOF | tee -a log\nSELECT 1;\nEOF\n";
        let d = only("job.sh", src, "RS051");
        assert_eq!(d[0].severity, Severity::Warning);
        let with = src.replace("#!/bin/bash\n", "#!/bin/bash\nset -o pipefail\n");
        assert!(only("job.sh", &with, "RS051").is_empty());
    }

    #[test]
    fn script_names_must_be_safe() {
        assert_eq!(only("daily load.sh", SAMPLE, "RS052").len(), 1);
        assert!(only("daily_load-v2.sh", SAMPLE, "RS052").is_empty());
        // Not a framework job: no contract.
        assert!(
            only(
                "daily load.sh",
                "#!/bin/sh\nrsql <<EOF\nSELECT 1;\nEOF\necho\n",
                "RS05"
            )
            .is_empty()
        );
    }
}
