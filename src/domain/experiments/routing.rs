//! Whom a submitted experiment goes to for review, found before the submission is accepted so
//! that nothing waits in nobody's queue: the key experts of its unit, then of each ancestor, then
//! the organisation-wide key experts, then the administrators, skipping the owner and the team,
//! until there are as many as the unit's required approvals.

use super::ExperimentRow;
use super::lifecycle::{ExperimentStatus, members};
use crate::db::AnyConnection;
use crate::db::schema::{experiment_reviewers, experiments, people, role_assignments as ra, units as units_t};
use crate::domain::access::{Actor, RoleKind};
use crate::domain::notifications::{self, Kind};
use crate::domain::people::UnitRef;
use crate::domain::{Context, units};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;

/// Where an experiment's review goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The unit whose key experts were found first (None: organisation-wide key experts or
    /// administrators); the review queues of that unit's key experts list it.
    pub unit: Option<i64>,
    /// Everyone it was routed to, nearest first.
    pub reviewers: Vec<i64>,
}

/// The active holders of `role` scoped to `unit` (None: unscoped), except `exclude`.
fn holders(conn: &mut AnyConnection, role: RoleKind, unit: Option<i64>, exclude: &[i64]) -> AppResult<Vec<i64>> {
    let mut q = ra::table
        .inner_join(people::table)
        .filter(ra::role.eq(role.as_str()))
        .filter(people::active.eq(true))
        .filter(ra::person_id.ne_all(exclude))
        .select(ra::person_id)
        .order(ra::person_id)
        .into_boxed();
    q = match unit {
        Some(u) => q.filter(ra::unit_id.eq(u)),
        None => q.filter(ra::unit_id.is_null()),
    };
    Ok(q.load(conn)?)
}

/// The route for an experiment of `unit_id` whose owner and team are `members`; None when not
/// enough people can review it (the submission is then refused).
pub fn route(conn: &mut AnyConnection, unit_id: i64, members: &[i64]) -> AppResult<Option<Route>> {
    let required = units_t::table
        .find(unit_id)
        .select(units_t::required_approvals)
        .first::<i32>(conn)?
        .max(1) as usize;
    let mut reviewers: Vec<i64> = Vec::new();
    let mut first_unit = None;
    let add = |found: Vec<i64>, reviewers: &mut Vec<i64>| {
        for p in found {
            if !reviewers.contains(&p) {
                reviewers.push(p);
            }
        }
    };
    for unit in units::lineage(conn, unit_id)? {
        let found = holders(conn, RoleKind::KeyExpert, Some(unit), members)?;
        if !found.is_empty() && first_unit.is_none() {
            first_unit = Some(unit);
        }
        add(found, &mut reviewers);
        if reviewers.len() >= required {
            return Ok(Some(Route {
                unit: first_unit,
                reviewers,
            }));
        }
    }
    for role in [RoleKind::KeyExpert, RoleKind::Admin] {
        let found = holders(conn, role, None, members)?;
        add(found, &mut reviewers);
        if reviewers.len() >= required {
            return Ok(Some(Route {
                unit: first_unit,
                reviewers,
            }));
        }
    }
    Ok(None)
}

/// The refusal when nobody can review: says whom to ask.
pub fn no_reviewer(conn: &mut AnyConnection, unit_id: i64) -> AppError {
    let name = units_t::table
        .find(unit_id)
        .select(units_t::name)
        .first::<String>(conn)
        .unwrap_or_default();
    AppError::conflict("no_reviewer", name)
}

/// Units whose experiments would find no reviewer today, by name (administrators only: they
/// name key experts).
pub fn units_without_reviewers(ctx: &Context, actor: &Actor) -> AppResult<Vec<UnitRef>> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut conn = ctx.db.read()?;
    let all: Vec<(i64, String)> = units_t::table
        .filter(units_t::active.eq(true))
        .order(units_t::name)
        .select((units_t::id, units_t::name))
        .load(&mut conn)?;
    let mut out = Vec::new();
    for (id, name) in all {
        if route(&mut conn, id, &[])?.is_none() {
            out.push(UnitRef { id, name });
        }
    }
    Ok(out)
}

