DROP INDEX experiments_public;
DROP INDEX ideas_public;
ALTER TABLE experiments DROP COLUMN public_withdrawn_at;
ALTER TABLE experiments DROP COLUMN public_at;
ALTER TABLE ideas DROP COLUMN public_withdrawn_at;
ALTER TABLE ideas DROP COLUMN public_at;
ALTER TABLE units DROP COLUMN public_budget;
ALTER TABLE people DROP COLUMN public_name;
ALTER TABLE organisation DROP COLUMN showcase_on;
