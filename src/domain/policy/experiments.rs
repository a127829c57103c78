//! Experiments, with their reviews, diary and result report: staff see every experiment past
//! the draft; a draft is seen by its owner, team, and the key experts and managers of its unit;
//! customers see published experiments and those shared with their panels. Reviews, the diary
//! and who moved it are the staff's working notes.

use crate::db::AnyConnection;
use crate::db::schema::{experiment_team, experiments};
use crate::domain::access::{Actor, RoleKind};
use crate::domain::experiments::ExperimentStatus;
use crate::domain::panels::shares::{self, ItemType};
use crate::error::AppResult;
use diesel::dsl;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::Serialize;

/// Who the actor is to an experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    /// The owner or a team member.
    pub member: bool,
    pub owner: bool,
    /// A key expert of the unit or its ancestors, or someone the experiment was routed to for
    /// review (an organisation-wide key expert or an administrator, when nobody nearer is free).
    pub key_expert: bool,
    /// A manager of the unit's scope (or of the whole organisation), or an administrator.
    pub manager: bool,
    /// An employee or trustee.
    pub staff: bool,
    /// Shared with a customer panel the actor belongs to.
    pub shared: bool,
    /// Holds a key expert or manager role anywhere, or is an administrator (records that their
    /// unit adopted a result).
    pub adopter: bool,
}

/// What of an experiment's state the rules depend on.
#[derive(Debug, Clone, Copy)]
pub struct State {
    pub status: ExperimentStatus,
    pub published: bool,
}

/// What the actor may do to an experiment now, for pages and API clients alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = ExperimentPermissions)]
pub struct Permissions {
    pub read: bool,
    /// Read the reviews, the diary and who moved it (staff).
    pub read_working_notes: bool,
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    pub review: bool,
    pub start: bool,
    pub log: bool,
    pub report: bool,
    pub complete: bool,
    pub decide_outcome: bool,
    pub publish: bool,
    /// Show it in the public showcase or take it down: running or with a result (its unit's key
    /// experts and managers, administrators).
    pub show_publicly: bool,
    pub propose_version: bool,
    pub decide_version: bool,
    pub record_adoption: bool,
    pub transfer: bool,
    /// Use a withdrawn or rejected plan as the template of a new draft (owner and team).
    pub copy: bool,
}

