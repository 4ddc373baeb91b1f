//! What the box costs: the on-demand hourly price of its instance type and the monthly price of
//! its EBS volumes, from the AWS Price List Query API (or the configuration), cached for a week;
//! and the arithmetic that turns the run timeline into dollars.
//!
//! - [`price_list`] reads the Price List's answers (a list of JSON *strings*, one per product).
//! - [`aws`] asks `pricing:GetProducts` (from us-east-1, the Query API's own region) and
//!   `ec2:DescribeVolumes`; [`demo`] answers for the simulated box.
//! - [`cache`] keeps each price seen under `$XDG_CACHE_HOME/baseline-panel/`, with its history.
//! - [`lookup`] puts the configuration's overrides, the cache and the API together into
//!   [`Prices`]; [`bill`] prices a boot and the last 30 days.
//!
//! Nothing is invented: a figure that cannot be had is an [`Unknown`] with the reason.

pub mod aws;
pub mod bill;
pub mod cache;
pub mod demo;
pub mod json;
pub mod lookup;
pub mod price_list;
pub mod text;

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use bill::{Month, Sum, boot_cost, last_30_days};
pub use lookup::{CostConfig, lookup};

use crate::cloud::CloudError;

/// Why a figure is absent: one sentence for people (`"no price: not permitted:
/// pricing:GetProducts"`).
pub type Unknown = String;

/// A price found by the Price List API, with a word on how when more than one product matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// US dollars per unit (an hour, or a GB-month).
    pub usd: f64,
    /// How the price was chosen when it was not the only match (`"2 matching products agree"`).
    pub note: Option<String>,
}

/// One EBS volume attached to the box (`ec2:DescribeVolumes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    /// The volume id.
    pub id: String,
    /// Size in GiB.
    pub size_gb: u32,
    /// `gp3`, `gp2`, `io2`, ...
    pub volume_type: String,
    /// When it was created, when known: it costs nothing before.
    pub created: Option<Timestamp>,
}

/// Where the prices come from: the Price List API and EC2's volume list, or the demo's.
#[async_trait]
pub trait PriceSource: Send + Sync {
    /// The on-demand Linux price of `instance_type` in `region`, US dollars an hour.
    async fn hourly(&self, region: &str, instance_type: &str) -> Result<Quote, CloudError>;

    /// The price of a GB-month of `volume_type` EBS storage in `region`.
    async fn storage(&self, region: &str, volume_type: &str) -> Result<Quote, CloudError>;

    /// The EBS volumes attached to `instance_id`.
    async fn volumes(&self, instance_id: &str) -> Result<Vec<Volume>, CloudError>;

    /// What its answers are: the Price List's, or made up (the demo).
    fn answers_from(&self) -> PriceFrom {
        PriceFrom::PriceList
    }
}

/// Where a price was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceFrom {
    /// The configuration (`cost.hourly_usd`, `cost.storage_usd_per_gb_month`).
    Config,
    /// The Price List API, asked just now.
    PriceList,
    /// The cache of an earlier answer of the Price List API (less than a week old).
    Cache,
    /// The simulated box's made-up price.
    Demo,
}

impl PriceFrom {
    /// How the panel names it.
    pub fn label(self) -> &'static str {
        match self {
            PriceFrom::Config => "from the config",
            PriceFrom::PriceList => "AWS Price List",
            PriceFrom::Cache => "AWS Price List, cached",
            PriceFrom::Demo => "demo price",
        }
    }
}

/// A price in force from a time on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    /// US dollars per unit.
    pub usd: f64,
    /// The first time this price was seen (a price from the configuration: the earliest time).
    pub since: Timestamp,
}

/// The hourly prices of the box's instance type as they were seen, oldest first: a boot is
/// priced with the price in force when it started (one seen before or at its start), and a boot
/// older than every price seen with the oldest price known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hourly {
    /// The instance type.
    pub instance_type: String,
    /// Prices seen, oldest first; never empty.
    pub history: Vec<Seen>,
    /// Where the current price comes from.
    pub from: PriceFrom,
    /// How it was chosen, when more than one product matched.
    pub note: Option<String>,
}

