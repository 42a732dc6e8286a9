//! `rsqlmig run`, `rsqlmig status` and `rsqlmig cluster resume|pause`: the command-line side of
//! the run engine (`crate::run`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};

use crate::aws::{AwsArgs, Clients, block_on};
use crate::catalog;
use crate::cli::Format;
use crate::run::cluster::{Action, ClusterTarget};
use crate::run::display::{Display, Mode};
use crate::run::report::{self, RunReport, Waited, exit};
use crate::run::watch::{Interrupt, Poll};
use crate::run::{self as engine, Names, RunOptions, Watching, id, time};

/// Where the catalog is unless `--catalog` says otherwise.
const DEFAULT_CATALOG: &str = "catalog";

#[derive(Args)]
pub struct RunArgs {
    /// The workflow to run: the `workflow_id` of its item in the config table.
    pub workflow_id: String,
    /// The execution id (also the Step Functions execution name): 1 to 80 characters, no
    /// whitespace or < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /. Default: a new one,
    /// `<workflow_id>-<YYYYMMDD-HHMMSS>-<4 hex>`.
    #[arg(long)]
    pub execution_id: Option<String>,
    /// The catalog whose `catalog.yaml` names the tables and state machines, and whose
    /// `workflows/<WORKFLOW_ID>.yaml` may hold a `cluster` section.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_CATALOG)]
    pub catalog: PathBuf,
    /// Return once the execution is started (exit 0) instead of watching it.
    #[arg(long, conflicts_with = "timeout")]
    pub no_wait: bool,
    /// Stop watching after this many seconds (exit 3); the execution keeps running.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Resume this cluster before the workflow and pause it after (overrides the workflow's
    /// `cluster.id`).
    #[arg(long, requires = "target_account_role")]
    pub cluster_id: Option<String>,
    /// The role the resume and pause state machines assume (overrides `cluster.target_account_role`).
    #[arg(long, value_name = "ARN", requires = "cluster_id")]
    pub target_account_role: Option<String>,
    /// Poll interval in milliseconds, fixed (tests).
    #[arg(long, hide = true)]
    pub poll_interval_ms: Option<u64>,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Args)]
pub struct StatusArgs {
    pub workflow_id: String,
    /// The execution to show; without it, the most recent executions of the workflow.
    #[arg(long)]
    pub execution_id: Option<String>,
    /// Follow the execution until it ends, like `run` does, and record its end in the audit row.
    #[arg(long, requires = "execution_id")]
    pub watch: bool,
    /// With --watch: stop watching after this many seconds (exit 3).
    #[arg(long, value_name = "SECS", requires = "watch")]
    pub timeout: Option<u64>,
    /// How many executions to list without --execution-id.
    #[arg(long, default_value_t = 20, conflicts_with = "execution_id")]
    pub limit: usize,
    #[arg(long, value_name = "DIR", default_value = DEFAULT_CATALOG)]
    pub catalog: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[arg(long, hide = true)]
    pub poll_interval_ms: Option<u64>,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Args)]
pub struct ClusterArgs {
    #[command(subcommand)]
    pub action: ClusterCommand,
}

#[derive(Subcommand)]
pub enum ClusterCommand {
    /// Start the resume state machine for a cluster.
    Resume(ClusterOpArgs),
    /// Start the pause state machine for a cluster.
    Pause(ClusterOpArgs),
}

#[derive(Args)]
pub struct ClusterOpArgs {
    /// The Redshift cluster identifier.
    #[arg(long)]
    pub cluster_id: String,
    /// The role in the cluster's account that the state machine's Lambdas assume.
    #[arg(long, value_name = "ARN")]
    pub target_account_role: String,
    /// Wait until the state machine's execution ends (exit 0 succeeded, 1 otherwise).
    #[arg(long)]
    pub wait: bool,
    /// With --wait: stop waiting after this many seconds (exit 3).
    #[arg(long, value_name = "SECS", requires = "wait")]
    pub timeout: Option<u64>,
    #[arg(long, value_name = "DIR", default_value = DEFAULT_CATALOG)]
    pub catalog: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[arg(long, hide = true)]
    pub poll_interval_ms: Option<u64>,
    #[command(flatten)]
    pub aws: AwsArgs,
}

