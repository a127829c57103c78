//! The second connection's share: comments, supports, tags and the period's ideas per unit,
//! the counts that probe the most rows.

use super::{NamedCount, Selection};
use crate::db::AnyConnection;
use crate::db::schema::{comments, idea_directions, idea_supports, idea_tags, idea_units, ideas};
use crate::error::AppResult;
use diesel::dsl::{count_star, exists};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

/// What the second connection counts.
pub(super) struct Side {
    /// (author, comments).
    pub comment_authors: Vec<(i64, i64)>,
    /// (supporter, supports).
    pub supporters: Vec<(i64, i64)>,
    pub top_tags: Vec<NamedCount>,
    /// (unit, the period's ideas, how many of them were selected).
    pub ideas_per_unit: Vec<(i64, i64, i64)>,
}

/// The counts of comments, supports, tags and ideas per unit.
pub(super) fn figures(conn: &mut AnyConnection, s: &Selection) -> AppResult<Side> {
    let comment_q = comments::table
        .filter(comments::created_at.ge(s.start))
        .filter(comments::created_at.lt(s.end))
        .group_by(comments::author_id)
        .select((comments::author_id, count_star()))
        .into_boxed();
    let comment_authors = about_ideas_in_view!(comment_q, s, comments::idea_id).load(conn)?;
    // From the period's ideas (the covering index) to their tags.
    let tag_q = idea_tags::table
        .inner_join(ideas::table)
        .filter(ideas::created_at.ge(s.start))
        .filter(ideas::created_at.lt(s.end))
        .filter(ideas::hidden.eq(false))
        .group_by(idea_tags::tag)
        .select((idea_tags::tag, count_star()))
        .order((count_star().desc(), idea_tags::tag))
        .limit(10)
        .into_boxed();
    let top_tags = about_ideas_in_view!(tag_q, s, ideas::id)
        .load::<(String, i64)>(conn)?
        .into_iter()
        .map(|(name, count)| NamedCount { id: None, name, count })
        .collect();
    let support_q = idea_supports::table
        .filter(idea_supports::created_at.ge(s.start))
        .filter(idea_supports::created_at.lt(s.end))
        .group_by(idea_supports::person_id)
        .select((idea_supports::person_id, count_star()))
        .into_boxed();
    let supporters = about_ideas_in_view!(support_q, s, idea_supports::idea_id).load(conn)?;
    // From the period's ideas (the covering index) to their units.
    let mut unit_q = idea_units::table
        .inner_join(ideas::table)
        .filter(ideas::created_at.ge(s.start))
        .filter(ideas::created_at.lt(s.end))
        .filter(ideas::hidden.eq(false))
        .group_by(idea_units::unit_id)
        .select((
            idea_units::unit_id,
            count_star(),
            diesel::dsl::sql::<Nullable<BigInt>>(selected_sum!()),
        ))
        .into_boxed();
    if let Some(units) = &s.units {
        unit_q = unit_q.filter((idea_units::unit_id + 0).eq_any(units.clone()));
    }
    if let Some(d) = s.direction {
        unit_q = unit_q.filter(exists(
            idea_directions::table
                .filter(idea_directions::idea_id.eq(ideas::id))
                .filter(idea_directions::direction_id.eq(d)),
        ));
    }
    let ideas_per_unit = unit_q
        .load::<(i64, i64, Option<i64>)>(conn)?
        .into_iter()
        .map(|(unit, n, selected)| (unit, n, selected.unwrap_or(0)))
        .collect();
    Ok(Side {
        comment_authors,
        supporters,
        top_tags,
        ideas_per_unit,
    })
}
