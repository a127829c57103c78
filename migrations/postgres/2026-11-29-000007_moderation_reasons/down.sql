ALTER TABLE comments DROP COLUMN hidden_reason;
ALTER TABLE ideas DROP COLUMN hidden_reason;
