-- Mark the active budgets the file no longer names (:names) inactive,
-- never deleted, so their alerts and history keep pointing at them.
-- Returns how many were deactivated, one of their names, and how many
-- active budgets the file still names: when that is 0 and some were
-- deactivated, the file would turn off every budget and budget_run.c
-- refuses the run unless told to (--allow-empty).
WITH d AS (
	UPDATE budgets SET active = false, deactivated_at = now(), updated_at = now()
	WHERE active AND NOT EXISTS (SELECT 1 FROM unnest(:names::text[]) AS u(name) WHERE u.name = budgets.name)
	RETURNING name)
SELECT (SELECT count(*) FROM d), (SELECT min(name) FROM d),
	(SELECT count(*) FROM budgets b WHERE b.active AND b.name = ANY (:names::text[]))
