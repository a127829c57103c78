//! Whom a submitted experiment goes to for review, found before the submission is accepted so
//! that nothing waits in nobody's queue: the key experts of its unit, then of each ancestor, then
//! the organisation-wide key experts, then the administrators, skipping the owner and the team,
//! until there are as many as the unit's required approvals.

use crate::db::AnyConnection;
use crate::db::schema::{people, role_assignments as ra, units as units_t};
use crate::domain::access::{Actor, RoleKind};
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
