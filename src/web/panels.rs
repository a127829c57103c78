//! Customer panel pages: the list, a panel's page with what is shared and its rounds, the
//! managers' panel form, sharing, and writing as the panel on a shared item.

use super::{FormState, PageCtx, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::panels::rounds::{self, RoundSummary};
use crate::domain::panels::shares::{self, CommentInput, ItemType, Share, ShareInput};
use crate::domain::panels::{self, Panel, PanelInput};
use crate::domain::people;
use crate::domain::units::{self, UnitNode};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(panel_list)
        .service(panel_new)
        .service(panel_create)
        .service(panel_show)
        .service(panel_edit)
        .service(panel_update)
        .service(share_create)
        .service(share_from_item)
        .service(share_remove)
        .service(comment_form)
        .service(comment_create);
}

#[derive(Template)]
#[template(path = "pages/panels/list.html")]
struct ListPage {
    p: PageCtx,
    panels: Vec<Panel>,
    may_create: bool,
}

#[get("/panels")]
async fn panel_list(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let may_create = p.can.create_panels;
    let list = with_ctx(&ctx, move |c| panels::list(c, &actor)).await?;
    render(&ListPage {
        p,
        panels: list,
        may_create,
    })
}

#[derive(Template)]
#[template(path = "pages/panels/form.html")]
struct FormPage {
    p: PageCtx,
    form: FormState,
    tree: Vec<UnitNode>,
    selected_units: Vec<i64>,
    /// The panel being changed; a new one when absent.
    panel_id: Option<i64>,
}

impl FormPage {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn unit_selected(&self, id: &i64) -> bool {
        self.selected_units.contains(id)
    }
}

async fn form_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    form: FormState,
    selected_units: Vec<i64>,
    panel_id: Option<i64>,
) -> Result<HttpResponse, AppError> {
    let tree = with_ctx(ctx, units::tree).await?;
    let invalid = !form.errors.is_empty();
    let page = FormPage {
        p,
        form,
        tree,
        selected_units,
        panel_id,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/panels/new")]
async fn panel_new(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    p.actor()?;
    if !p.can.create_panels {
        return Err(AppError::Forbidden);
    }
    form_page(p, &ctx, FormState::default(), Vec::new(), None).await
}

/// The panel form as posted (units come as repeated `unit_ids`).
#[derive(Deserialize, Default)]
#[serde(default)]
struct PanelFields {
    name: String,
    description: String,
    /// Coordinators' email addresses, separated by commas or lines.
    coordinators: String,
}

fn emails(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect()
}

/// Saves a new or changed panel; bad input re-shows the form.
async fn save(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<PanelFields>,
    panel_id: Option<i64>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let unit_ids = form.1.ids("unit_ids")?;
    let f = form.0;
    let mut state = FormState::with(&[
        ("name", &f.name),
        ("description", &f.description),
        ("coordinators", &f.coordinators),
    ]);
    let selected = unit_ids.clone();
    let result = with_ctx(&ctx, move |c| {
        let coordinator_ids = people::employee_ids_by_email(c, "coordinators", &emails(&f.coordinators))?;
        let input = PanelInput {
            name: f.name,
            description: f.description,
            unit_ids,
            coordinator_ids,
        };
        match panel_id {
            Some(id) => panels::update(c, &actor, id, &input).map(|_| id),
            None => panels::create(c, &actor, &input),
        }
    })
    .await;
    match state.absorb(result)? {
        Some(id) => Ok(see_other(&format!("/panels/{id}?done=saved"))),
        None => form_page(p, &ctx, state, selected, panel_id).await,
    }
}

#[post("/panels")]
async fn panel_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<PanelFields>,
) -> Result<HttpResponse, AppError> {
    save(p, ctx, form, None).await
}

#[get("/panels/{id}/edit")]
async fn panel_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (panel, coordinator_emails) = with_ctx(&ctx, move |c| {
        let panel = panels::get(c, &actor, id)?;
        if !panel.can_manage {
            return Err(AppError::Forbidden);
        }
        let ids: Vec<i64> = panel.coordinators.iter().map(|c| c.id).collect();
        let mut conn = c.db.read()?;
        let emails = people::emails_of(&mut conn, &ids)?;
        Ok((panel, emails))
    })
    .await?;
    let form = FormState::with(&[
        ("name", &panel.name),
        ("description", &panel.description),
        ("coordinators", &coordinator_emails.join("\n")),
    ]);
    let units = panel.units.iter().map(|u| u.id).collect();
    form_page(p, &ctx, form, units, Some(id)).await
}

