//! `baseline-panel start` and `baseline-panel stop`: the same checks as the panel's `s` and `x`,
//! and the same Slack notice when `slack.notify_actions` is on.

use std::time::Duration;

use jiff::Timestamp;

use super::Failure;
use super::confirm::{REFUSED, confirm, refuse_if_read_only};
use super::guarded::progress;
use super::notice::Notices;
use crate::backends::Backends;
use crate::chat::notice::ActionNotice;
use crate::cloud::{Cloud, Instance, InstanceState};
use crate::config::Config;
use crate::devmode::{Wait, wait_for_state};
use crate::run::start_note;
use crate::sanitize::field;
use crate::userdata::DevInfo;
use crate::userdata::ScriptLine;

/// How long `--wait` waits.
const WAIT_LIMIT: Duration = Duration::from_secs(15 * 60);

fn list_line(i: &Instance) -> String {
    format!("  {} ({}) — {}", i.id, field(i.name.as_deref().unwrap_or("no name")), i.state)
}

/// Refuses to act on several instances without `--all`: lists them on stderr and says how to
/// pick one. `verb` is `start` or `stop`.
fn refuse_several(cfg: &Config, list: &[&Instance], verb: &str, all: bool) -> Result<(), Failure> {
    if list.len() <= 1 || all {
        return Ok(());
    }
    eprintln!("{} instances match {} and would {verb}:", list.len(), cfg.target);
    for i in list {
        eprintln!("{}", list_line(i));
    }
    Err(Failure {
        code: REFUSED,
        message: format!(
            "not going to {verb} {} instances without --all: pick one with --instance-id ID, or pass \
             --all to {verb} every one listed; nothing was {}",
            list.len(),
            if verb == "stop" { "stopped" } else { "started" }
        ),
    })
}

/// Waits for every instance in `ids` to reach `target`, with progress on stderr.
async fn wait_all(
    cloud: &dyn Cloud,
    ids: &[String],
    target: InstanceState,
    verb: &'static str,
) -> Result<Vec<Instance>, Failure> {
    let wait = Wait { every: Duration::from_secs(2), timeout: WAIT_LIMIT };
    let mut reached = Vec::new();
    for id in ids {
        reached.push(wait_for_state(cloud, id, target, wait, &mut progress(verb)).await?);
    }
    Ok(reached)
}

/// `start [--wait] [--yes] [--all]`: several matching instances need `--all` (the Monday Lambda
/// starts all of them; a person usually means one).
pub async fn start(cfg: &Config, b: &Backends, wait: bool, yes: bool, all: bool) -> Result<(), Failure> {
    let cloud = b.cloud.as_ref();
    refuse_if_read_only(cfg.read_only, "starting a run")?;
    let list = cloud.instances().await?;
    if let Some(busy) = list.iter().find(|i| i.state != InstanceState::Stopped) {
        return Err(Failure {
            code: REFUSED,
            message: format!(
                "{} is {}: start it only when it is stopped; nothing was started",
                busy.id, busy.state
            ),
        });
    }
    refuse_several(cfg, &list.iter().collect::<Vec<_>>(), "start", all)?;
    let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
    cloud.start(&ids, true).await?;
    let pattern = ScriptLine::new(cfg.script_pattern.clone())
        .map_err(|e| Failure { code: 6, message: e.to_string() })?;
    let mode = match cloud.user_data(&ids[0]).await {
        Ok(bytes) => DevInfo::read(&bytes, &pattern).ok().map(|d| d.mode),
        Err(_) => None,
    };
    eprintln!("Start {} instance(s):", ids.len());
    for i in &list {
        eprintln!("{}", list_line(i));
    }
    if ids.len() > 1 {
        eprintln!(
            "warning: {} instances match {}: all of them start, like the Monday Lambda",
            ids.len(),
            cfg.target
        );
    }
    eprintln!("{}", start_note(mode).1);
    confirm(crate::run::text::start_question(mode), "start the box", yes)?;
    cloud.start(&ids, false).await?;
    println!("start requested: {}", ids.join(", "));
    Notices::from_config(cfg, b).post(ActionNotice::RunStarted(&ids)).await;
    if wait {
        let up = wait_all(cloud, &ids, InstanceState::Running, "start").await?;
        for i in up {
            println!(
                "{} running{}",
                i.id,
                i.public_dns.map(|d| format!(": {}", field(&d))).unwrap_or_default()
            );
        }
    }
    Ok(())
}

/// `stop [--wait] [--yes] [--all]`: several instances up need `--all`.
pub async fn stop(cfg: &Config, b: &Backends, wait: bool, yes: bool, all: bool) -> Result<(), Failure> {
    let cloud = b.cloud.as_ref();
    refuse_if_read_only(cfg.read_only, "stopping")?;
    let list = cloud.instances().await?;
    let up: Vec<&Instance> =
        list.iter().filter(|i| matches!(i.state, InstanceState::Pending | InstanceState::Running)).collect();
    if up.is_empty() {
        return Err(Failure {
            code: REFUSED,
            message: "nothing to stop: no instance is pending or running".into(),
        });
    }
    refuse_several(cfg, &up, "stop", all)?;
    let ids: Vec<String> = up.iter().map(|i| i.id.clone()).collect();
    cloud.stop(&ids, true).await?;
    eprintln!("Stop {} instance(s):", ids.len());
    for i in &up {
        eprintln!("{}", list_line(i));
    }
    let now = Timestamp::now();
    for i in &up {
        let (warn, text) = super::runs::stop_warning_for(cfg, b, i, now).await;
        eprintln!("{}: {}: {}", if warn { "warning" } else { "note" }, i.id, crate::sanitize::field(&text));
    }
    confirm("Stop?", "stop the box", yes)?;
    cloud.stop(&ids, false).await?;
    println!("stop requested: {}", ids.join(", "));
    Notices::from_config(cfg, b).post(ActionNotice::Stopped(&ids)).await;
    if wait {
        wait_all(cloud, &ids, InstanceState::Stopped, "stop").await?;
        println!("stopped: {}", ids.join(", "));
    }
    Ok(())
}
