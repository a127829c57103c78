//! Demo content for experiments: one in every state, with reviews, diaries, reports, a plan
//! version and adoptions; and the scale data set.

use crate::clock::now;
use crate::db::backend;
use crate::db::schema::{
    adoptions, events, experiment_ideas, experiments, ideas, indicators, people, result_reports, reviews, units,
};
use crate::demo_ideas::{actor, unit};
use crate::domain::Context;
use crate::domain::experiments::lifecycle::{self, ExperimentStatus, OutcomeInput};
use crate::domain::experiments::plan::{self, ExperimentInput, IndicatorInput};
use crate::domain::experiments::results::{self, ActualInput, AdoptionInput, LogInput, ReportInput};
use crate::domain::experiments::review::{self, Decision, ReviewInput};
use crate::error::{AppError, AppResult};
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

fn idea(ctx: &Context, title: &str) -> AppResult<Option<i64>> {
    let mut conn = ctx.db.read()?;
    Ok(ideas::table
        .filter(ideas::title.eq(title))
        .select(ideas::id)
        .first(&mut conn)
        .optional()?)
}

/// Where a demo experiment ends up.
#[derive(Clone, Copy, PartialEq)]
enum Fate {
    Draft,
    Withdrawn,
    Submitted,
    ChangesRequested,
    Rejected,
    Approved,
    Running,
    NotAdopted,
    Adopted,
}

/// (title, unit, hypothesis, what is tried, indicator, days from today to start, length in days, fate)
type DemoExperiment = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (&'static str, &'static str, f64, f64),
    i64,
    i64,
    Fate,
);

const EXPERIMENTS: &[DemoExperiment] = &[
    (
        "Tekstiviesti ennen kotihoidon käyntiä",
        "Kotihoito Ii",
        "Uskomme, että tekstiviesti ennen käyntiä vähentää asiakkaiden ja omaisten soittoja.",
        "Hoitaja lähettää viestin, kun hän lähtee edelliseltä käynniltä. Kolme kuukautta Iin tiimissä.",
        ("Asiakkaiden soitot", "soittoa viikossa", 42.0, 20.0),
        -200,
        90,
        Fate::Adopted,
    ),
    (
        "Lääkemuistutus puhelimeen",
        "Kotihoito Pudasjärvi",
        "Uskomme, että puhelimen muistutus vähentää unohtuneita iltalääkkeitä.",
        "Asiakkaan puhelimeen asetetaan muistutus, ja hoitaja tarkistaa viikoittain, miten se toimii.",
        ("Unohtuneet lääkkeet", "kertaa kuukaudessa", 12.0, 4.0),
        -30,
        60,
        Fate::Running,
    ),
    (
        "Kotikäyntien reitit yhdessä suunniteltuina",
        "Kotihoito",
        "Uskomme, että yhdessä suunnitellut reitit vähentävät ajoaikaa ja kiirettä.",
        "Tiimi suunnittelee viikon reitit yhdessä maanantaiaamuna kartan ääressä.",
        ("Ajoaika", "tuntia viikossa", 55.0, 45.0),
        20,
        60,
        Fate::Submitted,
    ),
    (
        "Omaisten viestiryhmä",
        "Kotihoito Ii",
        "Uskomme, että omaisten yhteinen viestiryhmä vähentää yksittäisiä kyselyitä.",
        "Perustetaan omaisille viestiryhmä, johon hoitajat kertovat yleiset muutokset.",
        ("Omaisten yhteydenotot", "kertaa viikossa", 30.0, 15.0),
        30,
        90,
        Fate::ChangesRequested,
    ),
    (
        "Yöhoidon etäkäynnit kaikille",
        "Kotihoito",
        "Uskomme, että kaikki yökäynnit voi korvata videoyhteydellä.",
        "Yökäynnit tehdään videolla kaikille asiakkaille kuukauden ajan.",
        ("Yökäynnit", "käyntiä yössä", 25.0, 0.0),
        40,
        30,
        Fate::Rejected,
    ),
    (
        "Muistiasiakkaan kuvakalenteri",
        "Kotihoito Pudasjärvi",
        "Uskomme, että kuvakalenteri auttaa muistiasiakasta hahmottamaan viikon käynnit.",
        "Asiakkaan seinälle tehdään kuvakalenteri, jota hoitajat päivittävät.",
        ("Levottomat illat", "iltaa viikossa", 4.0, 2.0),
        45,
        60,
        Fate::Approved,
    ),
    (
        "Palautekortti käynnin jälkeen",
        "Kotihoito Ii",
        "Uskomme, että lyhyt palautekortti tuo esiin pienet parannusideat.",
        "Jätetään käynnin jälkeen kortti, jonka asiakas voi palauttaa seuraavalla käynnillä.",
        ("Palautteet", "kpl kuukaudessa", 3.0, 20.0),
        60,
        60,
        Fate::Draft,
    ),
    (
        "Kauppakassipalvelu naapureiden kanssa",
        "Kotihoito Ii",
        "Uskomme, että naapuriapu voi korvata osan kauppakäynneistä.",
        "Kootaan vapaaehtoiset naapurit hoitamaan kauppa-asiat.",
        ("Kauppakäynnit", "käyntiä viikossa", 18.0, 10.0),
        15,
        60,
        Fate::Withdrawn,
    ),
    (
        "Iltavuoron pikapalaveri",
        "Kotihoito",
        "Uskomme, että viiden minuutin palaveri iltavuoron alussa vähentää tiedon katkoksia.",
        "Iltavuoro kokoontuu viideksi minuutiksi vuoron alussa kuukauden ajan.",
        ("Puuttuvat tiedot", "kertaa viikossa", 9.0, 3.0),
        -150,
        30,
        Fate::NotAdopted,
    ),
];

