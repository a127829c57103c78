//! The public showcase: the one more level of visibility. Anyone, without signing in, sees an
//! idea or experiment that was made public and not withdrawn, while it is still in a state
//! that can be shown (an idea not hidden by moderation; an experiment running or with a
//! result), and only while the organisation has the showcase on.

use crate::db::schema::{experiments, ideas};
use crate::domain::experiments::ExperimentStatus;
use diesel::dsl;
use diesel::prelude::*;

/// Whether a public address shows the item, is gone (withdrawn: 410) or never was (404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Public {
    Shown,
    Withdrawn,
    Never,
}

/// The experiment statuses the public may see.
pub const PUBLIC_EXPERIMENT_STATUSES: [ExperimentStatus; 4] = [
    ExperimentStatus::Running,
    ExperimentStatus::Completed,
    ExperimentStatus::Adopted,
    ExperimentStatus::NotAdopted,
];

/// An idea's public standing from its columns.
pub fn idea(
    public_at: Option<chrono::NaiveDateTime>,
    withdrawn_at: Option<chrono::NaiveDateTime>,
    hidden: bool,
) -> Public {
    match (public_at, withdrawn_at) {
        (Some(_), None) if !hidden => Public::Shown,
        (Some(_), _) => Public::Withdrawn,
        (None, _) => Public::Never,
    }
}

/// An experiment's public standing from its columns.
pub fn experiment(
    public_at: Option<chrono::NaiveDateTime>,
    withdrawn_at: Option<chrono::NaiveDateTime>,
    status: ExperimentStatus,
) -> Public {
    match (public_at, withdrawn_at) {
        (Some(_), None) if PUBLIC_EXPERIMENT_STATUSES.contains(&status) => Public::Shown,
        (Some(_), _) => Public::Withdrawn,
        (None, _) => Public::Never,
    }
}

/// The ideas the public sees, as a filter (the same rule as `idea`).
#[allow(clippy::type_complexity)]
pub fn public_ideas() -> dsl::And<
    dsl::And<dsl::IsNotNull<ideas::public_at>, dsl::IsNull<ideas::public_withdrawn_at>>,
    dsl::Eq<ideas::hidden, bool>,
> {
    ideas::public_at
        .is_not_null()
        .and(ideas::public_withdrawn_at.is_null())
        .and(ideas::hidden.eq(false))
}

/// The experiments the public sees, as a filter (the same rule as `experiment`).
#[allow(clippy::type_complexity)]
pub fn public_experiments() -> dsl::And<
    dsl::And<dsl::IsNotNull<experiments::public_at>, dsl::IsNull<experiments::public_withdrawn_at>>,
    dsl::EqAny<experiments::status, [&'static str; 4]>,
> {
    experiments::public_at
        .is_not_null()
        .and(experiments::public_withdrawn_at.is_null())
        .and(experiments::status.eq_any(PUBLIC_EXPERIMENT_STATUSES.map(ExperimentStatus::as_str)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Option<chrono::NaiveDateTime> {
        Some(
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        )
    }

    #[test]
    fn withdrawn_is_gone_and_never_is_not_found() {
        assert_eq!(idea(at(), None, false), Public::Shown);
        assert_eq!(idea(at(), at(), false), Public::Withdrawn);
        assert_eq!(idea(at(), None, true), Public::Withdrawn, "hidden by moderation");
        assert_eq!(idea(None, None, false), Public::Never);
        assert_eq!(experiment(at(), None, ExperimentStatus::Running), Public::Shown);
        assert_eq!(experiment(at(), None, ExperimentStatus::Withdrawn), Public::Withdrawn);
        assert_eq!(experiment(None, None, ExperimentStatus::Adopted), Public::Never);
    }
}
