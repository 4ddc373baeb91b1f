//! The guarded write path, branch by branch, on the in-memory cloud.

use std::time::Duration;

use jiff::Timestamp;

use super::fake::{FakeCloud, OnWrite, instance};
use super::*;
use crate::cloud::CloudError;
use crate::userdata::{SEED_USER_DATA, Warning};

const ID: &str = "i-1";
const SCRIPT: &str = r#"su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt"#;

fn seed() -> &'static [u8] {
    SEED_USER_DATA.as_bytes()
}

fn dev_bytes() -> Vec<u8> {
    SEED_USER_DATA.replace(SCRIPT, &format!("# {SCRIPT}")).into_bytes()
}

fn now() -> Timestamp {
    "2026-11-25T12:14:55Z".parse().unwrap()
}

fn store() -> (tempfile::TempDir, BackupStore) {
    let tmp = tempfile::tempdir().unwrap();
    let store = BackupStore::new(tmp.path().join("backups"));
    (tmp, store)
}

fn pattern() -> ScriptLine {
    ScriptLine::default()
}

fn backups(store: &BackupStore) -> usize {
    store.list(None).unwrap().len()
}

#[tokio::test]
async fn plan_shows_the_one_line_diff_modes_state_and_writes_nothing() {
    let cloud = FakeCloud::new(InstanceState::Running, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    assert!(p.changed());
    assert!(p.needs_stop());
    assert_eq!(p.current_mode, Some(Mode::Run));
    assert_eq!(p.new_mode, Some(Mode::Dev));
    assert_eq!(p.instance.state, InstanceState::Running);
    assert_eq!(p.current, seed());
    assert_eq!(p.proposed, dev_bytes());
    assert_eq!(p.diff(), format!("line 21:\n-{SCRIPT}\n+# {SCRIPT}"));
    assert!(p.warnings.is_empty());
    assert_eq!(p.retry_command(), "baseline-panel dev on --stop");
    let s = cloud.state();
    assert!(s.writes.is_empty());
    assert_eq!(s.dry_runs, 0);
}

#[tokio::test]
async fn plan_warns_when_scripts_do_not_run_every_boot_and_knows_the_current_mode() {
    let once =
        String::from_utf8(dev_bytes()).unwrap().replace("- [scripts-user, always]", "- [scripts-user, once]");
    let cloud = FakeCloud::new(InstanceState::Stopped, once.as_bytes());
    let p = plan(&cloud, ID, &pattern(), false).await.unwrap();
    assert_eq!(p.current_mode, Some(Mode::Dev));
    assert_eq!(p.new_mode, Some(Mode::Run));
    assert_eq!(p.warnings, vec![PlanWarning::UserData(Warning::NotRunEveryBoot)]);
    assert_eq!(p.retry_command(), "baseline-panel dev off --stop");
}

#[tokio::test]
async fn plan_refuses_user_data_it_cannot_switch() {
    let cloud = FakeCloud::new(InstanceState::Stopped, b"#!/bin/bash\necho hi\n");
    let e = plan(&cloud, ID, &pattern(), true).await.unwrap_err();
    assert!(matches!(e, DevError::UserData(_)), "{e:?}");
    assert!(e.to_string().starts_with("no line of the user data contains"));
    let gz = FakeCloud::new(InstanceState::Stopped, &[0x1f, 0x8b, 8, 0]);
    let e = plan(&gz, ID, &pattern(), true).await.unwrap_err();
    assert!(e.to_string().contains("gzip"), "{e}");
    let e = plan(&gz, "i-2", &pattern(), true).await.unwrap_err();
    assert!(matches!(e, DevError::NoSuchInstance { .. }), "{e:?}");
}

#[tokio::test]
async fn apply_backs_up_writes_and_verifies() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    let done = apply(&cloud, &store, &p, now()).await.unwrap();
    assert_eq!(done.mode, Some(Mode::Dev));
    assert_eq!(done.instance_id, ID);
    let backup = done.backup.unwrap();
    assert_eq!(std::fs::read(&backup).unwrap(), seed());
    let s = cloud.state();
    assert_eq!(s.user_data, dev_bytes());
    assert_eq!(s.writes, vec![dev_bytes()]);
    assert_eq!(s.dry_runs, 1, "permission asked first");
}

#[tokio::test]
async fn already_in_the_mode_makes_no_call_and_no_backup() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Running, &dev_bytes());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    assert!(!p.changed());
    assert!(!p.needs_stop(), "nothing to write, nothing to stop for");
    assert_eq!(p.diff(), format!("line 21 (unchanged):\n # {SCRIPT}"));
    let done = apply(&cloud, &store, &p, now()).await.unwrap();
    assert_eq!(done.backup, None);
    assert_eq!(backups(&store), 0);
    assert_eq!(cloud.state().dry_runs, 0);
}

