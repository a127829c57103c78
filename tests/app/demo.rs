use crate::helpers::*;
use chrono::Datelike;

#[test]
fn demo_data_fills_a_realistic_organisation_and_scales() {
    let app = TestApp::spawn();
    let logins = kehittamo::demo::fill_all(
        &app.ctx,
        kehittamo::demo::Extra {
            people: 20,
            ideas: 60,
            experiments: 40,
        },
        false,
    )
    .unwrap()
    .expect("an empty database is filled");
    assert_eq!(logins.len(), 7, "one demo person for every role");
    assert!(
        kehittamo::demo::fill_all(&app.ctx, kehittamo::demo::Extra::default(), false)
            .unwrap()
            .is_none(),
        "a filled database is left alone"
    );
    let token = app.token(TRUSTEE);
    let ideas = app.api("GET", "/api/v1/ideas?limit=100", Some(&token), None).json();
    let after = ideas["next_after"].as_str().unwrap();
    let more = app
        .api(
            "GET",
            &format!("/api/v1/ideas?limit=100&after={after}"),
            Some(&token),
            None,
        )
        .json();
    assert_eq!(
        ideas["items"].as_array().unwrap().len() + more["items"].as_array().unwrap().len(),
        8 + 60 + kehittamo::demo::HISTORY_IDEAS,
        "the demo's own ideas, the scale set and two years of history"
    );
    // The history reaches back two years: last year has ideas.
    let last_year = chrono::Utc::now().date_naive().year() - 1;
    let old = app
        .api(
            "GET",
            &format!("/api/v1/ideas?from={last_year}-01-01&to={last_year}-12-31&limit=100"),
            Some(&token),
            None,
        )
        .json();
    assert!(old["items"].as_array().unwrap().len() >= 10, "{old}");
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
    assert_eq!(idea["status"], "implemented", "its experiment was adopted");
    assert_eq!(idea["experiments"][0]["status"], "adopted");
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{id}/comments"), Some(&token), None)
            .json()[0]["replies"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Experiments in every state, with what each state has.
    let owner = app.token(EMPLOYEE);
    let all = app
        .api("GET", "/api/v1/experiments?limit=100", Some(&owner), None)
        .json();
    let statuses: std::collections::BTreeSet<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses.len(), 10, "drafts are listed to their owner: {statuses:?}");
    let staff = app.token(KEY_EXPERT);
    let queue = app.api("GET", "/api/v1/reviews/queue", Some(&staff), None).json();
    assert!(!queue.as_array().unwrap().is_empty());
    let library = app
        .api(
            "GET",
            "/api/v1/experiments?results=true&q=tekstiviesti",
            Some(&staff),
            None,
        )
        .json();
    let adopted = library["items"][0]["id"].as_i64().unwrap();
    let report = app.api(
        "GET",
        &format!("/api/v1/experiments/{adopted}/report"),
        Some(&staff),
        None,
    );
    assert_eq!(report.status, 200);
    let adoptions = app
        .api(
            "GET",
            &format!("/api/v1/experiments/{adopted}/adoptions"),
            Some(&staff),
            None,
        )
        .json();
    assert_eq!(adoptions[0]["unit_name"], "Kotihoito Pudasjärvi");
    let customer = app.token(CUSTOMER);
    assert_eq!(
        app.api("GET", &format!("/api/v1/experiments/{adopted}"), Some(&customer), None)
            .status,
        200,
        "the adopted one is published"
    );
}
