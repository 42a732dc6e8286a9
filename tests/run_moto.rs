//! `run`, `status` and `cluster` against a real local AWS API (moto) with Step Functions
//! execution switched on, using flat stand-ins for the framework's state machines
//! (`support/state_machines.rs`). Mostly through the binary, the way a CI job would call it.

mod support;

use std::collections::HashMap;
use std::process::Output;

use assert_cmd::Command;
use aws_sdk_dynamodb::types::AttributeValue;
use rsqlmig::aws::{Clients, block_on};
use rsqlmig::publish::bootstrap::{TableSpec, bootstrap, framework_tables};
use rsqlmig::publish::item::{Job, Stage, Workflow};
use serde_json::{Value, json};
use support::moto::Moto;
use support::state_machines as sm;

const CONFIG: &str = "rsql-blog-rsql-config-table";
const WF_AUDIT: &str = "rsql-blog-rsql-workflow-audit-table";
const JOB_AUDIT: &str = "rsql-blog-rsql-job-audit-table";
const CALLS: &str = "rsql-test-cluster-calls";
const ROLE_ARN: &str = "arn:aws:iam::210987654321:role/RSOrchestrationRole";

/// A DynamoDB item.
type Item = HashMap<String, AttributeValue>;

struct Env {
    moto: Moto,
    clients: Clients,
    dir: tempfile::TempDir,
}

/// moto with the framework's tables, the calls table and these stand-ins; a catalog naming them.
/// `master_wait` > 0 makes each job of the master stand-in take that many seconds.
const RESUME_MACHINE: &str = "ResumeClusterStateMachine-7Hk2LpQ9";
const PAUSE_MACHINE: &str = "PauseClusterStateMachine-Q2mX81Zp";

