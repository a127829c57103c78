//! The public showcase's pages: the front page, each public item's page, the Atom feeds,
//! robots.txt and the sitemap. Readable without signing in; no cookies, no forms that change
//! anything, and cacheable (ETag, Last-Modified, max-age).

use super::errors::urlencode;
use crate::domain::Context;
use crate::domain::showcase::{self, PublicReport, ShowcaseFilter};
use crate::error::AppError;
use crate::http::blocking;
use crate::i18n::Locale;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(front_page)
        .service(feed_page)
        .service(experiment_page)
        .service(idea_page)
        .service(embed)
        .service(practice_model)
        .service(practice_model_json)
        .service(practice_model_markdown)
        .service(media_kit)
        .service(robots)
        .service(sitemap);
}

/// Paths under which pages are public: no session, no CSRF cookie, cacheable.
pub fn is_public_path(path: &str) -> bool {
    path == "/showcase" || path.starts_with("/showcase/") || path == "/robots.txt" || path == "/sitemap.xml"
}

/// What a public page needs: its language (from `?lang=`, so that the address alone decides
/// the page and caches need not vary), the organisation and the addresses.
pub struct PublicCtx {
    pub locale: Locale,
    pub org_name: String,
    base_url: String,
    /// The path without the language parameter.
    path: String,
    /// The query without the language parameter.
    query: String,
}

impl PublicCtx {
    async fn of(req: &HttpRequest, ctx: &Context) -> Result<PublicCtx, AppError> {
        let org_name = match ctx.organisation_name.get() {
            Some(name) => name.clone(),
            None => {
                let c = ctx.clone();
                blocking(move || crate::domain::organisation::name(&c))
                    .await?
                    .unwrap_or_default()
            }
        };
        let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
            .into_owned()
            .collect();
        let locale = pairs
            .iter()
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Locale::parse(v))
            .unwrap_or(crate::i18n::ORGANISATION_LANGUAGE);
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(k, v)| k != "lang" && !v.is_empty()))
            .finish();
        Ok(PublicCtx {
            locale,
            org_name,
            base_url: ctx.settings.base_url().to_string(),
            path: req.path().to_string(),
            query,
        })
    }

    /// The translation of `key`.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.locale.t(key)
    }

    /// The translation of `prefix.key`.
    pub fn tk(&self, prefix: &str, key: &str) -> String {
        self.locale.t(&format!("{prefix}.{key}")).to_string()
    }

    /// The translation of `key` with one placeholder filled in.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.locale.tf(key, &[(name, &value.to_string())])
    }

    /// A calendar day in the reader's convention.
    pub fn day(&self, d: &chrono::NaiveDate) -> String {
        self.locale.date(d.and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    /// A date in the reader's convention.
    pub fn date(&self, at: &NaiveDateTime) -> String {
        self.locale.date(*at)
    }

    /// A number in the reader's convention.
    pub fn number(&self, v: impl std::borrow::Borrow<f64>) -> String {
        self.locale.number(*v.borrow())
    }

    /// Euros in the reader's convention.
    pub fn euros(&self, v: impl std::borrow::Borrow<f64>) -> String {
        self.locale.euros(*v.borrow())
    }

    /// The organisation's own language, for its names.
    pub fn org_lang(&self) -> &'static str {
        crate::i18n::ORGANISATION_LANGUAGE.code()
    }

    /// The three languages.
    pub fn locales(&self) -> [Locale; 3] {
        Locale::ALL
    }

    /// Whether `l` is the page's language.
    pub fn is_current(&self, l: &Locale) -> bool {
        *l == self.locale
    }

    /// Whether the page is in the organisation's language (no `lang` parameter).
    pub fn is_default_language(&self) -> bool {
        self.locale == crate::i18n::ORGANISATION_LANGUAGE
    }

    /// A public path in the page's language.
    pub fn link(&self, path: impl AsRef<str>) -> String {
        with_lang(path.as_ref(), self.locale)
    }

    /// This page in another language.
    pub fn in_language(&self, l: &Locale) -> String {
        let path = match self.query.as_str() {
            "" => self.path.clone(),
            q => format!("{}?{q}", self.path),
        };
        with_lang(&path, *l)
    }

    /// This page's own address (with its language).
    pub fn page_path(&self) -> String {
        self.in_language(&self.locale)
    }

    /// An absolute address, for feeds, share cards and the sitemap.
    pub fn absolute(&self, path: impl AsRef<str>) -> String {
        format!("{}{}", self.base_url, path.as_ref())
    }

    /// The feed of the showcase in the page's language.
    pub fn feed_path(&self) -> String {
        self.link("/showcase/feed.atom")
    }

    /// The share cards' locale (fi_FI, sv_FI, en_GB).
    pub fn og_locale(&self) -> &'static str {
        match self.locale {
            Locale::Fi => "fi_FI",
            Locale::Sv => "sv_FI",
            Locale::En => "en_GB",
        }
    }
}

