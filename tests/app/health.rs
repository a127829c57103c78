use crate::helpers::TestApp;

#[test]
fn healthz_and_readyz_answer() {
    let app = TestApp::spawn();
    let live = app.api("GET", "/healthz", None, None);
    assert_eq!(live.status, 200);
    assert_eq!(live.json()["status"], "ok");
    let ready = app.api("GET", "/readyz", None, None);
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["status"], "ready");
}

#[test]
fn openapi_document_lists_every_api_route() {
    let app = TestApp::spawn();
    let res = app.api("GET", "/api/openapi.json", None, None);
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let expected = [
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/api/v1/auth/token", "post"),
        ("/api/v1/auth/revoke", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/password-reset", "post"),
        ("/api/v1/auth/password-reset/confirm", "post"),
        ("/api/v1/me/password", "put"),
        ("/api/v1/me/locale", "put"),
        ("/api/v1/ideas/similar", "get"),
        ("/api/v1/units", "get"),
        ("/api/v1/units", "post"),
        ("/api/v1/units/{id}", "patch"),
        ("/api/v1/units/without-reviewers", "get"),
        ("/api/v1/experiments/{id}/copy", "post"),
        ("/api/v1/me/follows", "get"),
        ("/api/v1/me/preferences", "get"),
        ("/api/v1/me/preferences", "put"),
        ("/api/v1/follows/{object_type}/{id}", "put"),
        ("/api/v1/follows/{object_type}/{id}", "delete"),
        ("/api/v1/municipalities", "get"),
        ("/api/v1/municipalities", "post"),
        ("/api/v1/municipalities/{id}", "patch"),
        ("/api/v1/people", "get"),
        ("/api/v1/people", "post"),
        ("/api/v1/people/{id}", "get"),
        ("/api/v1/people/{id}", "patch"),
        ("/api/v1/people/{id}/roles", "post"),
        ("/api/v1/people/{id}/roles/{role_id}", "delete"),
        ("/api/v1/events", "get"),
        ("/api/v1/ideas", "get"),
        ("/api/v1/ideas", "post"),
        ("/api/v1/ideas/{id}", "get"),
        ("/api/v1/ideas/{id}", "patch"),
        ("/api/v1/ideas/{id}/supports", "post"),
        ("/api/v1/ideas/{id}/supports", "delete"),
        ("/api/v1/ideas/{id}/follow", "post"),
        ("/api/v1/ideas/{id}/follow", "delete"),
        ("/api/v1/ideas/{id}/publication", "post"),
        ("/api/v1/ideas/{id}/publication", "delete"),
        ("/api/v1/ideas/{id}/comments", "get"),
        ("/api/v1/ideas/{id}/comments", "post"),
        ("/api/v1/ideas/{id}/comments/{comment_id}", "patch"),
        ("/api/v1/ideas/{id}/comments/{comment_id}", "delete"),
        ("/api/v1/ideas/{id}/status", "post"),
        ("/api/v1/directions", "get"),
        ("/api/v1/directions", "post"),
        ("/api/v1/directions/{id}", "get"),
        ("/api/v1/directions/{id}", "patch"),
        ("/api/v1/campaigns", "get"),
        ("/api/v1/campaigns", "post"),
        ("/api/v1/campaigns/{id}", "get"),
        ("/api/v1/campaigns/{id}", "patch"),
        ("/api/v1/personas", "get"),
        ("/api/v1/personas", "post"),
        ("/api/v1/personas/{id}", "patch"),
        ("/api/v1/service-paths", "get"),
        ("/api/v1/service-paths", "post"),
        ("/api/v1/service-paths/{id}", "get"),
        ("/api/v1/service-paths/{id}", "patch"),
        ("/api/v1/service-paths/{id}/board", "get"),
        ("/api/v1/observations", "get"),
        ("/api/v1/observations", "post"),
        ("/api/v1/observations/{id}", "get"),
        ("/api/v1/ideas/{id}/observations", "post"),
        ("/api/v1/reports", "post"),
        ("/api/v1/reports", "get"),
        ("/api/v1/reports/decisions", "post"),
        ("/api/v1/experiments", "get"),
        ("/api/v1/experiments", "post"),
        ("/api/v1/experiments/{id}", "get"),
        ("/api/v1/experiments/{id}", "patch"),
        ("/api/v1/experiments/{id}/submit", "post"),
        ("/api/v1/experiments/{id}/withdraw", "post"),
        ("/api/v1/experiments/{id}/start", "post"),
        ("/api/v1/experiments/{id}/complete", "post"),
        ("/api/v1/experiments/{id}/outcome", "post"),
        ("/api/v1/experiments/{id}/reviews", "get"),
        ("/api/v1/experiments/{id}/reviews", "post"),
        ("/api/v1/experiments/{id}/log", "get"),
        ("/api/v1/experiments/{id}/log", "post"),
        ("/api/v1/experiments/{id}/report", "get"),
        ("/api/v1/experiments/{id}/report", "put"),
        ("/api/v1/experiments/{id}/adoptions", "get"),
        ("/api/v1/experiments/{id}/adoptions", "post"),
        ("/api/v1/experiments/{id}/versions", "get"),
        ("/api/v1/experiments/{id}/versions", "post"),
        ("/api/v1/experiments/{id}/versions/{version}/decision", "post"),
        ("/api/v1/experiments/{id}/publication", "post"),
        ("/api/v1/experiments/{id}/publication", "delete"),
        ("/api/v1/experiments/{id}/owner", "post"),
        ("/api/v1/reviews/queue", "get"),
        ("/api/v1/notifications", "get"),
        ("/api/v1/notifications/{id}/read", "post"),
        ("/api/v1/notifications/read", "post"),
        ("/api/v1/panels", "get"),
        ("/api/v1/panels", "post"),
        ("/api/v1/panels/{id}", "get"),
        ("/api/v1/panels/{id}", "patch"),
        ("/api/v1/panels/{id}/members", "get"),
        ("/api/v1/panels/{id}/members", "post"),
        ("/api/v1/panels/{id}/members/{person_id}", "delete"),
        ("/api/v1/panels/{id}/invitations", "get"),
        ("/api/v1/panels/{id}/invitations", "post"),
        ("/api/v1/panel-invitations/accept", "post"),
        ("/api/v1/panels/{id}/shares", "get"),
        ("/api/v1/panels/{id}/shares", "post"),
        ("/api/v1/panels/{id}/shares/{share_id}", "delete"),
        ("/api/v1/shares/{id}/comments", "post"),
        ("/api/v1/rounds", "get"),
        ("/api/v1/panels/{id}/rounds", "post"),
        ("/api/v1/rounds/{id}", "get"),
        ("/api/v1/rounds/{id}/ballot", "get"),
        ("/api/v1/rounds/{id}/ballot", "put"),
        ("/api/v1/rounds/{id}/results", "get"),
        ("/api/v1/people/{id}/municipalities", "get"),
        ("/api/v1/people/{id}/municipalities", "put"),
        ("/api/v1/my-municipality", "get"),
        ("/api/v1/surveys", "get"),
        ("/api/v1/surveys", "post"),
        ("/api/v1/surveys/{id}", "get"),
        ("/api/v1/surveys/{id}/answers", "post"),
        ("/api/v1/surveys/{id}/results", "get"),
        ("/api/v1/dashboard", "get"),
    ];
    for (path, method) in expected {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        expected.len(),
        "the document has routes this test does not know"
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn pages_carry_security_headers() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let res = b.get("/accessibility");
    assert_eq!(res.status, 200);
    let csp = res.header("content-security-policy").expect("CSP");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert!(res.header("referrer-policy").is_some());
}

#[test]
fn unknown_paths_are_404_in_the_readers_language() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let page = b.get_with("/no/such/page", &[("Accept-Language", "sv-FI,sv;q=0.9")]);
    assert_eq!(page.status, 404);
    assert!(page.body.contains("<html lang=\"sv\">"), "{}", page.body);
    assert!(page.body.contains("Sidan hittades inte"));
    let api = app.api("GET", "/api/v1/no-such-thing", None, None);
    assert_eq!(api.status, 404);
    assert_eq!(api.header("content-type"), Some("application/problem+json"));
    assert_eq!(api.json()["code"], "not_found");
}

#[test]
fn accessibility_statement_and_privacy_notice_are_public() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let a11y = b.get("/accessibility");
    assert_eq!(a11y.status, 200);
    assert!(a11y.body.contains("306/2019"));
    assert!(a11y.body.contains("saavutettavuusvaatimukset.fi"));
    assert!(a11y.body.contains("mailto:"));
    let privacy = b.get_with("/privacy", &[("Accept-Language", "en")]);
    assert_eq!(privacy.status, 200);
    assert!(privacy.body.contains("Privacy notice"));
}