fn setup(master_wait: u32, failing_resume: bool) -> Env {
    let moto = Moto::start();
    let c = moto.clients();
    block_on(async {
        let mut tables: Vec<TableSpec> = framework_tables(CONFIG, WF_AUDIT, JOB_AUDIT).into();
        tables.push(TableSpec {
            name: CALLS.into(),
            partition_key: "call_id",
            sort_key: None,
        });
        bootstrap(&c, "rsql-test-scripts", &tables).await.unwrap();
        let resume = if failing_resume {
            sm::failing_cluster(CALLS, "resume")
        } else {
            sm::cluster_recorder(CALLS, "resume")
        };
        for (name, definition) in [
            ("test-master", sm::master(JOB_AUDIT, master_wait)),
            // Deployed by CloudFormation, the cluster machines have generated names: the
            // catalog's defaults (the logical ids) find them by prefix.
            (RESUME_MACHINE, resume),
            (PAUSE_MACHINE, sm::cluster_recorder(CALLS, "pause")),
        ] {
            c.sfn
                .create_state_machine()
                .name(name)
                .definition(definition)
                .role_arn(sm::ROLE)
                .send()
                .await
                .unwrap();
        }
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("workflows")).unwrap();
    std::fs::write(
        dir.path().join("catalog.yaml"),
        "aws:\n  region: us-east-1\n  master_state_machine: test-master\n",
    )
    .unwrap();
    Env {
        moto,
        clients: c,
        dir,
    }
}

/// `setup` with the one-job workflow "dw", whose workflow file names cluster dw-test-1 and
/// pauses it after.
fn setup_cluster_workflow(failing_resume: bool) -> Env {
    let env = setup(0, failing_resume);
    env.config("dw", &[("y", "parallel", &["a.sh"])]);
    env.cluster_file("dw", true);
    env
}

impl Env {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("rsqlmig").unwrap();
        self.moto.configure(&mut cmd);
        cmd.args(args)
            .arg("--catalog")
            .arg(self.dir.path())
            .args(["--poll-interval-ms", "200"]);
        cmd
    }

    /// Runs the binary with `args` (see `cmd`) to the end.
    fn output(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// `rsqlmig COMMAND WORKFLOW_ID --execution-id EXECUTION_ID EXTRA...`
    fn for_execution(
        &self,
        command: &str,
        workflow_id: &str,
        execution_id: &str,
        extra: &[&str],
    ) -> Output {
        let mut args = vec![command, workflow_id, "--execution-id", execution_id];
        args.extend_from_slice(extra);
        self.output(&args)
    }

    /// `rsqlmig run WORKFLOW_ID --execution-id EXECUTION_ID EXTRA...`
    fn run(&self, workflow_id: &str, execution_id: &str, extra: &[&str]) -> Output {
        self.for_execution("run", workflow_id, execution_id, extra)
    }

    /// `rsqlmig status WORKFLOW_ID --execution-id EXECUTION_ID EXTRA...`
    fn status(&self, workflow_id: &str, execution_id: &str, extra: &[&str]) -> Output {
        self.for_execution("status", workflow_id, execution_id, extra)
    }

    /// `rsqlmig cluster ACTION --cluster-id CLUSTER_ID --target-account-role ROLE_ARN EXTRA...`
    fn cluster(&self, action: &str, cluster_id: &str, extra: &[&str]) -> Output {
        let mut args = vec!["cluster", action, "--cluster-id", cluster_id];
        args.extend_from_slice(&["--target-account-role", ROLE_ARN]);
        args.extend_from_slice(extra);
        self.output(&args)
    }

    fn cluster_file(&self, workflow_id: &str, pause_after: bool) {
        std::fs::write(
            self.dir
                .path()
                .join("workflows")
                .join(format!("{workflow_id}.yaml")),
            format!(
                "workflow_id: {workflow_id}\ncluster:\n  id: dw-test-1\n  target_account_role: {ROLE_ARN}\n  \
                 pause_after: {pause_after}\njobs:\n  - script: a.sh\n"
            ),
        )
        .unwrap();
    }

    /// Writes a config item the way publish does: (flag, type, scripts) per stage.
    fn config(&self, workflow_id: &str, stages: &[(&str, &str, &[&str])]) {
        let item = HashMap::from([
            ("workflow_id".to_string(), s(workflow_id)),
            (
                "workflow_stages".to_string(),
                AttributeValue::L(
                    stages
                        .iter()
                        .map(|(flag, kind, scripts)| {
                            AttributeValue::M(HashMap::from([
                                ("execution_flag".to_string(), s(flag)),
                                ("execution_type".to_string(), s(kind)),
                                ("scripts".to_string(), list(scripts)),
                            ]))
                        })
                        .collect(),
                ),
            ),
        ]);
        block_on(
            self.clients
                .dynamodb
                .put_item()
                .table_name(CONFIG)
                .set_item(Some(item))
                .send(),
        )
        .unwrap()
        .unwrap();
    }

    /// The item of `table` with this two-part key, read consistently.
    fn get_item(&self, table: &str, [(k1, v1), (k2, v2)]: [(&str, &str); 2]) -> Option<Item> {
        block_on(
            self.clients
                .dynamodb
                .get_item()
                .table_name(table)
                .key(k1, s(v1))
                .key(k2, s(v2))
                .consistent_read(true)
                .send(),
        )
        .unwrap()
        .unwrap()
        .item()
        .cloned()
    }

    fn workflow_row(&self, execution_id: &str, workflow_id: &str) -> Option<Item> {
        self.get_item(
            WF_AUDIT,
            [
                ("workflow_execution_id", execution_id),
                ("workflow_id", workflow_id),
            ],
        )
    }

    fn job_row(&self, job: &str, execution_id: &str) -> Option<Item> {
        self.get_item(
            JOB_AUDIT,
            [("job_name", job), ("workflow_execution_id", execution_id)],
        )
    }

    /// The `execution_status` of a workflow audit row that must exist.
    fn audit_status(&self, execution_id: &str, workflow_id: &str) -> AttributeValue {
        self.workflow_row(execution_id, workflow_id).unwrap()["execution_status"].clone()
    }

    fn scan(&self, table: &str) -> Vec<Item> {
        block_on(self.clients.dynamodb.scan().table_name(table).send())
            .unwrap()
            .unwrap()
            .items()
            .to_vec()
    }

    fn arn(&self, machine: &str, name: &str) -> String {
        format!("arn:aws:states:us-east-1:123456789012:execution:{machine}:{name}")
    }

    fn execution(
        &self,
        machine: &str,
        name: &str,
    ) -> Option<aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput> {
        block_on(
            self.clients
                .sfn
                .describe_execution()
                .execution_arn(self.arn(machine, name))
                .send(),
        )
        .unwrap()
        .ok()
    }

    /// The Step Functions status of a master execution that must exist.
    fn master_status(&self, execution_id: &str) -> String {
        let execution = self.execution("test-master", execution_id).unwrap();
        execution.status().as_str().to_string()
    }
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

fn list(items: &[&str]) -> AttributeValue {
    AttributeValue::L(items.iter().map(|i| s(i)).collect())
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_doc(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\n{}", stdout(out), stderr(out)))
}

/// Asserts the exit code, showing both streams when it is another.
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}\n{}",
        stdout(out),
        stderr(out)
    );
}

