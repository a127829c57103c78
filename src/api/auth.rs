//! Tokens for API clients, revocation, and the caller's own profile.

use crate::auth::tokens::Purpose;
use crate::domain::people::PersonView;
use crate::domain::{Context, accounts, people};
use crate::error::{AppError, Problem};
use crate::http::extract::{ApiUser, client_address};
use crate::http::with_ctx;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(token).service(revoke).service(me);
}

/// Email and password.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub email: String,
    pub password: String,
}

/// A bearer token.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always "Bearer".
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Exchanges email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "Wrong email or password", body = Problem),
    (status = 422, description = "The address is not verified yet", body = Problem),
    (status = 429, description = "Too many failed attempts", body = Problem),
))]
#[post("/api/v1/auth/token")]
pub async fn token(
    req: HttpRequest,
    ctx: web::Data<Context>,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let client = client_address(&req);
    let body = body.into_inner();
    let signed_in = with_ctx(&ctx, move |c| {
        accounts::sign_in(c, &body.email, &body.password, &client)
    })
    .await
    .map_err(|e| match e {
        // Pages re-show the form with the message; an API client is simply not signed in.
        AppError::Validation(f) if f.iter().any(|f| f.code == "sign_in_failed") => AppError::InvalidCredentials,
        e => e,
    })?;
    let (access_token, expires_in) = ctx
        .tokens
        .issue(Purpose::Api, signed_in.person_id, signed_in.token_generation);
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in,
        }))
}

/// Signs the caller out everywhere: every token and web session stops working.
#[utoipa::path(post, path = "/api/v1/auth/revoke", tag = "auth", security(("bearer" = [])), responses(
    (status = 204, description = "Every token revoked"),
    (status = 401, body = Problem),
))]
#[post("/api/v1/auth/revoke")]
pub async fn revoke(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let id = user.0.id;
    with_ctx(&ctx, move |c| accounts::sign_out_everywhere(c, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller, with units and roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = PersonView),
    (status = 401, body = Problem),
))]
#[get("/api/v1/me")]
pub async fn me(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let id = user.0.id;
    let view = with_ctx(&ctx, move |c| {
        let mut conn = c.db.read()?;
        people::view(&mut conn, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
