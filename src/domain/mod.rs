//! The domain: every rule, permission check and lifecycle, independent of HTTP and templates.

pub mod access;
pub mod accounts;
pub mod campaigns;
pub mod dashboard;
pub mod digests;
pub mod directions;
pub mod events;
pub mod experiments;
pub mod feed;
pub mod follows;
pub mod ideas;
pub mod mail;
pub mod moderation;
pub mod municipalities;
pub mod notifications;
pub mod observations;
pub mod organisation;
pub mod panels;
pub mod people;
pub mod personas;
pub mod policy;
pub mod preferences;
pub mod sessions;
pub mod showcase;
pub mod sign_in;
pub use policy::scope;
pub mod surveys;
pub mod trustees;
pub mod units;
pub mod utc;
pub mod validate;

use crate::auth::tokens::Tokens;
use crate::config::Settings;
use crate::db::Db;
use std::sync::Arc;

/// What every domain operation may need: the database, token keys and settings.
#[derive(Clone)]
pub struct Context {
    pub db: Db,
    pub tokens: Arc<Tokens>,
    pub settings: Arc<Settings>,
    /// The organisation's name once set up; it never changes afterwards, so every page need
    /// not ask the database.
    pub organisation_name: Arc<std::sync::OnceLock<String>>,
    /// The showcase's year in numbers, per municipality filter, with when it was counted.
    pub showcase_figures: Arc<std::sync::Mutex<showcase::FiguresCache>>,
    /// The showcase's built list pages.
    pub showcase_pages: Arc<std::sync::Mutex<showcase::PageCache>>,
}

impl Context {
    /// A context over an open database.
    pub fn new(db: Db, settings: Settings) -> Self {
        let tokens = Arc::new(Tokens::new(&settings.auth));
        crate::auth::password::configure(
            settings.auth.parallel_password_checks,
            std::time::Duration::from_millis(settings.auth.password_queue_ms),
        );
        Context {
            db,
            tokens,
            settings: Arc::new(settings),
            organisation_name: Arc::default(),
            showcase_figures: Arc::default(),
            showcase_pages: Arc::default(),
        }
    }

    /// An absolute link to `path` for emails.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.settings.base_url(), path)
    }
}

/// The largest page any list returns.
pub const MAX_PAGE_SIZE: i64 = 100;

/// Keyset pagination: the id after which to continue, and how many to return.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageRequest {
    /// Continue after this id (from `next_after` of the previous page).
    pub after: Option<i64>,
    /// How many items (1–100, default 50).
    pub limit: Option<i64>,
}

impl PageRequest {
    /// The bounded page size.
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, MAX_PAGE_SIZE)
    }
}

/// One page of a list, with the cursor of the next page.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next_after: Option<i64>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only tells that more exist.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, id_of: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_after = if more { rows.last().map(&id_of) } else { None };
        Page {
            items: rows,
            next_after,
        }
    }
}

/// Deserialises a field that may be absent (None), null (Some(None)) or a value.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}
