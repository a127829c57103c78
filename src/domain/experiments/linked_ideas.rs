//! The ideas an experiment tries follow it: approved, they are "in experiment"; adopted,
//! "implemented"; not adopted, back "in discussion". Each move is in the idea's history and
//! told to its followers (supporters follow automatically).

use crate::db::AnyConnection;
use crate::db::schema::{experiment_ideas, ideas};
use crate::domain::follows::ObjectType;
use crate::domain::ideas::IdeaStatus;
use crate::domain::notifications::{Kind, notify_followers};
use crate::domain::{Context, events};
use crate::error::AppResult;
use diesel::prelude::*;

/// Moves the experiment's ideas that are in one of `from` to `to`, with `reason`.
pub fn follow_experiment(
    conn: &mut AnyConnection,
    ctx: &Context,
    actor_id: i64,
    experiment_id: i64,
    from: &[IdeaStatus],
    to: IdeaStatus,
    reason: Option<&str>,
) -> AppResult<()> {
    let linked: Vec<(i64, String, String)> = experiment_ideas::table
        .inner_join(ideas::table)
        .filter(experiment_ideas::experiment_id.eq(experiment_id))
        .filter(ideas::status.eq_any(from.iter().map(|s| s.as_str())))
        .select((ideas::id, ideas::status, ideas::title))
        .load(conn)?;
    let now = crate::clock::now();
    for (idea, was, title) in linked {
        diesel::update(ideas::table.find(idea))
            .set((
                ideas::status.eq(to.as_str()),
                ideas::status_reason.eq(reason),
                ideas::updated_at.eq(now),
                ideas::last_activity_at.eq(now),
            ))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor_id),
            "status_changed",
            "idea",
            idea,
            serde_json::json!({
                "from": was, "to": to.as_str(), "reason": reason, "experiment_id": experiment_id,
            }),
        )?;
        notify_followers(
            conn,
            ctx,
            ObjectType::Idea,
            idea,
            Kind::IdeaStatusChanged,
            &title,
            Some(actor_id),
        )?;
    }
    Ok(())
}
