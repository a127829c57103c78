use crate::helpers::*;
use kehittamo::auth::tokens::Purpose;
use serde_json::json;

#[test]
fn sign_in_shows_the_person_and_sign_out_ends_the_session() {
    let app = TestApp::with_demo();
    let mut b = app.signed_in(EMPLOYEE);
    let home = b.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Pekka Työntekijä"));
    assert!(home.body.contains("Kotihoito Ii"));
    let res = b.post_form("/logout", &[]);
    assert_eq!(res.status, 303);
    assert!(!b.cookies.contains_key("kehittamo_session"));
    let home = b.get("/");
    assert!(!home.body.contains("Pekka Työntekijä"));
    assert_eq!(b.get("/profile").status, 303);
}

#[test]
fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::with_demo();
    let wrong = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": EMPLOYEE, "password": "wrong password!!"})),
    );
    let unknown = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": "nobody@demo.kehittamo.fi", "password": "wrong password!!"})),
    );
    // Bad credentials are 401 problem+json in the API (the same for an unknown address).
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.header("content-type"), Some("application/problem+json"));
    assert_eq!(wrong.json()["code"], "invalid_credentials");
    let mut b = app.browser();
    let page = b.post_form("/login", &[("email", EMPLOYEE), ("password", "wrong password!!")]);
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Sähköposti tai salasana on väärin"));
    assert!(!b.cookies.contains_key("kehittamo_session"));
}

/// A token request for `email` from `address` (through the trusted proxy at 127.0.0.1).
fn token_from(app: &TestApp, address: &str, email: &str, password: &str) -> Resp {
    app.request(
        "POST",
        "/api/v1/auth/token",
        &[
            ("Content-Type".into(), "application/json".into()),
            ("X-Forwarded-For".into(), address.into()),
        ],
        Some(json!({"email": email, "password": password}).to_string()),
    )
}

fn behind_proxy() -> TestApp {
    let app = TestApp::spawn_with(|s| s.server.trusted_proxies = vec!["127.0.0.1".into()]);
    kehittamo::demo::fill(&app.ctx, 0, false).expect("demo data");
    app
}

#[test]
fn failures_from_one_address_wait_longer_each_time() {
    let app = TestApp::with_demo();
    for _ in 0..3 {
        let res = app.api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"email": TRUSTEE, "password": "guess guess guess"})),
        );
        assert_eq!(res.status, 401, "three typing mistakes are free");
    }
    let right_away = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": TRUSTEE, "password": DEMO_PASSWORD})),
    );
    assert_eq!(right_away.status, 429, "the fourth waits a second");
    assert_eq!(right_away.json()["code"], "rate_limited");
    assert_eq!(right_away.header("retry-after"), Some("1"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let wrong = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": TRUSTEE, "password": "guess guess guess"})),
    );
    assert_eq!(wrong.status, 401, "checked after the wait");
    let again = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": TRUSTEE, "password": DEMO_PASSWORD})),
    );
    assert_eq!(again.status, 429);
    // The wait doubles to 2 s from the last attempt (less the time its check took).
    let wait: u64 = again.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    // The web form says the same, in the reader's language, with the wait.
    let mut b = app.browser();
    let page = b.post_form("/login", &[("email", TRUSTEE), ("password", DEMO_PASSWORD)]);
    assert_eq!(page.status, 429);
    assert!(page.header("retry-after").is_some());
    // Another account from the same address still works.
    let other = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": EMPLOYEE, "password": DEMO_PASSWORD})),
    );
    assert_eq!(other.status, 200);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"email": TRUSTEE, "password": DEMO_PASSWORD})),
        )
        .status,
        200
    );
}

