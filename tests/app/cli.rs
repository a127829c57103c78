use crate::helpers::TestApp;
use std::io::Write;
use std::process::{Command, Stdio};

fn kehittamo(database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kehittamo"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("KEHITTAMO__DATABASE__URL", database_url)
        .env("KEHITTAMO__MAIL__BACKEND", "memory")
        .env("KEHITTAMO__LOG__FILTER", "warn")
        .env_remove("KEHITTAMO_ENV");
    cmd
}

#[test]
fn admin_create_user_reads_the_password_from_stdin() {
    let app = TestApp::spawn();
    let mut child = kehittamo(&app.database_url)
        .args([
            "admin",
            "create-user",
            "--email",
            "paa@kunta.fi",
            "--name",
            "Pää Käyttäjä",
            "--role",
            "admin",
            "--organisation",
            "Testikuntayhtymä",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"komentorivin salasana\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = app.token_for("paa@kunta.fi", "komentorivin salasana");
    let me = app.api("GET", "/api/v1/me", Some(&token), None).json();
    assert_eq!(me["roles"][0]["role"], "admin");
    let mut b = app.browser();
    assert_eq!(
        b.get("/").status,
        200,
        "the organisation exists, so setup is not offered"
    );

    let bad = kehittamo(&app.database_url)
        .args([
            "admin",
            "create-user",
            "--email",
            "bad",
            "--name",
            "X",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = bad.wait_with_output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("email"), "{stderr}");
}

#[test]
fn unreachable_database_fails_with_a_clear_message() {
    let out = kehittamo("postgres://nobody@127.0.0.1:1/nothing")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot connect to the database"), "{stderr}");
    assert!(stderr.contains("127.0.0.1"), "the real cause is shown: {stderr}");
}

#[test]
fn production_refuses_the_default_secret_and_the_file_mailer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite3").display().to_string();
    let out = kehittamo(&db)
        .env("KEHITTAMO_ENV", "production")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("jwt_secret"));
    let out = kehittamo(&db)
        .env("KEHITTAMO_ENV", "production")
        .env(
            "KEHITTAMO__AUTH__JWT_SECRET",
            "a-very-long-production-secret-of-many-characters",
        )
        .env("KEHITTAMO__MAIL__BACKEND", "file")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("mail.backend"));
}