/// `path` with `lang=` added unless it is the organisation's language.
fn with_lang(path: &str, l: Locale) -> String {
    if l == crate::i18n::ORGANISATION_LANGUAGE {
        return path.to_string();
    }
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={}", l.code())
}

/// The filter's values as typed, for re-showing the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FilterQuery {
    pub q: String,
    pub municipality: String,
    pub service_area: String,
    pub direction: String,
    pub lang: String,
}

impl FilterQuery {
    fn filter(&self) -> Result<ShowcaseFilter, AppError> {
        let id = |name: &str, v: &str| -> Result<Option<i64>, AppError> {
            match v.trim() {
                "" => Ok(None),
                v => v.parse().map(Some).map_err(|_| AppError::BadParameter(name.into())),
            }
        };
        Ok(ShowcaseFilter {
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            municipality: id("municipality", &self.municipality)?,
            service_area: id("service_area", &self.service_area)?,
            direction: id("direction", &self.direction)?,
        })
    }
}

/// How long a built list page is reused at most, even when nothing it depends on changed.
const PAGE_REUSE: std::time::Duration = std::time::Duration::from_secs(10);
/// At most this many built pages are kept (filters make many addresses).
const PAGE_CACHE_SIZE: usize = 512;

/// The ETag of a body.
fn etag_of(body: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

/// A public list page built by `build` (content type, body, last change), or the same page
/// built before while the showcase's fingerprint is unchanged: one small query per request.
async fn cached_page<F>(req: &HttpRequest, ctx: &web::Data<Context>, build: F) -> Result<HttpResponse, AppError>
where
    F: std::future::Future<Output = Result<(&'static str, String, Option<NaiveDateTime>), AppError>>,
{
    let key = req.uri().to_string();
    let c = ctx.get_ref().clone();
    let fingerprint = blocking(move || showcase::fingerprint(&c)).await?;
    let hit = ctx.showcase_pages.lock().ok().and_then(|pages| {
        pages
            .get(&key)
            .filter(|p| p.fingerprint == fingerprint && p.built.elapsed() < PAGE_REUSE)
            .cloned()
    });
    let page = match hit {
        Some(page) => page,
        None => {
            let (content_type, body, last_modified) = build.await?;
            let page = showcase::CachedPage {
                fingerprint,
                built: std::time::Instant::now(),
                content_type,
                etag: etag_of(&body),
                body: body.into(),
                last_modified,
            };
            if let Ok(mut pages) = ctx.showcase_pages.lock() {
                if pages.len() >= PAGE_CACHE_SIZE {
                    pages.clear();
                }
                pages.insert(key, page.clone());
            }
            page
        }
    };
    Ok(respond(
        req,
        page.content_type,
        page.body.to_string(),
        page.etag,
        page.last_modified,
    ))
}

/// A public answer: cacheable for a minute by anyone, validated by ETag and Last-Modified.
fn public_response(
    req: &HttpRequest,
    content_type: &str,
    body: String,
    last_modified: Option<NaiveDateTime>,
) -> HttpResponse {
    let etag = etag_of(&body);
    respond(req, content_type, body, etag, last_modified)
}

fn respond(
    req: &HttpRequest,
    content_type: &str,
    body: String,
    etag: String,
    last_modified: Option<NaiveDateTime>,
) -> HttpResponse {
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"));
    if let Some(at) = last_modified {
        let at = at.and_utc().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        res.insert_header((header::LAST_MODIFIED, at));
    }
    if matches {
        return res.finish();
    }
    res.content_type(content_type).body(body)
}

#[derive(Template)]
#[template(path = "pages/showcase/front.html")]
struct FrontPage {
    p: PublicCtx,
    front: showcase::Front,
    q: FilterQuery,
}

impl FrontPage {
    fn experiment_path(&self, id: &i64) -> String {
        format!("/showcase/experiments/{id}")
    }

    fn idea_path(&self, id: &i64) -> String {
        format!("/showcase/ideas/{id}")
    }

    fn filtered(&self) -> bool {
        !(self.q.municipality.is_empty() && self.q.direction.is_empty() && self.q.service_area.is_empty())
    }

    /// The feed of what the filter shows (a municipality's, a direction's).
    fn feed_for_filter(&self) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                [
                    ("municipality", &self.q.municipality),
                    ("service_area", &self.q.service_area),
                    ("direction", &self.q.direction),
                ]
                .into_iter()
                .filter(|(_, v)| !v.is_empty()),
            )
            .finish();
        self.p.link(format!("/showcase/feed.atom?{query}"))
    }
}

