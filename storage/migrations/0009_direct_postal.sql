-- One figure for two channels, as reports write it ("trực tiếp và bưu chính: 1.146"): kept under its own
-- key instead of being dropped or given to one channel.
ALTER TABLE dossier_reports ADD COLUMN direct_postal INTEGER;
