-- How each person hears of each kind of event: in the app only, by email at once, in the daily
-- or weekly digest, or not at all. No row: the default (own items at once, followed ones daily).
CREATE TABLE notification_preferences (
    person_id BIGINT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('app', 'immediate', 'daily', 'weekly', 'off')),
    PRIMARY KEY (person_id, kind)
);

-- A notification that waits for the person's daily or weekly digest, and when it went out.
ALTER TABLE notifications ADD COLUMN digest TEXT CHECK (digest IN ('daily', 'weekly'));
ALTER TABLE notifications ADD COLUMN digested_at TIMESTAMP;
CREATE INDEX notifications_digest_idx ON notifications (digest, digested_at, person_id);
