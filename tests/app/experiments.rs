//! Experiments over the API: lifecycle, review routing, approvals, versions, reports,
//! notifications and the permission matrix.

use crate::helpers::*;
use serde_json::{Value, json};

const PASSWORD: &str = "kokeilujen-salasana-2026";

/// A new employee of `unit_id`, optionally with a role there; returns (id, token).
fn employee(app: &TestApp, email: &str, unit_id: i64, role: Option<&str>) -> (i64, String) {
    let admin = app.token(ADMIN);
    let body = json!({"email": email, "name": email.split('@').next().unwrap(), "kind": "employee", "password": PASSWORD, "unit_ids": [unit_id]});
    let res = app.api("POST", "/api/v1/people", Some(&admin), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["id"].as_i64().unwrap();
    if let Some(role) = role {
        let res = app.api(
            "POST",
            &format!("/api/v1/people/{id}/roles"),
            Some(&admin),
            Some(json!({"role": role, "unit_id": unit_id})),
        );
        assert!(res.status == 201 || res.status == 200, "{}", res.body);
    }
    (id, app.token_for(email, PASSWORD))
}

fn plan(unit_id: i64, extra: Value) -> Value {
    let mut body = json!({
        "title": "Tekstiviesti ennen kotikäyntiä",
        "unit_id": unit_id,
        "hypothesis": "Uskomme, että viesti ennen käyntiä vähentää turhia soittoja.",
        "what_tried": "Hoitaja lähettää viestin puoli tuntia ennen käyntiä.",
        "customer_involvement": "Asiakkaat kertovat kokemuksensa palautekyselyssä.",
        "starts_on": "2026-12-01",
        "ends_on": "2027-02-28",
        "budget": 1500.5,
        "touches_personal_data": true,
        "indicators": [{"name": "Soitot", "measure": "soittoa viikossa", "baseline": 40, "target": 20, "method": "Puhelinjärjestelmän tilasto"}],
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let res = app.api("POST", "/api/v1/experiments", Some(token), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

fn call(app: &TestApp, token: &str, method: &str, id: i64, action: &str, body: Option<Value>) -> Resp {
    app.api(method, &format!("/api/v1/experiments/{id}{action}"), Some(token), body)
}

fn status_of(app: &TestApp, token: &str, id: i64) -> String {
    call(app, token, "GET", id, "", None).json()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

fn review(app: &TestApp, token: &str, id: i64, decision: &str) -> Resp {
    call(
        app,
        token,
        "POST",
        id,
        "/reviews",
        Some(json!({"decision": decision, "comment": "Perusteltu päätös."})),
    )
}

fn full_report(indicator: i64) -> Value {
    json!({
        "what_we_did": "Lähetimme viestit kolmen kuukauden ajan.",
        "what_made_us_dare": "Asiakkaiden palaute.",
        "where_we_succeeded": "Soitot vähenivät.",
        "what_we_would_change": "Aloittaisimme pienemmällä ryhmällä.",
        "what_we_learned": "Pieni muutos riittää.",
        "operational_impact": "Hoitajien aikaa vapautui.",
        "one_off": -500.0,
        "yearly": 12000.0,
        "customer_feedback": "Asiakkaat kiittivät.",
        "recommend_adoption": true,
        "actuals": [{"indicator_id": indicator, "actual": 18.0}],
    })
}

#[test]
fn the_whole_lifecycle_from_idea_to_adoption_and_publication() {
    let app = TestApp::with_demo();
    let owner = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let team_unit = unit_named(&app, "Kotihoito Ii");
    let idea = app
        .api(
            "POST",
            "/api/v1/ideas",
            Some(&owner),
            Some(json!({"title": "Viesti ennen käyntiä", "problem": "Asiakkaat soittavat.", "proposal": "Lähetetään viesti.", "unit_ids": [team_unit]})),
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    let id = create(&app, &owner, plan(team_unit, json!({"idea_ids": [idea]})));
    let view = call(&app, &owner, "GET", id, "", None).json();
    assert_eq!(view["status"], "draft");
    assert_eq!(view["budget"], 1500.5);
    assert_eq!(view["ideas"][0]["id"], idea);
    assert_eq!(view["can"]["submit"], true);
    assert_eq!(view["warnings"], json!([]));

    // Submitting routes it to the key expert of the nearest unit that has one (Kotihoito).
    assert_eq!(call(&app, &owner, "POST", id, "/submit", None).status, 200);
    let queue = app.api("GET", "/api/v1/reviews/queue", Some(&expert), None).json();
    assert_eq!(queue[0]["id"], id);
    assert_eq!(queue[0]["days_waiting"], 0);
    let bell = app.api("GET", "/api/v1/notifications", Some(&expert), None).json();
    assert_eq!(bell[0]["kind"], "review_waiting");
    assert!(
        app.wait_for_mail(KEY_EXPERT)
            .body
            .contains(&format!("/experiments/{id}"))
    );

    let res = review(&app, &expert, id, "approve");
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["status"], "approved");
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{idea}"), Some(&owner), None)
            .json()["status"],
        "in_experiment",
        "the idea it tries is now in experiment"
    );
    let bell = app.api("GET", "/api/v1/notifications", Some(&owner), None).json();
    assert_eq!(bell[0]["kind"], "decided");
    assert_eq!(
        app.api("GET", "/api/v1/reviews/queue", Some(&expert), None).json(),
        json!([])
    );

    assert_eq!(call(&app, &owner, "POST", id, "/start", None).status, 200);
    let entry = call(
        &app,
        &owner,
        "POST",
        id,
        "/log",
        Some(json!({"entry_on": "2026-11-20", "body": "Ensimmäinen viikko takana."})),
    );
    assert_eq!(entry.status, 201);
    assert_eq!(
        call(&app, &expert, "GET", id, "/log", None).json()[0]["body"],
        "Ensimmäinen viikko takana."
    );

    // Completing needs the whole report.
    let early = call(&app, &owner, "POST", id, "/complete", None);
    assert_eq!(early.status, 409);
    assert_eq!(early.json()["code"], "report_incomplete");
    let indicator = call(&app, &owner, "GET", id, "", None).json()["indicators"][0]["id"]
        .as_i64()
        .unwrap();
    let partial = json!({"what_we_did": "Lähetimme viestejä."});
    assert_eq!(call(&app, &owner, "PUT", id, "/report", Some(partial)).status, 200);
    let still = call(&app, &owner, "POST", id, "/complete", None);
    assert_eq!(still.status, 409);
    assert!(still.json()["detail"].as_str().unwrap().contains(','), "{}", still.body);
    let report = call(&app, &owner, "PUT", id, "/report", Some(full_report(indicator)));
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.json()["yearly"], 12000.0);
    assert_eq!(call(&app, &owner, "POST", id, "/complete", None).status, 200);
    let view = call(&app, &owner, "GET", id, "", None).json();
    assert_eq!(view["indicators"][0]["actual"], 18.0);

    let adopted = call(
        &app,
        &expert,
        "POST",
        id,
        "/outcome",
        Some(json!({"status": "adopted"})),
    );
    assert_eq!(adopted.status, 200, "{}", adopted.body);
    assert_eq!(status_of(&app, &owner, id), "adopted");
    let tried = app
        .api("GET", &format!("/api/v1/ideas/{idea}"), Some(&owner), None)
        .json();
    assert_eq!(
        tried["status"], "implemented",
        "the idea follows its adopted experiment"
    );
    assert_eq!(
        tried["history"].as_array().unwrap().last().unwrap()["status"],
        "implemented"
    );
    let bell = app.api("GET", "/api/v1/notifications", Some(&owner), None).json();
    assert!(
        bell.as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "idea_status_changed" && n["object_id"] == idea),
        "its author hears of it"
    );

    // Another unit adopts it too: its manager records that.
    let manager = app.token(UNIT_MANAGER);
    let other = unit_named(&app, "Omaishoidon tuki");
    let spread = json!({"unit_id": other, "adopted_on": "2026-11-01", "note": "Otettu käyttöön."});
    assert_eq!(
        call(&app, &manager, "POST", id, "/adoptions", Some(spread.clone())).status,
        204
    );
    assert_eq!(call(&app, &manager, "POST", id, "/adoptions", Some(spread)).status, 409);
    assert_eq!(
        call(&app, &owner, "GET", id, "/adoptions", None).json()[0]["unit_name"],
        "Omaishoidon tuki"
    );

    // Customers see it once published, and only then.
    let customer = app.token(CUSTOMER);
    assert_eq!(call(&app, &customer, "GET", id, "", None).status, 404);
    assert_eq!(call(&app, &owner, "POST", id, "/publication", None).status, 403);
    assert_eq!(call(&app, &expert, "POST", id, "/publication", None).status, 200);
    assert_eq!(call(&app, &customer, "GET", id, "", None).status, 200);
    assert_eq!(call(&app, &customer, "GET", id, "/report", None).status, 200);
    assert_eq!(
        call(&app, &customer, "GET", id, "/reviews", None).status,
        403,
        "staff's working notes"
    );
    assert_eq!(call(&app, &customer, "GET", id, "/log", None).status, 403);

    let search = format!("/api/v1/experiments?results=true&q={}", urlencode("kiittivät"));
    let library = app.api("GET", &search, Some(&owner), None).json();
    assert_eq!(library["items"][0]["id"], id, "the report's text is searchable");
    let idea_view = app
        .api("GET", "/api/v1/experiments?status=adopted", Some(&customer), None)
        .json();
    assert_eq!(idea_view["items"].as_array().unwrap().len(), 1);
}

#[test]
fn illegal_moves_answer_409_with_what_is_possible() {
    let app = TestApp::with_demo();
    let owner = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let id = create(&app, &owner, plan(unit_named(&app, "Kotihoito Ii"), json!({})));
    for (action, body) in [
        ("/start", None),
        ("/complete", None),
        ("/outcome", Some(json!({"status": "adopted"}))),
    ] {
        let res = call(&app, &owner, "POST", id, action, body);
        assert_eq!(res.status, 409, "{action}: {}", res.body);
        assert_eq!(res.json()["code"], "illegal_experiment_transition");
    }
    let res = call(&app, &owner, "POST", id, "/start", None).json();
    let detail = res["detail"].as_str().unwrap();
    assert!(
        detail.contains("Lähetetty arvioitavaksi") || detail.contains("submitted"),
        "{detail}"
    );
    assert_eq!(
        review(&app, &expert, id, "approve").status,
        409,
        "a draft is not reviewed"
    );

    call(&app, &owner, "POST", id, "/submit", None);
    assert_eq!(call(&app, &owner, "POST", id, "/submit", None).status, 409);
    review(&app, &expert, id, "approve");
    call(&app, &owner, "POST", id, "/start", None);
    assert_eq!(
        call(&app, &owner, "POST", id, "/withdraw", None).status,
        409,
        "not after it runs"
    );
    assert_eq!(review(&app, &expert, id, "reject").status, 409);

    let rejected = create(&app, &owner, plan(unit_named(&app, "Kotihoito Ii"), json!({})));
    call(&app, &owner, "POST", rejected, "/submit", None);
    assert_eq!(review(&app, &expert, rejected, "reject").json()["status"], "rejected");
    for action in ["/submit", "/withdraw", "/start"] {
        assert_eq!(
            call(&app, &owner, "POST", rejected, action, None).status,
            409,
            "{action}"
        );
    }

    // Changes requested: edited, then submitted again.
    let returned = create(&app, &owner, plan(unit_named(&app, "Kotihoito Ii"), json!({})));
    call(&app, &owner, "POST", returned, "/submit", None);
    assert_eq!(
        review(&app, &expert, returned, "request_changes").json()["status"],
        "changes_requested"
    );
    let edited = call(
        &app,
        &owner,
        "PATCH",
        returned,
        "",
        Some(plan(
            unit_named(&app, "Kotihoito Ii"),
            json!({"title": "Tarkennettu kokeilu"}),
        )),
    );
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(call(&app, &owner, "POST", returned, "/submit", None).status, 200);
    assert_eq!(review(&app, &expert, returned, "approve").json()["status"], "approved");
    assert_eq!(
        call(&app, &owner, "GET", returned, "/reviews", None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(call(&app, &owner, "POST", returned, "/withdraw", None).status, 200);
}

#[test]
fn review_goes_to_the_nearest_ancestor_with_key_experts_and_counts_required_approvals() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let sector = unit_named(&app, "Ikäihmisten palvelut");
    let carers = unit_named(&app, "Omaishoidon tuki");
    let (_, first) = employee(&app, "arvioija1@demo.kehittamo.fi", sector, Some("key_expert"));
    let (_, second) = employee(&app, "arvioija2@demo.kehittamo.fi", sector, Some("key_expert"));
    let (_, owner) = employee(&app, "omistaja@demo.kehittamo.fi", carers, None);
    let res = app.api(
        "PATCH",
        &format!("/api/v1/units/{carers}"),
        Some(&admin),
        Some(json!({"required_approvals": 2})),
    );
    assert_eq!(res.status, 200, "{}", res.body);

    let id = create(&app, &owner, plan(carers, json!({})));
    call(&app, &owner, "POST", id, "/submit", None);
    for token in [&first, &second] {
        let queue = app.api("GET", "/api/v1/reviews/queue", Some(token), None).json();
        assert_eq!(queue[0]["id"], id);
    }
    app.wait_for_mail("arvioija1@demo.kehittamo.fi");
    app.wait_for_mail("arvioija2@demo.kehittamo.fi");
    let kotihoito_expert = app.token(KEY_EXPERT);
    assert_eq!(
        app.api("GET", "/api/v1/reviews/queue", Some(&kotihoito_expert), None)
            .json(),
        json!([]),
        "Kotihoito's key expert is not on the path"
    );
    assert_eq!(review(&app, &kotihoito_expert, id, "approve").status, 403);
    assert_eq!(app.api("GET", "/api/v1/reviews/queue", Some(&owner), None).status, 403);

    assert_eq!(review(&app, &first, id, "approve").json()["status"], "submitted");
    assert_eq!(review(&app, &first, id, "approve").status, 409, "one review each");
    let no_comment = call(
        &app,
        &second,
        "POST",
        id,
        "/reviews",
        Some(json!({"decision": "approve", "comment": " "})),
    );
    assert_eq!(no_comment.status, 422);
    assert_eq!(no_comment.error_fields(), vec!["comment"]);
    assert_eq!(review(&app, &second, id, "approve").json()["status"], "approved");

    // One rejection rejects, whatever the approvals.
    let other = create(&app, &owner, plan(carers, json!({})));
    call(&app, &owner, "POST", other, "/submit", None);
    review(&app, &first, other, "approve");
    assert_eq!(review(&app, &second, other, "reject").json()["status"], "rejected");
}

#[test]
fn nobody_reviews_their_own_or_their_teams_experiment() {
    let app = TestApp::with_demo();
    let expert = app.token(KEY_EXPERT);
    let admin = app.token(ADMIN);
    let kotihoito = unit_named(&app, "Kotihoito");
    let expert_id = app.person_id(&admin, KEY_EXPERT);
    let own = create(&app, &expert, plan(kotihoito, json!({})));
    call(&app, &expert, "POST", own, "/submit", None);
    assert_eq!(review(&app, &expert, own, "approve").status, 403);
    assert_eq!(
        app.api("GET", "/api/v1/reviews/queue", Some(&expert), None).json(),
        json!([])
    );

    let owner = app.token(EMPLOYEE);
    let with_team = create(&app, &owner, plan(kotihoito, json!({"team_ids": [expert_id]})));
    call(&app, &owner, "POST", with_team, "/submit", None);
    assert_eq!(review(&app, &expert, with_team, "approve").status, 403);
    assert_eq!(
        call(&app, &expert, "GET", with_team, "", None).json()["can"]["review"],
        false
    );
}

#[test]
fn an_approved_plan_is_frozen_and_changes_become_versions() {
    let app = TestApp::with_demo();
    let owner = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let team_unit = unit_named(&app, "Kotihoito Ii");
    let id = create(&app, &owner, plan(team_unit, json!({})));
    call(&app, &owner, "POST", id, "/submit", None);
    review(&app, &expert, id, "approve");

    let changed = plan(team_unit, json!({"title": "Tekstiviesti ja soitto", "budget": 2000}));
    let frozen = call(&app, &owner, "PATCH", id, "", Some(changed.clone()));
    assert_eq!(frozen.status, 409);
    assert_eq!(frozen.json()["code"], "plan_frozen");
    let proposed = call(&app, &owner, "POST", id, "/versions", Some(changed.clone()));
    assert_eq!(proposed.status, 201, "{}", proposed.body);
    assert_eq!(proposed.json()["version"], 2);
    assert_eq!(
        call(&app, &owner, "POST", id, "/versions", Some(changed)).status,
        409,
        "one pending at a time"
    );
    assert_eq!(
        status_of(&app, &owner, id),
        "approved",
        "the approved plan stands until a key expert accepts"
    );
    assert_eq!(
        call(&app, &owner, "GET", id, "", None).json()["title"],
        "Tekstiviesti ennen kotikäyntiä"
    );
    let bell = app.api("GET", "/api/v1/notifications", Some(&expert), None).json();
    assert_eq!(bell[0]["kind"], "version_waiting");

    let decision = json!({"accept": true, "note": "Hyvä tarkennus."});
    assert_eq!(
        call(&app, &owner, "POST", id, "/versions/2/decision", Some(decision.clone())).status,
        403
    );
    let accepted = call(
        &app,
        &expert,
        "POST",
        id,
        "/versions/2/decision",
        Some(decision.clone()),
    );
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(accepted.json()["title"], "Tekstiviesti ja soitto");
    assert_eq!(accepted.json()["version"], 2);
    assert_eq!(
        call(&app, &expert, "POST", id, "/versions/2/decision", Some(decision)).status,
        409
    );

    let versions = call(&app, &owner, "GET", id, "/versions", None).json();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(
        versions[0]["plan"]["title"], "Tekstiviesti ennen kotikäyntiä",
        "earlier versions stay readable"
    );
    assert_eq!(versions[0]["state"], "accepted");
    assert_eq!(versions[1]["plan"]["budget"], 2000.0);

    // The versions page says what changed, and only that.
    let page = app.signed_in(EMPLOYEE).get(&format!("/experiments/{id}/versions"));
    assert_eq!(page.status, 200);
    let changes = page
        .body
        .split("class=\"changes\"")
        .nth(1)
        .and_then(|c| c.split("</dl>").next())
        .unwrap_or_default()
        .to_string();
    assert!(
        page.body.contains("Muutokset versioon 1"),
        "the second version names its changes"
    );
    assert!(
        changes.contains("<dt>Nimi</dt>") && changes.contains("<del>Tekstiviesti ennen kotikäyntiä</del>"),
        "{changes}"
    );
    assert!(changes.contains("<ins>Tekstiviesti ja soitto</ins>"), "{changes}");
    assert!(changes.contains("<dt>Budjetti</dt>"), "{changes}");
    assert!(
        !changes.contains("<dt>Hypoteesi</dt>"),
        "unchanged fields are not listed: {changes}"
    );
}

#[test]
fn the_daily_check_starts_due_experiments_and_reminds_of_overdue_reports_once() {
    let app = TestApp::with_demo();
    let owner = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let team_unit = unit_named(&app, "Kotihoito Ii");
    let past = json!({"starts_on": "2026-01-01", "ends_on": "2026-03-01"});
    let id = create(&app, &owner, plan(team_unit, past));
    call(&app, &owner, "POST", id, "/submit", None);
    review(&app, &expert, id, "approve");
    let first = kehittamo::domain::experiments::lifecycle::daily(&app.ctx).unwrap();
    assert_eq!((first.started, first.reminded), (1, 1));
    assert_eq!(status_of(&app, &owner, id), "running");
    let again = kehittamo::domain::experiments::lifecycle::daily(&app.ctx).unwrap();
    assert_eq!(
        (again.started, again.reminded),
        (0, 0),
        "reminded once, not daily forever"
    );
    let bell = app.api("GET", "/api/v1/notifications", Some(&owner), None).json();
    let overdue = bell
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "report_overdue")
        .count();
    assert_eq!(overdue, 1);
    let unread = bell[0]["id"].as_i64().unwrap();
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/notifications/{unread}/read"),
            Some(&owner),
            None
        )
        .status,
        204
    );
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/notifications/{unread}/read"),
            Some(&expert),
            None
        )
        .status,
        404,
        "someone else's notification"
    );
    assert_eq!(
        app.api("POST", "/api/v1/notifications/read", Some(&owner), None).status,
        204
    );
}

