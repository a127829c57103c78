use crate::helpers::*;
use serde_json::json;

/// Every administrators' endpoint, for every kind of caller.
#[test]
fn permission_matrix_of_the_administrators_endpoints() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let target = app.person_id(&admin, EMPLOYEE);
    let units = app.api("GET", "/api/v1/units", Some(&admin), None).json();
    let unit = units[0]["id"].as_i64().unwrap();
    let municipality = app.api("GET", "/api/v1/municipalities", Some(&admin), None).json()[0]["id"]
        .as_i64()
        .unwrap();

    let callers: Vec<(&str, Option<String>)> = vec![
        ("anonymous", None),
        ("customer", Some(app.token(CUSTOMER))),
        ("employee", Some(app.token(EMPLOYEE))),
        ("trustee", Some(app.token(TRUSTEE))),
        ("key expert", Some(app.token(KEY_EXPERT))),
        ("unit manager", Some(app.token(UNIT_MANAGER))),
        ("manager", Some(app.token(MANAGER))),
    ];
    let mut n = 0;
    let endpoints = |n: &mut i32| -> Vec<(&'static str, String, Option<serde_json::Value>)> {
        *n += 1;
        vec![
            ("GET", "/api/v1/people".into(), None),
            (
                "POST",
                "/api/v1/people".into(),
                Some(json!({"email": format!("p{n}@demo.kehittamo.fi"), "name": "P", "kind": "customer"})),
            ),
            (
                "PATCH",
                format!("/api/v1/people/{target}"),
                Some(json!({"name": "Muutettu"})),
            ),
            (
                "POST",
                format!("/api/v1/people/{target}/roles"),
                Some(json!({"role": "admin"})),
            ),
            ("DELETE", format!("/api/v1/people/{target}/roles/1"), None),
            (
                "POST",
                "/api/v1/units".into(),
                Some(json!({"name": format!("Yksikkö {n}"), "kind": "unit"})),
            ),
            (
                "PATCH",
                format!("/api/v1/units/{unit}"),
                Some(json!({"required_approvals": 2})),
            ),
            (
                "POST",
                "/api/v1/municipalities".into(),
                Some(json!({"name": format!("Kunta {n}")})),
            ),
            (
                "PATCH",
                format!("/api/v1/municipalities/{municipality}"),
                Some(json!({"active": true})),
            ),
            ("GET", "/api/v1/events".into(), None),
        ]
    };
    for (who, token) in &callers {
        for (method, path, body) in endpoints(&mut n) {
            let res = app.api(method, &path, token.as_deref(), body);
            let expected = if token.is_none() { 401 } else { 403 };
            assert_eq!(res.status, expected, "{who}: {method} {path}: {}", res.body);
        }
    }
    // Nothing was changed by the refused calls.
    let person = app
        .api("GET", &format!("/api/v1/people/{target}"), Some(&admin), None)
        .json();
    assert_eq!(person["name"], "Pekka Työntekijä");
    assert!(person["roles"].as_array().unwrap().is_empty());

    // Reading the organisation is for everyone signed in.
    for (who, token) in &callers {
        for path in ["/api/v1/units", "/api/v1/municipalities", "/api/v1/me"] {
            let expected = if token.is_none() { 401 } else { 200 };
            assert_eq!(
                app.api("GET", path, token.as_deref(), None).status,
                expected,
                "{who}: {path}"
            );
        }
    }
    // A person may read themselves but not others.
    let employee = app.token(EMPLOYEE);
    assert_eq!(
        app.api("GET", &format!("/api/v1/people/{target}"), Some(&employee), None)
            .status,
        200
    );
    let admin_id = app.person_id(&admin, ADMIN);
    assert_eq!(
        app.api("GET", &format!("/api/v1/people/{admin_id}"), Some(&employee), None)
            .status,
        403
    );
    // The administrator may do all of it (last: granting a role revokes the target's tokens).
    for (method, path, body) in endpoints(&mut n) {
        if method == "DELETE" {
            continue;
        }
        let res = app.api(method, &path, Some(&admin), body);
        assert!(res.status < 300, "admin: {method} {path}: {} {}", res.status, res.body);
    }
}

