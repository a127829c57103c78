//! Customer personas and service paths, and the service-path board.

use super::{FormState, PageCtx, opt_id, render, render_invalid, see_other, with_ctx};
use crate::auth::csrf::CsrfForm;
use crate::domain::Context;
use crate::domain::personas::{self, BoardColumn, Persona, PersonaInput, ServicePath, ServicePathInput};
use crate::domain::units::{self, UnitNode};
use crate::error::AppError;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(persona_create)
        .service(path_create)
        .service(board);
}

#[derive(Template)]
#[template(path = "pages/service_paths.html")]
struct PathsPage {
    p: PageCtx,
    personas: Vec<Persona>,
    paths: Vec<ServicePath>,
    manager: bool,
    persona_form: FormState,
    path_form: FormState,
}

async fn paths_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    persona_form: FormState,
    path_form: FormState,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?;
    let manager = crate::domain::directions::require_manager(actor).is_ok();
    let (personas, paths) = with_ctx(ctx, |c| Ok((personas::list_personas(c)?, personas::list_paths(c)?))).await?;
    let invalid = !persona_form.errors.is_empty() || !path_form.errors.is_empty();
    let page = PathsPage {
        p,
        personas,
        paths,
        manager,
        persona_form,
        path_form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/service-paths")]
async fn index(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    paths_page(p, &ctx, FormState::default(), FormState::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PersonaFields {
    name: String,
    description: String,
}

#[post("/personas")]
async fn persona_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<PersonaFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let f = form.0;
    let mut state = FormState::with(&[("name", &f.name), ("description", &f.description)]);
    let input = PersonaInput {
        name: f.name,
        description: f.description,
    };
    match state.absorb(with_ctx(&ctx, move |c| personas::create_persona(c, &actor, &input)).await)? {
        Some(_) => Ok(see_other("/service-paths?done=saved")),
        None => paths_page(p, &ctx, state, FormState::default()).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PathFields {
    name: String,
    description: String,
    stages: String,
}

#[post("/service-paths")]
async fn path_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<PathFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let f = form.0;
    let mut state = FormState::with(&[
        ("name", &f.name),
        ("description", &f.description),
        ("stages", &f.stages),
    ]);
    // One stage per line.
    let input = ServicePathInput {
        name: f.name,
        description: f.description,
        stages: f.stages.lines().map(str::to_string).collect(),
    };
    match state.absorb(with_ctx(&ctx, move |c| personas::create_path(c, &actor, &input)).await)? {
        Some(id) => Ok(see_other(&format!("/service-paths/{id}?done=saved"))),
        None => paths_page(p, &ctx, FormState::default(), state).await,
    }
}

#[derive(Template)]
#[template(path = "pages/board.html")]
struct BoardPage {
    p: PageCtx,
    path: ServicePath,
    columns: Vec<BoardColumn>,
    personas: Vec<Persona>,
    tree: Vec<UnitNode>,
    q: BoardQuery,
}

impl BoardPage {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BoardQuery {
    persona: String,
    unit: String,
}

#[get("/service-paths/{id}")]
async fn board(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    q: web::Query<BoardQuery>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let q = q.into_inner();
    let (persona, unit) = (opt_id(&q.persona)?, opt_id(&q.unit)?);
    let (path, columns, personas, tree) = with_ctx(&ctx, move |c| {
        Ok((
            personas::get_path(c, id)?,
            personas::board(c, &actor, id, persona, unit)?,
            personas::list_personas(c)?,
            units::tree(c)?,
        ))
    })
    .await?;
    render(&BoardPage {
        p,
        path,
        columns,
        personas,
        tree,
        q,
    })
}
