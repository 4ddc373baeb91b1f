//! A local stand-in for AWS endpoints that misbehave: it answers very late, or says "slow
//! down" the way each service does. Built on [`crate::http_stub`] (a tokio `TcpListener`
//! speaking HTTP/1.1); point the panel at it with `AWS_ENDPOINT_URL`.
//!
//! The protocols it tells apart: EC2 and STS use the Query protocol (a form body with
//! `Action=…&Version=…`, XML answers); `CloudWatch` Logs and `EventBridge` use JSON 1.1 (an
//! `X-Amz-Target` header, JSON answers).

#![allow(dead_code)] // Each test uses a different part of it.

use std::time::Duration;

use crate::http_stub::{HttpStub, Recorded, Reply};

/// The EC2 API version the SDK sends.
const EC2_VERSION: &str = "2016-11-15";

/// Which service a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// EC2 (Query protocol, version 2016-11-15).
    Ec2,
    /// STS or IAM (Query protocol, another version).
    Sts,
    /// A JSON 1.1 service: `CloudWatch` Logs (`Logs_20140328.*`) or `EventBridge` (`AWSEvents.*`).
    Json,
    /// Anything else.
    Unknown,
}

/// The service `req` is addressed to.
pub fn service(req: &Recorded) -> Service {
    if req.header("x-amz-target").is_some() {
        return Service::Json;
    }
    let form = req.form();
    match form.get("Version").map(String::as_str) {
        Some(EC2_VERSION) => Service::Ec2,
        Some(_) if form.contains_key("Action") => Service::Sts,
        _ => Service::Unknown,
    }
}

/// The API action of a request (`DescribeInstances`, `Logs_20140328.FilterLogEvents`, ...).
pub fn action(req: &Recorded) -> String {
    req.header("x-amz-target")
        .map(str::to_owned)
        .or_else(|| req.form().get("Action").cloned())
        .unwrap_or_default()
}

/// EC2's error document: `<Response><Errors><Error>…</Error></Errors><RequestID>…`.
pub fn ec2_error(status: u16, code: &str, message: &str) -> Reply {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
         <Message>{message}</Message></Error></Errors>\
         <RequestID>5f3c5a1e-0b0e-4c4e-9d7a-6f1b2c3d4e5f</RequestID></Response>"
    );
    Reply::text(status, "text/xml;charset=UTF-8", &body)
}

/// The STS (AWS Query) error document: `<ErrorResponse><Error>…</Error><RequestId>…`.
pub fn query_error(status: u16, code: &str, message: &str) -> Reply {
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
         <Code>{code}</Code><Message>{message}</Message></Error>\
         <RequestId>0c6b9a5e-7f1d-4a53-8a7e-2b1f0e9d8c7b</RequestId></ErrorResponse>"
    );
    Reply::text(status, "text/xml", &body)
}

/// A JSON 1.1 error (`{"__type": code, "message": …}`).
pub fn json_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(status, serde_json::json!({ "__type": code, "message": message }))
        .with_header("x-amzn-RequestId", "8d2f3c4b-1a0e-4f5d-9c6b-7a8e9f0d1c2b")
}

/// Every service throttling, each in its own words: EC2 answers HTTP 503
/// `RequestLimitExceeded`, STS 400 `Throttling`, Logs and `EventBridge` 400 `ThrottlingException`.
pub fn throttled(req: &Recorded) -> Reply {
    match service(req) {
        Service::Ec2 => ec2_error(503, "RequestLimitExceeded", "Request limit exceeded."),
        Service::Sts => query_error(400, "Throttling", "Rate exceeded"),
        Service::Json | Service::Unknown => json_error(400, "ThrottlingException", "Rate exceeded"),
    }
}

/// Every service refusing a call for a missing permission, each in its own words: EC2 answers
/// HTTP 403 `UnauthorizedOperation`, STS and IAM 403 `AccessDenied`, Logs and `EventBridge` 400
/// `AccessDeniedException`.
pub fn denied(req: &Recorded) -> Reply {
    let action = action(req);
    let message = format!("User: arn:aws:iam::123456789012:user/lab is not authorized to perform: {action}");
    match service(req) {
        Service::Ec2 => ec2_error(403, "UnauthorizedOperation", &message),
        Service::Sts => query_error(403, "AccessDenied", &message),
        Service::Json | Service::Unknown => json_error(400, "AccessDeniedException", &message),
    }
}

/// A server that throttles every request.
pub async fn throttling() -> HttpStub {
    HttpStub::start(throttled).await
}

/// A server that answers every request only after `delay` (with EC2's "try again later",
/// should anyone still be waiting).
pub async fn slow(delay: Duration) -> HttpStub {
    HttpStub::start(move |_req| ec2_error(503, "Unavailable", "The service is unavailable.").delayed(delay))
        .await
}

/// `http://127.0.0.1:PORT`, the form `AWS_ENDPOINT_URL` takes.
pub fn endpoint(stub: &HttpStub) -> String {
    format!("http://{}", stub.addr())
}
