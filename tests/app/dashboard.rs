//! The management dashboard over the API: every figure against a small hand-built data set,
//! a unit manager's scope, the filters, and who may read it.

use crate::helpers::*;
use serde_json::{Value, json};

fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.api("POST", path, Some(token), Some(body));
    assert!(
        res.status == 200 || res.status == 201 || res.status == 204,
        "{path}: {}",
        res.body
    );
    if res.body.is_empty() { Value::Null } else { res.json() }
}

fn idea(app: &TestApp, token: &str, title: &str, unit: i64, tags: &[&str], directions: &[i64]) -> i64 {
    let body = json!({"title": title, "problem": "Arjen ongelma.", "proposal": "Kokeillaan.", "unit_ids": [unit], "tags": tags, "direction_ids": directions});
    post(app, token, "/api/v1/ideas", body)["id"].as_i64().unwrap()
}

fn plan(unit: i64, ideas: &[i64], directions: &[i64]) -> Value {
    json!({
        "title": "Tekstiviesti ennen kotikäyntiä",
        "unit_id": unit,
        "hypothesis": "Viesti vähentää soittoja.",
        "what_tried": "Viesti puoli tuntia ennen käyntiä.",
        "starts_on": "2026-12-01",
        "ends_on": "2027-02-28",
        "idea_ids": ideas,
        "direction_ids": directions,
        "indicators": [{"name": "Soitot", "measure": "soittoa viikossa", "baseline": 40, "target": 20, "method": "Tilasto"}],
    })
}

/// The hand-built data set, everything today:
/// - ideas: two by an employee and one by a customer in Kotihoito Ii, one by a trustee in
///   Työtoiminta Utajärvi; the first is in direction D and selected for an experiment;
///   tags: arki ×2, viestit ×2;
/// - one observation, two comments (key expert), one support (trustee);
/// - experiments in Kotihoito Ii: A adopted (report −500 € once, +12,000 € a year, direction D,
///   adopted also by Omaishoidon tuki), B waiting for review, C running past its end.
fn build(app: &TestApp) -> i64 {
    let (employee, customer, trustee, expert) = (
        app.token(EMPLOYEE),
        app.token(CUSTOMER),
        app.token(TRUSTEE),
        app.token(KEY_EXPERT),
    );
    let ii = unit_named(app, "Kotihoito Ii");
    let direction = post(
        app,
        &app.token(MANAGER),
        "/api/v1/directions",
        json!({"name": "Suunta D", "year": 2026}),
    )["id"]
        .as_i64()
        .unwrap();
    let first = idea(app, &employee, "Ensimmäinen idea", ii, &["arki"], &[direction]);
    let second = idea(app, &employee, "Toinen idea", ii, &["arki", "viestit"], &[]);
    idea(app, &customer, "Asiakkaan idea", ii, &["viestit"], &[]);
    idea(
        app,
        &trustee,
        "Luottamushenkilön idea",
        unit_named(app, "Työtoiminta Utajärvi"),
        &[],
        &[],
    );
    for status in ["in_discussion", "selected_for_experiment"] {
        post(
            app,
            &expert,
            &format!("/api/v1/ideas/{first}/status"),
            json!({"status": status}),
        );
    }
    for body in ["Hyvä!", "Kokeillaan."] {
        post(
            app,
            &expert,
            &format!("/api/v1/ideas/{first}/comments"),
            json!({"body": body}),
        );
    }
    post(app, &trustee, &format!("/api/v1/ideas/{second}/supports"), json!({}));
    post(
        app,
        &employee,
        "/api/v1/observations",
        json!({"situation": "Aamulla", "challenge": "Soittoja", "resolution": "", "unit_id": ii}),
    );

    let experiment = |ideas: &[i64], directions: &[i64]| {
        post(app, &employee, "/api/v1/experiments", plan(ii, ideas, directions))["id"]
            .as_i64()
            .unwrap()
    };
    let step = |token: &str, id: i64, action: &str, body: Value| {
        post(app, token, &format!("/api/v1/experiments/{id}{action}"), body);
    };
    let review = json!({"decision": "approve", "comment": "Hyvä suunnitelma."});
    let a = experiment(&[first], &[direction]);
    step(&employee, a, "/submit", json!({}));
    step(&expert, a, "/reviews", review.clone());
    step(&employee, a, "/start", json!({}));
    let indicator = app
        .api("GET", &format!("/api/v1/experiments/{a}"), Some(&employee), None)
        .json()["indicators"][0]["id"]
        .as_i64()
        .unwrap();
    let report = json!({
        "what_we_did": "Lähetimme viestit.", "what_made_us_dare": "Palaute.", "where_we_succeeded": "Soitot vähenivät.",
        "what_we_would_change": "Pienempi ryhmä.", "what_we_learned": "Pieni muutos riittää.", "operational_impact": "Aikaa vapautui.",
        "one_off": -500.0, "yearly": 12000.0, "customer_feedback": "Kiitosta.", "recommend_adoption": true,
        "actuals": [{"indicator_id": indicator, "actual": 18.0}],
    });
    let res = app.api(
        "PUT",
        &format!("/api/v1/experiments/{a}/report"),
        Some(&employee),
        Some(report),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    step(&employee, a, "/complete", json!({}));
    step(&expert, a, "/outcome", json!({"status": "adopted"}));
    let today = chrono::Utc::now().date_naive().to_string();
    step(
        &app.token(UNIT_MANAGER),
        a,
        "/adoptions",
        json!({"unit_id": unit_named(app, "Omaishoidon tuki"), "adopted_on": today, "note": "Meilläkin."}),
    );
    let b = experiment(&[], &[]);
    step(&employee, b, "/submit", json!({}));
    let c = experiment(&[], &[]);
    step(&employee, c, "/submit", json!({}));
    step(&expert, c, "/reviews", review);
    step(&employee, c, "/start", json!({}));
    {
        use diesel::prelude::*;
        use kehittamo::db::schema::experiments;
        let mut conn = app.ctx.db.write().unwrap();
        diesel::update(experiments::table.find(c))
            .set(experiments::ends_at.eq(chrono::Utc::now().naive_utc() - chrono::Duration::days(1)))
            .execute(&mut conn)
            .unwrap();
    }
    direction
}

/// Yesterday to tomorrow, so that the day's boundary in Finnish time never matters.
fn period() -> String {
    let today = chrono::Utc::now().date_naive();
    format!(
        "from={}&to={}",
        today - chrono::Duration::days(1),
        today + chrono::Duration::days(1)
    )
}

fn dashboard(app: &TestApp, token: &str, extra: &str) -> Resp {
    app.api(
        "GET",
        &format!("/api/v1/dashboard?{}{extra}", period()),
        Some(token),
        None,
    )
}

fn names(list: &Value) -> Vec<(String, i64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap().to_string(), r["count"].as_i64().unwrap()))
        .collect()
}

