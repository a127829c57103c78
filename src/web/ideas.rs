//! Idea pages: the list with filters and search, the submit and edit form, and an idea's page
//! with supports, following, comments and lifecycle moves.

use super::format::linkify;
use super::{FormState, PageCtx, opt_id, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::access::PersonKind;
use crate::domain::directions::{self, Direction};
use crate::domain::ideas::engagement::{self, CommentInput, CommentView};
use crate::domain::ideas::lifecycle::{self, StatusChange};
use crate::domain::ideas::list::{self, IdeaFilter, IdeaPage, IdeaSort};
use crate::domain::ideas::{self, IdeaInput, IdeaStatus, IdeaView};
use crate::domain::personas::{self, Persona, ServicePath};
use crate::domain::units::{self, UnitNode};
use crate::error::AppError;
use crate::http::csrf::{CsrfForm, FormPairs};
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(idea_list)
        .service(similar)
        .service(idea_new)
        .service(idea_create)
        .service(idea_show)
        .service(idea_edit)
        .service(idea_update)
        .service(support)
        .service(unsupport)
        .service(follow)
        .service(unfollow)
        .service(publish)
        .service(unpublish)
        .service(comment_create)
        .service(comment_update)
        .service(comment_delete)
        .service(status_change);
}

/// The list's query string, as typed (empty fields mean "any").
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ListQuery {
    q: String,
    unit: String,
    status: String,
    tag: String,
    author_kind: String,
    direction: String,
    from: String,
    to: String,
    sort: String,
    after: String,
}

#[derive(Template)]
#[template(path = "pages/ideas/list.html")]
struct ListPage {
    p: PageCtx,
    page: IdeaPage,
    q: ListQuery,
    tree: Vec<UnitNode>,
    directions: Vec<Direction>,
    form: FormState,
}

impl ListPage {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn statuses(&self) -> [IdeaStatus; 7] {
        IdeaStatus::ALL
    }

    fn kinds(&self) -> [PersonKind; 3] {
        PersonKind::ALL
    }

    fn sorts(&self) -> [&'static str; 4] {
        ["newest", "most_supported", "most_discussed", "recently_active"]
    }

    fn next_link(&self, after: &str) -> String {
        let q = &self.q;
        let enc = super::errors::urlencode;
        format!(
            "/ideas?q={}&unit={}&status={}&tag={}&author_kind={}&direction={}&from={}&to={}&sort={}&after={}",
            enc(&q.q),
            enc(&q.unit),
            enc(&q.status),
            enc(&q.tag),
            enc(&q.author_kind),
            enc(&q.direction),
            enc(&q.from),
            enc(&q.to),
            enc(&q.sort),
            enc(after)
        )
    }
}

fn parse_sort(s: &str) -> Option<IdeaSort> {
    match s {
        "most_supported" => Some(IdeaSort::MostSupported),
        "most_discussed" => Some(IdeaSort::MostDiscussed),
        "recently_active" => Some(IdeaSort::RecentlyActive),
        "newest" => Some(IdeaSort::Newest),
        _ => None,
    }
}

