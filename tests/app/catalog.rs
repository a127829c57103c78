//! Managers' edit pages for directions, campaigns, personas and service paths.

use crate::helpers::*;
use serde_json::json;

fn new_direction(app: &TestApp, token: &str) -> i64 {
    let body = json!({"name": "Kotona asuminen", "description": "Vuoden suunta", "year": 2026});
    app.api("POST", "/api/v1/directions", Some(token), Some(body)).json()["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn managers_edit_directions_campaigns_personas_and_paths_on_web_pages() {
    let app = TestApp::with_demo();
    let token = app.token(MANAGER);
    let direction = new_direction(&app, &token);
    let persona = app
        .api(
            "POST",
            "/api/v1/personas",
            Some(&token),
            Some(json!({"name": "Eila, 84"})),
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    let path = app
        .api(
            "POST",
            "/api/v1/service-paths",
            Some(&token),
            Some(json!({"name": "Kotihoidon polku", "stages": ["Yhteydenotto", "Arviointi"]})),
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    let campaign = app
        .api(
            "POST",
            "/api/v1/campaigns",
            Some(&token),
            Some(json!({"title": "Muutospäivä 2026", "starts_at": "2026-01-01T00:00:00", "ends_at": "2026-12-31T23:59:59", "audience": "everyone"})),
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    let mut manager = app.signed_in(MANAGER);

    // Each edit page is pre-filled with the stored values.
    let page = manager.get(&format!("/directions/{direction}/edit"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("action=\"/directions/{direction}/edit\"")));
    let page = manager.get(&format!("/campaigns/{campaign}/edit"));
    assert!(page.body.contains("value=\"Muutospäivä 2026\"") && page.body.contains("value=\"2026-12-31\""));
    let page = manager.get(&format!("/service-paths/{path}/edit"));
    assert!(page.body.contains("Yhteydenotto\nArviointi"), "{}", page.body);
    assert!(
        manager
            .get(&format!("/personas/{persona}/edit"))
            .body
            .contains("value=\"Eila, 84\"")
    );

    // Bad input re-shows the form with the field named, and changes nothing.
    let bad = manager.post_form(
        &format!("/directions/{direction}/edit"),
        &[("name", ""), ("year", "2026"), ("municipality_id", "")],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-name\""));
    let bad = manager.post_form(
        &format!("/campaigns/{campaign}/edit"),
        &[
            ("title", "Muutospäivä 2026"),
            ("starts_at", "2026-01-01"),
            ("ends_at", "joulukuu"),
            ("audience", "everyone"),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-ends_at\""));
    let bad = manager.post_form(
        &format!("/service-paths/{path}/edit"),
        &[("name", "Polku"), ("stages", " \n ")],
    );
    assert_eq!(bad.status, 422);
    assert_eq!(
        app.api("GET", &format!("/api/v1/service-paths/{path}"), Some(&token), None)
            .json()["stages"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Good input is saved and leads back with a confirmation.
    let saved = manager.post_form(
        &format!("/directions/{direction}/edit"),
        &[
            ("name", "Kotona asumisen tukeminen"),
            ("description", "Päivitetty"),
            ("year", "2026"),
            ("municipality_id", ""),
        ],
    );
    assert_eq!(saved.status, 303);
    assert_eq!(
        saved.header("location"),
        Some(format!("/directions/{direction}?done=saved").as_str())
    );
    assert!(
        manager
            .get(&format!("/directions/{direction}"))
            .body
            .contains("Kotona asumisen tukeminen")
    );
    let saved = manager.post_form(
        &format!("/campaigns/{campaign}/edit"),
        &[
            ("title", "Muutospäivä 2027"),
            ("description", ""),
            ("direction_id", ""),
            ("starts_at", "2027-01-01"),
            ("ends_at", "2027-01-31"),
            ("audience", "staff"),
        ],
    );
    assert_eq!(saved.status, 303);
    let stored = app
        .api("GET", &format!("/api/v1/campaigns/{campaign}"), Some(&token), None)
        .json();
    assert_eq!(stored["title"], "Muutospäivä 2027");
    assert_eq!(stored["audience"], "staff");
    let saved = manager.post_form(
        &format!("/service-paths/{path}/edit"),
        &[
            ("name", "Kotihoidon polku"),
            ("description", ""),
            ("stages", "Yhteydenotto\nArviointi\nKotikäynnit"),
        ],
    );
    assert_eq!(saved.status, 303);
    assert!(
        manager
            .get(&format!("/service-paths/{path}"))
            .body
            .contains("Kotikäynnit")
    );
    let saved = manager.post_form(
        &format!("/personas/{persona}/edit"),
        &[("name", "Eila, 85"), ("description", "")],
    );
    assert_eq!(saved.status, 303);
    assert!(manager.get("/service-paths").body.contains("Eila, 85"));

    // Adding personas and paths has its own form pages.
    assert_eq!(manager.get("/personas/new").status, 200);
    assert_eq!(manager.get("/service-paths/new").status, 200);
    assert_eq!(manager.post_form("/personas", &[("name", "")]).status, 422);
}

#[test]
fn only_managers_open_or_post_edit_pages() {
    let app = TestApp::with_demo();
    let token = app.token(MANAGER);
    let direction = new_direction(&app, &token);
    let before = app
        .api("GET", &format!("/api/v1/directions/{direction}"), Some(&token), None)
        .json();
    for who in [EMPLOYEE, KEY_EXPERT, TRUSTEE] {
        let mut b = app.signed_in(who);
        assert_eq!(b.get(&format!("/directions/{direction}/edit")).status, 403, "{who}");
        assert_eq!(b.get("/personas/new").status, 403, "{who}");
        assert!(
            !b.get(&format!("/directions/{direction}")).body.contains("/edit\""),
            "{who}"
        );
        let post = b.post_form(
            &format!("/directions/{direction}/edit"),
            &[("name", "Kaapattu"), ("year", "2026"), ("municipality_id", "")],
        );
        assert_eq!(post.status, 403, "{who}");
    }
    let after = app
        .api("GET", &format!("/api/v1/directions/{direction}"), Some(&token), None)
        .json();
    assert_eq!(before, after);
    assert_eq!(app.signed_in(MANAGER).get("/directions/999999/edit").status, 404);
}
