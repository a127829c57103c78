//! An experiment's lifecycle: draft → submitted → approved | changes requested | rejected;
//! approved → running → completed → adopted | not adopted; withdrawn by the owner before it runs.

use super::{ExperimentRow, Permissions, load_visible, permissions};
use crate::db::AnyConnection;
use crate::db::schema::{experiment_team, experiments, indicators, people, result_reports};
use crate::domain::access::Actor;
use crate::domain::follows::{self, ObjectType};
use crate::domain::ideas::IdeaStatus;
use crate::domain::notifications::{self, Kind};
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// Where an experiment stands.
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
pub enum ExperimentStatus {
    Draft,
    Submitted,
    ChangesRequested,
    Approved,
    Rejected,
    Running,
    Completed,
    Adopted,
    NotAdopted,
    Withdrawn,
}

crate::stored_as_text!(ExperimentStatus {
    Draft => "draft",
    Submitted => "submitted",
    ChangesRequested => "changes_requested",
    Approved => "approved",
    Rejected => "rejected",
    Running => "running",
    Completed => "completed",
    Adopted => "adopted",
    NotAdopted => "not_adopted",
    Withdrawn => "withdrawn",
});

impl ExperimentStatus {
    /// The statuses reachable from this one, by whoever may move it.
    pub fn next(self) -> &'static [ExperimentStatus] {
        use ExperimentStatus::*;
        match self {
            Draft => &[Submitted, Withdrawn],
            Submitted => &[Approved, ChangesRequested, Rejected, Withdrawn],
            ChangesRequested => &[Submitted, Withdrawn],
            Approved => &[Running, Withdrawn],
            Running => &[Completed],
            Completed => &[Adopted, NotAdopted],
            Rejected | Adopted | NotAdopted | Withdrawn => &[],
        }
    }

    /// Whether it has a result report (completed, and the outcomes after it).
    pub fn has_result(self) -> bool {
        matches!(
            self,
            ExperimentStatus::Completed | ExperimentStatus::Adopted | ExperimentStatus::NotAdopted
        )
    }

    /// Whether nothing more happens to it.
    pub fn is_closed(self) -> bool {
        self.next().is_empty()
    }
}

/// Refuses a move the lifecycle does not allow, naming the possible ones (409).
pub fn require_move(from: ExperimentStatus, to: ExperimentStatus) -> AppResult<()> {
    if from.next().contains(&to) {
        Ok(())
    } else {
        let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
        Err(AppError::conflict("illegal_experiment_transition", allowed.join(",")))
    }
}

/// Loads an experiment for a change: visible, the move legal, the actor allowed.
/// The legality is checked first so that an illegal move is a 409 for everyone who may see it.
pub(super) fn load_for(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    to: Option<ExperimentStatus>,
    allowed: impl Fn(&Permissions) -> bool,
) -> AppResult<ExperimentRow> {
    let (e, s) = load_visible(conn, actor, id)?;
    if let Some(to) = to {
        require_move(e.status(), to)?;
    }
    if !allowed(&permissions(&e, &s)) {
        return Err(AppError::Forbidden);
    }
    Ok(e)
}

/// Sets the status and records the move with who and when.
pub(super) fn set_status(
    conn: &mut AnyConnection,
    actor_id: Option<i64>,
    e: &ExperimentRow,
    to: ExperimentStatus,
    details: serde_json::Value,
) -> AppResult<()> {
    let now = crate::clock::now();
    diesel::update(experiments::table.find(e.id))
        .set((experiments::status.eq(to.as_str()), experiments::updated_at.eq(now)))
        .execute(conn)?;
    let mut details = details;
    details["from"] = e.status().as_str().into();
    details["to"] = to.as_str().into();
    events::record(conn, actor_id, "status_changed", "experiment", e.id, details)
}

/// The owner and the team.
pub fn members(conn: &mut AnyConnection, e: &ExperimentRow) -> AppResult<Vec<i64>> {
    let mut out = vec![e.owner_id];
    out.extend(
        experiment_team::table
            .filter(experiment_team::experiment_id.eq(e.id))
            .select(experiment_team::person_id)
            .load::<i64>(conn)?,
    );
    Ok(out)
}

/// Submits a draft (or a plan with changes requested) for review; it needs at least one indicator.
pub fn submit(ctx: &Context, actor: &Actor, id: i64) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, Some(ExperimentStatus::Submitted), |p| p.submit)?;
        let count = indicators::table
            .filter(indicators::experiment_id.eq(id))
            .count()
            .get_result::<i64>(conn)?;
        if count == 0 {
            let mut v = Validator::new();
            v.add("indicators", "required");
            v.finish()?;
        }
        let members = members(conn, &e)?;
        // Refused before anything changes when nobody could review it.
        let Some(route) = super::routing::route(conn, e.unit_id, &members)? else {
            return Err(super::routing::no_reviewer(conn, e.unit_id));
        };
        let now = crate::clock::now();
        diesel::update(experiments::table.find(id))
            .set((
                experiments::review_round.eq(experiments::review_round + 1),
                experiments::submitted_at.eq(now),
            ))
            .execute(conn)?;
        super::routing::set_route(conn, id, &route)?;
        set_status(
            conn,
            Some(actor.id),
            &e,
            ExperimentStatus::Submitted,
            serde_json::json!({}),
        )?;
        notifications::notify(conn, ctx, &route.reviewers, Kind::ReviewWaiting, id, &e.title)
    })
}

