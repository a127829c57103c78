//! Voting rounds: a panel's members mark the best and the worst of 3–30 ideas while the round
//! is open; results are counted from the marks, never kept as counters.

use super::{MemberRole, managing_standing, people_in, visible_standing};
use crate::db::AnyConnection;
use crate::db::schema::{ideas, panels, round_ideas, round_marks, voting_rounds};
use crate::domain::access::Actor;
use crate::domain::notifications::{self, Kind};
use crate::domain::policy::ideas::in_circulation;
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// The fewest ideas in a round.
pub const MIN_IDEAS: usize = 3;
/// The most ideas in a round.
pub const MAX_IDEAS: usize = 30;
/// The most marks of one side a member gives.
pub const MAX_MARKS: i32 = 10;

/// Where a round is in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    Upcoming,
    Open,
    Closed,
}

impl RoundState {
    /// The stored value and translation key.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Upcoming => "upcoming",
            RoundState::Open => "open",
            RoundState::Closed => "closed",
        }
    }

    fn at(now: NaiveDateTime, opens_at: NaiveDateTime, closes_at: NaiveDateTime) -> Self {
        if now < opens_at {
            RoundState::Upcoming
        } else if now < closes_at {
            RoundState::Open
        } else {
            RoundState::Closed
        }
    }
}

/// A new voting round.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    pub title: String,
    /// UTC, like every time in the API.
    #[serde(with = "crate::domain::utc")]
    pub opens_at: NaiveDateTime,
    /// UTC; after `opens_at` and in the future.
    #[serde(with = "crate::domain::utc")]
    pub closes_at: NaiveDateTime,
    /// Best marks per member (default 1).
    #[serde(default = "one")]
    pub best_marks: i32,
    /// Worst marks per member (default 1).
    #[serde(default = "one")]
    pub worst_marks: i32,
    /// Whether members see the results while the round is open (otherwise only after it closes).
    #[serde(default)]
    pub results_while_open: bool,
    /// The ideas to vote on, 3–30, in the order shown.
    pub idea_ids: Vec<i64>,
}

fn one() -> i32 {
    1
}

/// One idea on the ballot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundIdea {
    pub id: i64,
    pub title: String,
    pub proposal: String,
    /// The language it was written in.
    pub lang: String,
}

/// A member's marks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    #[serde(default)]
    pub best: Vec<i64>,
    #[serde(default)]
    pub worst: Vec<i64>,
}

/// A round in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundSummary {
    pub id: i64,
    pub panel_id: i64,
    pub title: String,
    #[serde(with = "crate::domain::utc")]
    pub opens_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub closes_at: NaiveDateTime,
    pub state: RoundState,
}

/// A round with its ideas and the caller's ballot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Round {
    pub id: i64,
    pub panel_id: i64,
    pub panel_name: String,
    pub title: String,
    #[serde(with = "crate::domain::utc")]
    pub opens_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub closes_at: NaiveDateTime,
    pub state: RoundState,
    pub best_marks: i32,
    pub worst_marks: i32,
    pub results_while_open: bool,
    pub ideas: Vec<RoundIdea>,
    /// The caller's marks so far.
    pub my_ballot: Ballot,
    /// Whether the caller may vote now (a member, while open).
    pub can_vote: bool,
    /// Whether the caller is a member who votes in this round at some point.
    pub is_voter: bool,
    /// Whether the caller may see the results now.
    pub can_see_results: bool,
    /// How many members have marked something.
    pub voters: i64,
}

/// One idea's standing in the results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultRow {
    /// 1 for the best; ideas with the same net score and best count share a rank.
    pub rank: i64,
    pub idea_id: i64,
    pub title: String,
    pub best: i64,
    pub worst: i64,
    /// Best minus worst.
    pub net: i64,
}

/// A round's results, ranked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Results {
    pub round_id: i64,
    pub title: String,
    pub state: RoundState,
    pub voters: i64,
    /// Marks given to ideas that were hidden by moderation since, and so left the results.
    pub withdrawn_marks: i64,
    pub rows: Vec<ResultRow>,
}

