-- 014_attribution_perf: attribution_daily by name.
--
-- budgetcheck finds the distinct stored names of a connector by walking
-- this index from one name to the next, and reads the days of the names a
-- user:, role: or query_tag: budget matches through it, instead of
-- aggregating every (day, name) row of the periods in use.
CREATE INDEX attribution_daily_name ON attribution_daily (connector, dimension, name, day);
