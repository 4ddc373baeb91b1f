//! `baseline-panel logs [--follow] [--since WHEN] [--source run|scheduler|console]
//! [--filter PATTERN] [--run last [--output FILE]]`: `timestamp  message` lines for pipes.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{mpsc, watch};

use super::Failure;
use crate::backends::Backends;
use crate::cloud::{Cloud, CloudError, Instance};
use crate::config::Config;
use crate::logs::export::line;
use crate::logs::history::{HISTORY_SPAN, read_timeline};
use crate::logs::pattern::Pattern;
use crate::logs::since::parse_since;
use crate::logs::{
    ExportError, FollowRequest, LogError, LogEvent, LogStore, Pace, Source, fetch_all, last_run,
    missing_group_message, render, spawn_follow, write_atomic,
};
use crate::run::{Entry, Kind};
use crate::sanitize::field;
use crate::timefmt::{human_duration, utc};

/// Options of `baseline-panel logs`.
#[derive(Debug, Clone, clap::Args)]
pub struct LogsArgs {
    /// Keep printing new lines as they arrive; Ctrl-C stops.
    #[arg(long, short = 'f', conflicts_with = "run")]
    pub follow: bool,
    /// Start this long ago (30m, 1h, 2d) or at this time (2026-11-23T09:00:00Z) [default: 1h].
    #[arg(long, value_name = "WHEN", value_parser = since_arg, conflicts_with = "run")]
    pub since: Option<Timestamp>,
    /// Which log: run (the model's output), scheduler (the Lambda), console (EC2 console).
    #[arg(long, default_value = "run", value_parser = source_arg(), conflicts_with = "run")]
    pub source: Source,
    /// Only lines matching this `CloudWatch` filter pattern (ERROR, "a phrase", ?WARN ?ERROR).
    #[arg(long, value_name = "PATTERN", conflicts_with = "run")]
    pub filter: Option<String>,
    /// The whole log of a run, from its launch: `last` is the most recent one.
    #[arg(long, value_name = "WHICH", value_parser = ["last"])]
    pub run: Option<String>,
    /// With --run: write the log to this file (atomically) and say where.
    #[arg(long, value_name = "FILE", requires = "run")]
    pub output: Option<PathBuf>,
    /// Print the messages' bytes as they are, control characters included (for pipes); by
    /// default they are shown escaped (`\u{1b}`), so a log line cannot act on the terminal.
    #[arg(long)]
    pub raw: bool,
}

fn since_arg(s: &str) -> Result<Timestamp, String> {
    parse_since(s, Timestamp::now())
}

/// `run`, `scheduler` or `console` (listed in the help and offered by the shell's completion).
fn source_arg() -> impl clap::builder::TypedValueParser<Value = Source> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Source::ALL.map(Source::name)).try_map(|s| s.parse::<Source>())
}

/// The failure of a log read of `source` in `group` (set by `key` in the config file), with its
/// exit code.
fn failure(source: Source, group: &str, key: &str, e: LogError) -> Failure {
    match e {
        LogError::GroupMissing { group: g } => Failure {
            code: 3,
            message: missing_group_message(source, if g.is_empty() { group } else { &g }, key),
        },
        LogError::Cloud(c) => c.into(),
        e @ LogError::LiveTailUnavailable(_) => Failure { code: 1, message: e.to_string() },
    }
}

/// Writes `text` and flushes; `Ok(false)` when the reader has gone (a closed pipe is no error).
fn write_out(text: &str) -> Result<bool, Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn text_of(source: Source, events: &[LogEvent], raw: bool) -> String {
    let text: String = match source {
        // The console has no time per line: its text, as EC2 shows it.
        Source::Console => events.iter().flat_map(|e| [e.message.as_str(), "\n"]).collect(),
        _ => events.iter().map(line).collect(),
    };
    shown(text, raw)
}

/// Log text as printed: control characters escaped (newlines and tabs kept) unless `raw`.
fn shown(text: String, raw: bool) -> String {
    if raw { text } else { crate::sanitize::text(&text).into_owned() }
}

/// Runs `logs` with the demo's or AWS's store.
pub async fn run(args: &LogsArgs, cfg: &Config, b: &Backends) -> Result<(), Failure> {
    run_with(args, cfg, b.cloud.clone(), b.logs.clone()).await
}

