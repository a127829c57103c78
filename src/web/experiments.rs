//! Experiment pages: the list and the results library, an experiment's page with every action
//! its reader may take, and those actions' posts.

use super::{FormState, PageCtx, opt_id, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::access::Actor;
use crate::domain::directions::{self, Direction};
use crate::domain::experiments::lifecycle::{self, ExperimentStatus, OutcomeInput};
use crate::domain::experiments::list::{self, ExperimentFilter, ExperimentPage as ListResult};
use crate::domain::experiments::results::{self, AdoptionInput, LogInput};
use crate::domain::experiments::review::{self, Decision, ReviewInput};
use crate::domain::experiments::{self, ExperimentPage};
use crate::domain::units::{self, UnitNode};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(library)
        .service(show)
        .service(submit)
        .service(withdraw)
        .service(copy)
        .service(start)
        .service(complete)
        .service(publish)
        .service(unpublish)
        .service(review_post)
        .service(log_post)
        .service(outcome_post)
        .service(adoption_post)
        .service(owner_post);
}

/// The list's query string, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ListQuery {
    q: String,
    unit: String,
    direction: String,
    status: String,
    mine: String,
    from: String,
    to: String,
    submitted_from: String,
    submitted_to: String,
    after: String,
}

#[derive(Template)]
#[template(path = "pages/experiments/list.html")]
struct ListPage {
    p: PageCtx,
    results: bool,
    page: ListResult,
    q: ListQuery,
    tree: Vec<UnitNode>,
    directions: Vec<Direction>,
    form: FormState,
}

impl ListPage {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn statuses(&self) -> [ExperimentStatus; 10] {
        ExperimentStatus::ALL
    }

    fn base(&self) -> &'static str {
        if self.results {
            "/experiments/results"
        } else {
            "/experiments"
        }
    }

    fn next_link(&self, after: &i64) -> String {
        let q = &self.q;
        let enc = super::errors::urlencode;
        format!(
            "{}?q={}&unit={}&direction={}&status={}&mine={}&from={}&to={}&submitted_from={}&submitted_to={}&after={after}",
            self.base(),
            enc(&q.q),
            enc(&q.unit),
            enc(&q.direction),
            enc(&q.status),
            enc(&q.mine),
            enc(&q.from),
            enc(&q.to),
            enc(&q.submitted_from),
            enc(&q.submitted_to),
        )
    }
}

/// An optional day from a form field; anything else than YYYY-MM-DD is the field's error.
pub(super) fn day(field: &'static str, text: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| AppError::field(field, "invalid_value")),
    }
}

