//! The management dashboard's figures for a period, a unit subtree, a direction and a
//! municipality: participation, the funnel, review lead times, what waits, impact, trends and
//! spread. Everything is counted in SQL; only small aggregates come back.

use super::access::Actor;
use super::scope::Scope;
use super::validate::Validator;
use super::{Context, units};
use crate::db::schema::{idea_directions, idea_units, ideas, unit_municipalities, units as units_t};
use crate::db::{AnyConnection, MultiBackend};
use crate::error::{AppError, AppResult};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Narrows a boxed query over rows that name an idea (`$idea`) to ideas of the units and the
/// direction in view. `unit_id + 0` keeps SQLite probing each row's idea once rather than once
/// per unit of the view (measured 3× faster for a sector with thousands of ideas).
macro_rules! about_ideas_in_view {
    ($q:expr, $s:expr, $idea:expr) => {{
        let mut q = $q;
        if let Some(units) = &$s.units {
            q = q.filter(exists(
                idea_units::table
                    .filter(idea_units::idea_id.eq($idea))
                    .filter((idea_units::unit_id + 0).eq_any(units.clone())),
            ));
        }
        if let Some(d) = $s.direction {
            q = q.filter(exists(
                idea_directions::table
                    .filter(idea_directions::idea_id.eq($idea))
                    .filter(idea_directions::direction_id.eq(d)),
            ));
        }
        q
    }};
}

/// Narrows a boxed query over rows that name an idea (`$idea`) to ideas written in the period.
macro_rules! about_new_ideas {
    ($q:expr, $s:expr, $idea:expr) => {
        $q.filter(exists(
            ideas::table
                .filter(ideas::id.eq($idea))
                .filter(ideas::hidden.eq(false))
                .filter(ideas::created_at.ge($s.start))
                .filter(ideas::created_at.lt($s.end)),
        ))
    };
}

/// Narrows a boxed query that includes the experiments table to the experiments in view.
macro_rules! experiments_in_view {
    ($q:expr, $s:expr) => {{
        let mut q = $q.filter(experiments::status.ne(ExperimentStatus::Draft.as_str()));
        if let Some(units) = &$s.units {
            q = q.filter(experiments::unit_id.eq_any(units.clone()));
        }
        if let Some(d) = $s.direction {
            q = q.filter(exists(
                experiment_directions::table
                    .filter(experiment_directions::experiment_id.eq(experiments::id))
                    .filter(experiment_directions::direction_id.eq(d)),
            ));
        }
        q
    }};
}

/// How many of the ideas counted reached the selected step (selected, in an experiment or
/// implemented): a sum of a condition, constant SQL with nothing from the request.
macro_rules! selected_sum {
    () => {
        "CAST(SUM(CASE WHEN ideas.status IN ('selected_for_experiment', 'in_experiment', 'implemented') \
         THEN 1 ELSE 0 END) AS BIGINT)"
    };
}

/// The ideas that reached the experiment step, and those implemented (each a subset of the one
/// before, so that the ideas' funnel never exceeds 100 %).
macro_rules! further_sums {
    () => {
        "CAST(SUM(CASE WHEN ideas.status IN ('in_experiment', 'implemented') THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN ideas.status = 'implemented' THEN 1 ELSE 0 END) AS BIGINT)"
    };
}

mod experiment_counts;
mod participation;
mod side;
mod trend;
mod unit_rows;

/// The longest period, in days (ten years).
pub const MAX_DAYS: i64 = 3653;

/// What the dashboard's reader asks for: a named period or days (this year so far when neither
/// is given), a unit, a direction and a municipality.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// `year` (this year so far), `last_year`, `quarter` or `month`; overrides `from` and `to`.
    pub period: Option<String>,
    /// First day (Finnish time); default the first day of this year.
    pub from: Option<NaiveDate>,
    /// Last day (Finnish time); default today.
    pub to: Option<NaiveDate>,
    /// A unit and its sub-units.
    pub unit: Option<i64>,
    pub direction: Option<i64>,
    /// Units serving this municipality.
    pub municipality: Option<i64>,
}

