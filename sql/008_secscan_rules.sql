-- 008_secscan_rules: copies for the secscan rules added after 005.
--
-- sec_client_apps is an aggregate of ACCOUNT_USAGE.SESSIONS per client
-- application id (name and version, as Snowflake reports it): when it was
-- first and last seen.  Snowflake groups, we merge: each scan reads the
-- sessions created since (watermark - 4 h) grouped by application and
-- widens first_seen/last_seen, so re-reading an overlap is harmless.  The
-- first scan reads the whole 90-day baseline.  Applications not seen for
-- 90 days are pruned, so one that comes back counts as new again.
CREATE TABLE sec_client_apps (
    connector             text NOT NULL,
    client_application_id text NOT NULL,
    first_seen            timestamptz NOT NULL,
    last_seen             timestamptz NOT NULL,
    PRIMARY KEY (connector, client_application_id)
);

-- ACCOUNT_USAGE.SESSION_POLICIES (not deleted), for the idle timeout rule.
CREATE TABLE sec_session_policies (
    connector                    text NOT NULL,
    name                         text NOT NULL,
    database                     text,
    schema                       text,
    session_idle_timeout_mins    integer,
    session_ui_idle_timeout_mins integer
);