#[test]
fn bad_plans_name_their_fields_and_write_nothing() {
    let app = TestApp::with_demo();
    let owner = app.token(EMPLOYEE);
    let team_unit = unit_named(&app, "Kotihoito Ii");
    let bad = plan(
        team_unit,
        json!({
            "title": "Ko",
            "starts_on": "2027-01-01",
            "ends_on": "2026-12-01",
            "budget": -5,
            "team_ids": [999999],
            "indicators": [{"name": "", "measure": "kpl", "baseline": 1e13, "target": 2}],
        }),
    );
    let res = app.api("POST", "/api/v1/experiments", Some(&owner), Some(bad));
    assert_eq!(res.status, 422, "{}", res.body);
    let mut fields = res.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "budget",
            "ends_on",
            "indicators.0.baseline",
            "indicators.0.name",
            "team_ids",
            "title"
        ]
    );
    let text_number = plan(
        team_unit,
        json!({"indicators": [{"name": "n", "measure": "m", "baseline": "paljon", "target": 2}]}),
    );
    assert_eq!(
        app.api("POST", "/api/v1/experiments", Some(&owner), Some(text_number))
            .status,
        400
    );
    let none = app.api("GET", "/api/v1/experiments", Some(&owner), None).json();
    assert_eq!(none["items"], json!([]), "nothing half-written");

    // No indicators: the draft is fine, submitting is not.
    let id = create(&app, &owner, plan(team_unit, json!({"indicators": []})));
    let res = call(&app, &owner, "POST", id, "/submit", None);
    assert_eq!(res.status, 422);
    assert_eq!(res.error_fields(), vec!["indicators"]);
    // Longer than six months: a warning, not an error.
    let long = create(&app, &owner, plan(team_unit, json!({"ends_on": "2027-12-31"})));
    assert_eq!(
        call(&app, &owner, "GET", long, "", None).json()["warnings"],
        json!(["long_duration"])
    );
}

