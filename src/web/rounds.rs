//! Voting rounds on the web: the coordinators' round form, the one-page ballot (large touch
//! targets, no scripts) and the results with their CSV download.

use super::{FormState, PageCtx, csv_download, render, render_invalid, see_other, with_ctx, xlsx_download};
use crate::domain::Context;
use crate::domain::panels::rounds::{self, Ballot, Results, Round, RoundIdea, RoundInput};
use crate::domain::panels::shares::{self, ItemType, Share};
use crate::domain::panels::{self, Panel};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(round_new)
        .service(round_create)
        .service(round_show)
        .service(ballot_save)
        .service(results_show)
        .service(results_csv)
        .service(results_xlsx);
}

#[derive(Template)]
#[template(path = "pages/rounds/form.html")]
struct FormPage {
    p: PageCtx,
    panel: Panel,
    /// Ideas shared with the panel, offered as choices.
    shared: Vec<Share>,
    chosen: Vec<i64>,
    form: FormState,
}

impl FormPage {
    fn is_chosen(&self, id: &i64) -> bool {
        self.chosen.contains(id)
    }
}

async fn form_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    panel_id: i64,
    form: FormState,
    chosen: Vec<i64>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (panel, shared) = with_ctx(ctx, move |c| {
        let panel = panels::get(c, &actor, panel_id)?;
        if !panel.can_manage {
            return Err(AppError::Forbidden);
        }
        let shared = shares::list(c, &actor, panel_id)?
            .into_iter()
            .filter(|s| s.item_type == ItemType::Idea)
            .collect();
        Ok((panel, shared))
    })
    .await?;
    let invalid = !form.errors.is_empty();
    let page = FormPage {
        p,
        panel,
        shared,
        chosen,
        form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/panels/{id}/rounds/new")]
async fn round_new(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let now = crate::i18n::finnish_time(crate::clock::now());
    let fmt = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
    let form = FormState::with(&[
        ("opens_at", &fmt(now)),
        ("closes_at", &fmt(now + chrono::Duration::days(7))),
        ("best_marks", "1"),
        ("worst_marks", "1"),
    ]);
    form_page(p, &ctx, id.into_inner(), form, Vec::new()).await
}

/// The round form as posted (ideas come as repeated `idea_ids`).
#[derive(Deserialize, Default)]
#[serde(default)]
struct RoundFields {
    title: String,
    opens_at: String,
    closes_at: String,
    best_marks: String,
    worst_marks: String,
    /// More idea numbers, separated by commas or spaces.
    other_ideas: String,
}

/// A `datetime-local` value in Finnish time, as the UTC moment it names.
fn moment(field: &'static str, value: &str) -> Result<NaiveDateTime, AppError> {
    let v = value.trim();
    NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
        .map(crate::i18n::from_finnish_time)
        .map_err(|_| AppError::field(field, if v.is_empty() { "required" } else { "invalid_value" }))
}

fn whole(field: &'static str, value: &str) -> Result<i32, AppError> {
    value.trim().parse().map_err(|_| AppError::field(field, "not_a_number"))
}

#[post("/panels/{id}/rounds")]
async fn round_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<RoundFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let panel_id = id.into_inner();
    let results_while_open = form.1.checked("results_while_open");
    let mut chosen = form.1.ids("idea_ids")?;
    let f = form.0;
    let mut state = FormState::with(&[
        ("title", &f.title),
        ("opens_at", &f.opens_at),
        ("closes_at", &f.closes_at),
        ("best_marks", &f.best_marks),
        ("worst_marks", &f.worst_marks),
        ("other_ideas", &f.other_ideas),
        ("results_while_open", if results_while_open { "on" } else { "" }),
    ]);
    let mut other = Vec::new();
    for part in f
        .other_ideas
        .split([',', ';', ' ', '\n'])
        .map(|s| s.trim().trim_start_matches('#'))
    {
        if part.is_empty() {
            continue;
        }
        match part.parse::<i64>() {
            Ok(id) => other.push(id),
            Err(_) => {
                state.errors = vec![crate::error::FieldError::new("other_ideas", "not_a_number")];
                return form_page(p, &ctx, panel_id, state, chosen).await;
            }
        }
    }
    chosen.extend(other);
    let input = (|| {
        Ok::<_, AppError>(RoundInput {
            title: f.title.clone(),
            opens_at: moment("opens_at", &f.opens_at)?,
            closes_at: moment("closes_at", &f.closes_at)?,
            best_marks: whole("best_marks", &f.best_marks)?,
            worst_marks: whole("worst_marks", &f.worst_marks)?,
            results_while_open,
            idea_ids: chosen.clone(),
        })
    })();
    let result = match input {
        Ok(input) => with_ctx(&ctx, move |c| rounds::create(c, &actor, panel_id, &input)).await,
        Err(e) => Err(e),
    };
    match state.absorb(result)? {
        Some(round_id) => Ok(see_other(&format!("/rounds/{round_id}?done=round_created"))),
        None => form_page(p, &ctx, panel_id, state, chosen).await,
    }
}

