//! The demo's log text: what a weekly baseline build prints, timed relative to the launch, and
//! what the scheduler Lambda and the EC2 console show around it. Pure functions of time.

use jiff::{SignedDuration, Timestamp};

use super::LogEvent;
use crate::cloud::demo::DemoTimings;

/// One boot of the simulated box, as the demo log store saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DemoRun {
    /// Launch time.
    pub launched: Timestamp,
    /// True when this boot ran the model script (false in dev mode).
    pub script: bool,
    /// When the box was stopped by hand, if it was.
    pub cut: Option<Timestamp>,
    /// True when the schedule (the Lambda) started it.
    pub scheduled: bool,
    /// How long the script runs, when not the demo box's own pace (past weekly runs).
    pub span: Option<SignedDuration>,
    /// The script stops on an R error at this location (a failed run).
    pub fails_at: Option<&'static str>,
}

impl DemoRun {
    /// A run of the demo box as it happens now.
    pub fn live(launched: Timestamp, script: bool, scheduled: bool) -> Self {
        DemoRun { launched, script, cut: None, scheduled, span: None, fails_at: None }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Out {
    /// The script's stdout: /tmp/startup-out.txt, the `<id>` stream.
    Stdout,
    /// Its stderr (R's messages): cloud-init-output.log, the `<id>-cloud-init` stream.
    Stderr,
}

use Out::{Stderr as E, Stdout as O};

/// The script's lines: (fraction of the run, where it goes, text). `{date}` is the forecast date.
const SCRIPT: &[(f64, Out, &str)] = &[
    (0.000, O, "== run-baseline.sh starting {date} {time} UTC on ip-172-31-20-14 =="),
    (0.004, O, "loaded ~/.env (SLACK_API_TOKEN, CHANNEL_ID)"),
    (0.010, O, "slack_message: \"starting run-baseline.sh\" -> ok"),
    (0.030, O, "== updating repositories =="),
    (0.034, O, "~/covid19-forecast-hub: git pull"),
    (0.058, O, "From https://github.com/reichlab/covid19-forecast-hub"),
    (0.060, O, "   3f2a1c9..8b7d0e4  master     -> origin/master"),
    (0.062, O, "Updating 3f2a1c9..8b7d0e4"),
    (0.064, O, "Fast-forward"),
    (0.066, O, " data-truth/truth-Incident Cases.csv  | 3312 ++++++++++-------"),
    (0.068, O, " data-truth/truth-Incident Deaths.csv | 3296 ++++++++++-------"),
    (0.070, O, " 2 files changed, 4212 insertions(+), 2396 deletions(-)"),
    (0.078, O, "~/covidModels: git pull"),
    (0.090, O, "Already up to date."),
    (0.100, O, "== building the baseline model for {date} =="),
    (0.104, O, "Rscript code/baseline/fit_baseline.R --forecast-date {date}"),
    (0.110, E, "Loading required package: covidHubUtils"),
    (0.114, E, "── Attaching packages ──────────────────────── tidyverse 1.3.1 ──"),
    (0.116, E, "✔ ggplot2 3.3.5     ✔ purrr   0.3.4"),
    (0.118, E, "✔ tibble  3.1.6     ✔ dplyr   1.0.7"),
    (0.120, E, "✔ tidyr   1.1.4     ✔ stringr 1.4.0"),
    (0.122, E, "✔ readr   2.1.1     ✔ forcats 0.5.1"),
    (0.126, E, "── Conflicts ────────────────────────────── tidyverse_conflicts() ──"),
    (0.128, E, "✖ dplyr::filter() masks stats::filter()"),
    (0.130, E, "✖ dplyr::lag()    masks stats::lag()"),
    (0.138, E, "Loading required package: simplets"),
    (0.150, O, "[1] \"loading truth data: 3312 rows, 58 locations\""),
    (0.170, O, "[1] \"fitting the baseline model per location (quantile, 4 horizons)\""),
];

/// Locations fitted one by one between 18 % and 70 % of the run.
const LOCATIONS: &[&str] = &[
    "US",
    "01 Alabama",
    "02 Alaska",
    "04 Arizona",
    "05 Arkansas",
    "06 California",
    "08 Colorado",
    "09 Connecticut",
    "10 Delaware",
    "11 District of Columbia",
    "12 Florida",
    "13 Georgia",
    "15 Hawaii",
    "16 Idaho",
    "17 Illinois",
    "18 Indiana",
    "19 Iowa",
    "20 Kansas",
    "21 Kentucky",
    "22 Louisiana",
    "23 Maine",
    "24 Maryland",
    "25 Massachusetts",
    "26 Michigan",
];

const WRAP_UP: &[(f64, Out, &str)] = &[
    // The last location: the progress gauge ends at 58/58, as the next line says.
    (0.702, O, "[1] \"fitting baseline: 78 Virgin Islands (58/58) ... ok (0.9 s)\""),
    (0.705, O, "[1] \"fitted 58 locations (33 more not shown)\""),
    (0.720, O, "[1] \"writing forecasts/{date}-COVIDhub-baseline.csv (27,840 rows)\""),
    (0.750, O, "[1] \"validating: 0 errors, 0 warnings\""),
    (0.780, O, "== plotting =="),
    (0.800, E, "Saving 11 x 8.5 in image"),
    (0.840, O, "[1] \"wrote plots/{date}-COVIDhub-baseline.pdf (58 pages)\""),
    (0.870, O, "slack_upload: {date}-COVIDhub-baseline.pdf -> ok"),
    (0.890, O, "== pushing the forecast =="),
    (0.900, O, "[baseline-{date} 8c1e2f7] baseline build {date}"),
    (0.910, O, " 1 file changed, 27841 insertions(+)"),
    (0.930, O, "To https://github.com/reichlabmachine/covid19-forecast-hub.git"),
    (0.940, O, " * [new branch]      baseline-{date} -> baseline-{date}"),
    (0.950, O, "slack_message: \"baseline {date} done\" -> ok"),
    (0.970, O, "done"),
    (0.985, O, "shutting down"),
];

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// `{date}` is the forecast date (the launch's); `{time}` is when the line is printed (the
/// script prints its own clock, after the boot, not the launch time).
fn fill(text: &str, launched: Timestamp, printed: Timestamp) -> String {
    text.replace("{date}", &launched.strftime("%Y-%m-%d").to_string())
        .replace("{time}", &printed.strftime("%H:%M:%S").to_string())
}

/// Every line of the run's streams up to `now` (and up to the stop by hand), oldest first.
#[allow(
    clippy::cast_precision_loss,
    reason = "demo text: positions among a few dozen lines, far below f64's exact range"
)]
pub(crate) fn run_events(instance: &str, run: &DemoRun, t: DemoTimings, now: Timestamp) -> Vec<LogEvent> {
    let up = run.launched + t.boot;
    let cloud_init = format!("{instance}-cloud-init");
    let mut lines: Vec<(Timestamp, &str, String)> = Vec::new();
    let stamp = |at: Timestamp| at.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
    // The kernel starts two seconds after the launch: cloud-init's uptime counts from there.
    let boot_secs = (t.boot.as_secs_f64() - 2.0).max(0.5);
    for ((stage, up_s), n) in
        [("init", 0.0), ("modules:config", 0.6), ("modules:final", 0.9)].into_iter().zip(0_i64..)
    {
        let at = up + SignedDuration::from_millis(n * 300);
        lines.push((
            at,
            &cloud_init,
            format!(
                "Cloud-init v. 19.3-46.amzn2.0.2 running '{stage}' at {}. Up {:.2} seconds.",
                stamp(at),
                boot_secs + up_s
            ),
        ));
    }
    if run.script {
        let start = up + SignedDuration::from_millis(1000);
        let span =
            (run.span.unwrap_or(t.run) - SignedDuration::from_secs(2)).max(SignedDuration::from_secs(1));
        let at = |f: f64| start + SignedDuration::from_secs_f64(span.as_secs_f64() * f);
        let stream = |o: Out| {
            if o == O { instance } else { cloud_init.as_str() }
        };
        for (f, o, text) in SCRIPT {
            lines.push((at(*f), stream(*o), fill(text, run.launched, at(*f))));
        }
        let step = 0.52 / LOCATIONS.len() as f64;
        for (i, loc) in LOCATIONS.iter().enumerate() {
            let f = 0.18 + step * i as f64;
            let secs = 0.6 + (i * 7 % 11) as f64 / 10.0;
            lines.push((
                at(f),
                instance,
                format!("[1] \"fitting baseline: {loc} ({}/58) ... ok ({secs:.1} s)\"", i + 1),
            ));
            if run.fails_at == Some(*loc) {
                let halt = at(f + step / 2.0);
                lines.push((
                    halt,
                    &cloud_init,
                    "Error in quantile(x, probs): missing values and NaN's not allowed if 'na.rm' is FALSE"
                        .into(),
                ));
                lines.push((halt, &cloud_init, "Calls: fit_baseline -> lapply -> FUN -> quantile".into()));
                lines.push((halt, &cloud_init, "Execution halted".into()));
                break;
            }
            if *loc == "12 Florida" {
                lines.push((at(f + step / 2.0), &cloud_init, "Warning message:".into()));
                lines.push((at(f + step / 2.0), &cloud_init, "In log(x) : NaNs produced".into()));
            }
        }
        for (f, o, text) in WRAP_UP.iter().filter(|_| run.fails_at.is_none()) {
            lines.push((at(*f), stream(*o), fill(text, run.launched, at(*f))));
        }
    } else {
        let at = up + SignedDuration::from_millis(1000);
        lines.push((
            at,
            &cloud_init,
            format!(
                "Cloud-init v. 19.3-46.amzn2.0.2 finished at {}. Datasource DataSourceEc2.  Up {:.2} seconds",
                stamp(at),
                boot_secs + 1.3
            ),
        ));
    }
    let limit = run.cut.map_or(now, |c| c.min(now));
    lines.sort_by_key(|(at, _, _)| *at);
    lines
        .into_iter()
        .enumerate()
        .filter(|(_, (at, _, _))| *at <= limit)
        .map(|(n, (at, stream, message))| LogEvent {
            ts_ms: ms(at),
            ingest_ms: Some(ms(at) + 300),
            message,
            id: Some(format!("{}{:04}", ms(run.launched), n)),
            stream: Some(stream.to_string()),
        })
        .collect()
}

