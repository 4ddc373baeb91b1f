//! Runs effects on tokio; each reports back as an action.

mod doctor;
mod moving;
pub mod slack;
#[cfg(test)]
mod testing;

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::action::{Action, DevSwitch, Effect, Power, Saved, Write};
use crate::backends::{Backends, ChatLink};
use crate::backup::BackupStore;
use crate::cloud::{Cloud, InstanceState};
use crate::config::Config;
use crate::devmode::{self, DevError, Plan, Wait};
use crate::doctor as doctor_checks;
use crate::logs::LogStore;
use crate::logs::export::{ExportError, export_run};
use crate::logs::history::{HISTORY_SPAN, read_past};
use crate::logs::{fetch_all, render, write_new};
use crate::schedule::Rules;
use crate::shell;
use crate::userdata::{DevInfo, ScriptLine};

/// What effects need to do their work.
#[derive(Clone)]
pub struct Runner {
    /// The cloud (AWS or demo).
    pub cloud: Arc<dyn Cloud>,
    /// The schedule rule.
    pub schedule: Arc<dyn Rules>,
    /// The rule and the Scheduler schedule one by one, for the schedule move.
    pub pair: crate::backends::SchedulePair,
    /// Where user-data backups go.
    pub backups: BackupStore,
    /// `CloudWatch` Logs (or the demo's).
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
    /// Who did what (`CloudTrail`, or the demo's week).
    pub activity: Arc<dyn crate::activity::ActivityLog>,
    /// The Price List API and the box's volumes (or the demo's prices).
    pub prices: Arc<dyn crate::cost::PriceSource>,
}

impl Runner {
    /// Everything the panel's effects need: the backends, and the configuration's script line.
    pub fn new(cfg: &Config, backends: &Backends, tx: UnboundedSender<Action>) -> Self {
        Runner {
            cloud: backends.cloud.clone(),
            schedule: backends.rules.clone(),
            pair: backends.pair.clone(),
            logs: backends.logs.clone(),
            backups: backends.backups.clone(),
            script_line: ScriptLine::new(cfg.script_pattern.clone()).unwrap_or_default(),
            config: Arc::new(cfg.clone()),
            chat: backends.chat.clone(),
            subjects: Arc::new(backends.doctor_subjects(cfg)),
            activity: backends.activity.clone(),
            prices: backends.prices.clone(),
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

    /// Carries out an effect: the terminal's and the log feeds' through `host`, the rest on
    /// tokio, each answering with an action. Every effect is handled here and nowhere else.
    // One arm per effect, exhaustive by design: splitting it would scatter the dispatch.
    #[allow(clippy::too_many_lines)]
    pub fn perform(&self, effect: Effect, host: &mut dyn Host) -> anyhow::Result<()> {
        let cloud = self.cloud.clone();
        match effect {
            Effect::Bell => host.bell(),
            Effect::Copy(text) => host.copy(&text),
            Effect::Suspend => host.suspend()?,
            Effect::FollowLogs { instance_id, since } => host.follow_logs(&instance_id, since),
            Effect::FetchInstances { seq } => self
                .spawn_then(async move { Action::InstancesLoaded { seq, result: cloud.instances().await } }),
            Effect::Precheck(power) => self.spawn_then(async move {
                let result = match &power {
                    Power::Start(ids) => cloud.start(ids, true).await,
                    Power::Stop(ids) => cloud.stop(ids, true).await,
                };
                Action::Prechecked { power, result }
            }),
            Effect::MoveSchedule(mv) => self.move_schedule(mv),
            Effect::SwitchDev(DevSwitch { plan, stop_first }) => {
                let backups = self.backups.clone();
                self.spawn_then(async move {
                    let id = plan.id().to_string();
                    let result = switch(cloud.as_ref(), &backups, &plan, stop_first).await.map_err(Arc::new);
                    Action::DevApplied { id, result }
                });
            }
            Effect::Execute(write) => {
                let rules = self.schedule.clone();
                self.spawn_then(async move {
                    let result = match &write {
                        Write::Power(Power::Start(ids)) => cloud.start(ids, false).await,
                        Write::Power(Power::Stop(ids)) => cloud.stop(ids, false).await,
                        Write::SetSchedule(on) => rules.set_enabled(*on, false).await,
                    };
                    Action::Done { write, result }
                });
            }
            Effect::FetchDevInfo { id, seq } => {
                let pattern = self.script_line.clone();
                self.spawn_then(async move {
                    let result = match cloud.user_data(&id).await {
                        Ok(bytes) => DevInfo::read(&bytes, &pattern).map_err(DevError::from),
                        Err(e) => Err(DevError::from(e)),
                    };
                    Action::DevInfoLoaded { id, seq, result: result.map_err(Arc::new) }
                });
            }
            Effect::PlanDev { id, on } => {
                let pattern = self.script_line.clone();
                self.spawn_then(async move {
                    Action::DevPlanned(
                        devmode::plan(cloud.as_ref(), &id, &pattern, on).await.map_err(Arc::new),
                    )
                });
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
                });
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
                    let result = match window {
                        None => export_run(store.as_ref(), &group, &instance, &path)
                            .await
                            .map(|e| Saved { lines: e.lines, path: e.path }),
                        Some((from, to)) => {
                            export_window(store.as_ref(), &group, &instance.id, from, to, &path).await
                        }
                    };
                    Action::Exported(result.map_err(Arc::new))
                });
            }
            Effect::FetchPast { instance_id, until } => {
                let (store, cfg) = (self.logs.clone(), self.config.clone());
                self.spawn_then(async move {
                    let from = until - HISTORY_SPAN;
                    let result = read_past(store.as_ref(), &cfg, &instance_id, from, Some(until)).await;
                    Action::PastLoaded { id: instance_id, until, result }
                });
            }
            Effect::FetchRunLog { instance_id, from, to } => {
                let (store, group) = (self.logs.clone(), self.config.log_group.clone());
                self.spawn_then(async move {
                    let end = to.map(jiff::Timestamp::as_millisecond);
                    let result = fetch_all(
                        store.as_ref(),
                        &group,
                        Some(&instance_id),
                        from.as_millisecond(),
                        end,
                        None,
                    )
                    .await
                    .map(|events| events.into_iter().map(|e| (e.ts_ms, e.message)).collect());
                    Action::RunLogLoaded { from, result }
                });
            }
            Effect::FetchActivity { seq, names, since } => {
                let log = self.activity.clone();
                self.spawn_then(async move {
                    let result =
                        crate::activity::read(log.as_ref(), &names, since, jiff::Timestamp::now()).await;
                    Action::ActivityLoaded { seq, result }
                });
            }
            Effect::PostSlack { kind, text } => self.post_slack(kind, text),
            Effect::RunDoctor => self.run_doctor(),
            Effect::PrepareShell(instance) => {
                let cfg = self.config.clone();
                self.spawn_then(async move {
                    let result =
                        shell::prepare(cloud.as_ref(), &cfg, &instance, &shell::Tools::from_env()).await;
                    Action::ShellPrepared(result.map(Arc::new).map_err(Arc::new))
                });
            }
            Effect::RunShell(plan) => self.run_shell(&plan, host)?,
            Effect::FetchPrices(instance) => {
                let (src, cfg) = (self.prices.clone(), self.config.clone());
                self.spawn_then(async move {
                    let now = jiff::Timestamp::now();
                    let prices =
                        crate::cost::lookup(src.as_ref(), &cfg.cost, &cfg.region, &instance, now).await;
                    Action::PricesLoaded(Box::new(prices))
                });
            }
        }
        Ok(())
    }

    /// Gives the terminal to the shell until it ends, then says how it ended. The one-off key,
    /// if any, goes with the plan once every holder has dropped it.
    fn run_shell(&self, plan: &shell::Plan, host: &mut dyn Host) -> anyhow::Result<()> {
        let banner = format!(
            "baseline-panel: opening a shell on {}\r\nbaseline-panel: exit the shell to come back to the panel",
            crate::sanitize::field(&plan.summary())
        );
        let result = host.run_shell(plan.command(), &banner)?.map_err(|e| e.to_string());
        let _ = self.tx.send(Action::ShellEnded {
            instance_id: plan.instance_id.clone(),
            program: plan.program.clone(),
            result,
        });
        Ok(())
    }
}

