//! The idea's page as a read model: the idea with its units, directions, tags, history, the
//! observations and experiments around it and what panels say, read on one connection.

use super::{IdeaRow, IdeaStatus, Permissions, engagement, load_readable};
use crate::db::AnyConnection;
use crate::db::schema::{
    directions, idea_directions, idea_supports, idea_tags, idea_units, ideas, people, personas, service_path_stages,
    service_paths, units as units_t,
};
use crate::domain::Context;
use crate::domain::access::{Actor, PersonKind};
use crate::domain::directions::DirectionRef;
use crate::domain::people::UnitRef;
use crate::error::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// A customer persona as an idea names it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonaRef {
    pub id: i64,
    pub name: String,
}

/// A service-path stage as an idea names it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StageRef {
    pub id: i64,
    pub name: String,
    pub service_path_id: i64,
    pub service_path_name: String,
}

/// An idea with everything its page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IdeaView {
    pub id: i64,
    /// The language it was written in ("fi", "sv" or "en").
    pub lang: String,
    pub title: String,
    pub problem: String,
    pub proposal: String,
    pub status: IdeaStatus,
    pub status_reason: Option<String>,
    pub merged_into_id: Option<i64>,
    /// The title of the idea it was merged into, when the caller may read that idea (a customer
    /// may not until it is published: the page then says why instead of linking to a 404).
    pub merged_into_title: Option<String>,
    /// Shown to staff always; a customer author's name only to staff and the author.
    pub author_name: Option<String>,
    pub author_kind: PersonKind,
    pub campaign_id: Option<i64>,
    /// The campaign it was written for, named on its page.
    pub campaign: Option<crate::domain::campaigns::CampaignRef>,
    /// Shown in the public showcase since (absent when not, or taken down).
    #[serde(with = "crate::domain::utc::option")]
    pub public_since: Option<NaiveDateTime>,
    /// The municipality it concerns, when its writer named one.
    pub municipality: Option<crate::domain::municipalities::MunicipalityRef>,
    /// The customer persona it concerns, named on its page.
    pub persona: Option<PersonaRef>,
    /// The service-path stage it concerns, with its path.
    pub stage: Option<StageRef>,
    pub persona_id: Option<i64>,
    pub stage_id: Option<i64>,
    pub published: bool,
    pub hidden: bool,
    /// Why a moderator hid it (shown to its moderators).
    pub hidden_reason: Option<String>,
    pub support_count: i32,
    /// The comments the caller can read.
    pub comment_count: i32,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
    pub units: Vec<UnitRef>,
    pub directions: Vec<DirectionRef>,
    pub tags: Vec<String>,
    /// Whether the caller supports it.
    pub supported: bool,
    /// Whether the caller follows it.
    pub following: bool,
    /// The statuses the caller may move it to.
    pub next_statuses: Vec<IdeaStatus>,
    /// What the caller may do now.
    pub can: Permissions,
    /// Submission and every status change, oldest first.
    pub history: Vec<StatusEntry>,
    /// The observations behind it (shown to staff).
    pub observations: Vec<crate::domain::observations::Observation>,
    /// The experiments that try it (those the caller may see).
    pub experiments: Vec<crate::domain::experiments::list::ExperimentSummary>,
    /// What customer panels say of it (staff hear every panel, a member their own).
    pub panels: Vec<crate::domain::panels::shares::PanelVoice>,
}

/// One step of an idea's status history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = IdeaStatusEntry)]
pub struct StatusEntry {
    pub status: IdeaStatus,
    pub reason: Option<String>,
    /// Shown to staff.
    pub actor_name: Option<String>,
    #[serde(with = "crate::domain::utc")]
    pub at: NaiveDateTime,
}

fn history(conn: &mut AnyConnection, actor: &Actor, id: i64) -> AppResult<Vec<StatusEntry>> {
    Ok(crate::domain::events::lifecycle_of(conn, "idea", id)?
        .into_iter()
        .map(|e| StatusEntry {
            status: e.details["to"]
                .as_str()
                .and_then(IdeaStatus::parse)
                .unwrap_or(IdeaStatus::New),
            reason: e.details["reason"].as_str().map(str::to_string),
            actor_name: e.actor_name.filter(|_| actor.is_staff()),
            at: e.at,
        })
        .collect())
}

/// One idea with everything its page shows.
pub fn get(ctx: &Context, actor: &Actor, id: i64) -> AppResult<IdeaView> {
    let mut conn = ctx.db.read()?;
    let (idea, can) = load_readable(&mut conn, actor, id)?;
    view(&mut conn, actor, idea, can)
}

/// One idea and its comments, read on one connection (the idea's page).
pub fn get_with_comments(ctx: &Context, actor: &Actor, id: i64) -> AppResult<(IdeaView, Vec<engagement::CommentView>)> {
    let mut conn = ctx.db.read()?;
    let (idea, can) = load_readable(&mut conn, actor, id)?;
    let mut view = view(&mut conn, actor, idea, can)?;
    let comments = engagement::comments_of(&mut conn, actor, id, &can)?;
    // The count says what this reader sees.
    view.comment_count = engagement::count_readable(&comments);
    Ok((view, comments))
}