#[derive(Queryable)]
struct RoundRow {
    panel_id: i64,
    title: String,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
    best_marks: i32,
    worst_marks: i32,
    results_while_open: bool,
}

fn load(conn: &mut AnyConnection, id: i64) -> AppResult<RoundRow> {
    Ok(voting_rounds::table
        .find(id)
        .select((
            voting_rounds::panel_id,
            voting_rounds::title,
            voting_rounds::opens_at,
            voting_rounds::closes_at,
            voting_rounds::best_marks,
            voting_rounds::worst_marks,
            voting_rounds::results_while_open,
        ))
        .first(conn)?)
}

fn validate(conn: &mut AnyConnection, input: &RoundInput) -> AppResult<(String, Vec<i64>)> {
    let mut v = Validator::new();
    let title = v.text("title", &input.title, 3, 200);
    if input.closes_at <= input.opens_at {
        v.add("closes_at", "before_start");
    } else if input.closes_at <= crate::clock::now() {
        v.add("closes_at", "in_past");
    }
    let mut ids = Vec::new();
    for id in &input.idea_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    if !(MIN_IDEAS..=MAX_IDEAS).contains(&ids.len()) {
        v.add("idea_ids", "round_ideas_count");
    } else {
        let known = ideas::table
            .filter(ideas::id.eq_any(&ids))
            .filter(in_circulation())
            .count()
            .get_result::<i64>(conn)?;
        if known != ids.len() as i64 {
            v.add("idea_ids", "unknown");
        }
    }
    if !(1..=MAX_MARKS).contains(&input.best_marks) {
        v.add("best_marks", "marks_range");
    }
    if !(0..=MAX_MARKS).contains(&input.worst_marks) {
        v.add("worst_marks", "marks_range");
    }
    if !v.has("best_marks")
        && !v.has("worst_marks")
        && !v.has("idea_ids")
        && (input.best_marks + input.worst_marks) as usize > ids.len()
    {
        v.add("worst_marks", "too_many_marks");
    }
    v.finish()?;
    Ok((title, ids))
}

/// Opens a voting round on a panel (those who run it); members hear of it when it opens.
pub fn create(ctx: &Context, actor: &Actor, panel_id: i64, input: &RoundInput) -> AppResult<i64> {
    let id = ctx.db.transaction(|conn| {
        managing_standing(conn, actor, panel_id)?;
        let (title, idea_ids) = validate(conn, input)?;
        let id = diesel::insert_into(voting_rounds::table)
            .values((
                voting_rounds::panel_id.eq(panel_id),
                voting_rounds::title.eq(&title),
                voting_rounds::opens_at.eq(input.opens_at),
                voting_rounds::closes_at.eq(input.closes_at),
                voting_rounds::best_marks.eq(input.best_marks),
                voting_rounds::worst_marks.eq(input.worst_marks),
                voting_rounds::results_while_open.eq(input.results_while_open),
                voting_rounds::created_by.eq(actor.id),
                voting_rounds::created_at.eq(crate::clock::now()),
            ))
            .returning(voting_rounds::id)
            .get_result::<i64>(conn)?;
        for (position, idea) in idea_ids.iter().enumerate() {
            diesel::insert_into(round_ideas::table)
                .values((
                    round_ideas::round_id.eq(id),
                    round_ideas::idea_id.eq(idea),
                    round_ideas::position.eq(position as i32),
                ))
                .execute(conn)?;
        }
        events::record(
            conn,
            Some(actor.id),
            "round_created",
            "panel",
            panel_id,
            serde_json::json!({ "round_id": id }),
        )?;
        Ok(id)
    })?;
    // A round that is open already is announced now rather than at the next background check.
    announce_due(ctx)?;
    Ok(id)
}

/// The panel's rounds, newest first.
pub fn of_panel(conn: &mut AnyConnection, panel_id: i64) -> AppResult<Vec<RoundSummary>> {
    let now = crate::clock::now();
    Ok(voting_rounds::table
        .filter(voting_rounds::panel_id.eq(panel_id))
        .order(voting_rounds::id.desc())
        .select((
            voting_rounds::id,
            voting_rounds::title,
            voting_rounds::opens_at,
            voting_rounds::closes_at,
        ))
        .load::<(i64, String, NaiveDateTime, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, title, opens_at, closes_at)| RoundSummary {
            id,
            panel_id,
            title,
            opens_at,
            closes_at,
            state: RoundState::at(now, opens_at, closes_at),
        })
        .collect())
}

