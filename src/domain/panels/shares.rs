//! Ideas and experiments shared with a panel, optionally with a question, and the panel's
//! comments on them ("Asiakasraati sanoo").

use super::{MemberRole, managing_standing, people_in, visible_standing};
use crate::db::AnyConnection;
use crate::db::schema::{experiments, ideas, panel_comments, panel_members, panel_shares, panels, people};
use crate::domain::access::Actor;
use crate::domain::follows::{self, ObjectType, Reason};
use crate::domain::notifications::{self, Kind};
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// The longest question or panel comment.
pub const MAX_TEXT: usize = 4_000;

/// What can be shared with a panel.
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
pub enum ItemType {
    Idea,
    Experiment,
}

crate::stored_as_text!(ItemType {
    Idea => "idea",
    Experiment => "experiment",
});

impl ItemType {
    /// The page of the item with this id.
    pub fn path(self, id: &i64) -> String {
        match self {
            ItemType::Idea => format!("/ideas/{id}"),
            ItemType::Experiment => format!("/experiments/{id}"),
        }
    }
}

/// Sharing an item with a panel.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    pub item_type: ItemType,
    pub item_id: i64,
    /// What the panel is asked, such as "What do you think of …?".
    #[serde(default)]
    pub question: String,
}

/// An item shared with a panel.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Share {
    pub id: i64,
    pub panel_id: i64,
    pub item_type: ItemType,
    pub item_id: i64,
    /// The idea's or experiment's title.
    pub title: String,
    pub question: String,
    #[serde(with = "crate::domain::utc")]
    pub shared_at: NaiveDateTime,
    /// How many comments the panel has written on it.
    pub comment_count: i64,
}

