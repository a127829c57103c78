//! Demo content for staff pulse surveys: employees spread over units, and a closed survey they
//! answered (one unit with too few answers, to show the threshold).

use crate::clock::now;
use crate::db::schema::surveys as surveys_t;
use crate::demo_ideas::{actor, unit};
use crate::domain::Context;
use crate::domain::access::{PersonKind, load_actor};
use crate::domain::people::{NewPersonRow, insert_person, set_units};
use crate::domain::surveys::{self, Answer, Answers, SurveyInput};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use chrono::Duration;
use diesel::prelude::*;

/// (unit, how many employees answer)
const RESPONDENTS: [(&str, usize); 4] = [
    ("Kotihoito Ii", 7),
    ("Kotihoito Pudasjärvi", 6),
    ("Ympärivuorokautinen palveluasuminen", 6),
    ("Omaishoidon tuki", 3),
];

/// Fills the survey's demo content.
pub fn fill(ctx: &Context) -> AppResult<()> {
    let manager = actor(ctx, "johto@demo.kehittamo.fi")?;
    let today = crate::i18n::finnish_time(now()).date();
    let id = surveys::create(
        ctx,
        &manager,
        &SurveyInput {
            title: "Kehittäminen työyhteisössämme, syksy".into(),
            unit_id: Some(unit(ctx, "Ikäihmisten palvelut")?),
            opens_on: today,
            closes_on: today,
            statements: vec![
                "Hyvät ideat jaetaan kollegoiden kesken".into(),
                "Tiimini etsii aktiivisesti parempia tapoja tehdä työtä".into(),
                "Esihenkilöni kannustaa arjen kokeiluihin".into(),
            ],
        },
    )?;
    let statements: Vec<i64> = surveys::get(ctx, &manager, id)?
        .statements
        .iter()
        .map(|s| s.id)
        .collect();
    let mut n = 0usize;
    for (unit_name, count) in RESPONDENTS {
        let unit_id = unit(ctx, unit_name)?;
        for _ in 0..count {
            n += 1;
            let email = format!("tyontekija{n}@demo.kehittamo.fi");
            let person = ctx.db.transaction(|conn| {
                let id = insert_person(
                    conn,
                    &NewPersonRow {
                        email: &email,
                        name: &format!("Työntekijä {n}"),
                        kind: PersonKind::Employee,
                        password_hash: None,
                        locale: Locale::Fi,
                        email_verified: true,
                    },
                )?;
                set_units(conn, id, &[unit_id])?;
                load_actor(conn, id, 0)?.ok_or(AppError::NotFound)
            })?;
            // Spread around each statement's own level, the same demo every time.
            const LEVEL: [i32; 3] = [4, 3, 2];
            let answers = statements
                .iter()
                .enumerate()
                .map(|(i, s)| Answer {
                    statement_id: *s,
                    value: (LEVEL[i % 3] + (n % 3) as i32 - 1 + (n % 5 == 0) as i32).clamp(1, 5),
                })
                .collect();
            surveys::answer(ctx, &person, id, &Answers { answers })?;
        }
    }
    // Closed a week ago, as if answered during the autumn.
    let mut conn = ctx.db.write()?;
    diesel::update(surveys_t::table.find(id))
        .set((
            surveys_t::opens_at.eq(now() - Duration::days(35)),
            surveys_t::closes_at.eq(now() - Duration::days(7)),
        ))
        .execute(&mut conn)?;
    Ok(())
}
