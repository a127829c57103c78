//! Accounts: signing in, passwords, self-registration, email verification and invitations.

use super::access::{self, PersonKind};
use super::validate::Validator;
use super::{Context, events, mail, people};
use crate::auth::password;
use crate::auth::tokens::Purpose;
use crate::db::AnyConnection;
use crate::db::schema::people as people_t;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use diesel::prelude::*;
use serde::Deserialize;

/// Who signed in: enough to issue a token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person_id: i64,
    pub token_generation: i32,
    pub locale: Locale,
}

/// Signs the person out everywhere: every token issued so far stops working.
pub fn sign_out_everywhere(ctx: &Context, person_id: i64) -> AppResult<i32> {
    ctx.db.transaction(|conn| {
        let generation = access::bump_token_generation(conn, person_id)?;
        events::record(
            conn,
            Some(person_id),
            "signed_out_everywhere",
            "person",
            person_id,
            serde_json::json!({}),
        )?;
        Ok(generation)
    })
}

/// A password change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the password after checking the current one; revokes every token. Returns the new generation.
pub fn change_password(ctx: &Context, person_id: i64, input: &PasswordChange) -> AppResult<i32> {
    let mut v = Validator::new();
    let stored = {
        let mut conn = ctx.db.read()?;
        people_t::table
            .find(person_id)
            .select(people_t::password_hash)
            .first::<Option<String>>(&mut conn)?
    };
    if !password::verify(&input.current_password, stored.as_deref())? {
        v.add("current_password", "wrong_password");
    }
    v.password("new_password", &input.new_password);
    v.finish()?;
    set_password(ctx, person_id, &input.new_password, "password_changed")
}

fn set_password(ctx: &Context, person_id: i64, new_password: &str, verb: &str) -> AppResult<i32> {
    let hash = password::hash(new_password)?;
    ctx.db.transaction(|conn| {
        diesel::update(people_t::table.find(person_id))
            .set((
                people_t::password_hash.eq(Some(hash)),
                people_t::email_verified.eq(true),
            ))
            .execute(conn)?;
        let generation = access::bump_token_generation(conn, person_id)?;
        events::record(conn, Some(person_id), verb, "person", person_id, serde_json::json!({}))?;
        Ok(generation)
    })
}

/// At most one account mail (a reset link, a "you are already registered" notice) per person in
/// this many minutes; further requests are answered the same way and send nothing.
pub const ACCOUNT_MAIL_MINUTES: i64 = 5;

