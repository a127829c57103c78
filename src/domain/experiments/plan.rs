//! The plan: what the owner writes, its validation, drafting and editing, and the versions
//! that changes to an approved plan become.

use super::lifecycle::{ExperimentStatus, load_for, members};
use super::{ExperimentRow, load_visible, team_of};
use crate::db::AnyConnection;
use crate::db::backend;
use crate::db::schema::{
    directions, experiment_directions, experiment_ideas, experiment_team, experiment_versions, experiments, indicators,
    people, units,
};
use crate::domain::access::Actor;
use crate::domain::follows::{self, ObjectType, Reason};
use crate::domain::notifications::{self, Kind};
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// The largest budget that can be requested, euros.
pub const MAX_BUDGET: f64 = 10_000_000.0;
/// At most this many indicators, team members or links.
pub const MAX_ITEMS: usize = 20;

/// One indicator as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    pub name: String,
    /// The unit of measure, e.g. "minutes per visit".
    pub measure: String,
    pub baseline: f64,
    pub target: f64,
    /// How it is measured.
    #[serde(default)]
    pub method: String,
}

/// The plan as its owner writes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentInput {
    pub title: String,
    pub unit_id: i64,
    /// "We believe that … will lead to …"
    pub hypothesis: String,
    /// What will be tried.
    pub what_tried: String,
    /// How customers take part.
    #[serde(default)]
    pub customer_involvement: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Budget requested, euros.
    #[serde(default)]
    pub budget: f64,
    #[serde(default)]
    pub team_ids: Vec<i64>,
    #[serde(default)]
    pub idea_ids: Vec<i64>,
    #[serde(default)]
    pub direction_ids: Vec<i64>,
    #[serde(default)]
    pub touches_personal_data: bool,
    #[serde(default)]
    pub needs_consent: bool,
    #[serde(default)]
    pub vulnerable_customers: bool,
    #[serde(default)]
    pub indicators: Vec<IndicatorInput>,
}

/// The plan's texts after validation.
struct Checked {
    title: String,
    hypothesis: String,
    what_tried: String,
    customer_involvement: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    budget_cents: i64,
}

/// Checks every field, naming each problem; linked ideas must be ones the actor sees.
fn validate(conn: &mut AnyConnection, actor: &Actor, input: &ExperimentInput) -> AppResult<Checked> {
    // In the form's order, so that the error summary reads top to bottom.
    let mut v = Validator::new();
    let title = v.text("title", &input.title, 5, 140);
    let active_unit = units::table
        .find(input.unit_id)
        .filter(units::active.eq(true))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !active_unit {
        v.add("unit_id", if input.unit_id == 0 { "required" } else { "unknown" });
    }
    let hypothesis = v.text("hypothesis", &input.hypothesis, 10, 5_000);
    let what_tried = v.text("what_tried", &input.what_tried, 10, 10_000);
    let customer_involvement = v.text("customer_involvement", &input.customer_involvement, 0, 5_000);
    if input.ends_on <= input.starts_on {
        v.add("ends_on", "before_start");
    }
    if !input.budget.is_finite() || input.budget < 0.0 || input.budget > MAX_BUDGET {
        v.add("budget", "budget_range");
    }
    for (field, len) in [
        ("team_ids", input.team_ids.len()),
        ("idea_ids", input.idea_ids.len()),
        ("direction_ids", input.direction_ids.len()),
        ("indicators", input.indicators.len()),
    ] {
        if len > MAX_ITEMS {
            v.add(field, "too_many");
        }
    }
    let staff: Vec<i64> = people::table
        .filter(people::id.eq_any(&input.team_ids))
        .filter(people::active.eq(true))
        .filter(people::kind.eq("employee"))
        .select(people::id)
        .load(conn)?;
    if !input.team_ids.iter().all(|p| staff.contains(p)) {
        v.add("team_ids", "unknown");
    }
    let known: Vec<i64> = directions::table
        .filter(directions::id.eq_any(&input.direction_ids))
        .select(directions::id)
        .load(conn)?;
    if !input.direction_ids.iter().all(|d| known.contains(d)) {
        v.add("direction_ids", "unknown");
    }
    if input
        .idea_ids
        .iter()
        .any(|&idea| crate::domain::policy::ideas::require_read(conn, actor, idea).is_err())
    {
        v.add("idea_ids", "unknown");
    }
    for (i, ind) in input.indicators.iter().enumerate() {
        v.text(&format!("indicators.{i}.name"), &ind.name, 1, 200);
        v.text(&format!("indicators.{i}.measure"), &ind.measure, 1, 200);
        v.text(&format!("indicators.{i}.method"), &ind.method, 0, 2_000);
        for (field, value) in [("baseline", ind.baseline), ("target", ind.target)] {
            if !value.is_finite() || value.abs() > 1e12 {
                v.add(&format!("indicators.{i}.{field}"), "not_a_number");
            }
        }
    }
    v.finish()?;
    Ok(Checked {
        title,
        hypothesis,
        what_tried,
        customer_involvement,
        starts_at: input.starts_on.and_hms_opt(0, 0, 0).unwrap_or_default(),
        ends_at: input.ends_on.and_hms_opt(0, 0, 0).unwrap_or_default(),
        budget_cents: (input.budget * 100.0).round() as i64,
    })
}

