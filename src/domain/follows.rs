//! Following anything that has a page. Authors, supporters and commenters follow automatically;
//! anyone who may read a page follows it by choice, and anyone may stop (which is remembered, so
//! taking part again does not make them follow against their choice).

use super::Context;
use super::access::Actor;
use super::policy::catalog::{self, Catalog};
use crate::db::AnyConnection;
use crate::db::schema::{campaigns, directions, follows};
use crate::error::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// What can be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectType {
    Idea,
    Experiment,
    Campaign,
    Direction,
    /// Something shared with a customer panel (its comments).
    Share,
}

impl ObjectType {
    /// The stored value, and the word in paths.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Idea => "idea",
            ObjectType::Experiment => "experiment",
            ObjectType::Campaign => "campaign",
            ObjectType::Direction => "direction",
            ObjectType::Share => "share",
        }
    }

    /// The type named in a path; None for anything else.
    pub fn parse(text: &str) -> Option<ObjectType> {
        [
            ObjectType::Idea,
            ObjectType::Experiment,
            ObjectType::Campaign,
            ObjectType::Direction,
            ObjectType::Share,
        ]
        .into_iter()
        .find(|t| t.as_str() == text)
    }
}

/// Why someone follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// They wrote or own it.
    Own,
    Supporter,
    Commenter,
    /// They chose to.
    Chosen,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Own => "own",
            Reason::Supporter => "supporter",
            Reason::Commenter => "commenter",
            Reason::Chosen => "chosen",
        }
    }
}

/// Makes `person` follow because they took part, unless they follow already or stopped.
pub fn take_part(conn: &mut AnyConnection, kind: ObjectType, id: i64, person: i64, reason: Reason) -> AppResult<()> {
    let known = follows::table
        .find((kind.as_str(), id, person))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !known {
        insert(conn, kind, id, person, true, reason, crate::clock::now())?;
    }
    Ok(())
}

fn insert(
    conn: &mut AnyConnection,
    kind: ObjectType,
    id: i64,
    person: i64,
    following: bool,
    reason: Reason,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(follows::table)
        .values((
            follows::object_type.eq(kind.as_str()),
            follows::object_id.eq(id),
            follows::person_id.eq(person),
            follows::following.eq(following),
            follows::reason.eq(reason.as_str()),
            follows::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Starts or stops following by choice.
pub fn set_in(conn: &mut AnyConnection, kind: ObjectType, id: i64, person: i64, following: bool) -> AppResult<()> {
    let changed = diesel::update(follows::table.find((kind.as_str(), id, person)))
        .set(follows::following.eq(following))
        .execute(conn)?;
    if changed == 0 {
        insert(conn, kind, id, person, following, Reason::Chosen, crate::clock::now())?;
    }
    Ok(())
}

/// Whether `person` follows it now.
pub fn is_following(conn: &mut AnyConnection, kind: ObjectType, id: i64, person: i64) -> AppResult<bool> {
    Ok(follows::table
        .find((kind.as_str(), id, person))
        .filter(follows::following.eq(true))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Moves the followers of one object to another (an idea merged into another); those who
/// follow both, or stopped following the target, keep their row there.
pub fn move_followers(conn: &mut AnyConnection, kind: ObjectType, from: i64, into: i64) -> AppResult<()> {
    let rows: Vec<(i64, bool, String, NaiveDateTime)> = follows::table
        .filter(follows::object_type.eq(kind.as_str()))
        .filter(follows::object_id.eq(from))
        .select((
            follows::person_id,
            follows::following,
            follows::reason,
            follows::created_at,
        ))
        .load(conn)?;
    for (person, following, reason, at) in rows {
        let there = follows::table
            .find((kind.as_str(), into, person))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !there && following {
            let reason = if reason == "own" { Reason::Own } else { Reason::Chosen };
            insert(conn, kind, into, person, true, reason, at)?;
        }
    }
    Ok(())
}

/// Follows or stops following, for someone who may read it (404 otherwise).
pub fn set(ctx: &Context, actor: &Actor, kind: ObjectType, id: i64, following: bool) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        require_readable(conn, actor, kind, id)?;
        set_in(conn, kind, id, actor.id, following)
    })
}

/// The reader may see the page being followed.
fn require_readable(conn: &mut AnyConnection, actor: &Actor, kind: ObjectType, id: i64) -> AppResult<()> {
    match kind {
        ObjectType::Idea => super::policy::ideas::require_read(conn, actor, id).map(|_| ()),
        ObjectType::Experiment => super::experiments::load_visible(conn, actor, id).map(|_| ()),
        ObjectType::Campaign => {
            catalog::require_read(actor, Catalog::Campaign)?;
            exists(campaigns::table.find(id).count().get_result::<i64>(conn)?)
        }
        ObjectType::Direction => {
            catalog::require_read(actor, Catalog::Direction)?;
            exists(directions::table.find(id).count().get_result::<i64>(conn)?)
        }
        ObjectType::Share => super::panels::shares::require_read(conn, actor, id).map(|_| ()),
    }
}

fn exists(count: i64) -> AppResult<()> {
    if count > 0 { Ok(()) } else { Err(AppError::NotFound) }
}

/// One thing the person follows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Follow {
    pub object_type: ObjectType,
    pub object_id: i64,
    /// own, supporter, commenter or chosen.
    pub reason: String,
    #[serde(with = "crate::domain::utc")]
    pub since: NaiveDateTime,
}

/// What the person follows now, newest first.
pub fn mine(ctx: &Context, actor: &Actor) -> AppResult<Vec<Follow>> {
    let mut conn = ctx.db.read()?;
    let rows: Vec<(String, i64, String, NaiveDateTime)> = follows::table
        .filter(follows::person_id.eq(actor.id))
        .filter(follows::following.eq(true))
        .order(follows::created_at.desc())
        .limit(1000)
        .select((
            follows::object_type,
            follows::object_id,
            follows::reason,
            follows::created_at,
        ))
        .load(&mut conn)?;
    rows.into_iter()
        .map(|(t, object_id, reason, since)| {
            let object_type = ObjectType::parse(&t).ok_or_else(|| AppError::Internal(format!("follow of {t}")))?;
            Ok(Follow {
                object_type,
                object_id,
                reason,
                since,
            })
        })
        .collect()
}

/// Whether the actor follows it now (false for anything they may not read).
pub fn following(ctx: &Context, actor: &Actor, kind: ObjectType, id: i64) -> AppResult<bool> {
    let mut conn = ctx.db.read()?;
    is_following(&mut conn, kind, id, actor.id)
}

/// Follows or stops following, and returns the page it is read on.
pub fn set_and_locate(ctx: &Context, actor: &Actor, kind: ObjectType, id: i64, following: bool) -> AppResult<String> {
    set(ctx, actor, kind, id, following)?;
    Ok(match kind {
        ObjectType::Share => super::panels::shares::location(ctx, actor, id)?,
        ObjectType::Direction => format!("/directions/{id}"),
        _ => super::notifications::path_of(kind.as_str(), id),
    })
}