fn poll(ms: Option<u64>) -> Poll {
    ms.map(|ms| Poll::fixed(Duration::from_millis(ms.max(1))))
        .unwrap_or_default()
}

fn display_mode() -> Mode {
    if crate::cli::stderr_is_terminal() {
        Mode::Progress
    } else {
        Mode::Log
    }
}

/// The catalog's settings; the framework's defaults when the default `catalog` directory does
/// not exist, but a directory named with --catalog must (its workflow may have a cluster).
fn settings(dir: &Path) -> Result<catalog::Settings> {
    if dir != Path::new(DEFAULT_CATALOG) && !dir.is_dir() {
        bail!("--catalog {}: no such directory", dir.display());
    }
    catalog::load_settings(dir).map_err(|e| anyhow::anyhow!("{e}"))
}

/// A word for a shell command line, quoted when it needs to be.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/:=@+,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The flags that point a follow-up command at the same catalog and AWS endpoint.
fn context_flags(catalog: &Path, aws: &AwsArgs) -> String {
    let mut out = String::new();
    if catalog != Path::new(DEFAULT_CATALOG) {
        out.push_str(&format!(
            " --catalog {}",
            shell_word(&catalog.to_string_lossy())
        ));
    }
    for (flag, value) in [
        ("--profile", &aws.profile),
        ("--region", &aws.region),
        ("--endpoint-url", &aws.endpoint_url),
    ] {
        if let Some(v) = value {
            out.push_str(&format!(" {flag} {}", shell_word(v)));
        }
    }
    out
}

fn status_command(workflow_id: &str, execution_id: &str, catalog: &Path, aws: &AwsArgs) -> String {
    format!(
        "rsqlmig status {} --execution-id {}{} --watch",
        shell_word(workflow_id),
        shell_word(execution_id),
        context_flags(catalog, aws)
    )
}

/// The workflow file's `cluster` section, when the catalog has a file for the workflow.
fn catalog_cluster(dir: &Path, workflow_id: &str) -> Result<Option<catalog::Cluster>> {
    let wf_dir = dir.join(catalog::WORKFLOWS_DIR);
    let exists = ["yaml", "yml"]
        .iter()
        .any(|ext| wf_dir.join(format!("{workflow_id}.{ext}")).is_file());
    if !exists {
        return Ok(None);
    }
    let loaded = catalog::Catalog::load(dir, &[workflow_id.to_string()]).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        anyhow::anyhow!("cannot load the catalog:\n{}", lines.join("\n"))
    })?;
    Ok(loaded
        .workflows
        .into_iter()
        .find(|w| w.id() == workflow_id)
        .and_then(|w| w.spec.cluster))
}

