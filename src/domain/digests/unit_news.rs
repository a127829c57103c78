//! The week's news of a staff member's units, for their weekly digest: new ideas, experiments
//! started and completed, and results published, in their units and the units below them.

use crate::db::AnyConnection;
use crate::db::schema::{
    events, experiments, idea_units, ideas, notification_preferences as prefs, people, person_units,
};
use crate::domain::Context;
use crate::domain::notifications::Kind;
use crate::domain::units::lineage_in;
use crate::error::AppResult;
use crate::i18n::Locale;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// What happened in the units in the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct News {
    pub ideas: i64,
    pub started: i64,
    pub completed: i64,
    pub published: i64,
}

impl News {
    /// How many things it tells of.
    pub fn total(&self) -> i64 {
        self.ideas + self.started + self.completed + self.published
    }

    /// Its section of the digest in `locale`.
    pub fn render(&self, ctx: &Context, locale: Locale) -> String {
        let mut lines = vec![locale.t("digest.units").to_string()];
        for (key, n) in [
            ("digest.new_ideas", self.ideas),
            ("digest.experiments_started", self.started),
            ("digest.experiments_completed", self.completed),
            ("digest.results_published", self.published),
        ] {
            if n > 0 {
                lines.push(format!("- {}", locale.tf(key, &[("n", &n.to_string())])));
            }
        }
        lines.push(format!(
            "{}: {}",
            locale.t("digest.see_results"),
            ctx.link("/experiments/results")
        ));
        lines.join("\n")
    }
}

/// Who reads unit news: active staff with a unit who have not switched it off.
pub fn readers(conn: &mut AnyConnection) -> AppResult<Vec<i64>> {
    readers_among(conn, None)
}

/// The readers of unit news, or only `person` if they are one.
fn readers_among(conn: &mut AnyConnection, person: Option<i64>) -> AppResult<Vec<i64>> {
    let mut q = people::table
        .inner_join(person_units::table)
        .filter(people::active.eq(true))
        .filter(people::kind.ne("customer"))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            prefs::table
                .filter(prefs::person_id.eq(people::id))
                .filter(prefs::kind.eq(Kind::UnitNews.as_str()))
                .filter(prefs::channel.ne("weekly")),
        )))
        .select(people::id)
        .distinct()
        .into_boxed();
    if let Some(person) = person {
        q = q.filter(people::id.eq(person));
    }
    Ok(q.load(conn)?)
}

/// The news of the person's units between `from` and `to`; None when they read none (not
/// staff, no unit, switched off) or nothing happened.
pub fn of_person(
    conn: &mut AnyConnection,
    person: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
    parents: &HashMap<i64, Option<i64>>,
) -> AppResult<Option<News>> {
    if readers_among(conn, Some(person))?.is_empty() {
        return Ok(None);
    }
    let mine: Vec<i64> = person_units::table
        .filter(person_units::person_id.eq(person))
        .select(person_units::unit_id)
        .load(conn)?;
    let units: Vec<i64> = parents
        .keys()
        .copied()
        .filter(|u| lineage_in(parents, *u).iter().any(|a| mine.contains(a)))
        .collect();
    if units.is_empty() {
        return Ok(None);
    }
    let new_ideas = ideas::table
        .filter(ideas::created_at.ge(from))
        .filter(ideas::created_at.lt(to))
        .filter(crate::domain::policy::ideas::in_circulation())
        .filter(
            ideas::id.eq_any(
                idea_units::table
                    .filter(idea_units::unit_id.eq_any(&units))
                    .select(idea_units::idea_id),
            ),
        )
        .count()
        .get_result::<i64>(conn)?;
    let in_units = experiments::unit_id.eq_any(&units);
    let started = experiments::table
        .filter(in_units.clone())
        .filter(experiments::started_at.ge(from))
        .filter(experiments::started_at.lt(to))
        .count()
        .get_result::<i64>(conn)?;
    let completed = experiments::table
        .filter(in_units)
        .filter(experiments::completed_at.ge(from))
        .filter(experiments::completed_at.lt(to))
        .count()
        .get_result::<i64>(conn)?;
    let published = events::table
        .filter(events::verb.eq("published"))
        .filter(events::object_type.eq("experiment"))
        .filter(events::created_at.ge(from))
        .filter(events::created_at.lt(to))
        .filter(
            events::object_id.eq_any(
                experiments::table
                    .filter(experiments::unit_id.eq_any(&units))
                    .filter(experiments::published.eq(true))
                    .select(experiments::id),
            ),
        )
        .count()
        .get_result::<i64>(conn)?;
    let news = News {
        ideas: new_ideas,
        started,
        completed,
        published,
    };
    Ok((news.total() > 0).then_some(news))
}
