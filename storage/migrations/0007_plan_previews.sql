-- A plan file waiting for ✅ Nhập. The file itself stays with Telegram (file_id); pressing the button
-- reads it again, so a preview survives a restart of the bot.
CREATE TABLE plan_previews (
    token       TEXT PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    officer_id  INTEGER NOT NULL REFERENCES officers(id),
    file_id     TEXT NOT NULL,
    filename    TEXT NOT NULL,
    year        INTEGER,             -- a year in the caption overrides the document's
    created_at  TEXT NOT NULL
);
