//! Trustees (luottamushenkilöt) and the municipalities they represent: "my municipality" shows
//! what the units serving those municipalities develop.

use super::access::{Actor, PersonKind};
use super::directions::{self, Direction};
use super::experiments::ExperimentStatus;
use super::experiments::list::{self as experiment_list, ExperimentFilter, ExperimentSummary};
use super::ideas::IdeaStatus;
use super::ideas::list::{self as idea_list, IdeaFilter, IdeaSummary};
use super::municipalities::Municipality;
use super::policy::people::{Record, require_edit, require_read};
use super::{Context, events};
use crate::db::AnyConnection;
use crate::db::schema::{municipalities, people, trustee_municipalities};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// The municipalities a trustee represents.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrusteeMunicipalities {
    pub municipality_ids: Vec<i64>,
}

/// The municipalities the person represents, by name.
pub fn municipalities_of(conn: &mut AnyConnection, person_id: i64) -> AppResult<Vec<Municipality>> {
    Ok(municipalities::table
        .inner_join(trustee_municipalities::table)
        .filter(trustee_municipalities::person_id.eq(person_id))
        .order(municipalities::name)
        .select(Municipality::as_select())
        .load(conn)?)
}

/// The municipalities a person represents (administrators, and the person themself).
pub fn get(ctx: &Context, actor: &Actor, person_id: i64) -> AppResult<Vec<Municipality>> {
    require_read(actor, Record::TrusteeMunicipalities, actor.id == person_id)?;
    let mut conn = ctx.db.read()?;
    municipalities_of(&mut conn, person_id)
}

/// Links a trustee to the municipalities they represent, replacing earlier links (administrators).
pub fn set(ctx: &Context, actor: &Actor, person_id: i64, input: &TrusteeMunicipalities) -> AppResult<()> {
    require_edit(actor, Record::TrusteeMunicipalities)?;
    let mut ids = input.municipality_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    ctx.db.transaction(|conn| {
        let kind = people::table
            .find(person_id)
            .select(people::kind)
            .first::<String>(conn)?;
        if kind != PersonKind::Trustee.as_str() {
            return Err(AppError::field("municipality_ids", "not_trustee"));
        }
        let known = municipalities::table
            .filter(municipalities::id.eq_any(&ids))
            .count()
            .get_result::<i64>(conn)?;
        if known != ids.len() as i64 {
            return Err(AppError::field("municipality_ids", "unknown"));
        }
        diesel::delete(trustee_municipalities::table.filter(trustee_municipalities::person_id.eq(person_id)))
            .execute(conn)?;
        for m in &ids {
            diesel::insert_into(trustee_municipalities::table)
                .values((
                    trustee_municipalities::person_id.eq(person_id),
                    trustee_municipalities::municipality_id.eq(m),
                ))
                .execute(conn)?;
        }
        events::record(
            conn,
            Some(actor.id),
            "trustee_municipalities_set",
            "person",
            person_id,
            serde_json::json!({ "municipality_ids": ids }),
        )
    })
}

/// What happens in one municipality.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MunicipalityView {
    pub municipality: Municipality,
    /// Newest ideas of units serving the municipality.
    pub ideas: Vec<IdeaSummary>,
    /// Newest experiments of those units.
    pub experiments: Vec<ExperimentSummary>,
    /// Completed experiments of those units, with their results.
    pub results: Vec<ExperimentSummary>,
    /// The municipality's development directions.
    pub directions: Vec<Direction>,
}

/// The idea statuses that mean something outside the organisation: where an idea stands, not the
/// staff's housekeeping (not pursued, merged).
const OUTWARD_IDEA_STATUSES: [IdeaStatus; 5] = [
    IdeaStatus::New,
    IdeaStatus::InDiscussion,
    IdeaStatus::SelectedForExperiment,
    IdeaStatus::InExperiment,
    IdeaStatus::Implemented,
];

/// The experiment statuses a municipality hears of: approved and under way, and how it ended
/// (not drafts, reviews, changes requested, rejections or withdrawals).
const OUTWARD_EXPERIMENT_STATUSES: [ExperimentStatus; 5] = [
    ExperimentStatus::Approved,
    ExperimentStatus::Running,
    ExperimentStatus::Completed,
    ExperimentStatus::Adopted,
    ExperimentStatus::NotAdopted,
];

/// How many of each kind "my municipality" lists.
const LIST_SIZE: i64 = 20;

/// "My municipality": for each municipality the trustee represents, its units' ideas,
/// experiments and results, and its directions. Trustees only.
pub fn my_municipalities(ctx: &Context, actor: &Actor) -> AppResult<Vec<MunicipalityView>> {
    if !super::policy::capabilities(actor).my_municipality {
        return Err(AppError::Forbidden);
    }
    let represented = {
        let mut conn = ctx.db.read()?;
        municipalities_of(&mut conn, actor.id)?
    };
    let all_directions = directions::list(ctx, actor, None)?;
    let mut out = Vec::with_capacity(represented.len());
    for m in represented {
        let ideas = idea_list::list(
            ctx,
            actor,
            &IdeaFilter {
                municipality: Some(m.id),
                statuses: Some(OUTWARD_IDEA_STATUSES.to_vec()),
                limit: Some(LIST_SIZE),
                ..Default::default()
            },
        )?
        .items;
        let experiments = experiment_list::list(
            ctx,
            actor,
            &ExperimentFilter {
                municipality: Some(m.id),
                statuses: Some(OUTWARD_EXPERIMENT_STATUSES.to_vec()),
                limit: Some(LIST_SIZE),
                ..Default::default()
            },
        )?
        .items;
        let results = experiment_list::list(
            ctx,
            actor,
            &ExperimentFilter {
                municipality: Some(m.id),
                results: Some(true),
                limit: Some(LIST_SIZE),
                ..Default::default()
            },
        )?
        .items;
        let directions = all_directions
            .iter()
            .filter(|d| d.municipality_id == Some(m.id))
            .cloned()
            .collect();
        out.push(MunicipalityView {
            municipality: m,
            ideas,
            experiments,
            results,
            directions,
        });
    }
    Ok(out)
}
