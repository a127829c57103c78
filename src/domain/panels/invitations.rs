//! Invitations to a panel by email: the link works once and expires; accepting creates the
//! customer's account or links an existing one, and joins the panel.

use super::{join, managing_standing};
use crate::auth::password;
use crate::auth::tokens::Purpose;
use crate::db::AnyConnection;
use crate::db::schema::{panel_invitations, panel_members, panels, people};
use crate::domain::access::{Actor, PersonKind};
use crate::domain::accounts::SignedIn;
use crate::domain::validate::Validator;
use crate::domain::{Context, events, mail, people as people_domain};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// Inviting someone to a panel.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    pub email: String,
}

/// An invitation as the panel's coordinators see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub expires_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc::option")]
    pub accepted_at: Option<NaiveDateTime>,
}

/// Invites an address to the panel and emails the link (those who run the panel).
pub fn invite(ctx: &Context, actor: &Actor, panel_id: i64, input: &InvitationInput) -> AppResult<i64> {
    let mut v = Validator::new();
    let email = v.email("email", &input.email);
    v.finish()?;
    ctx.db.transaction(|conn| {
        managing_standing(conn, actor, panel_id)?;
        let existing = people::table
            .filter(people::email.eq(&email))
            .select((people::id, people::kind, people::locale))
            .first::<(i64, String, String)>(conn)
            .optional()?;
        let mut locale = actor.locale;
        if let Some((person_id, kind, their_locale)) = existing {
            if kind != PersonKind::Customer.as_str() {
                return Err(AppError::field("email", "not_customer"));
            }
            let member = panel_members::table
                .find((panel_id, person_id))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if member {
                return Err(AppError::field("email", "already_member"));
            }
            locale = Locale::parse(&their_locale).unwrap_or(locale);
        }
        let now = crate::clock::now();
        let days = ctx.settings.auth.invitation_days;
        let id = diesel::insert_into(panel_invitations::table)
            .values((
                panel_invitations::panel_id.eq(panel_id),
                panel_invitations::email.eq(&email),
                panel_invitations::invited_by.eq(actor.id),
                panel_invitations::created_at.eq(now),
                panel_invitations::expires_at.eq(now + chrono::Duration::days(days)),
            ))
            .returning(panel_invitations::id)
            .get_result::<i64>(conn)?;
        let panel_name = panels::table
            .find(panel_id)
            .select(panels::name)
            .first::<String>(conn)?;
        let (token, _) = ctx.tokens.issue(Purpose::PanelInvite, id, 0);
        let link = ctx.link(&format!("/panel-invitation?token={token}"));
        mail::enqueue_template(
            conn,
            &email,
            locale,
            "panel_invitation",
            &[
                ("panel", &panel_name),
                ("inviter", &actor.name),
                ("link", &link),
                ("days", &locale.tf("common.days_n", &[("n", &days.to_string())])),
            ],
        )?;
        events::record(
            conn,
            Some(actor.id),
            "panel_invited",
            "panel",
            panel_id,
            serde_json::json!({ "invitation_id": id }),
        )?;
        Ok(id)
    })
}

/// The panel's invitations, newest first (those who run the panel).
pub fn list(ctx: &Context, actor: &Actor, panel_id: i64) -> AppResult<Vec<Invitation>> {
    let mut conn = ctx.db.read()?;
    managing_standing(&mut conn, actor, panel_id)?;
    Ok(panel_invitations::table
        .filter(panel_invitations::panel_id.eq(panel_id))
        .order(panel_invitations::id.desc())
        .select((
            panel_invitations::id,
            panel_invitations::email,
            panel_invitations::created_at,
            panel_invitations::expires_at,
            panel_invitations::accepted_at,
        ))
        .load::<(i64, String, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>)>(&mut conn)?
        .into_iter()
        .map(|(id, email, created_at, expires_at, accepted_at)| Invitation {
            id,
            email,
            created_at,
            expires_at,
            accepted_at,
        })
        .collect())
}

/// What an invitation link leads to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pending {
    pub invitation_id: i64,
    pub panel_id: i64,
    pub panel_name: String,
    pub email: String,
    /// Whether an account with the address exists (then it is linked, after signing in).
    pub has_account: bool,
}