#[test]
fn admin_pages_are_for_administrators_only() {
    let app = TestApp::with_demo();
    let mut anonymous = app.browser();
    let res = anonymous.get("/admin/people");
    assert_eq!(res.status, 303);
    assert_eq!(res.header("location"), Some("/login?next=/admin/people"));
    for who in [EMPLOYEE, MANAGER, KEY_EXPERT, CUSTOMER, TRUSTEE] {
        let mut b = app.signed_in(who);
        for path in [
            "/admin",
            "/admin/people",
            "/admin/units",
            "/admin/municipalities",
            "/admin/events",
        ] {
            assert_eq!(b.get(path).status, 403, "{who} {path}");
        }
        let res = b.post_form("/admin/municipalities", &[("name", "Salakunta")]);
        assert_eq!(res.status, 403, "{who}");
    }
    let mut admin = app.signed_in(ADMIN);
    for path in [
        "/admin",
        "/admin/people",
        "/admin/units",
        "/admin/municipalities",
        "/admin/events",
    ] {
        let res = admin.get(path);
        assert_eq!(res.status, 200, "{path}: {}", res.body);
    }
    let token = app.token(ADMIN);
    let list = app.api("GET", "/api/v1/municipalities", Some(&token), None).json();
    assert!(!list.as_array().unwrap().iter().any(|m| m["name"] == "Salakunta"));
}

#[test]
fn unit_tree_is_managed_and_cycles_are_refused() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let create = |name: &str, parent: Option<i64>| {
        let res = app.api(
            "POST",
            "/api/v1/units",
            Some(&admin),
            Some(json!({"name": name, "kind": "unit", "parent_id": parent})),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()["id"].as_i64().unwrap()
    };
    let a = create("A-sektori", None);
    let b = create("B-yksikkö", Some(a));
    let c = create("C-tiimi", Some(b));

    let tree = app.api("GET", "/api/v1/units", Some(&admin), None).json();
    let a_node = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == a)
        .expect("A at the top");
    assert_eq!(a_node["children"][0]["id"], b);
    assert_eq!(a_node["children"][0]["children"][0]["id"], c);
    assert_eq!(a_node["children"][0]["children"][0]["depth"], 2);

    for (moved, parent) in [(a, c), (a, a), (b, c)] {
        let res = app.api(
            "PATCH",
            &format!("/api/v1/units/{moved}"),
            Some(&admin),
            Some(json!({"parent_id": parent})),
        );
        assert_eq!(res.status, 422, "{moved} under {parent}");
        assert_eq!(res.json()["errors"][0]["code"], "cycle");
        assert_eq!(res.error_fields(), vec!["parent_id"]);
    }
    let unknown = app.api(
        "PATCH",
        &format!("/api/v1/units/{c}"),
        Some(&admin),
        Some(json!({"parent_id": 999999})),
    );
    assert_eq!(unknown.status, 422);

    // Move C to the top level, rename B, and deactivation order is enforced.
    let moved = app.api(
        "PATCH",
        &format!("/api/v1/units/{c}"),
        Some(&admin),
        Some(json!({"parent_id": null, "name": "C-tiimi (siirretty)"})),
    );
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert!(moved.json()["parent_id"].is_null());
    let blocked = app.api(
        "PATCH",
        &format!("/api/v1/units/{a}"),
        Some(&admin),
        Some(json!({"active": false})),
    );
    assert_eq!(blocked.status, 409);
    assert_eq!(blocked.json()["code"], "unit_has_active_children");
    assert_eq!(
        app.api(
            "PATCH",
            &format!("/api/v1/units/{b}"),
            Some(&admin),
            Some(json!({"active": false}))
        )
        .status,
        200
    );
    assert_eq!(
        app.api(
            "PATCH",
            &format!("/api/v1/units/{a}"),
            Some(&admin),
            Some(json!({"active": false}))
        )
        .status,
        200
    );

    let events = app
        .api(
            "GET",
            &format!("/api/v1/events?object_type=unit&object_id={c}"),
            Some(&admin),
            None,
        )
        .json();
    let verbs: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["verb"].as_str().unwrap())
        .collect();
    assert_eq!(verbs, vec!["moved", "created"]);
    assert_eq!(events["items"][0]["actor_name"], "Aino Ylläpitäjä");
}

