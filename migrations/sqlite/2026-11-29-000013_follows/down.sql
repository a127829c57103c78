DELETE FROM notifications WHERE kind IN ('idea_commented', 'idea_supported', 'idea_status_changed', 'idea_merged');
DROP TRIGGER notifications_kind_allowed_insert;
DROP TRIGGER notifications_kind_allowed_update;
CREATE TRIGGER notifications_kind_allowed_insert BEFORE INSERT ON notifications WHEN NEW.kind NOT IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: unknown value'); END;
CREATE TRIGGER notifications_kind_allowed_update BEFORE UPDATE OF kind ON notifications WHEN NEW.kind NOT IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: unknown value'); END;
CREATE TABLE idea_followers (
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (idea_id, person_id)
);
CREATE INDEX idea_followers_person_idx ON idea_followers (person_id, idea_id);
INSERT INTO idea_followers (idea_id, person_id, created_at)
SELECT object_id, person_id, created_at FROM follows WHERE object_type = 'idea' AND following;
DROP TABLE follows;