#[test]
fn every_figure_matches_the_hand_built_data_set() {
    let app = TestApp::with_demo();
    let direction = build(&app);
    let res = dashboard(&app, &app.token(MANAGER), "");
    assert_eq!(res.status, 200, "{}", res.body);
    let d = res.json();
    assert_eq!(
        d["ideas"],
        json!({"employee": 2, "customer": 1, "trustee": 1, "total": 4})
    );
    assert_eq!(d["observations"], 1);
    assert_eq!(d["comments"], 2);
    assert_eq!(d["supports"], 1);
    // Employee, customer, trustee and key expert; seven demo people in all.
    assert_eq!(d["participants"], 4);
    assert_eq!(d["people_in_scope"], 7);
    let steps = |funnel: &str| -> Vec<(String, i64, Value)> {
        d[funnel]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["step"].as_str().unwrap().to_string(),
                    s["count"].as_i64().unwrap(),
                    s["rate"].clone(),
                )
            })
            .collect()
    };
    // Two funnels, each following the same ideas or experiments further: no rate above 100 %.
    assert_eq!(
        steps("idea_funnel"),
        [
            ("ideas", 4, Value::Null),
            ("selected", 1, json!(0.25)),
            ("in_experiment", 1, json!(1.0)),
            ("implemented", 1, json!(1.0)),
        ]
        .map(|(s, n, r)| (s.to_string(), n, r))
    );
    assert_eq!(
        steps("experiment_funnel"),
        [
            ("submitted", 3, Value::Null),
            ("approved", 2, json!(2.0 / 3.0)),
            ("completed", 1, json!(0.5)),
            ("adopted", 1, json!(1.0)),
            ("spread", 1, json!(1.0)),
        ]
        .map(|(s, n, r)| (s.to_string(), n, r))
    );
    for funnel in ["idea_funnel", "experiment_funnel"] {
        assert!(
            steps(funnel)
                .iter()
                .all(|(_, _, r)| r.as_f64().is_none_or(|r| r <= 1.0)),
            "{funnel}"
        );
    }
    assert_eq!(d["review_lead_time"]["decided"], 2);
    assert!(d["review_lead_time"]["median_days"].as_f64().unwrap() < 0.01);
    assert!(d["review_lead_time"]["p90_days"].as_f64().unwrap() < 0.01);
    assert_eq!(d["waiting_for_review"], 1);
    assert!(d["oldest_waiting_since"].is_string());
    assert_eq!(d["running"], 1);
    assert_eq!(d["overdue_reports"], 1);
    assert_eq!(d["impact_total"]["one_off"], -500.0);
    assert_eq!(d["impact_total"]["yearly"], 12000.0);
    assert_eq!(d["impact_by_unit"][0]["name"], "Kotihoito Ii");
    assert_eq!(d["impact_by_unit"][0]["yearly"], 12000.0);
    assert_eq!(d["impact_by_direction"][0]["name"], "Suunta D");
    assert_eq!(d["impact_by_direction"][0]["one_off"], -500.0);
    assert_eq!(names(&d["top_directions"]), [("Suunta D".to_string(), 1)]);
    assert_eq!(
        names(&d["top_tags"]),
        [("arki".to_string(), 2), ("viestit".to_string(), 2)]
    );
    let months = d["monthly"].as_array().unwrap();
    assert_eq!(months.iter().map(|m| m["ideas"].as_i64().unwrap()).sum::<i64>(), 4);
    assert_eq!(
        months.iter().map(|m| m["experiments"].as_i64().unwrap()).sum::<i64>(),
        3
    );
    assert_eq!(d["adoptions_elsewhere"], 1);
    let row = |name: &str| {
        d["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no row {name}"))
            .clone()
    };
    let elderly = row("Ikäihmisten palvelut");
    assert_eq!(
        (
            elderly["ideas"].clone(),
            elderly["experiments_submitted"].clone(),
            elderly["experiments_completed"].clone()
        ),
        (json!(3), json!(3), json!(1))
    );
    assert_eq!(
        (elderly["adopted"].clone(), elderly["yearly"].clone()),
        (json!(1), json!(12000.0))
    );
    // The unit's people: the key expert (comments) and the employee (ideas, an observation) took
    // part; the manager of the unit did not.
    assert_eq!(
        (
            elderly["selected"].clone(),
            elderly["observations"].clone(),
            elderly["participants"].clone(),
        ),
        (json!(1), json!(1), json!(2))
    );
    assert_eq!(
        elderly["participation_rate"].as_f64().unwrap(),
        2.0 / elderly["people"].as_f64().unwrap()
    );
    assert_eq!(
        (
            elderly["experiments_approved"].clone(),
            elderly["waiting"].clone(),
            elderly["running"].clone(),
            elderly["overdue_reports"].clone(),
            elderly["adoptions_elsewhere"].clone(),
        ),
        (json!(2), json!(1), json!(1), json!(1), json!(1))
    );
    assert!(elderly["review_median_days"].as_f64().unwrap() < 0.01);
    let elsewhere = row("Työ- ja päivätoiminta");
    assert_eq!(
        (
            elsewhere["participants"].clone(),
            elsewhere["experiments_submitted"].clone(),
            elsewhere["review_median_days"].clone()
        ),
        (json!(0), json!(0), Value::Null)
    );
    assert_eq!(row("Työ- ja päivätoiminta")["ideas"], 1);
    assert_eq!(row("Vammaispalvelut")["ideas"], 0);

    // Filters: a direction, a municipality.
    let by_direction = dashboard(&app, &app.token(MANAGER), &format!("&direction={direction}")).json();
    assert_eq!(by_direction["ideas"]["total"], 1);
    assert_eq!(by_direction["experiment_funnel"][0]["count"], 1);
    let utajarvi = app
        .api("GET", "/api/v1/municipalities", Some(&app.token(ADMIN)), None)
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Utajärvi")
        .unwrap()["id"]
        .clone();
    let by_municipality = dashboard(&app, &app.token(TRUSTEE), &format!("&municipality={utajarvi}")).json();
    assert_eq!(
        by_municipality["ideas"],
        json!({"employee": 0, "customer": 0, "trustee": 1, "total": 1})
    );
}