#[test]
fn permission_matrix_of_experiment_actions() {
    let app = TestApp::with_demo();
    let owner = app.token(EMPLOYEE);
    let expert_token = app.token(KEY_EXPERT);
    let team_unit = unit_named(&app, "Kotihoito Ii");
    // (who, sees a draft, sees a submitted one, creates, edits the draft, reviews, decides the outcome)
    let matrix: [(&str, bool, bool, bool, bool, bool, bool); 7] = [
        (CUSTOMER, false, false, false, false, false, false),
        (EMPLOYEE, true, true, true, true, false, false),
        (TRUSTEE, false, true, false, false, false, false),
        (KEY_EXPERT, true, true, true, false, true, true),
        (UNIT_MANAGER, true, true, true, false, false, true),
        (MANAGER, true, true, true, false, false, true),
        (ADMIN, true, true, true, false, false, true),
    ];
    for (who, sees_draft, sees_submitted, creates, edits, reviews, decides) in matrix {
        let token = app.token(who);
        let draft = create(&app, &owner, plan(team_unit, json!({})));
        let code = call(&app, &token, "GET", draft, "", None).status;
        assert_eq!(code == 200, sees_draft, "{who} sees a draft: {code}");
        let code = call(&app, &token, "PATCH", draft, "", Some(plan(team_unit, json!({})))).status;
        assert_eq!(code == 200, edits, "{who} edits: {code}");
        let code = app
            .api(
                "POST",
                "/api/v1/experiments",
                Some(&token),
                Some(plan(team_unit, json!({}))),
            )
            .status;
        assert_eq!(code == 201, creates, "{who} creates: {code}");

        call(&app, &owner, "POST", draft, "/submit", None);
        let code = call(&app, &token, "GET", draft, "", None).status;
        assert_eq!(code == 200, sees_submitted, "{who} sees a submitted one: {code}");
        let code = review(&app, &token, draft, "approve").status;
        assert_eq!(code == 201, reviews, "{who} reviews: {code}");
        if !reviews {
            review(&app, &expert_token, draft, "approve");
        }
        call(&app, &owner, "POST", draft, "/start", None);
        let indicator = call(&app, &owner, "GET", draft, "", None).json()["indicators"][0]["id"]
            .as_i64()
            .unwrap();
        call(&app, &owner, "PUT", draft, "/report", Some(full_report(indicator)));
        assert_eq!(call(&app, &owner, "POST", draft, "/complete", None).status, 200);
        let code = call(
            &app,
            &token,
            "POST",
            draft,
            "/outcome",
            Some(json!({"status": "not_adopted", "reason": "Ei resursseja."})),
        )
        .status;
        assert_eq!(code == 200, decides, "{who} decides the outcome: {code}");
        if !sees_submitted {
            assert_eq!(code, 404, "{who}: what one cannot see is 404");
        }
    }
}

