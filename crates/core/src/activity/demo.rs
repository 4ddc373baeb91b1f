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
    dev_left_on: bool,
}

impl DemoActivity {
    /// The history of the box started by the Lambda `lambda` through the rule `rule`.
    pub fn new(rule: &str, lambda: &str) -> Self {
        DemoActivity { lambda: lambda.to_owned(), rule: rule.to_owned(), dev_left_on: false }
    }

    /// The same history, with a dev session of this morning left on (for a demo box that
    /// starts in dev mode): its feed and its state tell the same story.
    #[must_use]
    pub fn with_dev_left_on(mut self, on: bool) -> Self {
        self.dev_left_on = on;
        self
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
        let h = |n: i64| SignedDuration::from_hours(n);
        let m = |n: i64| SignedDuration::from_mins(n);
        let mut v = vec![
            ev(6, monday, What::Start, schedule(), Via::Sdk("Boto3".into()), instance),
            ev(3, monday - h(15), What::Stop, bob(), Via::Cli, instance),
            ev(4, monday - h(16), What::Start, bob(), Via::Console, instance),
            ev(5, monday - h(18), What::PutRule, Who::User("ops-admin".into()), Via::Console, &self.rule),
            ev(9, monday - h(20) + m(5), What::EnableRule, bob(), Via::Cli, &self.rule),
            ev(7, monday - h(20), What::DevOff, alice(), Via::Panel, instance),
            ev(11, monday - h(20) - m(5), What::Stop, alice(), Via::Panel, instance),
            ev(8, monday - h(21), What::DisableRule, bob(), Via::Cli, &self.rule),
            ev(2, monday - h(23), What::Start, alice(), Via::Panel, instance),
            ev(1, monday - h(23) - m(5), What::DevOn, alice(), Via::Panel, instance),
        ];
        if self.dev_left_on {
            // This morning's dev session, not switched back: the box the demo shows in dev mode.
            let on = ago(125).max(monday + h(3));
            v.push(ev(12, on, What::DevOn, alice(), Via::Panel, instance));
            v.push(ev(13, on + m(2), What::Start, alice(), Via::Panel, instance));
            v.push(ev(14, on + m(85), What::Stop, alice(), Via::Panel, instance));
        }
        let mut refused =
            ev(10, monday - h(17), What::Stop, Who::User("intern".into()), Via::Console, instance);
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