/// The Lambda's invocation that started the run (none when it was started by hand).
pub(crate) fn scheduler_events(instance: &str, run: &DemoRun, now: Timestamp) -> Vec<LogEvent> {
    if !run.scheduled {
        return Vec::new();
    }
    let t0 = run.launched - SignedDuration::from_millis(1500);
    let request = format!("{:08x}-4c1a-4b2e-9d3f-{:012x}", ms(run.launched) % 0xffff_ffff, ms(run.launched));
    let stream = format!(
        "{}/[$LATEST]{:032x}",
        t0.strftime("%Y/%m/%d"),
        u128::from(ms(run.launched).unsigned_abs()) * 2_654_435_761
    );
    let fired = t0.strftime("%Y-%m-%dT%H:%M:00Z");
    let lines = [
        format!("START RequestId: {request} Version: $LATEST\n"),
        format!(
            "entered. event={{'version': '0', 'detail-type': 'Scheduled Event', 'source': 'aws.events', \
             'account': '123456789012', 'time': '{fired}', 'region': 'us-east-1', 'resources': \
             ['arn:aws:events:us-east-1:123456789012:rule/MondayMorning9aEST'], 'detail': {{}}}}, \
             context=<__main__.LambdaContext object at 0x7f3a2c1e5d60>\n"
        ),
        "starting any instances\n".into(),
        format!(
            "starting: ec2.Instance(id='{instance}'). tags=[{{'Key': 'Name', 'Value': 'baseline model'}}]\n"
        ),
        "done\n".into(),
        format!("END RequestId: {request}\n"),
        format!(
            "REPORT RequestId: {request}\tDuration: 812.43 ms\tBilled Duration: 813 ms\t\
             Memory Size: 128 MB\tMax Memory Used: 76 MB\tInit Duration: 301.12 ms\t\n"
        ),
    ];
    lines
        .into_iter()
        .zip(0_i64..)
        .map(|(message, n)| (t0 + SignedDuration::from_millis(n * 140), n, message))
        .filter(|(at, _, _)| *at <= now)
        .map(|(at, n, message)| LogEvent {
            ts_ms: ms(at),
            ingest_ms: Some(ms(at) + 40),
            message,
            id: Some(format!("s{}{:02}", ms(run.launched), n)),
            stream: Some(stream.clone()),
        })
        .collect()
}

