use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::activity::{Event, Via, What, Who};
use crate::run::scenarios::{self, ID};

fn ev(at: Timestamp, who: Who, via: Via) -> Event {
    Event { id: "e".into(), at, what: What::Start, who, via, target: ID.into(), error: None, pending: false }
}

/// The timeline of a scenario, as every surface builds it.
fn timeline_of(name: &str) -> (Timeline, Timestamp) {
    let s = scenarios::all().into_iter().find(|s| s.name == name).unwrap();
    (s.timeline(&crate::run::RunRules::default()), s.now)
}

fn read(events: &[Event], now: Timestamp) -> StartEvents<'_> {
    StartEvents { events, since: now - SignedDuration::from_hours(7 * 24), as_of: now }
}

#[test]
fn a_start_by_a_person_and_one_by_the_lambda_are_told_apart() {
    let (mut t, now) = timeline_of("failure then a quick manual rerun");
    assert!(t.entries.len() >= 2, "{t:?}");
    let newest = t.entries[0].started;
    let older = t.entries[1].started;
    let lambda = Who::Schedule { function: "start-baseline-instance".into() };
    let events = vec![
        ev(newest - SignedDuration::from_secs(40), Who::Person("alice@lab.example".into()), Via::Console),
        ev(older - SignedDuration::from_secs(30), lambda, Via::Sdk("Boto3".into())),
    ];
    attribute(&mut t, Ok(read(&events, now)));
    assert_eq!(t.entries[0].started_by, StartedBy::Person { who: "alice".into(), via: "console".into() });
    assert_eq!(t.entries[0].started_by.text(), "alice (console)");
    assert_eq!(t.entries[1].started_by, StartedBy::Schedule { cloudtrail: true });
}

#[test]
fn a_refused_start_or_one_of_another_instance_or_far_away_says_nothing() {
    let (mut t, now) = timeline_of("failure then a quick manual rerun");
    let newest = t.entries[0].started;
    let mut refused = ev(newest - SignedDuration::from_secs(20), Who::Root, Via::Console);
    refused.error = Some("Client.UnauthorizedOperation".into());
    let mut other = ev(newest, Who::Root, Via::Console);
    other.target = "i-0other".into();
    let far = ev(newest - SignedDuration::from_mins(20), Who::Root, Via::Console);
    attribute(&mut t, Ok(read(&[refused, other, far], now)));
    let StartedBy::Unknown(why) = &t.entries[0].started_by else { panic!("{:?}", t.entries[0].started_by) };
    assert_eq!(why, "no StartInstances event in CloudTrail near this boot");
    assert_eq!(crate::run::RunJson::from(&t.entries[0]).started_by, None);
}

#[test]
fn without_cloudtrail_the_schedules_log_still_counts_and_the_rest_is_unknown_with_the_reason() {
    let (mut t, _) = timeline_of("failure then a quick manual rerun");
    let scheduled: Vec<bool> = t.entries.iter().map(|e| e.scheduled).collect();
    assert!(scheduled.contains(&true) && scheduled.contains(&false), "{scheduled:?}");
    attribute(&mut t, Err("no cloudtrail:LookupEvents permission"));
    for e in &t.entries {
        if e.scheduled {
            assert_eq!(e.started_by, StartedBy::Schedule { cloudtrail: false });
            let j = crate::run::RunJson::from(e);
            assert_eq!(
                (j.started_by.as_deref(), j.started_by_evidence),
                (Some("schedule"), Some("scheduler_log"))
            );
        } else {
            assert_eq!(e.started_by, StartedBy::Unknown("no cloudtrail:LookupEvents permission".into()));
            let j = crate::run::RunJson::from(e);
            assert_eq!(j.started_by_unknown.as_deref(), Some("no cloudtrail:LookupEvents permission"));
        }
    }
}

#[test]
fn a_boot_older_than_the_read_or_newer_than_cloudtrails_delay_is_unknown_and_says_why() {
    let (mut t, now) = timeline_of("failure then a quick manual rerun");
    let newest = t.entries[0].started;
    let r = StartEvents { events: &[], since: newest + SignedDuration::from_hours(1), as_of: now };
    attribute(&mut t, Ok(r));
    let last = t.entries.iter().rfind(|e| !e.scheduled).unwrap();
    assert!(last.started_by.text().contains("before the CloudTrail read"), "{:?}", last.started_by);
    let r = StartEvents {
        events: &[],
        since: now - SignedDuration::from_hours(100),
        as_of: newest + SignedDuration::from_mins(3),
    };
    attribute(&mut t, Ok(r));
    if !t.entries[0].scheduled {
        assert!(
            t.entries[0].started_by.text().contains("up to 15 min late"),
            "{:?}",
            t.entries[0].started_by
        );
    }
}
