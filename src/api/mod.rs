//! The JSON API under /api/v1: thin handlers over the domain, described by OpenAPI.

mod auth;
mod campaigns;
mod dashboard;
mod directions;
mod experiments;
mod follows;
mod health;
mod ideas;
mod observations;
mod org;
mod panels;
mod people;
mod reports;
mod surveys;

use crate::error::AppError;
use actix_web::{HttpResponse, get, web};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every API route, each named once (in its handler's attributes); the OpenAPI
/// document is collected from the same registration, so every route is in it by construction.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz);
    auth::routes(cfg);
    org::routes(cfg);
    people::routes(cfg);
    ideas::routes(cfg);
    directions::routes(cfg);
    campaigns::routes(cfg);
    observations::routes(cfg);
    reports::routes(cfg);
    experiments::routes(cfg);
    follows::routes(cfg);
    panels::routes(cfg);
    surveys::routes(cfg);
    dashboard::routes(cfg);
}

/// Query strings that do not parse are 400 problems.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| AppError::BadRequest(err.to_string()).into())
}

/// A query string read into `T`; a parameter that does not parse is a 400 naming it.
pub struct ApiQuery<T>(pub T);

impl<T> ApiQuery<T> {
    /// The parsed query.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiQuery<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned> actix_web::FromRequest for ApiQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let pairs = form_urlencoded::parse(req.query_string().as_bytes());
        let parsed = serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs));
        std::future::ready(parsed.map(ApiQuery).map_err(|e| AppError::BadParameter(named(&e, ""))))
    }
}

/// The name a deserialisation error points at: its path, or the field named in backticks
/// (missing and unknown fields), or `fallback`.
fn named<E: std::fmt::Display>(e: &serde_path_to_error::Error<E>, fallback: &str) -> String {
    let path = e.path().to_string();
    if !path.is_empty() && path != "." && path != "?" {
        return path;
    }
    let message = e.inner().to_string();
    match message.split('`').nth(1) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => fallback.to_string(),
    }
}

/// A JSON body read into `T`; a field that is missing, unknown or of the wrong type is a 400
/// naming it (`errors[0].field`), in the reader's language.
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiJson<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// The largest JSON body.
const MAX_BODY: usize = 256 * 1024;

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &actix_web::HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let json = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let essence = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            });
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(AppError::BadParameter("Content-Type".into()));
            }
            let bytes = bytes.await.map_err(|_| AppError::BadParameter("body".into()))?;
            if bytes.len() > MAX_BODY {
                return Err(AppError::BadParameter("body".into()));
            }
            let mut de = serde_json::Deserializer::from_slice(&bytes);
            let value =
                serde_path_to_error::deserialize(&mut de).map_err(|e| AppError::BadParameter(named(&e, "body")))?;
            // Nothing but whitespace may follow the JSON value.
            de.end().map_err(|_| AppError::BadParameter("body".into()))?;
            Ok(ApiJson(value))
        })
    }
}

/// A path segment that is not an id names nothing: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into())
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document, generated from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(title = "Kehittämö API", description = "Kehittäminen kuuluu kaikille — the idea-and-experiment registry."),
    components(schemas(crate::error::Problem, crate::error::ProblemField, crate::domain::ideas::list::IdeaSort)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Tokens and the caller"),
        (name = "organisation", description = "Units and municipalities"),
        (name = "people", description = "People, roles and the audit log"),
        (name = "ideas", description = "Ideas, supports, comments and their lifecycle"),
        (name = "directions", description = "Development directions"),
        (name = "campaigns", description = "Campaigns, customer personas and service paths"),
        (name = "experiments", description = "Experiments: plans, reviews, diaries, result reports and adoptions"),
        (name = "notifications", description = "The caller's notifications"),
        (name = "follows", description = "Following ideas, experiments, campaigns and directions"),
        (name = "dashboard", description = "Management figures"),
        (name = "surveys", description = "Staff pulse surveys, answered anonymously"),
        (name = "panels", description = "Customer panels, shared items, voting rounds, and trustees' municipalities"),
        (name = "moderation", description = "Reports and hiding content"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document of the routes `routes` registers (without running a server).
pub fn openapi() -> utoipa::openapi::OpenApi {
    actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts()
        .1
}

/// Serves the document built when the app was assembled.
#[get("/api/openapi.json")]
pub async fn openapi_json(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}
