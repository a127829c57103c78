//! The mail outbox: mail is queued in the transaction of the change that causes it, and a
//! background task sends it, retrying with backoff; a request never waits on SMTP.

use super::Context;
use crate::clock::now;
use crate::db::schema::outbox;
use crate::db::{AnyConnection, backend};
use crate::error::AppResult;
use crate::i18n::Locale;
use crate::mail::Mailer;
use chrono::Duration;
use diesel::prelude::*;

/// Queues a plain-text message to be sent after the transaction commits.
pub fn enqueue(conn: &mut AnyConnection, to: &str, subject: &str, body: &str) -> AppResult<()> {
    let at = now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(to),
            outbox::subject.eq(subject),
            outbox::body.eq(body),
            outbox::created_at.eq(at),
            outbox::next_attempt_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Queues the message `email.<name>` in `locale`, filling `{placeholders}` from `args`.
pub fn enqueue_template(
    conn: &mut AnyConnection,
    to: &str,
    locale: Locale,
    name: &str,
    args: &[(&str, &str)],
) -> AppResult<()> {
    let (subject, body) = render(locale, name, args);
    enqueue(conn, to, &subject, &body)
}

/// Where the sender puts the recipient's own unsubscribe link (made when the mail is sent).
pub const UNSUBSCRIBE_MARK: &str = "[[unsubscribe]]";

/// Queues a notification or digest mail: like `enqueue_template`, with a footer whose one-click
/// unsubscribe link (and the `List-Unsubscribe` header) switches off `list_kind`.
pub fn enqueue_listed(
    conn: &mut AnyConnection,
    to: &str,
    locale: Locale,
    name: &str,
    args: &[(&str, &str)],
    list_kind: &str,
) -> AppResult<()> {
    let (subject, body) = render_listed(locale, name, args);
    let at = now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(to),
            outbox::subject.eq(&subject),
            outbox::body.eq(&body),
            outbox::created_at.eq(at),
            outbox::next_attempt_at.eq(at),
            outbox::list_kind.eq(Some(list_kind)),
        ))
        .execute(conn)?;
    Ok(())
}

/// `render` with the unsubscribe footer before the signature.
pub fn render_listed(locale: Locale, name: &str, args: &[(&str, &str)]) -> (String, String) {
    let subject = locale.tf(&format!("email.{name}.subject"), args);
    let mut body = locale.tf(&format!("email.{name}.body"), args);
    body.push_str("\n\n");
    body.push_str(&locale.tf("email.unsubscribe_footer", &[("link", UNSUBSCRIBE_MARK)]));
    body.push_str("\n\n-- \n");
    body.push_str(locale.t("email.signature"));
    (subject, body)
}

/// The subject and body of the message `email.<name>` in `locale`, with the signature.
pub fn render(locale: Locale, name: &str, args: &[(&str, &str)]) -> (String, String) {
    let subject = locale.tf(&format!("email.{name}.subject"), args);
    let mut body = locale.tf(&format!("email.{name}.body"), args);
    body.push_str("\n\n-- \n");
    body.push_str(locale.t("email.signature"));
    (subject, body)
}

/// The backoff before attempt `attempts + 1`: base · 2^(attempts−1), at most an hour.
pub fn backoff_seconds(base: i64, attempts: i32) -> i64 {
    let exp = (attempts.max(1) - 1).min(16) as u32;
    base.max(1).saturating_mul(1i64 << exp).min(3600)
}

/// Where the outbox stands, for operators and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub attempts: i32,
    pub sent: bool,
    pub failed: bool,
    pub last_error: Option<String>,
}

/// Every outbox message, oldest first.
pub fn outbox_entries(ctx: &Context) -> AppResult<Vec<OutboxEntry>> {
    let mut conn = ctx.db.read()?;
    let rows = outbox::table
        .order(outbox::id)
        .select((
            outbox::id,
            outbox::recipient,
            outbox::subject,
            outbox::attempts,
            outbox::sent_at.is_not_null(),
            outbox::failed_at.is_not_null(),
            outbox::last_error,
        ))
        .load::<(i64, String, String, i32, bool, bool, Option<String>)>(&mut conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, recipient, subject, attempts, sent, failed, last_error)| OutboxEntry {
                id,
                recipient,
                subject,
                attempts,
                sent,
                failed,
                last_error,
            },
        )
        .collect())
}