#[test]
fn the_unit_filter_gives_the_same_experiments_for_large_and_small_units() {
    let app = TestApp::with_demo();
    kehittamo::demo_experiments::scale(&app.ctx, 4_000, false).unwrap();
    let token = app.token(MANAGER);
    let pages = |query: &str| -> Vec<i64> {
        let mut out = Vec::new();
        let mut after = String::new();
        loop {
            let page = app
                .api(
                    "GET",
                    &format!("/api/v1/experiments?{query}&limit=100{after}"),
                    Some(&token),
                    None,
                )
                .json();
            out.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_i64().unwrap()),
            );
            match page["next_after"].as_i64() {
                Some(next) => after = format!("&after={next}"),
                None => return out,
            }
        }
    };
    let tree = app.api("GET", "/api/v1/units", Some(&token), None).json();
    let subtree = with_descendants(&tree[0]);
    let whole = pages(&format!("unit={}", tree[0]["id"]));
    assert!(whole.len() >= 1_000, "{}", whole.len());
    assert!(whole.windows(2).all(|w| w[0] > w[1]));
    let mut parts: Vec<i64> = subtree.iter().flat_map(|u| pages(&format!("unit={u}"))).collect();
    parts.sort_unstable_by(|a, b| b.cmp(a));
    parts.dedup();
    assert_eq!(whole, parts);
}

