//! The arithmetic: what a boot cost, and what the last 30 days cost.
//!
//! Billing rules used (EC2 on-demand Linux, EBS):
//! - an instance is billed per second while it runs, with a minimum of 60 seconds per boot;
//! - a boot is priced with the hourly price in force when it started (see [`Hourly::at`]); a
//!   boot crossing midnight (or a price change) is not cut: it is one boot, billed once;
//! - a boot that is still up costs what it has run so far; a boot whose end nothing tells
//!   (a past dev session with no log line) has no cost, with that reason;
//! - EBS volumes are billed per GB-month, prorated by the second, whether the box runs or not
//!   (a month is 730 hours, as AWS counts it), from the volume's creation on;
//! - the last 30 days count the boots that started in them, whole, and the storage of those
//!   30 days. Data transfer, snapshots, IOPS or throughput above gp3's baseline, and taxes are
//!   not counted.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::{Hourly, Prices, Storage, Unknown};
use crate::run::{Entry, Kind};

/// The shortest time a boot is billed for.
pub const MIN_BILLED: SignedDuration = SignedDuration::from_secs(60);

/// Hours in a month, as AWS prices GB-months.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The span of the cost line.
pub const WINDOW: SignedDuration = SignedDuration::from_hours(24 * 30);

/// Seconds billed for a boot from `started` to `ended`: each second begun, at least
/// [`MIN_BILLED`].
pub fn billed_secs(started: Timestamp, ended: Timestamp) -> i64 {
    let d = ended.duration_since(started);
    let whole = d.as_secs() + i64::from(d.subsec_nanos() > 0);
    whole.max(MIN_BILLED.as_secs())
}

/// What a boot cost (or has cost so far, when it is still up at `now`).
pub fn boot_cost(e: &Entry, hourly: &Hourly, now: Timestamp) -> Result<f64, Unknown> {
    let end = match e.ended {
        Some(end) => end,
        None if e.current && e.outcome.is_live() => now,
        None => return Err("its end is not known (the log does not say when the box stopped)".into()),
    };
    #[allow(clippy::cast_precision_loss, reason = "seconds of one boot fit in f64's 52 bits")]
    let hours = billed_secs(e.started, end) as f64 / 3600.0;
    Ok(hours * hourly.at(e.started))
}

/// What the volumes cost from `from` to `to` (each from its creation when later).
pub fn storage_cost(s: &Storage, from: Timestamp, to: Timestamp) -> f64 {
    s.volumes
        .iter()
        .map(|v| {
            let start = v.created.map_or(from, |c| c.max(from));
            let hours = to.duration_since(start).as_secs_f64().max(0.0) / 3600.0;
            let rate = s.per_gb_month.get(&v.volume_type).copied().unwrap_or(0.0);
            f64::from(v.size_gb) * rate * hours / HOURS_PER_MONTH
        })
        .sum()
}

/// The cost of some boots: those whose cost is known, and how many were left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Sum {
    /// US dollars of the boots counted.
    pub usd: f64,
    /// Boots counted.
    pub counted: usize,
    /// Boots left out: their end is not known.
    pub left_out: usize,
}

/// The cost of the last 30 days, split into runs, dev sessions and storage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// The window's start (`now − 30 days`).
    pub from: Timestamp,
    /// The runs that started in the window.
    pub runs: Result<Sum, Unknown>,
    /// The dev sessions that started in the window.
    pub dev_sessions: Result<Sum, Unknown>,
    /// The EBS volumes over the window.
    pub storage: Result<f64, Unknown>,
}

impl Month {
    /// Runs + dev sessions + storage, when all three are known.
    pub fn total(&self) -> Option<f64> {
        Some(
            self.runs.as_ref().ok()?.usd
                + self.dev_sessions.as_ref().ok()?.usd
                + *self.storage.as_ref().ok()?,
        )
    }
}