#[tokio::test]
async fn running_instance_is_refused_before_anything() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Running, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    let e = apply(&cloud, &store, &p, now()).await.unwrap_err();
    assert_eq!(e.to_string(), "the instance is running: stop it first (`baseline-panel dev on --stop`)");
    let s = cloud.state();
    assert!(s.writes.is_empty());
    assert_eq!(s.dry_runs, 0);
    assert_eq!(backups(&store), 0);
}

#[tokio::test]
async fn a_stop_between_plan_and_apply_is_seen_and_a_start_too() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Running, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    cloud.state().instances[0].state = InstanceState::Stopped;
    apply(&cloud, &store, &p, now()).await.unwrap();

    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    cloud.state().instances[0].state = InstanceState::Stopping;
    let e = apply(&cloud, &store, &p, now()).await.unwrap_err();
    assert!(
        e.to_string().starts_with("the instance is stopping: user data can be changed once it has stopped"),
        "{e}"
    );
    assert!(cloud.state().writes.is_empty());
}

#[tokio::test]
async fn changed_since_shown_aborts_without_writing_or_backing_up() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    let edited = [seed(), b"echo extra\n"].concat();
    cloud.state().edit_before_read = Some(edited.clone());
    let e = apply(&cloud, &store, &p, now()).await.unwrap_err();
    assert!(matches!(e, DevError::ChangedSinceShown), "{e:?}");
    assert!(e.to_string().starts_with("the user data changed since it was shown; nothing was written"));
    let s = cloud.state();
    assert!(s.writes.is_empty());
    assert_eq!(s.user_data, edited, "someone else's edit is kept");
    assert_eq!(backups(&store), 0);
}

#[tokio::test]
async fn permission_denied_comes_before_any_write_or_backup() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    cloud.state().deny_modify = Some(CloudError::AccessDenied {
        action: "ec2:ModifyInstanceAttribute".into(),
        detail: String::new(),
    });
    let e = apply(&cloud, &store, &p, now()).await.unwrap_err();
    assert_eq!(e.to_string(), "not permitted: ec2:ModifyInstanceAttribute");
    assert!(matches!(e.cloud(), Some(CloudError::AccessDenied { .. })));
    assert!(cloud.state().writes.is_empty());
    assert_eq!(cloud.state().user_data, seed());
    assert_eq!(backups(&store), 0);
    let e = check_write_permission(&cloud, ID, &p.proposed).await.unwrap_err();
    assert!(e.to_string().starts_with("not permitted"), "{e}");
}

#[tokio::test]
async fn permission_check_ignores_the_state_refusal() {
    let cloud = FakeCloud::new(InstanceState::Running, seed());
    cloud.state().deny_modify = Some(CloudError::WrongState("IncorrectInstanceState".into()));
    check_write_permission(&cloud, ID, seed()).await.unwrap();
}

/// No waits between read-backs: the branches, not the clock.
const NO_WAIT: [Duration; 4] = [Duration::ZERO; 4];

fn no_answer() -> CloudError {
    CloudError::NoAnswer { endpoint: "ec2".into(), detail: "timed out".into() }
}

#[tokio::test]
async fn someone_elses_version_is_saved_and_left_not_overwritten() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    let theirs = [dev_bytes().as_slice(), b"echo extra\n"].concat();
    cloud.state().on_write.push_back(OnWrite::StoreOther(theirs.clone()));
    let e = apply(&cloud, &store, &p, now()).await.unwrap_err();
    let DevError::ChangedByOther { backup, theirs: Ok(saved), lines } = &e else { panic!("{e:?}") };
    assert!(e.needs_attention());
    assert_eq!(lines, &[23, 24], "the seed has 22 lines");
    assert_eq!(std::fs::read(backup).unwrap(), seed());
    assert_eq!(std::fs::read(saved).unwrap(), theirs, "their version is kept as a backup too");
    let text = e.to_string();
    assert!(text.starts_with("someone else changed the user data"), "{text}");
    assert!(text.contains("it was left as it is"), "{text}");
    assert!(text.contains(&saved.display().to_string()) && text.contains(&backup.display().to_string()));
    let s = cloud.state();
    assert_eq!(s.user_data, theirs, "nothing is written over their change");
    assert_eq!(s.writes, vec![dev_bytes()]);
    drop(s);
    assert_eq!(backups(&store), 2);
}

