//! Ideas: list with filters and search, submit, read, edit, support, follow, comment, move.

use super::ApiJson;
use super::ApiQuery;
use crate::domain::Context;
use crate::domain::ideas::engagement::{self, CommentInput, CommentView};
use crate::domain::ideas::lifecycle::{self, StatusChange};
use crate::domain::ideas::list::{self, IdeaFilter, IdeaPage, IdeaSummary};
use crate::domain::ideas::{self, IdeaInput, IdeaView};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(idea_list)
        .service(idea_similar)
        .service(idea_create)
        .service(idea_get)
        .service(idea_update)
        .service(support_add)
        .service(support_remove)
        .service(follow_add)
        .service(follow_remove)
        .service(publish)
        .service(unpublish)
        .service(comment_list)
        .service(comment_create)
        .service(comment_update)
        .service(comment_delete)
        .service(status_change);
}

/// The title being written.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    /// The title of the idea being written.
    pub q: String,
}

/// Ideas like the one being written (the duplicate hint), those the caller may see.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(SimilarQuery), responses(
    (status = 200, body = Vec<IdeaSummary>), (status = 400, body = Problem), (status = 401, body = Problem),
))]
#[get("/api/v1/ideas/similar")]
pub async fn idea_similar(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<SimilarQuery>,
) -> Result<HttpResponse, AppError> {
    let title = q.into_inner().q;
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| list::similar(c, &user.0, &title)).await?))
}

/// Ideas the caller may see: filters, full-text search, four orders, keyset pages.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(IdeaFilter), responses(
    (status = 200, body = IdeaPage), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem),
))]
#[get("/api/v1/ideas")]
pub async fn idea_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<IdeaFilter>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| list::list(c, &user.0, &q)).await?))
}

/// Submits an idea.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), request_body = IdeaInput, responses(
    (status = 201, body = IdeaView), (status = 401, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/ideas")]
pub async fn idea_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<IdeaInput>,
) -> Result<HttpResponse, AppError> {
    let view = with_ctx(&ctx, move |c| {
        let id = ideas::create(c, &user.0, &body)?;
        ideas::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// One idea; 404 for ideas the caller may not see.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), responses(
    (status = 200, body = IdeaView), (status = 401, body = Problem), (status = 404, body = Problem),
))]
#[get("/api/v1/ideas/{id}")]
pub async fn idea_get(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| ideas::get(c, &user.0, id)).await?))
}

/// Edits an idea: its author, while it is new.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), request_body = IdeaInput, responses(
    (status = 200, body = IdeaView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/ideas/{id}")]
pub async fn idea_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<IdeaInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = with_ctx(&ctx, move |c| {
        ideas::update(c, &user.0, id, &body)?;
        ideas::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The support count after a change.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SupportCount {
    pub support_count: i32,
}

/// Supports an idea; supporting twice changes nothing.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), responses(
    (status = 200, body = SupportCount), (status = 404, body = Problem),
))]
#[post("/api/v1/ideas/{id}/supports")]
pub async fn support_add(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let support_count = with_ctx(&ctx, move |c| engagement::support(c, &user.0, id)).await?;
    Ok(HttpResponse::Ok().json(SupportCount { support_count }))
}

/// Withdraws the caller's support.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), responses(
    (status = 200, body = SupportCount), (status = 404, body = Problem),
))]
#[delete("/api/v1/ideas/{id}/supports")]
pub async fn support_remove(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let support_count = with_ctx(&ctx, move |c| engagement::withdraw_support(c, &user.0, id)).await?;
    Ok(HttpResponse::Ok().json(SupportCount { support_count }))
}

/// Follows an idea.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), responses(
    (status = 204, description = "Following"), (status = 404, body = Problem),
))]
#[post("/api/v1/ideas/{id}/follow")]
pub async fn follow_add(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| engagement::set_following(c, &user.0, id, true)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Publishes an idea: customers see it too (key experts of its units and managers).
#[utoipa::path(operation_id = "idea_publish", tag = "ideas", security(("bearer" = [])), responses(
    (status = 204, description = "Published"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[post("/api/v1/ideas/{id}/publication")]
pub async fn publish(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| lifecycle::set_published(c, &user.0, id, true)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraws an idea's publication: staff only again.
#[utoipa::path(operation_id = "idea_unpublish", tag = "ideas", security(("bearer" = [])), responses(
    (status = 204, description = "Not published"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[delete("/api/v1/ideas/{id}/publication")]
pub async fn unpublish(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| lifecycle::set_published(c, &user.0, id, false)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stops following an idea.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), responses(
    (status = 204, description = "Not following"), (status = 404, body = Problem),
))]
#[delete("/api/v1/ideas/{id}/follow")]
pub async fn follow_remove(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| engagement::set_following(c, &user.0, id, false)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The comments of an idea, threaded.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), responses(
    (status = 200, body = Vec<CommentView>), (status = 404, body = Problem),
))]
#[get("/api/v1/ideas/{id}/comments")]
pub async fn comment_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| engagement::list_comments(c, &user.0, id)).await?))
}

/// The id of something created.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Comments on an idea, or replies to a top-level comment.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), request_body = CommentInput, responses(
    (status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/ideas/{id}/comments")]
pub async fn comment_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<CommentInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let comment = with_ctx(&ctx, move |c| engagement::add_comment(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::Created().json(Created { id: comment }))
}

/// A comment's new text.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentEdit {
    pub body: String,
}

/// Edits a comment: its author, within 15 minutes.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), request_body = CommentEdit, responses(
    (status = 204, description = "Edited"), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/ideas/{id}/comments/{comment_id}")]
pub async fn comment_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
    body: ApiJson<CommentEdit>,
) -> Result<HttpResponse, AppError> {
    let (id, comment) = path.into_inner();
    with_ctx(&ctx, move |c| {
        engagement::edit_comment(c, &user.0, id, comment, &body.body)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes a comment (its author or a moderator); "removed" stays in its place.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), responses(
    (status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[delete("/api/v1/ideas/{id}/comments/{comment_id}")]
pub async fn comment_delete(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, comment) = path.into_inner();
    with_ctx(&ctx, move |c| engagement::delete_comment(c, &user.0, id, comment)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Moves an idea in its lifecycle (key experts of its units and managers); 409 names the possible moves.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), request_body = StatusChange, responses(
    (status = 200, body = IdeaView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/ideas/{id}/status")]
pub async fn status_change(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<StatusChange>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = with_ctx(&ctx, move |c| {
        lifecycle::change_status(c, &user.0, id, &body)?;
        ideas::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