/// The ids once each, in the order given.
fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}

/// Writes the plan's fields, team, links and indicators (replacing what was there).
fn write_plan(conn: &mut AnyConnection, id: i64, owner: i64, input: &ExperimentInput, c: &Checked) -> AppResult<()> {
    diesel::update(experiments::table.find(id))
        .set((
            experiments::title.eq(&c.title),
            experiments::unit_id.eq(input.unit_id),
            experiments::hypothesis.eq(&c.hypothesis),
            experiments::what_tried.eq(&c.what_tried),
            experiments::customer_involvement.eq(&c.customer_involvement),
            experiments::starts_at.eq(c.starts_at),
            experiments::ends_at.eq(c.ends_at),
            experiments::budget_cents.eq(c.budget_cents),
            experiments::touches_personal_data.eq(input.touches_personal_data),
            experiments::needs_consent.eq(input.needs_consent),
            experiments::vulnerable_customers.eq(input.vulnerable_customers),
            experiments::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    diesel::delete(experiment_team::table.filter(experiment_team::experiment_id.eq(id))).execute(conn)?;
    follows::take_part(conn, ObjectType::Experiment, id, owner, Reason::Own)?;
    for p in distinct(&input.team_ids).into_iter().filter(|p| *p != owner) {
        diesel::insert_into(experiment_team::table)
            .values((experiment_team::experiment_id.eq(id), experiment_team::person_id.eq(p)))
            .execute(conn)?;
        follows::take_part(conn, ObjectType::Experiment, id, p, Reason::Own)?;
    }
    diesel::delete(experiment_ideas::table.filter(experiment_ideas::experiment_id.eq(id))).execute(conn)?;
    for i in distinct(&input.idea_ids) {
        diesel::insert_into(experiment_ideas::table)
            .values((experiment_ideas::experiment_id.eq(id), experiment_ideas::idea_id.eq(i)))
            .execute(conn)?;
    }
    diesel::delete(experiment_directions::table.filter(experiment_directions::experiment_id.eq(id))).execute(conn)?;
    for d in distinct(&input.direction_ids) {
        diesel::insert_into(experiment_directions::table)
            .values((
                experiment_directions::experiment_id.eq(id),
                experiment_directions::direction_id.eq(d),
            ))
            .execute(conn)?;
    }
    // Actual values survive a new plan version where the indicator keeps its name.
    let actuals: Vec<(String, Option<f64>)> = indicators::table
        .filter(indicators::experiment_id.eq(id))
        .select((indicators::name, indicators::actual))
        .load(conn)?;
    diesel::delete(indicators::table.filter(indicators::experiment_id.eq(id))).execute(conn)?;
    for (i, ind) in input.indicators.iter().enumerate() {
        let name = ind.name.trim();
        let actual = actuals.iter().find(|(n, _)| n == name).and_then(|(_, a)| *a);
        diesel::insert_into(indicators::table)
            .values((
                indicators::experiment_id.eq(id),
                indicators::position.eq(i as i32),
                indicators::name.eq(name),
                indicators::measure.eq(ind.measure.trim()),
                indicators::baseline.eq(ind.baseline),
                indicators::target.eq(ind.target),
                indicators::method.eq(ind.method.trim()),
                indicators::actual.eq(actual),
            ))
            .execute(conn)?;
    }
    backend::index_experiment(conn, id)?;
    Ok(())
}

/// Whether the actor may start experiments: employees do (customers and trustees do not).
pub fn may_create(actor: &Actor) -> bool {
    crate::domain::policy::capabilities(actor).start_experiments
}

/// Every problem of a plan at once, writing nothing: a form whose other fields did not parse
/// reports these too, so that the writer fixes everything in one round.
pub fn check(ctx: &Context, actor: &Actor, input: &ExperimentInput) -> AppResult<()> {
    let mut conn = ctx.db.read()?;
    validate(&mut conn, actor, input).map(|_| ())
}

/// Starts a draft (employees). The creator owns it.
pub fn create(ctx: &Context, actor: &Actor, input: &ExperimentInput) -> AppResult<i64> {
    if !may_create(actor) {
        return Err(AppError::Forbidden);
    }
    ctx.db.transaction(|conn| create_in(conn, actor, input))
}

/// A withdrawn or rejected experiment's plan as a new draft of the actor's, so that nothing is
/// typed again: texts, unit, indicators, safeguards, team, ideas and directions. Dates already
/// past move to start today, keeping the length.
pub fn copy_as_draft(ctx: &Context, actor: &Actor, id: i64) -> AppResult<i64> {
    if !may_create(actor) {
        return Err(AppError::Forbidden);
    }
    ctx.db.transaction(|conn| {
        let e = super::lifecycle::load_for(conn, actor, id, None, |p| p.copy)?;
        let mut input = current_plan(conn, &e)?;
        input.team_ids.retain(|p| *p != actor.id);
        if e.owner_id != actor.id && !input.team_ids.contains(&e.owner_id) {
            input.team_ids.push(e.owner_id);
        }
        let today = crate::clock::today();
        if input.starts_on < today {
            let length = input.ends_on - input.starts_on;
            input.starts_on = today;
            input.ends_on = today + length;
        }
        let copy = create_in(conn, actor, &input)?;
        events::record(
            conn,
            Some(actor.id),
            "copied",
            "experiment",
            copy,
            serde_json::json!({ "from": id }),
        )?;
        Ok(copy)
    })
}

fn create_in(conn: &mut AnyConnection, actor: &Actor, input: &ExperimentInput) -> AppResult<i64> {
    let checked = validate(conn, actor, input)?;
    let now = crate::clock::now();
    let id = diesel::insert_into(experiments::table)
        .values((
            experiments::title.eq(&checked.title),
            experiments::owner_id.eq(actor.id),
            experiments::unit_id.eq(input.unit_id),
            experiments::hypothesis.eq(""),
            experiments::what_tried.eq(""),
            experiments::starts_at.eq(checked.starts_at),
            experiments::ends_at.eq(checked.ends_at),
            experiments::created_by.eq(actor.id),
            experiments::lang.eq(actor.locale.code()),
            experiments::created_at.eq(now),
            experiments::updated_at.eq(now),
        ))
        .returning(experiments::id)
        .get_result::<i64>(conn)?;
    write_plan(conn, id, actor.id, input, &checked)?;
    events::record(conn, Some(actor.id), "created", "experiment", id, serde_json::json!({}))?;
    Ok(id)
}

/// Edits a draft or a plan with changes requested (owner and team).
pub fn update(ctx: &Context, actor: &Actor, id: i64, input: &ExperimentInput) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, None, |p| p.edit || p.propose_version)?;
        if !matches!(e.status(), ExperimentStatus::Draft | ExperimentStatus::ChangesRequested) {
            return Err(AppError::conflict("plan_frozen", ""));
        }
        let checked = validate(conn, actor, input)?;
        write_plan(conn, id, e.owner_id, input, &checked)?;
        events::record(conn, Some(actor.id), "updated", "experiment", id, serde_json::json!({}))
    })
}

