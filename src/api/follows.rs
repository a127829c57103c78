//! Following and hearing back: start and stop following anything with a page, list what one
//! follows, and choose how each kind of event is heard of.

use super::ApiJson;
use crate::domain::Context;
use crate::domain::follows::{self, Follow, ObjectType};
use crate::domain::preferences::{self, Channel, Preference};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, delete, get, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_follows)
        .service(follow)
        .service(unfollow)
        .service(my_preferences)
        .service(save_preferences);
}

/// How the caller hears of each kind of event (`default`: no choice made).
#[utoipa::path(tag = "follows", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Preference>), (status = 401, body = Problem),
))]
#[get("/api/v1/me/preferences")]
pub async fn my_preferences(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let list = with_ctx(&ctx, move |c| preferences::list(c, &user.0)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One choice: a notification kind and its channel.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferenceInput {
    pub kind: String,
    pub channel: Channel,
}

/// Changes how the caller hears of the kinds named (others keep theirs); returns them all.
#[utoipa::path(tag = "follows", security(("bearer" = [])), request_body = Vec<PreferenceInput>, responses(
    (status = 200, body = Vec<Preference>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem),
))]
#[put("/api/v1/me/preferences")]
pub async fn save_preferences(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<Vec<PreferenceInput>>,
) -> Result<HttpResponse, AppError> {
    let choices: Vec<(String, Channel)> = body.0.into_iter().map(|p| (p.kind, p.channel)).collect();
    let list = with_ctx(&ctx, move |c| {
        preferences::save(c, &user.0, &choices)?;
        preferences::list(c, &user.0)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// What the caller follows now, newest first.
#[utoipa::path(tag = "follows", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Follow>), (status = 401, body = Problem),
))]
#[get("/api/v1/me/follows")]
pub async fn my_follows(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let list = with_ctx(&ctx, move |c| follows::mine(c, &user.0)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Starts or stops following what the path names; an unknown type is 404.
async fn set_following(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(String, i64)>,
    following: bool,
) -> Result<HttpResponse, AppError> {
    let (kind, id) = path.into_inner();
    let kind = ObjectType::parse(&kind).ok_or(AppError::NotFound)?;
    with_ctx(&ctx, move |c| follows::set(c, &user.0, kind, id, following)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Follows an idea, experiment, campaign or direction the caller may read (404 otherwise).
#[utoipa::path(tag = "follows", security(("bearer" = [])),
    params(("object_type" = String, Path, description = "idea, experiment, campaign or direction"), ("id" = i64, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)),
)]
#[put("/api/v1/follows/{object_type}/{id}")]
pub async fn follow(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    set_following(user, ctx, path, true).await
}

/// Stops following; taking part later does not make the caller follow again.
#[utoipa::path(tag = "follows", security(("bearer" = [])),
    params(("object_type" = String, Path, description = "idea, experiment, campaign or direction"), ("id" = i64, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)),
)]
#[delete("/api/v1/follows/{object_type}/{id}")]
pub async fn unfollow(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    set_following(user, ctx, path, false).await
}
