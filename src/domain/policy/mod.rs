//! Who may see and do what, written once per kind of object.
//!
//! Each kind has a `Standing` (who the actor is to the object: author, member, steward …),
//! computed from the actor and the database in one function, and a `Permissions` value
//! (`can.read`, `can.edit`, …) derived from the standing and the object's state in one pure
//! function. Pages and the API read only `can.*`; visibility in lists is the same rule written
//! as a diesel filter beside it.

pub mod catalog;
pub mod comments;
pub mod experiments;
pub mod ideas;
pub mod observations;
pub mod panels;
pub mod people;
pub mod scope;
pub mod showcase;
pub mod surveys;

use super::access::{Actor, PersonKind};

/// Whether the reader may see the name of someone of `kind`: customers' names are shown to
/// staff and to the customers themselves only.
pub fn shows_name(reader: &Actor, kind: PersonKind, own: bool) -> bool {
    own || reader.is_staff() || kind != PersonKind::Customer
}

/// What the actor may do anywhere in the service: the navigation and the "new …" buttons.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Capabilities {
    /// Write observations (employees).
    pub write_observations: bool,
    /// Read the staff's working pages: observations, directions, surveys.
    pub staff_pages: bool,
    /// Plan experiments (employees).
    pub start_experiments: bool,
    /// Review experiments: has a review queue (key experts).
    pub review: bool,
    /// Open the moderation queue (key experts, managers, administrators).
    pub moderate: bool,
    /// Read the management dashboard (managers, trustees, administrators).
    pub read_dashboard: bool,
    /// Open staff surveys (managers, administrators).
    pub open_surveys: bool,
    /// Answer the staff surveys meant for one's units (employees).
    pub answer_surveys: bool,
    /// Keep directions, campaigns, personas and service paths (managers, administrators).
    pub keep_catalog: bool,
    /// Create customer panels (managers, administrators).
    pub create_panels: bool,
    /// "My municipality" (trustees).
    pub my_municipality: bool,
    /// Units, people, roles and the audit log (administrators).
    pub administer: bool,
}

/// The rules in one place: what the actor may do anywhere.
pub fn capabilities(actor: &Actor) -> Capabilities {
    use super::access::RoleKind;
    let employee = actor.kind == PersonKind::Employee;
    let manager = actor.holds(RoleKind::Manager);
    Capabilities {
        write_observations: employee,
        staff_pages: actor.is_staff(),
        start_experiments: employee,
        review: actor.holds(RoleKind::KeyExpert) || actor.is_admin(),
        moderate: ideas::moderates_anywhere(actor),
        read_dashboard: scope::Scope::of(actor).is_ok(),
        open_surveys: scope::Scope::of(actor).is_ok() && (employee || actor.is_admin()),
        answer_surveys: employee,
        keep_catalog: catalog::permissions(actor, catalog::Catalog::Direction).edit,
        create_panels: manager || actor.is_admin(),
        my_municipality: actor.kind == PersonKind::Trustee,
        administer: actor.is_admin(),
    }
}
