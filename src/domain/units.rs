//! Units: the organisation's tree of sectors, units and teams.

use super::access::Actor;
use super::policy::people::{Record, require_edit};
use super::validate::Validator;
use super::{Context, events};
use crate::db::AnyConnection;
use crate::db::schema::{municipalities, unit_municipalities, units};
use crate::error::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The level of a unit in the tree.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Toimiala: a sector such as elderly services.
    Sector,
    /// Yksikkö: a unit within a sector.
    Unit,
    /// Tiimi: a team within a unit.
    Team,
}

crate::stored_as_text!(UnitKind {
    Sector => "sector",
    Unit => "unit",
    Team => "team",
});

/// One unit as stored.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = units)]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub active: bool,
    /// Approvals an experiment of this unit needs (default 1).
    pub required_approvals: i32,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// Whether the unit's experiments show their budgets in the public showcase.
    pub public_budget: bool,
}

/// A unit with its served municipalities and its children.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub active: bool,
    pub required_approvals: i32,
    pub municipality_ids: Vec<i64>,
    /// How deep in the tree (0 for sectors).
    pub depth: usize,
    #[schema(no_recursion)]
    pub children: Vec<UnitNode>,
}

/// Every unit, flat, by name.
pub fn all(conn: &mut AnyConnection) -> AppResult<Vec<Unit>> {
    Ok(units::table.order(units::name).select(Unit::as_select()).load(conn)?)
}

impl UnitNode {
    /// Dashes that show the depth in a flat select list.
    pub fn indent(&self) -> String {
        "— ".repeat(self.depth)
    }
}

/// The whole tree, siblings by name.
pub fn tree(ctx: &Context) -> AppResult<Vec<UnitNode>> {
    let mut conn = ctx.db.read()?;
    let list = all(&mut conn)?;
    let served = unit_municipalities::table
        .select((unit_municipalities::unit_id, unit_municipalities::municipality_id))
        .load::<(i64, i64)>(&mut conn)?;
    let mut by_unit: HashMap<i64, Vec<i64>> = HashMap::new();
    for (u, m) in served {
        by_unit.entry(u).or_default().push(m);
    }
    let mut children: HashMap<Option<i64>, Vec<&Unit>> = HashMap::new();
    for u in &list {
        children.entry(u.parent_id).or_default().push(u);
    }
    fn build(
        parent: Option<i64>,
        depth: usize,
        children: &HashMap<Option<i64>, Vec<&Unit>>,
        served: &HashMap<i64, Vec<i64>>,
    ) -> Vec<UnitNode> {
        children
            .get(&parent)
            .map(|list| {
                list.iter()
                    .map(|u| UnitNode {
                        id: u.id,
                        parent_id: u.parent_id,
                        name: u.name.clone(),
                        kind: u.kind.clone(),
                        active: u.active,
                        required_approvals: u.required_approvals,
                        municipality_ids: served.get(&u.id).cloned().unwrap_or_default(),
                        depth,
                        children: build(Some(u.id), depth + 1, children, served),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    Ok(build(None, 0, &children, &by_unit))
}

/// The active units as indented choices for a select, depth-first.
pub fn choices(ctx: &Context) -> AppResult<Vec<(i64, String)>> {
    Ok(flatten(&tree(ctx)?)
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id, format!("{}{}", u.indent(), u.name)))
        .collect())
}

/// The tree flattened depth-first, for indented lists and selects.
pub fn flatten(nodes: &[UnitNode]) -> Vec<&UnitNode> {
    let mut out = Vec::new();
    fn walk<'a>(nodes: &'a [UnitNode], out: &mut Vec<&'a UnitNode>) {
        for n in nodes {
            out.push(n);
            walk(&n.children, out);
        }
    }
    walk(nodes, &mut out);
    out
}

/// Every unit's parent.
pub fn parents(conn: &mut AnyConnection) -> AppResult<HashMap<i64, Option<i64>>> {
    Ok(units::table
        .select((units::id, units::parent_id))
        .load::<(i64, Option<i64>)>(conn)?
        .into_iter()
        .collect())
}

/// The unit and its ancestors, nearest first (the lineage scoped roles are checked against).
pub fn lineage(conn: &mut AnyConnection, unit_id: i64) -> AppResult<Vec<i64>> {
    Ok(lineage_in(&parents(conn)?, unit_id))
}

/// The lineage of `unit_id` in an already loaded parent map.
pub fn lineage_in(parents: &HashMap<i64, Option<i64>>, unit_id: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut current = Some(unit_id);
    while let Some(id) = current {
        if out.contains(&id) || !parents.contains_key(&id) {
            break;
        }
        out.push(id);
        current = parents[&id];
    }
    out
}

/// The unit and all its descendants.
pub fn subtree(conn: &mut AnyConnection, unit_id: i64) -> AppResult<Vec<i64>> {
    let pairs: Vec<(i64, Option<i64>)> = units::table.select((units::id, units::parent_id)).load(conn)?;
    let mut out = vec![unit_id];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(pairs.iter().filter(|(_, p)| *p == Some(parent)).map(|(id, _)| *id));
        i += 1;
    }
    Ok(out)
}

/// One unit.
pub fn get(ctx: &Context, id: i64) -> AppResult<Unit> {
    let mut conn = ctx.db.read()?;
    Ok(units::table.find(id).select(Unit::as_select()).first(&mut conn)?)
}

/// The municipalities a unit serves.
pub fn municipality_ids(ctx: &Context, id: i64) -> AppResult<Vec<i64>> {
    let mut conn = ctx.db.read()?;
    Ok(unit_municipalities::table
        .filter(unit_municipalities::unit_id.eq(id))
        .select(unit_municipalities::municipality_id)
        .load(&mut conn)?)
}

/// A new unit.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    pub name: String,
    /// sector, unit or team.
    pub kind: String,
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub municipality_ids: Vec<i64>,
    pub required_approvals: Option<i32>,
}

