//! Customer panels over the API: who runs and who sees a panel, sharing and panel comments,
//! invitations, and trustees.

use crate::helpers::*;
use kehittamo::auth::tokens::Purpose;
use serde_json::{Value, json};

pub(crate) const PASSWORD: &str = "raadin-salasana-2026";

/// A new customer with a password; returns (id, token).
pub(crate) fn customer(app: &TestApp, email: &str) -> (i64, String) {
    let admin = app.token(ADMIN);
    let body =
        json!({"email": email, "name": email.split('@').next().unwrap(), "kind": "customer", "password": PASSWORD});
    let res = app.api("POST", "/api/v1/people", Some(&admin), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    (res.json()["id"].as_i64().unwrap(), app.token_for(email, PASSWORD))
}

/// An API token without signing in (argon2 for fifty people would dominate the test).
pub(crate) fn quick_token(app: &TestApp, person_id: i64) -> String {
    app.ctx.tokens.issue(Purpose::Api, person_id, 0).0
}

/// A panel of Ikäihmisten palvelut coordinated by the unit manager, created by the
/// organisation's manager; returns its id.
pub(crate) fn panel(app: &TestApp) -> i64 {
    let manager = app.token(MANAGER);
    let coordinator = app.person_id(&app.token(ADMIN), UNIT_MANAGER);
    let body = json!({
        "name": "Ikäihmisten asiakasraati",
        "description": "Asiakkaat ja omaiset",
        "unit_ids": [unit_named(app, "Ikäihmisten palvelut")],
        "coordinator_ids": [coordinator],
    });
    let res = app.api("POST", "/api/v1/panels", Some(&manager), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

pub(crate) fn add_member(app: &TestApp, panel_id: i64, email: &str) {
    let res = app.api(
        "POST",
        &format!("/api/v1/panels/{panel_id}/members"),
        Some(&app.token(UNIT_MANAGER)),
        Some(json!({"email": email})),
    );
    assert_eq!(res.status, 201, "{}", res.body);
}

#[test]
fn panels_are_run_by_coordinators_and_seen_by_members_and_staff_only() {
    let app = TestApp::with_demo();
    kehittamo::demo_ideas::fill(&app.ctx).unwrap();
    kehittamo::demo_experiments::fill(&app.ctx).unwrap();
    let (employee, customer_token, trustee) = (app.token(EMPLOYEE), app.token(CUSTOMER), app.token(TRUSTEE));

    // Only managers and administrators create panels, and bad input names its fields.
    let body = json!({"name": "Raati", "unit_ids": [unit_named(&app, "Kotihoito")]});
    for token in [&employee, &customer_token, &trustee] {
        assert_eq!(
            app.api("POST", "/api/v1/panels", Some(token), Some(body.clone()))
                .status,
            403
        );
    }
    let res = app.api(
        "POST",
        "/api/v1/panels",
        Some(&app.token(MANAGER)),
        Some(json!({"name": " ", "unit_ids": [], "coordinator_ids": [app.person_id(&app.token(ADMIN), CUSTOMER)]})),
    );
    assert_eq!(res.status, 422);
    assert_eq!(res.error_fields(), ["name", "unit_ids", "coordinator_ids"]);

    let panel_id = panel(&app);
    add_member(&app, panel_id, CUSTOMER);
    let (_, outsider) = customer(&app, "ulkopuolinen@example.fi");
    let path = format!("/api/v1/panels/{panel_id}");

    // Members and staff see the panel; a customer outside it gets 404 for everything.
    let seen = app.api("GET", &path, Some(&customer_token), None);
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.json()["my_role"], "member");
    assert_eq!(seen.json()["member_count"], 1);
    assert_eq!(seen.json()["can_manage"], false);
    assert_eq!(app.api("GET", &path, Some(&employee), None).status, 200);
    for sub in ["", "/shares", "/members"] {
        assert_eq!(
            app.api("GET", &format!("{path}{sub}"), Some(&outsider), None).status,
            404,
            "{sub}"
        );
    }
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/rounds?panel={panel_id}"),
            Some(&outsider),
            None
        )
        .status,
        404
    );
    let panels_of_outsider = app.api("GET", "/api/v1/panels", Some(&outsider), None).json();
    assert_eq!(panels_of_outsider.as_array().unwrap().len(), 0);
    // Members' addresses stay with those who run the panel.
    assert_eq!(
        app.api("GET", &format!("{path}/members"), Some(&customer_token), None)
            .status,
        403
    );
    assert_eq!(
        app.api("GET", &format!("{path}/members"), Some(&employee), None).status,
        403
    );
    let members = app.api("GET", &format!("{path}/members"), Some(&app.token(UNIT_MANAGER)), None);
    assert_eq!(members.status, 200);
    assert_eq!(members.json().as_array().unwrap().len(), 2);
    // Adding: only customers, once.
    for (email, field_error) in [
        (EMPLOYEE, "not_customer"),
        (CUSTOMER, "already_member"),
        ("ei@example.fi", "unknown_customer"),
    ] {
        let res = app.api(
            "POST",
            &format!("{path}/members"),
            Some(&app.token(UNIT_MANAGER)),
            Some(json!({"email": email})),
        );
        assert_eq!(res.status, 422, "{email}");
        assert!(res.body.contains(field_error), "{email}: {}", res.body);
    }

    // Sharing an unpublished idea makes it visible to the members, and to no other customer.
    let idea_id = employee_idea(&app, "Tekstiviesti ennen kotikäyntiä");
    let idea_path = format!("/api/v1/ideas/{idea_id}");
    assert_eq!(app.api("GET", &idea_path, Some(&customer_token), None).status, 404);
    let share = json!({"item_type": "idea", "item_id": idea_id, "question": "Mitä ajattelette tästä?"});
    assert_eq!(
        app.api("POST", &format!("{path}/shares"), Some(&employee), Some(share.clone()))
            .status,
        403
    );
    assert_eq!(
        app.api(
            "POST",
            &format!("{path}/shares"),
            Some(&customer_token),
            Some(share.clone())
        )
        .status,
        403
    );
    let res = app.api(
        "POST",
        &format!("{path}/shares"),
        Some(&app.token(UNIT_MANAGER)),
        Some(share.clone()),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let share_id = res.json()["id"].as_i64().unwrap();
    assert_eq!(res.json()["question"], "Mitä ajattelette tästä?");
    let again = app.api(
        "POST",
        &format!("{path}/shares"),
        Some(&app.token(UNIT_MANAGER)),
        Some(share),
    );
    assert_eq!(again.status, 409);
    let unknown = json!({"item_type": "idea", "item_id": 999_999});
    let res = app.api(
        "POST",
        &format!("{path}/shares"),
        Some(&app.token(UNIT_MANAGER)),
        Some(unknown),
    );
    assert_eq!(res.status, 422);
    assert_eq!(res.error_fields(), ["item_id"]);
    app.wait_for_mail_about(CUSTOMER, "Tekstiviesti ennen kotikäyntiä");
    assert_eq!(app.api("GET", &idea_path, Some(&customer_token), None).status, 200);
    assert_eq!(app.api("GET", &idea_path, Some(&outsider), None).status, 404);
    let shares = app
        .api("GET", &format!("{path}/shares"), Some(&customer_token), None)
        .json();
    assert_eq!(shares[0]["item_id"], idea_id);

    // Members write as the panel; staff read it on the item, marked with the panel.
    let comment_path = format!("/api/v1/shares/{share_id}/comments");
    let empty = app.api(
        "POST",
        &comment_path,
        Some(&customer_token),
        Some(json!({"body": "  "})),
    );
    assert_eq!(empty.status, 422);
    assert_eq!(empty.error_fields(), ["body"]);
    let body = json!({"body": "Hyvä ajatus, äidille olisi ollut avuksi."});
    assert_eq!(
        app.api("POST", &comment_path, Some(&outsider), Some(body.clone()))
            .status,
        404
    );
    assert_eq!(
        app.api("POST", &comment_path, Some(&employee), Some(body.clone()))
            .status,
        403
    );
    assert_eq!(
        app.api("POST", &comment_path, Some(&customer_token), Some(body)).status,
        201
    );
    let for_staff = app.api("GET", &idea_path, Some(&employee), None).json();
    assert_eq!(for_staff["panels"][0]["panel_name"], "Ikäihmisten asiakasraati");
    assert_eq!(for_staff["panels"][0]["question"], "Mitä ajattelette tästä?");
    assert_eq!(
        for_staff["panels"][0]["comments"][0]["body"],
        "Hyvä ajatus, äidille olisi ollut avuksi."
    );
    assert_eq!(for_staff["panels"][0]["comments"][0]["author_name"], "Liisa Asiakas");
    assert_eq!(for_staff["panels"][0]["can_comment"], false);
    let for_member = app.api("GET", &idea_path, Some(&customer_token), None).json();
    assert_eq!(for_member["panels"][0]["can_comment"], true);
    assert!(for_member["observations"].as_array().unwrap().is_empty());

    // A submitted experiment can be shared; a member sees it but not its reviews or diary.
    let experiment = app.api("GET", "/api/v1/experiments?status=running", Some(&employee), None);
    let e = experiment.json()["items"][0]["id"]
        .as_i64()
        .expect("a running demo experiment");
    assert_eq!(
        app.api("GET", &format!("/api/v1/experiments/{e}"), Some(&customer_token), None)
            .status,
        404
    );
    {
        let share = json!({"item_type": "experiment", "item_id": e});
        let res = app.api(
            "POST",
            &format!("{path}/shares"),
            Some(&app.token(UNIT_MANAGER)),
            Some(share),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        assert_eq!(
            app.api("GET", &format!("/api/v1/experiments/{e}"), Some(&customer_token), None)
                .status,
            200
        );
        assert_eq!(
            app.api(
                "GET",
                &format!("/api/v1/experiments/{e}/reviews"),
                Some(&customer_token),
                None
            )
            .status,
            403
        );
    }

    // Stopping the share hides the idea again; a member who leaves no longer sees the panel.
    let res = app.api(
        "DELETE",
        &format!("{path}/shares/{share_id}"),
        Some(&app.token(UNIT_MANAGER)),
        None,
    );
    assert_eq!(res.status, 204);
    assert_eq!(app.api("GET", &idea_path, Some(&customer_token), None).status, 404);
    let me = app.person_id(&app.token(ADMIN), CUSTOMER);
    assert_eq!(
        app.api("DELETE", &format!("{path}/members/{me}"), Some(&outsider), None)
            .status,
        404
    );
    assert_eq!(
        app.api("DELETE", &format!("{path}/members/{me}"), Some(&customer_token), None)
            .status,
        204
    );
    assert_eq!(app.api("GET", &path, Some(&customer_token), None).status, 404);
}

#[test]
fn an_invitation_creates_or_links_an_account_works_once_and_expires() {
    let app = TestApp::with_demo();
    let panel_id = panel(&app);
    let coordinator = app.token(UNIT_MANAGER);
    let invite = |email: &str| {
        app.api(
            "POST",
            &format!("/api/v1/panels/{panel_id}/invitations"),
            Some(&coordinator),
            Some(json!({"email": email})),
        )
    };
    assert_eq!(invite(EMPLOYEE).status, 422);
    assert_eq!(invite("ei-osoite").status, 422);
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/panels/{panel_id}/invitations"),
            Some(&app.token(CUSTOMER)),
            Some(json!({"email": "uusi@example.fi"})),
        )
        .status,
        404
    );

    // A new address: the link opens a page to create the account, which joins the panel.
    assert_eq!(invite("uusi.jasen@example.fi").status, 201);
    let mail = app.wait_for_mail("uusi.jasen@example.fi");
    assert!(mail.subject.contains("Ikäihmisten asiakasraati"), "{}", mail.subject);
    let link = link_in(&app, &mail);
    assert!(link.starts_with("/panel-invitation?token="), "{link}");
    let mut browser = app.browser();
    let page = browser.get(&link);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("uusi.jasen@example.fi"));
    let token = link.split("token=").nth(1).unwrap();
    let short = browser.post_form(
        "/panel-invitation",
        &[("token", token), ("name", "Uusi Jäsen"), ("password", "lyhyt")],
    );
    assert_eq!(short.status, 422);
    let joined = browser.post_form(
        "/panel-invitation",
        &[("token", token), ("name", "Uusi Jäsen"), ("password", PASSWORD)],
    );
    assert_eq!(joined.status, 303, "{}", joined.body);
    assert_eq!(
        joined.header("location"),
        Some(format!("/panels/{panel_id}?done=joined_panel").as_str())
    );
    let home = browser.get("/");
    assert!(
        home.body.contains("Ikäihmisten asiakasraati"),
        "the member's home lists the panel"
    );
    let new_token = app.token_for("uusi.jasen@example.fi", PASSWORD);
    let me = app.api("GET", "/api/v1/me", Some(&new_token), None).json();
    assert_eq!(me["kind"], "customer");
    assert_eq!(
        app.api("GET", &format!("/api/v1/panels/{panel_id}"), Some(&new_token), None)
            .json()["my_role"],
        "member"
    );
    // Used once: the same link now gets a clear page.
    let used = app.browser().get(&link);
    assert_eq!(used.status, 410);
    assert!(used.body.contains("käytetty"), "{}", used.body);

    // An existing customer accepts after signing in (through the API here); others cannot.
    let (_, existing) = customer(&app, "vanha.asiakas@example.fi");
    assert_eq!(invite("vanha.asiakas@example.fi").status, 201);
    let link = link_in(&app, &app.wait_for_mail("vanha.asiakas@example.fi"));
    let token = link.split("token=").nth(1).unwrap().to_string();
    let page = app.browser().get(&link);
    assert!(page.body.contains("/login?next="), "asks to sign in first");
    let wrong = app.api(
        "POST",
        "/api/v1/panel-invitations/accept",
        Some(&app.token(CUSTOMER)),
        Some(json!({"token": token})),
    );
    assert_eq!(wrong.status, 409);
    assert!(wrong.body.contains("invitation_other_person"));
    let ok = app.api(
        "POST",
        "/api/v1/panel-invitations/accept",
        Some(&existing),
        Some(json!({"token": token})),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["my_role"], "member");
    assert_eq!(invite("vanha.asiakas@example.fi").status, 422, "already a member");

    // Expired: the row's time has passed.
    assert_eq!(invite("myohassa@example.fi").status, 201);
    let link = link_in(&app, &app.wait_for_mail("myohassa@example.fi"));
    {
        use diesel::prelude::*;
        use kehittamo::db::schema::panel_invitations;
        let mut conn = app.ctx.db.write().unwrap();
        diesel::update(panel_invitations::table.filter(panel_invitations::email.eq("myohassa@example.fi")))
            .set(panel_invitations::expires_at.eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)))
            .execute(&mut conn)
            .unwrap();
    }
    assert_eq!(app.browser().get(&link).status, 410);
    assert_eq!(app.browser().get("/panel-invitation?token=roskaa").status, 410);
    let list = app.api(
        "GET",
        &format!("/api/v1/panels/{panel_id}/invitations"),
        Some(&coordinator),
        None,
    );
    assert_eq!(list.json().as_array().unwrap().len(), 3);
}