/// Runs `logs` on the given cloud and store.
pub async fn run_with(
    args: &LogsArgs,
    cfg: &Config,
    cloud: Arc<dyn Cloud>,
    store: Arc<dyn LogStore>,
) -> Result<(), Failure> {
    if args.run.is_some() {
        return export(args, cfg, cloud.as_ref(), store.as_ref()).await;
    }
    // The box: its id names the run's streams and the console; its state paces --follow.
    let needs_box = args.follow || args.source != Source::Scheduler;
    let found = if needs_box { cloud.instances().await } else { Ok(Vec::new()) };
    // Without credentials no log can be read either: say so once, not "showing every stream".
    if let Err(e @ CloudError::Credentials(_)) = &found {
        return Err(e.clone().into());
    }
    let active = found.as_ref().map_or(true, |l| l.is_empty() || l.iter().any(|i| i.state.is_active()));
    let req = match args.source {
        Source::Console => {
            let list = found?;
            let inst = last_run(&list).unwrap_or(&list[0]);
            if !args.follow {
                return print_console(store.as_ref(), inst, args.filter.as_deref(), args.raw).await;
            }
            FollowRequest::console(&inst.id)
        }
        Source::Run => {
            let since = args.since.unwrap_or_else(default_since);
            FollowRequest::run(&cfg.log_group, run_prefix(&found).as_deref(), since)
        }
        Source::Scheduler => {
            let since = args.since.unwrap_or_else(default_since);
            FollowRequest::scheduler(&cfg.lambda_name, since)
        }
    }
    .with_filter(args.filter.as_deref())
    .with_group_key(&cfg.setting_keys);
    if !args.follow {
        let events = fetch_all(
            store.as_ref(),
            &req.group,
            req.stream_prefix.as_deref(),
            req.since_ms,
            None,
            req.filter.as_deref(),
        )
        .await
        .map_err(|e| failure(req.source, &req.group, &req.group_key, e))?;
        write_out(&text_of(req.source, &events, args.raw))?;
        return Ok(());
    }
    if req.source != Source::Console {
        match store.group_exists(&req.group).await {
            Ok(true) => {}
            Ok(false) => {
                return Err(failure(req.source, &req.group, &req.group_key, group_missing(&req.group)));
            }
            Err(e) => return Err(failure(req.source, &req.group, &req.group_key, e)),
        }
    }
    follow(req, cfg, cloud, store, active, args.raw).await
}

fn default_since() -> Timestamp {
    Timestamp::now() - jiff::SignedDuration::from_hours(1)
}

fn group_missing(group: &str) -> LogError {
    LogError::GroupMissing { group: group.into() }
}

/// The run group's streams are named after the instance: one instance, its streams; several (or
/// an unknown box), every stream of the group.
fn run_prefix(found: &Result<Vec<Instance>, CloudError>) -> Option<String> {
    match found {
        Ok(list) if list.len() == 1 => Some(list[0].id.clone()),
        Ok(list) => {
            eprintln!("baseline-panel: {} instances match; showing the streams of all of them", list.len());
            None
        }
        Err(e) => {
            eprintln!("baseline-panel: {}; showing every stream of the log group", field(&e.to_string()));
            None
        }
    }
}

async fn print_console(
    store: &dyn LogStore,
    inst: &Instance,
    filter: Option<&str>,
    raw: bool,
) -> Result<(), Failure> {
    let text = store.console_output(&inst.id).await.map_err(|e| failure(Source::Console, "", "", e))?;
    let pattern = Pattern::parse(filter.unwrap_or(""));
    let text: String = text.lines().filter(|l| pattern.matches(l)).flat_map(|l| [l, "\n"]).collect();
    write_out(&shown(text, raw))?;
    Ok(())
}

/// Keeps `active` up to date with the box's state, at the panel's poll intervals.
async fn watch_box(cloud: Arc<dyn Cloud>, active: watch::Sender<bool>, fast: u64, slow: u64) {
    loop {
        let secs = if *active.borrow() { fast } else { slow };
        tokio::time::sleep(Duration::from_secs(secs)).await;
        if let Ok(list) = cloud.instances().await {
            let _ = active.send(list.iter().any(|i| i.state.is_active()));
        }
    }
}

async fn follow(
    req: FollowRequest,
    cfg: &Config,
    cloud: Arc<dyn Cloud>,
    store: Arc<dyn LogStore>,
    active: bool,
    raw: bool,
) -> Result<(), Failure> {
    let source = req.source;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (active_tx, active_rx) = watch::channel(active);
    let (fast, slow) = (cfg.poll_fast_secs, cfg.poll_slow_secs);
    let watcher = tokio::spawn(watch_box(cloud, active_tx, fast, slow));
    let handle = spawn_follow(store, req, tx, active_rx, Pace::default());
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut status = None;
    loop {
        tokio::select! {
            _ = &mut ctrl_c => break,
            batch = rx.recv() => {
                let Some(b) = batch else { break };
                if status.as_ref() != Some(&b.status) {
                    eprintln!("baseline-panel: {source} log: {}", field(&b.status.to_string()));
                    status = Some(b.status.clone());
                }
                if !b.events.is_empty() && !write_out(&text_of(source, &b.events, raw))? {
                    break;
                }
            }
        }
    }
    handle.cancel();
    watcher.abort();
    Ok(())
}

