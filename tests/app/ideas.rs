use crate::helpers::*;
use serde_json::{Value, json};

/// The id of a demo unit by name.
fn submit(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.api("POST", "/api/v1/ideas", Some(token), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn idea_body(title: &str, unit_id: i64) -> Value {
    json!({
        "title": title,
        "problem": "Asiakkaat odottavat kotihoidon käyntejä epätietoisina.",
        "proposal": "Tekstiviesti kertoo, milloin hoitaja on tulossa.",
        "unit_ids": [unit_id],
        "tags": ["#kokeilevakunta", "Arki"],
    })
}

#[test]
fn anyone_submits_and_staff_see_everything_customers_only_their_own() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let customer = app.token(CUSTOMER);
    let trustee = app.token(TRUSTEE);
    let kotihoito = unit_named(&app, "Kotihoito Ii");

    let staff_idea = submit(&app, &employee, idea_body("Tekstiviesti ennen kotikäyntiä", kotihoito));
    assert_eq!(staff_idea["status"], "new");
    assert_eq!(staff_idea["tags"], json!(["arki", "kokeilevakunta"]));
    assert_eq!(staff_idea["following"], true, "the author follows their idea");
    assert_eq!(staff_idea["can"]["edit"], true);
    let customer_idea = submit(&app, &customer, idea_body("Asiakkaan oma idea kotihoitoon", kotihoito));
    submit(&app, &trustee, idea_body("Luottamushenkilön idea", kotihoito));

    let staff_id = staff_idea["id"].as_i64().unwrap();
    let customer_id = customer_idea["id"].as_i64().unwrap();
    // Staff see the customer's idea with the name; the customer does not see the staff idea at all.
    let seen = app
        .api("GET", &format!("/api/v1/ideas/{customer_id}"), Some(&employee), None)
        .json();
    assert_eq!(seen["author_name"], "Liisa Asiakas");
    assert_eq!(seen["author_kind"], "customer");
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{staff_id}"), Some(&customer), None)
            .status,
        404
    );
    assert_eq!(app.api("GET", "/api/v1/ideas/99999", Some(&customer), None).status, 404);
    let customer_list = app.api("GET", "/api/v1/ideas", Some(&customer), None).json();
    let ids: Vec<i64> = customer_list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![customer_id]);
    let search = app
        .api("GET", "/api/v1/ideas?q=tekstiviesti", Some(&customer), None)
        .json();
    assert!(
        search["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] == customer_id),
        "{search}"
    );
    assert_eq!(
        app.api("GET", "/api/v1/ideas", Some(&trustee), None).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // A customer cannot comment or support what they cannot see.
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/ideas/{staff_id}/supports"),
            Some(&customer),
            None
        )
        .status,
        404
    );
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/ideas/{staff_id}/comments"),
            Some(&customer),
            Some(json!({"body": "hei"}))
        )
        .status,
        404
    );
    assert_eq!(app.api("GET", "/api/v1/ideas", None, None).status, 401);
}

#[test]
fn bad_ideas_name_their_fields_and_scripts_stay_text() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let kotihoito = unit_named(&app, "Kotihoito");
    let res = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&employee),
        Some(json!({"title": "Lyhy", "problem": "", "proposal": "x".repeat(10_001), "unit_ids": [], "direction_ids": [777], "tags": ["<b>"], "persona_id": 5, "stage_id": 6, "campaign_id": 7})),
    );
    assert_eq!(res.status, 422);
    let mut fields = res.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "campaign_id",
            "direction_ids",
            "persona_id",
            "problem",
            "proposal",
            "stage_id",
            "tags",
            "title",
            "unit_ids"
        ]
    );
    assert_eq!(
        app.api("GET", "/api/v1/ideas", Some(&employee), None).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let idea = submit(
        &app,
        &employee,
        json!({"title": "<script>alert(1)</script> parempi arki", "problem": "p", "proposal": "q", "unit_ids": [kotihoito]}),
    );
    assert_eq!(
        idea["title"], "<script>alert(1)</script> parempi arki",
        "stored as typed, escaped when shown"
    );
}

