//! The demo organisation: four member municipalities, a unit tree, one person for every role.

use crate::auth::password;
use crate::db::schema::{municipalities, unit_municipalities, units};
use crate::domain::access::{PersonKind, RoleKind};
use crate::domain::people::{NewPersonRow, insert_person, insert_role, set_units};
use crate::domain::{Context, events, organisation};
use crate::error::AppResult;
use crate::i18n::Locale;
use diesel::prelude::*;

/// The password of every demo person.
pub const DEMO_PASSWORD: &str = "kehittamo-demo-2026";

/// A demo sign-in to print.
pub struct DemoLogin {
    pub email: String,
    pub role: &'static str,
}

const MUNICIPALITIES: [&str; 4] = ["Ii", "Pudasjärvi", "Utajärvi", "Vaala"];

/// (name, kind, parent name, municipalities served)
const UNITS: &[(&str, &str, Option<&str>, &[&str])] = &[
    ("Ikäihmisten palvelut", "sector", None, &MUNICIPALITIES),
    ("Kotihoito", "unit", Some("Ikäihmisten palvelut"), &MUNICIPALITIES),
    ("Kotihoito Ii", "team", Some("Kotihoito"), &["Ii"]),
    ("Kotihoito Pudasjärvi", "team", Some("Kotihoito"), &["Pudasjärvi"]),
    (
        "Ympärivuorokautinen palveluasuminen",
        "unit",
        Some("Ikäihmisten palvelut"),
        &MUNICIPALITIES,
    ),
    (
        "Omaishoidon tuki",
        "unit",
        Some("Ikäihmisten palvelut"),
        &MUNICIPALITIES,
    ),
    ("Vammaispalvelut", "sector", None, &MUNICIPALITIES),
    ("Asumispalvelut", "unit", Some("Vammaispalvelut"), &["Ii", "Pudasjärvi"]),
    ("Vammaissosiaalityö", "unit", Some("Vammaispalvelut"), &MUNICIPALITIES),
    ("Työ- ja päivätoiminta", "sector", None, &MUNICIPALITIES),
    ("Päivätoiminta", "unit", Some("Työ- ja päivätoiminta"), &MUNICIPALITIES),
    ("Työtoiminta Utajärvi", "team", Some("Päivätoiminta"), &["Utajärvi"]),
    ("Perhe- ja sosiaalipalvelut", "sector", None, &MUNICIPALITIES),
    (
        "Perhekeskus",
        "unit",
        Some("Perhe- ja sosiaalipalvelut"),
        &MUNICIPALITIES,
    ),
    (
        "Lastensuojelu",
        "unit",
        Some("Perhe- ja sosiaalipalvelut"),
        &MUNICIPALITIES,
    ),
    (
        "Aikuissosiaalityö",
        "unit",
        Some("Perhe- ja sosiaalipalvelut"),
        &MUNICIPALITIES,
    ),
    ("Terveyspalvelut", "sector", None, &MUNICIPALITIES),
    ("Vastaanottopalvelut", "unit", Some("Terveyspalvelut"), &MUNICIPALITIES),
    ("Vastaanotto Vaala", "team", Some("Vastaanottopalvelut"), &["Vaala"]),
    ("Suun terveydenhuolto", "unit", Some("Terveyspalvelut"), &MUNICIPALITIES),
    (
        "Mielenterveys- ja päihdepalvelut",
        "unit",
        Some("Terveyspalvelut"),
        &MUNICIPALITIES,
    ),
];

/// (email, name, kind, role, role's unit, member of units, what to print)
type DemoPerson = (
    &'static str,
    &'static str,
    PersonKind,
    Option<RoleKind>,
    Option<&'static str>,
    &'static [&'static str],
    &'static str,
);