impl DashboardQuery {
    /// The filter, with the period resolved against Finnish today.
    pub fn filter(&self) -> DashboardFilter {
        let (from, to) = period(
            self.period.as_deref().unwrap_or(""),
            self.from,
            self.to,
            crate::clock::today(),
        );
        DashboardFilter {
            from,
            to,
            unit: self.unit,
            direction: self.direction,
            municipality: self.municipality,
        }
    }
}

/// The days of a named period (`year`, `last_year`, `quarter`, `month`) or of the days given,
/// by default this year so far.
pub fn period(named: &str, from: Option<NaiveDate>, to: Option<NaiveDate>, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let year_start = crate::clock::year_start(today);
    match named {
        "last_year" => (
            crate::clock::year_start(year_start - chrono::Duration::days(1)),
            year_start - chrono::Duration::days(1),
        ),
        "quarter" => {
            let month = (today.month0() / 3) * 3 + 1;
            (NaiveDate::from_ymd_opt(today.year(), month, 1).unwrap_or(today), today)
        }
        "month" => (today.with_day(1).unwrap_or(today), today),
        "year" => (year_start, today),
        _ => (from.unwrap_or(year_start), to.unwrap_or(today)),
    }
}

/// What the dashboard shows.
#[derive(Debug, Clone)]
pub struct DashboardFilter {
    /// First day (Finnish time).
    pub from: NaiveDate,
    /// Last day (Finnish time).
    pub to: NaiveDate,
    /// A unit and its sub-units.
    pub unit: Option<i64>,
    pub direction: Option<i64>,
    /// Units serving this municipality.
    pub municipality: Option<i64>,
}

/// Ideas by who wrote them.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ByKind {
    pub employee: i64,
    pub customer: i64,
    pub trustee: i64,
    pub total: i64,
}

/// One step of a funnel, with the share of the step before it. Each step counts a subset of the
/// step before (the same ideas or experiments, further along), so a rate is at most 100 %.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FunnelStep {
    /// Ideas: ideas, selected, in_experiment, implemented. Experiments: submitted, approved,
    /// completed, adopted, spread.
    pub step: String,
    pub count: i64,
    /// This step's count divided by the previous step's (absent for the first, or after zero).
    pub rate: Option<f64>,
}

/// Days from submission to the review decision.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct LeadTime {
    /// How many experiments were decided in the period.
    pub decided: i64,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
}

/// A named group's count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedCount {
    pub id: Option<i64>,
    pub name: String,
    pub count: i64,
}

/// Financial impact of a group, euros.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Impact {
    pub id: Option<i64>,
    pub name: String,
    pub one_off: f64,
    pub yearly: f64,
}

/// One month's new ideas and submitted experiments.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Month {
    /// YYYY-MM.
    pub month: String,
    pub ideas: i64,
    pub experiments: i64,
}

/// One unit's row: the figures of the unit with its sub-units.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub ideas: i64,
    /// The period's ideas selected for an experiment (or further).
    pub selected: i64,
    pub observations: i64,
    /// The unit's people who took part (as in `participants`).
    pub participants: i64,
    /// The unit's active people.
    pub people: i64,
    pub participation_rate: Option<f64>,
    /// The funnel of the experiments submitted in the period: submitted, approved, completed
    /// and adopted.
    pub experiments_submitted: i64,
    pub experiments_approved: i64,
    pub experiments_completed: i64,
    pub adopted: i64,
    /// Median days from submission to decision of the experiments decided in the period.
    pub review_median_days: Option<f64>,
    /// Waiting for review now.
    pub waiting: i64,
    /// Running now.
    pub running: i64,
    pub overdue_reports: i64,
    /// Adoptions of the unit's experiments by other units in the period.
    pub adoptions_elsewhere: i64,
    pub one_off: f64,
    pub yearly: f64,
}

