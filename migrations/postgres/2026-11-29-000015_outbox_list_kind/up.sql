-- The kind of notification a mail belongs to (or the digest); such mail carries a one-click
-- unsubscribe (RFC 8058) made for its recipient when it is sent. Account mail has none.
ALTER TABLE outbox ADD COLUMN list_kind TEXT;
