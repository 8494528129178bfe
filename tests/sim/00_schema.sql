-- Snowflake simulator: the database "snowflake" stands in for Snowflake's
-- SNOWFLAKE database, so three-part names such as
-- SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY resolve unchanged.
CREATE SCHEMA account_usage;
CREATE SCHEMA organization_usage;

-- Snowflake's CONVERT_TIMEZONE(target_tz, ts): the wall-clock time in the
-- target zone.  CAST(... AS DATE) of the result is the day in that zone.
CREATE FUNCTION public.convert_timezone(target text, ts timestamptz)
RETURNS timestamp LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT ts AT TIME ZONE target $$;
