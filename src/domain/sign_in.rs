//! Signing in with email and password, and the limits that keep guessing slow without locking
//! the real person out.
//!
//! Every attempt is counted *before* its password is checked, in a write transaction that holds
//! the account's lock (SQLite's write lock; an advisory lock on PostgreSQL), so parallel guesses
//! cannot all slip under a limit. Three counters, each a row per attempt in `login_attempts`:
//! - the account and address pair: after `FREE_PAIR_FAILURES` failures each further attempt
//!   waits 1, 2, 4 … seconds (at most `MAX_PAIR_DELAY_SECONDS`) after the last one;
//! - the account, and the address, within `auth.failure_window_minutes`: past their limits an
//!   unknown address is refused, but an address the person has signed in from before is not.
//!
//! A browser the person signed in with before (its device cookie) skips the delays and limits.
//! A success forgets its own attempt and the pair's failures and remembers the address.

use super::Context;
use super::accounts::SignedIn;
use crate::auth::password;
use crate::db::AnyConnection;
use crate::db::schema::{known_sign_in_addresses as known, login_attempts, people as people_t};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Failures of one account from one address before delays begin (typing mistakes).
pub const FREE_PAIR_FAILURES: i64 = 3;
/// The longest wait between attempts of one account from one address.
pub const MAX_PAIR_DELAY_SECONDS: i64 = 900;
/// How long a pair's failures are remembered.
const PAIR_MEMORY_HOURS: i64 = 24;
/// How long an address stays known after a successful sign-in.
const KNOWN_ADDRESS_DAYS: i64 = 180;

/// The wait after `failures` failures of a pair, in seconds.
pub fn pair_delay_seconds(failures: i64) -> i64 {
    if failures < FREE_PAIR_FAILURES {
        return 0;
    }
    let exponent = (failures - FREE_PAIR_FAILURES).min(20) as u32;
    (1i64 << exponent).min(MAX_PAIR_DELAY_SECONDS)
}

struct Keys {
    account: String,
    address: String,
    pair: String,
}

type PersonRow = (i64, Option<String>, bool, bool, i32, String);

/// An attempt counted and allowed to check its password.
struct Claim {
    person: Option<PersonRow>,
    /// The attempt's own rows, removed again if the password is right.
    rows: Vec<i64>,
    /// Whether it came from the person's own browser (which then leaves others' failures be).
    trusted_device: bool,
}

fn count_since(conn: &mut AnyConnection, key: &str, since: NaiveDateTime) -> AppResult<(i64, Option<NaiveDateTime>)> {
    Ok(login_attempts::table
        .filter(login_attempts::key.eq(key))
        .filter(login_attempts::created_at.ge(since))
        .select((diesel::dsl::count_star(), diesel::dsl::max(login_attempts::created_at)))
        .first(conn)?)
}

fn claim(
    conn: &mut AnyConnection,
    ctx: &Context,
    keys: &Keys,
    email: &str,
    client: &str,
    device: Option<&Device>,
) -> AppResult<Claim> {
    let auth = &ctx.settings.auth;
    let now = crate::clock::now();
    // The account first, then the address: always in this order, so two never wait on each other.
    crate::db::lock_key(conn, &keys.account)?;
    crate::db::lock_key(conn, &keys.address)?;
    let person: Option<PersonRow> = people_t::table
        .filter(people_t::email.eq(email))
        .select((
            people_t::id,
            people_t::password_hash,
            people_t::active,
            people_t::email_verified,
            people_t::token_generation,
            people_t::locale,
        ))
        .first(conn)
        .optional()?;
    // The browser the person signed in with before waits for nobody: guesses from others at
    // the same address (an office network) cannot keep them out.
    let trusted_device = person
        .as_ref()
        .is_some_and(|p| device.is_some_and(|d| d.person_id == p.0 && d.generation == p.4));
    if trusted_device {
        return insert_attempts(conn, keys, now, person, true);
    }
    let (pair_failures, last) = count_since(conn, &keys.pair, now - Duration::hours(PAIR_MEMORY_HOURS))?;
    if let Some(last) = last {
        let allowed_at = last + Duration::seconds(pair_delay_seconds(pair_failures));
        if now < allowed_at {
            let wait = ((allowed_at - now).num_milliseconds() + 999) / 1000;
            return Err(AppError::RateLimited {
                retry_after_seconds: wait.max(1) as u64,
            });
        }
    }
    let known_address = match &person {
        Some(p) => {
            known::table
                .find((p.0, client))
                .filter(known::last_at.ge(now - Duration::days(KNOWN_ADDRESS_DAYS)))
                .count()
                .get_result::<i64>(conn)?
                > 0
        }
        None => false,
    };
    if !known_address {
        let since = now - Duration::minutes(auth.failure_window_minutes);
        if count_since(conn, &keys.account, since)?.0 >= auth.max_failures_per_account
            || count_since(conn, &keys.address, since)?.0 >= auth.max_failures_per_address
        {
            return Err(AppError::RateLimited {
                retry_after_seconds: (auth.failure_window_minutes * 60).max(1) as u64,
            });
        }
    }
    insert_attempts(conn, keys, now, person, false)
}

