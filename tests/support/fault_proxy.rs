//! A fault-injecting HTTP proxy on loopback in front of a real server (moto): every request is
//! passed through unless a rule for its API action says otherwise. Point the binary at it with
//! `AWS_ENDPOINT_URL` ([`FaultProxy::url`]).
//!
//! The action is EC2's (and STS's) Query `Action=` or the last part of a JSON service's
//! `X-Amz-Target` (`FilterLogEvents`). Rules leave EC2 dry runs (`DryRun=true`) alone unless
//! [`Rule::with_dry_runs`] says so, so a fault hits the real write, not the permission check.
//!
//! Built on [`crate::http_stub`] (reading requests, writing answers) and [`crate::aws_stub`]
//! (each service's error documents). Include all three with `#[path]` in the test file.

#![allow(dead_code)] // Each test uses a different part of it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::BufReader;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::aws_stub::{self, Service};
use crate::http_stub::{Recorded, Reply, read_request, write_reply};

/// What the proxy does with a request.
#[derive(Clone)]
pub enum Fault {
    /// Forward it and return the answer.
    Pass,
    /// Forward it, and return the answer only after this long.
    Delay(Duration),
    /// Forward it (the call lands), then close the connection without answering.
    Drop,
    /// Close the connection at once without answering, and forward the request only after this
    /// long: a write that lands after the caller gave up.
    DropLanding(Duration),
    /// Answer HTTP 500 in the service's error format, without forwarding (nothing lands).
    Status500,
    /// Answer "slow down" the way the service does, without forwarding (nothing lands).
    Throttle,
    /// Refuse it as a missing permission, the way the service does, without forwarding.
    Deny,
    /// Answer HTTP 200 with this body, without forwarding.
    Garbage(Vec<u8>),
    /// Forward it and return only the first half of the answer's body (which still holds the
    /// real answer's words: a body that fails to parse).
    Truncate,
    /// Forward it and return the answer's body changed by the function.
    Rewrite(Arc<dyn Fn(Vec<u8>) -> Vec<u8> + Send + Sync>),
    /// Forward it, then the same request again with this body (another writer right behind),
    /// and return the answer to the first.
    AndThen(Vec<u8>),
    /// Answer with this function's reply, without forwarding: a stand-in for an action the
    /// server behind does not implement (`CloudTrail`, the Price List API).
    Answer(Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>),
}

impl Fault {
    fn name(&self) -> &'static str {
        match self {
            Fault::Pass => "pass",
            Fault::Delay(_) => "delay",
            Fault::Drop => "drop",
            Fault::DropLanding(_) => "drop-landing",
            Fault::Status500 => "500",
            Fault::Throttle => "throttle",
            Fault::Deny => "deny",
            Fault::Garbage(_) => "garbage",
            Fault::Truncate => "truncate",
            Fault::Rewrite(_) => "rewrite",
            Fault::AndThen(_) => "and-then",
            Fault::Answer(_) => "answer",
        }
    }
}

/// A fault for one action: after `skip` matching requests, for `times` of them (or all).
#[derive(Clone)]
pub struct Rule {
    action: String,
    fault: Fault,
    skip: usize,
    times: Option<usize>,
    dry_runs: bool,
}

impl Rule {
    /// `fault` for every request of `action` (e.g. `ModifyInstanceAttribute`, `FilterLogEvents`).
    pub fn new(action: &str, fault: Fault) -> Self {
        Rule { action: action.into(), fault, skip: 0, times: None, dry_runs: false }
    }

    /// Lets the first `n` matching requests through untouched.
    pub fn after(mut self, n: usize) -> Self {
        self.skip = n;
        self
    }

    /// Applies to `n` matching requests only, then passes them through.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Also applies to EC2 dry runs.
    pub fn with_dry_runs(mut self) -> Self {
        self.dry_runs = true;
        self
    }
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Its action (see the module documentation).
    pub action: String,
    /// An EC2 dry run.
    pub dry_run: bool,
    /// What was done with it (`pass`, `drop`, `500`, ...).
    pub fault: &'static str,
    /// Its body, as text (a form or a JSON document).
    pub body: String,
}

struct Shared {
    upstream: String,
    rules: Mutex<Vec<Rule>>,
    seen: Mutex<Vec<Seen>>,
    client: reqwest::Client,
}

/// The running proxy; stops when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The action of a request: Query `Action=`, or the last part of `X-Amz-Target`.
pub fn action_of(req: &Recorded) -> String {
    let a = aws_stub::action(req);
    a.rsplit('.').next().unwrap_or_default().to_owned()
}

fn is_dry_run(req: &Recorded) -> bool {
    req.form().get("DryRun").is_some_and(|v| v == "true")
}

