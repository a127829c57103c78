use crate::helpers::*;
use serde_json::{Value, json};

fn kotihoito(app: &TestApp, token: &str) -> i64 {
    let tree = app.api("GET", "/api/v1/units", Some(token), None).json();
    tree[0]["children"][0]["id"].as_i64().unwrap()
}

fn at(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .naive_utc()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn idea(unit: i64, extra: Value) -> Value {
    let mut body =
        json!({"title": "Muutospäivän idea", "problem": "Ongelma", "proposal": "Ehdotus", "unit_ids": [unit]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[test]
fn campaigns_take_ideas_only_while_open_and_from_their_audience() {
    let app = TestApp::with_demo();
    let manager = app.token(MANAGER);
    let employee = app.token(EMPLOYEE);
    let customer = app.token(CUSTOMER);
    let unit = kotihoito(&app, &employee);
    let create = |body: Value| app.api("POST", "/api/v1/campaigns", Some(&manager), Some(body));

    let bad = create(
        json!({"title": "Muu", "starts_at": at(1), "ends_at": at(-1), "audience": "aliens", "direction_id": 404}),
    );
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["audience", "direction_id", "ends_at", "title"]);
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/campaigns",
            Some(&employee),
            Some(json!({"title": "Muutospäivä", "starts_at": at(-1), "ends_at": at(1), "audience": "staff"}))
        )
        .status,
        403
    );
    let staff = create(
        json!({"title": "Muutospäivä 2026", "description": "Change Day", "starts_at": at(-1), "ends_at": at(1), "audience": "staff"}),
    );
    assert_eq!(staff.status, 201, "{}", staff.body);
    let staff = staff.json()["id"].as_i64().unwrap();
    let closed = create(
        json!({"title": "Viime vuoden kampanja", "starts_at": at(-30), "ends_at": at(-20), "audience": "everyone"}),
    )
    .json()["id"]
        .as_i64()
        .unwrap();

    let ok = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&employee),
        Some(idea(unit, json!({"campaign_id": staff}))),
    );
    assert_eq!(ok.status, 201, "{}", ok.body);
    let refused = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&customer),
        Some(idea(unit, json!({"campaign_id": staff}))),
    );
    assert_eq!(refused.json()["errors"][0]["code"], "campaign_audience");
    let late = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&employee),
        Some(idea(unit, json!({"campaign_id": closed}))),
    );
    assert_eq!(late.status, 422);
    assert_eq!(late.json()["errors"][0]["code"], "campaign_closed");
    assert!(
        late.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ei ole avoinna")
    );

    let listed = app
        .api("GET", &format!("/api/v1/ideas?campaign={staff}"), Some(&employee), None)
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[test]
fn personas_service_paths_and_the_board() {
    let app = TestApp::with_demo();
    let manager = app.token(UNIT_MANAGER);
    let employee = app.token(EMPLOYEE);
    let unit = kotihoito(&app, &employee);
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/personas",
            Some(&employee),
            Some(json!({"name": "Eila, 84"}))
        )
        .status,
        403
    );
    let eila = app.api(
        "POST",
        "/api/v1/personas",
        Some(&manager),
        Some(json!({"name": "Eila, 84", "description": "Asuu yksin"})),
    );
    assert_eq!(eila.status, 201, "{}", eila.body);
    let eila = eila.json()["id"].as_i64().unwrap();
    let path = app.api(
        "POST",
        "/api/v1/service-paths",
        Some(&manager),
        Some(
            json!({"name": "Kotihoidon polku", "stages": ["Yhteydenotto", "Palvelutarpeen arviointi", "Kotikäynnit"]}),
        ),
    );
    assert_eq!(path.status, 201, "{}", path.body);
    let path = path.json();
    let path_id = path["id"].as_i64().unwrap();
    let second_stage = path["stages"][1]["id"].as_i64().unwrap();
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/service-paths",
            Some(&manager),
            Some(json!({"name": "Tyhjä", "stages": []}))
        )
        .error_fields(),
        vec!["stages"]
    );

    let placed = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&employee),
        Some(idea(unit, json!({"persona_id": eila, "stage_id": second_stage}))),
    );
    assert_eq!(placed.status, 201, "{}", placed.body);
    let placed = placed.json()["id"].as_i64().unwrap();
    app.api(
        "POST",
        "/api/v1/ideas",
        Some(&employee),
        Some(idea(unit, json!({"stage_id": second_stage}))),
    );

    let board = app
        .api(
            "GET",
            &format!("/api/v1/service-paths/{path_id}/board"),
            Some(&employee),
            None,
        )
        .json();
    assert_eq!(board.as_array().unwrap().len(), 3);
    assert_eq!(board[0]["ideas"].as_array().unwrap().len(), 0);
    assert_eq!(board[1]["ideas"].as_array().unwrap().len(), 2);
    let filtered = app
        .api(
            "GET",
            &format!("/api/v1/service-paths/{path_id}/board?persona={eila}"),
            Some(&employee),
            None,
        )
        .json();
    assert_eq!(filtered[1]["ideas"][0]["id"], placed);
    assert_eq!(filtered[1]["ideas"].as_array().unwrap().len(), 1);

    // Renaming keeps stages; removing a stage in use is refused.
    let renamed = app.api(
        "PATCH",
        &format!("/api/v1/service-paths/{path_id}"),
        Some(&manager),
        Some(
            json!({"name": "Kotihoidon polku", "stages": ["Yhteydenotto", "Arviointi", "Kotikäynnit", "Päättyminen"]}),
        ),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.json()["stages"][1]["id"], second_stage);
    let removed = app.api(
        "PATCH",
        &format!("/api/v1/service-paths/{path_id}"),
        Some(&manager),
        Some(json!({"name": "Lyhyt", "stages": ["Yhteydenotto"]})),
    );
    assert_eq!(removed.status, 409);
    assert_eq!(removed.json()["code"], "stage_in_use");
}