/// The plan as it stands, as an input (what a version records).
pub fn current_plan(conn: &mut AnyConnection, e: &ExperimentRow) -> AppResult<ExperimentInput> {
    let ideas = experiment_ideas::table
        .filter(experiment_ideas::experiment_id.eq(e.id))
        .select(experiment_ideas::idea_id)
        .load(conn)?;
    let directions = experiment_directions::table
        .filter(experiment_directions::experiment_id.eq(e.id))
        .select(experiment_directions::direction_id)
        .load(conn)?;
    Ok(ExperimentInput {
        title: e.title.clone(),
        unit_id: e.unit_id,
        hypothesis: e.hypothesis.clone(),
        what_tried: e.what_tried.clone(),
        customer_involvement: e.customer_involvement.clone(),
        starts_on: e.starts_at.date(),
        ends_on: e.ends_at.date(),
        budget: e.budget_cents as f64 / 100.0,
        team_ids: team_of(conn, e.id)?.into_iter().map(|p| p.id).collect(),
        idea_ids: ideas,
        direction_ids: directions,
        touches_personal_data: e.touches_personal_data,
        needs_consent: e.needs_consent,
        vulnerable_customers: e.vulnerable_customers,
        indicators: super::indicators_of(conn, e.id)?
            .into_iter()
            .map(|i| IndicatorInput {
                name: i.name,
                measure: i.measure,
                baseline: i.baseline,
                target: i.target,
                method: i.method,
            })
            .collect(),
    })
}