fn report_input(indicator: i64, adopt: bool) -> ReportInput {
    ReportInput {
        what_we_did: "Kokeilimme muutosta yhdessä tiimissä ja keräsimme luvut viikoittain.".into(),
        what_made_us_dare: "Asiakkaiden palaute ja esihenkilön tuki.".into(),
        where_we_succeeded: "Muutos oli helppo ottaa osaksi arkea.".into(),
        what_we_would_change: "Ottaisimme asiakkaat mukaan suunnitteluun jo alussa.".into(),
        what_we_learned: if adopt {
            "Pieni muutos arjessa vähensi kiirettä ja toi asiakkaille turvaa.".into()
        } else {
            "Tiedonkulku parani vähemmän kuin odotimme; syy oli vuorojen päällekkäisyydessä.".into()
        },
        operational_impact: "Hoitajien aikaa vapautui asiakastyöhön.".into(),
        one_off: -300.0,
        yearly: if adopt { 8500.0 } else { 0.0 },
        customer_feedback: "Asiakkaat ja omaiset kokivat muutoksen hyväksi.".into(),
        recommend_adoption: Some(adopt),
        actuals: vec![ActualInput {
            indicator_id: indicator,
            actual: if adopt { 19.0 } else { 8.0 },
        }],
    }
}

/// Adds the demo experiments (the organisation, people and ideas must exist).
pub fn fill(ctx: &Context) -> AppResult<()> {
    let owner = actor(ctx, "tyontekija@demo.kehittamo.fi")?;
    let expert = actor(ctx, "avainosaaja@demo.kehittamo.fi")?;
    let today = now().date();
    let review = |id: i64, decision: Decision, comment: &str| {
        review::decide(
            ctx,
            &expert,
            id,
            &ReviewInput {
                decision,
                comment: comment.into(),
            },
        )
    };
    for (title, unit_name, hypothesis, tried, (ind_name, measure, baseline, target), start, days, fate) in EXPERIMENTS {
        let starts_on: NaiveDate = today + Duration::days(*start);
        let input = ExperimentInput {
            title: (*title).into(),
            unit_id: unit(ctx, unit_name)?,
            hypothesis: (*hypothesis).into(),
            what_tried: (*tried).into(),
            customer_involvement: "Asiakkaat ja omaiset kertovat kokemuksensa lyhyessä haastattelussa.".into(),
            starts_on,
            ends_on: starts_on + Duration::days(*days),
            budget: 500.0,
            idea_ids: idea(ctx, title)?.into_iter().collect(),
            touches_personal_data: *fate == Fate::ChangesRequested,
            indicators: vec![IndicatorInput {
                name: (*ind_name).into(),
                measure: (*measure).into(),
                baseline: *baseline,
                target: *target,
                method: "Tiimin oma seuranta".into(),
            }],
            ..Default::default()
        };
        let id = plan::create(ctx, &owner, &input)?;
        match fate {
            Fate::Draft => continue,
            Fate::Withdrawn => {
                lifecycle::withdraw(ctx, &owner, id)?;
                continue;
            }
            _ => lifecycle::submit(ctx, &owner, id)?,
        }
        match fate {
            Fate::Submitted => continue,
            Fate::ChangesRequested => {
                review(
                    id,
                    Decision::RequestChanges,
                    "Kertokaa, miten omaisten tiedot suojataan viestiryhmässä.",
                )?;
                continue;
            }
            Fate::Rejected => {
                review(
                    id,
                    Decision::Reject,
                    "Yökäynnit ovat monelle turvallisuuden kannalta välttämättömiä.",
                )?;
                continue;
            }
            _ => review(id, Decision::Approve, "Selkeä, pieni ja asiakaslähtöinen kokeilu.")?,
        };
        if *fate == Fate::Approved {
            continue;
        }
        lifecycle::start(ctx, &owner, id)?;
        for (n, text) in [
            (0, "Aloitimme. Tiimi perehdytettiin aamupalaverissa."),
            (7, "Ensimmäisen viikon kokemukset ovat hyviä."),
        ] {
            let entry_on = (starts_on + Duration::days(n)).min(today);
            results::write_log(
                ctx,
                &owner,
                id,
                &LogInput {
                    entry_on,
                    body: text.into(),
                },
            )?;
        }
        let indicator = crate::domain::experiments::get(ctx, &owner, id)?.indicators[0].id;
        if *fate == Fate::Running {
            let mut changed = input.clone();
            changed.ends_on += Duration::days(30);
            changed
                .what_tried
                .push_str(" Jatketaan kuukaudella, jotta talven vaikutus näkyy.");
            plan::propose_version(ctx, &owner, id, &changed)?;
            continue;
        }
        let adopt = *fate == Fate::Adopted;
        results::write_report(ctx, &owner, id, &report_input(indicator, adopt))?;
        lifecycle::complete(ctx, &owner, id)?;
        let outcome = OutcomeInput {
            status: if adopt {
                ExperimentStatus::Adopted
            } else {
                ExperimentStatus::NotAdopted
            },
            reason: if adopt {
                String::new()
            } else {
                "Tiedonkulku ratkaistaan osana vuorosuunnittelun uudistusta.".into()
            },
        };
        lifecycle::decide_outcome(ctx, &expert, id, &outcome)?;
        if adopt {
            let spread = AdoptionInput {
                unit_id: unit(ctx, "Kotihoito Pudasjärvi")?,
                adopted_on: today - Duration::days(20),
                note: "Otettu käyttöön koko tiimissä.".into(),
            };
            results::record_adoption(ctx, &expert, id, &spread)?;
            lifecycle::set_published(ctx, &expert, id, true)?;
        }
    }
    Ok(())
}

