//! Staff pulse surveys over the API: who opens and answers, one answer each, answers out of
//! range, anonymity (only counts are stored), and the threshold of five answers per group.

use crate::helpers::*;
use kehittamo::auth::tokens::Purpose;
use serde_json::{Value, json};

/// A new employee of `unit` (no password); returns a token made directly.
fn employee_of(app: &TestApp, email: &str, unit: i64) -> String {
    let body =
        json!({"email": email, "name": email.split('@').next().unwrap(), "kind": "employee", "unit_ids": [unit]});
    let res = app.api("POST", "/api/v1/people", Some(&app.token(ADMIN)), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    app.ctx
        .tokens
        .issue(Purpose::Api, res.json()["id"].as_i64().unwrap(), 0)
        .0
}

fn survey_body(unit: Option<i64>, extra: Value) -> Value {
    let today = chrono::Utc::now().date_naive();
    let mut body = json!({
        "title": "Kehittäminen työyhteisössä",
        "unit_id": unit,
        "opens_on": (today - chrono::Duration::days(1)).to_string(),
        "closes_on": (today + chrono::Duration::days(14)).to_string(),
        "statements": ["Hyvät ideat jaetaan kollegoiden kesken", "Esihenkilöni kannustaa arjen kokeiluihin"],
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// Opens a survey with the default body; returns its id and statement ids.
fn open_survey(app: &TestApp, token: &str, unit: Option<i64>) -> (i64, Vec<i64>) {
    let res = app.api(
        "POST",
        "/api/v1/surveys",
        Some(token),
        Some(survey_body(unit, json!({}))),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let statements = res.json()["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    (res.json()["id"].as_i64().unwrap(), statements)
}

fn answer(app: &TestApp, token: &str, survey: i64, statements: &[i64], values: &[i64]) -> Resp {
    let answers: Vec<Value> = statements
        .iter()
        .zip(values)
        .map(|(s, v)| json!({"statement_id": s, "value": v}))
        .collect();
    app.api(
        "POST",
        &format!("/api/v1/surveys/{survey}/answers"),
        Some(token),
        Some(json!({ "answers": answers })),
    )
}

fn group<'a>(results: &'a Value, unit: &str) -> &'a Value {
    results["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["unit"]["name"] == unit)
        .unwrap_or_else(|| panic!("no group {unit}"))
}

/// Moves the survey's close to a minute ago.
fn close(app: &TestApp, survey: i64) {
    use diesel::prelude::*;
    use kehittamo::db::schema::surveys;
    let mut conn = app.ctx.db.write().unwrap();
    diesel::update(surveys::table.find(survey))
        .set(surveys::closes_at.eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)))
        .execute(&mut conn)
        .unwrap();
}

/// Every shown group, and "everyone" when shown, as (unit or None, respondents).
fn shown_groups(results: &Value) -> Vec<(Option<i64>, i64)> {
    let mut out = Vec::new();
    if results["overall"]["shown"] == true {
        out.push((None, results["overall"]["respondents"].as_i64().unwrap()));
    }
    for g in results["units"].as_array().unwrap() {
        if g["shown"] == true {
            out.push((g["unit"]["id"].as_i64(), g["respondents"].as_i64().unwrap()));
        } else {
            assert_eq!(g["respondents"], Value::Null, "a hidden group's count never shows");
        }
    }
    out
}

/// No shown group minus a shown group inside it leaves 1–4 people.
fn no_shown_difference_is_small(app: &TestApp, results: &Value) {
    use diesel::prelude::*;
    use kehittamo::db::schema::units;
    let parents: std::collections::HashMap<i64, Option<i64>> = {
        let mut conn = app.ctx.db.read().unwrap();
        units::table
            .select((units::id, units::parent_id))
            .load::<(i64, Option<i64>)>(&mut conn)
            .unwrap()
            .into_iter()
            .collect()
    };
    let inside = |inner: i64, outer: Option<i64>| {
        let mut at = Some(inner);
        while let Some(u) = at {
            if Some(u) == outer {
                return true;
            }
            at = parents.get(&u).copied().flatten();
        }
        outer.is_none()
    };
    let shown = shown_groups(results);
    for (outer, n) in &shown {
        assert!(*n >= 5);
        for (inner, m) in &shown {
            if inner != outer && inner.is_some_and(|i| inside(i, *outer)) {
                assert!(
                    !(1..5).contains(&(n - m)),
                    "{outer:?} ({n}) minus {inner:?} ({m}) reveals"
                );
            }
        }
    }
}

#[test]
fn the_observed_subtraction_no_longer_reveals_the_lone_respondent() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let (survey, statements) = open_survey(&app, &admin, None);
    let ii = unit_named(&app, "Kotihoito Ii");
    for (i, value) in [3, 3, 3, 3, 5].iter().enumerate() {
        let token = employee_of(&app, &format!("kh{i}@example.fi"), ii);
        assert_eq!(answer(&app, &token, survey, &statements, &[*value, 3]).status, 204);
    }
    let lone = employee_of(&app, "yksin@example.fi", unit_named(&app, "Asumispalvelut"));
    assert_eq!(answer(&app, &lone, survey, &statements, &[1, 3]).status, 204);
    let path = format!("/api/v1/surveys/{survey}/results");
    assert_eq!(app.api("GET", &path, Some(&admin), None).json()["overall"], Value::Null);
    close(&app, survey);

    let results = app.api("GET", &path, Some(&admin), None).json();
    let kotihoito = group(&results, "Kotihoito");
    assert_eq!(kotihoito["statements"][0]["counts"], json!([0, 0, 4, 0, 1]));
    assert_eq!(
        results["overall"]["shown"], false,
        "everyone [1,0,4,0,1] minus Kotihoito [0,0,4,0,1] would be the lone answer"
    );
    assert_eq!(results["overall"]["respondents"], Value::Null);
    assert_eq!(results["survey"]["respondents"], Value::Null);
    assert_eq!(group(&results, "Asumispalvelut")["respondents"], Value::Null);
    assert_eq!(group(&results, "Vammaispalvelut")["shown"], false);
    no_shown_difference_is_small(&app, &results);

    // The list and the survey page do not give the total away either.
    let listed = app.api("GET", "/api/v1/surveys", Some(&admin), None).json();
    let mine = listed.as_array().unwrap().iter().find(|s| s["id"] == survey).unwrap();
    assert_eq!(mine["respondents"], Value::Null);
}

#[test]
fn surveys_are_answered_once_anonymously_and_shown_after_close_where_safe() {
    let app = TestApp::with_demo();
    let (ii, pudasjarvi) = (
        unit_named(&app, "Kotihoito Ii"),
        unit_named(&app, "Kotihoito Pudasjärvi"),
    );
    let elderly = unit_named(&app, "Ikäihmisten palvelut");
    let manager = app.token(UNIT_MANAGER);

    // Who opens, and bad input naming its fields.
    for token in [app.token(EMPLOYEE), app.token(CUSTOMER), app.token(KEY_EXPERT)] {
        let res = app.api(
            "POST",
            "/api/v1/surveys",
            Some(&token),
            Some(survey_body(Some(elderly), json!({}))),
        );
        assert_eq!(res.status, 403);
    }
    let today = chrono::Utc::now().date_naive();
    let bad = survey_body(
        Some(unit_named(&app, "Vammaispalvelut")),
        json!({"title": "", "statements": [" "], "closes_on": (today - chrono::Duration::days(9)).to_string()}),
    );
    let res = app.api("POST", "/api/v1/surveys", Some(&manager), Some(bad));
    assert_eq!(res.status, 422);
    assert_eq!(res.error_fields(), ["title", "closes_on", "statements", "unit_id"]);
    let res = app.api(
        "POST",
        "/api/v1/surveys",
        Some(&manager),
        Some(survey_body(None, json!({}))),
    );
    assert_eq!(res.status, 422, "a unit manager cannot ask the whole organisation");
    let (survey, statements) = open_survey(&app, &manager, Some(elderly));

    // Who answers, what is refused.
    let ii_staff: Vec<String> = (0..5)
        .map(|i| employee_of(&app, &format!("ii{i}@example.fi"), ii))
        .collect();
    let pj_staff: Vec<String> = (0..4)
        .map(|i| employee_of(&app, &format!("pj{i}@example.fi"), pudasjarvi))
        .collect();
    let outside = employee_of(&app, "vammais@example.fi", unit_named(&app, "Asumispalvelut"));
    assert_eq!(answer(&app, &outside, survey, &statements, &[4, 4]).status, 404);
    assert_eq!(
        answer(&app, &app.token(CUSTOMER), survey, &statements, &[4, 4]).status,
        404
    );
    let res = answer(&app, &ii_staff[0], survey, &statements, &[6, 0]);
    assert_eq!(res.status, 422);
    assert_eq!(
        res.error_fields(),
        [
            format!("statement_{}", statements[0]),
            format!("statement_{}", statements[1])
        ]
    );
    let res = answer(&app, &ii_staff[0], survey, &statements[..1], &[4]);
    assert_eq!(res.status, 422, "every statement is answered");
    let tally_rows = || {
        use diesel::prelude::*;
        let mut conn = app.ctx.db.read().unwrap();
        kehittamo::db::schema::survey_tallies::table
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
    };
    let rows_before = tally_rows();
    for (i, token) in ii_staff.iter().take(4).enumerate() {
        assert_eq!(answer(&app, token, survey, &statements, &[5, 1 + i as i64]).status, 204);
    }
    assert_eq!(
        tally_rows(),
        rows_before,
        "answers only add to counts, no row per answer"
    );
    assert_eq!(answer(&app, &ii_staff[0], survey, &statements, &[3, 3]).status, 409);
    for token in &pj_staff {
        assert_eq!(answer(&app, token, survey, &statements, &[2, 2]).status, 204);
    }
    let seen = app
        .api("GET", &format!("/api/v1/surveys/{survey}"), Some(&ii_staff[0]), None)
        .json();
    assert_eq!(seen["answered"], true);
    assert_eq!(seen["can_answer"], false);
    assert_eq!(seen["can_see_results"], false);

    // While open, no figures at all: reading before and after one answer would reveal it.
    let path = format!("/api/v1/surveys/{survey}/results");
    assert_eq!(app.api("GET", &path, Some(&ii_staff[0]), None).status, 403);
    assert_eq!(app.api("GET", &path, Some(&app.token(CUSTOMER)), None).status, 403);
    let open = app.api("GET", &path, Some(&manager), None).json();
    assert_eq!(open["available"], false);
    assert_eq!(open["overall"], Value::Null);
    assert_eq!(open["units"], json!([]));
    assert_eq!(open["survey"]["respondents"], Value::Null, "no count while open");
    assert_eq!(answer(&app, &ii_staff[4], survey, &statements, &[4, 5]).status, 204);
    let open = app.api("GET", &path, Some(&manager), None).json();
    assert_eq!(open["overall"], Value::Null, "still nothing to compare");
    close(&app, survey);

    // Closed: Kotihoito Ii (five) would show, but Kotihoito (nine) minus it is Pudasjärvi's
    // four, so Kotihoito Ii is hidden too; nothing hidden shows its respondents.
    let results = app.api("GET", &path, Some(&manager), None).json();
    assert_eq!(results["available"], true);
    for hidden in ["Kotihoito Ii", "Kotihoito Pudasjärvi"] {
        let g = group(&results, hidden);
        assert_eq!(g["shown"], false, "{hidden}");
        assert_eq!(g["respondents"], Value::Null, "{hidden}");
        assert_eq!(g["statements"][0]["mean"], Value::Null);
        assert_eq!(g["statements"][0]["counts"], json!([]));
    }
    let parent = group(&results, "Kotihoito");
    assert_eq!(parent["shown"], true);
    assert_eq!(parent["respondents"], 9);
    assert_eq!(parent["statements"][0]["counts"], json!([0, 4, 0, 1, 4]));
    assert_eq!(parent["statements"][1]["counts"], json!([1, 5, 1, 1, 1]));
    assert_eq!(parent["statements"][1]["mean"], 23.0 / 9.0);
    let trustee = app.api("GET", &path, Some(&app.token(TRUSTEE)), None).json();
    assert_eq!(trustee["overall"]["respondents"], 9);
    assert_eq!(trustee["survey"]["respondents"], 9);
    assert_eq!(
        group(&trustee, "Kotihoito Ii")["shown"],
        false,
        "the same for every reader"
    );
    no_shown_difference_is_small(&app, &trustee);

    // After the close nobody answers.
    let late = employee_of(&app, "myohassa@example.fi", ii);
    let res = answer(&app, &late, survey, &statements, &[3, 3]);
    assert_eq!(res.status, 409);
    assert!(res.body.contains("survey_not_open"));
}

#[test]
fn surveys_on_web_pages() {
    let app = TestApp::with_demo();
    let mut manager = app.signed_in(UNIT_MANAGER);
    let form = manager.get("/surveys/new");
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("Esihenkilöni kannustaa arjen kokeiluihin"),
        "default statements"
    );
    crate::a11y::check_page("/surveys/new", &form.body);
    assert_eq!(app.signed_in(EMPLOYEE).get("/surveys/new").status, 403);
    let today = chrono::Utc::now().date_naive();
    let unit = unit_named(&app, "Kotihoito").to_string();
    let bad = manager.post_form(
        "/surveys",
        &[
            ("title", "Kysely"),
            ("unit_id", &unit),
            ("opens_on", "eilen"),
            ("closes_on", ""),
            ("statements", "Väite"),
        ],
    );
    assert_eq!(bad.status, 422);
    let created = manager.post_form(
        "/surveys",
        &[
            ("title", "Syksyn pulssi"),
            ("unit_id", &unit),
            ("opens_on", &today.to_string()),
            ("closes_on", &(today + chrono::Duration::days(7)).to_string()),
            ("statements", "Hyvät ideat jaetaan\nKokeilemme rohkeasti"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let path = created
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();

    // The employee of Kotihoito Ii answers with the radio buttons.
    let mut employee = app.signed_in(EMPLOYEE);
    let page = employee.get(&path);
    assert_eq!(page.status, 200);
    crate::a11y::check_page(&path, &page.body);
    let fields: Vec<String> = page
        .body
        .split("name=\"statement_")
        .skip(1)
        .map(|r| format!("statement_{}", r.split('"').next().unwrap()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(fields.len(), 2);
    let missing = employee.post_form(&format!("{path}/answers"), &[(&fields[0], "4")]);
    assert_eq!(missing.status, 422);
    assert!(missing.body.contains("error-summary"));
    let sent = employee.post_form(&format!("{path}/answers"), &[(&fields[0], "4"), (&fields[1], "5")]);
    assert_eq!(sent.status, 303);
    let again = employee.get(&path);
    assert!(again.body.contains("Olet vastannut tähän kyselyyn."));
    assert!(!again.body.contains("type=\"radio\""));

    let results = manager.get(&format!("{path}/results"));
    assert_eq!(results.status, 200);
    assert!(
        results.body.contains("kun kysely on päättynyt"),
        "no figures while open"
    );
    crate::a11y::check_page("/surveys/results", &results.body);
    let list = manager.get("/surveys");
    crate::a11y::check_page("/surveys", &list.body);
    assert!(list.body.contains("Syksyn pulssi"));
    assert_eq!(employee.get(&format!("{path}/results")).status, 403);
}

#[test]
fn a_unit_moved_after_the_survey_opened_cannot_be_subtracted_from_everyone() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let elderly = unit_named(&app, "Ikäihmisten palvelut");
    let (survey, statements) = open_survey(&app, &admin, Some(elderly));
    let (ii, pudasjarvi) = (
        unit_named(&app, "Kotihoito Ii"),
        unit_named(&app, "Kotihoito Pudasjärvi"),
    );
    for i in 0..6 {
        let token = employee_of(&app, &format!("ii{i}@example.fi"), ii);
        assert_eq!(answer(&app, &token, survey, &statements, &[4, 4]).status, 204);
    }
    for (i, value) in [1, 2, 1].iter().enumerate() {
        let token = employee_of(&app, &format!("pj{i}@example.fi"), pudasjarvi);
        assert_eq!(answer(&app, &token, survey, &statements, &[*value, 2]).status, 204);
    }
    close(&app, survey);
    // Kotihoito Pudasjärvi moves to another sector afterwards.
    {
        use diesel::prelude::*;
        use kehittamo::db::schema::units;
        let disability = unit_named(&app, "Vammaispalvelut");
        let mut conn = app.ctx.db.write().unwrap();
        diesel::update(units::table.find(pudasjarvi))
            .set(units::parent_id.eq(Some(disability)))
            .execute(&mut conn)
            .unwrap();
    }
    let manager = app.token(UNIT_MANAGER);
    let results = app
        .api(
            "GET",
            &format!("/api/v1/surveys/{survey}/results"),
            Some(&manager),
            None,
        )
        .json();
    let kotihoito = group(&results, "Kotihoito");
    assert_eq!(kotihoito["respondents"], 9);
    assert_eq!(
        results["overall"]["respondents"], 9,
        "everyone is counted over the tree as it opened, so everyone minus Kotihoito is 0, not the three"
    );
    assert_eq!(
        results["overall"]["statements"][0]["counts"],
        kotihoito["statements"][0]["counts"]
    );
    no_shown_difference_is_small(&app, &results);
}
