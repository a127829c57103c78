//! The clock: moments are UTC (as stored), days are Finnish calendar days.
//!
//! "Today" is always the day in Finland (EU summer time rules), so that a date picked on a
//! page, a reminder and a period filter agree around midnight.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// The current moment in UTC, without a zone, as stored in the database.
pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Today in Finland.
pub fn today() -> NaiveDate {
    crate::i18n::finnish_time(now()).date()
}

/// The first day of the year `day` is in.
pub fn year_start(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day)
}