#[get("/showcase")]
async fn front_page(
    req: HttpRequest,
    ctx: web::Data<Context>,
    q: web::Query<FilterQuery>,
) -> Result<HttpResponse, AppError> {
    cached_page(&req, &ctx, async {
        let p = PublicCtx::of(&req, &ctx).await?;
        let q = q.into_inner();
        let filter = q.filter()?;
        let c = ctx.get_ref().clone();
        let front = blocking(move || showcase::front(&c, &filter)).await?;
        let updated = front.updated_at;
        let html = FrontPage { p, front, q }.render()?;
        Ok(("text/html; charset=utf-8", html, updated))
    })
    .await
}

#[derive(Template)]
#[template(path = "pages/showcase/experiment.html")]
pub(super) struct ExperimentPage {
    pub p: PublicCtx,
    pub e: showcase::PublicExperiment,
    pub preview: bool,
    pub share_url: String,
    pub share_title: String,
    pub share_text: String,
}

impl ExperimentPage {
    fn idea_path(&self, id: &i64) -> String {
        format!("/showcase/ideas/{id}")
    }

    fn kit_path(&self) -> String {
        format!("/showcase/experiments/{}/media-kit", self.e.summary.id)
    }

    fn model_path(&self) -> String {
        format!("/showcase/experiments/{}/practice-model", self.e.summary.id)
    }

    fn encoded(&self, v: &str) -> String {
        urlencode(v)
    }

    fn iso(&self, at: &NaiveDateTime) -> String {
        at.and_utc().to_rfc3339()
    }

    /// The report's questions in the reader's language with the answers as written.
    fn answers(&self, r: &PublicReport) -> Vec<(String, String)> {
        report_answers(&self.p, r)
    }
}

#[get("/showcase/experiments/{id}")]
async fn experiment_page(
    req: HttpRequest,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let p = PublicCtx::of(&req, &ctx).await?;
    let id = id.into_inner();
    let c = ctx.get_ref().clone();
    let e = blocking(move || showcase::experiment(&c, id)).await?;
    let updated = e.summary.updated_at;
    let share_url = p.absolute(p.page_path());
    let html = ExperimentPage {
        share_title: e.summary.title.clone(),
        share_text: format!("{} {share_url}", e.summary.title),
        share_url,
        p,
        e,
        preview: false,
    }
    .render()?;
    Ok(public_response(&req, "text/html; charset=utf-8", html, Some(updated)))
}

