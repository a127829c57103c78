//! The activity feed on a person's home page: what happens to the ideas they follow and the
//! ideas of their units.

use super::Context;
use super::access::{Actor, PersonKind};
use crate::db::schema::{events, follows, idea_units, ideas, people, person_units};
use crate::error::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// One line of the feed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedItem {
    #[serde(with = "crate::domain::utc")]
    pub at: NaiveDateTime,
    pub verb: String,
    pub idea_id: i64,
    pub idea_title: String,
    /// A customer's name is shown to staff only.
    pub actor_name: Option<String>,
}

/// The most recent activity on followed ideas and (for staff) the ideas of the person's units.
pub fn recent(ctx: &Context, actor: &Actor, limit: i64) -> AppResult<Vec<FeedItem>> {
    let mut conn = ctx.db.read()?;
    let followed = follows::table
        .filter(follows::person_id.eq(actor.id))
        .filter(follows::object_type.eq("idea"))
        .filter(follows::following.eq(true))
        .select(follows::object_id);
    let my_units = person_units::table
        .filter(person_units::person_id.eq(actor.id))
        .select(person_units::unit_id);
    let of_units = idea_units::table
        .filter(idea_units::unit_id.eq_any(my_units))
        .select(idea_units::idea_id);
    let mut q = events::table
        .inner_join(ideas::table.on(ideas::id.eq(events::object_id)))
        .left_join(people::table.on(people::id.nullable().eq(events::actor_id)))
        .filter(events::object_type.eq("idea"))
        .filter(events::verb.eq_any(["created", "status_changed", "commented", "supported"]))
        .filter(super::policy::ideas::listed(&mut conn, actor)?)
        .order(events::id.desc())
        .limit(limit)
        .select((
            events::created_at,
            events::verb,
            ideas::id,
            ideas::title,
            people::name.nullable(),
            people::kind.nullable(),
            events::actor_id,
        ))
        .into_boxed();
    if actor.is_staff() {
        q = q.filter(ideas::id.eq_any(followed).or(ideas::id.eq_any(of_units)));
    } else {
        q = q.filter(ideas::id.eq_any(followed));
    }
    let rows = q.load::<(
        NaiveDateTime,
        String,
        i64,
        String,
        Option<String>,
        Option<PersonKind>,
        Option<i64>,
    )>(&mut conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, verb, idea_id, idea_title, name, kind, actor_id)| FeedItem {
            at,
            verb,
            idea_id,
            idea_title,
            actor_name: name
                .filter(|_| kind.is_some_and(|k| super::policy::shows_name(actor, k, actor_id == Some(actor.id)))),
        })
        .collect())
}
