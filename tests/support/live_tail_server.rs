//! A local stand-in for `CloudWatch` Logs live tail, in front of moto (which has no
//! `StartLiveTail`), reached by the real `aws-sdk-cloudwatchlogs` client.
//!
//! The protocol it speaks, as the service does:
//! - Request: JSON 1.1, `POST /`, `Content-Type: application/x-amz-json-1.1`,
//!   `X-Amz-Target: Logs_20140328.StartLiveTail`, signed (`SigV4`), sent to the host the SDK
//!   prefixes with `streaming-` (so the test's HTTP client resolves `streaming-*` to loopback:
//!   see [`StreamingToLoopback`]). Body: `logGroupIdentifiers` (ARNs), optional
//!   `logStreamNamePrefixes` and `logEventFilterPattern`. A request that breaks these rules is
//!   refused with `InvalidParameterException` and listed in [`LiveTailServer::violations`].
//! - Refusals at start: HTTP 400 with a JSON 1.1 error body (`__type` `LimitExceededException`
//!   or `AccessDeniedException`), as scripted with [`LiveTailServer::refuse_next`].
//! - Answer: HTTP 200, `Content-Type: application/vnd.amazon.eventstream`, chunked; one
//!   event-stream message per chunk, framed by `aws-smithy-eventstream` (prelude, headers,
//!   payload, CRCs). Events carry `:message-type: event`, `:event-type: sessionStart` or
//!   `sessionUpdate` (the union's member names) and `:content-type: application/json`;
//!   exceptions carry `:message-type: exception` and `:exception-type:
//!   SessionTimeoutException` or `SessionStreamingException`, with only `{"message": …}` as
//!   payload (no `__type`: the SDK must recognise them by the header).
//! - `sessionUpdate` payloads: `sessionMetadata.sampled` and `sessionResults` (log stream, group
//!   identifier, message, timestamp, ingestion time). Above [`LiveTailServer::sample_over`]
//!   events in one update (500 at AWS) only that many are sent, marked `sampled: true`.
//!
//! Everything else is passed through to moto. Events written with `PutLogEvents` through the
//! stand-in are stored by moto and pushed to every open session whose group and stream prefix
//! match, as `CloudWatch` does when it ingests them; events written while no session is open
//! reach a follower only by its catch-up poll.

#![allow(dead_code)] // Each test uses a different part of it.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns, ResolveDnsError};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::http_stub::{Recorded, Reply, read_request, write_reply};

/// The target of `StartLiveTail` in the JSON 1.1 protocol.
pub const START_LIVE_TAIL: &str = "Logs_20140328.StartLiveTail";
/// The target of `FilterLogEvents`.
pub const FILTER_LOG_EVENTS: &str = "Logs_20140328.FilterLogEvents";
/// The target of `PutLogEvents`.
pub const PUT_LOG_EVENTS: &str = "Logs_20140328.PutLogEvents";

/// How the next `StartLiveTail` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `LimitExceededException`: the account's concurrent sessions are all open.
    LimitExceeded,
    /// `AccessDeniedException`: no `logs:StartLiveTail` permission.
    AccessDenied,
}

/// One request the stand-in received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `X-Amz-Target` (empty for other protocols).
    pub target: String,
    /// The `Host` header.
    pub host: String,
    /// The JSON body.
    pub body: Value,
}

/// What an open session is sent next.
enum Frame {
    Update(Vec<Value>),
    Timeout,
    Failure,
}

struct Session {
    id: usize,
    groups: Vec<String>,
    prefixes: Vec<String>,
    tx: mpsc::UnboundedSender<Frame>,
}

impl Session {
    fn wants(&self, group: &str, stream: &str) -> bool {
        let group_ok = self.groups.iter().any(|g| g == group || g.ends_with(&format!(":log-group:{group}")));
        group_ok && (self.prefixes.is_empty() || self.prefixes.iter().any(|p| stream.starts_with(p.as_str())))
    }
}

#[derive(Default)]
struct State {
    seen: Vec<Seen>,
    violations: Vec<String>,
    refuse: VecDeque<Refusal>,
    sample_over: Option<usize>,
    time_out_after: Option<Duration>,
    sessions: Vec<Session>,
    opened: usize,
    /// Every event each session was sent, by session id.
    sent: Vec<(usize, String)>,
}

struct Shared {
    moto: String,
    http: reqwest::Client,
    state: Mutex<State>,
    hold: watch::Sender<bool>,
}

