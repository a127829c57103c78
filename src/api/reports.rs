//! Moderation: reports, and hiding or restoring content.

use super::ApiJson;
use crate::domain::Context;
use crate::domain::moderation::{self, Decision, ReportInput, ReportView};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::ideas::Created;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(report_create).service(report_list).service(decide);
}

/// Reports an idea or comment as inappropriate.
#[utoipa::path(tag = "moderation", security(("bearer" = [])), request_body = ReportInput, responses(
    (status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/reports")]
pub async fn report_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<ReportInput>,
) -> Result<HttpResponse, AppError> {
    let id = with_ctx(&ctx, move |c| moderation::report(c, &user.0, &body)).await?;
    Ok(HttpResponse::Created().json(Created { id }))
}

/// Open reports the caller moderates (key experts of the ideas' units, administrators).
#[utoipa::path(tag = "moderation", security(("bearer" = [])), responses(
    (status = 200, body = Vec<ReportView>), (status = 403, body = Problem),
))]
#[get("/api/v1/reports")]
pub async fn report_list(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| moderation::open_reports(c, &user.0)).await?))
}

/// Hides or restores an idea or comment with a reason; resolves its reports and tells the author.
#[utoipa::path(tag = "moderation", security(("bearer" = [])), request_body = Decision, responses(
    (status = 204, description = "Done"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/reports/decisions")]
pub async fn decide(user: ApiUser, ctx: web::Data<Context>, body: ApiJson<Decision>) -> Result<HttpResponse, AppError> {
    with_ctx(&ctx, move |c| moderation::decide(c, &user.0, &body)).await?;
    Ok(HttpResponse::NoContent().finish())
}
