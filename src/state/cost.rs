//! The prices of the selected instance: looked up once per instance and type (the lookup
//! itself keeps them a week in the cache), and the figures drawn from them.

use super::State;
use crate::action::Effect;
use crate::cost::Prices;
use crate::run::Entry;

/// What the panel knows of the prices.
#[derive(Debug, Clone, Default)]
pub struct CostState {
    /// The latest prices, for the instance they name.
    pub prices: Option<Prices>,
    /// The instance and type last asked for: asked again only when either changes.
    pub asked: Option<(String, Option<String>)>,
}

impl CostState {
    /// The prices of `instance_id`, when they have arrived.
    pub fn for_instance(&self, instance_id: &str) -> Option<&Prices> {
        self.prices.as_ref().filter(|p| p.instance_id == instance_id)
    }
}

/// Asks for the prices of the selected instance when it (or its type) is new.
pub(super) fn due(state: &mut State) -> Option<Effect> {
    let i = state.instance()?.clone();
    let key = (i.id.clone(), i.instance_type.clone());
    if state.cost.asked.as_ref() == Some(&key) {
        return None;
    }
    state.cost.asked = Some(key);
    Some(Effect::FetchPrices(Box::new(i)))
}

/// The prices arrived.
pub(super) fn loaded(state: &mut State, prices: Prices) {
    state.cost.prices = Some(prices);
}

/// What `e` cost at the selected instance's prices: `None` while they are not known yet.
pub fn entry_cost(state: &State, e: &Entry) -> Option<Result<f64, String>> {
    let p = state.cost.for_instance(&e.instance_id)?;
    Some(crate::cost::json::entry_cost(e, p, state.now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::backends::Account;
    use crate::config::Config;
    use crate::cost::{Hourly, PriceFrom};

    fn prices(id: &str) -> Prices {
        Prices {
            instance_id: id.into(),
            region: "us-east-1".into(),
            hourly: Ok(Hourly::flat("t3.large", 0.0832, PriceFrom::Config)),
            storage: Err("volumes unknown".into()),
            at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn prices_are_asked_once_per_instance_and_type() {
        let mut s = State::new(&Config::builtin(), &Account::Demo, crate::fixtures::now());
        let inst = crate::fixtures::instance(crate::cloud::InstanceState::Running);
        let answer = |s: &mut State, i: &crate::cloud::Instance| {
            let seq = s.instance_poll.issue();
            crate::state::update(s, Action::InstancesLoaded { seq, result: Ok(vec![i.clone()]) })
        };
        let fx = answer(&mut s, &inst);
        assert!(fx.contains(&Effect::FetchPrices(Box::new(inst.clone()))), "{fx:?}");
        let fx = answer(&mut s, &inst);
        assert!(!fx.iter().any(|f| matches!(f, Effect::FetchPrices(_))), "asked already");
        let mut bigger = inst.clone();
        bigger.instance_type = Some("r5.4xlarge".into());
        let fx = answer(&mut s, &bigger);
        assert!(fx.iter().any(|f| matches!(f, Effect::FetchPrices(_))), "a new type: asked again");
        crate::state::update(&mut s, Action::PricesLoaded(Box::new(prices(&inst.id))));
        assert!(s.cost.for_instance(&inst.id).is_some());
        assert!(s.cost.for_instance("i-0other").is_none(), "another box's prices are not shown");
    }
}
