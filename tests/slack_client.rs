//! The Slack client against a local server that follows Slack's Web API contract.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use baseline_panel::chat::{Chat, ChatError, SlackChat, SlackOptions};
use http_stub::{HttpStub, Recorded, Reply, Script};
use secrecy::SecretString;
use serde_json::{Value, json};
use slack_fake::{CHANNEL, TOKEN, fake_slack, slack_error};

/// Short waits so retry tests stay fast.
fn quick() -> SlackOptions {
    SlackOptions {
        max_retry_wait: Duration::from_millis(20),
        server_backoff: Duration::from_millis(10),
        ..SlackOptions::default()
    }
}

fn client(stub: &HttpStub, options: SlackOptions) -> SlackChat {
    client_with_token(stub, TOKEN, options)
}

fn client_with_token(stub: &HttpStub, token: &str, options: SlackOptions) -> SlackChat {
    SlackChat::with_options(
        &format!("{}api", stub.url()),
        SecretString::from(token),
        CHANNEL.to_owned(),
        true,
        options,
    )
    .expect("client")
}

#[tokio::test]
async fn check_sends_bearer_token_and_reads_identity() {
    let stub = HttpStub::start(fake_slack()).await;
    let chat = client(&stub, quick());
    let me = chat.check().await.expect("auth.test");
    assert_eq!(me.team, "Reich Lab");
    assert_eq!(me.user, "baseline_script_app");
    assert_eq!(me.bot_id.as_deref(), Some("B0BOT"));
    assert_eq!(me.url.as_deref(), Some("https://reichlab.slack.com/"));
    let reqs = stub.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!((reqs[0].method.as_str(), reqs[0].path.as_str()), ("POST", "/api/auth.test"));
    assert_eq!(reqs[0].header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(chat.kind(), "slack");
}

#[tokio::test]
async fn wrong_token_is_invalid_auth() {
    let stub = HttpStub::start(fake_slack()).await;
    let chat = client_with_token(&stub, "xoxb-not-the-right-one", quick());
    assert_eq!(chat.check().await.unwrap_err(), ChatError::InvalidAuth);
}

#[tokio::test]
async fn post_sends_utf8_json_to_the_configured_channel() {
    let stub = HttpStub::start(fake_slack()).await;
    let chat = client(&stub, quick());
    let text = "Run finished ✓ — 3 models, \"quoted\" & <tags>";
    let posted = chat.post(text).await.expect("post");
    assert_eq!(posted.channel, CHANNEL);
    assert_eq!(posted.ts, "1732540000.000100");
    let req = &stub.requests_to("/api/chat.postMessage")[0];
    assert_eq!(req.header("content-type"), Some("application/json; charset=utf-8"));
    assert_eq!(req.json(), json!({ "channel": CHANNEL, "text": text }));
}

#[tokio::test]
async fn upload_takes_three_steps_with_matching_byte_count() {
    let stub = HttpStub::start(fake_slack()).await;
    let chat = client(&stub, quick());
    // Binary content, not valid UTF-8, an odd size.
    let bytes: Vec<u8> = (0..3001u32).map(|i| u8::try_from(i * 7 % 256).unwrap()).collect();
    let up =
        chat.upload("weekly report.csv", bytes.clone().into(), Some("Weekly results")).await.expect("upload");

    let reqs = stub.requests();
    let paths: Vec<&str> = reqs.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/api/files.getUploadURLExternal",
            &format!("/upload/v1/{}", up.file_id),
            "/api/files.completeUploadExternal"
        ]
    );
    let (ticket, sent, complete) = (&reqs[0], &reqs[1], &reqs[2]);

    let form = ticket.form();
    assert_eq!(form["filename"], "weekly report.csv");
    let declared: usize = form["length"].parse().unwrap();
    assert_eq!(declared, sent.body.len(), "declared length = bytes received");
    assert_eq!(sent.body, bytes);
    assert_eq!(sent.header("authorization"), None, "no token to the upload URL");

    assert_eq!(
        complete.json(),
        json!({
            "files": [{ "id": up.file_id, "title": "weekly report.csv" }],
            "channel_id": CHANNEL,
            "initial_comment": "Weekly results"
        })
    );
    assert!(up.file_id.starts_with("F0TEST"));
    assert_eq!(up.title, "weekly report.csv");
}