#[derive(Template)]
#[template(path = "pages/rounds/ballot.html")]
struct BallotPage {
    p: PageCtx,
    round: Round,
    /// The marks to show: the saved ballot, or the refused one being corrected.
    ballot: Ballot,
    form: FormState,
}

impl BallotPage {
    fn best(&self, idea: &RoundIdea) -> bool {
        self.ballot.best.contains(&idea.id)
    }

    fn worst(&self, idea: &RoundIdea) -> bool {
        self.ballot.worst.contains(&idea.id)
    }
}

async fn ballot_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    id: i64,
    refused: Option<(Ballot, FormState)>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let round = with_ctx(ctx, move |c| rounds::get(c, &actor, id)).await?;
    let invalid = refused.is_some();
    let (ballot, form) = refused.unwrap_or_else(|| (round.my_ballot.clone(), FormState::default()));
    let page = BallotPage { p, round, ballot, form };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/rounds/{id}")]
async fn round_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    ballot_page(p, &ctx, id.into_inner(), None).await
}

#[post("/rounds/{id}/ballot")]
async fn ballot_save(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let ballot = Ballot {
        best: form.1.ids("best")?,
        worst: form.1.ids("worst")?,
    };
    let b = ballot.clone();
    let result = with_ctx(&ctx, move |c| rounds::vote(c, &actor, id, &b)).await;
    let mut state = FormState::default();
    match state.absorb_all(result)? {
        Some(()) => Ok(see_other(&format!("/rounds/{id}?done=ballot_saved"))),
        None => ballot_page(p, &ctx, id, Some((ballot, state))).await,
    }
}

#[derive(Template)]
#[template(path = "pages/rounds/results.html")]
struct ResultsPage {
    p: PageCtx,
    round: Round,
    results: Results,
    /// Staff may follow the links to the ideas.
    staff: bool,
}

#[get("/rounds/{id}/results")]
async fn results_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (round, results) = with_ctx(&ctx, move |c| {
        Ok((rounds::get(c, &actor, id)?, rounds::results(c, &actor, id)?))
    })
    .await?;
    let staff = p.can.staff_pages;
    render(&ResultsPage {
        p,
        round,
        results,
        staff,
    })
}

#[get("/rounds/{id}/results.csv")]
async fn results_csv(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let results = with_ctx(&ctx, move |c| rounds::results(c, &actor, id)).await?;
    Ok(csv_download(
        &format!("round-{id}.csv"),
        rounds::results_csv(&results, p.locale),
    ))
}

#[get("/rounds/{id}/results.xlsx")]
async fn results_xlsx(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let results = with_ctx(&ctx, move |c| rounds::results(c, &actor, id)).await?;
    let sheet = p.t("rounds.results").to_string();
    xlsx_download(
        &format!("round-{id}.xlsx"),
        &rounds::results_table(&results, p.locale),
        &sheet,
    )
}
