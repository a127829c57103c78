//! Units and municipalities.

use super::ApiJson;
use crate::domain::Context;
use crate::domain::municipalities::{self, Municipality, MunicipalityPatch, NewMunicipality};
use crate::domain::units::{self, NewUnit, Unit, UnitNode, UnitPatch};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(units_tree)
        .service(units_without_reviewers)
        .service(unit_create)
        .service(unit_update)
        .service(municipality_list)
        .service(municipality_create)
        .service(municipality_update);
}

/// The unit tree: sectors, their units and teams, with served municipalities.
#[utoipa::path(tag = "organisation", security(("bearer" = [])), responses(
    (status = 200, body = Vec<UnitNode>),
    (status = 401, body = Problem),
))]
#[get("/api/v1/units")]
pub async fn units_tree(_user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, units::tree).await?))
}

/// Units whose experiments would find nobody to review them (no key expert or administrator
/// outside a team could): name a key expert there (administrators).
#[utoipa::path(tag = "organisation", security(("bearer" = [])), responses(
    (status = 200, body = Vec<crate::domain::people::UnitRef>),
    (status = 401, body = Problem),
    (status = 403, body = Problem),
))]
#[get("/api/v1/units/without-reviewers")]
pub async fn units_without_reviewers(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let actor = user.0;
    let units = with_ctx(&ctx, move |c| {
        crate::domain::experiments::routing::units_without_reviewers(c, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(units))
}

/// Adds a unit (administrators).
#[utoipa::path(tag = "organisation", security(("bearer" = [])), request_body = NewUnit, responses(
    (status = 201, body = Unit),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/units")]
pub async fn unit_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<NewUnit>,
) -> Result<HttpResponse, AppError> {
    let unit = with_ctx(&ctx, move |c| {
        let id = units::create(c, &user.0, &body)?;
        units::get(c, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(unit))
}

/// Renames, moves, (de)activates or reconfigures a unit (administrators). A move under its own subtree is 422.
#[utoipa::path(tag = "organisation", security(("bearer" = [])), request_body = UnitPatch, responses(
    (status = 200, body = Unit),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/units/{id}")]
pub async fn unit_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<UnitPatch>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let unit = with_ctx(&ctx, move |c| {
        units::update(c, &user.0, id, &body)?;
        units::get(c, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(unit))
}

/// The member municipalities.
#[utoipa::path(tag = "organisation", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Municipality>),
    (status = 401, body = Problem),
))]
#[get("/api/v1/municipalities")]
pub async fn municipality_list(_user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, municipalities::list).await?))
}

/// Adds a municipality (administrators).
#[utoipa::path(tag = "organisation", security(("bearer" = [])), request_body = NewMunicipality, responses(
    (status = 201, body = Municipality),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/municipalities")]
pub async fn municipality_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<NewMunicipality>,
) -> Result<HttpResponse, AppError> {
    let m = with_ctx(&ctx, move |c| {
        let id = municipalities::create(c, &user.0, &body)?;
        municipalities::get(c, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(m))
}

/// Renames, deactivates or reactivates a municipality (administrators).
#[utoipa::path(tag = "organisation", security(("bearer" = [])), request_body = MunicipalityPatch, responses(
    (status = 200, body = Municipality),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/municipalities/{id}")]
pub async fn municipality_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<MunicipalityPatch>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let m = with_ctx(&ctx, move |c| {
        municipalities::update(c, &user.0, id, &body)?;
        municipalities::get(c, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(m))
}
