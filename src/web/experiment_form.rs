//! The experiment plan form: drafting, editing, and proposing a new version of an approved plan.

use super::{FormState, PageCtx, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::access::Actor;
use crate::domain::directions::{self, Direction};
use crate::domain::experiments;
use crate::domain::experiments::plan::{self, ExperimentInput, IndicatorInput};
use crate::domain::units::{self, UnitNode};
use crate::error::{AppError, FieldError};
use crate::http::csrf::{CsrfForm, FormPairs};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(new_form)
        .service(create)
        .service(edit_form)
        .service(update)
        .service(version_form)
        .service(version_create);
}

/// Indicator rows the form offers (blank ones are ignored).
pub const INDICATOR_ROWS: usize = 5;

/// What the form is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    New,
    Edit,
    Version,
}

#[derive(Template)]
#[template(path = "pages/experiments/form.html")]
struct FormPage {
    p: PageCtx,
    purpose: Purpose,
    action: String,
    form: FormState,
    tree: Vec<UnitNode>,
    directions: Vec<Direction>,
    selected_directions: Vec<i64>,
    idea_ids: Vec<i64>,
}

impl FormPage {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn heading(&self) -> &'static str {
        match self.purpose {
            Purpose::New => "experiments.new",
            Purpose::Edit => "experiments.edit",
            Purpose::Version => "experiments.propose_version",
        }
    }

    fn rows(&self) -> std::ops::Range<usize> {
        0..INDICATOR_ROWS
    }

    fn key(&self, row: &usize, field: &str) -> String {
        format!("indicators.{row}.{field}")
    }

    fn numeric(&self, field: impl AsRef<str>) -> bool {
        matches!(field.as_ref(), "baseline" | "target")
    }

    fn direction_selected(&self, id: &i64) -> bool {
        self.selected_directions.contains(id)
    }
}

struct Selected {
    directions: Vec<i64>,
    ideas: Vec<i64>,
}

