//! Experiment pages: the plan form, the page's actions, the report, the queue and the bell.

use crate::helpers::*;
use serde_json::json;

fn plan_fields<'a>(unit: &'a str, baseline: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "Tekstiviesti ennen kotikäyntiä"),
        ("unit_id", unit),
        ("hypothesis", "Uskomme, että viesti ennen käyntiä vähentää soittoja."),
        ("what_tried", "Hoitaja lähettää viestin puoli tuntia ennen käyntiä."),
        ("customer_involvement", "Asiakkaat vastaavat kyselyyn."),
        ("starts_on", "2026-12-01"),
        ("ends_on", "2027-02-28"),
        ("budget", "1 500,50"),
        ("team", "avainosaaja@demo.kehittamo.fi"),
        ("touches_personal_data", "on"),
        ("ind_name", "Soitot"),
        ("ind_measure", "soittoa viikossa"),
        ("ind_baseline", baseline),
        ("ind_target", "20"),
        ("ind_method", "Puhelintilasto"),
        ("ind_name", ""),
        ("ind_measure", ""),
        ("ind_baseline", ""),
        ("ind_target", ""),
        ("ind_method", ""),
    ]
}

fn location_id(res: &Resp) -> i64 {
    let location = res.header("location").expect("a redirect");
    location
        .trim_start_matches("/experiments/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .expect(location)
}

#[test]
fn an_experiment_runs_from_the_form_to_the_printable_report_on_web_pages() {
    let app = TestApp::with_demo();
    let team_unit = unit_named(&app, "Kotihoito Ii").to_string();
    let mut owner = app.signed_in(EMPLOYEE);
    assert_eq!(owner.get("/experiments/new").status, 200);
    let created = owner.post_form("/experiments", &plan_fields(&team_unit, "40,5"));
    assert_eq!(created.status, 303, "{}", created.body);
    let id = location_id(&created);
    let token = app.token(EMPLOYEE);
    let stored = app
        .api("GET", &format!("/api/v1/experiments/{id}"), Some(&token), None)
        .json();
    assert_eq!(stored["budget"], 1500.5);
    assert_eq!(
        stored["indicators"].as_array().unwrap().len(),
        1,
        "the blank row is skipped"
    );
    assert_eq!(stored["indicators"][0]["baseline"], 40.5);
    assert_eq!(stored["touches_personal_data"], true);
    assert_eq!(stored["team"][0]["name"], "Kaisa Avainosaaja", "{stored}");

    let page = owner.get(&format!("/experiments/{id}"));
    assert!(page.body.contains("1\u{a0}500,50\u{a0}€"), "euros in Finnish");
    assert!(page.body.contains(&format!("action=\"/experiments/{id}/submit\"")));
    assert_eq!(owner.post_form(&format!("/experiments/{id}/submit"), &[]).status, 303);

    // Kotihoito's key expert is on this team, so they may not review it.
    let mut expert = app.signed_in(KEY_EXPERT);
    assert!(!expert.get(&format!("/experiments/{id}")).body.contains("/review\""));
    let edit = owner.post_form(&format!("/experiments/{id}/withdraw"), &[]);
    assert_eq!(edit.status, 303);

    // A second experiment without the key expert on the team goes through review.
    let mut fields = plan_fields(&team_unit, "40");
    fields.retain(|(k, _)| *k != "team");
    let id = location_id(&owner.post_form("/experiments", &fields));
    owner.post_form(&format!("/experiments/{id}/submit"), &[]);
    let queue = expert.get("/reviews");
    assert!(queue.body.contains(&format!("/experiments/{id}\"")), "{}", queue.body);
    assert!(
        expert.get("/").body.contains("class=\"badge\""),
        "the bell shows unread notifications"
    );
    let no_choice = expert.post_form(&format!("/experiments/{id}/review"), &[("comment", "Hyvä")]);
    assert_eq!(no_choice.status, 422);
    assert!(no_choice.body.contains("href=\"#f-decision\""));
    let approved = expert.post_form(
        &format!("/experiments/{id}/review"),
        &[("decision", "approve"), ("comment", "Selkeä ja turvallinen.")],
    );
    assert_eq!(approved.status, 303, "{}", approved.body);

    owner.post_form(&format!("/experiments/{id}/start"), &[]);
    let early = owner.post_form(&format!("/experiments/{id}/complete"), &[]);
    assert_eq!(early.status, 409, "completing without a report is refused on the page");
    assert!(early.body.contains("error-summary"));
    let logged = owner.post_form(
        &format!("/experiments/{id}/log"),
        &[("entry_on", "2026-11-20"), ("body", "Ensimmäinen viikko.")],
    );
    assert_eq!(logged.status, 303);
    assert_eq!(owner.get(&format!("/experiments/{id}/report/edit")).status, 200);
    let indicator = app
        .api("GET", &format!("/api/v1/experiments/{id}"), Some(&token), None)
        .json()["indicators"][0]["id"]
        .as_i64()
        .unwrap();
    let actual_key = format!("actual.{indicator}");
    let bad = owner.post_form(
        &format!("/experiments/{id}/report"),
        &[("what_we_did", "Viestejä."), ("one_off", "paljon"), (&actual_key, "18")],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-one_off\""));
    let report = owner.post_form(
        &format!("/experiments/{id}/report"),
        &[
            ("what_we_did", "Lähetimme viestit."),
            ("what_made_us_dare", "Asiakaspalaute."),
            ("where_we_succeeded", "Soitot vähenivät."),
            ("what_we_would_change", "Pienempi aloitus."),
            ("what_we_learned", "Pieni muutos riittää."),
            ("operational_impact", "Aikaa vapautui."),
            ("customer_feedback", "Kiitosta."),
            ("one_off", "-500"),
            ("yearly", "12 000"),
            ("recommend_adoption", "yes"),
            (&actual_key, "18,5"),
        ],
    );
    assert_eq!(report.status, 303, "{}", report.body);
    assert_eq!(owner.post_form(&format!("/experiments/{id}/complete"), &[]).status, 303);
    let outcome = expert.post_form(
        &format!("/experiments/{id}/outcome"),
        &[("status", "not_adopted"), ("reason", "")],
    );
    assert_eq!(outcome.status, 422, "a reason is required");
    assert_eq!(
        expert
            .post_form(&format!("/experiments/{id}/outcome"), &[("status", "adopted")])
            .status,
        303
    );
    assert_eq!(expert.post_form(&format!("/experiments/{id}/publish"), &[]).status, 303);
    let printable = app.signed_in(TRUSTEE).get(&format!("/experiments/{id}/report"));
    assert_eq!(printable.status, 200);
    assert!(printable.body.contains("12\u{a0}000\u{a0}€") && printable.body.contains("18,5"));
    let customer = app.signed_in(CUSTOMER).get(&format!("/experiments/{id}/report"));
    assert_eq!(customer.status, 200, "published reports are public to customers");

    let library = owner.get("/experiments/results");
    assert!(library.body.contains(&format!("/experiments/{id}\"")));
    let notes = owner.get("/notifications");
    assert!(notes.body.contains("Kokeilustasi on päätetty"));
    assert_eq!(owner.post_form("/notifications/read", &[]).status, 303);
    assert!(!owner.get("/").body.contains("class=\"badge\""));
}

