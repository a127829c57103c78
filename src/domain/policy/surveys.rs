//! Staff pulse surveys: managers open them for their scope (capabilities); the employees of the
//! surveyed units answer once while open; managers whose scope covers the survey, trustees and
//! administrators read the results. Nobody else learns that a survey exists.

use crate::db::AnyConnection;
use crate::db::schema::person_units;
use crate::domain::access::Actor;
use crate::domain::scope::Scope;
use crate::domain::units;
use crate::error::AppResult;
use diesel::prelude::*;

/// Refuses the survey list to those no survey can be for: customers.
pub fn require_list(actor: &Actor) -> AppResult<()> {
    if super::capabilities(actor).staff_pages {
        Ok(())
    } else {
        Err(crate::error::AppError::Forbidden)
    }
}

/// The unit an employee without units answers for in an organisation-wide survey.
pub const NO_UNIT: i64 = 0;

/// The unit an employee answers for: their first unit inside the survey's scope (`NO_UNIT`
/// for an organisation-wide survey when they have none); None when the survey is not theirs.
pub fn answering_unit(conn: &mut AnyConnection, actor: &Actor, survey_unit: Option<i64>) -> AppResult<Option<i64>> {
    if !super::capabilities(actor).answer_surveys {
        return Ok(None);
    }
    let mine: Vec<i64> = person_units::table
        .filter(person_units::person_id.eq(actor.id))
        .order(person_units::unit_id)
        .select(person_units::unit_id)
        .load(conn)?;
    match survey_unit {
        None => Ok(Some(mine.first().copied().unwrap_or(NO_UNIT))),
        Some(root) => {
            let scope = units::subtree(conn, root)?;
            Ok(mine.into_iter().find(|u| scope.contains(u)))
        }
    }
}

/// Whether the actor reads the survey's results: a manager whose scope covers the survey's
/// unit (or any of its units, for an organisation-wide one), trustees and administrators.
pub fn reads_results(conn: &mut AnyConnection, actor: &Actor, survey_unit: Option<i64>) -> AppResult<bool> {
    let Ok(scope) = Scope::of(actor) else {
        return Ok(false);
    };
    match (&scope, survey_unit) {
        (Scope::All, _) | (Scope::Units(_), None) => Ok(true),
        (Scope::Units(_), Some(u)) => {
            let subtree = units::subtree(conn, u)?;
            let covered = scope.unit_ids(conn)?.unwrap_or_default();
            Ok(subtree.iter().any(|s| covered.contains(s)))
        }
    }
}
