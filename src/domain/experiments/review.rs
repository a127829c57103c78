//! Key-expert review: decisions with comments, the unit's required approvals, and the queue.

use super::lifecycle::{ExperimentStatus, load_for, members, set_status};
use super::load_visible;
use crate::db::AnyConnection;
use crate::db::schema::{experiment_reviewers, experiment_team, experiments, people, reviews, units};
use crate::domain::access::{Actor, RoleKind};
use crate::domain::ideas::IdeaStatus;
use crate::domain::notifications::{self, Kind};
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// A reviewer's decision.
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
#[schema(as = ReviewDecision)]
pub enum Decision {
    Approve,
    RequestChanges,
    Reject,
}

crate::stored_as_text!(Decision {
    Approve => "approve",
    RequestChanges => "request_changes",
    Reject => "reject",
});

/// A review as written.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub decision: Decision,
    /// Always required.
    pub comment: String,
}

/// A review as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Review {
    pub round: i32,
    pub reviewer: String,
    pub decision: Decision,
    pub comment: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// Every review of the experiment, oldest first (staff only).
pub fn list(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Vec<Review>> {
    let mut conn = ctx.db.read()?;
    let (e, s) = load_visible(&mut conn, actor, id)?;
    if !super::permissions(&e, &s).read_working_notes {
        return Err(AppError::Forbidden);
    }
    reviews_of(&mut conn, id)
}

/// The reviews of an experiment already checked visible.
pub fn reviews_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<Review>> {
    Ok(reviews::table
        .inner_join(people::table)
        .filter(reviews::experiment_id.eq(id))
        .order(reviews::id)
        .select((
            reviews::round,
            people::name,
            reviews::decision,
            reviews::comment,
            reviews::created_at,
        ))
        .load::<(i32, String, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .filter_map(|(round, reviewer, decision, comment, created_at)| {
            Some(Review {
                round,
                reviewer,
                decision: Decision::parse(&decision)?,
                comment,
                created_at,
            })
        })
        .collect())
}

/// A key expert of the unit or its ancestors, not on the team, decides. The unit's required
/// number of approvals approves; one rejection rejects; a request for changes returns it.
pub fn decide(ctx: &Context, actor: &Actor, id: i64, input: &ReviewInput) -> AppResult<ExperimentStatus> {
    ctx.db.transaction(|conn| {
        let e = load_for(conn, actor, id, Some(ExperimentStatus::Approved), |p| p.review)?;
        let mut v = Validator::new();
        let comment = v.text("comment", &input.comment, 1, 5_000);
        v.finish()?;
        let already = reviews::table
            .filter(reviews::experiment_id.eq(id))
            .filter(reviews::round.eq(e.review_round))
            .filter(reviews::reviewer_id.eq(actor.id))
            .count()
            .get_result::<i64>(conn)?;
        if already > 0 {
            return Err(AppError::conflict("already_reviewed", ""));
        }
        let now = crate::clock::now();
        diesel::insert_into(reviews::table)
            .values((
                reviews::experiment_id.eq(id),
                reviews::round.eq(e.review_round),
                reviews::reviewer_id.eq(actor.id),
                reviews::decision.eq(input.decision.as_str()),
                reviews::comment.eq(&comment),
                reviews::created_at.eq(now),
            ))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "reviewed",
            "experiment",
            id,
            serde_json::json!({ "decision": input.decision.as_str(), "comment": comment }),
        )?;
        let to = match input.decision {
            Decision::Reject => Some(ExperimentStatus::Rejected),
            Decision::RequestChanges => Some(ExperimentStatus::ChangesRequested),
            Decision::Approve => {
                let approvals = reviews::table
                    .filter(reviews::experiment_id.eq(id))
                    .filter(reviews::round.eq(e.review_round))
                    .filter(reviews::decision.eq(Decision::Approve.as_str()))
                    .count()
                    .get_result::<i64>(conn)?;
                let required = units::table
                    .find(e.unit_id)
                    .select(units::required_approvals)
                    .first::<i32>(conn)?;
                (approvals >= i64::from(required.max(1))).then_some(ExperimentStatus::Approved)
            }
        };
        let Some(to) = to else {
            return Ok(ExperimentStatus::Submitted);
        };
        diesel::update(experiments::table.find(id))
            .set(experiments::decided_at.eq(now))
            .execute(conn)?;
        set_status(conn, Some(actor.id), &e, to, serde_json::json!({ "comment": comment }))?;
        if to == ExperimentStatus::Approved {
            super::plan::freeze(conn, &e, actor.id)?;
            super::linked_ideas::follow_experiment(
                conn,
                ctx,
                actor.id,
                id,
                &[
                    IdeaStatus::New,
                    IdeaStatus::InDiscussion,
                    IdeaStatus::SelectedForExperiment,
                ],
                IdeaStatus::InExperiment,
                None,
            )?;
        }
        let members = members(conn, &e)?;
        notifications::notify(conn, ctx, &members, Kind::Decided, id, &e.title)?;
        Ok(to)
    })
}

/// One experiment waiting in a review queue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub id: i64,
    pub title: String,
    pub unit_name: String,
    pub owner_name: String,
    #[serde(with = "crate::domain::utc")]
    pub submitted_at: NaiveDateTime,
    pub days_waiting: i64,
}

