//! The management dashboard page: filters, figures linked to their lists, SVG charts with the
//! numbers in tables beside them, CSV downloads, and the latest staff survey.

use super::charts::{self, Bar};
use super::{FormState, PageCtx, csv_download, render, render_invalid, with_ctx, xlsx_download};
use crate::domain::Context;
use crate::domain::dashboard::{self, Dashboard, DashboardFilter, FunnelStep, Impact, NamedCount};
use crate::domain::directions::{self, Direction};
use crate::domain::municipalities::{self, Municipality};
use crate::domain::scope::Scope;
use crate::domain::surveys::{self, SurveyResults, SurveyState};
use crate::domain::units::{self, UnitNode};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::spreadsheet::{self, Cell, Table};
use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard_page)
        .service(dashboard_csv)
        .service(dashboard_xlsx);
}

/// The filter as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Query {
    /// year, last_year, quarter, month; or empty for the dates given.
    period: String,
    from: String,
    to: String,
    unit: String,
    direction: String,
    municipality: String,
    /// Which table to download.
    table: String,
}

impl Query {
    /// The dates: a named period, or those given, or this year so far.
    fn dates(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
        let parse = |field: &'static str, v: &str| -> Result<Option<NaiveDate>, AppError> {
            match v.trim() {
                "" => Ok(None),
                t => t.parse().map(Some).map_err(|_| AppError::field(field, "invalid_value")),
            }
        };
        let (from, to) = match self.period.as_str() {
            "" => (parse("from", &self.from)?, parse("to", &self.to)?),
            _ => (None, None),
        };
        Ok(dashboard::period(&self.period, from, to, today))
    }

    fn filter(&self) -> Result<DashboardFilter, AppError> {
        let today = crate::clock::today();
        let (from, to) = self.dates(today)?;
        Ok(DashboardFilter {
            from,
            to,
            unit: super::opt_id(&self.unit)?,
            direction: super::opt_id(&self.direction)?,
            municipality: super::opt_id(&self.municipality)?,
        })
    }

    /// The filters as a query string, for links and downloads.
    fn query_string(&self, f: &DashboardFilter) -> String {
        let mut q = format!("from={}&to={}", f.from, f.to);
        for (name, value) in [
            ("unit", f.unit),
            ("direction", f.direction),
            ("municipality", f.municipality),
        ] {
            if let Some(v) = value {
                q.push_str(&format!("&{name}={v}"));
            }
        }
        q
    }
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct DashboardPage {
    p: PageCtx,
    form: FormState,
    figures: Option<Dashboard>,
    /// The filters as a query string.
    query: String,
    units: Vec<UnitNode>,
    directions: Vec<Direction>,
    municipalities: Vec<Municipality>,
    survey: Option<SurveyResults>,
}

impl DashboardPage {
    fn number(&self, v: &f64) -> String {
        self.p.number(*v)
    }

    fn euros(&self, v: &f64) -> String {
        self.p.euros(*v)
    }

    fn percent(&self, v: &Option<f64>) -> String {
        v.map(|r| format!("{} %", self.p.number((r * 1000.0).round() / 10.0)))
            .unwrap_or_else(|| "–".into())
    }

    fn days(&self, v: &Option<f64>) -> String {
        v.map(|d| self.p.number((d * 10.0).round() / 10.0))
            .unwrap_or_else(|| "–".into())
    }

    /// The ideas' and the experiments' funnels, by their table names.
    fn funnels(&self) -> Vec<(&'static str, &[FunnelStep])> {
        let Some(d) = &self.figures else { return Vec::new() };
        vec![
            ("idea_funnel", d.idea_funnel.as_slice()),
            ("experiment_funnel", d.experiment_funnel.as_slice()),
        ]
    }

    fn funnel_chart(&self, key: &str, steps: &[FunnelStep]) -> String {
        let bars: Vec<Bar> = steps
            .iter()
            .map(|s| Bar {
                label: self.p.tk("dashboard.step", &s.step),
                value: s.count,
            })
            .collect();
        let description = bars
            .iter()
            .map(|b| format!("{} {}", b.label, b.value))
            .collect::<Vec<_>>()
            .join(", ");
        charts::horizontal(
            &format!("{key}-chart"),
            &self.p.tk("dashboard", key),
            &description,
            &bars,
        )
    }

    fn monthly_chart(&self) -> String {
        let Some(d) = &self.figures else { return String::new() };
        let labels: Vec<String> = d.monthly.iter().map(|m| m.month.clone()).collect();
        let ideas: Vec<i64> = d.monthly.iter().map(|m| m.ideas).collect();
        let experiments: Vec<i64> = d.monthly.iter().map(|m| m.experiments).collect();
        let description = self.p.locale.tf(
            "dashboard.trend_desc",
            &[
                ("ideas", &ideas.iter().sum::<i64>().to_string()),
                ("experiments", &experiments.iter().sum::<i64>().to_string()),
                ("months", &labels.len().to_string()),
            ],
        );
        charts::paired_columns(
            "trend-chart",
            self.p.t("dashboard.trend"),
            &description,
            &labels,
            &ideas,
            &experiments,
        )
    }

