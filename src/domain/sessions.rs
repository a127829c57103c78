//! Web sessions ended one by one: signing out ends the session on the server as well, so a
//! copied cookie stops working at once (signing out everywhere moves the token generation).

use super::Context;
use crate::db::AnyConnection;
use crate::db::schema::ended_sessions;
use crate::error::AppResult;
use diesel::prelude::*;

/// Ends the session `id`, kept on record until `expires` (seconds since 1970), when its token
/// would have stopped working anyway.
pub fn end(ctx: &Context, id: &str, expires: i64) -> AppResult<()> {
    let ends_at = chrono::DateTime::from_timestamp(expires, 0)
        .map(|t| t.naive_utc())
        .unwrap_or_else(crate::clock::now);
    let mut conn = ctx.db.write()?;
    match diesel::insert_into(ended_sessions::table)
        .values((ended_sessions::id.eq(id), ended_sessions::ends_at.eq(ends_at)))
        .execute(&mut conn)
    {
        // Signed out twice (a double click): already ended.
        Err(e) if crate::db::is_duplicate(&e) => Ok(()),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

/// Whether the session has been signed out.
pub fn ended(conn: &mut AnyConnection, id: &str) -> AppResult<bool> {
    Ok(ended_sessions::table.find(id).count().get_result::<i64>(conn)? > 0)
}

/// Forgets ended sessions whose tokens have expired.
pub fn prune(conn: &mut AnyConnection) -> AppResult<usize> {
    Ok(diesel::delete(ended_sessions::table.filter(ended_sessions::ends_at.lt(crate::clock::now()))).execute(conn)?)
}
