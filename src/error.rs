//! The one domain error type, and its mapping to HTTP.

use crate::i18n::Locale;
use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use serde::Serialize;

/// A problem with one input field; `code` is a translation key under `field_error.`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    /// What a refused action names (the moves possible, the fields missing), for its message.
    #[serde(skip)]
    pub detail: String,
}

impl FieldError {
    /// A field error for `field` with the message `code`.
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        FieldError {
            field: field.into(),
            code,
            detail: String::new(),
        }
    }
}

/// Every error the domain and the handlers can produce.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Was here and was taken down on purpose (a public page withdrawn from the showcase).
    #[error("gone")]
    Gone,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("cross-site request refused")]
    Csrf,
    #[error("invalid input: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// A query parameter that is missing, unknown or does not parse (its name; empty if unknown).
    #[error("bad parameter: {0}")]
    BadParameter(String),
    /// An email and password that do not sign anyone in (the API's token exchange).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// An action that the object's state does not allow; `code` is a translation key under `conflict.`.
    #[error("conflict: {code}")]
    Conflict { code: &'static str, detail: String },
    #[error("too many attempts")]
    RateLimited { retry_after_seconds: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("database error")]
    Database(#[source] diesel::result::Error),
    #[error("database pool error")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("template error")]
    Render(#[from] askama::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Shorthand for domain results.
pub type AppResult<T> = Result<T, AppError>;

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            // SQLite's write lock held past busy_timeout by another process: try again shortly.
            diesel::result::Error::DatabaseError(_, ref info) if info.message().contains("database is locked") => {
                AppError::Unavailable("the database is busy".into())
            }
            diesel::result::Error::DatabaseError(kind, ref info) if connection_lost(&kind, info.message()) => {
                AppError::Unavailable(format!("the database connection was lost ({})", info.message()))
            }
            // SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100): nothing can be written now.
            diesel::result::Error::DatabaseError(_, ref info)
                if info.message().contains("database or disk is full")
                    || info.message().contains("No space left on device") =>
            {
                AppError::Unavailable(format!("the database's disk is full ({})", info.message()))
            }
            other => AppError::Database(other),
        }
    }
}

/// Whether a database error means the connection went away (a restart, a failover, a
/// terminated backend): the request may be tried again, so 503, not 500.
fn connection_lost(kind: &diesel::result::DatabaseErrorKind, message: &str) -> bool {
    use diesel::result::DatabaseErrorKind::{ClosedConnection, UnableToSendCommand};
    matches!(kind, ClosedConnection | UnableToSendCommand)
        || [
            "terminating connection",
            "server closed the connection",
            "could not receive data from server",
            "no connection to the server",
            "connection to server",
        ]
        .iter()
        .any(|m| message.contains(m))
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl AppError {
    /// A single-field validation error.
    pub fn field(field: impl Into<String>, code: &'static str) -> Self {
        AppError::Validation(vec![FieldError::new(field, code)])
    }

    /// A conflict with a translation key and a detail for logs and API clients.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    /// The stable snake_case code, also the translation key under `error.`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Gone => "gone",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::Validation(_) => "validation",
            AppError::BadRequest(_) | AppError::BadParameter(_) => "bad_request",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Conflict { .. } => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            // No free connection in time: the database is down or overloaded.
            AppError::Unavailable(_) | AppError::Pool(_) => "unavailable",
            AppError::Database(_) | AppError::Render(_) | AppError::Internal(_) => "internal",
        }
    }

    /// Whether this is a server-side failure (logged with its cause).
    pub fn is_internal(&self) -> bool {
        self.status_code().is_server_error()
    }

    /// The RFC 9457 problem document in the reader's language.
    pub fn problem(&self, locale: Locale) -> Problem {
        let status = self.status_code().as_u16();
        let title = locale.t(&format!("error.{}.title", self.code())).to_string();
        let detail = match self {
            AppError::Conflict { code, detail } => conflict_message(locale, code, detail),
            AppError::BadRequest(msg) => msg.clone(),
            AppError::BadParameter(name) => locale.tf("error.bad_parameter", &[("name", name)]),
            _ => locale.t(&format!("error.{}.detail", self.code())).to_string(),
        };
        let errors = match self {
            AppError::Validation(fields) => fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.code,
                    message: locale.t(&format!("field_error.{}", f.code)).to_string(),
                })
                .collect(),
            AppError::BadParameter(name) => vec![ProblemField {
                field: name.clone(),
                code: "invalid_value",
                message: locale.t("field_error.invalid_value").to_string(),
            }],
            _ => Vec::new(),
        };
        Problem {
            kind: format!("/problems/{}", self.code()),
            title,
            status,
            detail,
            code: match self {
                AppError::Conflict { code, .. } => code,
                _ => self.code(),
            },
            errors,
        }
    }

    /// Logs internal errors with their whole cause chain; nothing internal reaches the reader.
    pub fn log(&self) {
        if self.is_internal() {
            let mut chain = self.to_string();
            let mut source = std::error::Error::source(self);
            while let Some(s) = source {
                chain.push_str(": ");
                chain.push_str(&s.to_string());
                source = s.source();
            }
            tracing::error!(error = %chain, "request failed");
        }
    }
}

