//! The simulated box's prices: us-east-1 list prices of a few instance types (the demo's box is
//! an r5.2xlarge) and one 100 GiB gp3 volume, so a user without AWS sees the cost figures.
//! Labelled as the demo's everywhere they show.

use async_trait::async_trait;

use super::{PriceFrom, PriceSource, Quote, Volume};
use crate::cloud::CloudError;

/// The demo's price list.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoPrices;

#[async_trait]
impl PriceSource for DemoPrices {
    async fn hourly(&self, _region: &str, instance_type: &str) -> Result<Quote, CloudError> {
        let usd = match instance_type {
            "r5.2xlarge" => 0.504,
            "r5.4xlarge" => 1.008,
            "t3.large" => 0.0832,
            _ => 0.10,
        };
        Ok(Quote { usd, note: None })
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
