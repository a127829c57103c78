//! How each person hears of each kind of event. Without a choice: their own items by email at
//! once, followed ones in the daily digest, and what waits for them (a review, a decision) at once.

use super::Context;
use super::access::Actor;
use super::notifications::Kind;
use super::validate::Validator;
use crate::db::schema::notification_preferences as prefs;
use crate::error::AppResult;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// Where notifications of a kind go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// In the app (the bell) only.
    App,
    /// In the app, and by email at once.
    Immediate,
    /// In the app, and in the daily email digest.
    Daily,
    /// In the app, and in the weekly email digest.
    Weekly,
    /// Not at all.
    Off,
}

impl Channel {
    /// Every channel, in the order the profile offers them.
    pub const ALL: [Channel; 5] = [
        Channel::Immediate,
        Channel::Daily,
        Channel::Weekly,
        Channel::App,
        Channel::Off,
    ];

    /// The stored value and translation key.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::App => "app",
            Channel::Immediate => "immediate",
            Channel::Daily => "daily",
            Channel::Weekly => "weekly",
            Channel::Off => "off",
        }
    }

    /// The channels a kind may go to: the week's unit news is a part of the weekly digest or
    /// nothing; everything else may go anywhere.
    pub fn choices_for(kind: Kind) -> &'static [Channel] {
        match kind {
            Kind::UnitNews => &[Channel::Weekly, Channel::Off],
            _ => &Channel::ALL,
        }
    }

    /// The channel a stored or submitted value names.
    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// One kind of event and how the person hears of it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Preference {
    /// The notification kind (review_waiting, idea_commented, …).
    pub kind: String,
    pub channel: Channel,
    /// Whether this is the default (no choice made).
    #[serde(default)]
    pub default: bool,
}

/// The default for a kind: about what waits for the person, at once; followed items daily.
pub fn default_for(kind: Kind) -> Channel {
    if kind == Kind::UnitNews {
        Channel::Weekly
    } else if kind.about_followed() {
        Channel::Daily
    } else {
        Channel::Immediate
    }
}

/// The channels the kind of that name may go to (every channel for an unknown name).
pub fn channels_of(kind: &str) -> &'static [Channel] {
    Kind::ALL
        .iter()
        .find(|k| k.as_str() == kind)
        .map_or(&Channel::ALL[..], |k| Channel::choices_for(*k))
}

/// Whether a kind of event can reach the person at all (a customer is never asked to review).
fn reaches(kind: Kind, actor: &Actor) -> bool {
    let staff = actor.kind != crate::domain::access::PersonKind::Customer;
    match kind {
        Kind::ReviewUnrouted => actor.is_admin(),
        Kind::ReviewWaiting
        | Kind::Decided
        | Kind::VersionWaiting
        | Kind::VersionDecided
        | Kind::ReportOverdue
        | Kind::RoundClosed
        | Kind::UnitNews => staff,
        _ => true,
    }
}

/// Every kind with the person's channel, in a fixed order.
pub fn list(ctx: &Context, actor: &Actor) -> AppResult<Vec<Preference>> {
    let mut conn = ctx.db.read()?;
    let chosen: Vec<(String, String)> = prefs::table
        .filter(prefs::person_id.eq(actor.id))
        .select((prefs::kind, prefs::channel))
        .load(&mut conn)?;
    Ok(Kind::ALL
        .iter()
        .filter(|kind| reaches(**kind, actor))
        .map(|kind| {
            let choice = chosen
                .iter()
                .find(|(k, _)| k == kind.as_str())
                .and_then(|(_, c)| Channel::parse(c));
            Preference {
                kind: kind.as_str().to_string(),
                channel: choice.unwrap_or(default_for(*kind)),
                default: choice.is_none(),
            }
        })
        .collect())
}

