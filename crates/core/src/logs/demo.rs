//! The demo's logs: the simulated box's run log, growing line by line while it runs, the
//! scheduler Lambda's invocation before each scheduled launch, and a console output.

use std::sync::Mutex;

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use super::demo_text::{DemoRun, console_text, run_events, scheduler_events};
use super::pattern::Pattern;
use super::{LiveTail, LogError, LogEvent, LogStore, Page, StreamInfo, scheduler_group};
use crate::cloud::demo::{DemoCloud, DemoTimings};
use crate::cloud::{CloudError, Instance, InstanceState};
use crate::config::Config;

/// Events per page, so that the demo exercises pagination too.
const PAGE: usize = 50;
/// Runs remembered.
const KEEP_RUNS: usize = 20;

/// Logs of the demo box, read from the same simulated box as the demo cloud.
pub struct DemoLogStore {
    cloud: DemoCloud,
    run_group: String,
    scheduler_group: String,
    runs: Mutex<Vec<DemoRun>>,
    /// The box's launch when the demo began: its last weekly run, already over.
    initial: Option<Timestamp>,
}

/// The box as seen at one moment.
struct Seen {
    instance: Instance,
    timings: DemoTimings,
    runs: Vec<DemoRun>,
    now: Timestamp,
}

/// The demo box's current launch time.
fn cloud_launch(cloud: &DemoCloud) -> Option<Timestamp> {
    cloud.with_box(|b| b.describe().launch_time)
}

/// Ten earlier Monday runs before `before`, about 1h40m each, and what happened between them:
/// three weeks back the run stopped on an R error and was rerun by hand 45 minutes later; two
/// weeks back someone booted the box in dev mode on the Tuesday afternoon.
fn past_runs(before: Option<Timestamp>) -> Vec<DemoRun> {
    let Some(before) = before else { return Vec::new() };
    let monday = crate::timefmt::last_monday_0900(before - SignedDuration::from_hours(24));
    let mut runs = Vec::new();
    for weeks in (1..=10).rev() {
        let launched =
            monday - SignedDuration::from_hours(24 * 7 * (weeks - 1)) + SignedDuration::from_secs(2);
        let mut r = DemoRun::live(launched, true, true);
        r.span = Some(SignedDuration::from_mins(95 + (weeks * 7 % 13)));
        if weeks == 3 {
            r.fails_at = Some("06 California");
            runs.push(r);
            let mut rerun = DemoRun::live(launched + SignedDuration::from_mins(45), true, false);
            rerun.span = Some(SignedDuration::from_mins(97));
            runs.push(rerun);
            continue;
        }
        runs.push(r);
        if weeks == 2 {
            let dev = launched + SignedDuration::from_hours(29);
            runs.push(DemoRun {
                cut: Some(dev + SignedDuration::from_mins(52)),
                ..DemoRun::live(dev, false, false)
            });
        }
    }
    runs.retain(|r| r.launched + SignedDuration::from_hours(3) < before);
    runs
}

impl DemoLogStore {
    /// Logs of `cloud`'s box, under the configured run group and scheduler Lambda.
    pub fn new(cloud: DemoCloud, cfg: &Config) -> Self {
        let initial = cloud_launch(&cloud);
        let past = past_runs(initial);
        DemoLogStore {
            initial,
            cloud,
            run_group: cfg.log_group.clone(),
            scheduler_group: scheduler_group(&cfg.lambda_name),
            runs: Mutex::new(past),
        }
    }

    /// Brings the record of runs up to date with the box and returns a snapshot.
    fn observe(&self) -> Seen {
        let now = Timestamp::now();
        let (instance, since, timings, script, stopped_at) =
            self.cloud.with_box(|b| (b.describe(), b.since(), b.timings(), b.script_runs(), b.stopped_at()));
        let mut runs = self.runs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(launched) = instance.launch_time
            && runs.last().map(|r| r.launched) != Some(launched)
        {
            // A launch exactly one idle period after the last stop is the simulated schedule.
            // The box's launch when the demo began is this week's run, started by the schedule
            // and over since its stop.
            let initial = Some(launched) == self.initial;
            let scheduled = initial || stopped_at.is_some_and(|s| s + timings.idle == launched);
            let mut run = DemoRun::live(launched, script, scheduled);
            if initial {
                run.span = stopped_at.map(|s| s.duration_since(launched) - timings.boot);
            }
            runs.push(run);
            if runs.len() > KEEP_RUNS {
                runs.remove(0);
            }
        }
        let by_hand = instance.state_reason_code.as_deref() == Some("Client.UserInitiatedShutdown");
        if let Some(r) = runs.last_mut()
            && r.cut.is_none()
            && by_hand
        {
            r.cut = match instance.state {
                InstanceState::Stopping => Some(since),
                InstanceState::Stopped => Some(stopped_at.unwrap_or(since) - timings.halt),
                _ => None,
            };
        }
        Seen { runs: runs.clone(), instance, timings, now }
    }

