//! Browsing ideas: filters, search, four orders, keyset pagination.

use crate::db::backend;
use crate::db::schema::{idea_directions, idea_tags, idea_units, ideas, people, unit_municipalities};
use crate::domain::access::{Actor, PersonKind};
use crate::domain::validate::finnish_days;
use crate::domain::{Context, MAX_PAGE_SIZE, units};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::IdeaStatus;

/// The orders of the idea list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdeaSort {
    #[default]
    Newest,
    MostSupported,
    MostDiscussed,
    RecentlyActive,
}

/// Filters, search and paging of the idea list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IdeaFilter {
    /// Free text over title, problem, proposal and comments.
    pub q: Option<String>,
    /// Only these statuses (set by the domain, e.g. what a trustee's municipality view shows).
    #[serde(skip)]
    #[param(ignore)]
    pub statuses: Option<Vec<IdeaStatus>>,
    /// A unit, with its sub-units.
    pub unit: Option<i64>,
    pub direction: Option<i64>,
    /// Ideas of units serving this municipality.
    pub municipality: Option<i64>,
    pub status: Option<IdeaStatus>,
    /// A hashtag, with or without '#'.
    pub tag: Option<String>,
    pub campaign: Option<i64>,
    pub persona: Option<i64>,
    pub stage: Option<i64>,
    /// employee, customer or trustee.
    pub author_kind: Option<String>,
    /// Written on or after this day (Finnish time).
    pub from: Option<NaiveDate>,
    /// Written on or before this day (Finnish time).
    pub to: Option<NaiveDate>,
    pub sort: Option<IdeaSort>,
    /// The cursor from `next_after` of the previous page.
    pub after: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

/// An idea in lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IdeaSummary {
    pub id: i64,
    pub title: String,
    pub status: IdeaStatus,
    pub author_name: Option<String>,
    pub author_kind: String,
    pub support_count: i32,
    pub comment_count: i32,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub last_activity_at: NaiveDateTime,
    pub tags: Vec<String>,
    /// The language the idea was written in.
    pub lang: String,
}

/// One page of ideas with the cursor of the next.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IdeaPage {
    pub items: Vec<IdeaSummary>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<String>,
}

type Row = (
    i64,
    String,
    IdeaStatus,
    i64,
    String,
    PersonKind,
    i32,
    i32,
    NaiveDateTime,
    NaiveDateTime,
    String,
);

fn cursor_of(sort: IdeaSort, r: &IdeaSummary) -> String {
    match sort {
        IdeaSort::Newest => r.id.to_string(),
        IdeaSort::MostSupported => format!("{}_{}", r.support_count, r.id),
        IdeaSort::MostDiscussed => format!("{}_{}", r.comment_count, r.id),
        IdeaSort::RecentlyActive => format!("{}_{}", r.last_activity_at.and_utc().timestamp_micros(), r.id),
    }
}

fn parse_cursor(after: &str) -> AppResult<(i64, i64)> {
    let bad = || AppError::field("after", "invalid_value");
    match after.split_once('_') {
        None => after.parse().map(|id| (0, id)).map_err(|_| bad()),
        Some((k, id)) => Ok((k.parse().map_err(|_| bad())?, id.parse().map_err(|_| bad())?)),
    }
}

/// From this many ideas in the unit filter on, testing each idea beats collecting them.
const DENSE_UNIT_THRESHOLD: i64 = 2_000;

