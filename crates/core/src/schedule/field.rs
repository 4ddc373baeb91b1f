//! The plain parts of a cron field: values, names, `*`, `,` lists, `-` ranges and `/` steps.

use super::error::{CronField, ScheduleError};

/// Month names as `EventBridge` accepts them, January first.
pub(crate) const MONTH_NAMES: [&str; 12] =
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/// Day names as `EventBridge` accepts them, Sunday first (Sunday = 1).
pub(crate) const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A set of small numbers (below `64 × W`), one bit each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bits<const W: usize = 1>([u64; W]);

/// A set of years, stored from 1970 (bit 0 = 1970).
pub(crate) type YearBits = Bits<4>;

impl<const W: usize> Default for Bits<W> {
    fn default() -> Self {
        Bits([0; W])
    }
}

impl<const W: usize> Bits<W> {
    /// One past the largest number the set can hold.
    #[allow(clippy::cast_possible_truncation, reason = "W is a handful of 64-bit words")]
    const END: u32 = 64 * W as u32;

    /// Adds `v`.
    pub(crate) fn insert(&mut self, v: u32) {
        debug_assert!(v < Self::END, "{v} does not fit in a set below {}", Self::END);
        self.0[(v / 64) as usize] |= 1 << (v % 64);
    }

    /// Whether `v` is in the set.
    pub(crate) fn contains(&self, v: u32) -> bool {
        v < Self::END && self.0[(v / 64) as usize] & (1 << (v % 64)) != 0
    }

    /// The smallest member that is `>= from` and `<= to`.
    pub(crate) fn next_from(&self, from: u32, to: u32) -> Option<u32> {
        let mut v = from;
        while v <= to.min(Self::END - 1) {
            let word = self.0[(v / 64) as usize] >> (v % 64);
            if word != 0 {
                let found = v + word.trailing_zeros();
                return (found <= to).then_some(found);
            }
            v = (v / 64 + 1) * 64;
        }
        None
    }
}

/// The range and names of one field.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    /// Which field, for messages.
    pub(crate) field: CronField,
    /// Smallest value.
    pub(crate) min: u32,
    /// Largest value.
    pub(crate) max: u32,
    /// Names for `min`, `min + 1`, …, if the field has names.
    pub(crate) names: &'static [&'static str],
    /// Whether a range may run past `max` and start again at `min` (`FRI-MON`, `22-2`).
    pub(crate) wraps: bool,
}