/// PostgreSQL only: an open SQLite file cannot be made unreachable from outside the process.
#[test]
fn readyz_answers_503_and_pages_stay_friendly_when_the_database_goes_away() {
    let Some(admin_url) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipped on SQLite: needs TEST_DATABASE_URL");
        return;
    };
    use diesel::{Connection, RunQueryDsl};
    let app = TestApp::with_demo();
    assert_eq!(app.api("GET", "/readyz", None, None).status, 200);
    let name = app.database_url.rsplit('/').next().unwrap().to_string();
    openssl_sys::init();
    let mut admin = diesel::pg::PgConnection::establish(&admin_url).unwrap();
    let sql = |admin: &mut diesel::pg::PgConnection, q: &str| {
        diesel::sql_query(q)
            .execute(admin)
            .unwrap_or_else(|e| panic!("{q}: {e}"));
    };
    sql(&mut admin, &format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"));
    sql(
        &mut admin,
        &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
    );

    let started = std::time::Instant::now();
    loop {
        let res = app.api("GET", "/readyz", None, None);
        if res.status == 503 {
            assert_eq!(res.json()["code"], "unavailable");
            break;
        }
        assert!(started.elapsed().as_secs() < 20, "readyz stayed {}", res.status);
    }
    let mut b = app.browser();
    let page = b.get("/login");
    assert!(page.status >= 500, "{}", page.status);
    assert!(
        page.body.contains("<html lang=\"fi\">"),
        "a page, not a bare error: {}",
        page.body
    );
    assert!(
        !page.body.to_lowercase().contains("diesel"),
        "nothing internal is shown"
    );

    sql(&mut admin, &format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"));
    let started = std::time::Instant::now();
    while app.api("GET", "/readyz", None, None).status != 200 {
        assert!(started.elapsed().as_secs() < 30, "did not recover");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn a_write_lock_held_by_another_process_gives_503_with_retry_after_never_500() {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    let app = crate::helpers::TestApp::with_demo();
    if app.database_url.starts_with("postgres") {
        return; // SQLite's single writer only.
    }
    let token = app.token(crate::helpers::EMPLOYEE);
    let unit = crate::helpers::unit_named(&app, "Kotihoito Ii");
    // Another process (an admin command, a maintenance script) holds the write lock.
    let mut other = diesel::SqliteConnection::establish(&app.database_url).unwrap();
    other.batch_execute("BEGIN IMMEDIATE").unwrap();
    let body = serde_json::json!({"title": "Lukittu idea", "problem": "p", "proposal": "q", "unit_ids": [unit]});
    let res = app.api("POST", "/api/v1/ideas", Some(&token), Some(body.clone()));
    assert_eq!(res.status, 503, "{}", res.body);
    assert!(res.header("retry-after").is_some());
    assert_eq!(res.json()["code"], "unavailable");
    other.batch_execute("ROLLBACK").unwrap();
    // Released: the same write goes through, and nothing half-written was left.
    let res = app.api("POST", "/api/v1/ideas", Some(&token), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    let titles = app.api("GET", "/api/v1/ideas?q=Lukittu", Some(&token), None).json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(titles, 1);
}

#[test]
fn readyz_answers_within_a_second_when_no_connection_is_free() {
    let app = TestApp::spawn_with(|s| s.database.pool_size = 1);
    let held = app.ctx.db.read().unwrap();
    let started = std::time::Instant::now();
    let res = app.request("GET", "/readyz", &[], None);
    let took = started.elapsed();
    assert_eq!(res.status, 503);
    assert!(res.header("retry-after").is_some());
    assert!(took < std::time::Duration::from_millis(1000), "took {took:?}");
    drop(held);
    assert_eq!(app.request("GET", "/readyz", &[], None).status, 200);
}

#[test]
fn connections_the_database_dropped_are_replaced_not_answered_with_500() {
    let app = crate::helpers::TestApp::with_demo();
    if !app.database_url.starts_with("postgres") {
        return; // SQLite's connections are files; nothing drops them.
    }
    let token = app.token(crate::helpers::EMPLOYEE);
    assert_eq!(app.api("GET", "/api/v1/ideas", Some(&token), None).status, 200);
    // What a restart or a failover does to every pooled connection.
    let database = app.database_url.rsplit('/').next().unwrap().to_string();
    crate::helpers::pg_execute(
        &app.database_url,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        ),
    );
    let mut statuses = Vec::new();
    for path in ["/api/v1/ideas", "/api/v1/me", "/api/v1/ideas", "/api/v1/experiments"] {
        statuses.push(app.api("GET", path, Some(&token), None).status);
    }
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let mut b = app.signed_in(crate::helpers::EMPLOYEE);
    assert_eq!(b.get("/ideas").status, 200);
}
