-- Whom a submitted experiment was routed to for review (the current round): found before the
-- submission is accepted, so an experiment never waits in nobody's queue.
CREATE TABLE experiment_reviewers (
    experiment_id BIGINT NOT NULL REFERENCES experiments (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (experiment_id, person_id)
);
CREATE INDEX experiment_reviewers_person_idx ON experiment_reviewers (person_id);
