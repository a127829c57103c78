//! People, their roles, and the audit log (administrators).

use super::ApiJson;
use super::ApiQuery;
use crate::domain::events::{self, EventFilter, EventView};
use crate::domain::people::{self, NewPerson, NewRole, PeopleFilter, PersonPatch, PersonSummary, PersonView};
use crate::domain::{Context, Page};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(people_list)
        .service(person_create)
        .service(person_get)
        .service(person_update)
        .service(role_add)
        .service(role_remove)
        .service(events_list);
}

/// People by id, filtered by text, kind and activity; keyset-paginated (administrators).
#[utoipa::path(tag = "people", security(("bearer" = [])), params(PeopleFilter), responses(
    (status = 200, body = Page<PersonSummary>),
    (status = 401, body = Problem), (status = 403, body = Problem),
))]
#[get("/api/v1/people")]
pub async fn people_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<PeopleFilter>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| people::list(c, &user.0, &q)).await?))
}

/// Adds a person (administrators). Without a password, an invitation link is emailed.
#[utoipa::path(tag = "people", security(("bearer" = [])), request_body = NewPerson, responses(
    (status = 201, body = PersonView),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/people")]
pub async fn person_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<NewPerson>,
) -> Result<HttpResponse, AppError> {
    let view = with_ctx(&ctx, move |c| {
        let id = people::create(c, &user.0, &body)?;
        people::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// One person (administrators, or the person themselves).
#[utoipa::path(tag = "people", security(("bearer" = [])), responses(
    (status = 200, body = PersonView),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[get("/api/v1/people/{id}")]
pub async fn person_get(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| people::get(c, &user.0, id)).await?))
}

/// Changes a person's name, kind, language, units or activity (administrators).
/// Deactivation and a change of kind revoke the person's tokens at once.
#[utoipa::path(tag = "people", security(("bearer" = [])), request_body = PersonPatch, responses(
    (status = 200, body = PersonView),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/people/{id}")]
pub async fn person_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<PersonPatch>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = with_ctx(&ctx, move |c| {
        people::update(c, &user.0, id, &body)?;
        people::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Grants a role (administrators); the person's tokens are revoked so it applies at once.
#[utoipa::path(tag = "people", security(("bearer" = [])), request_body = NewRole, responses(
    (status = 201, body = PersonView),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/people/{id}/roles")]
pub async fn role_add(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<NewRole>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = with_ctx(&ctx, move |c| {
        people::add_role(c, &user.0, id, &body)?;
        people::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Removes a role (administrators).
#[utoipa::path(tag = "people", security(("bearer" = [])), responses(
    (status = 204, description = "Removed"),
    (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
#[delete("/api/v1/people/{id}/roles/{role_id}")]
pub async fn role_remove(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, role_id) = path.into_inner();
    with_ctx(&ctx, move |c| people::remove_role(c, &user.0, id, role_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The audit log, newest first (administrators).
#[utoipa::path(tag = "people", security(("bearer" = [])), params(EventFilter), responses(
    (status = 200, body = Page<EventView>),
    (status = 401, body = Problem), (status = 403, body = Problem),
))]
#[get("/api/v1/events")]
pub async fn events_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<EventFilter>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| events::audit_log(c, &user.0, &q)).await?))
}
