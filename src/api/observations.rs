//! Observations and linking them to ideas.

use super::ApiJson;
use super::ApiQuery;
use crate::domain::observations::{self, Observation, ObservationFilter, ObservationInput};
use crate::domain::{Context, Page};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(observation_list)
        .service(observation_create)
        .service(observation_get)
        .service(observation_attach);
}

/// Observations, newest first (staff).
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(ObservationFilter), responses(
    (status = 200, body = Page<Observation>), (status = 403, body = Problem),
))]
#[get("/api/v1/observations")]
pub async fn observation_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<ObservationFilter>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| observations::list(c, &user.0, &q)).await?))
}

/// Writes down an observation (employees).
#[utoipa::path(tag = "ideas", security(("bearer" = [])), request_body = ObservationInput, responses(
    (status = 201, body = Observation), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/observations")]
pub async fn observation_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<ObservationInput>,
) -> Result<HttpResponse, AppError> {
    let o = with_ctx(&ctx, move |c| {
        let id = observations::create(c, &user.0, &body)?;
        observations::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(o))
}

/// One observation (staff).
#[utoipa::path(tag = "ideas", security(("bearer" = [])), responses(
    (status = 200, body = Observation), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[get("/api/v1/observations/{id}")]
pub async fn observation_get(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| observations::get(c, &user.0, id)).await?))
}

/// Observations to attach.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservationIds {
    pub observation_ids: Vec<i64>,
}

/// Attaches observations to an existing idea (their author, or a key expert of their unit).
#[utoipa::path(tag = "ideas", security(("bearer" = [])), request_body = ObservationIds, responses(
    (status = 204, description = "Attached"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/ideas/{id}/observations")]
pub async fn observation_attach(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<ObservationIds>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| {
        observations::attach(c, &user.0, id, &body.observation_ids)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
