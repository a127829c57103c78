//! Customer panels on web pages: creating a panel, sharing, writing as the panel, the ballot,
//! results and CSV; and the structure of every new page.

use crate::a11y::check_page;
use crate::helpers::*;

fn id_after(location: Option<&str>, prefix: &str) -> i64 {
    let loc = location.expect("a redirect");
    loc.strip_prefix(prefix)
        .and_then(|r| r.split(['?', '/', '#']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{loc}"))
}

#[test]
fn a_panel_shares_comments_and_votes_on_web_pages() {
    let app = TestApp::with_demo();
    let ideas: Vec<i64> = ["Aamukahvi yhdessä", "Tekstiviesti ennen käyntiä", "Kauppakassipalvelu"]
        .iter()
        .map(|t| employee_idea(&app, t))
        .collect();
    let unit = unit_named(&app, "Ikäihmisten palvelut").to_string();

    // A manager creates the panel; mistakes are shown on the form.
    let mut manager = app.signed_in(MANAGER);
    let bad = manager.post_form(
        "/panels",
        &[
            ("name", ""),
            ("coordinators", "ei.ketaan@example.fi"),
            ("unit_ids", &unit),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("error-summary"));
    let created = manager.post_form(
        "/panels",
        &[
            ("name", "Ikäihmisten raati"),
            ("description", "Asiakkaat ja omaiset"),
            ("coordinators", UNIT_MANAGER),
            ("unit_ids", &unit),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let panel = id_after(created.header("location"), "/panels/");
    assert_eq!(app.signed_in(EMPLOYEE).get("/panels/new").status, 403);

    // The coordinator adds a member and shares an idea with a question.
    let mut coordinator = app.signed_in(UNIT_MANAGER);
    let added = coordinator.post_form(&format!("/panels/{panel}/members"), &[("email", CUSTOMER)]);
    assert_eq!(added.status, 303, "{}", added.body);
    let again = coordinator.post_form(&format!("/panels/{panel}/members"), &[("email", CUSTOMER)]);
    assert_eq!(again.status, 422);
    let bad_share = coordinator.post_form(
        &format!("/panels/{panel}/shares"),
        &[("item_type", "idea"), ("item_id", "kolme"), ("question", "")],
    );
    assert_eq!(bad_share.status, 422);
    // From the idea's page too, which offers the panels the coordinator runs.
    let idea_page = coordinator.get(&format!("/ideas/{}", ideas[2]));
    assert!(
        idea_page
            .body
            .contains(&format!("<option value=\"{panel}\">Ikäihmisten raati</option>"))
    );
    let from_page = coordinator.post_form(
        "/shares",
        &[
            ("panel_id", &panel.to_string()),
            ("item_type", "idea"),
            ("item_id", &ideas[2].to_string()),
            ("question", "Mitä ajattelette tästä?"),
        ],
    );
    assert_eq!(from_page.status, 303, "{}", from_page.body);
    assert_eq!(
        from_page.header("location"),
        Some(format!("/ideas/{}?done=shared", ideas[2]).as_str())
    );
    assert!(
        !app.signed_in(EMPLOYEE)
            .get(&format!("/ideas/{}", ideas[2]))
            .body
            .contains("share-panel")
    );
    for id in &ideas[..2] {
        let shared = coordinator.post_form(
            &format!("/panels/{panel}/shares"),
            &[
                ("item_type", "idea"),
                ("item_id", &id.to_string()),
                ("question", "Mitä ajattelette tästä?"),
            ],
        );
        assert_eq!(shared.status, 303, "{}", shared.body);
    }

    // The member finds it on the home page and writes as the panel on the idea's page.
    let mut member = app.signed_in(CUSTOMER);
    let home = member.get("/");
    assert!(home.body.contains("Ikäihmisten raati"));
    assert!(home.body.contains("Tekstiviesti ennen käyntiä"));
    let idea_page = member.get(&format!("/ideas/{}", ideas[1]));
    assert_eq!(idea_page.status, 200);
    assert!(idea_page.body.contains("Asiakasraati sanoo"));
    let share_id = idea_page
        .body
        .split("action=\"/shares/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("a comment form")
        .to_string();
    let empty = member.post_form(&format!("/shares/{share_id}/comments"), &[("body", " ")]);
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Tämä kenttä on pakollinen") || empty.body.contains("error-summary"));
    let written = member.post_form(
        &format!("/shares/{share_id}/comments"),
        &[("body", "Tekstiviesti auttaisi <b>paljon</b>.")],
    );
    assert_eq!(written.status, 303);
    let staff_view = app.signed_in(EMPLOYEE).get(&format!("/ideas/{}", ideas[1]));
    assert!(
        staff_view
            .body
            .contains("Tekstiviesti auttaisi &#60;b&#62;paljon&#60;/b&#62;.")
    );
    assert!(staff_view.body.contains("Liisa Asiakas"));

    // The coordinator opens a round; the member votes on one page without scripts.
    let now = chrono::Utc::now().naive_utc();
    let opens = (now - chrono::Duration::minutes(5))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let closes = (now + chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M").to_string();
    let form = coordinator.get(&format!("/panels/{panel}/rounds/new"));
    assert_eq!(form.status, 200);
    let (a, b, c) = (ideas[0].to_string(), ideas[1].to_string(), ideas[2].to_string());
    let too_few = coordinator.post_form(
        &format!("/panels/{panel}/rounds"),
        &[
            ("title", "Syksyn valinta"),
            ("opens_at", &opens),
            ("closes_at", &closes),
            ("best_marks", "1"),
            ("worst_marks", "1"),
            ("idea_ids", &a),
        ],
    );
    assert_eq!(too_few.status, 422);
    assert!(too_few.body.contains("Valitse 3–30 ideaa."));
    let round = coordinator.post_form(
        &format!("/panels/{panel}/rounds"),
        &[
            ("title", "Syksyn valinta"),
            ("opens_at", &opens),
            ("closes_at", &closes),
            ("best_marks", "1"),
            ("worst_marks", "1"),
            ("idea_ids", &a),
            ("idea_ids", &b),
            ("other_ideas", &c),
        ],
    );
    assert_eq!(round.status, 303, "{}", round.body);
    let round = id_after(round.header("location"), "/rounds/");
    let ballot = member.get(&format!("/rounds/{round}"));
    assert_eq!(ballot.status, 200);
    assert!(ballot.body.contains("name=\"best\""));
    assert!(!ballot.body.contains("<script"));
    let both = member.post_form(&format!("/rounds/{round}/ballot"), &[("best", &a), ("worst", &a)]);
    assert_eq!(both.status, 422);
    assert!(both.body.contains("Sama idea ei voi olla sekä paras että huonoin."));
    assert!(!crate::forms::summary(&both.body).is_empty());
    crate::forms::links_resolve(&both.body);
    assert!(both.body.contains("aria-invalid=\"true\" aria-describedby=\"f-"));
    let saved = member.post_form(&format!("/rounds/{round}/ballot"), &[("best", &b), ("worst", &c)]);
    assert_eq!(saved.status, 303);
    let ballot = member.get(&format!("/rounds/{round}"));
    assert!(
        ballot
            .body
            .contains(&format!("id=\"best-{b}\" name=\"best\" value=\"{b}\" checked"))
    );
    assert_eq!(
        member.get(&format!("/rounds/{round}/results")).status,
        409,
        "hidden while open"
    );

    // Results for the coordinator, on a page and as CSV.
    let results = coordinator.get(&format!("/rounds/{round}/results"));
    assert_eq!(results.status, 200);
    assert!(results.body.contains("Tekstiviesti ennen käyntiä"));
    let workbook = coordinator.get(&format!("/rounds/{round}/results.xlsx"));
    assert_eq!(workbook.status, 200);
    assert!(workbook.body.starts_with("PK"));
    let csv = coordinator.get(&format!("/rounds/{round}/results.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(
        csv.body
            .contains(&format!("1;{b};Tekstiviesti ennen käyntiä;1;0;1\r\n"))
    );
    assert!(csv.header("content-disposition").unwrap().contains("attachment"));

    // Every new page keeps the structure the rest of the service has.
    let admin_token = app.token(ADMIN);
    let trustee_id = app.person_id(&admin_token, TRUSTEE);
    let mut admin = app.signed_in(ADMIN);
    let pages = [
        ("coordinator", "/panels".to_string()),
        ("coordinator", format!("/panels/{panel}")),
        ("coordinator", format!("/panels/{panel}/edit")),
        ("coordinator", format!("/panels/{panel}/members")),
        ("coordinator", format!("/panels/{panel}/rounds/new")),
        ("coordinator", format!("/rounds/{round}/results")),
        ("coordinator", format!("/ideas/{}", ideas[1])),
        ("manager", "/panels/new".to_string()),
        ("member", "/".to_string()),
        ("member", format!("/panels/{panel}")),
        ("member", format!("/rounds/{round}")),
        ("member", format!("/ideas/{}", ideas[1])),
        ("member", format!("/shares/{share_id}/comments")),
        ("admin", format!("/admin/people/{trustee_id}")),
    ];
    for (who, path) in pages {
        let browser = match who {
            "coordinator" => &mut coordinator,
            "manager" => &mut manager,
            "member" => &mut member,
            _ => &mut admin,
        };
        let res = browser.get(&path);
        assert_eq!(res.status, 200, "{path}");
        check_page(&path, &res.body);
    }
    let mut trustee = app.signed_in(TRUSTEE);
    let res = trustee.get("/my-municipality");
    check_page("/my-municipality", &res.body);
    let res = app.browser().get("/panel-invitation?token=rikki");
    assert_eq!(res.status, 410);
    check_page("/panel-invitation", &res.body);

    // A member leaves; the panel is then out of their sight.
    assert_eq!(member.post_form(&format!("/panels/{panel}/leave"), &[]).status, 303);
    assert_eq!(member.get(&format!("/panels/{panel}")).status, 404);
}