/// Asserts the exit code, then reads stdout as JSON.
fn exit_json(out: &Output, code: i32) -> Value {
    assert_exit(out, code);
    json_doc(out)
}

/// Asserts that `text` contains every one of `parts`, showing `text` when one is missing.
fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} not in:\n{text}");
    }
}

/// Asserts that the attribute of a workflow audit row is a timestamp in the framework's format.
fn assert_workflow_ts(row: &Item, attribute: &str) {
    let v = &row[attribute];
    assert!(
        v.as_s()
            .is_ok_and(|t| chrono::NaiveDateTime::parse_from_str(t, "%m/%d/%Y %H:%M:%S").is_ok()),
        "{attribute}: {v:?}"
    );
}

#[test]
fn run_succeeds_end_to_end_with_the_exact_audit_rows() {
    let env = setup(0, false);
    // The config item as publish writes it, with a disabled stage that must be left out.
    let scripts = ["a.sh", "b.sh", "c.sh", "d.sh", "skipped.sh"];
    block_on(async {
        let stage = |flag: &str, kind: &str, scripts: &[&str]| Stage {
            execution_flag: flag.into(),
            execution_type: kind.into(),
            scripts: scripts.iter().map(|x| x.to_string()).collect(),
        };
        let workflow = Workflow {
            workflow_id: "sales".into(),
            description: None,
            stages: vec![
                stage("y", "sequential", &["a.sh", "b.sh"]),
                stage("n", "parallel", &["skipped.sh"]),
                stage("y", "parallel", &["c.sh", "d.sh"]),
            ],
            jobs: scripts
                .iter()
                .map(|x| Job {
                    script: x.to_string(),
                    depends_on: vec![],
                    enabled: true,
                })
                .collect(),
        };
        let req = rsqlmig::publish::Request {
            bucket: "rsql-test-scripts".into(),
            key_prefix: "rsql_scripts/".into(),
            config_table: CONFIG.into(),
            catalog: "test".into(),
            workflows: vec![workflow],
            scripts: scripts
                .iter()
                .map(|x| (x.to_string(), b"echo\n".to_vec()))
                .collect(),
            dry_run: false,
            prune: false,
            pause_before_write: None,
        };
        rsqlmig::publish::publish(&env.clients, &req).await.unwrap();
    })
    .unwrap();

    let doc = exit_json(&env.run("sales", "sales-ok-1", &["--format", "json"]), 0);
    assert_eq!(doc["workflow_id"], "sales");
    assert_eq!(doc["execution_id"], "sales-ok-1");
    assert_eq!(doc["execution_arn"], env.arn("test-master", "sales-ok-1"));
    assert_eq!(doc["status"], "SUCCEEDED");
    assert_eq!(doc["audit_status"], "successful");
    assert_eq!(doc["cluster"], Value::Null);
    let jobs = doc["jobs"].as_array().unwrap();
    assert_eq!(
        jobs.iter()
            .map(|j| j["job_name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["a.sh", "b.sh", "c.sh", "d.sh"]
    );
    for j in jobs {
        assert_eq!(j["status"], "successful", "{j}");
        assert_eq!(j["start"], "2023-04-01T06:15:02Z");
        assert_eq!(j["end"], "2023-04-01T06:15:09Z");
        assert_eq!(j["duration_seconds"], 7);
        assert_eq!(j["error_message"], Value::Null);
    }

    // The workflow audit row: the trigger's attributes and types, then the end recorded.
    let row = env.workflow_row("sales-ok-1", "sales").expect("audit row");
    let mut names: Vec<&str> = row.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "execution_end_ts",
            "execution_start_ts",
            "execution_status",
            "rsql_jobs",
            "workflow_execution_id",
            "workflow_id"
        ]
    );
    assert_eq!(row["workflow_execution_id"], s("sales-ok-1"));
    assert_eq!(row["workflow_id"], s("sales"));
    assert_eq!(row["rsql_jobs"], list(&["a.sh", "b.sh", "c.sh", "d.sh"]));
    assert_eq!(row["execution_status"], s("successful"));
    assert_workflow_ts(&row, "execution_start_ts");
    assert_workflow_ts(&row, "execution_end_ts");

    // A job row as the framework's hosts leave it.
    let job = env.job_row("c.sh", "sales-ok-1").expect("job row");
    assert_eq!(job["job_name"], s("c.sh"));
    assert_eq!(job["workflow_execution_id"], s("sales-ok-1"));
    assert_eq!(job["workflow_id"], s("sales"));
    assert_eq!(job["execution_status"], s("successful"));
    assert_eq!(job["error_message"], AttributeValue::Null(true));
    assert!(env.job_row("skipped.sh", "sales-ok-1").is_none());

    // The master got exactly the trigger's input.
    let exec = env.execution("test-master", "sales-ok-1").unwrap();
    let input: Value = serde_json::from_str(exec.input().unwrap()).unwrap();
    assert_eq!(
        input,
        json!({
            "statusCode": 200,
            "workflow_id": "sales",
            "workflow_execution_id": "sales-ok-1",
            "stage_details": [
                {"execution_flag": "y", "execution_type": "sequential", "scripts": ["a.sh", "b.sh"]},
                {"execution_flag": "y", "execution_type": "parallel", "scripts": ["c.sh", "d.sh"]}
            ],
            "index": -1,
            "count": 1
        })
    );

    // Without --execution-id: a generated id, printed, and a text summary.
    let out = env.output(&["run", "sales"]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    let id_line = err
        .lines()
        .find_map(|l| l.strip_prefix("execution id: "))
        .unwrap_or_else(|| panic!("no generated id in: {err}"));
    assert!(id_line.starts_with("sales-2"), "{id_line}");
    assert_eq!(id_line.len(), "sales-".len() + 15 + 5);
    assert_contains(
        &stdout(&out),
        &[
            &format!("execution  {id_line}"),
            "status     SUCCEEDED (audit row: successful)",
            "a.sh  successful  2023-04-01 06:15:02  2023-04-01 06:15:09  7s",
        ],
    );
    // Not a terminal: one log line per job status change.
    assert_contains(&err, &["job d.sh: successful 7s"]);
    assert!(env.workflow_row(id_line, "sales").is_some());
}

#[test]
fn a_failed_job_fails_the_run_and_is_recorded() {
    let env = setup(0, false);
    env.config(
        "nightly",
        &[
            ("y", "sequential", &["load.sh"]),
            ("y", "parallel", &["fail_job.sh", "other.sh"]),
        ],
    );
    let out = env.run("nightly", "nightly-1", &[]);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &[
            "status     FAILED (audit row: failed)",
            "error      21",
            "fail_job.sh  failed      2023-04-01 06:15:02  2023-04-01 06:15:09  7s        Error Code : 21 / Error Message : relation \"dw.missing\" does not exist",
            "load.sh      successful",
        ],
    );
    assert_contains(
        &stderr(&out),
        &["workflow nightly execution nightly-1 failed"],
    );

    let row = env.workflow_row("nightly-1", "nightly").unwrap();
    assert_eq!(row["execution_status"], s("failed"));
    assert_workflow_ts(&row, "execution_end_ts");
    assert_eq!(
        row["error_message"],
        s(&format!("{}: {}", sm::FAILING_ERROR, sm::FAILING_MESSAGE))
    );

    // status of the finished execution: text and JSON, exit code 1 like run's.
    let out = env.status("nightly", "nightly-1", &[]);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &[
            "status     FAILED (audit row: failed)",
            &env.arn("test-master", "nightly-1"),
            "fail_job.sh  failed",
        ],
    );
    let doc = json_doc(&env.status("nightly", "nightly-1", &["--format", "json"]));
    assert_eq!(doc["status"], "FAILED");
    assert_eq!(doc["error"], sm::FAILING_ERROR);
    assert_eq!(doc["cause"], sm::FAILING_MESSAGE);
    assert_eq!(doc["jobs"][1]["job_name"], "fail_job.sh");
    assert_eq!(doc["jobs"][1]["error_message"], sm::FAILING_MESSAGE);
    assert_eq!(doc["jobs"].as_array().unwrap().len(), 3);

    // A second, successful run; status without an id lists both, newest first.
    env.config("nightly", &[("y", "sequential", &["load.sh"])]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_exit(&env.run("nightly", "nightly-2", &[]), 0);
    let doc = exit_json(&env.output(&["status", "nightly", "--format", "json"]), 0);
    let ids: Vec<&str> = doc["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["execution_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["nightly-2", "nightly-1"]);
    assert_eq!(doc["executions"][1]["audit_status"], "failed");
    assert_eq!(doc["executions"][1]["status"], "FAILED");
    let text = stdout(&env.output(&["status", "nightly"]));
    assert!(text.starts_with("EXECUTION"), "{text}");
    assert_contains(&text, &["nightly-2  successful  SUCCEEDED"]);
}

