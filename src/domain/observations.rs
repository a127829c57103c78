//! Observations (havainnot, seed 000's probes): short notes of customer encounters that
//! become ideas. Employees write them; staff read them; customers do not see them.

use super::access::Actor;
use super::policy::observations as policy;
use super::validate::Validator;
use super::{Context, Page, PageRequest, events};
use crate::db::AnyConnection;
use crate::db::schema::{observations, people, units};
use crate::error::{AppError, AppResult};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// An observation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Observation {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub observed_on: NaiveDate,
    /// The situation.
    pub situation: String,
    /// The challenge.
    pub challenge: String,
    /// How it was resolved.
    pub resolution: String,
    /// The idea it became part of.
    pub idea_id: Option<i64>,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// The language it was written in.
    pub lang: String,
}

type Row = (
    i64,
    i64,
    String,
    i64,
    String,
    NaiveDateTime,
    String,
    String,
    String,
    Option<i64>,
    NaiveDateTime,
    String,
);

fn from_row(r: Row) -> Observation {
    Observation {
        id: r.0,
        author_id: r.1,
        author_name: r.2,
        unit_id: r.3,
        unit_name: r.4,
        observed_on: r.5.date(),
        situation: r.6,
        challenge: r.7,
        resolution: r.8,
        idea_id: r.9,
        created_at: r.10,
        lang: r.11,
    }
}

macro_rules! observation_query {
    () => {
        observations::table
            .inner_join(people::table.on(people::id.eq(observations::author_id)))
            .inner_join(units::table.on(units::id.eq(observations::unit_id)))
            .select((
                observations::id,
                observations::author_id,
                people::name,
                observations::unit_id,
                units::name,
                observations::observed_on,
                observations::situation,
                observations::challenge,
                observations::resolution,
                observations::idea_id,
                observations::created_at,
                observations::lang,
            ))
    };
}

/// A new observation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservationInput {
    pub situation: String,
    pub challenge: String,
    #[serde(default)]
    pub resolution: String,
    pub unit_id: Option<i64>,
    /// The day of the encounter (default today).
    pub observed_on: Option<NaiveDate>,
}

/// Writes down an observation (employees).
pub fn create(ctx: &Context, actor: &Actor, input: &ObservationInput) -> AppResult<i64> {
    if !super::policy::capabilities(actor).write_observations {
        return Err(AppError::Forbidden);
    }
    let mut v = Validator::new();
    let situation = v.text("situation", &input.situation, 1, 5_000);
    let challenge = v.text("challenge", &input.challenge, 1, 5_000);
    let resolution = v.text("resolution", &input.resolution, 0, 5_000);
    let today = crate::clock::today();
    let day = input.observed_on.unwrap_or(today);
    if day > today || day.year() < 2000 {
        v.add("observed_on", "invalid_value");
    }
    ctx.db.transaction(|conn| {
        match input.unit_id {
            None => v.add("unit_id", "required"),
            Some(u) if units::table.find(u).count().get_result::<i64>(conn)? == 0 => v.add("unit_id", "unknown"),
            Some(_) => {}
        }
        std::mem::take(&mut v).finish()?;
        let id = diesel::insert_into(observations::table)
            .values((
                observations::author_id.eq(actor.id),
                observations::unit_id.eq(input.unit_id.unwrap_or_default()),
                observations::observed_on.eq(day.and_hms_opt(0, 0, 0).unwrap_or_default()),
                observations::situation.eq(&situation),
                observations::challenge.eq(&challenge),
                observations::resolution.eq(&resolution),
                observations::lang.eq(actor.locale.code()),
                observations::created_at.eq(crate::clock::now()),
            ))
            .returning(observations::id)
            .get_result::<i64>(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "created",
            "observation",
            id,
            serde_json::json!({ "unit_id": input.unit_id }),
        )?;
        Ok(id)
    })
}

/// Filters of the observation list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ObservationFilter {
    /// Only the caller's own.
    #[serde(default)]
    pub mine: bool,
    /// Only those not yet part of an idea.
    #[serde(default)]
    pub unlinked: bool,
    pub unit: Option<i64>,
    /// Continue before this id (newest first).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// Observations, newest first (staff).
pub fn list(ctx: &Context, actor: &Actor, filter: &ObservationFilter) -> AppResult<Page<Observation>> {
    policy::require_read(actor)?;
    let limit = PageRequest {
        after: None,
        limit: filter.limit,
    }
    .limit();
    let mut q = observation_query!()
        .order(observations::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if filter.mine {
        q = q.filter(observations::author_id.eq(actor.id));
    }
    if filter.unlinked {
        q = q.filter(observations::idea_id.is_null());
    }
    if let Some(u) = filter.unit {
        q = q.filter(observations::unit_id.eq(u));
    }
    if let Some(b) = filter.before {
        q = q.filter(observations::id.lt(b));
    }
    let mut conn = ctx.db.read()?;
    let rows: Vec<Row> = q.load(&mut conn)?;
    Ok(Page::from_rows(rows.into_iter().map(from_row).collect(), limit, |o| {
        o.id
    }))
}

/// One observation (staff).
pub fn get(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Observation> {
    policy::require_read(actor)?;
    let mut conn = ctx.db.read()?;
    Ok(from_row(
        observation_query!()
            .filter(observations::id.eq(id))
            .first::<Row>(&mut conn)?,
    ))
}

/// The observations behind an idea.
pub fn of_idea(conn: &mut AnyConnection, idea_id: i64) -> AppResult<Vec<Observation>> {
    let rows: Vec<Row> = observation_query!()
        .filter(observations::idea_id.eq(idea_id))
        .order(observations::id)
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// Links observations to an idea inside the caller's transaction. Each must be unlinked, and
/// the actor its author or a key expert of its unit.
pub fn link(conn: &mut AnyConnection, actor: &Actor, idea_id: i64, ids: &[i64]) -> AppResult<()> {
    let mut v = Validator::new();
    for id in ids {
        let row = observations::table
            .find(id)
            .select((observations::author_id, observations::unit_id, observations::idea_id))
            .first::<(i64, i64, Option<i64>)>(conn)
            .optional()?;
        match row {
            None => v.add("observation_ids", "unknown"),
            Some((_, _, Some(_))) => v.add("observation_ids", "already_linked"),
            Some((author, unit, linked)) => {
                let s = policy::standing(conn, actor, author, unit)?;
                if !policy::permissions(&s, linked.is_some()).link {
                    v.add("observation_ids", "not_allowed");
                }
            }
        }
        if v.has("observation_ids") {
            break;
        }
    }
    v.finish()?;
    for id in ids {
        diesel::update(observations::table.find(id))
            .set(observations::idea_id.eq(Some(idea_id)))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "linked",
            "observation",
            *id,
            serde_json::json!({ "idea_id": idea_id }),
        )?;
    }
    Ok(())
}

/// Attaches observations to an existing idea the actor can see.
pub fn attach(ctx: &Context, actor: &Actor, idea_id: i64, ids: &[i64]) -> AppResult<()> {
    policy::require_read(actor)?;
    ctx.db.transaction(|conn| {
        super::policy::ideas::require_read(conn, actor, idea_id)?;
        link(conn, actor, idea_id, ids)
    })
}
