//! Notifications: in-app (the bell) and by email through the outbox, written in the same
//! transaction as the change that causes them.

use super::access::Actor;
use super::{Context, mail};
use crate::db::AnyConnection;
use crate::db::schema::{notification_preferences, notifications, people};
use crate::domain::preferences::Channel;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

mod followers;
pub use followers::{notify_followers, notify_followers_about};

/// What a notification is about; each has an in-app text and an email under its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Kind {
    /// An experiment waits for the recipient's review.
    ReviewWaiting,
    /// A key expert decided on the recipient's experiment.
    Decided,
    /// A new plan version waits for a key expert.
    VersionWaiting,
    /// A key expert accepted or declined a plan version.
    VersionDecided,
    /// The end date passed without a result report.
    ReportOverdue,
    /// Something was shared with the recipient's customer panel.
    PanelShared,
    /// A voting round of the recipient's panel opened.
    RoundOpened,
    /// A voting round the recipient coordinates closed.
    RoundClosed,
    /// Someone commented on an idea the recipient follows.
    IdeaCommented,
    /// Someone supported an idea the recipient follows.
    IdeaSupported,
    /// An idea the recipient follows moved to another status.
    IdeaStatusChanged,
    /// An idea the recipient follows was merged into another.
    IdeaMerged,
    /// An idea the recipient follows was published to customers.
    IdeaPublished,
    /// An experiment the recipient follows (or one trying an idea they follow) started running.
    ExperimentStarted,
    /// An experiment the recipient follows was completed with its result report.
    ExperimentCompleted,
    /// An experiment the recipient follows was adopted into practice, or not.
    ExperimentOutcome,
    /// Another unit adopted the practice of an experiment the recipient follows.
    ExperimentAdopted,
    /// A campaign inviting the recipient opened.
    CampaignOpened,
    /// A new idea was written for a campaign the recipient follows.
    CampaignIdea,
    /// A panel commented on something shared with it that the recipient follows.
    ShareCommented,
    /// An experiment waits with nobody left to review it (administrators).
    ReviewUnrouted,
    /// What happened in the person's units in the week (staff; only ever in the weekly digest).
    UnitNews,
}

crate::stored_as_text!(Kind {
    ReviewWaiting => "review_waiting",
    Decided => "decided",
    VersionWaiting => "version_waiting",
    VersionDecided => "version_decided",
    ReportOverdue => "report_overdue",
    PanelShared => "panel_shared",
    RoundOpened => "round_opened",
    RoundClosed => "round_closed",
    IdeaCommented => "idea_commented",
    IdeaSupported => "idea_supported",
    IdeaStatusChanged => "idea_status_changed",
    IdeaMerged => "idea_merged",
    IdeaPublished => "idea_published",
    ExperimentStarted => "experiment_started",
    ExperimentCompleted => "experiment_completed",
    ExperimentOutcome => "experiment_outcome",
    ExperimentAdopted => "experiment_adopted",
    CampaignOpened => "campaign_opened",
    CampaignIdea => "campaign_idea",
    ShareCommented => "share_commented",
    ReviewUnrouted => "review_unrouted",
    UnitNews => "unit_news",
});

impl Kind {
    /// Whether this kind is about something the person follows (rather than something that
    /// waits for them): such news goes to the daily digest unless it is their own item.
    pub fn about_followed(self) -> bool {
        matches!(
            self,
            Kind::IdeaCommented
                | Kind::IdeaSupported
                | Kind::IdeaStatusChanged
                | Kind::IdeaMerged
                | Kind::IdeaPublished
                | Kind::ExperimentStarted
                | Kind::ExperimentCompleted
                | Kind::ExperimentOutcome
                | Kind::ExperimentAdopted
                | Kind::CampaignOpened
                | Kind::CampaignIdea
                | Kind::ShareCommented
        )
    }

    /// What kind of object the notification is about.
    pub fn object_type(self) -> &'static str {
        match self {
            Kind::PanelShared => "panel",
            Kind::RoundOpened | Kind::RoundClosed => "round",
            Kind::IdeaCommented
            | Kind::IdeaSupported
            | Kind::IdeaStatusChanged
            | Kind::IdeaMerged
            | Kind::IdeaPublished
            | Kind::CampaignIdea => "idea",
            Kind::CampaignOpened => "campaign",
            Kind::ShareCommented => "share",
            _ => "experiment",
        }
    }
}

/// The page a notification about an object leads to.
pub fn path_of(object_type: &str, object_id: i64) -> String {
    match object_type {
        "panel" => format!("/panels/{object_id}"),
        "round" => format!("/rounds/{object_id}"),
        "idea" => format!("/ideas/{object_id}"),
        "campaign" => format!("/campaigns/{object_id}"),
        "share" => format!("/shares/{object_id}"),
        _ => format!("/experiments/{object_id}"),
    }
}

