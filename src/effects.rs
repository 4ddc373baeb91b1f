//! Runs effects on tokio; each reports back as an action.

mod doctor;
pub mod slack;
#[cfg(test)]
mod testing;

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::action::{Action, Effect};
use crate::backends::{Backends, ChatLink};
use crate::backup::BackupStore;
use crate::cloud::{Cloud, CloudError, InstanceState};
use crate::config::Config;
use crate::devmode::{self, Plan, Wait};
use crate::doctor as doctor_checks;
use crate::logs::LogStore;
use crate::logs::export::export_run;
use crate::logs::history::{HISTORY_SPAN, read_past};
use crate::logs::{fetch_all, render, write_atomic};
use crate::schedule::Rules;
use crate::state::{DevInfo, Intent};
use crate::userdata::{ScriptLine, inspect};

/// What effects need to do their work.
#[derive(Clone)]
pub struct Runner {
    /// The cloud (AWS or demo).
    pub cloud: Arc<dyn Cloud>,
    /// The schedule rule.
    pub schedule: Arc<dyn Rules>,
    /// Where user-data backups go.
    pub backups: BackupStore,
    /// CloudWatch Logs (or the demo's).
    pub logs: Arc<dyn LogStore>,
    /// Where results go.
    pub tx: UnboundedSender<Action>,
    /// The script line's pattern in the user data.
    pub script_line: ScriptLine,
    /// The Slack channel (or the demo's).
    pub chat: ChatLink,
    /// What the doctor examines.
    pub subjects: Arc<doctor_checks::Subjects>,
    /// The configuration (the doctor reads it).
    pub config: Arc<Config>,
}

/// Reads dev mode out of user data bytes.
pub fn dev_info(bytes: &[u8], pattern: &ScriptLine) -> Result<DevInfo, String> {
    let i = inspect(bytes, pattern).map_err(|e| e.to_string())?;
    Ok(DevInfo {
        mode: i.mode,
        line_number: i.line_number,
        line: i.line,
        warnings: i.warnings.iter().map(ToString::to_string).collect(),
    })
}

impl Runner {
    /// Everything the panel's effects need: the backends, and the configuration's script line.
    pub fn new(cfg: &Config, backends: &Backends, tx: UnboundedSender<Action>) -> Self {
        Runner {
            cloud: backends.cloud.clone(),
            schedule: backends.rules.clone(),
            logs: backends.logs.clone(),
            backups: backends.backups.clone(),
            script_line: ScriptLine::new(cfg.script_pattern.clone()).unwrap_or_default(),
            config: Arc::new(cfg.clone()),
            chat: backends.chat.clone(),
            subjects: Arc::new(backends.doctor_subjects(cfg)),
            tx,
        }
    }