/// `--run last`: the newest boot of kind run on the run timeline every screen reads (a dev
/// session after it is skipped), from its start to the next boot's.
async fn export(
    args: &LogsArgs,
    cfg: &Config,
    cloud: &dyn Cloud,
    store: &dyn LogStore,
) -> Result<(), Failure> {
    let boxes = cloud.instances().await?;
    let read_failure = |e| failure(Source::Run, &cfg.log_group, &cfg.setting_keys.log_group, e);
    let now = Timestamp::now();
    let mut last: Option<(Entry, Option<Timestamp>)> = None;
    for i in boxes.iter().filter(|i| i.launch_time.is_some()) {
        let kind = super::runs::current_kind(cfg, cloud, i).await;
        let (t, warnings) =
            read_timeline(store, cfg, i, kind, now - HISTORY_SPAN, now).await.map_err(read_failure)?;
        for w in warnings {
            eprintln!("warning: {}", field(&w));
        }
        let Some(n) = t.entries.iter().position(|e| e.kind == Kind::Run) else { continue };
        let to = n.checked_sub(1).map(|m| t.entries[m].started);
        if last.as_ref().is_none_or(|(e, _)| t.entries[n].started > e.started) {
            last = Some((t.entries[n].clone(), to));
        }
    }
    let Some((run, to)) = last else {
        let message = match boxes.iter().find(|i| i.launch_time.is_some()) {
            None => {
                format!("{} has never been launched, so there is no run log yet; start it first", boxes[0].id)
            }
            Some(_) => format!(
                "no run in {} over the last {} (dev sessions only, or no log at all)",
                cfg.log_group,
                human_duration(HISTORY_SPAN)
            ),
        };
        return Err(Failure { code: 3, message });
    };
    let events = fetch_all(
        store,
        &cfg.log_group,
        Some(&run.instance_id),
        run.started.as_millisecond(),
        to.map(|t| t.as_millisecond() - 1),
        None,
    )
    .await
    .map_err(read_failure)?;
    let text = render(&events);
    let Some(path) = &args.output else {
        write_out(&shown(text, args.raw))?;
        return Ok(());
    };
    write_atomic(path, &text).map_err(|source| Failure {
        code: 1,
        message: ExportError::Write { path: path.clone(), source }.to_string(),
    })?;
    write_out(&format!(
        "wrote {} lines of the run of {} (started {}) to {}\n",
        text.matches('\n').count(),
        run.instance_id,
        utc(run.started),
        path.display()
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::scheduler_group;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        logs: LogsArgs,
    }

    fn parse(args: &[&str]) -> Result<LogsArgs, clap::Error> {
        T::try_parse_from(std::iter::once("logs").chain(args.iter().copied())).map(|t| t.logs)
    }

    #[test]
    fn flags_parse_and_conflict_as_documented() {
        let a = parse(&["--follow", "--since", "30m", "--source", "scheduler"]).unwrap();
        assert!(a.follow);
        assert_eq!(a.source, Source::Scheduler);
        let ago = Timestamp::now().duration_since(a.since.unwrap()).as_secs();
        assert!((1799..=1801).contains(&ago), "{ago}");
        assert!(parse(&["--since", "yesterday"]).is_err());
        assert!(parse(&["--source", "lambda"]).is_err());
        assert!(parse(&["--output", "x.log"]).is_err(), "--output needs --run");
        assert!(parse(&["--run", "last", "--follow"]).is_err());
        assert!(parse(&["--run", "first"]).is_err());
        let a = parse(&["--run", "last", "--output", "x.log"]).unwrap();
        assert_eq!(a.source, Source::Run);
        assert_eq!(scheduler_group("f"), "/aws/lambda/f");
    }

    #[test]
    fn a_missing_group_exits_3_and_says_what_to_set() {
        let key = "`log_group` under [boxes.flu]";
        let f = failure(Source::Run, "/baseline-model/run", key, group_missing("/baseline-model/run"));
        assert_eq!(f.code, 3);
        assert!(f.message.contains("set `log_group` under [boxes.flu]"), "{}", f.message);
    }
}
