//! Reading the showcase: only public items, only their public fields.

use super::{
    Choice, Front, PublicExperiment, PublicExperimentSummary, PublicIdea, PublicIdeaSummary, PublicIndicator,
    PublicReport, ShowcaseFilter, YearFigures, shorten,
};
use crate::db::schema::{
    adoptions, directions, experiment_directions, experiment_ideas, experiments, idea_directions, idea_units, ideas,
    indicators, municipalities, people, result_reports, unit_municipalities, units,
};
use crate::db::{AnyConnection, backend};
use crate::domain::access::{Actor, PersonKind};
use crate::domain::experiments::ExperimentStatus;
use crate::domain::ideas::IdeaStatus;
use crate::domain::policy::showcase::{self as rule, Public};
use crate::domain::{Context, dashboard};
use crate::error::{AppError, AppResult};
use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use std::time::{Duration, Instant};

/// How many of each kind the front page lists.
const LIST_SIZE: i64 = 12;
/// How long the year's figures are reused (they count the whole organisation).
const FIGURES_FOR: Duration = Duration::from_secs(60);
/// The length of a list entry's summary.
const SUMMARY_CHARS: usize = 220;

type ExperimentRow = (
    i64,
    String,
    String,
    ExperimentStatus,
    i64,
    String,
    NaiveDateTime,
    NaiveDateTime,
    String,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

/// The columns of an `ExperimentRow`, over experiments joined with their unit.
macro_rules! experiment_row {
    () => {
        (
            experiments::id,
            experiments::title,
            experiments::lang,
            experiments::status,
            experiments::unit_id,
            units::name,
            experiments::starts_at,
            experiments::ends_at,
            experiments::what_tried,
            experiments::public_at,
            experiments::updated_at,
        )
    };
}

/// The units a filter leaves, or None for all.
fn unit_set(conn: &mut AnyConnection, filter: &ShowcaseFilter) -> AppResult<Option<Vec<i64>>> {
    let mut set: Option<Vec<i64>> = None;
    if let Some(area) = filter.service_area {
        set = Some(crate::domain::units::subtree(conn, area)?);
    }
    if let Some(m) = filter.municipality {
        let serving: Vec<i64> = unit_municipalities::table
            .filter(unit_municipalities::municipality_id.eq(m))
            .select(unit_municipalities::unit_id)
            .load(conn)?;
        set = Some(match set {
            Some(s) => s.into_iter().filter(|u| serving.contains(u)).collect(),
            None => serving,
        });
    }
    Ok(set)
}

fn experiment_summaries(
    conn: &mut AnyConnection,
    filter: &ShowcaseFilter,
    statuses: &[ExperimentStatus],
) -> AppResult<Vec<PublicExperimentSummary>> {
    let mut q = experiments::table
        .inner_join(units::table)
        .filter(rule::public_experiments())
        .filter(experiments::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()))
        .select(experiment_row!())
        .order(experiments::public_at.desc())
        .then_order_by(experiments::id.desc())
        .limit(LIST_SIZE)
        .into_boxed();
    if let Some(set) = unit_set(conn, filter)? {
        q = q.filter(experiments::unit_id.eq_any(set));
    }
    if let Some(d) = filter.direction {
        q = q.filter(
            experiments::id.eq_any(
                experiment_directions::table
                    .filter(experiment_directions::direction_id.eq(d))
                    .select(experiment_directions::experiment_id),
            ),
        );
    }
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(experiments::id.eq_any(backend::search_experiments(conn, text)?));
    }
    let rows: Vec<ExperimentRow> = q.load(conn)?;
    summaries_of(conn, rows)
}

