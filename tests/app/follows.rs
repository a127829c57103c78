//! Following and hearing back: authors, supporters and commenters follow automatically, anyone
//! who may read a page follows by choice, and followers hear of comments, supports, status
//! changes and merges (in the app; by email at once when it is their own idea).

use crate::helpers::*;
use serde_json::{Value, json};

fn bell(app: &TestApp, token: &str) -> Vec<Value> {
    app.api("GET", "/api/v1/notifications", Some(token), None)
        .json()
        .as_array()
        .unwrap()
        .clone()
}

fn kinds_about(app: &TestApp, token: &str, idea: i64) -> Vec<String> {
    bell(app, token)
        .iter()
        .filter(|n| n["object_type"] == "idea" && n["object_id"] == idea)
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_author_hears_of_comments_and_supports_and_followers_of_status_changes() {
    let app = TestApp::with_demo();
    let idea = employee_idea(&app, "Kotikäynnin tekstiviesti");
    let (author, colleague, expert) = (app.token(EMPLOYEE), app.token(TRUSTEE), app.token(KEY_EXPERT));
    // A colleague comments and supports: the author hears of both, in the app and by email.
    let res = app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/comments"),
        Some(&colleague),
        Some(json!({"body": "Hyvä ajatus, kokeillaan Iissä."})),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(
        app.api(
            "POST",
            &format!("/api/v1/ideas/{idea}/supports"),
            Some(&colleague),
            None
        )
        .status
            / 100,
        2
    );
    assert_eq!(kinds_about(&app, &author, idea), ["idea_supported", "idea_commented"]);
    app.wait_for_mail_about(EMPLOYEE, "Kotikäynnin tekstiviesti");
    assert!(
        kinds_about(&app, &colleague, idea).is_empty(),
        "nobody hears of their own doing"
    );

    // The commenter now follows; a status change reaches both, with the actor left out.
    let follows = app.api("GET", "/api/v1/me/follows", Some(&colleague), None).json();
    assert_eq!(follows[0]["object_type"], "idea");
    assert_eq!(follows[0]["object_id"], idea);
    let res = app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/status"),
        Some(&expert),
        Some(json!({"status": "in_discussion"})),
    );
    assert!(res.status / 100 == 2, "{}", res.body);
    assert_eq!(kinds_about(&app, &author, idea)[0], "idea_status_changed");
    assert_eq!(kinds_about(&app, &colleague, idea)[0], "idea_status_changed");
    assert!(kinds_about(&app, &expert, idea).is_empty());

    // Stopping is remembered: commenting again does not make them follow.
    assert_eq!(
        app.api(
            "DELETE",
            &format!("/api/v1/follows/idea/{idea}"),
            Some(&colleague),
            None
        )
        .status,
        204
    );
    app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/comments"),
        Some(&colleague),
        Some(json!({"body": "Vielä yksi huomio."})),
    );
    assert_eq!(
        app.api("GET", "/api/v1/me/follows", Some(&colleague), None).json(),
        json!([])
    );
    let before = kinds_about(&app, &colleague, idea).len();
    app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/comments"),
        Some(&author),
        Some(json!({"body": "Kiitos!"})),
    );
    assert_eq!(kinds_about(&app, &colleague, idea).len(), before, "no longer hears");
}

#[test]
fn following_by_choice_needs_a_page_one_may_read_and_merges_are_told() {
    let app = TestApp::with_demo();
    let idea = employee_idea(&app, "Yhdistettävä idea");
    let target = employee_idea(&app, "Laajempi idea");
    let (customer, trustee, expert) = (app.token(CUSTOMER), app.token(TRUSTEE), app.token(KEY_EXPERT));
    assert_eq!(
        app.api("PUT", &format!("/api/v1/follows/idea/{idea}"), Some(&customer), None)
            .status,
        404,
        "a customer cannot follow a staff idea"
    );
    assert_eq!(
        app.api("PUT", "/api/v1/follows/idea/999999", Some(&trustee), None)
            .status,
        404
    );
    assert_eq!(
        app.api("PUT", &format!("/api/v1/follows/poll/{idea}"), Some(&trustee), None)
            .status,
        404
    );
    assert_eq!(
        app.api("PUT", &format!("/api/v1/follows/idea/{idea}"), Some(&trustee), None)
            .status,
        204
    );
    let res = app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/status"),
        Some(&expert),
        Some(json!({"status": "merged", "merged_into_id": target})),
    );
    assert!(res.status / 100 == 2, "{}", res.body);
    assert_eq!(
        kinds_about(&app, &trustee, idea),
        ["idea_merged"],
        "{} {:?}",
        res.body,
        bell(&app, &trustee)
    );
    let follows = app.api("GET", "/api/v1/me/follows", Some(&trustee), None).json();
    assert!(
        follows.as_array().unwrap().iter().any(|f| f["object_id"] == target),
        "followers move with the merge: {follows}"
    );
}

