//! The optional checks: may `CloudTrail`'s event history be read (the activity pane, who left
//! dev mode on, who started a run), and which hourly price would the cost figures use? Neither
//! ever fails the doctor: without them the panel still works, with less to show.

use std::time::Duration;

use jiff::Timestamp;

use super::{AWS_ENDPOINT, Check, DoctorProbes, Item, Status, within};
use crate::cloud::{CloudError, Instance};
use crate::config::Config;
use crate::cost::cache::{self, PriceCache};
use crate::cost::text::price_text;
use crate::cost::{Hourly, PriceFrom};

pub(super) const TRAIL: Item = Item::new("cloudtrail.lookup", "CloudTrail history", false);
pub(super) const PRICE: Item = Item::new("cost.price", "Hourly price", false);

/// What is lost without `CloudTrail`'s event history.
const TRAIL_LOSS: &str = "the activity pane, the dev-mode owner and who started a run are unknown";

/// A warning: works without it, but with less.
fn warn(item: Item, detail: String, hint: String) -> Check {
    item.check(Status::Warn, detail, Some(hint))
}

/// One `LookupEvents` for a single event.
pub(super) async fn trail_check(probes: &dyn DoctorProbes, limit: Duration) -> Check {
    match within(limit, probes.trail()).await {
        None => warn(
            TRAIL,
            format!("no answer within {} s: {TRAIL_LOSS}", limit.as_secs_f64()),
            format!("check the network connection and {AWS_ENDPOINT}"),
        ),
        Some(Ok(())) => TRAIL.pass("cloudtrail:LookupEvents allowed: the activity pane can say who did what"),
        Some(Err(CloudError::AccessDenied { action, .. })) => warn(
            TRAIL,
            format!("no {action} permission: {TRAIL_LOSS}"),
            "allow cloudtrail:LookupEvents (statement WhoDidWhat in assets/iam-policy.json)".into(),
        ),
        Some(Err(e)) => warn(
            TRAIL,
            format!("CloudTrail could not be read: {e}"),
            format!("without it {TRAIL_LOSS}; try again later, or check {AWS_ENDPOINT}"),
        ),
    }
}

/// The hourly price the cost figures would use for the first matching instance: the
/// configuration's, a cached one less than a week old, or one asked of the Price List now
/// (not kept: the doctor changes nothing).
pub(super) async fn price_check(
    probes: &dyn DoctorProbes,
    cfg: &Config,
    instance: Option<&Instance>,
    limit: Duration,
) -> Check {
    let Some(instance) = instance else { return PRICE.skip("no instance to price", None) };
    let ty = instance.instance_type.as_deref();
    match (cfg.cost.hourly_usd, ty) {
        (Some(usd), ty) => {
            let h = Hourly::flat(ty.unwrap_or("?"), usd, PriceFrom::Config);
            return PRICE.pass(price_text(&h));
        }
        (None, None) => {
            return warn(
                PRICE,
                format!("EC2 did not say {}'s instance type: cost figures are absent", instance.id),
                "set cost.hourly_usd in the config file to price it by hand".into(),
            );
        }
        (None, Some(_)) => {}
    }
    let ty = ty.unwrap_or_default();
    let key = cache::instance_key(&cfg.region, ty);
    let cache = cfg.cost.cache_path.as_deref().map(PriceCache::load).unwrap_or_default();
    if let Some(c) = cache.fresh(&key, Timestamp::now()) {
        let h = Hourly {
            instance_type: ty.to_owned(),
            history: c.history.clone(),
            from: PriceFrom::Cache,
            note: c.note.clone(),
        };
        return PRICE.pass(format!("{} in {}", price_text(&h), cfg.region));
    }
    let absent = "cost figures are absent";
    let fix = "allow pricing:GetProducts (statement PriceTheBox in assets/iam-policy.json), \
               or set cost.hourly_usd in the config file";
    match within(limit, probes.hourly_price(&cfg.region, ty)).await {
        None => warn(
            PRICE,
            format!("the Price List did not answer within {} s: {absent}", limit.as_secs_f64()),
            format!("check the network connection and {AWS_ENDPOINT}"),
        ),
        Some(Ok(q)) => {
            let h = Hourly { note: q.note, ..Hourly::flat(ty, q.usd, probes.prices_from()) };
            PRICE.pass(format!("{} in {}", price_text(&h), cfg.region))
        }
        Some(Err(CloudError::AccessDenied { action, .. })) => {
            warn(PRICE, format!("no {action} permission: {absent}"), fix.into())
        }
        Some(Err(e)) => warn(PRICE, format!("{absent}: no price for {ty}: {e}"), fix.into()),
    }
}
