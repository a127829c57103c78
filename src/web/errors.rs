//! The one place errors become responses: problem+json for the API, pages for the web.

use super::PageCtx;
use crate::error::{AppError, problem_response};
use crate::i18n::Locale;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

/// The friendly error page.
#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    p: PageCtx,
    status: u16,
    title: String,
    detail: String,
}

/// Middleware: renders every `AppError` in the reader's language, as problem+json under
/// /api and /readyz, as an HTML page elsewhere (401 on a page redirects to sign-in).
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => return Err(e),
    };
    let Some(err) = res.response().error().and_then(|e| e.as_error::<AppError>()) else {
        return Ok(res);
    };
    err.log();
    let http_req = res.request().clone();
    let locale = Locale::of_request(&http_req);
    let path = http_req.path().to_string();
    if path.starts_with("/api/") || path == "/readyz" {
        let response = problem_response(err, locale);
        return Ok(res.into_response(response));
    }
    if matches!(err, AppError::Unauthenticated) {
        let next = match http_req.query_string() {
            "" => path.clone(),
            q => format!("{path}?{q}"),
        };
        let target = format!("/login?next={}", urlencode(&next));
        let response = HttpResponse::SeeOther()
            .insert_header((header::LOCATION, target))
            .finish();
        return Ok(res.into_response(response));
    }
    let status = err.status_code();
    let problem = err.problem(locale);
    // The page context may itself fail (database down): fall back to a bare context.
    let p = match PageCtx::of(&http_req).await {
        Ok(p) => p,
        Err(_) => PageCtx {
            locale,
            user: None,
            csrf: crate::http::csrf::token_of(&http_req),
            org_name: String::new(),
            path,
            notice: None,
            can: Default::default(),
            unread_notifications: 0,
        },
    };
    let page = ErrorPage {
        p,
        status: status.as_u16(),
        title: problem.title,
        detail: problem.detail,
    };
    let body = page
        .render()
        .unwrap_or_else(|_| format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("")));
    let mut response = HttpResponse::build(if status.is_success() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        status
    });
    if let Some(seconds) = err.retry_after() {
        response.insert_header(("Retry-After", seconds));
    }
    let response = response.content_type("text/html; charset=utf-8").body(body);
    Ok(res.into_response(response))
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The default service: an unknown path is a 404 in the reader's language.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