/// Moves an idea's writing, or an experiment's submission, to a moment (UTC).
fn backdate(app: &TestApp, idea: Option<i64>, experiment: Option<i64>, at: &str) {
    use diesel::prelude::*;
    use kehittamo::db::schema::{experiments, ideas};
    let at = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap();
    let mut conn = app.ctx.db.write().unwrap();
    if let Some(id) = idea {
        diesel::update(ideas::table.find(id))
            .set(ideas::created_at.eq(at))
            .execute(&mut conn)
            .unwrap();
    }
    if let Some(id) = experiment {
        diesel::update(experiments::table.find(id))
            .set(experiments::submitted_at.eq(Some(at)))
            .execute(&mut conn)
            .unwrap();
    }
}

#[test]
fn the_monthly_trend_counts_by_finnish_calendar_months() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let ii = unit_named(&app, "Kotihoito Ii");
    let ideas: Vec<i64> = (0..5)
        .map(|i| idea(&app, &employee, &format!("Idea {i}"), ii, &[], &[]))
        .collect();
    let submitted = |idea_id: i64| {
        let id = post(&app, &employee, "/api/v1/experiments", plan(ii, &[idea_id], &[]))["id"]
            .as_i64()
            .unwrap();
        post(&app, &employee, &format!("/api/v1/experiments/{id}/submit"), json!({}));
        id
    };
    let (first, second) = (submitted(ideas[0]), submitted(ideas[1]));
    // Winter time is UTC+2, summer time (from 29 March 2026) UTC+3.
    backdate(&app, Some(ideas[0]), Some(first), "2026-01-31 22:30"); // 1 Feb 00:30 in Finland
    backdate(&app, Some(ideas[1]), None, "2026-01-31 21:30"); // 31 Jan 23:30
    backdate(&app, Some(ideas[2]), Some(second), "2026-03-31 20:30"); // 31 Mar 23:30
    backdate(&app, Some(ideas[3]), None, "2026-03-31 21:30"); // 1 Apr 00:30
    backdate(&app, Some(ideas[4]), None, "2025-12-31 21:59"); // 31 Dec 23:59, before the period
    let d = app
        .api(
            "GET",
            "/api/v1/dashboard?from=2026-01-01&to=2026-04-30",
            Some(&app.token(MANAGER)),
            None,
        )
        .json();
    let months: Vec<(String, i64, i64)> = d["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_string(),
                m["ideas"].as_i64().unwrap(),
                m["experiments"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-01".to_string(), 1, 0),
            ("2026-02".to_string(), 1, 1),
            ("2026-03".to_string(), 1, 1),
            ("2026-04".to_string(), 1, 0),
        ]
    );
    assert_eq!(d["ideas"]["total"], 4);
}