#[test]
fn submitting_finds_a_reviewer_up_the_ladder_or_is_refused_saying_whom_to_ask() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let admin_id = app.person_id(&admin, ADMIN);
    let queue = |token: &str| -> Vec<i64> {
        app.api("GET", "/api/v1/reviews/queue", Some(token), None)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    // A branch with no key expert (Vammaispalvelut): the administrators review.
    let housing = unit_named(&app, "Asumispalvelut");
    let (_, owner) = employee(&app, "asuminen@example.fi", housing, None);
    let id = create(&app, &owner, plan(housing, json!({})));
    assert_eq!(call(&app, &owner, "POST", id, "/submit", None).status, 200);
    assert!(queue(&admin).contains(&id), "it waits in the administrator's queue");
    assert_eq!(call(&app, &admin, "GET", id, "", None).json()["can"]["review"], true);
    assert_eq!(review(&app, &admin, id, "approve").json()["status"], "approved");

    // The only key expert of Kotihoito is on the team: the key expert of the unit above is found.
    let expert = app.token(KEY_EXPERT);
    let expert_id = app.person_id(&admin, KEY_EXPERT);
    let (_, wide) = {
        let res = app.api(
            "POST",
            "/api/v1/people",
            Some(&admin),
            Some(json!({"email": "laaja@example.fi", "name": "Laaja Avainosaaja", "kind": "employee", "password": PASSWORD})),
        );
        let wide_id = res.json()["id"].as_i64().unwrap();
        let res = app.api(
            "POST",
            &format!("/api/v1/people/{wide_id}/roles"),
            Some(&admin),
            Some(json!({"role": "key_expert", "unit_id": unit_named(&app, "Ikäihmisten palvelut")})),
        );
        assert!(res.status == 201 || res.status == 200, "{}", res.body);
        (wide_id, app.token_for("laaja@example.fi", PASSWORD))
    };
    let kotihoito = unit_named(&app, "Kotihoito");
    let employee_token = app.token(EMPLOYEE);
    let with_team = create(&app, &employee_token, plan(kotihoito, json!({"team_ids": [expert_id]})));
    assert_eq!(
        call(&app, &employee_token, "POST", with_team, "/submit", None).status,
        200
    );
    assert!(!queue(&expert).contains(&with_team));
    assert!(queue(&wide).contains(&with_team));
    assert!(
        !queue(&admin).contains(&with_team),
        "a key expert was found before the administrators"
    );

    // Nobody anywhere: two approvals needed where only one person could review.
    let res = app.api(
        "PATCH",
        &format!("/api/v1/units/{housing}"),
        Some(&admin),
        Some(json!({"required_approvals": 2})),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let unreviewed = app.api("GET", "/api/v1/units/without-reviewers", Some(&admin), None);
    assert_eq!(unreviewed.status, 200);
    assert!(unreviewed.body.contains("Asumispalvelut"), "{}", unreviewed.body);
    assert_eq!(
        app.api("GET", "/api/v1/units/without-reviewers", Some(&expert), None)
            .status,
        403
    );
    let waits = create(&app, &owner, plan(housing, json!({})));
    let refused = call(&app, &owner, "POST", waits, "/submit", None);
    assert_eq!(refused.status, 409);
    assert_eq!(refused.json()["code"], "no_reviewer");
    assert!(refused.json()["detail"].as_str().unwrap().contains("Asumispalvelut"));
    assert_eq!(status_of(&app, &owner, waits), "draft", "nothing changed");
    let _ = admin_id;
    // The administrators' unit page warns.
    let mut page = app.signed_in(ADMIN);
    let units = page.get("/admin/units");
    assert!(units.body.contains("Yksiköt ilman arvioijaa"));
    crate::a11y::check_page("/admin/units", &units.body);
}

#[test]
fn a_withdrawn_or_rejected_plan_is_the_template_of_a_new_draft() {
    let app = TestApp::with_demo();
    let owner = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let unit = unit_named(&app, "Kotihoito Ii");
    let id = create(
        &app,
        &owner,
        plan(unit, json!({"starts_on": "2026-01-05", "ends_on": "2026-02-04"})),
    );
    assert_eq!(
        call(&app, &owner, "POST", id, "/copy", None).status,
        403,
        "a draft is edited, not copied"
    );
    call(&app, &owner, "POST", id, "/withdraw", None);
    assert_eq!(call(&app, &owner, "GET", id, "", None).json()["can"]["copy"], true);
    assert_eq!(
        call(&app, &expert, "POST", id, "/copy", None).status,
        403,
        "owner and team only"
    );
    let copied = call(&app, &owner, "POST", id, "/copy", None);
    assert_eq!(copied.status, 201, "{}", copied.body);
    let copy = copied.json();
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["title"], "Tekstiviesti ennen kotikäyntiä");
    assert_eq!(
        copy["hypothesis"],
        "Uskomme, että viesti ennen käyntiä vähentää turhia soittoja."
    );
    assert_eq!(copy["indicators"][0]["name"], "Soitot");
    assert_eq!(copy["indicators"][0]["target"], 20.0);
    let today = kehittamo::clock::today();
    assert_eq!(copy["starts_on"], today.to_string(), "past dates move to today");
    assert_eq!(
        copy["ends_on"],
        (today + chrono::Duration::days(30)).to_string(),
        "keeping the length"
    );
    assert_eq!(status_of(&app, &owner, id), "withdrawn", "the original stays as it was");

    // On the page: the button, then the new draft opens for editing.
    let mut b = app.signed_in(EMPLOYEE);
    let page = b.get(&format!("/experiments/{id}"));
    assert!(page.body.contains(&format!("action=\"/experiments/{id}/copy\"")));
    let res = b.post_form(&format!("/experiments/{id}/copy"), &[]);
    assert_eq!(res.status, 303);
    let location = res.header("location").unwrap().to_string();
    assert!(location.ends_with("/edit?done=copied"), "{location}");
    let edit = b.get(&location);
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("Suunnitelma kopioitiin uudeksi luonnokseksi"));
}

