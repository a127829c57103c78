DROP TABLE digest_runs;
DELETE FROM notifications WHERE kind NOT IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed', 'idea_commented', 'idea_supported', 'idea_status_changed', 'idea_merged');
DROP TRIGGER notifications_kind_allowed_insert;
DROP TRIGGER notifications_kind_allowed_update;
CREATE TRIGGER notifications_kind_allowed_insert BEFORE INSERT ON notifications WHEN NEW.kind NOT IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed', 'idea_commented', 'idea_supported', 'idea_status_changed', 'idea_merged')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: unknown value'); END;
CREATE TRIGGER notifications_kind_allowed_update BEFORE UPDATE OF kind ON notifications WHEN NEW.kind NOT IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed', 'idea_commented', 'idea_supported', 'idea_status_changed', 'idea_merged')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: unknown value'); END;
ALTER TABLE campaigns DROP COLUMN announced_at;
ALTER TABLE campaigns DROP COLUMN unit_id;
ALTER TABLE notifications DROP COLUMN own;
CREATE TABLE follows_old (
    object_type TEXT NOT NULL CHECK (object_type IN ('idea', 'experiment', 'campaign', 'direction')),
    object_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    following BOOLEAN NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('own', 'supporter', 'commenter', 'chosen')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (object_type, object_id, person_id)
);
INSERT INTO follows_old SELECT object_type, object_id, person_id, following, reason, created_at FROM follows WHERE object_type <> 'share';
DROP TABLE follows;
ALTER TABLE follows_old RENAME TO follows;
CREATE INDEX follows_person_idx ON follows (person_id, following);
