//! Ideas: staff see every idea in circulation; customers their own, those shared with their
//! panels and those published to customers. An idea hidden by moderation leaves every list,
//! search, feed, round, result and export; only its author and its moderators still open it.

use crate::db::AnyConnection;
use crate::db::schema::{idea_units, ideas};
use crate::domain::access::{Actor, RoleKind};
use crate::domain::ideas::IdeaStatus;
use crate::domain::panels::shares::{self, ItemType};
use crate::error::{AppError, AppResult};
use diesel::dsl;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::Serialize;

/// Who the actor is to an idea.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    pub author: bool,
    /// An employee or trustee: staff see every idea in circulation.
    pub staff: bool,
    /// Shared with a customer panel the actor belongs to.
    pub shared: bool,
    /// A key expert or manager of one of its units (or above): moves it through its
    /// lifecycle, publishes it and moderates it.
    pub steward: bool,
    /// An administrator: moderates every idea.
    pub admin: bool,
}

/// What of an idea's state the rules depend on.
#[derive(Debug, Clone, Copy)]
pub struct State {
    pub hidden: bool,
    pub published: bool,
    /// Still new (its author may edit it).
    pub new: bool,
}

/// What the actor may do to an idea now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = IdeaPermissions)]
pub struct Permissions {
    pub read: bool,
    /// Edit its text (the author, while it is new).
    pub edit: bool,
    pub support: bool,
    pub follow: bool,
    pub comment: bool,
    /// Report it (or a comment on it) to the moderators.
    pub report: bool,
    /// Move it to another status.
    pub move_status: bool,
    /// Publish it to customers or withdraw the publication.
    pub publish: bool,
    /// Show it in the public showcase or take it down (its unit's key experts and managers,
    /// administrators).
    pub show_publicly: bool,
    /// Hide or restore it and its comments.
    pub moderate: bool,
}

/// The actor's standing towards an idea with these units and author.
pub fn standing(
    conn: &mut AnyConnection,
    actor: &Actor,
    idea_id: i64,
    author_id: i64,
    unit_ids: &[i64],
) -> AppResult<Standing> {
    let staff = actor.is_staff();
    Ok(Standing {
        author: author_id == actor.id,
        staff,
        shared: !staff
            && crate::domain::panels::shares::shared_with(
                conn,
                actor.id,
                crate::domain::panels::shares::ItemType::Idea,
                idea_id,
            )?,
        steward: actor.covers(conn, &[RoleKind::KeyExpert, RoleKind::Manager], unit_ids)?,
        admin: actor.is_admin(),
    })
}

/// The lifecycle and role rules in one place: what `s` may do to an idea in `state`.
pub fn permissions(s: &Standing, state: State) -> Permissions {
    let circulating = !state.hidden;
    let moderate = s.steward || s.admin;
    let audience = s.staff || s.author || state.published || s.shared;
    let read = if circulating { audience } else { s.author || moderate };
    let act = read && circulating;
    Permissions {
        read,
        edit: act && s.author && state.new,
        support: act,
        follow: read,
        comment: act,
        report: act,
        move_status: act && s.steward,
        publish: act && s.steward,
        show_publicly: act && (s.steward || s.admin),
        moderate: read && moderate,
    }
}

/// What the actor may do to the idea with this id (404 when there is none); for modules that
/// refer to ideas without loading them.
pub fn of(conn: &mut AnyConnection, actor: &Actor, idea_id: i64) -> AppResult<Permissions> {
    let (author_id, hidden, published, status) = ideas::table
        .find(idea_id)
        .select((ideas::author_id, ideas::hidden, ideas::published, ideas::status))
        .first::<(i64, bool, bool, IdeaStatus)>(conn)?;
    let unit_ids: Vec<i64> = idea_units::table
        .filter(idea_units::idea_id.eq(idea_id))
        .select(idea_units::unit_id)
        .load(conn)?;
    let s = standing(conn, actor, idea_id, author_id, &unit_ids)?;
    Ok(permissions(
        &s,
        State {
            hidden,
            published,
            new: status == IdeaStatus::New,
        },
    ))
}

/// Refuses an idea the actor may not read as not found, so its existence does not leak.
pub fn require_read(conn: &mut AnyConnection, actor: &Actor, idea_id: i64) -> AppResult<Permissions> {
    let can = of(conn, actor, idea_id)?;
    if can.read { Ok(can) } else { Err(AppError::NotFound) }
}

/// Whether the actor moderates any idea at all (and so opens the moderation queue).
pub fn moderates_anywhere(actor: &Actor) -> bool {
    actor.is_admin() || actor.holds_any(&[RoleKind::KeyExpert, RoleKind::Manager])
}

/// Not hidden by moderation: what may appear in a list, feed, round, result or export.
pub type InCirculation = dsl::Eq<ideas::hidden, bool>;

/// The ideas in circulation, as a condition for any query that holds `ideas`.
pub fn in_circulation() -> InCirculation {
    ideas::hidden.eq(false)
}

/// The ideas a reader finds in lists, search and feeds.
pub type Listed = dsl::And<
    InCirculation,
    dsl::Or<
        dsl::Or<
            dsl::Or<dsl::Eq<ideas::author_id, i64>, dsl::Eq<ideas::published, bool>>,
            dsl::EqAny<ideas::id, Vec<i64>>,
        >,
        dsl::AsExprOf<bool, Bool>,
    >,
>;

/// The ideas the actor finds in lists, search and feeds: `permissions(..).read` for ideas in
/// circulation, as one condition for any query that holds `ideas`.
pub fn listed(conn: &mut AnyConnection, actor: &Actor) -> AppResult<Listed> {
    let staff = actor.is_staff();
    let shared = if staff {
        Vec::new()
    } else {
        shares::shared_ids(conn, actor.id, ItemType::Idea)?
    };
    Ok(in_circulation().and(
        ideas::author_id
            .eq(actor.id)
            .or(ideas::published.eq(true))
            .or(ideas::id.eq_any(shared))
            .or(staff.into_sql::<Bool>()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: State = State {
        hidden: false,
        published: false,
        new: true,
    };

    #[test]
    fn customers_read_only_their_own_shared_or_published_ideas() {
        let customer = Standing::default();
        assert!(!permissions(&customer, NEW).read);
        assert!(permissions(&customer, State { published: true, ..NEW }).read);
        let shared = Standing {
            shared: true,
            ..customer
        };
        assert!(permissions(&shared, NEW).comment);
        assert!(!permissions(&shared, NEW).edit);
    }

    #[test]
    fn a_hidden_idea_is_read_by_its_author_and_moderators_only_and_nobody_acts_on_it() {
        let hidden = State { hidden: true, ..NEW };
        let staff = Standing {
            staff: true,
            ..Standing::default()
        };
        assert!(!permissions(&staff, hidden).read);
        let author = Standing { author: true, ..staff };
        let p = permissions(&author, hidden);
        assert!(p.read && !p.edit && !p.comment && !p.support && !p.moderate);
        let steward = Standing { steward: true, ..staff };
        let p = permissions(&steward, hidden);
        assert!(p.read && p.moderate && !p.move_status && !p.publish);
        let admin = Standing { admin: true, ..staff };
        assert!(permissions(&admin, hidden).moderate);
    }
}
