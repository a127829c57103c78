//! Who is acting: person kinds, scoped roles, and the permission checks built on them.

use crate::db::AnyConnection;
use crate::db::schema::{people, role_assignments};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of person someone is.
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
pub enum PersonKind {
    Employee,
    Customer,
    Trustee,
}

crate::stored_as_text!(PersonKind {
    Employee => "employee",
    Customer => "customer",
    Trustee => "trustee",
});

/// A role someone holds, optionally scoped to a unit and its subtree.
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
pub enum RoleKind {
    /// Avainosaaja: reviews and steers development in a unit's subtree.
    KeyExpert,
    /// Manager of a unit's subtree, or of the whole organisation when unscoped.
    Manager,
    /// Manages units, municipalities, people and roles.
    Admin,
}

crate::stored_as_text!(RoleKind {
    KeyExpert => "key_expert",
    Manager => "manager",
    Admin => "admin",
});

/// One held role.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Role {
    pub id: i64,
    pub role: RoleKind,
    /// The unit whose subtree the role covers; absent means the whole organisation.
    pub unit_id: Option<i64>,
}

/// The signed-in person on whose behalf the domain acts.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub kind: PersonKind,
    pub locale: Locale,
    pub token_generation: i32,
    pub roles: Vec<Role>,
}

impl Actor {
    /// Whether the person is an administrator.
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r.role == RoleKind::Admin)
    }

    /// Refuses anyone but administrators.
    pub fn require_admin(&self) -> AppResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether the person is staff (an employee or a trustee), who see staff content.
    pub fn is_staff(&self) -> bool {
        matches!(self.kind, PersonKind::Employee | PersonKind::Trustee)
    }

    /// Whether the person holds `role` anywhere (in any unit, or organisation-wide).
    pub fn holds(&self, role: RoleKind) -> bool {
        self.roles.iter().any(|r| r.role == role)
    }

    /// Whether the person holds any of `roles` anywhere.
    pub fn holds_any(&self, roles: &[RoleKind]) -> bool {
        self.roles.iter().any(|r| roles.contains(&r.role))
    }

    /// Whether the person holds `role` for the whole organisation (unscoped).
    pub fn holds_unscoped(&self, role: RoleKind) -> bool {
        self.roles.iter().any(|r| r.role == role && r.unit_id.is_none())
    }

    /// Whether `role` covers a unit whose ancestors-or-self are `lineage`
    /// (an unscoped role covers everything).
    pub fn has_role_over(&self, role: RoleKind, lineage: &[i64]) -> bool {
        self.roles
            .iter()
            .any(|r| r.role == role && r.unit_id.is_none_or(|u| lineage.contains(&u)))
    }

    /// Whether the person holds any of `roles` over any of the units (scoped roles cover the
    /// unit's subtree, unscoped ones everything).
    pub fn covers(&self, conn: &mut AnyConnection, roles: &[RoleKind], unit_ids: &[i64]) -> AppResult<bool> {
        let held: Vec<&Role> = self.roles.iter().filter(|r| roles.contains(&r.role)).collect();
        // Most people hold none of these roles: no need to ask the database.
        if held.is_empty() || unit_ids.is_empty() {
            return Ok(false);
        }
        if held.iter().any(|r| r.unit_id.is_none()) {
            return Ok(true);
        }
        let parents = super::units::parents(conn)?;
        Ok(unit_ids.iter().any(|u| {
            let lineage = super::units::lineage_in(&parents, *u);
            held.iter()
                .any(|r| r.unit_id.is_some_and(|scope| lineage.contains(&scope)))
        }))
    }
}

/// Loads the actor for a token's person and generation; None when the person is gone,
/// deactivated, or the token generation has moved on (revoked).
pub fn load_actor(conn: &mut AnyConnection, person_id: i64, generation: i32) -> AppResult<Option<Actor>> {
    let row = people::table
        .find(person_id)
        .select((
            people::name,
            people::email,
            people::kind,
            people::locale,
            people::active,
            people::token_generation,
        ))
        .first::<(String, String, PersonKind, String, bool, i32)>(conn)
        .optional()?;
    let Some((name, email, kind, locale, active, token_generation)) = row else {
        return Ok(None);
    };
    if !active || token_generation != generation {
        return Ok(None);
    }
    let roles = roles_of(conn, person_id)?;
    Ok(Some(Actor {
        id: person_id,
        name,
        email,
        kind,
        locale: Locale::parse(&locale).unwrap_or_default(),
        token_generation,
        roles,
    }))
}

/// The roles a person holds.
pub fn roles_of(conn: &mut AnyConnection, person_id: i64) -> AppResult<Vec<Role>> {
    let rows = role_assignments::table
        .filter(role_assignments::person_id.eq(person_id))
        .order(role_assignments::id)
        .select((role_assignments::id, role_assignments::role, role_assignments::unit_id))
        .load::<(i64, RoleKind, Option<i64>)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, role, unit_id)| Role { id, role, unit_id })
        .collect())
}

/// Makes every token issued so far invalid (sign-out everywhere, password, role or kind change).
pub fn bump_token_generation(conn: &mut AnyConnection, person_id: i64) -> AppResult<i32> {
    diesel::update(people::table.find(person_id))
        .set((
            people::token_generation.eq(people::token_generation + 1),
            people::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    Ok(people::table
        .find(person_id)
        .select(people::token_generation)
        .first(conn)?)
}