#[test]
fn bad_input_names_the_field_and_writes_nothing() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let count = || {
        app.api("GET", "/api/v1/people?limit=100", Some(&admin), None).json()["items"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = count();

    let res = app.api(
        "POST",
        "/api/v1/people",
        Some(&admin),
        Some(json!({"email": "not an email", "name": "", "kind": "robot", "password": "short", "unit_ids": [424242]})),
    );
    assert_eq!(res.status, 422);
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    let mut fields = res.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["email", "kind", "name", "password", "unit_ids"]);
    assert!(
        res.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["message"].as_str().unwrap().is_empty())
    );

    let taken = app.api(
        "POST",
        "/api/v1/people",
        Some(&admin),
        Some(json!({"email": EMPLOYEE.to_uppercase(), "name": "Kopio", "kind": "employee"})),
    );
    assert_eq!(taken.status, 422);
    assert_eq!(taken.json()["errors"][0]["code"], "taken");

    let unknown_field = app.api(
        "POST",
        "/api/v1/people",
        Some(&admin),
        Some(json!({"email": "x@demo.kehittamo.fi", "name": "X", "kind": "employee", "is_admin": true})),
    );
    assert_eq!(unknown_field.status, 400);
    assert!(unknown_field.json()["detail"].as_str().unwrap().contains("is_admin"));

    let malformed = app.request(
        "POST",
        "/api/v1/municipalities",
        &[
            ("Authorization".into(), format!("Bearer {admin}")),
            ("Content-Type".into(), "application/json".into()),
        ],
        Some("{\"name\": ".into()),
    );
    assert_eq!(malformed.status, 400);
    assert_eq!(
        app.api("GET", "/api/v1/people/not-a-number", Some(&admin), None).status,
        404
    );
    assert_eq!(app.api("GET", "/api/v1/people/987654", Some(&admin), None).status, 404);

    let role = app.api(
        "POST",
        &format!("/api/v1/people/{}/roles", app.person_id(&admin, CUSTOMER)),
        Some(&admin),
        Some(json!({"role": "key_expert"})),
    );
    assert_eq!(role.status, 422);
    let mut fields = role.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        vec!["role", "unit_id"],
        "customers hold no roles, key experts need a unit"
    );

    assert_eq!(count(), before, "nothing half-written");
}

#[test]
fn administrators_cannot_lock_themselves_out() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let me = app.api("GET", "/api/v1/me", Some(&admin), None).json();
    let id = me["id"].as_i64().unwrap();
    let role_id = me["roles"][0]["id"].as_i64().unwrap();
    let off = app.api(
        "PATCH",
        &format!("/api/v1/people/{id}"),
        Some(&admin),
        Some(json!({"active": false})),
    );
    assert_eq!(off.status, 409);
    let drop = app.api(
        "DELETE",
        &format!("/api/v1/people/{id}/roles/{role_id}"),
        Some(&admin),
        None,
    );
    assert_eq!(drop.status, 409);
    assert_eq!(drop.json()["code"], "cannot_remove_own_admin");
    assert_eq!(app.api("GET", "/api/v1/me", Some(&admin), None).status, 200);
}