#[test]
fn supports_follow_and_comments() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let trustee = app.token(TRUSTEE);
    let kotihoito = unit_named(&app, "Kotihoito Ii");
    let id = submit(&app, &employee, idea_body("Yhteinen kalenteri omaisille", kotihoito))["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/ideas/{id}");

    for _ in 0..2 {
        let res = app.api("POST", &format!("{path}/supports"), Some(&trustee), None);
        assert_eq!(res.json()["support_count"], 1, "supporting twice changes nothing");
    }
    assert_eq!(
        app.api("POST", &format!("{path}/supports"), Some(&expert), None).json()["support_count"],
        2
    );
    assert_eq!(
        app.api("DELETE", &format!("{path}/supports"), Some(&trustee), None)
            .json()["support_count"],
        1
    );
    assert_eq!(app.api("GET", &path, Some(&expert), None).json()["supported"], true);

    assert_eq!(
        app.api("POST", &format!("{path}/follow"), Some(&trustee), None).status,
        204
    );
    assert_eq!(app.api("GET", &path, Some(&trustee), None).json()["following"], true);
    assert_eq!(
        app.api("DELETE", &format!("{path}/follow"), Some(&trustee), None)
            .status,
        204
    );
    assert_eq!(app.api("GET", &path, Some(&trustee), None).json()["following"], false);

    let top = app.api(
        "POST",
        &format!("{path}/comments"),
        Some(&expert),
        Some(json!({"body": "Hyvä idea, kokeillaan!"})),
    );
    assert_eq!(top.status, 201);
    let top = top.json()["id"].as_i64().unwrap();
    let reply = app.api(
        "POST",
        &format!("{path}/comments"),
        Some(&employee),
        Some(json!({"body": "Kiitos!", "parent_id": top})),
    );
    assert_eq!(reply.status, 201);
    let reply = reply.json()["id"].as_i64().unwrap();
    let deep = app.api(
        "POST",
        &format!("{path}/comments"),
        Some(&trustee),
        Some(json!({"body": "Syvä", "parent_id": reply})),
    );
    assert_eq!(deep.status, 422, "one level of replies");
    assert_eq!(deep.error_fields(), vec!["parent_id"]);
    assert_eq!(
        app.api(
            "POST",
            &format!("{path}/comments"),
            Some(&trustee),
            Some(json!({"body": "  "}))
        )
        .status,
        422
    );

    let edit = app.api(
        "PATCH",
        &format!("{path}/comments/{top}"),
        Some(&employee),
        Some(json!({"body": "Toisen kommentti"})),
    );
    assert_eq!(edit.status, 403, "only the author edits");
    let edit = app.api(
        "PATCH",
        &format!("{path}/comments/{top}"),
        Some(&expert),
        Some(json!({"body": "Hyvä idea – kokeillaan!"})),
    );
    assert_eq!(edit.status, 204);
    assert_eq!(
        app.api("DELETE", &format!("{path}/comments/{reply}"), Some(&trustee), None)
            .status,
        403
    );
    assert_eq!(
        app.api("DELETE", &format!("{path}/comments/{reply}"), Some(&employee), None)
            .status,
        204
    );

    let thread = app.api("GET", &format!("{path}/comments"), Some(&trustee), None).json();
    assert_eq!(thread[0]["body"], "Hyvä idea – kokeillaan!");
    assert!(thread[0]["edited_at"].is_string());
    assert_eq!(thread[0]["replies"][0]["deleted"], true);
    assert_eq!(thread[0]["replies"][0]["body"], "");
    assert_eq!(app.api("GET", &path, Some(&trustee), None).json()["comment_count"], 1);

    // The edit window closes after 15 minutes.
    {
        use diesel::prelude::*;
        use kehittamo::db::schema::comments;
        let mut conn = app.ctx.db.write().unwrap();
        diesel::update(comments::table.find(top))
            .set(comments::created_at.eq(kehittamo::clock::now() - chrono::Duration::minutes(16)))
            .execute(&mut *conn)
            .unwrap();
    }
    let late = app.api(
        "PATCH",
        &format!("{path}/comments/{top}"),
        Some(&expert),
        Some(json!({"body": "Liian myöhään"})),
    );
    assert_eq!(late.status, 409);
    assert_eq!(late.json()["code"], "edit_window_closed");
}