/// A panel's rounds (those who see the panel).
pub fn list(ctx: &Context, actor: &Actor, panel_id: i64) -> AppResult<Vec<RoundSummary>> {
    let mut conn = ctx.db.read()?;
    visible_standing(&mut conn, actor, panel_id)?;
    of_panel(&mut conn, panel_id)
}

/// The rounds open now in the person's panels.
pub fn open_for(conn: &mut AnyConnection, person_id: i64) -> AppResult<Vec<RoundSummary>> {
    let panel_ids = super::ids_of_person(conn, person_id)?;
    let now = crate::clock::now();
    Ok(voting_rounds::table
        .filter(voting_rounds::panel_id.eq_any(panel_ids))
        .filter(voting_rounds::opens_at.le(now))
        .filter(voting_rounds::closes_at.gt(now))
        .order(voting_rounds::closes_at)
        .select((
            voting_rounds::id,
            voting_rounds::panel_id,
            voting_rounds::title,
            voting_rounds::opens_at,
            voting_rounds::closes_at,
        ))
        .load::<(i64, i64, String, NaiveDateTime, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, panel_id, title, opens_at, closes_at)| RoundSummary {
            id,
            panel_id,
            title,
            opens_at,
            closes_at,
            state: RoundState::Open,
        })
        .collect())
}

fn voters(conn: &mut AnyConnection, id: i64) -> AppResult<i64> {
    Ok(round_marks::table
        .filter(round_marks::round_id.eq(id))
        .select(diesel::dsl::count(round_marks::person_id).aggregate_distinct())
        .first(conn)?)
}

