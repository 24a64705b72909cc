-- What an officer wrote with the figures ("ghi chú: 2 hồ sơ chờ bổ sung") is kept with them (issue 15).
ALTER TABLE dossier_reports ADD COLUMN note TEXT;