/// The stand-in: a local server answering `StartLiveTail` and passing the rest to moto.
pub struct LiveTailServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for LiveTailServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LiveTailServer {
    /// Starts the stand-in on a free loopback port in front of moto at `moto_url`.
    pub async fn start(moto_url: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the live tail stand-in");
        let addr = listener.local_addr().expect("its address");
        let shared = Arc::new(Shared {
            moto: moto_url.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            state: Mutex::new(State { sample_over: Some(500), ..State::default() }),
            hold: watch::channel(false).0,
        });
        let s = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = Arc::clone(&s);
                tokio::spawn(async move {
                    let _ = serve(s, stream).await;
                });
            }
        });
        LiveTailServer { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT`, the endpoint to give the SDK.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.state.lock().unwrap()
    }

    /// Refuses the next `n` `StartLiveTail` requests with `how`.
    pub fn refuse_next(&self, n: usize, how: Refusal) {
        self.state().refuse.extend(std::iter::repeat_n(how, n));
    }

    /// Sends at most `n` events per update, marked sampled when there were more (AWS: 500).
    pub fn sample_over(&self, n: usize) {
        self.state().sample_over = Some(n);
    }

    /// Ends every session opened from now on with `SessionTimeoutException` after `d` (the
    /// service's 3 hours, made short); `None` lets them run.
    pub fn time_out_after(&self, d: Option<Duration>) {
        self.state().time_out_after = d;
    }

    /// Ends the open sessions now with `SessionTimeoutException`.
    pub fn time_out_open_sessions(&self) {
        self.end_open_sessions(|| Frame::Timeout);
    }

    /// Ends the open sessions now with `SessionStreamingException`.
    pub fn fail_open_sessions(&self) {
        self.end_open_sessions(|| Frame::Failure);
    }

    fn end_open_sessions(&self, frame: impl Fn() -> Frame) {
        for s in self.state().sessions.drain(..) {
            let _ = s.tx.send(frame());
        }
    }

    /// While `true`, `StartLiveTail` requests are counted but wait before they are answered.
    pub fn hold_starts(&self, hold: bool) {
        self.shared.hold.send_replace(hold);
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state().seen.clone()
    }

    /// How many requests had `target`.
    pub fn calls(&self, target: &str) -> usize {
        self.state().seen.iter().filter(|s| s.target == target).count()
    }

    /// Sessions opened so far.
    pub fn sessions_opened(&self) -> usize {
        self.state().opened
    }

    /// Sessions open now (a client that hangs up closes its session).
    pub fn open_sessions(&self) -> usize {
        self.state().sessions.len()
    }

    /// The messages sent to sessions, in order.
    pub fn sent(&self) -> Vec<String> {
        self.state().sent.iter().map(|(_, m)| m.clone()).collect()
    }

    /// Requests that broke the protocol's rules (empty when the client spoke it right).
    pub fn violations(&self) -> Vec<String> {
        self.state().violations.clone()
    }

    /// Waits until `f` holds, checking every 10 ms; panics after `secs` naming `what`.
    pub async fn until(&self, what: &str, secs: u64, f: impl Fn(&Self) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        while !f(self) {
            assert!(tokio::time::Instant::now() < deadline, "after {secs} s, still not: {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A DNS resolver for the test's HTTP client: `streaming-*` names (the host `StartLiveTail`
/// is sent to) resolve to loopback, anything else fails as an unknown name would. IP literals
/// (the other operations' `127.0.0.1`) never reach a resolver.
#[derive(Debug, Clone, Default)]
pub struct StreamingToLoopback {
    asked: Arc<Mutex<Vec<String>>>,
}

impl StreamingToLoopback {
    /// The names asked so far.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    /// An HTTP client of the SDK (hyper, rustls, the SDK's own connector) resolving with this.
    pub fn http_client(&self) -> SharedHttpClient {
        aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_with_resolver(self.clone())
    }
}

impl ResolveDns for StreamingToLoopback {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        self.asked.lock().unwrap().push(name.to_owned());
        if name.starts_with("streaming-") {
            DnsFuture::ready(Ok(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]))
        } else {
            DnsFuture::ready(Err(ResolveDnsError::new(format!("{name}: only streaming-* resolves here"))))
        }
    }
}

/// One event-stream message, framed.
fn frame(message_type: &str, name: &str, payload: &Value) -> Vec<u8> {
    let kind = if message_type == "event" { ":event-type" } else { ":exception-type" };
    let msg = Message::new(payload.to_string().into_bytes())
        .add_header(Header::new(":message-type", HeaderValue::String(message_type.to_owned().into())))
        .add_header(Header::new(kind, HeaderValue::String(name.to_owned().into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/json".to_owned().into())));
    let mut out = Vec::new();
    write_message_to(&msg, &mut out).expect("frame an event-stream message");
    out
}

/// JSON 1.1's error answer.
fn json_error(code: &str, message: &str) -> Reply {
    Reply::text(400, "application/x-amz-json-1.1", &json!({ "__type": code, "message": message }).to_string())
        .with_header("x-amzn-RequestId", "3f1c2b9a-6d7e-4c1b-8a2f-0e9d8c7b6a5f")
}

async fn serve(shared: Arc<Shared>, stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let req = read_request(&mut reader).await?;
    let target = req.header("x-amz-target").unwrap_or_default().to_owned();
    let seen = Seen {
        target: target.clone(),
        host: req.header("host").unwrap_or_default().to_owned(),
        body: req.json(),
    };
    shared.state.lock().unwrap().seen.push(seen.clone());
    if target == START_LIVE_TAIL {
        return start_live_tail(&shared, &req, &seen, reader.into_inner()).await;
    }
    let reply = pass_to_moto(&shared, &req).await;
    if target == PUT_LOG_EVENTS && reply.status == 200 {
        ingest(&shared, &seen.body);
    }
    write_reply(reader.into_inner(), &reply).await
}

async fn pass_to_moto(shared: &Shared, req: &Recorded) -> Reply {
    let url = format!("{}{}", shared.moto, req.path);
    let mut out = shared.http.post(url).body(req.body.clone());
    for (n, v) in &req.headers {
        if !matches!(n.as_str(), "host" | "content-length" | "connection" | "transfer-encoding" | "expect") {
            out = out.header(n, v);
        }
    }
    let answer = out.send().await.expect("moto answers");
    let status = answer.status().as_u16();
    let headers: Vec<(String, String)> = answer
        .headers()
        .iter()
        .filter(|(n, _)| !matches!(n.as_str(), "content-length" | "connection" | "transfer-encoding"))
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = answer.bytes().await.expect("moto's body").to_vec();
    Reply { status, headers, body, delay: None }
}

/// Pushes the events of a `PutLogEvents` that moto stored to the sessions that follow them.
fn ingest(shared: &Shared, body: &Value) {
    let group = body["logGroupName"].as_str().unwrap_or_default();
    let stream = body["logStreamName"].as_str().unwrap_or_default();
    let now = jiff::Timestamp::now().as_millisecond();
    let events: Vec<Value> = body["logEvents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            json!({
                "logStreamName": stream,
                "logGroupIdentifier": group,
                "message": e["message"],
                "timestamp": e["timestamp"],
                "ingestionTime": now,
            })
        })
        .collect();
    let st = shared.state.lock().unwrap();
    for s in st.sessions.iter().filter(|s| s.wants(group, stream)) {
        let _ = s.tx.send(Frame::Update(events.clone()));
    }
}

/// What is wrong with a `StartLiveTail` request, if anything.
fn check(req: &Recorded, seen: &Seen) -> Option<String> {
    let body = &seen.body;
    let groups = body["logGroupIdentifiers"].as_array().map_or(0, Vec::len);
    if req.method != "POST" || req.path != "/" {
        Some(format!("{} {}: JSON 1.1 is POST /", req.method, req.path))
    } else if req.header("content-type") != Some("application/x-amz-json-1.1") {
        Some(format!("content type {:?}", req.header("content-type")))
    } else if !seen.host.starts_with("streaming-") {
        Some(format!("host {:?} lacks the streaming- prefix", seen.host))
    } else if !req.header("authorization").is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 ")) {
        Some("not signed with SigV4".into())
    } else if !(1..=10).contains(&groups) {
        Some(format!("{groups} log group identifiers (1 to 10)"))
    } else if !body["logStreamNames"].is_null() && !body["logStreamNamePrefixes"].is_null() {
        Some("both logStreamNames and logStreamNamePrefixes".into())
    } else if groups > 1 && !body["logStreamNamePrefixes"].is_null() {
        Some("stream prefixes with more than one log group".into())
    } else {
        None
    }
}

async fn start_live_tail(
    shared: &Arc<Shared>,
    req: &Recorded,
    seen: &Seen,
    stream: TcpStream,
) -> std::io::Result<()> {
    if let Some(why) = check(req, seen) {
        shared.state.lock().unwrap().violations.push(why.clone());
        return write_reply(stream, &json_error("InvalidParameterException", &why)).await;
    }
    let _ = shared.hold.subscribe().wait_for(|hold| !hold).await;
    let refusal = shared.state.lock().unwrap().refuse.pop_front();
    match refusal {
        Some(Refusal::LimitExceeded) => {
            let msg = "The number of concurrent Live Tail sessions has reached the limit.";
            return write_reply(stream, &json_error("LimitExceededException", msg)).await;
        }
        Some(Refusal::AccessDenied) => {
            let msg = "User is not authorized to perform: logs:StartLiveTail";
            return write_reply(stream, &json_error("AccessDeniedException", msg)).await;
        }
        None => {}
    }
    let strings = |key: &str| -> Vec<String> {
        seen.body[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    let (tx, rx) = mpsc::unbounded_channel();
    let (id, time_out_after) = {
        let mut st = shared.state.lock().unwrap();
        st.opened += 1;
        let id = st.opened;
        st.sessions.push(Session {
            id,
            groups: strings("logGroupIdentifiers"),
            prefixes: strings("logStreamNamePrefixes"),
            tx,
        });
        (id, st.time_out_after)
    };
    let start = json!({
        "requestId": format!("req-{id}"),
        "sessionId": format!("session-{id}"),
        "logGroupIdentifiers": seen.body["logGroupIdentifiers"],
        "logStreamNamePrefixes": seen.body["logStreamNamePrefixes"],
        "logEventFilterPattern": seen.body["logEventFilterPattern"],
    });
    let r = stream_session(shared, id, stream, &start, rx, time_out_after).await;
    shared.state.lock().unwrap().sessions.retain(|s| s.id != id);
    r
}

async fn chunk(w: &mut OwnedWriteHalf, data: &[u8]) -> std::io::Result<()> {
    w.write_all(format!("{:x}\r\n", data.len()).as_bytes()).await?;
    w.write_all(data).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

/// Writes the session's answer: headers, `sessionStart`, then updates until it ends.
async fn stream_session(
    shared: &Arc<Shared>,
    id: usize,
    stream: TcpStream,
    start: &Value,
    mut rx: mpsc::UnboundedReceiver<Frame>,
    time_out_after: Option<Duration>,
) -> std::io::Result<()> {
    let (mut rd, mut w) = stream.into_split();
    w.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\n\
          x-amzn-RequestId: 6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d\r\n\
          Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    )
    .await?;
    chunk(&mut w, &frame("event", "sessionStart", start)).await?;
    let timeout = async {
        match time_out_after {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(timeout);
    let mut buf = [0u8; 256];
    let end = loop {
        tokio::select! {
            f = rx.recv() => match f {
                Some(Frame::Update(events)) => {
                    let (events, sampled) = sample(shared, events);
                    shared.state.lock().unwrap().sent.extend(
                        events.iter().map(|e| (id, e["message"].as_str().unwrap_or_default().to_owned())),
                    );
                    let update = json!({ "sessionMetadata": { "sampled": sampled }, "sessionResults": events });
                    chunk(&mut w, &frame("event", "sessionUpdate", &update)).await?;
                }
                Some(Frame::Timeout) | None => break "SessionTimeoutException",
                Some(Frame::Failure) => break "SessionStreamingException",
            },
            () = &mut timeout => break "SessionTimeoutException",
            n = rd.read(&mut buf) => {
                // The client hung up (or sent what it should not): the session is over.
                if matches!(n, Ok(0) | Err(_)) {
                    return Ok(());
                }
            }
        }
    };
    let message = if end == "SessionTimeoutException" {
        "Live Tail session has timed out."
    } else {
        "An internal error occurred during the Live Tail session."
    };
    chunk(&mut w, &frame("exception", end, &json!({ "message": message }))).await?;
    w.write_all(b"0\r\n\r\n").await?;
    w.shutdown().await
}

/// At most `sample_over` of `events`, evenly spread, and whether some were left out.
fn sample(shared: &Shared, events: Vec<Value>) -> (Vec<Value>, bool) {
    let limit = shared.state.lock().unwrap().sample_over;
    match limit {
        Some(n) if events.len() > n => {
            let len = events.len();
            let kept = (0..n).map(|i| events[i * len / n].clone()).collect();
            (kept, true)
        }
        _ => (events, false),
    }
}
