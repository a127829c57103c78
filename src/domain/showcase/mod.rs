//! The public showcase: what was tried and what changed, told to residents, local papers and
//! networks without signing in. Only what a key expert, manager or administrator made public
//! is shown, and of it only the public fields: never observations, reviews, diaries, panel
//! comments, names without their owner's consent, or budgets unless the unit so chooses.

pub mod publish;
mod read;

pub use read::{everything_public, experiment, fingerprint, front, idea, preview_experiment, preview_idea};

use super::Context;
use crate::db::schema::organisation;
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// The year's figures per municipality filter, with the moment they were counted.
pub type FiguresCache = std::collections::HashMap<Option<i64>, (std::time::Instant, YearFigures)>;

/// A built public list page (the front page, a feed, the embed, the sitemap), reused while the
/// showcase's fingerprint holds and for at most a few seconds.
#[derive(Debug, Clone)]
pub struct CachedPage {
    pub fingerprint: String,
    pub built: std::time::Instant,
    pub content_type: &'static str,
    pub body: std::sync::Arc<str>,
    pub etag: String,
    pub last_modified: Option<NaiveDateTime>,
}

/// Built pages by address.
pub type PageCache = std::collections::HashMap<String, CachedPage>;

/// Whether the showcase is open: allowed by the configuration (`showcase.enabled`) and turned
/// on by an administrator in the organisation's settings.
pub fn is_on(ctx: &Context) -> AppResult<bool> {
    if !ctx.settings.showcase.enabled {
        return Ok(false);
    }
    let mut conn = ctx.db.read()?;
    Ok(organisation::table
        .select(organisation::showcase_on)
        .first::<bool>(&mut conn)
        .optional()?
        .unwrap_or(false))
}

/// 404 for every public address while the showcase is off.
pub fn require_on(ctx: &Context) -> AppResult<()> {
    if is_on(ctx)? { Ok(()) } else { Err(AppError::NotFound) }
}

/// What the showcase's front page lists.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct ShowcaseFilter {
    /// Free text over titles and texts.
    pub q: Option<String>,
    /// Units serving this municipality.
    pub municipality: Option<i64>,
    /// A service area (a sector) and everything under it.
    pub service_area: Option<i64>,
    /// A development direction.
    pub direction: Option<i64>,
}

/// An experiment in the showcase's lists and feeds.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicExperimentSummary {
    pub id: i64,
    pub title: String,
    /// The language it was written in.
    pub lang: String,
    pub status: crate::domain::experiments::ExperimentStatus,
    pub unit_name: String,
    pub municipalities: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// What was learned (with a result) or what is tried, shortened.
    pub summary: String,
    #[serde(with = "crate::domain::utc")]
    pub public_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
}

/// An idea in the showcase's lists and feeds.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicIdeaSummary {
    pub id: i64,
    pub title: String,
    pub lang: String,
    pub status: crate::domain::ideas::IdeaStatus,
    /// The proposal, shortened.
    pub summary: String,
    #[serde(with = "crate::domain::utc")]
    pub public_at: NaiveDateTime,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
}

/// The year in numbers, counted by the dashboard's own code for the whole organisation.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct YearFigures {
    pub year: i32,
    pub ideas_written: i64,
    pub experiments_completed: i64,
    pub experiments_adopted: i64,
    /// Units with an idea, observation or experiment of their own this year.
    pub units_taking_part: i64,
}

/// A choice in the showcase's filters.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// The showcase's front page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Front {
    /// Experiments with a result, newest public first.
    pub results: Vec<PublicExperimentSummary>,
    /// Experiments running now.
    pub running: Vec<PublicExperimentSummary>,
    pub ideas: Vec<PublicIdeaSummary>,
    pub figures: YearFigures,
    pub municipalities: Vec<Choice>,
    pub service_areas: Vec<Choice>,
    pub directions: Vec<Choice>,
    /// The newest change of anything listed (for Last-Modified and the feed's updated).
    #[serde(with = "crate::domain::utc::option")]
    pub updated_at: Option<NaiveDateTime>,
}

/// One indicator as the public sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicIndicator {
    pub name: String,
    pub measure: String,
    pub baseline: f64,
    pub target: f64,
    pub actual: Option<f64>,
}

/// The result report's five questions and the two impacts, as written.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicReport {
    pub what_we_did: String,
    pub what_made_us_dare: String,
    pub where_we_succeeded: String,
    pub what_we_would_change: String,
    pub what_we_learned: String,
    pub operational_impact: String,
    pub customer_feedback: String,
}