/// What waits for the key expert's review, oldest first: experiments routed to them, or to a unit
/// they are key expert of (organisation-wide key experts: those routed to nobody nearer), minus
/// their own. Administrators see what was routed to them when no key expert was free.
pub fn queue(ctx: &Context, actor: &Actor) -> AppResult<Vec<QueueItem>> {
    let scopes: Vec<Option<i64>> = actor
        .roles
        .iter()
        .filter(|r| r.role == RoleKind::KeyExpert)
        .map(|r| r.unit_id)
        .collect();
    if !crate::domain::policy::capabilities(actor).review {
        return Err(AppError::Forbidden);
    }
    let mut conn = ctx.db.read()?;
    let routed: Vec<i64> = experiment_reviewers::table
        .filter(experiment_reviewers::person_id.eq(actor.id))
        .select(experiment_reviewers::experiment_id)
        .load(&mut conn)?;
    let units_in: Vec<i64> = scopes.iter().flatten().copied().collect();
    let mut q = experiments::table
        .inner_join(people::table)
        .inner_join(units::table)
        .filter(experiments::status.eq(ExperimentStatus::Submitted.as_str()))
        .filter(experiments::owner_id.ne(actor.id))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            experiment_team::table
                .filter(experiment_team::experiment_id.eq(experiments::id))
                .filter(experiment_team::person_id.eq(actor.id)),
        )))
        .order(experiments::submitted_at.asc())
        .select((
            experiments::id,
            experiments::title,
            units::name,
            people::name,
            experiments::submitted_at,
        ))
        .into_boxed();
    let routed_here = experiments::id.eq_any(routed);
    q = if scopes.contains(&None) {
        q.filter(
            routed_here.or(experiments::review_unit_id
                .is_null()
                .or(experiments::review_unit_id.eq_any(units_in))),
        )
    } else {
        q.filter(routed_here.or(experiments::review_unit_id.eq_any(units_in)))
    };
    let now = crate::clock::now();
    Ok(q.limit(500)
        .load::<(i64, String, String, String, Option<NaiveDateTime>)>(&mut conn)?
        .into_iter()
        .map(|(id, title, unit_name, owner_name, submitted)| {
            let submitted_at = submitted.unwrap_or(now);
            QueueItem {
                id,
                title,
                unit_name,
                owner_name,
                submitted_at,
                days_waiting: (now - submitted_at).num_days(),
            }
        })
        .collect())
}

/// Whether the person is a key expert anywhere (has a review queue).
pub fn has_queue(actor: &Actor) -> bool {
    crate::domain::policy::capabilities(actor).review
}
