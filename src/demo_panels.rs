//! Demo content for customer panels: two panels with members, shared ideas and an experiment,
//! panel comments, a closed voting round with results and an open one; the trustee's
//! municipalities.

use crate::clock::now;
use crate::db::schema::{experiments, ideas, voting_rounds};
use crate::demo_ideas::{actor, unit};
use crate::domain::access::PersonKind;
use crate::domain::panels::rounds::{self, Ballot, RoundInput};
use crate::domain::panels::shares::{self, CommentInput, ItemType, ShareInput};
use crate::domain::panels::{self, PanelInput};
use crate::domain::people::{NewPersonRow, insert_person};
use crate::domain::trustees::{self, TrusteeMunicipalities};
use crate::domain::{Context, municipalities};
use crate::error::AppResult;
use crate::i18n::Locale;
use chrono::Duration;
use diesel::prelude::*;

/// Customers who belong to the demo panels besides Liisa Asiakas (they have no password).
const MEMBERS: [(&str, &str); 5] = [
    ("raili.raati@demo.kehittamo.fi", "Raili Raatikainen"),
    ("veikko.vanhus@demo.kehittamo.fi", "Veikko Kotilainen"),
    ("sirpa.omainen@demo.kehittamo.fi", "Sirpa Omaishoitaja"),
    ("kalle.asukas@demo.kehittamo.fi", "Kalle Kuntalainen"),
    ("helvi.hoidettava@demo.kehittamo.fi", "Helvi Hoivala"),
];

