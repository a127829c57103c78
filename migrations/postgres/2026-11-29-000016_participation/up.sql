-- Panel shares can be followed too (their comments).
ALTER TABLE follows DROP CONSTRAINT follows_object_type_check;
ALTER TABLE follows ADD CHECK (object_type IN ('idea', 'experiment', 'campaign', 'direction', 'share'));

-- Whether the notification is about the person's own item ("your idea", not "an idea you follow").
ALTER TABLE notifications ADD COLUMN own BOOLEAN NOT NULL DEFAULT FALSE;

-- A campaign may invite one unit's subtree; it is announced once, when it opens.
ALTER TABLE campaigns ADD COLUMN unit_id BIGINT REFERENCES units (id);
ALTER TABLE campaigns ADD COLUMN announced_at TIMESTAMP;

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_allowed;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_allowed CHECK (kind IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed', 'idea_commented', 'idea_supported', 'idea_status_changed', 'idea_merged', 'idea_published', 'experiment_started', 'experiment_completed', 'experiment_outcome', 'experiment_adopted', 'campaign_opened', 'campaign_idea', 'share_commented', 'review_unrouted', 'unit_news'));

-- One row per person and digest period, written by whoever sends it: a digest goes out once
-- even when several instances run, also when it holds only the week's news of their units.
CREATE TABLE digest_runs (
    person_id BIGINT NOT NULL REFERENCES people (id),
    digest TEXT NOT NULL CHECK (digest IN ('daily', 'weekly')),
    period_start TIMESTAMP NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, digest, period_start)
);

-- Campaigns already open were never announced: they are not announced now, weeks late.
UPDATE campaigns SET announced_at = starts_at WHERE starts_at <= (now() AT TIME ZONE 'UTC');

-- Owners and teams follow their experiments, and whoever shared something with a panel follows
-- its comments, also for what was there before.
INSERT INTO follows (object_type, object_id, person_id, following, reason, created_at)
SELECT 'experiment', e.id, e.owner_id, TRUE, 'own', e.created_at FROM experiments e
UNION
SELECT 'experiment', t.experiment_id, t.person_id, TRUE, 'own', e.created_at
FROM experiment_team t JOIN experiments e ON e.id = t.experiment_id
UNION
SELECT 'share', s.id, s.shared_by, TRUE, 'own', s.created_at FROM panel_shares s;
