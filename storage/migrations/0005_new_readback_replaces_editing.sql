-- After ✏️ Sửa a read-back waits ('editing') for the corrected message; the officer's next read-back,
-- whatever made it (a message, a form, a quick button), replaces it. Kept in the database so that
-- creating a read-back stays one statement.
CREATE TRIGGER pending_replaces_editing AFTER INSERT ON pending_reports
BEGIN
    UPDATE pending_reports SET state = 'replaced'
     WHERE officer_id = NEW.officer_id AND state = 'editing' AND id <> NEW.id;
END;
