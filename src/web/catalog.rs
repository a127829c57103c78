//! Managers' form pages for the catalogue around ideas: editing directions, campaigns, personas
//! and service paths, and adding personas and service paths.

use super::{FormState, PageCtx, opt_id, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::campaigns::{self, AUDIENCES, CampaignInput};
use crate::domain::directions::{self, Direction, DirectionInput};
use crate::domain::municipalities::{self, Municipality};
use crate::domain::personas::{self, PersonaInput, ServicePathInput};
use crate::domain::policy::catalog::{Catalog as Kind, require_edit};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(direction_edit)
        .service(direction_update)
        .service(campaign_edit)
        .service(campaign_update)
        .service(persona_new)
        .service(persona_create)
        .service(persona_edit)
        .service(persona_update)
        .service(path_new)
        .service(path_create)
        .service(path_edit)
        .service(path_update);
}

/// Where a form page posts, what it is called and where it leads back to.
struct Target {
    kind: Kind,
    /// Translation key of the heading.
    heading: &'static str,
    /// The record's name after the heading, when editing.
    name: Option<String>,
    action: String,
    back: String,
    submit: &'static str,
}

#[derive(Template)]
#[template(path = "pages/catalog_form.html")]
struct FormPage {
    p: PageCtx,
    target: Target,
    form: FormState,
    municipalities: Vec<Municipality>,
    directions: Vec<Direction>,
    /// Units a campaign may target.
    units: Vec<(i64, String)>,
}

impl FormPage {
    fn audiences(&self) -> [&'static str; 3] {
        AUDIENCES
    }

    fn is(&self, kind: Kind) -> bool {
        self.target.kind == kind
    }
}

/// Shows a form page (422 when it carries errors); only managers and administrators get one.
async fn form_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    target: Target,
    form: FormState,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let kind = target.kind;
    require_edit(&actor, kind)?;
    let (municipalities, directions, units) = with_ctx(ctx, move |c| {
        Ok(match kind {
            Kind::Direction => (municipalities::list(c)?, Vec::new(), Vec::new()),
            Kind::Campaign => (
                Vec::new(),
                directions::list(c, &actor, None)?,
                crate::domain::units::choices(c)?,
            ),
            Kind::Persona | Kind::ServicePath => (Vec::new(), Vec::new(), Vec::new()),
        })
    })
    .await?;
    let invalid = !form.errors.is_empty();
    let page = FormPage {
        p,
        target,
        form,
        municipalities,
        directions,
        units,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

/// Finishes a form post: on success to `done`, otherwise the form again with its messages.
async fn finish<T>(
    p: PageCtx,
    ctx: &web::Data<Context>,
    mut state: FormState,
    result: Result<T, AppError>,
    target: Target,
    done: impl FnOnce(T) -> String,
) -> Result<HttpResponse, AppError> {
    match state.absorb(result)? {
        Some(v) => Ok(see_other(&done(v))),
        None => form_page(p, ctx, target, state).await,
    }
}

fn edit_target(kind: Kind, id: i64, name: String) -> Target {
    let (base, heading) = match kind {
        Kind::Direction => ("directions", "directions.edit"),
        Kind::Campaign => ("campaigns", "campaigns.edit"),
        Kind::Persona => ("personas", "paths.edit_persona"),
        Kind::ServicePath => ("service-paths", "paths.edit_path"),
    };
    let back = match kind {
        Kind::Persona => "/service-paths".to_string(),
        _ => format!("/{base}/{id}"),
    };
    Target {
        kind,
        heading,
        name: Some(name),
        action: format!("/{base}/{id}/edit"),
        back,
        submit: "action.save",
    }
}

fn new_target(kind: Kind) -> Target {
    let (action, heading) = match kind {
        Kind::Persona => ("/personas", "paths.add_persona"),
        _ => ("/service-paths", "paths.add_path"),
    };
    Target {
        kind,
        heading,
        name: None,
        action: action.into(),
        back: "/service-paths".into(),
        submit: "action.add",
    }
}

/// A direction form as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DirectionFields {
    name: String,
    description: String,
    year: String,
    municipality_id: String,
}

