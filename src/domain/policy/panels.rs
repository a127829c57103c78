//! Customer panels, with what is shared with them and their voting rounds: members and staff
//! read a panel; its coordinators, the managers of its units and administrators run it
//! (share, invite, manage members and rounds); members and coordinators write as the panel;
//! customer members vote. Everyone else does not learn that the panel exists (404).

use crate::db::AnyConnection;
use crate::db::schema::{panel_members, panel_units, panels};
use crate::domain::access::{Actor, RoleKind};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// A person's place in a panel.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    /// An employee who shares items, invites members and runs voting rounds.
    Coordinator,
    /// A customer who comments and votes.
    Member,
}

crate::stored_as_text!(MemberRole {
    Coordinator => "coordinator",
    Member => "member",
});

/// Who the actor is to a panel.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    /// Their place in the panel, if any.
    pub role: Option<MemberRole>,
    /// An administrator, or a manager of one of the panel's units (or of the whole organisation).
    pub manager: bool,
    /// Employees and trustees follow panels read-only.
    pub staff: bool,
}

impl Standing {
    /// What the actor may do in the panel.
    pub fn permissions(&self) -> Permissions {
        Permissions {
            read: self.sees(),
            manage: self.manages(),
            comment: self.role.is_some(),
            vote: self.is_member(),
            leave: self.is_member(),
        }
    }

    /// Whether the actor may see the panel, its shares and its rounds.
    pub fn sees(&self) -> bool {
        self.role.is_some() || self.manager || self.staff
    }

    /// Whether the actor runs the panel: shares, invites, manages members and rounds.
    pub fn manages(&self) -> bool {
        self.role == Some(MemberRole::Coordinator) || self.manager
    }

    /// Whether the actor is a (customer) member.
    pub fn is_member(&self) -> bool {
        self.role == Some(MemberRole::Member)
    }
}

/// What the actor may do in a panel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = PanelPermissions)]
pub struct Permissions {
    /// See the panel, its shares and its rounds.
    pub read: bool,
    /// Share items, invite and remove members, run voting rounds.
    pub manage: bool,
    /// Write as the panel on what is shared with it.
    pub comment: bool,
    /// Vote in its rounds (customer members).
    pub vote: bool,
    pub leave: bool,
}

/// Whether a reader with `s` sees a round's results now: those who run the panel and staff at
/// any time, members after the close, or while it is open when the round says so.
pub fn sees_results(s: &Standing, open: bool, closed: bool, results_while_open: bool) -> bool {
    s.manages() || s.staff || closed || (open && results_while_open)
}

/// The actor's standing towards a panel; a panel that does not exist is 404.
pub fn standing(conn: &mut AnyConnection, actor: &Actor, panel_id: i64) -> AppResult<Standing> {
    let exists = panels::table.find(panel_id).count().get_result::<i64>(conn)? > 0;
    if !exists {
        return Err(AppError::NotFound);
    }
    let role = panel_members::table
        .find((panel_id, actor.id))
        .select(panel_members::role)
        .first::<String>(conn)
        .optional()?
        .and_then(|r| MemberRole::parse(&r));
    let manager = actor.is_admin() || {
        let units = panel_units::table
            .filter(panel_units::panel_id.eq(panel_id))
            .select(panel_units::unit_id)
            .load::<i64>(conn)?;
        actor.covers(conn, &[RoleKind::Manager], &units)?
    };
    Ok(Standing {
        role,
        manager,
        staff: actor.is_staff(),
    })
}
