-- The municipality an idea concerns, when its writer (a customer, a trustee) names one: their
-- ideas go to a service area, which serves every municipality, and the municipality says where.
ALTER TABLE ideas ADD COLUMN municipality_id BIGINT REFERENCES municipalities (id);
CREATE INDEX ideas_municipality ON ideas (municipality_id);
