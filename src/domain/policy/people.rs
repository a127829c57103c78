//! The organisation's records: people, their roles and units, units, municipalities, trustees'
//! municipalities and the audit log (events). Administrators keep them; a person reads their
//! own record; the unit tree and municipalities are read by everyone signed in (forms and
//! filters name them).

use crate::domain::access::Actor;
use crate::error::{AppError, AppResult};
use serde::Serialize;

/// A kind of organisation record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// A person, their roles and units.
    Person,
    /// The municipalities a trustee represents.
    TrusteeMunicipalities,
    Unit,
    Municipality,
    /// The organisation's settings (its name, the public showcase).
    Organisation,
    /// The audit log.
    Event,
}

/// What the actor may do with a record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = RecordPermissions)]
pub struct Permissions {
    pub read: bool,
    pub create: bool,
    pub edit: bool,
}

/// The rules in one place; `own` says the record is the actor's own (a person's).
pub fn permissions(actor: &Actor, record: Record, own: bool) -> Permissions {
    let admin = actor.is_admin();
    let read = match record {
        Record::Person | Record::TrusteeMunicipalities => admin || own,
        Record::Unit | Record::Municipality | Record::Organisation => true,
        Record::Event => admin,
    };
    let keep = admin && record != Record::Event;
    Permissions {
        read,
        create: keep,
        edit: keep,
    }
}

/// Refuses reading a record the actor may not read.
pub fn require_read(actor: &Actor, record: Record, own: bool) -> AppResult<()> {
    if permissions(actor, record, own).read {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Refuses changes by anyone but administrators.
pub fn require_edit(actor: &Actor, record: Record) -> AppResult<()> {
    if permissions(actor, record, false).edit {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
