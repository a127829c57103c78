//! People: kinds, units, scoped roles; administrators manage them.

use super::access::{self, Actor, PersonKind, RoleKind};
use super::policy::people::{Record, require_edit, require_read};
use super::validate::Validator;
use super::{Context, Page, PageRequest, events, mail};
use crate::auth::tokens::Purpose;
use crate::db::AnyConnection;
use crate::db::schema::{people, person_units, role_assignments, units};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// SQL lower(): ASCII letters on SQLite, every letter on PostgreSQL.
pub mod sql {
    diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
}
pub use sql::lower;

/// A LIKE pattern (escape `\\`) for names and emails containing `text`, in lower case.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The columns to insert for a new person.
pub struct NewPersonRow<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub kind: PersonKind,
    pub password_hash: Option<&'a str>,
    pub locale: Locale,
    pub email_verified: bool,
}

/// Inserts a person and returns the id.
pub fn insert_person(conn: &mut AnyConnection, p: &NewPersonRow) -> AppResult<i64> {
    let at = crate::clock::now();
    Ok(diesel::insert_into(people::table)
        .values((
            people::email.eq(p.email),
            people::name.eq(p.name),
            people::kind.eq(p.kind.as_str()),
            people::password_hash.eq(p.password_hash),
            people::locale.eq(p.locale.code()),
            people::email_verified.eq(p.email_verified),
            people::created_at.eq(at),
            people::updated_at.eq(at),
        ))
        .returning(people::id)
        .get_result::<i64>(conn)?)
}

/// Grants a role and returns its id.
pub fn insert_role(conn: &mut AnyConnection, person_id: i64, role: RoleKind, unit_id: Option<i64>) -> AppResult<i64> {
    Ok(diesel::insert_into(role_assignments::table)
        .values((
            role_assignments::person_id.eq(person_id),
            role_assignments::role.eq(role.as_str()),
            role_assignments::unit_id.eq(unit_id),
            role_assignments::created_at.eq(crate::clock::now()),
        ))
        .returning(role_assignments::id)
        .get_result::<i64>(conn)?)
}

/// Replaces a person's units.
pub fn set_units(conn: &mut AnyConnection, person_id: i64, unit_ids: &[i64]) -> AppResult<()> {
    diesel::delete(person_units::table.filter(person_units::person_id.eq(person_id))).execute(conn)?;
    let mut ids = unit_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for u in ids {
        diesel::insert_into(person_units::table)
            .values((person_units::person_id.eq(person_id), person_units::unit_id.eq(u)))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether an email is already someone's.
pub fn email_taken(conn: &mut AnyConnection, email: &str, except: Option<i64>) -> AppResult<bool> {
    Ok(people::table
        .filter(people::email.eq(email))
        .filter(people::id.ne(except.unwrap_or(-1)))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// A person in lists.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = people)]
pub struct PersonSummary {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// employee, customer or trustee.
    pub kind: String,
    pub active: bool,
    pub email_verified: bool,
}

/// A unit reference.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
}

/// A held role, with its unit's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoleView {
    pub id: i64,
    pub role: RoleKind,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// A manager's role over the whole organisation (not scoped to a unit).
    pub organisation_wide: bool,
}

/// A person with units and roles.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    #[serde(flatten)]
    pub summary: PersonSummary,
    pub locale: String,
    pub units: Vec<UnitRef>,
    pub roles: Vec<RoleView>,
    /// A trustee, who represents municipalities.
    pub represents_municipalities: bool,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// Loads a person's full view.
pub fn view(conn: &mut AnyConnection, id: i64) -> AppResult<PersonView> {
    let (summary, locale, created_at) = people::table
        .find(id)
        .select((PersonSummary::as_select(), people::locale, people::created_at))
        .first::<(PersonSummary, String, NaiveDateTime)>(conn)?;
    let units = person_units::table
        .inner_join(units::table)
        .filter(person_units::person_id.eq(id))
        .order(units::name)
        .select((units::id, units::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| UnitRef { id, name })
        .collect();
    let roles = role_assignments::table
        .left_join(units::table)
        .filter(role_assignments::person_id.eq(id))
        .order(role_assignments::id)
        .select((
            role_assignments::id,
            role_assignments::role,
            role_assignments::unit_id,
            units::name.nullable(),
        ))
        .load::<(i64, RoleKind, Option<i64>, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, role, unit_id, unit_name)| RoleView {
            id,
            role,
            organisation_wide: role == RoleKind::Manager && unit_id.is_none(),
            unit_id,
            unit_name,
        })
        .collect();
    Ok(PersonView {
        represents_municipalities: summary.kind == PersonKind::Trustee.as_str(),
        summary,
        locale,
        units,
        roles,
        created_at,
    })
}

/// One person: administrators see anyone, others only themselves.
pub fn get(ctx: &Context, actor: &Actor, id: i64) -> AppResult<PersonView> {
    require_read(actor, Record::Person, actor.id == id)?;
    let mut conn = ctx.db.read()?;
    view(&mut conn, id)
}

/// Filters of the people list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeopleFilter {
    /// Part of the name or email.
    pub q: Option<String>,
    /// employee, customer or trustee.
    pub kind: Option<String>,
    pub active: Option<bool>,
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

/// People by id, filtered; administrators only.
pub fn list(ctx: &Context, actor: &Actor, filter: &PeopleFilter) -> AppResult<Page<PersonSummary>> {
    require_read(actor, Record::Person, false)?;
    let limit = PageRequest {
        after: filter.after,
        limit: filter.limit,
    }
    .limit();
    let mut q = people::table
        .select(PersonSummary::as_select())
        .order(people::id)
        .limit(limit + 1)
        .into_boxed();
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = contains_pattern(text);
        q = q.filter(
            lower(people::name)
                .like(pattern.clone())
                .escape('\\')
                .or(people::email.like(pattern).escape('\\')),
        );
    }
    if let Some(kind) = filter.kind.as_deref().filter(|k| !k.is_empty()) {
        q = q.filter(people::kind.eq(kind.to_string()));
    }
    if let Some(active) = filter.active {
        q = q.filter(people::active.eq(active));
    }
    if let Some(after) = filter.after {
        q = q.filter(people::id.gt(after));
    }
    let mut conn = ctx.db.read()?;
    let rows = q.load(&mut conn)?;
    Ok(Page::from_rows(rows, limit, |p| p.id))
}

/// A person an administrator adds. Without a password an invitation is emailed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub email: String,
    pub name: String,
    /// employee, customer or trustee.
    pub kind: String,
    pub password: Option<String>,
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    /// fi, sv or en (default fi).
    pub locale: Option<String>,
}