#[test]
fn trustees_follow_the_municipalities_they_represent() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let trustee_id = app.person_id(&admin, TRUSTEE);
    let municipalities = app.api("GET", "/api/v1/municipalities", Some(&admin), None).json();
    let id_of = |name: &str| {
        municipalities
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (ii, utajarvi) = (id_of("Ii"), id_of("Utajärvi"));
    let path = format!("/api/v1/people/{trustee_id}/municipalities");
    let body = json!({"municipality_ids": [ii]});
    assert_eq!(
        app.api("PUT", &path, Some(&app.token(MANAGER)), Some(body.clone()))
            .status,
        403
    );
    let employee_id = app.person_id(&admin, EMPLOYEE);
    let res = app.api(
        "PUT",
        &format!("/api/v1/people/{employee_id}/municipalities"),
        Some(&admin),
        Some(body.clone()),
    );
    assert_eq!(res.status, 422);
    let res = app.api("PUT", &path, Some(&admin), Some(json!({"municipality_ids": [999_999]})));
    assert_eq!(res.status, 422);
    let res = app.api("PUT", &path, Some(&admin), Some(body));
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()[0]["name"], "Ii");

    // An idea of a unit serving Ii shows; one of a unit serving only Utajärvi does not.
    let in_ii = employee_idea(&app, "Iin kotihoidon idea");
    let body = json!({
        "title": "Utajärven työtoiminnan idea",
        "problem": "Jotain parannettavaa.",
        "proposal": "Kokeillaan.",
        "unit_ids": [unit_named(&app, "Työtoiminta Utajärvi")],
    });
    let elsewhere = app
        .api("POST", "/api/v1/ideas", Some(&app.token(EMPLOYEE)), Some(body))
        .json()["id"]
        .clone();
    let direction = json!({"name": "Iin suunta", "year": 2026, "municipality_id": ii});
    assert_eq!(
        app.api("POST", "/api/v1/directions", Some(&app.token(MANAGER)), Some(direction))
            .status,
        201
    );
    let direction = json!({"name": "Utajärven suunta", "year": 2026, "municipality_id": utajarvi});
    assert_eq!(
        app.api("POST", "/api/v1/directions", Some(&app.token(MANAGER)), Some(direction))
            .status,
        201
    );

    // An idea the staff did not pursue is their housekeeping, not news for the municipality.
    let dropped = employee_idea(&app, "Iin hylätty idea");
    let res = app.api(
        "POST",
        &format!("/api/v1/ideas/{dropped}/status"),
        Some(&app.token(KEY_EXPERT)),
        Some(json!({"status": "not_pursued", "reason": "Ei resursseja nyt."})),
    );
    assert_eq!(res.status, 200, "{}", res.body);

    let trustee = app.token(TRUSTEE);
    let mine = app.api("GET", "/api/v1/my-municipality", Some(&trustee), None);
    assert_eq!(mine.status, 200, "{}", mine.body);
    let view = &mine.json()[0];
    assert_eq!(view["municipality"]["name"], "Ii");
    let idea_ids: Vec<Value> = view["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert!(idea_ids.contains(&json!(in_ii)));
    assert!(!idea_ids.contains(&elsewhere));
    assert!(!idea_ids.contains(&json!(dropped)), "not pursued is not shown");
    let directions: Vec<&str> = view["directions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(directions, ["Iin suunta"]);
    for token in [app.token(EMPLOYEE), app.token(CUSTOMER)] {
        assert_eq!(
            app.api("GET", "/api/v1/my-municipality", Some(&token), None).status,
            403
        );
    }
    let mut web = app.signed_in(TRUSTEE);
    let page = web.get("/my-municipality");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Iin kotihoidon idea"));
    assert!(!page.body.contains("Utajärven työtoiminnan idea"));
}
