//! Ideas: anyone signed in submits; staff see all, customers their own and published ones.

pub mod engagement;
pub mod lifecycle;
pub mod list;
pub mod page;

use super::access::{Actor, PersonKind};
use super::validate::Validator;
use super::{Context, events};
use crate::db::schema::{
    campaigns, directions, idea_directions, idea_tags, idea_units, ideas, personas, service_path_stages,
    units as units_t,
};
use crate::db::{AnyConnection, backend};
use crate::domain::follows::{self, ObjectType, Reason};
use crate::error::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::policy::ideas as policy;
pub use super::policy::ideas::Permissions;
pub use crate::domain::directions::DirectionRef;
pub use lifecycle::IdeaStatus;
pub use page::{IdeaView, StatusEntry, get, get_with_comments};

/// The longest title.
pub const MAX_TITLE: usize = 140;
/// The shortest title.
pub const MIN_TITLE: usize = 5;
/// The longest problem or proposal text.
pub const MAX_TEXT: usize = 10_000;
/// At most this many tags per idea.
pub const MAX_TAGS: usize = 10;

/// An idea as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ideas)]
pub struct IdeaRow {
    pub id: i64,
    pub title: String,
    pub problem: String,
    pub proposal: String,
    pub status: IdeaStatus,
    pub status_reason: Option<String>,
    pub merged_into_id: Option<i64>,
    pub author_id: i64,
    pub author_kind: PersonKind,
    pub campaign_id: Option<i64>,
    pub persona_id: Option<i64>,
    pub stage_id: Option<i64>,
    pub published: bool,
    pub hidden: bool,
    pub support_count: i32,
    pub comment_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_activity_at: NaiveDateTime,
    pub hidden_reason: Option<String>,
    pub lang: String,
    pub municipality_id: Option<i64>,
    pub public_at: Option<NaiveDateTime>,
    pub public_withdrawn_at: Option<NaiveDateTime>,
}

impl IdeaRow {
    /// What of its state the policy depends on.
    pub fn state(&self) -> policy::State {
        policy::State {
            hidden: self.hidden,
            published: self.published,
            new: self.status == IdeaStatus::New,
        }
    }
}

/// What an idea's author writes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaInput {
    pub title: String,
    /// What happens now, and for whom.
    pub problem: String,
    /// The proposed change.
    pub proposal: String,
    /// The units it concerns (at least one).
    pub unit_ids: Vec<i64>,
    #[serde(default)]
    pub direction_ids: Vec<i64>,
    /// Hashtags, with or without '#'.
    #[serde(default)]
    pub tags: Vec<String>,
    pub persona_id: Option<i64>,
    pub stage_id: Option<i64>,
    pub campaign_id: Option<i64>,
    /// Observations this idea grows from (the author's own, or any of a key expert's units).
    #[serde(default)]
    pub observation_ids: Vec<i64>,
    /// The municipality it concerns, when the writer names one (customers and trustees pick a
    /// municipality and a service area instead of internal units).
    #[serde(default)]
    pub municipality_id: Option<i64>,
}

/// Normalises hashtags: without '#', lower case, letters, digits, '-' and '_' only.
pub fn parse_tags(v: &mut Validator, raw: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in raw.iter().flat_map(|t| t.split([' ', ',', '\n'])) {
        let tag = t.trim().trim_start_matches('#').to_lowercase();
        if tag.is_empty() {
            continue;
        }
        let valid = tag.chars().count() <= 40 && tag.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !valid {
            v.add("tags", "invalid_tag");
        } else if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        v.add("tags", "too_many");
    }
    tags
}

fn count_existing<T>(conn: &mut AnyConnection, ids: &[i64], query: T) -> AppResult<bool>
where
    T: FnOnce(&mut AnyConnection, Vec<i64>) -> QueryResult<i64>,
{
    let mut distinct = ids.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let n = distinct.len() as i64;
    Ok(query(conn, distinct)? == n)
}