const PEOPLE: &[DemoPerson] = &[
    (
        "admin@demo.kehittamo.fi",
        "Aino Ylläpitäjä",
        PersonKind::Employee,
        Some(RoleKind::Admin),
        None,
        &[],
        "administrator",
    ),
    (
        "johto@demo.kehittamo.fi",
        "Matti Johtaja",
        PersonKind::Employee,
        Some(RoleKind::Manager),
        None,
        &[],
        "manager, whole organisation",
    ),
    (
        "esihenkilo@demo.kehittamo.fi",
        "Sanna Esihenkilö",
        PersonKind::Employee,
        Some(RoleKind::Manager),
        Some("Ikäihmisten palvelut"),
        &["Ikäihmisten palvelut"],
        "manager, Ikäihmisten palvelut",
    ),
    (
        "avainosaaja@demo.kehittamo.fi",
        "Kaisa Avainosaaja",
        PersonKind::Employee,
        Some(RoleKind::KeyExpert),
        Some("Kotihoito"),
        &["Kotihoito"],
        "key expert, Kotihoito",
    ),
    (
        "tyontekija@demo.kehittamo.fi",
        "Pekka Työntekijä",
        PersonKind::Employee,
        None,
        None,
        &["Kotihoito Ii"],
        "employee, Kotihoito Ii",
    ),
    (
        "asiakas@demo.kehittamo.fi",
        "Liisa Asiakas",
        PersonKind::Customer,
        None,
        None,
        &[],
        "customer",
    ),
    (
        "luottamus@demo.kehittamo.fi",
        "Jorma Luottamushenkilö",
        PersonKind::Trustee,
        None,
        None,
        &[],
        "trustee",
    ),
];

const FIRST_NAMES: [&str; 12] = [
    "Aino", "Eino", "Helmi", "Juho", "Kerttu", "Lauri", "Minna", "Niilo", "Oona", "Paavo", "Riikka", "Toivo",
];
const LAST_NAMES: [&str; 10] = [
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Laitinen",
    "Pesonen",
];

/// How much generated data to add beside the demo content (the scale data set).
#[derive(Debug, Clone, Copy, Default)]
pub struct Extra {
    pub people: usize,
    pub ideas: usize,
    pub experiments: usize,
}

/// Ideas and experiments of the demo organisation's two past years.
pub const HISTORY_IDEAS: usize = 48;
pub const HISTORY_EXPERIMENTS: usize = 12;

/// Fills an empty database with the demo organisation, its ideas, experiments, panels and survey;
/// returns the sign-ins, or None when the organisation already exists. `extra` adds the scale
/// data set.
pub fn fill_all(ctx: &Context, extra: Extra, progress: bool) -> AppResult<Option<Vec<DemoLogin>>> {
    let logins = fill(ctx, extra.people, progress)?;
    if logins.is_some() {
        crate::demo_ideas::fill(ctx)?;
        crate::demo_experiments::fill(ctx)?;
        crate::demo_panels::fill(ctx)?;
        crate::demo_surveys::fill(ctx)?;
        open_showcase(ctx)?;
        // Two years of history, so that last year and the monthly trend show something.
        crate::demo_ideas::scale_over(ctx, HISTORY_IDEAS, 730, false)?;
        crate::demo_experiments::scale_over(ctx, HISTORY_EXPERIMENTS, 700, false)?;
        if extra.ideas > 0 {
            crate::demo_ideas::scale(ctx, extra.ideas, progress)?;
        }
        if extra.experiments > 0 {
            crate::demo_experiments::scale(ctx, extra.experiments, progress)?;
        }
    }
    Ok(logins)
}

/// The demo organisation shows its results in public: the showcase is on, the hand-written
/// experiments that run or have a result and the ideas they made real are public, and the demo
/// employee lets their name appear.
fn open_showcase(ctx: &Context) -> AppResult<()> {
    use crate::db::schema::{experiments, ideas, organisation, people};
    use crate::domain::experiments::ExperimentStatus;
    let now = crate::clock::now();
    ctx.db.transaction(|conn| {
        diesel::update(organisation::table)
            .set(organisation::showcase_on.eq(true))
            .execute(conn)?;
        let shown = crate::domain::policy::showcase::PUBLIC_EXPERIMENT_STATUSES.map(ExperimentStatus::as_str);
        diesel::update(experiments::table.filter(experiments::status.eq_any(shown)))
            .set(experiments::public_at.eq(now))
            .execute(conn)?;
        diesel::update(ideas::table.filter(ideas::status.eq_any(["implemented", "in_experiment"])))
            .set(ideas::public_at.eq(now))
            .execute(conn)?;
        diesel::update(people::table.filter(people::email.eq("tyontekija@demo.kehittamo.fi")))
            .set(people::public_name.eq(true))
            .execute(conn)?;
        Ok(())
    })
}

