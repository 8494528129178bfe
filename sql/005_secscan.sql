-- 005_secscan: secscan's copies of ACCOUNT_USAGE, its findings, and the
-- helpers its rules share.  Applied by the tools (search_path = flakeguard).
--
-- Copies (sec_*) hold only the columns the rules read.  Snapshot sources
-- (users, grants, roles, policies, parameters) are replaced on every scan;
-- event sources (login_history, sessions, query_history) are appended
-- from (watermark - 4 h) and de-duplicated on their Snowflake key, then
-- pruned to their window.  All timestamps are UTC instants.

CREATE TABLE sec_users (
    connector              text NOT NULL,
    name                   text NOT NULL,
    created_on             timestamptz,
    email                  text,
    has_password           boolean,
    has_mfa                boolean,
    ext_authn_duo          boolean,
    disabled               boolean,
    default_role           text,
    last_success_login     timestamptz,
    has_rsa_public_key     boolean,
    password_last_set_time timestamptz,
    bypass_mfa_until       timestamptz,
    type                   text,
    PRIMARY KEY (connector, name)
);

CREATE TABLE sec_login_history (
    connector       text NOT NULL,
    event_id        text NOT NULL,
    event_timestamp timestamptz NOT NULL,
    user_name       text,
    client_ip       text,
    client_type     text,
    first_factor    text,
    second_factor   text,
    is_success      boolean,
    error_code      text,
    error_message   text,
    PRIMARY KEY (connector, event_id)
);
CREATE INDEX sec_login_history_ts ON sec_login_history (connector, event_timestamp);
-- per-user probes (SSO and password sign-ins) and IoC address matches
CREATE INDEX sec_login_history_user ON sec_login_history (connector, user_name, first_factor, event_timestamp);
CREATE INDEX sec_login_history_ip ON sec_login_history (connector, client_ip);
CREATE INDEX sec_login_history_sso ON sec_login_history (connector, user_name, event_timestamp)
    WHERE first_factor = 'SAML2_ASSERTION' AND is_success;

CREATE TABLE sec_grants_to_users (
    connector    text NOT NULL,
    role         text NOT NULL,
    grantee_name text NOT NULL,
    created_on   timestamptz
);
CREATE INDEX sec_grants_to_users_role ON sec_grants_to_users (connector, role);

CREATE TABLE sec_grants_to_roles (
    connector     text NOT NULL,
    privilege     text NOT NULL,
    granted_on    text,
    name          text,
    table_catalog text,
    table_schema  text,
    granted_to    text,
    grantee_name  text,
    created_on    timestamptz
);
CREATE INDEX sec_grants_to_roles_name ON sec_grants_to_roles (connector, granted_on, name);

CREATE TABLE sec_roles (
    connector  text NOT NULL,
    name       text NOT NULL,
    created_on timestamptz,
    owner      text
);

CREATE TABLE sec_sessions (
    connector             text NOT NULL,
    session_id            text NOT NULL,
    created_on            timestamptz NOT NULL,
    user_name             text,
    authentication_method text,
    login_event_id        text,
    client_application_id text,
    client_environment    text,
    PRIMARY KEY (connector, session_id)
);
CREATE INDEX sec_sessions_ts ON sec_sessions (connector, created_on);

CREATE TABLE sec_network_policies (
    connector       text NOT NULL,
    name            text NOT NULL,
    allowed_ip_list text,
    blocked_ip_list text,
    created         timestamptz,
    last_altered    timestamptz
);

CREATE TABLE sec_policy_references (
    connector         text NOT NULL,
    policy_name       text,
    policy_kind       text,
    ref_entity_name   text,
    ref_entity_domain text,
    policy_status     text
);

CREATE TABLE sec_password_policies (
    connector           text NOT NULL,
    name                text NOT NULL,
    database            text,
    schema              text,
    password_min_length integer
);

