//! Telling the followers of something that it changed: one statement for the app and one per
//! language for the mail, however many follow, so nobody is loaded into memory.

use super::{Kind, path_of};
use crate::db::AnyConnection;
use crate::domain::follows::ObjectType;
use crate::domain::{Context, mail};
use crate::error::AppResult;
use crate::i18n::Locale;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text, Timestamp};

/// Tells the followers of `object` `id` (but `actor`) of `kind` about that same object.
pub fn notify_followers(
    conn: &mut AnyConnection,
    ctx: &Context,
    object: ObjectType,
    id: i64,
    kind: Kind,
    title: &str,
    actor: Option<i64>,
) -> AppResult<()> {
    notify_followers_about(conn, ctx, (object, id), kind, id, title, actor)
}

/// Tells the followers of `followed` (but `actor`) of `kind` about the object `about_id` (of the
/// kind's object type): in the app, and by email at once to those who chose so or whose own
/// item it is (the rest wait for their digest). The followers of an experiment include those of
/// the ideas it tries and of the directions it serves. Only those who may read it hear of it.
pub fn notify_followers_about(
    conn: &mut AnyConnection,
    ctx: &Context,
    followed: (ObjectType, i64),
    kind: Kind,
    about_id: i64,
    title: &str,
    actor: Option<i64>,
) -> AppResult<()> {
    let now = crate::clock::now();
    let except = actor.unwrap_or(0);
    let (object, id) = followed;
    // SQLite numbers `$n` parameters in the order they first appear, so each statement below
    // introduces them in rising order.
    let followers = |t: u8, id: u8| {
        let mut targets = format!("((object_type = ${t} AND object_id = ${id})");
        if object == ObjectType::Experiment {
            targets.push_str(&format!(
                " OR (object_type = 'idea' AND object_id IN \
                 (SELECT idea_id FROM experiment_ideas WHERE experiment_id = ${id})) \
                 OR (object_type = 'direction' AND object_id IN \
                 (SELECT direction_id FROM experiment_directions WHERE experiment_id = ${id}))"
            ));
        }
        targets.push(')');
        // "Own" only for the object itself (not an idea an experiment tries); and whoever
        // stopped following the object itself does not hear of it through an idea or direction.
        let itself = format!("object_type = ${t} AND object_id = ${id}");
        format!(
            "(SELECT person_id, MAX(CASE WHEN following AND reason = 'own' AND {itself} THEN 1 ELSE 0 END) AS own \
             FROM follows WHERE {targets} GROUP BY person_id \
             HAVING MAX(CASE WHEN following THEN 1 ELSE 0 END) = 1 \
             AND MAX(CASE WHEN NOT following AND {itself} THEN 1 ELSE 0 END) = 0) f \
             JOIN people p ON p.id = f.person_id"
        )
    };
    let readable = |about: u8| readable_by_p(kind.object_type(), about);
    // The person's channel for this kind, or the default: own items at once, followed daily.
    let channel = "COALESCE(np.channel, CASE WHEN f.own = 1 THEN 'immediate' ELSE 'daily' END)";
    let in_app = format!(
        "INSERT INTO notifications (person_id, kind, object_type, object_id, title, created_at, digest, own) \
         SELECT f.person_id, $1, $2, $3, $4, $5, \
         CASE WHEN {channel} IN ('daily', 'weekly') THEN {channel} END, f.own = 1 \
         FROM {} LEFT JOIN notification_preferences np ON np.person_id = f.person_id AND np.kind = $1 \
         WHERE p.active AND f.person_id <> $8 AND {} AND {channel} <> 'off'",
        followers(6, 7),
        readable(3),
    );
    crate::db::backend::on_backend!(conn, c => diesel::sql_query(&in_app)
        .bind::<Text, _>(kind.as_str())
        .bind::<Text, _>(kind.object_type())
        .bind::<BigInt, _>(about_id)
        .bind::<Text, _>(title)
        .bind::<Timestamp, _>(now)
        .bind::<Text, _>(object.as_str())
        .bind::<BigInt, _>(id)
        .bind::<BigInt, _>(except)
        .execute(c))?;
    let link = ctx.link(&path_of(kind.object_type(), about_id));
    let by_mail = format!(
        "INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at, list_kind) \
         SELECT p.email, $1, $2, $3, $3, $4 \
         FROM {} LEFT JOIN notification_preferences np ON np.person_id = f.person_id AND np.kind = $4 \
         WHERE p.active AND f.person_id <> $7 AND {} AND {channel} = 'immediate' AND p.locale = $9",
        followers(5, 6),
        readable(8),
    );
    for locale in [Locale::Fi, Locale::Sv, Locale::En] {
        let (subject, body) = mail::render_listed(
            locale,
            &format!("notify_{}", kind.as_str()),
            &[("title", title), ("link", &link)],
        );
        crate::db::backend::on_backend!(conn, c => diesel::sql_query(&by_mail)
            .bind::<Text, _>(&subject)
            .bind::<Text, _>(&body)
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>(kind.as_str())
            .bind::<Text, _>(object.as_str())
            .bind::<BigInt, _>(id)
            .bind::<BigInt, _>(except)
            .bind::<BigInt, _>(about_id)
            .bind::<Text, _>(locale.code())
            .execute(c))?;
    }
    Ok(())
}

/// The SQL condition that person `p` may read the object of `object_type` whose id is `$about`:
/// customers hear only of what is theirs, published, or shared with their panel.
pub(crate) fn readable_by_p(object_type: &str, about: u8) -> String {
    match object_type {
        "idea" => format!(
            "EXISTS (SELECT 1 FROM ideas i WHERE i.id = ${about} AND NOT i.hidden \
             AND (p.kind <> 'customer' OR i.published OR i.author_id = p.id))"
        ),
        "experiment" => format!(
            "(p.kind <> 'customer' OR EXISTS (SELECT 1 FROM experiments e WHERE e.id = ${about} AND e.published))"
        ),
        "share" => format!(
            "(p.kind <> 'customer' OR EXISTS (SELECT 1 FROM panel_shares s JOIN panel_members m \
             ON m.panel_id = s.panel_id WHERE s.id = ${about} AND m.person_id = p.id))"
        ),
        "campaign" => format!(
            "EXISTS (SELECT 1 FROM campaigns c WHERE c.id = ${about} AND (c.audience = 'everyone' \
             OR (c.audience = 'customers' AND p.kind = 'customer') \
             OR (c.audience = 'staff' AND p.kind <> 'customer')))"
        ),
        // Every statement must name `$about`, or SQLite would number the later parameters anew.
        _ => format!("(p.kind <> 'customer' AND ${about} IS NOT NULL)"),
    }
}
