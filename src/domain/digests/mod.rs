//! Daily and weekly digests: notifications a person chose to hear of in a digest, gathered into
//! one email at 7 in the morning Finnish time (weekly: on Mondays), in their language, and
//! skipped when there is nothing. Each person's digest of a period is claimed by writing its row, so
//! a digest goes out once even with several instances running. The weekly digest for staff also
//! tells what happened in their units.

mod unit_news;

use super::notifications::{path_of, text_key as notifications_text_key};
use super::{Context, mail};
use crate::db::schema::{digest_runs, notifications, people};
use crate::error::AppResult;
use crate::i18n::{Locale, finnish_time, from_finnish_time};
use chrono::{Datelike, Duration, NaiveDateTime};
use diesel::prelude::*;
use std::collections::HashMap;

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
        let mut due: Vec<i64> = {
            let mut conn = ctx.db.read()?;
            let mut due: Vec<i64> = notifications::table
                .filter(notifications::digest.eq(digest))
                .filter(notifications::digested_at.is_null())
                .filter(notifications::created_at.lt(before))
                .select(notifications::person_id)
                .distinct()
                .load(&mut conn)?;
            if weekly {
                due.extend(unit_news::readers(&mut conn)?);
            }
            // Those already sent this period are skipped without a transaction.
            let done: Vec<i64> = digest_runs::table
                .filter(digest_runs::digest.eq(digest))
                .filter(digest_runs::period_start.eq(before))
                .select(digest_runs::person_id)
                .load(&mut conn)?;
            due.retain(|p| !done.contains(p));
            due
        };
        due.sort_unstable();
        due.dedup();
        let parents = {
            let mut conn = ctx.db.read()?;
            crate::domain::units::parents(&mut conn)?
        };
        for person in due {
            if send_one(ctx, person, digest, before, now, &parents)? {
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

/// Claims the person's digest of the period ending `before` and queues it, unless it is empty.
fn send_one(
    ctx: &Context,
    person: i64,
    digest: &str,
    before: NaiveDateTime,
    now: NaiveDateTime,
    parents: &HashMap<i64, Option<i64>>,
) -> AppResult<bool> {
    ctx.db.transaction(|conn| {
        // The claim: whoever writes the period's row sends it; a second instance writes none.
        let row = (
            digest_runs::person_id.eq(person),
            digest_runs::digest.eq(digest),
            digest_runs::period_start.eq(before),
            digest_runs::sent_at.eq(now),
        );
        let claimed = crate::db::backend::on_backend!(conn, c => diesel::insert_into(digest_runs::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c))?;
        if claimed == 0 {
            return Ok(false);
        }
        diesel::update(
            notifications::table
                .filter(notifications::person_id.eq(person))
                .filter(notifications::digest.eq(digest))
                .filter(notifications::digested_at.is_null())
                .filter(notifications::created_at.lt(before)),
        )
        .set(notifications::digested_at.eq(now))
        .execute(conn)?;
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
        let items: Vec<(String, String, i64, String, bool)> = notifications::table
            .filter(notifications::person_id.eq(person))
            .filter(notifications::digest.eq(digest))
            .filter(notifications::digested_at.eq(now))
            .order(notifications::id)
            .select((
                notifications::kind,
                notifications::object_type,
                notifications::object_id,
                notifications::title,
                notifications::own,
            ))
            .load(conn)?;
        let news = if digest == "weekly" {
            // The week since the previous Monday's digest (a week of 167 or 169 hours at a change of
            // summer time).
            let from = cutoff(before - Duration::seconds(1), true);
            unit_news::of_person(conn, person, from, before, parents)?
        } else {
            None
        };
        if items.is_empty() && news.is_none() {
            return Ok(false);
        }
        let locale = Locale::parse(&locale).unwrap_or_default();
        let mut sections = Vec::new();
        if !items.is_empty() {
            let lines: Vec<String> = items
                .iter()
                .map(|(kind, object_type, object_id, title, own)| {
                    let text = locale.tf(&notifications_text_key(kind, *own), &[("title", title)]);
                    format!("- {text}\n  {}", ctx.link(&path_of(object_type, *object_id)))
                })
                .collect();
            sections.push(format!("{}\n\n{}", locale.t("digest.followed"), lines.join("\n")));
        }
        if let Some(news) = &news {
            sections.push(news.render(ctx, locale));
        }
        let n = (items.len() as i64 + news.as_ref().map_or(0, |n| n.total())).to_string();
        let preferences = ctx.link("/profile#notifications-heading");
        mail::enqueue_listed(
            conn,
            &email,
            locale,
            &format!("digest_{digest}"),
            &[
                ("n", &n),
                ("items", &sections.join("\n\n")),
                ("preferences", &preferences),
            ],
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
