//! docs/rules.md is generated from the rule registry; this test keeps it current.
//! Set UPDATE_DOCS=1 to regenerate it.

use std::path::Path;

fn generated() -> String {
    let mut out = String::from(
        "# rsqlmig rules\n\nGenerated from the rule registry (`rsqlmig rules`); do not edit by hand \
(`UPDATE_DOCS=1 cargo test --test docs` rewrites it).\n\n| code | name | kind | severity | summary |\n|---|---|---|---|---|\n",
    );
    for rule in rsqlmig::rules::all() {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            rule.code,
            rule.name,
            format!("{:?}", rule.kind).to_lowercase(),
            rule.severity.as_str(),
            rule.summary.replace('|', "\\|")
        ));
    }
    out.push('\n');
    for rule in rsqlmig::rules::all() {
        out.push_str(&rsqlmig::render::rule_doc(rule));
    }
    out
}

#[test]
fn rules_md_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let want = generated();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run UPDATE_DOCS=1 cargo test --test docs"
    );
}
