//! The `kehittamo` command: serve, migrate, admin, demo-data.

use clap::{Parser, Subcommand};
use kehittamo::config::Settings;
use kehittamo::domain::Context;
use kehittamo::domain::people::{self, NewPerson, NewRole};
use kehittamo::startup::Application;
use kehittamo::{db, demo, telemetry};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "kehittamo", version, about = "Kehittämö — Kehittäminen kuuluu kaikille")]
struct Cli {
    /// An extra configuration file, read after config/default.toml and config/{KEHITTAMO_ENV}.toml.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Fill the demo organisation first if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Send the daily and weekly digests that are due (the server does this every hour);
    /// each person gets each period's digest once, however often this runs.
    SendDigests {
        /// Send as if it were this moment (RFC 3339), e.g. to catch up after an outage.
        #[arg(long)]
        at: Option<String>,
    },
    /// Administration from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Fill an empty database with the demo organisation.
    DemoData {
        /// Extra generated people, for scale tests.
        #[arg(long, default_value_t = 0)]
        people: usize,
        /// Extra generated ideas (about three comments each), for scale tests.
        #[arg(long, default_value_t = 0)]
        ideas: usize,
        /// Extra generated experiments in every state, for scale tests.
        #[arg(long, default_value_t = 0)]
        experiments: usize,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a person; with --password-stdin the password is read from standard input,
    /// otherwise an invitation is emailed.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// employee, customer or trustee.
        #[arg(long, default_value = "employee")]
        kind: String,
        /// admin, manager or key-expert.
        #[arg(long)]
        role: Option<String>,
        /// The unit a manager or key-expert role covers.
        #[arg(long)]
        unit: Option<i64>,
        /// The organisation's name, when it has not been set up yet.
        #[arg(long)]
        organisation: Option<String>,
        /// Read the password from standard input (never from an argument).
        #[arg(long)]
        password_stdin: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config_dir = PathBuf::from("config");
    let settings = match Settings::load(&config_dir, cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kehittamo: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = telemetry::init(&settings.log.filter) {
        eprintln!("kehittamo: configuration: {e}");
        return ExitCode::FAILURE;
    }
    match run(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kehittamo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn open_context(settings: Settings) -> Result<Context, String> {
    let db = db::Db::open(&settings.database).map_err(|e| e.to_string())?;
    Ok(Context::new(db, settings))
}

fn run(command: Command, settings: Settings) -> Result<(), String> {
    match command {
        Command::Serve { demo: with_demo } => serve(settings, with_demo),
        Command::Migrate => {
            let url = settings.database.url.clone();
            open_context(settings)?;
            println!("Database {url} is up to date.");
            Ok(())
        }
        Command::SendDigests { at } => {
            let at = match at {
                Some(text) => chrono::DateTime::parse_from_rfc3339(&text)
                    .map_err(|e| format!("--at {text}: {e}"))?
                    .naive_utc(),
                None => kehittamo::clock::now(),
            };
            let ctx = open_context(settings)?;
            let started = std::time::Instant::now();
            let sent = kehittamo::domain::digests::send_due_at(&ctx, at).map_err(|e| e.for_operator())?;
            println!("{sent} digests queued in {:.2} s.", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::DemoData {
            people,
            ideas,
            experiments,
        } => {
            let ctx = open_context(settings)?;
            fill_demo(
                &ctx,
                demo::Extra {
                    people,
                    ideas,
                    experiments,
                },
            )
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    email,
                    name,
                    kind,
                    role,
                    unit,
                    organisation,
                    password_stdin,
                },
        } => {
            let ctx = open_context(settings)?;
            let password = if password_stdin {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| format!("reading the password: {e}"))?;
                Some(text.trim_end_matches(['\n', '\r']).to_string())
            } else {
                None
            };
            let invited = password.is_none();
            let input = NewPerson {
                email: email.clone(),
                name,
                kind,
                password,
                unit_ids: Vec::new(),
                locale: None,
            };
            let role = role.map(|r| NewRole {
                role: r.replace('-', "_"),
                unit_id: unit,
            });
            let id = people::create_as_operator(&ctx, &input, role.as_ref(), organisation.as_deref())
                .map_err(|e| e.for_operator())?;
            if invited {
                println!("Created person {id} <{email}>; an invitation is sent when the server runs.");
            } else {
                println!("Created person {id} <{email}>.");
            }
            Ok(())
        }
    }
}

fn fill_demo(ctx: &Context, extra: demo::Extra) -> Result<(), String> {
    match demo::fill_all(ctx, extra, true).map_err(|e| e.for_operator())? {
        Some(logins) => {
            println!(
                "Demo organisation created. Sign in as (password {}):",
                demo::DEMO_PASSWORD
            );
            for l in logins {
                println!("  {:<34} {}", l.email, l.role);
            }
        }
        None => println!("The database is not empty; demo data was not added."),
    }
    Ok(())
}

#[actix_web::main]
async fn serve(settings: Settings, with_demo: bool) -> Result<(), String> {
    // The demo's people share a password printed in the README.
    if with_demo && settings.environment == "production" {
        return Err(
            "serve --demo is refused in production (KEHITTAMO_ENV=production): the demo people's password is public"
                .into(),
        );
    }
    let base_url = settings.base_url().to_string();
    let host = settings.server.host.clone();
    let started = std::time::Instant::now();
    let app = Application::build(settings).map_err(|e| e.to_string())?;
    if with_demo {
        let ctx = app.context();
        actix_web::web::block(move || fill_demo(&ctx, demo::Extra::default()))
            .await
            .map_err(|e| e.to_string())??;
    }
    tracing::info!(
        "Kehittämö listening on http://{host}:{port} (public address {base_url}), ready in {} ms",
        started.elapsed().as_millis(),
        port = app.port(),
    );
    app.run_until_stopped().await.map_err(|e| e.to_string())?;
    // Requests are done. Blocking work still running (a slow SMTP exchange) would hold the
    // runtime's teardown past shutdown_seconds; the outbox's lease makes it safe to leave.
    tracing::info!("stopped");
    std::process::exit(0)
}
