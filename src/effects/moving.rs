//! Carries out a confirmed schedule move step by step, answering each step as it ends.

use super::Runner;
use crate::action::{Action, Move, MoveStep};

impl Runner {
    /// `ToScheduler`: create the Scheduler schedule, then disable the rule; `Back`: enable the
    /// rule, then delete the schedule. A failed step ends the move; each answers with
    /// [`Action::MoveStepDone`].
    pub(super) fn move_schedule(&self, mv: Move) {
        let (pair, tx) = (self.pair.clone(), self.tx.clone());
        tokio::spawn(async move {
            let send = |step: MoveStep, result, last: bool| {
                let _ = tx.send(Action::MoveStepDone { step, result, last });
            };
            match mv {
                Move::ToScheduler { new, disable_rule } => {
                    let token = format!("baseline-panel-move-{}", jiff::Timestamp::now().as_second());
                    let created = pair.scheduler.create(&new, &token).await;
                    let ok = created.is_ok();
                    send(MoveStep::CreateSchedule, created, !(ok && disable_rule));
                    if ok && disable_rule {
                        send(MoveStep::DisableRule, pair.rule.set_enabled(false, false).await, true);
                    }
                }
                Move::Back { enable_rule } => {
                    if enable_rule {
                        let enabled = pair.rule.set_enabled(true, false).await;
                        let failed = enabled.is_err();
                        send(MoveStep::EnableRule, enabled, failed);
                        if failed {
                            return;
                        }
                    }
                    send(MoveStep::DeleteSchedule, pair.scheduler.delete().await, true);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::action::{Action, Effect};
    use crate::backends::{Account, ChatLink};
    use crate::config::Config;
    use crate::effects::testing::runner;
    use crate::schedule::RuleState;
    use crate::schedule::rules::Other;
    use crate::state::{State, update};

    /// Reads the schedule as the panel's poll does, into `s`.
    async fn read(r: &super::Runner, s: &mut State) {
        let seq = s.schedule_poll.issue();
        let result = r.schedule.describe().await.map(|i| (i, None));
        update(s, Action::ScheduleLoaded { seq, result });
    }

    /// Carries out `fx`'s move and feeds each step's answer back; the effects of the last.
    async fn carry_out(
        r: &super::Runner,
        rx: &mut tokio::sync::mpsc::UnboundedReceiver<Action>,
        s: &mut State,
        fx: Vec<Effect>,
    ) -> Vec<Effect> {
        let [Effect::MoveSchedule(mv)] = fx.as_slice() else { panic!("{fx:?}") };
        r.move_schedule(mv.clone());
        loop {
            let a = rx.recv().await.unwrap();
            let last = matches!(a, Action::MoveStepDone { last: true, .. });
            let fx = update(s, a);
            if last {
                return fx;
            }
        }
    }

    #[tokio::test]
    async fn the_demo_moves_to_the_scheduler_and_back_from_the_panel() {
        let (r, mut rx) = runner(ChatLink::none());
        let mut cfg = Config::builtin();
        cfg.demo = true;
        let mut s = State::new(&cfg, &Account::Demo, crate::fixtures::now());
        read(&r, &mut s).await;
        update(&mut s, Action::MoveRequested);
        update(&mut s, Action::DialogPick(None));
        let fx = update(&mut s, Action::DialogYes);
        let fx = carry_out(&r, &mut rx, &mut s, fx).await;
        assert!(matches!(fx.as_slice(), [Effect::FetchSchedule { .. }]), "{fx:?}");
        let n = s.notice.clone().unwrap().text;
        assert!(n.ends_with("disabled the rule: the box now starts on the Scheduler schedule"), "{n}");
        read(&r, &mut s).await;
        let (info, _) = s.schedule.value.clone().unwrap();
        assert_eq!(info.state, RuleState::Disabled);
        let Other::Found(sched) = &info.other else { panic!("{:?}", info.other) };
        assert_eq!((&sched.state, sched.zone_name()), (&RuleState::Enabled, "America/New_York"));

        update(&mut s, Action::MoveRequested);
        assert_eq!(s.dialog.as_ref().unwrap().title, "Move back to the rule?");
        let fx = update(&mut s, Action::DialogYes);
        carry_out(&r, &mut rx, &mut s, fx).await;
        read(&r, &mut s).await;
        let (info, _) = s.schedule.value.clone().unwrap();
        assert_eq!(info.state, RuleState::Enabled);
        assert_eq!(info.other, Other::Absent, "exactly one schedule again");
    }
}
