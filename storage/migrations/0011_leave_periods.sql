-- Leave as several periods per officer, [[first day, last day], ...] (ISO dates, ordered, not overlapping):
-- a new announcement adds a period or widens one, it never shortens another (issue 15).
ALTER TABLE officers ADD COLUMN leaves TEXT NOT NULL DEFAULT '[]';
UPDATE officers SET leaves = json_array(json_array(COALESCE(away_from, '2000-01-01'), away_until))
 WHERE away_until IS NOT NULL;