/// Fills an empty database with the organisation and people only (the tests' fixture).
pub fn fill(ctx: &Context, extra_people: usize, progress: bool) -> AppResult<Option<Vec<DemoLogin>>> {
    if organisation::name(ctx)?.is_some() {
        return Ok(None);
    }
    let hash = password::hash(DEMO_PASSWORD)?;
    let logins = ctx.db.transaction(|conn| {
        organisation::create_in(conn, "Oulunkaaren kuntayhtymä (demo)")?;
        let mut municipality_ids = std::collections::HashMap::new();
        for name in MUNICIPALITIES {
            let id = diesel::insert_into(municipalities::table)
                .values((
                    municipalities::name.eq(name),
                    municipalities::created_at.eq(crate::clock::now()),
                ))
                .returning(municipalities::id)
                .get_result::<i64>(conn)?;
            municipality_ids.insert(name, id);
        }
        let mut unit_ids = std::collections::HashMap::new();
        for (name, kind, parent, served) in UNITS {
            let parent_id = parent.map(|p| unit_ids[p]);
            let id = diesel::insert_into(units::table)
                .values((
                    units::parent_id.eq(parent_id),
                    units::name.eq(name),
                    units::kind.eq(kind),
                    units::created_at.eq(crate::clock::now()),
                ))
                .returning(units::id)
                .get_result::<i64>(conn)?;
            for m in *served {
                diesel::insert_into(unit_municipalities::table)
                    .values((
                        unit_municipalities::unit_id.eq(id),
                        unit_municipalities::municipality_id.eq(municipality_ids[m]),
                    ))
                    .execute(conn)?;
            }
            unit_ids.insert(*name, id);
        }
        let mut logins = Vec::new();
        for (email, name, kind, role, role_unit, member_of, label) in PEOPLE {
            let id = insert_person(
                conn,
                &NewPersonRow {
                    email,
                    name,
                    kind: *kind,
                    password_hash: Some(&hash),
                    locale: Locale::Fi,
                    email_verified: true,
                },
            )?;
            let member: Vec<i64> = member_of.iter().map(|u| unit_ids[u]).collect();
            set_units(conn, id, &member)?;
            if let Some(r) = role {
                insert_role(conn, id, *r, role_unit.map(|u| unit_ids[u]))?;
            }
            events::record(
                conn,
                None,
                "created",
                "person",
                id,
                serde_json::json!({ "via": "demo-data" }),
            )?;
            logins.push(DemoLogin {
                email: email.to_string(),
                role: label,
            });
        }
        Ok(logins)
    })?;
    if extra_people > 0 {
        add_people(ctx, extra_people, &hash, progress)?;
    }
    Ok(Some(logins))
}

/// A progress bar for long generation runs (hidden when `progress` is off).
pub fn progress_bar(count: usize, progress: bool, message: &'static str) -> indicatif::ProgressBar {
    let bar = if progress {
        indicatif::ProgressBar::new(count as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(message);
    bar
}

/// Adds `count` generated people spread over the units, in batches, with a progress bar.
fn add_people(ctx: &Context, count: usize, hash: &str, progress: bool) -> AppResult<()> {
    let unit_ids: Vec<i64> = {
        let mut conn = ctx.db.read()?;
        units::table.order(units::id).select(units::id).load(&mut conn)?
    };
    let bar = progress_bar(count, progress, "people");
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(500);
        ctx.db.transaction(|conn| {
            for i in done..done + batch {
                let kind = match i % 10 {
                    0..=5 => PersonKind::Employee,
                    6..=8 => PersonKind::Customer,
                    _ => PersonKind::Trustee,
                };
                let name = format!(
                    "{} {}",
                    FIRST_NAMES[i % FIRST_NAMES.len()],
                    LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()]
                );
                let email = format!("henkilo{}@demo.kehittamo.fi", i + 1);
                let id = insert_person(
                    conn,
                    &NewPersonRow {
                        email: &email,
                        name: &name,
                        kind,
                        password_hash: Some(hash),
                        locale: Locale::Fi,
                        email_verified: true,
                    },
                )?;
                if kind == PersonKind::Employee && !unit_ids.is_empty() {
                    set_units(conn, id, &[unit_ids[i % unit_ids.len()]])?;
                }
            }
            Ok(())
        })?;
        done += batch;
        bar.set_position(done as u64);
    }
    bar.finish_with_message("people done");
    Ok(())
}
