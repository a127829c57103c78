//! Moments on the wire: stored as UTC without a zone, written as RFC 3339 with `Z`; read with
//! `Z`, any offset (converted to UTC), or none (taken as UTC).

use chrono::{DateTime, NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

/// Writes a UTC moment as RFC 3339 with `Z`.
pub fn serialize<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// Reads RFC 3339 with `Z` or an offset, or a time without one (taken as UTC).
pub fn parse(value: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.naive_utc())
        .or_else(|_| value.parse::<NaiveDateTime>())
}

/// Reads a moment (see [`parse`]).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    parse(&String::deserialize(d)?).map_err(D::Error::custom)
}

/// The same for optional moments.
pub mod option {
    use super::*;

    /// Writes an optional moment.
    pub fn serialize<S: Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, s),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional moment.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|v| super::parse(&v).map_err(D::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_converted_and_z_is_written() {
        let at = parse("2026-01-01T02:00:00+02:00").unwrap();
        assert_eq!(at, parse("2026-01-01T00:00:00Z").unwrap());
        assert_eq!(at, parse("2026-01-01T00:00:00").unwrap());
        let json = serde_json::to_string(&Wrapper(at)).unwrap();
        assert_eq!(json, "\"2026-01-01T00:00:00Z\"");
    }

    #[derive(serde::Serialize)]
    struct Wrapper(#[serde(with = "super")] NaiveDateTime);
}