#[derive(Template)]
#[template(path = "pages/showcase/idea.html")]
pub(super) struct IdeaPage {
    pub p: PublicCtx,
    pub i: showcase::PublicIdea,
    pub preview: bool,
    pub share_url: String,
    pub share_title: String,
    pub share_text: String,
}

impl IdeaPage {
    fn experiment_path(&self, id: &i64) -> String {
        format!("/showcase/experiments/{id}")
    }

    fn encoded(&self, v: &str) -> String {
        urlencode(v)
    }
}

#[get("/showcase/ideas/{id}")]
async fn idea_page(req: HttpRequest, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let p = PublicCtx::of(&req, &ctx).await?;
    let id = id.into_inner();
    let c = ctx.get_ref().clone();
    let i = blocking(move || showcase::idea(&c, id)).await?;
    let updated = i.summary.updated_at;
    let share_url = p.absolute(p.page_path());
    let html = IdeaPage {
        share_title: i.summary.title.clone(),
        share_text: format!("{} {share_url}", i.summary.title),
        share_url,
        p,
        i,
        preview: false,
    }
    .render()?;
    Ok(public_response(&req, "text/html; charset=utf-8", html, Some(updated)))
}

/// A preview page: the item exactly as the public will see it, for the one making it public.
pub(super) async fn preview_ctx(req: &HttpRequest, ctx: &Context, locale: Locale) -> Result<PublicCtx, AppError> {
    let mut p = PublicCtx::of(req, ctx).await?;
    p.locale = locale;
    Ok(p)
}

/// The showcase's Atom feed: everything public, or one municipality's, service area's or
/// direction's; newest first.
#[get("/showcase/feed.atom")]
async fn feed_page(
    req: HttpRequest,
    ctx: web::Data<Context>,
    q: web::Query<FilterQuery>,
) -> Result<HttpResponse, AppError> {
    cached_page(&req, &ctx, build_feed(&req, &ctx, q.into_inner())).await
}