#[test]
fn the_lists_behind_the_figures_filter_by_the_period() {
    let app = TestApp::with_demo();
    let employee = app.token(EMPLOYEE);
    let ii = unit_named(&app, "Kotihoito Ii");
    let old = idea(&app, &employee, "Vanha idea", ii, &[], &[]);
    let new = idea(&app, &employee, "Uusi idea", ii, &[], &[]);
    let experiment = |idea_id: i64| {
        let id = post(&app, &employee, "/api/v1/experiments", plan(ii, &[idea_id], &[]))["id"]
            .as_i64()
            .unwrap();
        post(&app, &employee, &format!("/api/v1/experiments/{id}/submit"), json!({}));
        id
    };
    let (old_experiment, new_experiment) = (experiment(old), experiment(new));
    // 1 March 00:30 in Finland is still February in UTC.
    backdate(&app, Some(old), Some(old_experiment), "2026-02-28 22:30");
    backdate(&app, Some(new), Some(new_experiment), "2026-03-31 21:30");
    let manager = app.token(MANAGER);
    let titles = |path: &str| -> Vec<String> {
        let res = app.api("GET", path, Some(&manager), None);
        assert_eq!(res.status, 200, "{path}: {}", res.body);
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles("/api/v1/ideas?from=2026-03-01&to=2026-03-31"), ["Vanha idea"]);
    assert_eq!(titles("/api/v1/ideas?from=2026-04-01"), ["Uusi idea"]);
    assert_eq!(
        titles("/api/v1/experiments?submitted_from=2026-03-01&submitted_to=2026-03-31").len(),
        1
    );
    assert!(titles("/api/v1/experiments?submitted_to=2026-02-28").is_empty());
    let bad = app.api(
        "GET",
        "/api/v1/ideas?from=2026-04-01&to=2026-03-01",
        Some(&manager),
        None,
    );
    assert_eq!((bad.status, bad.error_fields()), (422, vec!["to".to_string()]));
    let bad = app.api(
        "GET",
        "/api/v1/experiments?submitted_from=2026-04-01&submitted_to=2026-03-01",
        Some(&manager),
        None,
    );
    assert_eq!(
        (bad.status, bad.error_fields()),
        (422, vec!["submitted_to".to_string()])
    );

    let mut browser = app.signed_in(MANAGER);
    let page = browser.get("/ideas?from=2026-03-01&to=2026-03-31");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Vanha idea") && !page.body.contains("Uusi idea"));
    crate::a11y::check_page("/ideas (period)", &page.body);
    let bad = browser.get("/ideas?from=maaliskuu");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("error-summary") && bad.body.contains("aria-invalid=\"true\""));
    let page = browser.get("/experiments?submitted_from=2026-04-01");
    assert_eq!(page.status, 200);
    crate::a11y::check_page("/experiments (submitted)", &page.body);
}