/// Saves the run log lines of `instance_id` in `[from, to]` to `path`, or to a numbered name
/// next to it when `path` exists; says how many and where.
async fn export_window(
    store: &dyn LogStore,
    group: &str,
    instance_id: &str,
    from: jiff::Timestamp,
    to: Option<jiff::Timestamp>,
    path: &std::path::Path,
) -> Result<Saved, ExportError> {
    let end = to.map(|t| t.as_millisecond() - 1);
    let events = fetch_all(store, group, Some(instance_id), from.as_millisecond(), end, None).await?;
    let text = render(&events);
    let written =
        write_new(path, &text).map_err(|source| ExportError::Write { path: path.to_path_buf(), source })?;
    Ok(Saved { lines: text.matches('\n').count(), path: written })
}

/// Stops and waits first when asked, then writes the planned user data the guarded way.
async fn switch(
    cloud: &dyn Cloud,
    backups: &BackupStore,
    plan: &Plan,
    stop_first: bool,
) -> Result<devmode::Applied, DevError> {
    let id = plan.id().to_string();
    if stop_first {
        devmode::check_write_permission(cloud, &id, &plan.proposed).await?;
        cloud.stop(std::slice::from_ref(&id), false).await?;
        devmode::wait_for_state(cloud, &id, InstanceState::Stopped, Wait::default(), &mut |_, _| {}).await?;
    }
    devmode::apply(cloud, backups, plan, jiff::Timestamp::now()).await
}

/// What the app's loop does itself: the terminal, and the log feeds it selects over.
pub trait Host {
    /// Rings the terminal bell.
    fn bell(&mut self);
    /// Puts `text` on the clipboard.
    fn copy(&mut self, text: &str);
    /// Suspends the panel to the shell and resumes it.
    fn suspend(&mut self) -> anyhow::Result<()>;
    /// (Re)starts following the log sources of `instance_id` from `since`.
    fn follow_logs(&mut self, instance_id: &str, since: jiff::Timestamp);
    /// Gives the terminal to `command` (printing `banner` on its screen first) until it ends,
    /// then takes it back; the command's exit status, or why it could not start.
    fn run_shell(
        &mut self,
        command: std::process::Command,
        banner: &str,
    ) -> anyhow::Result<std::io::Result<std::process::ExitStatus>>;
}