#[tokio::test]
async fn a_refused_write_is_reported_as_nothing_written() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    cloud.state().on_write.push_back(OnWrite::Refuse(CloudError::WrongState(
        "The instance 'i-1' is not in the 'stopped' state.".into(),
    )));
    let e = apply(&cloud, &store, &p, now()).await.unwrap_err();
    assert!(matches!(e, DevError::WriteRefused { .. }), "{e:?}");
    assert!(e.to_string().ends_with("; nothing was written"), "{e}");
    assert!(!e.needs_attention());
    assert_eq!(cloud.state().user_data, seed());

    cloud.state().on_write.push_back(OnWrite::Refuse(CloudError::Throttled("RequestLimitExceeded".into())));
    let e = apply(&cloud, &store, &p, now()).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "AWS throttled the write (RequestLimitExceeded); try again in a minute; nothing was written"
    );
}

#[tokio::test]
async fn a_lost_answer_to_a_good_write_still_succeeds() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    cloud.state().on_write.push_back(OnWrite::StoreThenFail(no_answer()));
    let done = apply(&cloud, &store, &p, now()).await.unwrap();
    assert!(done.backup.is_some());
    assert_eq!(cloud.state().user_data, dev_bytes());
}

#[tokio::test]
async fn an_unanswered_write_that_lands_late_is_seen_by_the_read_back() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    cloud.state().on_write.push_back(OnWrite::Late { reads: 2, error: Some(no_answer()) });
    apply_waiting(&cloud, &store, &p, now(), &NO_WAIT).await.unwrap();
    let s = cloud.state();
    assert_eq!(s.user_data, dev_bytes());
    assert_eq!(s.reads, 2 + 3, "the plan's read, the re-read before writing, then three read-backs");
}

#[tokio::test]
async fn an_unanswered_write_that_does_not_show_may_still_be_applied() {
    for error in [
        no_answer(),
        CloudError::ServerError("ec2:ModifyInstanceAttribute failed: InternalError".into()),
        CloudError::Unreadable("the answer could not be read".into()),
    ] {
        let (_tmp, store) = store();
        let cloud = FakeCloud::new(InstanceState::Stopped, seed());
        let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
        cloud.state().on_write.push_back(OnWrite::Late { reads: 100, error: Some(error.clone()) });
        let e = apply_waiting(&cloud, &store, &p, now(), &NO_WAIT).await.unwrap_err();
        assert!(matches!(e, DevError::Unanswered { .. }), "{e:?}");
        assert!(e.needs_attention());
        let text = e.to_string();
        assert!(text.starts_with("the write got no clear answer ("), "{text}");
        assert!(text.contains("so it may still be applied"), "{text}");
        assert!(text.contains("still read as the previous version"), "{text}");
        assert!(!text.contains("nothing was written"), "{text}");
        assert_eq!(cloud.state().reads, 2 + NO_WAIT.len(), "read back after every wait");
    }
}

#[tokio::test]
async fn an_accepted_write_that_does_not_show_is_not_a_success() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    cloud.state().on_write.push_back(OnWrite::Late { reads: 100, error: None });
    let e = apply_waiting(&cloud, &store, &p, now(), &NO_WAIT).await.unwrap_err();
    assert!(matches!(e, DevError::NotShown { .. }), "{e:?}");
    assert!(e.to_string().starts_with("EC2 accepted the write, but 0s later"), "{e}");
    assert!(e.needs_attention());
}

#[tokio::test]
async fn an_unreadable_result_is_unverified_and_points_at_the_backup() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    // The re-read before the write succeeds; every read-back after it fails.
    cloud.state().reads_left = Some(1);
    let e = apply_waiting(&cloud, &store, &p, now(), &NO_WAIT).await.unwrap_err();
    assert!(matches!(e, DevError::Unverified { .. }), "{e:?}");
    assert!(e.needs_attention());
    assert!(e.to_string().contains("baseline-panel userdata show"), "{e}");
}

#[test]
fn differing_lines_are_counted_line_by_line() {
    assert_eq!(write::differing_lines(b"a\nb\nc", b"a\nB\nc"), vec![2]);
    assert_eq!(write::differing_lines(b"a\nb", b"a\nb\nc\n"), vec![3, 4]);
    assert!(write::differing_lines(b"same", b"same").is_empty());
}