#[get("/ideas")]
async fn idea_list(p: PageCtx, ctx: web::Data<Context>, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let q = q.into_inner();
    let (unit, direction) = (opt_id(&q.unit)?, opt_id(&q.direction)?);
    let day = super::experiments::day;
    let dates = day("from", &q.from).and_then(|from| Ok((from, day("to", &q.to)?)));
    let filter = dates.map(|(from, to)| IdeaFilter {
        q: Some(q.q.clone()),
        unit,
        direction,
        status: IdeaStatus::parse(&q.status),
        tag: Some(q.tag.clone()),
        author_kind: Some(q.author_kind.clone()).filter(|k| PersonKind::parse(k).is_some()),
        from,
        to,
        sort: parse_sort(&q.sort),
        after: Some(q.after.clone()),
        limit: Some(20),
        ..Default::default()
    });
    let outcome = match filter {
        Ok(filter) => with_ctx(&ctx, move |c| list::list(c, &actor, &filter)).await,
        Err(e) => Err(e),
    };
    let mut form = FormState::with(&[("from", &q.from), ("to", &q.to)]);
    let page = form.absorb(outcome)?.unwrap_or(IdeaPage {
        items: Vec::new(),
        next_after: None,
    });
    let reader = p.actor()?.clone();
    let (tree, directions) = with_ctx(&ctx, move |c| Ok((units::tree(c)?, directions::choices(c, &reader)?))).await?;
    let invalid = !form.errors.is_empty();
    let page = ListPage {
        p,
        page,
        q,
        tree,
        directions,
        form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

/// The submit and edit form.
#[derive(Template)]
#[template(path = "pages/ideas/form.html")]
struct FormPage {
    p: PageCtx,
    form: FormState,
    action: String,
    editing: bool,
    tree: Vec<UnitNode>,
    directions: Vec<Direction>,
    selected_units: Vec<i64>,
    selected_directions: Vec<i64>,
    observation_ids: Vec<i64>,
    personas: Vec<Persona>,
    paths: Vec<ServicePath>,
    /// Offered to customers and trustees beside the service areas.
    municipalities: Vec<crate::domain::municipalities::Municipality>,
}

impl FormPage {
    /// Customers and trustees pick a municipality and service areas instead of internal units.
    fn by_service_area(&self) -> bool {
        self.p
            .user
            .as_ref()
            .is_some_and(crate::domain::ideas::picks_service_areas)
    }

    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn unit_selected(&self, id: &i64) -> bool {
        self.selected_units.contains(id)
    }

    fn direction_selected(&self, id: &i64) -> bool {
        self.selected_directions.contains(id)
    }
}

async fn form_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    form: FormState,
    action: String,
    editing: bool,
    selected: (Vec<i64>, Vec<i64>),
    observation_ids: Vec<i64>,
) -> Result<HttpResponse, AppError> {
    let invalid = !form.errors.is_empty();
    let reader = p.actor()?.clone();
    let mut form = form;
    if crate::domain::ideas::picks_service_areas(&reader) {
        // Customers and trustees pick service areas, and the summary says so.
        form.names
            .insert("unit_ids".into(), p.t("idea.service_areas").to_string());
    }
    let (tree, directions, personas, paths, municipalities) = with_ctx(ctx, move |c| {
        Ok((
            crate::domain::ideas::unit_choices(c, &reader)?,
            directions::choices(c, &reader)?,
            personas::list_personas(c)?,
            personas::list_paths(c)?,
            crate::domain::municipalities::list(c)?,
        ))
    })
    .await?;
    let page = FormPage {
        p,
        form,
        action,
        editing,
        tree,
        directions,
        selected_units: selected.0,
        selected_directions: selected.1,
        observation_ids,
        personas,
        paths,
        municipalities,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SimilarQuery {
    q: String,
}

/// Similar ideas for the duplicate hint on the submit form (used by static/similar.js).
#[get("/ideas/similar")]
async fn similar(p: PageCtx, ctx: web::Data<Context>, q: web::Query<SimilarQuery>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let title = q.into_inner().q;
    let found = with_ctx(&ctx, move |c| list::similar(c, &actor, &title)).await?;
    let items: Vec<serde_json::Value> = found
        .iter()
        .map(|i| serde_json::json!({ "id": i.id, "title": i.title, "status": p.tk("idea_status", i.status.as_str()) }))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "heading": p.t("ideas.similar"), "items": items })))
}