/// The last 30 days before `now` of `entries` (one instance's timeline) at `prices`.
pub fn last_30_days(entries: &[Entry], prices: &Prices, now: Timestamp) -> Month {
    let from = now - WINDOW;
    let sum = |kind: Kind| -> Result<Sum, Unknown> {
        let hourly = prices.hourly.as_ref().map_err(Clone::clone)?;
        let mut s = Sum::default();
        for e in entries.iter().filter(|e| e.kind == kind && e.started >= from && e.started <= now) {
            match boot_cost(e, hourly, now) {
                Ok(usd) => {
                    s.usd += usd;
                    s.counted += 1;
                }
                Err(_) => s.left_out += 1,
            }
        }
        Ok(s)
    };
    Month {
        from,
        runs: sum(Kind::Run),
        dev_sessions: sum(Kind::DevSession),
        storage: prices.storage.as_ref().map(|s| storage_cost(s, from, now)).map_err(Clone::clone),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::cost::{PriceFrom, Seen, Volume};
    use crate::run::{Boundary, KindFrom, Outcome};

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn entry(kind: Kind, started: &str, ended: Option<&str>, outcome: Outcome, current: bool) -> Entry {
        let started = t(started);
        let ended = ended.map(t);
        Entry {
            instance_id: "i-0abc".into(),
            kind,
            kind_from: KindFrom::Log,
            started,
            boundary: Boundary::CloudInit,
            scheduled: false,
            started_by: crate::run::StartedBy::Unknown("not read in this test".into()),
            ended,
            duration: ended.map(|e| e.duration_since(started)),
            outcome,
            evidence: String::new(),
            lines: 1,
            last_line: None,
            first_failure: None,
            progress: None,
            eta: None,
            current,
        }
    }

    fn prices(hourly: Result<Hourly, Unknown>, storage: Result<Storage, Unknown>) -> Prices {
        Prices {
            instance_id: "i-0abc".into(),
            region: "us-east-1".into(),
            hourly,
            storage,
            at: Timestamp::UNIX_EPOCH,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn billing_is_per_second_with_a_sixty_second_minimum() {
        let s = t("2026-11-23T09:00:00Z");
        assert_eq!(billed_secs(s, s), 60);
        assert_eq!(billed_secs(s, s + SignedDuration::from_secs(59)), 60);
        assert_eq!(billed_secs(s, s + SignedDuration::from_secs(61)), 61);
        assert_eq!(billed_secs(s, s + SignedDuration::from_millis(61_001)), 62, "a second begun counts");
        let h = Hourly::flat("t3.large", 3.6, PriceFrom::Config);
        let short =
            entry(Kind::Run, "2026-11-23T09:00:00Z", Some("2026-11-23T09:00:10Z"), Outcome::Failed, false);
        assert!(close(boot_cost(&short, &h, s).unwrap(), 0.06), "10 s billed as 60 s at $0.001/s");
    }

    #[test]
    fn a_run_crossing_midnight_is_one_boot_billed_once() {
        let h = Hourly::flat("t3.large", 0.0832, PriceFrom::Config);
        let e =
            entry(Kind::Run, "2026-11-23T23:30:00Z", Some("2026-11-24T01:00:00Z"), Outcome::Succeeded, false);
        assert!(close(boot_cost(&e, &h, t("2026-11-25T00:00:00Z")).unwrap(), 1.5 * 0.0832));
        // In the 30-day line, counted whole when it started in the window.
        let p = prices(Ok(h), Err("x".into()));
        let m = last_30_days(std::slice::from_ref(&e), &p, t("2026-12-23T23:45:00Z"));
        assert_eq!(m.runs.as_ref().unwrap().counted, 0, "started 30 days and 15 minutes before");
        let m = last_30_days(&[e], &p, t("2026-12-23T23:15:00Z"));
        assert!(close(m.runs.unwrap().usd, 1.5 * 0.0832));
    }

    #[test]
    fn a_running_boot_costs_what_it_ran_so_far_and_an_unknown_end_costs_nothing_known() {
        let h = Hourly::flat("t3.large", 1.0, PriceFrom::Config);
        let live = entry(Kind::Run, "2026-11-23T09:00:00Z", None, Outcome::InProgress, true);
        assert!(close(boot_cost(&live, &h, t("2026-11-23T09:30:00Z")).unwrap(), 0.5));
        let lost = entry(Kind::DevSession, "2026-11-20T09:00:00Z", None, Outcome::Unknown, false);
        assert!(boot_cost(&lost, &h, t("2026-11-23T09:30:00Z")).unwrap_err().contains("end is not known"));
        let p = prices(Ok(h), Err("x".into()));
        let m = last_30_days(&[live, lost], &p, t("2026-11-23T09:30:00Z"));
        assert_eq!(m.dev_sessions.as_ref().unwrap().left_out, 1);
        assert_eq!(m.runs.as_ref().unwrap().counted, 1);
        assert_eq!(m.total(), None, "storage unknown: no total");
    }

    #[test]
    fn a_price_change_in_the_cache_prices_each_run_with_its_own_price() {
        let h = Hourly {
            instance_type: "t3.large".into(),
            history: vec![
                Seen { usd: 1.0, since: t("2026-11-01T00:00:00Z") },
                Seen { usd: 2.0, since: t("2026-11-16T00:00:00Z") },
            ],
            from: PriceFrom::Cache,
            note: None,
        };
        let before =
            entry(Kind::Run, "2026-11-09T09:00:00Z", Some("2026-11-09T10:00:00Z"), Outcome::Succeeded, false);
        // Started before the change, ended after it: the price at its start.
        let across =
            entry(Kind::Run, "2026-11-15T23:00:00Z", Some("2026-11-16T01:00:00Z"), Outcome::Succeeded, false);
        let after =
            entry(Kind::Run, "2026-11-23T09:00:00Z", Some("2026-11-23T10:00:00Z"), Outcome::Succeeded, false);
        let now = t("2026-11-24T00:00:00Z");
        assert!(close(boot_cost(&before, &h, now).unwrap(), 1.0));
        assert!(close(boot_cost(&across, &h, now).unwrap(), 2.0));
        assert!(close(boot_cost(&after, &h, now).unwrap(), 2.0));
        let m = last_30_days(&[after, across, before], &prices(Ok(h), Err("x".into())), now);
        assert!(close(m.runs.unwrap().usd, 5.0));
    }

    #[test]
    fn storage_is_prorated_over_the_window_from_each_volume_creation() {
        let now = t("2026-12-01T00:00:00Z");
        let s = Storage {
            volumes: vec![
                Volume { id: "vol-1".into(), size_gb: 100, volume_type: "gp3".into(), created: None },
                Volume {
                    id: "vol-2".into(),
                    size_gb: 10,
                    volume_type: "gp2".into(),
                    created: Some(now - SignedDuration::from_hours(73)),
                },
            ],
            per_gb_month: BTreeMap::from([("gp3".into(), 0.08), ("gp2".into(), 0.10)]),
            from: PriceFrom::Config,
        };
        assert!(close(s.usd_per_month(), 9.0));
        let want = 100.0 * 0.08 * 720.0 / 730.0 + 10.0 * 0.10 * 73.0 / 730.0;
        let m = last_30_days(&[], &prices(Err("no price".into()), Ok(s)), now);
        assert!(close(*m.storage.as_ref().unwrap(), want));
        assert_eq!(m.runs, Err("no price".into()), "no hourly price: the boots' figures are absent");
    }
}
