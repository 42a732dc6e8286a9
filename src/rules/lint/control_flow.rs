//! RS001–RS005: `\goto` targets, `\if` block structure, unreachable statements, unused labels.

use std::collections::HashSet;

use crate::diagnostic::{Applicability, Edit, Fix, Severity};
use crate::lint::unit::{Meta, ScriptUnit, Sink, first_arg};
use crate::rules::{Rule, RuleKind};

pub const GOTO_TARGET: Rule = Rule {
    code: "RS001",
    name: "goto-target",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "A `\\goto` whose `\\label` is missing or behind it (RSQL jumps forward only)",
    doc: "RSQL's `\\goto` searches forward for its label and \"cannot jump to a \\LABEL that \
lexically precedes the \\GOTO\". A jump to a missing label, or to one only behind it, fails at \
run time, usually at 2 a.m. Loops must be restructured (or moved into a stored procedure). A \
label spelled in another case than the jump is reported too, with a safe fix that uses the \
label's spelling.\n\nBefore:\n```\n\\label RETRY\nCALL load_step();\n\\if :ERROR <> 0\n  \\goto RETRY\n\
\\endif\n```\nAfter: restructure, for example:\n```\nCALL load_step();\n\\if :ERROR <> 0\n  \\exit 8\n\
\\endif\n```",
};

pub const UNBALANCED_IF: Rule = Rule {
    code: "RS002",
    name: "unbalanced-if",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "`\\if` without `\\endif`, or `\\elseif` / `\\else` / `\\endif` without `\\if`",
    doc: "RSQL's conditional blocks must nest: every `\\if` is closed by an `\\endif`, and \
`\\elseif`, `\\else` and `\\endif` only appear inside a block. An unclosed block skips the rest \
of the script when its condition is false.\n\nBefore:\n```\n\\if :ERROR <> 0\n  \\exit 8\nSELECT 1;\n\
```\nAfter:\n```\n\\if :ERROR <> 0\n  \\exit 8\n\\endif\nSELECT 1;\n```",
};

pub const ELSE_AFTER_ELSE: Rule = Rule {
    code: "RS003",
    name: "else-after-else",
    kind: RuleKind::Lint,
    severity: Severity::Error,
    summary: "`\\else` or `\\elseif` after the block's `\\else`",
    doc: "A block has at most one `\\else`, and it comes last. A second `\\else` (or an \
`\\elseif` after it) is an error in RSQL, and usually means an `\\endif` is missing.\n\nBefore:\n\
```\n\\if :ACTIVITYCOUNT = 0\n  \\exit 4\n\\else\n  \\echo loaded\n\\else\n  \\exit 8\n\\endif\n```\n\
After:\n```\n\\if :ACTIVITYCOUNT = 0\n  \\exit 4\n\\else\n  \\echo loaded\n\\endif\n```",
};

pub const UNREACHABLE: Rule = Rule {
    code: "RS004",
    name: "unreachable-statement",
    kind: RuleKind::Lint,
    severity: Severity::Warning,
    summary: "Statements after an unconditional `\\exit` or `\\goto`, before the next jumped-to `\\label` or the end of the branch",
    doc: "Nothing after an `\\exit` or a `\\goto` runs until a `\\label` that some `\\goto` \
targets, or the end of the enclosing `\\if` branch. A block whose every branch (with an \
`\\else`) ends that way ends the flow too. The first unreachable statement of each stretch is \
reported.\n\nBefore:\n```\n\\exit 0\nDELETE FROM stage.orders;\n```\nAfter:\n```\nDELETE FROM \
stage.orders;\n\\exit 0\n```",
};

pub const UNUSED_LABEL: Rule = Rule {
    code: "RS005",
    name: "unused-label",
    kind: RuleKind::Lint,
    severity: Severity::Info,
    summary: "A `\\label` that no `\\goto` names",
    doc: "RSQL prints `\\label NAME ignored` for a label nothing jumps to. Often left over from \
a BTEQ script where a `.GOTO` was removed, or a sign that a jump names the wrong label.\n\n\
Before:\n```\n\\label DONE\n\\exit 0\n```\nAfter:\n```\n\\exit 0\n```",
};

pub fn check(unit: &ScriptUnit, out: &mut Sink) {
    let metas = unit.metas();
    if metas.is_empty() {
        return;
    }
    goto_targets(metas, out);
    blocks(metas, out);
    let targets: HashSet<String> = metas
        .iter()
        .filter(|m| m.name == "goto")
        .map(|m| label_name(m.args).to_ascii_uppercase())
        .collect();
    unreachable(unit, &targets, out);
    for m in metas.iter().filter(|m| m.name == "label") {
        let name = label_name(m.args);
        if !targets.contains(&name.to_ascii_uppercase()) {
            out.report(
                &UNUSED_LABEL,
                Severity::Info,
                m.span,
                format!("\\label {name}: no \\goto jumps here"),
            );
        }
    }
}

