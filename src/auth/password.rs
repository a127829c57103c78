//! Password hashing with argon2id, a bounded number at a time.

use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::{Condvar, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// A hash checked when no account matches, so unknown emails take as long as wrong passwords.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(b"not-a-real-password-for-timing", &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// Each Argon2 run takes about 19 MiB and a core for tens of milliseconds, so only a few run
/// at once; the rest queue briefly, then get 503 (a flood of sign-ins cannot exhaust memory).
struct Gate {
    running: Mutex<usize>,
    freed: Condvar,
}

static GATE: Gate = Gate {
    running: Mutex::new(0),
    freed: Condvar::new(),
};
static LIMITS: Mutex<(usize, Duration)> = Mutex::new((2, Duration::from_secs(2)));

/// Sets how many password checks run at once (0: one per core) and how long one waits for a turn.
pub fn configure(parallel: usize, wait: Duration) {
    return_large_blocks();
    let parallel = match parallel {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    *LIMITS.lock().unwrap_or_else(|e| e.into_inner()) = (parallel, wait);
}

/// Each check's 19 MiB comes from a different worker thread. glibc keeps freed blocks of that size
/// in per-thread arenas (its mmap threshold rises to the largest block freed), so memory would
/// grow by 19 MiB per arena used; a fixed threshold maps such blocks afresh and returns them.
fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        // SAFETY: mallopt only changes allocator parameters; called once, before any check.
        ONCE.call_once(|| unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        });
    }
}

/// Runs `work` when a turn is free; `Unavailable` when none frees within the wait.
fn in_turn<T>(work: impl FnOnce() -> T) -> AppResult<T> {
    let (parallel, wait) = *LIMITS.lock().unwrap_or_else(|e| e.into_inner());
    let deadline = Instant::now() + wait;
    let mut running = GATE.running.lock().unwrap_or_else(|e| e.into_inner());
    while *running >= parallel {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(AppError::Unavailable("too many sign-ins at once".into()));
        }
        running = GATE
            .freed
            .wait_timeout(running, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    *running += 1;
    drop(running);
    struct Turn;
    impl Drop for Turn {
        fn drop(&mut self) {
            *GATE.running.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
            GATE.freed.notify_one();
        }
    }
    let _turn = Turn;
    Ok(work())
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    in_turn(|| {
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })?
    .map_err(|e| AppError::Internal(format!("argon2 failed: {e}")))
}

/// Whether `password` matches the stored hash; a missing hash still costs one verification.
pub fn verify(password: &str, stored: Option<&str>) -> AppResult<bool> {
    let (hash_text, real) = match stored {
        Some(h) => (h, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let ok = in_turn(|| {
        PasswordHash::new(hash_text)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })?;
    Ok(ok && real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_more_than_the_limit_run_at_once_and_the_rest_wait_then_give_up() {
        configure(2, Duration::from_millis(300));
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let now = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let results: Vec<AppResult<()>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..6)
                .map(|_| {
                    let (peak, now) = (peak.clone(), now.clone());
                    s.spawn(move || {
                        in_turn(|| {
                            let n = now.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                            peak.fetch_max(n, std::sync::atomic::Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(200));
                            now.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                        })
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 2);
        let refused = results
            .iter()
            .filter(|r| matches!(r, Err(AppError::Unavailable(_))))
            .count();
        assert!((1..=4).contains(&refused), "{refused} of 6 gave up waiting");
        configure(0, Duration::from_secs(2));
    }
}