#[test]
fn web_admin_manages_municipalities_units_and_people_with_forms() {
    let app = TestApp::with_demo();
    let mut b = app.signed_in(ADMIN);
    let bad = b.post_form("/admin/municipalities", &[("name", "Ii")]);
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Tämä on jo käytössä."));
    let ok = b.post_form("/admin/municipalities", &[("name", "Muhos")]);
    assert_eq!(ok.status, 303);
    assert!(b.get("/admin/municipalities").body.contains("Muhos"));

    let csrf = b.csrf();
    let unit = b.post_raw(
        "/admin/units",
        &[
            ("csrf_token", &csrf),
            ("name", "Kotikuntoutus"),
            ("kind", "team"),
            ("parent_id", ""),
            ("required_approvals", "2"),
            ("municipality_ids", "1"),
            ("municipality_ids", "2"),
        ],
        &[],
    );
    assert_eq!(unit.status, 303, "{}", unit.body);
    let page = b.get(unit.header("location").unwrap());
    assert!(page.body.contains("value=\"Kotikuntoutus\""));
    assert_eq!(
        page.body.matches(" checked").count(),
        3,
        "two municipalities and active"
    );

    let person = b.post_form(
        "/admin/people",
        &[
            ("name", "Ville Vastaanotto"),
            ("email", "ville@demo.kehittamo.fi"),
            ("kind", "employee"),
            ("locale", "fi"),
            ("password", ""),
        ],
    );
    assert_eq!(person.status, 303, "{}", person.body);
    let location = person.header("location").unwrap().to_string();
    assert!(app.wait_for_mail("ville@demo.kehittamo.fi").subject.contains("Kutsu"));
    let id: i64 = location
        .trim_start_matches("/admin/people/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let role = b.post_form(
        &format!("/admin/people/{id}/roles"),
        &[("role", "key_expert"), ("unit_id", "")],
    );
    assert_eq!(role.status, 422, "a key expert needs a unit");
    let role = b.post_form(
        &format!("/admin/people/{id}/roles"),
        &[("role", "manager"), ("unit_id", "")],
    );
    assert_eq!(role.status, 303);
    let page = b.get(&format!("/admin/people/{id}"));
    assert!(page.body.contains("koko organisaatio"));

    let audit = b.get("/admin/events?object_type=person");
    assert!(audit.body.contains("rooli annettu"));
    assert!(audit.body.contains("Aino Ylläpitäjä"));
    // Details read as words, each entry links to its object and its doer.
    assert!(audit.body.contains("<dt>Rooli</dt><dd>"), "details in words");
    assert!(!audit.body.contains("<code>{"), "no raw JSON");
    assert!(audit.body.contains(&format!("href=\"/admin/people/{id}\"")));
    // Filtering by a person's name, not a number.
    let by_name = b.get(&format!("/admin/events?actor={}", urlencode("ylläpitäjä")));
    assert_eq!(by_name.status, 200);
    assert!(by_name.body.contains("rooli annettu"));
    let nobody = b.get("/admin/events?actor=nobody-with-this-name");
    assert!(!nobody.body.contains("rooli annettu"));
}

#[test]
fn cross_site_and_tokenless_form_posts_are_refused() {
    let app = TestApp::with_demo();
    let mut b = app.signed_in(ADMIN);
    let token = b.csrf();
    let missing = b.post_raw("/admin/municipalities", &[("name", "Ilman tokenia")], &[]);
    assert_eq!(missing.status, 403);
    let wrong = b.post_raw(
        "/admin/municipalities",
        &[("csrf_token", "0".repeat(64).as_str()), ("name", "Väärä token")],
        &[],
    );
    assert_eq!(wrong.status, 403);
    let origin = b.post_raw(
        "/admin/municipalities",
        &[("csrf_token", &token), ("name", "Vieras origin")],
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(origin.status, 403);
    let fetch = b.post_raw(
        "/admin/municipalities",
        &[("csrf_token", &token), ("name", "Vieras sivusto")],
        &[("Sec-Fetch-Site", "cross-site")],
    );
    assert_eq!(fetch.status, 403);
    assert!(fetch.body.contains("Lomaketta ei voitu lähettää"));
    let same = b.post_raw(
        "/admin/municipalities",
        &[("csrf_token", &token), ("name", "Oma sivusto")],
        &[("Sec-Fetch-Site", "same-origin")],
    );
    assert_eq!(same.status, 303);
    let list = b.get("/admin/municipalities").body;
    assert!(list.contains("Oma sivusto"));
    for refused in ["Ilman tokenia", "Väärä token", "Vieras origin", "Vieras sivusto"] {
        assert!(!list.contains(refused), "{refused}");
    }
}

#[test]
fn people_list_pages_by_keyset_and_filters() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let first = app.api("GET", "/api/v1/people?limit=3", Some(&admin), None).json();
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let after = first["next_after"].as_i64().expect("a next page");
    let second = app
        .api(
            "GET",
            &format!("/api/v1/people?limit=3&after={after}"),
            Some(&admin),
            None,
        )
        .json();
    assert!(second["items"][0]["id"].as_i64().unwrap() > after);
    let customers = app
        .api("GET", "/api/v1/people?kind=customer", Some(&admin), None)
        .json();
    assert_eq!(customers["items"].as_array().unwrap().len(), 1);
    let search = app
        .api("GET", "/api/v1/people?q=AVAINOSAAJA", Some(&admin), None)
        .json();
    assert_eq!(search["items"][0]["email"], KEY_EXPERT);
    let huge = app.api("GET", "/api/v1/people?limit=100000", Some(&admin), None).json();
    assert!(huge["items"].as_array().unwrap().len() <= 100);
}
