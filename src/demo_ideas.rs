//! Demo content for ideas: directions, a Change Day campaign, personas, a service path,
//! observations, ideas with comments and supports; and the scale data set.

use crate::clock::now;
use crate::db::backend;
use crate::db::schema::{comments, events, idea_supports, idea_tags, idea_units, ideas, people, units};
use crate::domain::access::{Actor, load_actor};
use crate::domain::campaigns::{self, CampaignInput};
use crate::domain::directions::{self, DirectionInput};
use crate::domain::ideas::engagement::{self, CommentInput};
use crate::domain::ideas::lifecycle::{self, IdeaStatus, StatusChange};
use crate::domain::ideas::{self as idea_domain, IdeaInput};
use crate::domain::observations::{self, ObservationInput};
use crate::domain::personas::{self, PersonaInput, ServicePathInput};
use crate::domain::{Context, municipalities};
use crate::error::{AppError, AppResult};
use chrono::Duration;
use diesel::prelude::*;

/// A demo person as an actor.
pub(crate) fn actor(ctx: &Context, email: &str) -> AppResult<Actor> {
    let mut conn = ctx.db.read()?;
    let (id, generation) = people::table
        .filter(people::email.eq(email))
        .select((people::id, people::token_generation))
        .first::<(i64, i32)>(&mut conn)?;
    load_actor(&mut conn, id, generation)?.ok_or(AppError::NotFound)
}

/// A demo unit's id by name.
pub(crate) fn unit(ctx: &Context, name: &str) -> AppResult<i64> {
    let mut conn = ctx.db.read()?;
    Ok(units::table
        .filter(units::name.eq(name))
        .select(units::id)
        .first(&mut conn)?)
}

/// (title, problem, proposal, unit, tags, author)
type DemoIdea = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

const IDEAS: &[DemoIdea] = &[
    (
        "Tekstiviesti ennen kotihoidon käyntiä",
        "Asiakkaat odottavat kotihoidon käyntiä epätietoisina, ja moni soittaa kysyäkseen, milloin hoitaja tulee.",
        "Lähetetään asiakkaalle tai omaiselle tekstiviesti, kun hoitaja on lähdössä edelliseltä käynniltä.",
        "Kotihoito Ii",
        &["kokeilevakunta", "viestintä"],
        "tyontekija",
    ),
    (
        "Yhteinen kalenteri omaishoitajille",
        "Omaishoitajat eivät tiedä, milloin vapaapäiviä ja sijaishoitoa on tarjolla.",
        "Julkaistaan omaishoidon tuen vapaat ajat yhteisessä kalenterissa, josta omaishoitaja voi varata.",
        "Omaishoidon tuki",
        &["omaishoito"],
        "avainosaaja",
    ),
    (
        "Asukkaiden oma aamupalaraati",
        "Palveluasumisen aamupala on samanlainen joka päivä, eikä asukkaita ole kysytty.",
        "Asukkaat valitsevat kerran kuussa raadissa seuraavan kuun aamupalan vaihtoehdot.",
        "Ympärivuorokautinen palveluasuminen",
        &["osallisuus", "kokeilevakunta"],
        "asiakas",
    ),
    (
        "Selkokieliset ajanvarauskirjeet",
        "Vastaanoton kirjeet ovat vaikeaselkoisia, ja osa asiakkaista jää pois vastaanotolta.",
        "Kirjoitetaan ajanvarauskirjeet selkokielellä ja lisätään kuva vastaanoton ovesta.",
        "Vastaanottopalvelut",
        &["selkokieli"],
        "luottamus",
    ),
    (
        "Työtoiminnan tuotteet kunnan tapahtumiin",
        "Työtoiminnassa tehdyt tuotteet jäävät varastoon.",
        "Myydään työtoiminnan tuotteita Utajärven markkinoilla yhdessä asiakkaiden kanssa.",
        "Työtoiminta Utajärvi",
        &["työtoiminta", "yhteistyö"],
        "tyontekija",
    ),
    (
        "Perhekeskuksen iltavastaanotto",
        "Työssäkäyvät vanhemmat eivät ehdi perhekeskukseen virka-aikana.",
        "Kokeillaan yhtä iltavastaanottoa viikossa kolmen kuukauden ajan.",
        "Perhekeskus",
        &["kokeilevakunta", "perheet"],
        "esihenkilo",
    ),
    (
        "Hammashoidon muistutus omaiselle",
        "Muistisairaat asiakkaat unohtavat hammashoitoajat.",
        "Lähetetään muistutus asiakkaan luvalla myös omaiselle.",
        "Suun terveydenhuolto",
        &["muistisairaus"],
        "avainosaaja",
    ),
    (
        "Matalan kynnyksen kahvila päihdepalveluihin",
        "Apua tarvitseva ei uskalla tulla vastaanotolle ajanvarauksella.",
        "Avataan viikoittainen kahvila, jossa voi tavata työntekijän ilman ajanvarausta.",
        "Mielenterveys- ja päihdepalvelut",
        &["matala-kynnys"],
        "tyontekija",
    ),
];

