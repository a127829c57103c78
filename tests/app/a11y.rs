//! Structural accessibility checks on every page: language, one h1, landmarks, skip link,
//! a label for every form control, unique ids.

use crate::helpers::*;
use std::collections::HashSet;

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    tag[start..].split('"').next()
}

/// Checks one page's structure.
pub(crate) fn check_page(path: &str, html: &str) {
    assert!(html.contains("<html lang=\""), "{path}: lang");
    assert_eq!(html.matches("<h1").count(), 1, "{path}: exactly one h1");
    for landmark in ["<header", "<nav", "<main id=\"main\"", "<footer"] {
        assert!(html.contains(landmark), "{path}: {landmark}");
    }
    assert!(html.contains("class=\"skip-link\" href=\"#main\""), "{path}: skip link");
    let mut ids = HashSet::new();
    for part in html.split(" id=\"").skip(1) {
        let id = part.split('"').next().unwrap();
        assert!(ids.insert(id.to_string()), "{path}: duplicate id {id}");
    }
    for kind in ["<input", "<select", "<textarea"] {
        for part in html.split(kind).skip(1) {
            let tag = part.split('>').next().unwrap();
            if attr(tag, "type").is_some_and(|t| t == "hidden" || t == "submit") {
                continue;
            }
            let id = attr(tag, "id").unwrap_or_else(|| panic!("{path}: control without id: {kind}{tag}"));
            assert!(
                html.contains(&format!("<label for=\"{id}\"")),
                "{path}: no label for #{id}"
            );
        }
    }
    for part in html.split("<button").skip(1) {
        let inner = part.split("</button>").next().unwrap();
        let text = inner.split_once('>').map(|(_, t)| t.trim()).unwrap_or("");
        assert!(
            !text.is_empty() || inner.contains("aria-label"),
            "{path}: button without a name"
        );
    }
}

#[test]
fn every_page_has_landmarks_headings_and_labelled_controls() {
    let app = TestApp::with_demo();
    let mut anonymous = app.browser();
    for path in [
        "/",
        "/login",
        "/register",
        "/password/forgot",
        "/accessibility",
        "/privacy",
        "/no-such-page",
    ] {
        let res = anonymous.get(path);
        check_page(path, &res.body);
    }
    let bad = anonymous.post_form("/login", &[("email", "x"), ("password", "")]);
    check_page("/login (errors)", &bad.body);
    assert!(bad.body.contains("aria-describedby=\"f-email-error\""));

    let mut admin = app.signed_in(ADMIN);
    let token = app.token(ADMIN);
    let person = app.person_id(&token, EMPLOYEE);
    let unit = app.api("GET", "/api/v1/units", Some(&token), None).json()[0]["id"]
        .as_i64()
        .unwrap();
    let employee = app.token(EMPLOYEE);
    let body = serde_json::json!({"title": "Saavutettava idea", "problem": "p", "proposal": "q", "unit_ids": [unit], "tags": ["a11y"]});
    let idea = app.api("POST", "/api/v1/ideas", Some(&employee), Some(body)).json()["id"]
        .as_i64()
        .unwrap();
    let direction = serde_json::json!({"name": "Kotona asuminen", "year": 2026});
    let direction = app
        .api("POST", "/api/v1/directions", Some(&token), Some(direction))
        .json()["id"]
        .as_i64()
        .unwrap();
    let plan = serde_json::json!({"title": "Saavutettava kokeilu", "unit_id": unit, "hypothesis": "Uskomme, että tämä auttaa.", "what_tried": "Kokeillaan uutta tapaa.", "starts_on": "2026-12-01", "ends_on": "2027-01-31", "indicators": [{"name": "n", "measure": "m", "baseline": 1, "target": 2}]});
    let experiment = app.api("POST", "/api/v1/experiments", Some(&token), Some(plan)).json()["id"]
        .as_i64()
        .unwrap();
    let comment = serde_json::json!({"body": "Kommentti"});
    app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/comments"),
        Some(&token),
        Some(comment),
    );
    for path in [
        "/".to_string(),
        "/profile".into(),
        "/admin".into(),
        "/admin/municipalities".into(),
        "/admin/municipalities/1".into(),
        "/admin/units".into(),
        format!("/admin/units/{unit}"),
        "/admin/people".into(),
        format!("/admin/people/{person}"),
        "/admin/events".into(),
        "/ideas".into(),
        "/ideas/new".into(),
        "/observations".into(),
        "/campaigns".into(),
        "/directions".into(),
        "/service-paths".into(),
        "/service-paths/new".into(),
        "/personas/new".into(),
        format!("/directions/{direction}/edit"),
        format!("/ideas/{idea}"),
        "/experiments".into(),
        "/experiments/results".into(),
        format!("/experiments/new?idea_id={idea}"),
        format!("/experiments/{experiment}"),
        format!("/experiments/{experiment}/edit"),
        format!("/experiments/{experiment}/versions"),
        "/notifications".into(),
    ] {
        let res = admin.get(&path);
        assert_eq!(res.status, 200, "{path}");
        check_page(&path, &res.body);
    }
    for lang in ["sv", "en"] {
        let mut b = app.browser();
        let res = b.get_with("/login", &[("Accept-Language", lang)]);
        assert!(res.body.contains(&format!("<html lang=\"{lang}\">")));
    }
}

