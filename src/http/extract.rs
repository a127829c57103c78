//! Who is asking: the session cookie for pages, the bearer token for the API.

use crate::auth::tokens::Purpose;
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

/// Resolves a token to the current actor (generation and active checked in the database) and,
/// for pages, their unread notifications (the bell), on one connection.
async fn actor_for(
    req: &HttpRequest,
    token: Option<String>,
    purpose: Purpose,
) -> Result<(Option<Actor>, i64), AppError> {
    let ctx = context(req)?;
    let Some(claims) = token.and_then(|t| ctx.tokens.verify(&t, purpose)) else {
        return Ok((None, 0));
    };
    let Some(id) = claims.person_id() else {
        return Ok((None, 0));
    };
    let generation = claims.tgen;
    web::block(move || {
        let mut conn = ctx.db.read()?;
        if purpose == Purpose::Session && crate::domain::sessions::ended(&mut conn, &claims.sid)? {
            return Ok((None, 0));
        }
        let actor = load_actor(&mut conn, id, generation)?;
        let unread = match &actor {
            Some(a) if purpose == Purpose::Session => crate::domain::notifications::unread_count(&mut conn, a.id)?,
            _ => 0,
        };
        Ok((actor, unread))
    })
    .await?
}

#[derive(Clone)]
struct CachedSession(Option<Actor>, i64);

/// The signed-in person of a page request, if any.
pub struct SessionUser(pub Option<Actor>);

impl SessionUser {
    /// Resolves the session cookie once per request.
    pub async fn of(req: &HttpRequest) -> Result<Option<Actor>, AppError> {
        Ok(Self::with_unread(req).await?.0)
    }

    /// The signed-in person and their unread notifications, resolved once per request.
    pub async fn with_unread(req: &HttpRequest) -> Result<(Option<Actor>, i64), AppError> {
        if let Some(cached) = req.extensions().get::<CachedSession>() {
            return Ok((cached.0.clone(), cached.1));
        }
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let (actor, unread) = actor_for(req, token, Purpose::Session).await?;
        req.extensions_mut().insert(CachedSession(actor.clone(), unread));
        Ok((actor, unread))
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
                .0
                .map(ApiUser)
                .ok_or(AppError::Unauthenticated)
        })
    }
}

/// The client's address for rate limiting: the direct peer, or, when the peer is one of
/// `server.trusted_proxies`, the nearest address in `X-Forwarded-For` that is not a proxy.
pub fn client_address(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let proxies = match context(req) {
        Ok(ctx) => ctx.settings.server.trusted_proxies.clone(),
        Err(_) => Vec::new(),
    };
    // Bytes, not text: a client's own garbage must not hide the entry its proxy appended.
    let forwarded: Vec<&[u8]> = req
        .headers()
        .get_all("x-forwarded-for")
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .collect();
    crate::http::proxies::client_of(peer, &forwarded, &proxies).to_string()
}
