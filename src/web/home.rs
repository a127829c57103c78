//! The front page, first-run setup, the accessibility statement, privacy notice and static files.

use super::{FormState, PageCtx, blocking, render, render_invalid, sign_in_redirect, with_ctx};
use crate::domain::people::PersonView;
use crate::domain::{Context, organisation, people};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, http::header, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(setup_form)
        .service(setup_submit)
        .service(accessibility)
        .service(privacy)
        .service(stylesheet)
        .service(similar_script)
        .service(favicon);
}

#[derive(Template)]
#[template(path = "pages/landing.html")]
struct LandingPage {
    p: PageCtx,
    self_registration: bool,
    /// The public showcase is open: the landing page points to it.
    showcase_on: bool,
}

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    p: PageCtx,
    me: PersonView,
    feed: Vec<crate::domain::feed::FeedItem>,
    panels: crate::domain::panels::MemberHome,
    /// Campaigns open now for the person, shown while open.
    campaigns: Vec<crate::domain::campaigns::Campaign>,
}

#[get("/")]
async fn index(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    if p.org_name.is_empty() {
        return Ok(super::see_other("/setup"));
    }
    match &p.user {
        None => {
            let c = ctx.get_ref().clone();
            let showcase_on = blocking(move || crate::domain::showcase::is_on(&c)).await?;
            render(&LandingPage {
                self_registration: ctx.settings.auth.self_registration,
                showcase_on,
                p,
            })
        }
        Some(actor) => {
            let actor = actor.clone();
            let ctx = ctx.clone();
            let (me, feed, panels, campaigns) = blocking(move || {
                let me = {
                    let mut conn = ctx.db.read()?;
                    people::view(&mut conn, actor.id)?
                };
                let feed = crate::domain::feed::recent(&ctx, &actor, 20)?;
                let campaigns = crate::domain::campaigns::open_for(&ctx, &actor)?;
                Ok((me, feed, crate::domain::panels::home(&ctx, &actor)?, campaigns))
            })
            .await?;
            render(&HomePage {
                p,
                me,
                feed,
                panels,
                campaigns,
            })
        }
    }
}

#[derive(Template)]
#[template(path = "pages/setup.html")]
struct SetupPage {
    p: PageCtx,
    form: FormState,
}

#[get("/setup")]
async fn setup_form(p: PageCtx) -> Result<HttpResponse, AppError> {
    if !p.org_name.is_empty() {
        return Ok(super::see_other("/"));
    }
    render(&SetupPage {
        p,
        form: FormState::default(),
    })
}

#[derive(Deserialize)]
struct SetupFields {
    #[serde(default)]
    organisation_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

#[actix_web::post("/setup")]
async fn setup_submit(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<SetupFields>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let input = organisation::SetupInput {
        organisation_name: f.organisation_name.clone(),
        email: f.email.clone(),
        name: f.name.clone(),
        password: f.password,
    };
    let locale = p.locale;
    let result = with_ctx(&ctx, move |c| {
        let id = organisation::setup(c, &input, locale)?;
        crate::domain::sign_in::sign_in(c, &input.email, &input.password, "setup", None).map(|s| (id, s))
    })
    .await;
    let mut state = FormState::with(&[
        ("organisation_name", &f.organisation_name),
        ("email", &f.email),
        ("name", &f.name),
    ]);
    match state.absorb(result)? {
        Some((_, signed_in)) => Ok(sign_in_redirect(&ctx, &signed_in, "/admin?done=setup")),
        None => render_invalid(&SetupPage { p, form: state }),
    }
}

#[derive(Template)]
#[template(path = "pages/accessibility.html")]
struct AccessibilityPage {
    p: PageCtx,
    feedback_email: String,
}

#[get("/accessibility")]
async fn accessibility(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    render(&AccessibilityPage {
        p,
        feedback_email: ctx.settings.server.feedback_email.clone(),
    })
}

#[derive(Template)]
#[template(path = "pages/privacy.html")]
struct PrivacyPage {
    p: PageCtx,
    feedback_email: String,
}

#[get("/privacy")]
async fn privacy(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    render(&PrivacyPage {
        p,
        feedback_email: ctx.settings.server.feedback_email.clone(),
    })
}

#[get("/static/app.css")]
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/app.css"))
}

#[get("/static/similar.js")]
async fn similar_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/similar.js"))
}

#[get("/favicon.svg")]
async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(include_str!("../../static/favicon.svg"))
}
