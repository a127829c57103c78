//! Supports, following and comments (one level of replies, editable for 15 minutes).

use super::{load_for, load_readable, touch};
use crate::db::schema::{comments, idea_supports, ideas, people};
use crate::db::{AnyConnection, backend};
use crate::domain::access::{Actor, PersonKind};
use crate::domain::follows::{self, ObjectType, Reason};
use crate::domain::notifications::{Kind, notify_followers};
use crate::domain::policy::comments::{self as policy, Permissions as CommentPermissions};
use crate::domain::policy::ideas::Permissions as IdeaPermissions;
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

pub use policy::EDIT_WINDOW_MINUTES;
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
        let idea = load_for(conn, actor, id, |can| can.support)?;
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
                idea_supports::created_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        touch(conn, id)?;
        events::record(conn, Some(actor.id), "supported", "idea", id, serde_json::json!({}))?;
        notify_followers(
            conn,
            ctx,
            ObjectType::Idea,
            id,
            Kind::IdeaSupported,
            &idea.title,
            Some(actor.id),
        )?;
        follows::take_part(conn, ObjectType::Idea, id, actor.id, Reason::Supporter)?;
        recount_supports(conn, id)
    })
}

/// Withdraws a support. Returns the count.
pub fn withdraw_support(ctx: &Context, actor: &Actor, id: i64) -> AppResult<i32> {
    ctx.db.transaction(|conn| {
        load_for(conn, actor, id, |can| can.support)?;
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

/// Follows or unfollows an idea (the one rule for following anything: `follows::set`).
pub fn set_following(ctx: &Context, actor: &Actor, id: i64, follow: bool) -> AppResult<()> {
    follows::set(ctx, actor, ObjectType::Idea, id, follow)
}

/// A comment as shown; a deleted one keeps its place with an empty body, and a hidden one
/// that the caller may not read keeps its place (empty, nameless) for its replies.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// A customer's name is shown to staff only.
    pub author_name: Option<String>,
    pub author_kind: String,
    pub body: String,
    /// The language it was written in.
    pub lang: String,
    pub deleted: bool,
    /// Hidden by a moderator.
    pub hidden: bool,
    /// Why it was hidden (shown to moderators).
    pub hidden_reason: Option<String>,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc::option")]
    pub edited_at: Option<NaiveDateTime>,
    /// What the caller may do with it now.
    pub can: CommentPermissions,
    #[schema(no_recursion)]
    pub replies: Vec<CommentView>,
}

type CommentRow = (
    i64,
    Option<i64>,
    i64,
    String,
    PersonKind,
    String,
    bool,
    bool,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    String,
);

/// The comments of an idea, threaded, oldest first, as the caller may see them.
pub fn list_comments(ctx: &Context, actor: &Actor, idea_id: i64) -> AppResult<Vec<CommentView>> {
    let mut conn = ctx.db.read()?;
    let (_, can) = load_readable(&mut conn, actor, idea_id)?;
    comments_of(&mut conn, actor, idea_id, &can)
}

/// How many comments with a readable body the threads hold (what the caller's count says).
pub fn count_readable(comments: &[CommentView]) -> i32 {
    comments
        .iter()
        .map(|c| i32::from(c.can.read && !c.deleted) + count_readable(&c.replies))
        .sum()
}

/// The comments of an idea already checked readable, with what `idea` lets the caller do.
pub fn comments_of(
    conn: &mut AnyConnection,
    actor: &Actor,
    idea_id: i64,
    idea: &IdeaPermissions,
) -> AppResult<Vec<CommentView>> {
    let rows: Vec<CommentRow> = comments::table
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
            comments::hidden,
            comments::hidden_reason,
            comments::created_at,
            comments::edited_at,
            comments::lang,
        ))
        .load(conn)?;
    let now = crate::clock::now();
    let mut top: Vec<CommentView> = Vec::new();
    let mut replies: Vec<CommentView> = Vec::new();
    for (id, parent_id, author_id, name, kind, body, deleted, hidden, hidden_reason, created_at, edited_at, lang) in
        rows
    {
        let own = author_id == actor.id;
        let can = policy::on_idea(idea, own, hidden, deleted, created_at, now);
        let view = CommentView {
            id,
            parent_id,
            author_name: (can.read && super::super::policy::shows_name(actor, kind, own)).then_some(name),
            author_kind: if can.read {
                kind.as_str().to_string()
            } else {
                String::new()
            },
            body: if deleted || !can.read { String::new() } else { body },
            lang,
            deleted,
            hidden,
            hidden_reason: hidden_reason.filter(|_| idea.moderate),
            created_at,
            edited_at,
            can,
            replies: Vec::new(),
        };
        if parent_id.is_some() {
            replies.push(view)
        } else {
            top.push(view)
        }
    }
    for r in replies.into_iter().filter(|r| r.can.read) {
        if let Some(parent) = top.iter_mut().find(|c| Some(c.id) == r.parent_id) {
            parent.replies.push(r);
        }
    }
    // A hidden comment the caller may not read stays only as the place of its replies.
    top.retain(|c| c.can.read || !c.replies.is_empty());
    Ok(top)
}

