DROP INDEX ideas_municipality;
ALTER TABLE ideas DROP COLUMN municipality_id;
