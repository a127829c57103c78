//! Comments on ideas: everyone who reads the idea reads its comments. A comment hidden by
//! moderation shows to the idea's moderators marked "hidden" with the reason, to its author
//! marked "hidden", and to everyone else only as a placeholder that keeps its replies readable.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

/// How long a comment stays editable.
pub const EDIT_WINDOW_MINUTES: i64 = 15;

/// Who the actor is to a comment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    pub author: bool,
    /// Moderates the idea the comment is on.
    pub moderator: bool,
}

/// What of a comment's state the rules depend on.
#[derive(Debug, Clone, Copy)]
pub struct State {
    pub hidden: bool,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    /// Whether the idea still takes comments (it is in circulation).
    pub idea_open: bool,
}

/// What the actor may do to a comment now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = CommentPermissions)]
pub struct Permissions {
    /// Read its text; without it a hidden comment is only a placeholder for its replies.
    pub read: bool,
    /// Edit it (its author, within 15 minutes of writing it).
    pub edit: bool,
    /// Delete it (its author or a moderator).
    pub delete: bool,
    /// Report it to the moderators.
    pub report: bool,
    /// Hide it, or restore it when hidden.
    pub moderate: bool,
}

/// The rules in one place: what `s` may do to a comment in `state` at `now`.
pub fn permissions(s: &Standing, state: State, now: NaiveDateTime) -> Permissions {
    let read = !state.hidden || s.author || s.moderator;
    let live = !state.hidden && !state.deleted && state.idea_open;
    Permissions {
        read,
        edit: live && s.author && now - state.created_at < Duration::minutes(EDIT_WINDOW_MINUTES),
        // Deleting stays possible on a hidden idea (its author and moderators still read it).
        delete: !state.hidden && !state.deleted && (s.author || s.moderator),
        report: live && !s.author,
        moderate: s.moderator && !state.deleted,
    }
}

/// What the actor may do to a comment (`own`: they wrote it) on an idea that allows them
/// `idea`: its moderators moderate the comment, and it takes changes while the idea takes comments.
pub fn on_idea(
    idea: &super::ideas::Permissions,
    own: bool,
    hidden: bool,
    deleted: bool,
    created_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Permissions {
    let standing = Standing {
        author: own,
        moderator: idea.moderate,
    };
    let state = State {
        hidden,
        deleted,
        created_at,
        idea_open: idea.comment,
    };
    permissions(&standing, state, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(hidden: bool) -> State {
        State {
            hidden,
            deleted: false,
            created_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap().naive_utc(),
            idea_open: true,
        }
    }

    #[test]
    fn a_hidden_comment_is_read_by_its_author_and_moderators_who_may_restore_it() {
        let now = state(true).created_at;
        let reader = Standing::default();
        assert!(!permissions(&reader, state(true), now).read);
        let author = Standing { author: true, ..reader };
        let p = permissions(&author, state(true), now);
        assert!(p.read && !p.edit && !p.delete && !p.moderate);
        let moderator = Standing {
            moderator: true,
            ..reader
        };
        let p = permissions(&moderator, state(true), now);
        assert!(p.read && p.moderate && !p.delete);
    }

    #[test]
    fn the_author_edits_for_fifteen_minutes() {
        let s = state(false);
        let author = Standing {
            author: true,
            ..Standing::default()
        };
        assert!(permissions(&author, s, s.created_at + Duration::minutes(14)).edit);
        assert!(!permissions(&author, s, s.created_at + Duration::minutes(15)).edit);
        assert!(!permissions(&author, s, s.created_at).report);
    }
}
