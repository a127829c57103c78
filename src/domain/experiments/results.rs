//! Running and after: the diary, the result report, and adoptions by other units.

use super::lifecycle::load_for;
use super::load_visible;
use crate::db::AnyConnection;
use crate::db::backend;
use crate::db::schema::{adoptions, experiment_log, experiments, indicators, people, result_reports, units};
use crate::domain::access::{Actor, RoleKind};
use crate::domain::follows::ObjectType;
use crate::domain::notifications::{Kind, notify_followers};
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// A diary entry as written.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogInput {
    pub entry_on: NaiveDate,
    pub body: String,
}

/// A diary entry as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LogEntry {
    pub id: i64,
    pub entry_on: NaiveDate,
    pub author: String,
    pub body: String,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// The owner or team writes in the diary of a running experiment.
pub fn write_log(ctx: &Context, actor: &Actor, id: i64, input: &LogInput) -> AppResult<i64> {
    ctx.db.transaction(|conn| {
        load_for(conn, actor, id, None, |p| p.log)?;
        let mut v = Validator::new();
        let body = v.text("body", &input.body, 1, 10_000);
        if input.entry_on > crate::clock::today() {
            v.add("entry_on", "in_future");
        }
        v.finish()?;
        let entry = diesel::insert_into(experiment_log::table)
            .values((
                experiment_log::experiment_id.eq(id),
                experiment_log::author_id.eq(actor.id),
                experiment_log::entry_on.eq(input.entry_on.and_hms_opt(0, 0, 0).unwrap_or_default()),
                experiment_log::body.eq(&body),
                experiment_log::created_at.eq(crate::clock::now()),
            ))
            .returning(experiment_log::id)
            .get_result::<i64>(conn)?;
        events::record(conn, Some(actor.id), "logged", "experiment", id, serde_json::json!({}))?;
        Ok(entry)
    })
}

/// The diary, newest day first.
pub fn log_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<LogEntry>> {
    Ok(experiment_log::table
        .inner_join(people::table)
        .filter(experiment_log::experiment_id.eq(id))
        .order((experiment_log::entry_on.desc(), experiment_log::id.desc()))
        .select((
            experiment_log::id,
            experiment_log::entry_on,
            people::name,
            experiment_log::body,
            experiment_log::created_at,
        ))
        .load::<(i64, NaiveDateTime, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, on, author, body, created_at)| LogEntry {
            id,
            entry_on: on.date(),
            author,
            body,
            created_at,
        })
        .collect())
}

/// The diary of a visible experiment (staff only).
pub fn log(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Vec<LogEntry>> {
    let mut conn = ctx.db.read()?;
    let (e, s) = load_visible(&mut conn, actor, id)?;
    if !super::permissions(&e, &s).read_working_notes {
        return Err(AppError::Forbidden);
    }
    log_of(&mut conn, id)
}

/// An indicator's actual value in the report.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualInput {
    pub indicator_id: i64,
    pub actual: f64,
}

/// The result report as written (may be saved unfinished; completing needs it whole).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(as = ResultReportInput)]
pub struct ReportInput {
    pub what_we_did: String,
    pub what_made_us_dare: String,
    pub where_we_succeeded: String,
    pub what_we_would_change: String,
    pub what_we_learned: String,
    pub operational_impact: String,
    /// One-off financial impact, euros: savings positive, costs negative.
    pub one_off: f64,
    /// Yearly financial impact, euros: savings positive, costs negative.
    pub yearly: f64,
    pub customer_feedback: String,
    pub recommend_adoption: Option<bool>,
    pub actuals: Vec<ActualInput>,
}

/// The result report as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub what_we_did: String,
    pub what_made_us_dare: String,
    pub where_we_succeeded: String,
    pub what_we_would_change: String,
    pub what_we_learned: String,
    pub operational_impact: String,
    pub one_off: f64,
    pub yearly: f64,
    pub customer_feedback: String,
    pub recommend_adoption: Option<bool>,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
}

/// The report's text fields, in the seed's order.
pub const REPORT_TEXTS: [&str; 7] = [
    "what_we_did",
    "what_made_us_dare",
    "where_we_succeeded",
    "what_we_would_change",
    "what_we_learned",
    "operational_impact",
    "customer_feedback",
];

