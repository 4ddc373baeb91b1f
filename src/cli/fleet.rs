//! `baseline-panel status --all [--json]`: every configured box, one row each, asked at once.

use std::fmt::Write as _;
use std::io::Write as _;

use jiff::Timestamp;
use serde::Serialize;

use super::Failure;
use crate::backends::Backends;
use crate::config::{Config, ConfigError};
use crate::fleet::json::BoxJson;
use crate::fleet::{self, Judging, LOOK_LIMIT, OwnerLookup, Place, Row, text};
use crate::sanitize::field;
use crate::userdata::Mode;

/// Version of the `status --all --json` document; bumped only on incompatible changes.
pub const SCHEMA: u32 = 1;

/// The configuration of the box named, with the same flags (see `main.rs`).
pub type LoadBox<'a> = &'a (dyn Fn(&str) -> Result<Config, ConfigError> + Sync);

#[derive(Serialize)]
struct FleetJson {
    schema: u32,
    mode: &'static str,
    checked_at: String,
    boxes: Vec<BoxJson>,
}

/// One box's answer: its row, or why it has none.
struct Answer {
    name: String,
    place: Place,
    row: Result<Row, Failure>,
}

async fn ask(name: &str, fallback: &Place, load: LoadBox<'_>, now: Timestamp) -> Answer {
    let cfg = match load(name) {
        Ok(c) => c,
        Err(e) => return Answer { name: name.to_owned(), place: fallback.clone(), row: Err(e.into()) },
    };
    let place = Place::of(&cfg);
    let b = Backends::connect(&cfg).await;
    let looked = tokio::time::timeout(
        LOOK_LIMIT,
        fleet::look(&cfg, b.cloud.as_ref(), b.logs.as_ref(), b.rules.as_ref(), true, now),
    )
    .await;
    let row = match looked {
        Ok(Ok(reading)) => {
            let row = fleet::row(name, &place, &reading, reading.past.as_ref(), &Judging::of(&cfg), now);
            let lookup = owner(&b, &reading, now).await;
            let instance = reading.instances.first().map(|i| i.id.as_str());
            Ok(row.with_owner(lookup.as_ref(), instance))
        }
        Ok(Err(e)) => Err(e.into()),
        Err(_) => Err(Failure { code: 5, message: format!("no answer within {} s", LOOK_LIMIT.as_secs()) }),
    };
    Answer { name: name.to_owned(), place, row }
}

/// Who put the box in dev mode, asked only while its user data says dev mode.
async fn owner(b: &Backends, reading: &fleet::Reading, now: Timestamp) -> Option<OwnerLookup> {
    let first = reading.instances.first().filter(|_| reading.dev_mode == Ok(Mode::Dev))?;
    let asked = fleet::owner(b.activity.as_ref(), &first.id, now);
    let result = tokio::time::timeout(LOOK_LIMIT, asked)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", LOOK_LIMIT.as_secs())));
    Some(OwnerLookup { instance: first.id.clone(), result, at: now })
}

/// Prints every box's row. Exits 0 when every box answered; else with the first failing box's
/// code (in name order), after printing every row (each failing one with its error).
pub async fn run(cfg: &Config, json: bool, load: LoadBox<'_>) -> Result<(), Failure> {
    let now = Timestamp::now();
    let fallback = Place::of(cfg);
    let asks = cfg.boxes.iter().map(|name| ask(name, &fallback, load, now));
    let answers = futures_util::future::join_all(asks).await;
    let mut out = std::io::stdout().lock();
    if json {
        let boxes = answers
            .iter()
            .map(|a| match &a.row {
                Ok(row) => BoxJson::answered(row),
                Err(f) => BoxJson::failed(&a.name, &a.place, &f.message, f.code),
            })
            .collect();
        let mode = if cfg.demo { "demo" } else { "aws" };
        let doc = FleetJson { schema: SCHEMA, mode, checked_at: now.to_string(), boxes };
        crate::sanitize::write_json(&mut out, &doc)?;
    } else {
        write!(out, "{}", table(&answers, now))?;
    }
    let failed: Vec<&Answer> = answers.iter().filter(|a| a.row.is_err()).collect();
    match failed.first().map(|a| &a.row) {
        Some(Err(first)) => Err(Failure {
            code: first.code,
            message: format!(
                "{} of {} boxes did not answer: {}",
                failed.len(),
                answers.len(),
                failed.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }),
        _ => Ok(()),
    }
}

/// The human table: a header, one line per box, then what is unknown and why.
fn table(answers: &[Answer], now: Timestamp) -> String {
    let head = ["BOX", "REGION", "PROFILE", "STATE", "DEV", "LAST RUN", "NEXT FIRE", "ALARMS"];
    let mut lines: Vec<Vec<String>> = vec![head.iter().map(|h| (*h).to_owned()).collect()];
    let mut notes = Vec::new();
    for a in answers {
        let p = &a.place;
        let mut cells = vec![a.name.clone(), p.region.clone(), p.profile.clone()];
        match &a.row {
            Ok(row) => {
                let alarms = text::alarms(row);
                cells.extend([
                    text::state(row),
                    text::dev_mode(row, now),
                    text::last_run(row),
                    text::next_fire(row, now),
                    if alarms.is_empty() { "-".into() } else { alarms },
                ]);
                notes.extend(text::unknowns(row).into_iter().map(|u| format!("{}: {u}", a.name)));
            }
            Err(f) => {
                cells
                    .extend(["unknown", "unknown", "unknown", "unknown", "did not answer"].map(String::from));
                notes.push(format!("{}: did not answer: {}", a.name, f.message));
            }
        }
        lines.push(cells.iter().map(|c| field(c).into_owned()).collect());
    }
    let widths: Vec<usize> =
        (0..head.len()).map(|i| lines.iter().map(|l| l[i].chars().count()).max().unwrap_or(0)).collect();
    let mut s = String::new();
    for l in &lines {
        let row: Vec<String> = l.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        let _ = writeln!(s, "{}", row.join("  ").trim_end());
    }
    if !notes.is_empty() {
        s.push('\n');
        for n in notes {
            let _ = writeln!(s, "  {}", field(&n));
        }
    }
    s
}