#[tokio::test]
async fn upload_without_comment_sends_none() {
    let stub = HttpStub::start(fake_slack()).await;
    let chat = client(&stub, quick());
    chat.upload("a.txt", b"hello".to_vec().into(), None).await.expect("upload");
    let complete = &stub.requests_to("/api/files.completeUploadExternal")[0];
    assert_eq!(complete.json().get("initial_comment"), None);
}

#[tokio::test]
async fn failed_byte_upload_stops_before_completing() {
    let stub = HttpStub::start({
        let slack = fake_slack();
        move |req: &Recorded| {
            if req.path.starts_with("/upload/") {
                Reply::text(400, "text/plain", "bad upload")
            } else {
                slack(req)
            }
        }
    })
    .await;
    let chat = client(&stub, quick());
    let err = chat.upload("a.txt", b"x".to_vec().into(), None).await.unwrap_err();
    assert!(matches!(err, ChatError::Http { status: 400, .. }), "{err:?}");
    assert!(stub.requests_to("/api/files.completeUploadExternal").is_empty());
}

#[tokio::test]
async fn rate_limit_waits_retry_after_then_succeeds() {
    let limited =
        Reply::json(429, json!({ "ok": false, "error": "ratelimited" })).with_header("Retry-After", "1");
    let ok = Reply::json(200, json!({ "ok": true, "team": "T", "user": "u" }));
    let stub = HttpStub::scripted(Script::new().on("/api/auth.test", limited).on("/api/auth.test", ok)).await;
    let chat = client(&stub, SlackOptions::default());
    let started = Instant::now();
    let me = chat.check().await.expect("succeeds after the wait");
    let waited = started.elapsed();
    assert_eq!(me.team, "T");
    assert_eq!(stub.requests().len(), 2);
    assert!(waited >= Duration::from_millis(950), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn rate_limit_gives_up_after_three_retries() {
    let limited =
        Reply::json(429, json!({ "ok": false, "error": "ratelimited" })).with_header("Retry-After", "1");
    let stub = HttpStub::scripted(Script::new().on("/api/chat.postMessage", limited)).await;
    let chat = client(&stub, quick());
    let started = Instant::now();
    let err = chat.post("hi").await.unwrap_err();
    assert_eq!(err, ChatError::RateLimited { retry_after: Some(1), retries: 3 });
    assert_eq!(err.code(), Some("ratelimited"));
    assert_eq!(stub.requests().len(), 4, "one try and three retries");
    assert!(started.elapsed() < Duration::from_secs(1), "waits are capped");
    assert!(err.to_string().contains("wait 1 s"), "{err}");
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let stub = HttpStub::scripted(
        Script::new().on("/api/auth.test", Reply::text(503, "text/html", "<h1>down</h1>")),
    )
    .await;
    let err = client(&stub, quick()).check().await.unwrap_err();
    assert_eq!(err, ChatError::Server { method: "auth.test".into(), status: 503 });
    assert_eq!(stub.requests().len(), 3, "one try and two retries");

    let stub = HttpStub::scripted(
        Script::new()
            .on("/api/auth.test", Reply::text(500, "text/plain", "oops"))
            .on("/api/auth.test", Reply::json(200, json!({ "ok": true, "team": "T", "user": "u" }))),
    )
    .await;
    assert!(client(&stub, quick()).check().await.is_ok());
    assert_eq!(stub.requests().len(), 2);
}

/// Each Slack error code, what it must become, and words its message must contain.
#[tokio::test]
async fn slack_error_codes_map_to_helpful_errors() {
    let cases: [(&str, ChatError, &str); 9] = [
        ("invalid_auth", ChatError::InvalidAuth, "SLACK_API_TOKEN"),
        ("not_authed", ChatError::NotAuthed, "SLACK_API_TOKEN"),
        ("account_inactive", ChatError::AccountInactive, "reinstall"),
        ("token_revoked", ChatError::TokenRevoked, "reinstall the app"),
        ("channel_not_found", ChatError::ChannelNotFound { channel: CHANNEL.into() }, "CHANNEL_ID"),
        ("not_in_channel", ChatError::NotInChannel { channel: CHANNEL.into() }, "/invite @"),
        ("is_archived", ChatError::IsArchived { channel: CHANNEL.into() }, "archived"),
        ("msg_too_long", ChatError::MsgTooLong, "shorten"),
        (
            "restricted_action",
            ChatError::Api {
                method: "chat.postMessage".into(),
                code: "restricted_action".into(),
                detail: None,
            },
            "`restricted_action`",
        ),
    ];
    for (code, expected, hint) in cases {
        let stub = HttpStub::scripted(Script::new().on("/api/chat.postMessage", slack_error(code))).await;
        let err = client(&stub, quick()).post("hello").await.unwrap_err();
        assert_eq!(err, expected, "{code}");
        assert_eq!(err.code(), Some(code));
        let text = err.to_string();
        assert!(text.contains(hint), "{code}: {text}");
        assert!(text.ends_with('.'), "one sentence: {text}");
        assert_eq!(stub.requests().len(), 1, "{code} is not retried");
    }
}

#[tokio::test]
async fn missing_scope_names_the_needed_scope() {
    let reply = Reply::json(
        200,
        json!({ "ok": false, "error": "missing_scope", "needed": "files:write",
                "provided": "chat:write" }),
    );
    let stub = HttpStub::scripted(Script::new().on("/api/files.getUploadURLExternal", reply)).await;
    let err = client(&stub, quick()).upload("a.txt", b"abc".to_vec().into(), None).await.unwrap_err();
    assert_eq!(
        err,
        ChatError::MissingScope { needed: "files:write".into(), provided: Some("chat:write".into()) }
    );
    assert!(err.to_string().contains("`files:write`"), "{err}");
    assert_eq!(stub.requests().len(), 1, "no bytes sent after a refusal");
}

#[tokio::test]
async fn extra_detail_from_slack_is_kept() {
    let reply = Reply::json(
        200,
        json!({ "ok": false, "error": "invalid_arguments",
                "response_metadata": { "messages": ["[ERROR] missing required field: length"] } }),
    );
    let stub = HttpStub::scripted(Script::new().on("/api/files.getUploadURLExternal", reply)).await;
    let err = client(&stub, quick()).upload("a.txt", Vec::new().into(), None).await.unwrap_err();
    assert_eq!(err.code(), Some("invalid_arguments"));
    assert!(err.to_string().contains("missing required field: length"), "{err}");
}

#[tokio::test]
async fn answers_that_are_not_slack_json_are_reported() {
    let stub = HttpStub::scripted(
        Script::new()
            .on("/api/auth.test", Reply::text(200, "text/html", "<html>captive portal</html>"))
            .on("/api/chat.postMessage", Reply::text(404, "text/html", "<h1>404</h1>")),
    )
    .await;
    let chat = client(&stub, quick());
    let err = chat.check().await.unwrap_err();
    assert!(matches!(err, ChatError::NotJson { .. }), "{err:?}");
    assert!(err.to_string().contains("text/html"), "{err}");
    assert_eq!(err.code(), None);
    let err = chat.post("x").await.unwrap_err();
    assert_eq!(err, ChatError::Http { method: "chat.postMessage".into(), status: 404 });

    let stub = HttpStub::scripted(Script::new().on("/api/auth.test", Reply::json(200, json!([1])))).await;
    let err = client(&stub, quick()).check().await.unwrap_err();
    assert!(matches!(err, ChatError::NotJson { .. }), "{err:?}");
}

#[tokio::test]
async fn unreachable_and_slow_servers_are_reported() {
    // A port that was just freed: connection refused.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let chat = SlackChat::with_options(
        &format!("http://{addr}/api/"),
        SecretString::from(TOKEN),
        CHANNEL.into(),
        true,
        quick(),
    )
    .unwrap();
    let err = chat.check().await.unwrap_err();
    assert!(matches!(err, ChatError::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().starts_with("Slack cannot be reached"), "{err}");

    let slow = Reply::json(200, json!({ "ok": true })).delayed(Duration::from_secs(3));
    let stub = HttpStub::scripted(Script::new().on("/api/auth.test", slow)).await;
    let options = SlackOptions { request_timeout: Duration::from_millis(300), ..quick() };
    let started = Instant::now();
    let err = client(&stub, options).check().await.unwrap_err();
    assert!(matches!(err, ChatError::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn plain_http_is_refused_unless_allowed() {
    let url = "http://127.0.0.1:9/api/";
    let err = SlackChat::new(url, SecretString::from(TOKEN), CHANNEL.into(), false).unwrap_err();
    assert!(matches!(err, ChatError::InsecureUrl { .. }), "{err:?}");
    assert!(SlackChat::new(url, SecretString::from(TOKEN), CHANNEL.into(), true).is_ok());
    let https =
        SlackChat::new("https://slack.com/api", SecretString::from(TOKEN), CHANNEL.into(), false).unwrap();
    assert_eq!(https.base_url(), "https://slack.com/api/");
}

/// Captured tracing output of this test binary (installed once, at TRACE level).
fn trace_buffer() -> Arc<Mutex<Vec<u8>>> {
    static BUF: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUF.get_or_init(|| {
        struct Sink(Arc<Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(data);
                Ok(data.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buf);
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(Arc::clone(&sink)))
            .try_init()
            .expect("install the capturing subscriber");
        buf
    })
    .clone()
}

#[tokio::test]
async fn token_never_appears_in_debug_errors_or_logs() {
    let trace = trace_buffer();
    // A hostile server that echoes the Authorization header back in its body.
    let stub = HttpStub::start(|req: &Recorded| {
        let echo = req.header("authorization").unwrap_or("").to_owned();
        match req.path.as_str() {
            "/api/auth.test" => Reply::text(200, "text/plain", &echo),
            "/api/chat.postMessage" => {
                Reply::json(200, json!({ "ok": false, "error": "invalid_auth", "echo": echo }))
            }
            "/api/files.getUploadURLExternal" => {
                Reply::json(429, json!({ "ok": false, "error": "ratelimited", "echo": echo }))
                    .with_header("Retry-After", "1")
            }
            _ => Reply::text(500, "text/plain", &echo),
        }
    })
    .await;
    let chat = client(&stub, quick());

    let mut errors = vec![
        chat.check().await.unwrap_err(),
        chat.post("x").await.unwrap_err(),
        chat.upload("f", b"abc".to_vec().into(), None).await.unwrap_err(),
    ];
    let refused = SlackChat::new("http://127.0.0.1:9/", SecretString::from(TOKEN), CHANNEL.into(), false);
    errors.push(refused.unwrap_err());
    let dropped = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let gone = SlackChat::with_options(
        &format!("http://{dropped}/"),
        SecretString::from(TOKEN),
        CHANNEL.into(),
        true,
        quick(),
    )
    .unwrap();
    errors.push(gone.post("x").await.unwrap_err());

    // The token did reach the server, so its absence below means something.
    assert!(stub.requests().iter().any(|r| r.raw_text().contains(TOKEN)));
    let secret_part = "S3cr3tT0kenValue";
    let debug = format!("{chat:?}");
    assert!(!debug.contains(secret_part), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(!text.contains(secret_part), "token in error: {text}");
        }
    }
    let logs = String::from_utf8_lossy(&trace.lock().unwrap()).into_owned();
    assert!(logs.contains("Slack call failed"), "the capture works: {logs}");
    assert!(!logs.contains(secret_part), "token in logs:\n{logs}");
}

#[test]
fn fake_refuses_json_for_upload_url_like_slack() {
    // The fake itself must refuse a JSON body on getUploadURLExternal, as Slack does;
    // otherwise the upload test would not prove the client sends a form.
    let fake = fake_slack();
    let req = Recorded {
        method: "POST".into(),
        path: "/api/files.getUploadURLExternal".into(),
        query: None,
        headers: vec![
            ("authorization".into(), format!("Bearer {TOKEN}")),
            ("content-type".into(), "application/json; charset=utf-8".into()),
        ],
        body: json!({ "filename": "a", "length": 1 }).to_string().into_bytes(),
    };
    let reply: Value = serde_json::from_slice(&fake(&req).body).unwrap();
    assert_eq!(reply["error"], "invalid_arguments");
}
