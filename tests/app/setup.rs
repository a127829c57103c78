use crate::helpers::TestApp;

#[test]
fn first_visit_offers_setup_and_creates_the_first_administrator() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let home = b.get("/");
    assert_eq!(home.status, 303);
    assert_eq!(home.header("location"), Some("/setup"));
    let form = b.get("/setup");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"organisation_name\""));

    let res = b.post_form(
        "/setup",
        &[
            ("organisation_name", "Oulunkaaren kuntayhtymä"),
            ("name", "Aino Ylläpitäjä"),
            ("email", "Aino@Oulunkaari.fi"),
            ("password", "pitkä salasana 2026"),
        ],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(b.cookies.contains_key("kehittamo_session"));
    let admin = b.get("/admin");
    assert_eq!(admin.status, 200);
    assert!(admin.body.contains("Oulunkaaren kuntayhtymä"));

    // The email was stored in lower case and the person is an administrator.
    let token = app.token_for("aino@oulunkaari.fi", "pitkä salasana 2026");
    let me = app.api("GET", "/api/v1/me", Some(&token), None).json();
    assert_eq!(me["roles"][0]["role"], "admin");
    assert_eq!(me["kind"], "employee");
}

#[test]
fn setup_with_bad_input_reshows_the_form_and_writes_nothing() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let res = b.post_form(
        "/setup",
        &[
            ("organisation_name", ""),
            ("name", "A"),
            ("email", "not-an-email"),
            ("password", "short"),
        ],
    );
    assert_eq!(res.status, 422);
    assert!(res.body.contains("aria-invalid=\"true\""));
    assert!(res.body.contains("href=\"#f-email\""));
    assert!(res.body.contains("Salasanassa pitää olla vähintään 12 merkkiä."));
    assert!(res.body.contains("Tämä kenttä on pakollinen."));
    // The typed values come back, the password does not.
    assert!(res.body.contains("value=\"not-an-email\""));
    assert!(!res.body.contains("value=\"short\""));
    assert_eq!(b.get("/").header("location"), Some("/setup"));
}

#[test]
fn setup_cannot_run_twice() {
    let app = TestApp::with_demo();
    let mut b = app.browser();
    assert_eq!(b.get("/setup").status, 303);
    let res = b.post_form(
        "/setup",
        &[
            ("organisation_name", "Toinen"),
            ("name", "Hyökkääjä"),
            ("email", "evil@example.fi"),
            ("password", "pitkä salasana 2026"),
        ],
    );
    assert_eq!(res.status, 409);
    let token = app.token(crate::helpers::ADMIN);
    let people = app.api("GET", "/api/v1/people?q=evil", Some(&token), None).json();
    assert_eq!(people["items"].as_array().unwrap().len(), 0);
}
