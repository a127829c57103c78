//! Administration of people and their roles, and the audit log.

use super::{FormState, PageCtx, opt_id, render, render_invalid, see_other, with_ctx};
use crate::domain::access::{PersonKind, RoleKind};
use crate::domain::events::{self, EventFilter, EventView};
use crate::domain::people::{self, NewPerson, NewRole, PeopleFilter, PersonPatch, PersonSummary, PersonView};
use crate::domain::units::{self, UnitNode};
use crate::domain::{Context, Page};
use crate::error::AppError;
use crate::http::csrf::CsrfForm;
use crate::i18n::Locale;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(people_list)
        .service(person_create)
        .service(person_edit)
        .service(person_update)
        .service(role_add)
        .service(role_remove)
        .service(municipalities_set)
        .service(audit_log);
}

/// Choices the people forms offer.
trait PersonChoices {
    fn selected_units(&self) -> &[i64];

    fn kinds(&self) -> [PersonKind; 3] {
        PersonKind::ALL
    }

    fn roles(&self) -> [RoleKind; 3] {
        RoleKind::ALL
    }

    fn locales(&self) -> [Locale; 3] {
        Locale::ALL
    }

    fn unit_selected(&self, id: &i64) -> bool {
        self.selected_units().contains(id)
    }
}

impl PersonChoices for PeoplePage {
    fn selected_units(&self) -> &[i64] {
        &self.selected_units
    }
}

impl PersonChoices for PersonPage {
    fn selected_units(&self) -> &[i64] {
        &self.selected_units
    }
}

#[derive(Template)]
#[template(path = "pages/admin/people.html")]
struct PeoplePage {
    p: PageCtx,
    page: Page<PersonSummary>,
    filter: PeopleFilter,
    tree: Vec<UnitNode>,
    form: FormState,
    selected_units: Vec<i64>,
}

impl PeoplePage {
    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }

    fn q(&self) -> &str {
        self.filter.q.as_deref().unwrap_or("")
    }

    fn kind_filter(&self) -> &str {
        self.filter.kind.as_deref().unwrap_or("")
    }

    /// The link to the next page, keeping the filters.
    fn next_link(&self, after: &i64) -> String {
        format!(
            "/admin/people?q={}&kind={}&after={after}",
            super::errors::urlencode(self.q()),
            super::errors::urlencode(self.kind_filter())
        )
    }
}

async fn people_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    filter: PeopleFilter,
    form: FormState,
    selected_units: Vec<i64>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let f = filter.clone();
    let (page, tree) = with_ctx(ctx, move |c| Ok((people::list(c, &actor, &f)?, units::tree(c)?))).await?;
    let invalid = !form.errors.is_empty();
    let view = PeoplePage {
        p,
        page,
        filter,
        tree,
        form,
        selected_units,
    };
    if invalid { render_invalid(&view) } else { render(&view) }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PeopleQuery {
    q: String,
    kind: String,
    after: Option<i64>,
}

