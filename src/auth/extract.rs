//! Who is asking: the session cookie for pages, the bearer token for the API.

use super::tokens::Purpose;
use crate::domain::Context;
use crate::domain::access::{Actor, load_actor};
use crate::error::AppError;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use std::future::Future;
use std::pin::Pin;

/// The cookie carrying the web session's JWT.
pub const SESSION_COOKIE: &str = "kehittamo_session";

/// The application context from the request.
pub fn context(req: &HttpRequest) -> Result<web::Data<Context>, AppError> {
    req.app_data::<web::Data<Context>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("context missing".into()))
}

/// Resolves a token to the current actor (generation and active checked in the database).
async fn actor_for(req: &HttpRequest, token: Option<String>, purpose: Purpose) -> Result<Option<Actor>, AppError> {
    let ctx = context(req)?;
    let Some(claims) = token.and_then(|t| ctx.tokens.verify(&t, purpose)) else {
        return Ok(None);
    };
    let Some(id) = claims.person_id() else { return Ok(None) };
    let generation = claims.tgen;
    web::block(move || {
        let mut conn = ctx.db.read()?;
        let mut actor = load_actor(&mut conn, id, generation)?;
        if let Some(a) = actor.as_mut().filter(|_| purpose == Purpose::Session) {
            a.unread_notifications = crate::domain::notifications::unread_count(&mut conn, a.id)?;
        }
        Ok(actor)
    })
    .await?
}

#[derive(Clone)]
struct CachedSession(Option<Actor>);

/// The signed-in person of a page request, if any.
pub struct SessionUser(pub Option<Actor>);

impl SessionUser {
    /// Resolves the session cookie once per request.
    pub async fn of(req: &HttpRequest) -> Result<Option<Actor>, AppError> {
        if let Some(cached) = req.extensions().get::<CachedSession>() {
            return Ok(cached.0.clone());
        }
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let actor = actor_for(req, token, Purpose::Session).await?;
        req.extensions_mut().insert(CachedSession(actor.clone()));
        Ok(actor)
    }
}

impl FromRequest for SessionUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { SessionUser::of(&req).await.map(SessionUser) })
    }
}

/// The caller of an API request, from `Authorization: Bearer`; 401 without a valid token.
pub struct ApiUser(pub Actor);

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let token = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
                .map(|t| t.trim().to_string());
            actor_for(&req, token, Purpose::Api)
                .await?
                .map(ApiUser)
                .ok_or(AppError::Unauthenticated)
        })
    }
}

/// The client's address for rate limiting (the direct peer; proxies' headers are not trusted).
pub fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
