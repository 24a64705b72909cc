-- "When did this officer last report?" answered from the index (weekly pings, summaries, /canbo).
CREATE INDEX progress_officer_last ON progress_reports (officer_id, undone, created_at);
CREATE INDEX dossier_officer_last ON dossier_reports (officer_id, undone, created_at);
