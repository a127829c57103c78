//! TestApp: the real application on a random port, against a fresh SQLite file or a fresh
//! PostgreSQL database (when TEST_DATABASE_URL is set), spoken to over HTTP.

use kehittamo::config::Settings;
use kehittamo::domain::Context;
use kehittamo::mail::{MemoryMailbox, SentMail};
use kehittamo::startup::Application;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const DEMO_PASSWORD: &str = kehittamo::demo::DEMO_PASSWORD;
pub const ADMIN: &str = "admin@demo.kehittamo.fi";
pub const MANAGER: &str = "johto@demo.kehittamo.fi";
pub const UNIT_MANAGER: &str = "esihenkilo@demo.kehittamo.fi";
pub const KEY_EXPERT: &str = "avainosaaja@demo.kehittamo.fi";
pub const EMPLOYEE: &str = "tyontekija@demo.kehittamo.fi";
pub const CUSTOMER: &str = "asiakas@demo.kehittamo.fi";
pub const TRUSTEE: &str = "luottamus@demo.kehittamo.fi";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A running application for one test.
pub struct TestApp {
    pub base: String,
    pub ctx: Context,
    pub mailbox: Option<MemoryMailbox>,
    pub database_url: String,
    system: actix_web::rt::System,
    postgres: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// An empty application (no organisation yet).
    pub fn spawn() -> TestApp {
        Self::spawn_with(|_| {})
    }

    /// An application with the demo organisation and people.
    pub fn with_demo() -> TestApp {
        let app = Self::spawn();
        kehittamo::demo::fill(&app.ctx, 0, false).expect("demo data");
        app
    }

