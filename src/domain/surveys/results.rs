//! A closed survey's results for a reader: per group, only what `anonymity` lets show.

use super::anonymity::{self, Node, Publication};
use super::{MIN_RESPONDENTS, Survey, SurveyState, load, reads_results, view};
use crate::db::AnyConnection;
use crate::db::schema::{survey_tallies, survey_unit_counts, units as units_t};
use crate::domain::access::Actor;
use crate::domain::people::UnitRef;
use crate::domain::policy::surveys::NO_UNIT;
use crate::domain::scope::Scope;
use crate::domain::{Context, units};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// One statement's result for a group.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatementResult {
    pub statement_id: i64,
    pub text: String,
    /// Mean of 1–5; absent when the group does not show.
    pub mean: Option<f64>,
    /// Answers of 1, 2, 3, 4 and 5; empty when the group does not show.
    pub counts: Vec<i64>,
}

/// A group's results: a unit with its sub-units, or everyone in the reader's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupResult {
    /// Absent: everyone the reader sees.
    pub unit: Option<UnitRef>,
    /// Whether the group's results show: at least five answered, and no smaller group can be
    /// derived from it and the other shown groups.
    pub shown: bool,
    /// How many answered; absent when the group does not show.
    pub respondents: Option<i64>,
    pub statements: Vec<StatementResult>,
}

/// A survey's results for the reader's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyResults {
    pub survey: Survey,
    /// Results show only after the survey has closed; until then `overall` is absent and
    /// `units` empty, so that reading before and after an answer reveals nothing.
    pub available: bool,
    pub overall: Option<GroupResult>,
    /// Each unit in the reader's scope, with its sub-units counted in.
    pub units: Vec<GroupResult>,
}

impl SurveyResults {
    /// Everyone first, then the units: the rows of the results table.
    pub fn groups(&self) -> Vec<&GroupResult> {
        self.overall.iter().chain(self.units.iter()).collect()
    }
}

/// The survey's tree as it opened, with each unit's own respondents.
struct Counted {
    nodes: Vec<Node>,
    everyone_own: i64,
    publication: Publication,
}

impl Counted {
    fn load(conn: &mut AnyConnection, survey: i64) -> AppResult<Counted> {
        let rows: Vec<(i64, Option<i64>, i32)> = survey_unit_counts::table
            .filter(survey_unit_counts::survey_id.eq(survey))
            .select((
                survey_unit_counts::unit_id,
                survey_unit_counts::parent_id,
                survey_unit_counts::respondents,
            ))
            .load(conn)?;
        let everyone_own = rows
            .iter()
            .filter(|(u, _, _)| *u == NO_UNIT)
            .map(|(_, _, n)| i64::from(*n))
            .sum();
        let nodes: Vec<Node> = rows
            .into_iter()
            .filter(|(u, _, _)| *u != NO_UNIT)
            .map(|(unit, parent, own)| Node {
                unit,
                parent,
                own: i64::from(own),
            })
            .collect();
        let publication = anonymity::publication(&nodes, everyone_own);
        Ok(Counted {
            nodes,
            everyone_own,
            publication,
        })
    }

    fn parents(&self) -> HashMap<i64, Option<i64>> {
        self.nodes.iter().map(|n| (n.unit, n.parent)).collect()
    }

    fn total(&self, within: &dyn Fn(i64) -> bool) -> i64 {
        let units: i64 = self.nodes.iter().filter(|n| within(n.unit)).map(|n| n.own).sum();
        units + if within(NO_UNIT) { self.everyone_own } else { 0 }
    }
}

/// The survey's total respondents once closed, when the total of everyone shows.
pub(super) fn everyone_shown(conn: &mut AnyConnection, survey: i64) -> AppResult<Option<i64>> {
    let counted = Counted::load(conn, survey)?;
    Ok(counted
        .publication
        .everyone
        .then(|| counted.total(&|_| true))
        .filter(|n| *n >= MIN_RESPONDENTS))
}

