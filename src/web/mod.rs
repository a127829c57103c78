//! HTML pages: thin handlers that parse forms, call the domain and render askama templates.

mod account;
mod admin_org;
mod admin_people;
mod campaigns;
mod catalog;
mod charts;
mod dashboard;
mod errors;
mod experiment_form;
mod experiment_report;
mod experiments;
mod follows;
pub mod format;
mod home;
mod ideas;
mod moderation;
mod municipality;
mod observations;
mod panel_members;
mod panels;
mod paths;
mod rounds;
pub mod showcase;
mod showcase_staff;
mod surveys;
mod unsubscribe;

pub use errors::{not_found as errors_not_found, render_errors};

use crate::domain::Context;
use crate::domain::access::Actor;
use crate::domain::accounts::SignedIn;
use crate::domain::policy::{self, Capabilities};
use crate::error::{AppError, FieldError};
use crate::http::csrf;
use crate::http::extract::{SESSION_COOKIE, SessionUser, context};
pub use crate::http::{blocking, csv_download, with_ctx, xlsx_download};
use crate::i18n::{LOCALE_COOKIE, Locale};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use askama::Template;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

/// Registers every page route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    home::routes(cfg);
    account::routes(cfg);
    admin_org::routes(cfg);
    admin_people::routes(cfg);
    ideas::routes(cfg);
    observations::routes(cfg);
    campaigns::routes(cfg);
    experiment_form::routes(cfg);
    experiment_report::routes(cfg);
    experiments::routes(cfg);
    follows::routes(cfg);
    catalog::routes(cfg);
    paths::routes(cfg);
    moderation::routes(cfg);
    panels::routes(cfg);
    panel_members::routes(cfg);
    rounds::routes(cfg);
    municipality::routes(cfg);
    surveys::routes(cfg);
    dashboard::routes(cfg);
    unsubscribe::routes(cfg);
    showcase::routes(cfg);
    showcase_staff::routes(cfg);
}

/// What every page template needs: language, the signed-in person, CSRF token, organisation.
pub struct PageCtx {
    pub locale: Locale,
    pub user: Option<Actor>,
    pub csrf: String,
    pub org_name: String,
    /// The current path and query, for the language switcher's return.
    pub path: String,
    /// A one-off confirmation shown at the top of the page.
    pub notice: Option<String>,
    /// What the signed-in person may do anywhere (nothing when signed out).
    pub can: Capabilities,
    /// Unread notifications, for the bell.
    pub unread_notifications: i64,
}

impl PageCtx {
    /// The translation of `key`.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.locale.t(key)
    }

    /// The translation of `prefix.key`, for labels of stored values such as kinds and roles.
    pub fn tk(&self, prefix: &str, key: &str) -> String {
        self.locale.t(&format!("{prefix}.{key}")).to_string()
    }

    /// The translation of `key` with one placeholder filled in.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.locale.tf(key, &[(name, &value.to_string())])
    }

    /// A date in the reader's convention.
    pub fn date(&self, at: &chrono::NaiveDateTime) -> String {
        self.locale.date(*at)
    }

    /// A calendar day in the reader's convention.
    pub fn day(&self, d: &chrono::NaiveDate) -> String {
        self.locale.date(d.and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    /// A number in the reader's convention.
    pub fn number(&self, v: f64) -> String {
        self.locale.number(v)
    }

    /// Euros in the reader's convention.
    pub fn euros(&self, v: f64) -> String {
        self.locale.euros(v)
    }

    /// A date and time in the reader's convention.
    pub fn datetime(&self, at: &chrono::NaiveDateTime) -> String {
        self.locale.datetime(*at)
    }

    /// The language of the organisation's own texts (unit, municipality, direction and campaign
    /// names, survey statements), marked where a page in another language shows them.
    pub fn org_lang(&self) -> &'static str {
        crate::i18n::ORGANISATION_LANGUAGE.code()
    }

    /// Whether `l` is the page's language.
    pub fn is_current(&self, l: &Locale) -> bool {
        *l == self.locale
    }

    /// The languages for the switcher.
    pub fn locales(&self) -> [Locale; 3] {
        Locale::ALL
    }

    /// The actor, or 401 (pages turn that into a redirect to sign-in).
    pub fn actor(&self) -> Result<&Actor, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// The actor if they may administer (`can.administer`), else 403.
    pub fn admin(&self) -> Result<&Actor, AppError> {
        let actor = self.actor()?;
        if self.can.administer {
            Ok(actor)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequest for PageCtx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { PageCtx::of(&req).await })
    }
}