/// Checks an idea's fields against the database; returns the cleaned title, texts and tags.
fn validate(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &IdeaInput,
    is_new: bool,
) -> AppResult<(String, String, String, Vec<String>)> {
    let mut v = Validator::new();
    let title = v.text("title", &input.title, MIN_TITLE, MAX_TITLE);
    if title.contains(['\n', '\r']) && !v.has("title") {
        v.add("title", "invalid_characters");
    }
    let problem = v.text("problem", &input.problem, 1, MAX_TEXT);
    let proposal = v.text("proposal", &input.proposal, 1, MAX_TEXT);
    let tags = parse_tags(&mut v, &input.tags);
    if input.unit_ids.is_empty() {
        v.add("unit_ids", "required");
    } else if !count_existing(conn, &input.unit_ids, |c, ids| {
        units_t::table
            .filter(units_t::id.eq_any(ids))
            .filter(units_t::active.eq(true))
            .count()
            .get_result(c)
    })? {
        v.add("unit_ids", "unknown");
    }
    if !count_existing(conn, &input.direction_ids, |c, ids| {
        directions::table
            .filter(directions::id.eq_any(ids))
            .count()
            .get_result(c)
    })? {
        v.add("direction_ids", "unknown");
    }
    if let Some(m) = input.municipality_id
        && crate::db::schema::municipalities::table
            .find(m)
            .count()
            .get_result::<i64>(conn)?
            == 0
    {
        v.add("municipality_id", "unknown");
    }
    if let Some(p) = input.persona_id
        && personas::table.find(p).count().get_result::<i64>(conn)? == 0
    {
        v.add("persona_id", "unknown");
    }
    if let Some(s) = input.stage_id
        && service_path_stages::table.find(s).count().get_result::<i64>(conn)? == 0
    {
        v.add("stage_id", "unknown");
    }
    if let Some(c) = input.campaign_id {
        let row = campaigns::table
            .find(c)
            .select((campaigns::starts_at, campaigns::ends_at, campaigns::audience))
            .first::<(NaiveDateTime, NaiveDateTime, String)>(conn)
            .optional()?;
        match row {
            None => v.add("campaign_id", "unknown"),
            Some((starts, ends, audience)) if is_new => {
                let now = crate::clock::now();
                if now < starts || now > ends {
                    v.add("campaign_id", "campaign_closed");
                } else if !audience_includes(&audience, actor.kind) {
                    v.add("campaign_id", "campaign_audience");
                }
            }
            Some(_) => {}
        }
    }
    v.finish()?;
    Ok((title, problem, proposal, tags))
}

/// Whether a campaign's audience (staff, customers, everyone) includes a kind of person.
pub fn audience_includes(audience: &str, kind: PersonKind) -> bool {
    match audience {
        "staff" => kind != PersonKind::Customer,
        "customers" => kind == PersonKind::Customer,
        _ => true,
    }
}

fn write_links(conn: &mut AnyConnection, id: i64, input: &IdeaInput, tags: &[String]) -> AppResult<()> {
    diesel::delete(idea_units::table.filter(idea_units::idea_id.eq(id))).execute(conn)?;
    diesel::delete(idea_directions::table.filter(idea_directions::idea_id.eq(id))).execute(conn)?;
    diesel::delete(idea_tags::table.filter(idea_tags::idea_id.eq(id))).execute(conn)?;
    let mut unit_ids = input.unit_ids.clone();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    for u in unit_ids {
        diesel::insert_into(idea_units::table)
            .values((idea_units::idea_id.eq(id), idea_units::unit_id.eq(u)))
            .execute(conn)?;
    }
    let mut direction_ids = input.direction_ids.clone();
    direction_ids.sort_unstable();
    direction_ids.dedup();
    for d in direction_ids {
        diesel::insert_into(idea_directions::table)
            .values((idea_directions::idea_id.eq(id), idea_directions::direction_id.eq(d)))
            .execute(conn)?;
    }
    for t in tags {
        diesel::insert_into(idea_tags::table)
            .values((idea_tags::idea_id.eq(id), idea_tags::tag.eq(t)))
            .execute(conn)?;
    }
    Ok(())
}

/// Submits an idea; the author follows it from the start.
pub fn create(ctx: &Context, actor: &Actor, input: &IdeaInput) -> AppResult<i64> {
    ctx.db.transaction(|conn| {
        let (title, problem, proposal, tags) = validate(conn, actor, input, true)?;
        let at = crate::clock::now();
        let id = diesel::insert_into(ideas::table)
            .values((
                ideas::title.eq(&title),
                ideas::problem.eq(&problem),
                ideas::proposal.eq(&proposal),
                ideas::author_id.eq(actor.id),
                ideas::author_kind.eq(actor.kind.as_str()),
                ideas::lang.eq(actor.locale.code()),
                ideas::municipality_id.eq(input.municipality_id),
                ideas::campaign_id.eq(input.campaign_id),
                ideas::persona_id.eq(input.persona_id),
                ideas::stage_id.eq(input.stage_id),
                ideas::created_at.eq(at),
                ideas::updated_at.eq(at),
                ideas::last_activity_at.eq(at),
            ))
            .returning(ideas::id)
            .get_result::<i64>(conn)?;
        write_links(conn, id, input, &tags)?;
        if !input.observation_ids.is_empty() {
            super::observations::link(conn, actor, id, &input.observation_ids)?;
        }
        follows::take_part(conn, ObjectType::Idea, id, actor.id, Reason::Own)?;
        if let Some(campaign) = input.campaign_id {
            super::notifications::notify_followers_about(
                conn,
                ctx,
                (ObjectType::Campaign, campaign),
                super::notifications::Kind::CampaignIdea,
                id,
                &title,
                Some(actor.id),
            )?;
        }
        backend::index_idea(conn, id)?;
        events::record(
            conn,
            Some(actor.id),
            "created",
            "idea",
            id,
            serde_json::json!({ "title": title }),
        )?;
        Ok(id)
    })
}

