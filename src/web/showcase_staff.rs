//! Staff's side of the showcase: making an idea or experiment public after a preview and a
//! checklist, taking it down, turning the showcase on, and one's own consent to be named.

use super::showcase::{ExperimentPage, IdeaPage, preview_ctx};
use super::{FormState, PageCtx, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::showcase::publish::{self, Checklist, PublicKind};
use crate::domain::showcase::{self};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(confirm_page)
        .service(preview)
        .service(show)
        .service(withdraw)
        .service(set_showcase)
        .service(set_public_name);
}

/// The kind in an address: `ideas` or `experiments` (404 otherwise).
fn kind_of(segment: &str) -> Result<PublicKind, AppError> {
    PublicKind::parse(segment).ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "pages/showcase/confirm.html")]
struct ConfirmPage {
    p: PageCtx,
    kind: &'static str,
    id: i64,
    title: String,
    public_since: Option<chrono::NaiveDateTime>,
    showcase_on: bool,
    form: FormState,
}

impl ConfirmPage {
    fn item_path(&self) -> String {
        format!("/{}s/{}", self.kind, self.id)
    }

    fn public_path(&self) -> String {
        format!("/showcase/{}s/{}", self.kind, self.id)
    }
}

async fn confirm(
    p: PageCtx,
    ctx: &web::Data<Context>,
    kind: PublicKind,
    id: i64,
    form: FormState,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (title, public_since, can, showcase_on) = with_ctx(ctx, move |c| {
        let on = showcase::is_on(c)?;
        Ok(match kind {
            PublicKind::Experiment => {
                let e = crate::domain::experiments::get(c, &actor, id)?;
                (e.title, e.public_since, e.can.show_publicly, on)
            }
            PublicKind::Idea => {
                let i = crate::domain::ideas::page::get(c, &actor, id)?;
                (i.title, i.public_since, i.can.show_publicly, on)
            }
        })
    })
    .await?;
    if !can {
        return Err(AppError::Forbidden);
    }
    let invalid = !form.errors.is_empty();
    let page = ConfirmPage {
        p,
        kind: kind.as_str(),
        id,
        title,
        public_since,
        showcase_on,
        form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/{kind}/{id}/public")]
async fn confirm_page(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (kind, id) = path.into_inner();
    confirm(p, &ctx, kind_of(&kind)?, id, FormState::default()).await
}

/// The item exactly as the public will see it (without its share links).
#[get("/{kind}/{id}/public/preview")]
async fn preview(
    req: HttpRequest,
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let actor = p.actor()?.clone();
    let public = preview_ctx(&req, &ctx, p.locale).await?;
    let html = match kind {
        PublicKind::Experiment => {
            let e = with_ctx(&ctx, move |c| showcase::preview_experiment(c, &actor, id)).await?;
            ExperimentPage {
                p: public,
                e,
                preview: true,
                share_url: String::new(),
                share_title: String::new(),
                share_text: String::new(),
            }
            .render()?
        }
        PublicKind::Idea => {
            let i = with_ctx(&ctx, move |c| showcase::preview_idea(c, &actor, id)).await?;
            IdeaPage {
                p: public,
                i,
                preview: true,
                share_url: String::new(),
                share_title: String::new(),
                share_text: String::new(),
            }
            .render()?
        }
    };
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChecklistFields {
    no_personal_data: String,
    pictures_consented: String,
    names_consented: String,
}

#[post("/{kind}/{id}/public")]
async fn show(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(String, i64)>,
    form: CsrfForm<ChecklistFields>,
) -> Result<HttpResponse, AppError> {
    let (segment, id) = path.into_inner();
    let kind = kind_of(&segment)?;
    let actor = p.actor()?.clone();
    let f = form.0;
    let checklist = Checklist {
        no_personal_data: f.no_personal_data == "on",
        pictures_consented: f.pictures_consented == "on",
        names_consented: f.names_consented == "on",
    };
    let mut state = FormState::with(&[
        ("no_personal_data", &f.no_personal_data),
        ("pictures_consented", &f.pictures_consented),
        ("names_consented", &f.names_consented),
    ]);
    let result = with_ctx(&ctx, move |c| publish::show(c, &actor, kind, id, &checklist)).await;
    match state.absorb_all(result)? {
        Some(()) => Ok(see_other(&format!("/{segment}/{id}?done=shown_publicly"))),
        None => confirm(p, &ctx, kind, id, state).await,
    }
}

#[post("/{kind}/{id}/public/withdraw")]
async fn withdraw(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(String, i64)>,
    _form: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let (segment, id) = path.into_inner();
    let kind = kind_of(&segment)?;
    let actor = p.actor()?.clone();
    let mut state = FormState::default();
    let result = with_ctx(&ctx, move |c| publish::withdraw(c, &actor, kind, id)).await;
    match state.absorb_all(result)? {
        Some(()) => Ok(see_other(&format!("/{segment}/{id}?done=withdrawn_publicly"))),
        None => confirm(p, &ctx, kind, id, state).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OnField {
    on: String,
}

/// Turns the showcase on or off (administrators, on the administration page).
#[post("/admin/showcase")]
async fn set_showcase(p: PageCtx, ctx: web::Data<Context>, form: CsrfForm<OnField>) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let on = form.0.on == "1";
    with_ctx(&ctx, move |c| publish::set_on(c, &actor, on)).await?;
    Ok(see_other(if on {
        "/admin?done=showcase_on"
    } else {
        "/admin?done=showcase_off"
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AllowField {
    allow: String,
}

/// The person's own choice whether their name may appear in public.
#[post("/profile/public-name")]
async fn set_public_name(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<AllowField>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let allow = form.0.allow == "on";
    with_ctx(&ctx, move |c| publish::set_public_name(c, &actor, allow)).await?;
    Ok(see_other("/profile?done=saved"))
}
