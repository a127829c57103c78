//! The experiments in view: the funnel of those submitted in the period, review lead times,
//! what waits and runs now, impact and spread — each counted per unit, totals added up.

use super::{Impact, Selection, euros};
use crate::db::AnyConnection;
use crate::db::schema::{adoptions, directions, experiment_directions, experiments, result_reports};
use crate::domain::experiments::lifecycle::ExperimentStatus;
use crate::error::AppResult;
use chrono::NaiveDateTime;
use diesel::dsl::{case_when, count_star, exists, min};
use diesel::prelude::*;
use diesel::sql_types::Integer;

/// Per-unit counts of the experiments in view; `(unit, count)` pairs.
pub(super) struct ExperimentFigures {
    pub submitted: Vec<(i64, i64)>,
    pub approved: Vec<(i64, i64)>,
    pub completed: Vec<(i64, i64)>,
    pub adopted: Vec<(i64, i64)>,
    pub waiting: Vec<(i64, i64)>,
    pub oldest_waiting_since: Option<NaiveDateTime>,
    pub waiting_without_reviewer: i64,
    pub running: Vec<(i64, i64)>,
    pub overdue: Vec<(i64, i64)>,
    /// (unit, days from submission to decision) of each experiment decided in the period.
    pub lead: Vec<(i64, f64)>,
    /// (unit, one-off cents, yearly cents) of the experiments completed in the period.
    pub impact: Vec<(i64, Option<i64>, Option<i64>)>,
    /// Adoptions by other units in the period, by the experiment's unit.
    pub adoptions_elsewhere: Vec<(i64, i64)>,
    /// Of the experiments submitted in the period, those adopted also by another unit.
    pub spread: Vec<(i64, i64)>,
}

const APPROVED_OR_FURTHER: [ExperimentStatus; 5] = [
    ExperimentStatus::Approved,
    ExperimentStatus::Running,
    ExperimentStatus::Completed,
    ExperimentStatus::Adopted,
    ExperimentStatus::NotAdopted,
];

/// `SUM(CASE WHEN condition THEN 1 ELSE 0 END)`: rows meeting a condition, within one pass.
macro_rules! count_if {
    ($condition:expr) => {
        diesel::dsl::sum(case_when::<_, _, Integer>($condition, 1).otherwise(0))
    };
}

/// A unit's count and three conditional sums.
type SumRow = (i64, i64, Option<i64>, Option<i64>, Option<i64>);
type Sums = Vec<SumRow>;

/// Splits per-unit sums into `(unit, count)` pairs per column.
fn columns(rows: Sums) -> [Vec<(i64, i64)>; 4] {
    let column = |pick: fn(&SumRow) -> i64| rows.iter().map(|r| (r.0, pick(r))).collect::<Vec<_>>();
    [
        column(|r| r.1),
        column(|r| r.2.unwrap_or(0)),
        column(|r| r.3.unwrap_or(0)),
        column(|r| r.4.unwrap_or(0)),
    ]
}

/// The funnel of the experiments submitted in the period, per unit, in one pass.
fn funnel(conn: &mut AnyConnection, s: &Selection) -> AppResult<[Vec<(i64, i64)>; 4]> {
    let q = experiments::table
        .filter(experiments::submitted_at.ge(s.start))
        .filter(experiments::submitted_at.lt(s.end))
        .group_by(experiments::unit_id)
        .select((
            experiments::unit_id,
            count_star(),
            count_if!(experiments::status.eq_any(APPROVED_OR_FURTHER.map(ExperimentStatus::as_str))),
            count_if!(experiments::completed_at.is_not_null()),
            count_if!(experiments::status.eq(ExperimentStatus::Adopted.as_str())),
        ))
        .into_boxed();
    Ok(columns(experiments_in_view!(q, s).load(conn)?))
}

/// What waits for review, runs and is overdue now, per unit, in one pass.
fn now(conn: &mut AnyConnection, s: &Selection) -> AppResult<[Vec<(i64, i64)>; 4]> {
    let (submitted, running) = (ExperimentStatus::Submitted.as_str(), ExperimentStatus::Running.as_str());
    let q = experiments::table
        .filter(experiments::status.eq_any([submitted, running]))
        .group_by(experiments::unit_id)
        .select((
            experiments::unit_id,
            count_star(),
            count_if!(experiments::status.eq(submitted)),
            count_if!(experiments::status.eq(running)),
            count_if!(
                experiments::status
                    .eq(running)
                    .and(experiments::ends_at.lt(crate::clock::now()))
            ),
        ))
        .into_boxed();
    Ok(columns(experiments_in_view!(q, s).load(conn)?))
}

