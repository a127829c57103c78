//! The layers hold: handlers (web/, api/) over the domain over the database, with what pages
//! and the API share in http/. Checked by reading every `use crate::…` and `crate::…::` path.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/<dir>`, with its text.
fn files(dir: &str) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out
}

/// The lines of the files under `src/<dir>` that reach into any of the `forbidden` modules.
fn reaches(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files(dir) {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for module in forbidden {
                let paths = [
                    format!("crate::{module}::"),
                    format!("crate::{module}}}"),
                    format!("crate::{module};"),
                ];
                if paths.iter().any(|p| code.contains(p.as_str())) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_domain_knows_nothing_of_http() {
    let found = reaches("domain", &["web", "api", "http"]);
    assert!(found.is_empty(), "domain/ imports handlers: {found:#?}");
    let actix: Vec<_> = files("domain")
        .into_iter()
        .filter(|(_, text)| text.contains("actix_web") || text.contains("askama"))
        .map(|(p, _)| p)
        .collect();
    assert!(actix.is_empty(), "domain/ uses actix or askama: {actix:?}");
}

#[test]
fn handlers_reach_the_database_only_through_the_domain() {
    for dir in ["web", "api"] {
        let found = reaches(dir, &["db"]);
        assert!(found.is_empty(), "{dir}/ imports db/: {found:#?}");
    }
}

#[test]
fn the_api_does_not_import_the_pages() {
    let found = reaches("api", &["web"]);
    assert!(found.is_empty(), "api/ imports web/: {found:#?}");
}

#[test]
fn auth_keeps_passwords_and_tokens_only() {
    let names: Vec<String> = files("auth")
        .into_iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["mod.rs", "password.rs", "tokens.rs"]);
}
