ALTER TABLE ideas DROP COLUMN lang;
ALTER TABLE comments DROP COLUMN lang;
ALTER TABLE observations DROP COLUMN lang;
ALTER TABLE experiments DROP COLUMN lang;
ALTER TABLE panel_comments DROP COLUMN lang;