#[test]
fn lifecycle_moves_permissions_and_illegal_moves() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let manager = app.token(MANAGER);
    let unit_manager = app.token(UNIT_MANAGER);
    let kotihoito_ii = unit_named(&app, "Kotihoito Ii");
    let lastensuojelu = unit_named(&app, "Lastensuojelu");
    let id = submit(&app, &employee, idea_body("Kotihoidon idea", kotihoito_ii))["id"]
        .as_i64()
        .unwrap();
    let other = submit(&app, &employee, idea_body("Lastensuojelun idea", lastensuojelu))["id"]
        .as_i64()
        .unwrap();
    let status = |token: &str, idea: i64, body: Value| {
        app.api("POST", &format!("/api/v1/ideas/{idea}/status"), Some(token), Some(body))
    };

    // Who may move: key expert of the unit's ancestor, managers; not the author, not other units' key experts.
    assert_eq!(status(&employee, id, json!({"status": "in_discussion"})).status, 403);
    assert_eq!(
        status(&expert, other, json!({"status": "in_discussion"})).status,
        403,
        "key expert of another unit"
    );
    assert_eq!(
        status(&unit_manager, other, json!({"status": "in_discussion"})).status,
        403,
        "manager of another sector"
    );
    assert_eq!(
        status(&manager, other, json!({"status": "in_discussion"})).status,
        200,
        "organisation-wide manager"
    );

    let view = app
        .api("GET", &format!("/api/v1/ideas/{id}"), Some(&expert), None)
        .json();
    assert_eq!(view["next_statuses"], json!(["in_discussion", "not_pursued", "merged"]));
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{id}"), Some(&employee), None)
            .json()["next_statuses"],
        json!([])
    );

    let illegal = status(&expert, id, json!({"status": "implemented"}));
    assert_eq!(illegal.status, 409);
    assert_eq!(illegal.json()["code"], "illegal_transition");
    assert!(
        illegal.json()["detail"].as_str().unwrap().contains("Keskustelussa"),
        "{}",
        illegal.body
    );

    assert_eq!(status(&expert, id, json!({"status": "in_discussion"})).status, 200);
    let edit = app.api(
        "PATCH",
        &format!("/api/v1/ideas/{id}"),
        Some(&employee),
        Some(idea_body("Muokattu otsikko", kotihoito_ii)),
    );
    assert_eq!(edit.status, 409, "the author edits only while new");
    let no_reason = status(&expert, id, json!({"status": "not_pursued"}));
    assert_eq!(no_reason.status, 422);
    assert_eq!(no_reason.error_fields(), vec!["reason"]);
    assert_eq!(
        status(&unit_manager, id, json!({"status": "selected_for_experiment"})).status,
        200
    );
    assert_eq!(status(&expert, id, json!({"status": "in_experiment"})).status, 200);
    assert_eq!(status(&expert, id, json!({"status": "implemented"})).status, 200);
    let done = status(&expert, id, json!({"status": "in_discussion"}));
    assert_eq!(done.status, 409);
    assert!(done.json()["detail"].as_str().unwrap().contains("ei mitään"));

    let log = app
        .api(
            "GET",
            &format!("/api/v1/events?object_type=idea&object_id={id}"),
            Some(&app.token(ADMIN)),
            None,
        )
        .json();
    let moves: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["verb"] == "status_changed")
        .map(|e| e["details"]["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        moves,
        vec![
            "implemented",
            "in_experiment",
            "selected_for_experiment",
            "in_discussion"
        ]
    );
}

