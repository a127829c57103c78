//! The participation loop beyond ideas: experiments tell those who follow them and the ideas
//! they try, campaigns are announced to whom they invite, reviews never wait for nobody, and a
//! merged idea tells a customer why they cannot see where it went.

use crate::helpers::*;
use serde_json::{Value, json};

fn bell(app: &TestApp, token: &str) -> Vec<Value> {
    app.api("GET", "/api/v1/notifications", Some(token), None)
        .json()
        .as_array()
        .unwrap()
        .clone()
}

/// The kinds of the person's notifications about one object, oldest first.
fn heard(app: &TestApp, token: &str, object_type: &str, id: i64) -> Vec<String> {
    let mut kinds: Vec<String> = bell(app, token)
        .iter()
        .filter(|n| n["object_type"] == object_type && n["object_id"] == id)
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.reverse();
    kinds
}

fn experiment(app: &TestApp, token: &str, unit: i64, extra: Value) -> i64 {
    let mut body = json!({
        "title": "Iltapäivän soittokierros",
        "unit_id": unit,
        "hypothesis": "Uskomme, että soitto iltapäivällä vähentää huolta.",
        "what_tried": "Hoitaja soittaa iltapäivällä.",
        "customer_involvement": "Asiakkaat kertovat kokemuksensa.",
        "starts_on": "2026-12-01",
        "ends_on": "2027-02-28",
        "budget": 100.0,
        "indicators": [{"name": "Huolisoitot", "measure": "soittoa viikossa", "baseline": 10, "target": 5, "method": "Tilasto"}],
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = app.api("POST", "/api/v1/experiments", Some(token), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

fn post(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> Resp {
    app.api("POST", path, Some(token), body)
}

#[test]
fn experiments_tell_their_followers_and_those_of_the_ideas_they_try() {
    let app = TestApp::with_demo();
    let (owner, expert, manager) = (app.token(EMPLOYEE), app.token(KEY_EXPERT), app.token(UNIT_MANAGER));
    let supporter = app.token(TRUSTEE);
    let idea = employee_idea(&app, "Soitto ennen iltaa");
    post(&app, &supporter, &format!("/api/v1/ideas/{idea}/supports"), None);
    let unit = unit_named(&app, "Kotihoito Ii");
    let id = experiment(&app, &owner, unit, json!({"idea_ids": [idea]}));
    let mine = app.api("GET", "/api/v1/me/follows", Some(&owner), None).json();
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .any(|f| f["object_type"] == "experiment" && f["object_id"] == id && f["reason"] == "own"),
        "the owner follows their experiment: {mine}"
    );
    assert_eq!(
        app.api(
            "PUT",
            &format!("/api/v1/follows/experiment/{id}"),
            Some(&app.token(CUSTOMER)),
            None
        )
        .status,
        404,
        "a customer cannot follow an unpublished experiment"
    );
    assert_eq!(
        app.api("PUT", &format!("/api/v1/follows/experiment/{id}"), Some(&manager), None)
            .status,
        204
    );
    post(&app, &owner, &format!("/api/v1/experiments/{id}/submit"), None);
    let approved = post(
        &app,
        &expert,
        &format!("/api/v1/experiments/{id}/reviews"),
        Some(json!({"decision": "approve", "comment": "Hyvä."})),
    );
    assert_eq!(approved.status / 100, 2, "{}", approved.body);
    assert_eq!(
        post(&app, &owner, &format!("/api/v1/experiments/{id}/start"), None).status,
        200
    );
    assert_eq!(
        heard(&app, &supporter, "experiment", id),
        ["experiment_started"],
        "a supporter of the idea hears that an experiment started from it"
    );
    assert_eq!(heard(&app, &manager, "experiment", id), ["experiment_started"]);
    assert!(
        !heard(&app, &owner, "experiment", id).contains(&"experiment_started".to_string()),
        "nobody hears of their own act: {:?}",
        bell(&app, &owner)
    );

    let indicator = app
        .api("GET", &format!("/api/v1/experiments/{id}"), Some(&owner), None)
        .json()["indicators"][0]["id"]
        .as_i64()
        .unwrap();
    let report = json!({
        "what_we_did": "Soitimme.", "what_made_us_dare": "Palaute.", "where_we_succeeded": "Huoli väheni.",
        "what_we_would_change": "Ei mitään.", "what_we_learned": "Soitto auttaa.", "operational_impact": "Vähän.",
        "customer_feedback": "Hyvää.", "recommend_adoption": true, "actuals": [{"indicator_id": indicator, "actual": 4.0}],
    });
    app.api(
        "PUT",
        &format!("/api/v1/experiments/{id}/report"),
        Some(&owner),
        Some(report),
    );
    assert_eq!(
        post(&app, &owner, &format!("/api/v1/experiments/{id}/complete"), None).status,
        200
    );
    let other = unit_named(&app, "Omaishoidon tuki");
    let adopted = post(
        &app,
        &manager,
        &format!("/api/v1/experiments/{id}/adoptions"),
        Some(json!({"unit_id": other, "adopted_on": "2026-11-01", "note": "Meilläkin."})),
    );
    assert_eq!(adopted.status, 204, "{}", adopted.body);
    assert_eq!(
        heard(&app, &supporter, "experiment", id),
        ["experiment_started", "experiment_completed", "experiment_adopted"]
    );
    let own = bell(&app, &owner);
    let adoption = own
        .iter()
        .find(|n| n["kind"] == "experiment_adopted" && n["object_id"] == id)
        .expect("the owner hears of the adoption");
    assert_eq!(adoption["own"], true, "told as their own experiment");
    let mail = app.wait_for_mail_about(EMPLOYEE, "Toinen yksikkö otti kokeilun tuloksen käyttöön");
    assert!(mail.body.contains(&format!("/experiments/{id}")), "{}", mail.body);
    let page = app.signed_in(EMPLOYEE).get("/notifications");
    assert!(
        page.body.contains("Toinen yksikkö otti käyttöön kokeilusi tuloksen"),
        "your experiment"
    );
}

#[test]
fn a_campaign_is_announced_once_to_whom_it_invites_in_its_units() {
    let app = TestApp::with_demo();
    let (admin, manager) = (app.token(ADMIN), app.token(MANAGER));
    let at = |days: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let elsewhere = unit_named(&app, "Omaishoidon tuki");
    let body = json!({"email": "muualla@demo.kehittamo.fi", "name": "Muualla Oleva", "kind": "employee", "password": DEMO_PASSWORD, "unit_ids": [elsewhere]});
    assert_eq!(app.api("POST", "/api/v1/people", Some(&admin), Some(body)).status, 201);
    let outsider = app.token_for("muualla@demo.kehittamo.fi", DEMO_PASSWORD);
    let employee = app.token(EMPLOYEE);
    app.api(
        "PUT",
        "/api/v1/me/preferences",
        Some(&employee),
        Some(json!([{"kind": "campaign_opened", "channel": "immediate"}])),
    );
    let kotihoito = unit_named(&app, "Kotihoito");
    let bad = app.api(
        "POST",
        "/api/v1/campaigns",
        Some(&manager),
        Some(json!({"title": "Kotihoidon viikko", "starts_at": at(-1), "ends_at": at(6), "audience": "staff", "unit_id": 999999})),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("unit_id"), "{}", bad.body);
    let res = app.api(
        "POST",
        "/api/v1/campaigns",
        Some(&manager),
        Some(json!({"title": "Kotihoidon viikko", "starts_at": at(-1), "ends_at": at(6), "audience": "staff", "unit_id": kotihoito})),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let campaign = res.json()["id"].as_i64().unwrap();
    assert_eq!(
        heard(&app, &employee, "campaign", campaign),
        ["campaign_opened"],
        "an employee of a unit below it is invited at once"
    );
    assert!(
        heard(&app, &outsider, "campaign", campaign).is_empty(),
        "another unit is not"
    );
    assert!(
        heard(&app, &app.token(CUSTOMER), "campaign", campaign).is_empty(),
        "nor customers"
    );
    let mail = app.wait_for_mail_about(EMPLOYEE, "Kampanja avautui: Kotihoidon viikko");
    assert!(mail.body.contains(&format!("/campaigns/{campaign}")));
    assert_eq!(kehittamo::domain::campaigns::announce_due(&app.ctx).unwrap(), 0, "once");
    assert!(
        !app.signed_in("muualla@demo.kehittamo.fi")
            .get("/")
            .body
            .contains("Kotihoidon viikko")
    );
    assert!(app.signed_in(EMPLOYEE).get("/").body.contains("Kotihoidon viikko"));

    // One that opens later is announced when it opens, not before.
    let later = app.api(
        "POST",
        "/api/v1/campaigns",
        Some(&manager),
        Some(json!({"title": "Ensi viikon kampanja", "starts_at": at(2), "ends_at": at(9), "audience": "everyone"})),
    );
    let later = later.json()["id"].as_i64().unwrap();
    assert!(heard(&app, &outsider, "campaign", later).is_empty());

    // Those who follow a campaign hear of the ideas written for it.
    assert_eq!(
        app.api(
            "PUT",
            &format!("/api/v1/follows/campaign/{campaign}"),
            Some(&manager),
            None
        )
        .status,
        204
    );
    let idea = app.api(
        "POST",
        "/api/v1/ideas",
        Some(&employee),
        Some(json!({"title": "Viikon idea", "problem": "Ongelma", "proposal": "Ehdotus", "unit_ids": [unit_named(&app, "Kotihoito Ii")], "campaign_id": campaign})),
    );
    assert_eq!(idea.status, 201, "{}", idea.body);
    let idea = idea.json()["id"].as_i64().unwrap();
    assert_eq!(heard(&app, &manager, "idea", idea), ["campaign_idea"]);
}

#[test]
fn removing_the_last_key_expert_reroutes_what_waits_or_tells_the_administrators() {
    let app = TestApp::with_demo();
    let (admin, owner) = (app.token(ADMIN), app.token(EMPLOYEE));
    let admin_id = app.person_id(&admin, ADMIN);
    let expert_id = app.person_id(&admin, KEY_EXPERT);
    let unit = unit_named(&app, "Kotihoito Ii");
    // One with the administrator on its team (nobody left to review it once the key expert
    // goes), one without (the administrator reviews it then).
    let stranded = experiment(
        &app,
        &owner,
        unit,
        json!({"title": "Ylläpitäjän tiimin kokeilu", "team_ids": [admin_id]}),
    );
    let rerouted = experiment(&app, &owner, unit, json!({"title": "Tavallinen kokeilu"}));
    for id in [stranded, rerouted] {
        assert_eq!(
            post(&app, &owner, &format!("/api/v1/experiments/{id}/submit"), None).status,
            200
        );
    }
    let dashboard = |token: &str| app.api("GET", "/api/v1/dashboard", Some(token), None).json();
    assert_eq!(dashboard(&admin)["waiting_without_reviewer"], 0, "zero by construction");
    let roles = app
        .api("GET", &format!("/api/v1/people/{expert_id}"), Some(&admin), None)
        .json()["roles"]
        .clone();
    let role = roles[0]["id"].as_i64().unwrap();
    let mut web = app.signed_in(ADMIN);
    let removed = web.post_form(&format!("/admin/people/{expert_id}/roles/{role}/delete"), &[]);
    assert_eq!(removed.status, 303);
    let location = removed.header("location").unwrap_or_default().to_string();
    assert!(
        location.contains("done=role_revoked_unrouted"),
        "the administrator is warned: {location}"
    );
    assert_eq!(
        heard(&app, &admin, "experiment", rerouted),
        ["review_waiting"],
        "routed again"
    );
    assert_eq!(
        heard(&app, &admin, "experiment", stranded),
        ["review_unrouted"],
        "told to name someone"
    );
    assert_eq!(dashboard(&admin)["waiting_without_reviewer"], 1);
    let queue = app.api("GET", "/api/v1/reviews/queue", Some(&admin), None).json();
    assert!(queue.as_array().unwrap().iter().any(|i| i["id"] == rerouted));
}

#[test]
fn a_customer_whose_idea_was_merged_is_told_why_they_cannot_see_where_it_went() {
    let app = TestApp::with_demo();
    let customer = app.token(CUSTOMER);
    let unit = unit_named(&app, "Kotihoito Ii");
    let res = post(
        &app,
        &customer,
        "/api/v1/ideas",
        Some(json!({"title": "Asiakkaan ajatus", "problem": "Ongelma", "proposal": "Ehdotus", "unit_ids": [unit]})),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let idea = res.json()["id"].as_i64().unwrap();
    let target = employee_idea(&app, "Henkilöstön laajempi idea");
    let expert = app.token(KEY_EXPERT);
    let merged = post(
        &app,
        &expert,
        &format!("/api/v1/ideas/{idea}/status"),
        Some(json!({"status": "merged", "merged_into_id": target})),
    );
    assert!(merged.status / 100 == 2, "{}", merged.body);
    let own = app
        .api("GET", &format!("/api/v1/ideas/{idea}"), Some(&customer), None)
        .json();
    assert_eq!(own["merged_into_id"], target);
    assert_eq!(own["merged_into_title"], Value::Null, "not readable for them yet");
    let page = app.signed_in(CUSTOMER).get(&format!("/ideas/{idea}"));
    assert!(page.body.contains("ei ole vielä julkaistu asiakkaille"), "says why");
    assert!(
        !page.body.contains(&format!("href=\"/ideas/{target}\"")),
        "no link to a 404"
    );
    assert_eq!(
        app.api("GET", &format!("/api/v1/ideas/{target}"), Some(&customer), None)
            .status,
        404
    );
    let staff_view = app
        .api("GET", &format!("/api/v1/ideas/{idea}"), Some(&expert), None)
        .json();
    assert_eq!(staff_view["merged_into_title"], "Henkilöstön laajempi idea");

    // Once it is published they can read it, and they hear of it (they follow it since the merge).
    let published = post(&app, &expert, &format!("/api/v1/ideas/{target}/publication"), None);
    assert!(published.status / 100 == 2, "{}", published.body);
    assert_eq!(heard(&app, &customer, "idea", target), ["idea_published"]);
    let page = app.signed_in(CUSTOMER).get(&format!("/ideas/{idea}"));
    assert!(page.body.contains(&format!("href=\"/ideas/{target}\"")));
}

#[test]
fn a_share_is_followed_by_who_shared_it_and_hears_the_panels_comments() {
    let app = TestApp::with_demo();
    let panel = crate::panels::panel(&app);
    crate::panels::add_member(&app, panel, CUSTOMER);
    let coordinator = app.token(UNIT_MANAGER);
    let idea = employee_idea(&app, "Raadille jaettava idea");
    let res = post(
        &app,
        &coordinator,
        &format!("/api/v1/panels/{panel}/shares"),
        Some(json!({"item_type": "idea", "item_id": idea, "question": "Mitä ajattelette?"})),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let share = res.json()["id"].as_i64().unwrap();
    let customer = app.token(CUSTOMER);
    let commented = post(
        &app,
        &customer,
        &format!("/api/v1/shares/{share}/comments"),
        Some(json!({"body": "Hyvä ajatus."})),
    );
    assert_eq!(commented.status / 100, 2, "{}", commented.body);
    assert_eq!(heard(&app, &coordinator, "share", share), ["share_commented"]);
    assert!(
        heard(&app, &customer, "share", share).is_empty(),
        "not of their own comment"
    );

    // The notification leads to the panel's voice on the item's page.
    let mut web = app.signed_in(UNIT_MANAGER);
    let go = web.get(&format!("/shares/{share}"));
    assert_eq!(go.status, 303);
    assert_eq!(
        go.header("location"),
        Some(format!("/ideas/{idea}#panel-{share}").as_str())
    );
    assert_eq!(
        app.signed_in(EMPLOYEE).get(&format!("/shares/{share}")).status,
        303,
        "staff read it"
    );
    let stranger = crate::panels::customer(&app, "vieras@example.fi").1;
    assert_eq!(
        app.api("PUT", &format!("/api/v1/follows/share/{share}"), Some(&stranger), None)
            .status,
        404,
        "a customer outside the panel cannot follow it"
    );
    // The follow button on the page stops it.
    let stop = web.post_form(&format!("/follows/share/{share}"), &[("following", "0")]);
    assert_eq!(
        stop.header("location"),
        Some(format!("/ideas/{idea}?done=follow_stopped#panel-{share}").as_str())
    );
    post(
        &app,
        &customer,
        &format!("/api/v1/shares/{share}/comments"),
        Some(json!({"body": "Vielä yksi ajatus."})),
    );
    assert_eq!(heard(&app, &coordinator, "share", share).len(), 1);
}

#[test]
fn experiments_campaigns_and_directions_have_a_follow_button() {
    let app = TestApp::with_demo();
    kehittamo::demo_ideas::fill(&app.ctx).unwrap();
    kehittamo::demo_experiments::fill(&app.ctx).unwrap();
    let manager = app.token(MANAGER);
    let campaigns = app.api("GET", "/api/v1/campaigns", Some(&manager), None).json();
    let campaign = campaigns[0]["id"].as_i64().unwrap();
    let directions = app.api("GET", "/api/v1/directions", Some(&manager), None).json();
    let direction = directions[0]["id"].as_i64().unwrap();
    let experiments = app.api("GET", "/api/v1/experiments", Some(&manager), None).json();
    let experiment = experiments["items"][0]["id"].as_i64().unwrap();
    let mut web = app.signed_in(TRUSTEE);
    for (kind, path) in [
        ("campaign", format!("/campaigns/{campaign}")),
        ("direction", format!("/directions/{direction}")),
        ("experiment", format!("/experiments/{experiment}")),
    ] {
        let id = path.rsplit('/').next().unwrap();
        let page = web.get(&path);
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.body.contains(&format!("action=\"/follows/{kind}/{id}\"")),
            "{path}"
        );
        assert!(page.body.contains(">Seuraa</button>"), "{path}");
        crate::a11y::check_page(&path, &page.body);
        let res = web.post_form(&format!("/follows/{kind}/{id}"), &[("following", "1")]);
        assert_eq!(
            res.header("location"),
            Some(format!("{path}?done=follow_started").as_str())
        );
        assert!(web.get(&path).body.contains(">Lopeta seuraaminen</button>"), "{path}");
    }
    let follows = app
        .api("GET", "/api/v1/me/follows", Some(&app.token(TRUSTEE)), None)
        .json();
    let chosen = follows
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["reason"] == "chosen")
        .count();
    assert_eq!(chosen, 3, "{follows}");
    let missing = web.post_form("/follows/experiment/999999", &[("following", "1")]);
    assert_eq!(missing.status, 404);
}

#[test]
fn the_weekly_digest_tells_staff_what_happened_in_their_units() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let prefs = app.api("GET", "/api/v1/me/preferences", Some(&employee), None).json();
    let unit_news = prefs
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "unit_news")
        .expect("staff choose it");
    assert_eq!(unit_news["channel"], "weekly");
    let bad = app.api(
        "PUT",
        "/api/v1/me/preferences",
        Some(&employee),
        Some(json!([{"kind": "unit_news", "channel": "immediate"}])),
    );
    assert_eq!(bad.status, 422, "only weekly or off: {}", bad.body);
    let customer_prefs = app
        .api("GET", "/api/v1/me/preferences", Some(&app.token(CUSTOMER)), None)
        .json();
    assert!(
        !customer_prefs.to_string().contains("review_waiting") && !customer_prefs.to_string().contains("unit_news"),
        "a customer is not asked about reviews: {customer_prefs}"
    );

    employee_idea(&app, "Tämän viikon idea");
    // The first weekly digest whose week holds now.
    let now = kehittamo::clock::now();
    let next_week = (1..=7)
        .map(|d| now + chrono::Duration::days(d))
        .find(|t| kehittamo::domain::digests::cutoff(*t, true) > now)
        .unwrap();
    kehittamo::domain::digests::send_due_at(&app.ctx, next_week).unwrap();
    let digest = app.wait_for_mail_about(EMPLOYEE, "Viikon kooste");
    assert!(digest.body.contains("Yksiköissäsi viime viikolla"), "{}", digest.body);
    assert!(digest.body.contains("Uusia ideoita:"), "{}", digest.body);
    assert_eq!(
        app.mails_about(CUSTOMER, "Viikon kooste"),
        0,
        "customers have no unit news"
    );

    // Switched off, the next week's digest has nothing for them and is not sent.
    app.api(
        "PUT",
        "/api/v1/me/preferences",
        Some(&employee),
        Some(json!([{"kind": "unit_news", "channel": "off"}])),
    );
    employee_idea(&app, "Toinen idea");
    let week_after = next_week + chrono::Duration::days(7);
    kehittamo::domain::digests::send_due_at(&app.ctx, week_after).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(app.mails_about(EMPLOYEE, "Viikon kooste"), 1);
}

#[test]
fn an_ideas_author_hears_of_its_experiment_as_an_idea_they_follow_and_stopping_is_remembered() {
    let app = TestApp::with_demo();
    let (owner, expert, trustee, manager) = (
        app.token(EMPLOYEE),
        app.token(KEY_EXPERT),
        app.token(TRUSTEE),
        app.token(UNIT_MANAGER),
    );
    let unit = unit_named(&app, "Kotihoito Ii");
    let res = post(
        &app,
        &trustee,
        "/api/v1/ideas",
        Some(
            json!({"title": "Luottamushenkilön idea", "problem": "Ongelma", "proposal": "Ehdotus", "unit_ids": [unit]}),
        ),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let idea = res.json()["id"].as_i64().unwrap();
    post(&app, &manager, &format!("/api/v1/ideas/{idea}/supports"), None);
    let id = experiment(&app, &owner, unit, json!({"idea_ids": [idea]}));
    // The manager follows the idea (as a supporter) but stopped following the experiment.
    assert_eq!(
        app.api("PUT", &format!("/api/v1/follows/experiment/{id}"), Some(&manager), None)
            .status,
        204
    );
    assert_eq!(
        app.api(
            "DELETE",
            &format!("/api/v1/follows/experiment/{id}"),
            Some(&manager),
            None
        )
        .status,
        204
    );
    post(&app, &owner, &format!("/api/v1/experiments/{id}/submit"), None);
    post(
        &app,
        &expert,
        &format!("/api/v1/experiments/{id}/reviews"),
        Some(json!({"decision": "approve", "comment": "Hyvä."})),
    );
    assert_eq!(
        post(&app, &owner, &format!("/api/v1/experiments/{id}/start"), None).status,
        200
    );
    let started = bell(&app, &trustee)
        .into_iter()
        .find(|n| n["kind"] == "experiment_started" && n["object_id"] == id)
        .expect("the idea's author hears that an experiment started from it");
    assert_eq!(started["own"], false, "not 'your experiment': it is someone else's");
    assert_eq!(
        app.mails_about(TRUSTEE, "Kokeilu alkoi"),
        0,
        "followed news waits for the digest"
    );
    assert!(
        heard(&app, &manager, "experiment", id).is_empty(),
        "stopping following the experiment is remembered"
    );
}