/// The owner withdraws the experiment before it runs.
pub fn withdraw(ctx: &Context, actor: &Actor, id: i64) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, Some(ExperimentStatus::Withdrawn), |p| p.withdraw)?;
        set_status(
            conn,
            Some(actor.id),
            &e,
            ExperimentStatus::Withdrawn,
            serde_json::json!({}),
        )
    })
}

fn mark_started(conn: &mut AnyConnection, ctx: &Context, actor_id: Option<i64>, e: &ExperimentRow) -> AppResult<()> {
    diesel::update(experiments::table.find(e.id))
        .set(experiments::started_at.eq(crate::clock::now()))
        .execute(conn)?;
    set_status(conn, actor_id, e, ExperimentStatus::Running, serde_json::json!({}))?;
    tell_followers(conn, ctx, e, Kind::ExperimentStarted, actor_id)
}

/// Tells those who follow the experiment, the ideas it tries or the directions it serves.
fn tell_followers(
    conn: &mut AnyConnection,
    ctx: &Context,
    e: &ExperimentRow,
    kind: Kind,
    actor_id: Option<i64>,
) -> AppResult<()> {
    notifications::notify_followers(conn, ctx, ObjectType::Experiment, e.id, kind, &e.title, actor_id)
}

/// The owner starts an approved experiment.
pub fn start(ctx: &Context, actor: &Actor, id: i64) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, Some(ExperimentStatus::Running), |p| p.start)?;
        mark_started(conn, ctx, Some(actor.id), &e)
    })
}

/// The result report fields that are still missing (empty when it is complete).
pub fn missing_report_fields(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<&'static str>> {
    let report = result_reports::table
        .find(id)
        .select((
            result_reports::what_we_did,
            result_reports::what_made_us_dare,
            result_reports::where_we_succeeded,
            result_reports::what_we_would_change,
            result_reports::what_we_learned,
            result_reports::operational_impact,
            result_reports::customer_feedback,
            result_reports::recommend_adoption,
        ))
        .first::<(String, String, String, String, String, String, String, Option<bool>)>(conn)
        .optional()?;
    let Some((did, dare, succeeded, change, learned, operational, feedback, recommend)) = report else {
        return Ok(vec!["report"]);
    };
    let mut missing = Vec::new();
    for (field, value) in [
        ("what_we_did", &did),
        ("what_made_us_dare", &dare),
        ("where_we_succeeded", &succeeded),
        ("what_we_would_change", &change),
        ("what_we_learned", &learned),
        ("operational_impact", &operational),
        ("customer_feedback", &feedback),
    ] {
        if value.trim().is_empty() {
            missing.push(field);
        }
    }
    if recommend.is_none() {
        missing.push("recommend_adoption");
    }
    let without_actual = indicators::table
        .filter(indicators::experiment_id.eq(id))
        .filter(indicators::actual.is_null())
        .count()
        .get_result::<i64>(conn)?;
    if without_actual > 0 {
        missing.push("actuals");
    }
    Ok(missing)
}

/// The owner or team completes a running experiment; the result report must be complete (409
/// naming what is missing otherwise).
pub fn complete(ctx: &Context, actor: &Actor, id: i64) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, Some(ExperimentStatus::Completed), |p| p.complete)?;
        let missing = missing_report_fields(conn, id)?;
        if !missing.is_empty() {
            return Err(AppError::conflict("report_incomplete", missing.join(",")));
        }
        diesel::update(experiments::table.find(id))
            .set(experiments::completed_at.eq(crate::clock::now()))
            .execute(conn)?;
        set_status(
            conn,
            Some(actor.id),
            &e,
            ExperimentStatus::Completed,
            serde_json::json!({}),
        )?;
        tell_followers(conn, ctx, &e, Kind::ExperimentCompleted, Some(actor.id))
    })
}

/// The outcome of a completed experiment.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    /// adopted or not_adopted.
    pub status: ExperimentStatus,
    /// Required when not adopted.
    #[serde(default)]
    pub reason: String,
}

