//! Experiments (kokeilut): small, customer-oriented trials of ideas, reviewed by key experts,
//! run by an owner and team, and reported so that the whole organisation can learn.

pub mod lifecycle;
pub mod linked_ideas;
pub mod list;
pub mod plan;
pub mod results;
pub mod review;
pub mod routing;

use super::access::Actor;
use super::people::UnitRef;
use crate::db::AnyConnection;
use crate::db::schema::{
    directions, experiment_directions, experiment_ideas, experiment_team, experiments, ideas, indicators, people, units,
};
use crate::error::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::policy::experiments as policy;
pub use super::policy::experiments::{Permissions, Standing};
pub use lifecycle::ExperimentStatus;
pub use plan::{ExperimentInput, IndicatorInput};

/// An experiment as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = experiments)]
pub struct ExperimentRow {
    pub id: i64,
    pub title: String,
    pub status: ExperimentStatus,
    pub owner_id: i64,
    pub unit_id: i64,
    pub hypothesis: String,
    pub what_tried: String,
    pub customer_involvement: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub budget_cents: i64,
    pub touches_personal_data: bool,
    pub needs_consent: bool,
    pub vulnerable_customers: bool,
    pub version: i32,
    pub review_round: i32,
    pub review_unit_id: Option<i64>,
    pub published: bool,
    pub outcome_reason: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub started_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub overdue_reminded_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub lang: String,
    pub public_at: Option<NaiveDateTime>,
    pub public_withdrawn_at: Option<NaiveDateTime>,
}

impl ExperimentRow {
    /// The lifecycle status.
    pub fn status(&self) -> ExperimentStatus {
        self.status
    }

    /// What of its state the policy depends on.
    pub fn state(&self) -> policy::State {
        policy::State {
            status: self.status(),
            published: self.published,
        }
    }
}

/// A person on an experiment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
}

/// A linked idea.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IdeaRef {
    pub id: i64,
    pub title: String,
}

/// One indicator: what is measured, from what baseline to what target, and the actual value.
#[derive(Debug, Clone, Serialize, serde::Deserialize, Queryable, utoipa::ToSchema)]
pub struct Indicator {
    pub id: i64,
    pub name: String,
    pub measure: String,
    pub baseline: f64,
    pub target: f64,
    /// How it is measured.
    pub method: String,
    /// Filled in by the result report.
    pub actual: Option<f64>,
}

/// The actor's standing towards an experiment.
pub fn standing(conn: &mut AnyConnection, actor: &Actor, e: &ExperimentRow) -> AppResult<Standing> {
    policy::standing(conn, actor, e.id, e.owner_id, e.unit_id)
}

/// Loads an experiment the actor may read, with their standing; anything else is 404.
pub fn load_visible(conn: &mut AnyConnection, actor: &Actor, id: i64) -> AppResult<(ExperimentRow, Standing)> {
    let e = experiments::table
        .find(id)
        .select(ExperimentRow::as_select())
        .first(conn)?;
    let s = standing(conn, actor, &e)?;
    if policy::permissions(&s, e.state()).read {
        Ok((e, s))
    } else {
        Err(AppError::NotFound)
    }
}

/// An experiment with everything its page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExperimentView {
    pub id: i64,
    /// The language its plan was written in.
    pub lang: String,
    /// Shown in the public showcase since (absent when not, or taken down).
    #[serde(with = "crate::domain::utc::option")]
    pub public_since: Option<NaiveDateTime>,
    pub title: String,
    pub status: ExperimentStatus,
    pub owner: PersonRef,
    pub team: Vec<PersonRef>,
    pub unit: UnitRef,
    pub hypothesis: String,
    pub what_tried: String,
    pub customer_involvement: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    /// Budget requested, euros.
    pub budget: f64,
    pub touches_personal_data: bool,
    pub needs_consent: bool,
    pub vulnerable_customers: bool,
    pub indicators: Vec<Indicator>,
    pub ideas: Vec<IdeaRef>,
    pub directions: Vec<super::directions::DirectionRef>,
    /// The accepted plan version (0 before approval).
    pub version: i32,
    pub published: bool,
    pub outcome_reason: Option<String>,
    #[serde(with = "crate::domain::utc::option")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::utc::option")]
    pub decided_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::utc::option")]
    pub started_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::utc::option")]
    pub completed_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// Advice that does not stop the plan, such as "longer than six months".
    pub warnings: Vec<String>,
    /// What the caller may do now.
    pub can: Permissions,
    /// What customer panels say of it (staff hear every panel, a member their own).
    pub panels: Vec<super::panels::shares::PanelVoice>,
}

