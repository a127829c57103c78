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

pub use health::{healthz, readyz};

/// Registers every API route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(json_config())
        .app_data(query_config())
        .app_data(path_config())
        .service(openapi_json);
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
    paths(
        health::healthz,
        health::readyz,
        auth::token,
        auth::revoke,
        auth::me,
        auth::register,
        auth::password_reset_request,
        auth::password_reset,
        auth::password_change,
        auth::language,
        ideas::idea_similar,
        org::units_tree,
        org::unit_create,
        org::unit_update,
        org::municipality_list,
        org::municipality_create,
        org::municipality_update,
        people::people_list,
        people::person_create,
        people::person_get,
        people::person_update,
        people::role_add,
        people::role_remove,
        people::events_list,
        ideas::idea_list,
        ideas::idea_create,
        ideas::idea_get,
        ideas::idea_update,
        ideas::support_add,
        ideas::support_remove,
        ideas::follow_add,
        ideas::follow_remove,
        ideas::publish,
        ideas::unpublish,
        ideas::comment_list,
        ideas::comment_create,
        ideas::comment_update,
        ideas::comment_delete,
        ideas::status_change,
        directions::direction_list,
        directions::direction_create,
        directions::direction_get,
        directions::direction_update,
        campaigns::campaign_list,
        campaigns::campaign_create,
        campaigns::campaign_get,
        campaigns::campaign_update,
        campaigns::persona_list,
        campaigns::persona_create,
        campaigns::persona_update,
        campaigns::path_list,
        campaigns::path_create,
        campaigns::path_get,
        campaigns::path_update,
        campaigns::path_board,
        observations::observation_list,
        observations::observation_create,
        observations::observation_get,
        observations::observation_attach,
        reports::report_create,
        reports::report_list,
        reports::decide,
        experiments::experiment_list,
        experiments::experiment_create,
        experiments::experiment_get,
        experiments::experiment_update,
        experiments::submit,
        experiments::withdraw,
        experiments::start,
        experiments::complete,
        experiments::outcome,
        experiments::review_list,
        experiments::review_create,
        experiments::log_list,
        experiments::log_create,
        experiments::report_get,
        experiments::report_put,
        experiments::adoption_list,
        experiments::adoption_create,
        experiments::version_list,
        experiments::version_create,
        experiments::version_decide,
        experiments::publish,
        experiments::unpublish,
        experiments::owner_change,
        experiments::review_queue,
        experiments::notification_list,
        experiments::notification_read,
        experiments::notifications_read_all,
        panels::panel_list,
        panels::panel_create,
        panels::panel_get,
        panels::panel_update,
        panels::member_list,
        panels::member_add,
        panels::member_remove,
        panels::invitation_list,
        panels::invitation_create,
        panels::invitation_accept,
        panels::share_list,
        panels::share_create,
        panels::share_delete,
        panels::panel_comment_create,
        panels::round_list,
        panels::round_create,
        panels::round_get,
        panels::ballot_get,
        panels::ballot_put,
        panels::round_results,
        panels::trustee_municipalities_get,
        panels::trustee_municipalities_put,
        panels::my_municipality,
        surveys::survey_list,
        surveys::survey_create,
        surveys::survey_get,
        surveys::survey_answer,
        surveys::survey_results,
        dashboard::dashboard_get,
    ),
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

#[get("/api/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