impl Hourly {
    /// One price, in force since ever.
    pub fn flat(instance_type: &str, usd: f64, from: PriceFrom) -> Self {
        Hourly {
            instance_type: instance_type.to_owned(),
            history: vec![Seen { usd, since: Timestamp::MIN }],
            from,
            note: None,
        }
    }

    /// The current price, US dollars an hour.
    pub fn now(&self) -> f64 {
        self.history.last().map_or(0.0, |s| s.usd)
    }

    /// The price in force at `t`.
    pub fn at(&self, t: Timestamp) -> f64 {
        self.history.iter().rev().find(|s| s.since <= t).or(self.history.first()).map_or(0.0, |s| s.usd)
    }
}

/// The box's EBS storage: its volumes and what a GB-month of each costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Storage {
    /// The attached volumes.
    pub volumes: Vec<Volume>,
    /// US dollars a GB-month, by volume type (every type of `volumes` has one).
    pub per_gb_month: std::collections::BTreeMap<String, f64>,
    /// Where the prices come from.
    pub from: PriceFrom,
}

impl Storage {
    /// US dollars a month for all the volumes.
    pub fn usd_per_month(&self) -> f64 {
        self.volumes
            .iter()
            .map(|v| f64::from(v.size_gb) * self.per_gb_month.get(&v.volume_type).copied().unwrap_or(0.0))
            .sum()
    }

    /// Gibibytes in all.
    pub fn size_gb(&self) -> u64 {
        self.volumes.iter().map(|v| u64::from(v.size_gb)).sum()
    }
}

/// Everything the cost figures need, or why each part is missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prices {
    /// The instance.
    pub instance_id: String,
    /// The region the prices are for.
    pub region: String,
    /// The instance type's hourly price.
    pub hourly: Result<Hourly, Unknown>,
    /// The volumes' monthly price.
    pub storage: Result<Storage, Unknown>,
    /// When these were put together.
    pub at: Timestamp,
}

/// `$0.84`, `$12.30`, `$1,234.50`; below a cent, `<$0.01`.
pub fn usd(amount: f64) -> String {
    if amount > 0.0 && amount < 0.005 {
        return "<$0.01".into();
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "dollar amounts of one box are far below i64::MAX cents"
    )]
    let cents = (amount * 100.0).round() as i64;
    let (dollars, cents) = (cents / 100, cents % 100);
    let digits = dollars.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("${grouped}.{cents:02}")
}

/// Rounded to the cent, for JSON.
pub fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_are_written_to_the_cent() {
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(0.001), "<$0.01");
        assert_eq!(usd(0.835), "$0.84");
        assert_eq!(usd(12.3), "$12.30");
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(1_234_567.0), "$1,234,567.00");
        assert!((cents(0.8349) - 0.83).abs() < 1e-9);
    }

    #[test]
    fn a_boot_is_priced_with_the_price_in_force_at_its_start() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let h = Hourly {
            instance_type: "t3.large".into(),
            history: vec![
                Seen { usd: 0.08, since: t("2026-11-01T00:00:00Z") },
                Seen { usd: 0.10, since: t("2026-11-20T00:00:00Z") },
            ],
            from: PriceFrom::Cache,
            note: None,
        };
        assert!((h.at(t("2026-11-19T23:59:59Z")) - 0.08).abs() < 1e-12);
        assert!((h.at(t("2026-11-20T00:00:00Z")) - 0.10).abs() < 1e-12);
        assert!((h.at(t("2026-10-01T00:00:00Z")) - 0.08).abs() < 1e-12, "older: the oldest price known");
        assert!((h.now() - 0.10).abs() < 1e-12);
    }
}
