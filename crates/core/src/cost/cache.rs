//! The price cache: `$XDG_CACHE_HOME/baseline-panel/prices.json` (else `~/.cache/…`). One entry
//! per region and instance type (and per region and volume type), checked at most once a week,
//! with every price it has had: when AWS changes a price, the old one stays for the boots that
//! ran under it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{Quote, Seen};

/// How long a price is used before the Price List API is asked again.
pub const MAX_AGE: SignedDuration = SignedDuration::from_hours(24 * 7);

/// The cache file's format version.
const VERSION: u32 = 1;

/// One price kept: its history and when the API last confirmed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cached {
    /// Prices seen, oldest first; never empty.
    pub history: Vec<Seen>,
    /// When the Price List API last answered for it.
    pub checked: Timestamp,
    /// How the price was chosen, when more than one product matched.
    #[serde(default)]
    pub note: Option<String>,
}

impl Cached {
    /// The current price.
    pub fn usd(&self) -> f64 {
        self.history.last().map_or(0.0, |s| s.usd)
    }
}

/// The whole cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceCache {
    version: u32,
    prices: BTreeMap<String, Cached>,
}

/// The cache key of an instance type's hourly price.
pub fn instance_key(region: &str, instance_type: &str) -> String {
    format!("{region}/ec2/{instance_type}")
}

/// The cache key of a volume type's GB-month price.
pub fn storage_key(region: &str, volume_type: &str) -> String {
    format!("{region}/ebs/{volume_type}")
}

/// `$XDG_CACHE_HOME/baseline-panel/prices.json` (`~/.cache/baseline-panel/…` without it).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "baseline-panel").map(|d| d.cache_dir().join("prices.json"))
}

impl PriceCache {
    /// The cache at `path`; empty when there is none, or it cannot be read (it is only a cache).
    pub fn load(path: &Path) -> PriceCache {
        let Ok(text) = std::fs::read_to_string(path) else { return PriceCache::default() };
        match serde_json::from_str::<PriceCache>(&text) {
            Ok(c) if c.version == VERSION => c,
            Ok(_) => PriceCache::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "price cache unreadable; starting afresh");
                PriceCache::default()
            }
        }
    }

    /// Writes the cache to `path` (a new file renamed over the old one).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let doc = PriceCache { version: VERSION, prices: self.prices.clone() };
        let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
        let tmp = path.with_extension(format!("json.{}", std::process::id()));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }

    /// The entry for `key`, whatever its age.
    pub fn get(&self, key: &str) -> Option<&Cached> {
        self.prices.get(key)
    }

    /// The entry for `key` when the API confirmed it less than [`MAX_AGE`] before `now`.
    pub fn fresh(&self, key: &str, now: Timestamp) -> Option<&Cached> {
        self.get(key).filter(|c| now.duration_since(c.checked) < MAX_AGE && !c.history.is_empty())
    }

    /// Keeps the API's answer for `key` at `now`: the same price is confirmed; a new one is
    /// added to the history, in force from `now`.
    pub fn record(&mut self, key: &str, quote: &Quote, now: Timestamp) -> &Cached {
        let entry = self.prices.entry(key.to_owned()).or_insert_with(|| Cached {
            history: Vec::new(),
            checked: now,
            note: None,
        });
        if entry.history.last().is_none_or(|s| (s.usd - quote.usd).abs() >= 1e-9) {
            entry.history.push(Seen { usd: quote.usd, since: now });
        }
        entry.checked = now;
        entry.note.clone_from(&quote.note);
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn q(usd: f64) -> Quote {
        Quote { usd, note: None }
    }

    #[test]
    fn a_price_is_fresh_for_a_week_then_expires() {
        let mut c = PriceCache::default();
        let k = instance_key("us-east-1", "t3.large");
        c.record(&k, &q(0.0832), t("2026-11-01T12:00:00Z"));
        assert!(c.fresh(&k, t("2026-11-08T11:59:59Z")).is_some());
        assert!(c.fresh(&k, t("2026-11-08T12:00:00Z")).is_none(), "a week old: ask again");
        assert!(c.get(&k).is_some(), "the history stays");
        assert!(c.fresh(&instance_key("eu-west-1", "t3.large"), t("2026-11-01T12:00:00Z")).is_none());
    }

    #[test]
    fn a_changed_price_joins_the_history_and_the_same_price_is_confirmed() {
        let mut c = PriceCache::default();
        let k = instance_key("us-east-1", "t3.large");
        c.record(&k, &q(0.0832), t("2026-11-01T00:00:00Z"));
        c.record(&k, &q(0.0832), t("2026-11-08T00:00:00Z"));
        assert_eq!(c.get(&k).unwrap().history.len(), 1);
        assert_eq!(c.get(&k).unwrap().checked, t("2026-11-08T00:00:00Z"));
        c.record(&k, &q(0.0900), t("2026-11-15T00:00:00Z"));
        let h = &c.get(&k).unwrap().history;
        assert_eq!(h.len(), 2);
        assert_eq!(h[1], Seen { usd: 0.09, since: t("2026-11-15T00:00:00Z") });
    }

    #[test]
    fn the_cache_survives_a_round_trip_and_a_broken_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("prices.json");
        let mut c = PriceCache::default();
        c.record(&storage_key("us-east-1", "gp3"), &q(0.08), t("2026-11-01T00:00:00Z"));
        c.save(&path).unwrap();
        let back = PriceCache::load(&path);
        assert!((back.get(&storage_key("us-east-1", "gp3")).unwrap().usd() - 0.08).abs() < 1e-12);
        std::fs::write(&path, "{ not json").unwrap();
        assert_eq!(PriceCache::load(&path), PriceCache::default());
        assert_eq!(PriceCache::load(&dir.path().join("none.json")), PriceCache::default());
    }
}
