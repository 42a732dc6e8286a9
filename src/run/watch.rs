//! Waiting for an execution: DescribeExecution plus the job audit rows, polled with a bounded
//! backoff, until it ends, a deadline passes or Ctrl-C is pressed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Result, bail};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::audit::{self, JobRow};
use super::display::Display;
use super::report::JobReport;
use super::sfn::{self, Execution};
use crate::aws::Clients;

/// Consecutive failed polls tolerated before the watch gives up.
const MAX_POLL_ERRORS: u32 = 5;
/// Polls that may find no execution yet (eventual consistency right after the start).
const MAX_MISSING: u32 = 5;

/// How often to poll: from `initial`, growing by half each time nothing changed, up to `max`;
/// back to `initial` after a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Poll {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Poll {
    fn default() -> Self {
        Poll {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(10),
        }
    }
}

impl Poll {
    /// The same interval every time (tests).
    pub fn fixed(interval: Duration) -> Poll {
        Poll {
            initial: interval,
            max: interval,
        }
    }

    fn next(&self, current: Duration, changed: bool) -> Duration {
        if changed {
            self.initial
        } else {
            current
                .mul_f64(1.5)
                .clamp(self.initial, self.max.max(self.initial))
        }
    }
}

/// Ctrl-C as a flag: once pressed, every wait returns. Stops watching, never the execution.
#[derive(Clone)]
pub struct Interrupt {
    fired: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Interrupt {
    /// Never fires.
    pub fn never() -> Interrupt {
        Interrupt {
            fired: Arc::new(AtomicBool::new(false)),
            notify: Arc::new(Notify::new()),
        }
    }

    /// Fires on Ctrl-C (must be called inside the runtime).
    pub fn ctrl_c() -> Interrupt {
        let interrupt = Interrupt::never();
        let handle = interrupt.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                handle.fire();
            }
        });
        interrupt
    }

    pub fn fire(&self) {
        self.fired.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }

    /// Sleeps `d`; true when interrupted instead.
    pub async fn sleep(&self, d: Duration) -> bool {
        let notified = self.notify.notified();
        if self.fired() {
            return true;
        }
        tokio::select! {
            _ = tokio::time::sleep(d) => self.fired(),
            _ = notified => true,
        }
    }
}

/// How a wait ended.
#[derive(Clone, Debug, PartialEq)]
pub enum End {
    Finished(Execution),
    /// The deadline passed; the last status seen, if any.
    TimedOut(Option<Execution>),
    Interrupted(Option<Execution>),
}

/// What to watch.
pub struct Target<'a> {
    pub clients: &'a Clients,
    pub execution_arn: &'a str,
    /// The job audit table and the jobs to follow in it (none for a cluster step).
    pub job_table: &'a str,
    pub execution_id: &'a str,
    pub jobs: &'a [String],
}

/// Polls until the execution ends; returns the end and the last job rows read.
pub async fn watch(
    target: &Target<'_>,
    poll: Poll,
    deadline: Option<Instant>,
    interrupt: &Interrupt,
    display: &mut Display,
) -> Result<(End, HashMap<String, JobRow>)> {
    let mut delay = poll.initial;
    let mut last: Option<Execution> = None;
    let mut rows: HashMap<String, JobRow> = HashMap::new();
    let mut errors = 0u32;
    let mut missing = 0u32;
    loop {
        let polled = poll_once(target).await;
        let mut changed = false;
        match polled {
            Ok((exec, new_rows)) => {
                errors = 0;
                match exec {
                    Some(exec) => {
                        changed |= last.as_ref().map(|l| &l.status) != Some(&exec.status);
                        last = Some(exec);
                    }
                    None => {
                        missing += 1;
                        if missing > MAX_MISSING {
                            bail!("execution {} does not exist", target.execution_arn);
                        }
                    }
                }
                changed |= new_rows != rows;
                rows = new_rows;
                if let Some(exec) = &last {
                    let jobs: Vec<JobReport> = target
                        .jobs
                        .iter()
                        .map(|j| JobReport::from_row(j, rows.get(j)))
                        .collect();
                    display.update(&exec.status, &jobs);
                    if exec.is_terminal() {
                        return Ok((End::Finished(exec.clone()), rows));
                    }
                }
            }
            Err(e) => {
                errors += 1;
                if errors >= MAX_POLL_ERRORS {
                    return Err(e.context(format!("{MAX_POLL_ERRORS} polls in a row failed")));
                }
                display.note(&format!("warning: {e:#} (retrying)"));
            }
        }
        delay = poll.next(delay, changed);
        let mut sleep_for = delay;
        if let Some(d) = deadline {
            let now = Instant::now();
            if now >= d {
                return Ok((End::TimedOut(last), rows));
            }
            sleep_for = sleep_for.min(d - now);
        }
        if interrupt.sleep(sleep_for).await {
            return Ok((End::Interrupted(last), rows));
        }
    }
}

async fn poll_once(target: &Target<'_>) -> Result<(Option<Execution>, HashMap<String, JobRow>)> {
    // The execution first: when it is seen ended, the rows read after it are final.
    let exec = sfn::describe_execution(target.clients, target.execution_arn).await?;
    let rows = if target.jobs.is_empty() {
        HashMap::new()
    } else {
        audit::job_rows(
            target.clients,
            target.job_table,
            target.execution_id,
            target.jobs,
        )
        .await?
    };
    Ok((exec, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_the_cap_and_resets_on_change() {
        let p = Poll::default();
        let mut d = p.initial;
        for _ in 0..20 {
            d = p.next(d, false);
        }
        assert_eq!(d, Duration::from_secs(10));
        assert_eq!(p.next(d, true), Duration::from_secs(1));
        assert_eq!(
            p.next(Duration::from_secs(1), false),
            Duration::from_millis(1500)
        );
        let f = Poll::fixed(Duration::from_millis(200));
        assert_eq!(f.next(f.initial, false), Duration::from_millis(200));
    }

    #[test]
    fn interrupt_ends_a_sleep() {
        crate::aws::block_on(async {
            let i = Interrupt::never();
            assert!(!i.sleep(Duration::from_millis(1)).await);
            let j = i.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                j.fire();
            });
            let started = std::time::Instant::now();
            assert!(i.sleep(Duration::from_secs(30)).await);
            assert!(started.elapsed() < Duration::from_secs(5));
            assert!(i.sleep(Duration::from_secs(30)).await, "stays fired");
        })
        .unwrap();
    }
}