impl Report {
    /// One of `REPORT_TEXTS` by name.
    pub fn text(&self, field: &str) -> &str {
        match field {
            "what_we_did" => &self.what_we_did,
            "what_made_us_dare" => &self.what_made_us_dare,
            "where_we_succeeded" => &self.where_we_succeeded,
            "what_we_would_change" => &self.what_we_would_change,
            "what_we_learned" => &self.what_we_learned,
            "operational_impact" => &self.operational_impact,
            _ => &self.customer_feedback,
        }
    }
}

/// The largest financial impact recorded, euros either way.
pub const MAX_IMPACT: f64 = 1_000_000_000.0;

fn euros_to_cents(v: &mut Validator, field: &str, value: f64) -> i64 {
    if !value.is_finite() || value.abs() > MAX_IMPACT {
        v.add(field, "amount_range");
        return 0;
    }
    (value * 100.0).round() as i64
}

/// The owner or team writes the result report (while running, or after completing it).
pub fn write_report(ctx: &Context, actor: &Actor, id: i64, input: &ReportInput) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        load_for(conn, actor, id, None, |p| p.report)?;
        let mut v = Validator::new();
        let texts: Vec<String> = [
            ("what_we_did", &input.what_we_did),
            ("what_made_us_dare", &input.what_made_us_dare),
            ("where_we_succeeded", &input.where_we_succeeded),
            ("what_we_would_change", &input.what_we_would_change),
            ("what_we_learned", &input.what_we_learned),
            ("operational_impact", &input.operational_impact),
            ("customer_feedback", &input.customer_feedback),
        ]
        .into_iter()
        .map(|(field, value)| v.text(field, value, 0, 10_000))
        .collect();
        let one_off = euros_to_cents(&mut v, "one_off", input.one_off);
        let yearly = euros_to_cents(&mut v, "yearly", input.yearly);
        let own: Vec<i64> = indicators::table
            .filter(indicators::experiment_id.eq(id))
            .select(indicators::id)
            .load(conn)?;
        for (i, a) in input.actuals.iter().enumerate() {
            if !own.contains(&a.indicator_id) {
                v.add(&format!("actuals.{i}.indicator_id"), "unknown");
            } else if !a.actual.is_finite() || a.actual.abs() > 1e12 {
                v.add(&format!("actuals.{i}.actual"), "not_a_number");
            }
        }
        v.finish()?;
        let now = crate::clock::now();
        let values = (
            result_reports::what_we_did.eq(&texts[0]),
            result_reports::what_made_us_dare.eq(&texts[1]),
            result_reports::where_we_succeeded.eq(&texts[2]),
            result_reports::what_we_would_change.eq(&texts[3]),
            result_reports::what_we_learned.eq(&texts[4]),
            result_reports::operational_impact.eq(&texts[5]),
            result_reports::customer_feedback.eq(&texts[6]),
            result_reports::one_off_cents.eq(one_off),
            result_reports::yearly_cents.eq(yearly),
            result_reports::recommend_adoption.eq(input.recommend_adoption),
            result_reports::updated_by.eq(actor.id),
            result_reports::updated_at.eq(now),
        );
        let exists = result_reports::table.find(id).count().get_result::<i64>(conn)? > 0;
        if exists {
            diesel::update(result_reports::table.find(id))
                .set(values)
                .execute(conn)?;
        } else {
            diesel::insert_into(result_reports::table)
                .values((result_reports::experiment_id.eq(id), values))
                .execute(conn)?;
        }
        for a in &input.actuals {
            diesel::update(indicators::table.find(a.indicator_id))
                .set(indicators::actual.eq(Some(a.actual)))
                .execute(conn)?;
        }
        backend::index_experiment(conn, id)?;
        events::record(
            conn,
            Some(actor.id),
            "report_written",
            "experiment",
            id,
            serde_json::json!({}),
        )
    })
}

