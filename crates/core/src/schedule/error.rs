//! What can be wrong with a schedule expression.

use std::fmt;

/// One of the six fields of an `EventBridge` cron expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CronField {
    /// Minutes, 0-59.
    Minutes,
    /// Hours, 0-23 (UTC).
    Hours,
    /// Day of the month, 1-31.
    DayOfMonth,
    /// Month, 1-12 or JAN-DEC.
    Month,
    /// Day of the week, 1-7 (1 = Sunday) or SUN-SAT.
    DayOfWeek,
    /// Year, 1970-2199.
    Year,
}

impl CronField {
    /// The six fields in the order they are written.
    pub const ALL: [CronField; 6] = [
        CronField::Minutes,
        CronField::Hours,
        CronField::DayOfMonth,
        CronField::Month,
        CronField::DayOfWeek,
        CronField::Year,
    ];

    /// The field's name as the `EventBridge` documentation writes it.
    pub fn name(self) -> &'static str {
        match self {
            CronField::Minutes => "minutes",
            CronField::Hours => "hours",
            CronField::DayOfMonth => "day-of-month",
            CronField::Month => "month",
            CronField::DayOfWeek => "day-of-week",
            CronField::Year => "year",
        }
    }
}

impl fmt::Display for CronField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a schedule expression could not be read.
///
/// Every message is one sentence: what is wrong, and what `EventBridge` expects instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// Neither `cron(...)` nor `rate(...)`.
    #[error(
        "`{expr}` is not an EventBridge schedule expression: write `cron(minutes hours day-of-month month day-of-week year)` or `rate(value unit)`."
    )]
    UnknownForm {
        /// The expression as given.
        expr: String,
    },
    /// A cron expression with the wrong number of fields.
    #[error(
        "the cron expression has {found} field(s), but EventBridge needs 6: minutes hours day-of-month month day-of-week year."
    )]
    FieldCount {
        /// How many fields were found.
        found: usize,
    },
    /// One cron field is malformed or out of range.
    #[error("{field} field `{text}`: {problem}.")]
    Field {
        /// Which field.
        field: CronField,
        /// The field's text as written.
        text: String,
        /// What is wrong with it, and what the field accepts.
        problem: String,
    },
    /// Both day fields hold a value; `EventBridge` needs `?` in one of them.
    #[error(
        "day-of-month `{day_of_month}` and day-of-week `{day_of_week}` are both set: put `?` in one of them."
    )]
    BothDaysSet {
        /// The day-of-month field as written.
        day_of_month: String,
        /// The day-of-week field as written.
        day_of_week: String,
    },
    /// Both day fields are `?`; one of them must say which days.
    #[error(
        "day-of-month and day-of-week are both `?`: set one of them (`*` in day-of-month means every day)."
    )]
    NoDaysSet,
    /// A malformed `rate(...)` expression.
    #[error("rate expression `{text}`: {problem}.")]
    Rate {
        /// The text inside `rate(...)`.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl ScheduleError {
    /// Shorthand for a [`ScheduleError::Field`].
    pub(crate) fn field(field: CronField, text: &str, problem: impl Into<String>) -> Self {
        ScheduleError::Field { field, text: text.to_string(), problem: problem.into() }
    }
}
