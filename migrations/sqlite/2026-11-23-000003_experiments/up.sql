-- Experiments: plans, team, links, indicators, reviews, plan versions, diary, result reports,
-- adoptions by other units, notifications, and the search index.
CREATE TABLE experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    owner_id BIGINT NOT NULL REFERENCES people (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    hypothesis TEXT NOT NULL,
    what_tried TEXT NOT NULL,
    customer_involvement TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    budget_cents BIGINT NOT NULL DEFAULT 0,
    touches_personal_data BOOLEAN NOT NULL DEFAULT 0,
    needs_consent BOOLEAN NOT NULL DEFAULT 0,
    vulnerable_customers BOOLEAN NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0,
    review_round INTEGER NOT NULL DEFAULT 0,
    review_unit_id BIGINT REFERENCES units (id),
    published BOOLEAN NOT NULL DEFAULT 0,
    outcome_reason TEXT,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    started_at TIMESTAMP,
    completed_at TIMESTAMP,
    overdue_reminded_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX experiments_status_idx ON experiments (status, id);
CREATE INDEX experiments_unit_idx ON experiments (unit_id, id);
CREATE INDEX experiments_owner_idx ON experiments (owner_id, id);
CREATE INDEX experiments_review_idx ON experiments (status, review_unit_id, submitted_at);
CREATE INDEX experiments_ends_idx ON experiments (status, ends_at);
CREATE INDEX experiments_starts_idx ON experiments (status, starts_at);

CREATE TABLE experiment_team (
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (experiment_id, person_id)
);
CREATE INDEX experiment_team_person_idx ON experiment_team (person_id, experiment_id);

CREATE TABLE experiment_ideas (
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    PRIMARY KEY (experiment_id, idea_id)
);
CREATE INDEX experiment_ideas_idea_idx ON experiment_ideas (idea_id, experiment_id);

CREATE TABLE experiment_directions (
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    direction_id BIGINT NOT NULL REFERENCES directions (id),
    PRIMARY KEY (experiment_id, direction_id)
);
CREATE INDEX experiment_directions_direction_idx ON experiment_directions (direction_id, experiment_id);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    measure TEXT NOT NULL,
    baseline DOUBLE PRECISION NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    actual DOUBLE PRECISION
);
CREATE INDEX indicators_experiment_idx ON indicators (experiment_id, position);

CREATE TABLE experiment_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    version INTEGER NOT NULL,
    plan TEXT NOT NULL,
    state TEXT NOT NULL,
    proposed_by BIGINT REFERENCES people (id),
    decided_by BIGINT REFERENCES people (id),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    UNIQUE (experiment_id, version)
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    round INTEGER NOT NULL,
    reviewer_id BIGINT NOT NULL REFERENCES people (id),
    decision TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (experiment_id, round, reviewer_id)
);

CREATE TABLE experiment_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    author_id BIGINT NOT NULL REFERENCES people (id),
    entry_on TIMESTAMP NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX experiment_log_experiment_idx ON experiment_log (experiment_id, entry_on);

CREATE TABLE result_reports (
    experiment_id BIGINT PRIMARY KEY REFERENCES experiments (id),
    what_we_did TEXT NOT NULL DEFAULT '',
    what_made_us_dare TEXT NOT NULL DEFAULT '',
    where_we_succeeded TEXT NOT NULL DEFAULT '',
    what_we_would_change TEXT NOT NULL DEFAULT '',
    what_we_learned TEXT NOT NULL DEFAULT '',
    operational_impact TEXT NOT NULL DEFAULT '',
    one_off_cents BIGINT NOT NULL DEFAULT 0,
    yearly_cents BIGINT NOT NULL DEFAULT 0,
    customer_feedback TEXT NOT NULL DEFAULT '',
    recommend_adoption BOOLEAN,
    updated_by BIGINT NOT NULL REFERENCES people (id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE adoptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    adopted_on TIMESTAMP NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (experiment_id, unit_id)
);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id BIGINT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_person_idx ON notifications (person_id, read_at, id);

CREATE VIRTUAL TABLE experiment_search USING fts5 (title, body, tokenize = 'unicode61');
