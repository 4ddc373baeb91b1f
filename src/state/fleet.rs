//! The fleet view: every configured box at a glance, each polled on its own, with its own
//! backoff. Pure: the clock arrives in [`FleetAction::Tick`], the answers in
//! [`FleetAction::Looked`].
//!
//! What a box costs while the fleet view is shown: one look (`DescribeInstances`, the user
//! data, `DescribeRule` + `ListTargetsByRule`) every [`LOOK_UP`] while it is up, every
//! [`LOOK_STOPPED`] while it is stopped, and right after its next fire. Its run log is read only
//! when its row needs it: the first time, when its instance changes state, every [`RUNS_UP`] while
//! it is up; and by at most [`RUNS_PER_PLACE`] boxes of one account and region at once
//! (`FilterLogEvents` allows five requests a second per account and region, shared with
//! everyone).
//!
//! While a box is in dev mode, who put it there is asked of `CloudTrail` (one `LookupEvents`
//! filtered on its instance id) when dev mode is first seen on, then every [`OWNER_EVERY`]; a
//! failed lookup is tried again after the box's own backoff. A box in run mode costs none.

use jiff::{SignedDuration, Timestamp};

use super::{Level, Notice};
use crate::action::fleet::{FleetAction, FleetEffect};
use crate::backends::Account;
use crate::cloud::InstanceState;
use crate::fleet::{Judging, OwnerLookup, Place, Reading, Row};
use crate::logs::history::PastLog;
use crate::userdata::Mode;

/// How often a box that is up is looked at.
pub const LOOK_UP: SignedDuration = SignedDuration::from_secs(60);
/// How often a stopped box is looked at.
pub const LOOK_STOPPED: SignedDuration = SignedDuration::from_mins(5);
/// How often the run log of a box that is up is read again (stuck, failing, progress).
pub const RUNS_UP: SignedDuration = SignedDuration::from_mins(10);
/// How long after a failed run-log read it is tried again.
pub const RUNS_RETRY: SignedDuration = SignedDuration::from_mins(5);
/// The first wait after a box did not answer; it doubles up to [`BACKOFF_MAX`].
pub const BACKOFF_FIRST: SignedDuration = SignedDuration::from_secs(15);
/// The longest wait between two tries at a box that does not answer.
pub const BACKOFF_MAX: SignedDuration = SignedDuration::from_mins(5);
/// How long after a fire the box is looked at (the Lambda has started it by then).
pub const AFTER_FIRE: SignedDuration = SignedDuration::from_secs(45);
/// How many boxes of one account and region read their run log at once.
pub const RUNS_PER_PLACE: usize = 2;
/// How often who put a box in dev mode is asked again while it stays on (`CloudTrail` delivers
/// events up to 15 minutes late, and allows 2 `LookupEvents` a second per account and region).
pub const OWNER_EVERY: SignedDuration = SignedDuration::from_mins(5);
/// How often the rows are judged again between answers (stuck, overdue, countdowns).
pub const REJUDGE: SignedDuration = SignedDuration::from_secs(30);

/// What the run log read last was read for: the instance, its state and launch.
type RunsKey = (String, InstanceState, Option<Timestamp>);

/// One box in the fleet view.
#[derive(Debug, Clone)]
pub struct BoxSlot {
    /// The box's name.
    pub name: String,
    /// Where it lives.
    pub place: Place,
    /// How its runs are judged; `None` when its configuration could not be read.
    pub judging: Option<Judging>,
    /// Why its configuration could not be read: the box is never looked at.
    pub setup_error: Option<String>,
    /// The latest reading.
    pub reading: Option<Reading>,
    /// The run log read last, or why it could not be read.
    pub past: Option<Result<PastLog, String>>,
    /// What that run log was read for, and when.
    runs_for: Option<(RunsKey, Timestamp)>,
    /// The row, judged from the latest reading.
    pub row: Option<Row>,
    /// Why the latest look failed (cleared by the next answer).
    pub error: Option<String>,
    /// When the latest answer arrived.
    pub ok_at: Option<Timestamp>,
    /// When to look next; `None` while a look is out.
    pub next_look: Option<Timestamp>,
    /// The number of the latest look asked for, and whether it reads the run log.
    pub asked: Option<(u64, bool)>,
    seq: u64,
    /// The wait after the next failure (zero while the box answers).
    pub backoff: SignedDuration,
    /// The latest answer on who put the box in dev mode (cleared when dev mode goes off).
    pub owner: Option<OwnerLookup>,
    /// When to ask who put it in dev mode next (`None`: as soon as dev mode is seen on).
    owner_next: Option<Timestamp>,
    /// The number of the owner lookup out, if any, and the instance it asks about.
    pub owner_asked: Option<(u64, String)>,
    /// The wait after the next failed owner lookup (zero while `CloudTrail` answers).
    owner_backoff: SignedDuration,
}