    fn events(&self, group: &str) -> Result<Vec<LogEvent>, LogError> {
        let seen = self.observe();
        let id = &seen.instance.id;
        let mut all: Vec<LogEvent> = if group == self.run_group {
            seen.runs.iter().flat_map(|r| run_events(id, r, seen.timings, seen.now)).collect()
        } else if group == self.scheduler_group {
            seen.runs.iter().flat_map(|r| scheduler_events(id, r, seen.now)).collect()
        } else {
            return Err(LogError::GroupMissing { group: group.into() });
        };
        all.sort_by_key(|e| e.ts_ms);
        Ok(all)
    }
}

#[async_trait]
impl LogStore for DemoLogStore {
    async fn filter_events(
        &self,
        group: &str,
        stream_prefix: Option<&str>,
        start_ms: i64,
        end_ms: Option<i64>,
        pattern: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page, LogError> {
        let pattern = Pattern::parse(pattern.unwrap_or(""));
        let matching: Vec<LogEvent> = self
            .events(group)?
            .into_iter()
            .filter(|e| {
                e.ts_ms >= start_ms
                    && end_ms.is_none_or(|end| e.ts_ms <= end)
                    && stream_prefix.is_none_or(|p| e.stream.as_deref().is_some_and(|s| s.starts_with(p)))
                    && pattern.matches(&e.message)
            })
            .collect();
        let from: usize = next_token.and_then(|t| t.parse().ok()).unwrap_or(0);
        let to = (from + PAGE).min(matching.len());
        Ok(Page {
            events: matching.get(from..to).unwrap_or_default().to_vec(),
            next_token: (to < matching.len()).then(|| to.to_string()),
        })
    }

    async fn streams(&self, group: &str) -> Result<Vec<StreamInfo>, LogError> {
        let mut out: Vec<StreamInfo> = Vec::new();
        for e in self.events(group)? {
            let name = e.stream.unwrap_or_default();
            match out.iter_mut().find(|s| s.name == name) {
                Some(s) => s.last_event_ms = Some(e.ts_ms),
                None => {
                    out.push(StreamInfo {
                        name,
                        first_event_ms: Some(e.ts_ms),
                        last_event_ms: Some(e.ts_ms),
                    });
                }
            }
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.last_event_ms));
        Ok(out)
    }

    async fn group_exists(&self, group: &str) -> Result<bool, LogError> {
        Ok(group == self.run_group || group == self.scheduler_group)
    }

    async fn console_output(&self, instance_id: &str) -> Result<String, LogError> {
        let seen = self.observe();
        if instance_id != seen.instance.id {
            return Err(
                CloudError::NotFound { target: instance_id.into(), region: "us-east-1".into() }.into()
            );
        }
        let Some(run) = seen.runs.last() else {
            return Ok(String::new());
        };
        let ended = matches!(seen.instance.state, InstanceState::Stopping | InstanceState::Stopped);
        Ok(console_text(run, seen.timings, ended, seen.now))
    }

    async fn live_tail(
        &self,
        _group: &str,
        _stream_prefix: Option<&str>,
        _pattern: Option<&str>,
    ) -> Result<LiveTail, LogError> {
        Err(LogError::LiveTailUnavailable("the demo is read by polling".into()))
    }

    fn kind(&self) -> &'static str {
        "demo"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::Cloud;
    use crate::logs::fetch_all;

    fn store() -> (DemoCloud, DemoLogStore) {
        let cloud = DemoCloud::new(DemoTimings::default());
        let store = DemoLogStore::new(cloud.clone(), &Config::builtin());
        (cloud, store)
    }

    #[tokio::test]
    async fn the_last_run_is_there_from_the_start() {
        let (_, s) = store();
        let all = fetch_all(&s, "/baseline-model/run", None, 0, None, None).await.unwrap();
        assert!(all.len() > 50, "{}", all.len());
        assert!(all.iter().any(|e| e.message == "done"));
        let sched = fetch_all(&s, "/aws/lambda/start-baseline-instance", None, 0, None, None).await.unwrap();
        assert!(sched.iter().any(|e| e.message == "starting any instances\n"));
    }

