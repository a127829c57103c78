//! Observations from customer encounters: the staff's working notes. Employees write them;
//! staff read them; an observation becomes part of an idea by its author or a key expert of
//! its unit, once.

use crate::db::AnyConnection;
use crate::domain::access::{Actor, RoleKind};
use crate::error::{AppError, AppResult};
use serde::Serialize;

/// Who the actor is to an observation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    pub author: bool,
    pub staff: bool,
    /// A key expert of its unit (or above).
    pub key_expert: bool,
}

/// What the actor may do with an observation now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = ObservationPermissions)]
pub struct Permissions {
    pub read: bool,
    /// Make it part of an idea (while it is not yet linked).
    pub link: bool,
}

/// The actor's standing towards an observation of `unit_id` written by `author_id`.
pub fn standing(conn: &mut AnyConnection, actor: &Actor, author_id: i64, unit_id: i64) -> AppResult<Standing> {
    Ok(Standing {
        author: author_id == actor.id,
        staff: actor.is_staff(),
        key_expert: actor.covers(conn, &[RoleKind::KeyExpert], &[unit_id])?,
    })
}

/// The rules in one place.
pub fn permissions(s: &Standing, linked: bool) -> Permissions {
    Permissions {
        read: s.staff,
        link: s.staff && !linked && (s.author || s.key_expert),
    }
}

/// Refuses the observation pages and lists to anyone but staff.
pub fn require_read(actor: &Actor) -> AppResult<()> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