/// Notifies each of `recipients` once (active people only), in-app and by email in their language;
/// `object_id` is the experiment, panel or round that `kind` is about.
pub fn notify(
    conn: &mut AnyConnection,
    ctx: &Context,
    recipients: &[i64],
    kind: Kind,
    object_id: i64,
    title: &str,
) -> AppResult<()> {
    let mut seen = Vec::new();
    let now = crate::clock::now();
    let link = ctx.link(&path_of(kind.object_type(), object_id));
    for &person in recipients {
        if seen.contains(&person) {
            continue;
        }
        seen.push(person);
        let Some((email, locale)) = people::table
            .find(person)
            .filter(people::active.eq(true))
            .select((people::email, people::locale))
            .first::<(String, String)>(conn)
            .optional()?
        else {
            continue;
        };
        let channel = notification_preferences::table
            .find((person, kind.as_str()))
            .select(notification_preferences::channel)
            .first::<String>(conn)
            .optional()?
            .and_then(|c| Channel::parse(&c))
            .unwrap_or(crate::domain::preferences::default_for(kind));
        if channel == Channel::Off {
            continue;
        }
        let digest = matches!(channel, Channel::Daily | Channel::Weekly).then(|| channel.as_str());
        diesel::insert_into(notifications::table)
            .values((
                notifications::person_id.eq(person),
                notifications::kind.eq(kind.as_str()),
                notifications::object_type.eq(kind.object_type()),
                notifications::object_id.eq(object_id),
                notifications::title.eq(title),
                notifications::created_at.eq(now),
                notifications::digest.eq(digest),
            ))
            .execute(conn)?;
        if channel != Channel::Immediate {
            continue;
        }
        let locale = Locale::parse(&locale).unwrap_or_default();
        mail::enqueue_listed(
            conn,
            &email,
            locale,
            &format!("notify_{}", kind.as_str()),
            &[("title", title), ("link", &link)],
            kind.as_str(),
        )?;
    }
    Ok(())
}

/// How many notifications the person has not read.
pub fn unread_count(conn: &mut AnyConnection, person_id: i64) -> AppResult<i64> {
    Ok(notifications::table
        .filter(notifications::person_id.eq(person_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// One notification.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    /// What it is about: review_waiting, decided, idea_commented, campaign_opened, … (the
    /// preference kinds).
    pub kind: String,
    /// idea, experiment, campaign, share, panel or round.
    pub object_type: String,
    pub object_id: i64,
    /// The title of what it is about when it was sent.
    pub title: String,
    #[serde(with = "crate::domain::utc::option")]
    pub read_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// About the person's own item ("your idea" rather than "an idea you follow").
    pub own: bool,
}

impl Notification {
    /// The translation key of its text.
    pub fn text_key(&self) -> String {
        text_key(&self.kind, self.own)
    }
}

/// The translation key of a notification's text: news of followed things read differently when
/// the thing is the person's own.
pub fn text_key(kind: &str, own: bool) -> String {
    let about_followed = Kind::ALL.iter().any(|k| k.as_str() == kind && k.about_followed());
    if own && about_followed {
        format!("notification.{kind}_own")
    } else {
        format!("notification.{kind}")
    }
}

/// The person's newest notifications (at most 100).
pub fn list(ctx: &Context, actor: &Actor) -> AppResult<Vec<Notification>> {
    let mut conn = ctx.db.read()?;
    Ok(notifications::table
        .filter(notifications::person_id.eq(actor.id))
        .order(notifications::id.desc())
        .limit(100)
        .select((
            notifications::id,
            notifications::kind,
            notifications::object_type,
            notifications::object_id,
            notifications::title,
            notifications::read_at,
            notifications::created_at,
            notifications::own,
        ))
        .load(&mut conn)?)
}

/// Opens one of the person's notifications: marks it read and returns where it leads.
pub fn open(ctx: &Context, actor: &Actor, id: i64) -> AppResult<String> {
    mark_read(ctx, actor, Some(id))?;
    let mut conn = ctx.db.read()?;
    let (object_type, object_id) = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::person_id.eq(actor.id))
        .select((notifications::object_type, notifications::object_id))
        .first::<(String, i64)>(&mut conn)?;
    Ok(path_of(&object_type, object_id))
}

/// Marks one of the person's notifications read (or all of them when `id` is None).
pub fn mark_read(ctx: &Context, actor: &Actor, id: Option<i64>) -> AppResult<()> {
    let mut conn = ctx.db.write()?;
    let mine = notifications::table
        .filter(notifications::person_id.eq(actor.id))
        .filter(notifications::read_at.is_null());
    let changed = match id {
        Some(id) => diesel::update(mine.filter(notifications::id.eq(id)))
            .set(notifications::read_at.eq(crate::clock::now()))
            .execute(&mut conn)?,
        None => diesel::update(mine)
            .set(notifications::read_at.eq(crate::clock::now()))
            .execute(&mut conn)?,
    };
    if let (Some(id), 0) = (id, changed) {
        // Someone else's, or unknown: not found; already read: fine.
        let exists = notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::person_id.eq(actor.id))
            .count()
            .get_result::<i64>(&mut conn)?;
        if exists == 0 {
            return Err(AppError::NotFound);
        }
    }
    Ok(())
}