fn summaries_of(conn: &mut AnyConnection, rows: Vec<ExperimentRow>) -> AppResult<Vec<PublicExperimentSummary>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let learned: Vec<(i64, String)> = result_reports::table
        .filter(result_reports::experiment_id.eq_any(&ids))
        .select((result_reports::experiment_id, result_reports::what_we_learned))
        .load(conn)?;
    let unit_ids: Vec<i64> = rows.iter().map(|r| r.4).collect();
    let served: Vec<(i64, String)> = unit_municipalities::table
        .inner_join(municipalities::table)
        .filter(unit_municipalities::unit_id.eq_any(&unit_ids))
        .order(municipalities::name)
        .select((unit_municipalities::unit_id, municipalities::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, title, lang, status, unit_id, unit_name, starts, ends, what_tried, public_at, updated_at)| {
                let text = learned
                    .iter()
                    .find(|(e, t)| *e == id && !t.trim().is_empty())
                    .map(|(_, t)| t.as_str())
                    .unwrap_or(&what_tried);
                PublicExperimentSummary {
                    id,
                    title,
                    lang,
                    status,
                    unit_name,
                    municipalities: served
                        .iter()
                        .filter(|(u, _)| *u == unit_id)
                        .map(|(_, m)| m.clone())
                        .collect(),
                    starts_on: starts.date(),
                    ends_on: ends.date(),
                    summary: shorten(text, SUMMARY_CHARS),
                    public_at: public_at.unwrap_or(updated_at),
                    updated_at,
                }
            },
        )
        .collect())
}

fn idea_summaries(conn: &mut AnyConnection, filter: &ShowcaseFilter) -> AppResult<Vec<PublicIdeaSummary>> {
    let mut q = ideas::table
        .filter(rule::public_ideas())
        .select((
            ideas::id,
            ideas::title,
            ideas::lang,
            ideas::status,
            ideas::proposal,
            ideas::public_at,
            ideas::updated_at,
        ))
        .order(ideas::public_at.desc())
        .then_order_by(ideas::id.desc())
        .limit(LIST_SIZE)
        .into_boxed();
    if let Some(set) = unit_set(conn, filter)? {
        q = q.filter(
            ideas::id.eq_any(
                idea_units::table
                    .filter(idea_units::unit_id.eq_any(set))
                    .select(idea_units::idea_id),
            ),
        );
    }
    if let Some(m) = filter.municipality {
        q = q.filter(ideas::municipality_id.is_null().or(ideas::municipality_id.eq(m)));
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
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(ideas::id.eq_any(backend::search_ideas(conn, text)?));
    }
    type Row = (
        i64,
        String,
        String,
        IdeaStatus,
        String,
        Option<NaiveDateTime>,
        NaiveDateTime,
    );
    Ok(q.load::<Row>(conn)?
        .into_iter()
        .map(
            |(id, title, lang, status, proposal, public_at, updated_at)| PublicIdeaSummary {
                id,
                title,
                lang,
                status,
                summary: shorten(&proposal, SUMMARY_CHARS),
                public_at: public_at.unwrap_or(updated_at),
                updated_at,
            },
        )
        .collect())
}

/// The year's figures for the whole organisation (or one municipality), reused for a minute.
/// Counted by one request at a time: the others wait for it and reuse its figures, instead of
/// all counting at once when the minute is up (the count takes tens of milliseconds at scale).
fn year_figures(ctx: &Context, municipality: Option<i64>) -> AppResult<YearFigures> {
    let mut cache = ctx
        .showcase_figures
        .lock()
        .map_err(|_| AppError::Internal("the showcase's figures cache is poisoned".into()))?;
    if let Some((at, figures)) = cache.get(&municipality)
        && at.elapsed() < FIGURES_FOR
    {
        return Ok(figures.clone());
    }
    let today = crate::clock::today();
    let d = dashboard::organisation_figures(
        ctx,
        &dashboard::DashboardFilter {
            from: crate::clock::year_start(today),
            to: today,
            unit: None,
            direction: None,
            municipality,
        },
    )?;
    let step = |name: &str| {
        d.experiment_funnel
            .iter()
            .find(|s| s.step == name)
            .map_or(0, |s| s.count)
    };
    let figures = YearFigures {
        year: today.year(),
        ideas_written: d.ideas.total,
        experiments_completed: step("completed"),
        experiments_adopted: step("adopted"),
        units_taking_part: d
            .units
            .iter()
            .filter(|u| u.ideas + u.observations + u.experiments_submitted > 0)
            .count() as i64,
    };
    cache.insert(municipality, (Instant::now(), figures.clone()));
    Ok(figures)
}