#[test]
fn an_open_campaign_is_on_the_home_page_of_its_audience_and_named_on_its_ideas() {
    let app = TestApp::with_demo();
    let manager = app.token(MANAGER);
    let at = |days: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let open = app.api(
        "POST",
        "/api/v1/campaigns",
        Some(&manager),
        Some(json!({"title": "Muutospäivä 2026", "starts_at": at(-1), "ends_at": at(6), "audience": "staff"})),
    );
    assert_eq!(open.status, 201, "{}", open.body);
    let campaign = open.json()["id"].as_i64().unwrap();
    app.api(
        "POST",
        "/api/v1/campaigns",
        Some(&manager),
        Some(json!({"title": "Mennyt kampanja", "starts_at": at(-30), "ends_at": at(-20), "audience": "everyone"})),
    );
    let mut employee = app.signed_in(EMPLOYEE);
    let home = employee.get("/");
    assert!(home.body.contains("Avoimet kampanjat") && home.body.contains("Muutospäivä 2026"));
    assert!(home.body.contains(&format!("/ideas/new?campaign_id={campaign}")));
    assert!(!home.body.contains("Mennyt kampanja"), "only while open");
    crate::a11y::check_page("/", &home.body);
    let customer_home = app.signed_in(CUSTOMER).get("/");
    assert!(
        !customer_home.body.contains("Muutospäivä 2026"),
        "a staff campaign is not offered to customers"
    );

    let unit = kotihoito(&app, &app.token(EMPLOYEE));
    let idea = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&app.token(EMPLOYEE)),
        Some(json!({"title": "Muutospäivän idea", "problem": "Ongelma", "proposal": "Ehdotus", "unit_ids": [unit], "campaign_id": campaign})),
    );
    assert_eq!(idea.status, 201, "{}", idea.body);
    let id = idea.json()["id"].as_i64().unwrap();
    assert_eq!(idea.json()["campaign"]["title"], "Muutospäivä 2026");
    let page = employee.get(&format!("/ideas/{id}"));
    assert!(
        page.body.contains(&format!("href=\"/campaigns/{campaign}\"")),
        "named on the idea's page"
    );
}