impl DirectionFields {
    /// The values to re-show and the domain input.
    pub(super) fn parse(self) -> (FormState, Result<DirectionInput, AppError>) {
        let state = FormState::with(&[
            ("name", &self.name),
            ("description", &self.description),
            ("year", &self.year),
            ("municipality_id", &self.municipality_id),
        ]);
        let input = opt_id(&self.municipality_id).map(|municipality_id| DirectionInput {
            name: self.name,
            description: self.description,
            year: self.year.trim().parse().unwrap_or(0),
            municipality_id,
        });
        (state, input)
    }
}

/// A campaign form as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CampaignFields {
    title: String,
    description: String,
    direction_id: String,
    starts_at: String,
    ends_at: String,
    audience: String,
    unit_id: String,
}

/// A date field as the start of that day (or the end of it), UTC.
fn day(value: &str, end: bool) -> Option<NaiveDateTime> {
    let d = value.trim().parse::<chrono::NaiveDate>().ok()?;
    if end {
        d.and_hms_opt(23, 59, 59)
    } else {
        d.and_hms_opt(0, 0, 0)
    }
}

impl CampaignFields {
    /// The values to re-show and the domain input (a date that is not one names its field).
    pub(super) fn parse(self) -> (FormState, Result<CampaignInput, AppError>) {
        let state = FormState::with(&[
            ("title", &self.title),
            ("description", &self.description),
            ("direction_id", &self.direction_id),
            ("starts_at", &self.starts_at),
            ("ends_at", &self.ends_at),
            ("audience", &self.audience),
            ("unit_id", &self.unit_id),
        ]);
        let input = match (day(&self.starts_at, false), day(&self.ends_at, true)) {
            (Some(starts_at), Some(ends_at)) => opt_id(&self.direction_id).and_then(|direction_id| {
                Ok(CampaignInput {
                    title: self.title,
                    description: self.description,
                    direction_id,
                    starts_at,
                    ends_at,
                    audience: self.audience,
                    unit_id: opt_id(&self.unit_id)?,
                })
            }),
            (s, _) => Err(AppError::field(
                if s.is_none() { "starts_at" } else { "ends_at" },
                "invalid_value",
            )),
        };
        (state, input)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PersonaFields {
    name: String,
    description: String,
}

impl PersonaFields {
    fn parse(self) -> (FormState, PersonaInput) {
        let state = FormState::with(&[("name", &self.name), ("description", &self.description)]);
        let input = PersonaInput {
            name: self.name,
            description: self.description,
        };
        (state, input)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PathFields {
    name: String,
    description: String,
    stages: String,
}

impl PathFields {
    fn parse(self) -> (FormState, ServicePathInput) {
        let state = FormState::with(&[
            ("name", &self.name),
            ("description", &self.description),
            ("stages", &self.stages),
        ]);
        // One stage per line.
        let input = ServicePathInput {
            name: self.name,
            description: self.description,
            stages: self.stages.lines().map(str::to_string).collect(),
        };
        (state, input)
    }
}

#[get("/directions/{id}/edit")]
async fn direction_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    require_edit(&actor, Kind::Direction)?;
    let id = id.into_inner();
    let d = with_ctx(&ctx, move |c| directions::get(c, &actor, id)).await?;
    let form = FormState::with(&[
        ("name", &d.name),
        ("description", &d.description),
        ("year", &d.year.to_string()),
        (
            "municipality_id",
            &d.municipality_id.map(|m| m.to_string()).unwrap_or_default(),
        ),
    ]);
    form_page(p, &ctx, edit_target(Kind::Direction, id, d.name), form).await
}

#[post("/directions/{id}/edit")]
async fn direction_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<DirectionFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (state, input) = form.0.parse();
    let name = state.value("name").to_string();
    let result = match input {
        Ok(input) => with_ctx(&ctx, move |c| directions::update(c, &actor, id, &input)).await,
        Err(e) => Err(e),
    };
    let target = edit_target(Kind::Direction, id, name);
    finish(p, &ctx, state, result, target, |_| {
        format!("/directions/{id}?done=saved")
    })
    .await
}

#[get("/campaigns/{id}/edit")]
async fn campaign_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    require_edit(p.actor()?, Kind::Campaign)?;
    let id = id.into_inner();
    let c = with_ctx(&ctx, move |c| campaigns::get(c, id)).await?;
    let form = FormState::with(&[
        ("title", &c.title),
        ("description", &c.description),
        (
            "direction_id",
            &c.direction_id.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("starts_at", &c.starts_at.date().to_string()),
        ("ends_at", &c.ends_at.date().to_string()),
        ("audience", &c.audience),
        ("unit_id", &c.unit_id.map(|u| u.to_string()).unwrap_or_default()),
    ]);
    form_page(p, &ctx, edit_target(Kind::Campaign, id, c.title), form).await
}

#[post("/campaigns/{id}/edit")]
async fn campaign_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<CampaignFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (state, input) = form.0.parse();
    let name = state.value("title").to_string();
    let result = match input {
        Ok(input) => with_ctx(&ctx, move |c| campaigns::update(c, &actor, id, &input)).await,
        Err(e) => Err(e),
    };
    let target = edit_target(Kind::Campaign, id, name);
    finish(p, &ctx, state, result, target, |_| {
        format!("/campaigns/{id}?done=saved")
    })
    .await
}

#[get("/personas/new")]
async fn persona_new(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    form_page(p, &ctx, new_target(Kind::Persona), FormState::default()).await
}

#[post("/personas")]
async fn persona_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<PersonaFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (state, input) = form.0.parse();
    let result = with_ctx(&ctx, move |c| personas::create_persona(c, &actor, &input)).await;
    let target = new_target(Kind::Persona);
    finish(p, &ctx, state, result, target, |_| "/service-paths?done=saved".into()).await
}

