//! Teradata error codes and the Redshift SQLSTATEs that stand for them (reference §3.4).
//!
//! RSQL reports `:ERRORCODE` as a five-character SQLSTATE, so `.IF ERRORCODE = 3807` and
//! `.SET ERRORLEVEL 3807 ...` need a mapping. It is an approximation: Redshift reports many
//! failures as `XX000`, so every use is flagged.

/// The SQLSTATE Redshift raises for a Teradata error code, when one is known.
pub fn for_teradata_code(code: u64) -> Option<&'static str> {
    Some(match code {
        3807 => "42P01",        // object does not exist
        3803 | 3804 => "42P07", // table / view already exists
        5612 => "42710",        // user, database or role already exists
        3706 => "42601",        // syntax error
        3523 | 3524 => "42501", // no access right
        2801..=2803 => "23505", // duplicate unique key or row
        2631 => "40P01",        // deadlock
        _ => return None,
    })
}

/// Redshift's catch-all SQLSTATE, used when no mapping is known.
pub const INTERNAL_ERROR: &str = "XX000";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes_map() {
        assert_eq!(for_teradata_code(3807), Some("42P01"));
        assert_eq!(for_teradata_code(2802), Some("23505"));
        assert_eq!(for_teradata_code(9999), None);
    }
}
