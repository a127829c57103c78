//! What pages say, in the customer's own words: the result report's five questions, refusals
//! that name what is missing, review history in the past tense, numbers written one way, and
//! nothing shown for what was never entered.

use crate::helpers::*;
use serde_json::json;

#[test]
fn refusals_name_what_is_missing_and_history_says_what_was_done() {
    let app = TestApp::with_demo();
    let (owner, expert) = (app.token(EMPLOYEE), app.token(KEY_EXPERT));
    let unit = unit_named(&app, "Kotihoito Ii");
    let body = json!({
        "title": "Aamun soittokierros", "unit_id": unit,
        "hypothesis": "Uskomme, että soitto auttaa.", "what_tried": "Soitamme aamulla.",
        "customer_involvement": "Asiakkaat kertovat.", "starts_on": "2026-12-01", "ends_on": "2027-02-28",
        "budget": 0.0,
        "indicators": [{"name": "Soitot", "measure": "soittoa", "baseline": 40.5, "target": 20.25, "method": "Tilasto"}],
    });
    let res = app.api("POST", "/api/v1/experiments", Some(&owner), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["id"].as_i64().unwrap();
    let call = |token: &str, action: &str, body: Option<serde_json::Value>| {
        app.api("POST", &format!("/api/v1/experiments/{id}{action}"), Some(token), body)
    };
    call(&owner, "/submit", None);
    call(
        &expert,
        "/reviews",
        Some(json!({"decision": "request_changes", "comment": "Tarkenna mittaria."})),
    );
    call(&owner, "/submit", None);
    call(
        &expert,
        "/reviews",
        Some(json!({"decision": "approve", "comment": "Hyvä."})),
    );
    assert_eq!(call(&owner, "/start", None).status, 200);

    let mut web = app.signed_in(EMPLOYEE);
    let page = web.get(&format!("/experiments/{id}"));
    assert!(page.body.contains("Pyysi muutoksia"), "the history says what was done");
    assert!(!page.body.contains("Haettu budjetti"), "no budget was asked for");
    let refused = web.post_form(&format!("/experiments/{id}/complete"), &[]);
    assert!(refused.status == 409 || refused.status == 422, "{}", refused.status);
    let summary = refused
        .body
        .split("error-summary")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take(400)
        .collect::<String>();
    assert!(
        refused.body.contains("Puuttuu: tulosraportti"),
        "names what is missing: {summary}"
    );
    assert!(!refused.body.contains("{allowed}"));
    assert!(
        refused.body.contains("<title>Virhe: "),
        "the tab says the form came back"
    );
    assert!(refused.body.contains("autofocus"), "focus moves to the summary");

    let versions = web.get(&format!("/experiments/{id}/versions"));
    assert!(versions.body.contains("40,5 → 20,25"), "numbers written one way");
}

#[test]
fn a_form_that_comes_back_says_so_in_the_tab_title() {
    let app = TestApp::with_demo();
    let mut web = app.signed_in(EMPLOYEE);
    let res = web.post_form("/ideas", &[("title", ""), ("problem", ""), ("proposal", "")]);
    assert_eq!(res.status, 422);
    assert!(
        res.body.contains("<title>Virhe: Jätä idea"),
        "{}",
        &res.body[..300.min(res.body.len())]
    );
}

#[test]
fn an_idea_names_its_persona_and_service_path_stage_with_links() {
    let app = TestApp::with_demo();
    kehittamo::demo_ideas::fill(&app.ctx).unwrap();
    let employee = app.token(EMPLOYEE);
    let persona = app.api("GET", "/api/v1/personas", Some(&employee), None).json()[0].clone();
    let path_id = app.api("GET", "/api/v1/service-paths", Some(&employee), None).json()[0]["id"]
        .as_i64()
        .unwrap();
    let path = app
        .api(
            "GET",
            &format!("/api/v1/service-paths/{path_id}"),
            Some(&employee),
            None,
        )
        .json();
    let stage = path["stages"][0].clone();
    let res = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&employee),
        Some(
            json!({"title": "Persoonan idea", "problem": "Ongelma", "proposal": "Ehdotus",
            "unit_ids": [unit_named(&app, "Kotihoito Ii")], "persona_id": persona["id"], "stage_id": stage["id"]}),
        ),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let idea = res.json();
    assert_eq!(idea["persona"]["name"], persona["name"]);
    assert_eq!(idea["stage"]["service_path_id"], path_id);
    let page = app.signed_in(EMPLOYEE).get(&format!("/ideas/{}", idea["id"]));
    assert!(
        page.body
            .contains(&format!("href=\"/service-paths#persona-{}\"", persona["id"]))
    );
    assert!(page.body.contains(&format!("href=\"/service-paths/{path_id}\"")));
    let paths = app.signed_in(EMPLOYEE).get("/service-paths");
    assert!(
        paths.body.contains(&format!("id=\"persona-{}\"", persona["id"])),
        "the link lands on it"
    );
}
