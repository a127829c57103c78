use crate::helpers::*;
use serde_json::json;

#[test]
fn reported_content_is_hidden_from_lists_and_search_and_the_author_is_told() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let trustee = app.token(TRUSTEE);
    let admin = app.token(ADMIN);
    let tree = app.api("GET", "/api/v1/units", Some(&employee), None).json();
    let kotihoito = tree[0]["children"][0]["id"].as_i64().unwrap();
    let body = json!({"title": "Asiaton otsikko tässä", "problem": "Sopimatonta tekstiä", "proposal": "q", "unit_ids": [kotihoito]});
    let idea = app.api("POST", "/api/v1/ideas", Some(&employee), Some(body)).json()["id"]
        .as_i64()
        .unwrap();
    let comment = app
        .api(
            "POST",
            &format!("/api/v1/ideas/{idea}/comments"),
            Some(&trustee),
            Some(json!({"body": "Loukkaava kommentti"})),
        )
        .json()["id"]
        .as_i64()
        .unwrap();

    let report = app.api(
        "POST",
        "/api/v1/reports",
        Some(&trustee),
        Some(json!({"object_type": "idea", "object_id": idea, "reason": "Asiaton"})),
    );
    assert_eq!(report.status, 201, "{}", report.body);
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/reports",
            Some(&trustee),
            Some(json!({"object_type": "idea", "object_id": idea, "reason": ""}))
        )
        .status,
        422
    );
    assert_eq!(app.api("GET", "/api/v1/reports", Some(&employee), None).status, 403);
    let open = app.api("GET", "/api/v1/reports", Some(&expert), None).json();
    assert_eq!(open.as_array().unwrap().len(), 1);

    let decision = json!({"object_type": "idea", "object_id": idea, "hidden": true, "reason": "Ei asiallinen"});
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/reports/decisions",
            Some(&employee),
            Some(decision.clone())
        )
        .status,
        403,
        "the author cannot moderate"
    );
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/reports/decisions",
            Some(&trustee),
            Some(decision.clone())
        )
        .status,
        403
    );
    assert_eq!(
        app.api("POST", "/api/v1/reports/decisions", Some(&expert), Some(decision))
            .status,
        204
    );

    // Gone from lists and search for everyone; the author and moderators still open it.
    for token in [&trustee, &employee, &expert] {
        let list = app.api("GET", "/api/v1/ideas", Some(token), None).json();
        assert_eq!(list["items"].as_array().unwrap().len(), 0);
        assert_eq!(
            app.api("GET", "/api/v1/ideas?q=sopimatonta", Some(token), None).json()["items"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
    }
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{idea}"), Some(&trustee), None)
            .status,
        404
    );
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/ideas/{idea}/comments"),
            Some(&trustee),
            Some(json!({"body": "x"}))
        )
        .status,
        404,
        "commenting on a hidden idea"
    );
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{idea}"), Some(&employee), None)
            .json()["hidden"],
        true
    );
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{idea}"), Some(&admin), None)
            .status,
        200
    );
    let mail = app.wait_for_mail_saying(EMPLOYEE, "Ei asiallinen");
    assert!(mail.body.contains("Ei asiallinen"), "{}", mail.body);
    assert_eq!(
        app.api("GET", "/api/v1/reports", Some(&expert), None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        0,
        "resolved"
    );

    let restore = json!({"object_type": "idea", "object_id": idea, "hidden": false, "reason": "Korjattu"});
    assert_eq!(
        app.api("POST", "/api/v1/reports/decisions", Some(&admin), Some(restore))
            .status,
        204
    );
    assert_eq!(
        app.api("GET", "/api/v1/ideas?q=sopimatonta", Some(&trustee), None)
            .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A hidden comment leaves the thread and the count.
    let hide_comment = json!({"object_type": "comment", "object_id": comment, "hidden": true, "reason": "Loukkaava"});
    assert_eq!(
        app.api("POST", "/api/v1/reports/decisions", Some(&expert), Some(hide_comment))
            .status,
        204
    );
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{idea}/comments"), Some(&employee), None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{idea}"), Some(&employee), None)
            .json()["comment_count"],
        0
    );
    assert_eq!(
        app.api("GET", "/api/v1/ideas?q=loukkaava", Some(&employee), None)
            .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert!(app.wait_for_mail(TRUSTEE).body.contains("Loukkaava"));
}