pub(super) fn view(conn: &mut AnyConnection, actor: &Actor, idea: IdeaRow, can: Permissions) -> AppResult<IdeaView> {
    let id = idea.id;
    let author_name = people::table
        .find(idea.author_id)
        .select(people::name)
        .first::<String>(conn)?;
    let show_name = crate::domain::policy::shows_name(actor, idea.author_kind, idea.author_id == actor.id);
    let units = idea_units::table
        .inner_join(units_t::table)
        .filter(idea_units::idea_id.eq(id))
        .order(units_t::name)
        .select((units_t::id, units_t::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| UnitRef { id, name })
        .collect::<Vec<_>>();
    let directions = idea_directions::table
        .inner_join(directions::table)
        .filter(idea_directions::idea_id.eq(id))
        .order(directions::name)
        .select((directions::id, directions::name, directions::year))
        .load::<(i64, String, i32)>(conn)?
        .into_iter()
        .map(|(id, name, year)| DirectionRef { id, name, year })
        // Directions are the staff's agreements: shown only to those who may read them.
        .filter(|_| {
            crate::domain::policy::catalog::permissions(actor, crate::domain::policy::catalog::Catalog::Direction).read
        })
        .collect();
    let tags = idea_tags::table
        .filter(idea_tags::idea_id.eq(id))
        .order(idea_tags::tag)
        .select(idea_tags::tag)
        .load(conn)?;
    let supported = idea_supports::table
        .filter(idea_supports::idea_id.eq(id))
        .filter(idea_supports::person_id.eq(actor.id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let following = crate::domain::follows::is_following(conn, crate::domain::follows::ObjectType::Idea, id, actor.id)?;
    let campaign = match idea.campaign_id {
        Some(c) => crate::db::schema::campaigns::table
            .find(c)
            .select(crate::db::schema::campaigns::title)
            .first::<String>(conn)
            .optional()?
            .map(|title| crate::domain::campaigns::CampaignRef { id: c, title }),
        None => None,
    };
    let merged_into_title = match idea.merged_into_id {
        Some(target) if crate::domain::policy::ideas::of(conn, actor, target)?.read => ideas::table
            .find(target)
            .select(ideas::title)
            .first::<String>(conn)
            .optional()?,
        _ => None,
    };
    let persona = match idea.persona_id {
        Some(id) => personas::table
            .find(id)
            .select(personas::name)
            .first::<String>(conn)
            .optional()?
            .map(|name| PersonaRef { id, name }),
        None => None,
    };
    let stage = match idea.stage_id {
        Some(id) => service_path_stages::table
            .inner_join(service_paths::table)
            .filter(service_path_stages::id.eq(id))
            .select((service_path_stages::name, service_paths::id, service_paths::name))
            .first::<(String, i64, String)>(conn)
            .optional()?
            .map(|(name, service_path_id, service_path_name)| StageRef {
                id,
                name,
                service_path_id,
                service_path_name,
            }),
        None => None,
    };
    let status = idea.status;
    let next_statuses = if can.move_status {
        status.next().to_vec()
    } else {
        Vec::new()
    };
    let municipality = match idea.municipality_id {
        Some(m) => crate::db::schema::municipalities::table
            .find(m)
            .select(crate::db::schema::municipalities::name)
            .first::<String>(conn)
            .optional()?
            .map(|name| crate::domain::municipalities::MunicipalityRef { id: m, name }),
        None => None,
    };
    Ok(IdeaView {
        id,
        lang: idea.lang,
        public_since: idea.public_at.filter(|_| idea.public_withdrawn_at.is_none()),
        municipality,
        title: idea.title,
        problem: idea.problem,
        proposal: idea.proposal,
        status,
        status_reason: idea.status_reason,
        merged_into_id: idea.merged_into_id,
        merged_into_title,
        author_name: show_name.then_some(author_name),
        author_kind: idea.author_kind,
        campaign_id: idea.campaign_id,
        campaign,
        persona,
        stage,
        persona_id: idea.persona_id,
        stage_id: idea.stage_id,
        published: idea.published,
        hidden: idea.hidden,
        hidden_reason: idea.hidden_reason.filter(|_| can.moderate),
        support_count: idea.support_count,
        comment_count: idea.comment_count,
        created_at: idea.created_at,
        updated_at: idea.updated_at,
        units,
        directions,
        tags,
        supported,
        following,
        next_statuses,
        history: history(conn, actor, id)?,
        can,
        observations: if crate::domain::policy::observations::require_read(actor).is_ok() {
            crate::domain::observations::of_idea(conn, id)?
        } else {
            Vec::new()
        },
        experiments: crate::domain::experiments::of_idea(conn, actor, id)?,
        panels: crate::domain::panels::shares::voices(conn, actor, crate::domain::panels::shares::ItemType::Idea, id)?,
    })
}
