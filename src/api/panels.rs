//! Customer panels: members, invitations, shared items, panel comments and voting rounds;
//! trustees' municipalities.

use super::ApiJson;
use super::ApiQuery;
use super::ideas::Created;
use crate::domain::Context;
use crate::domain::municipalities::Municipality;
use crate::domain::panels::invitations::{self, Invitation, InvitationInput};
use crate::domain::panels::rounds::{self, Ballot, Results, Round, RoundInput, RoundSummary};
use crate::domain::panels::shares::{self, CommentInput, Share, ShareInput};
use crate::domain::panels::{self, Member, NewMember, Panel, PanelInput};
use crate::domain::trustees::{self, MunicipalityView, TrusteeMunicipalities};
use crate::error::{AppError, Problem};
use crate::http::extract::ApiUser;
use crate::http::with_ctx;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(panel_list)
        .service(panel_create)
        .service(panel_get)
        .service(panel_update)
        .service(member_list)
        .service(member_add)
        .service(member_remove)
        .service(invitation_list)
        .service(invitation_create)
        .service(invitation_accept)
        .service(share_list)
        .service(share_create)
        .service(share_delete)
        .service(panel_comment_create)
        .service(round_list)
        .service(round_create)
        .service(round_get)
        .service(ballot_get)
        .service(ballot_put)
        .service(round_results)
        .service(trustee_municipalities_get)
        .service(trustee_municipalities_put)
        .service(my_municipality);
}

/// Panels the caller may see: staff every panel, customers their own.
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses((status = 200, body = Vec<Panel>)))]
#[get("/api/v1/panels")]
pub async fn panel_list(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| panels::list(c, &user.0)).await?))
}

/// Creates a panel (managers and administrators).
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = PanelInput, responses(
    (status = 201, body = Panel), (status = 403, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/panels")]
pub async fn panel_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<PanelInput>,
) -> Result<HttpResponse, AppError> {
    let panel = with_ctx(&ctx, move |c| {
        let id = panels::create(c, &user.0, &body)?;
        panels::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(panel))
}

/// One panel; 404 for those who may not see it.
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 200, body = Panel), (status = 404, body = Problem),
))]
#[get("/api/v1/panels/{id}")]
pub async fn panel_get(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| panels::get(c, &user.0, id)).await?))
}

/// Changes a panel (its coordinators, managers of its units, administrators).
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = PanelInput, responses(
    (status = 200, body = Panel), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[patch("/api/v1/panels/{id}")]
pub async fn panel_update(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<PanelInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let panel = with_ctx(&ctx, move |c| {
        panels::update(c, &user.0, id, &body)?;
        panels::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(panel))
}

/// The panel's coordinators and members (those who run it).
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Member>), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[get("/api/v1/panels/{id}/members")]
pub async fn member_list(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| panels::members(c, &user.0, id)).await?))
}

/// Adds an existing customer as a member (those who run the panel).
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = NewMember, responses(
    (status = 201, body = Vec<Member>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/panels/{id}/members")]
pub async fn member_add(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<NewMember>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let members = with_ctx(&ctx, move |c| {
        panels::add_member(c, &user.0, id, &body)?;
        panels::members(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(members))
}

/// Takes someone out of a panel: a member leaves, those who run it remove anyone.
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 204, description = "Removed"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[delete("/api/v1/panels/{id}/members/{person_id}")]
pub async fn member_remove(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, person_id) = path.into_inner();
    with_ctx(&ctx, move |c| panels::remove_member(c, &user.0, id, person_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The panel's invitations, newest first (those who run it).
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Invitation>), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[get("/api/v1/panels/{id}/invitations")]
pub async fn invitation_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| invitations::list(c, &user.0, id)).await?))
}

/// Invites an address to the panel; the link is emailed and works once.
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = InvitationInput, responses(
    (status = 201, body = Invitation), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/panels/{id}/invitations")]
pub async fn invitation_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<InvitationInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let invitation = with_ctx(&ctx, move |c| {
        let invitation_id = invitations::invite(c, &user.0, id, &body)?;
        invitations::list(c, &user.0, id)?
            .into_iter()
            .find(|i| i.id == invitation_id)
            .ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Created().json(invitation))
}

/// An invitation link's token.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    pub token: String,
}

/// Accepts an invitation as the caller, whose address it was sent to (new customers accept on
/// the web page the link opens, where they also choose a password).
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = AcceptInput, responses(
    (status = 200, body = Panel), (status = 409, body = Problem),
))]
#[post("/api/v1/panel-invitations/accept")]
pub async fn invitation_accept(
    user: ApiUser,
    ctx: web::Data<Context>,
    body: ApiJson<AcceptInput>,
) -> Result<HttpResponse, AppError> {
    let panel = with_ctx(&ctx, move |c| {
        let id = invitations::accept_existing(c, &user.0, &body.token)?;
        panels::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(panel))
}

/// What is shared with the panel, newest first.
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Share>), (status = 404, body = Problem),
))]
#[get("/api/v1/panels/{id}/shares")]
pub async fn share_list(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| shares::list(c, &user.0, id)).await?))
}