/// The ideas the actor may see, filtered, searched and ordered, one page at a time.
pub fn list(ctx: &Context, actor: &Actor, filter: &IdeaFilter) -> AppResult<IdeaPage> {
    let limit = filter.limit.unwrap_or(20).clamp(1, MAX_PAGE_SIZE);
    let sort = filter.sort.unwrap_or_default();
    let mut conn = ctx.db.read()?;
    let mut q = ideas::table
        .inner_join(people::table)
        .select((
            ideas::id,
            ideas::title,
            ideas::status,
            ideas::author_id,
            people::name,
            ideas::author_kind,
            ideas::support_count,
            ideas::comment_count,
            ideas::created_at,
            ideas::last_activity_at,
            ideas::lang,
        ))
        .filter(crate::domain::policy::ideas::listed(&mut conn, actor)?)
        .limit(limit + 1)
        .into_boxed();
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let ids = backend::search_ideas(&mut conn, text)?;
        q = q.filter(ideas::id.eq_any(ids));
    }
    let unit_set = match (filter.unit, filter.municipality) {
        (None, None) => None,
        (unit, municipality) => {
            // The same connection: a second one from the pool could wait forever under load.
            let mut set = match unit {
                Some(u) => units::subtree(&mut conn, u)?,
                None => Vec::new(),
            };
            if let Some(m) = municipality {
                let serving: Vec<i64> = unit_municipalities::table
                    .filter(unit_municipalities::municipality_id.eq(m))
                    .select(unit_municipalities::unit_id)
                    .load(&mut conn)?;
                set = if unit.is_some() {
                    set.into_iter().filter(|u| serving.contains(u)).collect()
                } else {
                    serving
                };
            }
            Some(set)
        }
    };
    if let Some(m) = filter.municipality {
        // An idea that names another municipality is not this one's, whatever its units serve.
        q = q.filter(ideas::municipality_id.is_null().or(ideas::municipality_id.eq(m)));
    }
    if let Some(set) = unit_set {
        // Many matching ideas: walk the ideas in order and test each (stops after a page).
        // Few: collect them first. Either way the work stays bounded by a page or the threshold.
        let many = idea_units::table
            .filter(idea_units::unit_id.eq_any(&set))
            .select(idea_units::idea_id)
            .limit(DENSE_UNIT_THRESHOLD)
            .load::<i64>(&mut conn)?
            .len() as i64
            >= DENSE_UNIT_THRESHOLD;
        q = if many {
            q.filter(diesel::dsl::exists(
                idea_units::table
                    .filter(idea_units::idea_id.eq(ideas::id))
                    .filter(idea_units::unit_id.eq_any(set)),
            ))
        } else {
            q.filter(
                ideas::id.eq_any(
                    idea_units::table
                        .filter(idea_units::unit_id.eq_any(set))
                        .select(idea_units::idea_id),
                ),
            )
        };
    }
    if let Some(d) = filter.direction {
        q = q.filter(
            ideas::id.eq_any(
                idea_directions::table
                    .filter(idea_directions::direction_id.eq(d))
                    .select(idea_directions::idea_id),
            ),
        );
    }
    if let Some(tag) = filter
        .tag
        .as_deref()
        .map(|t| t.trim().trim_start_matches('#').to_lowercase())
        .filter(|t| !t.is_empty())
    {
        q = q.filter(
            ideas::id.eq_any(
                idea_tags::table
                    .filter(idea_tags::tag.eq(tag))
                    .select(idea_tags::idea_id),
            ),
        );
    }
    if let Some(s) = filter.status {
        q = q.filter(ideas::status.eq(s.as_str()));
    }
    if let Some(list) = &filter.statuses {
        q = q.filter(ideas::status.eq_any(list.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if let Some(c) = filter.campaign {
        q = q.filter(ideas::campaign_id.eq(c));
    }
    if let Some(p) = filter.persona {
        q = q.filter(ideas::persona_id.eq(p));
    }
    if let Some(s) = filter.stage {
        q = q.filter(ideas::stage_id.eq(s));
    }
    if let Some(k) = filter.author_kind.as_deref().filter(|k| !k.is_empty()) {
        if PersonKind::parse(k).is_none() {
            return Err(AppError::field("author_kind", "invalid_choice"));
        }
        q = q.filter(ideas::author_kind.eq(k.to_string()));
    }
    let (start, end) = finnish_days(filter.from, filter.to, "to")?;
    if let Some(start) = start {
        q = q.filter(ideas::created_at.ge(start));
    }
    if let Some(end) = end {
        q = q.filter(ideas::created_at.lt(end));
    }
    let cursor = filter
        .after
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(parse_cursor)
        .transpose()?;
    q = match sort {
        IdeaSort::Newest => {
            if let Some((_, id)) = cursor {
                q = q.filter(ideas::id.lt(id));
            }
            q.order(ideas::id.desc())
        }
        IdeaSort::MostSupported => {
            if let Some((k, id)) = cursor {
                let k = k as i32;
                q = q.filter(
                    ideas::support_count
                        .lt(k)
                        .or(ideas::support_count.eq(k).and(ideas::id.lt(id))),
                );
            }
            q.order((ideas::support_count.desc(), ideas::id.desc()))
        }
        IdeaSort::MostDiscussed => {
            if let Some((k, id)) = cursor {
                let k = k as i32;
                q = q.filter(
                    ideas::comment_count
                        .lt(k)
                        .or(ideas::comment_count.eq(k).and(ideas::id.lt(id))),
                );
            }
            q.order((ideas::comment_count.desc(), ideas::id.desc()))
        }
        IdeaSort::RecentlyActive => {
            if let Some((k, id)) = cursor {
                let at = chrono::DateTime::from_timestamp_micros(k)
                    .map(|t| t.naive_utc())
                    .unwrap_or_default();
                q = q.filter(
                    ideas::last_activity_at
                        .lt(at)
                        .or(ideas::last_activity_at.eq(at).and(ideas::id.lt(id))),
                );
            }
            q.order((ideas::last_activity_at.desc(), ideas::id.desc()))
        }
    };
    let rows: Vec<Row> = q.load(&mut conn)?;
    let more = rows.len() as i64 > limit;
    let ids: Vec<i64> = rows.iter().take(limit as usize).map(|r| r.0).collect();
    let tags: Vec<(i64, String)> = idea_tags::table
        .filter(idea_tags::idea_id.eq_any(&ids))
        .order(idea_tags::tag)
        .select((idea_tags::idea_id, idea_tags::tag))
        .load(&mut conn)?;
    let items: Vec<IdeaSummary> = rows
        .into_iter()
        .take(limit as usize)
        .map(
            |(
                id,
                title,
                status,
                author_id,
                name,
                author_kind,
                support_count,
                comment_count,
                created_at,
                last_activity_at,
                lang,
            )| {
                let show_name = crate::domain::policy::shows_name(actor, author_kind, author_id == actor.id);
                IdeaSummary {
                    id,
                    title,
                    status,
                    author_name: show_name.then_some(name),
                    author_kind: author_kind.as_str().to_string(),
                    support_count,
                    comment_count,
                    created_at,
                    last_activity_at,
                    tags: tags.iter().filter(|(i, _)| *i == id).map(|(_, t)| t.clone()).collect(),
                    lang,
                }
            },
        )
        .collect();
    let next_after = if more {
        items.last().map(|r| cursor_of(sort, r))
    } else {
        None
    };
    Ok(IdeaPage { items, next_after })
}

/// Ideas similar to a title being typed (the duplicate hint): those sharing the most of its
/// longer words, at most five, among the ideas the actor may see.
pub fn similar(ctx: &Context, actor: &Actor, title: &str) -> AppResult<Vec<IdeaSummary>> {
    let mut words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words.truncate(4);
    let mut scored: Vec<(usize, IdeaSummary)> = Vec::new();
    for word in words {
        let filter = IdeaFilter {
            q: Some(word.to_string()),
            limit: Some(10),
            ..Default::default()
        };
        for idea in list(ctx, actor, &filter)?.items {
            match scored.iter_mut().find(|(_, s)| s.id == idea.id) {
                Some((n, _)) => *n += 1,
                None => scored.push((1, idea)),
            }
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
    Ok(scored.into_iter().take(5).map(|(_, i)| i).collect())
}
