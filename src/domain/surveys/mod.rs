//! Staff pulse surveys (henkilöstökysely): how development shows in the work community.
//! Managers open a survey with Likert statements; employees answer once, anonymously: an answer
//! only adds to counts per unit, statement and value, and who answered is kept apart. Results
//! show after the survey closes, only for groups where at least `MIN_RESPONDENTS` answered and
//! nothing smaller can be derived from them (`anonymity`).

mod anonymity;
mod results;

pub use results::{GroupResult, StatementResult, SurveyResults, results};

use super::access::Actor;
use super::people::UnitRef;
use super::scope::Scope;
use super::validate::Validator;
use super::{Context, events, units};
use crate::db::AnyConnection;
use crate::db::schema::{
    survey_respondents, survey_statements, survey_tallies, survey_unit_counts, surveys, units as units_t,
};
use crate::error::{AppError, AppResult};
use crate::i18n::{finnish_time, from_finnish_time};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// Results show for a group only when at least this many answered.
pub const MIN_RESPONDENTS: i64 = 5;
/// The most statements in a survey.
pub const MAX_STATEMENTS: usize = 20;
use super::policy::surveys::{self as policy, NO_UNIT};

/// A survey to open.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyInput {
    pub title: String,
    /// Whose employees answer: a unit and its sub-units; absent for the whole organisation.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// First day of answering (Finnish time).
    pub opens_on: NaiveDate,
    /// Last day of answering (Finnish time).
    pub closes_on: NaiveDate,
    /// Likert statements (1 = strongly disagree … 5 = strongly agree), in order.
    pub statements: Vec<String>,
}

/// Where a survey is in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SurveyState {
    Upcoming,
    Open,
    Closed,
}

impl SurveyState {
    /// The stored value and translation key.
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyState::Upcoming => "upcoming",
            SurveyState::Open => "open",
            SurveyState::Closed => "closed",
        }
    }
}

/// One statement.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Statement {
    pub id: i64,
    pub text: String,
}

/// A survey as its pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Survey {
    pub id: i64,
    pub title: String,
    /// Absent: the whole organisation.
    pub unit: Option<UnitRef>,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub state: SurveyState,
    pub statements: Vec<Statement>,
    /// How many have answered in all, once the survey has closed; absent while open, and when
    /// the total could reveal a group too small to show.
    pub respondents: Option<i64>,
    /// Whether the caller has answered.
    pub answered: bool,
    /// Whether the caller may answer now.
    pub can_answer: bool,
    /// Whether the caller may read the results.
    pub can_see_results: bool,
}

#[derive(Queryable)]
struct SurveyRow {
    id: i64,
    title: String,
    unit_id: Option<i64>,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
}

fn load(conn: &mut AnyConnection, id: i64) -> AppResult<SurveyRow> {
    Ok(surveys::table
        .find(id)
        .select((
            surveys::id,
            surveys::title,
            surveys::unit_id,
            surveys::opens_at,
            surveys::closes_at,
        ))
        .first(conn)?)
}

fn state(r: &SurveyRow) -> SurveyState {
    let now = crate::clock::now();
    if now < r.opens_at {
        SurveyState::Upcoming
    } else if now < r.closes_at {
        SurveyState::Open
    } else {
        SurveyState::Closed
    }
}

fn answering_unit(conn: &mut AnyConnection, actor: &Actor, r: &SurveyRow) -> AppResult<Option<i64>> {
    policy::answering_unit(conn, actor, r.unit_id)
}

fn reads_results(conn: &mut AnyConnection, actor: &Actor, r: &SurveyRow) -> AppResult<bool> {
    policy::reads_results(conn, actor, r.unit_id)
}