/// Records the route of a submitted experiment: its review unit and reviewers.
pub fn set_route(conn: &mut AnyConnection, experiment_id: i64, route: &Route) -> AppResult<()> {
    diesel::update(experiments::table.find(experiment_id))
        .set(experiments::review_unit_id.eq(route.unit))
        .execute(conn)?;
    diesel::delete(experiment_reviewers::table.filter(experiment_reviewers::experiment_id.eq(experiment_id)))
        .execute(conn)?;
    for person in &route.reviewers {
        diesel::insert_into(experiment_reviewers::table)
            .values((
                experiment_reviewers::experiment_id.eq(experiment_id),
                experiment_reviewers::person_id.eq(person),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Routes again what waits for `person`'s review after they lost a role or were deactivated:
/// those newly routed to are told; where nobody can review it any more, every administrator is
/// told to name a key expert. Returns how many experiments were left without a reviewer.
pub fn reroute_from(conn: &mut AnyConnection, ctx: &Context, person: i64) -> AppResult<usize> {
    let waiting: Vec<ExperimentRow> = experiments::table
        .filter(experiments::status.eq(ExperimentStatus::Submitted.as_str()))
        .filter(
            experiments::id.eq_any(
                experiment_reviewers::table
                    .filter(experiment_reviewers::person_id.eq(person))
                    .select(experiment_reviewers::experiment_id),
            ),
        )
        .select(ExperimentRow::as_select())
        .load(conn)?;
    let mut stranded = 0;
    for e in waiting {
        let before: Vec<i64> = experiment_reviewers::table
            .filter(experiment_reviewers::experiment_id.eq(e.id))
            .select(experiment_reviewers::person_id)
            .load(conn)?;
        let team = members(conn, &e)?;
        match route(conn, e.unit_id, &team)? {
            Some(r) => {
                set_route(conn, e.id, &r)?;
                let new: Vec<i64> = r.reviewers.iter().copied().filter(|p| !before.contains(p)).collect();
                notifications::notify(conn, ctx, &new, Kind::ReviewWaiting, e.id, &e.title)?;
            }
            None => {
                diesel::delete(experiment_reviewers::table.find((e.id, person))).execute(conn)?;
                let admins = holders(conn, RoleKind::Admin, None, &[])?;
                notifications::notify(conn, ctx, &admins, Kind::ReviewUnrouted, e.id, &e.title)?;
                stranded += 1;
            }
        }
    }
    Ok(stranded)
}

/// How many submitted experiments wait with nobody left who may review them: none of the people
/// they were routed to is active and still a key expert or an administrator. Zero while routing
/// works; counted on the dashboard should reviewers be removed some other way.
/// Counts those of `units` only when given.
pub fn waiting_without_reviewer(conn: &mut AnyConnection, units: Option<&[i64]>) -> AppResult<i64> {
    let eligible = experiment_reviewers::table
        .inner_join(people::table.on(people::id.eq(experiment_reviewers::person_id)))
        .inner_join(ra::table.on(ra::person_id.eq(experiment_reviewers::person_id)))
        .filter(experiment_reviewers::experiment_id.eq(experiments::id))
        .filter(people::active.eq(true))
        .filter(ra::role.eq_any([RoleKind::KeyExpert.as_str(), RoleKind::Admin.as_str()]));
    let mut q = experiments::table
        .filter(experiments::status.eq(ExperimentStatus::Submitted.as_str()))
        .filter(diesel::dsl::not(diesel::dsl::exists(eligible)))
        .count()
        .into_boxed();
    if let Some(units) = units {
        q = q.filter(experiments::unit_id.eq_any(units.to_vec()));
    }
    Ok(q.get_result(conn)?)
}