impl BoxSlot {
    /// A box that is looked at from the first tick.
    pub fn new(name: &str, place: Place, judging: Judging) -> BoxSlot {
        BoxSlot {
            name: name.to_owned(),
            place,
            judging: Some(judging),
            setup_error: None,
            reading: None,
            past: None,
            runs_for: None,
            row: None,
            error: None,
            ok_at: None,
            next_look: Some(Timestamp::UNIX_EPOCH),
            asked: None,
            seq: 0,
            backoff: SignedDuration::ZERO,
            owner: None,
            owner_next: None,
            owner_asked: None,
            owner_backoff: SignedDuration::ZERO,
        }
    }

    /// A box whose configuration could not be read: its row says why.
    pub fn broken(name: &str, place: Place, why: String) -> BoxSlot {
        let mut b = BoxSlot::new(
            name,
            place,
            Judging { rules: crate::run::RunRules::default(), alarm_window: SignedDuration::ZERO },
        );
        b.judging = None;
        b.setup_error = Some(why);
        b.next_look = None;
        b
    }

    /// True while the first instance is pending, running or stopping.
    pub fn active(&self) -> bool {
        self.first_state().is_some_and(InstanceState::is_active)
    }

    fn first_state(&self) -> Option<InstanceState> {
        self.reading.as_ref().and_then(|r| r.instances.first()).map(|i| i.state)
    }

    fn runs_key(&self) -> Option<RunsKey> {
        let i = self.reading.as_ref()?.instances.first()?;
        Some((i.id.clone(), i.state, i.launch_time))
    }

    /// True when the row needs the run log read (again).
    fn wants_runs(&self, now: Timestamp) -> bool {
        let Some(key) = self.runs_key() else { return self.reading.is_none() };
        match (&self.runs_for, &self.past) {
            (None, _) | (_, None) => true,
            (Some((k, _)), _) if *k != key => true,
            (Some((_, at)), Some(Err(_))) => now.duration_since(*at) >= RUNS_RETRY,
            (Some((_, at)), Some(Ok(_))) => self.active() && now.duration_since(*at) >= RUNS_UP,
        }
    }

    /// Why the row cannot be trusted as shown: the configuration, or the latest look's failure.
    pub fn problem(&self) -> Option<&str> {
        self.setup_error.as_deref().or(self.error.as_deref())
    }

    fn judge(&mut self, now: Timestamp) {
        if let (Some(reading), Some(judging)) = (&self.reading, &self.judging) {
            let instance = reading.instances.first().map(|i| i.id.as_str());
            let row = crate::fleet::row(&self.name, &self.place, reading, self.past.as_ref(), judging, now);
            self.row = Some(row.with_owner(self.owner.as_ref(), instance));
        }
    }

    /// The instance in dev mode whose owner is due to be asked, if any.
    fn owner_due(&self, now: Timestamp) -> Option<String> {
        let reading = self.reading.as_ref()?;
        if reading.dev_mode != Ok(Mode::Dev) || self.owner_asked.is_some() {
            return None;
        }
        let id = &reading.instances.first()?.id;
        let fresh = self.owner.as_ref().is_some_and(|o| o.instance == *id);
        (!fresh || self.owner_next.is_none_or(|t| t <= now)).then(|| id.clone())
    }

