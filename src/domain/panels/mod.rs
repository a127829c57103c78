//! Customer panels (asiakasraadit): who coordinates and who belongs, what is shared with them,
//! invitations and best/worst voting rounds.

pub mod invitations;
pub mod rounds;
pub mod shares;

use super::access::{Actor, PersonKind, RoleKind};
use super::experiments::PersonRef;
use super::people::UnitRef;
use super::validate::Validator;
use super::{Context, events};
use crate::db::AnyConnection;
use crate::db::schema::{panel_members, panel_units, panels, people, units};
use crate::error::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// The longest panel description.
pub const MAX_DESCRIPTION: usize = 4_000;

pub use super::policy::panels::{MemberRole, Permissions, Standing, standing};

/// The standing of an actor who may see the panel; anyone else gets 404, so it does not leak.
pub fn visible_standing(conn: &mut AnyConnection, actor: &Actor, panel_id: i64) -> AppResult<Standing> {
    let s = standing(conn, actor, panel_id)?;
    if s.sees() { Ok(s) } else { Err(AppError::NotFound) }
}

/// The standing of an actor who runs the panel; others who see it get 403, the rest 404.
pub fn managing_standing(conn: &mut AnyConnection, actor: &Actor, panel_id: i64) -> AppResult<Standing> {
    let s = visible_standing(conn, actor, panel_id)?;
    if s.manages() { Ok(s) } else { Err(AppError::Forbidden) }
}

/// A panel as its pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Panel {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub active: bool,
    /// The units it serves.
    pub units: Vec<UnitRef>,
    pub coordinators: Vec<PersonRef>,
    /// How many customers belong to it.
    pub member_count: i64,
    /// The caller's place in it.
    pub my_role: Option<MemberRole>,
    /// Whether the caller runs it.
    pub can_manage: bool,
    /// What the caller may do in it.
    pub can: Permissions,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// What managers write when they create or change a panel.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The units it serves (at least one).
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    /// Employees who coordinate it.
    #[serde(default)]
    pub coordinator_ids: Vec<i64>,
}

fn validate(conn: &mut AnyConnection, input: &PanelInput) -> AppResult<(String, String, Vec<i64>, Vec<i64>)> {
    let mut v = Validator::new();
    let name = v.name("name", &input.name);
    let description = v.text("description", &input.description, 0, MAX_DESCRIPTION);
    let mut unit_ids = input.unit_ids.clone();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    if unit_ids.is_empty() {
        v.add("unit_ids", "required");
    } else {
        let known = units::table
            .filter(units::id.eq_any(&unit_ids))
            .count()
            .get_result::<i64>(conn)?;
        if known != unit_ids.len() as i64 {
            v.add("unit_ids", "unknown_unit");
        }
    }
    let mut coordinator_ids = input.coordinator_ids.clone();
    coordinator_ids.sort_unstable();
    coordinator_ids.dedup();
    if !coordinator_ids.is_empty() {
        let employees = people::table
            .filter(people::id.eq_any(&coordinator_ids))
            .filter(people::kind.eq(PersonKind::Employee.as_str()))
            .filter(people::active.eq(true))
            .count()
            .get_result::<i64>(conn)?;
        if employees != coordinator_ids.len() as i64 {
            v.add("coordinator_ids", "unknown_person");
        }
    }
    v.finish()?;
    Ok((name, description, unit_ids, coordinator_ids))
}

/// Creates a panel (managers and administrators).
pub fn create(ctx: &Context, actor: &Actor, input: &PanelInput) -> AppResult<i64> {
    if !may_create(actor) {
        return Err(AppError::Forbidden);
    }
    ctx.db.transaction(|conn| {
        let (name, description, unit_ids, coordinator_ids) = validate(conn, input)?;
        let now = crate::clock::now();
        let id = diesel::insert_into(panels::table)
            .values((
                panels::name.eq(&name),
                panels::description.eq(&description),
                panels::created_by.eq(actor.id),
                panels::created_at.eq(now),
                panels::updated_at.eq(now),
            ))
            .returning(panels::id)
            .get_result::<i64>(conn)?;
        write_units_and_coordinators(conn, id, &unit_ids, &coordinator_ids)?;
        events::record(
            conn,
            Some(actor.id),
            "panel_created",
            "panel",
            id,
            serde_json::json!({ "name": name }),
        )?;
        Ok(id)
    })
}

