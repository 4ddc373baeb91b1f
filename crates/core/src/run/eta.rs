//! Progress and ETA of the current run.
//!
//! Progress comes from the run's last line matching `run.progress_pattern` (`(k/N)`). The ETA
//! comes from the progress rate when there is one (the time per item so far, times the items
//! left, plus the usual time from the last item to the end), else from the median duration of
//! the latest successful runs.

use jiff::SignedDuration;

use super::entry::{Entry, Eta, EtaBasis, Kind, Outcome, Progress, Segment};
use super::facts::Fact;

/// How many successful runs the usual duration is the median of.
pub const USUAL_OF: usize = 5;

/// The last progress of `facts`, and the first progress with the same total (where the pace
/// is measured from).
pub(super) fn progress(facts: &[Fact]) -> Option<(Progress, Progress)> {
    let at = |f: &Fact| f.progress.map(|(done, total)| Progress { done, total, at: f.ts });
    let last = facts.iter().rev().find_map(at)?;
    let first = facts.iter().filter_map(at).find(|p| p.total == last.total).unwrap_or(last);
    Some((last, first))
}

/// The median of `values` (the mean of the two middle ones for an even count).
fn median(mut values: Vec<SignedDuration>) -> Option<SignedDuration> {
    values.sort();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}

/// Sets the ETA of the current run, if it is going; returns the usual duration.
/// `entries` and `segments` are in the same order, oldest first.
pub(super) fn attach_eta(entries: &mut [Entry], segments: &[Segment<'_>]) -> Option<SignedDuration> {
    let done: Vec<usize> = (0..entries.len())
        .rev()
        .filter(|&i| entries[i].kind == Kind::Run && entries[i].outcome == Outcome::Succeeded)
        .filter(|&i| entries[i].duration.is_some_and(|d| d.is_positive()))
        .take(USUAL_OF)
        .collect();
    let usual = median(done.iter().filter_map(|&i| entries[i].duration).collect());
    // From the last item to the end, in the runs that got to the last item.
    let tail = median(
        done.iter()
            .filter_map(|&i| {
                let p = entries[i].progress.filter(|p| p.done == p.total)?;
                Some(entries[i].ended?.duration_since(p.at).max(SignedDuration::ZERO))
            })
            .collect(),
    );
    let Some(i) =
        entries.iter().position(|e| e.current && e.kind == Kind::Run && e.outcome == Outcome::InProgress)
    else {
        return usual;
    };
    let by_rate = progress(segments[i].facts).and_then(|(last, first)| {
        let items = last.done.checked_sub(first.done).filter(|n| *n > 0)?;
        let spent = last.at.duration_since(first.at);
        if !spent.is_positive() {
            return None;
        }
        let per_item = spent / i32::try_from(items).ok()?;
        let left = per_item.checked_mul(i32::try_from(last.total - last.done).ok()?)?;
        Some(last.at + left + tail.unwrap_or(SignedDuration::ZERO))
    });
    entries[i].eta = match (by_rate, usual) {
        (Some(at), _) => Some(Eta { at, basis: EtaBasis::ProgressRate, usual }),
        (None, Some(u)) => Some(Eta { at: entries[i].started + u, basis: EtaBasis::UsualDuration, usual }),
        (None, None) => None,
    };
    usual
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(n: i64) -> SignedDuration {
        SignedDuration::from_mins(n)
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![m(3), m(1), m(2)]), Some(m(2)));
        assert_eq!(median(vec![m(4), m(1), m(2), m(3)]), Some(SignedDuration::from_secs(150)));
    }
}
