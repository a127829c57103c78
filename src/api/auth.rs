//! Tokens for API clients, revocation, and the caller's own profile.

use super::ApiJson;
use crate::auth::tokens::Purpose;
use crate::domain::people::PersonView;
use crate::domain::{Context, accounts, people};
use crate::error::{AppError, Problem};
use crate::http::extract::{ApiUser, client_address};
use crate::http::with_ctx;
use crate::i18n::Locale;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(token)
        .service(revoke)
        .service(me)
        .service(register)
        .service(password_reset_request)
        .service(password_reset)
        .service(password_change)
        .service(language);
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
#[utoipa::path(tag = "auth", request_body = TokenRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "Wrong email or password", body = Problem),
    (status = 422, description = "The address is not verified yet", body = Problem),
    (status = 429, description = "Too many failed attempts", body = Problem),
))]
#[post("/api/v1/auth/token")]
pub async fn token(
    req: HttpRequest,
    ctx: web::Data<Context>,
    body: ApiJson<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let client = client_address(&req);
    let body = body.into_inner();
    let signed_in = with_ctx(&ctx, move |c| {
        crate::domain::sign_in::sign_in(c, &body.email, &body.password, &client, None)
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

/// The token of a new sign-in, as the exchange answers it.
fn token_response(ctx: &Context, signed_in: &accounts::SignedIn) -> HttpResponse {
    let (access_token, expires_in) = ctx
        .tokens
        .issue(Purpose::Api, signed_in.person_id, signed_in.token_generation);
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in,
        })
}

/// A customer's self-registration.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    pub email: String,
    pub name: String,
    pub password: String,
    /// fi, sv or en: the language of the verification mail (default: Accept-Language).
    pub locale: Option<String>,
}

/// Registers a customer and mails a verification link (when self-registration is on). The
/// answer is the same whether or not the address was registered before.
#[utoipa::path(tag = "auth", request_body = RegistrationRequest, responses(
    (status = 202, description = "A verification link (or a notice) was mailed"),
    (status = 403, description = "Self-registration is off", body = Problem),
    (status = 422, body = Problem),
))]
#[post("/api/v1/auth/register")]
pub async fn register(
    req: HttpRequest,
    ctx: web::Data<Context>,
    body: ApiJson<RegistrationRequest>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let locale = requested_locale(body.locale.as_deref(), &req)?;
    let input = accounts::Registration {
        email: body.email,
        name: body.name,
        password: body.password,
    };
    with_ctx(&ctx, move |c| accounts::register(c, &input, locale)).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// The language asked for, or the request's.
fn requested_locale(code: Option<&str>, req: &HttpRequest) -> Result<Locale, AppError> {
    match code {
        None => Ok(Locale::of_request(req)),
        Some(code) => Locale::parse(code).ok_or_else(|| AppError::field("locale", "invalid_value")),
    }
}

/// An address to send a password link to.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// Mails a password link if the address belongs to an active person; the answer is the same
/// either way.
#[utoipa::path(tag = "auth", request_body = PasswordResetRequest, responses(
    (status = 202, description = "A link was mailed if the address is known"),
    (status = 422, body = Problem),
))]
#[post("/api/v1/auth/password-reset")]
pub async fn password_reset_request(
    ctx: web::Data<Context>,
    body: ApiJson<PasswordResetRequest>,
) -> Result<HttpResponse, AppError> {
    let email = body.into_inner().email;
    with_ctx(&ctx, move |c| accounts::request_password_reset(c, &email)).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// A new password with the token of a mailed link.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The `token` of the link.
    pub token: String,
    pub password: String,
}

/// Sets a new password from a mailed link (it works once); every earlier token stops working
/// and a new one is returned.
#[utoipa::path(tag = "auth", request_body = PasswordReset, responses(
    (status = 200, body = TokenResponse),
    (status = 409, description = "The link is used, expired or broken", body = Problem),
    (status = 422, body = Problem),
))]
#[post("/api/v1/auth/password-reset/confirm")]
pub async fn password_reset(ctx: web::Data<Context>, body: ApiJson<PasswordReset>) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let signed_in = with_ctx(&ctx, move |c| accounts::reset_password(c, &body.token, &body.password)).await?;
    Ok(token_response(&ctx, &signed_in))
}

/// Changes the caller's password; every earlier token stops working and a new one is returned.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = accounts::PasswordChange, responses(
    (status = 200, body = TokenResponse),
    (status = 401, body = Problem),
    (status = 422, body = Problem),
))]
#[put("/api/v1/me/password")]
pub async fn password_change(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<accounts::PasswordChange>,
) -> Result<HttpResponse, AppError> {
    let id = user.0.id;
    let locale = user.0.locale;
    let generation = with_ctx(&ctx, move |c| accounts::change_password(c, id, &body)).await?;
    let signed_in = accounts::SignedIn {
        person_id: id,
        token_generation: generation,
        locale,
    };
    Ok(token_response(&ctx, &signed_in))
}

/// The caller's language.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageChoice {
    /// fi, sv or en.
    pub locale: String,
}

/// Chooses the caller's language: pages, mails and problem details follow it.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = LanguageChoice, responses(
    (status = 204, description = "Saved"),
    (status = 401, body = Problem),
    (status = 422, body = Problem),
))]
#[put("/api/v1/me/locale")]
pub async fn language(
    user: ApiUser,
    req: HttpRequest,
    ctx: web::Data<Context>,
    body: ApiJson<LanguageChoice>,
) -> Result<HttpResponse, AppError> {
    let locale = requested_locale(Some(&body.locale), &req)?;
    let id = user.0.id;
    with_ctx(&ctx, move |c| accounts::set_locale(c, id, locale)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Signs the caller out everywhere: every token and web session stops working.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
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
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
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
