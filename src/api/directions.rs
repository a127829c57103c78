//! Development directions.

use super::ApiJson;
use super::ApiQuery;
use crate::domain::Context;
use crate::domain::directions::{self, Direction, DirectionInput};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(direction_list)
        .service(direction_create)
        .service(direction_get)
        .service(direction_update);
}

/// Filter of the directions list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearFilter {
    /// Only this year's directions.
    pub year: Option<i32>,
}

/// Directions, newest year first (staff, managers and administrators; customers get 403).
#[utoipa::path(tag = "directions", security(("bearer" = [])), params(YearFilter), responses(
    (status = 200, body = Vec<Direction>), (status = 401, body = Problem),
))]
#[get("/api/v1/directions")]
pub async fn direction_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<YearFilter>,
) -> Result<HttpResponse, AppError> {
    let year = q.year;
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| directions::list(c, &user.0, year)).await?))
}

/// Records a direction (managers and administrators).
#[utoipa::path(tag = "directions", security(("bearer" = [])), request_body = DirectionInput, responses(
    (status = 201, body = Direction), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/directions")]
pub async fn direction_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<DirectionInput>,
) -> Result<HttpResponse, AppError> {
    let d = with_ctx(&ctx, move |c| {
        let id = directions::create(c, &user.0, &body)?;
        directions::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(d))
}

/// One direction.
#[utoipa::path(tag = "directions", security(("bearer" = [])), responses(
    (status = 200, body = Direction), (status = 404, body = Problem),
))]
#[get("/api/v1/directions/{id}")]
pub async fn direction_get(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| directions::get(c, &user.0, id)).await?))
}

/// Changes a direction (managers and administrators).
#[utoipa::path(tag = "directions", security(("bearer" = [])), request_body = DirectionInput, responses(
    (status = 200, body = Direction), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/directions/{id}")]
pub async fn direction_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<DirectionInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let d = with_ctx(&ctx, move |c| {
        directions::update(c, &user.0, id, &body)?;
        directions::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}
