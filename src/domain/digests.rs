//! Daily and weekly digests: notifications a person chose to hear of in a digest, gathered into
//! one email at 7 in the morning Finnish time (weekly: on Mondays), in their language, and
//! skipped when there is nothing. Each person's share is claimed by one conditional update, so
//! a digest goes out once even with several instances running.

use super::notifications::path_of;
use super::{Context, mail};
use crate::db::schema::{notifications, people};
use crate::error::AppResult;
use crate::i18n::{Locale, finnish_time, from_finnish_time};
use chrono::{Datelike, Duration, NaiveDateTime};
use diesel::prelude::*;

/// The Finnish hour digests go out.
const HOUR: u32 = 7;

/// The latest digest time at or before `now` (UTC): today's 7:00 in Finland, or yesterday's;
/// for the weekly one, the latest Monday's.
pub fn cutoff(now: NaiveDateTime, weekly: bool) -> NaiveDateTime {
    let local = finnish_time(now);
    let mut day = local.date();
    if local.time() < chrono::NaiveTime::from_hms_opt(HOUR, 0, 0).unwrap_or_default() {
        day -= Duration::days(1);
    }
    if weekly {
        day -= Duration::days(i64::from(day.weekday().num_days_from_monday()));
    }
    from_finnish_time(day.and_hms_opt(HOUR, 0, 0).unwrap_or_default())
}

/// Sends the digests due at `now`; returns how many were sent.
pub fn send_due_at(ctx: &Context, now: NaiveDateTime) -> AppResult<usize> {
    let mut sent = 0;
    for (digest, weekly) in [("daily", false), ("weekly", true)] {
        let before = cutoff(now, weekly);
        let waiting: Vec<i64> = {
            let mut conn = ctx.db.read()?;
            notifications::table
                .filter(notifications::digest.eq(digest))
                .filter(notifications::digested_at.is_null())
                .filter(notifications::created_at.lt(before))
                .select(notifications::person_id)
                .distinct()
                .load(&mut conn)?
        };
        for person in waiting {
            if send_one(ctx, person, digest, before, now)? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

/// Sends the digests due now.
pub fn send_due(ctx: &Context) -> AppResult<usize> {
    send_due_at(ctx, crate::clock::now())
}

/// Claims the person's waiting notifications of `digest` and queues one email of them.
fn send_one(ctx: &Context, person: i64, digest: &str, before: NaiveDateTime, now: NaiveDateTime) -> AppResult<bool> {
    ctx.db.transaction(|conn| {
        // The claim: whoever updates the rows sends them; a second instance finds none.
        let claimed = diesel::update(
            notifications::table
                .filter(notifications::person_id.eq(person))
                .filter(notifications::digest.eq(digest))
                .filter(notifications::digested_at.is_null())
                .filter(notifications::created_at.lt(before)),
        )
        .set(notifications::digested_at.eq(now))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(false);
        }
        let Some((email, locale, active)) = people::table
            .find(person)
            .select((people::email, people::locale, people::active))
            .first::<(String, String, bool)>(conn)
            .optional()?
        else {
            return Ok(false);
        };
        if !active {
            return Ok(false);
        }
        let items: Vec<(String, String, i64, String)> = notifications::table
            .filter(notifications::person_id.eq(person))
            .filter(notifications::digest.eq(digest))
            .filter(notifications::digested_at.eq(now))
            .order(notifications::id)
            .select((
                notifications::kind,
                notifications::object_type,
                notifications::object_id,
                notifications::title,
            ))
            .load(conn)?;
        let locale = Locale::parse(&locale).unwrap_or_default();
        let lines: Vec<String> = items
            .iter()
            .map(|(kind, object_type, object_id, title)| {
                let text = locale.tf(&format!("notification.{kind}"), &[("title", title)]);
                format!("- {text}\n  {}", ctx.link(&path_of(object_type, *object_id)))
            })
            .collect();
        let n = lines.len().to_string();
        let list = lines.join("\n");
        let preferences = ctx.link("/profile#notifications-heading");
        mail::enqueue_listed(
            conn,
            &email,
            locale,
            &format!("digest_{digest}"),
            &[("n", &n), ("items", &list), ("preferences", &preferences)],
            &format!("digest_{digest}"),
        )?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn digests_go_out_at_seven_finnish_time_and_weekly_on_mondays() {
        // 2026-11-29 is a Sunday; Finland is UTC+2 in winter.
        assert_eq!(cutoff(utc("2026-11-29 05:30"), false), utc("2026-11-29 05:00"));
        assert_eq!(cutoff(utc("2026-11-29 04:30"), false), utc("2026-11-28 05:00"));
        assert_eq!(cutoff(utc("2026-11-29 12:00"), true), utc("2026-11-23 05:00"));
        assert_eq!(cutoff(utc("2026-11-30 05:00"), true), utc("2026-11-30 05:00"));
        // Summer time: UTC+3.
        assert_eq!(cutoff(utc("2026-06-10 12:00"), false), utc("2026-06-10 04:00"));
    }
}