#[test]
fn bad_plans_are_shown_again_with_their_fields_named() {
    let app = TestApp::with_demo();
    let team_unit = unit_named(&app, "Kotihoito Ii").to_string();
    let mut owner = app.signed_in(EMPLOYEE);
    let bad = owner.post_form("/experiments", &plan_fields(&team_unit, "paljon"));
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-indicators.0.baseline\""), "{}", bad.body);
    assert!(bad.body.contains("value=\"paljon\""), "the typed value is kept");
    // A filled row below a blank one moves up, and its message sits on it.
    let mut fields: Vec<(&str, &str)> = plan_fields(&team_unit, "paljon")
        .into_iter()
        .filter(|(k, _)| !k.starts_with("ind_"))
        .collect();
    for (k, v) in [
        ("ind_name", ""),
        ("ind_measure", ""),
        ("ind_baseline", ""),
        ("ind_target", ""),
        ("ind_method", ""),
        ("ind_name", "Soitot"),
        ("ind_measure", "kpl"),
        ("ind_baseline", "paljon"),
        ("ind_target", "20"),
        ("ind_method", ""),
    ] {
        fields.push((k, v));
    }
    let moved = owner.post_form("/experiments", &fields);
    assert_eq!(moved.status, 422);
    assert!(
        moved
            .body
            .contains("id=\"f-indicators.0.baseline\" name=\"ind_baseline\" type=\"text\" value=\"paljon\"")
    );
    let mut fields = plan_fields(&team_unit, "40");
    fields.retain(|(k, _)| *k != "ends_on");
    fields.push(("ends_on", "2026-01-01"));
    let bad = owner.post_form("/experiments", &fields);
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-ends_on\""));
    let mut fields = plan_fields(&team_unit, "40");
    fields.retain(|(k, _)| *k != "team");
    fields.push(("team", "ei-ole@example.fi"));
    assert!(
        owner
            .post_form("/experiments", &fields)
            .body
            .contains("href=\"#f-team\"")
    );
    let token = app.token(EMPLOYEE);
    let none = app.api("GET", "/api/v1/experiments", Some(&token), None).json();
    assert_eq!(none["items"], json!([]));
    let mut customer = app.signed_in(CUSTOMER);
    assert_eq!(
        customer
            .post_form("/experiments", &plan_fields(&team_unit, "40"))
            .status,
        403
    );
    assert_eq!(customer.get("/reviews").status, 403);
}