    #[tokio::test]
    async fn pages_filters_and_stream_prefixes_apply() {
        let (_, s) = store();
        let g = "/baseline-model/run";
        let first = s.filter_events(g, None, 0, None, None, None).await.unwrap();
        assert_eq!(first.events.len(), PAGE);
        let all = fetch_all(&s, g, None, 0, None, None).await.unwrap();
        assert!(all.len() > PAGE && first.next_token.is_some());
        assert_eq!(all[..PAGE], first.events[..]);
        let launch = cloud_launch(&s.cloud).unwrap().as_millisecond();
        let fits = fetch_all(&s, g, None, launch, None, Some("\"fitting baseline:\"")).await.unwrap();
        assert_eq!(fits.len(), 25, "the last run fits every location shown, the 58th last");
        let history = fetch_all(&s, g, None, 0, None, Some("\"Execution halted\"")).await.unwrap();
        assert_eq!(history.len(), 1, "one of the past weekly runs stopped on an R error");
        let stderr = fetch_all(&s, g, Some("i-0db5237193478dd8d-cloud"), 0, None, None).await.unwrap();
        assert!(stderr.iter().any(|e| e.message.contains("tidyverse")));
        assert!(!stderr.iter().any(|e| e.message == "done"));
        assert!(!s.group_exists("/nope").await.unwrap());
        assert!(matches!(
            fetch_all(&s, "/nope", None, 0, None, None).await,
            Err(LogError::GroupMissing { .. })
        ));
    }

    #[tokio::test]
    async fn the_demo_timeline_has_a_failure_a_quick_rerun_and_a_dev_session() {
        use crate::run::{Boundary, Kind, Outcome};
        let (cloud, s) = store();
        let cfg = Config::builtin();
        let inst = cloud.instances().await.unwrap().remove(0);
        let now = Timestamp::now();
        let from = now - crate::logs::history::HISTORY_SPAN;
        let (t, warnings) =
            crate::logs::history::read_timeline(&s, &cfg, &inst, None, from, now).await.unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(t.entries.len(), 13, "ten Mondays, a rerun, a dev session, this week: {:#?}", t.entries);
        // This week's run: the box's LaunchTime, ended by the script, as long as the box says.
        let last = t.last_run().unwrap();
        assert!(last.current && last.scheduled && last.boundary == Boundary::LaunchTime);
        assert_eq!(last.outcome, Outcome::Succeeded, "{last:?}");
        assert_eq!(last.duration, Some(crate::cloud::demo::LAST_RUN));
        let own = fetch_all(&s, &cfg.log_group, Some(&inst.id), last.started.as_millisecond(), None, None)
            .await
            .unwrap();
        assert_eq!(last.lines, own.len(), "counts are the lines read");
        // The failure, then the rerun by hand 45 minutes after it started.
        let i = t.entries.iter().position(|e| e.outcome == Outcome::Failed).unwrap();
        let (rerun, failed) = (&t.entries[i - 1], &t.entries[i]);
        assert!(failed.scheduled && !rerun.scheduled);
        assert_eq!(rerun.started.duration_since(failed.started), SignedDuration::from_mins(45));
        assert_eq!(rerun.outcome, Outcome::Succeeded);
        assert_eq!(
            failed.first_failure.as_deref(),
            Some("Error in quantile(x, probs): missing values and NaN's not allowed if 'na.rm' is FALSE")
        );
        // The dev session, from its own log: cloud-init finished at once, no script line.
        let dev: Vec<_> = t.entries.iter().filter(|e| e.kind == Kind::DevSession).collect();
        assert_eq!(dev.len(), 1);
        assert_eq!(dev[0].boundary, Boundary::CloudInit);
        assert!(t.entries.iter().all(|e| !e.boundary.is_guess()), "every start from evidence");
        assert!(
            t.entries.iter().filter(|e| e.kind == Kind::Run && e.boundary == Boundary::CloudInit).all(|e| e
                .started
                .as_second()
                % 60
                == 4),
            "cloud-init times match the launches"
        );
    }

    #[tokio::test]
    async fn a_run_started_by_hand_logs_and_skips_the_lambda() {
        let (cloud, s) = store();
        s.streams("/baseline-model/run").await.unwrap();
        cloud.start(&[], false).await.unwrap();
        let seen = s.observe();
        let n = seen.runs.len();
        assert!(n >= 2 && seen.runs[n - 2].scheduled, "past weekly runs came from the schedule");
        assert!(!seen.runs[n - 1].scheduled, "the run started by hand did not");
        let console = s.console_output("i-0db5237193478dd8d").await.unwrap();
        assert_eq!(console, "", "still booting");
        assert!(s.console_output("i-0123").await.is_err());
        assert!(s.live_tail("g", None, None).await.is_err());
    }
}
