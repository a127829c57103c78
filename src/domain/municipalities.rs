//! Municipalities: the members of the joint authority.

use super::access::Actor;
use super::policy::people::{Record, require_edit};
use super::validate::Validator;
use super::{Context, events};
use crate::db::AnyConnection;
use crate::db::schema::municipalities;
use crate::error::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// A member municipality.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = municipalities)]
pub struct Municipality {
    pub id: i64,
    pub name: String,
    pub active: bool,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// A municipality named on another record's page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MunicipalityRef {
    pub id: i64,
    pub name: String,
}

/// Every municipality, by name.
pub fn list(ctx: &Context) -> AppResult<Vec<Municipality>> {
    let mut conn = ctx.db.read()?;
    Ok(municipalities::table
        .order(municipalities::name)
        .select(Municipality::as_select())
        .load(&mut conn)?)
}

/// One municipality.
pub fn get(ctx: &Context, id: i64) -> AppResult<Municipality> {
    let mut conn = ctx.db.read()?;
    Ok(municipalities::table
        .find(id)
        .select(Municipality::as_select())
        .first(&mut conn)?)
}

/// A new municipality.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMunicipality {
    pub name: String,
}

/// Changes to a municipality; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityPatch {
    pub name: Option<String>,
    pub active: Option<bool>,
}

fn check_name_free(conn: &mut AnyConnection, v: &mut Validator, name: &str, except: Option<i64>) -> AppResult<()> {
    if v.has("name") {
        return Ok(());
    }
    let taken = municipalities::table
        .filter(municipalities::name.eq(name))
        .filter(municipalities::id.ne(except.unwrap_or(-1)))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if taken {
        v.add("name", "taken");
    }
    Ok(())
}

/// Adds a municipality; administrators only.
pub fn create(ctx: &Context, actor: &Actor, input: &NewMunicipality) -> AppResult<i64> {
    require_edit(actor, Record::Municipality)?;
    let mut v = Validator::new();
    let name = v.name("name", &input.name);
    ctx.db.transaction(|conn| {
        check_name_free(conn, &mut v, &name, None)?;
        std::mem::take(&mut v).finish()?;
        let id = diesel::insert_into(municipalities::table)
            .values((
                municipalities::name.eq(&name),
                municipalities::created_at.eq(crate::clock::now()),
            ))
            .returning(municipalities::id)
            .get_result::<i64>(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "created",
            "municipality",
            id,
            serde_json::json!({ "name": name }),
        )?;
        Ok(id)
    })
}

/// Renames, deactivates or reactivates a municipality; administrators only.
pub fn update(ctx: &Context, actor: &Actor, id: i64, patch: &MunicipalityPatch) -> AppResult<()> {
    require_edit(actor, Record::Municipality)?;
    let mut v = Validator::new();
    let name = patch.name.as_deref().map(|n| v.name("name", n));
    ctx.db.transaction(|conn| {
        let current = municipalities::table
            .find(id)
            .select(Municipality::as_select())
            .first(conn)?;
        if let Some(n) = &name {
            check_name_free(conn, &mut v, n, Some(id))?;
        }
        std::mem::take(&mut v).finish()?;
        let new_name = name.clone().unwrap_or(current.name.clone());
        let active = patch.active.unwrap_or(current.active);
        diesel::update(municipalities::table.find(id))
            .set((municipalities::name.eq(&new_name), municipalities::active.eq(active)))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "updated",
            "municipality",
            id,
            serde_json::json!({ "name": new_name, "active": active, "previous_name": current.name }),
        )?;
        Ok(())
    })
}