#[test]
fn production_refuses_the_demo_the_memory_mailer_and_a_padded_default_secret() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite3").display().to_string();
    let secret = "a-very-long-production-secret-of-many-characters";
    let padded = format!(" {} ", kehittamo::config::DEFAULT_JWT_SECRET);
    for (env, arg, expected) in [
        (
            vec![("KEHITTAMO__AUTH__JWT_SECRET", padded.as_str())],
            vec!["migrate"],
            "jwt_secret",
        ),
        (
            vec![
                ("KEHITTAMO__AUTH__JWT_SECRET", secret),
                ("KEHITTAMO__MAIL__BACKEND", "memory"),
            ],
            vec!["migrate"],
            "mail.backend",
        ),
        (
            vec![
                ("KEHITTAMO__AUTH__JWT_SECRET", secret),
                ("KEHITTAMO__MAIL__BACKEND", "smtp"),
            ],
            vec!["migrate"],
            "server.feedback_email",
        ),
        (
            vec![
                ("KEHITTAMO__AUTH__JWT_SECRET", secret),
                ("KEHITTAMO__MAIL__BACKEND", "smtp"),
                ("KEHITTAMO__SERVER__FEEDBACK_EMAIL", "saavutettavuus@example.fi"),
            ],
            vec!["serve", "--demo"],
            "--demo",
        ),
    ] {
        let out = kehittamo(&db)
            .env("KEHITTAMO_ENV", "production")
            .envs(env)
            .args(arg)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{expected}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

/// Runs `kehittamo serve` and returns its exit status and standard error; it must exit by itself.
fn refused(mut cmd: Command, within: std::time::Duration) -> (std::process::ExitStatus, String, std::time::Duration) {
    let started = std::time::Instant::now();
    let mut child = cmd
        .env("KEHITTAMO__SERVER__PORT", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
            return (status, stderr, started.elapsed());
        }
        if started.elapsed() > within {
            let _ = child.kill();
            panic!("still running after {within:?}: it should have refused to start");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn startup_refuses_what_cannot_work_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite3").display().to_string();
    let wait = std::time::Duration::from_secs(20);
    // A typo in a section or key would otherwise start on defaults (a new, empty database).
    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, "[databse]\nurl = \"elsewhere.sqlite3\"\n").unwrap();
    let mut cmd = kehittamo(&db);
    cmd.arg("--config").arg(&typo).arg("serve");
    let (status, stderr, _) = refused(cmd, wait);
    assert!(!status.success());
    assert!(stderr.contains("unknown field `databse`"), "{stderr}");
    let mut cmd = kehittamo(&db);
    cmd.env("KEHITTAMO__DATABASE__POOL_SIZ", "4").arg("serve");
    let (status, stderr, _) = refused(cmd, wait);
    assert!(!status.success());
    assert!(stderr.contains("pool_siz") && stderr.contains("database"), "{stderr}");
    // A log filter that does not parse.
    let mut cmd = kehittamo(&db);
    cmd.env("KEHITTAMO__LOG__FILTER", "info,[").arg("serve");
    let (status, stderr, _) = refused(cmd, wait);
    assert!(!status.success());
    assert!(stderr.contains("log.filter"), "{stderr}");
    // A database that opens only for reading (as a file without write permission does).
    assert!(kehittamo(&db).arg("migrate").output().unwrap().status.success());
    let mut cmd = kehittamo(&format!("file:{db}?mode=ro"));
    cmd.arg("serve");
    let (status, stderr, _) = refused(cmd, wait);
    assert!(!status.success());
    assert!(
        stderr.contains("cannot be written") && stderr.contains("database.url"),
        "{stderr}"
    );
    // A mail folder that cannot be made (its parent is a file).
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let mut cmd = kehittamo(&db);
    cmd.env("KEHITTAMO__MAIL__BACKEND", "file")
        .env("KEHITTAMO__MAIL__FILE_DIR", file.join("mail"))
        .arg("serve");
    let (status, stderr, _) = refused(cmd, wait);
    assert!(!status.success());
    assert!(
        stderr.contains("mail.file_dir") && stderr.contains("cannot be written"),
        "{stderr}"
    );
}

#[test]
fn a_database_server_that_never_answers_times_out_at_start() {
    // Accepts connections (the kernel does) and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let mut cmd = kehittamo(&format!("postgres://postgres@127.0.0.1:{port}/kehittamo"));
    cmd.env("KEHITTAMO__DATABASE__CONNECT_TIMEOUT_SECONDS", "2")
        .arg("serve");
    let (status, stderr, took) = refused(cmd, std::time::Duration::from_secs(30));
    assert!(!status.success());
    assert!(
        stderr.contains("cannot connect to the database") && stderr.contains("timeout"),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(10), "gave up after {took:?}");
    drop(silent);
}

#[test]
fn a_full_disk_during_demo_data_says_so() {
    let app = TestApp::spawn();
    if app.database_url.starts_with("postgres") {
        return; // SQLite's page limit stands in for a full disk; PostgreSQL maps disk_full alike.
    }
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.ctx.db.write().unwrap();
        let kehittamo::db::AnyConnection::Sqlite(c) = &mut *conn else {
            unreachable!()
        };
        let pages: i64 = {
            use diesel::RunQueryDsl;
            #[derive(diesel::QueryableByName)]
            struct Count {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                page_count: i64,
            }
            diesel::sql_query("PRAGMA page_count")
                .get_result::<Count>(c)
                .unwrap()
                .page_count
        };
        c.batch_execute(&format!("PRAGMA max_page_count = {}", pages)).unwrap();
    }
    let Err(err) = kehittamo::demo::fill_all(&app.ctx, kehittamo::demo::Extra::default(), false) else {
        panic!("the demo fitted in the pages there were");
    };
    let told = err.for_operator();
    assert!(told.contains("disk is full"), "{told}");
    assert!(!told.contains("It has been logged"), "{told}");
    assert_eq!(
        actix_web::ResponseError::status_code(&err),
        503,
        "on a page or in the API: try again later"
    );
}
