//! Execution ids: the framework's `workflow_execution_id`, which is also the Step Functions
//! execution name (reference `framework.md` §1.4), so it must follow Step Functions' naming rule.

use std::hash::{BuildHasher, Hasher};

/// Step Functions' longest execution name.
pub const MAX_LEN: usize = 80;

/// Characters Step Functions refuses in an execution name (besides whitespace and controls).
const FORBIDDEN: &[char] = &[
    '<', '>', '{', '}', '[', ']', '?', '*', '"', '#', '%', '\\', '^', '|', '~', '`', '$', '&', ',',
    ';', ':', '/',
];

fn is_forbidden(c: char) -> bool {
    c.is_whitespace() || c.is_control() || FORBIDDEN.contains(&c)
}

/// Checks `id` against Step Functions' rule for execution names: 1 to 80 characters, no
/// whitespace, none of `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`, no control characters.
pub fn validate(id: &str) -> Result<(), String> {
    let len = id.chars().count();
    if len == 0 {
        return Err("the execution id is empty (it must be 1 to 80 characters)".into());
    }
    if len > MAX_LEN {
        return Err(format!(
            "the execution id is {len} characters long; Step Functions takes at most {MAX_LEN}"
        ));
    }
    if let Some(c) = id.chars().find(|&c| is_forbidden(c)) {
        let shown = if c.is_control() || c.is_whitespace() {
            format!("{:?} (U+{:04X})", c, c as u32)
        } else {
            format!("'{c}'")
        };
        return Err(format!(
            "the execution id {id:?} contains {shown}: a Step Functions execution name takes no \
             whitespace, control characters or any of < > {{ }} [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : /"
        ));
    }
    Ok(())
}

/// Whether the framework can pass `id` safely: its hosts put the execution id unquoted into a
/// shell command line (§1.12), so anything beyond `A-Z a-z 0-9 . _ -` is a risk there.
pub fn is_shell_safe(id: &str) -> bool {
    id.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Keeps `A-Z a-z 0-9 . _ -`, turns anything else into `-`.
fn sanitise(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// 16 random bits as 4 hex digits (std's per-process random hash keys, mixed with the clock).
fn random_hex4() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("{:04x}", h.finish() & 0xffff)
}

/// A new, readable, unique id: `<prefix>-<YYYYMMDD-HHMMSS>-<4 hex>` (UTC), at most 80
/// characters, with the prefix cut and sanitised to `A-Z a-z 0-9 . _ -`.
pub fn generate(prefix: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let suffix = format!("-{}-{}", now.format("%Y%m%d-%H%M%S"), random_hex4());
    let room = MAX_LEN - suffix.len();
    let mut head: String = sanitise(prefix).chars().take(room).collect();
    if head.is_empty() {
        head = "run".into();
    }
    format!("{head}{suffix}")
}

/// The name of a helper execution (cluster resume or pause) that belongs to execution `id`:
/// `<id>-<what>`, shortened with a hash of the whole id when that would pass 80 characters, so
/// two long ids with a common prefix still give different names.
pub fn derived(id: &str, what: &str) -> String {
    let full = format!("{id}-{what}");
    if full.chars().count() <= MAX_LEN {
        return full;
    }
    let digest = crate::publish::item::sha256_hex(id.as_bytes());
    let tail = format!("-{}-{what}", &digest[..8]);
    let head: String = id
        .chars()
        .take(MAX_LEN.saturating_sub(tail.chars().count()))
        .collect();
    format!("{head}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_functions_naming_rule() {
        assert!(validate("demo_test_26").is_ok());
        assert!(validate(&"a".repeat(80)).is_ok());
        assert!(validate("ünïcode-ok").is_ok());
        assert!(validate("").unwrap_err().contains("empty"));
        assert!(
            validate(&"a".repeat(81))
                .unwrap_err()
                .contains("81 characters")
        );
        for bad in [
            "a b", "a\tb", "a<b", "a>b", "a{b", "a}b", "a[b", "a]b", "a?b", "a*b", "a\"b", "a#b",
            "a%b", "a\\b", "a^b", "a|b", "a~b", "a`b", "a$b", "a&b", "a,b", "a;b", "a:b", "a/b",
            "a\u{7}b", "a\u{85}b", "a\u{a0}b",
        ] {
            assert!(validate(bad).is_err(), "{bad:?} must be refused");
        }
        let msg = validate("x y").unwrap_err();
        assert!(msg.contains("U+0020"), "{msg}");
        assert!(is_shell_safe("wf.1_a-b") && !is_shell_safe("it's") && !is_shell_safe("a(b)"));
    }

    #[test]
    fn generated_ids_are_valid_readable_and_bounded() {
        let now = chrono::DateTime::parse_from_rfc3339("2024-03-05T07:08:09Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let id = generate("sales_daily", now);
        assert!(id.starts_with("sales_daily-20240305-070809-"), "{id}");
        assert_eq!(id.len(), "sales_daily-20240305-070809-".len() + 4);
        assert!(validate(&id).is_ok());
        let long = generate(&"w".repeat(200), now);
        assert_eq!(long.chars().count(), MAX_LEN);
        assert!(validate(&long).is_ok());
        let odd = generate("a b/c:d", now);
        assert!(odd.starts_with("a-b-c-d-2024"), "{odd}");
        assert!(generate("", now).starts_with("run-"));
    }

    #[test]
    fn derived_names_fit_and_differ() {
        assert_eq!(derived("run1", "resume"), "run1-resume");
        let a = derived(&format!("{}a", "x".repeat(79)), "resume");
        let b = derived(&format!("{}b", "x".repeat(79)), "resume");
        assert_eq!(a.chars().count(), MAX_LEN);
        assert!(a.ends_with("-resume") && a != b);
        assert!(validate(&a).is_ok());
    }
}
