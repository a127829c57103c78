//! The table per unit: the per-unit counts added up under each listed unit (with its sub-units).

use super::experiment_counts::ExperimentFigures;
use super::participation::Participation;
use super::side::Side;
use super::{Selection, UnitRow, euros, quantile, rate};
use crate::domain::units;
use std::collections::{HashMap, HashSet};

/// One row per listed unit.
pub(super) fn rows(
    s: &Selection,
    names: &HashMap<i64, String>,
    parents: &HashMap<i64, Option<i64>>,
    people: &Participation,
    exp: &ExperimentFigures,
    side: &Side,
) -> Vec<UnitRow> {
    let participants = people.participants(side);
    s.rows
        .iter()
        .map(|&row| {
            let under = |unit: i64| units::lineage_in(parents, unit).contains(&row);
            let total = |pairs: &[(i64, i64)]| -> i64 { pairs.iter().filter(|(u, _)| under(*u)).map(|(_, n)| n).sum() };
            let members: HashSet<i64> = people
                .memberships
                .iter()
                .filter(|(_, u)| under(*u))
                .map(|(p, _)| *p)
                .collect();
            let taking_part = members.iter().filter(|p| participants.contains(p)).count() as i64;
            let mut lead: Vec<f64> = exp.lead.iter().filter(|(u, _)| under(*u)).map(|(_, d)| *d).collect();
            lead.sort_by(|a, b| a.total_cmp(b));
            let impact: Vec<_> = exp.impact.iter().filter(|(u, _, _)| under(*u)).collect();
            let ideas: Vec<_> = side.ideas_per_unit.iter().filter(|(u, _, _)| under(*u)).collect();
            UnitRow {
                id: row,
                name: names.get(&row).cloned().unwrap_or_default(),
                ideas: ideas.iter().map(|(_, n, _)| n).sum(),
                selected: ideas.iter().map(|(_, _, n)| n).sum(),
                observations: people
                    .observations
                    .iter()
                    .filter(|(_, u, _)| under(*u))
                    .map(|(_, _, n)| n)
                    .sum(),
                participants: taking_part,
                people: members.len() as i64,
                participation_rate: rate(taking_part, members.len() as i64),
                experiments_submitted: total(&exp.submitted),
                experiments_approved: total(&exp.approved),
                experiments_completed: total(&exp.completed),
                adopted: total(&exp.adopted),
                review_median_days: quantile(&lead, 0.5),
                waiting: total(&exp.waiting),
                running: total(&exp.running),
                overdue_reports: total(&exp.overdue),
                adoptions_elsewhere: total(&exp.adoptions_elsewhere),
                one_off: impact.iter().map(|(_, o, _)| euros(*o)).sum(),
                yearly: impact.iter().map(|(_, _, y)| euros(*y)).sum(),
            }
        })
        .collect()
}
