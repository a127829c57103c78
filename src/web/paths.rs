//! Customer personas and service paths, and the service-path board.

use super::{PageCtx, opt_id, render, with_ctx};
use crate::domain::Context;
use crate::domain::personas::{self, BoardColumn, Persona, ServicePath};
use crate::domain::policy::catalog::{Catalog, permissions};
use crate::domain::units::{self, UnitNode};
use crate::error::AppError;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index).service(board);
}

#[derive(Template)]
#[template(path = "pages/service_paths.html")]
struct PathsPage {
    p: PageCtx,
    personas: Vec<Persona>,
    paths: Vec<ServicePath>,
    manager: bool,
}

#[get("/service-paths")]
async fn index(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let manager = permissions(p.actor()?, Catalog::ServicePath).edit;
    let (personas, paths) = with_ctx(&ctx, |c| Ok((personas::list_personas(c)?, personas::list_paths(c)?))).await?;
    render(&PathsPage {
        p,
        personas,
        paths,
        manager,
    })
}

#[derive(Template)]
#[template(path = "pages/board.html")]
struct BoardPage {
    p: PageCtx,
    path: ServicePath,
    manager: bool,
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
    let manager = permissions(&actor, Catalog::ServicePath).edit;
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
        manager,
        columns,
        personas,
        tree,
        q,
    })
}