#[post("/panels/{id}/edit")]
async fn panel_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<PanelFields>,
) -> Result<HttpResponse, AppError> {
    save(p, ctx, form, Some(id.into_inner())).await
}

#[derive(Template)]
#[template(path = "pages/panels/show.html")]
struct ShowPage {
    p: PageCtx,
    panel: Panel,
    shares: Vec<Share>,
    rounds: Vec<RoundSummary>,
    share_form: FormState,
}

async fn show_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    id: i64,
    share_form: FormState,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (panel, shares, rounds) = with_ctx(ctx, move |c| {
        let panel = panels::get(c, &actor, id)?;
        let shares = shares::list(c, &actor, id)?;
        let rounds = rounds::list(c, &actor, id)?;
        Ok((panel, shares, rounds))
    })
    .await?;
    let invalid = !share_form.errors.is_empty();
    let page = ShowPage {
        p,
        panel,
        shares,
        rounds,
        share_form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/panels/{id}")]
async fn panel_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    show_page(p, &ctx, id.into_inner(), FormState::with(&[("item_type", "idea")])).await
}

/// The share form as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ShareFields {
    item_type: String,
    item_id: String,
    question: String,
}

/// Shares an item as posted; a refused share is shown on the panel's page with its message.
async fn share_posted(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: i64,
    f: ShareFields,
    done: impl FnOnce(ItemType, i64) -> String,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let mut state = FormState::with(&[
        ("item_type", &f.item_type),
        ("item_id", &f.item_id),
        ("question", &f.question),
    ]);
    let item_type = ItemType::parse(&f.item_type).ok_or_else(|| AppError::field("item_type", "invalid_choice"));
    let item_id = f
        .item_id
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .map_err(|_| AppError::field("item_id", "not_a_number"));
    let (item_type, item_id) = match (item_type, item_id) {
        (Ok(t), Ok(i)) => (t, i),
        (Err(e), _) | (_, Err(e)) => {
            state.absorb::<()>(Err(e))?;
            return show_page(p, &ctx, id, state).await;
        }
    };
    let input = ShareInput {
        item_type,
        item_id,
        question: f.question,
    };
    let result = with_ctx(&ctx, move |c| shares::share(c, &actor, id, &input)).await;
    match state.absorb_all(result)? {
        Some(_) => Ok(see_other(&done(item_type, item_id))),
        None => show_page(p, &ctx, id, state).await,
    }
}

#[post("/panels/{id}/shares")]
async fn share_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<ShareFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    share_posted(p, ctx, id, form.0, |_, _| format!("/panels/{id}?done=shared")).await
}

/// The share form on an idea's or experiment's page, which names the panel.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ItemShareFields {
    panel_id: String,
    #[serde(flatten)]
    share: ShareFields,
}

#[post("/shares")]
async fn share_from_item(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<ItemShareFields>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let id = f.panel_id.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    share_posted(p, ctx, id, f.share, |t, i| format!("{}?done=shared", t.path(&i))).await
}

#[post("/panels/{id}/shares/{share_id}/remove")]
async fn share_remove(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (id, share_id) = path.into_inner();
    with_ctx(&ctx, move |c| shares::unshare(c, &actor, id, share_id)).await?;
    Ok(see_other(&format!("/panels/{id}?done=unshared")))
}

#[derive(Template)]
#[template(path = "pages/panels/comment.html")]
struct CommentPage {
    p: PageCtx,
    share_id: i64,
    form: FormState,
}

/// A page of its own for the panel comment, where a refused one is shown with its message.
#[get("/shares/{id}/comments")]
async fn comment_form(p: PageCtx, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    p.actor()?;
    render(&CommentPage {
        p,
        share_id: id.into_inner(),
        form: FormState::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CommentFields {
    body: String,
}

#[post("/shares/{id}/comments")]
async fn comment_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<CommentFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let share_id = id.into_inner();
    let mut state = FormState::with(&[("body", &form.0.body)]);
    let input = CommentInput { body: form.0.body };
    let result = with_ctx(&ctx, move |c| shares::comment(c, &actor, share_id, &input)).await;
    match state.absorb(result)? {
        Some((_, path)) => Ok(see_other(&format!("{path}?done=panel_commented#panel-{share_id}"))),
        None => render_invalid(&CommentPage {
            p,
            share_id,
            form: state,
        }),
    }
}