#[test]
fn a_unit_manager_sees_their_subtree_and_others_are_refused() {
    let app = TestApp::with_demo();
    build(&app);
    let manager = app.token(UNIT_MANAGER);
    let d = dashboard(&app, &manager, "").json();
    assert_eq!(d["ideas"]["total"], 3, "the trustee's idea in Utajärvi is outside");
    // The trustee's support of an idea in the subtree counts; their idea outside does not.
    assert_eq!(d["participants"], 4);
    let rows: Vec<&str> = d["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["Ikäihmisten palvelut"]);
    let outside = unit_named(&app, "Työ- ja päivätoiminta");
    assert_eq!(dashboard(&app, &manager, &format!("&unit={outside}")).status, 403);
    let inside = unit_named(&app, "Kotihoito");
    let d = dashboard(&app, &manager, &format!("&unit={inside}")).json();
    let rows: Vec<&str> = d["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["Kotihoito Ii", "Kotihoito Pudasjärvi"]);
    assert_eq!(d["units"][0]["ideas"], 3);

    for token in [app.token(EMPLOYEE), app.token(CUSTOMER), app.token(KEY_EXPERT)] {
        assert_eq!(dashboard(&app, &token, "").status, 403);
    }
    let bad = app.api(
        "GET",
        "/api/v1/dashboard?from=2026-05-01&to=2026-04-01",
        Some(&manager),
        None,
    );
    assert_eq!(bad.status, 422);
    assert_eq!(bad.error_fields(), ["to"]);
    let long = app.api(
        "GET",
        "/api/v1/dashboard?from=2010-01-01&to=2026-01-01",
        Some(&manager),
        None,
    );
    assert_eq!(long.status, 422);
    assert!(long.body.contains("period_too_long"));
}

#[test]
fn the_dashboard_page_charts_and_csv() {
    let app = TestApp::with_demo();
    build(&app);
    let mut manager = app.signed_in(MANAGER);
    let today = chrono::Utc::now().date_naive();
    let query = format!(
        "from={}&to={}",
        today - chrono::Duration::days(1),
        today + chrono::Duration::days(1)
    );
    let page = manager.get(&format!("/dashboard?{query}"));
    assert_eq!(page.status, 200, "{}", page.body);
    crate::a11y::check_page("/dashboard", &page.body);
    assert!(page.body.contains("<svg class=\"chart\""));
    assert!(page.body.contains("role=\"img\""));
    assert!(
        page.body
            .contains("<desc id=\"idea_funnel-chart-desc\">Ideat 4, Valittu kokeiltavaksi 1")
    );
    assert!(!page.body.contains("<script"));
    assert_eq!(manager.get("/dashboard?period=last_year").status, 200);
    let bad = manager.get("/dashboard?from=2026-05-01&to=2026-04-01");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("error-summary"));

    let csv = manager.get(&format!("/dashboard.csv?table=unit_experiments&{query}"));
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}Yksikkö;Kokeilut lähetetty;Kokeilut hyväksytty;Kokeilut päättyneet;Otettu käyttöön;Arvioinnin mediaani (päivää);Odottaa arviota;Käynnissä;Raportti myöhässä;Käyttöönotot muualla;Kertaluonteinen (€);Vuosittainen (€)"
    );
    assert!(
        lines.contains(&"Ikäihmisten palvelut;3;2;1;1;0,0;1;1;1;1;-500,00;12000,00"),
        "{lines:?}"
    );
    let csv = manager.get(&format!("/dashboard.csv?table=unit_participation&{query}"));
    let lines: Vec<&str> = csv.body.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}Yksikkö;Ideat;Valittu kokeiltavaksi;Havainnot;Osallistuneet;Ihmisiä;Osallistumisaste"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("Ikäihmisten palvelut;3;1;1;2;")),
        "{lines:?}"
    );
    // Figures link to the lists they count, with the period.
    let expected = format!(
        "href=\"/ideas?author_kind=employee&#38;from={}&#38;to={}\"",
        today - chrono::Duration::days(1),
        today + chrono::Duration::days(1)
    );
    assert!(
        page.body.contains(&expected),
        "{expected} in {}",
        &page.body[page.body.find("author_kind=employee").unwrap_or(0)..][..120]
    );
    assert!(page.body.contains("&#38;submitted_from="));
    let tags = manager.get(&format!("/dashboard.csv?table=tags&{query}"));
    assert_eq!(tags.body, "\u{feff}Nimi;Ideat\r\narki;2\r\nviestit;2\r\n");
    assert_eq!(
        manager.get(&format!("/dashboard.csv?table=nothing&{query}")).status,
        404
    );
    let workbook = manager.get(&format!("/dashboard.xlsx?table=tags&{query}"));
    assert_eq!(workbook.status, 200);
    assert_eq!(workbook.header("content-type"), Some(kehittamo::spreadsheet::XLSX_TYPE));
    assert!(workbook.body.starts_with("PK"), "a workbook");
    assert!(
        workbook
            .header("content-disposition")
            .is_some_and(|d| d.contains("dashboard-tags.xlsx"))
    );

    // A unit manager's download holds their subtree only; employees are refused.
    let mut unit_manager = app.signed_in(UNIT_MANAGER);
    let theirs = unit_manager.get(&format!("/dashboard.csv?table=unit_participation&{query}"));
    assert!(!theirs.body.contains("Työ- ja päivätoiminta"));
    assert_eq!(app.signed_in(EMPLOYEE).get("/dashboard").status, 403);
    assert_eq!(
        app.signed_in(EMPLOYEE)
            .get(&format!("/dashboard.csv?table=unit_experiments&{query}"))
            .status,
        403
    );
    assert_eq!(
        app.signed_in(EMPLOYEE)
            .get(&format!("/dashboard.xlsx?table=unit_experiments&{query}"))
            .status,
        403
    );
}

