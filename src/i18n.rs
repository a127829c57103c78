//! Translations (fi default, sv, en) and locale-aware formatting.

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use chrono::{Duration, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Helsinki;
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

/// The language the organisation writes its own texts in (its units' and catalogues' names).
pub const ORGANISATION_LANGUAGE: Locale = Locale::Fi;

/// The cookie that remembers the reader's language.
pub const LOCALE_COOKIE: &str = "kehittamo_lang";

/// A supported user-interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Fi,
    Sv,
    En,
}

/// The translation files, embedded at compile time.
pub const SOURCES: [(Locale, &str); 3] = [
    (Locale::Fi, include_str!("../locales/fi.toml")),
    (Locale::Sv, include_str!("../locales/sv.toml")),
    (Locale::En, include_str!("../locales/en.toml")),
];

/// The cardinal plural rules of each language (Finnish, Swedish and English: "one" and "other").
static PLURAL_RULES: LazyLock<[PluralRules; 3]> = LazyLock::new(|| {
    SOURCES.map(|(locale, _)| {
        let id: LanguageIdentifier = locale.code().parse().unwrap_or_default();
        PluralRules::create(id, PluralRuleType::CARDINAL)
            .unwrap_or_else(|e| panic!("plural rules for {}: {e}", locale.code()))
    })
});

/// The translation key suffix of a plural category.
fn plural_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::ZERO => "zero",
        PluralCategory::ONE => "one",
        PluralCategory::TWO => "two",
        PluralCategory::FEW => "few",
        PluralCategory::MANY => "many",
        PluralCategory::OTHER => "other",
    }
}

/// Fills `{name}` placeholders in one pass; an unknown placeholder stays as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The plural forms of a message: its key and the forms present (for the translation tests).
pub fn plural_messages(locale: Locale) -> Vec<(String, Vec<String>)> {
    let mut by_key: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for key in CATALOGS[locale.index()].keys() {
        if let Some((base, form)) = key.rsplit_once('.')
            && ["zero", "one", "two", "few", "many", "other"].contains(&form)
        {
            by_key.entry(base.to_string()).or_default().push(form.to_string());
        }
    }
    by_key.into_iter().collect()
}

static CATALOGS: LazyLock<[HashMap<String, String>; 3]> = LazyLock::new(|| {
    SOURCES.map(|(locale, text)| flatten(text).unwrap_or_else(|e| panic!("locales/{}.toml: {e}", locale.code())))
});

/// Parses one translation file into dotted keys ("nav.home" → "Etusivu").
pub fn flatten(text: &str) -> Result<HashMap<String, String>, String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) -> Result<(), String> {
        for (key, value) in table {
            let full = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::String(s) => {
                    out.insert(full, s.clone());
                }
                toml::Value::Table(t) => walk(&full, t, out)?,
                other => return Err(format!("{full}: expected text, found {}", other.type_str())),
            }
        }
        Ok(())
    }
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let mut out = HashMap::new();
    walk("", &table, &mut out)?;
    Ok(out)
}

impl Locale {
    /// All locales, in the order the language switcher shows them.
    pub const ALL: [Locale; 3] = [Locale::Fi, Locale::Sv, Locale::En];

    /// The BCP 47 code used in `lang` attributes and settings.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Fi => "fi",
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }

    /// The language's own name, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Fi => "Suomi",
            Locale::Sv => "Svenska",
            Locale::En => "English",
        }
    }

    /// Parses a code such as "sv" or "sv-FI".
    pub fn parse(code: &str) -> Option<Locale> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fi" => Some(Locale::Fi),
            "sv" => Some(Locale::Sv),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The translation of `key`; the key itself when missing (a test keeps the files complete).
    pub fn t(self, key: &str) -> &str {
        CATALOGS[self.index()].get(key).map(String::as_str).unwrap_or(key)
    }

    /// The translation of `key` with `{name}` placeholders filled in. A message with plural
    /// forms (`one`, `other`, … under the key) takes the form the language's plural rules give
    /// for the argument `n`.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let catalog = &CATALOGS[self.index()];
        let template = match catalog.get(key) {
            Some(text) => text.as_str(),
            None => args
                .iter()
                .find(|(name, _)| *name == "n")
                .and_then(|(_, n)| self.plural_form(key, n))
                .unwrap_or(key),
        };
        fill(template, args)
    }

    /// The plural form of `key` for the count `n` (CLDR plural rules), falling back to `other`.
    fn plural_form(self, key: &str, n: &str) -> Option<&'static str> {
        let catalog = &CATALOGS[self.index()];
        let category = n
            .parse::<i64>()
            .ok()
            .and_then(|n| PLURAL_RULES[self.index()].select(n).ok())
            .map_or("other", plural_name);
        catalog
            .get(&format!("{key}.{category}"))
            .or_else(|| catalog.get(&format!("{key}.other")))
            .map(String::as_str)
    }

    /// A date in the reader's convention (22.11.2026 in Finnish).
    pub fn date(self, at: NaiveDateTime) -> String {
        match self {
            Locale::Fi => at.format("%-d.%-m.%Y").to_string(),
            Locale::Sv => at.format("%Y-%m-%d").to_string(),
            Locale::En => at.format("%-d/%-m/%Y").to_string(),
        }
    }

    /// A number in the reader's convention, at most two decimals (1 500,5 in Finnish).
    pub fn number(self, value: f64) -> String {
        // -0.004 rounds to "-0.00": no minus sign on a zero.
        let value = if value.abs() < 0.005 { 0.0 } else { value };
        let text = format!("{:.2}", value);
        let text = text.trim_end_matches('0').trim_end_matches('.');
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let (sign, digits) = int.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", int));
        let (group, point) = match self {
            Locale::Fi | Locale::Sv => ('\u{a0}', ','),
            Locale::En => (',', '.'),
        };
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{frac}")
        }
    }

    /// An amount of euros in the reader's convention (1 500,50 € in Finnish, €1,500.50 in English).
    pub fn euros(self, value: f64) -> String {
        let whole = value.fract() == 0.0;
        let n = if whole {
            self.number(value)
        } else {
            let text = self.number(value);
            // Cents always have two digits.
            match text.rsplit_once([',', '.']) {
                Some((_, cents)) if cents.len() == 1 => format!("{text}0"),
                _ => text,
            }
        };
        match self {
            Locale::Fi | Locale::Sv => format!("{n}\u{a0}€"),
            Locale::En => format!("€{n}"),
        }
    }

    /// A moment (stored in UTC) in the reader's convention, in Finnish time.
    pub fn datetime(self, at: NaiveDateTime) -> String {
        let at = finnish_time(at);
        match self {
            Locale::Fi => at.format("%-d.%-m.%Y klo %H.%M").to_string(),
            Locale::Sv => at.format("%Y-%m-%d kl. %H.%M").to_string(),
            Locale::En => at.format("%-d/%-m/%Y %H:%M").to_string(),
        }
    }

    /// The reader's locale: language cookie, then Accept-Language, then Finnish.
    pub fn of_request(req: &HttpRequest) -> Locale {
        if let Some(l) = req.cookie(LOCALE_COOKIE).and_then(|c| Locale::parse(c.value())) {
            return l;
        }
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .filter_map(|part| Locale::parse(part.split(';').next().unwrap_or("")))
                    .next()
            })
            .unwrap_or_default()
    }
}