pub(super) fn figures(conn: &mut AnyConnection, s: &Selection) -> AppResult<ExperimentFigures> {
    let oldest_q = experiments::table
        .filter(experiments::status.eq(ExperimentStatus::Submitted.as_str()))
        .select(min(experiments::submitted_at))
        .into_boxed();
    let oldest_waiting_since = experiments_in_view!(oldest_q, s).first::<Option<NaiveDateTime>>(conn)?;
    // Lead times need the values themselves; one pair per decided experiment.
    let lead_q = experiments::table
        .filter(experiments::decided_at.ge(s.start))
        .filter(experiments::decided_at.lt(s.end))
        .filter(experiments::submitted_at.is_not_null())
        .select((experiments::unit_id, experiments::submitted_at, experiments::decided_at))
        .into_boxed();
    let lead = experiments_in_view!(lead_q, s)
        .load::<(i64, Option<NaiveDateTime>, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(u, a, b)| Some((u, (b? - a?).num_seconds() as f64 / 86_400.0)))
        .collect();
    let impact_q = experiments::table
        .inner_join(result_reports::table)
        .filter(experiments::completed_at.ge(s.start))
        .filter(experiments::completed_at.lt(s.end))
        .group_by(experiments::unit_id)
        .select((experiments::unit_id, sum_cents(ONE_OFF), sum_cents(YEARLY)))
        .into_boxed();
    let impact = experiments_in_view!(impact_q, s).load(conn)?;
    let adoption_q = adoptions::table
        .inner_join(experiments::table)
        .filter(adoptions::adopted_on.ge(s.start))
        .filter(adoptions::adopted_on.lt(s.end))
        .filter(adoptions::unit_id.ne(experiments::unit_id))
        .group_by(experiments::unit_id)
        .select((experiments::unit_id, count_star()))
        .into_boxed();
    let adoptions_elsewhere = experiments_in_view!(adoption_q, s).load(conn)?;
    let [submitted, approved, completed, adopted] = funnel(conn, s)?;
    // The funnel's last step: adopted at home and by another unit too.
    let spread_q = experiments::table
        .filter(experiments::submitted_at.ge(s.start))
        .filter(experiments::submitted_at.lt(s.end))
        .filter(experiments::status.eq(ExperimentStatus::Adopted.as_str()))
        .filter(exists(
            adoptions::table
                .filter(adoptions::experiment_id.eq(experiments::id))
                .filter(adoptions::unit_id.ne(experiments::unit_id)),
        ))
        .group_by(experiments::unit_id)
        .select((experiments::unit_id, count_star()))
        .into_boxed();
    let spread = experiments_in_view!(spread_q, s).load(conn)?;
    let [_, waiting, running, overdue] = now(conn, s)?;
    Ok(ExperimentFigures {
        submitted,
        approved,
        completed,
        adopted,
        waiting,
        oldest_waiting_since,
        waiting_without_reviewer: crate::domain::experiments::routing::waiting_without_reviewer(
            conn,
            s.units.as_deref(),
        )?,
        running,
        overdue,
        lead,
        impact,
        adoptions_elsewhere,
        spread,
    })
}

const ONE_OFF: &str = "CAST(SUM(result_reports.one_off_cents) AS BIGINT)";
const YEARLY: &str = "CAST(SUM(result_reports.yearly_cents) AS BIGINT)";

/// A sum of cents as BIGINT on both engines (PostgreSQL's SUM of BIGINT is NUMERIC).
fn sum_cents(
    expr: &'static str,
) -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
    diesel::dsl::sql(expr)
}

/// Impact of the experiments completed in the period, by direction, largest first.
pub(super) fn impact_by_direction(conn: &mut AnyConnection, s: &Selection) -> AppResult<Vec<Impact>> {
    let mut q = experiment_directions::table
        .inner_join(directions::table)
        .inner_join(experiments::table.inner_join(result_reports::table))
        .filter(experiments::completed_at.ge(s.start))
        .filter(experiments::completed_at.lt(s.end))
        .filter(experiments::status.ne(ExperimentStatus::Draft.as_str()))
        .group_by((directions::id, directions::name))
        .select((directions::id, directions::name, sum_cents(ONE_OFF), sum_cents(YEARLY)))
        .into_boxed();
    // The join names the directions already, so the filters go on it directly.
    if let Some(units) = &s.units {
        q = q.filter(experiments::unit_id.eq_any(units.clone()));
    }
    if let Some(d) = s.direction {
        q = q.filter(experiment_directions::direction_id.eq(d));
    }
    let rows: Vec<(i64, String, Option<i64>, Option<i64>)> = q.load(conn)?;
    let mut out: Vec<Impact> = rows
        .into_iter()
        .map(|(id, name, o, y)| Impact {
            id: Some(id),
            name,
            one_off: euros(o),
            yearly: euros(y),
        })
        .collect();
    out.sort_by(|a, b| (b.one_off + b.yearly).total_cmp(&(a.one_off + a.yearly)));
    Ok(out)
}