#[test]
fn merging_moves_supports_and_followers() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let trustee = app.token(TRUSTEE);
    let customer = app.token(CUSTOMER);
    let kotihoito = unit_named(&app, "Kotihoito");
    let keep = submit(&app, &employee, idea_body("Säilyvä idea", kotihoito))["id"]
        .as_i64()
        .unwrap();
    let dup = submit(&app, &customer, idea_body("Päällekkäinen idea", kotihoito))["id"]
        .as_i64()
        .unwrap();
    for t in [&trustee, &expert] {
        app.api("POST", &format!("/api/v1/ideas/{dup}/supports"), Some(t), None);
    }
    app.api("POST", &format!("/api/v1/ideas/{keep}/supports"), Some(&expert), None);
    app.api("POST", &format!("/api/v1/ideas/{dup}/follow"), Some(&trustee), None);

    let bad = app.api(
        "POST",
        &format!("/api/v1/ideas/{dup}/status"),
        Some(&expert),
        Some(json!({"status": "merged"})),
    );
    assert_eq!(bad.error_fields(), vec!["merged_into_id"]);
    let itself = app.api(
        "POST",
        &format!("/api/v1/ideas/{dup}/status"),
        Some(&expert),
        Some(json!({"status": "merged", "merged_into_id": dup})),
    );
    assert_eq!(itself.status, 422);
    let merged = app.api(
        "POST",
        &format!("/api/v1/ideas/{dup}/status"),
        Some(&expert),
        Some(json!({"status": "merged", "merged_into_id": keep})),
    );
    assert_eq!(merged.status, 200, "{}", merged.body);
    assert_eq!(merged.json()["merged_into_id"], keep);

    let kept = app
        .api("GET", &format!("/api/v1/ideas/{keep}"), Some(&trustee), None)
        .json();
    assert_eq!(
        kept["support_count"], 2,
        "trustee's support moved, the key expert's counted once"
    );
    assert_eq!(kept["supported"], true);
    assert_eq!(kept["following"], true);
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{dup}"), Some(&trustee), None)
            .json()["support_count"],
        0
    );
    // The customer followed their own idea; now they follow the one it merged into, though they cannot see it.
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{keep}"), Some(&customer), None)
            .status,
        404
    );
}

#[test]
fn lists_filter_sort_and_page_by_keyset() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let kotihoito_ii = unit_named(&app, "Kotihoito Ii");
    let lastensuojelu = unit_named(&app, "Lastensuojelu");
    let elderly = unit_named(&app, "Ikäihmisten palvelut");
    let mut ids = Vec::new();
    for i in 0..5 {
        let u = if i % 2 == 0 { kotihoito_ii } else { lastensuojelu };
        let mut body = idea_body(&format!("Idea numero {i}"), u);
        body["tags"] = json!([format!("tag{}", i % 2)]);
        ids.push(submit(&app, &employee, body)["id"].as_i64().unwrap());
    }
    app.api(
        "POST",
        &format!("/api/v1/ideas/{}/supports", ids[1]),
        Some(&expert),
        None,
    );
    app.api(
        "POST",
        &format!("/api/v1/ideas/{}/comments", ids[3]),
        Some(&expert),
        Some(json!({"body": "kommentti"})),
    );

    let list = |query: &str| -> Vec<i64> {
        let res = app.api("GET", &format!("/api/v1/ideas?{query}"), Some(&employee), None);
        assert_eq!(res.status, 200, "{query}: {}", res.body);
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(list(""), vec![ids[4], ids[3], ids[2], ids[1], ids[0]]);
    assert_eq!(
        list(&format!("unit={elderly}")),
        vec![ids[4], ids[2], ids[0]],
        "sub-units included"
    );
    assert_eq!(list("tag=%23tag1"), vec![ids[3], ids[1]]);
    assert_eq!(list("sort=most_supported")[0], ids[1]);
    assert_eq!(list("sort=most_discussed")[0], ids[3]);
    assert_eq!(list("sort=recently_active")[0], ids[3]);
    assert_eq!(list("author_kind=customer"), Vec::<i64>::new());
    assert_eq!(list("status=new").len(), 5);
    assert_eq!(
        app.api("GET", "/api/v1/ideas?status=bogus", Some(&employee), None)
            .status,
        400
    );
    assert_eq!(
        app.api("GET", "/api/v1/ideas?author_kind=robot", Some(&employee), None)
            .status,
        422
    );

    for sort in ["newest", "most_supported", "most_discussed", "recently_active"] {
        let seen = all_pages(&app, &employee, &format!("sort={sort}&limit=2"));
        let mut sorted = seen.clone();
        sorted.sort();
        let mut all = ids.clone();
        all.sort();
        assert_eq!(sorted, all, "{sort}: every idea exactly once");
    }
}

