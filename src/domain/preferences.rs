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
    if kind.about_followed() {
        Channel::Daily
    } else {
        Channel::Immediate
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
    for (kind, _) in choices {
        if !Kind::ALL.iter().any(|k| k.as_str() == kind) {
            v.add(&format!("kind_{kind}"), "unknown");
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
