//! `rsqlmig rules [CODE]`: the registry, as a table or one rule's documentation.

use anyhow::{Result, bail};

use super::{Format, exit};
use crate::rules;

#[derive(clap::Args)]
pub struct RulesArgs {
    /// Show the full documentation of this rule.
    code: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: RulesArgs) -> Result<i32> {
    match (&args.code, args.format) {
        (Some(code), format) => {
            let Some(rule) = rules::by_code(code) else {
                bail!("no rule with code {code} (see `rsqlmig rules`)");
            };
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(rule)?),
                Format::Text => print!("{}", crate::render::rule_doc(rule)),
            }
        }
        (None, Format::Json) => println!("{}", serde_json::to_string_pretty(rules::all())?),
        (None, Format::Text) => {
            for rule in rules::all() {
                println!(
                    "{:<6} {:<8} {:<7} {:<30} {}",
                    rule.code,
                    format!("{:?}", rule.kind).to_lowercase(),
                    rule.severity.as_str(),
                    rule.name,
                    rule.summary
                );
            }
        }
    }
    Ok(exit::OK)
}
