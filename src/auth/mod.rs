//! Authentication: password hashing, signed tokens, request extractors and CSRF protection.

pub mod csrf;
pub mod extract;
pub mod password;
pub mod tokens;
