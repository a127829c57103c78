//! The public showcase: off until an administrator turns it on; only what a key expert or
//! manager made public, after a checklist; withdrawn pages answer 410 and leave the feed; no
//! cookies, cacheable; names only with consent.

use crate::helpers::*;

/// The demo organisation with its experiments; the demo opens its showcase.
fn demo_with_showcase() -> TestApp {
    let app = TestApp::spawn();
    kehittamo::demo::fill_all(&app.ctx, kehittamo::demo::Extra::default(), false)
        .unwrap()
        .unwrap();
    app
}

/// An experiment with a result from the demo's history, not public.
fn private_result(app: &TestApp) -> (i64, serde_json::Value) {
    let staff = app.token(ADMIN);
    let list = app
        .api("GET", "/api/v1/experiments?results=true&limit=100", Some(&staff), None)
        .json();
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"].as_str().unwrap().starts_with("Kokeilu ") && e["unit_name"] == "Kotihoito Ii")
        .or_else(|| {
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["title"].as_str().unwrap().starts_with("Kokeilu "))
        })
        .expect("a history experiment with a result")
        .clone();
    let id = item["id"].as_i64().unwrap();
    (
        id,
        app.api("GET", &format!("/api/v1/experiments/{id}"), Some(&staff), None)
            .json(),
    )
}

fn show_publicly(app: &TestApp, who: &str, path: &str) -> Resp {
    app.signed_in(who).post_form(
        path,
        &[
            ("no_personal_data", "on"),
            ("pictures_consented", "on"),
            ("names_consented", "on"),
        ],
    )
}

#[test]
fn the_showcase_is_off_until_an_administrator_turns_it_on() {
    let app = TestApp::with_demo();
    let anonymous = app.request("GET", "/showcase", &[], None);
    assert_eq!(anonymous.status, 404, "off by default");
    assert!(
        app.request("GET", "/robots.txt", &[], None)
            .body
            .contains("Disallow: /"),
        "nothing to index while off"
    );
    assert_eq!(
        app.signed_in(KEY_EXPERT)
            .post_form("/admin/showcase", &[("on", "1")])
            .status,
        403
    );
    assert_eq!(
        app.signed_in(ADMIN).post_form("/admin/showcase", &[("on", "1")]).status,
        303
    );
    let page = app.request("GET", "/showcase", &[], None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.header("set-cookie").is_none(), "public pages carry no cookies");
    for asset in ["/static/app.css", "/favicon.svg"] {
        let res = app.request("GET", asset, &[], None);
        assert!(
            res.header("set-cookie").is_none(),
            "{asset} loaded by a public page sets no cookie"
        );
    }
    assert_eq!(page.header("cache-control"), Some("public, max-age=60"));
    let etag = page.header("etag").unwrap().to_string();
    let again = app.request("GET", "/showcase", &[("If-None-Match".into(), etag)], None);
    assert_eq!(again.status, 304);
    let robots = app.request("GET", "/robots.txt", &[], None).body;
    assert!(
        robots.contains("Allow: /showcase") && robots.contains("Disallow: /"),
        "{robots}"
    );
}