/// Changes to a person; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub active: Option<bool>,
    pub locale: Option<String>,
    pub unit_ids: Option<Vec<i64>>,
}

/// A role to grant.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    /// key_expert, manager or admin.
    pub role: String,
    /// The unit whose subtree it covers: required for key_expert, optional for manager
    /// (absent: the whole organisation), not allowed for admin.
    pub unit_id: Option<i64>,
}

fn check_units(conn: &mut AnyConnection, v: &mut Validator, field: &str, ids: &[i64]) -> AppResult<()> {
    let mut distinct = ids.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let found = units::table
        .filter(units::id.eq_any(&distinct))
        .count()
        .get_result::<i64>(conn)?;
    if found != distinct.len() as i64 {
        v.add(field, "unknown");
    }
    Ok(())
}

fn parse_kind(v: &mut Validator, value: &str) -> PersonKind {
    PersonKind::parse(value).unwrap_or_else(|| {
        v.add("kind", "invalid_choice");
        PersonKind::Employee
    })
}

fn parse_locale(v: &mut Validator, value: Option<&str>) -> Locale {
    match value.filter(|l| !l.is_empty()) {
        None => Locale::Fi,
        Some(l) => Locale::parse(l).filter(|p| p.code() == l).unwrap_or_else(|| {
            v.add("locale", "invalid_choice");
            Locale::Fi
        }),
    }
}

/// Adds a person; administrators only. Without a password, an invitation link is emailed.
pub fn create(ctx: &Context, actor: &Actor, input: &NewPerson) -> AppResult<i64> {
    require_edit(actor, Record::Person)?;
    insert_new(ctx, Some(actor.id), &actor.name, input, None)
}

/// Adds a person from the command line (an operator with database access), optionally with
/// one role; creates the organisation first when `organisation` is given and none exists.
pub fn create_as_operator(
    ctx: &Context,
    input: &NewPerson,
    role: Option<&NewRole>,
    organisation: Option<&str>,
) -> AppResult<i64> {
    if let Some(name) = organisation.filter(|_| super::organisation::name(ctx).ok().flatten().is_none()) {
        super::organisation::create(ctx, name)?;
    }
    let org = super::organisation::name(ctx)?.unwrap_or_default();
    insert_new(ctx, None, &org, input, role)
}

