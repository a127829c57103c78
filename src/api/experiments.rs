//! Experiments: plan, submit, review, run, diary, report, complete, outcome, adoptions,
//! versions, publishing; the review queue and notifications.

use super::ApiJson;
use super::ApiQuery;
use super::ideas::Created;
use crate::domain::Context;
use crate::domain::access::Actor;
use crate::domain::experiments::lifecycle::{self, ExperimentStatus, OutcomeInput};
use crate::domain::experiments::list::{self, ExperimentFilter, ExperimentPage};
use crate::domain::experiments::plan::{self, PlanVersion, VersionDecision};
use crate::domain::experiments::results::{self, Adoption, AdoptionInput, LogEntry, LogInput, Report, ReportInput};
use crate::domain::experiments::review::{self, QueueItem, Review, ReviewInput};
use crate::domain::experiments::{self, ExperimentInput, ExperimentView};
use crate::domain::notifications::{self, Notification};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(review_queue)
        .service(notification_list)
        .service(notification_read)
        .service(notifications_read_all)
        .service(experiment_list)
        .service(experiment_create)
        .service(experiment_get)
        .service(experiment_update)
        .service(submit)
        .service(withdraw)
        .service(experiment_copy)
        .service(start)
        .service(complete)
        .service(outcome)
        .service(review_list)
        .service(review_create)
        .service(log_list)
        .service(log_create)
        .service(report_get)
        .service(report_put)
        .service(adoption_list)
        .service(adoption_create)
        .service(version_list)
        .service(version_create)
        .service(version_decide)
        .service(publish)
        .service(unpublish)
        .service(owner_change);
}

/// Runs a change on the experiment and answers with its new state.
async fn change_then_view(
    ctx: web::Data<Context>,
    user: ApiUser,
    id: i64,
    change: impl FnOnce(&Context, &Actor) -> Result<(), AppError> + Send + 'static,
) -> Result<HttpResponse, AppError> {
    let view = with_ctx(&ctx, move |c| {
        change(c, &user.0)?;
        experiments::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Experiments the caller may see, newest first; `results=true` is the results library.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), params(ExperimentFilter), responses(
    (status = 200, body = ExperimentPage), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem),
))]
#[get("/api/v1/experiments")]
pub async fn experiment_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<ExperimentFilter>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| list::list(c, &user.0, &q)).await?))
}

/// Drafts an experiment (employees); the creator owns it.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = ExperimentInput, responses(
    (status = 201, body = ExperimentView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments")]
pub async fn experiment_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<ExperimentInput>,
) -> Result<HttpResponse, AppError> {
    let view = with_ctx(&ctx, move |c| {
        let id = plan::create(c, &user.0, &body)?;
        experiments::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A withdrawn or rejected experiment's plan as a new draft of the caller's (owner and team).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 201, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[post("/api/v1/experiments/{id}/copy")]
pub async fn experiment_copy(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = with_ctx(&ctx, move |c| {
        let copy = plan::copy_as_draft(c, &user.0, id)?;
        experiments::get(c, &user.0, copy)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// One experiment with what the caller may do to it.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = ExperimentView), (status = 404, body = Problem),
))]
#[get("/api/v1/experiments/{id}")]
pub async fn experiment_get(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| experiments::get(c, &user.0, id)).await?))
}

/// Edits a draft or a plan with changes requested (owner and team); an approved plan is frozen (409).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = ExperimentInput, responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/experiments/{id}")]
pub async fn experiment_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<ExperimentInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    change_then_view(ctx, user, id, move |c, a| plan::update(c, a, id, &body)).await
}

/// Submits for key-expert review (at least one indicator).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments/{id}/submit")]
pub async fn submit(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    change_then_view(ctx, user, id, move |c, a| lifecycle::submit(c, a, id)).await
}

/// The owner withdraws it before it runs.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
#[post("/api/v1/experiments/{id}/withdraw")]
pub async fn withdraw(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    change_then_view(ctx, user, id, move |c, a| lifecycle::withdraw(c, a, id)).await
}

/// The owner starts an approved experiment.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
#[post("/api/v1/experiments/{id}/start")]
pub async fn start(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    change_then_view(ctx, user, id, move |c, a| lifecycle::start(c, a, id)).await
}

/// Completes a running experiment; its result report must be whole (409 naming what is missing).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
#[post("/api/v1/experiments/{id}/complete")]
pub async fn complete(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    change_then_view(ctx, user, id, move |c, a| lifecycle::complete(c, a, id)).await
}

/// A key expert or manager marks a completed experiment adopted into practice or not.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = OutcomeInput, responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments/{id}/outcome")]
pub async fn outcome(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<OutcomeInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    change_then_view(ctx, user, id, move |c, a| lifecycle::decide_outcome(c, a, id, &body)).await
}

/// The reviews, oldest first.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Review>), (status = 404, body = Problem),
))]
#[get("/api/v1/experiments/{id}/reviews")]
pub async fn review_list(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| review::list(c, &user.0, id)).await?))
}

/// The status after a review.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReviewOutcome {
    pub status: ExperimentStatus,
}

