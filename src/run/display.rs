//! What a person sees while `run` or `status --watch` waits: an indicatif multi-progress on a
//! terminal (the execution, plus one line per job), one log line per change otherwise. Both go
//! to stderr; stdout carries only the final summary.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::report::JobReport;
use super::time;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Progress bars (stderr is a terminal).
    Progress,
    /// Plain lines on stderr.
    Log,
    /// Nothing (library callers).
    Silent,
}

pub enum Display {
    Progress(ProgressView),
    Log(LogView),
    Silent,
}

impl Display {
    pub fn new(mode: Mode) -> Display {
        match mode {
            Mode::Progress => Display::Progress(ProgressView::new()),
            Mode::Log => Display::Log(LogView::default()),
            Mode::Silent => Display::Silent,
        }
    }

    /// A message line, above the bars when there are bars.
    pub fn note(&mut self, line: &str) {
        match self {
            Display::Progress(p) => {
                if p.multi.println(line).is_err() {
                    eprintln!("{line}");
                }
            }
            Display::Log(_) => eprintln!("{line}"),
            Display::Silent => {}
        }
    }

    /// Starts showing an execution and its jobs.
    pub fn begin(&mut self, label: &str, jobs: &[String]) {
        match self {
            Display::Progress(p) => p.begin(label, jobs),
            Display::Log(l) => l.begin(label, jobs),
            Display::Silent => {}
        }
    }

    /// The latest poll.
    pub fn update(&mut self, status: &str, jobs: &[JobReport]) {
        match self {
            Display::Progress(p) => p.update(status, jobs),
            Display::Log(l) => l.update(status, jobs),
            Display::Silent => {}
        }
    }

    /// Stops the bars (they stay on screen).
    pub fn end(&mut self) {
        if let Display::Progress(p) = self {
            p.end();
        }
    }
}

fn live_duration(job: &JobReport) -> Option<String> {
    if let Some(s) = job.duration_seconds {
        return Some(time::duration(s));
    }
    let start = job.start_time()?;
    let running = (Utc::now() - start).num_seconds();
    (0..86_400 * 2)
        .contains(&running)
        .then(|| time::duration(running))
}

fn job_line(job: &JobReport) -> String {
    let mut line = job.status.clone();
    if let Some(d) = live_duration(job) {
        line.push_str(&format!(" {d}"));
    }
    if let Some(e) = &job.error_message {
        line.push_str(&format!(": {}", one_line(e)));
    }
    line
}

/// A multi-line message on one line.
pub fn one_line(s: &str) -> String {
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

pub struct ProgressView {
    multi: MultiProgress,
    label: String,
    overall: Option<ProgressBar>,
    jobs: HashMap<String, ProgressBar>,
}

impl ProgressView {
    fn new() -> ProgressView {
        ProgressView {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            label: String::new(),
            overall: None,
            jobs: HashMap::new(),
        }
    }

    fn begin(&mut self, label: &str, jobs: &[String]) {
        self.label = label.to_string();
        let overall = self
            .multi
            .add(crate::render::progress_bar(jobs.len() as u64, label));
        overall.enable_steady_tick(Duration::from_millis(200));
        let width = jobs.iter().map(|j| j.chars().count()).max().unwrap_or(0);
        let style =
            ProgressStyle::with_template(&format!("  {{spinner}} {{prefix:<{width}}}  {{msg}}"))
                .expect("valid template");
        for job in jobs {
            if self.jobs.contains_key(job) {
                continue;
            }
            let bar = self.multi.add(
                ProgressBar::new_spinner()
                    .with_style(style.clone())
                    .with_prefix(job.clone())
                    .with_message("waiting"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            self.jobs.insert(job.clone(), bar);
        }
        self.overall = Some(overall);
    }

    fn update(&mut self, status: &str, jobs: &[JobReport]) {
        let done = jobs.iter().filter(|j| j.is_done()).count();
        if let Some(o) = &self.overall {
            o.set_position(done as u64);
            o.set_message(format!("{} · {status}", self.label));
        }
        for job in jobs {
            if let Some(bar) = self.jobs.get(&job.job_name) {
                bar.set_message(job_line(job));
                if job.is_done() && !bar.is_finished() {
                    bar.finish();
                }
            }
        }
    }

    fn end(&mut self) {
        for bar in self.jobs.values() {
            if !bar.is_finished() {
                bar.finish();
            }
        }
        if let Some(o) = &self.overall {
            o.finish();
        }
        // The bars leave the cursor at the end of their last line.
        if self.overall.take().is_some() {
            eprintln!();
        }
    }
}

#[derive(Default)]
pub struct LogView {
    label: String,
    status: Option<String>,
    jobs: HashMap<String, String>,
}

impl LogView {
    fn begin(&mut self, label: &str, jobs: &[String]) {
        self.label = label.to_string();
        self.status = None;
        eprintln!("{} {label}: watching {} job(s)", stamp(), jobs.len());
    }

    fn update(&mut self, status: &str, jobs: &[JobReport]) {
        if self.status.as_deref() != Some(status) {
            eprintln!("{} {}: {status}", stamp(), self.label);
            self.status = Some(status.to_string());
        }
        for job in jobs {
            let previous = self
                .jobs
                .get(&job.job_name)
                .map(String::as_str)
                .unwrap_or("waiting");
            if previous != job.status {
                eprintln!("{} job {}: {}", stamp(), job.job_name, job_line(job));
                self.jobs.insert(job.job_name.clone(), job.status.clone());
            }
        }
    }
}

fn stamp() -> String {
    format!("[{}]", Utc::now().format("%H:%M:%S"))
}
