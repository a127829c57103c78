//! The management dashboard's figures for a period, a unit subtree, a direction and a
//! municipality: participation, the funnel, review lead times, what waits, impact, trends and
//! spread. Everything is counted in SQL; only small aggregates come back.

use super::access::Actor;
use super::experiments::lifecycle::ExperimentStatus;
use super::scope::Scope;
use super::validate::Validator;
use super::{Context, units};
use crate::db::period::{PartOf, first_column};
use crate::db::schema::{
    adoptions, comments, directions, experiment_directions, experiments, idea_directions, idea_supports, idea_tags,
    idea_units, ideas, observations, people, person_units, result_reports, unit_municipalities, units as units_t,
};
use crate::db::{AnyConnection, MultiBackend};
use crate::error::{AppError, AppResult};
use crate::i18n::from_finnish_time;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, exists};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

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

/// The longest period, in days (ten years).
pub const MAX_DAYS: i64 = 3653;

/// What the dashboard shows.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
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

/// One step of the funnel, with the share of the step before it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FunnelStep {
    /// ideas, selected, submitted, approved, completed or adopted.
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
    pub experiments_submitted: i64,
    pub experiments_completed: i64,
    pub adopted: i64,
    /// Waiting for review now.
    pub waiting: i64,
    /// Running now.
    pub running: i64,
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
    pub funnel: Vec<FunnelStep>,
    pub review_lead_time: LeadTime,
    /// Submitted experiments waiting for review now.
    pub waiting_for_review: i64,
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
type ExperimentFilter = Pred<experiments::table>;

