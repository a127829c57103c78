-- Staff pulse surveys. Answers are never stored one by one: each answer only adds to counts
-- per unit, statement and value, and who answered is kept apart (to allow one answer each),
-- so no answer can be traced back to a person.
CREATE TABLE surveys (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    unit_id BIGINT REFERENCES units (id),
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX surveys_closes_idx ON surveys (closes_at);

CREATE TABLE survey_statements (
    id BIGSERIAL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX survey_statements_survey_idx ON survey_statements (survey_id, position);

CREATE TABLE survey_respondents (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (survey_id, person_id)
);

-- unit_id 0: respondents who belong to no unit.
CREATE TABLE survey_unit_counts (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    unit_id BIGINT NOT NULL,
    respondents INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, unit_id)
);

CREATE TABLE survey_tallies (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    unit_id BIGINT NOT NULL,
    statement_id BIGINT NOT NULL REFERENCES survey_statements (id),
    value INTEGER NOT NULL,
    answers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, unit_id, statement_id, value)
);
