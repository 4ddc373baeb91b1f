//! The simulated rule of the demo mode: the lab's rule, switched on and off in memory.

use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use jiff::Timestamp;

use super::{LastFired, RuleInfo, RuleState, Rules};
use crate::cloud::CloudError;
use crate::timefmt::last_monday_0900;

/// The lab rule's name.
pub const LAB_RULE: &str = "MondayMorning9aEST";
/// The lab rule's schedule expression (09:00 UTC every Monday).
pub const LAB_EXPRESSION: &str = "cron(0 9 ? * MON *)";
/// The lab's scheduler Lambda.
pub const LAB_LAMBDA: &str = "start-baseline-instance";

const DEMO_ACCOUNT: &str = "123456789012";

/// A rule that lives in memory: enabled at first, fired last Monday at 09:00 UTC.
pub struct DemoRules {
    rule: String,
    lambda: String,
    enabled: AtomicBool,
}

impl DemoRules {
    /// The rule `rule` targeting the Lambda `lambda`, with the lab's expression, enabled.
    pub fn new(rule: &str, lambda: &str) -> Self {
        DemoRules { rule: rule.to_string(), lambda: lambda.to_string(), enabled: AtomicBool::new(true) }
    }

    /// The lab's rule and Lambda.
    pub fn lab() -> Self {
        Self::new(LAB_RULE, LAB_LAMBDA)
    }

    /// The rule as `DescribeRule` would report it now.
    pub fn info(&self) -> RuleInfo {
        let state =
            if self.enabled.load(Ordering::SeqCst) { RuleState::Enabled } else { RuleState::Disabled };
        RuleInfo {
            name: self.rule.clone(),
            arn: Some(format!("arn:aws:events:us-east-1:{DEMO_ACCOUNT}:rule/{}", self.rule)),
            state,
            expression: LAB_EXPRESSION.to_string(),
            schedule: RuleInfo::parse_expression(LAB_EXPRESSION),
            description: Some("Starts the baseline model instance every Monday".into()),
            targets: vec![format!("arn:aws:lambda:us-east-1:{DEMO_ACCOUNT}:function:{}", self.lambda)],
            created_by: Some(DEMO_ACCOUNT.into()),
            scheduler: None,
            other: super::Other::NotRead,
        }
    }
}

#[async_trait]
impl Rules for DemoRules {
    async fn describe(&self) -> Result<RuleInfo, CloudError> {
        Ok(self.info())
    }

    async fn set_enabled(&self, enabled: bool, dry_run: bool) -> Result<(), CloudError> {
        if !dry_run {
            self.enabled.store(enabled, Ordering::SeqCst);
        }
        Ok(())
    }

    async fn last_fired(&self) -> Result<Option<LastFired>, CloudError> {
        Ok(Some(LastFired {
            at: last_monday_0900(Timestamp::now()),
            detail: "START RequestId: 5c3f9b1e-0d4a-4e8e-9a51-7f2a3c1d0b6e Version: $LATEST".into(),
        }))
    }

    fn rule_name(&self) -> &str {
        &self.rule
    }

    fn kind(&self) -> &'static str {
        "demo"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn toggles_in_memory_and_dry_runs_change_nothing() {
        let r = DemoRules::lab();
        let info = r.describe().await.unwrap();
        assert_eq!(info.name, LAB_RULE);
        assert_eq!(info.state, RuleState::Enabled);
        assert_eq!(info.expression, LAB_EXPRESSION);
        assert!(info.targets[0].ends_with(":function:start-baseline-instance"));
        r.set_enabled(false, true).await.unwrap();
        assert_eq!(r.describe().await.unwrap().state, RuleState::Enabled);
        r.set_enabled(false, false).await.unwrap();
        assert_eq!(r.describe().await.unwrap().state, RuleState::Disabled);
        r.set_enabled(true, false).await.unwrap();
        assert_eq!(r.describe().await.unwrap().state, RuleState::Enabled);
        let last = r.last_fired().await.unwrap().unwrap();
        assert!(last.at <= Timestamp::now());
        assert!(last.detail.starts_with("START RequestId"));
    }
}
