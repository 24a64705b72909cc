-- Where an officer is in the /baocao guided form, so that a restart of the bot does not lose it.
CREATE TABLE forms (
    officer_id  INTEGER PRIMARY KEY REFERENCES officers(id) ON DELETE CASCADE,
    state       TEXT NOT NULL,      -- JSON: step, task, answers so far
    updated_at  TEXT NOT NULL
);
