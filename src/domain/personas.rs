//! Customer personas and service paths (seed 000): ideas can be placed on a persona and a stage.

use super::access::Actor;
use super::ideas::list::{self, IdeaFilter, IdeaSummary};
use super::policy::catalog::{Catalog, require_edit};
use super::validate::Validator;
use super::{Context, events};
use crate::db::AnyConnection;
use crate::db::schema::{ideas, personas, service_path_stages, service_paths};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// A customer persona.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = personas)]
pub struct Persona {
    pub id: i64,
    pub name: String,
    pub description: String,
}

/// A persona's name and description.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonaInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Every persona, by name.
pub fn list_personas(ctx: &Context) -> AppResult<Vec<Persona>> {
    let mut conn = ctx.db.read()?;
    Ok(personas::table
        .order(personas::name)
        .select(Persona::as_select())
        .load(&mut conn)?)
}

/// One persona.
pub fn get_persona(ctx: &Context, id: i64) -> AppResult<Persona> {
    let mut conn = ctx.db.read()?;
    Ok(personas::table.find(id).select(Persona::as_select()).first(&mut conn)?)
}

fn check_persona(input: &PersonaInput) -> AppResult<(String, String)> {
    let mut v = Validator::new();
    let name = v.name("name", &input.name);
    let description = v.text("description", &input.description, 0, 10_000);
    v.finish()?;
    Ok((name, description))
}

/// Adds a persona (managers and administrators).
pub fn create_persona(ctx: &Context, actor: &Actor, input: &PersonaInput) -> AppResult<i64> {
    require_edit(actor, Catalog::Persona)?;
    let (name, description) = check_persona(input)?;
    ctx.db.transaction(|conn| {
        let id = diesel::insert_into(personas::table)
            .values((
                personas::name.eq(&name),
                personas::description.eq(&description),
                personas::created_at.eq(crate::clock::now()),
            ))
            .returning(personas::id)
            .get_result::<i64>(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "created",
            "persona",
            id,
            serde_json::json!({ "name": name }),
        )?;
        Ok(id)
    })
}

/// Changes a persona (managers and administrators).
pub fn update_persona(ctx: &Context, actor: &Actor, id: i64, input: &PersonaInput) -> AppResult<()> {
    require_edit(actor, Catalog::Persona)?;
    let (name, description) = check_persona(input)?;
    ctx.db.transaction(|conn| {
        let n = diesel::update(personas::table.find(id))
            .set((personas::name.eq(&name), personas::description.eq(&description)))
            .execute(conn)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        events::record(
            conn,
            Some(actor.id),
            "updated",
            "persona",
            id,
            serde_json::json!({ "name": name }),
        )
    })
}

/// A stage of a service path.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stage {
    pub id: i64,
    pub position: i32,
    pub name: String,
}

/// A service path with its ordered stages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServicePath {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub stages: Vec<Stage>,
}

/// A service path's name, description and stage names in order. Existing stages keep their
/// identity by position; a stage that ideas use cannot be removed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicePathInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub stages: Vec<String>,
}

fn stages_of(conn: &mut AnyConnection, path: i64) -> AppResult<Vec<Stage>> {
    Ok(service_path_stages::table
        .filter(service_path_stages::service_path_id.eq(path))
        .order(service_path_stages::position)
        .select((
            service_path_stages::id,
            service_path_stages::position,
            service_path_stages::name,
        ))
        .load::<(i64, i32, String)>(conn)?
        .into_iter()
        .map(|(id, position, name)| Stage { id, position, name })
        .collect())
}

/// Every service path with its stages, by name.
pub fn list_paths(ctx: &Context) -> AppResult<Vec<ServicePath>> {
    let mut conn = ctx.db.read()?;
    let rows = service_paths::table
        .order(service_paths::name)
        .select((service_paths::id, service_paths::name, service_paths::description))
        .load::<(i64, String, String)>(&mut conn)?;
    rows.into_iter()
        .map(|(id, name, description)| {
            Ok(ServicePath {
                id,
                name,
                description,
                stages: stages_of(&mut conn, id)?,
            })
        })
        .collect()
}

