//! The management dashboard's figures as JSON.

use super::ApiQuery;
use crate::domain::Context;
use crate::domain::dashboard::{self, Dashboard, DashboardQuery};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(dashboard_get);
}

/// Every figure of the dashboard for a period, by default this year so far (managers see their
/// own units, trustees and administrators everything; others 403).
#[utoipa::path(tag = "dashboard", security(("bearer" = [])), params(DashboardQuery), responses(
    (status = 200, body = Dashboard), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[get("/api/v1/dashboard")]
pub async fn dashboard_get(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = q.filter();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| dashboard::figures(c, &user.0, &filter)).await?))
}