#[test]
fn a_used_execution_id_is_refused_and_the_old_row_is_kept() {
    let env = setup(0, false);
    env.config("wf", &[("y", "parallel", &["a.sh"])]);
    env.config("other", &[("y", "parallel", &["b.sh"])]);
    assert_exit(&env.run("wf", "once", &[]), 0);
    let before = env.workflow_row("once", "wf").unwrap();

    let out = env.run("wf", "once", &[]);
    assert_exit(&out, 2);
    assert_contains(
        &stderr(&out),
        &["already used", "rsqlmig status wf --execution-id once"],
    );
    assert_eq!(env.workflow_row("once", "wf").unwrap(), before);

    // The same name for another workflow: Step Functions has it, so nothing is written.
    let out = env.run("other", "once", &[]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["already exists"]);
    assert!(env.workflow_row("once", "other").is_none());
}

#[test]
fn an_invalid_execution_id_is_refused_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [
        "has space",
        "a/b",
        "semi;colon",
        &"x".repeat(81),
        "",
        "nightly(rerun)'2",
    ] {
        let mut cmd = Command::cargo_bin("rsqlmig").unwrap();
        // Nothing listens there: a call would fail with "cannot reach the endpoint".
        let out = cmd
            .args([
                "run",
                "wf",
                "--execution-id",
                bad,
                "--endpoint-url",
                "http://127.0.0.1:9",
            ])
            .arg("--catalog")
            .arg(dir.path().join("missing"))
            .env("AWS_ACCESS_KEY_ID", "x")
            .env("AWS_SECRET_ACCESS_KEY", "x")
            .env("AWS_REGION", "us-east-1")
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = stderr(&out);
        assert!(err.contains("execution id"), "{bad:?}: {err}");
        assert!(!err.contains("endpoint"), "{bad:?}: {err}");
    }
}