impl PageCtx {
    /// Builds the page context of a request.
    pub async fn of(req: &HttpRequest) -> Result<PageCtx, AppError> {
        let (user, unread_notifications) = SessionUser::with_unread(req).await?;
        let ctx = context(req)?;
        // Once set up, the name is cached and no thread hop is needed.
        let org_name = match ctx.organisation_name.get() {
            Some(name) => name.clone(),
            None => blocking(move || crate::domain::organisation::name(&ctx))
                .await?
                .unwrap_or_default(),
        };
        let locale = user
            .as_ref()
            .map(|u| u.locale)
            .unwrap_or_else(|| Locale::of_request(req));
        let notice = web::Query::<HashMap<String, String>>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.get("done").cloned())
            .map(|key| format!("notice.{key}"))
            .filter(|key| locale.t(key) != key.as_str())
            .map(|key| locale.t(&key).to_string());
        let path = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        Ok(PageCtx {
            locale,
            can: user.as_ref().map(policy::capabilities).unwrap_or_default(),
            unread_notifications,
            user,
            csrf: csrf::token_of(req),
            org_name,
            path,
            notice,
        })
    }
}

/// The pseudo-field of errors that concern the whole form.
pub const FORM_FIELD: &str = "_form";

fn message(locale: &Locale, e: &FieldError) -> String {
    if e.field == FORM_FIELD {
        crate::error::conflict_message(*locale, e.code, &e.detail)
    } else {
        locale.t(&format!("field_error.{}", e.code)).to_string()
    }
}

/// The name of a form field as the error summary names it (`field_name.*`; an indicator row's
/// field as "Mittari 2 – Nimi"; a result's actual value by its own name); `None` for the form.
fn field_name(locale: &Locale, field: &str) -> Option<String> {
    if field == FORM_FIELD {
        return None;
    }
    let mut parts = field.split('.');
    if let (Some("indicators"), Some(row), Some(part)) = (parts.next(), parts.next(), parts.next()) {
        let n = row.parse::<usize>().ok()? + 1;
        let row = locale.tf("experiments.indicator_n", &[("n", &n.to_string())]);
        return Some(format!(
            "{row} – {}",
            locale.t(&format!("experiments.indicator.{part}"))
        ));
    }
    let base = field.split('.').next().unwrap_or(field);
    let key = format!("field_name.{base}");
    let name = locale.t(&key);
    (name != key).then(|| name.to_string())
}

/// Submitted values and their errors, for re-showing a form.
#[derive(Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: Vec<FieldError>,
    /// Names of fields made at run time (a survey's statements), for the error summary.
    pub names: HashMap<String, String>,
}

impl FormState {
    /// A form with the given values and no errors.
    pub fn with(values: &[(&str, &str)]) -> Self {
        FormState {
            values: values.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            errors: Vec::new(),
            names: HashMap::new(),
        }
    }

    /// The value of a field ("" when absent).
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// Whether a field holds `value` (a chosen radio button or option).
    pub fn is(&self, name: &str, value: impl AsRef<str>) -> bool {
        self.value(name) == value.as_ref()
    }

    /// Whether a field has an error.
    pub fn has_error(&self, name: &str) -> bool {
        self.errors.iter().any(|e| e.field == name)
    }

    /// The translated error message of a field.
    pub fn error(&self, locale: &Locale, name: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == name).map(|e| message(locale, e))
    }

    /// Every error with its field and translated message, for the summary above the form; each
    /// item names its field ("Otsikko: Tämä kenttä on pakollinen."), so that repeated messages
    /// can be told apart when the summary is read on its own.
    pub fn summary(&self, locale: &Locale) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|e| {
                let text = message(locale, e);
                let name = self.names.get(&e.field).cloned();
                let text = match name.or_else(|| field_name(locale, &e.field)) {
                    Some(name) => format!("{name}: {text}"),
                    None => text,
                };
                (e.field.clone(), text)
            })
            .collect()
    }

    /// Like `absorb`, but also keeps a conflict (an action the state refuses) as a form error.
    pub fn absorb_all<T>(&mut self, result: Result<T, AppError>) -> Result<Option<T>, AppError> {
        match result {
            Err(AppError::Conflict { code, detail }) => {
                let mut error = FieldError::new(FORM_FIELD, code);
                error.detail = detail;
                self.errors = vec![error];
                Ok(None)
            }
            other => self.absorb(other),
        }
    }

    /// Turns a domain result into this form's errors: validation errors are kept for re-showing,
    /// anything else is returned as the error.
    pub fn absorb<T>(&mut self, result: Result<T, AppError>) -> Result<Option<T>, AppError> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(AppError::Validation(errors)) => {
                self.errors = errors;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// Renders a template as an HTML response with `status`.
pub fn render_status<T: Template>(status: actix_web::http::StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    let html = page.render()?;
    // A form re-shown with its errors, or an action refused on its page.
    let refused = matches!(status.as_u16(), 409 | 422);
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(if refused { error_titled(html) } else { html }))
}

