//! `baseline-panel logs` against moto: events put with the SDK, read back through the binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use support::logs::{LAMBDA_GROUP, Lines, RUN_GROUP, client, create, interrupt, messages, now_ms, put};
use support::moto::{Moto, SEED_USER_DATA};

fn stdout_lines(out: &std::process::Output) -> Vec<String> {
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap().lines().map(str::to_owned).collect()
}

fn numbered(prefix: &str, n: usize, start_ms: i64) -> Vec<(i64, String)> {
    (0..n).map(|i| (start_ms + i64::try_from(i).unwrap() * 10, format!("{prefix} {i:03}"))).collect()
}

#[tokio::test]
async fn prints_every_event_in_order_with_rfc3339_times() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let c = client(&moto).await;
    create(&c, RUN_GROUP, &id).await;
    let put_events = numbered("line", 250, now_ms() - 60_000);
    put(&c, RUN_GROUP, &id, &put_events).await;
    // Another instance's stream in the same group is not this box's log.
    create(&c, RUN_GROUP, "i-0aaaaaaaaaaaaaaaa").await;
    put(&c, RUN_GROUP, "i-0aaaaaaaaaaaaaaaa", &numbered("other", 3, now_ms() - 30_000)).await;

    let lines = stdout_lines(&moto.run(&["logs"]));
    let expected: Vec<String> = put_events.iter().map(|(_, m)| m.clone()).collect();
    assert_eq!(messages(&lines), expected);
    let first_ts: jiff::Timestamp = lines[0][..24].parse().unwrap();
    assert_eq!(first_ts.as_millisecond(), put_events[0].0);

    // The AWS CLI, as a witness, sees the same events in that stream (moto ignores
    // --log-stream-name-prefix, so the stream is named).
    if let Some(w) =
        moto.aws(&["logs", "filter-log-events", "--log-group-name", RUN_GROUP, "--log-stream-names", &id])
    {
        let w: serde_json::Value = serde_json::from_str(&w).unwrap();
        let witness: Vec<&str> =
            w["events"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
        assert_eq!(witness, expected);
    }
}

#[tokio::test]
async fn filter_and_since_narrow_the_output() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let c = client(&moto).await;
    create(&c, RUN_GROUP, &id).await;
    let now = now_ms();
    let ev = vec![
        (now - 2 * 3_600_000, "old ERROR from the last run".to_string()),
        (now - 20 * 60_000, "fitting US".to_string()),
        (now - 10 * 60_000, "ERROR in fit: NaNs".to_string()),
        (now - 60_000, "done".to_string()),
    ];
    put(&c, RUN_GROUP, &id, &ev).await;

    let default = messages(&stdout_lines(&moto.run(&["logs"])));
    assert_eq!(default, ["fitting US", "ERROR in fit: NaNs", "done"], "default --since 1h");
    let errors = messages(&stdout_lines(&moto.run(&["logs", "--since", "3h", "--filter", "ERROR"])));
    assert_eq!(errors, ["old ERROR from the last run", "ERROR in fit: NaNs"]);
    let recent = messages(&stdout_lines(&moto.run(&["logs", "--since", "15m"])));
    assert_eq!(recent, ["ERROR in fit: NaNs", "done"]);
    let at = jiff::Timestamp::from_millisecond(now - 30 * 60_000).unwrap().to_string();
    let absolute = messages(&stdout_lines(&moto.run(&["logs", "--since", &at])));
    assert_eq!(absolute, default);

    let bad = moto.run(&["logs", "--since", "last tuesday"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("30m, 1h, 2d"));
}

