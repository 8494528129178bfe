-- Benchmark account for secscan: bench_security(now, users, roles, grants,
-- logins) fills the simulator's security views with a scaled, deterministic
-- account: users (5 % service), a role tree with one path to ACCOUNTADMIN,
-- grants to users and roles (most of them table privileges secscan does
-- not copy), logins spread over 90 days with 5 % failures (a third of them
-- from the web interface, except for one user in ten who signs in only
-- through JDBC), sessions and a
-- little query history.  bench_security_day(now) appends one more day of
-- logins after now, for the incremental scan.
CREATE FUNCTION public.bench_hash(i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT ((i * 2654435761) # (i >> 7)) & 2147483647 $$;

CREATE FUNCTION public.bench_security(p_now timestamptz, p_users int, p_roles int, p_grants int, p_logins bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	role_grants int := p_grants / 4;
	user_grants int := p_grants / 2;
BEGIN
	PERFORM account_usage.seed_security(p_now);
	INSERT INTO account_usage.users (user_id, name, login_name, created_on, email, has_password, has_mfa,
					 ext_authn_duo, disabled, default_role, last_success_login,
					 has_rsa_public_key, type)
	SELECT 100000 + i, 'U' || i, 'U' || i, p_now - (i % 800) * interval '1 day',
	       CASE WHEN i % 7 <> 0 THEN 'u' || i || '@example.com' END,
	       i % 20 <> 0 AND i % 3 <> 0, i % 4 <> 0, false, i % 50 = 0, 'R' || (1 + i % p_roles),
	       p_now - (i % 120) * interval '1 day', i % 20 = 0,
	       CASE WHEN i % 20 = 0 THEN 'SERVICE' ELSE 'PERSON' END
	FROM generate_series(1, p_users) AS i;
	INSERT INTO account_usage.roles (created_on, name, owner, role_id)
	SELECT p_now - interval '500 days', 'R' || i, 'USERADMIN', 1000 + i FROM generate_series(1, p_roles) AS i;
	-- role tree: R(i) is granted to R(i/2); the last role holds ACCOUNTADMIN
	INSERT INTO account_usage.grants_to_roles (created_on, privilege, granted_on, name, granted_to, grantee_name)
	SELECT p_now - interval '400 days', 'USAGE', 'ROLE', 'R' || i, 'ROLE', 'R' || (i / 2)
	FROM generate_series(2, least(p_roles, role_grants)) AS i;
	INSERT INTO account_usage.grants_to_roles (created_on, privilege, granted_on, name, granted_to, grantee_name)
	VALUES (p_now - interval '400 days', 'USAGE', 'ROLE', 'ACCOUNTADMIN', 'ROLE', 'R' || p_roles);
	INSERT INTO account_usage.grants_to_roles (created_on, privilege, granted_on, name, table_catalog,
						   table_schema, granted_to, grantee_name)
	SELECT p_now - interval '300 days', 'SELECT', 'TABLE', 'T' || i, 'DB', 'S' || (i % 50), 'ROLE',
	       'R' || (1 + bench_hash(i) % p_roles)
	FROM generate_series(1, p_grants - user_grants - least(p_roles, role_grants)) AS i;
	INSERT INTO account_usage.grants_to_users (created_on, role, granted_to, grantee_name)
	SELECT p_now - interval '300 days', 'R' || (1 + bench_hash(i) % p_roles), 'USER',
	       'U' || (1 + i % p_users)
	FROM generate_series(1, user_grants) AS i;
	PERFORM public.bench_logins(p_now - interval '90 days', p_now, p_logins, p_users, 1000000);
	INSERT INTO account_usage.sessions (session_id, created_on, user_name, authentication_method,
					    login_event_id, client_application_id, client_environment)
	SELECT 1000000 + i, p_now - (i % (90 * 24)) * interval '1 hour', 'U' || (1 + bench_hash(i) % p_users),
	       'Password', i, 'JDBC 3.14.0', '{"APPLICATION":"etl","OS":"Linux"}'
	FROM generate_series(1, (p_logins / 20)::int) AS i;
	INSERT INTO account_usage.query_history (query_id, query_text, query_type, session_id, user_name,
						 role_name, execution_status, start_time)
	SELECT 'bq' || i, CASE i % 3 WHEN 0 THEN 'SHOW TABLES IN DB.S1' WHEN 1 THEN 'SELECT 1'
	       ELSE 'INSERT INTO DB.S.T VALUES (1)' END, CASE i % 3 WHEN 0 THEN 'SHOW' WHEN 1 THEN 'SELECT'
	       ELSE 'INSERT' END, 1000000 + i, 'U' || (1 + i % p_users), 'R1', 'SUCCESS',
	       p_now - (i % (90 * 24)) * interval '1 hour'
	FROM generate_series(1, (p_logins / 10)::int) AS i;
END $$;

-- n logins evenly spread over (t0, t1], event ids from first_id.
CREATE FUNCTION public.bench_logins(t0 timestamptz, t1 timestamptz, n bigint, p_users int, first_id bigint)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO account_usage.login_history (event_id, event_timestamp, event_type, user_name, client_ip,
						 reported_client_type, first_authentication_factor,
						 second_authentication_factor, is_success, error_code, error_message)
	SELECT first_id + i, t0 + (t1 - t0) * (i::float8 / n), 'LOGIN', 'U' || (1 + bench_hash(i) % p_users),
	       '10.' || (i % 200) || '.' || (bench_hash(i) % 250) || '.' || (i % 199),
	       CASE WHEN bench_hash(i) % p_users % 10 = 0 OR i % 3 <> 0 THEN 'JDBC_DRIVER' ELSE 'SNOWFLAKE_UI' END,
	       'PASSWORD', CASE WHEN i % 20 = 0 THEN NULL ELSE 'DUO_PUSH' END,
	       CASE WHEN i % 20 = 0 THEN 'NO' ELSE 'YES' END,
	       CASE WHEN i % 20 = 0 THEN 390100 END,
	       CASE WHEN i % 20 = 0 THEN 'INCORRECT_USERNAME_PASSWORD' END
	FROM generate_series(1, n) AS i
$$;