/// Adds the ideas' demo content to a freshly filled demo organisation.
pub fn fill(ctx: &Context) -> AppResult<()> {
    let manager = actor(ctx, "johto@demo.kehittamo.fi")?;
    let expert = actor(ctx, "avainosaaja@demo.kehittamo.fi")?;
    let year = now().date().format("%Y").to_string().parse::<i32>().unwrap_or(2026);
    let municipalities = municipalities::list(ctx)?;
    let mut direction_ids = Vec::new();
    for (name, description, m) in [
        (
            "Kotona asumisen tukeminen",
            "Ikäihmiset asuvat kotonaan mahdollisimman pitkään.",
            None,
        ),
        (
            "Asiakkaan osallisuus",
            "Asiakkaat ja asukkaat mukana palvelujen kehittämisessä.",
            None,
        ),
        (
            "Nuorten hyvinvointi",
            "Sovittu kunnan kanssa vuosineuvottelussa.",
            municipalities.iter().find(|m| m.name == "Pudasjärvi").map(|m| m.id),
        ),
    ] {
        let input = DirectionInput {
            name: name.into(),
            description: description.into(),
            year,
            municipality_id: m,
        };
        direction_ids.push(directions::create(ctx, &manager, &input)?);
    }
    let campaign = campaigns::create(
        ctx,
        &manager,
        &CampaignInput {
            title: "Muutospäivä".into(),
            description: "Change Day: jokainen voi ehdottaa yhden pienen muutoksen arkeen.".into(),
            direction_id: direction_ids.get(1).copied(),
            starts_at: now() - Duration::days(3),
            ends_at: now() + Duration::days(14),
            audience: "everyone".into(),
            unit_id: None,
        },
    )?;
    let eila = personas::create_persona(
        ctx,
        &manager,
        &PersonaInput {
            name: "Eila, 84".into(),
            description: "Asuu yksin, kotihoidon asiakas, tytär käy viikonloppuisin.".into(),
        },
    )?;
    personas::create_persona(
        ctx,
        &manager,
        &PersonaInput {
            name: "Jani, 35".into(),
            description: "Kahden lapsen isä, vuorotyössä.".into(),
        },
    )?;
    let path = personas::create_path(
        ctx,
        &manager,
        &ServicePathInput {
            name: "Kotihoidon palvelupolku".into(),
            description: String::new(),
            stages: [
                "Yhteydenotto",
                "Palvelutarpeen arviointi",
                "Palvelusuunnitelma",
                "Kotikäynnit",
                "Palvelun päättyminen",
            ]
            .map(String::from)
            .to_vec(),
        },
    )?;
    let stages = personas::get_path(ctx, path)?.stages;

    let employee = actor(ctx, "tyontekija@demo.kehittamo.fi")?;
    let ii = unit(ctx, "Kotihoito Ii")?;
    let mut notes = Vec::new();
    for (situation, challenge, resolution) in [
        (
            "Asiakas soitti kolme kertaa aamupäivän aikana.",
            "Hän ei tiennyt, milloin hoitaja tulee.",
            "Kerroin arvion puhelimessa.",
        ),
        (
            "Omainen odotti kotona koko aamun.",
            "Käyntiaika muuttui, eikä siitä kerrottu.",
            "Pahoittelin ja lupasin ilmoittaa jatkossa.",
        ),
    ] {
        let input = ObservationInput {
            situation: situation.into(),
            challenge: challenge.into(),
            resolution: resolution.into(),
            unit_id: Some(ii),
            observed_on: None,
        };
        notes.push(observations::create(ctx, &employee, &input)?);
    }

    let mut created = Vec::new();
    for (i, (title, problem, proposal, unit_name, tags, author)) in IDEAS.iter().enumerate() {
        let author = actor(ctx, &format!("{author}@demo.kehittamo.fi"))?;
        let input = IdeaInput {
            title: title.to_string(),
            problem: problem.to_string(),
            proposal: proposal.to_string(),
            unit_ids: vec![unit(ctx, unit_name)?],
            direction_ids: if i % 2 == 0 {
                vec![direction_ids[0]]
            } else {
                vec![direction_ids[1]]
            },
            tags: tags.iter().map(|t| t.to_string()).collect(),
            persona_id: (i < 2).then_some(eila),
            stage_id: stages.get(i % stages.len()).map(|s| s.id).filter(|_| i < 4),
            campaign_id: (i == 2 || i == 5).then_some(campaign),
            observation_ids: if i == 0 { notes.clone() } else { Vec::new() },
            municipality_id: None,
        };
        created.push(idea_domain::create(ctx, &author, &input)?);
    }
    for (i, id) in created.iter().enumerate() {
        for email in ["luottamus", "avainosaaja", "johto", "esihenkilo"]
            .iter()
            .take(i % 4 + 1)
        {
            engagement::support(ctx, &actor(ctx, &format!("{email}@demo.kehittamo.fi"))?, *id)?;
        }
    }
    let first = engagement::add_comment(
        ctx,
        &expert,
        created[0],
        &CommentInput {
            body: "Hyvä idea! Kokeillaan Iissä kuukauden ajan.".into(),
            parent_id: None,
        },
    )?;
    engagement::add_comment(
        ctx,
        &employee,
        created[0],
        &CommentInput {
            body: "Kiitos, teen kokeilusuunnitelman.".into(),
            parent_id: Some(first),
        },
    )?;
    engagement::add_comment(
        ctx,
        &actor(ctx, "luottamus@demo.kehittamo.fi")?,
        created[3],
        &CommentInput {
            body: "Tämä auttaisi myös Vaalan vastaanotolla.".into(),
            parent_id: None,
        },
    )?;
    let moves: [(usize, &[IdeaStatus]); 3] = [
        (0, &[IdeaStatus::InDiscussion, IdeaStatus::SelectedForExperiment]),
        (1, &[IdeaStatus::InDiscussion]),
        (
            5,
            &[
                IdeaStatus::InDiscussion,
                IdeaStatus::SelectedForExperiment,
                IdeaStatus::InExperiment,
                IdeaStatus::Implemented,
            ],
        ),
    ];
    for (i, steps) in moves {
        for status in steps {
            lifecycle::change_status(
                ctx,
                &manager,
                created[i],
                &StatusChange {
                    status: *status,
                    reason: None,
                    merged_into_id: None,
                },
            )?;
        }
    }
    Ok(())
}

