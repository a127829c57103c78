//! Table definitions shared by both backends (portable column types only).

diesel::table! {
    organisation (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
        showcase_on -> Bool,
    }
}

diesel::table! {
    municipalities (id) {
        id -> BigInt,
        name -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    units (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        name -> Text,
        kind -> Text,
        active -> Bool,
        required_approvals -> Integer,
        created_at -> Timestamp,
        public_budget -> Bool,
    }
}

diesel::table! {
    unit_municipalities (unit_id, municipality_id) {
        unit_id -> BigInt,
        municipality_id -> BigInt,
    }
}

diesel::table! {
    people (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        kind -> Text,
        password_hash -> Nullable<Text>,
        locale -> Text,
        active -> Bool,
        email_verified -> Bool,
        token_generation -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        public_name -> Bool,
    }
}

diesel::table! {
    person_units (person_id, unit_id) {
        person_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    role_assignments (id) {
        id -> BigInt,
        person_id -> BigInt,
        role -> Text,
        unit_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    digest_runs (person_id, digest, period_start) {
        person_id -> BigInt,
        digest -> Text,
        period_start -> Timestamp,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        verb -> Text,
        object_type -> Text,
        object_id -> BigInt,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        message_id -> Nullable<Text>,
        list_kind -> Nullable<Text>,
    }
}

diesel::table! {
    notification_preferences (person_id, kind) {
        person_id -> BigInt,
        kind -> Text,
        channel -> Text,
    }
}

diesel::table! {
    experiment_reviewers (experiment_id, person_id) {
        experiment_id -> BigInt,
        person_id -> BigInt,
    }
}

diesel::table! {
    known_sign_in_addresses (person_id, address) {
        person_id -> BigInt,
        address -> Text,
        last_at -> Timestamp,
    }
}

diesel::table! {
    ended_sessions (id) {
        id -> Text,
        ends_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    directions (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        year -> Integer,
        municipality_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        title -> Text,
        description -> Text,
        direction_id -> Nullable<BigInt>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        audience -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        unit_id -> Nullable<BigInt>,
        announced_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    personas (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_paths (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_path_stages (id) {
        id -> BigInt,
        service_path_id -> BigInt,
        position -> Integer,
        name -> Text,
    }
}

diesel::table! {
    ideas (id) {
        id -> BigInt,
        title -> Text,
        problem -> Text,
        proposal -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        merged_into_id -> Nullable<BigInt>,
        author_id -> BigInt,
        author_kind -> Text,
        campaign_id -> Nullable<BigInt>,
        persona_id -> Nullable<BigInt>,
        stage_id -> Nullable<BigInt>,
        published -> Bool,
        hidden -> Bool,
        support_count -> Integer,
        comment_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_activity_at -> Timestamp,
        hidden_reason -> Nullable<Text>,
        lang -> Text,
        municipality_id -> Nullable<BigInt>,
        public_at -> Nullable<Timestamp>,
        public_withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idea_units (idea_id, unit_id) {
        idea_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    idea_directions (idea_id, direction_id) {
        idea_id -> BigInt,
        direction_id -> BigInt,
    }
}

diesel::table! {
    idea_tags (idea_id, tag) {
        idea_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    idea_supports (idea_id, person_id) {
        idea_id -> BigInt,
        person_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follows (object_type, object_id, person_id) {
        object_type -> Text,
        object_id -> BigInt,
        person_id -> BigInt,
        following -> Bool,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        idea_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        body -> Text,
        deleted -> Bool,
        hidden -> Bool,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        hidden_reason -> Nullable<Text>,
        lang -> Text,
    }
}

diesel::table! {
    observations (id) {
        id -> BigInt,
        author_id -> BigInt,
        unit_id -> BigInt,
        observed_on -> Timestamp,
        situation -> Text,
        challenge -> Text,
        resolution -> Text,
        idea_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        lang -> Text,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        object_type -> Text,
        object_id -> BigInt,
        reporter_id -> BigInt,
        reason -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        resolution -> Nullable<Text>,
    }
}

diesel::table! {
    experiments (id) {
        id -> BigInt,
        title -> Text,
        status -> Text,
        owner_id -> BigInt,
        unit_id -> BigInt,
        hypothesis -> Text,
        what_tried -> Text,
        customer_involvement -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        budget_cents -> BigInt,
        touches_personal_data -> Bool,
        needs_consent -> Bool,
        vulnerable_customers -> Bool,
        version -> Integer,
        review_round -> Integer,
        review_unit_id -> Nullable<BigInt>,
        published -> Bool,
        outcome_reason -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        overdue_reminded_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        lang -> Text,
        public_at -> Nullable<Timestamp>,
        public_withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    experiment_team (experiment_id, person_id) {
        experiment_id -> BigInt,
        person_id -> BigInt,
    }
}

diesel::table! {
    experiment_ideas (experiment_id, idea_id) {
        experiment_id -> BigInt,
        idea_id -> BigInt,
    }
}

diesel::table! {
    experiment_directions (experiment_id, direction_id) {
        experiment_id -> BigInt,
        direction_id -> BigInt,
    }
}

diesel::table! {
    indicators (id) {
        id -> BigInt,
        experiment_id -> BigInt,
        position -> Integer,
        name -> Text,
        measure -> Text,
        baseline -> Double,
        target -> Double,
        method -> Text,
        actual -> Nullable<Double>,
    }
}

diesel::table! {
    experiment_versions (id) {
        id -> BigInt,
        experiment_id -> BigInt,
        version -> Integer,
        plan -> Text,
        state -> Text,
        proposed_by -> Nullable<BigInt>,
        decided_by -> Nullable<BigInt>,
        note -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reviews (id) {
        id -> BigInt,
        experiment_id -> BigInt,
        round -> Integer,
        reviewer_id -> BigInt,
        decision -> Text,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    experiment_log (id) {
        id -> BigInt,
        experiment_id -> BigInt,
        author_id -> BigInt,
        entry_on -> Timestamp,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    result_reports (experiment_id) {
        experiment_id -> BigInt,
        what_we_did -> Text,
        what_made_us_dare -> Text,
        where_we_succeeded -> Text,
        what_we_would_change -> Text,
        what_we_learned -> Text,
        operational_impact -> Text,
        one_off_cents -> BigInt,
        yearly_cents -> BigInt,
        customer_feedback -> Text,
        recommend_adoption -> Nullable<Bool>,
        updated_by -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    adoptions (id) {
        id -> BigInt,
        experiment_id -> BigInt,
        unit_id -> BigInt,
        adopted_on -> Timestamp,
        note -> Text,
        recorded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        person_id -> BigInt,
        kind -> Text,
        object_type -> Text,
        object_id -> BigInt,
        title -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        digest -> Nullable<Text>,
        digested_at -> Nullable<Timestamp>,
        own -> Bool,
    }
}

diesel::table! {
    panels (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        active -> Bool,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    panel_units (panel_id, unit_id) {
        panel_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    panel_members (panel_id, person_id) {
        panel_id -> BigInt,
        person_id -> BigInt,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    panel_invitations (id) {
        id -> BigInt,
        panel_id -> BigInt,
        email -> Text,
        invited_by -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    panel_shares (id) {
        id -> BigInt,
        panel_id -> BigInt,
        object_type -> Text,
        object_id -> BigInt,
        question -> Text,
        shared_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    panel_comments (id) {
        id -> BigInt,
        share_id -> BigInt,
        author_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
        lang -> Text,
    }
}

diesel::table! {
    voting_rounds (id) {
        id -> BigInt,
        panel_id -> BigInt,
        title -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        best_marks -> Integer,
        worst_marks -> Integer,
        results_while_open -> Bool,
        opened_notified_at -> Nullable<Timestamp>,
        closed_notified_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    round_ideas (round_id, idea_id) {
        round_id -> BigInt,
        idea_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    round_marks (round_id, person_id, idea_id) {
        round_id -> BigInt,
        person_id -> BigInt,
        idea_id -> BigInt,
        mark -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    trustee_municipalities (person_id, municipality_id) {
        person_id -> BigInt,
        municipality_id -> BigInt,
    }
}

diesel::table! {
    surveys (id) {
        id -> BigInt,
        title -> Text,
        unit_id -> Nullable<BigInt>,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    survey_statements (id) {
        id -> BigInt,
        survey_id -> BigInt,
        position -> Integer,
        text -> Text,
    }
}

diesel::table! {
    survey_respondents (survey_id, person_id) {
        survey_id -> BigInt,
        person_id -> BigInt,
    }
}

diesel::table! {
    survey_unit_counts (survey_id, unit_id) {
        survey_id -> BigInt,
        unit_id -> BigInt,
        respondents -> Integer,
        parent_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    survey_tallies (survey_id, unit_id, statement_id, value) {
        survey_id -> BigInt,
        unit_id -> BigInt,
        statement_id -> BigInt,
        value -> Integer,
        answers -> Integer,
    }
}

diesel::joinable!(unit_municipalities -> units (unit_id));
diesel::joinable!(unit_municipalities -> municipalities (municipality_id));
diesel::joinable!(person_units -> people (person_id));
diesel::joinable!(person_units -> units (unit_id));
diesel::joinable!(role_assignments -> people (person_id));
diesel::joinable!(role_assignments -> units (unit_id));
diesel::joinable!(events -> people (actor_id));
diesel::joinable!(directions -> municipalities (municipality_id));
diesel::joinable!(ideas -> people (author_id));
diesel::joinable!(idea_units -> ideas (idea_id));
diesel::joinable!(idea_units -> units (unit_id));
diesel::joinable!(idea_directions -> ideas (idea_id));
diesel::joinable!(idea_directions -> directions (direction_id));
diesel::joinable!(idea_tags -> ideas (idea_id));
diesel::joinable!(idea_supports -> ideas (idea_id));
diesel::joinable!(follows -> people (person_id));
diesel::joinable!(comments -> ideas (idea_id));
diesel::joinable!(comments -> people (author_id));
diesel::joinable!(service_path_stages -> service_paths (service_path_id));
diesel::joinable!(experiments -> people (owner_id));
diesel::joinable!(experiments -> units (unit_id));
diesel::joinable!(experiment_team -> experiments (experiment_id));
diesel::joinable!(experiment_team -> people (person_id));
diesel::joinable!(experiment_ideas -> experiments (experiment_id));
diesel::joinable!(experiment_ideas -> ideas (idea_id));
diesel::joinable!(experiment_directions -> experiments (experiment_id));
diesel::joinable!(experiment_directions -> directions (direction_id));
diesel::joinable!(indicators -> experiments (experiment_id));
diesel::joinable!(reviews -> experiments (experiment_id));
diesel::joinable!(reviews -> people (reviewer_id));
diesel::joinable!(experiment_log -> experiments (experiment_id));
diesel::joinable!(experiment_log -> people (author_id));
diesel::joinable!(result_reports -> experiments (experiment_id));
diesel::joinable!(adoptions -> experiments (experiment_id));
diesel::joinable!(adoptions -> units (unit_id));
diesel::joinable!(experiment_versions -> experiments (experiment_id));

diesel::joinable!(panel_units -> panels (panel_id));
diesel::joinable!(panel_units -> units (unit_id));
diesel::joinable!(panel_members -> panels (panel_id));
diesel::joinable!(panel_members -> people (person_id));
diesel::joinable!(panel_invitations -> panels (panel_id));
diesel::joinable!(panel_shares -> panels (panel_id));
diesel::joinable!(panel_comments -> panel_shares (share_id));
diesel::joinable!(panel_comments -> people (author_id));
diesel::joinable!(voting_rounds -> panels (panel_id));
diesel::joinable!(round_ideas -> voting_rounds (round_id));
diesel::joinable!(round_ideas -> ideas (idea_id));
diesel::joinable!(round_marks -> voting_rounds (round_id));
diesel::joinable!(trustee_municipalities -> people (person_id));
diesel::joinable!(trustee_municipalities -> municipalities (municipality_id));
diesel::joinable!(survey_statements -> surveys (survey_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisation,
    known_sign_in_addresses,
    ended_sessions,
    experiment_reviewers,
    notification_preferences,
    municipalities,
    units,
    unit_municipalities,
    people,
    person_units,
    role_assignments,
    events,
    outbox,
    login_attempts,
    directions,
    campaigns,
    digest_runs,
    personas,
    service_paths,
    service_path_stages,
    ideas,
    idea_units,
    idea_directions,
    idea_tags,
    idea_supports,
    follows,
    comments,
    observations,
    reports,
    experiments,
    experiment_team,
    experiment_ideas,
    experiment_directions,
    indicators,
    experiment_versions,
    reviews,
    experiment_log,
    result_reports,
    adoptions,
    notifications,
    panels,
    panel_units,
    panel_members,
    panel_invitations,
    panel_shares,
    panel_comments,
    voting_rounds,
    round_ideas,
    round_marks,
    trustee_municipalities,
    surveys,
    survey_statements,
    survey_respondents,
    survey_unit_counts,
    survey_tallies,
);
