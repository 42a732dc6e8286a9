//! BQ030–BQ032: `.GOTO` / `.LABEL` become `\goto` / `\label` with BTEQ's jump semantics.
//!
//! BTEQ's `.GOTO L` skips forward to the *next* `.LABEL L`, so scripts reuse label names (`ok`
//! ten times in one file). RSQL's documentation does not promise that, so reused labels are
//! renamed (`ok`, `ok_2`, `ok_3`) and each `\goto` names the occurrence BTEQ would reach.

use std::collections::{HashMap, HashSet};

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleKind};

pub const GOTO_LABEL: Rule = Rule {
    code: "BQ030",
    name: "goto-label",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "`.GOTO L` / `.LABEL L` become `\\goto L` / `\\label L`",
    doc: "Both languages jump forward only, so the commands map one to one; the trailing `;` \
is dropped.\n\nBefore:\n```\n.IF ERRORCODE <> 0 THEN .GOTO ERRORS\n...\n.label ERRORS;\n```\nAfter:\n\
```\n\\if :ERROR <> 0\n  \\goto ERRORS\n\\endif\n...\n\\label ERRORS\n```",
};

pub const LABEL_RENAMED: Rule = Rule {
    code: "BQ031",
    name: "label-renamed",
    kind: RuleKind::Convert,
    severity: Severity::Info,
    summary: "A reused label name is renamed per occurrence so each `\\goto` reaches the next one, as in BTEQ",
    doc: "BTEQ searches forward for the next `.LABEL` of a name, so one name can serve many \
jumps. The second and later occurrences become `NAME_2`, `NAME_3`, ... (a free name), and every \
`\\goto` is pointed at the occurrence BTEQ would have reached.\n\nBefore:\n```\n.IF ACTIVITYCOUNT \
= 0 THEN .GOTO ok\nDROP TABLE a;\n.label ok\n.IF ACTIVITYCOUNT = 0 THEN .GOTO ok\nDROP TABLE b;\n\
.label ok\n```\nAfter:\n```\n\\if :ACTIVITYCOUNT = 0\n  \\goto ok\n\\endif\nDROP TABLE a;\n\\label \
ok\n\\if :ACTIVITYCOUNT = 0\n  \\goto ok_2\n\\endif\nDROP TABLE b;\n\\label ok_2\n```",
};

pub const GOTO_WITHOUT_LABEL: Rule = Rule {
    code: "BQ032",
    name: "goto-without-label",
    kind: RuleKind::Convert,
    severity: Severity::Error,
    summary: "A `.GOTO` with no matching `.LABEL` after it is kept as an action item",
    doc: "BTEQ would skip every remaining command looking for the label (a label only behind \
the jump, or commented out, is never found). RSQL cannot jump backwards and fails on a missing \
label, so the jump is commented out and must be fixed by hand.\n\nBefore:\n```\n.GOTO DONE\n\
-- .LABEL DONE\n```\nAfter:\n```\n-- rsqlmig: BQ032 .GOTO DONE has no .LABEL DONE after it (BTEQ \
would skip the rest of the script)\n-- .GOTO DONE\n-- .LABEL DONE\n```",
};

/// Output names of every label and the target of every jump, by command offset.
#[derive(Debug, Default)]
pub struct LabelPlan {
    label_names: HashMap<u32, String>,
    goto_targets: HashMap<u32, Option<String>>,
}

fn label_arg(args: &str) -> &str {
    args.split_whitespace().next().unwrap_or("")
}

