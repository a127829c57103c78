-- Ideas and what surrounds them: directions, campaigns, personas, service paths,
-- observations, supports, followers, comments, moderation reports, and the search index.
CREATE TABLE directions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL,
    municipality_id BIGINT REFERENCES municipalities (id),
    created_by BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX directions_year_idx ON directions (year, municipality_id);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    direction_id BIGINT REFERENCES directions (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    audience TEXT NOT NULL,
    created_by BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE personas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE service_paths (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE service_path_stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_path_id BIGINT NOT NULL REFERENCES service_paths (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX service_path_stages_path_idx ON service_path_stages (service_path_id, position);

CREATE TABLE ideas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    problem TEXT NOT NULL,
    proposal TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    status_reason TEXT,
    merged_into_id BIGINT REFERENCES ideas (id),
    author_id BIGINT NOT NULL REFERENCES people (id),
    author_kind TEXT NOT NULL,
    campaign_id BIGINT REFERENCES campaigns (id),
    persona_id BIGINT REFERENCES personas (id),
    stage_id BIGINT REFERENCES service_path_stages (id),
    published BOOLEAN NOT NULL DEFAULT 0,
    hidden BOOLEAN NOT NULL DEFAULT 0,
    support_count INTEGER NOT NULL DEFAULT 0,
    comment_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_activity_at TIMESTAMP NOT NULL
);
CREATE INDEX ideas_status_idx ON ideas (status, id);
CREATE INDEX ideas_author_idx ON ideas (author_id, id);
CREATE INDEX ideas_activity_idx ON ideas (last_activity_at, id);
CREATE INDEX ideas_supports_idx ON ideas (support_count, id);
CREATE INDEX ideas_comments_idx ON ideas (comment_count, id);
CREATE INDEX ideas_campaign_idx ON ideas (campaign_id, id);
CREATE INDEX ideas_persona_idx ON ideas (persona_id, id);
CREATE INDEX ideas_stage_idx ON ideas (stage_id, id);
CREATE INDEX ideas_author_kind_idx ON ideas (author_kind, id);

CREATE TABLE idea_units (
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (idea_id, unit_id)
);
CREATE INDEX idea_units_unit_idx ON idea_units (unit_id, idea_id);

CREATE TABLE idea_directions (
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    direction_id BIGINT NOT NULL REFERENCES directions (id),
    PRIMARY KEY (idea_id, direction_id)
);
CREATE INDEX idea_directions_direction_idx ON idea_directions (direction_id, idea_id);

CREATE TABLE idea_tags (
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (idea_id, tag)
);
CREATE INDEX idea_tags_tag_idx ON idea_tags (tag, idea_id);

CREATE TABLE idea_supports (
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (idea_id, person_id)
);

CREATE TABLE idea_followers (
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (idea_id, person_id)
);
CREATE INDEX idea_followers_person_idx ON idea_followers (person_id, idea_id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    parent_id BIGINT REFERENCES comments (id),
    author_id BIGINT NOT NULL REFERENCES people (id),
    body TEXT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    hidden BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP
);
CREATE INDEX comments_idea_idx ON comments (idea_id, id);

CREATE TABLE observations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id BIGINT NOT NULL REFERENCES people (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    observed_on TIMESTAMP NOT NULL,
    situation TEXT NOT NULL,
    challenge TEXT NOT NULL,
    resolution TEXT NOT NULL DEFAULT '',
    idea_id BIGINT REFERENCES ideas (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX observations_idea_idx ON observations (idea_id);
CREATE INDEX observations_author_idx ON observations (author_id, id);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    reporter_id BIGINT NOT NULL REFERENCES people (id),
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES people (id),
    resolution TEXT
);
CREATE INDEX reports_open_idx ON reports (resolved_at, id);

-- Full-text search: FTS5 over title, problem, proposal and comments; rowid = idea id.
CREATE VIRTUAL TABLE idea_search USING fts5 (title, body, tokenize = 'unicode61');