CREATE TABLE sec_query_history (
    connector        text NOT NULL,
    query_id         text NOT NULL,
    start_time       timestamptz NOT NULL,
    user_name        text,
    role_name        text,
    session_id       text,
    query_type       text,
    query_text       text,
    execution_status text,
    PRIMARY KEY (connector, query_id)
);
CREATE INDEX sec_query_history_ts ON sec_query_history (connector, start_time);

-- Account parameters (SHOW PARAMETERS IN ACCOUNT).
CREATE TABLE sec_parameters (
    connector text NOT NULL,
    key       text NOT NULL,
    value     text,
    level     text,
    PRIMARY KEY (connector, key)
);

-- Per connector and source: was it read, why not, and how far.
CREATE TABLE sec_sources (
    connector text NOT NULL,
    source    text NOT NULL,
    status    text NOT NULL CHECK (status IN ('ok', 'unavailable')),
    reason    text,
    rows_read bigint NOT NULL DEFAULT 0,
    read_at   timestamptz NOT NULL,
    watermark timestamptz,
    PRIMARY KEY (connector, source)
);

-- The instant of the last completed scan per connector ("since the last
-- scan" rules).
CREATE TABLE sec_scans (
    connector text PRIMARY KEY,
    scanned_at timestamptz NOT NULL
);

-- One row per (connector, rule, subject) ever found.  status 'open' while
-- the rule still reports the subject, 'resolved' once it stops; a resolved
-- finding that reappears is reopened in place (opened_at moves, times_opened
-- grows), which also gives the outbox a fresh dedup key.
CREATE TABLE findings (
    id           bigserial PRIMARY KEY,
    connector    text        NOT NULL,
    rule         text        NOT NULL,
    subject      text        NOT NULL,
    severity     text        NOT NULL
                 CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    status       text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    suppressed   boolean     NOT NULL DEFAULT false,
    first_seen   timestamptz NOT NULL,
    last_seen    timestamptz NOT NULL,
    opened_at    timestamptz NOT NULL,
    resolved_at  timestamptz,
    times_opened integer     NOT NULL DEFAULT 1,
    evidence     jsonb       NOT NULL DEFAULT '{}',
    UNIQUE (connector, rule, subject)
);
CREATE INDEX findings_open ON findings (connector, rule) WHERE status = 'open';
CREATE INDEX findings_resolved_at ON findings (resolved_at) WHERE status = 'resolved';

-- Severity order for comparisons.
CREATE FUNCTION sec_severity_rank(s text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE s WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2
                  WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END
$$;

-- Holders of ACCOUNTADMIN or SECURITYADMIN, directly or through any chain
-- of role grants (GRANTS_TO_ROLES, granted_on = 'ROLE': role `name` is
-- granted to role `grantee_name`).  via is the chain from the user's
-- granted role down to the admin role.  Walks upwards from the two admin
-- roles, so the work is bounded by the roles that lead to them.
CREATE FUNCTION sec_admin_holders(p_connector text)
RETURNS TABLE (user_name text, admin_role text, via text[])
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up (role, admin_role, path) AS (
        SELECT r, r, ARRAY[r] FROM unnest(ARRAY['ACCOUNTADMIN', 'SECURITYADMIN']) AS r
        UNION ALL
        SELECT g.grantee_name, up.admin_role, g.grantee_name || up.path
        FROM up
        JOIN sec_grants_to_roles g
          ON g.connector = p_connector AND g.granted_on = 'ROLE' AND g.name = up.role
         AND g.privilege = 'USAGE' AND g.granted_to = 'ROLE'
        WHERE NOT g.grantee_name = ANY (up.path) AND cardinality(up.path) < 64
    )
    SELECT DISTINCT ON (gu.grantee_name, up.admin_role) gu.grantee_name, up.admin_role, up.path
    FROM up
    JOIN sec_grants_to_users gu ON gu.connector = p_connector AND gu.role = up.role
    JOIN sec_users u ON u.connector = p_connector AND u.name = gu.grantee_name
    WHERE NOT coalesce(u.disabled, false)
    ORDER BY gu.grantee_name, up.admin_role, cardinality(up.path)
$$;
