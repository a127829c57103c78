//! An idea's lifecycle: new → in discussion → selected for experiment → in experiment →
//! implemented | not pursued (reason required) | merged into another idea.

use super::load_readable;
use crate::db::AnyConnection;
use crate::db::schema::{idea_supports, ideas};
use crate::domain::access::Actor;
use crate::domain::follows::ObjectType;
use crate::domain::notifications::{Kind, notify_followers};
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// Where an idea stands.
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
pub enum IdeaStatus {
    New,
    InDiscussion,
    SelectedForExperiment,
    InExperiment,
    Implemented,
    NotPursued,
    Merged,
}

crate::stored_as_text!(IdeaStatus {
    New => "new",
    InDiscussion => "in_discussion",
    SelectedForExperiment => "selected_for_experiment",
    InExperiment => "in_experiment",
    Implemented => "implemented",
    NotPursued => "not_pursued",
    Merged => "merged",
});

impl IdeaStatus {
    /// The statuses an idea may move to from this one.
    pub fn next(self) -> &'static [IdeaStatus] {
        use IdeaStatus::*;
        match self {
            New => &[InDiscussion, NotPursued, Merged],
            InDiscussion => &[SelectedForExperiment, NotPursued, Merged],
            SelectedForExperiment => &[InExperiment, InDiscussion, NotPursued, Merged],
            InExperiment => &[Implemented, NotPursued],
            NotPursued => &[InDiscussion],
            Implemented | Merged => &[],
        }
    }
}

/// A requested move.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: IdeaStatus,
    /// Required for not_pursued.
    #[serde(default)]
    pub reason: Option<String>,
    /// Required for merged: the idea that absorbs this one.
    #[serde(default)]
    pub merged_into_id: Option<i64>,
}

/// Moves an idea; an illegal move is a conflict naming the possible ones.
pub fn change_status(ctx: &Context, actor: &Actor, id: i64, change: &StatusChange) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let (idea, can) = load_readable(conn, actor, id)?;
        if !can.move_status {
            return Err(AppError::Forbidden);
        }
        let current = idea.status;
        if !current.next().contains(&change.status) {
            let allowed: Vec<&str> = current.next().iter().map(|s| s.as_str()).collect();
            return Err(AppError::conflict("illegal_transition", allowed.join(",")));
        }
        let mut v = Validator::new();
        let reason = change
            .reason
            .as_deref()
            .map(|r| v.text("reason", r, 0, 2000))
            .filter(|r| !r.is_empty());
        if change.status == IdeaStatus::NotPursued && reason.is_none() {
            v.add("reason", "required");
        }
        let target = if change.status == IdeaStatus::Merged {
            match change.merged_into_id {
                None => {
                    v.add("merged_into_id", "required");
                    None
                }
                Some(t) if t == id => {
                    v.add("merged_into_id", "invalid_value");
                    None
                }
                Some(t) => match load_readable(conn, actor, t) {
                    // Merged into what everyone who reads this one can find.
                    Ok((target, _)) if target.status != IdeaStatus::Merged && !target.hidden => Some(target),
                    _ => {
                        v.add("merged_into_id", "unknown");
                        None
                    }
                },
            }
        } else {
            None
        };
        v.finish()?;
        diesel::update(ideas::table.find(id))
            .set((
                ideas::status.eq(change.status.as_str()),
                ideas::status_reason.eq(&reason),
                ideas::merged_into_id.eq(target.as_ref().map(|t| t.id)),
                ideas::updated_at.eq(crate::clock::now()),
                ideas::last_activity_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        // Followers hear before they move with a merge, about the idea they followed.
        let kind = if target.is_some() {
            Kind::IdeaMerged
        } else {
            Kind::IdeaStatusChanged
        };
        notify_followers(conn, ctx, ObjectType::Idea, id, kind, &idea.title, Some(actor.id))?;
        if let Some(target) = &target {
            merge_engagement(conn, id, target.id)?;
        }
        events::record(
            conn,
            Some(actor.id),
            "status_changed",
            "idea",
            id,
            serde_json::json!({
                "from": current.as_str(), "to": change.status.as_str(), "reason": reason,
                "merged_into_id": target.as_ref().map(|t| t.id),
            }),
        )
    })
}

/// Publishes an idea to everyone signed in, customers included, or withdraws the publication;
/// the same people who move an idea decide. Unchanged state is not an event.
pub fn set_published(ctx: &Context, actor: &Actor, id: i64, published: bool) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let (idea, can) = load_readable(conn, actor, id)?;
        if !can.publish {
            return Err(AppError::Forbidden);
        }
        if idea.published == published {
            return Ok(());
        }
        diesel::update(ideas::table.find(id))
            .set((
                ideas::published.eq(published),
                ideas::updated_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        let verb = if published { "published" } else { "unpublished" };
        events::record(conn, Some(actor.id), verb, "idea", id, serde_json::json!({}))?;
        if published {
            notify_followers(
                conn,
                ctx,
                ObjectType::Idea,
                id,
                Kind::IdeaPublished,
                &idea.title,
                Some(actor.id),
            )?;
        }
        Ok(())
    })
}

/// Moves supports and followers of a merged idea to the idea that absorbed it.
fn merge_engagement(conn: &mut AnyConnection, from: i64, into: i64) -> AppResult<()> {
    let supporters: Vec<(i64, chrono::NaiveDateTime)> = idea_supports::table
        .filter(idea_supports::idea_id.eq(from))
        .select((idea_supports::person_id, idea_supports::created_at))
        .load(conn)?;
    for (person, at) in supporters {
        let exists = idea_supports::table
            .find((into, person))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
            diesel::insert_into(idea_supports::table)
                .values((
                    idea_supports::idea_id.eq(into),
                    idea_supports::person_id.eq(person),
                    idea_supports::created_at.eq(at),
                ))
                .execute(conn)?;
        }
    }
    crate::domain::follows::move_followers(conn, crate::domain::follows::ObjectType::Idea, from, into)?;
    diesel::delete(idea_supports::table.filter(idea_supports::idea_id.eq(from))).execute(conn)?;
    for idea in [from, into] {
        let n = idea_supports::table
            .filter(idea_supports::idea_id.eq(idea))
            .count()
            .get_result::<i64>(conn)?;
        diesel::update(ideas::table.find(idea))
            .set(ideas::support_count.eq(n as i32))
            .execute(conn)?;
    }
    Ok(())
}
