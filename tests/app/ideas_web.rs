use crate::helpers::*;

#[test]
fn ideas_are_submitted_discussed_and_moved_on_web_pages() {
    let app = TestApp::with_demo();
    let kotihoito = unit_named(&app, "Kotihoito Ii").to_string();
    let mut employee = app.signed_in(EMPLOYEE);

    let form = employee.get("/ideas/new");
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("Älä kirjoita asiakkaiden henkilötietoja."),
        "the personal-data warning is shown"
    );

    let csrf = employee.csrf();
    let bad = employee.post_raw(
        "/ideas",
        &[
            ("csrf_token", &csrf),
            ("title", "Lyh"),
            ("problem", ""),
            ("proposal", "Jotain"),
        ],
        &[],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-title\"") && bad.body.contains("href=\"#f-unit_ids\""));
    assert!(bad.body.contains(">Jotain</textarea>"), "typed text comes back");

    let created = employee.post_raw(
        "/ideas",
        &[
            ("csrf_token", &csrf),
            ("title", "<script>alert('x')</script> Iltakäynnit"),
            ("problem", "Katso https://example.fi/ohje ja\nkerro."),
            ("proposal", "Porrastetaan käynnit."),
            ("unit_ids", &kotihoito),
            ("tags", "#kokeilevakunta #ilta"),
        ],
        &[],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.header("location").unwrap().to_string();
    let id = location
        .trim_start_matches("/ideas/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let page = employee.get(&location);
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<h1 lang=\"fi\">&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; Iltakäynnit</h1>"),
        "escaped"
    );
    assert!(!page.body.contains("<script>alert"));
    assert!(
        page.body
            .contains("<a href=\"https://example.fi/ohje\" rel=\"nofollow noopener\">"),
        "links are clickable"
    );
    assert!(page.body.contains("ja<br>kerro"));
    assert!(page.body.contains("Ideasi on jätetty."));

    let mut expert = app.signed_in(KEY_EXPERT);
    assert_eq!(expert.post_form(&format!("/ideas/{id}/support"), &[]).status, 303);
    assert!(expert.get(&format!("/ideas/{id}")).body.contains("Peru kannatus"));
    let comment = expert.post_form(&format!("/ideas/{id}/comments"), &[("body", "Kokeillaan tätä!")]);
    assert_eq!(comment.status, 303);
    let empty = expert.post_form(&format!("/ideas/{id}/comments"), &[("body", "")]);
    assert_eq!(empty.status, 422);
    let no_reason = expert.post_form(
        &format!("/ideas/{id}/status"),
        &[("status", "not_pursued"), ("reason", "")],
    );
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("Tämä kenttä on pakollinen."));
    let moved = expert.post_form(
        &format!("/ideas/{id}/status"),
        &[("status", "in_discussion"), ("reason", "")],
    );
    assert_eq!(moved.status, 303);
    let illegal = expert.post_form(&format!("/ideas/{id}/status"), &[("status", "implemented")]);
    assert_eq!(illegal.status, 422, "shown on the form");
    assert!(illegal.body.contains("Nyt mahdollista"));

    let shown = employee.get(&format!("/ideas/{id}"));
    assert!(shown.body.contains("Kokeillaan tätä!"));
    assert!(shown.body.contains("Keskustelussa"));
    assert!(!shown.body.contains("/edit\""), "no editing after the idea left 'new'");
    let list = employee.get("/ideas?tag=ilta");
    assert!(list.body.contains(&format!("href=\"/ideas/{id}\"")));
    assert!(
        employee
            .get("/ideas?q=iltak%C3%A4ynnit")
            .body
            .contains(&format!("href=\"/ideas/{id}\""))
    );

    let mut customer = app.signed_in(CUSTOMER);
    assert_eq!(customer.get(&format!("/ideas/{id}")).status, 404);
    assert!(!customer.get("/ideas").body.contains(&format!("href=\"/ideas/{id}\"")));
    assert_eq!(customer.post_form(&format!("/ideas/{id}/support"), &[]).status, 404);
    assert_eq!(app.browser().get("/ideas").status, 303, "sign-in required");
}

