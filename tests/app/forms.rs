//! Forms that come back with errors: the summary names each field, in the form's order, with
//! every problem in one round; each item links to something on the page, and the fields that
//! are not plain inputs (checkbox groups, selects, radio groups) say they are invalid.

use crate::helpers::*;

/// The error summary's items as (link target, text), in order.
pub fn summary(body: &str) -> Vec<(String, String)> {
    let part = body.split("class=\"error-summary\"").nth(1).unwrap_or_default();
    let part = part.split("</ul>").next().unwrap_or_default();
    part.split("<li>")
        .skip(1)
        .map(|li| {
            let target = li
                .split("href=\"#")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_default()
                .to_string();
            let text = li
                .split('>')
                .nth(1)
                .and_then(|s| s.split('<').next())
                .unwrap_or_default()
                .to_string();
            (target, text)
        })
        .collect()
}

fn targets(body: &str) -> Vec<String> {
    summary(body).into_iter().map(|(t, _)| t).collect()
}

/// Every summary link points at an element of the page.
pub fn links_resolve(body: &str) {
    for (target, text) in summary(body) {
        if !target.is_empty() {
            assert!(
                body.contains(&format!("id=\"{target}\"")),
                "the summary's link #{target} ({text}) has no element"
            );
        }
    }
}

#[test]
fn registration_errors_name_their_fields_in_the_forms_order() {
    let app = TestApp::spawn_with(|s| s.auth.self_registration = true);
    let mut b = app.browser();
    let res = b.post_form(
        "/register",
        &[("name", ""), ("email", "ei-osoite"), ("password", "lyhyt")],
    );
    assert_eq!(res.status, 422, "{}", res.body);
    assert_eq!(targets(&res.body), ["f-name", "f-email", "f-password"]);
    let texts: Vec<String> = summary(&res.body).into_iter().map(|(_, t)| t).collect();
    assert!(texts[0].starts_with("Nimi: "), "{texts:?}");
    assert!(texts[1].starts_with("Sähköposti: "), "{texts:?}");
    assert!(texts[2].starts_with("Salasana: "), "{texts:?}");
    links_resolve(&res.body);
}

#[test]
fn setup_errors_come_in_the_forms_order() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    b.get("/setup");
    let res = b.post_form(
        "/setup",
        &[("organisation_name", ""), ("name", ""), ("email", ""), ("password", "")],
    );
    assert_eq!(res.status, 422);
    assert_eq!(
        targets(&res.body),
        ["f-organisation_name", "f-name", "f-email", "f-password"]
    );
    links_resolve(&res.body);
}

#[test]
fn a_password_change_reports_the_current_password_first() {
    let app = TestApp::with_demo();
    let mut web = app.signed_in(EMPLOYEE);
    let res = web.post_form(
        "/profile/password",
        &[("current_password", "väärin väärin"), ("new_password", "lyhyt")],
    );
    assert_eq!(res.status, 422, "{}", res.body);
    assert_eq!(targets(&res.body), ["f-current_password", "f-new_password"]);
    links_resolve(&res.body);
}

#[test]
fn an_empty_experiment_plan_reports_every_field_in_one_round() {
    let app = TestApp::with_demo();
    let mut web = app.signed_in(EMPLOYEE);
    let res = web.post_form(
        "/experiments",
        &[
            ("title", ""),
            ("unit_id", ""),
            ("hypothesis", ""),
            ("what_tried", ""),
            ("starts_on", ""),
            ("ends_on", ""),
        ],
    );
    assert_eq!(res.status, 422);
    assert_eq!(
        targets(&res.body),
        [
            "f-title",
            "f-unit_id",
            "f-hypothesis",
            "f-what_tried",
            "f-starts_on",
            "f-ends_on"
        ],
        "{:?}",
        summary(&res.body)
    );
    let texts: Vec<String> = summary(&res.body).into_iter().map(|(_, t)| t).collect();
    assert!(texts[1].starts_with("Yksikkö: "), "{texts:?}");
    assert!(
        res.body
            .contains("id=\"f-unit_id\" name=\"unit_id\" aria-invalid=\"true\" aria-describedby=\"f-unit_id-error\""),
        "the unit select says it is invalid"
    );
    links_resolve(&res.body);
    let count = res.body.matches("experiments").count();
    assert!(count > 0);
    let list = app.api("GET", "/api/v1/experiments?mine=true", Some(&app.token(EMPLOYEE)), None);
    assert!(!list.body.contains("\"title\":\"\""), "nothing was written");
}

#[test]
fn an_idea_without_units_marks_the_checkboxes_invalid() {
    let app = TestApp::with_demo();
    let mut web = app.signed_in(EMPLOYEE);
    let res = web.post_form(
        "/ideas",
        &[
            ("title", "Idea ilman yksikköä"),
            ("problem", "Ongelma"),
            ("proposal", "Ehdotus"),
        ],
    );
    assert_eq!(res.status, 422);
    assert_eq!(targets(&res.body), ["f-unit_ids"]);
    assert!(summary(&res.body)[0].1.starts_with("Yksiköt: "));
    assert!(res.body.contains("name=\"unit_ids\""));
    assert!(
        res.body
            .contains("aria-invalid=\"true\" aria-describedby=\"f-unit_ids-error\""),
        "each unit checkbox is tied to the message"
    );
    assert!(res.body.contains("id=\"f-unit_ids-error\""));
    links_resolve(&res.body);
}
