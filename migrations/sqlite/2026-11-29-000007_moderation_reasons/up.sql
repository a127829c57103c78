-- The reason a moderator gave for hiding an idea or comment, shown to moderators beside it.
ALTER TABLE ideas ADD COLUMN hidden_reason TEXT;
ALTER TABLE comments ADD COLUMN hidden_reason TEXT;
