//! Browsing experiments: filters, search, newest first by keyset; the results library.

use super::ExperimentRow;
use super::lifecycle::ExperimentStatus;
use crate::db::AnyConnection;
use crate::db::backend;
use crate::db::schema::{experiment_directions, experiments, people, unit_municipalities, units as units_t};
use crate::domain::access::Actor;
use crate::domain::validate::finnish_days;
use crate::domain::{Context, MAX_PAGE_SIZE, units};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// What to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct ExperimentFilter {
    /// Free text over the plan and the result report.
    pub q: Option<String>,
    /// Only these statuses (set by the domain, e.g. what a trustee's municipality view shows).
    #[serde(skip)]
    #[param(ignore)]
    pub statuses: Option<Vec<ExperimentStatus>>,
    /// A unit and its sub-units.
    pub unit: Option<i64>,
    pub direction: Option<i64>,
    /// Experiments of units serving this municipality.
    pub municipality: Option<i64>,
    pub status: Option<ExperimentStatus>,
    pub owner: Option<i64>,
    /// Running on or after this day (ends on or after it).
    pub from: Option<NaiveDate>,
    /// Running on or before this day (starts on or before it).
    pub to: Option<NaiveDate>,
    /// Submitted for review on or after this day (Finnish time).
    pub submitted_from: Option<NaiveDate>,
    /// Submitted for review on or before this day (Finnish time).
    pub submitted_to: Option<NaiveDate>,
    /// Only completed experiments with their results (the results library).
    pub results: Option<bool>,
    /// Pass the previous page's `next_after`.
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

/// One experiment in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExperimentSummary {
    pub id: i64,
    pub title: String,
    pub status: ExperimentStatus,
    pub unit_name: String,
    pub owner_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub published: bool,
    /// The language it was written in.
    pub lang: String,
}

/// A page of experiments.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExperimentPage {
    pub items: Vec<ExperimentSummary>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<i64>,
}

/// The list line of one experiment.
pub fn summary_of(conn: &mut AnyConnection, e: ExperimentRow) -> AppResult<ExperimentSummary> {
    let unit_name = units_t::table.find(e.unit_id).select(units_t::name).first(conn)?;
    let owner_name = people::table.find(e.owner_id).select(people::name).first(conn)?;
    Ok(ExperimentSummary {
        id: e.id,
        status: e.status(),
        title: e.title,
        unit_name,
        owner_name,
        starts_on: e.starts_at.date(),
        ends_on: e.ends_at.date(),
        published: e.published,
        lang: e.lang,
    })
}

/// From this many experiments in the unit filter on, testing each one beats collecting them.
const DENSE_UNIT_THRESHOLD: i64 = 1_000;

/// The experiments the actor may see, filtered and searched, newest first.
pub fn list(ctx: &Context, actor: &Actor, filter: &ExperimentFilter) -> AppResult<ExperimentPage> {
    let limit = filter.limit.unwrap_or(20).clamp(1, MAX_PAGE_SIZE);
    let mut conn = ctx.db.read()?;
    let mut q = experiments::table
        .inner_join(people::table)
        .inner_join(units_t::table)
        .select((
            experiments::id,
            experiments::title,
            experiments::status,
            units_t::name,
            people::name,
            experiments::starts_at,
            experiments::ends_at,
            experiments::published,
            experiments::lang,
        ))
        .order(experiments::id.desc())
        .limit(limit + 1)
        .into_boxed();
    q = q.filter(crate::domain::policy::experiments::listed(&mut conn, actor)?);
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let ids = backend::search_experiments(&mut conn, text)?;
        q = q.filter(experiments::id.eq_any(ids));
    }
    if let Some(unit) = filter.unit {
        let subtree = units::subtree(&mut conn, unit)?;
        let many = experiments::table
            .filter(experiments::unit_id.eq_any(&subtree))
            .select(experiments::id)
            .limit(DENSE_UNIT_THRESHOLD)
            .load::<i64>(&mut conn)?
            .len() as i64
            >= DENSE_UNIT_THRESHOLD;
        q = if many {
            // Thousands match: walking the newest first beats collecting and sorting them all;
            // `+ 0` keeps the planner from choosing the unit index.
            q.filter((experiments::unit_id + 0).eq_any(subtree))
        } else {
            q.filter(experiments::unit_id.eq_any(subtree))
        };
    }
    if let Some(d) = filter.direction {
        q = q.filter(
            experiments::id.eq_any(
                experiment_directions::table
                    .filter(experiment_directions::direction_id.eq(d))
                    .select(experiment_directions::experiment_id),
            ),
        );
    }
    if let Some(m) = filter.municipality {
        q = q.filter(
            experiments::unit_id.eq_any(
                unit_municipalities::table
                    .filter(unit_municipalities::municipality_id.eq(m))
                    .select(unit_municipalities::unit_id),
            ),
        );
    }
    if let Some(s) = filter.status {
        q = q.filter(experiments::status.eq(s.as_str()));
    }
    if let Some(list) = &filter.statuses {
        q = q.filter(experiments::status.eq_any(list.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if filter.results == Some(true) {
        let done = [
            ExperimentStatus::Completed,
            ExperimentStatus::Adopted,
            ExperimentStatus::NotAdopted,
        ];
        q = q.filter(experiments::status.eq_any(done.map(ExperimentStatus::as_str)));
    }
    if let Some(o) = filter.owner {
        q = q.filter(experiments::owner_id.eq(o));
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(AppError::field("to", "before_start"));
    }
    if let Some(from) = filter.from {
        q = q.filter(experiments::ends_at.ge(from.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(to) = filter.to {
        q = q.filter(experiments::starts_at.le(to.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    let (start, end) = finnish_days(filter.submitted_from, filter.submitted_to, "submitted_to")?;
    if let Some(start) = start {
        q = q.filter(experiments::submitted_at.ge(start));
    }
    if let Some(end) = end {
        q = q.filter(experiments::submitted_at.lt(end));
    }
    if let Some(after) = filter.after {
        q = q.filter(experiments::id.lt(after));
    }
    type Row = (
        i64,
        String,
        ExperimentStatus,
        String,
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        bool,
        String,
    );
    let rows: Vec<Row> = q.load(&mut conn)?;
    let more = rows.len() as i64 > limit;
    let items: Vec<ExperimentSummary> = rows
        .into_iter()
        .take(limit as usize)
        .map(
            |(id, title, status, unit_name, owner_name, starts, ends, published, lang)| ExperimentSummary {
                id,
                title,
                status,
                unit_name,
                owner_name,
                starts_on: starts.date(),
                ends_on: ends.date(),
                published,
                lang,
            },
        )
        .collect();
    let next_after = if more { items.last().map(|i| i.id) } else { None };
    Ok(ExperimentPage { items, next_after })
}
