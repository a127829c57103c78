//! "My municipality": what the units serving a trustee's municipalities develop.

use super::{PageCtx, render, with_ctx};
use crate::domain::Context;
use crate::domain::trustees::{self, MunicipalityView};
use crate::error::AppError;
use actix_web::{HttpResponse, get, web};
use askama::Template;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(my_municipality);
}

#[derive(Template)]
#[template(path = "pages/my_municipality.html")]
struct MyMunicipalityPage {
    p: PageCtx,
    views: Vec<MunicipalityView>,
}

#[get("/my-municipality")]
async fn my_municipality(p: PageCtx, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let views = with_ctx(&ctx, move |c| trustees::my_municipalities(c, &actor)).await?;
    render(&MyMunicipalityPage { p, views })
}