#[get("/admin/people")]
async fn people_list(
    p: PageCtx,
    ctx: web::Data<Context>,
    q: web::Query<PeopleQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let filter = PeopleFilter {
        q: Some(q.q),
        kind: Some(q.kind).filter(|k| !k.is_empty()),
        active: None,
        after: q.after,
        limit: Some(50),
    };
    let form = FormState::with(&[("kind", "employee"), ("locale", "fi")]);
    people_page(p, &ctx, filter, form, Vec::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewPersonFields {
    email: String,
    name: String,
    kind: String,
    password: String,
    locale: String,
}

#[post("/admin/people")]
async fn person_create(
    p: PageCtx,
    ctx: web::Data<Context>,
    form: CsrfForm<NewPersonFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let CsrfForm(f, pairs) = form;
    let unit_ids = pairs.ids("unit_ids")?;
    let mut state = FormState::with(&[
        ("email", &f.email),
        ("name", &f.name),
        ("kind", &f.kind),
        ("locale", &f.locale),
    ]);
    let input = NewPerson {
        email: f.email,
        name: f.name,
        kind: f.kind,
        password: Some(f.password).filter(|p| !p.is_empty()),
        unit_ids: unit_ids.clone(),
        locale: Some(f.locale),
    };
    match state.absorb(with_ctx(&ctx, move |c| people::create(c, &actor, &input)).await)? {
        Some(id) => Ok(see_other(&format!("/admin/people/{id}?done=person_created"))),
        None => people_page(p, &ctx, PeopleFilter::default(), state, unit_ids).await,
    }
}

#[derive(Template)]
#[template(path = "pages/admin/person.html")]
struct PersonPage {
    p: PageCtx,
    person: PersonView,
    tree: Vec<UnitNode>,
    form: FormState,
    selected_units: Vec<i64>,
    role_form: FormState,
    history: Vec<EventView>,
    /// Every municipality, and those a trustee represents.
    municipalities: Vec<crate::domain::municipalities::Municipality>,
    represented: Vec<i64>,
}

impl PersonPage {
    fn represents(&self, id: &i64) -> bool {
        self.represented.contains(id)
    }

    fn flat(&self) -> Vec<&UnitNode> {
        units::flatten(&self.tree)
    }
}

async fn person_page(
    p: PageCtx,
    ctx: &web::Data<Context>,
    id: i64,
    form: Option<(FormState, Vec<i64>)>,
    role_form: Option<FormState>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let filter = EventFilter {
        object_type: Some("person".into()),
        object_id: Some(id),
        limit: Some(20),
        ..Default::default()
    };
    let (person, tree, history, municipalities, represented) = with_ctx(ctx, move |c| {
        let represented = crate::domain::trustees::get(c, &actor, id)?
            .into_iter()
            .map(|m| m.id)
            .collect();
        Ok((
            people::get(c, &actor, id)?,
            units::tree(c)?,
            events::audit_log(c, &actor, &filter)?.items,
            crate::domain::municipalities::list(c)?,
            represented,
        ))
    })
    .await?;
    let invalid = form.is_some() || role_form.is_some();
    let (form, selected_units) = form.unwrap_or_else(|| {
        let s = &person.summary;
        (
            FormState::with(&[
                ("name", &s.name),
                ("kind", &s.kind),
                ("locale", &person.locale),
                ("active", if s.active { "on" } else { "" }),
            ]),
            person.units.iter().map(|u| u.id).collect(),
        )
    });
    let role_form = role_form.unwrap_or_else(|| FormState::with(&[("role", "key_expert")]));
    let page = PersonPage {
        p,
        person,
        tree,
        form,
        selected_units,
        role_form,
        history,
        municipalities,
        represented,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[get("/admin/people/{id}")]
async fn person_edit(p: PageCtx, ctx: web::Data<Context>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    person_page(p, &ctx, id.into_inner(), None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PersonFields {
    name: String,
    kind: String,
    locale: String,
}

#[post("/admin/people/{id}")]
async fn person_update(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<PersonFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let id = id.into_inner();
    let CsrfForm(f, pairs) = form;
    let unit_ids = pairs.ids("unit_ids")?;
    let active = pairs.checked("active");
    let mut state = FormState::with(&[
        ("name", &f.name),
        ("kind", &f.kind),
        ("locale", &f.locale),
        ("active", if active { "on" } else { "" }),
    ]);
    let patch = PersonPatch {
        name: Some(f.name),
        kind: Some(f.kind),
        active: Some(active),
        locale: Some(f.locale),
        unit_ids: Some(unit_ids.clone()),
    };
    match state.absorb_all(with_ctx(&ctx, move |c| people::update(c, &actor, id, &patch)).await)? {
        Some(()) => Ok(see_other(&format!("/admin/people/{id}?done=saved"))),
        None => person_page(p, &ctx, id, Some((state, unit_ids)), None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RoleFields {
    role: String,
    unit_id: String,
}

#[post("/admin/people/{id}/roles")]
async fn role_add(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<RoleFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let id = id.into_inner();
    let f = form.0;
    let mut state = FormState::with(&[("role", &f.role), ("unit_id", &f.unit_id)]);
    let input = NewRole {
        role: f.role,
        unit_id: opt_id(&f.unit_id)?,
    };
    match state.absorb_all(with_ctx(&ctx, move |c| people::add_role(c, &actor, id, &input)).await)? {
        Some(_) => Ok(see_other(&format!("/admin/people/{id}?done=role_granted"))),
        None => person_page(p, &ctx, id, None, Some(state)).await,
    }
}

/// Links a trustee to the municipalities they represent.
#[post("/admin/people/{id}/municipalities")]
async fn municipalities_set(
    p: PageCtx,
    ctx: web::Data<Context>,
    id: web::Path<i64>,
    form: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let id = id.into_inner();
    let input = crate::domain::trustees::TrusteeMunicipalities {
        municipality_ids: form.1.ids("municipality_ids")?,
    };
    with_ctx(&ctx, move |c| crate::domain::trustees::set(c, &actor, id, &input)).await?;
    Ok(see_other(&format!("/admin/people/{id}?done=saved")))
}

#[post("/admin/people/{id}/roles/{role_id}/delete")]
async fn role_remove(
    p: PageCtx,
    ctx: web::Data<Context>,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<super::NoFields>,
) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let (id, role_id) = path.into_inner();
    let mut state = FormState::default();
    match state.absorb_all(with_ctx(&ctx, move |c| people::remove_role(c, &actor, id, role_id)).await)? {
        Some(0) => Ok(see_other(&format!("/admin/people/{id}?done=role_revoked"))),
        Some(_) => Ok(see_other(&format!("/admin/people/{id}?done=role_revoked_unrouted"))),
        None => person_page(p, &ctx, id, None, Some(state)).await,
    }
}

#[derive(Template)]
#[template(path = "pages/admin/events.html")]
struct AuditPage {
    p: PageCtx,
    page: Page<EventView>,
    q: AuditQuery,
}

impl AuditPage {
    fn object_types(&self) -> [&'static str; 17] {
        [
            "idea",
            "comment",
            "observation",
            "experiment",
            "campaign",
            "direction",
            "persona",
            "service_path",
            "panel",
            "share",
            "round",
            "survey",
            "report",
            "person",
            "unit",
            "municipality",
            "organisation",
        ]
    }

    /// The page of an entry's object, where it has one.
    fn object_link(&self, e: &EventView) -> Option<String> {
        let id = e.object_id;
        Some(match e.object_type.as_str() {
            "idea" => format!("/ideas/{id}"),
            "experiment" => format!("/experiments/{id}"),
            "campaign" => format!("/campaigns/{id}"),
            "direction" => format!("/directions/{id}"),
            "service_path" => format!("/service-paths/{id}"),
            "panel" => format!("/panels/{id}"),
            "round" => format!("/rounds/{id}"),
            "survey" => format!("/surveys/{id}"),
            "person" => format!("/admin/people/{id}"),
            "unit" => format!("/admin/units/{id}"),
            "municipality" => format!("/admin/municipalities/{id}"),
            "report" => "/moderation".to_string(),
            "organisation" => "/admin".to_string(),
            _ => return None,
        })
    }

    /// An entry's details as (name, value) in words: field names translated, statuses and
    /// roles in the reader's language, lists joined.
    fn details(&self, e: &EventView) -> Vec<(String, String)> {
        let serde_json::Value::Object(map) = &e.details else {
            return Vec::new();
        };
        map.iter()
            .map(|(key, value)| {
                let status_change = matches!(e.object_type.as_str(), "idea" | "experiment") && value.is_string();
                let name = match self.p.t(&format!("field_name.{key}")) {
                    _ if status_change && key == "from" => self.p.t("audit.from_status").to_string(),
                    _ if status_change && key == "to" => self.p.t("audit.to_status").to_string(),
                    t if t == format!("field_name.{key}") => key.replace('_', " "),
                    t => t.to_string(),
                };
                (name, self.value_text(&e.object_type, key, value))
            })
            .collect()
    }

    fn value_text(&self, object_type: &str, key: &str, value: &serde_json::Value) -> String {
        use serde_json::Value;
        match value {
            Value::String(s) => {
                let prefix = match (object_type, key) {
                    ("idea", "from" | "to" | "status") => Some("idea_status"),
                    ("experiment", "from" | "to" | "status") => Some("experiment_status"),
                    (_, "role") => Some("role"),
                    (_, "kind" | "author_kind") => Some("kind"),
                    _ => None,
                };
                match prefix {
                    Some(prefix) => self.p.tk(prefix, s),
                    None => s.clone(),
                }
            }
            Value::Bool(b) => self.p.t(if *b { "audit.yes" } else { "audit.no" }).to_string(),
            Value::Null => "–".to_string(),
            Value::Array(items) => items
                .iter()
                .map(|v| self.value_text(object_type, key, v))
                .collect::<Vec<_>>()
                .join(", "),
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| format!("{k}: {}", self.value_text(object_type, k, v)))
                .collect::<Vec<_>>()
                .join("; "),
            Value::Number(n) => n.to_string(),
        }
    }

    /// The log filtered to one person's entries.
    fn actor_link(&self, e: &EventView) -> Option<String> {
        e.actor_id.map(|id| format!("/admin/events?actor_id={id}"))
    }

    fn is_type(&self, t: &str) -> bool {
        self.q.object_type == t
    }

    fn older_link(&self, before: &i64) -> String {
        format!(
            "/admin/events?actor_id={}&actor={}&object_type={}&object_id={}&from={}&to={}&before={before}",
            self.q.actor_id,
            super::errors::urlencode(&self.q.actor),
            super::errors::urlencode(&self.q.object_type),
            self.q.object_id,
            self.q.from,
            self.q.to
        )
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AuditQuery {
    actor_id: String,
    actor: String,
    object_type: String,
    object_id: String,
    from: String,
    to: String,
    before: Option<i64>,
}

fn parse_opt<T: std::str::FromStr>(field: &str, value: &str) -> Result<Option<T>, AppError> {
    match value.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::field(field.to_string(), "invalid_value")),
    }
}

#[get("/admin/events")]
async fn audit_log(p: PageCtx, ctx: web::Data<Context>, q: web::Query<AuditQuery>) -> Result<HttpResponse, AppError> {
    let actor = p.admin()?.clone();
    let q = q.into_inner();
    let filter = EventFilter {
        actor_id: parse_opt("actor_id", &q.actor_id)?,
        actor: Some(q.actor.clone()),
        object_type: Some(q.object_type.clone()).filter(|t| !t.is_empty()),
        object_id: parse_opt("object_id", &q.object_id)?,
        from: parse_opt("from", &q.from)?,
        to: parse_opt("to", &q.to)?,
        before: q.before,
        limit: Some(50),
    };
    let page = with_ctx(&ctx, move |c| events::audit_log(c, &actor, &filter)).await?;
    render(&AuditPage { p, page, q })
}
