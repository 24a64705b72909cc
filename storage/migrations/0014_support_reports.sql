-- A report by a supporting unit (đơn vị phối hợp) on a task it supports: kept and shown under the task,
-- never setting the lead unit's status or percent (issue 18).
ALTER TABLE progress_reports ADD COLUMN support INTEGER NOT NULL DEFAULT 0;
