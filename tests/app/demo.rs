use crate::helpers::*;

#[test]
fn demo_data_fills_a_realistic_organisation_and_scales() {
    let app = TestApp::spawn();
    let logins = kehittamo::demo::fill_all(&app.ctx, 20, 60, false)
        .unwrap()
        .expect("an empty database is filled");
    assert_eq!(logins.len(), 7, "one demo person for every role");
    assert!(
        kehittamo::demo::fill_all(&app.ctx, 0, 0, false).unwrap().is_none(),
        "a filled database is left alone"
    );
    let token = app.token(TRUSTEE);
    let ideas = app.api("GET", "/api/v1/ideas?limit=100", Some(&token), None).json();
    assert_eq!(ideas["items"].as_array().unwrap().len(), 68);
    assert!(
        app.api("GET", "/api/v1/ideas?tag=kokeilevakunta", Some(&token), None)
            .json()["items"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    assert_eq!(
        app.api("GET", "/api/v1/campaigns", Some(&token), None).json()[0]["title"],
        "Muutospäivä"
    );
    assert_eq!(
        app.api("GET", "/api/v1/personas", Some(&token), None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let paths = app.api("GET", "/api/v1/service-paths", Some(&token), None).json();
    assert_eq!(paths[0]["stages"].as_array().unwrap().len(), 5);
    assert_eq!(
        app.api("GET", "/api/v1/directions", Some(&token), None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let first = app
        .api("GET", "/api/v1/ideas?q=tekstiviesti", Some(&token), None)
        .json();
    let id = first["items"][0]["id"].as_i64().unwrap();
    let idea = app
        .api("GET", &format!("/api/v1/ideas/{id}"), Some(&token), None)
        .json();
    assert_eq!(idea["observations"].as_array().unwrap().len(), 2);
    assert_eq!(idea["status"], "selected_for_experiment");
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{id}/comments"), Some(&token), None)
            .json()[0]["replies"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
