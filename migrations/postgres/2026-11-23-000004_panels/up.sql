-- Customer panels: members and coordinators, invitations, items shared with a question, the
-- panel's comments, best/worst voting rounds; trustees' municipalities.
CREATE TABLE panels (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE panel_units (
    panel_id BIGINT NOT NULL REFERENCES panels (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (panel_id, unit_id)
);

CREATE TABLE panel_members (
    panel_id BIGINT NOT NULL REFERENCES panels (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL,
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (panel_id, person_id)
);
CREATE INDEX panel_members_person_idx ON panel_members (person_id, panel_id);

CREATE TABLE panel_invitations (
    id BIGSERIAL PRIMARY KEY,
    panel_id BIGINT NOT NULL REFERENCES panels (id),
    email TEXT NOT NULL,
    invited_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by BIGINT REFERENCES people (id)
);
CREATE INDEX panel_invitations_panel_idx ON panel_invitations (panel_id, id);

CREATE TABLE panel_shares (
    id BIGSERIAL PRIMARY KEY,
    panel_id BIGINT NOT NULL REFERENCES panels (id),
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    question TEXT NOT NULL DEFAULT '',
    shared_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX panel_shares_item_key ON panel_shares (panel_id, object_type, object_id);
CREATE INDEX panel_shares_object_idx ON panel_shares (object_type, object_id);

CREATE TABLE panel_comments (
    id BIGSERIAL PRIMARY KEY,
    share_id BIGINT NOT NULL REFERENCES panel_shares (id),
    author_id BIGINT NOT NULL REFERENCES people (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX panel_comments_share_idx ON panel_comments (share_id, id);

CREATE TABLE voting_rounds (
    id BIGSERIAL PRIMARY KEY,
    panel_id BIGINT NOT NULL REFERENCES panels (id),
    title TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    best_marks INTEGER NOT NULL DEFAULT 1,
    worst_marks INTEGER NOT NULL DEFAULT 1,
    results_while_open BOOLEAN NOT NULL DEFAULT FALSE,
    opened_notified_at TIMESTAMP,
    closed_notified_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX voting_rounds_panel_idx ON voting_rounds (panel_id, id);
CREATE INDEX voting_rounds_opens_idx ON voting_rounds (opened_notified_at, opens_at);
CREATE INDEX voting_rounds_closes_idx ON voting_rounds (closed_notified_at, closes_at);

CREATE TABLE round_ideas (
    round_id BIGINT NOT NULL REFERENCES voting_rounds (id),
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (round_id, idea_id)
);

CREATE TABLE round_marks (
    round_id BIGINT NOT NULL REFERENCES voting_rounds (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    mark TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (round_id, person_id, idea_id)
);
CREATE INDEX round_marks_idea_idx ON round_marks (round_id, idea_id, mark);

CREATE TABLE trustee_municipalities (
    person_id BIGINT NOT NULL REFERENCES people (id),
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    PRIMARY KEY (person_id, municipality_id)
);