#[get("/personas/{id}/edit")]
async fn persona_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    require_edit(p.actor()?, Kind::Persona)?;
    let id = id.into_inner();
    let x = with_ctx(&ctx, move |c| personas::get_persona(c, id)).await?;
    let form = FormState::with(&[("name", &x.name), ("description", &x.description)]);
    form_page(p, &ctx, edit_target(Kind::Persona, id, x.name), form).await
}

#[post("/personas/{id}/edit")]
async fn persona_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<PersonaFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (state, input) = form.0.parse();
    let target = edit_target(Kind::Persona, id, input.name.clone());
    let result = with_ctx(&ctx, move |c| personas::update_persona(c, &actor, id, &input)).await;
    finish(p, &ctx, state, result, target, |_| "/service-paths?done=saved".into()).await
}

#[get("/service-paths/new")]
async fn path_new(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    form_page(p, &ctx, new_target(Kind::ServicePath), FormState::default()).await
}

#[post("/service-paths")]
async fn path_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<PathFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (state, input) = form.0.parse();
    let result = with_ctx(&ctx, move |c| personas::create_path(c, &actor, &input)).await;
    let target = new_target(Kind::ServicePath);
    finish(p, &ctx, state, result, target, |id| {
        format!("/service-paths/{id}?done=saved")
    })
    .await
}

#[get("/service-paths/{id}/edit")]
async fn path_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    require_edit(p.actor()?, Kind::ServicePath)?;
    let id = id.into_inner();
    let path = with_ctx(&ctx, move |c| personas::get_path(c, id)).await?;
    let stages = path
        .stages
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let form = FormState::with(&[
        ("name", &path.name),
        ("description", &path.description),
        ("stages", &stages),
    ]);
    form_page(p, &ctx, edit_target(Kind::ServicePath, id, path.name), form).await
}

#[post("/service-paths/{id}/edit")]
async fn path_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<PathFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (state, input) = form.0.parse();
    let target = edit_target(Kind::ServicePath, id, input.name.clone());
    let result = with_ctx(&ctx, move |c| personas::update_path(c, &actor, id, &input)).await;
    finish(p, &ctx, state, result, target, |_| {
        format!("/service-paths/{id}?done=saved")
    })
    .await
}