#[test]
fn search_finds_title_text_and_comments_with_finnish_inflection() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let kotihoito = unit_named(&app, "Kotihoito");
    let a = submit(
        &app,
        &employee,
        json!({"title": "Kotihoito iltaisin", "problem": "Iltakäynnit venyvät.", "proposal": "Porrastetaan.", "unit_ids": [kotihoito]}),
    )["id"]
        .as_i64()
        .unwrap();
    let b = submit(
        &app,
        &employee,
        json!({"title": "Ruokailun ajankohta", "problem": "Lounas tulee liian aikaisin.", "proposal": "Siirretään.", "unit_ids": [kotihoito]}),
    )["id"]
        .as_i64()
        .unwrap();
    app.api(
        "POST",
        &format!("/api/v1/ideas/{b}/comments"),
        Some(&employee),
        Some(json!({"body": "Omaishoitajat toivovat tätä"})),
    );
    let search = |q: &str| -> Vec<i64> {
        app.api(
            "GET",
            &format!("/api/v1/ideas?q={}", urlencode(q)),
            Some(&employee),
            None,
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(search("kotihoidon"), vec![a], "inflected form finds the base form");
    assert_eq!(search("lounas"), vec![b]);
    assert_eq!(search("omaishoitajat"), vec![b], "comments are searched");
    assert_eq!(search("kotihoito lounas"), Vec::<i64>::new(), "every word must match");
    assert_eq!(search("\"; DROP TABLE ideas; --"), Vec::<i64>::new());
    assert_eq!(search("kotihoito").len(), 1);
}

#[test]
fn directions_are_recorded_by_managers() {
    let app = TestApp::with_demo();
    let manager = app.token(UNIT_MANAGER);
    let employee = app.token(EMPLOYEE);
    let municipality = app.api("GET", "/api/v1/municipalities", Some(&manager), None).json()[0]["id"]
        .as_i64()
        .unwrap();
    let body = json!({"name": "Kotona asumisen tukeminen", "description": "Sovittu kunnan kanssa", "year": 2026, "municipality_id": municipality});
    assert_eq!(
        app.api("POST", "/api/v1/directions", Some(&employee), Some(body.clone()))
            .status,
        403
    );
    let created = app.api("POST", "/api/v1/directions", Some(&manager), Some(body));
    assert_eq!(created.status, 201, "{}", created.body);
    let direction = created.json()["id"].as_i64().unwrap();
    let bad = app.api(
        "POST",
        "/api/v1/directions",
        Some(&manager),
        Some(json!({"name": "", "year": 1900, "municipality_id": 999})),
    );
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["municipality_id", "name", "year"]);
    assert_eq!(
        app.api("GET", "/api/v1/directions?year=2026", Some(&employee), None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let kotihoito = unit_named(&app, "Kotihoito");
    let mut idea = idea_body("Suuntaan liittyvä idea", kotihoito);
    idea["direction_ids"] = json!([direction]);
    let id = submit(&app, &employee, idea)["id"].as_i64().unwrap();
    submit(&app, &employee, idea_body("Muu idea", kotihoito));
    let listed = app
        .api(
            "GET",
            &format!("/api/v1/ideas?direction={direction}"),
            Some(&employee),
            None,
        )
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], id);
    let by_municipality = app
        .api(
            "GET",
            &format!("/api/v1/ideas?municipality={municipality}"),
            Some(&employee),
            None,
        )
        .json();
    assert_eq!(
        by_municipality["items"].as_array().unwrap().len(),
        2,
        "Kotihoito serves every member municipality"
    );
}