async fn build_feed(
    req: &HttpRequest,
    ctx: &web::Data<Context>,
    q: FilterQuery,
) -> Result<(&'static str, String, Option<NaiveDateTime>), AppError> {
    use atom_syndication::{Entry, Feed, Link, Person, Text};
    let p = PublicCtx::of(req, ctx).await?;
    let filter = q.filter()?;
    let c = ctx.get_ref().clone();
    let front = blocking(move || showcase::front(&c, &filter)).await?;
    let utc = |at: NaiveDateTime| at.and_utc().fixed_offset();
    let link = |href: String| Link {
        href,
        rel: "alternate".into(),
        mime_type: Some("text/html".into()),
        ..Default::default()
    };
    let mut entries: Vec<(NaiveDateTime, Entry)> = Vec::new();
    for e in front.results.iter().chain(&front.running) {
        let path = format!("/showcase/experiments/{}", e.id);
        entries.push((
            e.public_at,
            Entry {
                title: Text::plain(e.title.clone()),
                id: p.absolute(&path),
                updated: utc(e.updated_at.max(e.public_at)),
                published: Some(utc(e.public_at)),
                links: vec![link(p.absolute(p.link(&path)))],
                summary: Some(Text::plain(format!("{} — {}", e.unit_name, e.summary))),
                ..Default::default()
            },
        ));
    }
    for i in &front.ideas {
        let path = format!("/showcase/ideas/{}", i.id);
        entries.push((
            i.public_at,
            Entry {
                title: Text::plain(i.title.clone()),
                id: p.absolute(&path),
                updated: utc(i.updated_at.max(i.public_at)),
                published: Some(utc(i.public_at)),
                links: vec![link(p.absolute(p.link(&path)))],
                summary: Some(Text::plain(i.summary.clone())),
                ..Default::default()
            },
        ));
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    let self_href = p.absolute(p.page_path());
    let updated = front.updated_at;
    let feed = Feed {
        title: Text::plain(format!("{} – {}", p.t("showcase.title"), p.org_name)),
        id: self_href.clone(),
        updated: utc(updated.unwrap_or_default()),
        authors: vec![Person {
            name: p.org_name.clone(),
            ..Default::default()
        }],
        links: vec![
            Link {
                href: self_href,
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            link(p.absolute(p.link("/showcase"))),
        ],
        subtitle: Some(Text::plain(p.t("showcase.lead"))),
        lang: Some(p.locale.code().to_string()),
        entries: entries.into_iter().map(|(_, e)| e).collect(),
        ..Default::default()
    };
    Ok(("application/atom+xml; charset=utf-8", feed.to_string(), updated))
}

#[derive(Template)]
#[template(path = "pages/showcase/embed.html")]
struct EmbedPage {
    p: PublicCtx,
    items: Vec<showcase::PublicExperimentSummary>,
    query: String,
}

impl EmbedPage {
    fn experiment_path(&self, id: &i64) -> String {
        format!("/showcase/experiments/{id}")
    }

    fn front_path(&self) -> String {
        match self.query.as_str() {
            "" => "/showcase".into(),
            q => format!("/showcase?{q}"),
        }
    }
}

/// A small list of the latest results for a municipality's own web site, framed only by the
/// origins in `showcase.embed_origins`.
#[get("/showcase/embed")]
async fn embed(
    req: HttpRequest,
    ctx: web::Data<Context>,
    q: web::Query<FilterQuery>,
) -> Result<HttpResponse, AppError> {
    let p = PublicCtx::of(&req, &ctx).await?;
    let filter = q.filter()?;
    let c = ctx.get_ref().clone();
    let front = blocking(move || showcase::front(&c, &filter)).await?;
    let items = front.results.iter().chain(&front.running).take(8).cloned().collect();
    let html = EmbedPage {
        query: p.query.clone(),
        p,
        items,
    }
    .render()?;
    let origins: Vec<&str> = ctx
        .settings
        .showcase
        .embed_origins
        .iter()
        .map(String::as_str)
        .filter(|o| o.starts_with("https://") || o.starts_with("http://"))
        .filter(|o| !o.contains([' ', ';', ',', '\'', '"']))
        .collect();
    let ancestors = if origins.is_empty() {
        "'none'".to_string()
    } else {
        origins.join(" ")
    };
    let mut res = public_response(&req, "text/html; charset=utf-8", html, front.updated_at);
    let csp = format!(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    );
    if let Ok(value) = header::HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "pages/showcase/practice_model.html")]
struct PracticeModelPage {
    p: PublicCtx,
    m: showcase::PracticeModel,
}

impl PracticeModelPage {
    fn experiment_path(&self) -> String {
        format!("/showcase/experiments/{}", self.m.source_id)
    }

    fn json_path(&self) -> String {
        self.p.link(format!(
            "/showcase/experiments/{}/practice-model.json",
            self.m.source_id
        ))
    }

    fn markdown_path(&self) -> String {
        self.p
            .link(format!("/showcase/experiments/{}/practice-model.md", self.m.source_id))
    }

    /// The text sections with their headings in the reader's language.
    fn sections(&self) -> Vec<(String, String)> {
        model_sections(&self.p, &self.m)
    }
}

/// The practice model's text sections in Innokylä's order, headed in the reader's language.
fn model_sections(p: &PublicCtx, m: &showcase::PracticeModel) -> Vec<(String, String)> {
    [
        ("name", &m.name),
        ("summary", &m.summary),
        ("problem", &m.problem),
        ("target_group", &m.target_group),
        ("implementation", &m.implementation),
        ("resources", &m.resources),
        ("results", &m.results),
        ("lessons", &m.lessons),
    ]
    .into_iter()
    .map(|(k, v)| (p.tk("showcase.model", k), v.clone()))
    .collect()
}

async fn model_of(
    req: &HttpRequest,
    ctx: &web::Data<Context>,
    id: i64,
) -> Result<(PublicCtx, showcase::PracticeModel, NaiveDateTime), AppError> {
    let p = PublicCtx::of(req, ctx).await?;
    let c = ctx.get_ref().clone();
    let e = blocking(move || showcase::experiment(&c, id)).await?;
    let model = showcase::PracticeModel::of(&e)?;
    Ok((p, model, e.summary.updated_at))
}

/// A completed public experiment as a practice-model description, printable.
#[get("/showcase/experiments/{id}/practice-model")]
async fn practice_model(
    req: HttpRequest,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (p, m, updated) = model_of(&req, &ctx, id.into_inner()).await?;
    let html = PracticeModelPage { p, m }.render()?;
    Ok(public_response(&req, "text/html; charset=utf-8", html, Some(updated)))
}

/// The practice-model description as structured JSON.
#[get("/showcase/experiments/{id}/practice-model.json")]
async fn practice_model_json(
    req: HttpRequest,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (_, m, updated) = model_of(&req, &ctx, id.into_inner()).await?;
    let body = serde_json::to_string_pretty(&m).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(public_response(&req, "application/json", body, Some(updated)))
}

/// The practice-model description as Markdown, headed in the reader's language.
#[get("/showcase/experiments/{id}/practice-model.md")]
async fn practice_model_markdown(
    req: HttpRequest,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (p, m, updated) = model_of(&req, &ctx, id.into_inner()).await?;
    let mut md = format!("# {}\n\n", m.name);
    for (heading, text) in model_sections(&p, &m).into_iter().skip(1) {
        if !text.trim().is_empty() {
            md.push_str(&format!("## {heading}\n\n{}\n\n", text.trim()));
        }
    }
    if !m.evaluation.is_empty() {
        md.push_str(&format!("## {}\n\n", p.t("showcase.model.evaluation")));
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n|---|---:|---:|---:|\n",
            p.t("experiments.indicator.name"),
            p.t("experiments.indicator.baseline"),
            p.t("experiments.indicator.target"),
            p.t("experiments.indicator.actual")
        ));
        for i in &m.evaluation {
            let actual = i.actual.map(|a| p.number(a)).unwrap_or_else(|| "–".into());
            md.push_str(&format!(
                "| {} ({}) | {} | {} | {actual} |\n",
                i.name.replace('|', "/"),
                i.measure.replace('|', "/"),
                p.number(i.baseline),
                p.number(i.target)
            ));
        }
        md.push('\n');
    }
    let place = match m.municipalities.as_slice() {
        [] => m.tried_in.clone(),
        list => format!("{} ({})", m.tried_in, list.join(", ")),
    };
    md.push_str(&format!("## {}\n\n{place}\n\n", p.t("showcase.model.tried_in")));
    if !m.adopted_by.is_empty() {
        md.push_str(&format!(
            "## {}\n\n{}\n\n",
            p.t("showcase.model.adopted_by"),
            m.adopted_by.join(", ")
        ));
    }
    md.push_str(&format!("## {}\n\n{}\n", p.t("showcase.model.contact"), m.contact));
    Ok(public_response(&req, "text/markdown; charset=utf-8", md, Some(updated)))
}

