-- Initial schema. Every table holding commune data carries commune_id.
CREATE TABLE communes (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    UNIQUE (commune_id, key)
);

CREATE TABLE officers (
    id           INTEGER PRIMARY KEY,
    commune_id   INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    telegram_id  INTEGER NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    roles        TEXT NOT NULL,            -- comma-separated role keys of domain.md
    unit_key     TEXT,
    active       INTEGER NOT NULL DEFAULT 1,
    locale       TEXT NOT NULL DEFAULT 'vi',
    away_until   TEXT,                     -- ISO date; reminders skip until then
    created_at   TEXT NOT NULL,
    FOREIGN KEY (commune_id, unit_key) REFERENCES units(commune_id, key)
);

CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    commune_id   INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    year         INTEGER NOT NULL,
    source_name  TEXT,
    imported_at  TEXT NOT NULL,
    UNIQUE (commune_id, year)
);

CREATE TABLE plan_kpis (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,          -- on_time_rate, online_rate, postal_rate, satisfaction, feedback_answered
    target      REAL NOT NULL,          -- percent
    op          TEXT NOT NULL,          -- '>=' or '>'
    text        TEXT NOT NULL,
    UNIQUE (plan_id, key)
);

CREATE TABLE tasks (
    id             INTEGER PRIMARY KEY,
    commune_id     INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    plan_id        INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    code           TEXT NOT NULL,
    area           TEXT,
    title          TEXT NOT NULL,
    lead_units     TEXT NOT NULL DEFAULT '[]',   -- JSON list of unit keys
    support_units  TEXT NOT NULL DEFAULT '[]',
    product        TEXT,
    deadline_text  TEXT,
    due_date       TEXT,
    recurrence     TEXT NOT NULL DEFAULT 'none',
    targets        TEXT NOT NULL DEFAULT '[]',
    owner_id       INTEGER REFERENCES officers(id),
    status         TEXT NOT NULL DEFAULT 'not_started',
    percent        INTEGER NOT NULL DEFAULT 0,
    note           TEXT,
    last_report_at TEXT,
    UNIQUE (plan_id, code)
);
CREATE INDEX tasks_commune ON tasks (commune_id, status);

CREATE TABLE task_history (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    officer_id  INTEGER REFERENCES officers(id),
    kind        TEXT NOT NULL,      -- due_date, owner, evidence, import
    old_value   TEXT,
    new_value   TEXT,
    at          TEXT NOT NULL
);

-- the raw inbox: every incoming update, stored before anything else touches it
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY,
    commune_id   INTEGER REFERENCES communes(id),    -- NULL for strangers
    update_id    INTEGER NOT NULL,
    user_id      INTEGER,
    chat_id      INTEGER,
    kind         TEXT NOT NULL,
    text         TEXT,
    raw_json     TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'received',  -- received, handled, refused, failed
    error        TEXT
);
CREATE INDEX inbox_user ON inbox (user_id, received_at);

CREATE TABLE progress_reports (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    officer_id  INTEGER NOT NULL REFERENCES officers(id),
    inbox_id    INTEGER REFERENCES inbox(id),
    percent     INTEGER,
    status      TEXT,
    date        TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL,
    undone      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX progress_task ON progress_reports (task_id, created_at);

CREATE TABLE dossier_reports (
    id                 INTEGER PRIMARY KEY,
    commune_id         INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    officer_id         INTEGER NOT NULL REFERENCES officers(id),
    unit_key           TEXT,
    inbox_id           INTEGER REFERENCES inbox(id),
    period_start       TEXT NOT NULL,
    period_end         TEXT NOT NULL,
    total              INTEGER,
    carried_over       INTEGER,
    received           INTEGER,
    online             INTEGER,
    direct             INTEGER,
    postal             INTEGER,
    resolved           INTEGER,
    early              INTEGER,
    on_time            INTEGER,
    late               INTEGER,
    pending            INTEGER,
    withdrawn          INTEGER,
    apologized         INTEGER,
    digitized          INTEGER,
    feedback_received  INTEGER,
    feedback_answered  INTEGER,
    created_at         TEXT NOT NULL,
    undone             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dossier_period ON dossier_reports (commune_id, period_start, period_end);

CREATE TABLE invites (
    code        TEXT PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    unit_key    TEXT,
    created_by  INTEGER REFERENCES officers(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_by     INTEGER REFERENCES officers(id),
    used_at     TEXT
);

-- pending read-backs and drafts (reports not yet confirmed)
CREATE TABLE pending_reports (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    officer_id  INTEGER NOT NULL REFERENCES officers(id),
    chat_id     INTEGER NOT NULL,
    source_message_id INTEGER,
    bot_message_id    INTEGER,
    inbox_id    INTEGER REFERENCES inbox(id),
    payload     TEXT NOT NULL,      -- JSON: the parse result resolved to tasks
    state       TEXT NOT NULL DEFAULT 'pending',   -- pending, saved, cancelled, draft
    created_at  TEXT NOT NULL
);

CREATE TABLE reminder_rules (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    spec        TEXT NOT NULL,      -- JSON schedule
    enabled     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (commune_id, kind)
);

-- exactly-once ledger: one row per (rule, person, occurrence) ever sent
CREATE TABLE reminder_ledger (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER NOT NULL REFERENCES communes(id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    officer_id  INTEGER NOT NULL REFERENCES officers(id),
    occurrence  TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    UNIQUE (rule, officer_id, occurrence)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER REFERENCES communes(id),
    user_id     INTEGER,
    officer_id  INTEGER REFERENCES officers(id),
    action      TEXT NOT NULL,
    detail      TEXT,
    at          TEXT NOT NULL
);