fn invalid() -> AppError {
    AppError::conflict("invitation_invalid", "the invitation is used, expired or broken")
}

/// Checks an invitation link: unused, not expired, genuine.
pub fn check(ctx: &Context, token: &str) -> AppResult<Pending> {
    let mut conn = ctx.db.read()?;
    pending(&mut conn, ctx, token)
}

fn pending(conn: &mut AnyConnection, ctx: &Context, token: &str) -> AppResult<Pending> {
    let claims = ctx.tokens.verify(token, Purpose::PanelInvite).ok_or_else(invalid)?;
    let id = claims.person_id().ok_or_else(invalid)?;
    let (panel_id, email, expires_at, accepted_at) = panel_invitations::table
        .find(id)
        .select((
            panel_invitations::panel_id,
            panel_invitations::email,
            panel_invitations::expires_at,
            panel_invitations::accepted_at,
        ))
        .first::<(i64, String, NaiveDateTime, Option<NaiveDateTime>)>(conn)
        .optional()?
        .ok_or_else(invalid)?;
    if accepted_at.is_some() || expires_at <= crate::clock::now() {
        return Err(invalid());
    }
    let panel_name = panels::table.find(panel_id).select(panels::name).first(conn)?;
    let has_account = people_domain::email_taken(conn, &email, None)?;
    Ok(Pending {
        invitation_id: id,
        panel_id,
        panel_name,
        email,
        has_account,
    })
}

/// Uses the invitation up (once: a second use finds it taken) and joins the person.
fn redeem(conn: &mut AnyConnection, p: &Pending, person_id: i64) -> AppResult<()> {
    let claimed = diesel::update(
        panel_invitations::table
            .find(p.invitation_id)
            .filter(panel_invitations::accepted_at.is_null()),
    )
    .set((
        panel_invitations::accepted_at.eq(crate::clock::now()),
        panel_invitations::accepted_by.eq(person_id),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Err(invalid());
    }
    let member = panel_members::table
        .find((p.panel_id, person_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !member {
        join(conn, p.panel_id, person_id, None)?;
    }
    Ok(())
}

/// A new customer's details when accepting.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewAccount {
    pub name: String,
    pub password: String,
}

/// Accepts an invitation for an address without an account: creates the customer's account
/// (the address is proven by the link) and joins the panel; returns the sign-in and the panel.
pub fn accept_new(ctx: &Context, token: &str, input: &NewAccount, locale: Locale) -> AppResult<(SignedIn, i64)> {
    let mut v = Validator::new();
    let name = v.name("name", &input.name);
    v.password("password", &input.password);
    v.finish()?;
    let hash = password::hash(&input.password)?;
    let (id, panel_id) = ctx.db.transaction(|conn| {
        let p = pending(conn, ctx, token)?;
        if p.has_account {
            return Err(AppError::conflict(
                "invitation_sign_in",
                "an account exists: sign in to accept",
            ));
        }
        let id = people_domain::insert_person(
            conn,
            &people_domain::NewPersonRow {
                email: &p.email,
                name: &name,
                kind: PersonKind::Customer,
                password_hash: Some(&hash),
                locale,
                email_verified: true,
            },
        )?;
        events::record(
            conn,
            Some(id),
            "registered",
            "person",
            id,
            serde_json::json!({ "panel_id": p.panel_id }),
        )?;
        redeem(conn, &p, id)?;
        Ok((id, p.panel_id))
    })?;
    Ok((
        SignedIn {
            person_id: id,
            token_generation: 0,
            locale,
        },
        panel_id,
    ))
}

/// Accepts an invitation as the signed-in person, whose address it must be; returns the panel.
pub fn accept_existing(ctx: &Context, actor: &Actor, token: &str) -> AppResult<i64> {
    ctx.db.transaction(|conn| {
        let p = pending(conn, ctx, token)?;
        if !p.email.eq_ignore_ascii_case(&actor.email) {
            return Err(AppError::conflict(
                "invitation_other_person",
                "the invitation was sent to another address",
            ));
        }
        if actor.kind != PersonKind::Customer {
            return Err(AppError::conflict(
                "invitation_not_customer",
                "panel members are customers",
            ));
        }
        redeem(conn, &p, actor.id)?;
        Ok(p.panel_id)
    })
}
