-- Following anything that has a page: ideas, experiments, campaigns, directions. Authors,
-- supporters and commenters follow automatically; `following` false records that someone
-- stopped, so that taking part again does not make them follow against their choice.
CREATE TABLE follows (
    object_type TEXT NOT NULL CHECK (object_type IN ('idea', 'experiment', 'campaign', 'direction')),
    object_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    following BOOLEAN NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('own', 'supporter', 'commenter', 'chosen')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (object_type, object_id, person_id)
);
CREATE INDEX follows_person_idx ON follows (person_id, following);

INSERT INTO follows (object_type, object_id, person_id, following, reason, created_at)
SELECT 'idea', f.idea_id, f.person_id, TRUE,
       CASE WHEN i.author_id = f.person_id THEN 'own' ELSE 'chosen' END, f.created_at
FROM idea_followers f JOIN ideas i ON i.id = f.idea_id;

DROP TABLE idea_followers;

-- What followers of an idea hear of.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_allowed;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_allowed CHECK (kind IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed', 'idea_commented', 'idea_supported', 'idea_status_changed', 'idea_merged'));
