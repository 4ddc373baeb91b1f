//! The cost figures on screen, at 80×24, 120×40 and 200×60: a run going (so far), the history
//! with a cost per boot and the 30-day line, and prices that could not be had (the reason).

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::action::Action;
use crate::cost::{Hourly, PriceFrom, Prices, Storage, Volume};
use crate::fixtures::scenario_state;
use crate::run::scenarios;
use crate::state::{State, update};
use crate::ui::{Look, View};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn scenario(name: &str) -> State {
    let s = scenarios::all().into_iter().find(|s| s.name == name).unwrap();
    scenario_state(&s)
}

/// The Price List's prices for the scenarios' box: an r5.2xlarge and a 100 GiB gp3 volume.
fn known(s: &State) -> Prices {
    Prices {
        instance_id: s.instance().unwrap().id.clone(),
        region: "us-east-1".into(),
        hourly: Ok(Hourly::flat("r5.2xlarge", 0.504, PriceFrom::Cache)),
        storage: Ok(Storage {
            volumes: vec![Volume {
                id: "vol-0a".into(),
                size_gb: 100,
                volume_type: "gp3".into(),
                created: None,
            }],
            per_gb_month: [("gp3".to_owned(), 0.08)].into(),
            from: PriceFrom::Cache,
        }),
        at: s.now,
    }
}

/// No permission for the Price List API.
fn refused(s: &State) -> Prices {
    let why = "no price for r5.2xlarge: not permitted: pricing:GetProducts".to_owned();
    Prices {
        instance_id: s.instance().unwrap().id.clone(),
        region: "us-east-1".into(),
        hourly: Err(why.clone()),
        storage: Err(format!("no price for gp3 storage: {}", &why[27..])),
        at: s.now,
    }
}

fn with(mut s: State, prices: fn(&State) -> Prices, history: bool) -> State {
    let p = prices(&s);
    update(&mut s, Action::PricesLoaded(Box::new(p)));
    if history {
        update(&mut s, Action::ToggleHistory);
    }
    s
}

fn screen(state: &State, w: u16, h: u16) -> String {
    let mut s = state.clone();
    update(&mut s, crate::keymap::resize(w, h));
    let look = Look::default();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, &View::new(&s, &look))).unwrap();
    let buf = term.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn at_every_size(state: &State) -> String {
    SIZES
        .iter()
        .map(|&(w, h)| format!("── {w}×{h} ──\n{}", screen(state, w, h)))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn states() -> Vec<(&'static str, State)> {
    vec![
        ("cost_run_so_far", with(scenario("the current run with progress lines"), known, false)),
        ("cost_history", with(scenario("failure then a quick manual rerun"), known, true)),
        ("cost_dev_session_up", with(scenario("a dev session up now"), known, false)),
        ("cost_unknown", with(scenario("the current run with progress lines"), refused, true)),
    ]
}

#[test]
fn cost_screens_at_every_size() {
    for (name, s) in states() {
        insta::assert_snapshot!(name, at_every_size(&s));
    }
}

#[test]
fn the_figures_follow_the_prices() {
    let s = with(scenario("the current run with progress lines"), known, false);
    let run = s.timeline().last_run().unwrap();
    let want = crate::cost::usd(run.elapsed(s.now).as_secs_f64() / 3600.0 * 0.504);
    let text = screen(&s, 200, 60);
    assert!(text.contains(&format!("this run so far {want}")), "{text}");

    let s = with(scenario("failure then a quick manual rerun"), known, true);
    let text = screen(&s, 200, 60);
    for e in &s.timeline().entries {
        let usd = crate::cost::json::entry_cost(e, s.cost.prices.as_ref().unwrap(), s.now).unwrap();
        assert!(text.contains(&crate::cost::usd(usd)), "{} missing:\n{text}", crate::cost::usd(usd));
    }
    assert!(text.contains("Last 30 days: runs $"), "{text}");

    let s = with(scenario("the current run with progress lines"), refused, true);
    let text = screen(&s, 200, 60);
    assert!(
        text.contains("cost unknown: no price for r5.2xlarge: not permitted: pricing:GetProducts"),
        "{text}"
    );
    assert!(!text.contains("so far $"), "no figure is invented:\n{text}");
}
