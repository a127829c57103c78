//! Supports, following and comments (one level of replies, editable for 15 minutes).

use super::{load_visible, moderates, touch};
use crate::db::schema::{comments, idea_followers, idea_supports, ideas, people};
use crate::db::{AnyConnection, backend};
use crate::domain::access::{Actor, PersonKind};
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// How long a comment stays editable.
pub const EDIT_WINDOW_MINUTES: i64 = 15;
/// The longest comment.
pub const MAX_COMMENT: usize = 5_000;

fn recount_supports(conn: &mut AnyConnection, id: i64) -> AppResult<i32> {
    let n = idea_supports::table
        .filter(idea_supports::idea_id.eq(id))
        .count()
        .get_result::<i64>(conn)? as i32;
    diesel::update(ideas::table.find(id))
        .set(ideas::support_count.eq(n))
        .execute(conn)?;
    Ok(n)
}

/// Supports an idea (once per person; supporting again changes nothing). Returns the count.
pub fn support(ctx: &Context, actor: &Actor, id: i64) -> AppResult<i32> {
    ctx.db.transaction(|conn| {
        load_visible(conn, actor, id)?;
        let exists = idea_supports::table
            .find((id, actor.id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if exists {
            return Ok(ideas::table.find(id).select(ideas::support_count).first(conn)?);
        }
        diesel::insert_into(idea_supports::table)
            .values((
                idea_supports::idea_id.eq(id),
                idea_supports::person_id.eq(actor.id),
                idea_supports::created_at.eq(crate::db::now()),
            ))
            .execute(conn)?;
        touch(conn, id)?;
        events::record(conn, Some(actor.id), "supported", "idea", id, serde_json::json!({}))?;
        recount_supports(conn, id)
    })
}

/// Withdraws a support. Returns the count.
pub fn withdraw_support(ctx: &Context, actor: &Actor, id: i64) -> AppResult<i32> {
    ctx.db.transaction(|conn| {
        load_visible(conn, actor, id)?;
        let removed = diesel::delete(idea_supports::table.find((id, actor.id))).execute(conn)?;
        if removed > 0 {
            events::record(
                conn,
                Some(actor.id),
                "support_withdrawn",
                "idea",
                id,
                serde_json::json!({}),
            )?;
        }
        recount_supports(conn, id)
    })
}

/// Follows or unfollows an idea.
pub fn set_following(ctx: &Context, actor: &Actor, id: i64, follow: bool) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        load_visible(conn, actor, id)?;
        let exists = idea_followers::table
            .find((id, actor.id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        match (follow, exists) {
            (true, false) => {
                diesel::insert_into(idea_followers::table)
                    .values((
                        idea_followers::idea_id.eq(id),
                        idea_followers::person_id.eq(actor.id),
                        idea_followers::created_at.eq(crate::db::now()),
                    ))
                    .execute(conn)?;
            }
            (false, true) => {
                diesel::delete(idea_followers::table.find((id, actor.id))).execute(conn)?;
            }
            _ => {}
        }
        Ok(())
    })
}

/// A comment as shown; a deleted one keeps its place with an empty body.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// A customer's name is shown to staff only.
    pub author_name: Option<String>,
    pub author_kind: String,
    pub body: String,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    /// Whether the caller may still edit it.
    pub can_edit: bool,
    /// Whether the caller may delete it.
    pub can_delete: bool,
    #[schema(no_recursion)]
    pub replies: Vec<CommentView>,
}