#[test]
fn parallel_wrong_passwords_are_counted_before_any_is_checked() {
    let app = TestApp::with_demo();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..40)
            .map(|_| {
                s.spawn(|| {
                    app.api(
                        "POST",
                        "/api/v1/auth/token",
                        None,
                        Some(json!({"email": TRUSTEE, "password": "guess guess guess"})),
                    )
                    .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 40, "{statuses:?}");
    assert_eq!(checked, 3, "only the free attempts were checked: {statuses:?}");
}

#[test]
fn an_attacker_elsewhere_cannot_lock_the_real_person_out() {
    let app = behind_proxy();
    // The trustee signs in from home once.
    assert_eq!(token_from(&app, "198.51.100.10", TRUSTEE, DEMO_PASSWORD).status, 200);
    // Someone guesses from twelve addresses, a few times each.
    for i in 0..12 {
        let res = token_from(&app, &format!("203.0.113.{i}"), TRUSTEE, "guess guess guess");
        assert!(matches!(res.status, 401 | 429), "{}", res.status);
    }
    let unknown = token_from(&app, "192.0.2.99", TRUSTEE, DEMO_PASSWORD);
    assert_eq!(unknown.status, 429, "the account is closed to new addresses for now");
    assert!(unknown.header("retry-after").is_some());
    let home = token_from(&app, "198.51.100.10", TRUSTEE, DEMO_PASSWORD);
    assert_eq!(home.status, 200, "but never to the address the person signed in from");
}

#[test]
fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    // Without trusted proxies a client cannot dodge the pair delay by writing the header.
    let app = TestApp::with_demo();
    for i in 0..3 {
        assert_eq!(
            token_from(&app, &format!("203.0.113.{i}"), TRUSTEE, "guess guess guess").status,
            401
        );
    }
    assert_eq!(
        token_from(&app, "203.0.113.200", TRUSTEE, "guess guess guess").status,
        429
    );
    // Behind a trusted proxy each client address is its own pair.
    let app = behind_proxy();
    for i in 0..4 {
        assert_eq!(
            token_from(&app, &format!("203.0.113.{i}"), TRUSTEE, "guess guess guess").status,
            401
        );
    }
}

#[test]
fn guesses_from_the_same_address_do_not_keep_out_a_browser_the_person_used_before() {
    let app = TestApp::with_demo();
    // The trustee signs in at the office, then signs out; the browser is remembered.
    let mut own = app.signed_in(TRUSTEE);
    assert!(own.cookies.contains_key("kehittamo_device"));
    own.post_form("/logout", &[]);
    // A colleague behind the same address guesses.
    let mut other = app.browser();
    for _ in 0..5 {
        other.post_form("/login", &[("email", TRUSTEE), ("password", "guess guess guess")]);
    }
    let refused = other.post_form("/login", &[("email", TRUSTEE), ("password", DEMO_PASSWORD)]);
    assert_eq!(refused.status, 429, "a browser never used by the person waits");
    let back = own.post_form("/login", &[("email", TRUSTEE), ("password", DEMO_PASSWORD)]);
    assert_eq!(back.status, 303, "the person's own browser gets in: {}", back.body);
    // A forged or another person's device cookie does not help.
    let mut forged = app.browser();
    forged.cookies.insert("kehittamo_device".into(), "not-a-token".into());
    let res = forged.post_form("/login", &[("email", TRUSTEE), ("password", "guess guess guess")]);
    assert_eq!(res.status, 429);
}

#[test]
fn signing_out_ends_that_session_and_only_that_one() {
    let app = TestApp::with_demo();
    let mut phone = app.signed_in(EMPLOYEE);
    let laptop = app.signed_in(EMPLOYEE);
    let copied = phone.cookies.clone();
    assert_eq!(phone.get("/profile").status, 200);
    let out = phone.post_form("/logout", &[]);
    assert_eq!(out.status, 303);
    // Replaying the signed-out cookie no longer signs anyone in.
    let mut replay = app.browser();
    replay.cookies = copied;
    let res = replay.get("/profile");
    assert_eq!(res.status, 303, "the ended session is refused");
    assert!(res.header("location").unwrap().starts_with("/login"));
    let mut laptop = laptop;
    assert_eq!(laptop.get("/profile").status, 200, "the other session goes on");
}

#[test]
fn api_token_opens_me_and_revoke_closes_every_token() {
    let app = TestApp::with_demo();
    let res = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": KEY_EXPERT, "password": DEMO_PASSWORD})),
    );
    assert_eq!(res.status, 200);
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_i64().unwrap() > 0);
    let token = body["access_token"].as_str().unwrap().to_string();
    let second = app.token(KEY_EXPERT);
    let mut web = app.signed_in(KEY_EXPERT);

    let me = app.api("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(me.status, 200);
    let me = me.json();
    assert_eq!(me["email"], KEY_EXPERT);
    assert_eq!(me["roles"][0]["role"], "key_expert");
    assert_eq!(me["roles"][0]["unit_name"], "Kotihoito");

    assert_eq!(app.api("POST", "/api/v1/auth/revoke", Some(&token), None).status, 204);
    for t in [&token, &second] {
        let after = app.api("GET", "/api/v1/me", Some(t), None);
        assert_eq!(after.status, 401);
        assert_eq!(after.header("content-type"), Some("application/problem+json"));
    }
    // The web session ended too.
    assert_eq!(web.get("/profile").status, 303);
}

