//! Typed settings, loaded in layers: default.toml → {env}.toml → --config → KEHITTAMO__SECTION__KEY.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The built-in defaults; config/default.toml is embedded so the binary runs from anywhere.
const DEFAULTS: &str = include_str!("../config/default.toml");
/// The JWT secret shipped in default.toml, refused in production.
pub const DEFAULT_JWT_SECRET: &str = "development-only-secret-change-me-in-production";

/// All settings of the application.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub mail: MailSettings,
    pub log: LogSettings,
    pub showcase: ShowcaseSettings,
    /// The environment name (development, test, production), from KEHITTAMO_ENV.
    #[serde(skip)]
    pub environment: String,
}

/// HTTP server settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub base_url: String,
    pub workers: usize,
    /// Where accessibility feedback and privacy requests go (shown on those pages).
    pub feedback_email: String,
    /// Load balancers and reverse proxies (addresses or networks) whose `X-Forwarded-For` is
    /// believed for the client's address.
    pub trusted_proxies: Vec<String>,
    /// On SIGTERM or SIGINT: how long requests in flight may take before the process exits.
    pub shutdown_seconds: u64,
}

/// The public showcase.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowcaseSettings {
    /// Whether the showcase may be opened at all (an administrator still turns it on).
    pub enabled: bool,
    /// Origins (scheme://host[:port]) whose pages may frame the embeddable list.
    pub embed_origins: Vec<String>,
}

/// Database settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    pub connect_timeout_seconds: u64,
}

/// Authentication settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub jwt_secret: String,
    pub session_hours: i64,
    pub api_token_minutes: i64,
    pub self_registration: bool,
    pub staff_email_domains: Vec<String>,
    pub link_minutes: i64,
    pub invitation_days: i64,
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
    pub failure_window_minutes: i64,
    /// Password checks (Argon2, ~19 MiB each) at once; 0: one per core.
    pub parallel_password_checks: usize,
    /// How long a password check waits for its turn before the answer is 503.
    pub password_queue_ms: u64,
}

/// Which mail backend sends the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailBackend {
    Smtp,
    File,
    Memory,
}

/// TLS mode of the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

/// Mail settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub backend: MailBackend,
    pub from: String,
    pub file_dir: PathBuf,
    pub poll_interval_ms: u64,
    pub retry_base_seconds: i64,
    pub max_attempts: i32,
    pub smtp: SmtpSettings,
}

/// SMTP relay settings.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for SmtpSettings {
    // The password never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Logging settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub filter: String,
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Loads settings for `KEHITTAMO_ENV` (default development) from `config_dir`, an optional
    /// extra file, and the environment.
    pub fn load(config_dir: &Path, extra_file: Option<&Path>) -> Result<Self, ConfigError> {
        let environment = std::env::var("KEHITTAMO_ENV").unwrap_or_else(|_| "development".to_string());
        Self::load_for(&environment, config_dir, extra_file, true)
    }

    /// Loads the test settings (config/test.toml), ignoring the environment variables.
    pub fn for_tests() -> Result<Self, ConfigError> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        Self::load_for("test", &dir, None, false)
    }

    fn load_for(
        environment: &str,
        config_dir: &Path,
        extra_file: Option<&Path>,
        with_env: bool,
    ) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
            .add_source(config::File::from(config_dir.join(format!("{environment}.toml"))).required(false));
        if let Some(file) = extra_file {
            builder = builder.add_source(config::File::from(file.to_path_buf()).required(true));
        }
        if with_env {
            builder = builder.add_source(
                config::Environment::with_prefix("KEHITTAMO")
                    .prefix_separator("__")
                    .separator("__")
                    .list_separator(",")
                    .with_list_parse_key("auth.staff_email_domains")
                    .with_list_parse_key("server.trusted_proxies")
                    .try_parsing(true),
            );
        }
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        settings.environment = environment.to_string();
        settings.validate()?;
        Ok(settings)
    }

    /// Refuses settings that are unsafe or unusable.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.environment == "production" {
            if self.auth.jwt_secret.trim() == DEFAULT_JWT_SECRET {
                return Err(ConfigError::Invalid(
                    "auth.jwt_secret still has the development default; set KEHITTAMO__AUTH__JWT_SECRET".into(),
                ));
            }
            if self.mail.backend == MailBackend::File {
                return Err(ConfigError::Invalid(
                    "mail.backend = \"file\" is for development; configure smtp in production".into(),
                ));
            }
            if self.mail.backend == MailBackend::Memory {
                return Err(ConfigError::Invalid(
                    "mail.backend = \"memory\" is for tests; configure smtp in production".into(),
                ));
            }
            // The accessibility statement (law 306/2019) must give a feedback address that works.
            let feedback = self.server.feedback_email.trim();
            if !feedback.contains('@') || feedback.ends_with("@localhost") {
                return Err(ConfigError::Invalid(
                    "server.feedback_email must be a real address for accessibility feedback; set KEHITTAMO__SERVER__FEEDBACK_EMAIL".into(),
                ));
            }
        }
        if self.auth.jwt_secret.len() < 32 {
            return Err(ConfigError::Invalid(
                "auth.jwt_secret must be at least 32 characters".into(),
            ));
        }
        if let Some(bad) = self
            .server
            .trusted_proxies
            .iter()
            .find(|p| crate::http::proxies::parse(p).is_none())
        {
            return Err(ConfigError::Invalid(format!(
                "server.trusted_proxies: {bad:?} is not an address or network (e.g. 10.0.0.0/8)"
            )));
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError::Invalid("database.pool_size must be at least 1".into()));
        }
        Ok(())
    }

    /// Whether cookies must carry the Secure flag.
    pub fn secure_cookies(&self) -> bool {
        self.server.base_url.starts_with("https://")
    }

    /// The base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.server.base_url.trim_end_matches('/')
    }
}