impl FaultProxy {
    /// Starts a proxy on a free loopback port in front of `upstream` (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            rules: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
            client: reqwest::Client::new(),
        });
        let s = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = Arc::clone(&s);
                tokio::spawn(async move {
                    let mut reader = BufReader::new(stream);
                    let Ok(req) = read_request(&mut reader).await else { return };
                    let fault = s.fault_for(&req);
                    s.apply(req, fault, reader).await;
                });
            }
        });
        FaultProxy { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT`, the form `AWS_ENDPOINT_URL` takes.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds a rule (the first matching rule with uses left wins).
    pub fn rule(&self, rule: Rule) {
        self.shared.rules.lock().unwrap().push(rule);
    }

    /// Removes every rule: everything passes through again.
    pub fn clear(&self) {
        self.shared.rules.lock().unwrap().clear();
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// The requests of `action` that got `fault` (by name: `drop`, `500`, ...).
    pub fn count(&self, action: &str, fault: &str) -> usize {
        self.seen().iter().filter(|s| s.action == action && s.fault == fault).count()
    }
}

impl Shared {
    fn fault_for(&self, req: &Recorded) -> Fault {
        let action = action_of(req);
        let dry_run = is_dry_run(req);
        let mut rules = self.rules.lock().unwrap();
        let mut fault = Fault::Pass;
        for r in rules.iter_mut() {
            if r.action != action || (dry_run && !r.dry_runs) || r.times == Some(0) {
                continue;
            }
            if r.skip > 0 {
                r.skip -= 1;
                continue;
            }
            if let Some(n) = r.times.as_mut() {
                *n -= 1;
            }
            fault = r.fault.clone();
            break;
        }
        let body = String::from_utf8_lossy(&req.body).into_owned();
        self.seen.lock().unwrap().push(Seen { action, dry_run, fault: fault.name(), body });
        fault
    }

    /// Sends the request on to the real server and returns its answer.
    async fn forward(&self, req: &Recorded) -> Reply {
        let query = req.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
        let url = format!("{}{}{query}", self.upstream, req.path);
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).expect("an HTTP method");
        let mut out = self.client.request(method, url).body(req.body.clone());
        for (n, v) in &req.headers {
            if !matches!(n.as_str(), "host" | "content-length" | "connection" | "transfer-encoding") {
                out = out.header(n.as_str(), v.as_str());
            }
        }
        let answer = out.send().await.expect("the upstream server answers");
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .filter(|(n, _)| {
                !matches!(
                    n.as_str(),
                    "content-length" | "connection" | "transfer-encoding" | "date" | "server"
                )
            })
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let body = answer.bytes().await.expect("the upstream body").to_vec();
        Reply { status, headers, body, delay: None }
    }

    async fn apply(self: Arc<Self>, req: Recorded, fault: Fault, reader: BufReader<tokio::net::TcpStream>) {
        let reply = match fault {
            Fault::Pass => self.forward(&req).await,
            Fault::Delay(d) => {
                let r = self.forward(&req).await;
                tokio::time::sleep(d).await;
                r
            }
            Fault::Drop => {
                self.forward(&req).await;
                return; // dropping the reader closes the connection
            }
            Fault::DropLanding(d) => {
                drop(reader);
                tokio::time::sleep(d).await;
                self.forward(&req).await;
                return;
            }
            Fault::Status500 => match aws_stub::service(&req) {
                Service::Ec2 => aws_stub::ec2_error(500, "InternalError", "An internal error has occurred."),
                Service::Sts => {
                    aws_stub::query_error(500, "InternalFailure", "An internal error has occurred.")
                }
                _ => aws_stub::json_error(500, "ServiceUnavailableException", "The service is unavailable."),
            },
            Fault::Throttle => aws_stub::throttled(&req),
            Fault::Deny => aws_stub::denied(&req),
            Fault::Garbage(body) => Reply { status: 200, headers: content_type(&req), body, delay: None },
            Fault::Truncate => {
                let mut r = self.forward(&req).await;
                r.body.truncate(r.body.len() / 2);
                r
            }
            Fault::Rewrite(f) => {
                let mut r = self.forward(&req).await;
                r.body = f(r.body);
                r
            }
            Fault::AndThen(body) => {
                let r = self.forward(&req).await;
                let other = Recorded { body, ..req };
                let second = self.forward(&other).await;
                assert_eq!(second.status, 200, "{}", String::from_utf8_lossy(&second.body));
                r
            }
            Fault::Answer(f) => f(&req),
        };
        let _ = write_reply(reader.into_inner(), &reply).await;
    }
}

/// The content type the service answers with.
fn content_type(req: &Recorded) -> Vec<(String, String)> {
    let t = match aws_stub::service(req) {
        Service::Json => "application/x-amz-json-1.1",
        _ => "text/xml;charset=UTF-8",
    };
    vec![("Content-Type".into(), t.into())]
}
