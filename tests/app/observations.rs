use crate::helpers::*;
use serde_json::json;

#[test]
fn observations_become_ideas() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let customer = app.token(CUSTOMER);
    let trustee = app.token(TRUSTEE);
    let tree = app.api("GET", "/api/v1/units", Some(&employee), None).json();
    let kotihoito = tree[0]["children"][0]["id"].as_i64().unwrap();
    let ii = tree[0]["children"][0]["children"][0]["id"].as_i64().unwrap();
    let note = |token: &str, unit: i64, situation: &str| {
        app.api(
            "POST",
            "/api/v1/observations",
            Some(token),
            Some(json!({"situation": situation, "challenge": "Asiakas ei tiennyt käynnin aikaa", "resolution": "Soitettiin", "unit_id": unit})),
        )
    };
    assert_eq!(
        note(&customer, ii, "x").status,
        403,
        "customers do not write observations"
    );
    assert_eq!(note(&trustee, ii, "x").status, 403);
    let bad = app.api(
        "POST",
        "/api/v1/observations",
        Some(&employee),
        Some(json!({"situation": "", "challenge": "c", "unit_id": 9999, "observed_on": "2999-01-01"})),
    );
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["observed_on", "situation", "unit_id"]);
    let first = note(&employee, ii, "Aamukäynti viivästyi");
    assert_eq!(first.status, 201, "{}", first.body);
    let first = first.json()["id"].as_i64().unwrap();
    let second = note(&employee, ii, "Iltakäynti viivästyi").json()["id"]
        .as_i64()
        .unwrap();
    let others = note(&expert, kotihoito, "Avainosaajan havainto").json()["id"]
        .as_i64()
        .unwrap();

    assert_eq!(
        app.api("GET", "/api/v1/observations", Some(&customer), None).status,
        403
    );
    let mine = app
        .api("GET", "/api/v1/observations?mine=true", Some(&employee), None)
        .json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);

    // The employee cannot use the key expert's observation; the key expert could use theirs.
    let idea = json!({"title": "Käyntiajat tekstiviestillä", "problem": "p", "proposal": "q", "unit_ids": [ii], "observation_ids": [first, others]});
    let refused = app.api("POST", "/api/v1/ideas", Some(&employee), Some(idea));
    assert_eq!(refused.status, 422);
    assert_eq!(refused.json()["errors"][0]["code"], "not_allowed");
    let idea = json!({"title": "Käyntiajat tekstiviestillä", "problem": "p", "proposal": "q", "unit_ids": [ii], "observation_ids": [first, second]});
    let created = app.api("POST", "/api/v1/ideas", Some(&employee), Some(idea));
    assert_eq!(created.status, 201, "{}", created.body);
    let created = created.json();
    assert_eq!(created["observations"].as_array().unwrap().len(), 2);
    let id = created["id"].as_i64().unwrap();
    let again = app.api(
        "POST",
        &format!("/api/v1/ideas/{id}/observations"),
        Some(&employee),
        Some(json!({"observation_ids": [first]})),
    );
    assert_eq!(again.json()["errors"][0]["code"], "already_linked");
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/ideas/{id}/observations"),
            Some(&expert),
            Some(json!({"observation_ids": [others]}))
        )
        .status,
        204
    );
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{id}"), Some(&trustee), None)
            .json()["observations"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let unlinked = app
        .api("GET", "/api/v1/observations?unlinked=true", Some(&employee), None)
        .json();
    assert_eq!(unlinked["items"].as_array().unwrap().len(), 0);
}