#[get("/ideas/new")]
async fn idea_new(req: actix_web::HttpRequest, p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    p.actor()?;
    // The observations chosen on the observations page come along as repeated query fields.
    let query = FormPairs(
        form_urlencoded::parse(req.query_string().as_bytes())
            .into_owned()
            .collect(),
    );
    let observation_ids = query.ids("observation_ids")?;
    let campaign = query
        .ids("campaign_id")?
        .first()
        .map(|c| c.to_string())
        .unwrap_or_default();
    // The chosen observations' situations and challenges start the problem, in their units.
    let actor = p.actor()?.clone();
    let ids = observation_ids.clone();
    let observations = with_ctx(&ctx, move |c| {
        ids.iter()
            .map(|id| crate::domain::observations::get(c, &actor, *id))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let problem = observations
        .iter()
        .map(|o| {
            format!("{} {}", o.situation.trim(), o.challenge.trim())
                .trim()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut units: Vec<i64> = Vec::new();
    for o in &observations {
        if !units.contains(&o.unit_id) {
            units.push(o.unit_id);
        }
    }
    let form = FormState::with(&[("campaign_id", &campaign), ("problem", &problem)]);
    form_page(
        p,
        &ctx,
        form,
        "/ideas".into(),
        false,
        (units, Vec::new()),
        observation_ids,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IdeaFields {
    title: String,
    problem: String,
    proposal: String,
    tags: String,
    persona_id: String,
    stage_id: String,
    campaign_id: String,
    municipality_id: String,
}

fn idea_input(f: &IdeaFields, pairs: &FormPairs) -> Result<IdeaInput, AppError> {
    Ok(IdeaInput {
        title: f.title.clone(),
        problem: f.problem.clone(),
        proposal: f.proposal.clone(),
        unit_ids: pairs.ids("unit_ids")?,
        direction_ids: pairs.ids("direction_ids")?,
        tags: vec![f.tags.clone()],
        persona_id: opt_id(&f.persona_id)?,
        stage_id: opt_id(&f.stage_id)?,
        campaign_id: opt_id(&f.campaign_id)?,
        observation_ids: pairs.ids("observation_ids")?,
        municipality_id: opt_id(&f.municipality_id)?,
    })
}

fn typed(f: &IdeaFields) -> FormState {
    FormState::with(&[
        ("title", &f.title),
        ("problem", &f.problem),
        ("proposal", &f.proposal),
        ("tags", &f.tags),
        ("persona_id", &f.persona_id),
        ("stage_id", &f.stage_id),
        ("campaign_id", &f.campaign_id),
        ("municipality_id", &f.municipality_id),
    ])
}

#[post("/ideas")]
async fn idea_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<IdeaFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let CsrfForm(f, pairs) = form;
    let input = idea_input(&f, &pairs)?;
    let selected = (input.unit_ids.clone(), input.direction_ids.clone());
    let observation_ids = input.observation_ids.clone();
    let mut state = typed(&f);
    match state.absorb(with_ctx(&ctx, move |c| ideas::create(c, &actor, &input)).await)? {
        Some(id) => Ok(see_other(&format!("/ideas/{id}?done=idea_created"))),
        None => form_page(p, &ctx, state, "/ideas".into(), false, selected, observation_ids).await,
    }
}

#[derive(Template)]
#[template(path = "pages/ideas/show.html")]
struct ShowPage {
    p: PageCtx,
    idea: IdeaView,
    comments: Vec<CommentView>,
    form: FormState,
    status_form: FormState,
    /// Panels the reader runs, to share the idea with.
    share_panels: Vec<crate::domain::panels::PanelRef>,
}

impl ShowPage {
    fn problem_html(&self) -> String {
        linkify(&self.idea.problem)
    }

    fn proposal_html(&self) -> String {
        linkify(&self.idea.proposal)
    }

    fn comment_html(&self, c: &CommentView) -> String {
        linkify(&c.body)
    }

    fn may_move(&self) -> bool {
        !self.idea.next_statuses.is_empty()
    }
}

async fn show_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    id: i64,
    form: FormState,
    status_form: FormState,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let invalid = !form.errors.is_empty() || !status_form.errors.is_empty();
    let (idea, comments, share_panels) = with_ctx(ctx, move |c| {
        let (idea, comments) = ideas::get_with_comments(c, &actor, id)?;
        Ok((idea, comments, crate::domain::panels::run_by(c, &actor)?))
    })
    .await?;
    let page = ShowPage {
        p,
        idea,
        comments,
        form,
        status_form,
        share_panels,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/ideas/{id}")]
async fn idea_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    show_page(p, &ctx, id.into_inner(), FormState::default(), FormState::default()).await
}

#[get("/ideas/{id}/edit")]
async fn idea_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let idea = with_ctx(&ctx, move |c| ideas::get(c, &actor, id)).await?;
    if !idea.can.edit {
        return Err(AppError::Forbidden);
    }
    let tags = idea.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ");
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let (persona, stage, campaign) = (opt(idea.persona_id), opt(idea.stage_id), opt(idea.campaign_id));
    let municipality = opt(idea.municipality.as_ref().map(|m| m.id));
    let form = FormState::with(&[
        ("title", &idea.title),
        ("problem", &idea.problem),
        ("proposal", &idea.proposal),
        ("tags", &tags),
        ("persona_id", &persona),
        ("stage_id", &stage),
        ("campaign_id", &campaign),
        ("municipality_id", &municipality),
    ]);
    let selected = (
        idea.units.iter().map(|u| u.id).collect(),
        idea.directions.iter().map(|d| d.id).collect(),
    );
    form_page(p, &ctx, form, format!("/ideas/{id}/edit"), true, selected, Vec::new()).await
}

#[post("/ideas/{id}/edit")]
async fn idea_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<IdeaFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let CsrfForm(f, pairs) = form;
    let input = idea_input(&f, &pairs)?;
    let selected = (input.unit_ids.clone(), input.direction_ids.clone());
    let mut state = typed(&f);
    match state.absorb_all(with_ctx(&ctx, move |c| ideas::update(c, &actor, id, &input)).await)? {
        Some(()) => Ok(see_other(&format!("/ideas/{id}?done=saved"))),
        None => form_page(p, &ctx, state, format!("/ideas/{id}/edit"), true, selected, Vec::new()).await,
    }
}

/// Runs a one-click action on an idea and returns to its page.
async fn act(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: i64,
    notice: &str,
    action: impl FnOnce(&Context, &crate::domain::access::Actor, i64) -> Result<(), AppError> + Send + 'static,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    with_ctx(&ctx, move |c| action(c, &actor, id)).await?;
    Ok(see_other(&format!("/ideas/{id}?done={notice}")))
}

#[post("/ideas/{id}/support")]
async fn support(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    act(p, ctx, id.into_inner(), "supported", |c, a, id| {
        engagement::support(c, a, id).map(|_| ())
    })
    .await
}

#[post("/ideas/{id}/unsupport")]
async fn unsupport(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    act(p, ctx, id.into_inner(), "support_withdrawn", |c, a, id| {
        engagement::withdraw_support(c, a, id).map(|_| ())
    })
    .await
}

#[post("/ideas/{id}/follow")]
async fn follow(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    act(p, ctx, id.into_inner(), "following", |c, a, id| {
        engagement::set_following(c, a, id, true)
    })
    .await
}

#[post("/ideas/{id}/unfollow")]
async fn unfollow(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    act(p, ctx, id.into_inner(), "not_following", |c, a, id| {
        engagement::set_following(c, a, id, false)
    })
    .await
}

#[post("/ideas/{id}/publish")]
async fn publish(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    act(p, ctx, id.into_inner(), "published", |c, a, id| {
        lifecycle::set_published(c, a, id, true)
    })
    .await
}

#[post("/ideas/{id}/unpublish")]
async fn unpublish(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    act(p, ctx, id.into_inner(), "unpublished", |c, a, id| {
        lifecycle::set_published(c, a, id, false)
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CommentFields {
    body: String,
    parent_id: String,
}

#[post("/ideas/{id}/comments")]
async fn comment_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<CommentFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let f = form.0;
    let input = CommentInput {
        body: f.body.clone(),
        parent_id: opt_id(&f.parent_id)?,
    };
    let mut state = FormState::with(&[("body", &f.body)]);
    match state.absorb(with_ctx(&ctx, move |c| engagement::add_comment(c, &actor, id, &input)).await)? {
        Some(comment) => Ok(see_other(&format!("/ideas/{id}?done=commented#comment-{comment}"))),
        None => show_page(p, &ctx, id, state, FormState::default()).await,
    }
}

#[post("/ideas/{id}/comments/{comment_id}/edit")]
async fn comment_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<CommentFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (id, comment) = path.into_inner();
    let body = form.0.body;
    let mut state = FormState::default();
    match state.absorb_all(with_ctx(&ctx, move |c| engagement::edit_comment(c, &actor, id, comment, &body)).await)? {
        Some(()) => Ok(see_other(&format!("/ideas/{id}?done=saved#comment-{comment}"))),
        None => show_page(p, &ctx, id, state, FormState::default()).await,
    }
}

#[post("/ideas/{id}/comments/{comment_id}/delete")]
async fn comment_delete(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
    _f: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (id, comment) = path.into_inner();
    with_ctx(&ctx, move |c| engagement::delete_comment(c, &actor, id, comment)).await?;
    Ok(see_other(&format!("/ideas/{id}?done=comment_deleted")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusFields {
    status: String,
    reason: String,
    merged_into_id: String,
}

#[post("/ideas/{id}/status")]
async fn status_change(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<StatusFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let f = form.0;
    let mut state = FormState::with(&[
        ("status", &f.status),
        ("reason", &f.reason),
        ("merged_into_id", &f.merged_into_id),
    ]);
    let Some(status) = IdeaStatus::parse(&f.status) else {
        state.errors = vec![crate::error::FieldError::new("status", "invalid_choice")];
        return show_page(p, &ctx, id, FormState::default(), state).await;
    };
    let merged_into_id = match opt_id(&f.merged_into_id) {
        Ok(v) => v,
        Err(_) => {
            state.errors = vec![crate::error::FieldError::new("merged_into_id", "invalid_value")];
            return show_page(p, &ctx, id, FormState::default(), state).await;
        }
    };
    let change = StatusChange {
        status,
        reason: Some(f.reason),
        merged_into_id,
    };
    match state.absorb_all(with_ctx(&ctx, move |c| lifecycle::change_status(c, &actor, id, &change)).await)? {
        Some(()) => Ok(see_other(&format!("/ideas/{id}?done=status_changed"))),
        None => show_page(p, &ctx, id, FormState::default(), state).await,
    }
}