/// Fills the panels' demo content (after the ideas' and experiments').
pub fn fill(ctx: &Context) -> AppResult<()> {
    let manager = actor(ctx, "johto@demo.kehittamo.fi")?;
    let coordinator = actor(ctx, "esihenkilo@demo.kehittamo.fi")?;
    let employee = actor(ctx, "tyontekija@demo.kehittamo.fi")?;
    let admin = actor(ctx, "admin@demo.kehittamo.fi")?;
    let customer = actor(ctx, "asiakas@demo.kehittamo.fi")?;

    let trustee_id = actor(ctx, "luottamus@demo.kehittamo.fi")?.id;
    let represented = municipalities::list(ctx)?
        .into_iter()
        .filter(|m| m.name == "Ii" || m.name == "Pudasjärvi")
        .map(|m| m.id)
        .collect();
    trustees::set(
        ctx,
        &admin,
        trustee_id,
        &TrusteeMunicipalities {
            municipality_ids: represented,
        },
    )?;

    let mut member_emails = vec![customer.email.clone()];
    ctx.db.transaction(|conn| {
        for (email, name) in MEMBERS {
            insert_person(
                conn,
                &NewPersonRow {
                    email,
                    name,
                    kind: PersonKind::Customer,
                    password_hash: None,
                    locale: Locale::Fi,
                    email_verified: true,
                },
            )?;
        }
        Ok(())
    })?;
    member_emails.extend(MEMBERS.iter().map(|(e, _)| e.to_string()));

    let elderly = panels::create(
        ctx,
        &manager,
        &PanelInput {
            name: "Ikäihmisten asiakasraati".into(),
            description: "Kotihoidon ja palveluasumisen asiakkaat ja omaiset kommentoivat ideoita ja kokeiluja \
                          ja valitsevat parhaat jatkoon."
                .into(),
            unit_ids: vec![unit(ctx, "Ikäihmisten palvelut")?],
            coordinator_ids: vec![coordinator.id],
        },
    )?;
    let carers = panels::create(
        ctx,
        &manager,
        &PanelInput {
            name: "Omaishoitajien raati".into(),
            description: "Omaishoitajat kertovat, mikä arjessa auttaisi.".into(),
            unit_ids: vec![unit(ctx, "Omaishoidon tuki")?],
            coordinator_ids: vec![employee.id],
        },
    )?;
    for (i, email) in member_emails.iter().enumerate() {
        let input = panels::NewMember { email: email.clone() };
        panels::add_member(ctx, &coordinator, elderly, &input)?;
        if i % 2 == 0 {
            panels::add_member(ctx, &employee, carers, &input)?;
        }
    }

    let (idea_ids, experiment_id) = {
        let mut conn = ctx.db.read()?;
        let idea_ids: Vec<i64> = ideas::table
            .filter(ideas::hidden.eq(false))
            .order(ideas::id)
            .limit(8)
            .select(ideas::id)
            .load(&mut conn)?;
        let experiment_id: Option<i64> = experiments::table
            .filter(experiments::status.eq("running"))
            .order(experiments::id)
            .select(experiments::id)
            .first(&mut conn)
            .optional()?;
        (idea_ids, experiment_id)
    };
    let mut share_ids = Vec::new();
    for (idea, question) in idea_ids.iter().take(3).zip([
        "Mitä ajattelette tästä? Auttaisiko se teitä arjessa?",
        "Onko tämä teille tuttu ongelma?",
        "",
    ]) {
        let input = ShareInput {
            item_type: ItemType::Idea,
            item_id: *idea,
            question: question.into(),
        };
        share_ids.push(shares::share(ctx, &coordinator, elderly, &input)?);
    }
    if let Some(e) = experiment_id {
        let input = ShareInput {
            item_type: ItemType::Experiment,
            item_id: e,
            question: "Kokeilu on käynnissä. Mitä siitä pitäisi mitata asiakkaan näkökulmasta?".into(),
        };
        share_ids.push(shares::share(ctx, &coordinator, elderly, &input)?);
    }
    if let Some(idea) = idea_ids.get(3) {
        let input = ShareInput {
            item_type: ItemType::Idea,
            item_id: *idea,
            question: "Mikä tässä olisi teille tärkeintä?".into(),
        };
        shares::share(ctx, &employee, carers, &input)?;
    }
    let second = actor(ctx, MEMBERS[0].0)?;
    for (share, who, body) in [
        (0, &customer, "Hyvä ajatus! Äidilleni tämä olisi helpottanut paljon."),
        (0, &second, "Kannatan, kunhan aikataulu kerrotaan hyvissä ajoin."),
        (1, &customer, "Tuttu juttu. Puhelimeen ei aina vastata aamuisin."),
    ] {
        if let Some(id) = share_ids.get(share) {
            shares::comment(ctx, who, *id, &CommentInput { body: body.into() })?;
        }
    }

    if idea_ids.len() >= 5 {
        let voters: Vec<_> = member_emails
            .iter()
            .map(|e| actor(ctx, e))
            .collect::<AppResult<Vec<_>>>()?;
        // The closed round: votes cast while it was open, then moved into the past.
        let closed = rounds::create(
            ctx,
            &coordinator,
            elderly,
            &RoundInput {
                title: "Syksyn ideoiden valinta".into(),
                opens_at: now() - Duration::hours(1),
                closes_at: now() + Duration::days(1),
                best_marks: 1,
                worst_marks: 1,
                results_while_open: false,
                idea_ids: idea_ids[..5].to_vec(),
            },
        )?;
        // A clear winner, a runner-up and a loser, as in a real workshop.
        const BEST: [usize; 6] = [0, 0, 1, 0, 2, 1];
        const WORST: [usize; 6] = [4, 3, 4, 4, 3, 4];
        for (i, voter) in voters.iter().enumerate() {
            let ballot = Ballot {
                best: vec![idea_ids[BEST[i % 6]]],
                worst: vec![idea_ids[WORST[i % 6]]],
            };
            rounds::vote(ctx, voter, closed, &ballot)?;
        }
        let mut conn = ctx.db.write()?;
        diesel::update(voting_rounds::table.find(closed))
            .set((
                voting_rounds::opens_at.eq(now() - Duration::days(14)),
                voting_rounds::closes_at.eq(now() - Duration::days(7)),
                voting_rounds::closed_notified_at.eq(now()),
            ))
            .execute(&mut conn)?;
        drop(conn);
        let open = rounds::create(
            ctx,
            &coordinator,
            elderly,
            &RoundInput {
                title: "Mitkä ideat kokeiluun keväällä?".into(),
                opens_at: now() - Duration::minutes(5),
                closes_at: now() + Duration::days(10),
                best_marks: 2,
                worst_marks: 1,
                results_while_open: true,
                idea_ids: idea_ids[idea_ids.len().saturating_sub(5)..].to_vec(),
            },
        )?;
        if let Some(voter) = voters.get(1) {
            let ballot = Ballot {
                best: vec![idea_ids[idea_ids.len() - 1]],
                worst: Vec::new(),
            };
            rounds::vote(ctx, voter, open, &ballot)?;
        }
    }
    Ok(())
}
