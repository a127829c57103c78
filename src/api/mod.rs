//! The JSON API under /api/v1: thin handlers over the domain, described by OpenAPI.

mod auth;
mod campaigns;
mod dashboard;
mod directions;
mod experiments;
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
    panels::routes(cfg);
    surveys::routes(cfg);
    dashboard::routes(cfg);
}

/// JSON bodies that do not parse (or name unknown fields) are 400 problems, never 500.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(256 * 1024)
        .error_handler(|err, _| AppError::BadRequest(err.to_string()).into())
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
        std::future::ready(parsed.map(ApiQuery).map_err(|e| {
            let path = e.path().to_string();
            let name = if path.is_empty() || path == "." {
                // Missing and unknown parameters are named in the message, in backticks.
                let message = e.inner().to_string();
                message.split('`').nth(1).unwrap_or_default().to_string()
            } else {
                path
            };
            AppError::BadParameter(name)
        }))
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