/// Records the approved plan as version 1 (called when an experiment is approved).
pub(super) fn freeze(conn: &mut AnyConnection, e: &ExperimentRow, by: i64) -> AppResult<()> {
    let plan = serde_json::to_string(&current_plan(conn, e)?).map_err(|err| AppError::Internal(err.to_string()))?;
    let now = crate::clock::now();
    let version = e.version + 1;
    diesel::insert_into(experiment_versions::table)
        .values((
            experiment_versions::experiment_id.eq(e.id),
            experiment_versions::version.eq(version),
            experiment_versions::plan.eq(plan),
            experiment_versions::state.eq(VersionState::Accepted.as_str()),
            experiment_versions::proposed_by.eq(Some(e.owner_id)),
            experiment_versions::decided_by.eq(Some(by)),
            experiment_versions::created_at.eq(now),
            experiment_versions::decided_at.eq(Some(now)),
        ))
        .execute(conn)?;
    diesel::update(experiments::table.find(e.id))
        .set(experiments::version.eq(version))
        .execute(conn)?;
    Ok(())
}

/// Where a plan version stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Proposed,
    Accepted,
    Declined,
}

crate::stored_as_text!(VersionState {
    Proposed => "proposed",
    Accepted => "accepted",
    Declined => "declined",
});

/// The fields of a plan that differ between two versions, in the form's order: title, unit_id,
/// hypothesis, what_tried, customer_involvement, period, budget, team_ids, idea_ids,
/// direction_ids, safeguards, indicators.
pub fn changed_fields(before: &ExperimentInput, after: &ExperimentInput) -> Vec<&'static str> {
    let same_indicators = before.indicators.len() == after.indicators.len()
        && before.indicators.iter().zip(&after.indicators).all(|(a, b)| {
            a.name == b.name
                && a.measure == b.measure
                && a.baseline == b.baseline
                && a.target == b.target
                && a.method == b.method
        });
    let sorted = |ids: &[i64]| {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids
    };
    [
        ("title", before.title == after.title),
        ("unit_id", before.unit_id == after.unit_id),
        ("hypothesis", before.hypothesis == after.hypothesis),
        ("what_tried", before.what_tried == after.what_tried),
        (
            "customer_involvement",
            before.customer_involvement == after.customer_involvement,
        ),
        (
            "period",
            before.starts_on == after.starts_on && before.ends_on == after.ends_on,
        ),
        ("budget", before.budget == after.budget),
        ("team_ids", sorted(&before.team_ids) == sorted(&after.team_ids)),
        ("idea_ids", sorted(&before.idea_ids) == sorted(&after.idea_ids)),
        (
            "direction_ids",
            sorted(&before.direction_ids) == sorted(&after.direction_ids),
        ),
        (
            "safeguards",
            (
                before.touches_personal_data,
                before.needs_consent,
                before.vulnerable_customers,
            ) == (
                after.touches_personal_data,
                after.needs_consent,
                after.vulnerable_customers,
            ),
        ),
        ("indicators", same_indicators),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(field, _)| field)
    .collect()
}

/// One version of an approved plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanVersion {
    pub version: i32,
    pub state: VersionState,
    pub plan: ExperimentInput,
    pub proposed_by: Option<String>,
    pub note: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc::option")]
    pub decided_at: Option<NaiveDateTime>,
}

