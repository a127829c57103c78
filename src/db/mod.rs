//! The database layer: one connection type over SQLite and PostgreSQL, pools and migrations.

pub mod backend;
pub mod period;
pub mod schema;
pub mod text;

use crate::config::DatabaseSettings;
use crate::error::{AppError, AppResult};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

/// Migrations for the embedded SQLite backend.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// Migrations for PostgreSQL and its compatible relatives.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which engine a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// Chooses the backend from the URL scheme; anything else is a SQLite path.
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Opens connections for the pool, choosing the backend itself so the real error is shown.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ConnectionManager {
    /// A manager for `url`.
    pub fn new(url: &str) -> Self {
        ConnectionManager {
            url: url.to_string(),
            backend: Backend::of_url(url),
        }
    }

    /// A manager whose PostgreSQL connections give up after `seconds` when the server does not
    /// answer (libpq's `connect_timeout`, unless the URL sets its own).
    pub fn with_connect_timeout(url: &str, seconds: u64) -> Self {
        let mut manager = Self::new(url);
        if manager.backend == Backend::Postgres && !url.contains("connect_timeout=") {
            let separator = if url.contains('?') { '&' } else { '?' };
            // libpq treats 1 as 2; a plain number of seconds.
            manager.url = format!("{url}{separator}connect_timeout={}", seconds.max(2));
        }
        manager
    }

    /// Opens one connection, with SQLite's per-connection settings applied.
    pub fn establish(&self) -> Result<AnyConnection, ConnectionError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url).map(AnyConnection::Postgresql),
            Backend::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        self.establish().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map(|_| ())
            .map_err(r2d2::Error::QueryError)
    }

    // Cheap: no round trip; a connection the server closed is dropped when returned.
    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Serialises transactions that take the same `key` until they end (PostgreSQL: an advisory
/// transaction lock; SQLite's write transactions are serial already).
pub fn lock_key(conn: &mut AnyConnection, key: &str) -> AppResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// Whether an insert failed only because the row is there already.
pub fn is_duplicate(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

type AnyPool = Pool<ConnectionManager>;
/// How long the readiness probe waits for a connection (it must answer within a second).
const PING_WAIT: Duration = Duration::from_millis(500);
/// A connection borrowed from a pool.
pub type Conn = PooledConnection<ConnectionManager>;

/// The application's database: a read pool, and a write pool (one connection on SQLite).
#[derive(Clone)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] ConnectionError),
    #[error("cannot create the database folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migrations failed: {0}")]
    Migrations(String),
    #[error("database setup failed: {0}")]
    Setup(#[from] diesel::result::Error),
    #[error("database.url: {0} cannot be written: {1}")]
    ReadOnly(String, diesel::result::Error),
}

impl Db {
    /// Connects (creating the SQLite file and folder if needed), migrates, and builds the pools.
    pub fn open(settings: &DatabaseSettings) -> Result<Db, DbError> {
        // libpq uses OpenSSL, whose default exit handler frees it while pool threads may still
        // be connecting: the process could crash as it exits (diesel-rs/diesel#3441).
        // Initialised first without that handler, it never registers one.
        openssl_sys::init();
        let manager = ConnectionManager::with_connect_timeout(&settings.url, settings.connect_timeout_seconds);
        let backend = manager.backend;
        if backend == Backend::Sqlite {
            let path = std::path::Path::new(settings.url.strip_prefix("sqlite://").unwrap_or(&settings.url));
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| DbError::Folder(dir.display().to_string(), e))?;
            }
        }
        // A first direct connection shows the real cause of a failure and runs migrations.
        let mut first = manager.establish()?;
        if let AnyConnection::Sqlite(c) = &mut first {
            c.batch_execute("PRAGMA journal_mode = WAL;")?;
        }
        run_migrations(&mut first)?;
        if let AnyConnection::Sqlite(c) = &mut first {
            // A file (or folder, for the write-ahead log) that cannot be written opens read-only
            // without complaint; one real write finds out before the server says it is ready.
            let probe = "BEGIN IMMEDIATE; UPDATE __diesel_schema_migrations SET run_on = run_on; COMMIT;";
            if let Err(e) = c.batch_execute(probe) {
                let _ = c.batch_execute("ROLLBACK;");
                return Err(DbError::ReadOnly(settings.url.clone(), e));
            }
        }
        drop(first);

        let timeout = Duration::from_secs(settings.connect_timeout_seconds.max(1));
        let build = |size: u32| {
            Pool::builder()
                .max_size(size)
                .min_idle(Some(1))
                // PostgreSQL: a connection the server dropped (a restart, a failover, an idle
                // timeout) is found by a round trip at checkout and replaced before any statement
                // runs. SQLite's connections are files and do not drop.
                .test_on_check_out(backend == Backend::Postgres)
                .connection_timeout(timeout)
                .build(manager.clone())
        };
        let read = build(settings.pool_size)?;
        let write = match backend {
            Backend::Sqlite => build(1)?,
            Backend::Postgres => read.clone(),
        };
        Ok(Db { read, write, backend })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for reading.
    pub fn read(&self) -> AppResult<Conn> {
        self.read.get().map_err(AppError::from)
    }

    /// The connection for writing (the single writer on SQLite).
    pub fn write(&self) -> AppResult<Conn> {
        self.write.get().map_err(AppError::from)
    }

    /// Runs `f` in a write transaction.
    pub fn transaction<T>(&self, f: impl FnOnce(&mut AnyConnection) -> AppResult<T>) -> AppResult<T> {
        let mut pooled = self.write()?;
        let conn: &mut AnyConnection = &mut pooled;
        let AnyConnection::Sqlite(sqlite) = conn else {
            return conn.transaction(f);
        };
        // SQLite: take the write lock up front (BEGIN IMMEDIATE waits through busy_timeout). A
        // deferred transaction that reads first fails at once with "database is locked" when
        // another process (an admin command, a second instance) writes meanwhile. The work runs
        // inside it as a savepoint.
        AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
        // Some errors (a full disk) make SQLite roll back by itself; the savepoint's rollback then
        // fails, and that failure must not hide the cause.
        let mut cause = None;
        let result = conn.transaction(|c| {
            f(c).map_err(|e| {
                cause = Some(e);
                AppError::Internal("rolled back".into())
            })
        });
        let result = match (result, cause) {
            (Err(_), Some(e)) => Err(e),
            (result, _) => result,
        };
        let AnyConnection::Sqlite(sqlite) = conn else {
            unreachable!("the connection stays SQLite");
        };
        match result.and_then(|value| Ok(AnsiTransactionManager::commit_transaction(sqlite).map(|()| value)?)) {
            Ok(value) => Ok(value),
            Err(e) => {
                // A failed rollback leaves the connection broken; the pool then drops it.
                let _ = AnsiTransactionManager::rollback_transaction(sqlite);
                Err(e)
            }
        }
    }

    /// Whether the database answers a trivial query within `PING_WAIT` for a connection.
    pub fn ping(&self) -> bool {
        self.read
            .get_timeout(PING_WAIT)
            .ok()
            .is_some_and(|mut c| diesel::sql_query("SELECT 1").execute(&mut *c).is_ok())
    }
}

/// Applies pending migrations of the connection's backend.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<(), DbError> {
    let result = match conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| DbError::Migrations(e.to_string()))
}