/// How long a claimed mail is held by one sender, renewed while it is being sent: short enough
/// that mail a crashed sender held goes out again within 30 seconds.
pub const LEASE_SECONDS: i64 = 25;
/// The recipient's own one-click link that switches `kind` off (None: no such active person).
fn unsubscribe_link(ctx: &Context, to: &str, kind: &str) -> AppResult<Option<String>> {
    use crate::db::schema::people;
    let mut conn = ctx.db.read()?;
    let person = people::table
        .filter(people::email.eq(to))
        .filter(people::active.eq(true))
        .select((people::id, people::token_generation))
        .first::<(i64, i32)>(&mut conn)
        .optional()?;
    Ok(person.map(|(id, generation)| {
        let token = ctx.tokens.unsubscribe(id, generation, kind);
        ctx.link(&format!("/unsubscribe?token={token}"))
    }))
}

/// Runs `send` while renewing the mail's lease every third of it, so a slow SMTP exchange
/// (each command may take `SMTP_TIMEOUT`) never lets another sender take the mail meanwhile.
fn sending<T>(ctx: &Context, id: i64, send: impl FnOnce() -> T) -> T {
    std::thread::scope(|s| {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        s.spawn(move || {
            let every = std::time::Duration::from_secs((LEASE_SECONDS / 3) as u64);
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(every) {
                let renewed = ctx.db.write().and_then(|mut conn| {
                    Ok(diesel::update(outbox::table.find(id).filter(outbox::sent_at.is_null()))
                        .set(outbox::locked_until.eq(Some(now() + Duration::seconds(LEASE_SECONDS))))
                        .execute(&mut conn)?)
                });
                if let Err(e) = renewed {
                    tracing::warn!(outbox_id = id, error = %e, "renewing a mail's lease failed");
                }
            }
        });
        let result = send();
        drop(done);
        result
    })
}

/// The most mail one round sends.
const MAX_PER_ROUND: usize = 20;

/// Sends what is due, one mail at a time, each claimed for `LEASE_SECONDS`; returns how many
/// were sent. Safe to run on several instances at once. A crash while sending leaves one mail
/// that may go out twice, with the same Message-ID.
pub fn send_due(ctx: &Context, mailer: &Mailer) -> AppResult<usize> {
    let settings = &ctx.settings.mail;
    let mut sent = 0;
    for _ in 0..MAX_PER_ROUND {
        let at = now();
        let claimed = {
            let mut conn = ctx.db.write()?;
            backend::claim_due_outbox(&mut conn, at, at + Duration::seconds(LEASE_SECONDS), 1)?
        };
        let Some(id) = claimed.first().copied() else {
            break;
        };
        let (to, subject, body, attempts, message_id, list_kind) = ctx.db.transaction(|conn| {
            let row = outbox::table
                .find(id)
                .select((
                    outbox::recipient,
                    outbox::subject,
                    outbox::body,
                    outbox::attempts,
                    outbox::message_id,
                    outbox::list_kind,
                ))
                .first::<(String, String, String, i32, Option<String>, Option<String>)>(conn)?;
            let message_id = match row.4 {
                Some(m) => m,
                None => {
                    let m = crate::mail::new_message_id(&settings.from);
                    diesel::update(outbox::table.find(id))
                        .set(outbox::message_id.eq(Some(&m)))
                        .execute(conn)?;
                    m
                }
            };
            Ok((row.0, row.1, row.2, row.3, message_id, row.5))
        })?;
        let unsubscribe = match &list_kind {
            Some(kind) => unsubscribe_link(ctx, &to, kind)?,
            None => None,
        };
        let body = match &unsubscribe {
            Some(link) => body.replace(UNSUBSCRIBE_MARK, link),
            None => body.replace(UNSUBSCRIBE_MARK, &ctx.link("/profile#notifications-heading")),
        };
        let result = sending(ctx, id, || {
            mailer.send(&to, &subject, &body, &message_id, unsubscribe.as_deref())
        });
        let mut conn = ctx.db.write()?;
        match result {
            Ok(()) => {
                diesel::update(outbox::table.find(id))
                    .set((
                        outbox::sent_at.eq(Some(now())),
                        outbox::attempts.eq(attempts + 1),
                        outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
                    ))
                    .execute(&mut conn)?;
                sent += 1;
            }
            Err(e) => {
                let attempts = attempts + 1;
                let give_up = attempts >= settings.max_attempts;
                let next = now() + Duration::seconds(backoff_seconds(settings.retry_base_seconds, attempts));
                tracing::warn!(outbox_id = id, attempts, give_up, error = %e, "sending mail failed");
                diesel::update(outbox::table.find(id))
                    .set((
                        outbox::attempts.eq(attempts),
                        outbox::last_error.eq(Some(e.to_string())),
                        outbox::next_attempt_at.eq(next),
                        outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
                        outbox::failed_at.eq(give_up.then(now)),
                    ))
                    .execute(&mut conn)?;
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(super::backoff_seconds(30, 1), 30);
        assert_eq!(super::backoff_seconds(30, 2), 60);
        assert_eq!(super::backoff_seconds(30, 3), 120);
        assert_eq!(super::backoff_seconds(30, 12), 3600);
    }
}
