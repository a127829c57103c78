//! What part of the organisation a reader of management figures sees: managers their units'
//! subtrees (or everything when unscoped), trustees and administrators everything, read-only.

use crate::db::AnyConnection;
use crate::domain::access::{Actor, PersonKind, RoleKind};
use crate::domain::units;
use crate::error::{AppError, AppResult};

/// The units a reader of management figures covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole organisation.
    All,
    /// These units and everything under them (a unit manager's subtrees).
    Units(Vec<i64>),
}

impl Scope {
    /// The reader's scope; employees without a manager role and customers get 403.
    pub fn of(actor: &Actor) -> AppResult<Scope> {
        if actor.is_admin() || actor.kind == PersonKind::Trustee {
            return Ok(Scope::All);
        }
        let managed: Vec<Option<i64>> = actor
            .roles
            .iter()
            .filter(|r| r.role == RoleKind::Manager)
            .map(|r| r.unit_id)
            .collect();
        if managed.is_empty() || actor.kind != PersonKind::Employee {
            return Err(AppError::Forbidden);
        }
        if managed.contains(&None) {
            return Ok(Scope::All);
        }
        Ok(Scope::Units(managed.into_iter().flatten().collect()))
    }

    /// Every unit id the scope covers (None for the whole organisation).
    pub fn unit_ids(&self, conn: &mut AnyConnection) -> AppResult<Option<Vec<i64>>> {
        match self {
            Scope::All => Ok(None),
            Scope::Units(roots) => {
                let mut out = Vec::new();
                for root in roots {
                    for u in units::subtree(conn, *root)? {
                        if !out.contains(&u) {
                            out.push(u);
                        }
                    }
                }
                Ok(Some(out))
            }
        }
    }

    /// Whether the scope covers a unit (None: the whole organisation, which only `All` covers).
    pub fn covers(&self, conn: &mut AnyConnection, unit: Option<i64>) -> AppResult<bool> {
        match (self, unit) {
            (Scope::All, _) => Ok(true),
            (Scope::Units(_), None) => Ok(false),
            (Scope::Units(_), Some(u)) => Ok(self.unit_ids(conn)?.is_some_and(|ids| ids.contains(&u))),
        }
    }
}
