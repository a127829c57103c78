//! Voting rounds over the API: every ballot rule, results arithmetic, CSV, announcements and
//! 50 members voting at once.

use crate::helpers::*;
use crate::panels::{add_member, customer, panel, quick_token};
use serde_json::{Value, json};

fn round_body(title: &str, ideas: &[i64], opens_in_minutes: i64, closes_in_minutes: i64, extra: Value) -> Value {
    let at = |m: i64| {
        (chrono::Utc::now().naive_utc() + chrono::Duration::minutes(m))
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };
    let mut body = json!({
        "title": title,
        "opens_at": at(opens_in_minutes),
        "closes_at": at(closes_in_minutes),
        "idea_ids": ideas,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn create_round(app: &TestApp, panel_id: i64, body: Value) -> i64 {
    let res = app.api(
        "POST",
        &format!("/api/v1/panels/{panel_id}/rounds"),
        Some(&app.token(UNIT_MANAGER)),
        Some(body),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

fn vote(app: &TestApp, token: &str, round: i64, best: &[i64], worst: &[i64]) -> Resp {
    app.api(
        "PUT",
        &format!("/api/v1/rounds/{round}/ballot"),
        Some(token),
        Some(json!({"best": best, "worst": worst})),
    )
}

/// Moves a round's times, as if the clock had moved on.
fn shift_round(app: &TestApp, round: i64, opens_in_minutes: i64, closes_in_minutes: i64) {
    use diesel::prelude::*;
    use kehittamo::db::schema::voting_rounds;
    let now = chrono::Utc::now().naive_utc();
    let mut conn = app.ctx.db.write().unwrap();
    diesel::update(voting_rounds::table.find(round))
        .set((
            voting_rounds::opens_at.eq(now + chrono::Duration::minutes(opens_in_minutes)),
            voting_rounds::closes_at.eq(now + chrono::Duration::minutes(closes_in_minutes)),
        ))
        .execute(&mut conn)
        .unwrap();
}

#[test]
fn every_ballot_rule_results_and_csv() {
    let app = TestApp::with_demo();
    let panel_id = panel(&app);
    add_member(&app, panel_id, CUSTOMER);
    let (_, second) = customer(&app, "toinen@example.fi");
    let (_, third) = customer(&app, "kolmas@example.fi");
    add_member(&app, panel_id, "toinen@example.fi");
    add_member(&app, panel_id, "kolmas@example.fi");
    let (_, outsider) = customer(&app, "ulkona@example.fi");
    let first = app.token(CUSTOMER);
    let ideas: Vec<i64> = [
        "Aamukahvi yhdessä",
        "Tekstiviesti, ennen käyntiä",
        "Kauppakassipalvelu",
        "Ulkoilu",
    ]
    .iter()
    .map(|t| employee_idea(&app, t))
    .collect();

    // Bad rounds name their fields; others than those who run the panel get 403.
    let coordinator = app.token(UNIT_MANAGER);
    let bad = round_body("Kierros", &ideas[..2], 0, -10, json!({"best_marks": 0}));
    let res = app.api(
        "POST",
        &format!("/api/v1/panels/{panel_id}/rounds"),
        Some(&coordinator),
        Some(bad),
    );
    assert_eq!(res.status, 422);
    assert_eq!(res.error_fields(), ["closes_at", "idea_ids", "best_marks"]);
    let good = round_body("Kevään valinta", &ideas, -1, 60, json!({}));
    let res = app.api(
        "POST",
        &format!("/api/v1/panels/{panel_id}/rounds"),
        Some(&first),
        Some(good.clone()),
    );
    assert_eq!(res.status, 403);
    let round = create_round(&app, panel_id, good);
    app.wait_for_mail_about("toinen@example.fi", "Kevään valinta");

    // Who may vote, and the ballot's rules.
    assert_eq!(
        app.api("GET", &format!("/api/v1/rounds/{round}"), Some(&outsider), None)
            .status,
        404
    );
    assert_eq!(vote(&app, &outsider, round, &[ideas[0]], &[]).status, 404);
    assert_eq!(vote(&app, &coordinator, round, &[ideas[0]], &[]).status, 403);
    assert_eq!(vote(&app, &app.token(EMPLOYEE), round, &[ideas[0]], &[]).status, 403);
    let both = vote(&app, &first, round, &[ideas[0]], &[ideas[0]]);
    assert_eq!(both.status, 422);
    assert_eq!(both.error_fields(), ["worst"]);
    let two_best = vote(&app, &first, round, &[ideas[0], ideas[1]], &[]);
    assert_eq!(two_best.status, 422);
    assert_eq!(two_best.error_fields(), ["best"]);
    let stranger = vote(&app, &first, round, &[999_999], &[]);
    assert_eq!(stranger.status, 422);
    assert_eq!(vote(&app, &first, round, &[ideas[0]], &[ideas[3]]).status, 204);
    // Changing the ballot replaces it.
    assert_eq!(vote(&app, &first, round, &[ideas[1]], &[ideas[3]]).status, 204);
    let ballot = app
        .api("GET", &format!("/api/v1/rounds/{round}/ballot"), Some(&first), None)
        .json();
    assert_eq!(ballot, json!({"best": [ideas[1]], "worst": [ideas[3]]}));
    assert_eq!(vote(&app, &second, round, &[ideas[1]], &[ideas[2]]).status, 204);
    assert_eq!(vote(&app, &third, round, &[ideas[0]], &[ideas[3]]).status, 204);

    // Results are hidden from members while open (as configured), not from staff.
    let results_path = format!("/api/v1/rounds/{round}/results");
    let hidden = app.api("GET", &results_path, Some(&first), None);
    assert_eq!(hidden.status, 409);
    assert!(hidden.body.contains("results_hidden"));
    let res = app.api("GET", &results_path, Some(&coordinator), None);
    assert_eq!(res.status, 200);
    let rows = res.json()["rows"].clone();
    let row = |i: usize| {
        (
            rows[i]["idea_id"].as_i64().unwrap(),
            rows[i]["best"].as_i64().unwrap(),
            rows[i]["worst"].as_i64().unwrap(),
            rows[i]["net"].as_i64().unwrap(),
            rows[i]["rank"].as_i64().unwrap(),
        )
    };
    // idea 1: 2 best → +2; idea 0: 1 best → +1; idea 2: 1 worst → −1; idea 3: 2 worst → −2.
    assert_eq!(row(0), (ideas[1], 2, 0, 2, 1));
    assert_eq!(row(1), (ideas[0], 1, 0, 1, 2));
    assert_eq!(row(2), (ideas[2], 0, 1, -1, 3));
    assert_eq!(row(3), (ideas[3], 0, 2, -2, 4));
    assert_eq!(res.json()["voters"], 3);

    // CSV for Finnish Excel: byte-order mark, semicolons, headings in the reader's language.
    let csv = app.api("GET", &format!("{results_path}?format=csv"), Some(&coordinator), None);
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let expected = format!(
        "\u{feff}Sija;Idean numero;Idea;Parhaat;Huonoimmat;Nettopisteet\r\n\
         1;{};Tekstiviesti, ennen käyntiä;2;0;2\r\n\
         2;{};Aamukahvi yhdessä;1;0;1\r\n\
         3;{};Kauppakassipalvelu;0;1;-1\r\n\
         4;{};Ulkoilu;0;2;-2\r\n",
        ideas[1], ideas[0], ideas[2], ideas[3]
    );
    assert_eq!(csv.body, expected);

    // After the close: no more votes, members see results, coordinators are told once.
    // Counted before the close: the background check may announce it first.
    let before = app.mail_count(UNIT_MANAGER);
    shift_round(&app, round, -120, -1);
    assert_eq!(vote(&app, &first, round, &[ideas[0]], &[]).status, 409);
    assert_eq!(app.api("GET", &results_path, Some(&first), None).status, 200);
    kehittamo::domain::panels::rounds::announce_due(&app.ctx).unwrap();
    kehittamo::domain::panels::rounds::announce_due(&app.ctx).unwrap();
    app.wait_for_mail_about(UNIT_MANAGER, "Kevään valinta");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(app.mail_count(UNIT_MANAGER), before + 1, "told once");

    // Before the open: 409 too; ties share a rank; worst marks may be switched off.
    let later = create_round(
        &app,
        panel_id,
        round_body(
            "Myöhemmin",
            &ideas[..3],
            60,
            120,
            json!({"worst_marks": 0, "results_while_open": true}),
        ),
    );
    assert_eq!(vote(&app, &first, later, &[ideas[0]], &[]).status, 409);
    shift_round(&app, later, -1, 60);
    assert_eq!(vote(&app, &first, later, &[ideas[0]], &[ideas[1]]).status, 422);
    assert_eq!(vote(&app, &first, later, &[ideas[0]], &[]).status, 204);
    assert_eq!(vote(&app, &second, later, &[ideas[1]], &[]).status, 204);
    let res = app.api("GET", &format!("/api/v1/rounds/{later}/results"), Some(&first), None);
    assert_eq!(res.status, 200, "results while open, as configured");
    let ranks: Vec<i64> = res.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rank"].as_i64().unwrap())
        .collect();
    assert_eq!(ranks, [1, 1, 3]);
    let open = app.api("GET", "/api/v1/rounds", Some(&first), None).json();
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert_eq!(open[0]["id"], later);
}

#[test]
fn fifty_members_voting_at_the_same_moment_give_exact_counts() {
    let app = TestApp::with_demo();
    let panel_id = panel(&app);
    let ideas: Vec<i64> = (0..5)
        .map(|i| employee_idea(&app, &format!("Idea numero {i}")))
        .collect();
    let admin = app.token(ADMIN);
    let mut tokens = Vec::new();
    for i in 0..50 {
        let email = format!("jasen{i}@example.fi");
        let body = json!({"email": email, "name": format!("Jäsen {i}"), "kind": "customer"});
        let res = app.api("POST", "/api/v1/people", Some(&admin), Some(body));
        assert_eq!(res.status, 201, "{}", res.body);
        add_member(&app, panel_id, &email);
        tokens.push(quick_token(&app, res.json()["id"].as_i64().unwrap()));
    }
    let round = create_round(&app, panel_id, round_body("Yhtä aikaa", &ideas, -1, 60, json!({})));
    let barrier = std::sync::Barrier::new(tokens.len());
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(i, token)| {
                let (barrier, app, ideas) = (&barrier, &app, &ideas);
                s.spawn(move || {
                    barrier.wait();
                    vote(app, token, round, &[ideas[i % 3]], &[ideas[3 + i % 2]]).status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 204), "{statuses:?}");
    let res = app.api(
        "GET",
        &format!("/api/v1/rounds/{round}/results"),
        Some(&app.token(UNIT_MANAGER)),
        None,
    );
    let json = res.json();
    assert_eq!(json["voters"], 50);
    let count = |idea: i64, mark: &str| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["idea_id"] == idea)
            .unwrap()[mark]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        [
            count(ideas[0], "best"),
            count(ideas[1], "best"),
            count(ideas[2], "best")
        ],
        [17, 17, 16]
    );
    assert_eq!([count(ideas[3], "worst"), count(ideas[4], "worst")], [25, 25]);
}

#[test]
fn an_idea_hidden_by_moderation_leaves_the_ballot_the_results_and_the_csv() {
    let app = TestApp::with_demo();
    let panel_id = panel(&app);
    add_member(&app, panel_id, CUSTOMER);
    let member = app.token(CUSTOMER);
    let coordinator = app.token(UNIT_MANAGER);
    let ideas: Vec<i64> = ["Aamukahvi yhdessä", "Sopimaton ehdotus", "Kauppakassipalvelu"]
        .iter()
        .map(|t| employee_idea(&app, t))
        .collect();
    let round = create_round(&app, panel_id, round_body("Syksyn valinta", &ideas, -1, 60, json!({})));
    assert_eq!(vote(&app, &member, round, &[ideas[1]], &[ideas[0]]).status, 204);

    let hide = json!({"object_type": "idea", "object_id": ideas[1], "hidden": true, "reason": "Asiaton"});
    let res = app.api(
        "POST",
        "/api/v1/reports/decisions",
        Some(&app.token(KEY_EXPERT)),
        Some(hide),
    );
    assert_eq!(res.status, 204, "{}", res.body);

    // Members no longer see it on the ballot, in the API or on the page, and cannot vote for it.
    let shown = app
        .api("GET", &format!("/api/v1/rounds/{round}"), Some(&member), None)
        .json();
    let on_ballot: Vec<i64> = shown["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(on_ballot, [ideas[0], ideas[2]]);
    let page = app.signed_in(CUSTOMER).get(&format!("/rounds/{round}"));
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("Sopimaton ehdotus"),
        "the hidden idea's title on the ballot"
    );
    let ballot = app
        .api("GET", &format!("/api/v1/rounds/{round}/ballot"), Some(&member), None)
        .json();
    assert_eq!(
        ballot,
        json!({"best": [], "worst": [ideas[0]]}),
        "the ballot sent back still votes"
    );
    let again = vote(&app, &member, round, &[ideas[1]], &[]);
    assert_eq!(again.status, 422);
    assert_eq!(again.error_fields(), ["best"]);

    // Results and the CSV leave it out and say how many marks went with it.
    let results = app
        .api(
            "GET",
            &format!("/api/v1/rounds/{round}/results"),
            Some(&coordinator),
            None,
        )
        .json();
    let ranked: Vec<i64> = results["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["idea_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ranked, [ideas[2], ideas[0]]);
    assert_eq!(results["withdrawn_marks"], 1);
    let csv = app.api(
        "GET",
        &format!("/api/v1/rounds/{round}/results?format=csv"),
        Some(&coordinator),
        None,
    );
    assert_eq!(csv.status, 200);
    assert!(!csv.body.contains("Sopimaton ehdotus"), "{}", csv.body);
    let page = app.signed_in(UNIT_MANAGER).get(&format!("/rounds/{round}/results"));
    assert!(!page.body.contains("Sopimaton ehdotus"));
    assert!(
        page.body.contains("poistui 1 merkintä."),
        "the withdrawn marks are told"
    );
}