    fn periods(&self) -> [&'static str; 4] {
        ["year", "last_year", "quarter", "month"]
    }

    fn impact_tables(&self) -> Vec<(&'static str, &[Impact])> {
        self.figures.as_ref().map_or(Vec::new(), |d| {
            vec![
                ("impact_units", d.impact_by_unit.as_slice()),
                ("impact_directions", d.impact_by_direction.as_slice()),
            ]
        })
    }

    fn activity_tables(&self) -> Vec<(&'static str, &[NamedCount])> {
        self.figures.as_ref().map_or(Vec::new(), |d| {
            vec![
                ("directions", d.top_directions.as_slice()),
                ("tags", d.top_tags.as_slice()),
            ]
        })
    }

    /// The list filters (unit, direction) that the idea and experiment lists understand.
    /// The dashboard's own query narrowed to one unit (replacing any unit chosen).
    fn unit_query(&self, unit: &i64) -> String {
        let mut parts: Vec<String> = self
            .query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("unit="))
            .map(str::to_string)
            .collect();
        parts.push(format!("unit={unit}"));
        parts.join("&")
    }

    fn list_query(&self) -> String {
        ["unit", "direction"]
            .iter()
            .filter(|k| !self.form.value(k).is_empty())
            .map(|k| format!("&{k}={}", self.encoded(self.form.value(k))))
            .collect()
    }

    /// The period as the idea list's filter (written in it).
    fn period_query(&self) -> String {
        self.figures
            .as_ref()
            .map(|d| format!("&from={}&to={}", d.from, d.to))
            .unwrap_or_default()
    }

    /// The period as the experiment list's filter (submitted for review in it).
    fn submitted_query(&self) -> String {
        self.figures
            .as_ref()
            .map(|d| format!("&submitted_from={}&submitted_to={}", d.from, d.to))
            .unwrap_or_default()
    }

    /// The list a funnel step counts, where one list shows exactly it.
    fn step_link(&self, step: &str) -> Option<String> {
        match step {
            "ideas" => Some(format!("/ideas?{}{}", &self.list_query(), self.period_query())),
            "submitted" => Some(format!("/experiments?{}{}", &self.list_query(), self.submitted_query())),
            _ => None,
        }
    }

    /// A value for a query string.
    fn encoded(&self, value: &str) -> String {
        form_urlencoded::byte_serialize(value.as_bytes()).collect()
    }

    fn flat(&self) -> Vec<&UnitNode> {
        self.units.iter().collect()
    }
}

/// The units a reader may pick: their scope, in tree order.
pub(super) fn pickable_units(c: &Context, scope: &Scope) -> Result<Vec<UnitNode>, AppError> {
    let covered = {
        let mut conn = c.db.read()?;
        scope.unit_ids(&mut conn)?
    };
    Ok(units::flatten(&units::tree(c)?)
        .into_iter()
        .filter(|u| covered.as_ref().is_none_or(|ids| ids.contains(&u.id)))
        .cloned()
        .collect())
}

/// The newest closed survey whose results the reader sees.
fn latest_survey(c: &Context, actor: &crate::domain::access::Actor) -> Result<Option<SurveyResults>, AppError> {
    let latest = surveys::list(c, actor)?
        .into_iter()
        .find(|s| s.state == SurveyState::Closed && s.can_see_results);
    latest.map(|s| surveys::results(c, actor, s.id)).transpose()
}

