//! Making an idea or an experiment public, and taking it down: a separate step from publishing
//! to customers, confirmed against a checklist, recorded in the audit log.

use crate::db::schema::{experiments, ideas, organisation, people};
use crate::domain::access::Actor;
use crate::domain::policy::people::{Record, require_edit};
use crate::domain::validate::Validator;
use crate::domain::{Context, events};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// What can be shown in public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicKind {
    Idea,
    Experiment,
}

impl PublicKind {
    /// The word in addresses and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            PublicKind::Idea => "idea",
            PublicKind::Experiment => "experiment",
        }
    }

    /// From an address's word.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "idea" | "ideas" => Some(PublicKind::Idea),
            "experiment" | "experiments" => Some(PublicKind::Experiment),
            _ => None,
        }
    }
}

/// What the one making an item public confirms; every point must be checked.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    /// The texts hold no customer's personal data.
    #[serde(default)]
    pub no_personal_data: bool,
    /// Any picture is shown only with the consent of the people in it, recorded.
    #[serde(default)]
    pub pictures_consented: bool,
    /// Names appear only for people who allow it (the service shows the unit otherwise).
    #[serde(default)]
    pub names_consented: bool,
}

impl Checklist {
    fn check(&self) -> AppResult<()> {
        let mut v = Validator::new();
        for (field, ok) in [
            ("no_personal_data", self.no_personal_data),
            ("pictures_consented", self.pictures_consented),
            ("names_consented", self.names_consented),
        ] {
            if !ok {
                v.add(field, "must_confirm");
            }
        }
        v.finish()
    }
}

/// Whether the actor may show the item publicly (its `can.show_publicly`).
fn may_show(ctx: &Context, actor: &Actor, kind: PublicKind, id: i64) -> AppResult<bool> {
    Ok(match kind {
        PublicKind::Experiment => crate::domain::experiments::get(ctx, actor, id)?.can.show_publicly,
        PublicKind::Idea => {
            let mut conn = ctx.db.read()?;
            crate::domain::ideas::load_readable(&mut conn, actor, id)?
                .1
                .show_publicly
        }
    })
}

/// Shows the item in the public showcase from now on (again, if it was withdrawn).
pub fn show(ctx: &Context, actor: &Actor, kind: PublicKind, id: i64, checklist: &Checklist) -> AppResult<()> {
    if !may_show(ctx, actor, kind, id)? {
        return Err(AppError::Forbidden);
    }
    checklist.check()?;
    let now = crate::clock::now();
    ctx.db.transaction(|conn| {
        match kind {
            PublicKind::Idea => diesel::update(ideas::table.find(id))
                .set((
                    ideas::public_at.eq(now),
                    ideas::public_withdrawn_at.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(conn)?,
            PublicKind::Experiment => diesel::update(experiments::table.find(id))
                .set((
                    experiments::public_at.eq(now),
                    experiments::public_withdrawn_at.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(conn)?,
        };
        events::record(
            conn,
            Some(actor.id),
            "shown_publicly",
            kind.as_str(),
            id,
            serde_json::json!({
                "no_personal_data": checklist.no_personal_data,
                "pictures_consented": checklist.pictures_consented,
                "names_consented": checklist.names_consented,
            }),
        )
    })
}

/// Takes the item down at once: its public address answers 410 and it leaves the feeds.
pub fn withdraw(ctx: &Context, actor: &Actor, kind: PublicKind, id: i64) -> AppResult<()> {
    if !may_show(ctx, actor, kind, id)? {
        return Err(AppError::Forbidden);
    }
    let now = crate::clock::now();
    ctx.db.transaction(|conn| {
        let changed = match kind {
            PublicKind::Idea => diesel::update(ideas::table.find(id).filter(ideas::public_at.is_not_null()))
                .set(ideas::public_withdrawn_at.eq(now))
                .execute(conn)?,
            PublicKind::Experiment => {
                diesel::update(experiments::table.find(id).filter(experiments::public_at.is_not_null()))
                    .set(experiments::public_withdrawn_at.eq(now))
                    .execute(conn)?
            }
        };
        if changed == 0 {
            return Err(AppError::conflict("not_public", "it is not shown in public"));
        }
        events::record(
            conn,
            Some(actor.id),
            "withdrawn_publicly",
            kind.as_str(),
            id,
            serde_json::json!({}),
        )
    })
}

/// Turns the showcase on or off for the organisation (administrators).
pub fn set_on(ctx: &Context, actor: &Actor, on: bool) -> AppResult<()> {
    require_edit(actor, Record::Organisation)?;
    ctx.db.transaction(|conn| {
        let id = organisation::table.select(organisation::id).first::<i64>(conn)?;
        diesel::update(organisation::table.find(id))
            .set(organisation::showcase_on.eq(on))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            if on { "showcase_on" } else { "showcase_off" },
            "organisation",
            id,
            serde_json::json!({}),
        )
    })
}

/// Whether the person lets their name appear in public.
pub fn public_name(ctx: &Context, person_id: i64) -> AppResult<bool> {
    let mut conn = ctx.db.read()?;
    Ok(people::table
        .find(person_id)
        .select(people::public_name)
        .first(&mut conn)?)
}

/// The person's own choice whether their name may appear in public (default: no).
pub fn set_public_name(ctx: &Context, actor: &Actor, allow: bool) -> AppResult<()> {
    ctx.db.transaction(|conn| {
        diesel::update(people::table.find(actor.id))
            .set(people::public_name.eq(allow))
            .execute(conn)?;
        events::record(
            conn,
            Some(actor.id),
            "public_name_set",
            "person",
            actor.id,
            serde_json::json!({ "allow": allow }),
        )
    })
}
