-- Reports remember the read-back they came from (undo, edits); officers can pause reminders.
ALTER TABLE progress_reports ADD COLUMN pending_id INTEGER REFERENCES pending_reports(id);
ALTER TABLE dossier_reports ADD COLUMN pending_id INTEGER REFERENCES pending_reports(id);
ALTER TABLE officers ADD COLUMN reminders_paused_until TEXT;
CREATE INDEX progress_officer ON progress_reports (officer_id, created_at);
CREATE INDEX dossier_officer ON dossier_reports (officer_id, created_at);
CREATE INDEX progress_task_done ON progress_reports (task_id, status, undone);
CREATE INDEX pending_source ON pending_reports (chat_id, source_message_id);
CREATE INDEX pending_officer ON pending_reports (officer_id, state);
