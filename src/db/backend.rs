//! The per-backend corner: statements that differ between SQLite and PostgreSQL.

use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Timestamp};

#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Runs the same statement on whichever inner connection is open.
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            AnyConnection::Sqlite($c) => $body,
            AnyConnection::Postgresql($c) => $body,
        }
    };
}

/// Locks up to `limit` due outbox messages until `lock_until` and returns their ids.
/// PostgreSQL skips rows another instance holds (`FOR UPDATE SKIP LOCKED`); SQLite has one writer.
pub fn claim_due_outbox(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    lock_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let select = "SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
                  AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until < $2) \
                  ORDER BY id LIMIT $3";
    let sql = match conn {
        AnyConnection::Postgresql(_) => {
            format!("UPDATE outbox SET locked_until = $1 WHERE id IN ({select} FOR UPDATE SKIP LOCKED) RETURNING id")
        }
        AnyConnection::Sqlite(_) => {
            format!("UPDATE outbox SET locked_until = $1 WHERE id IN ({select}) RETURNING id")
        }
    };
    let rows: Vec<IdRow> = on_backend!(conn, c => diesel::sql_query(&sql)
        .bind::<Timestamp, _>(lock_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c))?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
