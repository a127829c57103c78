//! The result report (a printable page, and the team's form), the plan's versions, the review
//! queue and the notifications.

use super::{FormState, PageCtx, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::experiments::plan::{self, ExperimentInput, PlanVersion, VersionDecision, VersionState};
use crate::domain::experiments::results::{self, ActualInput, REPORT_TEXTS, Report, ReportInput};
use crate::domain::experiments::review::{self, QueueItem};
use crate::domain::experiments::{self, ExperimentView};
use crate::domain::notifications::{self, Notification};
use crate::error::{AppError, FieldError};
use crate::http::csrf::{CsrfForm, FormPairs};
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(report_show)
        .service(report_edit)
        .service(report_save)
        .service(version_page)
        .service(version_decide)
        .service(queue)
        .service(notification_list)
        .service(notification_read)
        .service(notifications_read_all);
}

#[derive(Template)]
#[template(path = "pages/experiments/report.html")]
struct ReportPage {
    p: PageCtx,
    experiment: ExperimentView,
    report: Report,
}

impl ReportPage {
    fn text(&self, field: &str) -> &str {
        self.report.text(field)
    }

    fn fields(&self) -> [&'static str; 7] {
        REPORT_TEXTS
    }

    fn euros(&self, v: &f64) -> String {
        self.p.euros(*v)
    }

    fn number(&self, v: &f64) -> String {
        self.p.number(*v)
    }
}

#[get("/experiments/{id}/report")]
async fn report_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (experiment, report) = with_ctx(&ctx, move |c| {
        Ok((experiments::get(c, &actor, id)?, results::report(c, &actor, id)?))
    })
    .await?;
    render(&ReportPage { p, experiment, report })
}

#[derive(Template)]
#[template(path = "pages/experiments/report_form.html")]
struct ReportForm {
    p: PageCtx,
    experiment: ExperimentView,
    form: FormState,
}

impl ReportForm {
    fn fields(&self) -> [&'static str; 7] {
        REPORT_TEXTS
    }

    fn actual_key(&self, id: &i64) -> String {
        format!("actual.{id}")
    }
}