#[derive(Template)]
#[template(path = "pages/showcase/media_kit.html")]
struct MediaKitPage {
    p: PublicCtx,
    e: showcase::PublicExperiment,
}

impl MediaKitPage {
    fn experiment_path(&self) -> String {
        format!("/showcase/experiments/{}", self.e.summary.id)
    }

    fn answers(&self, r: &PublicReport) -> Vec<(String, String)> {
        report_answers(&self.p, r)
    }

    /// A short press release to copy: what was tried, where, what changed, whom to ask.
    fn press_release(&self) -> String {
        let e = &self.e;
        let learned = e
            .report
            .as_ref()
            .map(|r| r.what_we_learned.trim().to_string())
            .unwrap_or_default();
        let figures: Vec<String> = e
            .indicators
            .iter()
            .filter_map(|i| {
                i.actual.map(|a| {
                    format!(
                        "{}: {} → {} {}",
                        i.name,
                        self.p.number(i.baseline),
                        self.p.number(a),
                        i.measure
                    )
                })
            })
            .collect();
        let contact = match &e.contact {
            Some(c) => format!("{c}, {}", e.summary.unit_name),
            None => e.summary.unit_name.clone(),
        };
        let mut text = format!(
            "{}\n\n{}\n\n{}",
            e.summary.title,
            self.p.locale.tf(
                "showcase.press_lead",
                &[
                    ("org", &self.p.org_name),
                    ("unit", &e.summary.unit_name),
                    ("from", &self.p.day(&e.summary.starts_on)),
                    ("to", &self.p.day(&e.summary.ends_on)),
                ],
            ),
            e.what_tried.trim()
        );
        if !learned.is_empty() {
            text.push_str(&format!("\n\n{learned}"));
        }
        if !figures.is_empty() {
            text.push_str(&format!("\n\n{}", figures.join("\n")));
        }
        text.push_str(&format!(
            "\n\n{}: {contact}\n{}",
            self.p.t("showcase.contact"),
            self.p.absolute(self.p.link(self.experiment_path()))
        ));
        text
    }
}