/// Renders a template as a 200 HTML response.
pub fn render<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    render_status(actix_web::http::StatusCode::OK, page)
}

/// Re-shows a form with its field errors (422). The tab title starts with "Virhe:" ("Fel:",
/// "Error:"), so that a screen reader announces at once that the form came back.
pub fn render_invalid<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    render_status(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// The page with its title prefixed by the error word of its language (from `<html lang>`).
fn error_titled(html: String) -> String {
    let locale = html
        .split_once("<html lang=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .and_then(Locale::parse)
        .unwrap_or_default();
    html.replacen("<title>", &format!("<title>{} ", locale.t("form.error_title")), 1)
}

/// A 303 redirect after a successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Keeps only local return paths (no open redirects): one leading `/`, then no second `/` or
/// `\\` (browsers drop tabs and newlines, so `/\t/evil.example` would become `//evil.example`),
/// and no control characters anywhere (a newline would break the Location header).
pub fn safe_return(next: &str) -> &str {
    let local = next.starts_with('/')
        && !matches!(next.as_bytes().get(1), Some(b'/' | b'\\'))
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::safe_return;

    #[test]
    fn only_local_paths_are_returned_to() {
        for ok in ["/", "/ideas?sort=new", "/ideas/5#comment-2"] {
            assert_eq!(safe_return(ok), ok);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/ideas\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(safe_return(bad), "/", "{bad:?}");
        }
    }
}

/// The session cookie for a fresh sign-in.
pub fn session_cookie(ctx: &Context, signed_in: &SignedIn) -> Cookie<'static> {
    let (token, lifetime) = ctx.tokens.issue(
        crate::auth::tokens::Purpose::Session,
        signed_in.person_id,
        signed_in.token_generation,
    );
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(ctx.settings.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(lifetime))
        .finish()
}

/// A cookie that remembers the language for a year.
pub fn locale_cookie(ctx: &Context, locale: Locale) -> Cookie<'static> {
    Cookie::build(LOCALE_COOKIE, locale.code())
        .path("/")
        .http_only(true)
        .secure(ctx.settings.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(365))
        .finish()
}

/// The cookie that marks a browser the person has signed in with (see `domain::sign_in`).
pub const DEVICE_COOKIE: &str = "kehittamo_device";

/// The device cookie for a fresh sign-in: tied to the person and their token generation, so
/// signing out everywhere or a new password forgets every browser.
pub fn device_cookie(ctx: &Context, signed_in: &SignedIn) -> Cookie<'static> {
    let purpose = crate::auth::tokens::Purpose::Device;
    let (token, lifetime) = ctx
        .tokens
        .issue(purpose, signed_in.person_id, signed_in.token_generation);
    Cookie::build(DEVICE_COOKIE, token)
        .path("/login")
        .http_only(true)
        .secure(ctx.settings.secure_cookies())
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(lifetime))
        .finish()
}

/// Signs the browser in and redirects.
pub fn sign_in_redirect(ctx: &Context, signed_in: &SignedIn, location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .cookie(session_cookie(ctx, signed_in))
        .cookie(device_cookie(ctx, signed_in))
        .cookie(locale_cookie(ctx, signed_in.locale))
        .finish()
}

/// A form with nothing but its CSRF token (a button).
#[derive(serde::Deserialize, Default)]
pub struct NoFields {}

/// A number as people type it: "1 500,50", "-12000" or "1500.5" (spaces, € and a decimal
/// comma allowed); None when it is not one.
pub fn typed_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse().ok().filter(|v: &f64| v.is_finite())
}

/// Parses a select's value as an optional id ("" → None).
pub fn opt_id(value: &str) -> Result<Option<i64>, AppError> {
    match value.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("not an id: {v}"))),
    }
}