/// Whether `verb` was recorded for the person within the account-mail interval.
fn mailed_recently(conn: &mut AnyConnection, person_id: i64, verb: &str) -> AppResult<bool> {
    use crate::db::schema::events;
    let since = crate::clock::now() - chrono::Duration::minutes(ACCOUNT_MAIL_MINUTES);
    Ok(events::table
        .filter(events::object_type.eq("person"))
        .filter(events::object_id.eq(person_id))
        .filter(events::verb.eq(verb))
        .filter(events::created_at.gt(since))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Emails a reset link if the address belongs to an active person; answers the same either way.
pub fn request_password_reset(ctx: &Context, email: &str) -> AppResult<()> {
    let mut v = Validator::new();
    let email = v.email("email", email);
    v.finish()?;
    ctx.db.transaction(|conn| {
        let row = people_t::table
            .filter(people_t::email.eq(&email))
            .filter(people_t::active.eq(true))
            .select((
                people_t::id,
                people_t::name,
                people_t::locale,
                people_t::token_generation,
            ))
            .first::<(i64, String, String, i32)>(conn)
            .optional()?;
        if let Some((id, name, locale, generation)) = row {
            if mailed_recently(conn, id, "password_reset_requested")? {
                return Ok(());
            }
            let (token, _) = ctx.tokens.issue(Purpose::Reset, id, generation);
            let link = ctx.link(&format!("/password/reset?token={token}"));
            let minutes = ctx.settings.auth.link_minutes.to_string();
            let locale = Locale::parse(&locale).unwrap_or_default();
            mail::enqueue_template(
                conn,
                &email,
                locale,
                "reset",
                &[("name", &name), ("link", &link), ("minutes", &minutes)],
            )?;
            events::record(
                conn,
                None,
                "password_reset_requested",
                "person",
                id,
                serde_json::json!({}),
            )?;
        }
        Ok(())
    })
}

/// Checks a link token of `purpose` against the person's current generation: links work once.
pub fn check_link(ctx: &Context, token: &str, purpose: Purpose) -> AppResult<(i64, String)> {
    let invalid = || AppError::conflict("link_invalid", "the link is used, expired or broken");
    let claims = ctx.tokens.verify(token, purpose).ok_or_else(invalid)?;
    let id = claims.person_id().ok_or_else(invalid)?;
    let mut conn = ctx.db.read()?;
    let (generation, active, name) = people_t::table
        .find(id)
        .select((people_t::token_generation, people_t::active, people_t::name))
        .first::<(i32, bool, String)>(&mut conn)
        .optional()?
        .ok_or_else(invalid)?;
    if generation != claims.tgen || !active {
        return Err(invalid());
    }
    Ok((id, name))
}

/// Sets a new password from a reset link; the link and every token stop working.
pub fn reset_password(ctx: &Context, token: &str, new_password: &str) -> AppResult<SignedIn> {
    let (id, _) = check_link(ctx, token, Purpose::Reset)?;
    let mut v = Validator::new();
    v.password("password", new_password);
    v.finish()?;
    let generation = set_password(ctx, id, new_password, "password_reset")?;
    signed_in(ctx, id, generation)
}

/// Accepts an invitation: sets the person's password (and name, if given).
pub fn accept_invitation(ctx: &Context, token: &str, name: Option<&str>, new_password: &str) -> AppResult<SignedIn> {
    let (id, _) = check_link(ctx, token, Purpose::Invite)?;
    let mut v = Validator::new();
    let name = name.map(|n| v.name("name", n));
    v.password("password", new_password);
    v.finish()?;
    if let Some(n) = name {
        let mut conn = ctx.db.write()?;
        diesel::update(people_t::table.find(id))
            .set(people_t::name.eq(n))
            .execute(&mut conn)?;
    }
    let generation = set_password(ctx, id, new_password, "invitation_accepted")?;
    signed_in(ctx, id, generation)
}

fn signed_in(ctx: &Context, id: i64, generation: i32) -> AppResult<SignedIn> {
    let mut conn = ctx.db.read()?;
    let locale = people_t::table
        .find(id)
        .select(people_t::locale)
        .first::<String>(&mut conn)?;
    Ok(SignedIn {
        person_id: id,
        token_generation: generation,
        locale: Locale::parse(&locale).unwrap_or_default(),
    })
}

/// A self-registration.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct Registration {
    pub email: String,
    pub name: String,
    pub password: String,
}

/// Registers a customer (when allowed) and emails a verification link. An address already
/// registered gets a notice by mail instead, so the answer does not reveal who is registered.
pub fn register(ctx: &Context, input: &Registration, locale: Locale) -> AppResult<()> {
    if !ctx.settings.auth.self_registration {
        return Err(AppError::Forbidden);
    }
    let mut v = Validator::new();
    // In the form's order, so that the error summary reads top to bottom.
    let name = v.name("name", &input.name);
    let email = v.email("email", &input.email);
    v.password("password", &input.password);
    v.finish()?;
    let hash = password::hash(&input.password)?;
    ctx.db.transaction(|conn| {
        if people::email_taken(conn, &email, None)? {
            let id: i64 = people_t::table
                .filter(people_t::email.eq(&email))
                .select(people_t::id)
                .first(conn)?;
            if mailed_recently(conn, id, "registration_repeated")? {
                return Ok(());
            }
            events::record(conn, None, "registration_repeated", "person", id, serde_json::json!({}))?;
            return mail::enqueue_template(
                conn,
                &email,
                locale,
                "already_registered",
                &[("link", &ctx.link("/password/forgot"))],
            );
        }
        let id = people::insert_person(
            conn,
            &people::NewPersonRow {
                email: &email,
                name: &name,
                kind: PersonKind::Customer,
                password_hash: Some(&hash),
                locale,
                email_verified: false,
            },
        )?;
        events::record(conn, Some(id), "registered", "person", id, serde_json::json!({}))?;
        let (token, _) = ctx.tokens.issue(Purpose::Verify, id, 0);
        let link = ctx.link(&format!("/verify?token={token}"));
        let minutes = ctx.settings.auth.link_minutes.to_string();
        mail::enqueue_template(
            conn,
            &email,
            locale,
            "verify",
            &[("name", &name), ("link", &link), ("minutes", &minutes)],
        )
    })
}

/// Whether an address belongs to one of the configured staff domains.
pub fn is_staff_email(ctx: &Context, email: &str) -> bool {
    let domain = email
        .rsplit_once('@')
        .map(|(_, d)| d.to_lowercase())
        .unwrap_or_default();
    ctx.settings
        .auth
        .staff_email_domains
        .iter()
        .any(|d| d.trim().trim_start_matches('@').eq_ignore_ascii_case(&domain))
}

/// Verifies an email from its link; a staff-domain address becomes an employee only now.
pub fn verify_email(ctx: &Context, token: &str) -> AppResult<SignedIn> {
    let (id, _) = check_link(ctx, token, Purpose::Verify)?;
    let generation = ctx.db.transaction(|conn| {
        let (email, kind) = people_t::table
            .find(id)
            .select((people_t::email, people_t::kind))
            .first::<(String, String)>(conn)?;
        let kind = if kind == PersonKind::Customer.as_str() && is_staff_email(ctx, &email) {
            PersonKind::Employee.as_str().to_string()
        } else {
            kind
        };
        diesel::update(people_t::table.find(id))
            .set((people_t::email_verified.eq(true), people_t::kind.eq(&kind)))
            .execute(conn)?;
        let generation = access::bump_token_generation(conn, id)?;
        events::record(
            conn,
            Some(id),
            "email_verified",
            "person",
            id,
            serde_json::json!({ "kind": kind }),
        )?;
        Ok(generation)
    })?;
    signed_in(ctx, id, generation)
}

/// Saves the person's language.
pub fn set_locale(ctx: &Context, person_id: i64, locale: Locale) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        diesel::update(people_t::table.find(person_id))
            .set(people_t::locale.eq(locale.code()))
            .execute(conn)?;
        events::record(
            conn,
            Some(person_id),
            "locale_changed",
            "person",
            person_id,
            serde_json::json!({ "locale": locale.code() }),
        )
    })
}
