//! The organisation itself and its first-run setup.

use super::access::{PersonKind, RoleKind};
use super::validate::Validator;
use super::{Context, events, people};
use crate::db::schema::organisation;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use diesel::prelude::*;
use serde::Deserialize;

/// The organisation's name, or None before first-run setup.
pub fn name(ctx: &Context) -> AppResult<Option<String>> {
    if let Some(name) = ctx.organisation_name.get() {
        return Ok(Some(name.clone()));
    }
    let mut conn = ctx.db.read()?;
    let name = organisation::table
        .order(organisation::id)
        .select(organisation::name)
        .first::<String>(&mut conn)
        .optional()?;
    if let Some(n) = &name {
        let _ = ctx.organisation_name.set(n.clone());
    }
    Ok(name)
}

/// Creates the organisation record (command-line setup); refused once done.
pub fn create(ctx: &Context, name: &str) -> AppResult<i64> {
    let mut v = Validator::new();
    let name = v.name("organisation_name", name);
    v.finish()?;
    ctx.db.transaction(|conn| create_in(conn, &name))
}

/// Inserts the organisation inside a caller's transaction; refused once done.
pub fn create_in(conn: &mut crate::db::AnyConnection, name: &str) -> AppResult<i64> {
    let exists = organisation::table.count().get_result::<i64>(conn)? > 0;
    if exists {
        return Err(AppError::conflict(
            "already_set_up",
            "the organisation is already set up",
        ));
    }
    let id = diesel::insert_into(organisation::table)
        .values((
            organisation::name.eq(name),
            organisation::created_at.eq(crate::clock::now()),
        ))
        .returning(organisation::id)
        .get_result::<i64>(conn)?;
    events::record(
        conn,
        None,
        "set_up",
        "organisation",
        id,
        serde_json::json!({ "name": name }),
    )?;
    Ok(id)
}

/// What first-run setup asks.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SetupInput {
    pub organisation_name: String,
    pub email: String,
    pub name: String,
    pub password: String,
}

/// Creates the organisation and its first administrator; refused once done.
pub fn setup(ctx: &Context, input: &SetupInput, locale: Locale) -> AppResult<i64> {
    let mut v = Validator::new();
    let org_name = v.name("organisation_name", &input.organisation_name);
    let name = v.name("name", &input.name);
    let email = v.email("email", &input.email);
    v.password("password", &input.password);
    v.finish()?;
    let hash = crate::auth::password::hash(&input.password)?;
    ctx.db.transaction(|conn| {
        create_in(conn, &org_name)?;
        let person = people::insert_person(
            conn,
            &people::NewPersonRow {
                email: &email,
                name: &name,
                kind: PersonKind::Employee,
                password_hash: Some(&hash),
                locale,
                email_verified: true,
            },
        )?;
        people::insert_role(conn, person, RoleKind::Admin, None)?;
        events::record(
            conn,
            Some(person),
            "created",
            "person",
            person,
            serde_json::json!({ "via": "setup", "role": "admin" }),
        )?;
        Ok(person)
    })
}
