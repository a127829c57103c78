//! The follow button on every page that can be followed: one form target for all of them.

use super::{PageCtx, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::follows::{self, ObjectType};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(set_following).service(share_page);
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FollowFields {
    /// "1" to follow, anything else to stop.
    following: String,
}

/// Follows or stops following, then goes back to the page with a notice.
#[post("/follows/{object_type}/{id}")]
async fn set_following(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(String, i64)>,
    form: CsrfForm<FollowFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (object_type, id) = path.into_inner();
    let kind = ObjectType::parse(&object_type).ok_or(AppError::NotFound)?;
    let following = form.0.following == "1";
    let page = with_ctx(&ctx, move |c| follows::set_and_locate(c, &actor, kind, id, following)).await?;
    let notice = if following { "follow_started" } else { "follow_stopped" };
    let (path, anchor) = page
        .split_once('#')
        .map_or((page.as_str(), String::new()), |(p, a)| (p, format!("#{a}")));
    Ok(see_other(&format!("{path}?done={notice}{anchor}")))
}

/// A panel share is read on its item's page, at the panel's voice (where notifications lead).
#[actix_web::get("/shares/{id}")]
async fn share_page(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let page = with_ctx(&ctx, move |c| crate::domain::panels::shares::location(c, &actor, id)).await?;
    Ok(see_other(&page))
}