type CommentRow = (
    i64,
    Option<i64>,
    i64,
    String,
    String,
    String,
    bool,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The comments of an idea, threaded, oldest first; hidden ones only for moderators.
pub fn list_comments(ctx: &Context, actor: &Actor, idea_id: i64) -> AppResult<Vec<CommentView>> {
    let mut conn = ctx.db.read()?;
    load_visible(&mut conn, actor, idea_id)?;
    let moderator = moderates(&mut conn, actor, idea_id)?;
    comments_of(&mut conn, actor, idea_id, moderator)
}

/// The comments of an idea already checked visible; `moderator` also sees hidden ones.
pub fn comments_of(
    conn: &mut AnyConnection,
    actor: &Actor,
    idea_id: i64,
    moderator: bool,
) -> AppResult<Vec<CommentView>> {
    let mut q = comments::table
        .inner_join(people::table)
        .filter(comments::idea_id.eq(idea_id))
        .order(comments::id)
        .select((
            comments::id,
            comments::parent_id,
            comments::author_id,
            people::name,
            people::kind,
            comments::body,
            comments::deleted,
            comments::created_at,
            comments::edited_at,
        ))
        .into_boxed();
    if !moderator {
        q = q.filter(comments::hidden.eq(false));
    }
    let rows: Vec<CommentRow> = q.load(conn)?;
    let now = crate::db::now();
    let mut top: Vec<CommentView> = Vec::new();
    let mut replies: Vec<CommentView> = Vec::new();
    for (id, parent_id, author_id, name, kind, body, deleted, created_at, edited_at) in rows {
        let own = author_id == actor.id;
        let show_name = kind != PersonKind::Customer.as_str() || actor.is_staff() || own;
        let view = CommentView {
            id,
            parent_id,
            author_name: show_name.then_some(name),
            author_kind: kind,
            body: if deleted { String::new() } else { body },
            deleted,
            created_at,
            edited_at,
            can_edit: own && !deleted && now - created_at < Duration::minutes(EDIT_WINDOW_MINUTES),
            can_delete: (own || moderator) && !deleted,
            replies: Vec::new(),
        };
        if parent_id.is_some() {
            replies.push(view)
        } else {
            top.push(view)
        }
    }
    for r in replies {
        if let Some(parent) = top.iter_mut().find(|c| Some(c.id) == r.parent_id) {
            parent.replies.push(r);
        }
    }
    Ok(top)
}

/// A new comment or reply.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    pub body: String,
    /// Reply to this top-level comment.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

fn recount_comments(conn: &mut AnyConnection, id: i64) -> AppResult<()> {
    let n = comments::table
        .filter(comments::idea_id.eq(id))
        .filter(comments::deleted.eq(false))
        .filter(comments::hidden.eq(false))
        .count()
        .get_result::<i64>(conn)?;
    diesel::update(ideas::table.find(id))
        .set(ideas::comment_count.eq(n as i32))
        .execute(conn)?;
    Ok(())
}

/// Comments on an idea the actor can see; replies go one level deep.
pub fn add_comment(ctx: &Context, actor: &Actor, idea_id: i64, input: &CommentInput) -> AppResult<i64> {
    let mut v = Validator::new();
    let body = v.text("body", &input.body, 1, MAX_COMMENT);
    ctx.db.transaction(|conn| {
        load_visible(conn, actor, idea_id)?;
        if let Some(parent) = input.parent_id {
            let parent_of_parent = comments::table
                .filter(comments::id.eq(parent))
                .filter(comments::idea_id.eq(idea_id))
                .select(comments::parent_id)
                .first::<Option<i64>>(conn)
                .optional()?;
            match parent_of_parent {
                None => v.add("parent_id", "unknown"),
                Some(Some(_)) => v.add("parent_id", "reply_depth"),
                Some(None) => {}
            }
        }
        std::mem::take(&mut v).finish()?;
        let id = diesel::insert_into(comments::table)
            .values((
                comments::idea_id.eq(idea_id),
                comments::parent_id.eq(input.parent_id),
                comments::author_id.eq(actor.id),
                comments::body.eq(&body),
                comments::created_at.eq(crate::db::now()),
            ))
            .returning(comments::id)
            .get_result::<i64>(conn)?;
        recount_comments(conn, idea_id)?;
        touch(conn, idea_id)?;
        backend::index_idea(conn, idea_id)?;
        events::record(
            conn,
            Some(actor.id),
            "commented",
            "idea",
            idea_id,
            serde_json::json!({ "comment_id": id }),
        )?;
        Ok(id)
    })
}

fn own_comment(conn: &mut AnyConnection, idea_id: i64, comment_id: i64) -> AppResult<(i64, NaiveDateTime, bool)> {
    Ok(comments::table
        .filter(comments::id.eq(comment_id))
        .filter(comments::idea_id.eq(idea_id))
        .filter(comments::hidden.eq(false))
        .select((comments::author_id, comments::created_at, comments::deleted))
        .first(conn)?)
}

/// Edits a comment: its author, within 15 minutes of writing it.
pub fn edit_comment(ctx: &Context, actor: &Actor, idea_id: i64, comment_id: i64, body: &str) -> AppResult<()> {
    let mut v = Validator::new();
    let body = v.text("body", body, 1, MAX_COMMENT);
    v.finish()?;
    ctx.db.transaction(|conn| {
        load_visible(conn, actor, idea_id)?;
        let (author, created_at, deleted) = own_comment(conn, idea_id, comment_id)?;
        if author != actor.id {
            return Err(AppError::Forbidden);
        }
        if deleted || crate::db::now() - created_at >= Duration::minutes(EDIT_WINDOW_MINUTES) {
            return Err(AppError::conflict(
                "edit_window_closed",
                "comments can be edited for 15 minutes",
            ));
        }
        diesel::update(comments::table.find(comment_id))
            .set((comments::body.eq(&body), comments::edited_at.eq(Some(crate::db::now()))))
            .execute(conn)?;
        backend::index_idea(conn, idea_id)?;
        events::record(
            conn,
            Some(actor.id),
            "comment_edited",
            "idea",
            idea_id,
            serde_json::json!({ "comment_id": comment_id }),
        )
    })
}

/// Deletes a comment (its author or a moderator); it leaves "removed" in its place.
pub fn delete_comment(ctx: &Context, actor: &Actor, idea_id: i64, comment_id: i64) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        load_visible(conn, actor, idea_id)?;
        let (author, _, deleted) = own_comment(conn, idea_id, comment_id)?;
        if author != actor.id && !moderates(conn, actor, idea_id)? {
            return Err(AppError::Forbidden);
        }
        if deleted {
            return Ok(());
        }
        diesel::update(comments::table.find(comment_id))
            .set((comments::deleted.eq(true), comments::body.eq("")))
            .execute(conn)?;
        recount_comments(conn, idea_id)?;
        backend::index_idea(conn, idea_id)?;
        events::record(
            conn,
            Some(actor.id),
            "comment_deleted",
            "idea",
            idea_id,
            serde_json::json!({ "comment_id": comment_id }),
        )
    })
}
