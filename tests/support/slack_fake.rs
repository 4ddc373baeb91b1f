//! A fake Slack Web API for tests: checks the token, content types and arguments the
//! way Slack documents them, and serves the upload URL itself.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::json;

use crate::http_stub::{Recorded, Reply};

/// The bot token the fake accepts.
pub const TOKEN: &str = "xoxb-1111-2222-S3cr3tT0kenValue0123456789";
/// The only channel the fake knows.
pub const CHANNEL: &str = "C01DTCAL49X";

/// A Slack `ok: false` answer with `code`.
pub fn slack_error(code: &str) -> Reply {
    Reply::json(200, json!({ "ok": false, "error": code }))
}

/// An upload the fake has handed out a URL for.
struct PendingUpload {
    declared: usize,
    received: Option<usize>,
}

/// A fake Slack: checks the token, content types and arguments the way Slack does, and
/// serves the upload URL itself.
pub fn fake_slack() -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let uploads: Mutex<HashMap<String, PendingUpload>> = Mutex::new(HashMap::new());
    move |req| {
        if let Some(id) = req.path.strip_prefix("/upload/v1/") {
            let mut uploads = uploads.lock().unwrap();
            return match uploads.get_mut(id) {
                Some(u) if req.method == "POST" => {
                    u.received = Some(req.body.len());
                    Reply::text(200, "text/plain", &format!("OK - {}", req.body.len()))
                }
                _ => Reply::text(404, "text/plain", "unknown upload"),
            };
        }
        match req.header("authorization") {
            None => return slack_error("not_authed"),
            Some(v) if v != format!("Bearer {TOKEN}") => return slack_error("invalid_auth"),
            Some(_) => {}
        }
        let content_type = req.header("content-type").unwrap_or("");
        match req.path.as_str() {
            "/api/auth.test" => Reply::json(
                200,
                json!({
                    "ok": true, "url": "https://reichlab.slack.com/", "team": "Reich Lab",
                    "user": "baseline_script_app", "team_id": "T089JRGMA",
                    "user_id": "U0BOT", "bot_id": "B0BOT"
                }),
            ),
            "/api/chat.postMessage" => {
                if content_type != "application/json; charset=utf-8" {
                    return slack_error("invalid_form_data");
                }
                let body = req.json();
                if body["channel"] != CHANNEL {
                    return slack_error("channel_not_found");
                }
                if body["text"].as_str().unwrap_or("").is_empty() {
                    return slack_error("no_text");
                }
                Reply::json(
                    200,
                    json!({ "ok": true, "channel": CHANNEL, "ts": "1732540000.000100",
                            "message": { "text": body["text"] } }),
                )
            }
            "/api/files.getUploadURLExternal" => {
                // Form-encoded only: Slack refuses a JSON body here.
                if content_type != "application/x-www-form-urlencoded" {
                    return slack_error("invalid_arguments");
                }
                let form = req.form();
                let (Some(_), Some(Ok(declared))) =
                    (form.get("filename"), form.get("length").map(|l| l.parse::<usize>()))
                else {
                    return slack_error("invalid_arguments");
                };
                let mut uploads = uploads.lock().unwrap();
                let id = format!("F0TEST{:04}", uploads.len() + 1);
                uploads.insert(id.clone(), PendingUpload { declared, received: None });
                let host = req.header("host").unwrap_or("127.0.0.1");
                Reply::json(
                    200,
                    json!({ "ok": true, "file_id": id,
                            "upload_url": format!("http://{host}/upload/v1/{id}") }),
                )
            }
            "/api/files.completeUploadExternal" => {
                if content_type != "application/json; charset=utf-8" {
                    return slack_error("invalid_form_data");
                }
                let body = req.json();
                if body["channel_id"] != CHANNEL {
                    return slack_error("channel_not_found");
                }
                let Some(files) = body["files"].as_array() else {
                    return slack_error("invalid_arguments");
                };
                let uploads = uploads.lock().unwrap();
                let mut done = Vec::new();
                for f in files {
                    let id = f["id"].as_str().unwrap_or("");
                    match uploads.get(id) {
                        Some(u) if u.received == Some(u.declared) => {
                            done.push(json!({ "id": id, "title": f["title"] }));
                        }
                        Some(_) => return slack_error("file_upload_size_mismatch"),
                        None => return slack_error("file_not_found"),
                    }
                }
                Reply::json(200, json!({ "ok": true, "files": done }))
            }
            _ => Reply::json(404, json!({ "ok": false, "error": "unknown_method" })),
        }
    }
}
