//! CSRF protection: cross-site unsafe requests are refused by Sec-Fetch-Site / Origin, and
//! every form carries a token that must match the browser's CSRF cookie (constant-time).

use crate::domain::Context;
use crate::error::AppError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, dev::Payload, web};
use rand::RngCore;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use subtle::ConstantTimeEq;

/// The cookie holding the browser's CSRF secret.
pub const CSRF_COOKIE: &str = "kehittamo_csrf";
/// The form field carrying the token.
pub const CSRF_FIELD: &str = "csrf_token";

/// The token of this request, to embed in forms.
#[derive(Clone)]
pub struct CsrfToken(pub String);

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a token is one the server issues: 64 hexadecimal characters.
fn issued(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether an unsafe request comes from another site (by Sec-Fetch-Site, then Origin).
fn is_cross_site(req: &ServiceRequest, base_url: &str) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        if origin == "null" {
            return true;
        }
        let host = req.connection_info().host().to_string();
        let own = [format!("http://{host}"), format!("https://{host}")];
        return origin.trim_end_matches('/') != base_url && !own.iter().any(|o| o == origin);
    }
    false
}

/// Middleware for page routes: refuses cross-site unsafe requests, and makes sure the
/// browser has a CSRF cookie (setting one on the response when it is new).
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let ctx = req.app_data::<web::Data<Context>>().cloned();
    let base_url = ctx
        .as_ref()
        .map(|c| c.settings.base_url().to_string())
        .unwrap_or_default();
    let secure = ctx.as_ref().is_some_and(|c| c.settings.secure_cookies());
    if is_unsafe(req.method()) && is_cross_site(&req, &base_url) {
        return Ok(req.into_response(HttpResponse::from_error(AppError::Csrf)));
    }
    let existing = req
        .cookie(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| issued(v));
    let fresh = existing.is_none();
    let token = existing.unwrap_or_else(new_token);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.call(req).await?.map_into_boxed_body();
    if fresh {
        let cookie = Cookie::build(CSRF_COOKIE, token)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Strict)
            .finish();
        res.response_mut()
            .add_cookie(&cookie)
            .map_err(actix_web::error::ErrorInternalServerError)?;
    }
    Ok(res)
}

/// The CSRF token of a request (set by the guard).
pub fn token_of(req: &HttpRequest) -> String {
    req.extensions()
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default()
}

#[derive(serde::Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
}

/// A urlencoded form whose CSRF token has been checked against the cookie; the second
/// field holds every name–value pair, for repeated fields such as checkboxes.
pub struct CsrfForm<T>(pub T, pub FormPairs);

/// Every name–value pair of a submitted form, in order.
#[derive(Debug, Default, Clone)]
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    /// Every value of a repeated field parsed as ids; anything unparsable is a bad request.
    pub fn ids(&self, name: &str) -> Result<Vec<i64>, AppError> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| {
                v.parse()
                    .map_err(|_| AppError::BadRequest(format!("{name}: not an id")))
            })
            .collect()
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = bytes.await.map_err(|e| AppError::BadRequest(e.to_string()))?;
            let sent = serde_urlencoded::from_bytes::<TokenField>(&body)
                .map(|f| f.csrf_token)
                .unwrap_or_default();
            let cookie = req
                .cookie(CSRF_COOKIE)
                .map(|c| c.value().to_string())
                .unwrap_or_default();
            if !issued(&cookie) || !bool::from(sent.as_bytes().ct_eq(cookie.as_bytes())) {
                return Err(AppError::Csrf);
            }
            let pairs = FormPairs(form_urlencoded::parse(&body).into_owned().collect());
            serde_urlencoded::from_bytes::<T>(&body)
                .map(|t| CsrfForm(t, pairs))
                .map_err(|e| AppError::BadRequest(e.to_string()))
        })
    }
}
