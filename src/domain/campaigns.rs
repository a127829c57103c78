//! Campaigns: time-boxed calls for ideas (Change Day, a theme month) with an audience.

use super::access::Actor;
use super::policy::catalog::{Catalog, require_edit};
use super::validate::Validator;
use super::{Context, events};
use crate::db::schema::{campaigns, directions};
use crate::error::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// Who a campaign invites.
pub const AUDIENCES: [&str; 3] = ["staff", "customers", "everyone"];

/// A campaign.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = campaigns)]
pub struct Campaign {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub direction_id: Option<i64>,
    #[serde(with = "crate::domain::utc")]
    pub starts_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub ends_at: NaiveDateTime,
    /// staff, customers or everyone.
    pub audience: String,
}

impl Campaign {
    /// Whether it takes ideas now.
    pub fn is_open(&self) -> bool {
        let now = crate::clock::now();
        self.starts_at <= now && now <= self.ends_at
    }
}

/// The campaigns open now whose audience includes the actor, ending soonest first (the home page).
pub fn open_for(ctx: &Context, actor: &Actor) -> AppResult<Vec<Campaign>> {
    let now = crate::clock::now();
    let mut conn = ctx.db.read()?;
    let open: Vec<Campaign> = campaigns::table
        .filter(campaigns::starts_at.le(now))
        .filter(campaigns::ends_at.ge(now))
        .order(campaigns::ends_at.asc())
        .select(Campaign::as_select())
        .load(&mut conn)?;
    Ok(open
        .into_iter()
        .filter(|c| super::ideas::audience_includes(&c.audience, actor.kind))
        .collect())
}

/// A campaign named on the ideas written for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignRef {
    pub id: i64,
    pub title: String,
}

/// Every campaign, latest first.
pub fn list(ctx: &Context) -> AppResult<Vec<Campaign>> {
    let mut conn = ctx.db.read()?;
    Ok(campaigns::table
        .order(campaigns::starts_at.desc())
        .select(Campaign::as_select())
        .load(&mut conn)?)
}

/// One campaign.
pub fn get(ctx: &Context, id: i64) -> AppResult<Campaign> {
    let mut conn = ctx.db.read()?;
    Ok(campaigns::table
        .find(id)
        .select(Campaign::as_select())
        .first(&mut conn)?)
}

/// A new or changed campaign.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub direction_id: Option<i64>,
    #[serde(with = "crate::domain::utc")]
    pub starts_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub ends_at: NaiveDateTime,
    /// staff, customers or everyone.
    pub audience: String,
}

fn validate(conn: &mut crate::db::AnyConnection, input: &CampaignInput) -> AppResult<(String, String)> {
    let mut v = Validator::new();
    let title = v.text("title", &input.title, 5, 140);
    let description = v.text("description", &input.description, 0, 10_000);
    if input.ends_at <= input.starts_at {
        v.add("ends_at", "before_start");
    }
    if !AUDIENCES.contains(&input.audience.as_str()) {
        v.add("audience", "invalid_choice");
    }
    if let Some(d) = input.direction_id
        && directions::table.find(d).count().get_result::<i64>(conn)? == 0
    {
        v.add("direction_id", "unknown");
    }
    v.finish()?;
    Ok((title, description))
}

/// Creates a campaign (managers and administrators).
pub fn create(ctx: &Context, actor: &Actor, input: &CampaignInput) -> AppResult<i64> {
    require_edit(actor, Catalog::Campaign)?;
    ctx.db.transaction(|conn| {
        let (title, description) = validate(conn, input)?;
        let id = diesel::insert_into(campaigns::table)
            .values((
                campaigns::title.eq(&title),
                campaigns::description.eq(&description),
                campaigns::direction_id.eq(input.direction_id),
                campaigns::starts_at.eq(input.starts_at),
                campaigns::ends_at.eq(input.ends_at),
                campaigns::audience.eq(&input.audience),
                campaigns::created_by.eq(Some(actor.id)),
                campaigns::created_at.eq(crate::clock::now()),
            ))
            .returning(campaigns::id)
            .get_result::<i64>(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "created",
            "campaign",
            id,
            serde_json::json!({ "title": title }),
        )?;
        Ok(id)
    })
}

/// Changes a campaign (managers and administrators).
pub fn update(ctx: &Context, actor: &Actor, id: i64, input: &CampaignInput) -> AppResult<()> {
    require_edit(actor, Catalog::Campaign)?;
    ctx.db.transaction(|conn| {
        campaigns::table.find(id).select(campaigns::id).first::<i64>(conn)?;
        let (title, description) = validate(conn, input)?;
        diesel::update(campaigns::table.find(id))
            .set((
                campaigns::title.eq(&title),
                campaigns::description.eq(&description),
                campaigns::direction_id.eq(input.direction_id),
                campaigns::starts_at.eq(input.starts_at),
                campaigns::ends_at.eq(input.ends_at),
                campaigns::audience.eq(&input.audience),
            ))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "updated",
            "campaign",
            id,
            serde_json::json!({ "title": title }),
        )
    })
}