/// Changes to a unit; absent fields stay. `parent_id: null` makes it a top-level unit.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    pub active: Option<bool>,
    pub required_approvals: Option<i32>,
    pub municipality_ids: Option<Vec<i64>>,
    /// Whether its experiments show their budgets in the public showcase.
    pub public_budget: Option<bool>,
}

fn check_common(
    conn: &mut AnyConnection,
    v: &mut Validator,
    kind: Option<&str>,
    approvals: Option<i32>,
    municipality_ids: Option<&[i64]>,
) -> AppResult<()> {
    if let Some(k) = kind
        && UnitKind::parse(k).is_none()
    {
        v.add("kind", "invalid_choice");
    }
    if let Some(a) = approvals
        && !(1..=10).contains(&a)
    {
        v.add("required_approvals", "out_of_range");
    }
    if let Some(ids) = municipality_ids {
        let found = municipalities::table
            .filter(municipalities::id.eq_any(ids))
            .count()
            .get_result::<i64>(conn)?;
        let mut distinct = ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if found != distinct.len() as i64 {
            v.add("municipality_ids", "unknown");
        }
    }
    Ok(())
}

fn set_municipalities(conn: &mut AnyConnection, unit_id: i64, ids: &[i64]) -> AppResult<()> {
    diesel::delete(unit_municipalities::table.filter(unit_municipalities::unit_id.eq(unit_id))).execute(conn)?;
    let mut distinct = ids.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    for m in distinct {
        diesel::insert_into(unit_municipalities::table)
            .values((
                unit_municipalities::unit_id.eq(unit_id),
                unit_municipalities::municipality_id.eq(m),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Adds a unit; administrators only.
pub fn create(ctx: &Context, actor: &Actor, input: &NewUnit) -> AppResult<i64> {
    require_edit(actor, Record::Unit)?;
    let mut v = Validator::new();
    let name = v.name("name", &input.name);
    ctx.db.transaction(|conn| {
        check_common(
            conn,
            &mut v,
            Some(&input.kind),
            input.required_approvals,
            Some(&input.municipality_ids),
        )?;
        if let Some(p) = input.parent_id {
            let exists = units::table.find(p).count().get_result::<i64>(conn)? > 0;
            if !exists {
                v.add("parent_id", "unknown");
            }
        }
        std::mem::take(&mut v).finish()?;
        let id = diesel::insert_into(units::table)
            .values((
                units::parent_id.eq(input.parent_id),
                units::name.eq(&name),
                units::kind.eq(&input.kind),
                units::required_approvals.eq(input.required_approvals.unwrap_or(1)),
                units::created_at.eq(crate::clock::now()),
            ))
            .returning(units::id)
            .get_result::<i64>(conn)?;
        set_municipalities(conn, id, &input.municipality_ids)?;
        events::record(
            conn,
            Some(actor.id),
            "created",
            "unit",
            id,
            serde_json::json!({ "name": name, "kind": input.kind, "parent_id": input.parent_id }),
        )?;
        Ok(id)
    })
}

/// Renames, moves, deactivates or reconfigures a unit; administrators only.
/// A move under itself or its own descendant is refused; so is deactivating a unit with active children.
pub fn update(ctx: &Context, actor: &Actor, id: i64, patch: &UnitPatch) -> AppResult<()> {
    require_edit(actor, Record::Unit)?;
    let mut v = Validator::new();
    let name = patch.name.as_deref().map(|n| v.name("name", n));
    ctx.db.transaction(|conn| {
        let current = units::table.find(id).select(Unit::as_select()).first(conn)?;
        check_common(
            conn,
            &mut v,
            patch.kind.as_deref(),
            patch.required_approvals,
            patch.municipality_ids.as_deref(),
        )?;
        if let Some(Some(new_parent)) = patch.parent_id {
            let exists = units::table.find(new_parent).count().get_result::<i64>(conn)? > 0;
            if !exists {
                v.add("parent_id", "unknown");
            } else if lineage(conn, new_parent)?.contains(&id) {
                v.add("parent_id", "cycle");
            }
        }
        std::mem::take(&mut v).finish()?;
        let active = patch.active.unwrap_or(current.active);
        if !active && current.active {
            let active_children = units::table
                .filter(units::parent_id.eq(id))
                .filter(units::active.eq(true))
                .count()
                .get_result::<i64>(conn)?;
            if active_children > 0 {
                return Err(AppError::conflict(
                    "unit_has_active_children",
                    "deactivate the sub-units first",
                ));
            }
        }
        let parent_id = patch.parent_id.unwrap_or(current.parent_id);
        let new_name = name.clone().unwrap_or(current.name.clone());
        diesel::update(units::table.find(id))
            .set((
                units::name.eq(&new_name),
                units::kind.eq(patch.kind.clone().unwrap_or(current.kind.clone())),
                units::parent_id.eq(parent_id),
                units::active.eq(active),
                units::required_approvals.eq(patch.required_approvals.unwrap_or(current.required_approvals)),
                units::public_budget.eq(patch.public_budget.unwrap_or(current.public_budget)),
            ))
            .execute(conn)?;
        if let Some(ids) = &patch.municipality_ids {
            set_municipalities(conn, id, ids)?;
        }
        let verb = if parent_id != current.parent_id {
            "moved"
        } else {
            "updated"
        };
        events::record(
            conn,
            Some(actor.id),
            verb,
            "unit",
            id,
            serde_json::json!({
                "name": new_name, "active": active, "parent_id": parent_id,
                "previous_parent_id": current.parent_id, "previous_name": current.name,
            }),
        )?;
        Ok(())
    })
}