/// The showcase's front page: latest results, running experiments and public ideas, filtered,
/// with the year in numbers and the filters' choices.
pub fn front(ctx: &Context, filter: &ShowcaseFilter) -> AppResult<Front> {
    super::require_on(ctx)?;
    let figures = year_figures(ctx, filter.municipality)?;
    let mut conn = ctx.db.read()?;
    let conn = &mut conn;
    let results = experiment_summaries(
        conn,
        filter,
        &[
            ExperimentStatus::Completed,
            ExperimentStatus::Adopted,
            ExperimentStatus::NotAdopted,
        ],
    )?;
    let running = experiment_summaries(conn, filter, &[ExperimentStatus::Running])?;
    let ideas = idea_summaries(conn, filter)?;
    let choice = |(id, name): (i64, String)| Choice { id, name };
    let municipalities = municipalities::table
        .filter(municipalities::active.eq(true))
        .order(municipalities::name)
        .select((municipalities::id, municipalities::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(choice)
        .collect();
    let service_areas = units::table
        .filter(units::parent_id.is_null())
        .filter(units::active.eq(true))
        .order(units::name)
        .select((units::id, units::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(choice)
        .collect();
    let directions = directions::table
        .order((directions::year.desc(), directions::name))
        .select((directions::id, directions::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(choice)
        .collect();
    let updated_at = results
        .iter()
        .chain(&running)
        .map(|e| e.updated_at.max(e.public_at))
        .chain(ideas.iter().map(|i| i.updated_at.max(i.public_at)))
        .max();
    Ok(Front {
        results,
        running,
        ideas,
        figures,
        municipalities,
        service_areas,
        directions,
        updated_at,
    })
}

/// A public experiment's page: 404 if it never was public, 410 if it was withdrawn.
pub fn experiment(ctx: &Context, id: i64) -> AppResult<PublicExperiment> {
    super::require_on(ctx)?;
    let mut conn = ctx.db.read()?;
    let (public_at, withdrawn, status) = experiments::table
        .find(id)
        .select((
            experiments::public_at,
            experiments::public_withdrawn_at,
            experiments::status,
        ))
        .first::<(Option<NaiveDateTime>, Option<NaiveDateTime>, ExperimentStatus)>(&mut conn)?;
    match rule::experiment(public_at, withdrawn, status) {
        Public::Shown => experiment_view(&mut conn, id),
        Public::Withdrawn => Err(AppError::Gone),
        Public::Never => Err(AppError::NotFound),
    }
}

/// An experiment exactly as the public would see it, for the one about to make it public.
pub fn preview_experiment(ctx: &Context, actor: &Actor, id: i64) -> AppResult<PublicExperiment> {
    let view = crate::domain::experiments::get(ctx, actor, id)?;
    if !view.can.show_publicly {
        return Err(AppError::Forbidden);
    }
    let mut conn = ctx.db.read()?;
    experiment_view(&mut conn, id)
}

fn experiment_view(conn: &mut AnyConnection, id: i64) -> AppResult<PublicExperiment> {
    let row: ExperimentRow = experiments::table
        .inner_join(units::table)
        .filter(experiments::id.eq(id))
        .select(experiment_row!())
        .first(conn)?;
    let unit_id = row.4;
    let summary = summaries_of(conn, vec![row])?.pop().ok_or(AppError::NotFound)?;
    let (hypothesis, what_tried, customer_involvement, budget_cents, owner_id) = experiments::table
        .find(id)
        .select((
            experiments::hypothesis,
            experiments::what_tried,
            experiments::customer_involvement,
            experiments::budget_cents,
            experiments::owner_id,
        ))
        .first::<(String, String, String, i64, i64)>(conn)?;
    let public_budget = units::table
        .find(unit_id)
        .select(units::public_budget)
        .first::<bool>(conn)?;
    let (owner_name, owner_consents) = people::table
        .find(owner_id)
        .select((people::name, people::public_name))
        .first::<(String, bool)>(conn)?;
    let indicators = indicators::table
        .filter(indicators::experiment_id.eq(id))
        .order(indicators::position)
        .select((
            indicators::name,
            indicators::measure,
            indicators::baseline,
            indicators::target,
            indicators::actual,
        ))
        .load::<(String, String, f64, f64, Option<f64>)>(conn)?
        .into_iter()
        .map(|(name, measure, baseline, target, actual)| PublicIndicator {
            name,
            measure,
            baseline,
            target,
            actual,
        })
        .collect();
    let report = result_reports::table
        .find(id)
        .select((
            result_reports::what_we_did,
            result_reports::what_made_us_dare,
            result_reports::where_we_succeeded,
            result_reports::what_we_would_change,
            result_reports::what_we_learned,
            result_reports::operational_impact,
            result_reports::customer_feedback,
        ))
        .first::<(String, String, String, String, String, String, String)>(conn)
        .optional()?
        .filter(|_| summary.status != ExperimentStatus::Running)
        .map(|(a, b, c, d, e, f, g)| PublicReport {
            what_we_did: a,
            what_made_us_dare: b,
            where_we_succeeded: c,
            what_we_would_change: d,
            what_we_learned: e,
            operational_impact: f,
            customer_feedback: g,
        });
    let adopted_by = adoptions::table
        .inner_join(units::table)
        .filter(adoptions::experiment_id.eq(id))
        .order(adoptions::adopted_on)
        .select(units::name)
        .load::<String>(conn)?;
    let ideas = experiment_ideas::table
        .inner_join(ideas::table)
        .filter(experiment_ideas::experiment_id.eq(id))
        .filter(rule::public_ideas())
        .select((ideas::id, ideas::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| Choice { id, name })
        .collect();
    Ok(PublicExperiment {
        summary,
        hypothesis,
        what_tried,
        customer_involvement,
        indicators,
        report,
        adopted_by,
        contact: owner_consents.then_some(owner_name),
        budget: (public_budget && budget_cents > 0).then_some(budget_cents as f64 / 100.0),
        ideas,
    })
}

/// A public idea's page: 404 if it never was public, 410 if it was withdrawn or hidden.
pub fn idea(ctx: &Context, id: i64) -> AppResult<PublicIdea> {
    super::require_on(ctx)?;
    let mut conn = ctx.db.read()?;
    let (public_at, withdrawn, hidden) = ideas::table
        .find(id)
        .select((ideas::public_at, ideas::public_withdrawn_at, ideas::hidden))
        .first::<(Option<NaiveDateTime>, Option<NaiveDateTime>, bool)>(&mut conn)?;
    match rule::idea(public_at, withdrawn, hidden) {
        Public::Shown => idea_view(&mut conn, id),
        Public::Withdrawn => Err(AppError::Gone),
        Public::Never => Err(AppError::NotFound),
    }
}

/// An idea exactly as the public would see it, for the one about to make it public.
pub fn preview_idea(ctx: &Context, actor: &Actor, id: i64) -> AppResult<PublicIdea> {
    let mut conn = ctx.db.read()?;
    let (_, can) = crate::domain::ideas::load_readable(&mut conn, actor, id)?;
    if !can.show_publicly {
        return Err(AppError::Forbidden);
    }
    idea_view(&mut conn, id)
}

fn idea_view(conn: &mut AnyConnection, id: i64) -> AppResult<PublicIdea> {
    type Row = (
        String,
        String,
        IdeaStatus,
        String,
        String,
        Option<NaiveDateTime>,
        NaiveDateTime,
        NaiveDateTime,
        i64,
        PersonKind,
        Option<i64>,
    );
    let (
        title,
        lang,
        status,
        problem,
        proposal,
        public_at,
        updated_at,
        created_at,
        author_id,
        author_kind,
        municipality_id,
    ): Row = ideas::table
        .find(id)
        .select((
            ideas::title,
            ideas::lang,
            ideas::status,
            ideas::problem,
            ideas::proposal,
            ideas::public_at,
            ideas::updated_at,
            ideas::created_at,
            ideas::author_id,
            ideas::author_kind,
            ideas::municipality_id,
        ))
        .first(conn)?;
    let (author, consents) = people::table
        .find(author_id)
        .select((people::name, people::public_name))
        .first::<(String, bool)>(conn)?;
    let units = idea_units::table
        .inner_join(units::table)
        .filter(idea_units::idea_id.eq(id))
        .order(units::name)
        .select(units::name)
        .load::<String>(conn)?;
    let municipality = match municipality_id {
        Some(m) => municipalities::table
            .find(m)
            .select(municipalities::name)
            .first::<String>(conn)
            .optional()?,
        None => None,
    };
    let experiments = experiment_ideas::table
        .inner_join(experiments::table)
        .filter(experiment_ideas::idea_id.eq(id))
        .filter(rule::public_experiments())
        .select((experiments::id, experiments::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| Choice { id, name })
        .collect();
    Ok(PublicIdea {
        summary: PublicIdeaSummary {
            id,
            title,
            lang,
            status,
            summary: shorten(&proposal, SUMMARY_CHARS),
            public_at: public_at.unwrap_or(updated_at),
            updated_at,
        },
        problem,
        proposal,
        units,
        municipality,
        author_name: consents.then_some(author),
        author_kind,
        created_at,
        experiments,
    })
}

/// Every public item with its last change, for the sitemap.
pub fn everything_public(ctx: &Context) -> AppResult<Vec<(super::publish::PublicKind, i64, NaiveDateTime)>> {
    use super::publish::PublicKind;
    super::require_on(ctx)?;
    let mut conn = ctx.db.read()?;
    let experiments = experiments::table
        .filter(rule::public_experiments())
        .order(experiments::id)
        .select((experiments::id, experiments::updated_at))
        .load::<(i64, NaiveDateTime)>(&mut conn)?;
    let ideas = ideas::table
        .filter(rule::public_ideas())
        .order(ideas::id)
        .select((ideas::id, ideas::updated_at))
        .load::<(i64, NaiveDateTime)>(&mut conn)?;
    Ok(experiments
        .into_iter()
        .map(|(id, at)| (PublicKind::Experiment, id, at))
        .chain(ideas.into_iter().map(|(id, at)| (PublicKind::Idea, id, at)))
        .collect())
}

/// What the public lists depend on, read in one small statement over the public rows only
/// (their partial indexes): when it is unchanged, a page built from them is unchanged too.
/// The showcase switch, and per kind the count of ever-public rows and their newest change,
/// publication and withdrawal.
pub fn fingerprint(ctx: &Context) -> AppResult<String> {
    use diesel::sql_types::{BigInt, Bool, Nullable, Timestamp};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<Bool>)]
        showcase_on: Option<bool>,
        #[diesel(sql_type = BigInt)]
        experiments: i64,
        #[diesel(sql_type = Nullable<Timestamp>)]
        experiments_at: Option<NaiveDateTime>,
        #[diesel(sql_type = BigInt)]
        ideas: i64,
        #[diesel(sql_type = Nullable<Timestamp>)]
        ideas_at: Option<NaiveDateTime>,
    }
    let mut conn = ctx.db.read()?;
    let row = diesel::sql_query(
        "SELECT (SELECT showcase_on FROM organisation LIMIT 1) AS showcase_on, \
         (SELECT count(*) FROM experiments WHERE public_at IS NOT NULL) AS experiments, \
         (SELECT max(CASE WHEN public_withdrawn_at > updated_at THEN public_withdrawn_at \
                          WHEN public_at > updated_at THEN public_at ELSE updated_at END) \
            FROM experiments WHERE public_at IS NOT NULL) AS experiments_at, \
         (SELECT count(*) FROM ideas WHERE public_at IS NOT NULL) AS ideas, \
         (SELECT max(CASE WHEN public_withdrawn_at > updated_at THEN public_withdrawn_at \
                          WHEN public_at > updated_at THEN public_at ELSE updated_at END) \
            FROM ideas WHERE public_at IS NOT NULL) AS ideas_at",
    )
    .get_result::<Row>(&mut conn)?;
    Ok(format!(
        "{:?}/{}/{:?}/{}/{:?}",
        row.showcase_on, row.experiments, row.experiments_at, row.ideas, row.ideas_at
    ))
}
