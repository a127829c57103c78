//! Builds the application from settings: database, mailer, HTTP server and background work.

use crate::config::Settings;
use crate::db::{Db, DbError};
use crate::domain::{Context, mail as outbox};
use crate::http::csrf;
use crate::mail::{MailError, Mailer};
use crate::{api, web as pages};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpServer, web};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error("cannot listen on {0}: {1}")]
    Listen(String, std::io::Error),
}

/// A built application, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    ctx: Context,
    mailer: Mailer,
    stopping: Stopping,
}

/// Set when a stop signal has come: answers then close their connections.
#[derive(Clone, Default)]
struct Stopping(Arc<AtomicBool>);

impl Application {
    /// Opens and migrates the database, prepares the mailer and binds the listener.
    /// Call inside an actix/tokio runtime.
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        let db = Db::open(&settings.database)?;
        let mailer = Mailer::from_settings(&settings.mail)?;
        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener = TcpListener::bind(&address).map_err(|e| StartupError::Listen(address.clone(), e))?;
        let port = listener
            .local_addr()
            .map_err(|e| StartupError::Listen(address.clone(), e))?
            .port();
        let workers = match settings.server.workers {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            n => n,
        };
        let shutdown = Duration::from_secs(settings.server.shutdown_seconds);
        let ctx = Context::new(db, settings);
        let app_ctx = web::Data::new(ctx.clone());
        let stopping = Stopping::default();
        let stopping_data = web::Data::new(stopping.clone());
        let secure = ctx.settings.secure_cookies();
        let server = HttpServer::new(move || {
            let mut headers = DefaultHeaders::new()
                .add((
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; \
                     form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                ))
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("Referrer-Policy", "same-origin"))
                .add(("X-Frame-Options", "DENY"))
                .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"));
            if secure {
                headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
            }
            // The API's routes and its OpenAPI document come from one registration.
            let (app, doc) = App::new()
                .app_data(app_ctx.clone())
                .app_data(api::query_config())
                .app_data(api::path_config())
                .into_utoipa_app()
                .openapi(api::ApiDoc::openapi())
                .configure(api::routes)
                .split_for_parts();
            app.app_data(web::Data::new(doc))
                .app_data(stopping_data.clone())
                .service(api::openapi_json)
                .configure(pages::routes)
                .default_service(web::to(pages::errors_not_found))
                .wrap(from_fn(page_guard))
                .wrap(from_fn(pages::render_errors))
                .wrap(from_fn(no_store_when_signed_in))
                .wrap(from_fn(log_request))
                .wrap(from_fn(close_when_stopping))
                .wrap(headers)
        })
        .workers(workers)
        .shutdown_timeout(shutdown.as_secs())
        // Signals are handled below, so that answers can close their connections first.
        .disable_signals()
        .listen(listener)
        .map_err(|e| StartupError::Listen(address.clone(), e))?
        .run();
        Ok(Application {
            port,
            server,
            ctx,
            mailer,
            stopping,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The domain context (tests read the database through it).
    pub fn context(&self) -> Context {
        self.ctx.clone()
    }

    /// The mailer (tests read the memory mailbox through it).
    pub fn mailer(&self) -> Mailer {
        self.mailer.clone()
    }

    /// Starts the background work and serves until stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let ctx = self.ctx.clone();
        let mailer = self.mailer.clone();
        actix_web::rt::spawn(background(ctx, mailer));
        let handle = self.server.handle();
        let stopping = self.stopping.clone();
        actix_web::rt::spawn(async move {
            stop_signal().await;
            tracing::info!("stop signal: finishing the requests in flight");
            stopping.0.store(true, Ordering::SeqCst);
            // Graceful: the listener closes now, requests in flight finish (each answer closes
            // its connection), and after shutdown_seconds whatever is left is dropped.
            handle.stop(true).await;
        });
        self.server.await
    }
}