fn insert_new(
    ctx: &Context,
    actor_id: Option<i64>,
    inviter: &str,
    input: &NewPerson,
    role: Option<&NewRole>,
) -> AppResult<i64> {
    let mut v = Validator::new();
    let email = v.email("email", &input.email);
    let name = v.name("name", &input.name);
    let kind = parse_kind(&mut v, &input.kind);
    let locale = parse_locale(&mut v, input.locale.as_deref());
    let password = input.password.as_deref().filter(|p| !p.is_empty());
    if let Some(p) = password {
        v.password("password", p);
    }
    let role_kind = role.map(|r| check_role(&mut v, r, kind));
    let hash = password.map(crate::auth::password::hash).transpose()?;
    let org = super::organisation::name(ctx)?.unwrap_or_default();
    ctx.db.transaction(|conn| {
        check_units(conn, &mut v, "unit_ids", &input.unit_ids)?;
        if let Some(u) = role.and_then(|r| r.unit_id) {
            check_units(conn, &mut v, "unit_id", &[u])?;
        }
        if !v.has("email") && email_taken(conn, &email, None)? {
            v.add("email", "taken");
        }
        std::mem::take(&mut v).finish()?;
        let id = insert_person(
            conn,
            &NewPersonRow {
                email: &email,
                name: &name,
                kind,
                password_hash: hash.as_deref(),
                locale,
                email_verified: hash.is_some(),
            },
        )?;
        set_units(conn, id, &input.unit_ids)?;
        events::record(
            conn,
            actor_id,
            "created",
            "person",
            id,
            serde_json::json!({ "kind": kind.as_str(), "invited": hash.is_none(), "unit_ids": input.unit_ids }),
        )?;
        if let (Some(kind), Some(r)) = (role_kind, role) {
            insert_role(conn, id, kind, r.unit_id)?;
            events::record(
                conn,
                actor_id,
                "role_granted",
                "person",
                id,
                serde_json::json!({ "role": kind.as_str(), "unit_id": r.unit_id }),
            )?;
        }
        if hash.is_none() {
            let (token, _) = ctx.tokens.issue(Purpose::Invite, id, 0);
            let link = ctx.link(&format!("/invitation?token={token}"));
            let days = ctx.settings.auth.invitation_days.to_string();
            mail::enqueue_template(
                conn,
                &email,
                locale,
                "invitation",
                &[
                    ("name", &name),
                    ("inviter", inviter),
                    ("link", &link),
                    ("days", &locale.tf("common.days_n", &[("n", &days)])),
                    ("organisation", &org),
                ],
            )?;
        }
        Ok(id)
    })
}

/// Validates a role for a person of `kind`; the returned kind is meaningful only without errors.
fn check_role(v: &mut Validator, input: &NewRole, kind: PersonKind) -> RoleKind {
    // The command line may say key-expert.
    let role = RoleKind::parse(&input.role.replace('-', "_"));
    match role {
        None => v.add("role", "invalid_choice"),
        Some(RoleKind::Admin) if input.unit_id.is_some() => v.add("unit_id", "not_allowed"),
        Some(RoleKind::KeyExpert) if input.unit_id.is_none() => v.add("unit_id", "required"),
        _ => {}
    }
    if kind != PersonKind::Employee {
        v.add("role", "staff_only");
    }
    role.unwrap_or(RoleKind::Admin)
}