impl FromRequest for Locale {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Locale::of_request(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_first_known() {
        assert_eq!(Locale::parse("sv-FI"), Some(Locale::Sv));
        assert_eq!(Locale::parse("de"), None);
    }

    #[test]
    fn finnish_dates_use_dots() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(8, 5, 0)
            .unwrap();
        assert_eq!(Locale::Fi.date(at), "22.11.2026");
        assert_eq!(Locale::Sv.date(at), "2026-11-22");
    }

    #[test]
    fn numbers_and_euros_follow_the_readers_convention() {
        assert_eq!(Locale::Fi.euros(1500.5), "1\u{a0}500,50\u{a0}€");
        assert_eq!(Locale::En.euros(1500.5), "€1,500.50");
        assert_eq!(Locale::Fi.euros(-12000.0), "-12\u{a0}000\u{a0}€");
        assert_eq!(Locale::Fi.number(18.0), "18");
        assert_eq!(Locale::En.number(1234567.25), "1,234,567.25");
        assert_eq!(Locale::Sv.number(0.5), "0,5");
        assert_eq!(Locale::Fi.euros(-0.0), "0\u{a0}€");
    }
}

/// A UTC moment as Finnish wall-clock time (Europe/Helsinki).
pub fn finnish_time(utc: NaiveDateTime) -> NaiveDateTime {
    Helsinki.from_utc_datetime(&utc).naive_local()
}

/// The UTC moment a day begins in Finland.
pub fn finnish_day_start(day: chrono::NaiveDate) -> NaiveDateTime {
    from_finnish_time(day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// Finnish wall-clock time as the UTC moment: the earlier one when the clock goes back, and
/// for a time skipped when it goes forward, the moment an hour later on the wall clock.
pub fn from_finnish_time(local: NaiveDateTime) -> NaiveDateTime {
    match Helsinki.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.naive_utc(),
        LocalResult::None => Helsinki
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map_or(local - Duration::hours(2), |at| at.naive_utc()),
    }
}

#[cfg(test)]
mod finnish_time_tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn finnish_time_follows_summer_time() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(finnish_time(at("2026-01-15 10:00")), at("2026-01-15 12:00"));
        assert_eq!(finnish_time(at("2026-03-29 00:59")), at("2026-03-29 02:59"));
        assert_eq!(finnish_time(at("2026-03-29 01:00")), at("2026-03-29 04:00"));
        assert_eq!(finnish_time(at("2026-07-01 21:30")), at("2026-07-02 00:30"));
        assert_eq!(finnish_time(at("2026-10-25 00:59")), at("2026-10-25 03:59"));
        assert_eq!(finnish_time(at("2026-10-25 01:00")), at("2026-10-25 03:00"));
        // 03:30 on 29 March never happens in Finland: it reads as 04:30 (01:30 UTC).
        assert_eq!(from_finnish_time(at("2026-03-29 03:30")), at("2026-03-29 01:30"));
        // 03:30 on 25 October happens twice: the first one.
        assert_eq!(from_finnish_time(at("2026-10-25 03:30")), at("2026-10-25 00:30"));
        for utc in ["2026-01-15 10:00", "2026-07-01 21:30", "2026-11-23 22:00"] {
            assert_eq!(from_finnish_time(finnish_time(at(utc))), at(utc));
        }
    }
}
