-- Indexes for the dashboard's period figures.
CREATE INDEX ideas_created_idx ON ideas (created_at);
CREATE INDEX comments_created_idx ON comments (created_at);
CREATE INDEX idea_supports_created_idx ON idea_supports (created_at);
CREATE INDEX observations_created_idx ON observations (created_at);
CREATE INDEX experiments_submitted_idx ON experiments (submitted_at);
CREATE INDEX experiments_decided_idx ON experiments (decided_at);
CREATE INDEX experiments_completed_idx ON experiments (completed_at);
CREATE INDEX adoptions_adopted_idx ON adoptions (adopted_on);
