//! Who belongs to a panel: the coordinators' members page (invite, add, remove), leaving,
//! and the page an invitation link opens.

use super::{FormState, PageCtx, render, render_invalid, render_status, see_other, sign_in_redirect, with_ctx};
use crate::domain::Context;
use crate::domain::panels::invitations::{self, Invitation, InvitationInput, NewAccount, Pending};
use crate::domain::panels::{self, Member, NewMember, Panel};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(members_show)
        .service(invite)
        .service(member_add)
        .service(member_remove)
        .service(leave)
        .service(invitation_show)
        .service(invitation_accept);
}

#[derive(Template)]
#[template(path = "pages/panels/members.html")]
struct MembersPage {
    p: PageCtx,
    panel: Panel,
    members: Vec<Member>,
    invitations: Vec<Invitation>,
    invite_form: FormState,
    add_form: FormState,
}

async fn members_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    id: i64,
    invite_form: FormState,
    add_form: FormState,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (panel, members, invitations) = with_ctx(ctx, move |c| {
        Ok((
            panels::get(c, &actor, id)?,
            panels::members(c, &actor, id)?,
            invitations::list(c, &actor, id)?,
        ))
    })
    .await?;
    let invalid = !invite_form.errors.is_empty() || !add_form.errors.is_empty();
    let page = MembersPage {
        p,
        panel,
        members,
        invitations,
        invite_form,
        add_form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/panels/{id}/members")]
async fn members_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    members_page(p, &ctx, id.into_inner(), FormState::default(), FormState::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailFields {
    email: String,
}

#[post("/panels/{id}/invitations")]
async fn invite(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<EmailFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let mut state = FormState::with(&[("email", &form.0.email)]);
    let input = InvitationInput { email: form.0.email };
    let result = with_ctx(&ctx, move |c| invitations::invite(c, &actor, id, &input)).await;
    match state.absorb(result)? {
        Some(_) => Ok(see_other(&format!("/panels/{id}/members?done=invited"))),
        None => members_page(p, &ctx, id, state, FormState::default()).await,
    }
}

#[post("/panels/{id}/members")]
async fn member_add(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<EmailFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    // The add form's field has its own id on the page, so its errors are kept apart.
    let mut state = FormState::with(&[("email", &form.0.email)]);
    let input = NewMember { email: form.0.email };
    let result = with_ctx(&ctx, move |c| panels::add_member(c, &actor, id, &input)).await;
    match state.absorb(result)? {
        Some(_) => Ok(see_other(&format!("/panels/{id}/members?done=member_added"))),
        None => members_page(p, &ctx, id, FormState::default(), state).await,
    }
}

#[post("/panels/{id}/members/{person_id}/remove")]
async fn member_remove(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (id, person_id) = path.into_inner();
    with_ctx(&ctx, move |c| panels::remove_member(c, &actor, id, person_id)).await?;
    Ok(see_other(&format!("/panels/{id}/members?done=member_removed")))
}

#[post("/panels/{id}/leave")]
async fn leave(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    with_ctx(&ctx, move |c| panels::remove_member(c, &actor, id, actor.id)).await?;
    Ok(see_other("/panels?done=left_panel"))
}

#[derive(Template)]
#[template(path = "pages/panels/invitation.html")]
struct InvitationPage {
    p: PageCtx,
    token: String,
    /// The invitation, or None when the link is used, expired or broken.
    pending: Option<Pending>,
    form: FormState,
}

impl InvitationPage {
    /// Whether the signed-in person is the one invited.
    fn is_invitee(&self) -> bool {
        match (&self.p.user, &self.pending) {
            (Some(u), Some(pending)) => u.email.eq_ignore_ascii_case(&pending.email),
            _ => false,
        }
    }

    /// Where signing in returns to.
    fn sign_in_next(&self) -> String {
        form_urlencoded::byte_serialize(format!("/panel-invitation?token={}", self.token).as_bytes()).collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenQuery {
    token: String,
}

async fn invitation_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    token: String,
    form: FormState,
) -> Result<HttpResponse, AppError> {
    let t = token.clone();
    let pending = match with_ctx(ctx, move |c| invitations::check(c, &t)).await {
        Ok(pending) => Some(pending),
        Err(AppError::Conflict { .. }) => None,
        Err(e) => return Err(e),
    };
    let status = if pending.is_none() {
        StatusCode::GONE
    } else if !form.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &InvitationPage {
            p,
            token,
            pending,
            form,
        },
    )
}

#[get("/panel-invitation")]
async fn invitation_show(
    p: PageCtx,
    ctx: web::Data<Context>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    invitation_page(p, &ctx, q.into_inner().token, FormState::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AcceptFields {
    token: String,
    name: String,
    password: String,
}

/// Joins as the signed-in invitee, or creates the customer's account and signs them in.
#[post("/panel-invitation")]
async fn invitation_accept(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<AcceptFields>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let token = f.token.clone();
    if let Some(actor) = p.user.clone() {
        let t = token.clone();
        return match with_ctx(&ctx, move |c| invitations::accept_existing(c, &actor, &t)).await {
            Ok(panel_id) => Ok(see_other(&format!("/panels/{panel_id}?done=joined_panel"))),
            Err(AppError::Conflict {
                code: "invitation_invalid",
                ..
            }) => invitation_page(p, &ctx, token, FormState::default()).await,
            Err(e) => Err(e),
        };
    }
    let mut state = FormState::with(&[("name", &f.name)]);
    let locale = p.locale;
    let input = NewAccount {
        name: f.name,
        password: f.password,
    };
    let t = token.clone();
    let result = with_ctx(&ctx, move |c| invitations::accept_new(c, &t, &input, locale)).await;
    match state.absorb_all(result)? {
        Some((signed_in, panel_id)) => Ok(sign_in_redirect(
            &ctx,
            &signed_in,
            &format!("/panels/{panel_id}?done=joined_panel"),
        )),
        None => invitation_page(p, &ctx, token, state).await,
    }
}
