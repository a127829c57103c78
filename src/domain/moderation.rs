//! Moderation: anyone reports an idea or comment; key experts of the idea's units and
//! administrators hide or restore it with a reason; hidden content leaves lists and search,
//! and its author is told by email.

use super::access::Actor;
use super::ideas::{load_visible, moderates};
use super::validate::Validator;
use super::{Context, events, mail};
use crate::db::schema::{comments, ideas, people, reports};
use crate::db::{AnyConnection, backend};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// What can be reported and hidden.
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
pub enum ModeratedKind {
    Idea,
    Comment,
}

crate::stored_as_text!(ModeratedKind {
    Idea => "idea",
    Comment => "comment",
});

/// The idea an object belongs to (the object itself for an idea).
fn idea_of(conn: &mut AnyConnection, kind: ModeratedKind, id: i64) -> AppResult<i64> {
    match kind {
        ModeratedKind::Idea => Ok(id),
        ModeratedKind::Comment => Ok(comments::table.find(id).select(comments::idea_id).first(conn)?),
    }
}

/// A report of inappropriate content.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ContentReportInput)]
pub struct ReportInput {
    pub object_type: ModeratedKind,
    pub object_id: i64,
    pub reason: String,
}

/// Reports an idea or comment the actor can see.
pub fn report(ctx: &Context, actor: &Actor, input: &ReportInput) -> AppResult<i64> {
    let mut v = Validator::new();
    let reason = v.text("reason", &input.reason, 1, 2_000);
    v.finish()?;
    ctx.db.transaction(|conn| {
        let idea = idea_of(conn, input.object_type, input.object_id)?;
        super::ideas::load_for(conn, actor, idea, |can| can.report)?;
        let id = diesel::insert_into(reports::table)
            .values((
                reports::object_type.eq(input.object_type.as_str()),
                reports::object_id.eq(input.object_id),
                reports::reporter_id.eq(actor.id),
                reports::reason.eq(&reason),
                reports::created_at.eq(crate::clock::now()),
            ))
            .returning(reports::id)
            .get_result::<i64>(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "reported",
            input.object_type.as_str(),
            input.object_id,
            serde_json::json!({ "report_id": id }),
        )?;
        Ok(id)
    })
}

/// An open report as moderators see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub object_type: String,
    pub object_id: i64,
    pub idea_id: i64,
    pub reason: String,
    pub reporter_name: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// Open reports the actor moderates, oldest first.
pub fn open_reports(ctx: &Context, actor: &Actor) -> AppResult<Vec<ReportView>> {
    let mut conn = ctx.db.read()?;
    let rows = reports::table
        .inner_join(people::table.on(people::id.eq(reports::reporter_id)))
        .filter(reports::resolved_at.is_null())
        .order(reports::id)
        .limit(500)
        .select((
            reports::id,
            reports::object_type,
            reports::object_id,
            reports::reason,
            people::name,
            reports::created_at,
        ))
        .load::<(i64, String, i64, String, String, NaiveDateTime)>(&mut conn)?;
    let mut out = Vec::new();
    for (id, object_type, object_id, reason, reporter_name, created_at) in rows {
        let kind = if object_type == "comment" {
            ModeratedKind::Comment
        } else {
            ModeratedKind::Idea
        };
        let Ok(idea_id) = idea_of(&mut conn, kind, object_id) else {
            continue;
        };
        if moderates(&mut conn, actor, idea_id)? {
            out.push(ReportView {
                id,
                object_type,
                object_id,
                idea_id,
                reason,
                reporter_name,
                created_at,
            });
        }
    }
    if out.is_empty() && !super::policy::ideas::moderates_anywhere(actor) {
        return Err(AppError::Forbidden);
    }
    Ok(out)
}

/// A moderation decision.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ModerationDecision)]
pub struct Decision {
    pub object_type: ModeratedKind,
    pub object_id: i64,
    /// true hides, false restores.
    pub hidden: bool,
    pub reason: String,
}

/// Hides or restores an idea or comment, resolves its open reports and tells the author.
pub fn decide(ctx: &Context, actor: &Actor, decision: &Decision) -> AppResult<()> {
    let mut v = Validator::new();
    let reason = v.text("reason", &decision.reason, 1, 2_000);
    v.finish()?;
    ctx.db.transaction(|conn| {
        let idea = idea_of(conn, decision.object_type, decision.object_id)?;
        if !moderates(conn, actor, idea)? {
            // Someone who cannot moderate learns nothing about hidden content.
            load_visible(conn, actor, idea)?;
            return Err(AppError::Forbidden);
        }
        let (author, title) = ideas::table
            .find(idea)
            .select((ideas::author_id, ideas::title))
            .first::<(i64, String)>(conn)?;
        let author = match decision.object_type {
            ModeratedKind::Idea => {
                diesel::update(ideas::table.find(idea))
                    .set((
                        ideas::hidden.eq(decision.hidden),
                        ideas::hidden_reason.eq(decision.hidden.then_some(&reason)),
                    ))
                    .execute(conn)?;
                author
            }
            ModeratedKind::Comment => {
                diesel::update(comments::table.find(decision.object_id))
                    .set((
                        comments::hidden.eq(decision.hidden),
                        comments::hidden_reason.eq(decision.hidden.then_some(&reason)),
                    ))
                    .execute(conn)?;
                let n = comments::table
                    .filter(comments::idea_id.eq(idea))
                    .filter(comments::deleted.eq(false))
                    .filter(comments::hidden.eq(false))
                    .count()
                    .get_result::<i64>(conn)?;
                diesel::update(ideas::table.find(idea))
                    .set(ideas::comment_count.eq(n as i32))
                    .execute(conn)?;
                comments::table
                    .find(decision.object_id)
                    .select(comments::author_id)
                    .first(conn)?
            }
        };
        backend::index_idea(conn, idea)?;
        diesel::update(
            reports::table
                .filter(reports::object_type.eq(decision.object_type.as_str()))
                .filter(reports::object_id.eq(decision.object_id))
                .filter(reports::resolved_at.is_null()),
        )
        .set((
            reports::resolved_at.eq(Some(crate::clock::now())),
            reports::resolved_by.eq(Some(actor.id)),
            reports::resolution.eq(Some(if decision.hidden { "hidden" } else { "kept" })),
        ))
        .execute(conn)?;
        let verb = if decision.hidden { "hidden" } else { "restored" };
        events::record(
            conn,
            Some(actor.id),
            verb,
            decision.object_type.as_str(),
            decision.object_id,
            serde_json::json!({ "reason": reason, "idea_id": idea }),
        )?;
        let (email, locale) = people::table
            .find(author)
            .select((people::email, people::locale))
            .first::<(String, String)>(conn)?;
        let locale = Locale::parse(&locale).unwrap_or_default();
        let what = locale
            .t(&format!("moderation.what_{}", decision.object_type.as_str()))
            .to_string();
        let link = ctx.link(&format!("/ideas/{idea}"));
        mail::enqueue_template(
            conn,
            &email,
            locale,
            &format!("moderation_{verb}"),
            &[("what", &what), ("title", &title), ("reason", &reason), ("link", &link)],
        )
    })
}
