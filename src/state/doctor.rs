//! The doctor in the panel (key `D`): the checks run as an effect, the overlay shows them.

use jiff::Timestamp;

use super::{Overlay, State};
use crate::action::Effect;
use crate::doctor::Check;

/// What the doctor overlay shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoctorView {
    /// True while the checks run.
    pub running: bool,
    /// The latest checks, in the doctor's order.
    pub checks: Option<Vec<Check>>,
    /// When they came back.
    pub at: Option<Timestamp>,
    /// Rows scrolled down in the overlay.
    pub scroll: u16,
}

/// Key `D`: open the overlay and run the checks, unless they are already running.
pub(super) fn request(s: &mut State) -> Vec<Effect> {
    s.overlay = Some(Overlay::Doctor);
    if s.doctor.running {
        return vec![];
    }
    s.doctor.running = true;
    s.doctor.scroll = 0;
    vec![Effect::RunDoctor]
}

/// The checks came back.
pub(super) fn checked(s: &mut State, checks: Vec<Check>) {
    s.doctor.running = false;
    s.doctor.checks = Some(checks);
    s.doctor.at = Some(s.now);
}

/// Scrolls the overlay by `delta` rows. The drawing keeps the last page in view; the bound here
/// (a few rows per check) only keeps the way back up short.
pub(super) fn scroll(s: &mut State, delta: i16) {
    let rows = s.doctor.checks.as_ref().map_or(0, |c| c.len() * 4 + 4);
    let max = u16::try_from(rows).unwrap_or(u16::MAX);
    s.doctor.scroll = s.doctor.scroll.saturating_add_signed(delta).min(max);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::backends::Account;
    use crate::config::Config;
    use crate::doctor::Status;
    use crate::fixtures::now;
    use crate::state::update;

    fn check(id: &'static str, status: Status) -> Check {
        Check { id, name: id, status, detail: String::new(), hint: None, required: true }
    }

    #[test]
    fn d_opens_the_overlay_runs_once_and_stores_the_results() {
        let mut s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
        assert_eq!(update(&mut s, Action::DoctorRequested), vec![Effect::RunDoctor]);
        assert_eq!(s.overlay, Some(Overlay::Doctor));
        assert!(s.doctor.running);
        assert!(update(&mut s, Action::DoctorRequested).is_empty(), "one run at a time");
        update(&mut s, Action::Dismiss);
        assert_eq!(s.overlay, None, "Esc closes the overlay; the checks go on");
        let checks = vec![check("aws.identity", Status::Pass), check("slack.token", Status::Fail)];
        update(&mut s, Action::DoctorChecked(checks.clone()));
        assert!(!s.doctor.running);
        assert_eq!(s.doctor.checks.as_ref(), Some(&checks));
        assert_eq!(s.doctor.at, Some(now()));
        update(&mut s, Action::DoctorScroll(3));
        update(&mut s, Action::DoctorScroll(-5));
        assert_eq!(s.doctor.scroll, 0);
        assert_eq!(update(&mut s, Action::DoctorRequested), vec![Effect::RunDoctor], "D runs them again");
        assert_eq!(s.doctor.checks.as_ref(), Some(&checks), "the last results stay until new ones come");
        update(&mut s, Action::DoctorScroll(i16::MAX));
        assert_eq!(s.doctor.scroll, 12, "bounded by the checks");
    }
}
