//! A real moto server (AWS API emulator) on a free loopback port, for the AWS tests.
//!
//! `scripts/test.sh` installs `moto[server]` into `.venv` and exports RSQLMIG_MOTO_SERVER. The
//! server is started per test binary, with Step Functions execution switched on before any
//! state machine exists, and killed when the handle drops.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rsqlmig::aws::{AwsArgs, Clients, block_on};

pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts moto or panics with what to run: a test that needs AWS must not pass without it.
    pub fn start() -> Moto {
        let server = std::env::var_os("RSQLMIG_MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server")
            });
        assert!(
            server.exists(),
            "moto_server not found at {}: run the tests with `bash scripts/test.sh`, which installs it",
            server.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while http(port, "GET", "/moto-api/", "").is_none() {
            assert!(
                Instant::now() < deadline,
                "moto did not answer on port {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let switched = http(
            port,
            "POST",
            "/moto-api/config",
            r#"{"stepfunctions": {"execute_state_machine": true}}"#,
        );
        assert!(
            switched.is_some_and(|r| r.starts_with("HTTP/1.1 2") || r.starts_with("HTTP/1.0 2")),
            "cannot switch on Step Functions execution"
        );
        moto
    }

    /// Points a command at this server with dummy credentials, and away from any real AWS
    /// configuration on the machine.
    pub fn configure(&self, cmd: &mut assert_cmd::Command) {
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
    }

    /// Dummy credentials for the SDK in this test process, and no AWS configuration files: a
    /// test never signs with a real profile.
    pub fn use_offline_credentials(&self) {
        // SAFETY: set before the SDK reads the environment; each test binary sets the same values.
        unsafe {
            for (k, v) in self
                .env()
                .into_iter()
                .filter(|(k, _)| !k.ends_with("_URL") && *k != "AWS_REGION")
            {
                std::env::set_var(k, v);
            }
        }
    }

    /// SDK clients for this server in us-east-1.
    pub fn clients(&self) -> Clients {
        self.use_offline_credentials();
        let args = AwsArgs {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(self.endpoint()),
        };
        block_on(async { Clients::new(&args, None).await.unwrap() }).unwrap()
    }

    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_ACCESS_KEY_ID", "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            ("AWS_CONFIG_FILE", "/dev/null".to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_string()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.0 request to the server; the raw response, or None if it is not up.
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    (!response.is_empty()).then_some(response)
}