#[test]
fn a_key_expert_shows_a_result_in_public_after_the_checklist_and_takes_it_down() {
    let app = demo_with_showcase();
    let (id, view) = private_result(&app);
    let owner_name = view["owner"]["name"].as_str().unwrap().to_string();
    let public = format!("/showcase/experiments/{id}");
    assert_eq!(app.request("GET", &public, &[], None).status, 404, "not public yet");

    // Employees and customers may not; the key expert must confirm every point.
    assert_eq!(
        show_publicly(&app, EMPLOYEE, &format!("/experiments/{id}/public")).status,
        403
    );
    let mut expert = app.signed_in(ADMIN);
    let confirm = expert.get(&format!("/experiments/{id}/public"));
    assert_eq!(confirm.status, 200);
    let preview = expert.get(&format!("/experiments/{id}/public/preview"));
    assert_eq!(preview.status, 200);
    assert!(
        preview.body.contains(view["title"].as_str().unwrap()),
        "the preview shows the item"
    );
    let unchecked = expert.post_form(&format!("/experiments/{id}/public"), &[("no_personal_data", "on")]);
    assert_eq!(unchecked.status, 422);
    assert!(unchecked.body.contains("href=\"#f-pictures_consented\""));
    assert_eq!(app.request("GET", &public, &[], None).status, 404, "nothing half-done");
    let shown = show_publicly(&app, ADMIN, &format!("/experiments/{id}/public"));
    assert_eq!(shown.status, 303, "{}", shown.body);

    let page = app.request("GET", &public, &[], None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<meta property=\"og:title\""), "a share card");
    assert!(page.body.contains("Mitä tästä opimme?"), "the report's questions");
    assert!(!page.body.contains(&owner_name), "no name without consent");
    assert!(
        !page.body.contains("Haettu budjetti"),
        "no budget unless the unit shows it"
    );
    assert!(page.header("set-cookie").is_none());

    // The feed holds it, as valid Atom with a stable id, updated time and summary.
    let feed = app.request("GET", "/showcase/feed.atom", &[], None);
    assert_eq!(feed.status, 200);
    assert!(feed.header("content-type").unwrap().starts_with("application/atom+xml"));
    let parsed: atom_syndication::Feed = feed.body.parse().expect("Atom parses");
    let entry = parsed
        .entries()
        .iter()
        .find(|e| e.id().ends_with(&public))
        .expect("the entry");
    assert!(entry.summary().is_some());
    assert!(!parsed.id().is_empty() && !parsed.authors().is_empty());
    assert!(parsed.links().iter().any(|l| l.rel() == "self"));
    let sitemap = app.request("GET", "/sitemap.xml", &[], None).body;
    assert!(sitemap.contains(&public));

    // The demo's own result names its owner, who allowed it; withdrawing the consent hides it.
    let staff = app.token(KEY_EXPERT);
    let adopted = app
        .api(
            "GET",
            "/api/v1/experiments?results=true&q=tekstiviesti",
            Some(&staff),
            None,
        )
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let demo_page = format!("/showcase/experiments/{adopted}");
    assert!(
        app.request("GET", &demo_page, &[], None)
            .body
            .contains("Pekka Työntekijä")
    );
    let mut owner = app.signed_in(EMPLOYEE);
    assert_eq!(owner.post_form("/profile/public-name", &[]).status, 303);
    assert!(
        !app.request("GET", &demo_page, &[], None)
            .body
            .contains("Pekka Työntekijä")
    );

    // A unit that shows its budgets shows them (when there is one).
    let admin = app.token(ADMIN);
    let own = app
        .api("GET", &format!("/api/v1/experiments/{adopted}"), Some(&admin), None)
        .json();
    let unit = own["unit"]["id"].as_i64().unwrap();
    let res = app.api(
        "PATCH",
        &format!("/api/v1/units/{unit}"),
        Some(&admin),
        Some(serde_json::json!({"public_budget": true})),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let shown = app
        .request("GET", &demo_page, &[], None)
        .body
        .contains("Haettu budjetti");
    assert_eq!(shown, own["budget"].as_f64().unwrap_or(0.0) > 0.0);

    // Taken down: 410 at once, and out of the feed.
    let withdrawn = app
        .signed_in(ADMIN)
        .post_form(&format!("/experiments/{id}/public/withdraw"), &[]);
    assert_eq!(withdrawn.status, 303);
    assert_eq!(app.request("GET", &public, &[], None).status, 410);
    let feed = app.request("GET", "/showcase/feed.atom", &[], None).body;
    assert!(!feed.contains(&public));
}