/// The report's questions in the reader's language with the answers as written.
fn report_answers(p: &PublicCtx, r: &PublicReport) -> Vec<(String, String)> {
    [
        ("what_we_did", &r.what_we_did),
        ("what_made_us_dare", &r.what_made_us_dare),
        ("where_we_succeeded", &r.where_we_succeeded),
        ("what_we_would_change", &r.what_we_would_change),
        ("what_we_learned", &r.what_we_learned),
        ("operational_impact", &r.operational_impact),
        ("customer_feedback", &r.customer_feedback),
    ]
    .into_iter()
    .map(|(k, v)| (p.tk("report", k), v.trim().to_string()))
    .collect()
}

/// A printable one-page summary of a public experiment and a press release to copy.
#[get("/showcase/experiments/{id}/media-kit")]
async fn media_kit(req: HttpRequest, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let p = PublicCtx::of(&req, &ctx).await?;
    let id = id.into_inner();
    let c = ctx.get_ref().clone();
    let e = blocking(move || showcase::experiment(&c, id)).await?;
    let updated = e.summary.updated_at;
    let html = MediaKitPage { p, e }.render()?;
    Ok(public_response(&req, "text/html; charset=utf-8", html, Some(updated)))
}

/// Search engines may index the showcase, and nothing else.
#[get("/robots.txt")]
async fn robots(req: HttpRequest, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let on = {
        let c = ctx.get_ref().clone();
        blocking(move || showcase::is_on(&c)).await?
    };
    let mut body = String::from("User-agent: *\n");
    if on {
        body.push_str("Allow: /showcase\nDisallow: /\n");
        body.push_str(&format!("Sitemap: {}/sitemap.xml\n", ctx.settings.base_url()));
    } else {
        body.push_str("Disallow: /\n");
    }
    Ok(public_response(&req, "text/plain; charset=utf-8", body, None))
}

/// The public pages, for search engines.
#[get("/sitemap.xml")]
async fn sitemap(req: HttpRequest, ctx: web::Data<Context>) -> Result<HttpResponse, AppError> {
    let c = ctx.get_ref().clone();
    let (front, items) = blocking(move || {
        Ok((
            showcase::front(&c, &ShowcaseFilter::default())?,
            showcase::everything_public(&c)?,
        ))
    })
    .await?;
    let base = ctx.settings.base_url();
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |path: String, at: Option<NaiveDateTime>| {
        body.push_str(&format!("<url><loc>{base}{path}</loc>"));
        if let Some(at) = at {
            body.push_str(&format!("<lastmod>{}</lastmod>", at.format("%Y-%m-%d")));
        }
        body.push_str("</url>\n");
    };
    url("/showcase".into(), front.updated_at);
    for (kind, id, at) in items {
        url(format!("/showcase/{}s/{id}", kind.as_str()), Some(at));
    }
    body.push_str("</urlset>\n");
    Ok(public_response(
        &req,
        "application/xml; charset=utf-8",
        body,
        front.updated_at,
    ))
}
