use crate::helpers::TestApp;
use std::path::Path;

fn names(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn migrations_are_paired_between_backends() {
    let sqlite = names("migrations/sqlite");
    let postgres = names("migrations/postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    for backend in ["sqlite", "postgres"] {
        for name in &sqlite {
            for step in ["up.sql", "down.sql"] {
                let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(backend)
                    .join(name)
                    .join(step);
                assert!(path.exists(), "{} missing", path.display());
            }
        }
    }
}

#[test]
fn every_migration_runs_up_down_and_up_again() {
    let app = TestApp::spawn();
    let reverted = kehittamo::db::redo_all_migrations(&app.database_url).expect("redo migrations");
    assert_eq!(reverted, names("migrations/sqlite").len());
    // The schema still works after the round trip.
    kehittamo::demo::fill(&app.ctx, 0, false).expect("demo data after redo");
    assert_eq!(app.api("GET", "/readyz", None, None).status, 200);
}
