//! The framework's two timestamp formats (reference `framework.md` §1.3.2, §1.3.3), both UTC and
//! stored as strings: the workflow audit table's `%m/%d/%Y %H:%M:%S` and the job audit table's
//! `%m-%d-%y-%H-%M-%S`.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// `execution_start_ts` / `execution_end_ts` of the workflow audit table.
pub const WORKFLOW_FORMAT: &str = "%m/%d/%Y %H:%M:%S";
/// `execution_start_ts` / `execution_end_ts` of the job audit table.
pub const JOB_FORMAT: &str = "%m-%d-%y-%H-%M-%S";

pub fn workflow_ts(at: DateTime<Utc>) -> String {
    at.format(WORKFLOW_FORMAT).to_string()
}

pub fn job_ts(at: DateTime<Utc>) -> String {
    at.format(JOB_FORMAT).to_string()
}

fn parse_with(s: &str, format: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s.trim(), format)
        .ok()
        .map(|n| Utc.from_utc_datetime(&n))
}

/// A workflow audit timestamp (the job format is accepted too, for rows written by other tools).
pub fn parse_workflow_ts(s: &str) -> Option<DateTime<Utc>> {
    parse_with(s, WORKFLOW_FORMAT).or_else(|| parse_with(s, JOB_FORMAT))
}

/// A job audit timestamp (the workflow format is accepted too).
pub fn parse_job_ts(s: &str) -> Option<DateTime<Utc>> {
    parse_with(s, JOB_FORMAT).or_else(|| parse_with(s, WORKFLOW_FORMAT))
}

/// A Step Functions timestamp as chrono's.
pub fn from_smithy(t: &aws_sdk_sfn::primitives::DateTime) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(t.secs(), t.subsec_nanos()).single()
}

/// How a timestamp is shown in tables: `2023-04-01 06:15:00`.
pub fn display(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// RFC 3339 in UTC with seconds: what JSON documents carry.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `7s`, `2m05s`, `1h02m03s`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m{sec:02}s"),
        (h, m, sec) => format!("{h}h{m:02}m{sec:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_framework_formats_round_trip() {
        let at = Utc.with_ymd_and_hms(2023, 4, 1, 6, 15, 0).unwrap();
        assert_eq!(workflow_ts(at), "04/01/2023 06:15:00");
        assert_eq!(job_ts(at), "04-01-23-06-15-00");
        assert_eq!(parse_workflow_ts("04/01/2023 06:15:00"), Some(at));
        assert_eq!(parse_job_ts("04-01-23-06-15-00"), Some(at));
        assert_eq!(parse_job_ts("04/01/2023 06:15:00"), Some(at));
        assert_eq!(parse_job_ts("yesterday"), None);
        assert_eq!(display(at), "2023-04-01 06:15:00");
        assert_eq!(rfc3339(at), "2023-04-01T06:15:00Z");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(7), "7s");
        assert_eq!(duration(125), "2m05s");
        assert_eq!(duration(3723), "1h02m03s");
        assert_eq!(duration(-4), "0s");
    }
}
