-- Whom an invitation is for (optional, as the office wrote it), so /canbo can list who has not joined yet.
ALTER TABLE invites ADD COLUMN invitee TEXT;
