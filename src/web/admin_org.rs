//! Administration of the organisation: the admin front page, municipalities and units.

use super::{FormState, PageCtx, opt_id, render, render_invalid, see_other, with_ctx};
use crate::domain::municipalities::{self, Municipality, MunicipalityPatch, NewMunicipality};
use crate::domain::units::{self, NewUnit, Unit, UnitKind, UnitNode, UnitPatch};
use crate::domain::{Context, people};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(admin_index)
        .service(municipality_list)
        .service(municipality_create)
        .service(municipality_edit)
        .service(municipality_update)
        .service(unit_list)
        .service(unit_create)
        .service(unit_edit)
        .service(unit_update);
}

#[derive(Template)]
#[template(path = "pages/admin/index.html")]
struct AdminIndexPage {
    p: PageCtx,
    /// Whether the public showcase is on, and whether the configuration allows it at all.
    showcase_on: bool,
    showcase_allowed: bool,
}

#[get("/admin")]
async fn admin_index(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    p.admin()?;
    let showcase_on = with_ctx(&ctx, crate::domain::showcase::is_on).await?;
    render(&AdminIndexPage {
        p,
        showcase_on,
        showcase_allowed: ctx.settings.showcase.enabled,
    })
}

#[derive(Template)]
#[template(path = "pages/admin/municipalities.html")]
struct MunicipalitiesPage {
    p: PageCtx,
    list: Vec<Municipality>,
    form: FormState,
}