async fn show(
    p: PageCtx,
    ctx: &web::Data<Context>,
    purpose: Purpose,
    action: String,
    form: FormState,
    selected: Selected,
) -> Result<HttpResponse, AppError> {
    let reader = p.actor()?.clone();
    let (tree, directions) = with_ctx(ctx, move |c| Ok((units::tree(c)?, directions::choices(c, &reader)?))).await?;
    let invalid = !form.errors.is_empty();
    let page = FormPage {
        p,
        purpose,
        action,
        form,
        tree,
        directions,
        selected_directions: selected.directions,
        idea_ids: selected.ideas,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

/// The single-valued fields of the form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PlanFields {
    title: String,
    unit_id: String,
    hypothesis: String,
    what_tried: String,
    customer_involvement: String,
    starts_on: String,
    ends_on: String,
    budget: String,
    team: String,
}

/// The plan form's fields in the order they are shown, for the error summary.
const FORM_ORDER: [&str; 15] = [
    "idea_ids",
    "title",
    "unit_id",
    "hypothesis",
    "what_tried",
    "customer_involvement",
    "starts_on",
    "ends_on",
    "budget",
    "team",
    "direction_ids",
    "touches_personal_data",
    "needs_consent",
    "vulnerable_customers",
    "indicators",
];

/// Reads the posted form: the values to re-show, and the input; when some fields did not parse,
/// the domain's own checks run on the rest, so that every problem is reported in one round.
fn parse(
    ctx: &Context,
    actor: &Actor,
    f: &PlanFields,
    pairs: &FormPairs,
) -> Result<(FormState, Result<ExperimentInput, AppError>), AppError> {
    let mut state = FormState::with(&[
        ("title", &f.title),
        ("unit_id", &f.unit_id),
        ("hypothesis", &f.hypothesis),
        ("what_tried", &f.what_tried),
        ("customer_involvement", &f.customer_involvement),
        ("starts_on", &f.starts_on),
        ("ends_on", &f.ends_on),
        ("budget", &f.budget),
        ("team", &f.team),
    ]);
    for flag in ["touches_personal_data", "needs_consent", "vulnerable_customers"] {
        if pairs.checked(flag) {
            state.values.insert(flag.into(), "on".into());
        }
    }
    let mut errors = Vec::new();
    let column = |name: &str| -> Vec<String> {
        pairs
            .0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (names, measures, baselines, targets, methods) = (
        column("ind_name"),
        column("ind_measure"),
        column("ind_baseline"),
        column("ind_target"),
        column("ind_method"),
    );
    let mut indicators = Vec::new();
    for row in 0..names.len().min(INDICATOR_ROWS) {
        let cell = |v: &Vec<String>| v.get(row).cloned().unwrap_or_default();
        let (name, measure, baseline, target, method) = (
            cell(&names),
            cell(&measures),
            cell(&baselines),
            cell(&targets),
            cell(&methods),
        );
        if [&name, &measure, &baseline, &target, &method]
            .iter()
            .all(|v| v.trim().is_empty())
        {
            continue;
        }
        // Filled rows move up, so that a message for indicator i sits on row i.
        let i = indicators.len();
        for (field, value) in [
            ("name", &name),
            ("measure", &measure),
            ("baseline", &baseline),
            ("target", &target),
            ("method", &method),
        ] {
            state.values.insert(format!("indicators.{i}.{field}"), value.clone());
        }
        let mut value = |field: &str, text: &str| {
            super::typed_number(text).unwrap_or_else(|| {
                errors.push(FieldError::new(format!("indicators.{i}.{field}"), "not_a_number"));
                0.0
            })
        };
        let (baseline, target) = (value("baseline", &baseline), value("target", &target));
        indicators.push(IndicatorInput {
            name,
            measure,
            baseline,
            target,
            method,
        });
    }
    let day = |field: &str, text: &str, errors: &mut Vec<FieldError>| {
        text.trim().parse::<chrono::NaiveDate>().unwrap_or_else(|_| {
            errors.push(FieldError::new(field, "invalid_value"));
            chrono::NaiveDate::default()
        })
    };
    let starts_on = day("starts_on", &f.starts_on, &mut errors);
    let ends_on = day("ends_on", &f.ends_on, &mut errors);
    let budget = if f.budget.trim().is_empty() {
        0.0
    } else {
        super::typed_number(&f.budget).unwrap_or_else(|| {
            errors.push(FieldError::new("budget", "not_a_number"));
            0.0
        })
    };
    let unit_id = f.unit_id.trim().parse().unwrap_or_else(|_| {
        errors.push(FieldError::new("unit_id", "required"));
        0
    });
    let emails: Vec<String> = f
        .team
        .split([',', '\n', ';'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect();
    let team_ids = match crate::domain::people::employee_ids_by_email(ctx, "team", &emails) {
        Ok(ids) => ids,
        Err(AppError::Validation(e)) => {
            errors.extend(e);
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    let input = ExperimentInput {
        title: f.title.clone(),
        unit_id,
        hypothesis: f.hypothesis.clone(),
        what_tried: f.what_tried.clone(),
        customer_involvement: f.customer_involvement.clone(),
        starts_on,
        ends_on,
        budget,
        team_ids,
        idea_ids: pairs.ids("idea_ids")?,
        direction_ids: pairs.ids("direction_ids")?,
        touches_personal_data: pairs.checked("touches_personal_data"),
        needs_consent: pairs.checked("needs_consent"),
        vulnerable_customers: pairs.checked("vulnerable_customers"),
        indicators,
    };
    if errors.is_empty() {
        return Ok((state, Ok(input)));
    }
    // A field that did not parse keeps that message; the domain's message on the same field
    // (about the placeholder value) is dropped.
    if let Err(AppError::Validation(more)) = plan::check(ctx, actor, &input) {
        for e in more {
            let field = if e.field == "team_ids" {
                "team".to_string()
            } else {
                e.field.clone()
            };
            if !errors.iter().any(|known| known.field == field) {
                errors.push(FieldError { field, ..e });
            }
        }
    }
    errors.sort_by_key(|e| {
        let base = e.field.split('.').next().unwrap_or_default();
        FORM_ORDER.iter().position(|f| *f == base).unwrap_or(FORM_ORDER.len())
    });
    Ok((state, Err(AppError::Validation(errors))))
}

/// The form filled from an input (editing, or a new version of the plan).
fn filled(input: &ExperimentInput, team_emails: &[String]) -> FormState {
    let budget = format!("{:.2}", input.budget);
    let mut state = FormState::with(&[
        ("title", &input.title),
        ("unit_id", &input.unit_id.to_string()),
        ("hypothesis", &input.hypothesis),
        ("what_tried", &input.what_tried),
        ("customer_involvement", &input.customer_involvement),
        ("starts_on", &input.starts_on.to_string()),
        ("ends_on", &input.ends_on.to_string()),
        ("budget", &budget),
        ("team", &team_emails.join("\n")),
    ]);
    for (flag, on) in [
        ("touches_personal_data", input.touches_personal_data),
        ("needs_consent", input.needs_consent),
        ("vulnerable_customers", input.vulnerable_customers),
    ] {
        if on {
            state.values.insert(flag.into(), "on".into());
        }
    }
    for (row, i) in input.indicators.iter().enumerate() {
        for (field, value) in [
            ("name", i.name.clone()),
            ("measure", i.measure.clone()),
            ("baseline", i.baseline.to_string()),
            ("target", i.target.to_string()),
            ("method", i.method.clone()),
        ] {
            state.values.insert(format!("indicators.{row}.{field}"), value);
        }
    }
    state
}

#[get("/experiments/new")]
async fn new_form(req: HttpRequest, p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    p.actor()?;
    if !p.can.start_experiments {
        return Err(AppError::Forbidden);
    }
    // "Try this": the idea comes along from its page.
    let query = FormPairs(
        form_urlencoded::parse(req.query_string().as_bytes())
            .into_owned()
            .collect(),
    );
    let ideas = query.ids("idea_id")?;
    let today = crate::clock::today();
    let form = FormState::with(&[
        ("starts_on", &(today + chrono::Duration::days(14)).to_string()),
        ("ends_on", &(today + chrono::Duration::days(14 + 90)).to_string()),
    ]);
    let selected = Selected {
        directions: Vec::new(),
        ideas,
    };
    show(p, &ctx, Purpose::New, "/experiments".into(), form, selected).await
}

#[post("/experiments")]
async fn create(p: PageCtx, ctx: web::Data<Context>, form: CsrfForm<PlanFields>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let CsrfForm(f, pairs) = form;
    let selected = Selected {
        directions: pairs.ids("direction_ids")?,
        ideas: pairs.ids("idea_ids")?,
    };
    let c = ctx.clone();
    let parser = actor.clone();
    let (mut state, input) = web::block(move || parse(&c, &parser, &f, &pairs)).await??;
    let result = match input {
        Ok(input) => with_ctx(&ctx, move |c| plan::create(c, &actor, &input)).await,
        Err(e) => Err(e),
    };
    match state.absorb(result)? {
        Some(id) => Ok(see_other(&format!("/experiments/{id}?done=saved"))),
        None => show(p, &ctx, Purpose::New, "/experiments".into(), state, selected).await,
    }
}

/// Where the form posts.
fn action_of(id: i64, purpose: Purpose) -> String {
    match purpose {
        Purpose::Version => format!("/experiments/{id}/versions"),
        Purpose::Edit => format!("/experiments/{id}/edit"),
        Purpose::New => "/experiments".into(),
    }
}

/// The form filled with the plan as it stands.
async fn prefilled(p: PageCtx, ctx: &web::Data<Context>, id: i64, purpose: Purpose) -> Result<HttpResponse, AppError> {
    let (input, emails) = current(ctx, &p, id).await?;
    let selected = Selected {
        directions: input.direction_ids.clone(),
        ideas: input.idea_ids.clone(),
    };
    show(
        p,
        ctx,
        purpose,
        action_of(id, purpose),
        filled(&input, &emails),
        selected,
    )
    .await
}

/// The plan as it stands and its team's addresses.
async fn current(ctx: &web::Data<Context>, p: &PageCtx, id: i64) -> Result<(ExperimentInput, Vec<String>), AppError> {
    let actor = p.actor()?.clone();
    with_ctx(ctx, move |c| {
        let mut conn = c.db.read()?;
        let (e, _) = experiments::load_visible(&mut conn, &actor, id)?;
        let input = plan::current_plan(&mut conn, &e)?;
        let emails = crate::domain::people::emails_of(&mut conn, &input.team_ids)?;
        Ok((input, emails))
    })
    .await
}

#[get("/experiments/{id}/edit")]
async fn edit_form(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = {
        let actor = p.actor()?.clone();
        with_ctx(&ctx, move |c| experiments::get(c, &actor, id)).await?
    };
    if !view.can.edit {
        return Err(if view.can.propose_version {
            AppError::conflict("plan_frozen", "")
        } else {
            AppError::Forbidden
        });
    }
    prefilled(p, &ctx, id, Purpose::Edit).await
}

#[post("/experiments/{id}/edit")]
async fn update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<PlanFields>,
) -> Result<HttpResponse, AppError> {
    plan_post(p, ctx, id.into_inner(), form, Purpose::Edit).await
}

#[get("/experiments/{id}/versions/new")]
async fn version_form(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    prefilled(p, &ctx, id.into_inner(), Purpose::Version).await
}

#[post("/experiments/{id}/versions")]
async fn version_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<PlanFields>,
) -> Result<HttpResponse, AppError> {
    plan_post(p, ctx, id.into_inner(), form, Purpose::Version).await
}

/// Saves an edit or proposes a version; the form again with messages when something is wrong.
async fn plan_post(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: i64,
    form: CsrfForm<PlanFields>,
    purpose: Purpose,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let CsrfForm(f, pairs) = form;
    let selected = Selected {
        directions: pairs.ids("direction_ids")?,
        ideas: pairs.ids("idea_ids")?,
    };
    let c = ctx.clone();
    let parser = actor.clone();
    let (mut state, input) = web::block(move || parse(&c, &parser, &f, &pairs)).await??;
    let result = match input {
        Ok(input) => {
            with_ctx(&ctx, move |c| match purpose {
                Purpose::Version => plan::propose_version(c, &actor, id, &input).map(|_| "version_proposed"),
                _ => plan::update(c, &actor, id, &input).map(|_| "saved"),
            })
            .await
        }
        Err(e) => Err(e),
    };
    match state.absorb_all(result)? {
        Some(notice) => Ok(see_other(&format!("/experiments/{id}?done={notice}"))),
        None => show(p, &ctx, purpose, action_of(id, purpose), state, selected).await,
    }
}