/// Each kind of person × each action on an idea in Kotihoito Ii written by an employee.
#[test]
fn permission_matrix_of_idea_actions() {
    let app = TestApp::with_demo();
    let author = app.token(EMPLOYEE);
    let kotihoito_ii = unit_named(&app, "Kotihoito Ii");
    // Expected: (who, sees, supports and comments, moves status, edits, moderates)
    let matrix: [(&str, bool, bool, bool, bool, bool); 7] = [
        (CUSTOMER, false, false, false, false, false),
        (EMPLOYEE, true, true, false, true, false),
        (TRUSTEE, true, true, false, false, false),
        (KEY_EXPERT, true, true, true, false, true),
        (UNIT_MANAGER, true, true, true, false, true),
        (MANAGER, true, true, true, false, true),
        (ADMIN, true, true, false, false, true),
    ];
    for (who, sees, engages, moves, edits, moderates) in matrix {
        let id = submit(&app, &author, idea_body("Matriisin idea", kotihoito_ii))["id"]
            .as_i64()
            .unwrap();
        let token = app.token(who);
        let status = |res: crate::helpers::Resp| res.status;
        let get = status(app.api("GET", &format!("/api/v1/ideas/{id}"), Some(&token), None));
        assert_eq!(get == 200, sees, "{who} sees: {get}");
        let support = status(app.api("POST", &format!("/api/v1/ideas/{id}/supports"), Some(&token), None));
        assert_eq!(support == 200, engages, "{who} supports: {support}");
        let comment = status(app.api(
            "POST",
            &format!("/api/v1/ideas/{id}/comments"),
            Some(&token),
            Some(json!({"body": "Kommentti"})),
        ));
        assert_eq!(comment == 201, engages, "{who} comments: {comment}");
        let edit = status(app.api(
            "PATCH",
            &format!("/api/v1/ideas/{id}"),
            Some(&token),
            Some(idea_body("Muokattu idea", kotihoito_ii)),
        ));
        assert_eq!(edit == 200, edits, "{who} edits: {edit}");
        let hide = json!({"object_type": "idea", "object_id": id, "hidden": true, "reason": "Testi"});
        let moderate = status(app.api("POST", "/api/v1/reports/decisions", Some(&token), Some(hide)));
        assert_eq!(moderate == 204, moderates, "{who} moderates: {moderate}");
        if moderates {
            let restore = json!({"object_type": "idea", "object_id": id, "hidden": false, "reason": "Testi"});
            assert_eq!(
                app.api("POST", "/api/v1/reports/decisions", Some(&token), Some(restore))
                    .status,
                204
            );
        }
        let move_to = status(app.api(
            "POST",
            &format!("/api/v1/ideas/{id}/status"),
            Some(&token),
            Some(json!({"status": "in_discussion"})),
        ));
        assert_eq!(move_to == 200, moves, "{who} moves: {move_to}");
        let publish = status(app.api("POST", &format!("/api/v1/ideas/{id}/publication"), Some(&token), None));
        assert_eq!(publish == 204, moves, "{who} publishes: {publish}");
        if !sees {
            for code in [get, support, comment, edit, move_to, publish] {
                assert_eq!(code, 404, "{who}: an idea one cannot see is 404 everywhere");
            }
        }
    }
}