#[test]
fn tokens_are_checked_for_signature_purpose_expiry_and_issue_time() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let id = app.person_id(&admin, EMPLOYEE);
    let now = chrono::Utc::now().timestamp();
    let tokens = &app.ctx.tokens;
    let future = tokens.issue_at(Purpose::Api, id, 0, now + 3600, 7200).0;
    let expired = tokens.issue_at(Purpose::Api, id, 0, now - 7200, 3600).0;
    let session = tokens.issue(Purpose::Session, id, 0).0;
    let good = tokens.issue(Purpose::Api, id, 0).0;
    let tampered = format!("{}x", &good[..good.len() - 1]);
    for (name, token) in [
        ("future iat", &future),
        ("expired", &expired),
        ("session cookie", &session),
        ("tampered", &tampered),
    ] {
        assert_eq!(app.api("GET", "/api/v1/me", Some(token), None).status, 401, "{name}");
    }
    assert_eq!(app.api("GET", "/api/v1/me", Some(&good), None).status, 200);
    assert_eq!(app.api("GET", "/api/v1/me", None, None).status, 401);
}

#[test]
fn password_change_revokes_tokens_but_keeps_this_browser_signed_in() {
    let app = TestApp::with_demo();
    let token = app.token(CUSTOMER);
    let mut other_browser = app.signed_in(CUSTOMER);
    let mut b = app.signed_in(CUSTOMER);

    let bad = b.post_form(
        "/profile/password",
        &[("current_password", "not it at all"), ("new_password", "short")],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Nykyinen salasana on väärin."));
    assert!(bad.body.contains("Salasanassa pitää olla vähintään 12 merkkiä."));
    assert_eq!(
        app.api("GET", "/api/v1/me", Some(&token), None).status,
        200,
        "a failed change revokes nothing"
    );

    let ok = b.post_form(
        "/profile/password",
        &[
            ("current_password", DEMO_PASSWORD),
            ("new_password", "uusi pitkä salasana"),
        ],
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(b.get("/profile").status, 200);
    assert_eq!(other_browser.get("/profile").status, 303);
    assert_eq!(app.api("GET", "/api/v1/me", Some(&token), None).status, 401);
    app.token_for(CUSTOMER, "uusi pitkä salasana");
}

#[test]
fn role_change_and_deactivation_revoke_at_once() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let employee = app.token(EMPLOYEE);
    let id = app.person_id(&admin, EMPLOYEE);
    let units = app.api("GET", "/api/v1/units", Some(&admin), None).json();
    let sector = units[0]["id"].as_i64().unwrap();

    let granted = app.api(
        "POST",
        &format!("/api/v1/people/{id}/roles"),
        Some(&admin),
        Some(json!({"role": "key_expert", "unit_id": sector})),
    );
    assert_eq!(granted.status, 201, "{}", granted.body);
    assert_eq!(
        app.api("GET", "/api/v1/me", Some(&employee), None).status,
        401,
        "role change revokes"
    );
    let fresh = app.token(EMPLOYEE);
    assert_eq!(
        app.api("GET", "/api/v1/me", Some(&fresh), None).json()["roles"][0]["role"],
        "key_expert"
    );

    let mut web = app.signed_in(EMPLOYEE);
    let off = app.api(
        "PATCH",
        &format!("/api/v1/people/{id}"),
        Some(&admin),
        Some(json!({"active": false})),
    );
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(
        app.api("GET", "/api/v1/me", Some(&fresh), None).status,
        401,
        "deactivation revokes"
    );
    assert_eq!(web.get("/profile").status, 303);
    let refused = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": EMPLOYEE, "password": DEMO_PASSWORD})),
    );
    assert_eq!(refused.status, 401, "a deactivated person cannot sign in");
}