#[test]
fn preferences_choose_how_each_kind_is_heard_of() {
    let app = TestApp::with_demo();
    let (author, colleague) = (app.token(EMPLOYEE), app.token(TRUSTEE));
    let prefs = app.api("GET", "/api/v1/me/preferences", Some(&author), None).json();
    let of = |prefs: &Value, kind: &str| {
        prefs
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == kind)
            .unwrap()
            .clone()
    };
    assert_eq!(of(&prefs, "idea_commented")["channel"], "daily");
    assert_eq!(of(&prefs, "idea_commented")["default"], true);
    assert_eq!(of(&prefs, "review_waiting")["channel"], "immediate");
    // Bad input names what was wrong.
    let bad = app.api(
        "PUT",
        "/api/v1/me/preferences",
        Some(&author),
        Some(json!([{"kind": "idea_commented", "channel": "hourly"}])),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    let unknown = app.api(
        "PUT",
        "/api/v1/me/preferences",
        Some(&author),
        Some(json!([{"kind": "weather", "channel": "off"}])),
    );
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.error_fields(), ["kind_weather"]);

    // Comments: off. Supports: in the app only (no mail).
    let saved = app.api(
        "PUT",
        "/api/v1/me/preferences",
        Some(&author),
        Some(json!([{"kind": "idea_commented", "channel": "off"}, {"kind": "idea_supported", "channel": "app"}])),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(of(&saved.json(), "idea_commented")["default"], false);
    let idea = employee_idea(&app, "Asetusten testi-idea");
    app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/comments"),
        Some(&colleague),
        Some(json!({"body": "Kommentti, josta ei kerrota."})),
    );
    app.api(
        "POST",
        &format!("/api/v1/ideas/{idea}/supports"),
        Some(&colleague),
        None,
    );
    assert_eq!(kinds_about(&app, &author, idea), ["idea_supported"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mails_about = app
        .mailbox
        .as_ref()
        .unwrap()
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to == EMPLOYEE && m.subject.contains("Asetusten testi-idea"))
        .count();
    assert_eq!(mails_about, 0, "in the app only, and comments not at all");

    // The profile page offers the same choices, and saves them.
    let mut b = app.signed_in(EMPLOYEE);
    let page = b.get("/profile");
    assert!(page.body.contains(r#"name="kind_idea_commented""#));
    crate::a11y::check_page("/profile", &page.body);
    let res = b.post_form("/profile/notifications", &[("kind_idea_commented", "weekly")]);
    assert_eq!(res.status, 303);
    let prefs = app.api("GET", "/api/v1/me/preferences", Some(&author), None).json();
    assert_eq!(of(&prefs, "idea_commented")["channel"], "weekly");
    assert_eq!(
        of(&prefs, "idea_supported")["channel"],
        "app",
        "kinds not sent keep theirs"
    );
}

#[test]
fn digests_gather_followed_news_once_in_the_persons_language_and_skip_the_empty() {
    let app = TestApp::with_demo();
    let (author, follower, weekly) = (app.token(EMPLOYEE), app.token(TRUSTEE), app.token(KEY_EXPERT));
    let idea = employee_idea(&app, "Koosteen idea");
    for token in [&follower, &weekly] {
        assert_eq!(
            app.api("PUT", &format!("/api/v1/follows/idea/{idea}"), Some(token), None)
                .status,
            204
        );
    }
    assert_eq!(
        app.api(
            "PUT",
            "/api/v1/me/locale",
            Some(&follower),
            Some(json!({"locale": "sv"}))
        )
        .status
            / 100,
        2
    );
    app.api(
        "PUT",
        "/api/v1/me/preferences",
        Some(&weekly),
        Some(json!([{"kind": "idea_commented", "channel": "weekly"}])),
    );
    for body in ["Ensimmäinen kommentti.", "Toinen kommentti."] {
        app.api(
            "POST",
            &format!("/api/v1/ideas/{idea}/comments"),
            Some(&author),
            Some(json!({ "body": body })),
        );
    }
    assert_eq!(kinds_about(&app, &follower, idea).len(), 2, "in the app at once");

    // The next morning: one daily digest, for the follower only, in Swedish; not sent twice,
    // even by two instances at once.
    let tomorrow = kehittamo::clock::now() + chrono::Duration::days(1);
    let sent: usize = std::thread::scope(|s| {
        let a = s.spawn(|| kehittamo::domain::digests::send_due_at(&app.ctx, tomorrow).unwrap());
        let b = s.spawn(|| kehittamo::domain::digests::send_due_at(&app.ctx, tomorrow).unwrap());
        a.join().unwrap() + b.join().unwrap()
    });
    assert!(
        sent >= 1,
        "the follower's daily digest (and on Mondays the weekly ones)"
    );
    let digest = app.wait_for_mail_about(TRUSTEE, "Dagens sammandrag: 2");
    assert!(digest.body.contains("Koosteen idea"), "{}", digest.body);
    assert!(digest.body.contains(&format!("/ideas/{idea}")));
    assert!(digest.body.contains("/profile"), "how to change it");
    assert_eq!(kehittamo::domain::digests::send_due_at(&app.ctx, tomorrow).unwrap(), 0);

    // A week on: the weekly one (it may have gone tomorrow already, when tomorrow is a Monday).
    let next_week = kehittamo::clock::now() + chrono::Duration::days(8);
    kehittamo::domain::digests::send_due_at(&app.ctx, next_week).unwrap();
    let weekly_digest = app.wait_for_mail_about(KEY_EXPERT, "Viikon kooste");
    assert!(weekly_digest.body.contains("Koosteen idea"), "{}", weekly_digest.body);
    assert_eq!(
        kehittamo::domain::digests::send_due_at(&app.ctx, next_week).unwrap(),
        0,
        "nothing left"
    );
    // Two instances ran at once: still one digest each, and nothing else by mail.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(app.mails_about(TRUSTEE, "Dagens sammandrag"), 1);
    assert_eq!(app.mails_about(KEY_EXPERT, "Viikon kooste"), 1);
    assert_eq!(
        app.mail_count(KEY_EXPERT),
        1,
        "one weekly digest, and nothing else by mail"
    );
}

#[test]
fn every_notification_mail_unsubscribes_in_one_click_without_signing_in() {
    let app = TestApp::with_demo();
    let (author, colleague) = (app.token(EMPLOYEE), app.token(TRUSTEE));
    let idea = employee_idea(&app, "Lopetettavat viestit");
    let comment = |body: &str| {
        app.api(
            "POST",
            &format!("/api/v1/ideas/{idea}/comments"),
            Some(&colleague),
            Some(json!({ "body": body })),
        )
    };
    comment("Ensimmäinen.");
    let mail = app.wait_for_mail_about(EMPLOYEE, "Lopetettavat viestit");
    let link = mail.unsubscribe.clone().expect("List-Unsubscribe");
    assert!(link.contains("/unsubscribe?token="), "{link}");
    assert!(mail.body.contains(&link), "the same link in the text: {}", mail.body);
    assert!(!mail.body.contains("[[unsubscribe]]"));
    let path = link
        .split_once("127.0.0.1")
        .map(|(_, rest)| rest.split_once('/').unwrap().1)
        .unwrap();
    let path = format!("/{path}");

    // The page confirms without signing in; the mail client's one-click POST needs no form token.
    let page = app.request("GET", &path, &[], None);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Uusi kommentti ideassa"),
        "names what is switched off"
    );
    crate::a11y::check_page("/unsubscribe", &page.body);
    let done = app.request(
        "POST",
        &path,
        &[("Content-Type".into(), "application/x-www-form-urlencoded".into())],
        Some("List-Unsubscribe=One-Click".into()),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Et enää saa sähköpostia"));
    let prefs = app.api("GET", "/api/v1/me/preferences", Some(&author), None).json();
    let commented = prefs
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "idea_commented")
        .unwrap();
    assert_eq!(commented["channel"], "app", "still in the app, no longer by mail");
    let before = app.mail_count(EMPLOYEE);
    comment("Toinen.");
    assert_eq!(kinds_about(&app, &author, idea).len(), 2);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(app.mail_count(EMPLOYEE), before);

    // A tampered, an expired and a revoked link are refused with a way on.
    let tampered = format!("{}x", path);
    let res = app.request("GET", &tampered, &[], None);
    assert_eq!(res.status, 400);
    assert!(res.body.contains("/profile"));
    let id = app.person_id(&app.token(ADMIN), EMPLOYEE);
    let old = app
        .ctx
        .tokens
        .unsubscribe_at(id, 0, "idea_commented", chrono::Utc::now().timestamp() - 100 * 86400);
    assert_eq!(
        app.request("POST", &format!("/unsubscribe?token={old}"), &[], None)
            .status,
        400
    );
    app.api("POST", "/api/v1/auth/revoke", Some(&author), None);
    assert_eq!(
        app.request("GET", &path, &[], None).status,
        400,
        "signing out everywhere revokes it"
    );
    // Account mail carries no unsubscribe.
    app.api(
        "POST",
        "/api/v1/auth/password-reset",
        None,
        Some(json!({"email": EMPLOYEE})),
    );
    let reset = app.wait_for_mail_saying(EMPLOYEE, "/reset");
    assert!(reset.unsubscribe.is_none());
}
