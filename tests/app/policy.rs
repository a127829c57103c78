//! The policy layer: the same rule answers on the web and in the API, and what moderation hides
//! leaves everything at once (regression tests of what was found when the product was walked
//! as every kind of person).

use crate::helpers::*;
use serde_json::json;

#[test]
fn customers_are_refused_directions_in_the_api_as_on_the_web() {
    let app = TestApp::with_demo();
    let customer = app.token(CUSTOMER);
    let employee = app.token(EMPLOYEE);
    let created = app.api(
        "POST",
        "/api/v1/directions",
        Some(&app.token(MANAGER)),
        Some(json!({"name": "Kotona asumisen tuki", "year": 2026})),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let list = app.api("GET", "/api/v1/directions", Some(&employee), None);
    assert_eq!(list.status, 200);
    assert_eq!(list.json()[0]["id"], id);
    assert_eq!(app.api("GET", "/api/v1/directions", Some(&customer), None).status, 403);
    assert_eq!(
        app.api("GET", &format!("/api/v1/directions/{id}"), Some(&customer), None)
            .status,
        403
    );
    assert_eq!(app.signed_in(CUSTOMER).get("/directions").status, 403);
    assert_eq!(app.signed_in(CUSTOMER).get(&format!("/directions/{id}")).status, 403);
    assert_eq!(app.signed_in(EMPLOYEE).get(&format!("/directions/{id}")).status, 200);
    // A customer's idea form offers no directions to pick.
    let form = app.signed_in(CUSTOMER).get("/ideas/new");
    assert_eq!(form.status, 200);
    assert!(
        !form.body.contains("name=\"direction_ids\""),
        "directions offered to a customer"
    );
}

#[test]
fn an_organisation_wide_manager_moderates() {
    let app = TestApp::with_demo();
    assert_eq!(app.signed_in(MANAGER).get("/moderation").status, 200);
    assert_eq!(
        app.api("GET", "/api/v1/reports", Some(&app.token(MANAGER)), None)
            .status,
        200
    );
    let idea = employee_idea(&app, "Johdon moderoima idea");
    let hide = json!({"object_type": "idea", "object_id": idea, "hidden": true, "reason": "Kaksoiskappale"});
    let res = app.api(
        "POST",
        "/api/v1/reports/decisions",
        Some(&app.token(MANAGER)),
        Some(hide),
    );
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(app.signed_in(EMPLOYEE).get("/moderation").status, 403);
    assert_eq!(app.signed_in(CUSTOMER).get("/moderation").status, 403);
}

#[test]
fn a_hidden_comment_shows_to_moderators_with_its_reason_and_restore_and_its_replies_stay() {
    let app = TestApp::with_demo();
    let idea = employee_idea(&app, "Kommentoitu idea");
    let comments = format!("/api/v1/ideas/{idea}/comments");
    let post = |token: &str, body: serde_json::Value| {
        let res = app.api("POST", &comments, Some(token), Some(body));
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()["id"].as_i64().unwrap()
    };
    let comment = post(&app.token(TRUSTEE), json!({"body": "Loukkaava kommentti"}));
    post(
        &app.token(MANAGER),
        json!({"body": "Asiallinen vastaus", "parent_id": comment}),
    );
    let hide = json!({"object_type": "comment", "object_id": comment, "hidden": true, "reason": "Henkilöön menevä"});
    let res = app.api(
        "POST",
        "/api/v1/reports/decisions",
        Some(&app.token(KEY_EXPERT)),
        Some(hide),
    );
    assert_eq!(res.status, 204, "{}", res.body);

    // A reader: the hidden comment keeps its place without text, its reply stays, the count
    // counts what the reader sees.
    let thread = app.api("GET", &comments, Some(&app.token(EMPLOYEE)), None).json();
    assert_eq!(thread.as_array().unwrap().len(), 1);
    assert_eq!(thread[0]["body"], "");
    assert_eq!(thread[0]["author_name"], serde_json::Value::Null);
    assert_eq!(thread[0]["can"]["read"], false);
    assert_eq!(thread[0]["replies"][0]["body"], "Asiallinen vastaus");
    let page = app.signed_in(EMPLOYEE).get(&format!("/ideas/{idea}"));
    assert!(!page.body.contains("Loukkaava kommentti"));
    assert!(page.body.contains("Asiallinen vastaus"), "the reply vanished");
    assert!(
        page.body.contains(">1 kommentti<"),
        "the count says what the reader sees"
    );
    assert!(!page.body.contains("Henkilöön menevä"), "the reason is for moderators");

    // A moderator: marked hidden, with the reason and a restore button, counted.
    let page = app.signed_in(KEY_EXPERT).get(&format!("/ideas/{idea}"));
    assert!(page.body.contains("Loukkaava kommentti"));
    assert!(page.body.contains("Henkilöön menevä"), "the reason");
    let restore_form = format!(
        "name=\"object_id\" value=\"{comment}\"><input type=\"hidden\" name=\"idea_id\" value=\"{idea}\">\n    <input type=\"hidden\" name=\"hidden\" value=\"false\">"
    );
    assert!(page.body.contains(&restore_form), "no restore form for the comment");
    assert!(page.body.contains(">2 kommenttia<"), "the moderator count");
    let moderator_thread = app.api("GET", &comments, Some(&app.token(KEY_EXPERT)), None).json();
    assert_eq!(moderator_thread[0]["hidden"], true);
    assert_eq!(moderator_thread[0]["hidden_reason"], "Henkilöön menevä");
    assert_eq!(moderator_thread[0]["can"]["moderate"], true);

    // Restoring from the page brings it back for everyone.
    let mut expert = app.signed_in(KEY_EXPERT);
    let res = expert.post_form(
        "/moderation",
        &[
            ("object_type", "comment"),
            ("object_id", &comment.to_string()),
            ("idea_id", &idea.to_string()),
            ("hidden", "false"),
            ("reason", "Tarkistettu"),
        ],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let page = app.signed_in(EMPLOYEE).get(&format!("/ideas/{idea}"));
    assert!(page.body.contains("Loukkaava kommentti"));
    assert!(page.body.contains("2 kommenttia"));
}

#[test]
fn nobody_acts_on_a_hidden_idea_and_customers_do_not_see_its_directions() {
    let app = TestApp::with_demo();
    let manager = app.token(MANAGER);
    let direction = app.api(
        "POST",
        "/api/v1/directions",
        Some(&manager),
        Some(json!({"name": "Kotona asumisen tuki", "year": 2026})),
    );
    let direction = direction.json()["id"].as_i64().unwrap();
    let body = json!({
        "title": "Julkaistu idea suunnalla",
        "problem": "Ongelma",
        "proposal": "Ehdotus",
        "unit_ids": [unit_named(&app, "Kotihoito Ii")],
        "direction_ids": [direction],
    });
    let employee = app.token(EMPLOYEE);
    let idea = app
        .api("POST", "/api/v1/ideas", Some(&employee), Some(body.clone()))
        .json()["id"]
        .as_i64()
        .unwrap();
    let expert = app.token(KEY_EXPERT);
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/ideas/{idea}/publication"),
            Some(&expert),
            None
        )
        .status,
        204
    );
    let customer = app.token(CUSTOMER);
    let seen = app
        .api("GET", &format!("/api/v1/ideas/{idea}"), Some(&customer), None)
        .json();
    assert_eq!(
        seen["directions"],
        json!([]),
        "a customer reads the idea but not the staff's directions"
    );
    let seen = app
        .api("GET", &format!("/api/v1/ideas/{idea}"), Some(&employee), None)
        .json();
    assert_eq!(seen["directions"][0]["id"], direction);

    let other = employee_idea(&app, "Toinen idea yhdistettäväksi");
    let hide = json!({"object_type": "idea", "object_id": idea, "hidden": true, "reason": "Asiaton"});
    assert_eq!(
        app.api("POST", "/api/v1/reports/decisions", Some(&expert), Some(hide))
            .status,
        204
    );
    // Its author and its moderators still read it, but nobody acts on it.
    for (token, method, path, body) in [
        (&employee, "POST", format!("/api/v1/ideas/{idea}/supports"), None),
        (
            &employee,
            "POST",
            format!("/api/v1/ideas/{idea}/comments"),
            Some(json!({"body": "Vielä"})),
        ),
        (&employee, "PATCH", format!("/api/v1/ideas/{idea}"), Some(body)),
        (
            &expert,
            "POST",
            format!("/api/v1/ideas/{idea}/comments"),
            Some(json!({"body": "Vielä"})),
        ),
        (
            &expert,
            "POST",
            "/api/v1/reports".to_string(),
            Some(json!({"object_type": "idea", "object_id": idea, "reason": "x"})),
        ),
    ] {
        let res = app.api(method, &path, Some(token), body);
        assert_eq!(res.status, 403, "{method} {path}: {}", res.body);
    }
    // Nothing merges into a hidden idea, which its readers could not open.
    let merge = json!({"status": "merged", "merged_into_id": idea});
    let res = app.api(
        "POST",
        &format!("/api/v1/ideas/{other}/status"),
        Some(&expert),
        Some(merge),
    );
    assert_eq!(res.status, 422, "{}", res.body);
    assert_eq!(res.error_fields(), ["merged_into_id"]);
}

#[test]
fn a_json_body_with_trailing_text_is_refused() {
    let app = TestApp::with_demo();
    let token = app.token(EMPLOYEE);
    let res = app.request(
        "POST",
        "/api/v1/ideas",
        &[
            ("Authorization".into(), format!("Bearer {token}")),
            ("Content-Type".into(), "application/json; charset=utf-8".into()),
        ],
        Some(r#"{"title": "Otsikko tässä", "problem": "p", "proposal": "q", "unit_ids": [1]} roskaa"#.into()),
    );
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["errors"][0]["field"], "body");
}