async fn report_form(
    p: PageCtx,
    ctx: &web::Data<Context>,
    id: i64,
    form: Option<FormState>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (experiment, report) = with_ctx(ctx, move |c| {
        let view = experiments::get(c, &actor, id)?;
        if !view.can.report {
            return Err(AppError::Forbidden);
        }
        let mut conn = c.db.read()?;
        Ok((view, results::report_of(&mut conn, id)?))
    })
    .await?;
    let invalid = form.as_ref().is_some_and(|f| !f.errors.is_empty());
    let form = form.unwrap_or_else(|| {
        let mut state = FormState::default();
        if let Some(r) = &report {
            for field in REPORT_TEXTS {
                state.values.insert(field.into(), r.text(field).to_string());
            }
            state.values.insert("one_off".into(), r.one_off.to_string());
            state.values.insert("yearly".into(), r.yearly.to_string());
            let recommend = match r.recommend_adoption {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            state.values.insert("recommend_adoption".into(), recommend.into());
        }
        for i in &experiment.indicators {
            if let Some(a) = i.actual {
                state.values.insert(format!("actual.{}", i.id), a.to_string());
            }
        }
        state
    });
    let page = ReportForm { p, experiment, form };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/experiments/{id}/report/edit")]
async fn report_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    report_form(p, &ctx, id.into_inner(), None).await
}

#[post("/experiments/{id}/report")]
async fn report_save(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let CsrfForm(_, FormPairs(pairs)) = form;
    let value = |k: &str| {
        pairs
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut state = FormState::default();
    for (k, v) in &pairs {
        if k != "csrf_token" {
            state.values.insert(k.clone(), v.clone());
        }
    }
    let mut errors = Vec::new();
    // A blank amount is zero.
    let amount = |text: &str| {
        if text.trim().is_empty() {
            Some(0.0)
        } else {
            super::typed_number(text)
        }
    };
    let mut number = |field: &str| {
        amount(&value(field)).unwrap_or_else(|| {
            errors.push(FieldError::new(field, "not_a_number"));
            0.0
        })
    };
    let (one_off, yearly) = (number("one_off"), number("yearly"));
    let mut actuals = Vec::new();
    for (k, v) in &pairs {
        let Some(indicator) = k.strip_prefix("actual.").and_then(|i| i.parse::<i64>().ok()) else {
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        match amount(v) {
            Some(actual) => actuals.push(ActualInput {
                indicator_id: indicator,
                actual,
            }),
            None => errors.push(FieldError::new(k, "not_a_number")),
        }
    }
    let recommend_adoption = match value("recommend_adoption").as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let input = ReportInput {
        what_we_did: value("what_we_did"),
        what_made_us_dare: value("what_made_us_dare"),
        where_we_succeeded: value("where_we_succeeded"),
        what_we_would_change: value("what_we_would_change"),
        what_we_learned: value("what_we_learned"),
        operational_impact: value("operational_impact"),
        one_off,
        yearly,
        customer_feedback: value("customer_feedback"),
        recommend_adoption,
        actuals,
    };
    let result = if errors.is_empty() {
        with_ctx(&ctx, move |c| results::write_report(c, &actor, id, &input)).await
    } else {
        Err(AppError::Validation(errors))
    };
    match state.absorb(result)? {
        Some(()) => Ok(see_other(&format!("/experiments/{id}?done=saved"))),
        None => report_form(p, &ctx, id, Some(state)).await,
    }
}

#[derive(Template)]
#[template(path = "pages/experiments/versions.html")]
struct VersionsPage {
    p: PageCtx,
    experiment: ExperimentView,
    versions: Vec<PlanVersion>,
    form: FormState,
    /// Unit names, for a plan moved to another unit.
    units: Vec<(i64, String)>,
}

impl VersionsPage {
    fn proposed(&self, v: &PlanVersion) -> bool {
        v.state == VersionState::Proposed
    }

    fn euros(&self, v: &f64) -> String {
        self.p.euros(*v)
    }

    /// What changed from the version before: (field's name, before, after) in words.
    fn changes(&self, v: &PlanVersion) -> Vec<(String, String, String)> {
        let Some(i) = self.versions.iter().position(|x| x.version == v.version) else {
            return Vec::new();
        };
        let Some(before) = i.checked_sub(1).and_then(|j| self.versions.get(j)) else {
            return Vec::new();
        };
        plan::changed_fields(&before.plan, &v.plan)
            .into_iter()
            .map(|field| {
                (
                    self.p.t(&format!("experiments.changed.{field}")).to_string(),
                    self.plan_value(&before.plan, field),
                    self.plan_value(&v.plan, field),
                )
            })
            .collect()
    }

    /// One field of a plan as the page shows it.
    fn plan_value(&self, plan: &ExperimentInput, field: &str) -> String {
        let yes_no = |b: bool| self.p.t(if b { "audit.yes" } else { "audit.no" }).to_string();
        match field {
            "title" => plan.title.clone(),
            "unit_id" => self
                .units
                .iter()
                .find(|(id, _)| *id == plan.unit_id)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| plan.unit_id.to_string()),
            "hypothesis" => plan.hypothesis.clone(),
            "what_tried" => plan.what_tried.clone(),
            "customer_involvement" => plan.customer_involvement.clone(),
            "period" => format!("{} – {}", self.p.day(&plan.starts_on), self.p.day(&plan.ends_on)),
            "budget" => self.p.euros(plan.budget),
            "team_ids" => self.p.t1("experiments.people_n", "n", plan.team_ids.len()),
            "idea_ids" => plan
                .idea_ids
                .iter()
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join(", "),
            "direction_ids" => self.p.t1("experiments.directions_n", "n", plan.direction_ids.len()),
            "safeguards" => format!(
                "{}: {}, {}: {}, {}: {}",
                self.p.t("experiments.touches_personal_data"),
                yes_no(plan.touches_personal_data),
                self.p.t("experiments.needs_consent"),
                yes_no(plan.needs_consent),
                self.p.t("experiments.vulnerable_customers"),
                yes_no(plan.vulnerable_customers)
            ),
            "indicators" => plan
                .indicators
                .iter()
                .map(|i| {
                    format!(
                        "{} ({} → {} {})",
                        i.name,
                        self.p.number(i.baseline),
                        self.p.number(i.target),
                        i.measure
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            _ => String::new(),
        }
    }
}

async fn versions_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    id: i64,
    form: FormState,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (experiment, versions, units) = with_ctx(ctx, move |c| {
        Ok((
            experiments::get(c, &actor, id)?,
            plan::versions(c, &actor, id)?,
            crate::domain::units::choices(c)?,
        ))
    })
    .await?;
    let invalid = !form.errors.is_empty();
    let page = VersionsPage {
        p,
        experiment,
        versions,
        form,
        units,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/experiments/{id}/versions")]
async fn version_page(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    versions_page(p, &ctx, id.into_inner(), FormState::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecisionFields {
    accept: String,
    note: String,
}

#[post("/experiments/{id}/versions/{version}/decision")]
async fn version_decide(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i32)>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (id, version) = path.into_inner();
    let f = form.0;
    let mut state = FormState::with(&[("note", &f.note)]);
    let decision = VersionDecision {
        accept: f.accept == "yes",
        note: f.note,
    };
    let result = with_ctx(&ctx, move |c| plan::decide_version(c, &actor, id, version, &decision)).await;
    match state.absorb_all(result)? {
        Some(()) => Ok(see_other(&format!("/experiments/{id}?done=saved"))),
        None => versions_page(p, &ctx, id, state).await,
    }
}

#[derive(Template)]
#[template(path = "pages/experiments/queue.html")]
struct QueuePage {
    p: PageCtx,
    items: Vec<QueueItem>,
}

#[get("/reviews")]
async fn queue(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let items = with_ctx(&ctx, move |c| review::queue(c, &actor)).await?;
    render(&QueuePage { p, items })
}

#[derive(Template)]
#[template(path = "pages/notifications.html")]
struct NotificationsPage {
    p: PageCtx,
    items: Vec<Notification>,
}

impl NotificationsPage {
    /// The notification's text in the reader's language.
    fn text(&self, n: &Notification) -> String {
        self.p.locale.tf(&n.text_key(), &[("title", &n.title)])
    }
}

#[get("/notifications")]
async fn notification_list(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let items = with_ctx(&ctx, move |c| notifications::list(c, &actor)).await?;
    render(&NotificationsPage { p, items })
}

/// Opens a notification: marks it read and goes to what it is about.
#[post("/notifications/{id}/read")]
async fn notification_read(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let target = with_ctx(&ctx, move |c| notifications::open(c, &actor, id)).await?;
    Ok(see_other(&target))
}

#[post("/notifications/read")]
async fn notifications_read_all(
    p: PageCtx,
    ctx: web::Data<Context>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    with_ctx(&ctx, move |c| notifications::mark_read(c, &actor, None)).await?;
    Ok(see_other("/notifications?done=saved"))
}