/// What the EC2 console shows after the run's boot; `ended` adds the power-down lines.
pub(crate) fn console_text(run: &DemoRun, t: DemoTimings, ended: bool, now: Timestamp) -> String {
    if now < run.launched + t.boot {
        return String::new();
    }
    let mut s = String::from(
        "[    0.000000] Linux version 4.14.336-257.566.amzn2.x86_64 (mockbuild@ip-10-0-1-7) \
         (gcc version 7.3.1 20180712 (Red Hat 7.3.1-17) (GCC)) #1 SMP Sat Oct 12 00:22:05 UTC 2026\n\
         [    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-4.14.336-257.566.amzn2.x86_64 \
         root=UUID=8a3f1c2e-5d4b-4e1a-9c7f-2b6d0e3a1f45 ro console=tty0 console=ttyS0,115200n8 \
         net.ifnames=0 biosdevname=0 nvme_core.io_timeout=4294967295\n\
         [    0.000000] x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'\n\
         [    0.512334] ACPI: Early table checksum verification disabled\n\
         [    1.204871] nvme nvme0: 2/0/0 default/read/poll queues\n\
         [    1.901250] EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode. Opts: (null)\n\
         [    3.511207] EXT4-fs (nvme1n1): mounted filesystem with ordered data mode. Opts: (null)\n\
         [  OK  ] Mounted /home/ec2-user/data.\n\
         [  OK  ] Started Initial cloud-init job (metadata service crawler).\n\
         [  OK  ] Started Amazon CloudWatch Agent.\n\
         [  OK  ] Reached target Multi-User System.\n\
         \n\
         Amazon Linux 2\n\
         Kernel 4.14.336-257.566.amzn2.x86_64 on an x86_64\n\
         \n\
         ip-172-31-20-14 login: ",
    );
    if ended {
        s.push_str(
            "\n[  OK  ] Stopped Amazon CloudWatch Agent.\n\
             [  OK  ] Stopped target Multi-User System.\n\
             [  OK  ] Unmounted /home/ec2-user/data.\n\
             [  OK  ] Reached target Power-Off.\n\
             [ 4213.830112] reboot: Power down\n",
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Timestamp {
        "2026-11-23T14:00:00Z".parse().unwrap()
    }

    fn run(script: bool) -> DemoRun {
        DemoRun::live(t0(), script, true)
    }

    fn texts(v: &[LogEvent]) -> Vec<&str> {
        v.iter().map(|e| e.message.as_str()).collect()
    }

    #[test]
    fn a_script_run_prints_the_whole_build_by_its_end() {
        let t = DemoTimings::default();
        let all = run_events("i-1", &run(true), t, t0() + SignedDuration::from_hours(1));
        let text = texts(&all);
        assert!(text[0].starts_with("Cloud-init v. 19.3"), "{text:?}");
        for needle in ["git pull", "tidyverse", "fitting baseline: US", "slack_upload", "done"] {
            assert!(text.iter().any(|l| l.contains(needle)), "{needle}");
        }
        assert_eq!(text.last(), Some(&"shutting down"));
        let end = t0() + t.boot + t.run;
        assert!(all.iter().all(|e| e.ts_ms <= end.as_millisecond()), "within the run");
        assert!(all.windows(2).all(|w| w[0].ts_ms <= w[1].ts_ms), "oldest first");
        let mut ids: Vec<_> = all.iter().map(|e| e.id.clone()).collect();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "ids are unique");
    }

    #[test]
    fn the_script_says_it_starts_after_the_boot_at_its_own_line_time() {
        let t = DemoTimings::default();
        let all = run_events("i-1", &run(true), t, t0() + SignedDuration::from_hours(1));
        let start = all.iter().find(|e| e.message.starts_with("== run-baseline.sh starting")).unwrap();
        let said = Timestamp::from_millisecond(start.ts_ms).unwrap().strftime("%Y-%m-%d %H:%M:%S");
        assert!(start.message.contains(&format!("starting {said} UTC")), "{}", start.message);
        let boot = all.iter().find(|e| e.message.contains("running 'init'")).unwrap();
        assert!(start.ts_ms > boot.ts_ms, "the script starts after cloud-init's boot line");
    }

    #[test]
    fn a_whole_run_ends_its_progress_at_58_of_58() {
        let all = run_events("i-1", &run(true), DemoTimings::default(), t0() + SignedDuration::from_hours(1));
        let rules = crate::run::RunRules::default();
        let last = all.iter().filter_map(|e| rules.progress_of(&e.message)).next_back();
        assert_eq!(last, Some((58, 58)), "the gauge agrees with \"fitted 58 locations\"");
    }

    #[test]
    fn lines_appear_progressively() {
        let t = DemoTimings::default();
        let at = |s| run_events("i-1", &run(true), t, t0() + SignedDuration::from_secs(s)).len();
        assert_eq!(at(1), 0, "nothing while booting");
        assert!(at(20) < at(40) && at(40) < at(70), "{} {} {}", at(20), at(40), at(70));
    }

    #[test]
    fn dev_mode_boots_show_only_cloud_init() {
        let all =
            run_events("i-1", &run(false), DemoTimings::default(), t0() + SignedDuration::from_hours(5));
        assert!(!all.is_empty());
        assert!(
            all.iter()
                .all(|e| e.stream.as_deref() == Some("i-1-cloud-init")
                    && e.message.starts_with("Cloud-init")),
            "{all:?}"
        );
    }

    #[test]
    fn a_stop_by_hand_cuts_the_log() {
        let t = DemoTimings::default();
        let mut r = run(true);
        r.cut = Some(t0() + SignedDuration::from_secs(30));
        let all = run_events("i-1", &r, t, t0() + SignedDuration::from_hours(1));
        assert!(!texts(&all).contains(&"done"));
        assert!(all.iter().all(|e| e.ts_ms <= r.cut.unwrap().as_millisecond()));
    }

    #[test]
    fn the_lambda_starts_scheduled_runs_only() {
        let now = t0() + SignedDuration::from_secs(5);
        let ev = scheduler_events("i-1", &run(true), now);
        let text = texts(&ev);
        assert!(text[0].starts_with("START RequestId: "));
        assert!(text.contains(&"starting any instances\n"));
        assert!(text.last().unwrap().starts_with("REPORT RequestId: "));
        assert!(ev.iter().all(|e| e.ts_ms < t0().as_millisecond()), "before the launch");
        let by_hand = DemoRun { scheduled: false, ..run(true) };
        assert!(scheduler_events("i-1", &by_hand, now).is_empty());
    }

    #[test]
    fn the_console_shows_the_boot_and_the_power_down() {
        let t = DemoTimings::default();
        assert_eq!(console_text(&run(true), t, false, t0()), "");
        let up = console_text(&run(true), t, false, t0() + SignedDuration::from_secs(30));
        assert!(up.contains("Amazon Linux 2") && !up.contains("Power down"));
        let down = console_text(&run(true), t, true, t0() + SignedDuration::from_secs(90));
        assert!(down.starts_with(&up) && down.contains("reboot: Power down"));
    }
}
