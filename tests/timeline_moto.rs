//! The run timeline end to end: `status --json`, `runs --json`, `runs` and `stop`'s warning,
//! against moto started from `tests/support/moto_patched.py` — moto never refreshes `LaunchTime`
//! when a stopped instance starts again and cannot record `Client.InstanceInitiatedShutdown`;
//! the wrapper patches those two behaviours of moto's (plain Python) models, nothing else. The
//! run log and the scheduler's log are put with the SDK; the AWS CLI witnesses EC2's side.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use jiff::Timestamp;
use serde_json::Value;
use support::logs::{LAMBDA_GROUP, RUN_GROUP, client, create, now_ms, put};
use support::moto::{Moto, SEED_USER_DATA};

const MIN: i64 = 60_000;
const DAY: i64 = 24 * 60 * MIN;

fn stamp(ms: i64) -> String {
    Timestamp::from_millisecond(ms).unwrap().strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// Cloud-init's boot line for a kernel started at `boot`, as the agent ships it.
fn boot_line(boot: i64) -> (i64, String) {
    let at = boot + 12_000;
    (at + 1000, format!("Cloud-init v. 19.3-46.amzn2 running 'init' at {}. Up 12.00 seconds.", stamp(at)))
}

/// Cloud-init's last line seconds after the boot: nothing ran (dev mode).
fn finished_line(boot: i64) -> (i64, String) {
    let at = boot + 20_000;
    (
        at + 1000,
        format!(
            "Cloud-init v. 19.3-46.amzn2 finished at {}. Datasource DataSourceEc2.  Up 20.00 seconds",
            stamp(at)
        ),
    )
}

fn json(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn launch_ms(moto: &Moto, id: &str) -> Option<i64> {
    let t = moto.witness_instance(id, "LaunchTime")?;
    Some(t.parse::<Timestamp>().expect("LaunchTime is RFC 3339").as_millisecond())
}

/// `status --json`'s instance and `runs --json`'s entries, read one after the other.
fn read(moto: &Moto) -> (Value, Vec<Value>) {
    let status = json(&moto.run(&["status", "--json"]));
    let runs = json(&moto.run(&["runs", "--json"]));
    (status["instances"][0].clone(), runs.as_array().unwrap().clone())
}

/// `a` and `b` agree on every field but the evidence (a going run's says "running for 3s").
fn same_but_evidence(a: &Value, b: &Value) {
    let strip = |v: &Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("evidence");
        v
    };
    assert_eq!(strip(a), strip(b));
}

fn kinds(runs: &[Value]) -> Vec<(String, String)> {
    runs.iter().map(|r| (r["kind"].as_str().unwrap().into(), r["outcome"].as_str().unwrap().into())).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect()
}

// One week told in order, each day checked on every surface: splitting it would hide the story.
#[allow(clippy::too_many_lines)]
#[tokio::test]
async fn status_runs_and_stop_tell_the_same_story_through_a_week() {
    let Some(moto) = Moto::start_patched() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let Some(first_launch) = launch_ms(&moto, &id) else { return };
    let c = client(&moto).await;
    let ci = format!("{id}-cloud-init");
    create(&c, RUN_GROUP, &id).await;
    create(&c, RUN_GROUP, &ci).await;
    let lambda_stream = "2026/11/23/[$LATEST]0123456789abcdef";
    create(&c, LAMBDA_GROUP, lambda_stream).await;

    // A week ago: the Lambda's run failed, a rerun by hand 45 minutes later succeeded, and two
    // days later a dev session.
    let week = now_ms() - 7 * DAY;
    let rerun = week + 45 * MIN;
    let dev = week + 2 * DAY;
    put(
        &c,
        LAMBDA_GROUP,
        lambda_stream,
        &[
            (week - 140, "starting any instances\n".into()),
            (
                week,
                format!(
                    "starting: ec2.Instance(id='{id}'). tags=[{{'Key': 'Name', 'Value': 'baseline model'}}]\n"
                ),
            ),
        ],
    )
    .await;
    put(
        &c,
        RUN_GROUP,
        &ci,
        &[
            boot_line(week + 2000),
            (week + 40 * MIN, "Execution halted".into()),
            boot_line(rerun + 2000),
            boot_line(dev + 2000),
            finished_line(dev + 2000),
        ],
    )
    .await;
    put(
        &c,
        RUN_GROUP,
        &id,
        &[
            (week + MIN, "starting".into()),
            (week + 39 * MIN, "fitting baseline: 06 California (6/58)".into()),
            (rerun + MIN, "starting".into()),
            (rerun + 95 * MIN, "done".into()),
        ],
    )
    .await;

    // Now: the box launched at the test's start, running, a progress line in.
    let now = now_ms().max(first_launch + 3000);
    put(&c, RUN_GROUP, &ci, &[boot_line(first_launch + 2000)]).await;
    put(
        &c,
        RUN_GROUP,
        &id,
        &[(now - 1000, "starting".into()), (now, "fitting baseline: 02 Alaska (3/58)".into())],
    )
    .await;

    let (i, runs) = read(&moto);
    assert_eq!(
        kinds(&runs),
        pairs(&[("run", "in_progress"), ("dev_session", "unknown"), ("run", "succeeded"), ("run", "failed")]),
        "{runs:#?}"
    );
    let last = &i["last_run"];
    assert_eq!(
        (last["kind_from"].as_str(), last["boundary"].as_str()),
        (Some("user_data"), Some("launch_time"))
    );
    assert_eq!(last["started"], i["launch_time"], "the current run starts at LaunchTime");
    assert_eq!(last["progress"]["done"], 3);
    assert_eq!(i["progress"], last["progress"]);
    assert_eq!(last["eta"]["basis"], "usual_duration", "one good run before: {last}");
    assert_eq!(runs[3]["started_by"], "schedule");
    assert_eq!(runs[3]["started_by_evidence"], "scheduler_log");
    assert_eq!(
        runs[2]["started_by"],
        Value::Null,
        "the rerun was by hand, and CloudTrail is not there to say by whom"
    );
    assert!(
        runs[2]["started_by_unknown"].as_str().is_some_and(|w| w.starts_with("CloudTrail not read")),
        "{}",
        runs[2]
    );
    assert_eq!(runs[3]["first_failure"], "Execution halted");
    same_but_evidence(last, &runs[0]);
    let out = moto.run(&["stop"]);
    assert_eq!(out.status.code(), Some(7), "no terminal, no --yes: {}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("warning: {id}: A run is in progress (started ")),
        "{}",
        stderr(&out)
    );

    // The script prints its end and shuts the box down itself.
    put(&c, RUN_GROUP, &id, &[(now_ms().max(now + 1), "done".into())]).await;
    moto.shut_down_by_itself(&id).await;
    if let Some(code) = moto.witness_instance(&id, "StateReason.Code") {
        assert_eq!(code, "Client.InstanceInitiatedShutdown");
    }
    let (i, runs) = read(&moto);
    let last = &i["last_run"];
    assert_eq!(last["outcome"], "succeeded", "{last}");
    assert!(
        last["evidence"]
            .as_str()
            .unwrap()
            .starts_with("shut down by the run script; success marker \"done\""),
        "{last}"
    );
    assert!(last["ended"].is_string() && last["duration_seconds"].as_i64().unwrap() >= 0);
    assert_eq!(last, &runs[0], "status last_run is runs' first run, field for field");
    assert_eq!((&i["progress"], &i["eta"]), (&Value::Null, &Value::Null));
    let out = moto.run(&["stop", "--yes"]);
    assert_eq!(out.status.code(), Some(7), "nothing to stop");

    // Started again: a new LaunchTime, a new boot; a failure line while it is up. (A real
    // restart takes a minute; here, enough for the boots' clocks to tell them apart.)
    while now_ms() < first_launch + 10_000 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    moto.start_instance(&id).await;
    let second_launch = launch_ms(&moto, &id).expect("the witness read it before");
    assert!(second_launch > first_launch, "the patched moto refreshes LaunchTime");
    let t = now_ms().max(second_launch + 16_000);
    put(
        &c,
        RUN_GROUP,
        &ci,
        &[boot_line(second_launch + 2000), (t, "Error in quantile(x): missing values".into())],
    )
    .await;
    let (i, runs) = read(&moto);
    assert_eq!(
        kinds(&runs),
        pairs(&[
            ("run", "failing"),
            ("run", "succeeded"),
            ("dev_session", "unknown"),
            ("run", "succeeded"),
            ("run", "failed")
        ]),
        "{runs:#?}"
    );
    assert_eq!(runs[1]["boundary"], "cloud_init", "the earlier boot, from its cloud-init line");
    assert_eq!(i["last_run"]["outcome"], "failing");
    assert!(i["last_run"]["evidence"].as_str().unwrap().ends_with("; the box is still up"));
    same_but_evidence(&i["last_run"], &runs[0]);
    let out = moto.run(&["stop"]);
    assert!(
        stderr(&out).contains(&format!("note: {id}: The run is failing (failure marker ")),
        "{}",
        stderr(&out)
    );

    // The window, and the table for people.
    let recent = json(&moto.run(&["runs", "--json", "--since", "1d"]));
    assert_eq!(recent.as_array().unwrap().len(), 2, "{recent:#?}");
    let table = String::from_utf8(moto.run(&["runs"]).stdout).unwrap();
    assert!(table.contains("dev session") && table.contains("failing") && table.contains(" dev "), "{table}");
    let bad = moto.run(&["runs", "--since", "soon"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}