/// A conflict's message; an illegal lifecycle move names the moves that are possible.
pub fn conflict_message(locale: Locale, code: &str, detail: &str) -> String {
    let message = locale.t(&format!("conflict.{code}")).to_string();
    // Conflicts that name a thing (a unit) carry its name as the detail.
    if code == "no_reviewer" {
        return message.replace("{detail}", detail);
    }
    // Conflicts that list what is possible, or missing, name it in the reader's language.
    let prefix = match code {
        "illegal_transition" => "idea_status",
        "illegal_experiment_transition" => "experiment_status",
        "report_incomplete" => "report",
        _ => return message,
    };
    let allowed: Vec<String> = detail
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| locale.t(&format!("{prefix}.{s}")).to_string())
        .collect();
    let allowed = if allowed.is_empty() {
        locale.t("conflict.no_moves").to_string()
    } else {
        allowed.join(", ")
    };
    message.replace("{allowed}", &allowed)
}

/// An RFC 9457 problem details document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable snake_case error code.
    pub code: &'static str,
    /// Per-field errors of a validation problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One field's error in a problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Gone => StatusCode::GONE,
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) | AppError::BadParameter(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) | AppError::Pool(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The fallback rendering (Finnish problem+json); the error middleware localises it or
    /// renders an HTML page, using the request.
    fn error_response(&self) -> HttpResponse {
        problem_response(self, Locale::default())
    }
}

/// How long a client waits before trying again when the database is busy or unreachable.
pub const RETRY_AFTER_SECONDS: &str = "2";

impl AppError {
    /// Seconds to wait before trying again, for answers that say so (429 and 503).
    pub fn retry_after(&self) -> Option<String> {
        match self {
            AppError::RateLimited { retry_after_seconds } => Some(retry_after_seconds.to_string()),
            AppError::Unavailable(_) | AppError::Pool(_) => Some(RETRY_AFTER_SECONDS.to_string()),
            _ => None,
        }
    }
}

impl AppError {
    /// The error for someone at the command line: field errors by name, and for faults the
    /// cause itself (logged as well), never the web's "it has been logged".
    pub fn for_operator(&self) -> String {
        if matches!(
            self,
            AppError::Database(_)
                | AppError::Internal(_)
                | AppError::Unavailable(_)
                | AppError::Pool(_)
                | AppError::Render(_)
        ) {
            self.log();
            let mut text = self.to_string();
            let mut source = std::error::Error::source(self);
            while let Some(s) = source {
                text.push_str(&format!(": {s}"));
                source = s.source();
            }
            return text;
        }
        let problem = self.problem(Locale::En);
        let fields: Vec<String> = problem
            .errors
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect();
        if fields.is_empty() {
            problem.detail
        } else {
            fields.join("; ")
        }
    }
}

/// A problem+json response for `err` in `locale`.
pub fn problem_response(err: &AppError, locale: Locale) -> HttpResponse {
    let mut res = HttpResponse::build(err.status_code());
    res.content_type("application/problem+json");
    if matches!(err, AppError::Unauthenticated | AppError::InvalidCredentials) {
        res.insert_header(("WWW-Authenticate", "Bearer"));
    }
    if let Some(seconds) = err.retry_after() {
        res.insert_header(("Retry-After", seconds));
    }
    res.json(err.problem(locale))
}
