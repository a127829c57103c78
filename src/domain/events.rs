//! Events: every change to a domain object, written in the same transaction as the change.
//! They are the audit trail now, and the activity feed and notifications later.

use super::access::Actor;
use super::policy::people::{Record, require_read};
use super::{Context, Page, PageRequest};
use crate::db::AnyConnection;
use crate::db::schema::{events, people};
use crate::error::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// Records that `actor` did `verb` to the object.
pub fn record(
    conn: &mut AnyConnection,
    actor_id: Option<i64>,
    verb: &str,
    object_type: &str,
    object_id: i64,
    details: serde_json::Value,
) -> AppResult<()> {
    diesel::insert_into(events::table)
        .values((
            events::actor_id.eq(actor_id),
            events::verb.eq(verb),
            events::object_type.eq(object_type),
            events::object_id.eq(object_id),
            events::details.eq(details.to_string()),
            events::created_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One event as the audit log shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub verb: String,
    pub object_type: String,
    pub object_id: i64,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    /// Only events by this person.
    pub actor_id: Option<i64>,
    /// Only events by people whose name or email contains this text.
    pub actor: Option<String>,
    /// Only events on this kind of object (person, unit, municipality, organisation).
    pub object_type: Option<String>,
    /// Only events on this object id.
    pub object_id: Option<i64>,
    /// From this date (inclusive, YYYY-MM-DD).
    pub from: Option<chrono::NaiveDate>,
    /// To this date (inclusive, YYYY-MM-DD).
    pub to: Option<chrono::NaiveDate>,
    /// Continue before this event id (newest first).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// At most this many people match a name in the audit log's filter.
const MAX_ACTORS_MATCHED: i64 = 1_000;

/// The audit log, newest first; administrators only.
pub fn audit_log(ctx: &Context, actor: &Actor, filter: &EventFilter) -> AppResult<Page<EventView>> {
    require_read(actor, Record::Event, false)?;
    let limit = PageRequest {
        after: None,
        limit: filter.limit,
    }
    .limit();
    let mut q = events::table
        .left_join(people::table)
        .select((
            events::id,
            events::actor_id,
            people::name.nullable(),
            events::verb,
            events::object_type,
            events::object_id,
            events::details,
            events::created_at,
        ))
        .order(events::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(a) = filter.actor_id {
        q = q.filter(events::actor_id.eq(a));
    }
    let mut conn = ctx.db.read()?;
    if let Some(text) = filter.actor.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = super::people::contains_pattern(text);
        // The people first: the log already joins them once for the names.
        let ids: Vec<i64> = people::table
            .filter(
                super::people::lower(people::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(people::email.like(pattern).escape('\\')),
            )
            .select(people::id)
            .limit(MAX_ACTORS_MATCHED)
            .load(&mut conn)?;
        q = q.filter(events::actor_id.eq_any(ids));
    }
    if let Some(t) = filter.object_type.as_deref().filter(|t| !t.is_empty()) {
        q = q.filter(events::object_type.eq(t.to_string()));
    }
    if let Some(o) = filter.object_id {
        q = q.filter(events::object_id.eq(o));
    }
    if let Some(from) = filter.from {
        q = q.filter(events::created_at.ge(from.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        q = q.filter(events::created_at.lt(to.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(b) = filter.before {
        q = q.filter(events::id.lt(b));
    }
    let rows = q
        .load::<(
            i64,
            Option<i64>,
            Option<String>,
            String,
            String,
            i64,
            String,
            NaiveDateTime,
        )>(&mut conn)?
        .into_iter()
        .map(
            |(id, actor_id, actor_name, verb, object_type, object_id, details, created_at)| EventView {
                id,
                actor_id,
                actor_name,
                verb,
                object_type,
                object_id,
                details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                created_at,
            },
        )
        .collect();
    Ok(Page::from_rows(rows, limit, |e| e.id))
}

/// One creation or status change of an object, for its history.
pub struct LifecycleEvent {
    pub verb: String,
    pub details: serde_json::Value,
    pub actor_name: Option<String>,
    pub at: NaiveDateTime,
}

/// An object's creation and status changes, oldest first.
pub fn lifecycle_of(conn: &mut AnyConnection, object_type: &str, id: i64) -> AppResult<Vec<LifecycleEvent>> {
    let rows = events::table
        .left_join(people::table)
        .filter(events::object_type.eq(object_type))
        .filter(events::object_id.eq(id))
        .filter(events::verb.eq_any(["created", "status_changed"]))
        .order(events::id)
        .select((
            events::verb,
            events::details,
            people::name.nullable(),
            events::created_at,
        ))
        .load::<(String, String, Option<String>, NaiveDateTime)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(verb, details, actor_name, at)| LifecycleEvent {
            verb,
            details: serde_json::from_str(&details).unwrap_or_default(),
            actor_name,
            at,
        })
        .collect())
}