/// Every version of the plan, oldest first.
pub fn versions(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Vec<PlanVersion>> {
    let mut conn = ctx.db.read()?;
    load_visible(&mut conn, actor, id)?;
    let rows = experiment_versions::table
        .left_join(people::table.on(people::id.nullable().eq(experiment_versions::proposed_by)))
        .filter(experiment_versions::experiment_id.eq(id))
        .order(experiment_versions::version)
        .select((
            experiment_versions::version,
            experiment_versions::state,
            experiment_versions::plan,
            people::name.nullable(),
            experiment_versions::note,
            experiment_versions::created_at,
            experiment_versions::decided_at,
        ))
        .load::<(
            i32,
            VersionState,
            String,
            Option<String>,
            String,
            NaiveDateTime,
            Option<NaiveDateTime>,
        )>(&mut conn)?;
    rows.into_iter()
        .map(|(version, state, plan, proposed_by, note, created_at, decided_at)| {
            Ok(PlanVersion {
                version,
                state,
                plan: serde_json::from_str(&plan).map_err(|e| AppError::Internal(e.to_string()))?,
                proposed_by,
                note,
                created_at,
                decided_at,
            })
        })
        .collect()
}

/// The owner or team proposes a change to an approved plan: a new version for a key expert.
pub fn propose_version(ctx: &Context, actor: &Actor, id: i64, input: &ExperimentInput) -> AppResult<i32> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, None, |p| p.propose_version)?;
        validate(conn, actor, input)?;
        let pending = experiment_versions::table
            .filter(experiment_versions::experiment_id.eq(id))
            .filter(experiment_versions::state.eq(VersionState::Proposed.as_str()))
            .count()
            .get_result::<i64>(conn)?;
        if pending > 0 {
            return Err(AppError::conflict("version_pending", ""));
        }
        let last: i32 = experiment_versions::table
            .filter(experiment_versions::experiment_id.eq(id))
            .select(diesel::dsl::max(experiment_versions::version))
            .first::<Option<i32>>(conn)?
            .unwrap_or(0);
        let plan = serde_json::to_string(input).map_err(|err| AppError::Internal(err.to_string()))?;
        diesel::insert_into(experiment_versions::table)
            .values((
                experiment_versions::experiment_id.eq(id),
                experiment_versions::version.eq(last + 1),
                experiment_versions::plan.eq(plan),
                experiment_versions::state.eq(VersionState::Proposed.as_str()),
                experiment_versions::proposed_by.eq(Some(actor.id)),
                experiment_versions::created_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "version_proposed",
            "experiment",
            id,
            serde_json::json!({ "version": last + 1 }),
        )?;
        let members = members(conn, &e)?;
        let experts = super::routing::route(conn, e.unit_id, &members)?
            .map(|r| r.reviewers)
            .unwrap_or_default();
        notifications::notify(conn, ctx, &experts, Kind::VersionWaiting, id, &e.title)?;
        Ok(last + 1)
    })
}

/// A key expert's answer to a proposed version.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionDecision {
    pub accept: bool,
    #[serde(default)]
    pub note: String,
}

/// A key expert (not on the team) accepts a proposed version, which becomes the plan, or declines it.
pub fn decide_version(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    version: i32,
    decision: &VersionDecision,
) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, None, |p| p.decide_version)?;
        let (row_id, state, plan) = experiment_versions::table
            .filter(experiment_versions::experiment_id.eq(id))
            .filter(experiment_versions::version.eq(version))
            .select((
                experiment_versions::id,
                experiment_versions::state,
                experiment_versions::plan,
            ))
            .first::<(i64, VersionState, String)>(conn)?;
        if state != VersionState::Proposed {
            return Err(AppError::conflict("version_decided", ""));
        }
        let mut v = Validator::new();
        let note = v.text("note", &decision.note, 0, 2_000);
        v.finish()?;
        let state = if decision.accept {
            let input: ExperimentInput =
                serde_json::from_str(&plan).map_err(|err| AppError::Internal(err.to_string()))?;
            let checked = validate(conn, actor, &input)?;
            write_plan(conn, id, e.owner_id, &input, &checked)?;
            diesel::update(experiments::table.find(id))
                .set(experiments::version.eq(version))
                .execute(conn)?;
            VersionState::Accepted
        } else {
            VersionState::Declined
        };
        diesel::update(experiment_versions::table.find(row_id))
            .set((
                experiment_versions::state.eq(state.as_str()),
                experiment_versions::decided_by.eq(Some(actor.id)),
                experiment_versions::decided_at.eq(Some(crate::clock::now())),
                experiment_versions::note.eq(&note),
            ))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "version_decided",
            "experiment",
            id,
            serde_json::json!({ "version": version, "state": state.as_str(), "note": note }),
        )?;
        let members = members(conn, &e)?;
        notifications::notify(conn, ctx, &members, Kind::VersionDecided, id, &e.title)
    })
}
