//! Starts `moto_server` on a free loopback port for one test, seeds the lab's instance with the
//! SDK, and runs the real binary against it in an isolated environment.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_ec2::types::{InstanceType, ResourceType, Tag, TagSpecification};
use base64::Engine;

/// The seed README's exact user data.
#[allow(unused_imports)] // Not every test binary needs it.
pub use baseline_panel::userdata::SEED_USER_DATA;

/// A running moto server, killed on drop.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    port: u16,
    /// Started from `tests/support/moto_patched.py` (see [`Moto::start_patched`]).
    patched: bool,
    /// Scratch directory for HOME, XDG dirs and the working directory.
    pub dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A port nothing listens on.
pub fn dead_url() -> String {
    format!("http://127.0.0.1:{}", free_port())
}

fn spawn_server(port: u16, patched: bool) -> std::io::Result<Child> {
    let mut c = if patched {
        let mut c = Command::new("python3");
        c.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/moto_patched.py"));
        c
    } else {
        Command::new("moto_server")
    };
    c.args(["-H", "127.0.0.1", "-p", &port.to_string()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn()
}

/// Waits until something accepts connections on `port`.
/// Whether process `pid` holds the listening socket on `port` (from `/proc`); `None` when that
/// cannot be read.
fn listened_by(pid: u32, port: u16) -> Option<bool> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let want = format!(":{port:04X}");
    let inodes: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() > 9 && f[1].ends_with(&want) && f[3] == "0A").then(|| format!("socket:[{}]", f[9]))
        })
        .collect();
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    Some(fds.flatten().any(|fd| {
        std::fs::read_link(fd.path()).is_ok_and(|l| inodes.iter().any(|i| l.to_string_lossy() == *i))
    }))
}

fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Moto {
    /// Starts moto, or returns None with a loud message when it is not installed (never on CI).
    pub fn start() -> Option<Moto> {
        Self::launch_server(false)
    }

    /// Starts moto from `tests/support/moto_patched.py`: starting a stopped instance refreshes
    /// its `LaunchTime`, and stopping one tagged `baseline-panel-test:shutdown=instance` records
    /// `Client.InstanceInitiatedShutdown` (see [`Moto::shut_down_by_itself`]), as EC2 does.
    pub fn start_patched() -> Option<Moto> {
        Self::launch_server(true)
    }

    fn launch_server(patched: bool) -> Option<Moto> {
        // A port picked free may be taken by another test's server before this one binds it;
        // then this one exits and the port answers for the other: pick again until it is ours
        // (the fourth try is kept whatever `/proc` says).
        for attempt in 1.. {
            let port = free_port();
            let mut child = match spawn_server(port, patched) {
                Ok(c) => c,
                Err(e) => {
                    assert!(std::env::var_os("CI").is_none(), "moto_server is required on CI: {e}");
                    eprintln!(
                        "\n\n*** SKIPPED: moto_server not found ({e}); run .ci/run or `pip install 'moto[server]'` ***\n"
                    );
                    return None;
                }
            };
            wait_listening(port);
            if attempt < 4 && listened_by(child.id(), port) == Some(false) {
                let _ = child.kill();
                let _ = child.wait();
                continue;
            }
            let url = format!("http://127.0.0.1:{port}");
            return Some(Moto { child, url, port, patched, dir: tempfile::tempdir().unwrap() });
        }
        unreachable!("the fourth try returns")
    }

    /// Kills the server (to test a dead endpoint mid-session).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the server if it runs and starts a fresh one on the same port (and URL). moto keeps
    /// nothing across a restart: launch the instances again.
    pub fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            self.child =
                spawn_server(self.port, self.patched).expect("moto_server ran before, so it starts again");
            // A server that exits at once could not bind: the old one may hold the port a moment.
            while self.child.try_wait().unwrap().is_none() {
                if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                    return;
                }
                assert!(Instant::now() < deadline, "moto_server did not start again on port {}", self.port);
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(Instant::now() < deadline, "moto_server keeps exiting on port {}", self.port);
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// An EC2 client of the SDK pointed at moto.
    pub async fn ec2(&self) -> aws_sdk_ec2::Client {
        aws_sdk_ec2::Client::new(&self.sdk().await)
    }

    /// SDK configuration pointed at moto with test credentials.
    pub async fn sdk(&self) -> aws_config::SdkConfig {
        let creds = aws_sdk_ec2::config::Credentials::new("testing", "testing", None, None, "tests");
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&self.url)
            .credentials_provider(creds)
            .load()
            .await
    }

    /// Launches an instance tagged `Name=<name>` with the given user data; returns its id.
    pub async fn launch(&self, name: &str, user_data: &str) -> String {
        run_tagged(&self.ec2().await, name, user_data, InstanceType::R52xlarge).await
    }

    /// Stops an instance through the SDK.
    pub async fn stop(&self, id: &str) {
        self.ec2().await.stop_instances().instance_ids(id).send().await.expect("stop on moto");
    }

    /// Stops an instance as if it had shut itself down (the run script's `shutdown`): needs
    /// [`Moto::start_patched`].
    pub async fn shut_down_by_itself(&self, id: &str) {
        assert!(self.patched, "only the patched moto records an instance-initiated shutdown");
        let tag = Tag::builder().key("baseline-panel-test:shutdown").value("instance").build();
        self.ec2().await.create_tags().resources(id).tags(tag).send().await.expect("tag on moto");
        self.stop(id).await;
    }

    /// Starts a stopped instance through the SDK.
    pub async fn start_instance(&self, id: &str) {
        self.ec2().await.start_instances().instance_ids(id).send().await.expect("start on moto");
    }

    /// The binary with a clean environment: moto endpoint, test credentials, scratch HOME/XDG.
    pub fn panel(&self) -> Command {
        panel_command(&self.url, self.dir.path())
    }

    /// Runs the binary with `args` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.panel().args(args).output().expect("run baseline-panel")
    }

    /// The AWS CLI's reading of an instance field (`State.Name`, `PublicDnsName`, ...).
    pub fn witness_instance(&self, id: &str, field: &str) -> Option<String> {
        let query = format!("Reservations[0].Instances[0].{field}");
        let out = self.aws(&[
            "ec2",
            "describe-instances",
            "--instance-ids",
            id,
            "--query",
            &query,
            "--output",
            "text",
        ])?;
        Some(out.trim().to_string())
    }

    /// The AWS CLI's reading of the instance's user data, base64-decoded once: the exact bytes.
    pub fn witness_user_data(&self, id: &str) -> Option<Vec<u8>> {
        let text = self.aws(&[
            "ec2",
            "describe-instance-attribute",
            "--instance-id",
            id,
            "--attribute",
            "userData",
            "--query",
            "UserData.Value",
            "--output",
            "text",
        ])?;
        Some(base64::engine::general_purpose::STANDARD.decode(text.trim()).expect("the attribute is base64"))
    }

    /// The AWS CLI pointed at moto, as an independent witness.
    pub fn aws(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("aws")
            .args(["--endpoint-url", &self.url, "--region", "us-east-1", "--output", "json"])
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .output()
            .ok()?;
        assert!(out.status.success(), "aws {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        Some(String::from_utf8(out.stdout).unwrap())
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The binary under test, isolated from the user's real config, credentials and `.env`.
pub fn panel_command(endpoint: &str, scratch: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_baseline-panel"));
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_SESSION_TOKEN",
        "SLACK_API_TOKEN",
        "CHANNEL_ID",
        "GITHUB_TOKEN",
        "SLACK_API_URL",
        "GITHUB_API_URL",
        "BASELINE_PANEL_LOG",
        "NO_COLOR",
        "BASELINE_PANEL_BOX",
    ] {
        c.env_remove(var);
    }
    let home: PathBuf = scratch.join("home");
    std::fs::create_dir_all(&home).unwrap();
    c.current_dir(scratch)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".state"))
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", endpoint);
    c
}

/// Launches one `instance_type` instance tagged `Name=<name>` with `user_data` through `ec2` (any
/// moto server, region or account); returns its id.
pub async fn run_tagged(
    ec2: &aws_sdk_ec2::Client,
    name: &str,
    user_data: &str,
    instance_type: InstanceType,
) -> String {
    let out = ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .instance_type(instance_type)
        .min_count(1)
        .max_count(1)
        .user_data(base64::engine::general_purpose::STANDARD.encode(user_data))
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value(name).build())
                .build(),
        )
        .send()
        .await
        .expect("run_instances on moto");
    out.instances()[0].instance_id().unwrap().to_string()
}