#[test]
fn texts_in_another_language_than_the_page_are_marked_with_theirs() {
    let app = TestApp::with_demo();
    let writer = app.token(EMPLOYEE);
    let res = app.api(
        "PUT",
        "/api/v1/me/locale",
        Some(&writer),
        Some(serde_json::json!({"locale": "sv"})),
    );
    assert_eq!(res.status, 204, "{}", res.body);
    let idea = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&writer),
        Some(serde_json::json!({"title": "Gemensam kalender för transporter", "problem": "Transporter bokas på tre ställen.",
            "proposal": "Vi prövar en gemensam kalender.", "unit_ids": [unit_named(&app, "Kotihoito Ii")]})),
    );
    assert_eq!(idea.status, 201, "{}", idea.body);
    let id = idea.json()["id"].as_i64().unwrap();
    assert_eq!(
        idea.json()["lang"],
        "sv",
        "the idea records the language it was written in"
    );

    // A Finnish reader's page marks the Swedish text; the Swedish writer's page marks the
    // organisation's Finnish unit names.
    let finnish = app.signed_in(KEY_EXPERT).get(&format!("/ideas/{id}"));
    assert!(finnish.body.contains("<html lang=\"fi\""));
    assert!(
        finnish.body.contains("<h1 lang=\"sv\">Gemensam kalender"),
        "the title is marked Swedish"
    );
    assert!(finnish.body.contains("<p lang=\"sv\">Transporter bokas"));
    let swedish = app.signed_in(EMPLOYEE).get(&format!("/ideas/{id}"));
    assert!(swedish.body.contains("<html lang=\"sv\""));
    assert!(
        swedish.body.contains("<dd lang=\"fi\">Kotihoito Ii"),
        "unit names are marked Finnish"
    );
    let list = app.signed_in(KEY_EXPERT).get("/ideas");
    assert!(list.body.contains(&format!("href=\"/ideas/{id}\" lang=\"sv\"")));
}

#[test]
fn forms_with_required_fields_leave_validation_to_the_error_summary() {
    // The browser's own bubbles would stop the form before the page's error summary, in the
    // browser's language instead of the reader's.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![root];
    let mut missing = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for form in text.split("<form").skip(1) {
                let (tag, rest) = form.split_once('>').unwrap_or_default();
                let body = rest.split("</form>").next().unwrap_or_default();
                let post = tag.contains("method=\"post\"");
                let required =
                    body.contains(" required") || body.contains("forms::input(") || body.contains("forms::textarea(");
                if post && required && !tag.contains("novalidate") {
                    missing.push(format!("{}: <form{tag}>", path.display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "forms the browser would stop: {missing:?}");
}
