//! Campaigns: time-boxed calls for ideas (Change Day, a theme month) with an audience: a kind
//! of person, and optionally one unit's subtree. A campaign is announced once, when it opens.

mod announce;
pub use announce::announce_due;

use super::access::Actor;
use super::policy::catalog::{Catalog, require_edit};
use super::validate::Validator;
use super::{Context, events};
use crate::db::AnyConnection;
use crate::db::schema::{campaigns, directions, panel_members, panel_units, person_units, units};
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
    /// Invites only people of this unit and the units below it (staff by their units,
    /// customers by the units their panels serve); None: the whole organisation.
    pub unit_id: Option<i64>,
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
    let mut out = Vec::with_capacity(open.len());
    for c in open {
        if invites(&mut conn, &c, actor)? {
            out.push(c);
        }
    }
    Ok(out)
}

/// Whether the campaign invites the person: its audience includes their kind, and when it
/// targets a unit, they belong to its subtree (customers through the panels serving it).
pub fn invites(conn: &mut AnyConnection, c: &Campaign, actor: &Actor) -> AppResult<bool> {
    if !super::ideas::audience_includes(&c.audience, actor.kind) {
        return Ok(false);
    }
    let Some(unit) = c.unit_id else {
        return Ok(true);
    };
    let subtree = super::units::subtree(conn, unit)?;
    let in_units = person_units::table
        .filter(person_units::person_id.eq(actor.id))
        .filter(person_units::unit_id.eq_any(&subtree))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let via_panels = panel_members::table
        .inner_join(panel_units::table.on(panel_units::panel_id.eq(panel_members::panel_id)))
        .filter(panel_members::person_id.eq(actor.id))
        .filter(panel_units::unit_id.eq_any(&subtree))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    Ok(in_units || via_panels)
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
    /// Invite only this unit and the units below it.
    #[serde(default)]
    pub unit_id: Option<i64>,
}

fn validate(conn: &mut AnyConnection, input: &CampaignInput) -> AppResult<(String, String)> {
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
    if let Some(u) = input.unit_id
        && units::table
            .find(u)
            .filter(units::active.eq(true))
            .count()
            .get_result::<i64>(conn)?
            == 0
    {
        v.add("unit_id", "unknown");
    }
    v.finish()?;
    Ok((title, description))
}

/// Creates a campaign (managers and administrators).
pub fn create(ctx: &Context, actor: &Actor, input: &CampaignInput) -> AppResult<i64> {
    require_edit(actor, Catalog::Campaign)?;
    ctx.db
        .transaction(|conn| {
            let (title, description) = validate(conn, input)?;
            let id = diesel::insert_into(campaigns::table)
                .values((
                    campaigns::title.eq(&title),
                    campaigns::description.eq(&description),
                    campaigns::direction_id.eq(input.direction_id),
                    campaigns::starts_at.eq(input.starts_at),
                    campaigns::ends_at.eq(input.ends_at),
                    campaigns::audience.eq(&input.audience),
                    campaigns::unit_id.eq(input.unit_id),
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
        .and_then(|id| {
            // One that is open already is announced now rather than at the next background check.
            announce_due(ctx)?;
            Ok(id)
        })
}

/// Changes a campaign (managers and administrators).
pub fn update(ctx: &Context, actor: &Actor, id: i64, input: &CampaignInput) -> AppResult<()> {
    require_edit(actor, Catalog::Campaign)?;
    ctx.db.transaction(|conn| {
        let was_starting = campaigns::table
            .find(id)
            .select(campaigns::starts_at)
            .first::<NaiveDateTime>(conn)?;
        let (title, description) = validate(conn, input)?;
        // Moved to open later: it is announced again when it opens.
        if input.starts_at != was_starting && input.starts_at > crate::clock::now() {
            diesel::update(campaigns::table.find(id))
                .set(campaigns::announced_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
        }
        diesel::update(campaigns::table.find(id))
            .set((
                campaigns::title.eq(&title),
                campaigns::description.eq(&description),
                campaigns::direction_id.eq(input.direction_id),
                campaigns::starts_at.eq(input.starts_at),
                campaigns::ends_at.eq(input.ends_at),
                campaigns::audience.eq(&input.audience),
                campaigns::unit_id.eq(input.unit_id),
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
    })?;
    announce_due(ctx)?;
    Ok(())
}