/// Counts the attempt under each key (before its password is checked).
fn insert_attempts(
    conn: &mut AnyConnection,
    keys: &Keys,
    now: NaiveDateTime,
    person: Option<PersonRow>,
    trusted_device: bool,
) -> AppResult<Claim> {
    let mut rows = Vec::new();
    for key in [&keys.pair, &keys.account, &keys.address] {
        rows.push(
            diesel::insert_into(login_attempts::table)
                .values((login_attempts::key.eq(key), login_attempts::created_at.eq(now)))
                .returning(login_attempts::id)
                .get_result::<i64>(conn)?,
        );
    }
    Ok(Claim {
        person,
        rows,
        trusted_device,
    })
}

/// A browser's proof that the person signed in with it before (the device cookie's token).
#[derive(Debug, Clone, Copy)]
pub struct Device {
    pub person_id: i64,
    pub generation: i32,
}

/// The address under which attempts are counted: IPv6 by its /64 network (one household or
/// office holds a whole /64, and could otherwise rotate through it), IPv4 as it is.
pub fn address_group(client: &str) -> String {
    match client.parse::<std::net::IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(std::net::IpAddr::V6(v6)) => {
            let network = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", std::net::Ipv6Addr::from(network))
        }
        Ok(ip) => ip.to_string(),
        Err(_) => client.to_string(),
    }
}

/// Checks email and password. Unknown email, wrong password, unverified or deactivated
/// accounts all get the same answer after the same work; too many failures answer 429 with
/// Retry-After, too many checks at once 503.
pub fn sign_in(ctx: &Context, email: &str, pass: &str, client: &str, device: Option<Device>) -> AppResult<SignedIn> {
    let email = email.trim().to_lowercase();
    let client = address_group(client);
    let client = client.as_str();
    let keys = Keys {
        account: format!("account:{email}"),
        address: format!("address:{client}"),
        pair: format!("pair:{client}:{email}"),
    };
    let claim = ctx
        .db
        .transaction(|conn| claim(conn, ctx, &keys, &email, client, device.as_ref()))?;
    let hash = claim.person.as_ref().and_then(|r| r.1.as_deref());
    let matches = match password::verify(pass, hash) {
        Ok(m) => m,
        Err(e) => {
            // Not checked, so not counted.
            forget(ctx, &claim.rows, None)?;
            return Err(e);
        }
    };
    match claim.person {
        Some((id, _, true, true, generation, locale)) if matches => {
            ctx.db.transaction(|conn| {
                crate::db::lock_key(conn, &keys.account)?;
                // The person's own browser does not wipe the failures of others at its address.
                let pair = (!claim.trusted_device).then_some(keys.pair.as_str());
                forget_in(conn, &claim.rows, pair)?;
                remember_address(conn, id, client)
            })?;
            Ok(SignedIn {
                person_id: id,
                token_generation: generation,
                locale: Locale::parse(&locale).unwrap_or_default(),
            })
        }
        // Only someone who knows the password learns that the address awaits verification.
        Some((_, _, true, false, _, _)) if matches => {
            forget(ctx, &claim.rows, Some(&keys.pair))?;
            Err(AppError::field("email", "email_not_verified"))
        }
        _ => Err(AppError::field("email", "sign_in_failed")),
    }
}

fn forget(ctx: &Context, rows: &[i64], pair: Option<&str>) -> AppResult<()> {
    ctx.db.transaction(|conn| forget_in(conn, rows, pair))
}

fn forget_in(conn: &mut AnyConnection, rows: &[i64], pair: Option<&str>) -> AppResult<()> {
    diesel::delete(login_attempts::table.filter(login_attempts::id.eq_any(rows))).execute(conn)?;
    if let Some(pair) = pair {
        diesel::delete(login_attempts::table.filter(login_attempts::key.eq(pair))).execute(conn)?;
    }
    Ok(())
}

fn remember_address(conn: &mut AnyConnection, person: i64, address: &str) -> AppResult<()> {
    let now = crate::clock::now();
    let updated = diesel::update(known::table.find((person, address)))
        .set(known::last_at.eq(now))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(known::table)
            .values((
                known::person_id.eq(person),
                known::address.eq(address),
                known::last_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgets sign-in failures past every window, and known addresses unused for long (run by the
/// background task).
pub fn prune(ctx: &Context) -> AppResult<usize> {
    let now = crate::clock::now();
    let window = Duration::minutes(ctx.settings.auth.failure_window_minutes).max(Duration::hours(PAIR_MEMORY_HOURS));
    ctx.db.transaction(|conn| {
        let attempts =
            diesel::delete(login_attempts::table.filter(login_attempts::created_at.lt(now - window))).execute(conn)?;
        let addresses =
            diesel::delete(known::table.filter(known::last_at.lt(now - Duration::days(KNOWN_ADDRESS_DAYS))))
                .execute(conn)?;
        let sessions = super::sessions::prune(conn)?;
        Ok(attempts + addresses + sessions)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_from_the_fourth_failure_and_stop_at_fifteen_minutes() {
        let delays: Vec<i64> = (0..8).map(pair_delay_seconds).collect();
        assert_eq!(delays, [0, 0, 0, 1, 2, 4, 8, 16]);
        assert_eq!(pair_delay_seconds(40), MAX_PAIR_DELAY_SECONDS);
    }
}