#[tokio::test]
async fn scheduler_source_reads_the_lambda_group() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    let c = client(&moto).await;
    let stream = "2026/11/23/[$LATEST]0f3a9c2e";
    create(&c, LAMBDA_GROUP, stream).await;
    let t = now_ms() - 5_000;
    let ev: Vec<(i64, String)> = [
        "START RequestId: 1f2e Version: $LATEST\n",
        "starting any instances\n",
        "a traceback\n  line two\n",
        "END RequestId: 1f2e\n",
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| (t + i64::try_from(i).unwrap(), m.to_string()))
    .collect();
    put(&c, LAMBDA_GROUP, stream, &ev).await;
    let out = moto.run(&["logs", "--source", "scheduler"]);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "one newline per event, inner newlines kept: {text:?}");
    assert!(lines[0].ends_with("  START RequestId: 1f2e Version: $LATEST"));
    assert!(lines[2].ends_with("  a traceback"));
    assert_eq!(lines[3], "  line two");
    assert!(lines[4].ends_with("  END RequestId: 1f2e"));
}

#[tokio::test]
async fn console_source_prints_the_console_text() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let out = moto.run(&["logs", "--source", "console"]);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.lines().count() > 3, "{text}");
    if let Some(w) = moto.aws(&["ec2", "get-console-output", "--instance-id", &id]) {
        let w: serde_json::Value = serde_json::from_str(&w).unwrap();
        let expected = w["Output"].as_str().unwrap();
        assert_eq!(text.lines().collect::<Vec<_>>(), expected.lines().collect::<Vec<_>>());
        let first = expected.lines().next().unwrap();
        let word = first.split_whitespace().last().unwrap();
        let filtered = moto.run(&["logs", "--source", "console", "--filter", word]);
        let shown = String::from_utf8(filtered.stdout).unwrap();
        assert!(shown.lines().count() < text.lines().count() && shown.contains(first));
    }
}

#[tokio::test]
async fn exports_the_last_run_to_a_file() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let c = client(&moto).await;
    create(&c, RUN_GROUP, &id).await;
    let now = now_ms();
    let before = vec![(now - 600_000, "the previous run".to_string())];
    let run: Vec<(i64, String)> = (0..120).map(|i| (now + i, format!("run line {i}"))).collect();
    put(&c, RUN_GROUP, &id, &before).await;
    put(&c, RUN_GROUP, &id, &run).await;

    let file = moto.dir.path().join("last-run.log");
    let out = moto.run(&["logs", "--run", "last", "--output", file.to_str().unwrap()]);
    let said = stdout_lines(&out).join("\n");
    assert!(said.starts_with(&format!("wrote 120 lines of the run of {id} (started ")), "{said}");
    assert!(said.ends_with(&format!("to {}", file.display())), "{said}");
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let expected: Vec<String> = run.iter().map(|(_, m)| m.clone()).collect();
    assert_eq!(messages(&lines), expected, "from the launch on, nothing before");
    let leftovers: Vec<_> = std::fs::read_dir(moto.dir.path())
        .unwrap()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left");

    // Without --output, the same lines go to stdout.
    let printed = stdout_lines(&moto.run(&["logs", "--run", "last"]));
    assert_eq!(printed, lines);
}

