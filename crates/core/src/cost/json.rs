//! The cost figures as `status --json` prints them (`cost` of each instance); `runs --json` and
//! the runs of `status --json` carry `cost_usd` and `cost_reason` (see [`RunJson`]).
//! Amounts are US dollars rounded to the cent; an absent figure is `null` with its reason.
//!
//! [`RunJson`]: crate::run::RunJson

use serde::Serialize;
use serde_json::Number;

use super::bill::{Month, Sum, boot_cost, last_30_days};
use super::{PriceFrom, Prices, Unknown, cents};
use crate::run::Entry;

/// A dollar amount for JSON, to the cent.
pub fn amount(usd: f64) -> Option<Number> {
    Number::from_f64(cents(usd))
}

/// What a boot cost at `prices` (or why that is unknown).
pub fn entry_cost(e: &Entry, prices: &Prices, now: jiff::Timestamp) -> Result<f64, Unknown> {
    let hourly = prices.hourly.as_ref().map_err(Clone::clone)?;
    boot_cost(e, hourly, now)
}

/// `cost` of an instance in `status --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostJson {
    /// The instance type priced.
    pub instance_type: Option<String>,
    /// The current on-demand price, US dollars an hour.
    pub hourly_usd: Option<Number>,
    /// `config`, `price_list`, `cache` or `demo`.
    pub hourly_from: Option<PriceFrom>,
    /// Why there is no hourly price, or how it was chosen among several matches.
    pub hourly_reason: Option<String>,
    /// The attached volumes' size in all, GiB.
    pub storage_gb: Option<u64>,
    /// The attached volumes, US dollars a month.
    pub storage_usd_per_month: Option<Number>,
    /// Why there is no storage price.
    pub storage_reason: Option<String>,
    /// The last 30 days.
    pub last_30_days: MonthJson,
}

/// The last 30 days in JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthJson {
    /// The window's start (RFC 3339).
    pub from: String,
    /// The runs that started in the window.
    pub runs_usd: Option<Number>,
    /// How many runs are counted.
    pub runs: usize,
    /// The dev sessions that started in the window.
    pub dev_sessions_usd: Option<Number>,
    /// How many dev sessions are counted.
    pub dev_sessions: usize,
    /// Boots left out because their end is not known.
    pub left_out: usize,
    /// The volumes over the window.
    pub storage_usd: Option<Number>,
    /// Runs + dev sessions + storage, when all three are known.
    pub total_usd: Option<Number>,
    /// Why a figure is `null`.
    pub reason: Option<String>,
}

impl From<&Month> for MonthJson {
    fn from(m: &Month) -> Self {
        let sum = |s: &Result<Sum, Unknown>| s.as_ref().ok().copied().unwrap_or_default();
        let (runs, dev) = (sum(&m.runs), sum(&m.dev_sessions));
        let reasons: Vec<&str> = [m.runs.as_ref().err(), m.storage.as_ref().err()]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        MonthJson {
            from: m.from.to_string(),
            runs_usd: m.runs.as_ref().ok().and_then(|s| amount(s.usd)),
            runs: runs.counted,
            dev_sessions_usd: m.dev_sessions.as_ref().ok().and_then(|s| amount(s.usd)),
            dev_sessions: dev.counted,
            left_out: runs.left_out + dev.left_out,
            storage_usd: m.storage.as_ref().ok().and_then(|s| amount(*s)),
            total_usd: m.total().and_then(amount),
            reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
        }
    }
}

impl CostJson {
    /// The figures of one instance's timeline `entries` at `prices`.
    pub fn new(prices: &Prices, entries: &[Entry], now: jiff::Timestamp) -> Self {
        let month = last_30_days(entries, prices, now);
        let (h, s) = (prices.hourly.as_ref(), prices.storage.as_ref());
        CostJson {
            instance_type: h.ok().map(|h| h.instance_type.clone()),
            hourly_usd: h.ok().and_then(|h| Number::from_f64(h.now())),
            hourly_from: h.ok().map(|h| h.from),
            hourly_reason: h.map_or_else(|e| Some(e.clone()), |h| h.note.clone()),
            storage_gb: s.ok().map(super::Storage::size_gb),
            storage_usd_per_month: s.ok().and_then(|s| amount(s.usd_per_month())),
            storage_reason: s.err().cloned(),
            last_30_days: MonthJson::from(&month),
        }
    }
}