fn view(conn: &mut AnyConnection, actor: &Actor, r: SurveyRow) -> AppResult<Survey> {
    let unit = match r.unit_id {
        Some(u) => Some(UnitRef {
            id: u,
            name: units_t::table.find(u).select(units_t::name).first(conn)?,
        }),
        None => None,
    };
    let statements = survey_statements::table
        .filter(survey_statements::survey_id.eq(r.id))
        .order(survey_statements::position)
        .select((survey_statements::id, survey_statements::text))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, text)| Statement { id, text })
        .collect();
    let state = state(&r);
    // No count while open: a total read before the close, beside the groups shown after it,
    // could tell how many answered in a hidden group.
    let respondents = match state {
        SurveyState::Closed => results::everyone_shown(conn, r.id)?,
        _ => None,
    };
    let answered = survey_respondents::table
        .find((r.id, actor.id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let can_answer = !answered && state == SurveyState::Open && answering_unit(conn, actor, &r)?.is_some();
    let can_see_results = reads_results(conn, actor, &r)?;
    Ok(Survey {
        id: r.id,
        title: r.title,
        unit,
        opens_on: finnish_time(r.opens_at).date(),
        closes_on: (finnish_time(r.closes_at) - chrono::Duration::days(1)).date(),
        state,
        statements,
        respondents,
        answered,
        can_answer,
        can_see_results,
    })
}

/// Opens a survey (managers, within their scope); every statement and unit starts at zero.
pub fn create(ctx: &Context, actor: &Actor, input: &SurveyInput) -> AppResult<i64> {
    let scope = Scope::of(actor)?;
    if !super::policy::capabilities(actor).open_surveys {
        return Err(AppError::Forbidden);
    }
    let mut v = Validator::new();
    let title = v.text("title", &input.title, 3, 200);
    if input.closes_on < input.opens_on {
        v.add("closes_on", "before_start");
    }
    let statements: Vec<String> = input
        .statements
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if statements.is_empty() {
        v.add("statements", "required");
    } else if statements.len() > MAX_STATEMENTS {
        v.add("statements", "too_many");
    } else if statements
        .iter()
        .any(|s| s.chars().count() > 300 || s.chars().any(char::is_control))
    {
        v.add("statements", "too_long");
    }
    ctx.db.transaction(|conn| {
        if let Some(u) = input.unit_id {
            let exists = units_t::table.find(u).count().get_result::<i64>(conn)? > 0;
            if !exists {
                v.add("unit_id", "unknown");
            }
        }
        if !scope.covers(conn, input.unit_id)? {
            v.add("unit_id", "outside_scope");
        }
        v.finish()?;
        let opens_at = from_finnish_time(input.opens_on.and_hms_opt(0, 0, 0).unwrap_or_default());
        let closes_at = from_finnish_time(
            (input.closes_on + chrono::Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default(),
        );
        let id = diesel::insert_into(surveys::table)
            .values((
                surveys::title.eq(&title),
                surveys::unit_id.eq(input.unit_id),
                surveys::opens_at.eq(opens_at),
                surveys::closes_at.eq(closes_at),
                surveys::created_by.eq(actor.id),
                surveys::created_at.eq(crate::clock::now()),
            ))
            .returning(surveys::id)
            .get_result::<i64>(conn)?;
        let mut statement_ids = Vec::new();
        for (position, text) in statements.iter().enumerate() {
            statement_ids.push(
                diesel::insert_into(survey_statements::table)
                    .values((
                        survey_statements::survey_id.eq(id),
                        survey_statements::position.eq(position as i32),
                        survey_statements::text.eq(text),
                    ))
                    .returning(survey_statements::id)
                    .get_result::<i64>(conn)?,
            );
        }
        let parents = units::parents(conn)?;
        let mut unit_ids = match input.unit_id {
            Some(u) => units::subtree(conn, u)?,
            None => parents.keys().copied().collect(),
        };
        if input.unit_id.is_none() {
            unit_ids.push(NO_UNIT);
        }
        for unit in unit_ids {
            // The surveyed unit is the top of the survey's tree.
            let parent = parents
                .get(&unit)
                .copied()
                .flatten()
                .filter(|_| Some(unit) != input.unit_id);
            zero_counts(conn, id, unit, parent, &statement_ids)?;
        }
        events::record(
            conn,
            Some(actor.id),
            "survey_opened",
            "survey",
            id,
            serde_json::json!({ "title": title }),
        )?;
        Ok(id)
    })
}

/// The zero rows an answer adds to (answers then only ever update counts).
fn zero_counts(
    conn: &mut AnyConnection,
    survey: i64,
    unit: i64,
    parent: Option<i64>,
    statements: &[i64],
) -> AppResult<()> {
    diesel::insert_into(survey_unit_counts::table)
        .values((
            survey_unit_counts::survey_id.eq(survey),
            survey_unit_counts::unit_id.eq(unit),
            survey_unit_counts::parent_id.eq(parent),
        ))
        .execute(conn)?;
    for statement in statements {
        for value in 1..=5 {
            diesel::insert_into(survey_tallies::table)
                .values((
                    survey_tallies::survey_id.eq(survey),
                    survey_tallies::unit_id.eq(unit),
                    survey_tallies::statement_id.eq(statement),
                    survey_tallies::value.eq(value),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Surveys the actor may see, newest first: those who read results see their scope's, employees
/// the surveys meant for them.
pub fn list(ctx: &Context, actor: &Actor) -> AppResult<Vec<Survey>> {
    policy::require_list(actor)?;
    let mut conn = ctx.db.read()?;
    let rows: Vec<SurveyRow> = surveys::table
        .order(surveys::id.desc())
        .limit(100)
        .select((
            surveys::id,
            surveys::title,
            surveys::unit_id,
            surveys::opens_at,
            surveys::closes_at,
        ))
        .load(&mut conn)?;
    let mut out = Vec::new();
    for r in rows {
        if reads_results(&mut conn, actor, &r)? || answering_unit(&mut conn, actor, &r)?.is_some() {
            out.push(view(&mut conn, actor, r)?);
        }
    }
    Ok(out)
}

/// One survey, for those it is meant for and those who read its results; others get 404.
pub fn get(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Survey> {
    let mut conn = ctx.db.read()?;
    let r = load(&mut conn, id)?;
    if !reads_results(&mut conn, actor, &r)? && answering_unit(&mut conn, actor, &r)?.is_none() {
        return Err(AppError::NotFound);
    }
    view(&mut conn, actor, r)
}

/// One statement's answer.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub statement_id: i64,
    /// 1 (strongly disagree) to 5 (strongly agree).
    pub value: i32,
}

/// A respondent's answers, one per statement.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub answers: Vec<Answer>,
}

/// Records an employee's answers, once, while the survey is open. Only counts change; the
/// respondent is recorded apart, so nobody can tell who answered what.
pub fn answer(ctx: &Context, actor: &Actor, id: i64, input: &Answers) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        // Answers to one survey one at a time: two first answers from a new unit would both
        // add its zero rows.
        crate::db::lock_key(conn, &format!("survey:{id}"))?;
        let r = load(conn, id)?;
        let Some(unit) = answering_unit(conn, actor, &r)? else {
            return Err(if reads_results(conn, actor, &r)? {
                AppError::Forbidden
            } else {
                AppError::NotFound
            });
        };
        if state(&r) != SurveyState::Open {
            return Err(AppError::conflict("survey_not_open", "the survey is not open"));
        }
        let already = survey_respondents::table
            .find((id, actor.id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if already {
            return Err(AppError::conflict("already_answered", "you have already answered"));
        }
        let statements: Vec<i64> = survey_statements::table
            .filter(survey_statements::survey_id.eq(id))
            .order(survey_statements::position)
            .select(survey_statements::id)
            .load(conn)?;
        let mut v = Validator::new();
        for s in &statements {
            let given: Vec<&Answer> = input.answers.iter().filter(|a| a.statement_id == *s).collect();
            let field = format!("statement_{s}");
            match given.as_slice() {
                [] => v.add(&field, "required"),
                [a] if !(1..=5).contains(&a.value) => v.add(&field, "likert_range"),
                [_] => {}
                _ => v.add(&field, "invalid_value"),
            }
        }
        if input.answers.iter().any(|a| !statements.contains(&a.statement_id)) {
            v.add("answers", "unknown");
        }
        v.finish()?;
        diesel::insert_into(survey_respondents::table)
            .values((
                survey_respondents::survey_id.eq(id),
                survey_respondents::person_id.eq(actor.id),
            ))
            .execute(conn)?;
        let counted = diesel::update(survey_unit_counts::table.find((id, unit)))
            .set(survey_unit_counts::respondents.eq(survey_unit_counts::respondents + 1))
            .execute(conn)?;
        if counted == 0 {
            // A unit created after the survey opened joins the survey's tree under its nearest
            // ancestor that is in it (at the top when none is).
            let in_survey: Vec<i64> = survey_unit_counts::table
                .filter(survey_unit_counts::survey_id.eq(id))
                .select(survey_unit_counts::unit_id)
                .load(conn)?;
            let parent = units::lineage(conn, unit)?
                .into_iter()
                .skip(1)
                .find(|a| in_survey.contains(a));
            zero_counts(conn, id, unit, parent, &statements)?;
            diesel::update(survey_unit_counts::table.find((id, unit)))
                .set(survey_unit_counts::respondents.eq(survey_unit_counts::respondents + 1))
                .execute(conn)?;
        }
        for a in &input.answers {
            diesel::update(survey_tallies::table.find((id, unit, a.statement_id, a.value)))
                .set(survey_tallies::answers.eq(survey_tallies::answers + 1))
                .execute(conn)?;
        }
        Ok(())
    })
}