/// Shares an idea or a submitted experiment with the panel, optionally with a question; the
/// members are told.
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = ShareInput, responses(
    (status = 201, body = Share), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/panels/{id}/shares")]
pub async fn share_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<ShareInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let share = with_ctx(&ctx, move |c| {
        let share_id = shares::share(c, &user.0, id, &body)?;
        shares::list(c, &user.0, id)?
            .into_iter()
            .find(|s| s.id == share_id)
            .ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Created().json(share))
}

/// Stops sharing an item with the panel.
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 204, description = "Unshared"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
#[delete("/api/v1/panels/{id}/shares/{share_id}")]
pub async fn share_delete(
    user: ApiUser,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, share_id) = path.into_inner();
    with_ctx(&ctx, move |c| shares::unshare(c, &user.0, id, share_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Comments as the panel on a shared item (its members and coordinators).
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = CommentInput, responses(
    (status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/shares/{id}/comments")]
pub async fn panel_comment_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<CommentInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (comment_id, _) = with_ctx(&ctx, move |c| shares::comment(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::Created().json(Created { id: comment_id }))
}

/// Which rounds to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RoundFilter {
    /// One panel's rounds; without it, the rounds open now in the caller's panels.
    pub panel: Option<i64>,
}

/// Voting rounds: one panel's (newest first), or those open now in the caller's panels.
#[utoipa::path(tag = "panels", security(("bearer" = [])), params(RoundFilter), responses(
    (status = 200, body = Vec<RoundSummary>), (status = 404, body = Problem),
))]
#[get("/api/v1/rounds")]
pub async fn round_list(
    user: ApiUser,
    ctx: web::Data<Context>,
    q: ApiQuery<RoundFilter>,
) -> Result<HttpResponse, AppError> {
    let panel = q.panel;
    let list = with_ctx(&ctx, move |c| match panel {
        Some(p) => rounds::list(c, &user.0, p),
        None => {
            let mut conn = c.db.read()?;
            rounds::open_for(&mut conn, user.0.id)
        }
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Opens a voting round on the panel (those who run it).
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = RoundInput, responses(
    (status = 201, body = Round), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[post("/api/v1/panels/{id}/rounds")]
pub async fn round_create(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<RoundInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let round = with_ctx(&ctx, move |c| {
        let round_id = rounds::create(c, &user.0, id, &body)?;
        rounds::get(c, &user.0, round_id)
    })
    .await?;
    Ok(HttpResponse::Created().json(round))
}

/// One round with its ideas and the caller's ballot.
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 200, body = Round), (status = 404, body = Problem),
))]
#[get("/api/v1/rounds/{id}")]
pub async fn round_get(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| rounds::get(c, &user.0, id)).await?))
}

/// The caller's marks in a round.
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 200, body = Ballot), (status = 404, body = Problem),
))]
#[get("/api/v1/rounds/{id}/ballot")]
pub async fn ballot_get(user: ApiUser, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let round = with_ctx(&ctx, move |c| rounds::get(c, &user.0, id)).await?;
    Ok(HttpResponse::Ok().json(round.my_ballot))
}

/// Saves the caller's marks, replacing earlier ones: members only, while the round is open.
#[utoipa::path(tag = "panels", security(("bearer" = [])), request_body = Ballot, responses(
    (status = 204, description = "Saved"), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
#[put("/api/v1/rounds/{id}/ballot")]
pub async fn ballot_put(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<Ballot>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_ctx(&ctx, move |c| rounds::vote(c, &user.0, id, &body)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How to return results.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ResultsFormat {
    /// `csv` for a spreadsheet file (UTF-8 with BOM); JSON otherwise.
    pub format: Option<String>,
}

/// The round's results, ranked by net score (best minus worst).
#[utoipa::path(tag = "panels", security(("bearer" = [])), params(ResultsFormat), responses(
    (status = 200, body = Results), (status = 404, body = Problem), (status = 409, body = Problem),
))]
#[get("/api/v1/rounds/{id}/results")]
pub async fn round_results(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    q: ApiQuery<ResultsFormat>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let locale = user.0.locale;
    let results = with_ctx(&ctx, move |c| rounds::results(c, &user.0, id)).await?;
    if q.format.as_deref() == Some("csv") {
        return Ok(crate::http::csv_download(
            &format!("round-{id}.csv"),
            rounds::results_csv(&results, locale),
        ));
    }
    Ok(HttpResponse::Ok().json(results))
}

/// The municipalities a trustee represents (administrators, and the trustee).
#[utoipa::path(tag = "people", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Municipality>), (status = 403, body = Problem),
))]
#[get("/api/v1/people/{id}/municipalities")]
pub async fn trustee_municipalities_get(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| trustees::get(c, &user.0, id)).await?))
}

/// Links a trustee to the municipalities they represent (administrators).
#[utoipa::path(tag = "people", security(("bearer" = [])), request_body = TrusteeMunicipalities, responses(
    (status = 200, body = Vec<Municipality>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
#[put("/api/v1/people/{id}/municipalities")]
pub async fn trustee_municipalities_put(
    user: ApiUser,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    body: ApiJson<TrusteeMunicipalities>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let list = with_ctx(&ctx, move |c| {
        trustees::set(c, &user.0, id, &body)?;
        trustees::get(c, &user.0, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// "My municipality": ideas, experiments, results and directions of the municipalities the
/// trustee represents (trustees only).
#[utoipa::path(tag = "panels", security(("bearer" = [])), responses(
    (status = 200, body = Vec<MunicipalityView>), (status = 403, body = Problem),
))]
#[get("/api/v1/my-municipality")]
pub async fn my_municipality(user: ApiUser, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(with_ctx(&ctx, move |c| trustees::my_municipalities(c, &user.0)).await?))
}