/// The label a `\goto` or `\label` names (a trailing `;` left from BTEQ dropped).
fn label_name(args: &str) -> &str {
    first_arg(args).trim_end_matches(';')
}

fn goto_targets(metas: &[Meta], out: &mut Sink) {
    let labels: Vec<(&Meta, &str)> = metas
        .iter()
        .filter(|m| m.name == "label")
        .map(|m| (m, label_name(m.args)))
        .collect();
    for goto in metas.iter().filter(|m| m.name == "goto") {
        let name = label_name(goto.args);
        if name.is_empty() {
            out.report(
                &GOTO_TARGET,
                Severity::Error,
                goto.span,
                "\\goto without a label",
            );
            continue;
        }
        let after = |exact: bool| {
            labels.iter().find(|(m, l)| {
                m.index > goto.index
                    && if exact {
                        *l == name
                    } else {
                        l.eq_ignore_ascii_case(name)
                    }
            })
        };
        if after(true).is_some() {
            continue;
        }
        if let Some((_, spelled)) = after(false) {
            let at = goto.args_span.start as usize;
            out.report_fix(
                &GOTO_TARGET,
                Severity::Error,
                goto.span,
                format!("\\goto {name}: the label is spelled {spelled}; labels may be compared case-sensitively"),
                Some(Fix {
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(
                        crate::syntax::span::Span::new(at, at + name.len()),
                        *spelled,
                    )],
                }),
            );
            continue;
        }
        let behind = labels
            .iter()
            .any(|(m, l)| m.index < goto.index && l.eq_ignore_ascii_case(name));
        let message = if behind {
            format!("\\goto {name}: the label is behind the jump; RSQL jumps forward only")
        } else {
            format!("\\goto {name}: no \\label {name} in the script")
        };
        out.report(&GOTO_TARGET, Severity::Error, goto.span, message);
    }
}

fn blocks(metas: &[Meta], out: &mut Sink) {
    // (the `\if`, the `\else` seen in its block)
    let mut stack: Vec<(&Meta, Option<&Meta>)> = Vec::new();
    for m in metas {
        match m.name.as_str() {
            "if" => stack.push((m, None)),
            "elseif" | "elif" | "else" => {
                let Some((_, seen_else)) = stack.last_mut() else {
                    out.report(
                        &UNBALANCED_IF,
                        Severity::Error,
                        m.span,
                        format!("\\{} without \\if", m.name),
                    );
                    continue;
                };
                if seen_else.is_some() {
                    out.report(
                        &ELSE_AFTER_ELSE,
                        Severity::Error,
                        m.span,
                        format!("\\{} after this block's \\else", m.name),
                    );
                } else if m.name == "else" {
                    *seen_else = Some(m);
                }
            }
            "endif" if stack.pop().is_none() => {
                out.report(
                    &UNBALANCED_IF,
                    Severity::Error,
                    m.span,
                    "\\endif without \\if",
                );
            }
            _ => {}
        }
    }
    for (m, _) in stack {
        out.report(
            &UNBALANCED_IF,
            Severity::Error,
            m.span,
            "\\if never closed by \\endif",
        );
    }
}

/// Whether the flow is cut at this point, and whether that stretch was reported.
#[derive(Clone, Copy, Default)]
struct Flow {
    dead: bool,
    reported: bool,
}

struct Block {
    outer: Flow,
    has_else: bool,
    /// Every branch so far ended dead.
    all_end: bool,
}

fn unreachable(unit: &ScriptUnit, targets: &HashSet<String>, out: &mut Sink) {
    let mut flow = Flow::default();
    let mut cause = String::new();
    let mut stack: Vec<Block> = Vec::new();
    for i in 0..unit.script.instructions.len() {
        if !unit.is_statement(i) {
            continue;
        }
        let meta = unit.meta(i);
        let name = meta.as_ref().map_or("", |m| m.name.as_str());
        match name {
            "label" => {
                let label = meta.as_ref().map_or("", |m| label_name(m.args));
                if targets.contains(&label.to_ascii_uppercase()) {
                    flow = Flow::default();
                }
                continue;
            }
            "elseif" | "elif" | "else" => {
                if let Some(b) = stack.last_mut() {
                    b.all_end &= flow.dead;
                    b.has_else |= name == "else";
                    flow = inside(b.outer);
                }
                continue;
            }
            "endif" => {
                if let Some(b) = stack.pop() {
                    let all = b.all_end && flow.dead && b.has_else;
                    flow = if b.outer.dead {
                        b.outer
                    } else if all {
                        cause = "every branch of the block before".to_string();
                        Flow {
                            dead: true,
                            reported: false,
                        }
                    } else {
                        Flow::default()
                    };
                }
                continue;
            }
            _ => {}
        }
        if flow.dead && !flow.reported {
            let span = unit.trimmed(&unit.script.instructions[i]);
            out.report(
                &UNREACHABLE,
                Severity::Warning,
                span,
                format!(
                    "unreachable: {cause} ends the flow and no jumped-to \\label comes between"
                ),
            );
            flow.reported = true;
        }
        if name == "if" {
            stack.push(Block {
                outer: flow,
                has_else: false,
                all_end: true,
            });
            flow = inside(flow);
        } else if matches!(name, "exit" | "quit" | "q" | "goto") && !flow.dead {
            let m = meta.as_ref().expect("a meta-command");
            cause = format!("`{}`", m.span.text(unit.src));
            flow = Flow {
                dead: true,
                reported: false,
            };
        }
    }
}