#[test]
fn csv_opens_in_columns_in_finnish_and_english_excel() {
    let app = TestApp::with_demo();
    kehittamo::demo_ideas::fill(&app.ctx).unwrap();
    kehittamo::demo_experiments::fill(&app.ctx).unwrap();
    let mut manager = app.signed_in(MANAGER);
    let fi = manager.get("/dashboard.csv?table=unit_participation&period=year");
    let first = fi.body.split("\r\n").nth(1).unwrap_or_default().to_string();
    assert!(
        first.contains(';') && !first.contains('.'),
        "semicolons, decimal comma: {first}"
    );
    app.api(
        "PUT",
        "/api/v1/me/locale",
        Some(&app.token(MANAGER)),
        Some(serde_json::json!({"locale": "en"})),
    );
    let en = manager.get("/dashboard.csv?table=unit_participation&period=year");
    assert!(en.body.starts_with('\u{feff}'));
    assert!(en.body.split("\r\n").next().unwrap().contains(','), "{}", en.body);
}

#[test]
fn dashboard_links_lead_somewhere_and_name_one_unit() {
    let app = TestApp::with_demo();
    kehittamo::demo_ideas::fill(&app.ctx).unwrap();
    kehittamo::demo_experiments::fill(&app.ctx).unwrap();
    let mut manager = app.signed_in(MANAGER);
    let sector = unit_named(&app, "Ikäihmisten palvelut");
    let page = manager.get(&format!("/dashboard?period=year&unit={sector}"));
    assert_eq!(page.status, 200);
    let hrefs: Vec<String> = page
        .body
        .split("href=\"")
        .skip(1)
        .map(|h| h.split('"').next().unwrap().replace("&#38;", "&").replace("&amp;", "&"))
        .filter(|h| h.starts_with('/'))
        .collect();
    assert!(!hrefs.is_empty());
    for href in &hrefs {
        assert!(href.matches("unit=").count() <= 1, "one unit per link: {href}");
        let res = manager.get(href);
        assert!(res.status == 200 || res.status == 303, "{href} → {}", res.status);
    }
}
