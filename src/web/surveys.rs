//! Staff pulse survey pages: the list, the managers' form, the answer form and the results.

use super::{FormState, PageCtx, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::scope::Scope;
use crate::domain::surveys::{self, Answer, Answers, Survey, SurveyInput, SurveyResults};
use crate::domain::units::UnitNode;
use crate::error::{AppError, FieldError};
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(survey_list)
        .service(survey_new)
        .service(survey_create)
        .service(survey_show)
        .service(survey_answer)
        .service(survey_results);
}

#[derive(Template)]
#[template(path = "pages/surveys/list.html")]
struct ListPage {
    p: PageCtx,
    surveys: Vec<Survey>,
    may_open: bool,
}

#[get("/surveys")]
async fn survey_list(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let may_open = p.can.open_surveys;
    let list = with_ctx(&ctx, move |c| surveys::list(c, &actor)).await?;
    render(&ListPage {
        p,
        surveys: list,
        may_open,
    })
}

#[derive(Template)]
#[template(path = "pages/surveys/form.html")]
struct FormPage {
    p: PageCtx,
    form: FormState,
    /// The units the manager may ask, in tree order.
    units: Vec<UnitNode>,
    /// Whether the whole organisation may be asked.
    whole: bool,
}

async fn form_page(p: PageCtx, ctx: &web::Data<Context>, form: FormState) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(p.actor()?)?;
    let whole = scope == Scope::All;
    let units = with_ctx(ctx, move |c| super::dashboard::pickable_units(c, &scope)).await?;
    let invalid = !form.errors.is_empty();
    let page = FormPage { p, form, units, whole };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/surveys/new")]
async fn survey_new(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    if !p.can.open_surveys {
        return Err(AppError::Forbidden);
    }
    let today = crate::clock::today();
    let statements = ["survey.default_1", "survey.default_2", "survey.default_3"]
        .map(|k| p.locale.t(k).to_string())
        .join("\n");
    let form = FormState::with(&[
        ("title", p.locale.t("survey.default_title")),
        ("opens_on", &today.to_string()),
        ("closes_on", &(today + chrono::Duration::days(14)).to_string()),
        ("statements", &statements),
    ]);
    form_page(p, &ctx, form).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SurveyFields {
    title: String,
    unit_id: String,
    opens_on: String,
    closes_on: String,
    /// One statement per line.
    statements: String,
}

fn date(field: &'static str, value: &str) -> Result<chrono::NaiveDate, AppError> {
    value.trim().parse().map_err(|_| {
        AppError::field(
            field,
            if value.trim().is_empty() {
                "required"
            } else {
                "invalid_value"
            },
        )
    })
}

#[post("/surveys")]
async fn survey_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<SurveyFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let f = form.0;
    let mut state = FormState::with(&[
        ("title", &f.title),
        ("unit_id", &f.unit_id),
        ("opens_on", &f.opens_on),
        ("closes_on", &f.closes_on),
        ("statements", &f.statements),
    ]);
    let input = (|| {
        Ok::<_, AppError>(SurveyInput {
            title: f.title.clone(),
            unit_id: super::opt_id(&f.unit_id)?,
            opens_on: date("opens_on", &f.opens_on)?,
            closes_on: date("closes_on", &f.closes_on)?,
            statements: f.statements.lines().map(str::to_string).collect(),
        })
    })();
    let result = match input {
        Ok(input) => with_ctx(&ctx, move |c| surveys::create(c, &actor, &input)).await,
        Err(e) => Err(e),
    };
    match state.absorb(result)? {
        Some(id) => Ok(see_other(&format!("/surveys/{id}?done=survey_opened"))),
        None => form_page(p, &ctx, state).await,
    }
}

#[derive(Template)]
#[template(path = "pages/surveys/show.html")]
struct ShowPage {
    p: PageCtx,
    survey: Survey,
    form: FormState,
}

impl ShowPage {
    /// The form field of a statement.
    fn field(&self, statement_id: &i64) -> String {
        format!("statement_{statement_id}")
    }

    /// A Likert value's words.
    fn likert(&self, value: &i32) -> String {
        self.p.tk("survey.likert", &value.to_string())
    }
}

async fn show_page(p: PageCtx, ctx: &web::Data<Context>, id: i64, form: FormState) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let survey = with_ctx(ctx, move |c| surveys::get(c, &actor, id)).await?;
    let mut form = form;
    for s in &survey.statements {
        form.names.insert(format!("statement_{}", s.id), s.text.clone());
    }
    let invalid = !form.errors.is_empty();
    let page = ShowPage { p, survey, form };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/surveys/{id}")]
async fn survey_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    show_page(p, &ctx, id.into_inner(), FormState::default()).await
}

#[post("/surveys/{id}/answers")]
async fn survey_answer(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let mut state = FormState::default();
    let mut answers = Vec::new();
    for (name, value) in &form.1.0 {
        let Some(statement) = name.strip_prefix("statement_").and_then(|s| s.parse::<i64>().ok()) else {
            continue;
        };
        state.values.insert(name.clone(), value.clone());
        match value.parse::<i32>() {
            Ok(value) => answers.push(Answer {
                statement_id: statement,
                value,
            }),
            Err(_) => state.errors.push(FieldError::new(name.clone(), "likert_range")),
        }
    }
    if !state.errors.is_empty() {
        return show_page(p, &ctx, id, state).await;
    }
    let input = Answers { answers };
    let result = with_ctx(&ctx, move |c| surveys::answer(c, &actor, id, &input)).await;
    match state.absorb_all(result)? {
        Some(()) => Ok(see_other(&format!("/surveys/{id}?done=survey_answered"))),
        None => show_page(p, &ctx, id, state).await,
    }
}

#[derive(Template)]
#[template(path = "pages/surveys/results.html")]
struct ResultsPage {
    p: PageCtx,
    results: SurveyResults,
}

impl ResultsPage {
    fn mean(&self, value: &Option<f64>) -> String {
        value
            .map(|m| self.p.number((m * 10.0).round() / 10.0))
            .unwrap_or_default()
    }
}

#[get("/surveys/{id}/results")]
async fn survey_results(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let results = with_ctx(&ctx, move |c| surveys::results(c, &actor, id)).await?;
    render(&ResultsPage { p, results })
}