/// Adds `count` generated experiments in every state (with indicators, reviews, reports and
/// adoptions where their state has them) for scale tests, with a progress bar.
pub fn scale(ctx: &Context, count: usize, progress: bool) -> AppResult<()> {
    scale_over(ctx, count, 3 * 365, progress)
}

/// Adds `count` generated experiments started evenly over the last `days` days.
pub fn scale_over(ctx: &Context, count: usize, days: i64, progress: bool) -> AppResult<()> {
    let (owners, unit_ids, reviewer): (Vec<i64>, Vec<i64>, i64) = {
        let mut conn = ctx.db.read()?;
        (
            people::table
                .filter(people::kind.eq("employee"))
                .select(people::id)
                .order(people::id)
                .load(&mut conn)?,
            units::table.select(units::id).order(units::id).load(&mut conn)?,
            people::table
                .filter(people::email.eq("avainosaaja@demo.kehittamo.fi"))
                .select(people::id)
                .first(&mut conn)
                .optional()?
                .unwrap_or(1),
        )
    };
    if owners.is_empty() || unit_ids.is_empty() {
        return Err(AppError::Internal("the organisation is empty".into()));
    }
    let idea_ids: Vec<i64> = {
        let mut conn = ctx.db.read()?;
        ideas::table
            .select(ideas::id)
            .order(ideas::id.desc())
            .limit(count as i64)
            .load(&mut conn)?
    };
    let statuses = ExperimentStatus::ALL;
    let bar = crate::demo::progress_bar(count, progress, "experiments");
    let started = now() - Duration::days(days);
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(500);
        ctx.db.transaction(|conn| {
            for i in done..done + batch {
                let at = started + Duration::minutes((i as i64 * days * 24 * 60) / count.max(1) as i64);
                let status = statuses[i % statuses.len()];
                let unit = unit_ids[(i * 7) % unit_ids.len()];
                let owner = owners[(i * 13) % owners.len()];
                let result = status.has_result();
                let id = diesel::insert_into(experiments::table)
                    .values((
                        experiments::title.eq(format!("Kokeilu {} – arjen sujuvuus", i + 1)),
                        experiments::status.eq(status.as_str()),
                        experiments::owner_id.eq(owner),
                        experiments::unit_id.eq(unit),
                        experiments::hypothesis
                            .eq("Uskomme, että pieni muutos vähentää kiirettä ja parantaa asiakkaan arkea."),
                        experiments::what_tried
                            .eq("Kokeillaan uutta toimintatapaa yhdessä tiimissä kolmen kuukauden ajan."),
                        experiments::customer_involvement.eq("Asiakkaat antavat palautetta."),
                        experiments::starts_at.eq(at),
                        experiments::ends_at.eq(at + Duration::days(90)),
                        experiments::budget_cents.eq(((i % 20) * 10_000) as i64),
                        experiments::version.eq(i32::from(!matches!(
                            status,
                            ExperimentStatus::Draft | ExperimentStatus::Submitted | ExperimentStatus::Withdrawn
                        ))),
                        experiments::review_round.eq(1),
                        experiments::published.eq(result && i % 4 == 0),
                        experiments::submitted_at.eq((status != ExperimentStatus::Draft).then_some(at)),
                        experiments::decided_at.eq((!matches!(
                            status,
                            ExperimentStatus::Draft | ExperimentStatus::Submitted
                        ))
                        .then_some(at + Duration::days((i % 30) as i64))),
                        experiments::completed_at.eq(result.then_some(at + Duration::days(90))),
                        experiments::created_by.eq(owner),
                        experiments::created_at.eq(at),
                        experiments::updated_at.eq(at),
                    ))
                    .returning(experiments::id)
                    .get_result::<i64>(conn)?;
                diesel::insert_into(indicators::table)
                    .values((
                        indicators::experiment_id.eq(id),
                        indicators::position.eq(0),
                        indicators::name.eq("Asiakkaiden yhteydenotot"),
                        indicators::measure.eq("kertaa viikossa"),
                        indicators::baseline.eq(40.0),
                        indicators::target.eq(20.0),
                        indicators::actual.eq(result.then_some(15.0 + (i % 20) as f64)),
                    ))
                    .execute(conn)?;
                if let Some(idea) = idea_ids.get(i) {
                    diesel::insert_into(experiment_ideas::table)
                        .values((
                            experiment_ideas::experiment_id.eq(id),
                            experiment_ideas::idea_id.eq(idea),
                        ))
                        .execute(conn)?;
                }
                if !matches!(
                    status,
                    ExperimentStatus::Draft | ExperimentStatus::Submitted | ExperimentStatus::Withdrawn
                ) {
                    let decision = match status {
                        ExperimentStatus::Rejected => Decision::Reject,
                        ExperimentStatus::ChangesRequested => Decision::RequestChanges,
                        _ => Decision::Approve,
                    };
                    diesel::insert_into(reviews::table)
                        .values((
                            reviews::experiment_id.eq(id),
                            reviews::round.eq(1),
                            reviews::reviewer_id.eq(reviewer),
                            reviews::decision.eq(decision.as_str()),
                            reviews::comment.eq("Perusteltu päätös."),
                            reviews::created_at.eq(at + Duration::days((i % 30) as i64)),
                        ))
                        .execute(conn)?;
                }
                if result {
                    diesel::insert_into(result_reports::table)
                        .values((
                            result_reports::experiment_id.eq(id),
                            result_reports::what_we_did.eq("Kokeilimme kolme kuukautta."),
                            result_reports::what_made_us_dare.eq("Asiakaspalaute."),
                            result_reports::where_we_succeeded.eq("Yhteydenotot vähenivät."),
                            result_reports::what_we_would_change.eq("Aloittaisimme pienemmin."),
                            result_reports::what_we_learned.eq("Pieni muutos riittää."),
                            result_reports::operational_impact.eq("Aikaa vapautui."),
                            result_reports::one_off_cents.eq(-((i % 10) as i64) * 10_000),
                            result_reports::yearly_cents.eq(((i % 30) as i64) * 50_000),
                            result_reports::customer_feedback.eq("Hyvää palautetta."),
                            result_reports::recommend_adoption.eq(Some(status != ExperimentStatus::NotAdopted)),
                            result_reports::updated_by.eq(owner),
                            result_reports::updated_at.eq(at + Duration::days(95)),
                        ))
                        .execute(conn)?;
                }
                if status == ExperimentStatus::Adopted && i % 3 == 0 {
                    let other = unit_ids[(i * 7 + 1) % unit_ids.len()];
                    if other != unit {
                        diesel::insert_into(adoptions::table)
                            .values((
                                adoptions::experiment_id.eq(id),
                                adoptions::unit_id.eq(other),
                                adoptions::adopted_on.eq(at + Duration::days(120)),
                                adoptions::note.eq(""),
                                adoptions::recorded_by.eq(reviewer),
                                adoptions::created_at.eq(at + Duration::days(120)),
                            ))
                            .execute(conn)?;
                    }
                }
                diesel::insert_into(events::table)
                    .values((
                        events::actor_id.eq(Some(owner)),
                        events::verb.eq("created"),
                        events::object_type.eq("experiment"),
                        events::object_id.eq(id),
                        events::details.eq("{}"),
                        events::created_at.eq(at),
                    ))
                    .execute(conn)?;
                backend::index_experiment(conn, id)?;
            }
            Ok(())
        })?;
        done += batch;
        bar.set_position(done as u64);
    }
    bar.finish_with_message("experiments done");
    Ok(())
}
