//! Pages for development directions and campaigns: lists, a campaign's page inviting ideas,
//! and the managers' forms.

use super::{FormState, PageCtx, render, render_invalid, see_other, with_ctx};
use crate::domain::Context;
use crate::domain::campaigns::{self, AUDIENCES, Campaign};
use crate::domain::directions::{self, Direction};
use crate::domain::follows::{self, ObjectType};
use crate::domain::ideas::list::{self, IdeaFilter, IdeaSummary};
use crate::domain::municipalities::{self, Municipality};
use crate::domain::policy::catalog::{Catalog, permissions};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(direction_list)
        .service(direction_create)
        .service(direction_show)
        .service(campaign_list)
        .service(campaign_create)
        .service(campaign_show);
}

#[derive(Template)]
#[template(path = "pages/directions.html")]
struct DirectionsPage {
    p: PageCtx,
    list: Vec<Direction>,
    municipalities: Vec<Municipality>,
    manager: bool,
    form: FormState,
}

async fn directions_page(p: PageCtx, ctx: &web::Data<Context>, form: FormState) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let manager = permissions(&actor, Catalog::Direction).create;
    let (list, municipalities) = with_ctx(ctx, move |c| {
        Ok((directions::list(c, &actor, None)?, municipalities::list(c)?))
    })
    .await?;
    let invalid = !form.errors.is_empty();
    let page = DirectionsPage {
        p,
        list,
        municipalities,
        manager,
        form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/directions")]
async fn direction_list(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let year = crate::clock::today().format("%Y").to_string();
    directions_page(p, &ctx, FormState::with(&[("year", &year)])).await
}

#[post("/directions")]
async fn direction_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<super::catalog::DirectionFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (mut state, input) = form.0.parse();
    let result = match input {
        Ok(input) => with_ctx(&ctx, move |c| directions::create(c, &actor, &input)).await,
        Err(e) => Err(e),
    };
    match state.absorb(result)? {
        Some(id) => Ok(see_other(&format!("/directions/{id}?done=saved"))),
        None => directions_page(p, &ctx, state).await,
    }
}

#[derive(Template)]
#[template(path = "pages/direction.html")]
struct DirectionPage {
    p: PageCtx,
    direction: Direction,
    ideas: Vec<IdeaSummary>,
    manager: bool,
    following: bool,
}

#[get("/directions/{id}")]
async fn direction_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (direction, ideas, following) = with_ctx(&ctx, move |c| {
        let filter = IdeaFilter {
            direction: Some(id),
            limit: Some(100),
            ..Default::default()
        };
        let direction = directions::get(c, &actor, id)?;
        let following = follows::following(c, &actor, ObjectType::Direction, id)?;
        Ok((direction, list::list(c, &actor, &filter)?.items, following))
    })
    .await?;
    let manager = permissions(p.actor()?, Catalog::Direction).edit;
    render(&DirectionPage {
        p,
        direction,
        ideas,
        manager,
        following,
    })
}

#[derive(Template)]
#[template(path = "pages/campaigns.html")]
struct CampaignsPage {
    p: PageCtx,
    list: Vec<Campaign>,
    directions: Vec<Direction>,
    units: Vec<(i64, String)>,
    manager: bool,
    form: FormState,
}

impl CampaignsPage {
    fn audiences(&self) -> [&'static str; 3] {
        AUDIENCES
    }
}

async fn campaigns_page(p: PageCtx, ctx: &web::Data<Context>, form: FormState) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let manager = permissions(&actor, Catalog::Campaign).create;
    let (list, directions, units) = with_ctx(ctx, move |c| {
        Ok((
            campaigns::list(c)?,
            directions::choices(c, &actor)?,
            crate::domain::units::choices(c)?,
        ))
    })
    .await?;
    let invalid = !form.errors.is_empty();
    let page = CampaignsPage {
        p,
        list,
        directions,
        units,
        manager,
        form,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/campaigns")]
async fn campaign_list(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let today = crate::clock::today();
    let form = FormState::with(&[
        ("starts_at", &today.to_string()),
        ("ends_at", &(today + chrono::Duration::days(14)).to_string()),
        ("audience", "everyone"),
    ]);
    campaigns_page(p, &ctx, form).await
}

#[post("/campaigns")]
async fn campaign_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<super::catalog::CampaignFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let (mut state, input) = form.0.parse();
    let result = match input {
        Ok(input) => with_ctx(&ctx, move |c| campaigns::create(c, &actor, &input)).await,
        Err(e) => Err(e),
    };
    match state.absorb(result)? {
        Some(id) => Ok(see_other(&format!("/campaigns/{id}?done=saved"))),
        None => campaigns_page(p, &ctx, state).await,
    }
}

#[derive(Template)]
#[template(path = "pages/campaign.html")]
struct CampaignPage {
    p: PageCtx,
    campaign: Campaign,
    ideas: Vec<IdeaSummary>,
    manager: bool,
    following: bool,
    /// The unit whose subtree it invites.
    unit_name: Option<String>,
}

#[get("/campaigns/{id}")]
async fn campaign_show(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let id = id.into_inner();
    let (campaign, ideas, following, unit_name) = with_ctx(&ctx, move |c| {
        let filter = IdeaFilter {
            campaign: Some(id),
            limit: Some(100),
            ..Default::default()
        };
        let campaign = campaigns::get(c, id)?;
        let following = follows::following(c, &actor, ObjectType::Campaign, id)?;
        let unit_name = match campaign.unit_id {
            Some(u) => Some(crate::domain::units::get(c, u)?.name),
            None => None,
        };
        Ok((campaign, list::list(c, &actor, &filter)?.items, following, unit_name))
    })
    .await?;
    let manager = permissions(p.actor()?, Catalog::Campaign).edit;
    render(&CampaignPage {
        p,
        campaign,
        ideas,
        manager,
        following,
        unit_name,
    })
}