#[test]
fn nothing_that_is_not_public_is_served_at_a_public_address() {
    let app = demo_with_showcase();
    let admin = app.token(ADMIN);
    let ideas = app.api("GET", "/api/v1/ideas?limit=100", Some(&admin), None).json();
    let experiments = app
        .api("GET", "/api/v1/experiments?limit=100", Some(&admin), None)
        .json();
    let (mut walked, mut shown) = (0, 0);
    let mut public_idea = None;
    for (kind, list) in [("ideas", &ideas), ("experiments", &experiments)] {
        for item in list["items"].as_array().unwrap() {
            let view = app
                .api("GET", &format!("/api/v1/{kind}/{}", item["id"]), Some(&admin), None)
                .json();
            let path = format!("/showcase/{kind}/{}", item["id"]);
            let res = app.request("GET", &path, &[], None);
            let public = !view["public_since"].is_null();
            assert_eq!(res.status, if public { 200 } else { 404 }, "{path}");
            walked += 1;
            shown += usize::from(public);
            if public && kind == "ideas" {
                public_idea = Some(item["id"].clone());
            }
            if !public {
                continue;
            }
            // Only public fields: no working notes, no reviews.
            for private in ["Arvioinnit", "Päiväkirja", "Havainnot"] {
                assert!(!res.body.contains(private), "{path} shows {private}");
            }
        }
    }
    assert!(walked > 50 && shown >= 2, "walked {walked}, shown {shown}");
    for path in ["/showcase/ideas/999999", "/showcase/experiments/0"] {
        assert_eq!(app.request("GET", path, &[], None).status, 404);
    }
    // A public idea in Swedish.
    let idea = public_idea.expect("the demo shows an idea in public");
    let sv = app.request("GET", &format!("/showcase/ideas/{idea}?lang=sv"), &[], None);
    assert_eq!(sv.status, 200);
    assert!(sv.body.contains("<html lang=\"sv\""));
    // Turned off, everything public is gone from sight at once.
    assert_eq!(
        app.signed_in(ADMIN).post_form("/admin/showcase", &[("on", "0")]).status,
        303
    );
    assert_eq!(
        app.request("GET", &format!("/showcase/ideas/{idea}"), &[], None).status,
        404
    );
    assert_eq!(app.request("GET", "/showcase/feed.atom", &[], None).status, 404);
}

#[test]
fn the_embed_may_be_framed_only_by_the_listed_origins() {
    let app = TestApp::spawn_with(|s| s.showcase.embed_origins = vec!["https://www.ii.fi".into()]);
    kehittamo::demo::fill_all(&app.ctx, kehittamo::demo::Extra::default(), false)
        .unwrap()
        .unwrap();
    let embed = app.request("GET", "/showcase/embed", &[], None);
    assert_eq!(embed.status, 200);
    let csp = embed.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors https://www.ii.fi"), "{csp}");
    assert!(embed.body.contains("target=\"_blank\""));
    let page = app.request("GET", "/showcase", &[], None);
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

#[test]
fn a_public_result_exports_as_a_practice_model_and_a_media_kit() {
    let app = demo_with_showcase();
    let staff = app.token(KEY_EXPERT);
    let adopted = app
        .api(
            "GET",
            "/api/v1/experiments?results=true&q=tekstiviesti",
            Some(&staff),
            None,
        )
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let base = format!("/showcase/experiments/{adopted}");
    let page = app.request("GET", &base, &[], None);
    assert!(page.body.contains(&format!("href=\"{base}/practice-model\"")));
    let html = app.request("GET", &format!("{base}/practice-model"), &[], None);
    assert_eq!(html.status, 200);
    assert!(html.body.contains("Toimintamallikuvaus"));
    let json = app.request("GET", &format!("{base}/practice-model.json"), &[], None);
    assert_eq!(json.status, 200);
    let model: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    for section in [
        "name",
        "summary",
        "problem",
        "target_group",
        "implementation",
        "results",
        "tried_in",
        "adopted_by",
        "contact",
    ] {
        assert!(!model[section].is_null(), "{section}");
    }
    assert_eq!(model["adopted_by"][0], "Kotihoito Pudasjärvi");
    assert!(!model["evaluation"].as_array().unwrap().is_empty());
    let md = app.request("GET", &format!("{base}/practice-model.md?lang=en"), &[], None);
    assert!(md.header("content-type").unwrap().starts_with("text/markdown"));
    assert!(
        md.body.starts_with("# ") && md.body.contains("## Implementation"),
        "{}",
        md.body
    );
    let kit = app.request("GET", &format!("{base}/media-kit"), &[], None);
    assert_eq!(kit.status, 200);
    assert!(kit.body.contains("id=\"press-text\""));
    assert!(kit.body.contains("Mitä tästä opimme?"));

    // A running experiment has no result to describe yet.
    let running = app
        .api(
            "GET",
            "/api/v1/experiments?status=running&limit=100",
            Some(&staff),
            None,
        )
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .find(|id| {
            app.request("GET", &format!("/showcase/experiments/{id}"), &[], None)
                .status
                == 200
        });
    if let Some(id) = running {
        assert_eq!(
            app.request("GET", &format!("/showcase/experiments/{id}/practice-model"), &[], None)
                .status,
            404
        );
    }
}
