//! Finding a time, a zone and a day in a rule name.

use jiff::civil::Weekday;

use super::{ClaimedTime, ZONES};

/// What the scan found, before zones are looked up.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub(super) time: Option<ClaimedTime>,
    pub(super) weekday: Option<Weekday>,
    /// The zone as written (abbreviations upper case, words capitalised).
    pub(super) zone: Option<String>,
}

/// Day names: (text, weekday, whether it may stand inside a longer run of letters).
const DAYS: &[(&str, Weekday, bool)] = &[
    ("monday", Weekday::Monday, true),
    ("tuesday", Weekday::Tuesday, true),
    ("wednesday", Weekday::Wednesday, true),
    ("thursday", Weekday::Thursday, true),
    ("friday", Weekday::Friday, true),
    ("saturday", Weekday::Saturday, true),
    ("sunday", Weekday::Sunday, true),
    ("mon", Weekday::Monday, false),
    ("tues", Weekday::Tuesday, false),
    ("tue", Weekday::Tuesday, false),
    ("weds", Weekday::Wednesday, false),
    ("wed", Weekday::Wednesday, false),
    ("thurs", Weekday::Thursday, false),
    ("thur", Weekday::Thursday, false),
    ("thu", Weekday::Thursday, false),
    ("fri", Weekday::Friday, false),
    ("sat", Weekday::Saturday, false),
    ("sun", Weekday::Sunday, false),
];

/// Scans a rule name.
pub(super) fn scan(name: &str) -> Found {
    let s = name.as_bytes();
    let mut found = Found::default();
    let mut time_end = None;
    for i in 0..s.len() {
        let starts_number = s[i].is_ascii_digit() && (i == 0 || !s[i - 1].is_ascii_digit());
        if !starts_number {
            continue;
        }
        if let Some((time, end)) = time_at(s, i, name) {
            found.time = Some(time);
            time_end = Some(end);
            break;
        }
    }
    if found.time.is_none() {
        for (word, hour) in [("noon", 12), ("midnight", 0)] {
            if let Some(pos) = find_word(s, word, true) {
                found.time = Some(ClaimedTime { hour, minute: 0, twelve_hour: true });
                time_end = Some(pos + word.len());
                break;
            }
        }
    }
    // A zone right after the time wins; otherwise any zone word in the name.
    found.zone = time_end
        .and_then(|end| zone_at(s, skip_separator(s, end)))
        .or_else(|| (0..s.len()).find_map(|i| zone_at(s, i).filter(|_| starts_word(s, i))))
        .map(|(token, _)| label(token));
    let mut days: Vec<Weekday> = Vec::new();
    for (word, day, inside) in DAYS {
        if !days.contains(day) && find_word(s, word, *inside).is_some() {
            days.push(*day);
        }
    }
    if let [day] = days[..] {
        found.weekday = Some(day);
    }
    found
}

/// A time starting at the digit run at `i`, and where it ends.
fn time_at(s: &[u8], i: usize, name: &str) -> Option<(ClaimedTime, usize)> {
    let digits_end = (i..s.len()).find(|&k| !s[k].is_ascii_digit()).unwrap_or(s.len());
    let number = |a: usize, b: usize| name[a..b].parse::<i8>().ok();
    let n = digits_end - i;
    let (hour, minute, end, full_form) = match n {
        1 | 2 => {
            let two_digits_follow = |k: usize| {
                s.get(k..k + 2).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
                    && !s.get(k + 2).is_some_and(u8::is_ascii_digit)
            };
            if matches!(s.get(digits_end), Some(b':' | b'.' | b'h' | b'H'))
                && two_digits_follow(digits_end + 1)
            {
                let m = number(digits_end + 1, digits_end + 3)?;
                (number(i, digits_end)?, m, digits_end + 3, true)
            } else {
                (number(i, digits_end)?, 0, digits_end, false)
            }
        }
        3 | 4 => (number(i, digits_end - 2)?, number(digits_end - 2, digits_end)?, digits_end, true),
        _ => return None,
    };
    if minute > 59 {
        return None;
    }
    if let Some((pm, marker_end)) = marker_at(s, skip_separator(s, end)) {
        if !(1..=12).contains(&hour) {
            return None;
        }
        let hour = hour % 12 + if pm { 12 } else { 0 };
        let time = ClaimedTime { hour, minute, twelve_hour: true };
        return Some((time, marker_end));
    }
    if hour > 23 {
        return None;
    }
    if full_form {
        let time = ClaimedTime { hour, minute, twelve_hour: false };
        return Some((time, end));
    }
    // A bare hour counts only right before a zone: `9EST`, `7-pt`.
    zone_at(s, skip_separator(s, end))?;
    let lower = name.to_ascii_lowercase();
    let later = ["evening", "afternoon", "night"].iter().any(|w| lower.contains(w));
    let hour = if later && (1..12).contains(&hour) { hour + 12 } else { hour };
    let time = ClaimedTime { hour, minute, twelve_hour: true };
    Some((time, end))
}

