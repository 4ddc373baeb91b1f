//! The simulated box's prices: a t3.large's on-demand price and one 100 GiB gp3 volume, so a
//! user without AWS sees the cost figures. Labelled as the demo's everywhere they show.

use async_trait::async_trait;

use super::{PriceFrom, PriceSource, Quote, Volume};
use crate::cloud::CloudError;

/// The demo's price list.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoPrices;

#[async_trait]
impl PriceSource for DemoPrices {
    async fn hourly(&self, _region: &str, _instance_type: &str) -> Result<Quote, CloudError> {
        Ok(Quote { usd: 0.0832, note: None })
    }

    async fn storage(&self, _region: &str, _volume_type: &str) -> Result<Quote, CloudError> {
        Ok(Quote { usd: 0.08, note: None })
    }

    async fn volumes(&self, instance_id: &str) -> Result<Vec<Volume>, CloudError> {
        let tail = instance_id.trim_start_matches("i-");
        Ok(vec![Volume { id: format!("vol-{tail}"), size_gb: 100, volume_type: "gp3".into(), created: None }])
    }

    fn answers_from(&self) -> PriceFrom {
        PriceFrom::Demo
    }
}
