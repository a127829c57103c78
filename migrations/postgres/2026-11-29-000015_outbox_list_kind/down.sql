ALTER TABLE outbox DROP COLUMN list_kind;
