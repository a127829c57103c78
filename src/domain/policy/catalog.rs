//! The catalogue around ideas: development directions, campaigns, customer personas and
//! service paths. Managers (of any unit or the whole organisation) and administrators keep
//! it; directions are the staff's working agreements, the rest is read by everyone signed in.

use crate::domain::access::{Actor, RoleKind};
use crate::error::{AppError, AppResult};
use serde::Serialize;

/// A kind of catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalog {
    Direction,
    Campaign,
    Persona,
    ServicePath,
}

/// What the actor may do with a kind of catalogue entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = CatalogPermissions)]
pub struct Permissions {
    pub read: bool,
    pub create: bool,
    pub edit: bool,
}

/// The rules in one place.
pub fn permissions(actor: &Actor, kind: Catalog) -> Permissions {
    let keeper = actor.holds(RoleKind::Manager) || actor.is_admin();
    let read = match kind {
        Catalog::Direction => actor.is_staff() || keeper,
        Catalog::Campaign | Catalog::Persona | Catalog::ServicePath => true,
    };
    Permissions {
        read,
        create: keeper,
        edit: keeper,
    }
}

/// Refuses reading a kind the actor may not read.
pub fn require_read(actor: &Actor, kind: Catalog) -> AppResult<()> {
    if permissions(actor, kind).read {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Refuses changes by anyone who does not keep the catalogue.
pub fn require_edit(actor: &Actor, kind: Catalog) -> AppResult<()> {
    if permissions(actor, kind).edit {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