/// A new comment or reply.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = IdeaCommentInput)]
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
        let idea = load_for(conn, actor, idea_id, |can| can.comment)?;
        if let Some(parent) = input.parent_id {
            let parent_of_parent = comments::table
                .filter(comments::id.eq(parent))
                .filter(comments::idea_id.eq(idea_id))
                .filter(comments::hidden.eq(false))
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
                comments::lang.eq(actor.locale.code()),
                comments::created_at.eq(crate::clock::now()),
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
        notify_followers(
            conn,
            ctx,
            ObjectType::Idea,
            idea_id,
            Kind::IdeaCommented,
            &idea.title,
            Some(actor.id),
        )?;
        follows::take_part(conn, ObjectType::Idea, idea_id, actor.id, Reason::Commenter)?;
        Ok(id)
    })
}

/// A comment's author and whether it is deleted, with what the actor may do to it; a comment
/// the actor may not read is 404.
fn comment_access(
    conn: &mut AnyConnection,
    actor: &Actor,
    idea_id: i64,
    comment_id: i64,
) -> AppResult<(i64, bool, CommentPermissions)> {
    let (_, idea) = load_readable(conn, actor, idea_id)?;
    let (author, created_at, deleted, hidden) = comments::table
        .filter(comments::id.eq(comment_id))
        .filter(comments::idea_id.eq(idea_id))
        .select((
            comments::author_id,
            comments::created_at,
            comments::deleted,
            comments::hidden,
        ))
        .first::<(i64, NaiveDateTime, bool, bool)>(conn)?;
    let can = policy::on_idea(
        &idea,
        author == actor.id,
        hidden,
        deleted,
        created_at,
        crate::clock::now(),
    );
    if can.read {
        Ok((author, deleted, can))
    } else {
        Err(AppError::NotFound)
    }
}

/// Edits a comment: its author, within 15 minutes of writing it.
pub fn edit_comment(ctx: &Context, actor: &Actor, idea_id: i64, comment_id: i64, body: &str) -> AppResult<()> {
    let mut v = Validator::new();
    let body = v.text("body", body, 1, MAX_COMMENT);
    v.finish()?;
    ctx.db.transaction(|conn| {
        let (author, _, can) = comment_access(conn, actor, idea_id, comment_id)?;
        if author != actor.id {
            return Err(AppError::Forbidden);
        }
        if !can.edit {
            return Err(AppError::conflict(
                "edit_window_closed",
                "comments can be edited for 15 minutes",
            ));
        }
        diesel::update(comments::table.find(comment_id))
            .set((
                comments::body.eq(&body),
                comments::edited_at.eq(Some(crate::clock::now())),
            ))
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
        let (_, deleted, can) = comment_access(conn, actor, idea_id, comment_id)?;
        if deleted {
            return Ok(());
        }
        if !can.delete {
            return Err(AppError::Forbidden);
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