impl LabelPlan {
    pub fn new(commands: &[Option<Command>]) -> LabelPlan {
        let mut labels = Vec::new(); // (offset, name as written)
        let mut gotos = Vec::new();
        for cmd in commands.iter().flatten() {
            match &*cmd.name {
                "LABEL" => labels.push((cmd.span.start, label_arg(cmd.args).to_string())),
                "GOTO" => gotos.push((cmd.span.start, label_arg(cmd.args).to_string())),
                _ => {}
            }
        }
        let mut taken: HashSet<String> =
            labels.iter().map(|(_, n)| n.to_ascii_uppercase()).collect();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut plan = LabelPlan::default();
        for (offset, name) in &labels {
            let key = name.to_ascii_uppercase();
            let count = seen.entry(key).or_insert(0);
            *count += 1;
            let out = if *count == 1 {
                name.clone()
            } else {
                let mut candidate = format!("{name}_{count}");
                while taken.contains(&candidate.to_ascii_uppercase()) {
                    candidate.push('_');
                }
                taken.insert(candidate.to_ascii_uppercase());
                candidate
            };
            plan.label_names.insert(*offset, out);
        }
        // Each name's label offsets, in script order: a jump finds the next one by binary
        // search (scripts with hundreds of `.IF … .GOTO` lines made a linear scan quadratic).
        let mut offsets: HashMap<String, Vec<u32>> = HashMap::new();
        for (offset, name) in &labels {
            offsets
                .entry(name.to_ascii_uppercase())
                .or_default()
                .push(*offset);
        }
        for (offset, name) in gotos {
            let target = offsets.get(&name.to_ascii_uppercase()).and_then(|at| {
                let next = at.partition_point(|&a| a <= offset);
                at.get(next).map(|a| plan.label_names[a].clone())
            });
            plan.goto_targets.insert(offset, target);
        }
        plan
    }
}

pub fn label(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let written = label_arg(cmd.args);
    let name = cx
        .labels
        .label_names
        .get(&cmd.span.start)
        .cloned()
        .unwrap_or_else(|| written.to_string());
    if name != written {
        cx.report(
            LABEL_RENAMED.code,
            Severity::Info,
            cmd.span,
            format!("label {written} is used again: renamed {name} so jumps reach the next occurrence as in BTEQ"),
        );
    }
    Output::Lines(vec![format!("\\label {name}")])
}

pub fn goto(cx: &mut ConvertContext, cmd: &Command) -> Output {
    let written = label_arg(cmd.args).to_string();
    match cx.labels.goto_targets.get(&cmd.span.start).cloned().flatten() {
        Some(target) => Output::Lines(vec![format!("\\goto {target}")]),
        None => Output::Lines(cx.action_item(
            GOTO_WITHOUT_LABEL.code,
            Severity::Error,
            cmd.span,
            format!(".GOTO {written} has no .LABEL {written} after it (BTEQ would skip the rest of the script)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::convert::script::convert_bteq;

    #[test]
    fn labels_and_jumps_map_one_to_one() {
        let out = convert_bteq(".GOTO DONE;\nSELECT 1;\n.label DONE;\n");
        assert_eq!(out.text, "\\goto DONE\nSELECT 1;\n\\label DONE\n");
    }

    #[test]
    fn reused_labels_are_renamed_to_keep_next_occurrence_semantics() {
        let src = ".IF ACTIVITYCOUNT = 0 THEN .GOTO ok\nDROP TABLE a;\n.label ok\n\
.IF ACTIVITYCOUNT = 0 THEN .GOTO ok\nDROP TABLE b;\n.label ok\n.GOTO OK\n.label ok_2\n.Label ok\n";
        let out = convert_bteq(src);
        assert_eq!(
            out.text,
            "\\if :ACTIVITYCOUNT = 0\n  \\goto ok\n\\endif\nDROP TABLE a;\n\\label ok\n\
\\if :ACTIVITYCOUNT = 0\n  \\goto ok_2_\n\\endif\nDROP TABLE b;\n\\label ok_2_\n\\goto ok_3\n\\label ok_2\n\\label ok_3\n"
        );
        assert_eq!(
            out.diagnostics.iter().filter(|d| d.code == "BQ031").count(),
            2
        );
    }

    #[test]
    fn goto_without_a_label_ahead_is_an_action_item() {
        let out = convert_bteq(".LABEL BACK\n.GOTO BACK\n.GOTO NOWHERE\n");
        assert!(
            out.text
                .contains("-- rsqlmig: BQ032 .GOTO BACK has no .LABEL BACK after it")
        );
        assert!(out.text.contains("-- .GOTO NOWHERE"));
        assert_eq!(
            out.diagnostics.iter().filter(|d| d.code == "BQ032").count(),
            2
        );
    }
}