/// Changes a panel's name, description, units and coordinators (those who run it).
pub fn update(ctx: &Context, actor: &Actor, id: i64, input: &PanelInput) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        managing_standing(conn, actor, id)?;
        let (name, description, unit_ids, coordinator_ids) = validate(conn, input)?;
        diesel::update(panels::table.find(id))
            .set((
                panels::name.eq(&name),
                panels::description.eq(&description),
                panels::updated_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        diesel::delete(panel_units::table.filter(panel_units::panel_id.eq(id))).execute(conn)?;
        diesel::delete(
            panel_members::table
                .filter(panel_members::panel_id.eq(id))
                .filter(panel_members::role.eq(MemberRole::Coordinator.as_str())),
        )
        .execute(conn)?;
        write_units_and_coordinators(conn, id, &unit_ids, &coordinator_ids)?;
        events::record(
            conn,
            Some(actor.id),
            "panel_updated",
            "panel",
            id,
            serde_json::json!({ "name": name }),
        )
    })
}

fn write_units_and_coordinators(
    conn: &mut AnyConnection,
    id: i64,
    unit_ids: &[i64],
    coordinator_ids: &[i64],
) -> AppResult<()> {
    for unit in unit_ids {
        diesel::insert_into(panel_units::table)
            .values((panel_units::panel_id.eq(id), panel_units::unit_id.eq(unit)))
            .execute(conn)?;
    }
    for person in coordinator_ids {
        // An employee cannot already be a (customer) member, so no row is in the way.
        diesel::insert_into(panel_members::table)
            .values((
                panel_members::panel_id.eq(id),
                panel_members::person_id.eq(person),
                panel_members::role.eq(MemberRole::Coordinator.as_str()),
                panel_members::joined_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Panels the actor may see, by name: staff see every panel, customers their own.
pub fn list(ctx: &Context, actor: &Actor) -> AppResult<Vec<Panel>> {
    let mut conn = ctx.db.read()?;
    let ids: Vec<i64> = if actor.is_staff() {
        panels::table.order(panels::name).select(panels::id).load(&mut conn)?
    } else {
        panels::table
            .inner_join(panel_members::table)
            .filter(panel_members::person_id.eq(actor.id))
            .order(panels::name)
            .select(panels::id)
            .load(&mut conn)?
    };
    ids.into_iter().map(|id| view(&mut conn, actor, id)).collect()
}

/// The panels the person belongs to (as a member or coordinator), by name.
pub fn ids_of_person(conn: &mut AnyConnection, person_id: i64) -> AppResult<Vec<i64>> {
    Ok(panels::table
        .inner_join(panel_members::table)
        .filter(panel_members::person_id.eq(person_id))
        .order(panels::name)
        .select(panels::id)
        .load(conn)?)
}

/// One panel the actor may see.
pub fn get(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Panel> {
    let mut conn = ctx.db.read()?;
    visible_standing(&mut conn, actor, id)?;
    view(&mut conn, actor, id)
}

/// A panel's view for the actor (who is known to see it).
pub fn view(conn: &mut AnyConnection, actor: &Actor, id: i64) -> AppResult<Panel> {
    let s = standing(conn, actor, id)?;
    let (name, description, active, created_at) = panels::table
        .find(id)
        .select((panels::name, panels::description, panels::active, panels::created_at))
        .first::<(String, String, bool, NaiveDateTime)>(conn)?;
    let units = panel_units::table
        .inner_join(units::table)
        .filter(panel_units::panel_id.eq(id))
        .order(units::name)
        .select((units::id, units::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| UnitRef { id, name })
        .collect();
    let coordinators = panel_members::table
        .inner_join(people::table)
        .filter(panel_members::panel_id.eq(id))
        .filter(panel_members::role.eq(MemberRole::Coordinator.as_str()))
        .order(people::name)
        .select((people::id, people::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| PersonRef { id, name })
        .collect();
    let member_count = panel_members::table
        .filter(panel_members::panel_id.eq(id))
        .filter(panel_members::role.eq(MemberRole::Member.as_str()))
        .count()
        .get_result(conn)?;
    Ok(Panel {
        id,
        name,
        description,
        active,
        units,
        coordinators,
        member_count,
        my_role: s.role,
        can_manage: s.manages(),
        can: s.permissions(),
        created_at,
    })
}

/// One person in a panel, as its coordinators see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub role: MemberRole,
    #[serde(with = "crate::domain::utc")]
    pub joined_at: NaiveDateTime,
    /// Whether those who run the panel remove them here (coordinators change on the panel's form).
    pub removable: bool,
}

/// The panel's coordinators and members, by name (those who run it only: members' addresses
/// are personal data).
pub fn members(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Vec<Member>> {
    let mut conn = ctx.db.read()?;
    managing_standing(&mut conn, actor, id)?;
    Ok(panel_members::table
        .inner_join(people::table)
        .filter(panel_members::panel_id.eq(id))
        .order((panel_members::role, people::name))
        .select((
            people::id,
            people::name,
            people::email,
            panel_members::role,
            panel_members::joined_at,
        ))
        .load::<(i64, String, String, MemberRole, NaiveDateTime)>(&mut conn)?
        .into_iter()
        .map(|(person_id, name, email, role, joined_at)| Member {
            person_id,
            name,
            email,
            role,
            joined_at,
            removable: role == MemberRole::Member,
        })
        .collect())
}

/// Adding an existing customer to a panel.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub email: String,
}

/// Adds an existing customer account as a member (those who run the panel).
pub fn add_member(ctx: &Context, actor: &Actor, id: i64, input: &NewMember) -> AppResult<i64> {
    let mut v = Validator::new();
    let email = v.email("email", &input.email);
    v.finish()?;
    ctx.db.transaction(|conn| {
        managing_standing(conn, actor, id)?;
        let person = people::table
            .filter(people::email.eq(&email))
            .filter(people::active.eq(true))
            .select((people::id, people::kind))
            .first::<(i64, String)>(conn)
            .optional()?;
        let Some((person_id, kind)) = person else {
            return Err(AppError::field("email", "unknown_customer"));
        };
        if kind != PersonKind::Customer.as_str() {
            return Err(AppError::field("email", "not_customer"));
        }
        join(conn, id, person_id, Some(actor.id))?;
        Ok(person_id)
    })
}

/// Makes a customer a member; someone already in the panel is refused with a field error.
pub(crate) fn join(conn: &mut AnyConnection, panel_id: i64, person_id: i64, by: Option<i64>) -> AppResult<()> {
    let already = panel_members::table
        .find((panel_id, person_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if already {
        return Err(AppError::field("email", "already_member"));
    }
    diesel::insert_into(panel_members::table)
        .values((
            panel_members::panel_id.eq(panel_id),
            panel_members::person_id.eq(person_id),
            panel_members::role.eq(MemberRole::Member.as_str()),
            panel_members::joined_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    events::record(
        conn,
        by.or(Some(person_id)),
        "panel_member_joined",
        "panel",
        panel_id,
        serde_json::json!({ "person_id": person_id }),
    )
}

/// Takes a member out of a panel: members leave themselves, those who run it remove anyone.
pub fn remove_member(ctx: &Context, actor: &Actor, id: i64, person_id: i64) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let s = visible_standing(conn, actor, id)?;
        if person_id != actor.id && !s.manages() {
            return Err(AppError::Forbidden);
        }
        let removed = diesel::delete(panel_members::table.find((id, person_id))).execute(conn)?;
        if removed == 0 {
            return Err(AppError::NotFound);
        }
        let verb = if person_id == actor.id {
            "panel_member_left"
        } else {
            "panel_member_removed"
        };
        events::record(
            conn,
            Some(actor.id),
            verb,
            "panel",
            id,
            serde_json::json!({ "person_id": person_id }),
        )
    })
}

/// The ids of a panel's people in `role`.
pub(crate) fn people_in(conn: &mut AnyConnection, panel_id: i64, role: MemberRole) -> AppResult<Vec<i64>> {
    Ok(panel_members::table
        .filter(panel_members::panel_id.eq(panel_id))
        .filter(panel_members::role.eq(role.as_str()))
        .select(panel_members::person_id)
        .load(conn)?)
}

/// Whether the actor may create panels.
pub fn may_create(actor: &Actor) -> bool {
    crate::domain::policy::capabilities(actor).create_panels
}

/// One of the person's panels on their home page.
#[derive(Debug, Clone, Serialize)]
pub struct PanelDigest {
    pub id: i64,
    pub name: String,
    /// The newest shared items.
    pub shares: Vec<shares::Share>,
    /// Rounds open now.
    pub open_rounds: Vec<rounds::RoundSummary>,
}

/// An idea of the person's own, for their home page.
#[derive(Debug, Clone, Serialize)]
pub struct OwnIdea {
    pub id: i64,
    pub title: String,
    pub status: super::ideas::IdeaStatus,
    pub lang: String,
}

/// A panel member's home: their panels with what is shared and open rounds, and their ideas.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MemberHome {
    pub panels: Vec<PanelDigest>,
    pub own_ideas: Vec<OwnIdea>,
}

/// How many shared items each panel shows on the home page.
const HOME_SHARES: i64 = 5;

/// What the home page shows of the person's panels; empty for those in no panel.
pub fn home(ctx: &Context, actor: &Actor) -> AppResult<MemberHome> {
    let mut conn = ctx.db.read()?;
    let ids = ids_of_person(&mut conn, actor.id)?;
    if ids.is_empty() {
        return Ok(MemberHome::default());
    }
    let open = rounds::open_for(&mut conn, actor.id)?;
    let mut panels_out = Vec::with_capacity(ids.len());
    for id in ids {
        let name = panels::table.find(id).select(panels::name).first::<String>(&mut conn)?;
        panels_out.push(PanelDigest {
            id,
            name,
            shares: shares::of_panel(&mut conn, id, HOME_SHARES)?,
            open_rounds: open.iter().filter(|r| r.panel_id == id).cloned().collect(),
        });
    }
    let own_ideas = crate::db::schema::ideas::table
        .filter(crate::db::schema::ideas::author_id.eq(actor.id))
        .order(crate::db::schema::ideas::id.desc())
        .limit(10)
        .select((
            crate::db::schema::ideas::id,
            crate::db::schema::ideas::title,
            crate::db::schema::ideas::status,
            crate::db::schema::ideas::lang,
        ))
        .load::<(i64, String, super::ideas::IdeaStatus, String)>(&mut conn)?
        .into_iter()
        .map(|(id, title, status, lang)| OwnIdea {
            id,
            title,
            status,
            lang,
        })
        .collect();
    Ok(MemberHome {
        panels: panels_out,
        own_ideas,
    })
}

/// A panel's id and name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PanelRef {
    pub id: i64,
    pub name: String,
}

/// The panels the actor runs (and so may share items with), by name; most people run none,
/// and for them this is one indexed query or none.
pub fn run_by(ctx: &Context, actor: &Actor) -> AppResult<Vec<PanelRef>> {
    if actor.kind != PersonKind::Employee {
        return Ok(Vec::new());
    }
    let mut conn = ctx.db.read()?;
    let may_manage_any = actor.is_admin() || actor.holds(RoleKind::Manager);
    let candidates: Vec<(i64, String)> = if may_manage_any {
        panels::table
            .order(panels::name)
            .select((panels::id, panels::name))
            .load(&mut conn)?
    } else {
        panels::table
            .inner_join(panel_members::table)
            .filter(panel_members::person_id.eq(actor.id))
            .filter(panel_members::role.eq(MemberRole::Coordinator.as_str()))
            .order(panels::name)
            .select((panels::id, panels::name))
            .load(&mut conn)?
    };
    let runs_all = actor.is_admin() || actor.holds_unscoped(RoleKind::Manager);
    let mut out = Vec::new();
    for (id, name) in candidates {
        if runs_all || standing(&mut conn, actor, id)?.manages() {
            out.push(PanelRef { id, name });
        }
    }
    Ok(out)
}