async fn list_page(p: PageCtx, ctx: web::Data<Context>, q: ListQuery, results: bool) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let dates = day("from", &q.from).and_then(|from| {
        Ok((
            from,
            day("to", &q.to)?,
            day("submitted_from", &q.submitted_from)?,
            day("submitted_to", &q.submitted_to)?,
        ))
    });
    let filter = dates.map(|(from, to, submitted_from, submitted_to)| ExperimentFilter {
        q: Some(q.q.clone()),
        unit: opt_id(&q.unit).ok().flatten(),
        direction: opt_id(&q.direction).ok().flatten(),
        municipality: None,
        statuses: None,
        status: ExperimentStatus::parse(&q.status),
        owner: (q.mine == "1").then_some(actor.id),
        from,
        to,
        submitted_from,
        submitted_to,
        results: Some(results),
        after: q.after.parse().ok(),
        limit: Some(20),
    });
    let outcome = match filter {
        Ok(filter) => with_ctx(&ctx, move |c| list::list(c, &actor, &filter)).await,
        Err(e) => Err(e),
    };
    let mut form = FormState::with(&[
        ("from", &q.from),
        ("to", &q.to),
        ("submitted_from", &q.submitted_from),
        ("submitted_to", &q.submitted_to),
    ]);
    let page = form.absorb(outcome)?.unwrap_or(ListResult {
        items: Vec::new(),
        next_after: None,
    });
    let reader = p.actor()?.clone();
    let (tree, directions) = with_ctx(&ctx, move |c| Ok((units::tree(c)?, directions::choices(c, &reader)?))).await?;
    let invalid = !form.errors.is_empty();
    let page = ListPage {
        p,
        results,
        page,
        q,
        tree,
        directions,
        form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/experiments")]
async fn index(p: PageCtx, ctx: web::Data<Context>, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    list_page(p, ctx, q.into_inner(), false).await
}

#[get("/experiments/results")]
async fn library(p: PageCtx, ctx: web::Data<Context>, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    list_page(p, ctx, q.into_inner(), true).await
}

/// The forms of an experiment's page, each re-shown with its own messages.
#[derive(Default)]
struct Forms {
    action: FormState,
    review: FormState,
    log: FormState,
    outcome: FormState,
    adoption: FormState,
    owner: FormState,
}

impl Forms {
    fn invalid(&self) -> bool {
        [
            &self.action,
            &self.review,
            &self.log,
            &self.outcome,
            &self.adoption,
            &self.owner,
        ]
        .iter()
        .any(|f| !f.errors.is_empty())
    }
}

#[derive(Template)]
#[template(path = "pages/experiments/show.html")]
struct ShowPage {
    p: PageCtx,
    page: ExperimentPage,
    tree: Vec<UnitNode>,
    forms: Forms,
    /// Panels the reader runs, to share the experiment with (once submitted).
    share_panels: Vec<crate::domain::panels::PanelRef>,
}

impl ShowPage {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn decisions(&self) -> [&'static str; 3] {
        [
            Decision::Approve.as_str(),
            Decision::RequestChanges.as_str(),
            Decision::Reject.as_str(),
        ]
    }

    fn euros(&self, v: &f64) -> String {
        self.p.euros(*v)
    }

    fn number(&self, v: &f64) -> String {
        self.p.number(*v)
    }
}

async fn show_page(p: PageCtx, ctx: &web::Data<Context>, id: i64, forms: Forms) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (page, tree, share_panels) = with_ctx(ctx, move |c| {
        let page = experiments::page(c, &actor, id)?;
        // The unit tree is only for the adoption form.
        let tree = if page.experiment.can.record_adoption {
            units::tree(c)?
        } else {
            Vec::new()
        };
        let share_panels = if page.experiment.status == ExperimentStatus::Draft {
            Vec::new()
        } else {
            crate::domain::panels::run_by(c, &actor)?
        };
        Ok((page, tree, share_panels))
    })
    .await?;
    let invalid = forms.invalid();
    // A refused move is a conflict with the experiment's state, not bad input.
    let conflict = forms.action.has_error(super::FORM_FIELD);
    let page = ShowPage {
        p,
        page,
        tree,
        forms,
        share_panels,
    };
    if conflict {
        super::render_status(actix_web::http::StatusCode::CONFLICT, &page)
    } else if invalid {
        render_invalid(&page)
    } else {
        render(&page)
    }
}

#[get("/experiments/{id}")]
async fn show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    show_page(p, &ctx, id.into_inner(), Forms::default()).await
}

/// Runs an action; a refused move (409) or bad input is shown on the page in `slot`.
async fn act(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: i64,
    notice: &str,
    mut state: FormState,
    slot: fn(&mut Forms) -> &mut FormState,
    action: impl FnOnce(&Context, &Actor) -> Result<(), AppError> + Send + 'static,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let result = with_ctx(&ctx, move |c| action(c, &actor)).await;
    match state.absorb_all(result)? {
        Some(()) => Ok(see_other(&format!("/experiments/{id}?done={notice}"))),
        None => {
            let mut forms = Forms::default();
            *slot(&mut forms) = state;
            show_page(p, &ctx, id, forms).await
        }
    }
}

macro_rules! button_action {
    ($name:ident, $path:literal, $notice:literal, $call:expr) => {
        #[post($path)]
        async fn $name(
            p: PageCtx,
            ctx: web::Data<Context>,
            id: web::Path<i64>,
            _f: CsrfForm<super::NoFields>,
        ) -> Result<HttpResponse, AppError> {
            let id = id.into_inner();
            let call: fn(&Context, &Actor, i64) -> Result<(), AppError> = $call;
            act(
                p,
                ctx,
                id,
                $notice,
                FormState::default(),
                |f| &mut f.action,
                move |c, a| call(c, a, id),
            )
            .await
        }
    };
}

/// Uses a withdrawn or rejected plan as the template of a new draft, opened for editing.
#[post("/experiments/{id}/copy")]
async fn copy(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let copy = with_ctx(&ctx, move |c| {
        crate::domain::experiments::plan::copy_as_draft(c, &actor, id)
    })
    .await?;
    Ok(super::see_other(&format!("/experiments/{copy}/edit?done=copied")))
}

