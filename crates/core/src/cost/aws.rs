//! The prices as AWS gives them: the Price List Query API (`pricing:GetProducts`) and EC2's
//! volume list (`ec2:DescribeVolumes`), on the shared SDK configuration (profiles, SSO and
//! `AWS_ENDPOINT_URL` apply). The Query API answers only from us-east-1, eu-central-1 and
//! ap-south-1: it is always asked in us-east-1, whatever the box's region, and the box's region
//! goes into the filters.

use async_trait::async_trait;
use aws_config::{Region, SdkConfig};
use aws_sdk_pricing::types::{Filter, FilterType};

use super::price_list::{choose, offers};
use super::{PriceSource, Quote, Volume};
use crate::cloud::CloudError;
use crate::cloud::aws::{endpoint_label, sdk_failure};
use crate::config::Config;

/// The region the Price List Query API is asked in.
pub const PRICING_REGION: &str = "us-east-1";

/// Most pages of one `GetProducts` read (100 products each): a filter that matches more is not
/// one price anyway.
const MAX_PAGES: usize = 10;

/// The Price List API and EC2 of the configured account.
pub struct AwsPrices {
    pricing: aws_sdk_pricing::Client,
    ec2: aws_sdk_ec2::Client,
    profile: Option<String>,
    pricing_endpoint: String,
    ec2_endpoint: String,
}

impl AwsPrices {
    /// Clients on `sdk` (the pricing client in [`PRICING_REGION`]).
    pub fn new(sdk: &SdkConfig, cfg: &Config) -> Self {
        // Two attempts: a throttled call is asked once more; an endpoint without the Price List
        // (moto, LocalStack) does not hold `status` up for long.
        let pricing_conf = aws_sdk_pricing::config::Builder::from(sdk)
            .region(Region::new(PRICING_REGION))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
            .build();
        AwsPrices {
            pricing: aws_sdk_pricing::Client::from_conf(pricing_conf),
            ec2: aws_sdk_ec2::Client::new(sdk),
            profile: cfg.profile.clone(),
            pricing_endpoint: cfg
                .endpoint_url
                .clone()
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
                .unwrap_or_else(|| format!("api.pricing.{PRICING_REGION}.amazonaws.com")),
            ec2_endpoint: endpoint_label(cfg, "ec2"),
        }
    }

    /// Every product of `AmazonEC2` matching `filters` (`TERM_MATCH` each), all pages; their
    /// on-demand price in `unit`, agreed on.
    async fn products(&self, filters: &[(&str, &str)], unit: &str, what: &str) -> Result<Quote, CloudError> {
        let mut req = self.pricing.get_products().service_code("AmazonEC2").format_version("aws_v1");
        for (field, value) in filters {
            let f = Filter::builder()
                .r#type(FilterType::TermMatch)
                .field(*field)
                .value(*value)
                .build()
                .map_err(|e| CloudError::Other(e.to_string()))?;
            req = req.filters(f);
        }
        let mut pages = req.max_results(100).into_paginator().send();
        let (mut found, mut skipped, mut n) = (Vec::new(), 0, 0);
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                sdk_failure("pricing:GetProducts", &e, self.profile.as_deref(), &self.pricing_endpoint)
            })?;
            let (o, s) = offers(page.price_list(), unit);
            found.extend(o);
            skipped += s;
            n += 1;
            if n >= MAX_PAGES {
                return Err(CloudError::Rejected(format!(
                    "the AWS Price List matches too many products for {what} (over {MAX_PAGES} pages)"
                )));
            }
        }
        if skipped > 0 {
            tracing::info!(what, skipped, "Price List products without one on-demand price skipped");
        }
        choose(&found, what).map_err(CloudError::Rejected)
    }
}

#[async_trait]
impl PriceSource for AwsPrices {
    async fn hourly(&self, region: &str, instance_type: &str) -> Result<Quote, CloudError> {
        let filters = [
            ("instanceType", instance_type),
            ("regionCode", region),
            ("operatingSystem", "Linux"),
            ("tenancy", "Shared"),
            ("preInstalledSw", "NA"),
            ("capacitystatus", "Used"),
        ];
        self.products(&filters, "Hrs", &format!("{instance_type} in {region}")).await
    }

    async fn storage(&self, region: &str, volume_type: &str) -> Result<Quote, CloudError> {
        let filters = [("productFamily", "Storage"), ("volumeApiName", volume_type), ("regionCode", region)];
        self.products(&filters, "GB-Mo", &format!("{volume_type} volumes in {region}")).await
    }

    async fn volumes(&self, instance_id: &str) -> Result<Vec<Volume>, CloudError> {
        let filter =
            aws_sdk_ec2::types::Filter::builder().name("attachment.instance-id").values(instance_id).build();
        let mut pages = self.ec2.describe_volumes().filters(filter).into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                sdk_failure("ec2:DescribeVolumes", &e, self.profile.as_deref(), &self.ec2_endpoint)
            })?;
            for v in page.volumes() {
                out.push(Volume {
                    id: v.volume_id().unwrap_or_default().to_owned(),
                    size_gb: v.size().and_then(|s| u32::try_from(s).ok()).unwrap_or(0),
                    volume_type: v
                        .volume_type()
                        .map_or_else(|| "unknown".to_owned(), |t| t.as_str().to_owned()),
                    created: v.create_time().and_then(|t| {
                        jiff::Timestamp::new(t.secs(), i32::try_from(t.subsec_nanos()).ok()?).ok()
                    }),
                });
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }
}