/// Saves the person's choices (kinds not named keep theirs); an unknown kind is a field error.
pub fn save(ctx: &Context, actor: &Actor, choices: &[(String, Channel)]) -> AppResult<()> {
    let mut v = Validator::new();
    for (kind, channel) in choices {
        match Kind::ALL.iter().find(|k| k.as_str() == kind) {
            None => v.add(&format!("kind_{kind}"), "unknown"),
            Some(k) if !Channel::choices_for(*k).contains(channel) => v.add(&format!("kind_{kind}"), "invalid_choice"),
            Some(_) => {}
        }
    }
    v.finish()?;
    ctx.db.transaction(|conn| {
        for (kind, channel) in choices {
            diesel::delete(prefs::table.find((actor.id, kind))).execute(conn)?;
            diesel::insert_into(prefs::table)
                .values((
                    prefs::person_id.eq(actor.id),
                    prefs::kind.eq(kind),
                    prefs::channel.eq(channel.as_str()),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// What an unsubscribe link switches off: one kind of notification, or a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    pub person_id: i64,
    /// A notification kind, or `digest_daily` / `digest_weekly`.
    pub kind: String,
}

/// Reads an unsubscribe link's token; `BadRequest` when it is forged, expired or revoked.
pub fn unsubscribe_of(ctx: &Context, token: &str) -> AppResult<Unsubscribe> {
    let invalid = || crate::error::AppError::BadRequest("unsubscribe_link_invalid".into());
    let claims = ctx
        .tokens
        .verify(token, crate::auth::tokens::Purpose::Unsubscribe)
        .ok_or_else(invalid)?;
    let person_id = claims.person_id().ok_or_else(invalid)?;
    let known = ["digest_daily", "digest_weekly"].contains(&claims.knd.as_str())
        || Kind::ALL.iter().any(|k| k.as_str() == claims.knd);
    let mut conn = ctx.db.read()?;
    let generation = crate::db::schema::people::table
        .find(person_id)
        .filter(crate::db::schema::people::active.eq(true))
        .select(crate::db::schema::people::token_generation)
        .first::<i32>(&mut conn)
        .optional()?;
    if !known || generation != Some(claims.tgen) {
        return Err(invalid());
    }
    Ok(Unsubscribe {
        person_id,
        kind: claims.knd,
    })
}

/// Switches the emails of an unsubscribe link off (they stay in the app): the kind's, or every
/// kind that went to that digest. Doing it twice changes nothing.
pub fn unsubscribe(ctx: &Context, u: &Unsubscribe) -> AppResult<()> {
    let digest = match u.kind.as_str() {
        "digest_daily" => Some(Channel::Daily),
        "digest_weekly" => Some(Channel::Weekly),
        _ => None,
    };
    let kinds: Vec<String> = match digest {
        None => vec![u.kind.clone()],
        Some(channel) => {
            let mut conn = ctx.db.read()?;
            let chosen: Vec<(String, String)> = prefs::table
                .filter(prefs::person_id.eq(u.person_id))
                .select((prefs::kind, prefs::channel))
                .load(&mut conn)?;
            Kind::ALL
                .iter()
                .filter(|k| {
                    let current = chosen
                        .iter()
                        .find(|(c, _)| c == k.as_str())
                        .and_then(|(_, ch)| Channel::parse(ch))
                        .unwrap_or(default_for(**k));
                    current == channel
                })
                .map(|k| k.as_str().to_string())
                .collect()
        }
    };
    ctx.db.transaction(|conn| {
        for kind in &kinds {
            // The unit news has no place in the app: switched off, it is off.
            let to = if kind == Kind::UnitNews.as_str() {
                Channel::Off
            } else {
                Channel::App
            };
            diesel::delete(prefs::table.find((u.person_id, kind))).execute(conn)?;
            diesel::insert_into(prefs::table)
                .values((
                    prefs::person_id.eq(u.person_id),
                    prefs::kind.eq(kind),
                    prefs::channel.eq(to.as_str()),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}