pub fn run(args: RunArgs) -> Result<i32> {
    // The id first: an invalid one stops the command before any file is read or call is made.
    let (execution_id, generated) = match &args.execution_id {
        Some(given) => {
            if let Err(why) = id::validate(given) {
                bail!("{why}");
            }
            (given.clone(), false)
        }
        None => (id::generate(&args.workflow_id, chrono::Utc::now()), true),
    };
    if !id::is_shell_safe(&execution_id) {
        // A broken command line on the host sends no callback: the execution would hang.
        bail!(
            "execution id {execution_id:?} has characters other than A-Z a-z 0-9 . _ -: the \
             framework's hosts put it unquoted into a shell command line"
        );
    }
    let settings = settings(&args.catalog)?;
    let names = Names::from_settings(&settings.aws);
    let from_catalog = catalog_cluster(&args.catalog, &args.workflow_id)?;
    let cluster = match (&args.cluster_id, &args.target_account_role) {
        (Some(cluster_id), Some(role)) => Some(ClusterTarget {
            cluster_id: cluster_id.clone(),
            target_account_role: role.clone(),
            pause_after: from_catalog.as_ref().is_none_or(|c| c.pause_after),
        }),
        _ => from_catalog.map(|c| ClusterTarget {
            cluster_id: c.id,
            target_account_role: c.target_account_role,
            pause_after: c.pause_after,
        }),
    };
    if generated {
        eprintln!("execution id: {execution_id}");
    }
    let status_cmd = status_command(&args.workflow_id, &execution_id, &args.catalog, &args.aws);
    let opts = RunOptions {
        workflow_id: args.workflow_id.clone(),
        execution_id: execution_id.clone(),
        cluster,
        wait: !args.no_wait,
    };
    let report = block_on(async {
        let clients = Clients::new(&args.aws, settings.aws.region.as_deref()).await?;
        let mut watching = Watching {
            poll: poll(args.poll_interval_ms),
            timeout: args.timeout.map(Duration::from_secs),
            interrupt: Interrupt::ctrl_c(),
            display: Display::new(display_mode()),
            status_command: status_cmd.clone(),
        };
        engine::run(&clients, &names, &opts, &mut watching).await
    })??;
    print_report(&report, args.format);
    let code = report.exit_code();
    let what = format!("workflow {} execution {execution_id}", args.workflow_id);
    match report.waited {
        Waited::TimedOut if report.execution_arn.is_none() => eprintln!(
            "the cluster resume was still running after --timeout {}s: {what} was not started, and the cluster may come up and stay up (pause it with `rsqlmig cluster pause`)",
            args.timeout.unwrap_or_default()
        ),
        Waited::TimedOut => eprintln!(
            "{what} is still running after --timeout {}s (it was left running); keep watching with: {status_cmd}",
            args.timeout.unwrap_or_default()
        ),
        Waited::LostSight => eprintln!(
            "{what}: {}",
            report.error.as_deref().unwrap_or("watching failed")
        ),
        Waited::Interrupted => {
            eprintln!("stopped watching; {what} keeps running. Resume watching with: {status_cmd}")
        }
        Waited::NotWaited if report.status == "RUNNING" => {
            eprintln!("{what} started; follow it with: {status_cmd}")
        }
        _ => eprintln!("{what} {}", report.outcome()),
    }
    Ok(code)
}

fn print_report(report: &RunReport, format: Format) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(report).expect("report serialises")
        ),
        Format::Text => print!("{}", report::text(report)),
    }
}

pub fn status(args: StatusArgs) -> Result<i32> {
    if let Some(given) = &args.execution_id
        && let Err(why) = id::validate(given)
    {
        bail!("{why}");
    }
    let settings = settings(&args.catalog)?;
    let names = Names::from_settings(&settings.aws);
    let Some(execution_id) = args.execution_id.clone() else {
        let recent = block_on(async {
            let clients = Clients::new(&args.aws, settings.aws.region.as_deref()).await?;
            engine::recent(&clients, &names, &args.workflow_id, args.limit).await
        })??;
        print_recent(&args.workflow_id, &names, &recent, args.format);
        return Ok(exit::SUCCEEDED);
    };
    let status_cmd = status_command(&args.workflow_id, &execution_id, &args.catalog, &args.aws);
    let report = block_on(async {
        let clients = Clients::new(&args.aws, settings.aws.region.as_deref()).await?;
        let mut watching = Watching {
            poll: poll(args.poll_interval_ms),
            timeout: args.timeout.map(Duration::from_secs),
            interrupt: Interrupt::ctrl_c(),
            display: Display::new(display_mode()),
            status_command: status_cmd.clone(),
        };
        engine::status(
            &clients,
            &names,
            &args.workflow_id,
            &execution_id,
            args.watch,
            &mut watching,
        )
        .await
    })??;
    print_report(&report, args.format);
    match report.waited {
        Waited::TimedOut | Waited::Interrupted | Waited::LostSight => {
            eprintln!("stopped watching; the execution keeps running. Resume with: {status_cmd}")
        }
        Waited::Snapshot
            if report.status != report::NOT_FOUND
                && report.status != "RUNNING"
                && report.audit_status.as_deref() == Some("running") =>
        {
            eprintln!(
                "note: the execution ended but its audit row still says running; \
                 `{status_cmd}` records the end"
            )
        }
        _ => {}
    }
    Ok(report.exit_code())
}