    /// Runs `work` on tokio and sends the action it returns.
    fn spawn_then<F>(&self, work: F)
    where
        F: std::future::Future<Output = Action> + Send + 'static,
    {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(work.await);
        });
    }

    /// Starts the async part of an effect. Terminal effects (bell, suspend, copy) are the app's.
    pub fn spawn(&self, effect: Effect) {
        let cloud = self.cloud.clone();
        match effect {
            Effect::FetchInstances { seq } => self
                .spawn_then(async move { Action::InstancesLoaded { seq, result: cloud.instances().await } }),
            Effect::Precheck(intent) => self.spawn_then(async move {
                let result = match &intent {
                    Intent::Start(ids) => cloud.start(ids, true).await,
                    Intent::Stop(ids) => cloud.stop(ids, true).await,
                    _ => Ok(()),
                };
                Action::Prechecked { intent, result }
            }),
            Effect::Execute(Intent::DevSwitch { plan, stop_first }) => {
                let backups = self.backups.clone();
                self.spawn_then(async move {
                    let id = plan.id().to_string();
                    let result = switch(cloud.as_ref(), &backups, &plan, stop_first).await;
                    Action::DevApplied { id, result }
                })
            }
            Effect::Execute(intent) => {
                let rules = self.schedule.clone();
                self.spawn_then(async move {
                    let result = match &intent {
                        Intent::Start(ids) => cloud.start(ids, false).await,
                        Intent::Stop(ids) => cloud.stop(ids, false).await,
                        Intent::SetSchedule(on) => rules.set_enabled(*on, false).await,
                        // Dev switches report through DevApplied; posts through PostSlack.
                        Intent::DevSwitch { .. } | Intent::PostMessage => Ok(()),
                    };
                    Action::Done { intent, result }
                })
            }
            Effect::FetchDevInfo { id, seq } => {
                let pattern = self.script_line.clone();
                self.spawn_then(async move {
                    let result = match cloud.user_data(&id).await {
                        Ok(bytes) => dev_info(&bytes, &pattern),
                        Err(e) => Err(e.to_string()),
                    };
                    Action::DevInfoLoaded { id, seq, result }
                })
            }
            Effect::PlanDev { id, on } => {
                let pattern = self.script_line.clone();
                self.spawn_then(async move {
                    Action::DevPlanned(
                        devmode::plan(cloud.as_ref(), &id, &pattern, on).await.map_err(|e| e.to_string()),
                    )
                })
            }
            Effect::FetchSchedule { seq } => {
                let rules = self.schedule.clone();
                self.spawn_then(async move {
                    let result = match rules.describe().await {
                        // When the schedule last fired is a nice-to-have: its absence is not an error.
                        Ok(info) => Ok((info, rules.last_fired().await.ok().flatten())),
                        Err(e) => Err(e),
                    };
                    Action::ScheduleLoaded { seq, result }
                })
            }
            Effect::ExportRunLog { instance, window } => {
                let (store, group) = (self.logs.clone(), self.config.log_group.clone());
                self.spawn_then(async move {
                    let start = window.map(|(from, _)| from).or(instance.launch_time);
                    let name = format!(
                        "baseline-run-{}-{}.log",
                        instance.id,
                        start.map(|t| t.strftime("%Y%m%dT%H%MZ").to_string()).unwrap_or_default()
                    );
                    let path = std::env::current_dir().unwrap_or_default().join(name);
                    Action::Exported(match window {
                        None => match export_run(store.as_ref(), &group, &instance, &path).await {
                            Ok(e) => {
                                Ok(format!("saved {} lines of the run log to {}", e.lines, e.path.display()))
                            }
                            Err(e) => Err(e.to_string()),
                        },
                        Some((from, to)) => {
                            export_window(store.as_ref(), &group, &instance.id, from, to, &path).await
                        }
                    })
                })
            }
            Effect::FetchPast { instance_id, until } => {
                let (store, cfg) = (self.logs.clone(), self.config.clone());
                self.spawn_then(async move {
                    let from = until - HISTORY_SPAN;
                    let result = read_past(store.as_ref(), &cfg, &instance_id, from, Some(until)).await;
                    Action::PastLoaded { id: instance_id, until, result: result.map_err(|e| e.to_string()) }
                })
            }
            Effect::FetchRunLog { instance_id, from, to } => {
                let (store, group) = (self.logs.clone(), self.config.log_group.clone());
                self.spawn_then(async move {
                    let end = to.map(|t| t.as_millisecond());
                    let result = fetch_all(
                        store.as_ref(),
                        &group,
                        Some(&instance_id),
                        from.as_millisecond(),
                        end,
                        None,
                    )
                    .await
                    .map(|events| events.into_iter().map(|e| (e.ts_ms, e.message)).collect())
                    .map_err(|e| e.to_string());
                    Action::RunLogLoaded { from, result }
                })
            }
            Effect::PostSlack { kind, text } => self.post_slack(kind, text),
            Effect::RunDoctor => self.run_doctor(),
            Effect::Bell | Effect::Suspend | Effect::Copy(_) | Effect::FollowLogs { .. } => {}
        }
    }
}

/// Saves the run log lines of `instance_id` in `[from, to]` to `path`; says how many and where.
async fn export_window(
    store: &dyn LogStore,
    group: &str,
    instance_id: &str,
    from: jiff::Timestamp,
    to: Option<jiff::Timestamp>,
    path: &std::path::Path,
) -> Result<String, String> {
    let end = to.map(|t| t.as_millisecond() - 1);
    let events = fetch_all(store, group, Some(instance_id), from.as_millisecond(), end, None)
        .await
        .map_err(|e| e.to_string())?;
    let text = render(&events);
    write_atomic(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(format!("saved {} lines of the run log to {}", text.matches('\n').count(), path.display()))
}

/// Stops and waits first when asked, then writes the planned user data the guarded way.
async fn switch(
    cloud: &dyn Cloud,
    backups: &BackupStore,
    plan: &Plan,
    stop_first: bool,
) -> Result<devmode::Applied, String> {
    let id = plan.id().to_string();
    if stop_first {
        devmode::check_write_permission(cloud, &id, &plan.proposed).await.map_err(|e| e.to_string())?;
        cloud.stop(std::slice::from_ref(&id), false).await.map_err(|e: CloudError| e.to_string())?;
        devmode::wait_for_state(cloud, &id, InstanceState::Stopped, Wait::default(), &mut |_, _| {})
            .await
            .map_err(|e| e.to_string())?;
    }
    devmode::apply(cloud, backups, plan, jiff::Timestamp::now()).await.map_err(|e| e.to_string())
}