/// Waits for SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            return std::future::pending().await;
        };
        std::future::poll_fn(|cx| {
            if term.poll_recv(cx).is_ready() || int.poll_recv(cx).is_ready() {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
    }
    #[cfg(not(unix))]
    {
        let _ = actix_web::rt::signal::ctrl_c().await;
    }
}

/// While stopping, every answer says `Connection: close`, so keep-alive clients leave after
/// their current request instead of holding the process until the shutdown timeout.
async fn close_when_stopping(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let stopping = req
        .app_data::<web::Data<Stopping>>()
        .is_some_and(|s| s.0.load(Ordering::SeqCst));
    let mut res = next.call(req).await?;
    if stopping {
        res.response_mut()
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
    }
    Ok(res)
}

impl Application {}

/// How often the experiments' daily check runs (hourly, so that a restart never skips a day).
const DAILY_CHECK_EVERY: Duration = Duration::from_secs(3600);

/// How often voting rounds that opened or closed are announced.
const ROUND_CHECK_EVERY: Duration = Duration::from_secs(30);

/// The outbox sender, the experiments' daily check, voting-round announcements and housekeeping;
/// safe to run on several instances at once.
async fn background(ctx: Context, mailer: Mailer) {
    let mut tick = actix_web::rt::time::interval(Duration::from_millis(ctx.settings.mail.poll_interval_ms.max(10)));
    let mut ticks: u64 = 0;
    let mut last_daily: Option<std::time::Instant> = None;
    let mut last_rounds: Option<std::time::Instant> = None;
    loop {
        tick.tick().await;
        ticks += 1;
        let (c, m) = (ctx.clone(), mailer.clone());
        let prune = ticks % 600 == 0;
        let daily = last_daily.is_none_or(|at| at.elapsed() >= DAILY_CHECK_EVERY);
        if daily {
            last_daily = Some(std::time::Instant::now());
        }
        let round_check = last_rounds.is_none_or(|at| at.elapsed() >= ROUND_CHECK_EVERY);
        if round_check {
            last_rounds = Some(std::time::Instant::now());
        }
        let result = web::block(move || {
            outbox::send_due(&c, &m)?;
            if prune {
                crate::domain::sign_in::prune(&c)?;
            }
            if round_check {
                crate::domain::panels::rounds::announce_due(&c)?;
                crate::domain::campaigns::announce_due(&c)?;
            }
            if daily {
                let digests = crate::domain::digests::send_due(&c)?;
                if digests > 0 {
                    tracing::info!(digests, "digests sent");
                }
                let done = crate::domain::experiments::lifecycle::daily(&c)?;
                if done.started + done.reminded > 0 {
                    tracing::info!(
                        started = done.started,
                        reminded = done.reminded,
                        "daily check of experiments"
                    );
                }
            }
            Ok::<_, crate::error::AppError>(())
        })
        .await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "background work failed"),
            Err(e) => tracing::warn!(error = %e, "background work could not run"),
        }
    }
}

/// Page routes get CSRF protection; the API (bearer tokens, no cookies) does not need it.
async fn page_guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The unsubscribe link's signed token is its own authority: mail clients POST to it in one
    // click (RFC 8058), without the form token or cookies.
    // The public showcase sets no cookie and changes nothing: caches may keep its pages.
    if req.path().starts_with("/api/")
        || pages::showcase::is_public_path(req.path())
        || req.path().starts_with("/static/")
        || req.path() == "/favicon.svg"
        || req.path() == "/healthz"
        || req.path() == "/readyz"
        || req.path() == "/unsubscribe"
    {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    csrf::guard(req, next).await
}

/// Answers to a signed-in person (a session cookie or a bearer token) are never stored by
/// browsers or proxies: they hold personal data. Static files stay cacheable.
async fn no_store_when_signed_in(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let signed_in = req.headers().contains_key(actix_web::http::header::AUTHORIZATION)
        || req.cookie(crate::http::extract::SESSION_COOKIE).is_some();
    let static_file = req.path().starts_with("/static/")
        || req.path() == "/favicon.svg"
        || pages::showcase::is_public_path(req.path());
    let mut res = next.call(req).await?;
    if signed_in && !static_file {
        res.headers_mut().insert(
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(res)
}

/// Logs each request at debug level with its status and duration.
async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let (method, path) = (req.method().clone(), req.path().to_string());
    let res = next.call(req).await?;
    tracing::debug!(%method, %path, status = res.status().as_u16(), micros = started.elapsed().as_micros() as u64, "request");
    Ok(res)
}