/// Reverts every migration and applies them again: proves each down step undoes its up step.
pub fn redo_all_migrations(url: &str) -> Result<usize, DbError> {
    let mut conn = ConnectionManager::new(url).establish()?;
    fn redo<C: MigrationHarness<B>, B: diesel::backend::Backend>(
        c: &mut C,
        source: impl Fn() -> EmbeddedMigrations,
    ) -> Result<usize, String> {
        c.run_pending_migrations(source()).map_err(|e| e.to_string())?;
        let reverted = c.revert_all_migrations(source()).map_err(|e| e.to_string())?.len();
        c.run_pending_migrations(source()).map_err(|e| e.to_string())?;
        Ok(reverted)
    }
    match &mut conn {
        // Take SQLite's write lock up front (waiting through busy_timeout) and hold it for the
        // whole redo. Under a deferred BEGIN, dropping an FTS5 table reads it first, and the
        // later upgrade to writing fails at once with "database is locked" when another
        // connection writes. Each migration still rolls back on its own, as a savepoint.
        AnyConnection::Sqlite(c) => {
            c.immediate_transaction(|c| redo(c, || SQLITE_MIGRATIONS).map_err(DbError::Migrations))
        }
        AnyConnection::Postgresql(c) => redo(c, || POSTGRES_MIGRATIONS).map_err(DbError::Migrations),
    }
}
