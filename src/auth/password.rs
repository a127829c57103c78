//! Password hashing with argon2id.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::LazyLock;

/// A hash checked when no account matches, so unknown emails take as long as wrong passwords.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash("not-a-real-password-for-timing"));

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_else(|e| panic!("argon2 failed: {e}"))
}

/// Whether `password` matches the stored hash; a missing hash still costs one verification.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let (hash_text, real) = match stored {
        Some(h) => (h, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let ok = PasswordHash::new(hash_text)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false);
    ok && real
}
