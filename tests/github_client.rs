//! The GitHub push check against a local server that answers like `GET /repos/{o}/{r}`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;

use baseline_panel::github::{GithubClient, GithubError};
use http_stub::{HttpStub, Recorded, Reply};
use secrecy::SecretString;
use serde_json::json;

const WRITER: &str = "ghp_writerTokenAAAAAAAAAAAAAAAAAAAA";
const READER: &str = "ghp_readerTokenBBBBBBBBBBBBBBBBBBBB";

/// A fake GitHub: `lab/results` is private; WRITER may push, READER may only pull.
fn fake_github(req: &Recorded) -> Reply {
    let auth = req.header("authorization");
    let token = auth.and_then(|a| a.strip_prefix("Bearer "));
    if auth.is_some() && token != Some(WRITER) && token != Some(READER) {
        return Reply::json(401, json!({ "message": "Bad credentials", "status": "401" }));
    }
    let not_found = || Reply::json(404, json!({ "message": "Not Found", "status": "404" }));
    match (req.path.as_str(), token) {
        ("/repos/lab/results", Some(t)) => Reply::json(
            200,
            json!({
                "full_name": "lab/results", "private": true, "default_branch": "main",
                "permissions": { "admin": false, "maintain": false, "push": t == WRITER,
                                 "triage": true, "pull": true }
            }),
        ),
        ("/repos/lab/public", _) => {
            let mut body = json!({ "full_name": "lab/public", "private": false,
                                   "default_branch": "trunk" });
            if token.is_some() {
                body["permissions"] = json!({ "push": false, "pull": true });
            }
            Reply::json(200, body)
        }
        ("/repos/lab/limited", _) => {
            Reply::json(403, json!({ "message": "API rate limit exceeded for 203.0.113.7." }))
                .with_header("x-ratelimit-remaining", "0")
                .with_header("x-ratelimit-reset", "1795442400")
        }
        ("/repos/lab/sso", _) => {
            Reply::json(403, json!({ "message": "Resource protected by organization SAML enforcement." }))
        }
        _ => not_found(),
    }
}

fn client(stub: &HttpStub, token: Option<&str>) -> GithubClient {
    GithubClient::new(&stub.url(), token.map(SecretString::from)).expect("client")
}

#[tokio::test]
async fn writer_token_can_push_and_sends_the_expected_headers() {
    let stub = HttpStub::start(fake_github).await;
    let access = client(&stub, Some(WRITER)).push_permission("lab/results").await.expect("repo");
    assert_eq!(access.push, Some(true));
    assert!(access.can_push());
    assert!(access.private);
    assert_eq!(access.full_name, "lab/results");
    assert_eq!(access.default_branch.as_deref(), Some("main"));
    let req = &stub.requests()[0];
    assert_eq!((req.method.as_str(), req.path.as_str()), ("GET", "/repos/lab/results"));
    assert_eq!(req.header("user-agent"), Some("baseline-panel"));
    assert_eq!(req.header("accept"), Some("application/vnd.github+json"));
    assert_eq!(req.header("authorization"), Some(format!("Bearer {WRITER}").as_str()));
}

#[tokio::test]
async fn reader_token_cannot_push() {
    let stub = HttpStub::start(fake_github).await;
    let access = client(&stub, Some(READER)).push_permission("lab/results").await.expect("repo");
    assert_eq!(access.push, Some(false));
    assert!(!access.can_push());
}

#[tokio::test]
async fn without_token_push_is_unknown_and_no_header_is_sent() {
    let stub = HttpStub::start(fake_github).await;
    let access = client(&stub, None).push_permission("lab/public").await.expect("repo");
    assert_eq!(access.push, None);
    assert!(!access.can_push());
    assert_eq!(stub.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn bad_token_is_401() {
    let stub = HttpStub::start(fake_github).await;
    let err = client(&stub, Some("ghp_wrong")).push_permission("lab/results").await.unwrap_err();
    assert_eq!(err, GithubError::BadToken);
    assert!(err.to_string().contains("401"), "{err}");
}

#[tokio::test]
async fn unknown_or_hidden_repo_is_404() {
    let stub = HttpStub::start(fake_github).await;
    let err = client(&stub, Some(WRITER)).push_permission("lab/nope").await.unwrap_err();
    assert_eq!(err, GithubError::NotFound { repo: "lab/nope".into(), with_token: true });
    // Without a token a private repository looks missing too; the message says so.
    let err = client(&stub, None).push_permission("lab/results").await.unwrap_err();
    assert!(err.to_string().contains("none is configured"), "{err}");
}

#[tokio::test]
async fn rate_limit_and_other_403s_are_told_apart() {
    let stub = HttpStub::start(fake_github).await;
    let gh = client(&stub, Some(WRITER));
    let err = gh.push_permission("lab/limited").await.unwrap_err();
    assert_eq!(err, GithubError::RateLimited { reset: Some(1_795_442_400), retry_after: None });
    let err = gh.push_permission("lab/sso").await.unwrap_err();
    assert!(matches!(err, GithubError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("SAML"), "{err}");
}

#[tokio::test]
async fn bad_names_and_unreachable_servers() {
    let stub = HttpStub::start(fake_github).await;
    let err = client(&stub, None).push_permission("results").await.unwrap_err();
    assert!(matches!(err, GithubError::BadRepoName { .. }), "{err:?}");
    assert!(stub.requests().is_empty(), "nothing sent for a bad name");

    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let gh = GithubClient::new(&format!("http://{addr}"), None).unwrap();
    let err = gh.push_permission("lab/results").await.unwrap_err();
    assert!(matches!(err, GithubError::Unreachable { .. }), "{err:?}");
}

#[tokio::test]
async fn token_stays_out_of_debug_and_errors() {
    let stub = HttpStub::start(fake_github).await;
    let gh = client(&stub, Some(WRITER));
    assert!(!format!("{gh:?}").contains(WRITER));
    let err = gh.push_permission("lab/nope").await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains(WRITER));
    let err = GithubClient::new("http://github.example", Some(SecretString::from(WRITER))).unwrap_err();
    assert!(matches!(err, GithubError::InsecureUrl { .. }), "{err:?}");
}
