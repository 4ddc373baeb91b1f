//! The box's schedule as the panel reads it: the configured kind (rule or Scheduler schedule)
//! with the other kind looked up beside it, so two enabled schedules for one box never go
//! unnoticed (after `schedule move`, both exist).

use std::sync::Arc;

use async_trait::async_trait;

use super::{LastFired, Other, RuleInfo, Rules};
use crate::cloud::CloudError;

/// The configured schedule, and the other kind beside it.
pub struct BoxSchedule {
    main: Arc<dyn Rules>,
    other: Option<Arc<dyn Rules>>,
}

impl BoxSchedule {
    /// `main` is the configured kind; `other`, when given, is read with it on every describe.
    pub fn new(main: Arc<dyn Rules>, other: Option<Arc<dyn Rules>>) -> Self {
        BoxSchedule { main, other }
    }
}

/// What reading the other schedule found.
fn other_of(read: Result<RuleInfo, CloudError>) -> Other {
    match read {
        Ok(info) => Other::Found(Box::new(info)),
        Err(CloudError::Missing(_)) => Other::Absent,
        Err(e) => Other::Unknown(e.to_string()),
    }
}

#[async_trait]
impl Rules for BoxSchedule {
    async fn describe(&self) -> Result<RuleInfo, CloudError> {
        let Some(other) = &self.other else {
            return self.main.describe().await;
        };
        let (main, other) = tokio::join!(self.main.describe(), other.describe());
        let mut info = main?;
        info.other = other_of(other);
        Ok(info)
    }

    async fn set_enabled(&self, enabled: bool, dry_run: bool) -> Result<(), CloudError> {
        self.main.set_enabled(enabled, dry_run).await
    }

    async fn last_fired(&self) -> Result<Option<LastFired>, CloudError> {
        self.main.last_fired().await
    }

    fn rule_name(&self) -> &str {
        self.main.rule_name()
    }

    fn noun(&self) -> &'static str {
        self.main.noun()
    }

    fn kind(&self) -> &'static str {
        self.main.kind()
    }
}
