-- The language each text was written in (the writer's language at the time), so that a page in
-- another language can mark it (WCAG 3.1.2). What was written before is in the organisation's
-- language, Finnish.
ALTER TABLE ideas ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
CREATE TRIGGER ideas_lang_allowed_insert BEFORE INSERT ON ideas WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'ideas.lang: unknown value'); END;
CREATE TRIGGER ideas_lang_allowed_update BEFORE UPDATE OF lang ON ideas WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'ideas.lang: unknown value'); END;
ALTER TABLE comments ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
CREATE TRIGGER comments_lang_allowed_insert BEFORE INSERT ON comments WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'comments.lang: unknown value'); END;
CREATE TRIGGER comments_lang_allowed_update BEFORE UPDATE OF lang ON comments WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'comments.lang: unknown value'); END;
ALTER TABLE observations ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
CREATE TRIGGER observations_lang_allowed_insert BEFORE INSERT ON observations WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'observations.lang: unknown value'); END;
CREATE TRIGGER observations_lang_allowed_update BEFORE UPDATE OF lang ON observations WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'observations.lang: unknown value'); END;
ALTER TABLE experiments ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
CREATE TRIGGER experiments_lang_allowed_insert BEFORE INSERT ON experiments WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'experiments.lang: unknown value'); END;
CREATE TRIGGER experiments_lang_allowed_update BEFORE UPDATE OF lang ON experiments WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'experiments.lang: unknown value'); END;
ALTER TABLE panel_comments ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
CREATE TRIGGER panel_comments_lang_allowed_insert BEFORE INSERT ON panel_comments WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'panel_comments.lang: unknown value'); END;
CREATE TRIGGER panel_comments_lang_allowed_update BEFORE UPDATE OF lang ON panel_comments WHEN NEW.lang NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'panel_comments.lang: unknown value'); END;
