-- Foundation: organisation, municipalities, units, people, roles, events, mail outbox, sign-in attempts.
CREATE TABLE organisation (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE municipalities (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX municipalities_name_key ON municipalities (name);

CREATE TABLE units (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES units (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    required_approvals INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX units_parent_id_idx ON units (parent_id);

CREATE TABLE unit_municipalities (
    unit_id BIGINT NOT NULL REFERENCES units (id),
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    PRIMARY KEY (unit_id, municipality_id)
);

CREATE TABLE people (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    password_hash TEXT,
    locale TEXT NOT NULL DEFAULT 'fi',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    token_generation INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX people_email_key ON people (email);

CREATE TABLE person_units (
    person_id BIGINT NOT NULL REFERENCES people (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (person_id, unit_id)
);
CREATE INDEX person_units_unit_id_idx ON person_units (unit_id);

CREATE TABLE role_assignments (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL,
    unit_id BIGINT REFERENCES units (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX role_assignments_person_id_idx ON role_assignments (person_id);
CREATE INDEX role_assignments_unit_id_idx ON role_assignments (unit_id);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT REFERENCES people (id),
    verb TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_object_idx ON events (object_type, object_id);
CREATE INDEX events_actor_idx ON events (actor_id, id);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_due_idx ON outbox (sent_at, failed_at, next_attempt_at);

CREATE TABLE login_attempts (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_key_idx ON login_attempts (key, created_at);
