//! Table definitions shared by both backends (portable column types only).

diesel::table! {
    organisation (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
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
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        key -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(unit_municipalities -> units (unit_id));
diesel::joinable!(unit_municipalities -> municipalities (municipality_id));
diesel::joinable!(person_units -> people (person_id));
diesel::joinable!(person_units -> units (unit_id));
diesel::joinable!(role_assignments -> people (person_id));
diesel::joinable!(role_assignments -> units (unit_id));
diesel::joinable!(events -> people (actor_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisation,
    municipalities,
    units,
    unit_municipalities,
    people,
    person_units,
    role_assignments,
    events,
    outbox,
    login_attempts,
);
