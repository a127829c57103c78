//! Authentication: password hashing and signed tokens.

pub mod password;
pub mod tokens;