#[get("/dashboard")]
async fn dashboard_page(p: PageCtx, ctx: web::Data<Context>, q: web::Query<Query>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let scope = Scope::of(&actor)?;
    let q = q.into_inner();
    let filter = q.filter();
    let mut form = FormState::with(&[
        ("unit", &q.unit),
        ("direction", &q.direction),
        ("municipality", &q.municipality),
    ]);
    let query = filter.as_ref().map(|f| q.query_string(f)).unwrap_or_default();
    if let Ok(f) = &filter {
        form.values.insert("from".into(), f.from.to_string());
        form.values.insert("to".into(), f.to.to_string());
    } else {
        form.values.insert("from".into(), q.from.clone());
        form.values.insert("to".into(), q.to.clone());
    }
    let (figures, units, directions, municipalities, survey) = with_ctx(&ctx, move |c| {
        let figures = match filter {
            Ok(f) => dashboard::figures(c, &actor, &f),
            Err(e) => Err(e),
        };
        Ok((
            figures,
            pickable_units(c, &scope)?,
            directions::choices(c, &actor)?,
            municipalities::list(c)?,
            latest_survey(c, &actor)?,
        ))
    })
    .await?;
    let figures = form.absorb(figures)?;
    let invalid = figures.is_none();
    let page = DashboardPage {
        p,
        form,
        figures,
        query,
        units,
        directions,
        municipalities,
        survey,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

/// One table of the dashboard as CSV (UTF-8 with BOM), within the reader's scope.
#[get("/dashboard.csv")]
async fn dashboard_csv(p: PageCtx, ctx: web::Data<Context>, q: web::Query<Query>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let q = q.into_inner();
    let filter = q.filter()?;
    let d = with_ctx(&ctx, move |c| dashboard::figures(c, &actor, &filter)).await?;
    let table = table(&d, &q.table, p.locale)?;
    Ok(csv_download(
        &format!("dashboard-{}.csv", q.table),
        spreadsheet::csv(&table, p.locale),
    ))
}

/// One table of the dashboard as an Excel workbook, within the reader's scope.
#[get("/dashboard.xlsx")]
async fn dashboard_xlsx(p: PageCtx, ctx: web::Data<Context>, q: web::Query<Query>) -> Result<HttpResponse, AppError> {
    let actor = p.actor()?.clone();
    let q = q.into_inner();
    let filter = q.filter()?;
    let d = with_ctx(&ctx, move |c| dashboard::figures(c, &actor, &filter)).await?;
    let table = table(&d, &q.table, p.locale)?;
    let sheet = p.t(table_title(&q.table)).to_string();
    xlsx_download(&format!("dashboard-{}.xlsx", q.table), &table, &sheet)
}

/// The translation key of a named table's title.
fn table_title(name: &str) -> &'static str {
    match name {
        "idea_funnel" => "dashboard.idea_funnel",
        "experiment_funnel" => "dashboard.experiment_funnel",
        "monthly" => "dashboard.trend",
        "unit_participation" => "dashboard.units_participation",
        "unit_experiments" => "dashboard.units_experiments",
        "impact_units" => "dashboard.table.impact_units",
        "impact_directions" => "dashboard.table.impact_directions",
        "directions" => "dashboard.table.directions",
        "tags" => "dashboard.table.tags",
        _ => "nav.dashboard",
    }
}

/// The rows of a named table, headings in the reader's language.
fn table(d: &Dashboard, name: &str, locale: Locale) -> Result<Table, AppError> {
    let h = |keys: &[&str]| {
        keys.iter()
            .map(|k| locale.t(&format!("dashboard.col_{k}")).to_string())
            .collect()
    };
    let euro = |v: f64| Cell::Decimal(v, 2);
    let share = |v: Option<f64>| Cell::decimal(v, 4);
    let (headings, rows) = match name {
        "unit_participation" => (
            h(&[
                "unit",
                "ideas",
                "selected",
                "observations",
                "participants",
                "people",
                "participation",
            ]),
            d.units
                .iter()
                .map(|r| {
                    vec![
                        Cell::text(r.name.clone()),
                        Cell::int(r.ideas),
                        Cell::int(r.selected),
                        Cell::int(r.observations),
                        Cell::int(r.participants),
                        Cell::int(r.people),
                        share(r.participation_rate),
                    ]
                })
                .collect(),
        ),
        "unit_experiments" => (
            h(&[
                "unit",
                "submitted",
                "approved",
                "completed",
                "adopted",
                "median_days",
                "waiting",
                "running",
                "overdue",
                "spread",
                "one_off",
                "yearly",
            ]),
            d.units
                .iter()
                .map(|r| {
                    vec![
                        Cell::text(r.name.clone()),
                        Cell::int(r.experiments_submitted),
                        Cell::int(r.experiments_approved),
                        Cell::int(r.experiments_completed),
                        Cell::int(r.adopted),
                        Cell::decimal(r.review_median_days, 1),
                        Cell::int(r.waiting),
                        Cell::int(r.running),
                        Cell::int(r.overdue_reports),
                        Cell::int(r.adoptions_elsewhere),
                        euro(r.one_off),
                        euro(r.yearly),
                    ]
                })
                .collect(),
        ),
        "idea_funnel" | "experiment_funnel" => (
            h(&["step", "count", "rate"]),
            if name == "idea_funnel" {
                &d.idea_funnel
            } else {
                &d.experiment_funnel
            }
            .iter()
            .map(|s| {
                vec![
                    Cell::text(locale.t(&format!("dashboard.step.{}", s.step))),
                    Cell::int(s.count),
                    share(s.rate),
                ]
            })
            .collect(),
        ),
        "monthly" => (
            h(&["month", "ideas", "submitted"]),
            d.monthly
                .iter()
                .map(|m| {
                    vec![
                        Cell::text(m.month.clone()),
                        Cell::int(m.ideas),
                        Cell::int(m.experiments),
                    ]
                })
                .collect(),
        ),
        "impact_units" | "impact_directions" => {
            let list = if name == "impact_units" {
                &d.impact_by_unit
            } else {
                &d.impact_by_direction
            };
            (
                h(&["name", "one_off", "yearly"]),
                list.iter()
                    .map(|i| vec![Cell::text(i.name.clone()), euro(i.one_off), euro(i.yearly)])
                    .collect(),
            )
        }
        "directions" | "tags" => {
            let list = if name == "directions" {
                &d.top_directions
            } else {
                &d.top_tags
            };
            (
                h(&["name", "ideas"]),
                list.iter()
                    .map(|c| vec![Cell::text(c.name.clone()), Cell::int(c.count)])
                    .collect(),
            )
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(Table { headings, rows })
}
