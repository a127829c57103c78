-- The Message-ID a mail is sent with, fixed at its first attempt: a mail sent again after a
-- crash carries the same id, so mail clients and servers can recognise the copy.
ALTER TABLE outbox ADD COLUMN message_id TEXT;
