-- The public showcase: what the organisation tells residents, local papers and networks.
-- It is off until an administrator turns it on.
ALTER TABLE organisation ADD COLUMN showcase_on BOOLEAN NOT NULL DEFAULT 0;

-- Each person chooses whether their name may appear in public (default: no, their unit is
-- shown instead); each unit whether its budgets may.
ALTER TABLE people ADD COLUMN public_name BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN public_budget BOOLEAN NOT NULL DEFAULT 0;

-- Shown publicly since, and withdrawn at (the old address then answers 410 Gone).
ALTER TABLE ideas ADD COLUMN public_at TIMESTAMP;
ALTER TABLE ideas ADD COLUMN public_withdrawn_at TIMESTAMP;
ALTER TABLE experiments ADD COLUMN public_at TIMESTAMP;
ALTER TABLE experiments ADD COLUMN public_withdrawn_at TIMESTAMP;
CREATE INDEX ideas_public ON ideas (public_at) WHERE public_at IS NOT NULL;
CREATE INDEX experiments_public ON experiments (public_at) WHERE public_at IS NOT NULL;