    /// Forgets the owner once dev mode is seen off: the next session is asked about at once.
    fn forget_owner_unless_dev(&mut self) {
        let dev = self.reading.as_ref().is_some_and(|r| r.dev_mode == Ok(Mode::Dev));
        if !dev && self.reading.as_ref().is_some_and(|r| r.dev_mode.is_ok()) {
            self.owner = None;
            self.owner_next = None;
            self.owner_backoff = SignedDuration::ZERO;
        }
    }
}

/// Everything the fleet view shows. Changed only by [`update`].
#[derive(Debug, Clone)]
pub struct FleetState {
    /// The time of the last tick.
    pub now: Timestamp,
    /// The AWS account or the demo.
    pub mode: Account,
    /// Every configured box, in name order.
    pub boxes: Vec<BoxSlot>,
    /// The selected row.
    pub selected: usize,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// The footer message, if any.
    pub notice: Option<Notice>,
    /// Set when the fleet view should end.
    pub should_quit: bool,
    /// Set with `should_quit` when a box's full panel should open.
    pub open: Option<String>,
    judged_at: Timestamp,
}

impl FleetState {
    /// The fleet of `boxes`; `selected` names the box to select (the default box).
    pub fn new(mode: Account, boxes: Vec<BoxSlot>, selected: &str, now: Timestamp) -> FleetState {
        let selected = boxes.iter().position(|b| b.name == selected).unwrap_or(0);
        FleetState {
            now,
            mode,
            boxes,
            selected,
            size: (80, 24),
            notice: None,
            should_quit: false,
            open: None,
            judged_at: now,
        }
    }

    /// The selected box.
    pub fn selected(&self) -> Option<&BoxSlot> {
        self.boxes.get(self.selected)
    }

    /// Comes back from a box's panel: selected where it was, the box's name cleared; looks that
    /// were out when the view closed are asked again (their answers went nowhere).
    pub fn back(&mut self, now: Timestamp) {
        self.should_quit = false;
        self.open = None;
        self.now = now;
        for b in &mut self.boxes {
            if b.asked.take().is_some() {
                b.next_look = Some(now);
            }
            b.owner_asked = None;
        }
    }

    /// How many boxes have answered at least once (or cannot be asked).
    pub fn arrived(&self) -> usize {
        self.boxes.iter().filter(|b| b.ok_at.is_some() || b.problem().is_some()).count()
    }
}

/// Applies one action to the fleet view and returns the looks to make.
pub fn update(s: &mut FleetState, action: FleetAction) -> Vec<FleetEffect> {
    match action {
        FleetAction::Tick(now) => {
            s.now = now;
            if now.duration_since(s.judged_at) >= REJUDGE {
                s.judged_at = now;
                for b in &mut s.boxes {
                    b.judge(now);
                }
            }
            return due_looks(s);
        }
        FleetAction::Step(by) => {
            let n = s.boxes.len();
            if n > 0 {
                let at = isize::try_from(s.selected).unwrap_or(0).saturating_add(by);
                s.selected = usize::try_from(at.max(0)).unwrap_or(0).min(n - 1);
            }
        }
        FleetAction::Open => match s.selected() {
            Some(b) if b.setup_error.is_some() => {
                let text =
                    format!("{} cannot be opened: its configuration: {}", b.name, b.problem().unwrap_or(""));
                s.notice = Some(Notice { level: Level::Error, text });
            }
            Some(b) => {
                s.open = Some(b.name.clone());
                s.should_quit = true;
            }
            None => {}
        },
        FleetAction::Refresh => {
            for b in s.boxes.iter_mut().filter(|b| b.next_look.is_some()) {
                b.next_look = Some(s.now);
            }
            s.notice = Some(Notice { level: Level::Info, text: "asking every box…".into() });
            return due_looks(s);
        }
        FleetAction::Dismiss => s.notice = None,
        FleetAction::Quit => s.should_quit = true,
        FleetAction::Resize(w, h) => s.size = (w, h),
        FleetAction::Looked { index, seq, result } => {
            looked(s, index, seq, result);
            return due_looks(s);
        }
        FleetAction::Owned { index, seq, result } => owned(s, index, seq, result),
    }
    Vec::new()
}