/// Every id of a filtered list, following the cursor.
fn all_pages(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let page = app
            .api(
                "GET",
                &format!("/api/v1/ideas?{query}&after={after}"),
                Some(token),
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
        match page["next_after"].as_str() {
            Some(next) => after = next.to_string(),
            None => return out,
        }
    }
}

#[test]
fn the_unit_filter_gives_the_same_ideas_for_large_and_small_units() {
    let app = TestApp::with_demo();
    kehittamo::demo_ideas::scale(&app.ctx, 7_500, false).unwrap();
    let token = app.token(EMPLOYEE);
    let tree = app.api("GET", "/api/v1/units", Some(&token), None).json();
    let sector = &tree[0];
    let subtree = with_descendants(sector);
    // The sector has thousands of ideas (tested idea by idea), each unit a few hundred (collected).
    let whole = all_pages(&app, &token, &format!("unit={}&limit=100", sector["id"]));
    assert!(whole.len() >= 2_000, "{}", whole.len());
    assert!(whole.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats");
    let mut parts: Vec<i64> = subtree
        .iter()
        .flat_map(|u| all_pages(&app, &token, &format!("unit={u}&limit=100")))
        .collect();
    parts.sort_unstable_by(|a, b| b.cmp(a));
    parts.dedup();
    assert_eq!(whole, parts);
}

#[test]
fn a_published_idea_is_seen_by_customers_until_withdrawn() {
    let app = TestApp::with_demo();
    let author = app.token(EMPLOYEE);
    let expert = app.token(KEY_EXPERT);
    let customer = app.token(CUSTOMER);
    let id = submit(
        &app,
        &author,
        idea_body("Julkaistava idea", unit_named(&app, "Kotihoito Ii")),
    )["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/ideas/{id}");
    let publication = format!("/api/v1/ideas/{id}/publication");
    assert_eq!(app.api("GET", &path, Some(&customer), None).status, 404);
    assert_eq!(
        app.api("POST", &publication, Some(&author), None).status,
        403,
        "authors do not publish"
    );
    assert_eq!(app.api("POST", &publication, Some(&expert), None).status, 204);
    assert_eq!(
        app.api("POST", &publication, Some(&expert), None).status,
        204,
        "idempotent"
    );
    assert_eq!(app.api("GET", &path, Some(&customer), None).status, 200);
    let listed = app
        .api("GET", "/api/v1/ideas?q=julkaistava", Some(&customer), None)
        .json();
    assert_eq!(listed["items"][0]["id"], id);
    // The web page offers the action to the key expert only.
    let mut web_expert = app.signed_in(KEY_EXPERT);
    let page = web_expert.get(&format!("/ideas/{id}"));
    assert!(page.body.contains(&format!("action=\"/ideas/{id}/unpublish\"")));
    assert!(
        !app.signed_in(EMPLOYEE)
            .get(&format!("/ideas/{id}"))
            .body
            .contains("/unpublish")
    );
    let withdrawn = web_expert.post_form(&format!("/ideas/{id}/unpublish"), &[]);
    assert_eq!(withdrawn.status, 303);
    assert_eq!(app.api("GET", &path, Some(&customer), None).status, 404);
    assert_eq!(app.api("DELETE", &publication, Some(&customer), None).status, 404);
    let admin = app.token(ADMIN);
    let events = app
        .api(
            "GET",
            &format!("/api/v1/events?object_type=idea&object_id={id}"),
            Some(&admin),
            None,
        )
        .json();
    let verbs: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["verb"].as_str())
        .collect();
    assert_eq!(verbs.iter().filter(|v| **v == "published").count(), 1, "{verbs:?}");
    assert_eq!(verbs.iter().filter(|v| **v == "unpublished").count(), 1, "{verbs:?}");
}
