//! Staff pulse surveys: opening, answering once and anonymously, results where enough answered.

use super::ApiJson;
use crate::domain::Context;
use crate::domain::surveys::{self, Answers, Survey, SurveyInput, SurveyResults};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(survey_list)
        .service(survey_create)
        .service(survey_get)
        .service(survey_answer)
        .service(survey_results);
}

/// Surveys the caller may see, newest first.
#[utoipa::path(tag = "surveys", security(("bearer" = [])), responses((status = 200, body = Vec<Survey>)))]
#[get("/api/v1/surveys")]
pub async fn survey_list(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| surveys::list(c, &user.0)).await?))
}

/// Opens a survey (managers, for their own units or, when unscoped, anyone).
#[utoipa::path(tag = "surveys", security(("bearer" = [])), request_body = SurveyInput, responses(
    (status = 201, body = Survey), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/surveys")]
pub async fn survey_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<SurveyInput>,
) -> Result<HttpResponse, AppError> {
    let survey = with_ctx(&ctx, move |c| {
        let id = surveys::create(c, &user.0, &body)?;
        surveys::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(survey))
}

/// One survey; 404 for those it is not meant for.
#[utoipa::path(tag = "surveys", security(("bearer" = [])), responses(
    (status = 200, body = Survey), (status = 404, body = Problem),
))]
#[get("/api/v1/surveys/{id}")]
pub async fn survey_get(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| surveys::get(c, &user.0, id)).await?))
}

/// Answers a survey, once, while it is open (employees it is meant for).
#[utoipa::path(tag = "surveys", security(("bearer" = [])), request_body = Answers, responses(
    (status = 204, description = "Answered"), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/surveys/{id}/answers")]
pub async fn survey_answer(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<Answers>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| surveys::answer(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Results per unit in the caller's scope; a group with fewer than five answers shows none.
#[utoipa::path(tag = "surveys", security(("bearer" = [])), responses(
    (status = 200, body = SurveyResults), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[get("/api/v1/surveys/{id}/results")]
pub async fn survey_results(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| surveys::results(c, &user.0, id)).await?))
}
