//! The simulated rule of the demo mode: the lab's rule, switched on and off in memory; and a
//! simulated `EventBridge` Scheduler schedule that `schedule move` creates and deletes in memory.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use jiff::Timestamp;

use super::scheduler::{NewSchedule, SchedulerStore};
use super::{LastFired, Other, RuleInfo, RuleState, Rules, SchedulerFacts};
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

/// A Scheduler schedule that lives in memory: absent until `schedule move` creates it.
pub struct DemoScheduler {
    name: String,
    group: String,
    made: Mutex<Option<(NewSchedule, bool)>>,
}

impl DemoScheduler {
    /// The schedule `group/name`, not created yet.
    pub fn new(name: &str, group: &str) -> Self {
        DemoScheduler { name: name.to_string(), group: group.to_string(), made: Mutex::new(None) }
    }

    fn missing(&self) -> CloudError {
        CloudError::Missing(format!(
            "EventBridge Scheduler schedule `{}` does not exist in group `{}` (demo)",
            self.name, self.group
        ))
    }
}

#[async_trait]
impl Rules for DemoScheduler {
    async fn describe(&self) -> Result<RuleInfo, CloudError> {
        let made = self.made.lock().map_err(|_| CloudError::Other("demo state poisoned".into()))?;
        let (new, enabled) = made.as_ref().ok_or_else(|| self.missing())?;
        let schedule = RuleInfo::parse_expression(&new.expression)
            .and_then(|s| crate::schedule::named_zone(&new.time_zone).map(|tz| s.in_zone(tz)));
        Ok(RuleInfo {
            name: self.name.clone(),
            arn: Some(format!(
                "arn:aws:scheduler:us-east-1:{DEMO_ACCOUNT}:schedule/{}/{}",
                self.group, self.name
            )),
            state: if *enabled { RuleState::Enabled } else { RuleState::Disabled },
            expression: new.expression.clone(),
            schedule,
            description: Some(new.description.clone()),
            targets: vec![new.target.clone()],
            created_by: None,
            scheduler: Some(SchedulerFacts {
                group: self.group.clone(),
                time_zone: Some(new.time_zone.clone()),
                role: Some(new.role.clone()),
            }),
            other: Other::NotRead,
        })
    }

    async fn set_enabled(&self, enabled: bool, dry_run: bool) -> Result<(), CloudError> {
        let mut made = self.made.lock().map_err(|_| CloudError::Other("demo state poisoned".into()))?;
        let (_, on) = made.as_mut().ok_or_else(|| self.missing())?;
        if !dry_run {
            *on = enabled;
        }
        Ok(())
    }

    async fn last_fired(&self) -> Result<Option<LastFired>, CloudError> {
        Ok(None)
    }

    fn rule_name(&self) -> &str {
        &self.name
    }

    fn noun(&self) -> &'static str {
        "schedule"
    }

    fn kind(&self) -> &'static str {
        "demo"
    }
}

#[async_trait]
impl SchedulerStore for DemoScheduler {
    async fn exists(&self) -> Result<bool, CloudError> {
        Ok(self.made.lock().map_err(|_| CloudError::Other("demo state poisoned".into()))?.is_some())
    }

    async fn create(&self, new: &NewSchedule, _client_token: &str) -> Result<(), CloudError> {
        let mut made = self.made.lock().map_err(|_| CloudError::Other("demo state poisoned".into()))?;
        if made.is_some() {
            return Err(CloudError::Rejected(format!("schedule `{}` already exists (demo)", self.name)));
        }
        *made = Some((new.clone(), true));
        Ok(())
    }

    async fn delete(&self) -> Result<(), CloudError> {
        let mut made = self.made.lock().map_err(|_| CloudError::Other("demo state poisoned".into()))?;
        made.take().map(|_| ()).ok_or_else(|| self.missing())
    }

    fn group(&self) -> &str {
        &self.group
    }

    fn as_rules(self: std::sync::Arc<Self>) -> std::sync::Arc<dyn Rules> {
        self
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
