//! The run timeline: the instance's boots, cut out of its log by evidence, each judged once.

use jiff::{SignedDuration, Timestamp};

use super::entry::{Boundary, Entry, Kind, KindFrom, Outcome, Segment, TimelineInput};
use super::eta::attach_eta;
use super::facts::{Fact, Mark};
use super::human_duration;
use super::judge::judge;

/// Every boot found, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Runs and dev sessions, newest first.
    pub entries: Vec<Entry>,
    /// Median duration of the latest successful runs (the ETA's base), when there are some.
    pub usual: Option<SignedDuration>,
}

impl Timeline {
    /// The newest run (dev sessions skipped): what "the last run" means on every screen.
    pub fn last_run(&self) -> Option<&Entry> {
        self.entries.iter().find(|e| e.kind == Kind::Run)
    }

    /// The instance's latest boot, run or dev session.
    pub fn current(&self) -> Option<&Entry> {
        self.entries.iter().find(|e| e.current)
    }

    /// The runs only, newest first.
    pub fn runs(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.kind == Kind::Run)
    }
}

/// How far a cloud-init boot line (or a Lambda start) may lie from the `LaunchTime` it belongs to.
const SAME_BOOT: SignedDuration = SignedDuration::from_mins(3);

/// A boot before judging.
#[derive(Debug, Clone, Copy)]
struct Boot {
    start: Timestamp,
    boundary: Boundary,
    scheduled: bool,
}

/// Cuts the log into boots and judges each one. Boundaries, in this order of trust:
///
/// 1. the instance's `LaunchTime` starts its current boot;
/// 2. each cloud-init `running 'init'` line starts a boot (at the line's time minus its
///    uptime); one within [`SAME_BOOT`] of the `LaunchTime` is the current boot's own;
/// 3. each scheduler Lambda start line marks its boot as scheduled; when the log has no
///    cloud-init boot line at all (the agent does not ship that file), it starts a boot itself;
/// 4. a silence longer than `run.max_hours` splits the lines of every boot but the current one
///    (and those before the first boot found): a boot whose own cloud-init line never arrived
///    must not hide inside the boot before it. Such a boot's boundary says it is a guess.
pub fn timeline(input: &TimelineInput<'_>) -> Timeline {
    let boots = boots(input);
    let segments = segments(input, &boots);
    let mut entries: Vec<Entry> = segments.iter().map(|s| judge(s, input)).collect();
    let usual = attach_eta(&mut entries, &segments);
    entries.reverse();
    Timeline { entries, usual }
}

/// The boots the evidence shows, oldest first.
fn boots(input: &TimelineInput<'_>) -> Vec<Boot> {
    let mut boots: Vec<Boot> = Vec::new();
    for f in input.facts {
        if let Mark::Boot { at } = f.mark
            && !boots.iter().any(|b| b.start.duration_since(at).abs() < SignedDuration::from_mins(1))
        {
            boots.push(Boot { start: at, boundary: Boundary::CloudInit, scheduled: false });
        }
    }
    let have_cloud_init = !boots.is_empty();
    if let Some(launch) = input.instance.and_then(|i| i.launch_time) {
        // The kernel starts after the launch; a few seconds allow for the two clocks.
        let own = boots
            .iter_mut()
            .find(|b| b.start >= launch - SignedDuration::from_secs(5) && b.start <= launch + SAME_BOOT);
        match own {
            Some(b) => *b = Boot { start: launch, boundary: Boundary::LaunchTime, scheduled: false },
            None => boots.push(Boot { start: launch, boundary: Boundary::LaunchTime, scheduled: false }),
        }
    }
    for &s in input.scheduler_starts {
        match boots
            .iter_mut()
            .find(|b| b.start >= s - SignedDuration::from_mins(1) && b.start <= s + SAME_BOOT)
        {
            Some(b) => b.scheduled = true,
            None if !have_cloud_init => {
                boots.push(Boot { start: s, boundary: Boundary::Scheduler, scheduled: true });
            }
            None => {} // The box was already up, or the start failed: no boot followed.
        }
    }
    boots.sort_by_key(|b| b.start);
    boots
}

