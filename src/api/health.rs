//! Liveness and readiness probes.

use crate::domain::Context;
use crate::error::AppError;
use actix_web::{HttpResponse, get, web};

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process is up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The database answers.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "The database answers"),
    (status = 503, description = "The database does not answer", body = crate::error::Problem),
))]
#[get("/readyz")]
pub async fn readyz(ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let ctx = ctx.clone();
    let up = web::block(move || ctx.db.ping()).await?;
    if up {
        Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })))
    } else {
        Err(AppError::Unavailable("database does not answer".into()))
    }
}
