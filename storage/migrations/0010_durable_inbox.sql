-- The inbox is the durable queue (issue 12): one row per Telegram update_id, so an update delivered twice
-- (a retried getUpdates, a webhook retry, a restart before the offset was confirmed) is stored and handled
-- once. Rows of earlier offline sessions that reused update ids keep their raw JSON; only their key moves.
UPDATE inbox SET update_id = -id
 WHERE id NOT IN (SELECT MAX(id) FROM inbox GROUP BY update_id);
CREATE UNIQUE INDEX inbox_update_id ON inbox (update_id);
-- what is still to be handled after a restart
CREATE INDEX inbox_open ON inbox (status, id) WHERE status IN ('received', 'held');
-- a read-back is made once per incoming update, even when that update is handled again after a crash
CREATE INDEX pending_inbox ON pending_reports (inbox_id) WHERE inbox_id IS NOT NULL;
-- an edit finds its read-back by the chat the report was written in, not by the chat the read-back went to
ALTER TABLE pending_reports ADD COLUMN source_chat_id INTEGER;
CREATE INDEX pending_source_chat ON pending_reports (source_chat_id, source_message_id);
-- Before this version an update was handled first and marked afterwards, so a row still 'received' was
-- handled already: it must not be handled again at the first start of this version.
UPDATE inbox SET status = 'handled' WHERE status = 'received';
-- A read-back and the "handled" mark of the update that made it are one statement: a crash leaves both or
-- neither.
CREATE TRIGGER pending_marks_inbox AFTER INSERT ON pending_reports WHEN NEW.inbox_id IS NOT NULL
BEGIN
    UPDATE inbox SET status = 'handled' WHERE id = NEW.inbox_id AND status = 'received';
END;