/// The results where they may show (managers of the scope, trustees, administrators).
pub fn results(ctx: &Context, actor: &Actor, id: i64) -> AppResult<SurveyResults> {
    let scope = Scope::of(actor)?;
    let mut conn = ctx.db.read()?;
    let r = load(&mut conn, id)?;
    if !reads_results(&mut conn, actor, &r)? {
        return Err(AppError::NotFound);
    }
    let survey = view(&mut conn, actor, r)?;
    if survey.state != SurveyState::Closed {
        return Ok(SurveyResults {
            survey,
            available: false,
            overall: None,
            units: Vec::new(),
        });
    }
    let counted = Counted::load(&mut conn, id)?;
    let parents = counted.parents();
    // Already counts: one row per unit, statement and value, not per answer.
    let tallies: Vec<(i64, i64, i32, i32)> = survey_tallies::table
        .filter(survey_tallies::survey_id.eq(id))
        .filter(survey_tallies::answers.gt(0))
        .select((
            survey_tallies::unit_id,
            survey_tallies::statement_id,
            survey_tallies::value,
            survey_tallies::answers,
        ))
        .load(&mut conn)?;
    let visible: Option<Vec<i64>> = scope.unit_ids(&mut conn)?;
    let in_view = |u: i64| match &visible {
        None => true,
        Some(v) => u != NO_UNIT && v.contains(&u),
    };
    let group = |within: &dyn Fn(i64) -> bool, unit: Option<UnitRef>, shown: bool| {
        let statements = survey
            .statements
            .iter()
            .map(|s| {
                let mut per_value = vec![0i64; 5];
                for (u, st, value, n) in &tallies {
                    if *st == s.id && within(*u) && (1..=5).contains(value) {
                        per_value[(*value - 1) as usize] += i64::from(*n);
                    }
                }
                let total: i64 = per_value.iter().sum();
                let sum: i64 = per_value.iter().enumerate().map(|(i, n)| (i as i64 + 1) * n).sum();
                StatementResult {
                    statement_id: s.id,
                    text: s.text.clone(),
                    mean: (shown && total > 0).then(|| sum as f64 / total as f64),
                    counts: if shown { per_value } else { Vec::new() },
                }
            })
            .collect();
        GroupResult {
            unit,
            shown,
            respondents: shown.then(|| counted.total(within)),
            statements,
        }
    };
    // A scoped reader's "everyone" is exactly the sum of the groups at the top of their view in
    // the survey's tree (units in view whose parent, in that tree, is not), so it shows only when
    // each of them does and adds nothing that could be subtracted. Today's tree is not used:
    // a unit moved since would make the sum differ from the groups.
    let in_survey_view = |u: Option<i64>| u.is_some_and(|u| in_view(u) && parents.contains_key(&u));
    let tops: Vec<i64> = counted
        .nodes
        .iter()
        .filter(|n| in_view(n.unit) && !in_survey_view(n.parent))
        .map(|n| n.unit)
        .collect();
    let overall = match &visible {
        None => group(&|_| true, None, counted.publication.everyone),
        Some(_) => {
            let shown = !tops.is_empty() && tops.iter().all(|u| counted.publication.units.contains(u));
            let under_a_top = |u: i64| u != NO_UNIT && units::lineage_in(&parents, u).iter().any(|a| tops.contains(a));
            group(&under_a_top, None, shown)
        }
    };
    let names: HashMap<i64, String> = units_t::table
        .select((units_t::id, units_t::name))
        .load::<(i64, String)>(&mut conn)?
        .into_iter()
        .collect();
    let mut listed: Vec<i64> = counted.nodes.iter().map(|n| n.unit).filter(|u| in_view(*u)).collect();
    listed.sort_by(|a, b| names.get(a).cmp(&names.get(b)));
    let units = listed
        .into_iter()
        .map(|root| {
            let within = |u: i64| u != NO_UNIT && units::lineage_in(&parents, u).contains(&root);
            let unit = UnitRef {
                id: root,
                name: names.get(&root).cloned().unwrap_or_default(),
            };
            group(&within, Some(unit), counted.publication.units.contains(&root))
        })
        .collect();
    Ok(SurveyResults {
        survey,
        available: true,
        overall: Some(overall),
        units,
    })
}