#[test]
fn a_missing_or_empty_workflow_is_an_error_before_anything_is_written() {
    let env = setup(0, false);
    let out = env.run("nope", "n-1", &[]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &[CONFIG, "workflow_id = \"nope\""]);

    env.config(
        "off",
        &[("n", "parallel", &["a.sh"]), ("N", "sequential", &["b.sh"])],
    );
    let out = env.run("off", "n-2", &[]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["no enabled stage", CONFIG]);
    assert!(env.scan(WF_AUDIT).is_empty());

    // A master state machine the catalog names but the account lacks: also before any write.
    env.config("wf", &[("y", "parallel", &["a.sh"])]);
    std::fs::write(
        env.dir.path().join("catalog.yaml"),
        "aws:\n  master_state_machine: not-deployed\n",
    )
    .unwrap();
    let out = env.run("wf", "n-3", &[]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["no state machine named not-deployed"]);
    assert!(env.scan(WF_AUDIT).is_empty());
}

#[test]
fn no_wait_returns_once_started_and_timeout_exits_3() {
    let env = setup(3, false);
    env.config("slow", &[("y", "sequential", &["a.sh", "b.sh"])]);

    let out = env.run("slow", "slow-1", &["--no-wait", "--format", "json"]);
    assert_eq!(exit_json(&out, 0)["status"], "RUNNING");
    assert_contains(
        &stderr(&out),
        &["follow it with: rsqlmig status slow --execution-id slow-1"],
    );
    assert_eq!(env.audit_status("slow-1", "slow"), s("running"));

    let started = std::time::Instant::now();
    let out = env.run("slow", "slow-2", &["--timeout", "1"]);
    assert_exit(&out, 3);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_contains(
        &stderr(&out),
        &[
            "still running after --timeout 1s",
            "rsqlmig status slow --execution-id slow-2",
            "--watch",
        ],
    );
    // The summary shows where it got to (the first job has just started, or not yet).
    let text = stdout(&out);
    assert_contains(&text, &["status     RUNNING (audit row: running)"]);
    assert!(
        text.contains("a.sh  triggered") || text.contains("a.sh  waiting"),
        "{text}"
    );
    assert_eq!(env.audit_status("slow-2", "slow"), s("running"));
    assert_eq!(env.master_status("slow-2"), "RUNNING");

    // status --watch picks it up, follows it to the end and records it.
    let out = env.status("slow", "slow-2", &["--watch", "--format", "json"]);
    let doc = exit_json(&out, 0);
    assert_eq!(doc["status"], "SUCCEEDED");
    assert_eq!(doc["audit_status"], "successful");
    assert_eq!(doc["jobs"][1]["status"], "successful");
    let row = env.workflow_row("slow-2", "slow").unwrap();
    assert_eq!(row["execution_status"], s("successful"));
    assert_workflow_ts(&row, "execution_end_ts");

    // Ctrl-C stops watching, not the execution, and says how to resume: exit 3.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rsqlmig"))
        .args([
            "run",
            "slow",
            "--execution-id",
            "slow-3",
            "--poll-interval-ms",
            "200",
        ])
        .arg("--catalog")
        .arg(env.dir.path())
        .envs(env.moto.env())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err_lines =
        std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().unwrap()));
    let mut seen = String::new();
    for line in err_lines.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("watching 2 job(s)") {
            break;
        }
    }
    assert!(seen.contains("watching"), "{seen}");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = err_lines.map(|l| l.unwrap()).collect();
    let status = child.wait().unwrap();
    let rest = rest.join("\n");
    assert_eq!(status.code(), Some(3), "{seen}{rest}");
    assert_contains(
        &rest,
        &[
            "stopped watching",
            "rsqlmig status slow --execution-id slow-3",
        ],
    );
    assert_eq!(env.audit_status("slow-3", "slow"), s("running"));
    assert_eq!(env.master_status("slow-3"), "RUNNING");
}

