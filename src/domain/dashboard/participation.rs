//! Who took part: the period's ideas by author kind, observations, the people in view and the
//! most active directions.

use super::{ByKind, NamedCount, Selection, side::Side};
use crate::db::AnyConnection;
use crate::db::schema::{directions, idea_directions, idea_units, ideas, observations, people, person_units};
use crate::error::AppResult;
use diesel::dsl::{count_star, exists};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use std::collections::HashSet;

/// Ideas by author kind and how many reached the selected step, in one pass.
pub(super) const KIND_SUMS: &str = concat!(
    "CAST(SUM(CASE WHEN ideas.author_kind = 'employee' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN ideas.author_kind = 'customer' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN ideas.author_kind = 'trustee' THEN 1 ELSE 0 END) AS BIGINT), ",
    selected_sum!(),
    ", ",
    further_sums!()
);

/// The main connection's share of participation.
pub(super) struct Participation {
    pub by_kind: ByKind,
    pub selected: i64,
    /// Of those, in an experiment or implemented.
    pub in_experiment: i64,
    pub implemented: i64,
    pub idea_authors: Vec<i64>,
    /// (author, unit, observations).
    pub observations: Vec<(i64, i64, i64)>,
    /// Active people of the units in view (everyone, organisation-wide).
    pub people_in_scope: i64,
    /// (person, unit) of the active people of the units in view.
    pub memberships: Vec<(i64, i64)>,
}

impl Participation {
    /// Everyone who wrote an idea, observation or comment, or supported an idea.
    pub fn participants(&self, side: &Side) -> HashSet<i64> {
        self.idea_authors
            .iter()
            .copied()
            .chain(self.observations.iter().map(|(a, _, _)| *a))
            .chain(side.comment_authors.iter().map(|(p, _)| *p))
            .chain(side.supporters.iter().map(|(p, _)| *p))
            .collect()
    }
}

pub(super) fn figures(conn: &mut AnyConnection, s: &Selection) -> AppResult<Participation> {
    // One pass over the period's ideas in the covering index, no grouping.
    type Sums = (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let (employee, customer, trustee, selected, in_experiment, implemented) = ideas::table
        .filter(s.new_ideas())
        .select(diesel::dsl::sql::<(
            Nullable<BigInt>,
            Nullable<BigInt>,
            Nullable<BigInt>,
            Nullable<BigInt>,
            Nullable<BigInt>,
            Nullable<BigInt>,
        )>(KIND_SUMS))
        .first::<Sums>(conn)?;
    let (employee, customer, trustee) = (employee.unwrap_or(0), customer.unwrap_or(0), trustee.unwrap_or(0));
    let idea_authors: Vec<i64> = ideas::table
        .filter(s.new_ideas())
        .select(ideas::author_id)
        .distinct()
        .load(conn)?;

    let mut obs = observations::table
        .filter(observations::created_at.ge(s.start))
        .filter(observations::created_at.lt(s.end))
        .group_by((observations::author_id, observations::unit_id))
        .select((observations::author_id, observations::unit_id, count_star()))
        .into_boxed();
    if let Some(units) = &s.units {
        obs = obs.filter(observations::unit_id.eq_any(units.clone()));
    }
    let observations = obs.load(conn)?;

    let mut members = person_units::table
        .inner_join(people::table)
        .filter(people::active.eq(true))
        .select((person_units::person_id, person_units::unit_id))
        .into_boxed();
    if let Some(units) = &s.units {
        members = members.filter(person_units::unit_id.eq_any(units.clone()));
    }
    let memberships: Vec<(i64, i64)> = members.load(conn)?;
    let people_in_scope = match &s.units {
        None => people::table
            .filter(people::active.eq(true))
            .count()
            .get_result::<i64>(conn)?,
        Some(_) => memberships.iter().map(|(p, _)| *p).collect::<HashSet<_>>().len() as i64,
    };
    Ok(Participation {
        by_kind: ByKind {
            employee,
            customer,
            trustee,
            total: employee + customer + trustee,
        },
        selected: selected.unwrap_or(0),
        in_experiment: in_experiment.unwrap_or(0),
        implemented: implemented.unwrap_or(0),
        idea_authors,
        observations,
        people_in_scope,
        memberships,
    })
}

/// The directions of the most ideas in the period.
pub(super) fn top_directions(conn: &mut AnyConnection, s: &Selection) -> AppResult<Vec<NamedCount>> {
    let mut q = idea_directions::table
        .inner_join(directions::table)
        .group_by((directions::id, directions::name))
        .select((directions::id, directions::name, count_star()))
        .order((count_star().desc(), directions::name))
        .limit(10)
        .into_boxed();
    q = about_new_ideas!(q, s, idea_directions::idea_id);
    if let Some(units) = &s.units {
        q = q.filter(exists(
            idea_units::table
                .filter(idea_units::idea_id.eq(idea_directions::idea_id))
                .filter((idea_units::unit_id + 0).eq_any(units.clone())),
        ));
    }
    if let Some(d) = s.direction {
        q = q.filter(idea_directions::direction_id.eq(d));
    }
    Ok(q.load::<(i64, String, i64)>(conn)?
        .into_iter()
        .map(|(id, name, count)| NamedCount {
            id: Some(id),
            name,
            count,
        })
        .collect())
}