/// Whether the person belongs to a panel that the item is shared with.
pub fn shared_with(conn: &mut AnyConnection, person_id: i64, item: ItemType, item_id: i64) -> AppResult<bool> {
    Ok(panel_shares::table
        .inner_join(panel_members::table.on(panel_members::panel_id.eq(panel_shares::panel_id)))
        .filter(panel_shares::object_type.eq(item.as_str()))
        .filter(panel_shares::object_id.eq(item_id))
        .filter(panel_members::person_id.eq(person_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// The items of a type shared with the panels the person belongs to.
pub fn shared_ids(conn: &mut AnyConnection, person_id: i64, item: ItemType) -> AppResult<Vec<i64>> {
    Ok(panel_shares::table
        .inner_join(panel_members::table.on(panel_members::panel_id.eq(panel_shares::panel_id)))
        .filter(panel_shares::object_type.eq(item.as_str()))
        .filter(panel_members::person_id.eq(person_id))
        .select(panel_shares::object_id)
        .distinct()
        .load(conn)?)
}

/// A share's panel and what it shares; 404 for an unknown share.
fn shared_item(conn: &mut AnyConnection, share_id: i64) -> AppResult<(i64, ItemType, i64)> {
    let (panel_id, object_type, object_id) = panel_shares::table
        .find(share_id)
        .select((
            panel_shares::panel_id,
            panel_shares::object_type,
            panel_shares::object_id,
        ))
        .first::<(i64, String, i64)>(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let item = ItemType::parse(&object_type).ok_or(AppError::NotFound)?;
    Ok((panel_id, item, object_id))
}

/// Where a share is read, for someone who may read it (staff, or a member of its panel; 404
/// otherwise): the item's page at the panel's voice.
pub fn require_read(conn: &mut AnyConnection, actor: &Actor, share_id: i64) -> AppResult<String> {
    let (panel_id, item, object_id) = shared_item(conn, share_id)?;
    let member = panel_members::table
        .find((panel_id, actor.id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !(actor.is_staff() || member) || item_title(conn, item, object_id)?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(format!("{}#panel-{share_id}", item.path(&object_id)))
}

/// Where a share is read (see [`require_read`]).
pub fn location(ctx: &Context, actor: &Actor, share_id: i64) -> AppResult<String> {
    let mut conn = ctx.db.read()?;
    require_read(&mut conn, actor, share_id)
}

fn item_title(conn: &mut AnyConnection, item: ItemType, id: i64) -> AppResult<Option<String>> {
    Ok(match item {
        ItemType::Idea => ideas::table
            .find(id)
            .filter(crate::domain::policy::ideas::in_circulation())
            .select(ideas::title)
            .first(conn)
            .optional()?,
        ItemType::Experiment => experiments::table
            .find(id)
            .filter(experiments::status.ne("draft"))
            .select(experiments::title)
            .first(conn)
            .optional()?,
    })
}

/// Shares an idea or a (submitted) experiment with a panel and tells its members.
pub fn share(ctx: &Context, actor: &Actor, panel_id: i64, input: &ShareInput) -> AppResult<i64> {
    let mut v = Validator::new();
    let question = v.text("question", &input.question, 0, MAX_TEXT);
    v.finish()?;
    ctx.db.transaction(|conn| {
        managing_standing(conn, actor, panel_id)?;
        let Some(title) = item_title(conn, input.item_type, input.item_id)? else {
            return Err(AppError::field("item_id", "unknown_item"));
        };
        let already = panel_shares::table
            .filter(panel_shares::panel_id.eq(panel_id))
            .filter(panel_shares::object_type.eq(input.item_type.as_str()))
            .filter(panel_shares::object_id.eq(input.item_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if already {
            return Err(AppError::conflict(
                "already_shared",
                "the item is already shared with the panel",
            ));
        }
        let id = diesel::insert_into(panel_shares::table)
            .values((
                panel_shares::panel_id.eq(panel_id),
                panel_shares::object_type.eq(input.item_type.as_str()),
                panel_shares::object_id.eq(input.item_id),
                panel_shares::question.eq(&question),
                panel_shares::shared_by.eq(actor.id),
                panel_shares::created_at.eq(crate::clock::now()),
            ))
            .returning(panel_shares::id)
            .get_result::<i64>(conn)?;
        follows::take_part(conn, ObjectType::Share, id, actor.id, Reason::Own)?;
        events::record(
            conn,
            Some(actor.id),
            "panel_shared",
            "panel",
            panel_id,
            serde_json::json!({ "item_type": input.item_type.as_str(), "item_id": input.item_id }),
        )?;
        let members = people_in(conn, panel_id, MemberRole::Member)?;
        notifications::notify(conn, ctx, &members, Kind::PanelShared, panel_id, &title)?;
        Ok(id)
    })
}

/// Stops sharing an item with a panel; its panel comments go with it.
pub fn unshare(ctx: &Context, actor: &Actor, panel_id: i64, share_id: i64) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        managing_standing(conn, actor, panel_id)?;
        let found = panel_shares::table
            .find(share_id)
            .filter(panel_shares::panel_id.eq(panel_id))
            .count()
            .get_result::<i64>(conn)?;
        if found == 0 {
            return Err(AppError::NotFound);
        }
        diesel::delete(panel_comments::table.filter(panel_comments::share_id.eq(share_id))).execute(conn)?;
        diesel::delete(panel_shares::table.find(share_id)).execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "panel_unshared",
            "panel",
            panel_id,
            serde_json::json!({ "share_id": share_id }),
        )
    })
}

/// What is shared with a panel, newest first.
pub fn list(ctx: &Context, actor: &Actor, panel_id: i64) -> AppResult<Vec<Share>> {
    let mut conn = ctx.db.read()?;
    visible_standing(&mut conn, actor, panel_id)?;
    of_panel(&mut conn, panel_id, 200)
}

/// A panel's shares, newest first (the caller checked who may see them).
pub fn of_panel(conn: &mut AnyConnection, panel_id: i64, limit: i64) -> AppResult<Vec<Share>> {
    let rows = panel_shares::table
        .filter(panel_shares::panel_id.eq(panel_id))
        .order(panel_shares::id.desc())
        .limit(limit)
        .select((
            panel_shares::id,
            panel_shares::object_type,
            panel_shares::object_id,
            panel_shares::question,
            panel_shares::created_at,
        ))
        .load::<(i64, String, i64, String, NaiveDateTime)>(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, object_type, item_id, question, shared_at) in rows {
        let Some(item_type) = ItemType::parse(&object_type) else {
            continue;
        };
        // A hidden idea drops out of the panel's view.
        let Some(title) = item_title(conn, item_type, item_id)? else {
            continue;
        };
        let comment_count = panel_comments::table
            .filter(panel_comments::share_id.eq(id))
            .count()
            .get_result(conn)?;
        out.push(Share {
            id,
            panel_id,
            item_type,
            item_id,
            title,
            question,
            shared_at,
            comment_count,
        });
    }
    Ok(out)
}

/// A panel's comment on a shared item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PanelComment {
    pub id: i64,
    /// Shown to staff and to the writer; other members see "a panel member".
    pub author_name: Option<String>,
    pub body: String,
    /// The language it was written in.
    pub lang: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// What one panel says about an item: the question it was asked and its comments, oldest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PanelVoice {
    pub share_id: i64,
    pub panel_id: i64,
    pub panel_name: String,
    pub question: String,
    #[serde(with = "crate::domain::utc")]
    pub shared_at: NaiveDateTime,
    pub comments: Vec<PanelComment>,
    /// Whether the caller may comment as the panel.
    pub can_comment: bool,
    /// Whether the caller follows its comments.
    pub following: bool,
}

/// The panels' voices on an item: staff hear every panel, a member their own panels only.
pub fn voices(conn: &mut AnyConnection, actor: &Actor, item: ItemType, item_id: i64) -> AppResult<Vec<PanelVoice>> {
    let mut q = panel_shares::table
        .inner_join(panels::table)
        .filter(panel_shares::object_type.eq(item.as_str()))
        .filter(panel_shares::object_id.eq(item_id))
        .order(panel_shares::id)
        .select((
            panel_shares::id,
            panel_shares::panel_id,
            panels::name,
            panel_shares::question,
            panel_shares::created_at,
        ))
        .into_boxed();
    if !actor.is_staff() {
        q = q.filter(
            panel_shares::panel_id.eq_any(
                panel_members::table
                    .filter(panel_members::person_id.eq(actor.id))
                    .select(panel_members::panel_id),
            ),
        );
    }
    let shares = q.load::<(i64, i64, String, String, NaiveDateTime)>(conn)?;
    let mut out = Vec::with_capacity(shares.len());
    for (share_id, panel_id, panel_name, question, shared_at) in shares {
        let comments = panel_comments::table
            .inner_join(people::table)
            .filter(panel_comments::share_id.eq(share_id))
            .order(panel_comments::id)
            .select((
                panel_comments::id,
                panel_comments::author_id,
                people::name,
                panel_comments::body,
                panel_comments::created_at,
                panel_comments::lang,
            ))
            .load::<(i64, i64, String, String, NaiveDateTime, String)>(conn)?
            .into_iter()
            .map(|(id, author_id, name, body, created_at, lang)| PanelComment {
                id,
                author_name: (actor.is_staff() || author_id == actor.id).then_some(name),
                body,
                lang,
                created_at,
            })
            .collect();
        let can_comment = panel_members::table
            .find((panel_id, actor.id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        let following = crate::domain::follows::is_following(conn, ObjectType::Share, share_id, actor.id)?;
        out.push(PanelVoice {
            following,
            share_id,
            panel_id,
            panel_name,
            question,
            shared_at,
            comments,
            can_comment,
        });
    }
    Ok(out)
}

/// A panel comment as written.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PanelCommentInput)]
pub struct CommentInput {
    pub body: String,
}

/// Writes a comment as the panel on something shared with it (its members and coordinators);
/// returns the comment's id and where the item is.
pub fn comment(ctx: &Context, actor: &Actor, share_id: i64, input: &CommentInput) -> AppResult<(i64, String)> {
    let mut v = Validator::new();
    let body = v.text("body", &input.body, 1, MAX_TEXT);
    v.finish()?;
    ctx.db.transaction(|conn| {
        let (panel_id, item, object_id) = shared_item(conn, share_id)?;
        let s = visible_standing(conn, actor, panel_id)?;
        if s.role.is_none() {
            return Err(AppError::Forbidden);
        }
        // An item hidden by moderation (or back in draft) has left the panel's view.
        let Some(title) = item_title(conn, item, object_id)? else {
            return Err(AppError::NotFound);
        };
        let id = diesel::insert_into(panel_comments::table)
            .values((
                panel_comments::share_id.eq(share_id),
                panel_comments::author_id.eq(actor.id),
                panel_comments::body.eq(&body),
                panel_comments::lang.eq(actor.locale.code()),
                panel_comments::created_at.eq(crate::clock::now()),
            ))
            .returning(panel_comments::id)
            .get_result::<i64>(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "panel_commented",
            "panel",
            panel_id,
            serde_json::json!({ "share_id": share_id, "comment_id": id }),
        )?;
        follows::take_part(conn, ObjectType::Share, share_id, actor.id, Reason::Commenter)?;
        notifications::notify_followers(
            conn,
            ctx,
            ObjectType::Share,
            share_id,
            Kind::ShareCommented,
            &title,
            Some(actor.id),
        )?;
        Ok((id, item.path(&object_id)))
    })
}