/// What `s` may do to `e` now (the rules are in `policy::experiments`).
pub fn permissions(e: &ExperimentRow, s: &Standing) -> Permissions {
    policy::permissions(s, e.state())
}

/// Six months: longer experiments get a warning (they are meant to be small).
pub const LONG_DAYS: i64 = 183;

/// The plan's warnings.
pub fn warnings(starts_at: NaiveDateTime, ends_at: NaiveDateTime) -> Vec<String> {
    if (ends_at - starts_at).num_days() > LONG_DAYS {
        vec!["long_duration".into()]
    } else {
        Vec::new()
    }
}

fn name_of(conn: &mut AnyConnection, id: i64) -> AppResult<PersonRef> {
    let name = people::table.find(id).select(people::name).first::<String>(conn)?;
    Ok(PersonRef { id, name })
}

/// The team, by name.
pub fn team_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<PersonRef>> {
    Ok(experiment_team::table
        .inner_join(people::table)
        .filter(experiment_team::experiment_id.eq(id))
        .order(people::name)
        .select((people::id, people::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| PersonRef { id, name })
        .collect())
}

/// The indicators, in order.
pub fn indicators_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<Indicator>> {
    Ok(indicators::table
        .filter(indicators::experiment_id.eq(id))
        .order(indicators::position)
        .select((
            indicators::id,
            indicators::name,
            indicators::measure,
            indicators::baseline,
            indicators::target,
            indicators::method,
            indicators::actual,
        ))
        .load(conn)?)
}

/// Builds the full view of a visible experiment.
pub fn view(conn: &mut AnyConnection, actor: &Actor, e: ExperimentRow, s: &Standing) -> AppResult<ExperimentView> {
    let id = e.id;
    let unit_name = units::table.find(e.unit_id).select(units::name).first::<String>(conn)?;
    let ideas = experiment_ideas::table
        .inner_join(ideas::table)
        .filter(experiment_ideas::experiment_id.eq(id))
        .filter(super::policy::ideas::listed(conn, actor)?)
        .order(ideas::id)
        .select((ideas::id, ideas::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, title)| IdeaRef { id, title })
        .collect();
    let directions = experiment_directions::table
        .inner_join(directions::table)
        .filter(experiment_directions::experiment_id.eq(id))
        .order(directions::name)
        .select((directions::id, directions::name, directions::year))
        .load::<(i64, String, i32)>(conn)?
        .into_iter()
        .map(|(id, name, year)| super::directions::DirectionRef { id, name, year })
        // Directions are the staff's agreements: shown only to those who may read them.
        .filter(|_| super::policy::catalog::permissions(actor, super::policy::catalog::Catalog::Direction).read)
        .collect();
    let can = permissions(&e, s);
    Ok(ExperimentView {
        id,
        lang: e.lang.clone(),
        public_since: e.public_at.filter(|_| e.public_withdrawn_at.is_none()),
        title: e.title.clone(),
        status: e.status(),
        owner: name_of(conn, e.owner_id)?,
        team: team_of(conn, id)?,
        unit: UnitRef {
            id: e.unit_id,
            name: unit_name,
        },
        hypothesis: e.hypothesis.clone(),
        what_tried: e.what_tried.clone(),
        customer_involvement: e.customer_involvement.clone(),
        starts_on: e.starts_at.date(),
        ends_on: e.ends_at.date(),
        budget: e.budget_cents as f64 / 100.0,
        touches_personal_data: e.touches_personal_data,
        needs_consent: e.needs_consent,
        vulnerable_customers: e.vulnerable_customers,
        indicators: indicators_of(conn, id)?,
        ideas,
        directions,
        version: e.version,
        published: e.published,
        outcome_reason: e.outcome_reason.clone(),
        submitted_at: e.submitted_at,
        decided_at: e.decided_at,
        started_at: e.started_at,
        completed_at: e.completed_at,
        created_at: e.created_at,
        warnings: warnings(e.starts_at, e.ends_at),
        can,
        panels: super::panels::shares::voices(conn, actor, super::panels::shares::ItemType::Experiment, id)?,
    })
}

/// One experiment as its page shows it.
pub fn get(ctx: &super::Context, actor: &Actor, id: i64) -> AppResult<ExperimentView> {
    let mut conn = ctx.db.read()?;
    let (e, s) = load_visible(&mut conn, actor, id)?;
    view(&mut conn, actor, e, &s)
}

/// The experiments an idea is tried in (those the actor may see).
pub fn of_idea(conn: &mut AnyConnection, actor: &Actor, idea_id: i64) -> AppResult<Vec<list::ExperimentSummary>> {
    let ids: Vec<i64> = experiment_ideas::table
        .filter(experiment_ideas::idea_id.eq(idea_id))
        .select(experiment_ideas::experiment_id)
        .order(experiment_ideas::experiment_id.desc())
        .load(conn)?;
    let mut out = Vec::new();
    for id in ids {
        if let Ok((e, _)) = load_visible(conn, actor, id) {
            out.push(list::summary_of(conn, e)?);
        }
    }
    Ok(out)
}

/// One move in an experiment's life.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ExperimentStatusEntry)]
pub struct StatusEntry {
    pub status: ExperimentStatus,
    /// Absent when the daily check moved it.
    pub actor_name: Option<String>,
    #[serde(with = "crate::domain::utc")]
    pub at: NaiveDateTime,
}

/// Its creation and every status change, oldest first (who and when).
pub fn history_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<StatusEntry>> {
    Ok(super::events::lifecycle_of(conn, "experiment", id)?
        .into_iter()
        .map(|e| StatusEntry {
            status: e.details["to"]
                .as_str()
                .and_then(ExperimentStatus::parse)
                .unwrap_or(ExperimentStatus::Draft),
            actor_name: e.actor_name,
            at: e.at,
        })
        .collect())
}

/// Everything an experiment's page shows, read on one connection.
pub struct ExperimentPage {
    pub experiment: ExperimentView,
    pub history: Vec<StatusEntry>,
    pub reviews: Vec<review::Review>,
    pub log: Vec<results::LogEntry>,
    pub report: Option<results::Report>,
    pub adoptions: Vec<results::Adoption>,
    /// A proposed plan version waits for a key expert.
    pub version_pending: bool,
    /// Whether the reader follows it.
    pub following: bool,
}

/// The experiment's page.
pub fn page(ctx: &super::Context, actor: &Actor, id: i64) -> AppResult<ExperimentPage> {
    use crate::db::schema::experiment_versions;
    let mut conn = ctx.db.read()?;
    let (e, s) = load_visible(&mut conn, actor, id)?;
    let experiment = view(&mut conn, actor, e, &s)?;
    let version_pending = experiment_versions::table
        .filter(experiment_versions::experiment_id.eq(id))
        .filter(experiment_versions::state.eq(plan::VersionState::Proposed.as_str()))
        .count()
        .get_result::<i64>(&mut conn)?
        > 0;
    // Reviews, the diary and who moved it are the staff's working notes.
    let staff = experiment.can.read_working_notes;
    let mut history = history_of(&mut conn, id)?;
    if !staff {
        history.iter_mut().for_each(|h| h.actor_name = None);
    }
    Ok(ExperimentPage {
        experiment,
        history,
        reviews: if staff {
            review::reviews_of(&mut conn, id)?
        } else {
            Vec::new()
        },
        log: if staff {
            results::log_of(&mut conn, id)?
        } else {
            Vec::new()
        },
        report: results::report_of(&mut conn, id)?,
        adoptions: results::adoptions_of(&mut conn, id)?,
        version_pending,
        following: super::follows::is_following(&mut conn, super::follows::ObjectType::Experiment, id, actor.id)?,
    })
}
