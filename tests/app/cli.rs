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