#[get("/admin/municipalities")]
async fn municipality_list(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    p.admin()?;
    let list = with_ctx(&ctx, municipalities::list).await?;
    render(&MunicipalitiesPage {
        p,
        list,
        form: FormState::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NameFields {
    name: String,
}

#[post("/admin/municipalities")]
async fn municipality_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<NameFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let name = form.0.name;
    let input = NewMunicipality { name: name.clone() };
    let mut state = FormState::with(&[("name", &name)]);
    match state.absorb(with_ctx(&ctx, move |c| municipalities::create(c, &actor, &input)).await)? {
        Some(_) => Ok(see_other("/admin/municipalities?done=saved")),
        None => {
            let list = with_ctx(&ctx, municipalities::list).await?;
            render_invalid(&MunicipalitiesPage { p, list, form: state })
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin/municipality.html")]
struct MunicipalityPage {
    p: PageCtx,
    m: Municipality,
    form: FormState,
}

#[get("/admin/municipalities/{id}")]
async fn municipality_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    p.admin()?;
    let id = id.into_inner();
    let m = with_ctx(&ctx, move |c| municipalities::get(c, id)).await?;
    let form = FormState::with(&[("name", &m.name)]);
    render(&MunicipalityPage { p, m, form })
}

#[post("/admin/municipalities/{id}")]
async fn municipality_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<NameFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let id = id.into_inner();
    let name = form.0.name;
    let patch = MunicipalityPatch {
        name: Some(name.clone()),
        active: Some(form.1.checked("active")),
    };
    let mut state = FormState::with(&[("name", &name)]);
    match state.absorb_all(with_ctx(&ctx, move |c| municipalities::update(c, &actor, id, &patch)).await)? {
        Some(()) => Ok(see_other("/admin/municipalities?done=saved")),
        None => {
            let m = with_ctx(&ctx, move |c| municipalities::get(c, id)).await?;
            render_invalid(&MunicipalityPage { p, m, form: state })
        }
    }
}

/// The options the unit forms offer, and which municipalities are ticked.
struct UnitChoices {
    tree: Vec<UnitNode>,
    municipalities: Vec<Municipality>,
    selected_municipalities: Vec<i64>,
}

impl UnitChoices {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn kinds(&self) -> [UnitKind; 3] {
        UnitKind::ALL
    }

    fn municipality_selected(&self, id: &i64) -> bool {
        self.selected_municipalities.contains(id)
    }
}

/// Loads the unit tree and municipalities for the unit forms.
async fn unit_choices(ctx: &web::Data<Context>, selected_municipalities: Vec<i64>) -> Result<UnitChoices, AppError> {
    let (tree, municipalities) = with_ctx(ctx, |c| Ok((units::tree(c)?, municipalities::list(c)?))).await?;
    Ok(UnitChoices {
        tree,
        municipalities,
        selected_municipalities,
    })
}

#[derive(Template)]
#[template(path = "pages/admin/units.html")]
struct UnitsPage {
    p: PageCtx,
    choices: UnitChoices,
    form: FormState,
    /// Units whose experiments would find no reviewer.
    unreviewed: Vec<crate::domain::people::UnitRef>,
}

/// The units whose experiments nobody could review, for the administrator's warning.
async fn unreviewed(p: &PageCtx, ctx: &web::Data<Context>) -> Result<Vec<crate::domain::people::UnitRef>, AppError> {
    let actor = p.actor()?.clone();
    with_ctx(ctx, move |c| {
        crate::domain::experiments::routing::units_without_reviewers(c, &actor)
    })
    .await
}

#[get("/admin/units")]
async fn unit_list(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    p.admin()?;
    let choices = unit_choices(&ctx, Vec::new()).await?;
    let form = FormState::with(&[("kind", "unit"), ("required_approvals", "1")]);
    let unreviewed = unreviewed(&p, &ctx).await?;
    render(&UnitsPage {
        p,
        choices,
        form,
        unreviewed,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UnitFields {
    name: String,
    kind: String,
    parent_id: String,
    required_approvals: String,
}

fn approvals(v: &str) -> Result<Option<i32>, AppError> {
    match v.trim() {
        "" => Ok(None),
        s => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::field("required_approvals", "out_of_range")),
    }
}

#[post("/admin/units")]
async fn unit_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<UnitFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let CsrfForm(f, pairs) = form;
    let municipality_ids = pairs.ids("municipality_ids")?;
    let mut state = FormState::with(&[
        ("name", &f.name),
        ("kind", &f.kind),
        ("parent_id", &f.parent_id),
        ("required_approvals", &f.required_approvals),
    ]);
    let input = NewUnit {
        name: f.name,
        kind: f.kind,
        parent_id: opt_id(&f.parent_id)?,
        municipality_ids: municipality_ids.clone(),
        required_approvals: state.absorb(approvals(&f.required_approvals))?.flatten(),
    };
    let result = if state.errors.is_empty() {
        with_ctx(&ctx, move |c| units::create(c, &actor, &input)).await
    } else {
        Err(AppError::Validation(std::mem::take(&mut state.errors)))
    };
    match state.absorb(result)? {
        Some(id) => Ok(see_other(&format!("/admin/units/{id}?done=saved"))),
        None => {
            let choices = unit_choices(&ctx, municipality_ids).await?;
            let unreviewed = unreviewed(&p, &ctx).await?;
            render_invalid(&UnitsPage {
                p,
                choices,
                form: state,
                unreviewed,
            })
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin/unit.html")]
struct UnitPage {
    p: PageCtx,
    unit: Unit,
    choices: UnitChoices,
    members: Vec<people::PersonSummary>,
    form: FormState,
}

async fn unit_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    id: i64,
    form: Option<(FormState, Vec<i64>)>,
) -> Result<HttpResponse, AppError> {
    let (unit, served, members) = with_ctx(ctx, move |c| {
        Ok((
            units::get(c, id)?,
            units::municipality_ids(c, id)?,
            people::members_of_unit(c, id)?,
        ))
    })
    .await?;
    let invalid = form.is_some();
    let (form, selected) = form.unwrap_or_else(|| {
        let parent = unit.parent_id.map(|p| p.to_string()).unwrap_or_default();
        let approvals = unit.required_approvals.to_string();
        (
            FormState::with(&[
                ("name", &unit.name),
                ("kind", &unit.kind),
                ("parent_id", &parent),
                ("required_approvals", &approvals),
                ("active", if unit.active { "on" } else { "" }),
                ("public_budget", if unit.public_budget { "on" } else { "" }),
            ]),
            served,
        )
    });
    let choices = unit_choices(ctx, selected).await?;
    let page = UnitPage {
        p,
        unit,
        choices,
        members,
        form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/admin/units/{id}")]
async fn unit_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    p.admin()?;
    unit_page(p, &ctx, id.into_inner(), None).await
}

#[post("/admin/units/{id}")]
async fn unit_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<UnitFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let id = id.into_inner();
    let CsrfForm(f, pairs) = form;
    let municipality_ids = pairs.ids("municipality_ids")?;
    let active = pairs.checked("active");
    let public_budget = pairs.checked("public_budget");
    let mut state = FormState::with(&[
        ("name", &f.name),
        ("kind", &f.kind),
        ("parent_id", &f.parent_id),
        ("required_approvals", &f.required_approvals),
        ("active", if active { "on" } else { "" }),
        ("public_budget", if public_budget { "on" } else { "" }),
    ]);
    let patch = UnitPatch {
        name: Some(f.name),
        kind: Some(f.kind),
        parent_id: Some(opt_id(&f.parent_id)?),
        active: Some(active),
        required_approvals: state.absorb(approvals(&f.required_approvals))?.flatten(),
        municipality_ids: Some(municipality_ids.clone()),
        public_budget: Some(public_budget),
    };
    let result = if state.errors.is_empty() {
        with_ctx(&ctx, move |c| units::update(c, &actor, id, &patch)).await
    } else {
        Err(AppError::Validation(std::mem::take(&mut state.errors)))
    };
    match state.absorb_all(result)? {
        Some(()) => Ok(see_other(&format!("/admin/units/{id}?done=saved"))),
        None => unit_page(p, &ctx, id, Some((state, municipality_ids))).await,
    }
}
