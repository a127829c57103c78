//! Moderation pages: report content, the moderators' queue, hide and restore.

use super::{FormState, PageCtx, render, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::moderation::{self, Decision, ModeratedKind, ReportInput, ReportView};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(queue).service(report).service(decide);
}

#[derive(Template)]
#[template(path = "pages/moderation.html")]
struct QueuePage {
    p: PageCtx,
    reports: Vec<ReportView>,
}

#[get("/moderation")]
async fn queue(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let reports = with_ctx(&ctx, move |c| moderation::open_reports(c, &actor)).await?;
    render(&QueuePage { p, reports })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ModerationFields {
    object_type: String,
    object_id: i64,
    idea_id: i64,
    reason: String,
    hidden: String,
}

fn kind(value: &str) -> Result<ModeratedKind, AppError> {
    match value {
        "idea" => Ok(ModeratedKind::Idea),
        "comment" => Ok(ModeratedKind::Comment),
        _ => Err(AppError::BadRequest(format!("object_type: {value}"))),
    }
}

/// The idea page again, with a message or the field error of the reason.
fn back(idea: i64, result: Result<(), AppError>, done: &str) -> Result<HttpResponse, AppError> {
    let mut state = FormState::default();
    match state.absorb(result)? {
        Some(()) => Ok(see_other(&format!("/ideas/{idea}?done={done}"))),
        None => Ok(see_other(&format!("/ideas/{idea}?done=reason_required"))),
    }
}

#[post("/reports")]
async fn report(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<ModerationFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let f = form.0;
    let input = ReportInput {
        object_type: kind(&f.object_type)?,
        object_id: f.object_id,
        reason: f.reason,
    };
    let result = with_ctx(&ctx, move |c| moderation::report(c, &actor, &input).map(|_| ())).await;
    back(f.idea_id, result, "reported")
}

#[post("/moderation")]
async fn decide(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<ModerationFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let f = form.0;
    let hidden = f.hidden == "true";
    let decision = Decision {
        object_type: kind(&f.object_type)?,
        object_id: f.object_id,
        hidden,
        reason: f.reason,
    };
    let result = with_ctx(&ctx, move |c| moderation::decide(c, &actor, &decision)).await;
    back(f.idea_id, result, if hidden { "hidden" } else { "restored" })
}