/// A round the actor may see, with their ballot; a round of a panel they cannot see is 404.
pub fn get(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Round> {
    let mut conn = ctx.db.read()?;
    let r = load(&mut conn, id)?;
    let s = visible_standing(&mut conn, actor, r.panel_id)?;
    let state = RoundState::at(crate::clock::now(), r.opens_at, r.closes_at);
    let panel_name = panels::table
        .find(r.panel_id)
        .select(panels::name)
        .first::<String>(&mut conn)?;
    let ideas = round_ideas::table
        .inner_join(ideas::table)
        .filter(round_ideas::round_id.eq(id))
        .filter(in_circulation())
        .order(round_ideas::position)
        .select((ideas::id, ideas::title, ideas::proposal, ideas::lang))
        .load::<(i64, String, String, String)>(&mut conn)?
        .into_iter()
        .map(|(id, title, proposal, lang)| RoundIdea {
            id,
            title,
            proposal,
            lang,
        })
        .collect();
    let marks = round_marks::table
        .inner_join(ideas::table.on(ideas::id.eq(round_marks::idea_id)))
        .filter(round_marks::round_id.eq(id))
        .filter(round_marks::person_id.eq(actor.id))
        .filter(in_circulation())
        .order(round_marks::created_at)
        .select((round_marks::idea_id, round_marks::mark))
        .load::<(i64, String)>(&mut conn)?;
    let mut my_ballot = Ballot::default();
    for (idea, mark) in marks {
        if mark == "best" {
            my_ballot.best.push(idea);
        } else {
            my_ballot.worst.push(idea);
        }
    }
    let voters = voters(&mut conn, id)?;
    let can_see_results = sees_results(&s, &r, state);
    Ok(Round {
        id,
        panel_id: r.panel_id,
        panel_name,
        title: r.title,
        opens_at: r.opens_at,
        closes_at: r.closes_at,
        state,
        best_marks: r.best_marks,
        worst_marks: r.worst_marks,
        results_while_open: r.results_while_open,
        ideas,
        my_ballot,
        can_vote: s.is_member() && state == RoundState::Open,
        is_voter: s.is_member(),
        can_see_results,
        voters,
    })
}

/// Whether the reader sees the round's results now (the rule is in the policy).
fn sees_results(s: &super::Standing, r: &RoundRow, state: RoundState) -> bool {
    crate::domain::policy::panels::sees_results(
        s,
        state == RoundState::Open,
        state == RoundState::Closed,
        r.results_while_open,
    )
}

/// Saves a member's ballot, replacing their earlier marks; only while the round is open.
pub fn vote(ctx: &Context, actor: &Actor, id: i64, ballot: &Ballot) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        let r = load(conn, id)?;
        let s = visible_standing(conn, actor, r.panel_id)?;
        if !s.is_member() {
            return Err(AppError::Forbidden);
        }
        if RoundState::at(crate::clock::now(), r.opens_at, r.closes_at) != RoundState::Open {
            return Err(AppError::conflict("round_not_open", "the round is not open for voting"));
        }
        let on_ballot: Vec<i64> = round_ideas::table
            .inner_join(ideas::table)
            .filter(round_ideas::round_id.eq(id))
            .filter(in_circulation())
            .select(round_ideas::idea_id)
            .load(conn)?;
        let mut v = Validator::new();
        for (field, marks, max) in [
            ("best", &ballot.best, r.best_marks),
            ("worst", &ballot.worst, r.worst_marks),
        ] {
            let mut seen = Vec::new();
            for idea in marks {
                if !on_ballot.contains(idea) {
                    v.add(field, "not_in_round");
                } else if seen.contains(idea) {
                    v.add(field, "invalid_value");
                }
                seen.push(*idea);
            }
            if marks.len() > max as usize && !v.has(field) {
                v.add(field, "too_many_marks");
            }
        }
        if ballot.best.iter().any(|i| ballot.worst.contains(i)) && !v.has("worst") {
            v.add("worst", "best_and_worst");
        }
        v.finish()?;
        diesel::delete(
            round_marks::table
                .filter(round_marks::round_id.eq(id))
                .filter(round_marks::person_id.eq(actor.id)),
        )
        .execute(conn)?;
        let now = crate::clock::now();
        for (mark, ideas) in [("best", &ballot.best), ("worst", &ballot.worst)] {
            for idea in ideas {
                diesel::insert_into(round_marks::table)
                    .values((
                        round_marks::round_id.eq(id),
                        round_marks::person_id.eq(actor.id),
                        round_marks::idea_id.eq(idea),
                        round_marks::mark.eq(mark),
                        round_marks::created_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// The round's results, ranked by net score, then best marks, then title.
pub fn results(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Results> {
    let mut conn = ctx.db.read()?;
    let r = load(&mut conn, id)?;
    let s = visible_standing(&mut conn, actor, r.panel_id)?;
    let state = RoundState::at(crate::clock::now(), r.opens_at, r.closes_at);
    if !sees_results(&s, &r, state) {
        return Err(AppError::conflict(
            "results_hidden",
            "the results are shown to members when the round closes",
        ));
    }
    let ideas = round_ideas::table
        .inner_join(ideas::table)
        .filter(round_ideas::round_id.eq(id))
        .filter(in_circulation())
        .select((ideas::id, ideas::title))
        .load::<(i64, String)>(&mut conn)?;
    let counts = round_marks::table
        .filter(round_marks::round_id.eq(id))
        .group_by((round_marks::idea_id, round_marks::mark))
        .select((round_marks::idea_id, round_marks::mark, diesel::dsl::count_star()))
        .load::<(i64, String, i64)>(&mut conn)?;
    // Marks on ideas hidden since leave the results with them; the count says how many.
    let withdrawn_marks = counts
        .iter()
        .filter(|(idea, _, _)| !ideas.iter().any(|(i, _)| i == idea))
        .map(|(_, _, n)| n)
        .sum();
    let count_of = |idea: i64, mark: &str| {
        counts
            .iter()
            .find(|(i, m, _)| *i == idea && m == mark)
            .map_or(0, |(_, _, n)| *n)
    };
    let mut rows: Vec<ResultRow> = ideas
        .into_iter()
        .map(|(idea_id, title)| {
            let (best, worst) = (count_of(idea_id, "best"), count_of(idea_id, "worst"));
            ResultRow {
                rank: 0,
                idea_id,
                title,
                best,
                worst,
                net: best - worst,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.net.cmp(&a.net).then(b.best.cmp(&a.best)).then(a.title.cmp(&b.title)));
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && rows[i].net == rows[i - 1].net && rows[i].best == rows[i - 1].best {
            rows[i - 1].rank
        } else {
            i as i64 + 1
        };
    }
    Ok(Results {
        round_id: id,
        title: r.title,
        state,
        voters: voters(&mut conn, id)?,
        withdrawn_marks,
        rows,
    })
}

/// The results as CSV for spreadsheets in the reader's convention, headings in their language.
pub fn results_csv(results: &Results, locale: Locale) -> String {
    crate::spreadsheet::csv(&results_table(results, locale), locale)
}

/// A round's results as a spreadsheet table, headings in the reader's language.
pub fn results_table(results: &Results, locale: Locale) -> crate::spreadsheet::Table {
    use crate::spreadsheet::{Cell, Table};
    let headings: Vec<String> = ["rank", "idea_id", "title", "best", "worst", "net"]
        .map(|h| locale.t(&format!("round.csv_{h}")).to_string())
        .to_vec();
    let rows: Vec<Vec<Cell>> = results
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::int(r.rank),
                Cell::int(r.idea_id),
                Cell::text(r.title.clone()),
                Cell::int(r.best),
                Cell::int(r.worst),
                Cell::int(r.net),
            ]
        })
        .collect();
    Table { headings, rows }
}

/// Tells members of rounds that have opened and coordinators of rounds that have closed, once
/// each (claimed by a conditional update, so several instances never both send).
pub fn announce_due(ctx: &Context) -> AppResult<usize> {
    let now = crate::clock::now();
    let mut done = 0;
    let mut conn = ctx.db.write()?;
    let opened: Vec<(i64, i64, String)> = voting_rounds::table
        .filter(voting_rounds::opened_notified_at.is_null())
        .filter(voting_rounds::opens_at.le(now))
        .select((voting_rounds::id, voting_rounds::panel_id, voting_rounds::title))
        .load(&mut conn)?;
    drop(conn);
    for (id, panel_id, title) in opened {
        done += ctx.db.transaction(|conn| {
            let claimed = diesel::update(
                voting_rounds::table
                    .find(id)
                    .filter(voting_rounds::opened_notified_at.is_null()),
            )
            .set(voting_rounds::opened_notified_at.eq(now))
            .execute(conn)?;
            // A round created after its close is not announced as open.
            let closes_at = voting_rounds::table
                .find(id)
                .select(voting_rounds::closes_at)
                .first::<NaiveDateTime>(conn)?;
            if claimed == 1 && closes_at > now {
                let members = people_in(conn, panel_id, MemberRole::Member)?;
                notifications::notify(conn, ctx, &members, Kind::RoundOpened, id, &title)?;
            }
            Ok(claimed)
        })?;
    }
    let mut conn = ctx.db.write()?;
    let closed: Vec<(i64, i64, String)> = voting_rounds::table
        .filter(voting_rounds::closed_notified_at.is_null())
        .filter(voting_rounds::closes_at.le(now))
        .select((voting_rounds::id, voting_rounds::panel_id, voting_rounds::title))
        .load(&mut conn)?;
    drop(conn);
    for (id, panel_id, title) in closed {
        done += ctx.db.transaction(|conn| {
            let claimed = diesel::update(
                voting_rounds::table
                    .find(id)
                    .filter(voting_rounds::closed_notified_at.is_null()),
            )
            .set(voting_rounds::closed_notified_at.eq(now))
            .execute(conn)?;
            if claimed == 1 {
                let coordinators = people_in(conn, panel_id, MemberRole::Coordinator)?;
                notifications::notify(conn, ctx, &coordinators, Kind::RoundClosed, id, &title)?;
            }
            Ok(claimed)
        })?;
    }
    Ok(done)
}