/// One service path.
pub fn get_path(ctx: &Context, id: i64) -> AppResult<ServicePath> {
    let mut conn = ctx.db.read()?;
    let (id, name, description) = service_paths::table
        .find(id)
        .select((service_paths::id, service_paths::name, service_paths::description))
        .first::<(i64, String, String)>(&mut conn)?;
    Ok(ServicePath {
        id,
        name,
        description,
        stages: stages_of(&mut conn, id)?,
    })
}

fn check_path(input: &ServicePathInput) -> AppResult<(String, String, Vec<String>)> {
    let mut v = Validator::new();
    let name = v.name("name", &input.name);
    let description = v.text("description", &input.description, 0, 10_000);
    let stages: Vec<String> = input
        .stages
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if stages.is_empty() {
        v.add("stages", "required");
    } else if stages.len() > 30 || stages.iter().any(|s| s.chars().count() > 200) {
        v.add("stages", "too_long");
    }
    v.finish()?;
    Ok((name, description, stages))
}

fn write_stages(conn: &mut AnyConnection, path: i64, names: &[String]) -> AppResult<()> {
    let existing = stages_of(conn, path)?;
    for (i, name) in names.iter().enumerate() {
        match existing.get(i) {
            Some(s) => {
                diesel::update(service_path_stages::table.find(s.id))
                    .set((
                        service_path_stages::name.eq(name),
                        service_path_stages::position.eq(i as i32),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(service_path_stages::table)
                    .values((
                        service_path_stages::service_path_id.eq(path),
                        service_path_stages::position.eq(i as i32),
                        service_path_stages::name.eq(name),
                    ))
                    .execute(conn)?;
            }
        }
    }
    for removed in existing.iter().skip(names.len()) {
        let used = ideas::table
            .filter(ideas::stage_id.eq(removed.id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if used {
            return Err(AppError::conflict("stage_in_use", "ideas are placed on this stage"));
        }
        diesel::delete(service_path_stages::table.find(removed.id)).execute(conn)?;
    }
    Ok(())
}

/// Adds a service path (managers and administrators).
pub fn create_path(ctx: &Context, actor: &Actor, input: &ServicePathInput) -> AppResult<i64> {
    require_edit(actor, Catalog::ServicePath)?;
    let (name, description, stages) = check_path(input)?;
    ctx.db.transaction(|conn| {
        let id = diesel::insert_into(service_paths::table)
            .values((
                service_paths::name.eq(&name),
                service_paths::description.eq(&description),
                service_paths::created_at.eq(crate::clock::now()),
            ))
            .returning(service_paths::id)
            .get_result::<i64>(conn)?;
        write_stages(conn, id, &stages)?;
        events::record(
            conn,
            Some(actor.id),
            "created",
            "service_path",
            id,
            serde_json::json!({ "name": name }),
        )?;
        Ok(id)
    })
}

/// Changes a service path (managers and administrators).
pub fn update_path(ctx: &Context, actor: &Actor, id: i64, input: &ServicePathInput) -> AppResult<()> {
    require_edit(actor, Catalog::ServicePath)?;
    let (name, description, stages) = check_path(input)?;
    ctx.db.transaction(|conn| {
        let n = diesel::update(service_paths::table.find(id))
            .set((
                service_paths::name.eq(&name),
                service_paths::description.eq(&description),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        write_stages(conn, id, &stages)?;
        events::record(
            conn,
            Some(actor.id),
            "updated",
            "service_path",
            id,
            serde_json::json!({ "name": name }),
        )
    })
}

/// One column of the service-path board.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardColumn {
    pub stage: Stage,
    pub ideas: Vec<IdeaSummary>,
}

/// The ideas at each stage of a path (the 100 most recent per stage), filterable by persona and unit.
pub fn board(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    persona: Option<i64>,
    unit: Option<i64>,
) -> AppResult<Vec<BoardColumn>> {
    let path = get_path(ctx, id)?;
    path.stages
        .into_iter()
        .map(|stage| {
            let filter = IdeaFilter {
                stage: Some(stage.id),
                persona,
                unit,
                limit: Some(100),
                ..Default::default()
            };
            Ok(BoardColumn {
                ideas: list::list(ctx, actor, &filter)?.items,
                stage,
            })
        })
        .collect()
}
