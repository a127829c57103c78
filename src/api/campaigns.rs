//! Campaigns, personas and service paths.

use super::ApiJson;
use super::ApiQuery;
use crate::domain::Context;
use crate::domain::campaigns::{self, Campaign, CampaignInput};
use crate::domain::personas::{self, BoardColumn, Persona, PersonaInput, ServicePath, ServicePathInput};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(campaign_list)
        .service(campaign_create)
        .service(campaign_get)
        .service(campaign_update)
        .service(persona_list)
        .service(persona_create)
        .service(persona_update)
        .service(path_list)
        .service(path_create)
        .service(path_get)
        .service(path_update)
        .service(path_board);
}

/// Campaigns, latest first.
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), responses((status = 200, body = Vec<Campaign>)))]
#[get("/api/v1/campaigns")]
pub async fn campaign_list(_user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, campaigns::list).await?))
}

/// Creates a campaign (managers and administrators).
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), request_body = CampaignInput, responses(
    (status = 201, body = Campaign), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/campaigns")]
pub async fn campaign_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<CampaignInput>,
) -> Result<HttpResponse, AppError> {
    let c = with_ctx(&ctx, move |c| {
        let id = campaigns::create(c, &user.0, &body)?;
        campaigns::get(c, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// One campaign.
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), responses(
    (status = 200, body = Campaign), (status = 404, body = Problem),
))]
#[get("/api/v1/campaigns/{id}")]
pub async fn campaign_get(
    _user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| campaigns::get(c, id)).await?))
}

/// Changes a campaign (managers and administrators).
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), request_body = CampaignInput, responses(
    (status = 200, body = Campaign), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/campaigns/{id}")]
pub async fn campaign_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<CampaignInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let c = with_ctx(&ctx, move |c| {
        campaigns::update(c, &user.0, id, &body)?;
        campaigns::get(c, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}

/// Customer personas.
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), responses((status = 200, body = Vec<Persona>)))]
#[get("/api/v1/personas")]
pub async fn persona_list(_user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, personas::list_personas).await?))
}

/// Adds a persona (managers and administrators).
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), request_body = PersonaInput, responses(
    (status = 201, body = Persona), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/personas")]
pub async fn persona_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<PersonaInput>,
) -> Result<HttpResponse, AppError> {
    let p = with_ctx(&ctx, move |c| {
        let id = personas::create_persona(c, &user.0, &body)?;
        personas::list_personas(c)?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Created().json(p))
}

/// Changes a persona (managers and administrators).
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), request_body = PersonaInput, responses(
    (status = 204, description = "Changed"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/personas/{id}")]
pub async fn persona_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<PersonaInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| personas::update_persona(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Service paths with their stages.
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), responses((status = 200, body = Vec<ServicePath>)))]
#[get("/api/v1/service-paths")]
pub async fn path_list(_user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, personas::list_paths).await?))
}

/// Adds a service path (managers and administrators).
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), request_body = ServicePathInput, responses(
    (status = 201, body = ServicePath), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/service-paths")]
pub async fn path_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<ServicePathInput>,
) -> Result<HttpResponse, AppError> {
    let p = with_ctx(&ctx, move |c| {
        let id = personas::create_path(c, &user.0, &body)?;
        personas::get_path(c, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(p))
}

/// One service path.
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), responses(
    (status = 200, body = ServicePath), (status = 404, body = Problem),
))]
#[get("/api/v1/service-paths/{id}")]
pub async fn path_get(_user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| personas::get_path(c, id)).await?))
}

/// Changes a service path; a stage that ideas use cannot be removed (409).
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), request_body = ServicePathInput, responses(
    (status = 200, body = ServicePath), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/service-paths/{id}")]
pub async fn path_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<ServicePathInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let p = with_ctx(&ctx, move |c| {
        personas::update_path(c, &user.0, id, &body)?;
        personas::get_path(c, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Filters of the service-path board.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BoardFilter {
    pub persona: Option<i64>,
    /// A unit, with its sub-units.
    pub unit: Option<i64>,
}

/// The ideas at each stage of a service path.
#[utoipa::path(tag = "campaigns", security(("bearer" = [])), params(BoardFilter), responses(
    (status = 200, body = Vec<BoardColumn>), (status = 404, body = Problem),
))]
#[get("/api/v1/service-paths/{id}/board")]
pub async fn path_board(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    q: ApiQuery<BoardFilter>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let q = q.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| personas::board(c, &user.0, id, q.persona, q.unit)).await?))
}
