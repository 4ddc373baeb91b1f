//! How often a log source is read, from what the panel wishes: the box's activity and the
//! source on screen. Pure: the follower ([`super::follow`]) asks, and the panel's budget is
//! counted from the same answers.

use std::time::Duration;

use tokio::sync::watch;

use super::Source;
use super::follow::Pace;

/// What the reading pace depends on: the box's activity and what the panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaceWish {
    /// The box is pending, running or stopping: new lines are coming.
    pub active: bool,
    /// The source on screen; `None` when no followed source is (the run history, say).
    pub shown: Option<Source>,
    /// Changes whenever the box changes state: every source is read once more then.
    pub phase: u64,
}

impl PaceWish {
    /// `source` shown, the box active or not.
    pub fn showing(source: Source, active: bool) -> Self {
        PaceWish { active, shown: Some(source), phase: 0 }
    }

    /// A wish that always shows `source` and follows `active`, the box's activity; it keeps
    /// its last value once `active`'s sender is gone. Call it inside a Tokio runtime.
    pub fn following(source: Source, mut active: watch::Receiver<bool>) -> watch::Receiver<PaceWish> {
        let (tx, rx) = watch::channel(PaceWish::showing(source, *active.borrow_and_update()));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tx.closed() => return,
                    changed = active.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        let now = *active.borrow_and_update();
                        tx.send_modify(|w| w.active = now);
                    }
                }
            }
        });
        rx
    }

    /// True when `source` is on screen.
    pub fn shows(&self, source: Source) -> bool {
        self.shown == Some(source)
    }

    /// Live tail is worth a session for `source`: the box is active and the source is shown.
    pub fn wants_live(&self, source: Source) -> bool {
        self.active && self.shows(source)
    }
}

impl Pace {
    /// The interval of `source` while it is shown, the box active or not (the pane's status
    /// says it whatever is shown now).
    pub fn shown_interval(&self, source: Source, active: bool) -> Duration {
        match (source, active) {
            (Source::Console, true) => self.console_fast,
            (Source::Console, false) => self.console_slow,
            (_, true) => self.fast,
            (_, false) => self.slow,
        }
    }

    /// The wait between polls of `source` under `wish`; `None`: read only when the box's state
    /// changes (the console while it is not shown).
    pub fn interval(&self, source: Source, wish: &PaceWish) -> Option<Duration> {
        match (source, wish.shows(source), wish.active) {
            (_, true, active) => Some(self.shown_interval(source, active)),
            (Source::Console, false, _) => None,
            (Source::Run, false, true) => Some(self.hidden_active),
            (_, false, _) => Some(self.hidden),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_shown_and_the_box_decide_each_interval() {
        let p = Pace::default();
        let wish = |active, shown| PaceWish { active, shown, phase: 0 };
        let run = Some(Source::Run);
        assert_eq!(p.interval(Source::Run, &wish(true, run)), Some(p.fast));
        assert_eq!(p.interval(Source::Run, &wish(false, run)), Some(p.slow));
        assert_eq!(p.interval(Source::Run, &wish(true, None)), Some(p.hidden_active));
        assert_eq!(p.interval(Source::Run, &wish(false, None)), Some(p.hidden));
        assert_eq!(p.interval(Source::Scheduler, &wish(true, run)), Some(p.hidden), "slow unless shown");
        let console = Some(Source::Console);
        assert_eq!(p.interval(Source::Console, &wish(true, console)), Some(p.console_fast));
        assert_eq!(p.interval(Source::Console, &wish(false, console)), Some(p.console_slow));
        assert_eq!(p.interval(Source::Console, &wish(true, run)), None, "only after a state change");
        assert!(wish(true, run).wants_live(Source::Run));
        assert!(!wish(true, console).wants_live(Source::Run));
        assert!(!wish(false, run).wants_live(Source::Run));
    }
}
