//! Which part of a period a moment falls in, as an SQL expression that both backends run.

use super::MultiBackend;
use chrono::NaiveDateTime;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, SqlLiteral, ValidGrouping, is_aggregate};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Integer, Timestamp};
use diesel::{QueryResult, dsl};

/// `CASE WHEN moment < end₀ THEN 0 WHEN moment < end₁ THEN 1 … ELSE n END`: the index of the
/// first part whose end is after the moment. The ends are bound parameters, so the parts may be
/// calendar months of any time zone. Group by it with [`first_column`].
#[derive(Debug, Clone)]
pub struct PartOf<C> {
    moment: C,
    ends: Vec<NaiveDateTime>,
}

impl<C> PartOf<C> {
    /// The part of `ends` (ascending) that `moment` falls in.
    pub fn new(moment: C, ends: Vec<NaiveDateTime>) -> Self {
        PartOf { moment, ends }
    }
}

/// `GROUP BY 1`: the first selected column. PostgreSQL would not match an expression with bound
/// parameters in the select list to a copy of it in the grouping, so the grouping names its place.
pub fn first_column() -> SqlLiteral<Integer> {
    dsl::sql::<Integer>("1")
}

impl<C: Expression> Expression for PartOf<C> {
    type SqlType = Integer;
}

impl<C, QS> AppearsOnTable<QS> for PartOf<C> where C: AppearsOnTable<QS> {}

impl<C, QS> SelectableExpression<QS> for PartOf<C> where C: SelectableExpression<QS> {}

// The grouping is by the expression itself (its place in the select list), never an aggregate.
impl<C, GB> ValidGrouping<GB> for PartOf<C> {
    type IsAggregate = is_aggregate::Never;
}

impl<C> QueryId for PartOf<C> {
    type QueryId = ();
    // The number of parameters varies, so the statement is never cached by type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<MultiBackend>> QueryFragment<MultiBackend> for PartOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.push_sql("(CASE");
        for (i, end) in self.ends.iter().enumerate() {
            out.push_sql(" WHEN ");
            self.moment.walk_ast(out.reborrow())?;
            out.push_sql(" < ");
            out.push_bind_param::<Timestamp, NaiveDateTime>(end)?;
            // The index is ours, never input.
            out.push_sql(&format!(" THEN {i}"));
        }
        out.push_sql(&format!(" ELSE {} END)", self.ends.len()));
        Ok(())
    }
}
