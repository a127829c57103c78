//! The unsubscribe link of every notification and digest email: the page confirms what will be
//! switched off, and a POST (the page's button, or a mail client's RFC 8058 one-click) does it.
//! The signed token is the only authority; no sign-in is needed.

use super::{PageCtx, render, render_status};
use crate::domain::Context;
use crate::domain::preferences::{self, Unsubscribe};
use crate::error::AppError;
use crate::http::with_ctx;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(confirm).service(one_click);
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "pages/unsubscribe.html")]
struct UnsubscribePage {
    p: PageCtx,
    token: String,
    /// What the link switches off (a translation key under `preference_kind.`, or a digest).
    kind: String,
    done: bool,
    valid: bool,
}

impl UnsubscribePage {
    /// What is switched off, in the reader's language.
    fn what(&self) -> String {
        match self.kind.as_str() {
            "digest_daily" => self.p.t("channel.daily").to_string(),
            "digest_weekly" => self.p.t("channel.weekly").to_string(),
            kind => self.p.tk("preference_kind", kind),
        }
    }
}

async fn read(ctx: &web::Data<Context>, token: &str) -> Result<Option<Unsubscribe>, AppError> {
    let token = token.to_string();
    match with_ctx(ctx, move |c| preferences::unsubscribe_of(c, &token)).await {
        Ok(u) => Ok(Some(u)),
        Err(AppError::BadRequest(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn page(p: PageCtx, token: String, u: Option<&Unsubscribe>, done: bool) -> Result<HttpResponse, AppError> {
    let valid = u.is_some();
    let page = UnsubscribePage {
        p,
        token,
        kind: u.map(|u| u.kind.clone()).unwrap_or_default(),
        done,
        valid,
    };
    if valid {
        render(&page)
    } else {
        render_status(actix_web::http::StatusCode::BAD_REQUEST, &page)
    }
}

#[get("/unsubscribe")]
async fn confirm(p: PageCtx, ctx: web::Data<Context>, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let u = read(&ctx, &q.token).await?;
    page(p, q.token.clone(), u.as_ref(), false)
}

#[post("/unsubscribe")]
async fn one_click(p: PageCtx, ctx: web::Data<Context>, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let u = read(&ctx, &q.token).await?;
    if let Some(u) = u.clone() {
        with_ctx(&ctx, move |c| preferences::unsubscribe(c, &u)).await?;
    }
    page(p, q.token.clone(), u.as_ref(), true)
}
