//! Announcing a campaign when it opens: to everyone it invites, in the app and by email as each
//! person chose (the daily digest by default), in one statement for the app and one per
//! language for the mail. Claimed by a conditional update, so it goes out once.

use crate::db::AnyConnection;
use crate::db::schema::campaigns;
use crate::domain::notifications::{Kind, path_of};
use crate::domain::{Context, mail};
use crate::error::AppResult;
use crate::i18n::Locale;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

/// Announces the campaigns that have opened and are not yet announced; returns how many.
pub fn announce_due(ctx: &Context) -> AppResult<usize> {
    let now = crate::clock::now();
    let due: Vec<(i64, String)> = {
        let mut conn = ctx.db.read()?;
        campaigns::table
            .filter(campaigns::announced_at.is_null())
            .filter(campaigns::starts_at.le(now))
            .filter(campaigns::ends_at.gt(now))
            .select((campaigns::id, campaigns::title))
            .load(&mut conn)?
    };
    let mut done = 0;
    for (id, title) in due {
        done += ctx.db.transaction(|conn| {
            let claimed = diesel::update(campaigns::table.find(id).filter(campaigns::announced_at.is_null()))
                .set(campaigns::announced_at.eq(now))
                .execute(conn)?;
            if claimed == 1 {
                announce(conn, ctx, id, &title, now)?;
            }
            Ok(claimed)
        })?;
    }
    Ok(done)
}

/// The people a campaign (`$1`) invites, as `p`, with `c` the campaign: active, of its audience,
/// and when it targets a unit, of that unit's subtree (customers through their panels' units).
const INVITED: &str = "WITH RECURSIVE sub(id) AS ( \
      SELECT unit_id FROM campaigns WHERE id = $1 AND unit_id IS NOT NULL \
      UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) \
    {insert} \
    FROM people p JOIN campaigns c ON c.id = $1 \
    LEFT JOIN notification_preferences np ON np.person_id = p.id AND np.kind = $2 \
    WHERE p.active \
    AND (c.audience = 'everyone' OR (c.audience = 'customers') = (p.kind = 'customer')) \
    AND (c.unit_id IS NULL \
      OR EXISTS (SELECT 1 FROM person_units pu WHERE pu.person_id = p.id AND pu.unit_id IN (SELECT id FROM sub)) \
      OR EXISTS (SELECT 1 FROM panel_members m JOIN panel_units pnu ON pnu.panel_id = m.panel_id \
                 WHERE m.person_id = p.id AND pnu.unit_id IN (SELECT id FROM sub)))";

/// The person's channel for announcements, or the default (the daily digest).
const CHANNEL: &str = "COALESCE(np.channel, 'daily')";

fn announce(conn: &mut AnyConnection, ctx: &Context, id: i64, title: &str, now: NaiveDateTime) -> AppResult<()> {
    let kind = Kind::CampaignOpened;
    let in_app = INVITED.replace(
        "{insert}",
        &format!(
            "INSERT INTO notifications (person_id, kind, object_type, object_id, title, created_at, digest, own) \
             SELECT p.id, $2, 'campaign', $1, $3, $4, \
             CASE WHEN {CHANNEL} IN ('daily', 'weekly') THEN {CHANNEL} END, \
             COALESCE(c.created_by = p.id, FALSE)"
        ),
    ) + &format!(" AND {CHANNEL} <> 'off'");
    crate::db::backend::on_backend!(conn, c => diesel::sql_query(&in_app)
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(kind.as_str())
        .bind::<Text, _>(title)
        .bind::<Timestamp, _>(now)
        .execute(c))?;
    let by_mail = INVITED.replace(
        "{insert}",
        // SQLite numbers `$n` in the order they first appear: the kind ($2) comes first.
        "INSERT INTO outbox (list_kind, recipient, subject, body, created_at, next_attempt_at) \
         SELECT $2, p.email, $3, $4, $5, $5",
    ) + &format!(" AND {CHANNEL} = 'immediate' AND p.locale = $6");
    let link = ctx.link(&path_of(kind.object_type(), id));
    for locale in [Locale::Fi, Locale::Sv, Locale::En] {
        let (subject, body) = mail::render_listed(
            locale,
            &format!("notify_{}", kind.as_str()),
            &[("title", title), ("link", &link)],
        );
        crate::db::backend::on_backend!(conn, c => diesel::sql_query(&by_mail)
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(kind.as_str())
            .bind::<Text, _>(&subject)
            .bind::<Text, _>(&body)
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>(locale.code())
            .execute(c))?;
    }
    Ok(())
}
