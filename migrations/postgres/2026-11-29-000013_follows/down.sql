DELETE FROM notifications WHERE kind IN ('idea_commented', 'idea_supported', 'idea_status_changed', 'idea_merged');
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_allowed;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_allowed CHECK (kind IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed'));
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
