-- The lead unit as the plan wrote it ("Hội Nông dân xã", "Phòng Nội vụ huyện"), so a body outside the
-- commune is named in the report by its own name, not as "Cơ quan ngoài xã" (issue 17).
ALTER TABLE tasks ADD COLUMN lead_text TEXT;
