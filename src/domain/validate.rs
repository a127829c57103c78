//! Input validation that collects every field's problem before answering.

use crate::error::{AppError, AppResult, FieldError};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (argon2 input stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Days in Finnish time as UTC moments: the start of `from` and the end of `to` (exclusive).
/// A `to` before `from` is an error of the field named `to_field`.
pub fn finnish_days(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    to_field: &'static str,
) -> AppResult<(Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>)> {
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(AppError::field(to_field, "before_start"));
    }
    let start = |d: chrono::NaiveDate| crate::i18n::finnish_day_start(d);
    Ok((from.map(start), to.map(|d| start(d + chrono::Duration::days(1)))))
}

/// Collects field errors; `finish` answers 422 if any.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// An empty validator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error on `field`.
    pub fn add(&mut self, field: &str, code: &'static str) {
        self.errors.push(FieldError::new(field, code));
    }

    /// Whether `field` already has an error.
    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// A trimmed text of `min..=max` characters.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        let value = value.trim();
        let chars = value.chars().count();
        if chars == 0 && min > 0 {
            self.add(field, "required");
        } else if chars < min {
            self.add(field, "too_short");
        } else if chars > max {
            self.add(field, "too_long");
        } else if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.add(field, "invalid_characters");
        }
        value.to_string()
    }

    /// A person's or an organisation's name (1–200 characters, one line).
    pub fn name(&mut self, field: &str, value: &str) -> String {
        let v = self.text(field, value, 1, 200);
        if v.contains(['\n', '\r']) && !self.has(field) {
            self.add(field, "invalid_characters");
        }
        v
    }

    /// An email address, lower-cased.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let value = value.trim().to_lowercase();
        if value.is_empty() {
            self.add(field, "required");
        } else if !is_email(&value) {
            self.add(field, "email_invalid");
        }
        value
    }

    /// A new password of 12–256 characters.
    pub fn password(&mut self, field: &str, value: &str) {
        let chars = value.chars().count();
        if chars == 0 {
            self.add(field, "required");
        } else if chars < MIN_PASSWORD_CHARS {
            self.add(field, "password_too_short");
        } else if chars > MAX_PASSWORD_CHARS {
            self.add(field, "too_long");
        }
    }

    /// Answers with every collected error, or Ok.
    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}

/// A pragmatic email check: one @, a non-empty local part, a dotted domain, no spaces.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && value.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !value.contains(|c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_email("maija.meikalainen@ii.fi"));
        assert!(!is_email("maija@"));
        assert!(!is_email("maija@fi"));
        assert!(!is_email("ma ija@ii.fi"));
        assert!(!is_email("a@b@c.fi"));
    }

    #[test]
    fn collects_every_field() {
        let mut v = Validator::new();
        v.email("email", "nope");
        v.password("password", "short");
        v.name("name", "");
        let Err(AppError::Validation(errors)) = v.finish() else {
            panic!("expected errors")
        };
        assert_eq!(errors.len(), 3);
    }
}