#[tokio::test]
async fn the_last_run_is_the_newest_run_not_a_dev_session_after_it() {
    // The box is up now in a dev session (its user data has the script line commented out);
    // yesterday's run is in the log. `--run last` is that run, as on every other screen.
    let Some(moto) = Moto::start() else { return };
    let line = "su -c \"~ec2-user/run-baseline.sh\" ec2-user >> /tmp/startup-out.txt";
    assert!(SEED_USER_DATA.contains(line));
    let dev = SEED_USER_DATA.replace(line, &format!("# {line}"));
    let id = moto.launch("baseline model", &dev).await;
    let c = client(&moto).await;
    let cloud_init = format!("{id}-cloud-init");
    create(&c, RUN_GROUP, &id).await;
    create(&c, RUN_GROUP, &cloud_init).await;
    let boot_line = |at_ms: i64, up: &str| {
        let at = jiff::Timestamp::from_millisecond(at_ms).unwrap();
        let when = at.strftime("%a, %d %b %Y %H:%M:%S +0000");
        (at_ms, format!("Cloud-init v. 19.3-46.amzn2 running 'init' at {when}. Up {up} seconds."))
    };
    let yesterday = now_ms() - 24 * 3_600_000;
    let run = vec![
        (yesterday + 10_000, "== run-baseline.sh starting ==".to_string()),
        (yesterday + 60_000, "fitting baseline: US (1/58) ... ok".to_string()),
        (yesterday + 120_000, "done".to_string()),
    ];
    put(&c, RUN_GROUP, &id, &run).await;
    let now = now_ms();
    // The dev session's own boot line, just after its launch.
    put(&c, RUN_GROUP, &cloud_init, &[boot_line(yesterday + 5_000, "5.00"), boot_line(now, "0.50")]).await;

    let file = moto.dir.path().join("last-run.log");
    let out = moto.run(&["logs", "--run", "last", "--output", file.to_str().unwrap()]);
    let said = stdout_lines(&out).join("\n");
    assert!(said.starts_with(&format!("wrote 4 lines of the run of {id} (started ")), "{said}");
    let lines: Vec<String> = std::fs::read_to_string(&file).unwrap().lines().map(str::to_owned).collect();
    let mut expected = vec![boot_line(yesterday + 5_000, "5.00").1];
    expected.extend(run.iter().map(|(_, m)| m.clone()));
    assert_eq!(messages(&lines), expected, "yesterday's run, not the dev session up now");
}

#[tokio::test]
async fn a_missing_group_says_which_and_how_to_set_it() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    for args in [&["logs"][..], &["logs", "--follow"], &["logs", "--run", "last"]] {
        let out = moto.run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("log group `/baseline-model/run` does not exist"), "{err}");
        assert!(err.contains("set `run_group` under [logs] in the config file"), "{err}");
        assert!(err.contains("assets/cloudwatch-agent.json"), "{err}");
        assert!(out.stdout.is_empty());
    }
    let out = moto.run(&["logs", "--source", "scheduler"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("set `lambda` under [schedule]"));
}

#[tokio::test]
async fn follow_prints_new_lines_once_falls_back_to_polling_and_stops_on_ctrl_c() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let c = client(&moto).await;
    create(&c, RUN_GROUP, &id).await;
    let t0 = now_ms() - 5_000;
    let first = numbered("first", 5, t0);
    put(&c, RUN_GROUP, &id, &first).await;

    let mut child = moto
        .panel()
        .args(["logs", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Lines::of(child.stdout.take().unwrap());
    lines.until(5, 20);
    // Same timestamp as the last line seen, then later ones, in two calls.
    let last_ts = first.last().unwrap().0;
    let second: Vec<(i64, String)> = (0..3).map(|i| (last_ts, format!("same ts {i}"))).collect();
    put(&c, RUN_GROUP, &id, &second).await;
    let third = numbered("third", 4, last_ts + 1);
    put(&c, RUN_GROUP, &id, &third).await;
    lines.until(12, 20);
    lines.settle(2_500);

    let expected: Vec<String> = first.iter().chain(&second).chain(&third).map(|(_, m)| m.clone()).collect();
    assert_eq!(messages(&lines.seen), expected, "no gaps, no duplicates, in order");

    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "Ctrl-C ends --follow quietly");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("run log: polling every 1 s"), "live tail fell back: {err}");
    assert!(!err.contains("run log: live"), "{err}");
}

#[tokio::test]
async fn a_closed_pipe_ends_follow_quietly() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let c = client(&moto).await;
    create(&c, RUN_GROUP, &id).await;
    put(&c, RUN_GROUP, &id, &numbered("a", 2, now_ms() - 1_000)).await;
    let mut child = moto
        .panel()
        .args(["logs", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..2 {
        let mut l = String::new();
        reader.read_line(&mut l).unwrap();
        assert!(l.contains("  a 00"), "{l}");
    }
    drop(reader); // like `| head -2`: the reader is gone
    put(&c, RUN_GROUP, &id, &numbered("b", 2, now_ms())).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "still running after the pipe closed");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!err.to_lowercase().contains("broken pipe"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