fn print_recent(
    workflow_id: &str,
    names: &Names,
    recent: &[engine::RecentExecution],
    format: Format,
) {
    match format {
        Format::Json => {
            let doc = serde_json::json!({ "workflow_id": workflow_id, "executions": recent });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("serialises")
            );
        }
        Format::Text => {
            if recent.is_empty() {
                eprintln!(
                    "no executions of workflow {workflow_id} in {}",
                    names.workflow_audit_table
                );
                return;
            }
            let show = |s: &Option<String>| {
                s.as_deref()
                    .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
                    .map(|d| time::display(d.with_timezone(&chrono::Utc)))
                    .unwrap_or_else(|| "-".into())
            };
            let rows: Vec<Vec<String>> = recent
                .iter()
                .map(|r| {
                    vec![
                        r.execution_id.clone(),
                        r.audit_status.clone().unwrap_or_else(|| "-".into()),
                        r.status.clone(),
                        show(&r.start),
                        show(&r.end),
                        r.jobs.to_string(),
                    ]
                })
                .collect();
            print!(
                "{}",
                report::table(
                    &["EXECUTION", "AUDIT", "STATUS", "START", "END", "JOBS"],
                    &rows
                )
            );
        }
    }
}

pub fn cluster(args: ClusterArgs) -> Result<i32> {
    let (action, args) = match args.action {
        ClusterCommand::Resume(a) => (Action::Resume, a),
        ClusterCommand::Pause(a) => (Action::Pause, a),
    };
    let settings = settings(&args.catalog)?;
    let names = Names::from_settings(&settings.aws);
    let target = ClusterTarget {
        cluster_id: args.cluster_id.clone(),
        target_account_role: args.target_account_role.clone(),
        pause_after: true,
    };
    let execution_name = id::generate(
        &format!("{}-{}", args.cluster_id, action.as_str()),
        chrono::Utc::now(),
    );
    let step = block_on(async {
        let clients = Clients::new(&args.aws, settings.aws.region.as_deref()).await?;
        let mut watching = Watching {
            poll: poll(args.poll_interval_ms),
            timeout: args.timeout.map(Duration::from_secs),
            interrupt: Interrupt::ctrl_c(),
            display: Display::new(Mode::Log),
            status_command: String::new(),
        };
        engine::cluster_step(
            &clients,
            &names,
            action,
            &target,
            execution_name,
            args.wait,
            &mut watching,
        )
        .await
    })??;
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&step).expect("serialises")
        ),
        Format::Text => {
            println!(
                "cluster {}: {} {} ({} execution {})",
                step.cluster_id, step.action, step.status, step.state_machine, step.execution_name
            );
            if let Some(arn) = &step.execution_arn {
                println!("arn {arn}");
            }
            if let Some(e) = &step.error {
                println!("error {e}");
            }
            if let Some(c) = &step.cause {
                println!("cause {c}");
            }
        }
    }
    Ok(match step.status.as_str() {
        "SUCCEEDED" => exit::SUCCEEDED,
        "RUNNING" if !args.wait => exit::SUCCEEDED,
        "RUNNING" => exit::STILL_RUNNING,
        _ => exit::FAILED,
    })
}
