use kehittamo::i18n::{SOURCES, flatten};
use std::collections::BTreeSet;

fn keys(text: &str) -> BTreeSet<String> {
    flatten(text).expect("valid translation file").into_keys().collect()
}

#[test]
fn finnish_swedish_and_english_have_the_same_keys() {
    let fi = keys(SOURCES[0].1);
    for (locale, text) in &SOURCES[1..] {
        let other = keys(text);
        let missing: Vec<_> = fi.difference(&other).collect();
        let extra: Vec<_> = other.difference(&fi).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{locale:?}: missing {missing:?}, extra {extra:?}"
        );
    }
}

#[test]
fn every_counted_message_reads_right_with_0_1_and_2() {
    use kehittamo::i18n::{Locale, plural_messages};
    for locale in Locale::ALL {
        let plurals = plural_messages(locale);
        assert!(plurals.len() >= 10, "{locale:?}: {plurals:?}");
        for (key, forms) in &plurals {
            assert!(
                forms.iter().any(|f| f == "one") && forms.iter().any(|f| f == "other"),
                "{locale:?} {key}: {forms:?}"
            );
            for n in ["0", "1", "2"] {
                let text = locale.tf(key, &[("n", n)]);
                assert!(
                    text.contains(n) && !text.contains("{n}") && text != *key,
                    "{locale:?} {key} {n}: {text}"
                );
            }
        }
        // Every other message with a count names it without a noun that would need a plural.
        let fi = flatten(SOURCES[locale as usize].1).unwrap();
        for (key, text) in fi {
            if text.contains("{n}") && !plurals.iter().any(|(k, _)| key.starts_with(&format!("{k}."))) {
                for n in ["0", "1", "2"] {
                    let text = locale.tf(&key, &[("n", n)]);
                    assert!(text.contains(n) && !text.contains("{n}"), "{locale:?} {key}: {text}");
                }
            }
        }
    }
    assert_eq!(Locale::Fi.tf("ideas.supports_n", &[("n", "1")]), "1 kannatus");
    assert_eq!(Locale::Fi.tf("ideas.supports_n", &[("n", "2")]), "2 kannatusta");
    assert_eq!(Locale::Fi.tf("ideas.comments_n", &[("n", "0")]), "0 kommenttia");
    assert_eq!(Locale::En.tf("ideas.supports_n", &[("n", "1")]), "1 support");
    assert_eq!(Locale::Sv.tf("ideas.comments_n", &[("n", "1")]), "1 kommentar");
    assert_eq!(Locale::Fi.tf("survey.respondents_n", &[("n", "1")]), "1 vastannut");
}

#[test]
fn every_key_the_templates_use_is_translated() {
    let fi = keys(SOURCES[0].1);
    let mut missing = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for pattern in ["p.t(\"", "p.t1(\"", "hint_input(p, form, \""] {
                for part in text.split(pattern).skip(1) {
                    let key = part.split('"').next().unwrap();
                    if pattern.starts_with("hint_input") {
                        continue;
                    }
                    if !fi.contains(key) && !fi.contains(&format!("{key}.other")) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "untranslated keys: {missing:?}");
}

#[test]
fn every_form_field_has_a_name_for_the_error_summary() {
    let fi = keys(SOURCES[0].1);
    let mut missing = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let literal_ids = text.split("id=\"f-").skip(1).map(|p| p.split('"').next().unwrap());
            let macro_fields = ["input(p, ", "hint_input(p, ", "textarea(p, ", "error_for(p, "]
                .iter()
                .flat_map(|m| text.split(m).skip(1))
                .filter_map(|p| p.split(')').next()?.split(", \"").nth(1)?.split('"').next());
            for field in literal_ids.chain(macro_fields) {
                if field.is_empty() || field.contains(['{', '-', '.']) {
                    continue;
                }
                if !fi.contains(&format!("field_name.{field}")) {
                    missing.push(format!("{}: {field}", path.display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "fields the error summary cannot name: {missing:?}");
}

#[test]
fn every_error_code_has_a_message() {
    let fi = keys(SOURCES[0].1);
    for code in [
        "not_found",
        "gone",
        "unauthenticated",
        "forbidden",
        "csrf",
        "validation",
        "bad_request",
        "conflict",
        "rate_limited",
        "unavailable",
        "internal",
    ] {
        assert!(fi.contains(&format!("error.{code}.title")), "{code}");
        assert!(fi.contains(&format!("error.{code}.detail")), "{code}");
    }
    let src = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain/validate.rs"))
        .unwrap();
    for part in src.split(".add(field, \"").skip(1) {
        let code = part.split('"').next().unwrap();
        assert!(fi.contains(&format!("field_error.{code}")), "field_error.{code}");
    }
}

/// Every `.rs` file under `src/`, with its text.
fn sources() -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
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

/// The string literal that starts `text` (after whitespace), if it does.
fn literal(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let rest = text.strip_prefix('"')?;
    rest.split('"').next()
}

#[test]
fn every_field_error_and_audit_word_the_code_raises_is_translated() {
    let fi = keys(SOURCES[0].1);
    let mut missing = BTreeSet::new();
    for (path, text) in sources() {
        // Field errors: v.add("field", "code") and AppError::field("field", "code").
        for pattern in [".add(\"", "AppError::field(\""] {
            for part in text.split(pattern).skip(1) {
                let Some((_, rest)) = part.split_once(',') else {
                    continue;
                };
                if let Some(code) = literal(rest) {
                    let key = format!("field_error.{code}");
                    if !fi.contains(&key) {
                        missing.insert(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        // Audit log: events::record(conn, actor, "verb", "object", …).
        for part in text.split("events::record(").skip(1) {
            let args: Vec<&str> = part.splitn(5, ',').collect();
            if args.len() < 4 {
                continue;
            }
            for (section, arg) in [("verb", args[2]), ("object", args[3])] {
                if let Some(word) = literal(arg) {
                    let key = format!("{section}.{word}");
                    if !fi.contains(&key) {
                        missing.insert(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "untranslated: {missing:?}");
}
