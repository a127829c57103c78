-- The language each text was written in (the writer's language at the time), so that a page in
-- another language can mark it (WCAG 3.1.2). What was written before is in the organisation's
-- language, Finnish.
ALTER TABLE ideas ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
ALTER TABLE ideas ADD CONSTRAINT ideas_lang_allowed CHECK (lang IN ('fi', 'sv', 'en'));
ALTER TABLE comments ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
ALTER TABLE comments ADD CONSTRAINT comments_lang_allowed CHECK (lang IN ('fi', 'sv', 'en'));
ALTER TABLE observations ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
ALTER TABLE observations ADD CONSTRAINT observations_lang_allowed CHECK (lang IN ('fi', 'sv', 'en'));
ALTER TABLE experiments ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
ALTER TABLE experiments ADD CONSTRAINT experiments_lang_allowed CHECK (lang IN ('fi', 'sv', 'en'));
ALTER TABLE panel_comments ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
ALTER TABLE panel_comments ADD CONSTRAINT panel_comments_lang_allowed CHECK (lang IN ('fi', 'sv', 'en'));
