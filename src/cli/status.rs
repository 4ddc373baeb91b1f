//! `baseline-panel status [--json]`.

use std::io::Write;

use jiff::Timestamp;
use serde::Serialize;

use super::Failure;
use crate::cloud::{Cloud, Instance, StatusChecks};
use crate::config::{Config, Target};
use crate::timefmt::{ago, human_duration, utc};

/// Version of the `status --json` document; bumped only on incompatible changes.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct StateReason<'a> {
    code: Option<&'a str>,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct InstanceJson<'a> {
    id: &'a str,
    name: Option<&'a str>,
    state: &'a str,
    instance_type: Option<&'a str>,
    launch_time: Option<String>,
    uptime_seconds: Option<i64>,
    public_dns: Option<&'a str>,
    public_ip: Option<&'a str>,
    availability_zone: Option<&'a str>,
    state_transition_reason: Option<&'a str>,
    state_reason: StateReason<'a>,
    status_checks: Option<&'a StatusChecks>,
}

#[derive(Serialize)]
struct TargetJson<'a> {
    by: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct StatusJson<'a> {
    schema: u32,
    mode: &'a str,
    region: &'a str,
    profile: Option<&'a str>,
    target: TargetJson<'a>,
    checked_at: String,
    instances: Vec<InstanceJson<'a>>,
    warnings: Vec<String>,
}

fn instance_json(i: &Instance, now: Timestamp) -> InstanceJson<'_> {
    InstanceJson {
        id: &i.id,
        name: i.name.as_deref(),
        state: i.state.name(),
        instance_type: i.instance_type.as_deref(),
        launch_time: i.launch_time.map(|t| t.to_string()),
        uptime_seconds: i.uptime(now).map(|d| d.as_secs()),
        public_dns: i.public_dns.as_deref(),
        public_ip: i.public_ip.as_deref(),
        availability_zone: i.availability_zone.as_deref(),
        state_transition_reason: i.state_transition_reason.as_deref(),
        state_reason: StateReason {
            code: i.state_reason_code.as_deref(),
            message: i.state_reason_message.as_deref(),
        },
        status_checks: i.status_checks.as_ref(),
    }
}

/// Warnings worth a human's attention.
fn warnings(cfg: &Config, list: &[Instance]) -> Vec<String> {
    let mut w = Vec::new();
    if list.len() > 1 {
        w.push(format!(
            "{} instances match {}: the Monday Lambda starts all of them",
            list.len(),
            cfg.target
        ));
    }
    w
}

/// Prints the status.
pub async fn run(cfg: &Config, cloud: &dyn Cloud, json: bool) -> Result<(), Failure> {
    let list = cloud.instances().await?;
    let now = Timestamp::now();
    let warns = warnings(cfg, &list);
    let mut out = std::io::stdout().lock();
    if json {
        let (by, value) = match &cfg.target {
            Target::Id(id) => ("id", id.as_str()),
            Target::Name(n) => ("name", n.as_str()),
        };
        let doc = StatusJson {
            schema: SCHEMA,
            mode: cloud.kind(),
            region: &cfg.region,
            profile: cfg.profile.as_deref(),
            target: TargetJson { by, value },
            checked_at: now.to_string(),
            instances: list.iter().map(|i| instance_json(i, now)).collect(),
            warnings: warns,
        };
        serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::other)?;
        writeln!(out)?;
        return Ok(());
    }
    for w in &warns {
        eprintln!("warning: {w}");
    }
    write!(out, "{}", table(&list, now))?;
    Ok(())
}

/// The human table: one block per instance.
pub fn table(list: &[Instance], now: Timestamp) -> String {
    let mut s = String::new();
    for (n, i) in list.iter().enumerate() {
        if n > 0 {
            s.push('\n');
        }
        let mut row = |k: &str, v: String| s.push_str(&format!("  {k:<12} {v}\n"));
        row("instance", format!("{} ({})", i.id, i.name.as_deref().unwrap_or("no Name tag")));
        let up = i.uptime(now).map(|d| format!(" (up {})", human_duration(d))).unwrap_or_default();
        row("state", format!("{}{up}", i.state));
        row("type", i.instance_type.clone().unwrap_or_else(|| "-".into()));
        row("zone", i.availability_zone.clone().unwrap_or_else(|| "-".into()));
        if let Some(t) = i.launch_time {
            row("launched", format!("{} ({})", utc(t), ago(t, now)));
        }
        if let Some(d) = &i.public_dns {
            row("public dns", d.clone());
        }
        if let Some(ip) = &i.public_ip {
            row("public ip", ip.clone());
        }
        if let Some(c) = &i.status_checks {
            row("checks", format!("system {}, instance {}", c.system, c.instance));
        }
        if let Some(r) = &i.state_transition_reason {
            row("last change", r.clone());
        }
        if let Some(c) = &i.state_reason_code {
            // EC2's message repeats the code ("Client.UserInitiatedShutdown: User initiated shutdown").
            row("reason", i.state_reason_message.clone().unwrap_or_else(|| c.clone()));
        }
    }
    s
}
