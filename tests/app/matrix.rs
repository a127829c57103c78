//! The permission matrix: every kind of person × the actions on every kind of object, against
//! the API's answers, the pages' answers and the `can` values the domain serves, so that the
//! web and the API are held to the one rule in `domain/policy`.
//!
//! Who, in the order of every expectation string ('y' may, '-' may not):
//! anonymous, panel member (customer), other customer, employee (author), trustee,
//! key expert (Kotihoito), unit manager (Ikäihmisten palvelut, panel coordinator),
//! organisation-wide manager, administrator.

use crate::helpers::*;
use crate::panels::{PASSWORD, add_member, customer, panel};
use serde_json::{Value, json};

const OUTSIDER: &str = "ulkona@example.fi";
const WHO: [&str; 9] = [
    "anonymous",
    CUSTOMER,
    OUTSIDER,
    EMPLOYEE,
    TRUSTEE,
    KEY_EXPERT,
    UNIT_MANAGER,
    MANAGER,
    ADMIN,
];

/// The running app with a session and a token for every kind of person.
struct World<'a> {
    app: &'a TestApp,
    tokens: Vec<Option<String>>,
    pages: Vec<Browser<'a>>,
}

impl<'a> World<'a> {
    fn new(app: &'a TestApp) -> World<'a> {
        customer(app, OUTSIDER);
        let mut tokens = Vec::new();
        let mut pages = Vec::new();
        for who in WHO {
            let password = if who == OUTSIDER { PASSWORD } else { DEMO_PASSWORD };
            let mut b = app.browser();
            if who == "anonymous" {
                tokens.push(None);
            } else {
                tokens.push(Some(app.token_for(who, password)));
                let res = b.post_form("/login", &[("email", who), ("password", password), ("next", "/")]);
                assert_eq!(res.status, 303, "sign-in as {who}");
            }
            pages.push(b);
        }
        World { app, tokens, pages }
    }

    fn api(&self, i: usize, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.app.api(method, path, self.tokens[i].as_deref(), body)
    }

    /// Checks who gets a 2xx from the API call.
    fn api_matrix(&self, action: &str, method: &str, path: &str, body: Option<Value>, expected: &str) {
        let got: String = (0..WHO.len())
            .map(|i| {
                let res = self.api(i, method, path, body.clone());
                assert!(res.status < 500, "{action} as {}: {} {}", WHO[i], res.status, res.body);
                if (200..300).contains(&res.status) { 'y' } else { '-' }
            })
            .collect();
        assert_eq!(got, expected, "API {action}: {method} {path}");
    }

    /// Checks who gets the page (200); others get 403, 404 or the sign-in redirect.
    fn page_matrix(&mut self, action: &str, path: &str, expected: &str) {
        let got: String = (0..WHO.len())
            .map(|i| {
                let res = self.pages[i].get(path);
                assert!(
                    matches!(res.status, 200 | 303 | 403 | 404),
                    "{action} as {}: {}",
                    WHO[i],
                    res.status
                );
                if res.status == 200 { 'y' } else { '-' }
            })
            .collect();
        assert_eq!(got, expected, "page {action}: {path}");
    }

    /// Checks a `can` flag of the object the API returns at `path`, or of the item with the id
    /// `item` in the list it returns (absent: may not read it).
    fn can_matrix(&self, action: &str, path: &str, item: Option<i64>, flag: &str, expected: &str) {
        let got: String = (0..WHO.len())
            .map(|i| {
                let res = self.api(i, "GET", path, None);
                if res.status != 200 {
                    return '-';
                }
                let value = res.json();
                let picked = match item {
                    None => Some(&value),
                    Some(id) => value.as_array().unwrap().iter().find(|c| c["id"] == id),
                };
                if picked.is_some_and(|v| v["can"][flag] == true) {
                    'y'
                } else {
                    '-'
                }
            })
            .collect();
        assert_eq!(got, expected, "can.{flag} of {action}: {path}");
    }

    fn id_of(&self, res: Resp) -> i64 {
        assert!((200..300).contains(&res.status), "{}", res.body);
        res.json()["id"].as_i64().unwrap()
    }
}

fn idea_body(app: &TestApp, title: &str) -> Value {
    json!({
        "title": title,
        "problem": "Asiakkaat odottavat kotihoidon käyntejä epätietoisina.",
        "proposal": "Kokeillaan uutta tapaa.",
        "unit_ids": [unit_named(app, "Kotihoito Ii")],
    })
}

#[test]
fn ideas_and_comments() {
    let app = TestApp::with_demo();
    let mut w = World::new(&app);
    let employee = w.tokens[3].clone().unwrap();
    let idea = w.id_of(app.api(
        "POST",
        "/api/v1/ideas",
        Some(&employee),
        Some(idea_body(&app, "Matriisin idea")),
    ));
    let panel_id = panel(&app);
    add_member(&app, panel_id, CUSTOMER);
    let share = json!({"item_type": "idea", "item_id": idea, "question": "Mitä mieltä?"});
    let coordinator = w.tokens[6].clone().unwrap();
    let res = app.api(
        "POST",
        &format!("/api/v1/panels/{panel_id}/shares"),
        Some(&coordinator),
        Some(share),
    );
    assert_eq!(res.status, 201, "{}", res.body);

    let path = format!("/api/v1/ideas/{idea}");
    w.api_matrix("read an idea", "GET", &path, None, "-y-yyyyyy");
    w.page_matrix("read an idea", &format!("/ideas/{idea}"), "-y-yyyyyy");
    let listed: String = (0..WHO.len())
        .map(|i| {
            let res = w.api(i, "GET", "/api/v1/ideas?limit=100", None);
            let found = res.status == 200 && res.json()["items"].as_array().unwrap().iter().any(|x| x["id"] == idea);
            if found { 'y' } else { '-' }
        })
        .collect();
    assert_eq!(listed, "-y-yyyyyy", "the list agrees with the single load");
    w.page_matrix("edit an idea", &format!("/ideas/{idea}/edit"), "---y-----");
    w.can_matrix("idea", &path, None, "read", "-y-yyyyyy");
    w.can_matrix("idea", &path, None, "comment", "-y-yyyyyy");
    w.can_matrix("idea", &path, None, "edit", "---y-----");
    w.can_matrix("idea", &path, None, "move_status", "-----yyy-");
    w.can_matrix("idea", &path, None, "publish", "-----yyy-");
    w.can_matrix("idea", &path, None, "moderate", "-----yyyy");

    // Comments: one by the trustee, one hidden by a moderator.
    let comments = format!("/api/v1/ideas/{idea}/comments");
    let trustee = w.tokens[4].clone().unwrap();
    let shown = w.id_of(app.api("POST", &comments, Some(&trustee), Some(json!({"body": "Hyvä idea"}))));
    let hidden = w.id_of(app.api("POST", &comments, Some(&trustee), Some(json!({"body": "Asiaton"}))));
    let hide = json!({"object_type": "comment", "object_id": hidden, "hidden": true, "reason": "Asiaton"});
    let res = app.api("POST", "/api/v1/reports/decisions", Some(&coordinator), Some(hide));
    assert_eq!(res.status, 204, "{}", res.body);
    w.api_matrix("read the comments", "GET", &comments, None, "-y-yyyyyy");
    w.can_matrix("a comment", &comments, Some(shown), "read", "-y-yyyyyy");
    w.can_matrix("a comment", &comments, Some(shown), "edit", "----y----");
    w.can_matrix("a comment", &comments, Some(shown), "delete", "----yyyyy");
    w.can_matrix("a comment", &comments, Some(shown), "report", "-y-y-yyyy");
    w.can_matrix("a comment", &comments, Some(shown), "moderate", "-----yyyy");
    w.can_matrix("a hidden comment", &comments, Some(hidden), "read", "----yyyyy");
    w.can_matrix("a hidden comment", &comments, Some(hidden), "moderate", "-----yyyy");
    w.page_matrix("the moderation queue", "/moderation", "-----yyyy");
    w.api_matrix("the moderation queue", "GET", "/api/v1/reports", None, "-----yyyy");
}

#[test]
fn observations_experiments_reviews_and_diaries() {
    let app = TestApp::with_demo();
    let mut w = World::new(&app);
    let employee = w.tokens[3].clone().unwrap();
    let ii = unit_named(&app, "Kotihoito Ii");
    let observation = w.id_of(app.api(
        "POST",
        "/api/v1/observations",
        Some(&employee),
        Some(json!({"situation": "Aamukäynti viivästyi", "challenge": "Asiakas ei tiennyt", "unit_id": ii})),
    ));
    w.api_matrix(
        "read an observation",
        "GET",
        &format!("/api/v1/observations/{observation}"),
        None,
        "---yyyyyy",
    );
    w.api_matrix("list observations", "GET", "/api/v1/observations", None, "---yyyyyy");
    w.page_matrix("the observations page", "/observations", "---yyyyyy");

    let plan = |title: &str| {
        json!({
            "title": title,
            "unit_id": ii,
            "hypothesis": "Viesti ennen käyntiä vähentää soittoja.",
            "what_tried": "Hoitaja lähettää viestin.",
            "customer_involvement": "Asiakkaat kertovat kokemuksensa.",
            "starts_on": "2026-12-01",
            "ends_on": "2027-02-28",
            "budget": 100,
            "indicators": [{"name": "Soitot", "measure": "soittoa viikossa", "baseline": 40, "target": 20, "method": "Tilasto"}],
        })
    };
    let draft = w.id_of(app.api("POST", "/api/v1/experiments", Some(&employee), Some(plan("Luonnos"))));
    let submitted = w.id_of(app.api("POST", "/api/v1/experiments", Some(&employee), Some(plan("Arvioitava"))));
    let res = app.api(
        "POST",
        &format!("/api/v1/experiments/{submitted}/submit"),
        Some(&employee),
        None,
    );
    assert!(res.status < 300, "{}", res.body);

    let path = format!("/api/v1/experiments/{draft}");
    w.api_matrix("read a draft", "GET", &path, None, "---y-yyyy");
    w.page_matrix("read a draft", &format!("/experiments/{draft}"), "---y-yyyy");
    let listed = |id: i64| -> String {
        (0..WHO.len())
            .map(|i| {
                let res = w.api(i, "GET", "/api/v1/experiments?limit=100", None);
                let found = res.status == 200 && res.json()["items"].as_array().unwrap().iter().any(|x| x["id"] == id);
                if found { 'y' } else { '-' }
            })
            .collect()
    };
    assert_eq!(listed(draft), "---y-yyyy", "the list agrees with the single load");
    assert_eq!(listed(submitted), "---yyyyyy");

    let path = format!("/api/v1/experiments/{submitted}");
    w.api_matrix("read a submitted experiment", "GET", &path, None, "---yyyyyy");
    w.page_matrix(
        "read a submitted experiment",
        &format!("/experiments/{submitted}"),
        "---yyyyyy",
    );
    w.can_matrix("experiment", &path, None, "read_working_notes", "---yyyyyy");
    w.can_matrix("experiment", &path, None, "review", "-----y---");
    w.can_matrix("experiment", &path, None, "withdraw", "---y-----");
    w.can_matrix("experiment", &path, None, "transfer", "---y--yyy");
    w.api_matrix("read the reviews", "GET", &format!("{path}/reviews"), None, "---yyyyyy");
    w.api_matrix("read the diary", "GET", &format!("{path}/log"), None, "---yyyyyy");
    w.api_matrix("the review queue", "GET", "/api/v1/reviews/queue", None, "-----y--y");
    w.page_matrix("the review queue", "/reviews", "-----y--y");
}

#[test]
fn panels_shares_and_rounds() {
    let app = TestApp::with_demo();
    let mut w = World::new(&app);
    let panel_id = panel(&app);
    add_member(&app, panel_id, CUSTOMER);
    let coordinator = w.tokens[6].clone().unwrap();
    let ideas: Vec<i64> = (1..=3)
        .map(|n| {
            let body = idea_body(&app, &format!("Äänestettävä idea {n}"));
            w.id_of(app.api("POST", "/api/v1/ideas", w.tokens[3].as_deref(), Some(body)))
        })
        .collect();
    let at = |m: i64| {
        (chrono::Utc::now() + chrono::Duration::minutes(m))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let round = w.id_of(app.api(
        "POST",
        &format!("/api/v1/panels/{panel_id}/rounds"),
        Some(&coordinator),
        Some(json!({"title": "Kevään valinta", "opens_at": at(-1), "closes_at": at(60), "idea_ids": ideas})),
    ));

    let path = format!("/api/v1/panels/{panel_id}");
    w.api_matrix("read a panel", "GET", &path, None, "-y-yyyyyy");
    w.page_matrix("read a panel", &format!("/panels/{panel_id}"), "-y-yyyyyy");
    w.can_matrix("panel", &path, None, "manage", "------yyy");
    w.can_matrix("panel", &path, None, "comment", "-y----y--");
    w.can_matrix("panel", &path, None, "vote", "-y-------");
    w.can_matrix("panel", &path, None, "leave", "-y-------");
    w.api_matrix("read the shares", "GET", &format!("{path}/shares"), None, "-y-yyyyyy");
    w.api_matrix("read the members", "GET", &format!("{path}/members"), None, "------yyy");
    w.page_matrix("the members page", &format!("/panels/{panel_id}/members"), "------yyy");

    let round_path = format!("/api/v1/rounds/{round}");
    w.api_matrix("read a round", "GET", &round_path, None, "-y-yyyyyy");
    w.page_matrix("the ballot", &format!("/rounds/{round}"), "-y-yyyyyy");
    w.api_matrix(
        "results while open",
        "GET",
        &format!("{round_path}/results"),
        None,
        "---yyyyyy",
    );
    w.api_matrix(
        "vote",
        "PUT",
        &format!("{round_path}/ballot"),
        Some(json!({"best": [ideas[0]], "worst": [ideas[1]]})),
        "-y-------",
    );
}

#[test]
fn surveys_dashboard_and_the_catalogue() {
    let app = TestApp::with_demo();
    let mut w = World::new(&app);
    let today = chrono::Utc::now().date_naive();
    let survey = w.id_of(app.api(
        "POST",
        "/api/v1/surveys",
        w.tokens[6].as_deref(),
        Some(json!({
            "title": "Kehittäminen työyhteisössä",
            "unit_id": unit_named(&app, "Ikäihmisten palvelut"),
            "opens_on": (today - chrono::Duration::days(1)).to_string(),
            "closes_on": (today + chrono::Duration::days(14)).to_string(),
            "statements": ["Hyvät ideat jaetaan kollegoiden kesken"],
        })),
    ));
    let path = format!("/api/v1/surveys/{survey}");
    w.api_matrix("read a survey", "GET", &path, None, "---yyyyyy");
    w.page_matrix("read a survey", &format!("/surveys/{survey}"), "---yyyyyy");
    w.api_matrix("list surveys", "GET", "/api/v1/surveys", None, "---yyyyyy");
    w.page_matrix("the surveys page", "/surveys", "---yyyyyy");
    w.api_matrix("survey results", "GET", &format!("{path}/results"), None, "----y-yyy");
    w.page_matrix("open a survey", "/surveys/new", "------yyy");
    w.api_matrix("the dashboard", "GET", "/api/v1/dashboard", None, "----y-yyy");
    w.page_matrix("the dashboard", "/dashboard", "----y-yyy");

    let manager = w.tokens[7].clone().unwrap();
    let direction = w.id_of(app.api(
        "POST",
        "/api/v1/directions",
        Some(&manager),
        Some(json!({"name": "Kotona asumisen tuki", "year": 2026})),
    ));
    w.api_matrix("list directions", "GET", "/api/v1/directions", None, "---yyyyyy");
    w.api_matrix(
        "read a direction",
        "GET",
        &format!("/api/v1/directions/{direction}"),
        None,
        "---yyyyyy",
    );
    w.page_matrix("the directions page", "/directions", "---yyyyyy");
    w.page_matrix(
        "edit a direction",
        &format!("/directions/{direction}/edit"),
        "------yyy",
    );
    let campaign = w.id_of(app.api(
        "POST",
        "/api/v1/campaigns",
        Some(&manager),
        Some(json!({"title": "Muutospäivä", "starts_at": "2026-01-01T00:00:00Z", "ends_at": "2026-01-31T00:00:00Z", "audience": "everyone"})),
    ));
    w.api_matrix("list campaigns", "GET", "/api/v1/campaigns", None, "-yyyyyyyy");
    w.page_matrix("the campaigns page", "/campaigns", "-yyyyyyyy");
    w.page_matrix("edit a campaign", &format!("/campaigns/{campaign}/edit"), "------yyy");
    let persona = w.id_of(app.api(
        "POST",
        "/api/v1/personas",
        Some(&manager),
        Some(json!({"name": "Eila, 84", "description": "Asuu yksin"})),
    ));
    w.api_matrix("list personas", "GET", "/api/v1/personas", None, "-yyyyyyyy");
    w.api_matrix("list service paths", "GET", "/api/v1/service-paths", None, "-yyyyyyyy");
    w.page_matrix("the service paths page", "/service-paths", "-yyyyyyyy");
    w.page_matrix("edit a persona", &format!("/personas/{persona}/edit"), "------yyy");
    w.api_matrix(
        "create a persona",
        "POST",
        "/api/v1/personas",
        Some(json!({"name": "Toinen persoona"})),
        "------yyy",
    );
}

#[test]
fn people_units_municipalities_and_the_audit_log() {
    let app = TestApp::with_demo();
    let mut w = World::new(&app);
    let employee_id = app.person_id(w.tokens[8].as_deref().unwrap(), EMPLOYEE);
    w.api_matrix("list people", "GET", "/api/v1/people", None, "--------y");
    w.api_matrix(
        "read a person",
        "GET",
        &format!("/api/v1/people/{employee_id}"),
        None,
        "---y----y",
    );
    w.page_matrix("the people page", "/admin/people", "--------y");
    w.api_matrix("the audit log", "GET", "/api/v1/events", None, "--------y");
    w.page_matrix("the audit log", "/admin/events", "--------y");
    w.api_matrix("the unit tree", "GET", "/api/v1/units", None, "-yyyyyyyy");
    w.page_matrix("the units page", "/admin/units", "--------y");
    w.api_matrix("municipalities", "GET", "/api/v1/municipalities", None, "-yyyyyyyy");
    w.api_matrix("my municipality", "GET", "/api/v1/my-municipality", None, "----y----");
    w.page_matrix("my municipality", "/my-municipality", "----y----");
}