/// Every figure of the dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub ideas: ByKind,
    pub observations: i64,
    pub comments: i64,
    pub supports: i64,
    /// People who wrote an idea, observation or comment, or supported an idea.
    pub participants: i64,
    /// Active people of the units in view (everyone, organisation-wide).
    pub people_in_scope: i64,
    pub participation_rate: Option<f64>,
    /// The ideas written in the period and how far they got.
    pub idea_funnel: Vec<FunnelStep>,
    /// The experiments submitted in the period and how far they got: approved, completed,
    /// adopted, and adopted also by another unit (spread).
    pub experiment_funnel: Vec<FunnelStep>,
    pub review_lead_time: LeadTime,
    /// Submitted experiments waiting for review now.
    pub waiting_for_review: i64,
    /// Of those, how many nobody left may review (none while routing works).
    pub waiting_without_reviewer: i64,
    #[serde(with = "crate::domain::utc::option")]
    pub oldest_waiting_since: Option<NaiveDateTime>,
    pub running: i64,
    /// Running experiments past their end date without a result.
    pub overdue_reports: i64,
    /// Impact of experiments completed in the period, in total.
    pub impact_total: Impact,
    pub impact_by_unit: Vec<Impact>,
    pub impact_by_direction: Vec<Impact>,
    pub top_directions: Vec<NamedCount>,
    pub top_tags: Vec<NamedCount>,
    pub monthly: Vec<Month>,
    /// Adoptions of the experiments in view by other units in the period.
    pub adoptions_elsewhere: i64,
    pub units: Vec<UnitRow>,
}

/// What the figures are about, resolved from the filter and the reader's scope.
struct Selection {
    start: NaiveDateTime,
    end: NaiveDateTime,
    /// None: the whole organisation.
    units: Option<Vec<i64>>,
    direction: Option<i64>,
    /// The units the per-unit table lists.
    rows: Vec<i64>,
}

/// A condition on one table, built up from the filter.
type Pred<T> = Box<dyn BoxableExpression<T, MultiBackend, SqlType = Bool>>;
type IdeaFilter = Pred<ideas::table>;

impl Selection {
    /// Ideas in view written in the period.
    fn new_ideas(&self) -> IdeaFilter {
        let mut f: IdeaFilter = Box::new(
            ideas::hidden
                .eq(false)
                .and(ideas::created_at.ge(self.start))
                .and(ideas::created_at.lt(self.end)),
        );
        if let Some(units) = &self.units {
            f = Box::new(
                f.and(exists(
                    idea_units::table
                        .filter(idea_units::idea_id.eq(ideas::id))
                        .filter((idea_units::unit_id + 0).eq_any(units.clone())),
                )),
            );
        }
        if let Some(d) = self.direction {
            f = Box::new(
                f.and(exists(
                    idea_directions::table
                        .filter(idea_directions::idea_id.eq(ideas::id))
                        .filter(idea_directions::direction_id.eq(d)),
                )),
            );
        }
        f
    }
}

fn day_start(d: NaiveDate) -> NaiveDateTime {
    crate::i18n::finnish_day_start(d)
}

