-- How the office corrected the reading of a plan's table columns in the preview ("0:3" -> "lead", JSON),
-- applied when the file is read again for ✅ Nhập (issue 16).
ALTER TABLE plan_previews ADD COLUMN columns TEXT;
