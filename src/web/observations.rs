//! Observation pages: jot one down, see them, turn some into an idea or attach them to one.

use super::{FormState, PageCtx, opt_id, render, render_invalid, see_other, with_ctx};
use crate::domain::observations::{self, Observation, ObservationFilter, ObservationInput};
use crate::domain::units::{self, UnitNode};
use crate::domain::{Context, Page};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).service(attach);
}

#[derive(Template)]
#[template(path = "pages/observations.html")]
struct ObservationsPage {
    p: PageCtx,
    page: Page<Observation>,
    mine: bool,
    tree: Vec<UnitNode>,
    form: FormState,
    attach_form: FormState,
}

impl ObservationsPage {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn today(&self) -> String {
        crate::clock::today().to_string()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    mine: bool,
    before: Option<i64>,
}

async fn page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    q: ListQuery,
    form: FormState,
    attach_form: FormState,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let filter = ObservationFilter {
        mine: q.mine,
        before: q.before,
        limit: Some(30),
        ..Default::default()
    };
    let (page, tree) = with_ctx(ctx, move |c| {
        Ok((observations::list(c, &actor, &filter)?, units::tree(c)?))
    })
    .await?;
    let invalid = !form.errors.is_empty() || !attach_form.errors.is_empty();
    let view = ObservationsPage {
        p,
        page,
        mine: q.mine,
        tree,
        form,
        attach_form,
    };
    if invalid { render_invalid(&view) } else { render(&view) }
}

#[get("/observations")]
async fn list(p: PageCtx, ctx: web::Data<Context>, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let form = FormState::with(&[("observed_on", &crate::clock::today().to_string())]);
    page(p, &ctx, q.into_inner(), form, FormState::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ObservationFields {
    situation: String,
    challenge: String,
    resolution: String,
    unit_id: String,
    observed_on: String,
}

#[post("/observations")]
async fn create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<ObservationFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let f = form.0;
    let mut state = FormState::with(&[
        ("situation", &f.situation),
        ("challenge", &f.challenge),
        ("resolution", &f.resolution),
        ("unit_id", &f.unit_id),
        ("observed_on", &f.observed_on),
    ]);
    // An unreadable date is passed on as an impossible one, so the domain names it with the rest.
    let observed_on = match f.observed_on.trim() {
        "" => None,
        d => Some(d.parse::<chrono::NaiveDate>().unwrap_or(chrono::NaiveDate::MIN)),
    };
    let input = ObservationInput {
        situation: f.situation,
        challenge: f.challenge,
        resolution: f.resolution,
        unit_id: opt_id(&f.unit_id).ok().flatten(),
        observed_on,
    };
    let result = with_ctx(&ctx, move |c| observations::create(c, &actor, &input)).await;
    match state.absorb(result)? {
        Some(_) => Ok(see_other("/observations?mine=true&done=observation_saved")),
        None => {
            page(
                p,
                &ctx,
                ListQuery {
                    mine: true,
                    before: None,
                },
                state,
                FormState::default(),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SelectionFields {
    idea_id: String,
    action: String,
}

/// The selected observations become a new idea (the form opens with them) or join an existing one.
#[post("/observations/selection")]
async fn attach(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<SelectionFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let CsrfForm(f, pairs) = form;
    let ids = pairs.ids("observation_ids")?;
    if f.action == "to_idea" {
        let query: Vec<String> = ids.iter().map(|i| format!("observation_ids={i}")).collect();
        return Ok(see_other(&format!("/ideas/new?{}", query.join("&"))));
    }
    let mut state = FormState::with(&[("idea_id", &f.idea_id)]);
    let idea = opt_id(&f.idea_id).ok().flatten();
    let result = match idea {
        Some(idea) => with_ctx(&ctx, move |c| observations::attach(c, &actor, idea, &ids))
            .await
            .map(|_| idea)
            // An idea the person cannot see is, for this form, an unknown number.
            .map_err(|e| {
                if matches!(e, AppError::NotFound) {
                    AppError::field("idea_id", "unknown")
                } else {
                    e
                }
            }),
        None => Err(AppError::field("idea_id", "required")),
    };
    match state.absorb(result)? {
        Some(idea) => Ok(see_other(&format!("/ideas/{idea}?done=observations_attached"))),
        None => {
            page(
                p,
                &ctx,
                ListQuery {
                    mine: true,
                    before: None,
                },
                FormState::default(),
                state,
            )
            .await
        }
    }
}