/// A key expert or manager marks a completed experiment adopted into practice or not.
pub fn decide_outcome(ctx: &Context, actor: &Actor, id: i64, input: &OutcomeInput) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, Some(input.status), |p| p.decide_outcome)?;
        let mut v = Validator::new();
        let reason = v.text("reason", &input.reason, 0, 2000);
        if input.status == ExperimentStatus::NotAdopted && reason.is_empty() {
            v.add("reason", "required");
        }
        v.finish()?;
        let reason = Some(reason).filter(|r| !r.is_empty());
        diesel::update(experiments::table.find(id))
            .set(experiments::outcome_reason.eq(&reason))
            .execute(conn)?;
        set_status(
            conn,
            Some(actor.id),
            &e,
            input.status,
            serde_json::json!({ "reason": reason }),
        )?;
        tell_followers(conn, ctx, &e, Kind::ExperimentOutcome, Some(actor.id))?;
        // The ideas it tried: implemented, or back in discussion with the decision's reason.
        let to = match input.status {
            ExperimentStatus::Adopted => IdeaStatus::Implemented,
            _ => IdeaStatus::InDiscussion,
        };
        super::linked_ideas::follow_experiment(
            conn,
            ctx,
            actor.id,
            id,
            &[IdeaStatus::InExperiment],
            to,
            reason.as_deref(),
        )
    })
}

/// A key expert or manager publishes a completed experiment's report, or withdraws it.
pub fn set_published(ctx: &Context, actor: &Actor, id: i64, published: bool) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, None, |p| p.publish)?;
        if e.published == published {
            return Ok(());
        }
        diesel::update(experiments::table.find(id))
            .set(experiments::published.eq(published))
            .execute(conn)?;
        let verb = if published { "published" } else { "unpublished" };
        events::record(conn, Some(actor.id), verb, "experiment", id, serde_json::json!({}))
    })
}

/// Hands the experiment to another employee (the owner, or a manager of its unit).
pub fn transfer(ctx: &Context, actor: &Actor, id: i64, new_owner: i64) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, None, |p| p.transfer)?;
        let kind = people::table
            .find(new_owner)
            .filter(people::active.eq(true))
            .select(people::kind)
            .first::<String>(conn)
            .optional()?;
        if kind.as_deref() != Some("employee") {
            let mut v = Validator::new();
            v.add("owner_id", "unknown");
            v.finish()?;
        }
        diesel::update(experiments::table.find(id))
            .set(experiments::owner_id.eq(new_owner))
            .execute(conn)?;
        // The former owner stays on the team; the new one leaves it (they own it now).
        diesel::delete(experiment_team::table.find((id, new_owner))).execute(conn)?;
        follows::take_part(conn, ObjectType::Experiment, id, new_owner, follows::Reason::Own)?;
        diesel::delete(experiment_team::table.find((id, e.owner_id))).execute(conn)?;
        diesel::insert_into(experiment_team::table)
            .values((
                experiment_team::experiment_id.eq(id),
                experiment_team::person_id.eq(e.owner_id),
            ))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "owner_changed",
            "experiment",
            id,
            serde_json::json!({ "from": e.owner_id, "to": new_owner }),
        )
    })
}

/// What the daily check did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DailyResult {
    pub started: usize,
    pub reminded: usize,
}

/// The daily check: approved experiments whose start date has come start running, and owners
/// of experiments past their end date without a result report are reminded, once.
pub fn daily(ctx: &Context) -> AppResult<DailyResult> {
    let now = crate::clock::now();
    ctx.db.transaction(|conn| {
        let due: Vec<ExperimentRow> = experiments::table
            .filter(experiments::status.eq(ExperimentStatus::Approved.as_str()))
            .filter(experiments::starts_at.le(now))
            .select(ExperimentRow::as_select())
            .load(conn)?;
        let mut started = 0;
        for e in &due {
            // Claimed by a conditional update, so that two instances never start it twice.
            let claimed = diesel::update(
                experiments::table
                    .find(e.id)
                    .filter(experiments::status.eq(ExperimentStatus::Approved.as_str())),
            )
            .set(experiments::status.eq(ExperimentStatus::Running.as_str()))
            .execute(conn)?;
            if claimed == 1 {
                mark_started(conn, ctx, None, e)?;
                started += 1;
            }
        }
        let overdue: Vec<(i64, i64, String)> = experiments::table
            .filter(experiments::status.eq(ExperimentStatus::Running.as_str()))
            .filter(experiments::ends_at.lt(now))
            .filter(experiments::overdue_reminded_at.is_null())
            .filter(diesel::dsl::not(diesel::dsl::exists(
                result_reports::table.filter(result_reports::experiment_id.eq(experiments::id)),
            )))
            .select((experiments::id, experiments::owner_id, experiments::title))
            .load(conn)?;
        let mut reminded = 0;
        for (id, owner, title) in &overdue {
            let claimed = diesel::update(
                experiments::table
                    .find(id)
                    .filter(experiments::overdue_reminded_at.is_null()),
            )
            .set(experiments::overdue_reminded_at.eq(now))
            .execute(conn)?;
            if claimed == 1 {
                notifications::notify(conn, ctx, &[*owner], Kind::ReportOverdue, *id, title)?;
                reminded += 1;
            }
        }
        Ok(DailyResult { started, reminded })
    })
}