/// An AM/PM marker (`a`, `am`, `p`, `pm`, any case) at `k`: (is PM, end).
fn marker_at(s: &[u8], k: usize) -> Option<(bool, usize)> {
    let pm = match s.get(k)?.to_ascii_lowercase() {
        b'a' => false,
        b'p' => true,
        _ => return None,
    };
    let with_m = s.get(k + 1).is_some_and(|c| c.eq_ignore_ascii_case(&b'm'));
    let ends = |end: usize| ends_word(s, end) || zone_at(s, end).is_some();
    if with_m && ends(k + 2) {
        Some((pm, k + 2))
    } else if ends(k + 1) {
        Some((pm, k + 1))
    } else {
        None
    }
}

/// The zone word at `k` that ends a word: (table entry, end).
fn zone_at(s: &[u8], k: usize) -> Option<(&'static str, usize)> {
    let mut best: Option<(&'static str, usize)> = None;
    for (token, _, _) in ZONES {
        let end = k + token.len();
        let matches = s.get(k..end).is_some_and(|t| t.eq_ignore_ascii_case(token.as_bytes()));
        if matches && ends_word(s, end) && best.is_none_or(|(b, _)| b.len() < token.len()) {
            best = Some((token, end));
        }
    }
    best
}

/// How a zone is written in messages: `EST`, or `Eastern` for a word.
fn label(token: &str) -> String {
    if token.len() <= 4 {
        token.to_string()
    } else {
        let (first, rest) = token.split_at(1);
        format!("{first}{}", rest.to_ascii_lowercase())
    }
}

/// Skips one `-`, `_`, `.` or space at `k`.
fn skip_separator(s: &[u8], k: usize) -> usize {
    match s.get(k) {
        Some(b'-' | b'_' | b'.' | b' ') => k + 1,
        _ => k,
    }
}

/// Whether a word may start at `k`: at the start, after a non-letter, or at a camelCase
/// boundary (`runEST`, `ESTMonday`).
fn starts_word(s: &[u8], k: usize) -> bool {
    let Some(prev) = k.checked_sub(1).map(|p| s[p]) else {
        return true;
    };
    let cur = s[k];
    !prev.is_ascii_alphabetic()
        || (prev.is_ascii_lowercase() && cur.is_ascii_uppercase())
        || (prev.is_ascii_uppercase()
            && cur.is_ascii_uppercase()
            && s.get(k + 1).is_some_and(u8::is_ascii_lowercase))
}

/// Whether a word may end at `end` (exclusive): at the end, before a non-letter, or at a
/// camelCase boundary (`MondayMorning`, `ESTRun`); not inside a run of letters (`Month`).
fn ends_word(s: &[u8], end: usize) -> bool {
    let Some(&next) = s.get(end) else {
        return true;
    };
    if !next.is_ascii_alphabetic() {
        return true;
    }
    let last = s[end - 1];
    next.is_ascii_uppercase()
        && (last.is_ascii_lowercase() || s.get(end + 1).is_some_and(u8::is_ascii_lowercase))
}

/// Where `word` (lower case) appears in `s` as a word, optionally followed by a plural `s`.
/// With `inside`, it may also start inside a run of letters (`everyMonday`, `everymonday`).
fn find_word(s: &[u8], word: &str, inside: bool) -> Option<usize> {
    let w = word.as_bytes();
    (0..s.len().saturating_sub(w.len() - 1)).find(|&k| {
        let end = k + w.len();
        s[k..end].eq_ignore_ascii_case(w)
            && (inside || starts_word(s, k))
            && (ends_word(s, end)
                || (s.get(end).is_some_and(|c| c.eq_ignore_ascii_case(&b's')) && ends_word(s, end + 1)))
    })
}