/// The report of an experiment already checked visible.
pub fn report_of(conn: &mut AnyConnection, id: i64) -> AppResult<Option<Report>> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        String,
        Option<bool>,
        NaiveDateTime,
    );
    let row = result_reports::table
        .find(id)
        .select((
            result_reports::what_we_did,
            result_reports::what_made_us_dare,
            result_reports::where_we_succeeded,
            result_reports::what_we_would_change,
            result_reports::what_we_learned,
            result_reports::operational_impact,
            result_reports::one_off_cents,
            result_reports::yearly_cents,
            result_reports::customer_feedback,
            result_reports::recommend_adoption,
            result_reports::updated_at,
        ))
        .first::<Row>(conn)
        .optional()?;
    Ok(row.map(|r| Report {
        what_we_did: r.0,
        what_made_us_dare: r.1,
        where_we_succeeded: r.2,
        what_we_would_change: r.3,
        what_we_learned: r.4,
        operational_impact: r.5,
        one_off: r.6 as f64 / 100.0,
        yearly: r.7 as f64 / 100.0,
        customer_feedback: r.8,
        recommend_adoption: r.9,
        updated_at: r.10,
    }))
}

/// The result report of a visible experiment (404 when none is written yet).
pub fn report(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Report> {
    let mut conn = ctx.db.read()?;
    load_visible(&mut conn, actor, id)?;
    report_of(&mut conn, id)?.ok_or(AppError::NotFound)
}

/// Another unit's adoption as recorded.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionInput {
    pub unit_id: i64,
    pub adopted_on: NaiveDate,
    #[serde(default)]
    pub note: String,
}

/// An adoption as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Adoption {
    pub unit_id: i64,
    pub unit_name: String,
    pub adopted_on: NaiveDate,
    pub note: String,
    pub recorded_by: String,
}

/// Records that a unit adopted the experiment's practice: key experts and managers of that unit
/// (or administrators), once per unit.
pub fn record_adoption(ctx: &Context, actor: &Actor, id: i64, input: &AdoptionInput) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        load_for(conn, actor, id, None, |p| p.record_adoption)?;
        let unit_known = units::table
            .find(input.unit_id)
            .filter(units::active.eq(true))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        let mut v = Validator::new();
        let note = v.text("note", &input.note, 0, 2_000);
        if !unit_known {
            v.add("unit_id", "unknown");
        }
        if input.adopted_on > crate::clock::today() {
            v.add("adopted_on", "in_future");
        }
        v.finish()?;
        let may =
            actor.is_admin() || actor.covers(conn, &[RoleKind::KeyExpert, RoleKind::Manager], &[input.unit_id])?;
        if !may {
            return Err(AppError::Forbidden);
        }
        let already = adoptions::table
            .filter(adoptions::experiment_id.eq(id))
            .filter(adoptions::unit_id.eq(input.unit_id))
            .count()
            .get_result::<i64>(conn)?;
        if already > 0 {
            return Err(AppError::conflict("already_adopted", ""));
        }
        diesel::insert_into(adoptions::table)
            .values((
                adoptions::experiment_id.eq(id),
                adoptions::unit_id.eq(input.unit_id),
                adoptions::adopted_on.eq(input.adopted_on.and_hms_opt(0, 0, 0).unwrap_or_default()),
                adoptions::note.eq(&note),
                adoptions::recorded_by.eq(actor.id),
                adoptions::created_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "adopted",
            "experiment",
            id,
            serde_json::json!({ "unit_id": input.unit_id }),
        )?;
        let title = experiments::table
            .find(id)
            .select(experiments::title)
            .first::<String>(conn)?;
        notify_followers(
            conn,
            ctx,
            ObjectType::Experiment,
            id,
            Kind::ExperimentAdopted,
            &title,
            Some(actor.id),
        )
    })
}

/// Where the experiment has spread, by date.
pub fn adoptions_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<Adoption>> {
    Ok(adoptions::table
        .inner_join(units::table)
        .inner_join(people::table.on(people::id.eq(adoptions::recorded_by)))
        .filter(adoptions::experiment_id.eq(id))
        .order(adoptions::adopted_on)
        .select((
            adoptions::unit_id,
            units::name,
            adoptions::adopted_on,
            adoptions::note,
            people::name,
        ))
        .load::<(i64, String, NaiveDateTime, String, String)>(conn)?
        .into_iter()
        .map(|(unit_id, unit_name, on, note, recorded_by)| Adoption {
            unit_id,
            unit_name,
            adopted_on: on.date(),
            note,
            recorded_by,
        })
        .collect())
}

/// The adoptions of a visible experiment.
pub fn adoptions(ctx: &Context, actor: &Actor, id: i64) -> AppResult<Vec<Adoption>> {
    let mut conn = ctx.db.read()?;
    load_visible(&mut conn, actor, id)?;
    adoptions_of(&mut conn, id)
}