fn calls(env: &Env) -> Vec<(String, String, Value)> {
    let mut out: Vec<(String, String, Value)> = env
        .scan(CALLS)
        .iter()
        .map(|item| {
            (
                item["call_id"].as_s().unwrap().clone(),
                item["action"].as_s().unwrap().clone(),
                serde_json::from_str(item["input"].as_s().unwrap()).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A recorded cluster call, as `calls` lists it.
fn call(call_id: &str, action: &str, input: &Value) -> (String, String, Value) {
    (call_id.to_string(), action.to_string(), input.clone())
}

fn date(d: Option<&aws_sdk_sfn::primitives::DateTime>) -> i128 {
    let d = d.expect("a date");
    i128::from(d.secs()) * 1_000_000_000 + i128::from(d.subsec_nanos())
}

#[test]
fn the_cluster_is_resumed_before_and_paused_after_even_a_failed_workflow() {
    let env = setup_cluster_workflow(false);
    let doc = exit_json(&env.run("dw", "dw-1", &["--format", "json"]), 0);
    assert_eq!(doc["cluster"]["resume"]["status"], "SUCCEEDED");
    assert_eq!(doc["cluster"]["resume"]["execution_name"], "dw-1-resume");
    assert_eq!(doc["cluster"]["pause"]["status"], "SUCCEEDED");
    assert_eq!(doc["cluster"]["pause"]["cluster_id"], "dw-test-1");
    let input = json!({"clusterId": "dw-test-1", "targetAccountRole": ROLE_ARN});
    assert_eq!(
        calls(&env),
        [
            call("dw-1-pause", "pause", &input),
            call("dw-1-resume", "resume", &input),
        ]
    );
    let resume = env.execution(RESUME_MACHINE, "dw-1-resume").unwrap();
    let master = env.execution("test-master", "dw-1").unwrap();
    let pause = env.execution(PAUSE_MACHINE, "dw-1-pause").unwrap();
    assert!(date(resume.stop_date()) <= date(Some(master.start_date())));
    assert!(date(master.stop_date()) <= date(Some(pause.start_date())));

    // A failing workflow, cluster from the flags: the pause still runs; exit 1.
    env.config("bad", &[("y", "parallel", &["fail_job.sh"])]);
    let cluster_flags = [
        "--cluster-id",
        "dw-test-2",
        "--target-account-role",
        ROLE_ARN,
    ];
    let out = env.run("bad", "bad-1", &cluster_flags);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &[
            "cluster    resume dw-test-2: SUCCEEDED",
            "cluster    pause dw-test-2: SUCCEEDED",
        ],
    );
    let actions: Vec<(String, String)> = calls(&env)
        .into_iter()
        .filter(|c| c.0.starts_with("bad-1"))
        .map(|c| (c.0, c.1))
        .collect();
    assert_eq!(
        actions,
        [
            ("bad-1-pause".to_string(), "pause".to_string()),
            ("bad-1-resume".to_string(), "resume".to_string())
        ]
    );
    assert_eq!(env.audit_status("bad-1", "bad"), s("failed"));

    // pause_after: false leaves the cluster up.
    env.cluster_file("dw", false);
    let out = env.run("dw", "dw-2", &[]);
    assert_exit(&out, 0);
    assert_contains(&stderr(&out), &["left running (pause_after: false)"]);
    assert!(env.execution(PAUSE_MACHINE, "dw-2-pause").is_none());
    assert!(env.execution(RESUME_MACHINE, "dw-2-resume").is_some());
}

#[test]
fn a_failed_resume_skips_the_workflow() {
    let env = setup_cluster_workflow(true);
    let doc = exit_json(&env.run("dw", "dw-9", &["--format", "json"]), 1);
    assert_eq!(doc["status"], "NOT_STARTED");
    assert_eq!(doc["cluster"]["resume"]["status"], "FAILED");
    assert_eq!(doc["cluster"]["resume"]["error"], "ClusterNotFound");
    assert_eq!(doc["cluster"]["pause"], Value::Null);
    assert!(env.workflow_row("dw-9", "dw").is_none(), "no audit row");
    assert!(
        env.execution("test-master", "dw-9").is_none(),
        "no master execution"
    );
    let actions: Vec<String> = calls(&env).into_iter().map(|c| c.1).collect();
    assert_eq!(actions, ["resume"]);
}

#[test]
fn a_workflow_out_of_sight_is_left_running_with_its_cluster() {
    // The master waits 8 s; the job audit table goes away while it runs, so watching fails.
    let env = setup(8, false);
    env.config("dw", &[("y", "parallel", &["a.sh"])]);
    env.cluster_file("dw", true);
    // Started in the background (assert_cmd's Command only runs to the end).
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("rsqlmig"));
    for (k, v) in env.moto.env() {
        cmd.env(k, v);
    }
    let run = cmd
        .args(["run", "dw", "--execution-id", "dw-lost", "--format", "json"])
        .arg("--catalog")
        .arg(env.dir.path())
        .args(["--poll-interval-ms", "200"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while env.execution("test-master", "dw-lost").is_none() {
        assert!(started.elapsed().as_secs() < 30, "the master never started");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    block_on(
        env.clients
            .dynamodb
            .delete_table()
            .table_name(JOB_AUDIT)
            .send(),
    )
    .unwrap()
    .unwrap();
    let out = run.wait_with_output().unwrap();
    let doc = exit_json(&out, 3);
    assert_eq!(doc["waited"], "lost_sight");
    assert_eq!(
        doc["cluster"]["pause"],
        Value::Null,
        "no pause under a running workflow"
    );
    assert_contains(
        &stderr(&out),
        &["may still be running", "rsqlmig status dw"],
    );
    assert!(env.execution(PAUSE_MACHINE, "dw-lost-pause").is_none());
}

#[test]
fn cluster_commands_start_and_wait() {
    let env = setup(0, true);
    let out = env.cluster("pause", "c-1", &["--wait", "--format", "json"]);
    let doc = exit_json(&out, 0);
    assert_eq!(doc["action"], "pause");
    assert_eq!(doc["status"], "SUCCEEDED");
    let name = doc["execution_name"].as_str().unwrap();
    assert!(name.starts_with("c-1-pause-"), "{name}");
    let recorded = calls(&env);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].0, name);
    assert_eq!(
        recorded[0].2,
        json!({"clusterId": "c-1", "targetAccountRole": ROLE_ARN})
    );

    // This setup's resume fails: exit 1 with the error.
    let out = env.cluster("resume", "c-1", &["--wait"]);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &["cluster c-1: resume FAILED", "error ClusterNotFound"],
    );

    // Without --wait: started is enough.
    let out = env.cluster("resume", "c-2", &[]);
    assert_exit(&out, 0);
    assert_contains(&stdout(&out), &["cluster c-2: resume RUNNING"]);
}

#[test]
fn library_run_reports_without_a_terminal() {
    // The engine called directly, as another tool would: the same report as the CLI's JSON.
    let env = setup(0, false);
    env.config("lib", &[("y", "sequential", &["x.sh"])]);
    let settings = rsqlmig::catalog::load_settings(env.dir.path()).unwrap();
    let names = rsqlmig::run::Names::from_settings(&settings.aws);
    let report = block_on(async {
        let mut watching = rsqlmig::run::Watching {
            poll: rsqlmig::run::watch::Poll::fixed(std::time::Duration::from_millis(200)),
            timeout: Some(std::time::Duration::from_secs(60)),
            interrupt: rsqlmig::run::watch::Interrupt::never(),
            display: rsqlmig::run::display::Display::new(rsqlmig::run::display::Mode::Silent),
            status_command: "rsqlmig status lib --execution-id lib-1 --watch".into(),
        };
        let opts = rsqlmig::run::RunOptions {
            workflow_id: "lib".into(),
            execution_id: "lib-1".into(),
            cluster: None,
            wait: true,
        };
        rsqlmig::run::run(&env.clients, &names, &opts, &mut watching).await
    })
    .unwrap()
    .unwrap();
    assert_eq!(report.exit_code(), 0);
    assert_eq!(report.jobs.len(), 1);
    assert_eq!(report.jobs[0].status, "successful");
}
