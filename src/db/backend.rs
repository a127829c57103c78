//! The per-backend corner: statements that differ between SQLite and PostgreSQL.

use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text, Timestamp};

#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Runs the same statement on whichever inner connection is open.
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}
pub(crate) use on_backend;

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

/// Rebuilds an idea's search document from its title, texts and visible comments;
/// a hidden idea leaves the index.
pub fn index_idea(conn: &mut AnyConnection, idea_id: i64) -> QueryResult<()> {
    let (delete, insert) = match conn {
        AnyConnection::Sqlite(_) => (
            "DELETE FROM idea_search WHERE rowid = $1",
            "INSERT INTO idea_search (rowid, title, body) \
             SELECT id, title, problem || ' ' || proposal || ' ' || COALESCE((SELECT group_concat(body, ' ') \
             FROM comments WHERE comments.idea_id = ideas.id AND deleted = 0 AND hidden = 0), '') \
             FROM ideas WHERE id = $1 AND hidden = 0",
        ),
        AnyConnection::Postgresql(_) => (
            "DELETE FROM idea_search WHERE idea_id = $1",
            "INSERT INTO idea_search (idea_id, document) \
             SELECT id, setweight(to_tsvector('finnish', title), 'A') || to_tsvector('finnish', problem || ' ' || \
             proposal || ' ' || COALESCE((SELECT string_agg(body, ' ') FROM comments WHERE comments.idea_id = ideas.id \
             AND NOT deleted AND NOT hidden), '')) FROM ideas WHERE id = $1 AND NOT hidden",
        ),
    };
    on_backend!(conn, c => diesel::sql_query(delete).bind::<BigInt, _>(idea_id).execute(c))?;
    on_backend!(conn, c => diesel::sql_query(insert).bind::<BigInt, _>(idea_id).execute(c))?;
    Ok(())
}

/// The most matches a search considers.
pub const MAX_SEARCH_HITS: i64 = 2_000;

/// The words of a query, with longer words cut to a prefix so that Finnish inflections
/// (kotihoidon, kotihoidossa) find the base form (kotihoito): letters and digits only.
pub fn search_prefixes(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            let chars: Vec<char> = w.chars().collect();
            if chars.len() >= 7 {
                chars[..chars.len() - 3].iter().collect()
            } else {
                w
            }
        })
        .take(8)
        .collect()
}

/// Ids of the newest ideas matching a free-text query (every word must match), at most
/// `MAX_SEARCH_HITS`, so a common word still lists its newest matches first.
/// SQLite: FTS5 prefix match on the words. PostgreSQL: the Finnish stemmer, then a prefix of
/// each stem, which also covers consonant gradation (kotihoido- ~ kotihoito).
pub fn search_ideas(conn: &mut AnyConnection, query: &str) -> QueryResult<Vec<i64>> {
    search(conn, "idea_search", "idea_id", query)
}

/// Ids of the newest experiments matching a free-text query, as `search_ideas` does.
pub fn search_experiments(conn: &mut AnyConnection, query: &str) -> QueryResult<Vec<i64>> {
    search(conn, "experiment_search", "experiment_id", query)
}

/// Searches one index; `table` and `id_column` are fixed names from the callers above.
fn search(conn: &mut AnyConnection, table: &str, id_column: &str, query: &str) -> QueryResult<Vec<i64>> {
    let rows: Vec<IdRow> = match conn {
        AnyConnection::Sqlite(c) => {
            let words = search_prefixes(query);
            if words.is_empty() {
                return Ok(Vec::new());
            }
            let expression = words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ");
            diesel::sql_query(format!(
                "SELECT rowid AS id FROM {table} WHERE {table} MATCH $1 ORDER BY rowid DESC LIMIT $2"
            ))
            .bind::<Text, _>(expression)
            .bind::<BigInt, _>(MAX_SEARCH_HITS)
            .load(c)?
        }
        AnyConnection::Postgresql(c) => diesel::sql_query(format!(
            "SELECT s.{id_column} AS id FROM {table} s, \
             (SELECT to_tsquery('simple', string_agg(quote_literal(left(stem, greatest(4, length(stem) - 3))) || ':*', ' & ')) AS q \
              FROM unnest(tsvector_to_array(to_tsvector('finnish', $1))) AS stem) AS query \
             WHERE query.q IS NOT NULL AND s.document @@ query.q ORDER BY s.{id_column} DESC LIMIT $2",
        ))
        .bind::<Text, _>(query)
        .bind::<BigInt, _>(MAX_SEARCH_HITS)
        .load(c)?,
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Rebuilds an experiment's search document from its plan and result report.
pub fn index_experiment(conn: &mut AnyConnection, experiment_id: i64) -> QueryResult<()> {
    let report = "COALESCE((SELECT what_we_did || ' ' || what_made_us_dare || ' ' || where_we_succeeded || ' ' || \
                  what_we_would_change || ' ' || what_we_learned || ' ' || operational_impact || ' ' || customer_feedback \
                  FROM result_reports r WHERE r.experiment_id = experiments.id), '')";
    let (delete, insert) = match conn {
        AnyConnection::Sqlite(_) => (
            "DELETE FROM experiment_search WHERE rowid = $1".to_string(),
            format!(
                "INSERT INTO experiment_search (rowid, title, body) SELECT id, title, hypothesis || ' ' || \
                 what_tried || ' ' || customer_involvement || ' ' || {report} FROM experiments WHERE id = $1"
            ),
        ),
        AnyConnection::Postgresql(_) => (
            "DELETE FROM experiment_search WHERE experiment_id = $1".to_string(),
            format!(
                "INSERT INTO experiment_search (experiment_id, document) SELECT id, \
                 setweight(to_tsvector('finnish', title), 'A') || to_tsvector('finnish', hypothesis || ' ' || \
                 what_tried || ' ' || customer_involvement || ' ' || {report}) FROM experiments WHERE id = $1"
            ),
        ),
    };
    on_backend!(conn, c => diesel::sql_query(&delete).bind::<BigInt, _>(experiment_id).execute(c))?;
    on_backend!(conn, c => diesel::sql_query(&insert).bind::<BigInt, _>(experiment_id).execute(c))?;
    Ok(())
}