#[test]
fn an_experiment_not_adopted_returns_its_ideas_to_discussion_with_the_reason() {
    let app = TestApp::with_demo();
    let owner = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let idea = employee_idea(&app, "Iltakäyntien uusi järjestys");
    let supporter = app.token(TRUSTEE);
    app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/supports"),
        Some(&supporter),
        None,
    );
    let unit = unit_named(&app, "Kotihoito Ii");
    let id = create(&app, &owner, plan(unit, json!({"idea_ids": [idea]})));
    call(&app, &owner, "POST", id, "/submit", None);
    review(&app, &expert, id, "approve");
    let kinds = |token: &str| -> Vec<String> {
        app.api("GET", "/api/v1/notifications", Some(token), None)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["object_type"] == "idea" && n["object_id"] == idea)
            .map(|n| n["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        kinds(&supporter),
        ["idea_status_changed"],
        "the supporter hears it moved to an experiment"
    );
    call(&app, &owner, "POST", id, "/start", None);
    let indicator = call(&app, &owner, "GET", id, "", None).json()["indicators"][0]["id"]
        .as_i64()
        .unwrap();
    call(&app, &owner, "PUT", id, "/report", Some(full_report(indicator)));
    assert_eq!(call(&app, &owner, "POST", id, "/complete", None).status, 200);
    let decided = call(
        &app,
        &expert,
        "POST",
        id,
        "/outcome",
        Some(json!({"status": "not_adopted", "reason": "Soitot eivät vähentyneet."})),
    );
    assert_eq!(decided.status, 200, "{}", decided.body);
    let back = app
        .api("GET", &format!("/api/v1/ideas/{idea}"), Some(&owner), None)
        .json();
    assert_eq!(back["status"], "in_discussion");
    assert_eq!(back["status_reason"], "Soitot eivät vähentyneet.");
    assert_eq!(
        back["experiments"][0]["id"], id,
        "the experiment and its report stay linked"
    );
    assert_eq!(kinds(&supporter).len(), 2);
}