#[test]
fn password_reset_by_mail_works_once() {
    let app = TestApp::with_demo();
    let mut b = app.browser();
    let res = b.post_form("/password/forgot", &[("email", TRUSTEE)]);
    assert_eq!(res.status, 200);
    let unknown = b.post_form("/password/forgot", &[("email", "nobody@demo.kehittamo.fi")]);
    assert_eq!(unknown.status, 200);
    assert_eq!(
        res.body.replace(&b.cookies["kehittamo_csrf"], ""),
        unknown.body.replace(&b.cookies["kehittamo_csrf"], "")
    );

    let mail = app.wait_for_mail(TRUSTEE);
    assert!(mail.subject.contains("salasana"), "{}", mail.subject);
    let link = link_in(&app, &mail);
    assert!(link.starts_with("/password/reset?token="));
    let form = b.get(&link);
    assert_eq!(form.status, 200);
    let token = link.split("token=").nth(1).unwrap().to_string();
    let short = b.post_form("/password/reset", &[("token", &token), ("password", "lyhyt")]);
    assert_eq!(short.status, 422);
    let done = b.post_form(
        "/password/reset",
        &[("token", &token), ("password", "luottamus on hyvä asia")],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(b.cookies.contains_key("kehittamo_session"));
    assert_eq!(b.get(&link).status, 410, "the link works once");
    let again = b.post_form(
        "/password/reset",
        &[("token", &token), ("password", "toinen yritys tässä")],
    );
    assert_eq!(again.status, 410);
    app.token_for(TRUSTEE, "luottamus on hyvä asia");
    assert_eq!(app.mail_count("nobody@demo.kehittamo.fi"), 0);
}

#[test]
fn customers_register_and_staff_domains_become_employees_after_verification() {
    let app = TestApp::spawn_with(|s| s.auth.staff_email_domains = vec!["oulunkaari.fi".into()]);
    kehittamo::demo::fill(&app.ctx, 0, false).unwrap();
    let mut b = app.browser();
    let res = b.post_form(
        "/register",
        &[
            ("name", "Kalle Kuntalainen"),
            ("email", "kalle@example.fi"),
            ("password", "kuntalaisen salasana"),
        ],
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let res = b.post_form(
        "/register",
        &[
            ("name", "Tiina Hoitaja"),
            ("email", "tiina@oulunkaari.fi"),
            ("password", "hoitajan salasana!"),
        ],
    );
    assert_eq!(res.status, 200);

    // Before verification nobody signs in, and the answer says why.
    let early = app.api(
        "POST",
        "/api/v1/auth/token",
        None,
        Some(json!({"email": "tiina@oulunkaari.fi", "password": "hoitajan salasana!"})),
    );
    assert_eq!(early.status, 422);
    assert_eq!(early.json()["errors"][0]["code"], "email_not_verified");

    for (email, password, kind) in [
        ("kalle@example.fi", "kuntalaisen salasana", "customer"),
        ("tiina@oulunkaari.fi", "hoitajan salasana!", "employee"),
    ] {
        let mail = app.wait_for_mail(email);
        let link = link_in(&app, &mail);
        let mut visitor = app.browser();
        let verified = visitor.get(&link);
        assert_eq!(verified.status, 303, "{}", verified.body);
        assert!(visitor.cookies.contains_key("kehittamo_session"));
        let token = app.token_for(email, password);
        assert_eq!(
            app.api("GET", "/api/v1/me", Some(&token), None).json()["kind"],
            kind,
            "{email}"
        );
        assert_eq!(visitor.get(&link).status, 410, "verification works once");
    }

    // Registering an address again sends a notice, not a second account.
    let again = b.post_form(
        "/register",
        &[
            ("name", "Toinen Kalle"),
            ("email", "kalle@example.fi"),
            ("password", "toinen salasana tässä"),
        ],
    );
    assert_eq!(again.status, 200);
    let started = std::time::Instant::now();
    while app.mail_count("kalle@example.fi") < 2 && started.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(app.wait_for_mail("kalle@example.fi").subject.contains("jo"));
    app.token_for("kalle@example.fi", "kuntalaisen salasana");
}

#[test]
fn registration_can_be_switched_off() {
    let app = TestApp::spawn_with(|s| s.auth.self_registration = false);
    kehittamo::demo::fill(&app.ctx, 0, false).unwrap();
    let mut b = app.browser();
    assert_eq!(b.get("/register").status, 404);
    let res = b.post_form(
        "/register",
        &[
            ("name", "X"),
            ("email", "x@example.fi"),
            ("password", "pitkä salasana 1"),
        ],
    );
    assert_eq!(res.status, 404);
}

#[test]
fn invited_people_set_their_own_password() {
    let app = TestApp::with_demo();
    let admin = app.token(ADMIN);
    let res = app.api(
        "POST",
        "/api/v1/people",
        Some(&admin),
        Some(json!({"email": "uusi@demo.kehittamo.fi", "name": "Uusi Työntekijä", "kind": "employee", "locale": "sv"})),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["email_verified"], false);
    let mail = app.wait_for_mail("uusi@demo.kehittamo.fi");
    assert!(
        mail.subject.contains("Inbjudan"),
        "invitation in the person's language: {}",
        mail.subject
    );
    assert!(mail.body.contains("Aino Ylläpitäjä"));
    let link = link_in(&app, &mail);
    let mut b = app.browser();
    assert_eq!(b.get(&link).status, 200);
    let token = link.split("token=").nth(1).unwrap().to_string();
    let done = b.post_form(
        "/invitation",
        &[
            ("token", &token),
            ("name", "Uusi Työntekijä"),
            ("password", "oma salasana tähän"),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let home = b.get("/");
    assert!(home.body.contains("lang=\"sv\""), "the person's language is used");
    app.token_for("uusi@demo.kehittamo.fi", "oma salasana tähän");
}

#[test]
fn language_switch_sets_cookie_and_profile() {
    let app = TestApp::with_demo();
    let mut anonymous = app.browser();
    let res = anonymous.post_form("/language", &[("lang", "en"), ("next", "/login")]);
    assert_eq!(res.status, 303);
    assert_eq!(res.header("location"), Some("/login"));
    assert!(anonymous.get("/login").body.contains("<h1>Sign in</h1>"));
    let evil = anonymous.post_form("/language", &[("lang", "sv"), ("next", "//evil.example/")]);
    assert_eq!(evil.header("location"), Some("/"), "no open redirect");

    let mut b = app.signed_in(EMPLOYEE);
    b.post_form("/language", &[("lang", "sv"), ("next", "/")]);
    let token = app.token(EMPLOYEE);
    assert_eq!(app.api("GET", "/api/v1/me", Some(&token), None).json()["locale"], "sv");
    let mut fresh = app.signed_in(EMPLOYEE);
    assert!(fresh.get("/profile").body.contains("Mina uppgifter"));
}

#[test]
fn accounts_in_the_api_register_reset_and_change_passwords_choose_a_language_and_find_similar_ideas() {
    let app = TestApp::with_demo();
    // Registration, verified by the mailed link; the mail is in the language asked for.
    let res = app.api(
        "POST",
        "/api/v1/auth/register",
        None,
        Some(json!({"email": "kalle@example.fi", "name": "Kalle Kuntalainen", "password": "kuntalaisen salasana", "locale": "sv"})),
    );
    assert_eq!(res.status, 202, "{}", res.body);
    let bad = app.api(
        "POST",
        "/api/v1/auth/register",
        None,
        Some(json!({"email": "ei osoite", "name": "", "password": "lyhyt"})),
    );
    assert_eq!(bad.status, 422);
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, ["email", "name", "password"]);
    let mail = app.wait_for_mail("kalle@example.fi");
    assert!(
        mail.subject.contains("Bekräfta") || mail.body.contains("Hej"),
        "{}",
        mail.subject
    );
    assert_eq!(app.browser().get(&link_in(&app, &mail)).status, 303);
    let kalle = app.token_for("kalle@example.fi", "kuntalaisen salasana");

    // Password reset through the API: the answer is the same for unknown addresses.
    for email in [TRUSTEE, "nobody@demo.kehittamo.fi"] {
        let res = app.api(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            Some(json!({"email": email})),
        );
        assert_eq!(res.status, 202);
    }
    let link = link_in(&app, &app.wait_for_mail(TRUSTEE));
    let token = link.split("token=").nth(1).unwrap().to_string();
    let reset = app.api(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        None,
        Some(json!({"token": token, "password": "uusi salasana tähän"})),
    );
    assert_eq!(reset.status, 200, "{}", reset.body);
    let fresh = reset.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.api("GET", "/api/v1/me", Some(&fresh), None).status, 200);
    let again = app.api(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        None,
        Some(json!({"token": token, "password": "kolmas salasana tähän"})),
    );
    assert_eq!(again.status, 409, "the link works once");

    // Changing the password revokes earlier tokens and hands out a new one.
    let wrong = app.api(
        "PUT",
        "/api/v1/me/password",
        Some(&kalle),
        Some(json!({"current_password": "väärä", "new_password": "toinen salasana tässä"})),
    );
    assert_eq!(wrong.status, 422);
    assert_eq!(wrong.error_fields(), ["current_password"]);
    let changed = app.api(
        "PUT",
        "/api/v1/me/password",
        Some(&kalle),
        Some(json!({"current_password": "kuntalaisen salasana", "new_password": "toinen salasana tässä"})),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(app.api("GET", "/api/v1/me", Some(&kalle), None).status, 401);
    let kalle = changed.json()["access_token"].as_str().unwrap().to_string();

    // The language: problem details follow it.
    let bad = app.api("PUT", "/api/v1/me/locale", Some(&kalle), Some(json!({"locale": "de"})));
    assert_eq!(bad.status, 422);
    assert_eq!(bad.error_fields(), ["locale"]);
    let res = app.api("PUT", "/api/v1/me/locale", Some(&kalle), Some(json!({"locale": "en"})));
    assert_eq!(res.status, 204);
    assert_eq!(app.api("GET", "/api/v1/me", Some(&kalle), None).json()["locale"], "en");

    // Similar ideas, as the submit form's hint, among those the caller may see.
    employee_idea(&app, "Tekstiviesti ennen kotikäyntiä");
    let employee = app.token(EMPLOYEE);
    let similar = app.api(
        "GET",
        "/api/v1/ideas/similar?q=Tekstiviesti%20asiakkaalle",
        Some(&employee),
        None,
    );
    assert_eq!(similar.status, 200, "{}", similar.body);
    assert_eq!(similar.json()[0]["title"], "Tekstiviesti ennen kotikäyntiä");
    let hidden_from_customer = app.api("GET", "/api/v1/ideas/similar?q=Tekstiviesti", Some(&kalle), None);
    assert_eq!(hidden_from_customer.json().as_array().unwrap().len(), 0);
    assert_eq!(
        app.api("GET", "/api/v1/ideas/similar", Some(&employee), None).status,
        400
    );
}

#[test]
fn sign_in_returns_only_to_local_paths() {
    let app = TestApp::with_demo();
    for (next, expected) in [
        ("/ideas?sort=new", "/ideas?sort=new"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("/ideas\r\nSet-Cookie: x=1", "/"),
    ] {
        let mut b = app.browser();
        let res = b.post_form(
            "/login",
            &[("email", EMPLOYEE), ("password", DEMO_PASSWORD), ("next", next)],
        );
        assert_eq!(res.status, 303, "{next:?}: {}", res.body);
        assert_eq!(res.header("location"), Some(expected), "{next:?}");
        let res = b.post_form("/language", &[("lang", "sv"), ("next", next)]);
        assert_eq!(res.status, 303, "{next:?}");
        assert_eq!(res.header("location"), Some(expected), "{next:?}");
    }
}

#[test]
fn answers_to_a_signed_in_person_are_not_stored() {
    let app = TestApp::with_demo();
    let mut b = app.signed_in(EMPLOYEE);
    for path in ["/", "/ideas", "/profile"] {
        assert_eq!(b.get(path).header("cache-control"), Some("no-store"), "{path}");
    }
    assert_ne!(b.get("/static/app.css").header("cache-control"), Some("no-store"));
    let token = app.token(EMPLOYEE);
    for path in ["/api/v1/me", "/api/v1/ideas"] {
        let res = app.api("GET", path, Some(&token), None);
        assert_eq!(res.header("cache-control"), Some("no-store"), "{path}");
    }
}

#[test]
fn a_form_token_must_be_one_the_server_issued() {
    let app = TestApp::with_demo();
    let mut b = app.browser();
    // A cookie planted with any value equal to the form field is not enough.
    b.cookies.insert("kehittamo_csrf".into(), "x".into());
    let res = b.post_raw(
        "/login",
        &[("csrf_token", "x"), ("email", EMPLOYEE), ("password", DEMO_PASSWORD)],
        &[],
    );
    assert_eq!(res.status, 403, "{}", res.body);
    assert!(!b.cookies.contains_key("kehittamo_session"));
    // The token the server issues works.
    b.cookies.remove("kehittamo_csrf");
    let res = b.post_form("/login", &[("email", EMPLOYEE), ("password", DEMO_PASSWORD)]);
    assert_eq!(res.status, 303);
}

#[test]
fn repeated_account_mail_requests_send_one_mail_per_few_minutes() {
    let app = TestApp::with_demo();
    for _ in 0..5 {
        let res = app.api(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            Some(json!({"email": TRUSTEE})),
        );
        assert_eq!(res.status, 202);
    }
    for _ in 0..3 {
        let res = app.api(
            "POST",
            "/api/v1/auth/register",
            None,
            Some(json!({"email": EMPLOYEE, "name": "Toinen Pekka", "password": "rekisteröinnin salasana"})),
        );
        assert_eq!(res.status, 202, "{}", res.body);
    }
    app.wait_for_mail(TRUSTEE);
    app.wait_for_mail(EMPLOYEE);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(app.mail_count(TRUSTEE), 1, "one reset link");
    assert_eq!(app.mail_count(EMPLOYEE), 1, "one already-registered notice");
}