/// The actor's standing towards an experiment of `unit_id` owned by `owner_id`.
pub fn standing(
    conn: &mut AnyConnection,
    actor: &Actor,
    experiment_id: i64,
    owner_id: i64,
    unit_id: i64,
) -> AppResult<Standing> {
    let owner = owner_id == actor.id;
    let member = owner
        || experiment_team::table
            .find((experiment_id, actor.id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
    let staff = actor.is_staff();
    Ok(Standing {
        member,
        owner,
        key_expert: actor.covers(conn, &[RoleKind::KeyExpert], &[unit_id])?
            || crate::db::schema::experiment_reviewers::table
                .find((experiment_id, actor.id))
                .count()
                .get_result::<i64>(conn)?
                > 0,
        manager: actor.is_admin() || actor.covers(conn, &[RoleKind::Manager], &[unit_id])?,
        staff,
        shared: !staff
            && crate::domain::panels::shares::shared_with(
                conn,
                actor.id,
                crate::domain::panels::shares::ItemType::Experiment,
                experiment_id,
            )?,
        adopter: actor.is_admin() || actor.holds_any(&[RoleKind::KeyExpert, RoleKind::Manager]),
    })
}

/// The lifecycle and role rules in one place: what `s` may do to an experiment in `state`.
pub fn permissions(s: &Standing, state: State) -> Permissions {
    use ExperimentStatus::*;
    let status = state.status;
    let steward = s.key_expert || s.manager;
    let read = s.member
        || if s.staff {
            status != Draft || steward
        } else {
            state.published || (s.shared && status != Draft)
        };
    Permissions {
        read,
        read_working_notes: read && s.staff,
        edit: s.member && matches!(status, Draft | ChangesRequested),
        submit: s.member && matches!(status, Draft | ChangesRequested),
        withdraw: s.owner && matches!(status, Draft | Submitted | ChangesRequested | Approved),
        review: s.key_expert && !s.member && status == Submitted,
        start: s.owner && status == Approved,
        log: s.member && status == Running,
        report: s.member && matches!(status, Running | Completed),
        complete: s.member && status == Running,
        decide_outcome: steward && status == Completed,
        publish: steward && status.has_result(),
        show_publicly: steward && (status == Running || status.has_result()),
        propose_version: s.member && matches!(status, Approved | Running),
        decide_version: s.key_expert && !s.member && matches!(status, Approved | Running),
        record_adoption: read && status.has_result() && s.adopter,
        transfer: (s.owner || s.manager) && !status.is_closed(),
        copy: s.member && matches!(status, Withdrawn | Rejected),
    }
}

/// The experiments a reader finds in lists and search.
pub type Listed = dsl::Or<
    dsl::And<
        dsl::AsExprOf<bool, Bool>,
        dsl::Or<
            dsl::Or<
                dsl::Or<
                    dsl::Or<dsl::NotEq<experiments::status, &'static str>, dsl::Eq<experiments::owner_id, i64>>,
                    dsl::EqAny<experiments::id, Vec<i64>>,
                >,
                dsl::EqAny<experiments::unit_id, Vec<i64>>,
            >,
            dsl::AsExprOf<bool, Bool>,
        >,
    >,
    dsl::And<
        dsl::AsExprOf<bool, Bool>,
        dsl::Or<
            dsl::Eq<experiments::published, bool>,
            dsl::And<dsl::EqAny<experiments::id, Vec<i64>>, dsl::NotEq<experiments::status, &'static str>>,
        >,
    >,
>;

/// The experiments the actor finds in lists and search: `permissions(..).read` as one condition
/// for any query that holds `experiments`.
pub fn listed(conn: &mut AnyConnection, actor: &Actor) -> AppResult<Listed> {
    let staff = actor.is_staff();
    let draft = ExperimentStatus::Draft.as_str();
    // The teams the actor is on, and the units whose drafts they steward.
    let (team, (steward_units, steward_all)) = if staff {
        let team: Vec<i64> = experiment_team::table
            .filter(experiment_team::person_id.eq(actor.id))
            .select(experiment_team::experiment_id)
            .load(conn)?;
        (team, stewarded_units(conn, actor)?)
    } else {
        (Vec::new(), (Vec::new(), false))
    };
    let shared = if staff {
        Vec::new()
    } else {
        shares::shared_ids(conn, actor.id, ItemType::Experiment)?
    };
    Ok(staff
        .into_sql::<Bool>()
        .and(
            experiments::status
                .ne(draft)
                .or(experiments::owner_id.eq(actor.id))
                .or(experiments::id.eq_any(team))
                .or(experiments::unit_id.eq_any(steward_units))
                .or(steward_all.into_sql::<Bool>()),
        )
        .or((!staff).into_sql::<Bool>().and(
            experiments::published
                .eq(true)
                .or(experiments::id.eq_any(shared).and(experiments::status.ne(draft))),
        )))
}

/// The units whose drafts the actor sees as a key expert, manager or administrator, and whether
/// that is every unit.
fn stewarded_units(conn: &mut AnyConnection, actor: &Actor) -> AppResult<(Vec<i64>, bool)> {
    let roots: Vec<Option<i64>> = actor
        .roles
        .iter()
        .filter(|r| matches!(r.role, RoleKind::KeyExpert | RoleKind::Manager))
        .map(|r| r.unit_id)
        .collect();
    if actor.is_admin() || roots.contains(&None) {
        return Ok((Vec::new(), true));
    }
    let mut units = Vec::new();
    for root in roots.into_iter().flatten() {
        units.extend(crate::domain::units::subtree(conn, root)?);
    }
    Ok((units, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: ExperimentStatus) -> State {
        State {
            status,
            published: false,
        }
    }

    #[test]
    fn drafts_are_read_by_members_and_stewards_only() {
        let staff = Standing {
            staff: true,
            ..Standing::default()
        };
        assert!(!permissions(&staff, state(ExperimentStatus::Draft)).read);
        assert!(permissions(&staff, state(ExperimentStatus::Submitted)).read);
        let expert = Standing {
            key_expert: true,
            ..staff
        };
        assert!(permissions(&expert, state(ExperimentStatus::Draft)).read);
        assert!(permissions(&expert, state(ExperimentStatus::Submitted)).review);
        let member_expert = Standing { member: true, ..expert };
        assert!(!permissions(&member_expert, state(ExperimentStatus::Submitted)).review);
    }

    #[test]
    fn customers_read_published_or_shared_experiments_without_working_notes() {
        let customer = Standing::default();
        assert!(!permissions(&customer, state(ExperimentStatus::Running)).read);
        let published = State {
            status: ExperimentStatus::Completed,
            published: true,
        };
        let p = permissions(&customer, published);
        assert!(p.read && !p.read_working_notes && !p.record_adoption);
        let shared = Standing {
            shared: true,
            ..customer
        };
        assert!(permissions(&shared, state(ExperimentStatus::Submitted)).read);
        assert!(!permissions(&shared, state(ExperimentStatus::Draft)).read);
    }
}