impl Spec {
    /// The spec of `field`.
    pub(crate) const fn of(field: CronField) -> Spec {
        let (min, max, names, wraps): (u32, u32, &'static [&'static str], bool) = match field {
            CronField::Minutes => (0, 59, &[], true),
            CronField::Hours => (0, 23, &[], true),
            CronField::DayOfMonth => (1, 31, &[], true),
            CronField::Month => (1, 12, &MONTH_NAMES, true),
            CronField::DayOfWeek => (1, 7, &DAY_NAMES, true),
            CronField::Year => (1970, 2199, &[], false),
        };
        Spec { field, min, max, names, wraps }
    }

    /// What the field accepts, for messages: `0-59`, `1-12 or JAN-DEC`, ….
    pub(crate) fn accepted(&self) -> String {
        match self.field {
            CronField::Month => "1-12 or JAN-DEC".to_string(),
            CronField::DayOfWeek => "1-7 (1 = Sunday) or SUN-SAT".to_string(),
            _ => format!("{}-{}", self.min, self.max),
        }
    }

    /// Bit index of value `v` (years are stored from 1970).
    pub(crate) fn index(&self, v: u32) -> u32 {
        if self.field == CronField::Year { v - self.min } else { v }
    }

    /// Reads one value: a number or, where the field has names, a name (upper case).
    pub(crate) fn value(&self, s: &str, whole: &str) -> Result<u32, ScheduleError> {
        if let Some((_, pos)) = self.names.iter().zip(0_u32..).find(|(n, _)| **n == s) {
            return Ok(self.min + pos);
        }
        let problem = || format!("`{s}` is not a {} value; use {}", self.field, self.accepted());
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScheduleError::field(self.field, whole, problem()));
        }
        match s.parse::<u32>() {
            Ok(v) if (self.min..=self.max).contains(&v) => Ok(v),
            _ => Err(ScheduleError::field(
                self.field,
                whole,
                format!("`{s}` is out of range; use {}", self.accepted()),
            )),
        }
    }

    /// Reads a `/step` amount.
    fn step(&self, s: &str, whole: &str) -> Result<u32, ScheduleError> {
        match s.parse::<u32>() {
            Ok(v) if v >= 1 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(v),
            _ => Err(ScheduleError::field(
                self.field,
                whole,
                format!("step `/{s}` must be a whole number of at least 1"),
            )),
        }
    }

    /// Adds one list entry (`*`, `*/s`, `a`, `a/s`, `a-b`, `a-b/s`) to `bits`.
    ///
    /// `item` is upper case; `whole` is the whole field, for messages.
    pub(crate) fn add_item<const W: usize>(
        &self,
        item: &str,
        whole: &str,
        bits: &mut Bits<W>,
    ) -> Result<(), ScheduleError> {
        if item.is_empty() {
            return Err(ScheduleError::field(
                self.field,
                whole,
                "it has an empty entry; separate values with single commas",
            ));
        }
        let (base, step) = match item.split_once('/') {
            Some((base, step)) => (base, Some(self.step(step, whole)?)),
            None => (item, None),
        };
        let (start, end) = if base == "*" {
            (self.min, self.max)
        } else if let Some((a, b)) = base.split_once('-') {
            (self.value(a, whole)?, self.value(b, whole)?)
        } else {
            let a = self.value(base, whole)?;
            // `a/s` runs from `a` to the end of the field; a lone `a` is just `a`.
            (a, if step.is_some() { self.max } else { a })
        };
        if start > end && !self.wraps {
            return Err(ScheduleError::field(
                self.field,
                whole,
                format!("range `{base}` runs backwards; write the smaller {} first", self.field),
            ));
        }
        let len = self.max - self.min + 1;
        let span = (end + len - start) % len;
        let step = step.unwrap_or(1) as usize;
        for k in (0..=span).step_by(step) {
            let v = self.min + (start - self.min + k) % len;
            bits.insert(self.index(v));
        }
        Ok(())
    }

    /// Parses a whole field made only of plain entries.
    pub(crate) fn parse<const W: usize>(&self, text: &str) -> Result<Bits<W>, ScheduleError> {
        let upper = text.to_ascii_uppercase();
        if upper.contains(['?', 'L', 'W', '#']) && !self.names_use_special(&upper) {
            return Err(ScheduleError::field(
                self.field,
                text,
                "`?`, `L`, `W` and `#` belong only in the day fields; this field takes values with `,` `-` `*` `/`",
            ));
        }
        let mut bits = Bits::<W>::default();
        for item in upper.split(',') {
            self.add_item(item, text, &mut bits)?;
        }
        Ok(bits)
    }

    /// Whether every `L`/`W` in `upper` belongs to a name (`JUL`, `WED`, …) rather than being
    /// a special character.
    fn names_use_special(&self, upper: &str) -> bool {
        if self.names.is_empty() || upper.contains(['?', '#']) {
            return false;
        }
        upper.split([',', '-', '/']).all(|tok| !tok.contains(['L', 'W']) || self.names.contains(&tok))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(field: CronField, text: &str) -> Vec<u32> {
        let spec = Spec::of(field);
        let bits: YearBits = spec.parse(text).unwrap();
        (spec.min..=spec.max).filter(|v| bits.contains(spec.index(*v))).collect()
    }

    #[test]
    fn lists_ranges_and_steps() {
        assert_eq!(members(CronField::Minutes, "0/15"), vec![0, 15, 30, 45]);
        assert_eq!(members(CronField::Minutes, "*/20"), vec![0, 20, 40]);
        assert_eq!(members(CronField::Minutes, "1/10"), vec![1, 11, 21, 31, 41, 51]);
        assert_eq!(members(CronField::Hours, "8-10,14"), vec![8, 9, 10, 14]);
        assert_eq!(members(CronField::Hours, "9-17/4"), vec![9, 13, 17]);
        assert_eq!(members(CronField::DayOfMonth, "*/10"), vec![1, 11, 21, 31]);
        assert_eq!(members(CronField::Year, "2026-2030/2"), vec![2026, 2028, 2030]);
    }

    #[test]
    fn names_are_case_insensitive_and_wrap() {
        assert_eq!(members(CronField::Month, "jan,Jul-AUG"), vec![1, 7, 8]);
        assert_eq!(members(CronField::Month, "NOV-FEB"), vec![1, 2, 11, 12]);
        assert_eq!(members(CronField::DayOfWeek, "MON-FRI"), vec![2, 3, 4, 5, 6]);
        assert_eq!(members(CronField::DayOfWeek, "FRI-MON"), vec![1, 2, 6, 7]);
        assert_eq!(members(CronField::Hours, "22-1"), vec![0, 1, 22, 23]);
    }

    /// The error for `text` in `field`.
    fn error(field: CronField, text: &str) -> ScheduleError {
        Spec::of(field).parse::<4>(text).unwrap_err()
    }

    #[test]
    fn bad_entries_name_the_field() {
        let err = error(CronField::Minutes, "60");
        assert!(err.to_string().starts_with("minutes field `60`: `60` is out of range"), "{err}");
        let err = error(CronField::Month, "JANUARY");
        assert!(err.to_string().contains("use 1-12 or JAN-DEC"), "{err}");
        let err = error(CronField::Hours, "*/0");
        assert!(err.to_string().contains("step `/0`"), "{err}");
        let err = error(CronField::Hours, "1,,2");
        assert!(err.to_string().contains("empty entry"), "{err}");
        let err = error(CronField::Year, "2030-2026");
        assert!(err.to_string().contains("backwards"), "{err}");
        let err = error(CronField::Year, "1969");
        assert!(err.to_string().contains("use 1970-2199"), "{err}");
        let err = error(CronField::Hours, "?");
        assert!(err.to_string().contains("only in the day fields"), "{err}");
    }

    #[test]
    fn bits_next_from_crosses_words() {
        let mut bits = YearBits::default();
        bits.insert(3);
        bits.insert(130);
        assert_eq!(bits.next_from(0, 255), Some(3));
        assert_eq!(bits.next_from(4, 255), Some(130));
        assert_eq!(bits.next_from(4, 129), None);
        assert_eq!(bits.next_from(131, 255), None);
    }
}
