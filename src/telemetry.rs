//! Logging with tracing.

use tracing_subscriber::EnvFilter;

/// Installs the log subscriber; `RUST_LOG` overrides the configured filter. A filter that does
/// not parse is refused, naming where it came from.
pub fn init(filter: &str) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(env) if !env.is_empty() => {
            EnvFilter::try_new(&env).map_err(|e| format!("RUST_LOG {env:?} is not a log filter: {e}"))?
        }
        _ => EnvFilter::try_new(filter).map_err(|e| format!("log.filter {filter:?} is not a log filter: {e}"))?,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
    Ok(())
}