impl Selection {
    /// Ideas of the units and direction in view (any time).
    fn ideas(&self) -> IdeaFilter {
        let mut f: IdeaFilter = Box::new(ideas::hidden.eq(false));
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

    /// Ideas in view written in the period.
    fn new_ideas(&self) -> IdeaFilter {
        Box::new(
            self.ideas()
                .and(ideas::created_at.ge(self.start))
                .and(ideas::created_at.lt(self.end)),
        )
    }

    /// Experiments of the units and direction in view (any time).
    fn experiments(&self) -> ExperimentFilter {
        let mut f: ExperimentFilter = Box::new(experiments::status.ne(ExperimentStatus::Draft.as_str()));
        if let Some(units) = &self.units {
            f = Box::new(f.and(experiments::unit_id.eq_any(units.clone())));
        }
        if let Some(d) = self.direction {
            f = Box::new(
                f.and(exists(
                    experiment_directions::table
                        .filter(experiment_directions::experiment_id.eq(experiments::id))
                        .filter(experiment_directions::direction_id.eq(d)),
                )),
            );
        }
        f
    }
}

fn day_start(d: NaiveDate) -> NaiveDateTime {
    from_finnish_time(d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn select(conn: &mut AnyConnection, actor: &Actor, filter: &DashboardFilter) -> AppResult<Selection> {
    let scope = Scope::of(actor)?;
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
    let rows = match (filter.unit, &scope) {
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
    let mut conn = ctx.db.read()?;
    let conn = &mut conn;
    let s = select(conn, actor, filter)?;
    // The heaviest counts run on a second connection meanwhile (the machine has two cores);
    // with a single read connection they run first instead, so that nothing waits for itself.
    let early = if ctx.settings.database.pool_size < 2 {
        Some(side_figures(conn, &s)?)
    } else {
        None
    };
    std::thread::scope(|scope| {
        let side = early.is_none().then(|| {
            scope.spawn(|| -> AppResult<Side> {
                let mut conn = ctx.db.read()?;
                side_figures(&mut conn, &s)
            })
        });

        // One pass over the period's ideas in the covering index, no grouping: the kinds and the
        // selected step are sums of conditions (constant SQL, nothing from the request).
        let (employee, customer, trustee, selected) = ideas::table
            .filter(s.new_ideas())
            .select(diesel::dsl::sql::<(
                Nullable<BigInt>,
                Nullable<BigInt>,
                Nullable<BigInt>,
                Nullable<BigInt>,
            )>(KIND_SUMS))
            .first::<(Option<i64>, Option<i64>, Option<i64>, Option<i64>)>(conn)?;
        let by_kind = ByKind {
            employee: employee.unwrap_or(0),
            customer: customer.unwrap_or(0),
            trustee: trustee.unwrap_or(0),
            total: employee.unwrap_or(0) + customer.unwrap_or(0) + trustee.unwrap_or(0),
        };
        let selected = selected.unwrap_or(0);
        let idea_authors: Vec<i64> = ideas::table
            .filter(s.new_ideas())
            .select(ideas::author_id)
            .distinct()
            .load(conn)?;

        // Observations per author: the authors take part, their counts add up to the total.
        let mut obs = observations::table
            .filter(observations::created_at.ge(s.start))
            .filter(observations::created_at.lt(s.end))
            .group_by(observations::author_id)
            .select((observations::author_id, count_star()))
            .into_boxed();
        if let Some(units) = &s.units {
            obs = obs.filter(observations::unit_id.eq_any(units.clone()));
        }
        let observations_by_author: Vec<(i64, i64)> = obs.load(conn)?;
        let observations_n = observations_by_author.iter().map(|(_, n)| n).sum();
        let observation_authors = observations_by_author.iter().map(|(a, _)| *a);

        let people_in_scope = match &s.units {
            None => people::table
                .filter(people::active.eq(true))
                .count()
                .get_result::<i64>(conn)?,
            Some(units) => person_units::table
                .inner_join(people::table)
                .filter(people::active.eq(true))
                .filter(person_units::unit_id.eq_any(units.clone()))
                .select(diesel::dsl::count(person_units::person_id).aggregate_distinct())
                .first::<i64>(conn)?,
        };

        // The funnel: the period's ideas and how far they got; the period's experiments likewise.
        let submitted_in = || {
            experiments::table
                .filter(experiments::submitted_at.ge(s.start))
                .filter(experiments::submitted_at.lt(s.end))
        };
        let submitted = submitted_in().filter(s.experiments()).count().get_result::<i64>(conn)?;
        let approved_statuses = [
            ExperimentStatus::Approved,
            ExperimentStatus::Running,
            ExperimentStatus::Completed,
            ExperimentStatus::Adopted,
            ExperimentStatus::NotAdopted,
        ]
        .map(ExperimentStatus::as_str);
        let approved = submitted_in()
            .filter(s.experiments())
            .filter(experiments::status.eq_any(approved_statuses))
            .count()
            .get_result::<i64>(conn)?;
        let completed = submitted_in()
            .filter(s.experiments())
            .filter(experiments::completed_at.is_not_null())
            .count()
            .get_result::<i64>(conn)?;
        let adopted = submitted_in()
            .filter(s.experiments())
            .filter(experiments::status.eq(ExperimentStatus::Adopted.as_str()))
            .count()
            .get_result::<i64>(conn)?;
        let counts = [
            ("ideas", by_kind.total),
            ("selected", selected),
            ("submitted", submitted),
            ("approved", approved),
            ("completed", completed),
            ("adopted", adopted),
        ];
        let funnel = counts
            .iter()
            .enumerate()
            .map(|(i, (step, count))| FunnelStep {
                step: step.to_string(),
                count: *count,
                rate: if i == 0 { None } else { rate(*count, counts[i - 1].1) },
            })
            .collect();

        // Lead times need the values themselves; one pair per decided experiment.
        let mut lead: Vec<f64> = experiments::table
            .filter(s.experiments())
            .filter(experiments::decided_at.ge(s.start))
            .filter(experiments::decided_at.lt(s.end))
            .filter(experiments::submitted_at.is_not_null())
            .select((experiments::submitted_at, experiments::decided_at))
            .load::<(Option<NaiveDateTime>, Option<NaiveDateTime>)>(conn)?
            .into_iter()
            .filter_map(|(a, b)| Some((b? - a?).num_seconds() as f64 / 86_400.0))
            .collect();
        lead.sort_by(|a, b| a.total_cmp(b));
        let review_lead_time = LeadTime {
            decided: lead.len() as i64,
            median_days: quantile(&lead, 0.5),
            p90_days: quantile(&lead, 0.9),
        };

        let (waiting_for_review, oldest_waiting_since) = experiments::table
            .filter(s.experiments())
            .filter(experiments::status.eq(ExperimentStatus::Submitted.as_str()))
            .select((count_star(), diesel::dsl::min(experiments::submitted_at)))
            .first::<(i64, Option<NaiveDateTime>)>(conn)?;
        let running_q = || {
            experiments::table
                .filter(s.experiments())
                .filter(experiments::status.eq(ExperimentStatus::Running.as_str()))
        };
        let running = running_q().count().get_result::<i64>(conn)?;
        let overdue_reports = running_q()
            .filter(experiments::ends_at.lt(crate::db::now()))
            .count()
            .get_result::<i64>(conn)?;

        // Impact of experiments completed in the period.
        let impact_q = experiments::table
            .inner_join(result_reports::table)
            .filter(experiments::completed_at.ge(s.start))
            .filter(experiments::completed_at.lt(s.end))
            .group_by(experiments::unit_id)
            .select((experiments::unit_id, sum_cents(ONE_OFF), sum_cents(YEARLY)))
            .into_boxed();
        let per_unit: Vec<(i64, Option<i64>, Option<i64>)> = experiments_in_view!(impact_q, s).load(conn)?;
        let names: HashMap<i64, String> = units_t::table
            .select((units_t::id, units_t::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        let impact_total = Impact {
            id: None,
            name: String::new(),
            one_off: per_unit.iter().map(|(_, o, _)| euros(*o)).sum(),
            yearly: per_unit.iter().map(|(_, _, y)| euros(*y)).sum(),
        };
        let mut impact_by_unit: Vec<Impact> = per_unit
            .iter()
            .map(|(u, o, y)| Impact {
                id: Some(*u),
                name: names.get(u).cloned().unwrap_or_default(),
                one_off: euros(*o),
                yearly: euros(*y),
            })
            .collect();
        impact_by_unit.sort_by(|a, b| (b.one_off + b.yearly).total_cmp(&(a.one_off + a.yearly)));
        let impact_by_direction = impact_by_direction(conn, &s)?;

        let mut direction_q = idea_directions::table
            .inner_join(directions::table)
            .group_by((directions::id, directions::name))
            .select((directions::id, directions::name, count_star()))
            .order((count_star().desc(), directions::name))
            .limit(10)
            .into_boxed();
        direction_q = about_new_ideas!(direction_q, s, idea_directions::idea_id);
        if let Some(units) = &s.units {
            direction_q = direction_q.filter(exists(
                idea_units::table
                    .filter(idea_units::idea_id.eq(idea_directions::idea_id))
                    .filter((idea_units::unit_id + 0).eq_any(units.clone())),
            ));
        }
        if let Some(d) = s.direction {
            direction_q = direction_q.filter(idea_directions::direction_id.eq(d));
        }
        let top_directions = direction_q
            .load::<(i64, String, i64)>(conn)?
            .into_iter()
            .map(|(id, name, count)| NamedCount {
                id: Some(id),
                name,
                count,
            })
            .collect();

        let monthly = monthly(conn, &s, filter)?;

        let adoption_q = adoptions::table
            .inner_join(experiments::table)
            .filter(adoptions::adopted_on.ge(s.start))
            .filter(adoptions::adopted_on.lt(s.end))
            .filter(adoptions::unit_id.ne(experiments::unit_id))
            .count()
            .into_boxed();
        let adoptions_elsewhere = experiments_in_view!(adoption_q, s).get_result::<i64>(conn)?;

        let side = match (early, side) {
            (Some(side), _) => side,
            (None, Some(handle)) => handle
                .join()
                .map_err(|_| AppError::Internal("the dashboard's second query thread failed".into()))??,
            (None, None) => return Err(AppError::Internal("no dashboard figures".into())),
        };
        let units = unit_rows(conn, &s, &names, &per_unit, &side.ideas_per_unit)?;
        // Sets of people, not rows: bounded by the number of people.
        let participants: HashSet<i64> = idea_authors
            .into_iter()
            .chain(observation_authors)
            .chain(side.comment_authors.iter().map(|(p, _)| *p))
            .chain(side.supporters.iter().map(|(p, _)| *p))
            .collect();

        Ok(Dashboard {
            from: filter.from,
            to: filter.to,
            ideas: by_kind,
            observations: observations_n,
            comments: side.comment_authors.iter().map(|(_, n)| n).sum(),
            supports: side.supporters.iter().map(|(_, n)| n).sum(),
            participants: participants.len() as i64,
            people_in_scope,
            participation_rate: rate(participants.len() as i64, people_in_scope),
            funnel,
            review_lead_time,
            waiting_for_review,
            oldest_waiting_since,
            running,
            overdue_reports,
            impact_total,
            impact_by_unit,
            impact_by_direction,
            top_directions,
            top_tags: side.top_tags,
            monthly,
            adoptions_elsewhere,
            units,
        })
    })
}

/// What the second connection counts.
struct Side {
    comment_authors: Vec<(i64, i64)>,
    supporters: Vec<(i64, i64)>,
    top_tags: Vec<NamedCount>,
    ideas_per_unit: Vec<(i64, i64)>,
}

fn side_figures(conn: &mut AnyConnection, s: &Selection) -> AppResult<Side> {
    let comment_q = comments::table
        .filter(comments::created_at.ge(s.start))
        .filter(comments::created_at.lt(s.end))
        .group_by(comments::author_id)
        .select((comments::author_id, count_star()))
        .into_boxed();
    let comment_authors = about_ideas_in_view!(comment_q, s, comments::idea_id).load(conn)?;
    // From the period's ideas (the covering index) to their tags.
    let tag_q = idea_tags::table
        .inner_join(ideas::table)
        .filter(ideas::created_at.ge(s.start))
        .filter(ideas::created_at.lt(s.end))
        .filter(ideas::hidden.eq(false))
        .group_by(idea_tags::tag)
        .select((idea_tags::tag, count_star()))
        .order((count_star().desc(), idea_tags::tag))
        .limit(10)
        .into_boxed();
    let top_tags = about_ideas_in_view!(tag_q, s, ideas::id)
        .load::<(String, i64)>(conn)?
        .into_iter()
        .map(|(name, count)| NamedCount { id: None, name, count })
        .collect();
    let support_q = idea_supports::table
        .filter(idea_supports::created_at.ge(s.start))
        .filter(idea_supports::created_at.lt(s.end))
        .group_by(idea_supports::person_id)
        .select((idea_supports::person_id, count_star()))
        .into_boxed();
    let supporters = about_ideas_in_view!(support_q, s, idea_supports::idea_id).load(conn)?;
    // From the period's ideas (the covering index) to their units.
    let mut unit_q = idea_units::table
        .inner_join(ideas::table)
        .filter(ideas::created_at.ge(s.start))
        .filter(ideas::created_at.lt(s.end))
        .filter(ideas::hidden.eq(false))
        .group_by(idea_units::unit_id)
        .select((idea_units::unit_id, count_star()))
        .into_boxed();
    if let Some(units) = &s.units {
        unit_q = unit_q.filter((idea_units::unit_id + 0).eq_any(units.clone()));
    }
    if let Some(d) = s.direction {
        unit_q = unit_q.filter(exists(
            idea_directions::table
                .filter(idea_directions::idea_id.eq(ideas::id))
                .filter(idea_directions::direction_id.eq(d)),
        ));
    }
    let ideas_per_unit = unit_q.load(conn)?;
    Ok(Side {
        comment_authors,
        supporters,
        top_tags,
        ideas_per_unit,
    })
}

/// Ideas by author kind and how many reached the selected step, in one pass.
const KIND_SUMS: &str = "CAST(SUM(CASE WHEN ideas.author_kind = 'employee' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN ideas.author_kind = 'customer' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN ideas.author_kind = 'trustee' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN ideas.status IN ('selected_for_experiment', 'in_experiment', 'implemented') \
     THEN 1 ELSE 0 END) AS BIGINT)";

const ONE_OFF: &str = "CAST(SUM(result_reports.one_off_cents) AS BIGINT)";
const YEARLY: &str = "CAST(SUM(result_reports.yearly_cents) AS BIGINT)";

/// A sum of cents as BIGINT on both engines (PostgreSQL's SUM of BIGINT is NUMERIC).
fn sum_cents(
    expr: &'static str,
) -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
    diesel::dsl::sql(expr)
}

fn impact_by_direction(conn: &mut AnyConnection, s: &Selection) -> AppResult<Vec<Impact>> {
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

/// New ideas and submitted experiments per calendar month (Finnish time) of the period, each
/// counted in one grouped query.
fn monthly(conn: &mut AnyConnection, s: &Selection, filter: &DashboardFilter) -> AppResult<Vec<Month>> {
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
    let experiments_per_month: Vec<(i32, i64)> = experiments::table
        .filter(s.experiments())
        .filter(experiments::submitted_at.ge(s.start))
        .filter(experiments::submitted_at.lt(s.end))
        .select((PartOf::new(experiments::submitted_at, ends), count_star()))
        .group_by(first_column())
        .into_boxed()
        .load(conn)?;
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

/// Per-unit figures: counted per unit in SQL, then added up under each listed unit.
fn unit_rows(
    conn: &mut AnyConnection,
    s: &Selection,
    names: &HashMap<i64, String>,
    impact: &[(i64, Option<i64>, Option<i64>)],
    ideas_per_unit: &[(i64, i64)],
) -> AppResult<Vec<UnitRow>> {
    let per_unit = |conn: &mut AnyConnection, step: &str| -> AppResult<Vec<(i64, i64)>> {
        let q = experiments::table
            .group_by(experiments::unit_id)
            .select((experiments::unit_id, count_star()))
            .into_boxed();
        let q = experiments_in_view!(q, s);
        let q = match step {
            "waiting" => q.filter(experiments::status.eq(ExperimentStatus::Submitted.as_str())),
            "running" => q.filter(experiments::status.eq(ExperimentStatus::Running.as_str())),
            "submitted" => q
                .filter(experiments::submitted_at.ge(s.start))
                .filter(experiments::submitted_at.lt(s.end)),
            "completed" => q
                .filter(experiments::completed_at.ge(s.start))
                .filter(experiments::completed_at.lt(s.end)),
            _ => q
                .filter(experiments::completed_at.ge(s.start))
                .filter(experiments::completed_at.lt(s.end))
                .filter(experiments::status.eq(ExperimentStatus::Adopted.as_str())),
        };
        Ok(q.load(conn)?)
    };
    let submitted = per_unit(conn, "submitted")?;
    let completed = per_unit(conn, "completed")?;
    let adopted = per_unit(conn, "adopted")?;
    let waiting = per_unit(conn, "waiting")?;
    let running = per_unit(conn, "running")?;
    let parents = units::parents(conn)?;
    let under = |row: i64, unit: i64| units::lineage_in(&parents, unit).contains(&row);
    let total =
        |pairs: &[(i64, i64)], row: i64| -> i64 { pairs.iter().filter(|(u, _)| under(row, *u)).map(|(_, n)| n).sum() };
    Ok(s.rows
        .iter()
        .map(|row| UnitRow {
            id: *row,
            name: names.get(row).cloned().unwrap_or_default(),
            ideas: total(ideas_per_unit, *row),
            experiments_submitted: total(&submitted, *row),
            experiments_completed: total(&completed, *row),
            adopted: total(&adopted, *row),
            waiting: total(&waiting, *row),
            running: total(&running, *row),
            one_off: impact
                .iter()
                .filter(|(u, _, _)| under(*row, *u))
                .map(|(_, o, _)| euros(*o))
                .sum(),
            yearly: impact
                .iter()
                .filter(|(u, _, _)| under(*row, *u))
                .map(|(_, _, y)| euros(*y))
                .sum(),
        })
        .collect())
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
            assert!(KIND_SUMS.contains(&format!("'{}'", status.as_str())));
        }
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.0));
        assert_eq!(
            quantile(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9),
            Some(9.0)
        );
        assert_eq!(quantile(&[], 0.5), None);
    }
}