/// Renames, re-kinds, (de)activates or moves a person between units; administrators only.
/// Deactivation and a change of kind revoke the person's tokens at once.
pub fn update(ctx: &Context, actor: &Actor, id: i64, patch: &PersonPatch) -> AppResult<()> {
    require_edit(actor, Record::Person)?;
    let mut v = Validator::new();
    let name = patch.name.as_deref().map(|n| v.name("name", n));
    let kind = patch.kind.as_deref().map(|k| parse_kind(&mut v, k));
    let locale = patch.locale.as_deref().map(|l| parse_locale(&mut v, Some(l)));
    if patch.active == Some(false) && id == actor.id {
        return Err(AppError::conflict(
            "cannot_deactivate_self",
            "you cannot deactivate yourself",
        ));
    }
    ctx.db.transaction(|conn| {
        let (cur_name, cur_kind, cur_active, cur_locale) = people::table
            .find(id)
            .select((people::name, people::kind, people::active, people::locale))
            .first::<(String, String, bool, String)>(conn)?;
        if let Some(ids) = &patch.unit_ids {
            check_units(conn, &mut v, "unit_ids", ids)?;
        }
        if kind.is_some_and(|k| k != PersonKind::Employee) && !access::roles_of(conn, id)?.is_empty() {
            v.add("kind", "has_roles");
        }
        std::mem::take(&mut v).finish()?;
        let new_kind = kind.map(|k| k.as_str().to_string()).unwrap_or(cur_kind.clone());
        let active = patch.active.unwrap_or(cur_active);
        diesel::update(people::table.find(id))
            .set((
                people::name.eq(name.clone().unwrap_or(cur_name)),
                people::kind.eq(&new_kind),
                people::active.eq(active),
                people::locale.eq(locale.map(|l| l.code().to_string()).unwrap_or(cur_locale)),
                people::updated_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        if let Some(ids) = &patch.unit_ids {
            set_units(conn, id, ids)?;
        }
        if new_kind != cur_kind || active != cur_active {
            access::bump_token_generation(conn, id)?;
        }
        if !active && cur_active {
            crate::domain::experiments::routing::reroute_from(conn, ctx, id)?;
        }
        let verb = match (cur_active, active) {
            (true, false) => "deactivated",
            (false, true) => "reactivated",
            _ => "updated",
        };
        events::record(
            conn,
            Some(actor.id),
            verb,
            "person",
            id,
            serde_json::json!({ "kind": new_kind, "active": active, "unit_ids": patch.unit_ids }),
        )?;
        Ok(())
    })
}

/// Grants a role; administrators only. Revokes the person's tokens so it takes effect at once.
pub fn add_role(ctx: &Context, actor: &Actor, person_id: i64, input: &NewRole) -> AppResult<i64> {
    require_edit(actor, Record::Person)?;
    let mut v = Validator::new();
    ctx.db.transaction(|conn| {
        let kind = people::table
            .find(person_id)
            .select(people::kind)
            .first::<PersonKind>(conn)?;
        let role = check_role(&mut v, input, kind);
        if let Some(u) = input.unit_id {
            check_units(conn, &mut v, "unit_id", &[u])?;
        }
        std::mem::take(&mut v).finish()?;
        let duplicate = access::roles_of(conn, person_id)?
            .iter()
            .any(|r| r.role == role && r.unit_id == input.unit_id);
        if duplicate {
            return Err(AppError::conflict("role_exists", "the person already holds this role"));
        }
        let id = insert_role(conn, person_id, role, input.unit_id)?;
        access::bump_token_generation(conn, person_id)?;
        events::record(
            conn,
            Some(actor.id),
            "role_granted",
            "person",
            person_id,
            serde_json::json!({ "role": role.as_str(), "unit_id": input.unit_id, "role_id": id }),
        )?;
        Ok(id)
    })
}

/// Removes a role; administrators only. An administrator cannot remove their own admin role.
/// What waited for the person's review is routed again; returns how many experiments were
/// left without anyone to review them (the administrators are told).
pub fn remove_role(ctx: &Context, actor: &Actor, person_id: i64, role_id: i64) -> AppResult<usize> {
    require_edit(actor, Record::Person)?;
    ctx.db.transaction(|conn| {
        let (role, unit_id) = role_assignments::table
            .filter(role_assignments::id.eq(role_id))
            .filter(role_assignments::person_id.eq(person_id))
            .select((role_assignments::role, role_assignments::unit_id))
            .first::<(String, Option<i64>)>(conn)?;
        if person_id == actor.id && role == RoleKind::Admin.as_str() {
            return Err(AppError::conflict(
                "cannot_remove_own_admin",
                "another administrator must do it",
            ));
        }
        diesel::delete(role_assignments::table.find(role_id)).execute(conn)?;
        access::bump_token_generation(conn, person_id)?;
        events::record(
            conn,
            Some(actor.id),
            "role_revoked",
            "person",
            person_id,
            serde_json::json!({ "role": role, "unit_id": unit_id, "role_id": role_id }),
        )?;
        crate::domain::experiments::routing::reroute_from(conn, ctx, person_id)
    })
}

/// The people of a unit (not its sub-units), by name; administrators only.
pub fn members_of_unit(ctx: &Context, unit_id: i64) -> AppResult<Vec<PersonSummary>> {
    let mut conn = ctx.db.read()?;
    Ok(people::table
        .inner_join(person_units::table)
        .filter(person_units::unit_id.eq(unit_id))
        .order(people::name)
        .select(PersonSummary::as_select())
        .load(&mut conn)?)
}

/// The ids of active employees by email, in the order given; an unknown address names `field`.
pub fn employee_ids_by_email(ctx: &Context, field: &str, emails: &[String]) -> AppResult<Vec<i64>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let lowered: Vec<String> = emails.iter().map(|e| e.trim().to_lowercase()).collect();
    let mut conn = ctx.db.read()?;
    let found: Vec<(i64, String)> = people::table
        .filter(people::email.eq_any(&lowered))
        .filter(people::active.eq(true))
        .filter(people::kind.eq(PersonKind::Employee.as_str()))
        .select((people::id, people::email))
        .load(&mut conn)?;
    let mut ids = Vec::new();
    for email in &lowered {
        match found.iter().find(|(_, e)| e == email) {
            Some((id, _)) => ids.push(*id),
            None => return Err(AppError::field(field, "unknown_person")),
        }
    }
    Ok(ids)
}

/// The email addresses of people, in the order given.
pub fn emails_of(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<String>> {
    let found: Vec<(i64, String)> = people::table
        .filter(people::id.eq_any(ids))
        .select((people::id, people::email))
        .load(conn)?;
    Ok(ids
        .iter()
        .filter_map(|id| found.iter().find(|(i, _)| i == id).map(|(_, e)| e.clone()))
        .collect())
}