fn select(conn: &mut AnyConnection, scope: &Scope, filter: &DashboardFilter) -> AppResult<Selection> {
    let mut v = Validator::new();
    if filter.to < filter.from {
        v.add("to", "before_start");
    } else if (filter.to - filter.from).num_days() > MAX_DAYS {
        v.add("to", "period_too_long");
    }
    v.finish()?;
    let mut unit_set = scope.unit_ids(conn)?;
    if let Some(u) = filter.unit {
        if units_t::table.find(u).count().get_result::<i64>(conn)? == 0 {
            return Err(AppError::field("unit", "unknown"));
        }
        if !scope.covers(conn, Some(u))? {
            return Err(AppError::Forbidden);
        }
        unit_set = Some(units::subtree(conn, u)?);
    }
    if let Some(m) = filter.municipality {
        let serving: Vec<i64> = unit_municipalities::table
            .filter(unit_municipalities::municipality_id.eq(m))
            .select(unit_municipalities::unit_id)
            .load(conn)?;
        unit_set = Some(match unit_set {
            Some(set) => set.into_iter().filter(|u| serving.contains(u)).collect(),
            None => serving,
        });
    }
    // The table lists the selected unit's children, a unit manager's own units, or the sectors.
    let rows = match (filter.unit, scope) {
        (Some(u), _) => units_t::table
            .filter(units_t::parent_id.eq(u))
            .order(units_t::name)
            .select(units_t::id)
            .load(conn)?,
        (None, Scope::Units(roots)) => roots.clone(),
        (None, Scope::All) => units_t::table
            .filter(units_t::parent_id.is_null())
            .order(units_t::name)
            .select(units_t::id)
            .load(conn)?,
    };
    Ok(Selection {
        start: day_start(filter.from),
        end: day_start(filter.to + chrono::Duration::days(1)),
        units: unit_set,
        direction: filter.direction,
        rows,
    })
}

/// Steps with each one's share of the step before.
fn funnel(counts: &[(&str, i64)]) -> Vec<FunnelStep> {
    counts
        .iter()
        .enumerate()
        .map(|(i, (step, count))| FunnelStep {
            step: step.to_string(),
            count: *count,
            rate: if i == 0 { None } else { rate(*count, counts[i - 1].1) },
        })
        .collect()
}

fn rate(count: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| count as f64 / of as f64)
}

fn euros(cents: Option<i64>) -> f64 {
    cents.unwrap_or(0) as f64 / 100.0
}

/// The value at `q` (0–1) of sorted values, by the nearest rank.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// The figures for the reader's scope (managers, trustees, administrators; others 403).
pub fn figures(ctx: &Context, actor: &Actor, filter: &DashboardFilter) -> AppResult<Dashboard> {
    figures_in(ctx, &Scope::of(actor)?, filter)
}

/// The organisation-wide figures, for the public showcase's year in numbers: counted by the
/// same code as the dashboard, read by nobody in particular.
pub fn organisation_figures(ctx: &Context, filter: &DashboardFilter) -> AppResult<Dashboard> {
    figures_in(ctx, &Scope::All, filter)
}