/// A key expert of the unit or its ancestors (not on the team) approves, requests changes or rejects.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = ReviewInput, responses(
    (status = 201, body = ReviewOutcome), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments/{id}/reviews")]
pub async fn review_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<ReviewInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let status = with_ctx(&ctx, move |c| review::decide(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::Created().json(ReviewOutcome { status }))
}

/// The diary, newest day first.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = Vec<LogEntry>), (status = 404, body = Problem),
))]
#[get("/api/v1/experiments/{id}/log")]
pub async fn log_list(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| results::log(c, &user.0, id)).await?))
}

/// The owner or team writes in the diary of a running experiment.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = LogInput, responses(
    (status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments/{id}/log")]
pub async fn log_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<LogInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let entry = with_ctx(&ctx, move |c| results::write_log(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::Created().json(Created { id: entry }))
}

/// The result report (404 until one is written).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = Report), (status = 404, body = Problem),
))]
#[get("/api/v1/experiments/{id}/report")]
pub async fn report_get(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| results::report(c, &user.0, id)).await?))
}

/// Writes the result report and the indicators' actual values (owner and team).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = ReportInput, responses(
    (status = 200, body = Report), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[put("/api/v1/experiments/{id}/report")]
pub async fn report_put(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<ReportInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let report = with_ctx(&ctx, move |c| {
        results::write_report(c, &user.0, id, &body)?;
        results::report(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Units that adopted the practice.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Adoption>), (status = 404, body = Problem),
))]
#[get("/api/v1/experiments/{id}/adoptions")]
pub async fn adoption_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| results::adoptions(c, &user.0, id)).await?))
}

/// Records that a unit adopted it (key experts and managers of that unit).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = AdoptionInput, responses(
    (status = 204, description = "Recorded"), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments/{id}/adoptions")]
pub async fn adoption_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<AdoptionInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| results::record_adoption(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every version of the approved plan, oldest first.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = Vec<PlanVersion>), (status = 404, body = Problem),
))]
#[get("/api/v1/experiments/{id}/versions")]
pub async fn version_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| plan::versions(c, &user.0, id)).await?))
}

/// The number of a new version.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionCreated {
    pub version: i32,
}

/// Proposes a change to an approved plan (owner and team); a key expert accepts it.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = ExperimentInput, responses(
    (status = 201, body = VersionCreated), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments/{id}/versions")]
pub async fn version_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<ExperimentInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let version = with_ctx(&ctx, move |c| plan::propose_version(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::Created().json(VersionCreated { version }))
}

/// A key expert accepts or declines a proposed version.
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = VersionDecision, responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments/{id}/versions/{version}/decision")]
pub async fn version_decide(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i32)>,
    body: ApiJson<VersionDecision>,
) -> Result<HttpResponse, AppError> {
    let (id, version) = path.into_inner();
    change_then_view(ctx, user, id, move |c, a| {
        plan::decide_version(c, a, id, version, &body)
    })
    .await
}

/// Publishes a completed experiment's report (key experts and managers).
#[utoipa::path(operation_id = "experiment_publish", tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[post("/api/v1/experiments/{id}/publication")]
pub async fn publish(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    change_then_view(ctx, user, id, move |c, a| lifecycle::set_published(c, a, id, true)).await
}

/// Withdraws the publication.
#[utoipa::path(operation_id = "experiment_unpublish", tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[delete("/api/v1/experiments/{id}/publication")]
pub async fn unpublish(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    change_then_view(ctx, user, id, move |c, a| lifecycle::set_published(c, a, id, false)).await
}

/// A new owner.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerInput {
    pub owner_id: i64,
}

/// Hands the experiment to another employee (the owner, or a manager of its unit).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), request_body = OwnerInput, responses(
    (status = 200, body = ExperimentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/experiments/{id}/owner")]
pub async fn owner_change(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<OwnerInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let owner = body.owner_id;
    change_then_view(ctx, user, id, move |c, a| lifecycle::transfer(c, a, id, owner)).await
}

/// What waits for the caller's review, oldest first (key experts).
#[utoipa::path(tag = "experiments", security(("bearer" = [])), responses(
    (status = 200, body = Vec<QueueItem>), (status = 403, body = Problem),
))]
#[get("/api/v1/reviews/queue")]
pub async fn review_queue(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| review::queue(c, &user.0)).await?))
}

/// The caller's newest notifications.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Notification>), (status = 401, body = Problem),
))]
#[get("/api/v1/notifications")]
pub async fn notification_list(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| notifications::list(c, &user.0)).await?))
}

/// Marks one notification read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 204, description = "Read"), (status = 404, body = Problem),
))]
#[post("/api/v1/notifications/{id}/read")]
pub async fn notification_read(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| notifications::mark_read(c, &user.0, Some(id))).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks every notification read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 204, description = "All read"),
))]
#[post("/api/v1/notifications/read")]
pub async fn notifications_read_all(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    with_ctx(&ctx, move |c| notifications::mark_read(c, &user.0, None)).await?;
    Ok(HttpResponse::NoContent().finish())
}
