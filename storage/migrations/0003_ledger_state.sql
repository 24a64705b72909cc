-- Two-phase sent-ledger: a reminder is 'sending' while it goes out and 'sent' once Telegram took it;
-- a 'sending' row left by a crash is sent again at the next run.
ALTER TABLE reminder_ledger ADD COLUMN state TEXT NOT NULL DEFAULT 'sent';