/// The flow at the start of a branch of a block entered with `outer`.
fn inside(outer: Flow) -> Flow {
    Flow {
        dead: outer.dead,
        reported: outer.dead,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lint::testing::{codes, fixed, only};

    #[test]
    fn goto_targets_must_be_ahead() {
        assert!(only("a.rsql", "\\goto DONE\nSELECT 1;\n\\label DONE\n", "RS001").is_empty());
        let d = only("a.rsql", "\\label BACK\nSELECT 1;\n\\goto BACK\n", "RS001");
        assert!(d[0].message.contains("behind"), "{}", d[0].message);
        let d = only("a.rsql", "\\goto NOWHERE\n", "RS001");
        assert!(d[0].message.contains("no \\label NOWHERE"));
    }

    #[test]
    fn goto_label_case_is_fixed_safely() {
        let out = fixed("a.rsql", "\\goto done\n\\label DONE\n", false);
        assert_eq!(out.text, "\\goto DONE\n\\label DONE\n");
    }

    #[test]
    fn unbalanced_blocks() {
        assert_eq!(
            codes("a.rsql", "\\if :ERROR\n\\exit 1\n", "RS002"),
            vec!["RS002"]
        );
        assert_eq!(codes("a.rsql", "\\endif\n", "RS002"), vec!["RS002"]);
        assert_eq!(codes("a.rsql", "\\else\n", "RS002"), vec!["RS002"]);
        assert!(
            codes(
                "a.rsql",
                "\\if :ERROR\n\\if :ACTIVITYCOUNT = 0\n\\endif\n\\elseif :ROW_COUNT > 1\n\\else\n\\endif\n",
                "RS002"
            )
            .is_empty()
        );
    }

    #[test]
    fn else_after_else() {
        let src = "\\if :ERROR\n\\else\n\\elseif :X\n\\else\n\\endif\n";
        assert_eq!(codes("a.rsql", src, "RS003"), vec!["RS003", "RS003"]);
        assert!(codes("a.rsql", "\\if :A\n\\elseif :B\n\\else\n\\endif\n", "RS003").is_empty());
    }

    #[test]
    fn unreachable_after_exit_until_label_or_branch_end() {
        let src = "\\exit 0\nDELETE FROM t;\nSELECT 1;\n\\label L\n";
        let d = only("a.rsql", src, "RS004");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`\\exit 0`"));
        let ok = "\\goto L\n\\if :ERROR\n  \\exit 8\n  \\echo no\n\\else\n  SELECT 1;\n\\endif\n\\label L\nSELECT 2;\n";
        let d = only("a.rsql", ok, "RS004");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`\\goto L`"));
        let branch = "\\if :ERROR\n  \\exit 8\n\\endif\nSELECT 1;\n";
        assert!(only("a.rsql", branch, "RS004").is_empty());
    }

    #[test]
    fn a_block_ending_in_every_branch_ends_the_flow() {
        let src = "\\if :ERROR <> 0\n  \\exit 8\n\\else\n  \\exit 0\n\\endif\nSELECT 1;\n";
        assert_eq!(only("a.rsql", src, "RS004").len(), 1);
        let no_else = "\\if :ERROR <> 0\n  \\exit 8\n\\endif\nSELECT 1;\n";
        assert!(only("a.rsql", no_else, "RS004").is_empty());
    }

    #[test]
    fn unused_labels_are_info() {
        let d = only("a.rsql", "\\label NOBODY\nSELECT 1;\n", "RS005");
        assert_eq!(d[0].severity, Severity::Info);
        assert!(only("a.rsql", "\\goto X\n\\label X\n", "RS005").is_empty());
        // An unused label does not make the code after an exit reachable.
        let src = "\\exit 0\n\\label NOBODY\nSELECT 1;\n";
        assert_eq!(only("a.rsql", src, "RS004").len(), 1);
    }
}
