DROP INDEX notifications_digest_idx;
ALTER TABLE notifications DROP COLUMN digested_at;
ALTER TABLE notifications DROP COLUMN digest;
DROP TABLE notification_preferences;