#[test]
fn observations_are_written_and_turned_into_ideas_on_web_pages() {
    let app = TestApp::with_demo();
    let kotihoito = unit_named(&app, "Kotihoito Ii").to_string();
    let mut employee = app.signed_in(EMPLOYEE);
    let page = employee.get("/observations");
    assert_eq!(page.status, 200);
    let bad = employee.post_form(
        "/observations",
        &[
            ("situation", ""),
            ("challenge", "c"),
            ("unit_id", ""),
            ("observed_on", "2026-01-01"),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-situation\"") && bad.body.contains("href=\"#f-unit_id\""));
    for situation in ["Aamukäynti myöhästyi", "Iltakäynti myöhästyi"] {
        let res = employee.post_form(
            "/observations",
            &[
                ("situation", situation),
                ("challenge", "Asiakas ei tiennyt"),
                ("resolution", ""),
                ("unit_id", &kotihoito),
                ("observed_on", "2026-11-20"),
            ],
        );
        assert_eq!(res.status, 303, "{}", res.body);
    }
    let token = app.token(EMPLOYEE);
    let ids: Vec<String> = app
        .api("GET", "/api/v1/observations?mine=true", Some(&token), None)
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].to_string())
        .collect();
    let csrf = employee.csrf();
    let go = employee.post_raw(
        "/observations/selection",
        &[
            ("csrf_token", &csrf),
            ("observation_ids", &ids[0]),
            ("observation_ids", &ids[1]),
            ("action", "to_idea"),
            ("idea_id", ""),
        ],
        &[],
    );
    assert_eq!(go.status, 303);
    let form = employee.get(go.header("location").unwrap());
    assert!(
        form.body
            .contains(&format!("name=\"observation_ids\" value=\"{}\"", ids[0]))
    );
    // Their situations and challenges start the problem, and their unit is chosen.
    assert!(
        form.body.contains("Aamukäynti myöhästyi Asiakas ei tiennyt") && form.body.contains("Iltakäynti myöhästyi"),
        "the observations' text is carried over"
    );
    assert!(
        form.body.contains(&format!("value=\"{kotihoito}\" checked")),
        "and their unit"
    );
    let created = employee.post_raw(
        "/ideas",
        &[
            ("csrf_token", &csrf),
            ("title", "Käyntiajat tiedoksi"),
            ("problem", "p"),
            ("proposal", "q"),
            ("unit_ids", &kotihoito),
            ("observation_ids", &ids[0]),
            ("observation_ids", &ids[1]),
        ],
        &[],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let idea = employee.get(created.header("location").unwrap());
    assert!(idea.body.contains("Aamukäynti myöhästyi") && idea.body.contains("Iltakäynti myöhästyi"));
    let mut customer = app.signed_in(CUSTOMER);
    assert_eq!(customer.get("/observations").status, 403);
}