/// The boots' lines, oldest first, with guessed boots where lines lie outside any evidence.
fn segments<'a>(input: &TimelineInput<'a>, boots: &[Boot]) -> Vec<Segment<'a>> {
    let facts = input.facts;
    let gap = input.rules.max_duration;
    let launch = input.instance.and_then(|i| i.launch_time);
    let mut out = Vec::new();
    let first = boots.first().map_or(facts.len(), |b| facts.partition_point(|f| f.ts < b.start));
    split_by_silence(&facts[..first], None, gap, &mut out);
    for (i, b) in boots.iter().enumerate() {
        let from = facts.partition_point(|f| f.ts < b.start);
        let to = boots.get(i + 1).map_or(facts.len(), |n| facts.partition_point(|f| f.ts < n.start));
        let lines = &facts[from..to.max(from)];
        if Some(b.start) == launch {
            out.push(Segment {
                start: b.start,
                boundary: b.boundary,
                scheduled: b.scheduled,
                facts: lines,
                current: false,
            });
        } else {
            split_by_silence(lines, Some(*b), gap, &mut out);
        }
    }
    if let Some(last) = out.last_mut()
        && launch.is_some_and(|l| last.start >= l)
    {
        last.current = true;
    }
    out
}

/// Cuts sorted `lines` at every silence longer than `gap`; the first piece starts at `boot`
/// when given (even with no lines).
fn split_by_silence<'a>(
    lines: &'a [Fact],
    boot: Option<Boot>,
    gap: SignedDuration,
    out: &mut Vec<Segment<'a>>,
) {
    let mut from = 0;
    for i in 1..=lines.len() {
        if i < lines.len() && lines[i].ts.duration_since(lines[i - 1].ts) <= gap {
            continue;
        }
        let (start, boundary, scheduled) = match (from, boot) {
            (0, Some(b)) => (b.start, b.boundary, b.scheduled),
            (0, None) => (lines[0].ts, Boundary::FirstLine, false),
            _ => (lines[from].ts, Boundary::SilenceGap, false),
        };
        out.push(Segment { start, boundary, scheduled, facts: &lines[from..i], current: false });
        from = i;
    }
    if lines.is_empty()
        && let Some(b) = boot
    {
        out.push(Segment {
            start: b.start,
            boundary: b.boundary,
            scheduled: b.scheduled,
            facts: lines,
            current: false,
        });
    }
}

/// What stopping the box now would end, for the stop dialog and `stop`: `(warn, sentence)`.
/// `warn` is true when a run that is going well would be cut short.
pub fn stop_warning(current: Option<&Entry>, now: Timestamp) -> (bool, String) {
    let Some(e) = current.filter(|e| e.outcome.is_live()) else {
        return (false, "No run is in progress.".into());
    };
    let ago = human_duration(e.elapsed(now));
    match (e.kind, e.kind_from, e.outcome) {
        (Kind::DevSession, _, _) => {
            (false, format!("The box is in a dev session (up {ago}): no run is in progress."))
        }
        (Kind::Run, _, Outcome::Failing) => {
            (false, format!("The run is failing ({}): stopping ends the billing.", e.evidence))
        }
        (Kind::Run, _, Outcome::Stuck) => {
            (false, format!("The run looks stuck ({}): stopping ends it.", e.evidence))
        }
        (Kind::Run, KindFrom::Assumed, _) => (
            true,
            format!(
                "A run may be in progress (started {ago} ago; dev mode unknown): stopping ends it before the script finishes."
            ),
        ),
        (Kind::Run, _, _) => (
            true,
            format!("A run is in progress (started {ago} ago): stopping ends it before the script finishes."),
        ),
    }
}