/// Edits an idea: the author, while it is new.
pub fn update(ctx: &Context, actor: &Actor, id: i64, input: &IdeaInput) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let (idea, can) = load_readable(conn, actor, id)?;
        if idea.author_id != actor.id || idea.hidden && !can.edit {
            return Err(AppError::Forbidden);
        }
        if idea.status != IdeaStatus::New {
            return Err(AppError::conflict("idea_not_editable", "only a new idea can be edited"));
        }
        let (title, problem, proposal, tags) = validate(conn, actor, input, input.campaign_id != idea.campaign_id)?;
        diesel::update(ideas::table.find(id))
            .set((
                ideas::title.eq(&title),
                ideas::problem.eq(&problem),
                ideas::proposal.eq(&proposal),
                ideas::campaign_id.eq(input.campaign_id),
                ideas::municipality_id.eq(input.municipality_id),
                ideas::persona_id.eq(input.persona_id),
                ideas::stage_id.eq(input.stage_id),
                ideas::updated_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        write_links(conn, id, input, &tags)?;
        backend::index_idea(conn, id)?;
        events::record(
            conn,
            Some(actor.id),
            "updated",
            "idea",
            id,
            serde_json::json!({ "title": title }),
        )
    })
}

/// Whether the writer picks service areas and a municipality for an idea (customers and
/// trustees) rather than units from the whole tree (staff).
pub fn picks_service_areas(actor: &Actor) -> bool {
    !actor.is_staff()
}

/// The units a writer picks from for an idea: staff the whole tree of active units; customers
/// and trustees the service areas (the sectors), named as residents know them, beside a
/// municipality.
pub fn unit_choices(ctx: &Context, actor: &Actor) -> AppResult<Vec<super::units::UnitNode>> {
    let tree = super::units::tree(ctx)?;
    if !picks_service_areas(actor) {
        return Ok(tree);
    }
    Ok(tree
        .into_iter()
        .filter(|u| u.active && u.kind == super::units::UnitKind::Sector.as_str())
        .map(|u| super::units::UnitNode {
            children: Vec::new(),
            ..u
        })
        .collect())
}

/// The units of an idea.
pub fn unit_ids(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<i64>> {
    Ok(idea_units::table
        .filter(idea_units::idea_id.eq(id))
        .select(idea_units::unit_id)
        .load(conn)?)
}

/// Whether the actor moderates the idea (hides and restores it and its comments).
pub fn moderates(conn: &mut AnyConnection, actor: &Actor, idea_id: i64) -> AppResult<bool> {
    Ok(policy::of(conn, actor, idea_id)?.moderate)
}

/// Loads an idea the actor may read, with what they may do to it; anything else is 404, so
/// its existence does not leak.
pub fn load_readable(conn: &mut AnyConnection, actor: &Actor, id: i64) -> AppResult<(IdeaRow, Permissions)> {
    let idea = ideas::table.find(id).select(IdeaRow::as_select()).first(conn)?;
    let units = unit_ids(conn, id)?;
    let standing = policy::standing(conn, actor, id, idea.author_id, &units)?;
    let can = policy::permissions(&standing, idea.state());
    if can.read {
        Ok((idea, can))
    } else {
        Err(AppError::NotFound)
    }
}

/// Loads an idea the actor may read and act on as `allowed` says; an idea they read but may not
/// act on (such as one hidden by moderation) is 403, one they may not read 404.
pub fn load_for(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    allowed: impl Fn(&Permissions) -> bool,
) -> AppResult<IdeaRow> {
    let (idea, can) = load_readable(conn, actor, id)?;
    if allowed(&can) {
        Ok(idea)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Loads an idea the actor may read; anything else is 404.
pub fn load_visible(conn: &mut AnyConnection, actor: &Actor, id: i64) -> AppResult<IdeaRow> {
    Ok(load_readable(conn, actor, id)?.0)
}

/// Marks the idea active now (sorting by recent activity).
pub fn touch(conn: &mut AnyConnection, id: i64) -> AppResult<()> {
    diesel::update(ideas::table.find(id))
        .set(ideas::last_activity_at.eq(crate::clock::now()))
        .execute(conn)?;
    Ok(())
}
