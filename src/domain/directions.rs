//! Development directions: the yearly themes agreed with each municipality or organisation-wide.

use super::access::Actor;
use super::policy::catalog::{Catalog, permissions, require_edit, require_read};
use super::validate::Validator;
use super::{Context, events};
use crate::db::schema::{directions, municipalities};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// A development direction.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Direction {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub year: i32,
    /// Absent: organisation-wide.
    pub municipality_id: Option<i64>,
    pub municipality_name: Option<String>,
}

type Row = (i64, String, String, i32, Option<i64>, Option<String>);

fn from_row((id, name, description, year, municipality_id, municipality_name): Row) -> Direction {
    Direction {
        id,
        name,
        description,
        year,
        municipality_id,
        municipality_name,
    }
}

/// Directions with their municipality's name, newest year first, filtered by year or id.
fn load(ctx: &Context, year: Option<i32>, id: Option<i64>) -> AppResult<Vec<Direction>> {
    let mut conn = ctx.db.read()?;
    let mut q = directions::table
        .left_join(municipalities::table)
        .select((
            directions::id,
            directions::name,
            directions::description,
            directions::year,
            directions::municipality_id,
            municipalities::name.nullable(),
        ))
        .order((directions::year.desc(), directions::name))
        .into_boxed();
    if let Some(y) = year {
        q = q.filter(directions::year.eq(y));
    }
    if let Some(id) = id {
        q = q.filter(directions::id.eq(id));
    }
    Ok(q.load::<Row>(&mut conn)?.into_iter().map(from_row).collect())
}

/// Every direction, newest year first; optionally one year only (staff, managers and
/// administrators).
pub fn list(ctx: &Context, actor: &Actor, year: Option<i32>) -> AppResult<Vec<Direction>> {
    require_read(actor, Catalog::Direction)?;
    load(ctx, year, None)
}

/// The directions offered in the actor's forms and filters: none to those who may not read them.
pub fn choices(ctx: &Context, actor: &Actor) -> AppResult<Vec<Direction>> {
    if permissions(actor, Catalog::Direction).read {
        load(ctx, None, None)
    } else {
        Ok(Vec::new())
    }
}

/// One direction.
pub fn get(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Direction> {
    require_read(actor, Catalog::Direction)?;
    load(ctx, None, Some(id))?.into_iter().next().ok_or(AppError::NotFound)
}

/// A reference to a direction.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectionRef {
    pub id: i64,
    pub name: String,
    pub year: i32,
}

/// A new or changed direction.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectionInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub year: i32,
    /// Absent: organisation-wide.
    pub municipality_id: Option<i64>,
}

fn validate(conn: &mut crate::db::AnyConnection, input: &DirectionInput) -> AppResult<(String, String)> {
    let mut v = Validator::new();
    let name = v.name("name", &input.name);
    let description = v.text("description", &input.description, 0, 10_000);
    if !(2000..=2100).contains(&input.year) {
        v.add("year", "invalid_value");
    }
    if let Some(m) = input.municipality_id {
        let exists = municipalities::table.find(m).count().get_result::<i64>(conn)? > 0;
        if !exists {
            v.add("municipality_id", "unknown");
        }
    }
    v.finish()?;
    Ok((name, description))
}

/// Records a direction.
pub fn create(ctx: &Context, actor: &Actor, input: &DirectionInput) -> AppResult<i64> {
    require_edit(actor, Catalog::Direction)?;
    ctx.db.transaction(|conn| {
        let (name, description) = validate(conn, input)?;
        let id = diesel::insert_into(directions::table)
            .values((
                directions::name.eq(&name),
                directions::description.eq(&description),
                directions::year.eq(input.year),
                directions::municipality_id.eq(input.municipality_id),
                directions::created_by.eq(Some(actor.id)),
                directions::created_at.eq(crate::clock::now()),
            ))
            .returning(directions::id)
            .get_result::<i64>(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "created",
            "direction",
            id,
            serde_json::json!({ "name": name, "year": input.year }),
        )?;
        Ok(id)
    })
}

/// Changes a direction.
pub fn update(ctx: &Context, actor: &Actor, id: i64, input: &DirectionInput) -> AppResult<()> {
    require_edit(actor, Catalog::Direction)?;
    ctx.db.transaction(|conn| {
        directions::table.find(id).select(directions::id).first::<i64>(conn)?;
        let (name, description) = validate(conn, input)?;
        diesel::update(directions::table.find(id))
            .set((
                directions::name.eq(&name),
                directions::description.eq(&description),
                directions::year.eq(input.year),
                directions::municipality_id.eq(input.municipality_id),
            ))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "updated",
            "direction",
            id,
            serde_json::json!({ "name": name, "year": input.year }),
        )
    })
}