fn figures_in(ctx: &Context, scope: &Scope, filter: &DashboardFilter) -> AppResult<Dashboard> {
    let mut conn = ctx.db.read()?;
    let conn = &mut conn;
    let s = select(conn, scope, filter)?;
    // The heaviest counts run on a second connection meanwhile (the machine has two cores);
    // with a single read connection they run first instead, so that nothing waits for itself.
    let early = if ctx.settings.database.pool_size < 2 {
        Some(side::figures(conn, &s)?)
    } else {
        None
    };
    std::thread::scope(|scope| {
        let handle = early.is_none().then(|| {
            scope.spawn(|| -> AppResult<side::Side> {
                let started = std::time::Instant::now();
                let mut conn = ctx.db.read()?;
                let side = side::figures(&mut conn, &s);
                tracing::debug!(
                    micros = started.elapsed().as_micros() as u64,
                    "dashboard side connection"
                );
                side
            })
        });
        let started = std::time::Instant::now();
        let people = participation::figures(conn, &s)?;
        let top_directions = participation::top_directions(conn, &s)?;
        let participation_done = started.elapsed();
        let exp = experiment_counts::figures(conn, &s)?;
        let impact_by_direction = experiment_counts::impact_by_direction(conn, &s)?;
        let experiments_done = started.elapsed();
        let monthly = trend::monthly(conn, &s, filter)?;
        tracing::debug!(
            participation = participation_done.as_micros() as u64,
            experiments = experiments_done.as_micros() as u64,
            trend = started.elapsed().as_micros() as u64,
            "dashboard main connection (microseconds since start)"
        );
        let names: HashMap<i64, String> = units_t::table
            .select((units_t::id, units_t::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        let parents = units::parents(conn)?;
        let side = match (early, handle) {
            (Some(side), _) => side,
            (None, Some(handle)) => handle
                .join()
                .map_err(|_| AppError::Internal("the dashboard's second query thread failed".into()))??,
            (None, None) => return Err(AppError::Internal("no dashboard figures".into())),
        };
        let units = unit_rows::rows(&s, &names, &parents, &people, &exp, &side);

        // Sets of people, not rows: bounded by the number of people.
        let participants = people.participants(&side);
        let (submitted, approved, completed, adopted) = (
            total(&exp.submitted),
            total(&exp.approved),
            total(&exp.completed),
            total(&exp.adopted),
        );
        let idea_funnel = funnel(&[
            ("ideas", people.by_kind.total),
            ("selected", people.selected),
            ("in_experiment", people.in_experiment),
            ("implemented", people.implemented),
        ]);
        let experiment_funnel = funnel(&[
            ("submitted", submitted),
            ("approved", approved),
            ("completed", completed),
            ("adopted", adopted),
            ("spread", total(&exp.spread)),
        ]);
        let mut lead: Vec<f64> = exp.lead.iter().map(|(_, days)| *days).collect();
        lead.sort_by(|a, b| a.total_cmp(b));
        let mut impact_by_unit: Vec<Impact> = exp
            .impact
            .iter()
            .map(|(u, o, y)| Impact {
                id: Some(*u),
                name: names.get(u).cloned().unwrap_or_default(),
                one_off: euros(*o),
                yearly: euros(*y),
            })
            .collect();
        impact_by_unit.sort_by(|a, b| (b.one_off + b.yearly).total_cmp(&(a.one_off + a.yearly)));

        Ok(Dashboard {
            from: filter.from,
            to: filter.to,
            observations: people.observations.iter().map(|(_, _, n)| n).sum(),
            comments: side.comment_authors.iter().map(|(_, n)| n).sum(),
            supports: side.supporters.iter().map(|(_, n)| n).sum(),
            participants: participants.len() as i64,
            people_in_scope: people.people_in_scope,
            participation_rate: rate(participants.len() as i64, people.people_in_scope),
            ideas: people.by_kind,
            idea_funnel,
            experiment_funnel,
            review_lead_time: LeadTime {
                decided: lead.len() as i64,
                median_days: quantile(&lead, 0.5),
                p90_days: quantile(&lead, 0.9),
            },
            waiting_for_review: total(&exp.waiting),
            waiting_without_reviewer: exp.waiting_without_reviewer,
            oldest_waiting_since: exp.oldest_waiting_since,
            running: total(&exp.running),
            overdue_reports: total(&exp.overdue),
            impact_total: Impact {
                id: None,
                name: String::new(),
                one_off: exp.impact.iter().map(|(_, o, _)| euros(*o)).sum(),
                yearly: exp.impact.iter().map(|(_, _, y)| euros(*y)).sum(),
            },
            impact_by_unit,
            impact_by_direction,
            top_directions,
            top_tags: side.top_tags,
            monthly,
            adoptions_elsewhere: total(&exp.adoptions_elsewhere),
            units,
        })
    })
}

/// The sum of per-unit counts.
fn total(per_unit: &[(i64, i64)]) -> i64 {
    per_unit.iter().map(|(_, n)| n).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ideas::IdeaStatus;

    #[test]
    fn the_kind_sums_name_the_selected_statuses() {
        for status in [
            IdeaStatus::SelectedForExperiment,
            IdeaStatus::InExperiment,
            IdeaStatus::Implemented,
        ] {
            assert!(participation::KIND_SUMS.contains(&format!("'{}'", status.as_str())));
        }
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.0));
        assert_eq!(
            quantile(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9),
            Some(9.0)
        );
        assert_eq!(quantile(&[], 0.5), None);
    }
}