#[test]
fn campaigns_and_directions_on_web_pages() {
    let app = TestApp::with_demo();
    let kotihoito = unit_named(&app, "Kotihoito").to_string();
    let mut manager = app.signed_in(MANAGER);
    let today = chrono::Utc::now().date_naive();
    let bad = manager.post_form(
        "/campaigns",
        &[
            ("title", "Muu"),
            ("starts_at", "2026-02-01"),
            ("ends_at", "2026-01-01"),
            ("audience", "everyone"),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-ends_at\""));
    let created = manager.post_form(
        "/campaigns",
        &[
            ("title", "Muutospäivä 2026"),
            ("description", "Change Day"),
            ("starts_at", &today.to_string()),
            ("ends_at", &(today + chrono::Duration::days(7)).to_string()),
            ("audience", "everyone"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let campaign_page = created
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let campaign_id = campaign_page.trim_start_matches("/campaigns/").to_string();

    let mut customer = app.signed_in(CUSTOMER);
    let page = customer.get(&campaign_page);
    assert!(
        page.body.contains(&format!("/ideas/new?campaign_id={campaign_id}")),
        "an open campaign invites ideas"
    );
    let form = customer.get(&format!("/ideas/new?campaign_id={campaign_id}"));
    assert!(
        form.body
            .contains(&format!("name=\"campaign_id\" value=\"{campaign_id}\""))
    );
    let idea = customer.post_form(
        "/ideas",
        &[
            ("title", "Asiakkaan muutosidea"),
            ("problem", "p"),
            ("proposal", "q"),
            ("unit_ids", &kotihoito),
            ("campaign_id", &campaign_id),
        ],
    );
    assert_eq!(idea.status, 303, "{}", idea.body);
    assert!(customer.get(&campaign_page).body.contains("Asiakkaan muutosidea"));

    assert_eq!(customer.get("/directions").status, 403, "directions are staff pages");
    let direction = manager.post_form(
        "/directions",
        &[
            ("name", "Kotona asuminen"),
            ("description", ""),
            ("year", "2026"),
            ("municipality_id", ""),
        ],
    );
    assert_eq!(direction.status, 303, "{}", direction.body);
    let direction_page = direction
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    assert!(manager.get(&direction_page).body.contains("Kotona asuminen"));
    let mut employee = app.signed_in(EMPLOYEE);
    assert!(
        !employee.get("/directions").body.contains("name=\"year\""),
        "only managers record directions"
    );
    assert_eq!(
        employee
            .post_form("/directions", &[("name", "X"), ("year", "2026")])
            .status,
        403
    );
}

#[test]
fn the_service_path_board_on_web_pages() {
    let app = TestApp::with_demo();
    let kotihoito = unit_named(&app, "Kotihoito").to_string();
    let mut manager = app.signed_in(UNIT_MANAGER);
    let bad = manager.post_form("/service-paths", &[("name", "Polku"), ("stages", "")]);
    assert_eq!(bad.status, 422);
    let created = manager.post_form(
        "/service-paths",
        &[
            ("name", "Kotihoidon polku"),
            ("description", ""),
            ("stages", "Yhteydenotto\nArviointi\nKotikäynnit"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(
        manager
            .post_form("/personas", &[("name", "Eila, 84"), ("description", "Asuu yksin")])
            .status,
        303
    );
    let board_path = created
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let token = app.token(EMPLOYEE);
    let paths = app.api("GET", "/api/v1/service-paths", Some(&token), None).json();
    let stage = paths[0]["stages"][2]["id"].as_i64().unwrap();
    let body = serde_json::json!({"title": "Avainlaatikko kotikäynneille", "problem": "p", "proposal": "q", "unit_ids": [kotihoito.parse::<i64>().unwrap()], "stage_id": stage});
    assert_eq!(app.api("POST", "/api/v1/ideas", Some(&token), Some(body)).status, 201);
    let mut employee = app.signed_in(EMPLOYEE);
    let board = employee.get(&board_path);
    assert_eq!(board.status, 200);
    assert!(board.body.contains("Kotikäynnit") && board.body.contains("Avainlaatikko kotikäynneille"));
    let index = employee.get("/service-paths");
    assert!(index.body.contains("Eila, 84"));
    assert!(
        !index.body.contains("href=\"/personas/new\""),
        "only managers add personas"
    );
    assert_eq!(employee.post_form("/personas", &[("name", "X")]).status, 403);
}

#[test]
fn the_home_page_shows_activity_of_followed_ideas_and_own_units() {
    let app = TestApp::with_demo();
    let kotihoito_ii: i64 = unit_named(&app, "Kotihoito Ii").to_string().parse().unwrap();
    let expert = app.token(KEY_EXPERT);
    let customer = app.token(CUSTOMER);
    // A key expert's idea in the employee's unit, and the customer's own idea.
    let body = serde_json::json!({"title": "Yksikön yhteinen idea", "problem": "p", "proposal": "q", "unit_ids": [kotihoito_ii]});
    let unit_idea = app.api("POST", "/api/v1/ideas", Some(&expert), Some(body)).json()["id"]
        .as_i64()
        .unwrap();
    let body = serde_json::json!({"title": "Asiakkaan seurattu idea", "problem": "p", "proposal": "q", "unit_ids": [kotihoito_ii]});
    let own = app.api("POST", "/api/v1/ideas", Some(&customer), Some(body)).json()["id"]
        .as_i64()
        .unwrap();
    app.api(
        "POST",
        &format!("/api/v1/ideas/{own}/comments"),
        Some(&expert),
        Some(serde_json::json!({"body": "Kiitos ideasta"})),
    );

    let mut employee = app.signed_in(EMPLOYEE);
    let home = employee.get("/");
    assert!(
        home.body.contains(&format!("href=\"/ideas/{unit_idea}\"")),
        "ideas of the employee's unit"
    );
    let mut customer_browser = app.signed_in(CUSTOMER);
    let home = customer_browser.get("/");
    assert!(
        home.body.contains(&format!("href=\"/ideas/{own}\"")),
        "the customer's followed idea"
    );
    assert!(home.body.contains("kommentoitu"));
    assert!(
        !home.body.contains(&format!("href=\"/ideas/{unit_idea}\"")),
        "nothing the customer cannot see"
    );
}

#[test]
fn reporting_and_hiding_on_web_pages() {
    let app = TestApp::with_demo();
    let kotihoito: i64 = unit_named(&app, "Kotihoito Ii").to_string().parse().unwrap();
    let employee = app.token(EMPLOYEE);
    let body =
        serde_json::json!({"title": "Kiistanalainen idea", "problem": "p", "proposal": "q", "unit_ids": [kotihoito]});
    let id = app.api("POST", "/api/v1/ideas", Some(&employee), Some(body)).json()["id"]
        .as_i64()
        .unwrap();
    let mut trustee = app.signed_in(TRUSTEE);
    let page = trustee.get(&format!("/ideas/{id}"));
    assert!(page.body.contains("action=\"/reports\""));
    assert!(!page.body.contains("action=\"/moderation\""), "only moderators hide");
    let ids = id.to_string();
    let reported = trustee.post_form(
        "/reports",
        &[
            ("object_type", "idea"),
            ("object_id", &ids),
            ("idea_id", &ids),
            ("reason", "Asiaton"),
        ],
    );
    assert_eq!(reported.status, 303);
    assert_eq!(trustee.get("/moderation").status, 403);
    assert_eq!(
        trustee
            .post_form(
                "/moderation",
                &[
                    ("object_type", "idea"),
                    ("object_id", &ids),
                    ("idea_id", &ids),
                    ("hidden", "true"),
                    ("reason", "x")
                ]
            )
            .status,
        403
    );

    let mut expert = app.signed_in(KEY_EXPERT);
    let queue = expert.get("/moderation");
    assert!(queue.body.contains("Asiaton"));
    let hidden = expert.post_form(
        "/moderation",
        &[
            ("object_type", "idea"),
            ("object_id", &ids),
            ("idea_id", &ids),
            ("hidden", "true"),
            ("reason", "Ei asiallinen"),
        ],
    );
    assert_eq!(hidden.status, 303);
    assert!(!trustee.get("/ideas").body.contains("Kiistanalainen idea"));
    assert_eq!(trustee.get(&format!("/ideas/{id}")).status, 404);
    assert!(expert.get(&format!("/ideas/{id}")).body.contains("Palauta näkyviin"));
}

#[test]
fn similar_ideas_are_offered_while_typing_a_title() {
    let app = TestApp::with_demo();
    let kotihoito: i64 = unit_named(&app, "Kotihoito Ii").to_string().parse().unwrap();
    let employee = app.token(EMPLOYEE);
    let body = serde_json::json!({"title": "Tekstiviesti ennen kotikäyntiä", "problem": "p", "proposal": "q", "unit_ids": [kotihoito]});
    let id = app.api("POST", "/api/v1/ideas", Some(&employee), Some(body)).json()["id"]
        .as_i64()
        .unwrap();
    let mut trustee = app.signed_in(TRUSTEE);
    let form = trustee.get("/ideas/new");
    assert!(form.body.contains("src=\"/static/similar.js\"") && form.body.contains("aria-live=\"polite\""));
    let res = trustee.get("/ideas/similar?q=Tekstiviestit%20omaisille");
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["items"][0]["id"], id);
    let mut customer = app.signed_in(CUSTOMER);
    assert_eq!(
        customer.get("/ideas/similar?q=Tekstiviestit").json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "nothing the customer cannot see"
    );
    assert_eq!(app.browser().get("/static/similar.js").status, 200);
}

#[test]
fn the_idea_form_loads_the_duplicate_hint_script_in_the_head_not_in_the_title() {
    let app = TestApp::with_demo();
    let mut b = app.signed_in(EMPLOYEE);
    let page = b.get("/ideas/new");
    assert_eq!(page.status, 200);
    let title = page
        .body
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    assert!(!title.contains("script"), "the tab title is only words: {title:?}");
    let head = page.body.split("</head>").next().unwrap();
    assert!(head.contains(r#"<script src="/static/similar.js" defer></script>"#));
    assert!(page.body.contains(r#"id="similar-ideas""#) && page.body.contains(r#"id="f-title""#));
    assert_eq!(b.get("/static/similar.js").status, 200);
}

#[test]
fn customers_pick_a_municipality_and_a_service_area_not_internal_units() {
    let app = TestApp::with_demo();
    let mut customer = app.signed_in(CUSTOMER);
    let form = customer.get("/ideas/new");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"municipality_id\""), "a municipality to pick");
    assert!(form.body.contains("Ikäihmisten palvelut"), "service areas are offered");
    assert!(!form.body.contains("Kotihoito Ii"), "internal teams are not");
    let staff_form = app.signed_in(EMPLOYEE).get("/ideas/new");
    assert!(
        staff_form.body.contains("Kotihoito Ii"),
        "staff pick from the whole tree"
    );
    assert!(!staff_form.body.contains("name=\"municipality_id\""));

    let admin = app.token(ADMIN);
    let municipalities = app.api("GET", "/api/v1/municipalities", Some(&admin), None).json();
    let id_of = |name: &str| {
        municipalities
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (ii, vaala) = (id_of("Ii"), id_of("Vaala"));
    let sector = unit_named(&app, "Ikäihmisten palvelut");
    let res = customer.post_form(
        "/ideas",
        &[
            ("title", "Penkki terveysaseman pihaan"),
            ("problem", "Odottaessa kyytiä ei ole missä istua."),
            ("proposal", "Pihaan penkki ja katos."),
            ("unit_ids", &sector.to_string()),
            ("municipality_id", &vaala.to_string()),
        ],
    );
    assert_eq!(res.status, 303, "{}", res.body);
    let location = res.header("location").unwrap().to_string();
    let page = customer.get(&location);
    assert!(
        page.body.contains("<dd lang=\"fi\">Vaala</dd>"),
        "the idea names its municipality"
    );

    // Listed for Vaala, not for Ii although its service area serves Ii too.
    let staff = app.token(KEY_EXPERT);
    let titles = |m: i64| {
        app.api(
            "GET",
            &format!("/api/v1/ideas?municipality={m}&limit=100"),
            Some(&staff),
            None,
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(titles(vaala).contains(&"Penkki terveysaseman pihaan".to_string()));
    assert!(!titles(ii).contains(&"Penkki terveysaseman pihaan".to_string()));
    let bad = customer.post_form(
        "/ideas",
        &[
            ("title", "Toinen idea kunnasta"),
            ("problem", "Ongelma."),
            ("proposal", "Ehdotus."),
            ("unit_ids", &sector.to_string()),
            ("municipality_id", "999999"),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#f-municipality_id\""));
}
