//! The OpenAPI document is usable by a client generator: every reference resolves, every path
//! parameter is declared, optional query parameters are optional, operations are uniquely named,
//! bodies are the right ones, and times are RFC 3339 with an offset.

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn document(app: &TestApp) -> Value {
    let res = app.api("GET", "/api/openapi.json", None, None);
    assert_eq!(res.status, 200);
    res.json()
}

/// Every (path, method, operation) of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((path.clone(), method.clone(), op.clone()));
        }
    }
    out
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.insert(v.as_str().unwrap().to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves_and_operations_are_uniquely_named() {
    let app = TestApp::spawn();
    let doc = document(&app);
    let mut refs = BTreeSet::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in &refs {
        let name = r.strip_prefix("#/components/schemas/").expect(r);
        assert!(doc["components"]["schemas"][name].is_object(), "unresolved {r}");
    }
    let mut ids = BTreeSet::new();
    for (path, method, op) in operations(&doc) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
        assert!(ids.insert(id.to_string()), "operationId {id} twice ({method} {path})");
    }
}

#[test]
fn path_parameters_are_declared_and_query_parameters_optional() {
    let app = TestApp::spawn();
    let doc = document(&app);
    let mut with_params = 0;
    for (path, method, op) in operations(&doc) {
        let in_template: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .map(|p| p.split('}').next().unwrap().to_string())
            .collect();
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let declared: BTreeSet<String> = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(declared, in_template, "{method} {path}: path parameters");
        for p in &params {
            assert!(p["in"] == "path" || p["in"] == "query", "{method} {path}: {p}");
            // The only query parameter without which an operation means nothing.
            let needed = path == "/api/v1/ideas/similar" && p["name"] == "q";
            if p["in"] == "query" {
                assert_eq!(
                    p["required"] == true,
                    needed,
                    "{method} {path}: query parameter {} required",
                    p["name"]
                );
            } else {
                assert_eq!(p["required"], true);
            }
        }
        if !params.is_empty() {
            with_params += 1;
        }
    }
    assert!(with_params >= 80, "only {with_params} operations declare parameters");
}

/// The request body schema of an operation, resolved.
fn body_schema(doc: &Value, path: &str, method: &str) -> Value {
    let schema = &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
    let name = schema["$ref"]
        .as_str()
        .unwrap()
        .trim_start_matches("#/components/schemas/");
    doc["components"]["schemas"][name].clone()
}

#[test]
fn bodies_with_shared_rust_names_are_documented_as_themselves() {
    let app = TestApp::spawn();
    let doc = document(&app);
    let props = |path: &str, method: &str| -> BTreeSet<String> {
        body_schema(&doc, path, method)["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path}"))
            .keys()
            .cloned()
            .collect()
    };
    assert!(props("/api/v1/reports", "post").contains("object_type"));
    assert!(props("/api/v1/reports/decisions", "post").contains("hidden"));
    assert!(props("/api/v1/ideas/{id}/comments", "post").contains("parent_id"));
    assert!(props("/api/v1/experiments/{id}/report", "put").contains("what_we_did"));
}

#[test]
fn times_are_rfc3339_with_an_offset_and_inputs_with_an_offset_are_accepted() {
    let app = TestApp::with_demo();
    let idea = employee_idea(&app, "Aikaleimattu idea");
    let view = app
        .api(
            "GET",
            &format!("/api/v1/ideas/{idea}"),
            Some(&app.token(EMPLOYEE)),
            None,
        )
        .json();
    let created = view["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z'), "{created}");
    chrono::DateTime::parse_from_rfc3339(created).expect("RFC 3339");

    let manager = app.token(MANAGER);
    let body = json!({
        "title": "Muutospäivä",
        "description": "Ideoita kotihoitoon",
        "starts_at": "2026-01-01T02:00:00+02:00",
        "ends_at": "2026-01-31T23:59:00Z",
        "audience": "everyone",
    });
    let res = app.api("POST", "/api/v1/campaigns", Some(&manager), Some(body));
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["starts_at"], "2026-01-01T00:00:00Z");
    assert_eq!(res.json()["ends_at"], "2026-01-31T23:59:00Z");
}

#[test]
fn the_dashboard_defaults_to_this_year_and_a_bad_parameter_is_named() {
    let app = TestApp::with_demo();
    let manager = app.token(MANAGER);
    let res = app.api("GET", "/api/v1/dashboard", Some(&manager), None);
    assert_eq!(res.status, 200, "{}", res.body);
    let today = chrono::Utc::now().date_naive();
    let year = chrono::Datelike::year(&today);
    assert_eq!(res.json()["from"], format!("{year}-01-01"), "{}", res.body);
    let bad = app.api("GET", "/api/v1/dashboard?from=2026-13-01", Some(&manager), None);
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["errors"][0]["field"], "from", "{}", bad.body);
    assert!(bad.json()["detail"].as_str().unwrap().contains("from"));
    let swedish = app.request(
        "GET",
        "/api/v1/ideas?limit=many",
        &[
            ("Authorization".into(), format!("Bearer {manager}")),
            ("Accept-Language".into(), "sv".into()),
        ],
        None,
    );
    assert_eq!(swedish.status, 400);
    assert_eq!(swedish.json()["errors"][0]["field"], "limit");
    let unknown = app.api("GET", "/api/v1/ideas?colour=red", Some(&manager), None);
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json()["errors"][0]["field"], "colour", "{}", unknown.body);
}

#[test]
fn a_body_that_does_not_parse_is_a_400_naming_the_field() {
    let app = TestApp::with_demo();
    let token = app.token(EMPLOYEE);
    let post = |body: &str, content_type: &str| {
        app.request(
            "POST",
            "/api/v1/ideas",
            &[
                ("Authorization".into(), format!("Bearer {token}")),
                ("Content-Type".into(), content_type.into()),
            ],
            Some(body.into()),
        )
    };
    for (body, field) in [
        (
            r#"{"title": 5, "problem": "p", "proposal": "q", "unit_ids": [1]}"#,
            "title",
        ),
        (
            r#"{"title": "Otsikko", "problem": "p", "proposal": "q", "unit_ids": ["x"]}"#,
            "unit_ids[0]",
        ),
        (r#"{"title": "Otsikko", "problem": "p", "proposal": "q"}"#, "unit_ids"),
        (
            r#"{"title": "Otsikko", "problem": "p", "proposal": "q", "unit_ids": [1], "colour": 1}"#,
            "colour",
        ),
        ("{not json", "body"),
    ] {
        let res = post(body, "application/json");
        assert_eq!(res.status, 400, "{body}: {}", res.body);
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        assert_eq!(res.json()["errors"][0]["field"], field, "{body}: {}", res.body);
        assert!(res.json()["detail"].as_str().unwrap().contains(field), "{}", res.body);
    }
    let res = post("{}", "text/plain");
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["field"], "Content-Type");
}
