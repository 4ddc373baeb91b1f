//! The demo's simulated history: a plausible week of the lab's box, made relative to the time
//! asked, so a user without AWS sees what the feed shows. Nothing leaves the machine.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use super::{ActivityLog, Event, Via, What, Who};
use crate::cloud::CloudError;
use crate::timefmt::last_monday_0900;

/// The simulated history of the lab's box (`names`: instance ids first, then the rule).
pub struct DemoActivity {
    lambda: String,
    rule: String,
}

impl DemoActivity {
    /// The history of the box started by the Lambda `lambda` through the rule `rule`.
    pub fn new(rule: &str, lambda: &str) -> Self {
        DemoActivity { lambda: lambda.to_owned(), rule: rule.to_owned() }
    }

    /// The week before `now`, newest first, for the instance `instance`.
    pub fn history(&self, instance: &str, now: Timestamp) -> Vec<Event> {
        // CloudTrail stamps whole seconds.
        let now = Timestamp::from_second(now.as_second()).unwrap_or(now);
        let ago = |mins: i64| now - SignedDuration::from_mins(mins);
        let monday = last_monday_0900(now);
        let ev = |n: u32, at: Timestamp, what: What, who: Who, via: Via, target: &str| Event {
            id: format!("demo-{n:04}"),
            at,
            what,
            who,
            via,
            target: target.to_owned(),
            error: None,
            pending: false,
        };
        let alice = || Who::Person("alice@lab.example".into());
        let bob = || Who::Person("bob@lab.example".into());
        let schedule = || Who::Schedule { function: self.lambda.clone() };
        let mut v = vec![
            ev(1, ago(125), What::DevOn, alice(), Via::Panel, instance),
            ev(2, ago(123), What::Start, alice(), Via::Panel, instance),
            ev(3, ago(60 * 26), What::Stop, bob(), Via::Cli, instance),
            ev(4, ago(60 * 27), What::Start, bob(), Via::Console, instance),
            ev(5, ago(60 * 30), What::PutRule, Who::User("ops-admin".into()), Via::Console, &self.rule),
            ev(6, monday, What::Start, schedule(), Via::Sdk("Boto3".into()), instance),
            ev(7, monday - SignedDuration::from_hours(20), What::DevOff, alice(), Via::Panel, instance),
            ev(8, monday - SignedDuration::from_hours(21), What::DisableRule, bob(), Via::Cli, &self.rule),
            ev(
                9,
                monday - SignedDuration::from_hours(20) + SignedDuration::from_mins(5),
                What::EnableRule,
                bob(),
                Via::Cli,
                &self.rule,
            ),
        ];
        let mut refused =
            ev(10, ago(60 * 28), What::Stop, Who::User("intern".into()), Via::Console, instance);
        refused.error = Some("Client.UnauthorizedOperation".into());
        v.push(refused);
        v.retain(|e| e.at <= now);
        v.sort_by_key(|e| std::cmp::Reverse(e.at));
        v
    }
}

#[async_trait]
impl ActivityLog for DemoActivity {
    async fn lookup(
        &self,
        names: &[String],
        since: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<Event>, CloudError> {
        let Some(instance) = names.iter().find(|n| n.starts_with("i-")) else { return Ok(Vec::new()) };
        Ok(self
            .history(instance, now)
            .into_iter()
            .filter(|e| e.at >= since && (names.contains(&e.target)))
            .collect())
    }

    fn kind(&self) -> &'static str {
        "demo"
    }

    async fn probe(&self) -> Result<(), CloudError> {
        Ok(())
    }
}
