-- Indexes for the dashboard's period figures; those over ideas, comments and supports cover
-- every column the figures read, so a year's rows are counted from the index alone.
CREATE INDEX ideas_created_idx ON ideas (created_at, hidden, author_kind, status, author_id);
CREATE INDEX comments_created_idx ON comments (created_at, author_id, idea_id);
CREATE INDEX idea_supports_created_idx ON idea_supports (created_at, person_id, idea_id);
CREATE INDEX observations_created_idx ON observations (created_at, unit_id, author_id);
CREATE INDEX experiments_submitted_idx ON experiments (submitted_at);
CREATE INDEX experiments_decided_idx ON experiments (decided_at);
CREATE INDEX experiments_completed_idx ON experiments (completed_at);
CREATE INDEX adoptions_adopted_idx ON adoptions (adopted_on);