    /// An empty application with adjusted settings.
    pub fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings::for_tests().expect("test settings");
        let dir = tempfile::tempdir().expect("temp dir");
        let mut postgres = None;
        settings.database.url = match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(admin_url) => {
                let name = format!(
                    "kehittamo_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    chrono::Utc::now().timestamp_subsec_nanos()
                );
                pg_execute(&admin_url, &format!("CREATE DATABASE {name}"));
                let url = replace_database(&admin_url, &name);
                postgres = Some((admin_url, name));
                url
            }
            None => dir.path().join("test.sqlite3").display().to_string(),
        };
        settings.mail.file_dir = dir.path().join("mail");
        adjust(&mut settings);
        let database_url = settings.database.url.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                match Application::build(settings) {
                    Ok(app) => {
                        let _ = tx.send(Ok((
                            app.port(),
                            app.context(),
                            app.mailer(),
                            actix_web::rt::System::current(),
                        )));
                        let _ = app.run_until_stopped().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                    }
                }
            });
        });
        let started = rx.recv().expect("app thread");
        let (port, ctx, mailer, system) = match started {
            Ok(parts) => parts,
            Err(e) => {
                if let Some((admin_url, name)) = &postgres {
                    pg_execute(admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
                panic!("application did not start: {e}");
            }
        };
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            ctx,
            mailbox: mailer.memory(),
            database_url,
            system,
            postgres,
            _dir: dir,
        }
    }

    /// A new browser with its own cookie jar.
    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
        }
    }

    /// A browser signed in as `email` with the demo password.
    pub fn signed_in(&self, email: &str) -> Browser<'_> {
        let mut b = self.browser();
        let res = b.post_form(
            "/login",
            &[("email", email), ("password", DEMO_PASSWORD), ("next", "/")],
        );
        assert_eq!(res.status, 303, "sign-in as {email} failed: {}", res.body);
        b
    }

    /// An API bearer token for `email` with the demo password.
    pub fn token(&self, email: &str) -> String {
        self.token_for(email, DEMO_PASSWORD)
    }

    /// An API bearer token for the given credentials.
    pub fn token_for(&self, email: &str, password: &str) -> String {
        let res = self.api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(serde_json::json!({"email": email, "password": password})),
        );
        assert_eq!(res.status, 200, "token for {email}: {}", res.body);
        res.json()["access_token"].as_str().expect("access_token").to_string()
    }

    /// Calls the JSON API.
    pub fn api(&self, method: &str, path: &str, token: Option<&str>, body: Option<serde_json::Value>) -> Resp {
        let mut headers = vec![("Accept".to_string(), "application/json".to_string())];
        if let Some(t) = token {
            headers.push(("Authorization".into(), format!("Bearer {t}")));
        }
        let body = body.map(|b| {
            headers.push(("Content-Type".into(), "application/json".into()));
            b.to_string()
        });
        self.request(method, path, &headers, body)
    }

    /// Sends one raw request.
    pub fn request(&self, method: &str, path: &str, headers: &[(String, String)], body: Option<String>) -> Resp {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build()
            .into();
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (k, v) in headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let result = match body {
            Some(b) => agent.run(builder.body(b).expect("request")),
            None => agent.run(builder.body(()).expect("request")),
        };
        let mut res = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        // Binary downloads (workbooks) are kept lossily, so that their signature can be checked.
        let body = String::from_utf8_lossy(&res.body_mut().read_to_vec().unwrap_or_default()).into_owned();
        Resp { status, headers, body }
    }

    /// Waits for the outbox to deliver mail to `to` and returns the newest one.
    pub fn wait_for_mail(&self, to: &str) -> SentMail {
        let mailbox = self.mailbox.as_ref().expect("memory mailer");
        let started = Instant::now();
        loop {
            if let Some(m) = mailbox.lock().unwrap().iter().rev().find(|m| m.to == to) {
                return m.clone();
            }
            assert!(started.elapsed() < Duration::from_secs(10), "no mail to {to}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits for the newest mail to `to` that `matches`; `what` names it in the failure.
    fn wait_for_mail_where(&self, to: &str, what: &str, matches: impl Fn(&SentMail) -> bool) -> SentMail {
        let mailbox = self.mailbox.as_ref().expect("memory mailer");
        let started = Instant::now();
        loop {
            if let Some(m) = mailbox.lock().unwrap().iter().rev().find(|m| m.to == to && matches(m)) {
                return m.clone();
            }
            assert!(started.elapsed() < Duration::from_secs(10), "no mail to {to} {what}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits for a mail to `to` whose body contains `needle`.
    pub fn wait_for_mail_saying(&self, to: &str, needle: &str) -> SentMail {
        self.wait_for_mail_where(to, &format!("saying {needle}"), |m| m.body.contains(needle))
    }

    /// Waits for a mail to `to` whose subject contains `needle`.
    pub fn wait_for_mail_about(&self, to: &str, needle: &str) -> SentMail {
        self.wait_for_mail_where(to, &format!("about {needle}"), |m| m.subject.contains(needle))
    }

    /// How many mails delivered to `to` have `needle` in their subject.
    pub fn mails_about(&self, to: &str, needle: &str) -> usize {
        self.mailbox
            .as_ref()
            .expect("memory mailer")
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.to == to && m.subject.contains(needle))
            .count()
    }

    /// How many mails were delivered to `to`.
    pub fn mail_count(&self, to: &str) -> usize {
        self.mailbox
            .as_ref()
            .expect("memory mailer")
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.to == to)
            .count()
    }

    /// The id of a person by email, through the admin API.
    pub fn person_id(&self, admin_token: &str, email: &str) -> i64 {
        let res = self.api("GET", &format!("/api/v1/people?q={email}"), Some(admin_token), None);
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()["items"][0]["id"].as_i64().expect("person id")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.system.stop();
        if let Some((admin_url, name)) = &self.postgres {
            std::thread::sleep(Duration::from_millis(50));
            pg_execute(admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

pub fn pg_execute(url: &str, sql: &str) {
    use diesel::{Connection, RunQueryDsl};
    // The first PostgreSQL connection of the process initialises OpenSSL: without its exit
    // handler, as the app does (diesel-rs/diesel#3441), or the test process may crash as it
    // exits while servers still connect (seen in CI: SIGSEGV after every test had passed).
    openssl_sys::init();
    let mut conn = diesel::pg::PgConnection::establish(url).expect("connect to TEST_DATABASE_URL");
    diesel::sql_query(sql)
        .execute(&mut conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A response.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    /// The first header of that name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The field names of a problem document's errors.
    pub fn error_fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A browser: a cookie jar that posts forms with their CSRF token.
pub struct Browser<'a> {
    app: &'a TestApp,
    pub cookies: HashMap<String, String>,
}

impl Browser<'_> {
    fn cookie_header(&self) -> Vec<(String, String)> {
        if self.cookies.is_empty() {
            return Vec::new();
        }
        let value = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        vec![("Cookie".into(), value)]
    }

    fn remember(&mut self, res: &Resp) {
        for (k, v) in &res.headers {
            if !k.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let first = v.split(';').next().unwrap_or("");
            if let Some((name, value)) = first.split_once('=') {
                let removed = v.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
                if removed {
                    self.cookies.remove(name.trim());
                } else {
                    self.cookies.insert(name.trim().to_string(), value.trim().to_string());
                }
            }
        }
    }

    /// GET a page.
    pub fn get(&mut self, path: &str) -> Resp {
        self.get_with(path, &[])
    }

    /// GET a page with extra headers.
    pub fn get_with(&mut self, path: &str, extra: &[(&str, &str)]) -> Resp {
        let mut headers = self.cookie_header();
        headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let res = self.app.request("GET", path, &headers, None);
        self.remember(&res);
        res
    }

    /// The CSRF token a form on a page would carry.
    pub fn csrf(&mut self) -> String {
        if !self.cookies.contains_key("kehittamo_csrf") {
            self.get("/healthz");
            self.get("/accessibility");
        }
        self.cookies.get("kehittamo_csrf").cloned().expect("csrf cookie")
    }

    /// POST a form with the CSRF token.
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, &[])
    }

    /// POST form fields as given (no token added), with extra headers.
    pub fn post_raw(&mut self, path: &str, fields: &[(&str, &str)], extra: &[(&str, &str)]) -> Resp {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut headers = self.cookie_header();
        headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
        headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let res = self.app.request("POST", path, &headers, Some(body));
        self.remember(&res);
        res
    }
}

/// Percent-encodes a form value.
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The first link in a mail body that starts with the app's base URL.
pub fn link_in(app: &TestApp, mail: &SentMail) -> String {
    let base = app.ctx.settings.base_url();
    let start = mail
        .body
        .find(base)
        .unwrap_or_else(|| panic!("no link in mail: {}", mail.body));
    let rest = &mail.body[start + base.len()..];
    rest.split_whitespace().next().unwrap_or("").to_string()
}

/// Submits an idea of Kotihoito Ii as the demo employee; returns its id.
pub fn employee_idea(app: &TestApp, title: &str) -> i64 {
    let body = serde_json::json!({
        "title": title,
        "problem": "Asiakkaat odottavat kotihoidon käyntejä epätietoisina.",
        "proposal": "Kokeillaan uutta tapaa.",
        "unit_ids": [unit_named(app, "Kotihoito Ii")],
    });
    let res = app.api("POST", "/api/v1/ideas", Some(&app.token(EMPLOYEE)), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

/// The id of the unit with this name, found in the tree.
pub fn unit_named(app: &TestApp, name: &str) -> i64 {
    fn find(nodes: &serde_json::Value, name: &str) -> Option<i64> {
        nodes.as_array()?.iter().find_map(|n| {
            if n["name"] == name {
                n["id"].as_i64()
            } else {
                find(&n["children"], name)
            }
        })
    }
    let token = app.token(ADMIN);
    find(&app.api("GET", "/api/v1/units", Some(&token), None).json(), name).expect(name)
}

/// A unit of the tree (as `/api/v1/units` gives it) and all units below it.
pub fn with_descendants(node: &serde_json::Value) -> Vec<i64> {
    let mut out = vec![node["id"].as_i64().unwrap()];
    for c in node["children"].as_array().unwrap() {
        out.extend(with_descendants(c));
    }
    out
}