#[tokio::test]
async fn restore_backs_up_the_current_bytes_then_writes_the_backup() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    let p = plan(&cloud, ID, &pattern(), true).await.unwrap();
    let first = apply(&cloud, &store, &p, now()).await.unwrap().backup.unwrap();
    let name = first.file_name().unwrap().to_str().unwrap().to_owned();

    let r = plan_restore(&cloud, &store, ID, &name, &pattern()).await.unwrap();
    assert_eq!(r.current_mode, Some(Mode::Dev));
    assert_eq!(r.new_mode, Some(Mode::Run));
    assert_eq!(r.diff(), format!("line 21:\n-# {SCRIPT}\n+{SCRIPT}"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.retry_command(), format!("baseline-panel userdata restore {name} --stop"));
    let later = now() + jiff::SignedDuration::from_secs(60);
    let done = apply(&cloud, &store, &r, later).await.unwrap();
    assert_eq!(cloud.state().user_data, seed());
    assert_eq!(std::fs::read(done.backup.unwrap()).unwrap(), dev_bytes());
    assert_eq!(backups(&store), 2);

    let again = restore(&cloud, &store, ID, first.to_str().unwrap(), &pattern(), later).await.unwrap();
    assert_eq!(again.backup, None, "already equal: nothing written");
}

#[tokio::test]
async fn restore_refuses_empty_or_missing_backups_and_warns_about_another_instance() {
    let (_tmp, store) = store();
    let cloud = FakeCloud::new(InstanceState::Stopped, &dev_bytes());
    let e = plan_restore(&cloud, &store, ID, "nope.userdata", &pattern()).await.unwrap_err();
    assert!(e.to_string().starts_with("cannot read the backup nope.userdata"), "{e}");
    let empty = store.save("i-1", b"", now()).unwrap();
    let e = plan_restore(&cloud, &store, ID, empty.to_str().unwrap(), &pattern()).await.unwrap_err();
    assert!(e.to_string().contains("is empty"), "{e}");

    let other = store.save("i-0ther", b"#!/bin/bash\necho hi\n", now()).unwrap();
    let r = plan_restore(&cloud, &store, ID, other.to_str().unwrap(), &pattern()).await.unwrap();
    assert_eq!(r.new_mode, None);
    assert!(matches!(&r.warnings[0], PlanWarning::OtherInstance { backup_of } if backup_of == "i-0ther"));
    assert!(matches!(&r.warnings[1], PlanWarning::NotSwitchable(_)));
}

#[test]
fn select_refuses_several_instances_and_names_them() {
    let target = Target::Name("baseline model".into());
    let two = [instance("i-a", InstanceState::Stopped), instance("i-b", InstanceState::Running)];
    let e = select(&two, &target).unwrap_err();
    assert_eq!(
        e.to_string(),
        "2 instances match Name=baseline model (i-a, i-b): dev mode and user data are per instance; pick one with --instance-id"
    );
    assert_eq!(select(&two[..1], &target).unwrap().id, "i-a");
}

#[tokio::test]
async fn wait_follows_the_instance_until_it_stops() {
    let cloud = FakeCloud::new(InstanceState::Running, seed());
    cloud.state().states =
        [InstanceState::Running, InstanceState::Stopping, InstanceState::Stopped].into_iter().collect();
    let fast = Wait { every: Duration::from_millis(1), timeout: Duration::from_secs(5) };
    let mut seen = Vec::new();
    let i = wait_for_state(&cloud, ID, InstanceState::Stopped, fast, &mut |i, _| seen.push(i.state))
        .await
        .unwrap();
    assert_eq!(i.state, InstanceState::Stopped);
    assert_eq!(seen, [InstanceState::Running, InstanceState::Stopping, InstanceState::Stopped]);
}

#[tokio::test]
async fn wait_times_out_and_notices_a_start_that_ends_stopped() {
    let cloud = FakeCloud::new(InstanceState::Running, seed());
    let short = Wait { every: Duration::from_millis(5), timeout: Duration::from_millis(20) };
    let e = wait_for_state(&cloud, ID, InstanceState::Stopped, short, &mut |_, _| {}).await.unwrap_err();
    assert!(matches!(e, DevError::WaitTimedOut { state: InstanceState::Running, .. }), "{e:?}");
    assert!(e.to_string().starts_with("instance i-1 is still running after 0s, not stopped"), "{e}");

    let cloud = FakeCloud::new(InstanceState::Stopped, seed());
    cloud.state().states = [InstanceState::Pending, InstanceState::Stopped].into_iter().collect();
    let e = wait_for_state(&cloud, ID, InstanceState::Running, short, &mut |_, _| {}).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "instance i-1 went stopped instead of running; see why with `baseline-panel status`"
    );
}