/// The looks due now: each box on its own clock. A box whose run log is due waits while
/// [`RUNS_PER_PLACE`] boxes of its account and region read theirs (one that was never looked
/// at is looked at without it meanwhile).
fn due_looks(s: &mut FleetState) -> Vec<FleetEffect> {
    let now = s.now;
    let mut reading_runs: Vec<_> =
        s.boxes.iter().filter(|b| matches!(b.asked, Some((_, true)))).map(|b| b.place.key()).collect();
    let mut fx = Vec::new();
    for (index, b) in s.boxes.iter_mut().enumerate() {
        if b.next_look.is_none_or(|t| t > now) {
            continue;
        }
        let key = b.place.key();
        let gated = reading_runs.iter().filter(|k| **k == key).count() >= RUNS_PER_PLACE;
        let wants = b.wants_runs(now);
        if wants && gated && b.reading.is_some() {
            continue;
        }
        let with_runs = wants && !gated;
        if with_runs {
            reading_runs.push(key);
        }
        b.seq += 1;
        b.asked = Some((b.seq, with_runs));
        b.next_look = None;
        fx.push(FleetEffect::Look { index, seq: b.seq, with_runs });
    }
    for (index, b) in s.boxes.iter_mut().enumerate() {
        if let Some(instance) = b.owner_due(now) {
            b.seq += 1;
            b.owner_asked = Some((b.seq, instance.clone()));
            fx.push(FleetEffect::Owner { index, seq: b.seq, instance });
        }
    }
    fx
}

fn owned(
    s: &mut FleetState,
    index: usize,
    seq: u64,
    result: Result<Option<crate::activity::DevOwner>, String>,
) {
    let now = s.now;
    let Some(b) = s.boxes.get_mut(index) else { return };
    let Some(instance) = b.owner_asked.take_if(|(n, _)| *n == seq).map(|(_, i)| i) else { return };
    match result {
        Ok(who) => {
            b.owner_backoff = SignedDuration::ZERO;
            b.owner_next = Some(now + OWNER_EVERY);
            b.owner = Some(OwnerLookup { instance, result: Ok(who), at: now });
        }
        Err(why) => {
            b.owner_backoff = (b.owner_backoff * 2).clamp(BACKOFF_FIRST, BACKOFF_MAX);
            b.owner_next = Some(now + b.owner_backoff);
            // An earlier answer on the same instance still stands; else the row says why.
            let known = b.owner.as_ref().is_some_and(|o| o.instance == instance && o.result.is_ok());
            if !known {
                b.owner = Some(OwnerLookup { instance, result: Err(why), at: now });
            }
        }
    }
    b.judge(now);
}

fn looked(s: &mut FleetState, index: usize, seq: u64, result: Result<Box<Reading>, String>) {
    let now = s.now;
    let Some(b) = s.boxes.get_mut(index) else { return };
    if b.asked.map(|(n, _)| n) != Some(seq) {
        return;
    }
    b.asked = None;
    match result {
        Ok(mut reading) => {
            let past = reading.past.take();
            b.reading = Some(*reading);
            b.forget_owner_unless_dev();
            if let (Some(past), Some(key)) = (past, b.runs_key()) {
                b.past = Some(past);
                b.runs_for = Some((key, now));
            }
            b.error = None;
            b.backoff = SignedDuration::ZERO;
            b.ok_at = Some(now);
            b.judge(now);
            let every = if b.active() { LOOK_UP } else { LOOK_STOPPED };
            let mut next = now + every;
            if let Some(Ok(fire)) = b.row.as_ref().map(|r| &r.next_fire) {
                next = next.min(*fire + AFTER_FIRE);
            }
            // Its run log is due (never read, or the instance changed since): as soon as its
            // account and region have room.
            if b.wants_runs(now) {
                next = now;
            }
            b.next_look = Some(next);
        }
        Err(why) => {
            b.error = Some(why);
            b.backoff = (b.backoff * 2).clamp(BACKOFF_FIRST, BACKOFF_MAX);
            b.next_look = Some(now + b.backoff);
        }
    }
}

#[cfg(test)]
mod tests;
