//! The scenario table through every surface: the same box, log and scheduler log go to
//! `runs --json`, `status --json`, the panel (its state, the Last run panel and the history
//! pane drawn on ratatui's `TestBackend`), the stop dialog and `stop`'s warning; they must agree.

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

use crate::action::Action;
use crate::cloud::{Instance, InstanceState};
use crate::logs::history::{PastLog, timeline_of};
use crate::run::scenarios::{self, Scenario};
use crate::run::{Kind, RunJson, RunRules, Timeline};
use crate::state::update;
use crate::timefmt::{human_duration, utc};
use crate::userdata::Mode;

fn up(i: &Instance) -> bool {
    matches!(i.state, InstanceState::Pending | InstanceState::Running)
}

fn mode(k: Kind) -> Mode {
    match k {
        Kind::Run => Mode::Run,
        Kind::DevSession => Mode::Dev,
    }
}

/// What the CLI builds: the whole log read back, the user data read now (used while up).
fn cli_timeline(s: &Scenario, rules: &RunRules) -> Timeline {
    let past = PastLog { facts: s.facts(rules), starts: s.starts(), warnings: vec![] };
    timeline_of(&s.instance, &past, s.current_kind, rules, s.now)
}

/// Renders one panel function at `w`x`h` and returns its rows, trimmed.
fn screen(w: u16, h: u16, draw: impl FnOnce(&mut ratatui::Frame)) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(draw).unwrap();
    let buf = term.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The entries as the surfaces compare them (the way a kind is known may differ: the panel
/// remembers the user data it read while the box ran).
fn essence(t: &Timeline) -> Vec<(Kind, crate::run::Outcome, Timestamp, Option<Timestamp>, usize, String)> {
    t.entries.iter().map(|e| (e.kind, e.outcome, e.started, e.ended, e.lines, e.evidence.clone())).collect()
}

#[test]
fn every_surface_tells_the_same_story() {
    let rules = RunRules::default();
    for s in scenarios::all() {
        let name = s.name;
        let cli = cli_timeline(&s, &rules);
        let st = crate::fixtures::scenario_state(&s);

        // The panel's timeline and the CLI's are the same timeline.
        assert_eq!(essence(st.timeline()), essence(&cli), "{name}: panel vs CLI");
        let want: Vec<_> = s.want.iter().map(|w| (w.kind, w.outcome, w.started)).collect();
        let got: Vec<_> = cli.entries.iter().map(|e| (e.kind, e.outcome, e.started)).collect();
        assert_eq!(got, want, "{name}");

        // runs --json: newest first; status --json's last_run is its first kind: run entry.
        let runs: Value =
            serde_json::to_value(cli.entries.iter().map(RunJson::from).collect::<Vec<_>>()).unwrap();
        let runs = runs.as_array().unwrap();
        assert!(runs.windows(2).all(|w| w[0]["started"].as_str() > w[1]["started"].as_str()), "{name}");
        let dev = s.current_kind.filter(|_| up(&s.instance)).map(mode);
        let status = super::status::instance_value(&s.instance, s.now, dev, cli.clone());
        let first_run = runs.iter().find(|r| r["kind"] == "run").cloned().unwrap_or(Value::Null);
        assert_eq!(status["last_run"], first_run, "{name}: status last_run vs runs");
        assert_eq!(status["current_boot"], runs[0], "{name}");
        if cli.last_run().is_some_and(|r| r.current && r.outcome.is_live()) {
            assert_eq!(status["progress"], first_run["progress"], "{name}");
            assert_eq!(status["eta"], first_run["eta"], "{name}");
        } else {
            assert_eq!((&status["progress"], &status["eta"]), (&Value::Null, &Value::Null), "{name}");
        }

        // The Last run panel says the same as last_run.
        let text = screen(200, 14, |f| {
            crate::ui::run::draw(f, f.area(), &crate::ui::View::new(&st, &crate::ui::Look::default()));
        });
        if let Some(r) = cli.last_run() {
            assert!(text.contains(&format!("● {}", r.outcome.label())), "{name}:\n{text}");
            assert!(text.contains(&format!("Started  {}", utc(r.started))), "{name}:\n{text}");
            match (r.outcome.is_live(), r.ended, r.duration) {
                (true, _, _) => {
                    assert!(text.contains("running for ") && !text.contains("Ended"), "{name}:\n{text}");
                    let last = r
                        .last_line
                        .map(|t| format!("last line {} ago", human_duration(s.now.duration_since(t))));
                    assert!(
                        text.contains(&last.unwrap_or_else(|| "no log line yet".into())),
                        "{name}:\n{text}"
                    );
                }
                (false, Some(e), Some(d)) => {
                    assert!(text.contains(&format!("Ended    {}", utc(e))), "{name}:\n{text}");
                    assert!(text.contains(&format!("Took     {}", human_duration(d))), "{name}:\n{text}");
                }
                _ => assert!(!text.contains("Ended") && !text.contains("Took"), "{name}:\n{text}"),
            }
            if r.outcome != crate::run::Outcome::InProgress {
                assert!(text.contains(&r.evidence), "{name}: evidence\n{text}");
            }
            if let (Some(p), true) = (r.progress, r.outcome.is_live()) {
                assert!(text.contains(&format!("{}/{}", p.done, p.total)), "{name}: gauge\n{text}");
            }
            if let (Some(eta), true) = (r.eta, r.outcome.is_live()) {
                assert!(
                    text.contains(&crate::run::text::eta_text(&eta, s.now, &jiff::tz::TimeZone::UTC)),
                    "{name}: ETA\n{text}"
                );
            }
        }
        let dev_up = cli.current().is_some_and(|c| c.kind == Kind::DevSession && c.outcome.is_live());
        assert_eq!(text.contains("Now: dev session up"), dev_up, "{name}:\n{text}");

        // The history pane lists every entry, dev sessions labelled.
        let mut hs = st.clone();
        hs.show_history = true;
        let hist =
            screen(200, 30, |f| crate::ui::draw(f, &crate::ui::View::new(&hs, &crate::ui::Look::default())));
        for e in &cli.entries {
            let row = e.started.strftime("%a %m-%d %H:%M").to_string();
            let label = if e.kind == Kind::Run { e.outcome.label() } else { "dev session" };
            assert!(
                hist.lines().any(|l| l.contains(&row) && l.contains(label)),
                "{name}: {row} {label}\n{hist}"
            );
        }

        // The stop dialog and `stop` give the same warning.
        let (_, warning) = crate::run::stop_warning(cli.current(), s.now);
        if up(&s.instance) {
            let mut ds = st.clone();
            let ids = ds.instance_ids();
            update(&mut ds, Action::Prechecked { power: crate::action::Power::Stop(ids), result: Ok(()) });
            let d = ds.dialog.as_ref().unwrap();
            assert!(d.lines.iter().any(|(_, t)| *t == warning), "{name}: {warning:?} in {:?}", d.lines);
        } else {
            assert_eq!(warning, "No run is in progress.", "{name}");
        }

        // A banner, when there is one, speaks of the current boot's outcome.
        if let Some(b) = &st.banner {
            let cur = cli.current().unwrap();
            assert!(
                b.text.contains(cur.outcome.label())
                    || b.text.starts_with("Run failing")
                    || b.text.starts_with("Run stuck"),
                "{name}: {}",
                b.text
            );
        }
    }
}

/// The whole panel for a scenario, as the operator sees it.
fn whole(name: &str, history: bool, w: u16, h: u16) -> String {
    let s = scenarios::all().into_iter().find(|s| s.name == name).unwrap();
    let mut st = crate::fixtures::scenario_state(&s);
    update(&mut st, crate::keymap::resize(w, h));
    st.show_history = history;
    screen(w, h, |f| crate::ui::draw(f, &crate::ui::View::new(&st, &crate::ui::Look::default())))
}

#[test]
fn panel_with_progress_eta_and_the_run_start_marker() {
    let text = whole("the current run with progress lines", false, 120, 40);
    assert!(text.contains("11/58"), "{text}");
    assert!(text.contains("usual 1h36m · ETA 10:21 UTC"), "{text}");
    assert!(text.contains("── run started Mon 2026-11-23 09:00:00 UTC (launch time) ──"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn history_with_a_failure_a_rerun_and_a_dev_session() {
    let text = whole("a dev session after a failure", true, 120, 40);
    insta::assert_snapshot!(text);
    let text = whole("failure then a quick manual rerun", true, 100, 30);
    assert!(text.contains("durations"), "the chart from 90 columns: {text}");
    insta::assert_snapshot!(text);
}

#[test]
fn panel_when_a_run_fails_while_the_box_is_up() {
    let text = whole("failure while the box stays up", false, 100, 30);
    assert!(text.contains("Run failing — x stops the box"), "{text}");
    insta::assert_snapshot!(text);
}