button_action!(submit, "/experiments/{id}/submit", "submitted", lifecycle::submit);
button_action!(withdraw, "/experiments/{id}/withdraw", "withdrawn", lifecycle::withdraw);
button_action!(start, "/experiments/{id}/start", "started", lifecycle::start);
button_action!(complete, "/experiments/{id}/complete", "completed", lifecycle::complete);
button_action!(publish, "/experiments/{id}/publish", "published", |c, a, id| {
    lifecycle::set_published(c, a, id, true)
});
button_action!(unpublish, "/experiments/{id}/unpublish", "unpublished", |c, a, id| {
    lifecycle::set_published(c, a, id, false)
});

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReviewFields {
    decision: String,
    comment: String,
}

#[post("/experiments/{id}/review")]
async fn review_post(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<ReviewFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let state = FormState::with(&[("decision", &f.decision), ("comment", &f.comment)]);
    let decision = Decision::parse(&f.decision);
    act(
        p,
        ctx,
        id,
        "reviewed",
        state,
        |f| &mut f.review,
        move |c, a| {
            let decision = decision.ok_or_else(|| AppError::field("decision", "required"))?;
            let input = ReviewInput {
                decision,
                comment: f.comment,
            };
            review::decide(c, a, id, &input).map(|_| ())
        },
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LogFields {
    entry_on: String,
    body: String,
}

#[post("/experiments/{id}/log")]
async fn log_post(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<LogFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let state = FormState::with(&[("entry_on", &f.entry_on), ("body", &f.body)]);
    act(
        p,
        ctx,
        id,
        "logged",
        state,
        |f| &mut f.log,
        move |c, a| {
            let entry_on = day("entry_on", &f.entry_on)?.ok_or_else(|| AppError::field("entry_on", "required"))?;
            results::write_log(c, a, id, &LogInput { entry_on, body: f.body }).map(|_| ())
        },
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OutcomeFields {
    status: String,
    reason: String,
}

#[post("/experiments/{id}/outcome")]
async fn outcome_post(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<OutcomeFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let state = FormState::with(&[("status", &f.status), ("reason", &f.reason)]);
    act(
        p,
        ctx,
        id,
        "saved",
        state,
        |f| &mut f.outcome,
        move |c, a| {
            let status = ExperimentStatus::parse(&f.status)
                .filter(|s| matches!(s, ExperimentStatus::Adopted | ExperimentStatus::NotAdopted))
                .ok_or_else(|| AppError::field("status", "invalid_choice"))?;
            lifecycle::decide_outcome(
                c,
                a,
                id,
                &OutcomeInput {
                    status,
                    reason: f.reason,
                },
            )
        },
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AdoptionFields {
    unit_id: String,
    adopted_on: String,
    note: String,
}

#[post("/experiments/{id}/adoptions")]
async fn adoption_post(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<AdoptionFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let state = FormState::with(&[
        ("unit_id", &f.unit_id),
        ("adopted_on", &f.adopted_on),
        ("note", &f.note),
    ]);
    act(
        p,
        ctx,
        id,
        "saved",
        state,
        |f| &mut f.adoption,
        move |c, a| {
            let unit_id = opt_id(&f.unit_id)?.ok_or_else(|| AppError::field("unit_id", "required"))?;
            let adopted_on =
                day("adopted_on", &f.adopted_on)?.ok_or_else(|| AppError::field("adopted_on", "required"))?;
            let input = AdoptionInput {
                unit_id,
                adopted_on,
                note: f.note,
            };
            results::record_adoption(c, a, id, &input)
        },
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OwnerFields {
    owner_email: String,
}

#[post("/experiments/{id}/owner")]
async fn owner_post(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<OwnerFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let state = FormState::with(&[("owner_email", &f.owner_email)]);
    act(
        p,
        ctx,
        id,
        "saved",
        state,
        |f| &mut f.owner,
        move |c, a| {
            let ids =
                crate::domain::people::employee_ids_by_email(c, "owner_email", std::slice::from_ref(&f.owner_email))?;
            let owner = ids
                .first()
                .copied()
                .ok_or_else(|| AppError::field("owner_email", "required"))?;
            lifecycle::transfer(c, a, id, owner)
        },
    )
    .await
}
