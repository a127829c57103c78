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

/// The words each typed column allows, as the Rust enums say.
fn typed_columns() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use kehittamo::domain::access::{PersonKind, RoleKind};
    use kehittamo::domain::experiments::ExperimentStatus;
    use kehittamo::domain::experiments::plan::VersionState;
    use kehittamo::domain::experiments::review::Decision;
    use kehittamo::domain::ideas::IdeaStatus;
    use kehittamo::domain::moderation::ModeratedKind;
    use kehittamo::domain::notifications::Kind;
    use kehittamo::domain::panels::MemberRole;
    use kehittamo::domain::panels::shares::ItemType;
    use kehittamo::domain::units::UnitKind;
    let kinds: Vec<&str> = PersonKind::ALL.iter().map(|k| k.as_str()).collect();
    let mut columns = vec![
        ("people", "kind", kinds.clone()),
        (
            "people",
            "locale",
            kehittamo::i18n::Locale::ALL.iter().map(|l| l.code()).collect(),
        ),
        (
            "role_assignments",
            "role",
            RoleKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        ("units", "kind", UnitKind::ALL.iter().map(|k| k.as_str()).collect()),
        (
            "campaigns",
            "audience",
            kehittamo::domain::campaigns::AUDIENCES.to_vec(),
        ),
        ("ideas", "status", IdeaStatus::ALL.iter().map(|k| k.as_str()).collect()),
        ("ideas", "author_kind", kinds),
        (
            "reports",
            "object_type",
            ModeratedKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        ("reports", "resolution", vec!["hidden", "kept"]),
        (
            "experiments",
            "status",
            ExperimentStatus::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "experiment_versions",
            "state",
            VersionState::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "reviews",
            "decision",
            Decision::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        ("notifications", "kind", Kind::ALL.iter().map(|k| k.as_str()).collect()),
        (
            "panel_members",
            "role",
            MemberRole::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "panel_shares",
            "object_type",
            ItemType::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        ("round_marks", "mark", vec!["best", "worst"]),
    ];
    let languages: Vec<&str> = kehittamo::i18n::Locale::ALL.iter().map(|l| l.code()).collect();
    for table in ["ideas", "comments", "observations", "experiments", "panel_comments"] {
        columns.push((table, "lang", languages.clone()));
    }
    columns
}

#[test]
fn the_databases_allow_exactly_the_words_the_enums_know() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    // Every migration in order: a later one may widen a list (new notification kinds).
    let read = |backend: &str| {
        let mut dirs: Vec<_> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .map(|d| d.unwrap().path())
            .collect();
        dirs.sort();
        dirs.iter()
            .map(|d| std::fs::read_to_string(d.join("up.sql")).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (postgres, sqlite) = (read("postgres"), read("sqlite"));
    for (table, column, words) in typed_columns() {
        let list = words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", ");
        let check =
            format!("ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_allowed CHECK ({column} IN ({list}));");
        assert!(postgres.contains(&check), "PostgreSQL: {check}");
        for event in ["INSERT", &format!("UPDATE OF {column}")] {
            let trigger = format!(" BEFORE {event} ON {table} WHEN ");
            let found = sqlite
                .lines()
                .any(|l| l.contains(&trigger) && l.ends_with(&format!("NEW.{column} NOT IN ({list})")));
            assert!(found, "SQLite: {table}.{column} on {event}");
        }
    }
    let constraints: std::collections::BTreeSet<&str> = postgres
        .split("ADD CONSTRAINT ")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert_eq!(constraints.len(), typed_columns().len(), "{constraints:?}");
}

#[test]
fn an_unknown_word_is_refused_when_written_and_an_error_when_read() {
    use diesel::prelude::*;
    use kehittamo::domain::ideas::IdeaStatus;
    let app = TestApp::with_demo();
    let id = crate::helpers::employee_idea(&app, "Tyypitetty idea");
    let mut conn = app.ctx.db.write().unwrap();
    let written = diesel::sql_query(format!("UPDATE ideas SET status = 'bogus' WHERE id = {id}")).execute(&mut *conn);
    assert!(written.is_err(), "the database took an unknown status");
    let written = diesel::sql_query("UPDATE people SET kind = 'robot'").execute(&mut *conn);
    assert!(written.is_err(), "the database took an unknown kind");
    let read =
        diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>("'bogus'")).get_result::<IdeaStatus>(&mut *conn);
    assert!(read.is_err(), "an unknown word read as a status");
    let known =
        diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>("'merged'")).get_result::<IdeaStatus>(&mut *conn);
    assert_eq!(known.unwrap(), IdeaStatus::Merged);
}
