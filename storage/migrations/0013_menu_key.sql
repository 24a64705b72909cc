-- The command menu last set for an officer's chat (roles, language, active): the bot sets it again only
-- when that changed, also for changes made from the shell (issue 18).
ALTER TABLE officers ADD COLUMN menu_key TEXT;
