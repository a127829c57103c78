//! The monthly trend of new ideas and submitted experiments.

use super::{DashboardFilter, Month, Selection, day_start};
use crate::db::AnyConnection;
use crate::db::period::{PartOf, first_column};
use crate::db::schema::experiment_directions;
use crate::db::schema::{experiments, ideas};
use crate::domain::experiments::lifecycle::ExperimentStatus;
use crate::error::AppResult;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, exists};
use diesel::prelude::*;

/// New ideas and submitted experiments per calendar month (Finnish time) of the period, each
/// counted in one grouped query.
pub(super) fn monthly(conn: &mut AnyConnection, s: &Selection, filter: &DashboardFilter) -> AppResult<Vec<Month>> {
    let mut months = Vec::new();
    let mut first = NaiveDate::from_ymd_opt(filter.from.year(), filter.from.month(), 1).unwrap_or(filter.from);
    while first <= filter.to {
        months.push(first);
        first = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(filter.to + chrono::Duration::days(1));
    }
    let ends: Vec<NaiveDateTime> = months
        .iter()
        .filter_map(|m| m.checked_add_months(chrono::Months::new(1)))
        .map(|next| day_start(next).min(s.end))
        .collect();
    let ideas_per_month: Vec<(i32, i64)> = ideas::table
        .filter(s.new_ideas())
        .select((PartOf::new(ideas::created_at, ends.clone()), count_star()))
        .group_by(first_column())
        .into_boxed()
        .load(conn)?;
    let experiments_q = experiments::table
        .filter(experiments::submitted_at.ge(s.start))
        .filter(experiments::submitted_at.lt(s.end))
        .select((PartOf::new(experiments::submitted_at, ends), count_star()))
        .group_by(first_column())
        .into_boxed();
    let experiments_per_month: Vec<(i32, i64)> = experiments_in_view!(experiments_q, s).load(conn)?;
    let in_month = |rows: &[(i32, i64)], i: usize| {
        rows.iter()
            .filter(|(part, _)| *part as usize == i)
            .map(|(_, n)| *n)
            .sum()
    };
    Ok(months
        .iter()
        .enumerate()
        .map(|(i, first)| Month {
            month: first.format("%Y-%m").to_string(),
            ideas: in_month(&ideas_per_month, i),
            experiments: in_month(&experiments_per_month, i),
        })
        .collect())
}