const TITLE_WORDS: [&str; 12] = [
    "Kotihoidon",
    "Asiakkaan",
    "Omaisten",
    "Vastaanoton",
    "Perheiden",
    "Asukkaiden",
    "Työntekijöiden",
    "Kunnan",
    "Nuorten",
    "Ikäihmisten",
    "Palvelun",
    "Tiimin",
];
const TITLE_ENDS: [&str; 10] = [
    "ajanvaraus",
    "viestintä",
    "arki",
    "kokeilu",
    "yhteistyö",
    "ruokailu",
    "liikunta",
    "digituki",
    "perehdytys",
    "palaute",
];

/// Adds `count` generated ideas (about three comments each) for scale tests, with a progress bar.
pub fn scale(ctx: &Context, count: usize, progress: bool) -> AppResult<()> {
    scale_over(ctx, count, 3 * 365, progress)
}

/// Adds `count` generated ideas spread evenly over the last `days` days (the demo's history:
/// last year and the monthly trend show something).
pub fn scale_over(ctx: &Context, count: usize, days: i64, progress: bool) -> AppResult<()> {
    let (people_ids, unit_ids): (Vec<(i64, String)>, Vec<i64>) = {
        let mut conn = ctx.db.read()?;
        (
            people::table
                .select((people::id, people::kind))
                .order(people::id)
                .load(&mut conn)?,
            units::table.select(units::id).order(units::id).load(&mut conn)?,
        )
    };
    let bar = crate::demo::progress_bar(count, progress, "ideas");
    let statuses = IdeaStatus::ALL;
    let started = now() - Duration::days(days);
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(1000);
        ctx.db.transaction(|conn| {
            for i in done..done + batch {
                let (author, kind) = &people_ids[i % people_ids.len()];
                let at = started + Duration::minutes((i as i64 * days * 24 * 60) / count.max(1) as i64);
                // Up to 120 ideas the word pairs are unique; beyond, they are numbered.
                let title = match count {
                    0..=120 => format!("{} {}", TITLE_WORDS[i % 12], TITLE_ENDS[(i / 12) % 10]),
                    _ => format!("{} {} #{}", TITLE_WORDS[i % 12], TITLE_ENDS[(i / 12) % 10], i + 1),
                };
                let status = statuses[(i / 7) % 6];
                let comment_count = (i % 7) as i32;
                let id = diesel::insert_into(ideas::table)
                    .values((
                        ideas::title.eq(&title),
                        ideas::problem.eq("Asiakkaat kertovat, että nykyinen käytäntö hidastaa arkea ja aiheuttaa turhia yhteydenottoja."),
                        ideas::proposal.eq("Kokeillaan uutta toimintatapaa yhdessä tiimissä kuukauden ajan ja kerätään palaute."),
                        ideas::status.eq(status.as_str()),
                        ideas::author_id.eq(author),
                        ideas::author_kind.eq(kind),
                        ideas::published.eq(i % 10 == 0),
                        ideas::support_count.eq((i % 13) as i32),
                        ideas::comment_count.eq(comment_count.min(3)),
                        ideas::created_at.eq(at),
                        ideas::updated_at.eq(at),
                        ideas::last_activity_at.eq(at),
                    ))
                    .returning(ideas::id)
                    .get_result::<i64>(conn)?;
                diesel::insert_into(idea_units::table)
                    .values((idea_units::idea_id.eq(id), idea_units::unit_id.eq(unit_ids[i % unit_ids.len()])))
                    .execute(conn)?;
                diesel::insert_into(idea_tags::table)
                    .values((idea_tags::idea_id.eq(id), idea_tags::tag.eq(TITLE_ENDS[i % 10])))
                    .execute(conn)?;
                for c in 0..comment_count.min(3) {
                    let (commenter, _) = &people_ids[(i + c as usize * 7 + 1) % people_ids.len()];
                    diesel::insert_into(comments::table)
                        .values((
                            comments::idea_id.eq(id),
                            comments::author_id.eq(commenter),
                            comments::body.eq("Hyvä ajatus, meillä on samanlainen kokemus omaisten kanssa."),
                            comments::created_at.eq(at + Duration::hours(c as i64 + 1)),
                        ))
                        .execute(conn)?;
                }
                if i % 13 > 0 {
                    let (supporter, _) = &people_ids[(i * 31 + 3) % people_ids.len()];
                    diesel::insert_into(idea_supports::table)
                        .values((idea_supports::idea_id.eq(id), idea_supports::person_id.eq(supporter), idea_supports::created_at.eq(at)))
                        .execute(conn)?;
                }
                diesel::insert_into(events::table)
                    .values((
                        events::actor_id.eq(Some(author)),
                        events::verb.eq("created"),
                        events::object_type.eq("idea"),
                        events::object_id.eq(id),
                        events::details.eq("{}"),
                        events::created_at.eq(at),
                    ))
                    .execute(conn)?;
                backend::index_idea(conn, id)?;
            }
            Ok(())
        })?;
        done += batch;
        bar.set_position(done as u64);
    }
    bar.finish_with_message("ideas done");
    Ok(())
}