/// A public experiment's page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicExperiment {
    #[serde(flatten)]
    pub summary: PublicExperimentSummary,
    pub hypothesis: String,
    pub what_tried: String,
    pub customer_involvement: String,
    pub indicators: Vec<PublicIndicator>,
    pub report: Option<PublicReport>,
    /// Units that adopted it, by name.
    pub adopted_by: Vec<String>,
    /// The owner's name when they allow it to appear in public; otherwise the unit speaks.
    pub contact: Option<String>,
    /// Euros: shown only when the unit shows its budgets in public.
    pub budget: Option<f64>,
    /// The ideas it tries that are public too.
    pub ideas: Vec<Choice>,
}

/// A public idea's page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicIdea {
    #[serde(flatten)]
    pub summary: PublicIdeaSummary,
    pub problem: String,
    pub proposal: String,
    pub units: Vec<String>,
    pub municipality: Option<String>,
    /// The writer's name when they allow it; otherwise their kind (a resident, staff …).
    pub author_name: Option<String>,
    pub author_kind: crate::domain::access::PersonKind,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// The experiments trying it that are public too.
    pub experiments: Vec<Choice>,
}

/// A text cut to about `max` characters at a word boundary, with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn summaries_are_cut_at_a_word() {
        assert_eq!(shorten("Lyhyt teksti.", 50), "Lyhyt teksti.");
        assert_eq!(
            shorten("Soitamme asiakkaalle ennen käyntiä, jotta hän tietää", 30),
            "Soitamme asiakkaalle ennen…"
        );
    }
}

/// A completed public experiment as a practice-model description (toimintamallikuvaus) in the
/// sections Innokylä, the national innovation platform of social and health services, uses: so
/// that it can be entered there without retyping. Filled from the plan, the result report and
/// the adoptions, public fields only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PracticeModel {
    /// The model's name.
    pub name: String,
    /// A short description.
    pub summary: String,
    /// The problem it solves (the hypothesis: what we believed would change).
    pub problem: String,
    /// Whom it is for and how they took part.
    pub target_group: String,
    /// How it is done.
    pub implementation: String,
    /// What it takes: the budget when the unit shows it, and the people it took.
    pub resources: String,
    /// How it was evaluated: the indicators, from baseline to target and what was reached.
    pub evaluation: Vec<PublicIndicator>,
    /// What it achieved and what was learned.
    pub results: String,
    /// What the team would do differently.
    pub lessons: String,
    /// Where it was tried: the unit and the municipalities it serves.
    pub tried_in: String,
    pub municipalities: Vec<String>,
    /// Units that adopted it.
    pub adopted_by: Vec<String>,
    /// A contact who agreed to be named, or the unit.
    pub contact: String,
    /// The language it was written in.
    pub lang: String,
    /// The public page it comes from.
    pub source_id: i64,
}

impl PracticeModel {
    /// From a public experiment's page (only completed ones have a model to describe).
    pub fn of(e: &PublicExperiment) -> AppResult<PracticeModel> {
        let Some(r) = &e.report else {
            return Err(AppError::NotFound);
        };
        let join = |parts: &[&str]| {
            parts
                .iter()
                .map(|p| p.trim())
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        Ok(PracticeModel {
            name: e.summary.title.clone(),
            summary: shorten(
                if r.what_we_did.trim().is_empty() {
                    &e.what_tried
                } else {
                    &r.what_we_did
                },
                300,
            ),
            problem: e.hypothesis.clone(),
            target_group: e.customer_involvement.clone(),
            implementation: join(&[&r.what_we_did, &e.what_tried]),
            resources: e.budget.map(|b| format!("{b:.2} €")).unwrap_or_default(),
            evaluation: e.indicators.clone(),
            results: join(&[
                &r.where_we_succeeded,
                &r.what_we_learned,
                &r.operational_impact,
                &r.customer_feedback,
            ]),
            lessons: join(&[&r.what_made_us_dare, &r.what_we_would_change]),
            tried_in: e.summary.unit_name.clone(),
            municipalities: e.summary.municipalities.clone(),
            adopted_by: e.adopted_by.clone(),
            contact: match &e.contact {
                Some(name) => format!("{name}, {}", e.summary.unit_name),
                None => e.summary.unit_name.clone(),
            },
            lang: e.summary.lang.clone(),
            source_id: e.summary.id,
        })
    }
}
