/* The rule catalogue: ids stable and well formed, metadata complete. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <string.h>

#include "secscan.h"

/* The ids secscan(1) documents; renaming one breaks suppressions. */
static const char *const documented[] = {
	"user-password-no-mfa",
	"admin-no-mfa",
	"sso-user-has-password",
	"stale-user",
	"service-user-password",
	"legacy-service-user",
	"key-not-rotated",
	"admin-count",
	"admin-no-email",
	"admin-default-role",
	"admin-role-nested",
	"admin-owned-task-proc",
	"password-policy-weak",
	"no-account-network-policy",
	"network-policy-open",
	"service-user-no-network-policy",
	"data-protection-params",
	"failed-login-burst-user",
	"failed-login-burst-ip",
	"login-after-failures",
	"ioc-ip-login",
	"ioc-client-app",
	"password-login-no-mfa",
	"admin-role-granted",
	"manage-grants-granted",
	"network-policy-changed",
	"security-integration-changed",
	"exfil-chain",
	"mfa-bypass-active",
	"grant-to-public",
	"password-old",
	"admin-idle-timeout",
	"keypair-user-password-login",
	"sso-user-password-login",
	"person-looks-like-service",
	"rare-client-app",
	"scim-token-created",
	"share-changed",
	"copy-into-external-url",
	NULL,
};

static void test_ids(void **state)
{
	size_t n = fg_sec_rule_count(), ndoc = 0;
	(void)state;
	for (; documented[ndoc]; ndoc++)
		assert_non_null(fg_sec_rule_find(documented[ndoc]));
	assert_int_equal(n, ndoc);
	for (size_t i = 0; i < n; i++) {
		const struct fg_sec_rule *r = fg_sec_rule_at(i);
		assert_true(islower((unsigned char)r->id[0]));
		for (const char *p = r->id; *p; p++)
			assert_true(islower((unsigned char)*p) || *p == '-');
		assert_ptr_equal(fg_sec_rule_find(r->id), r);
		for (size_t k = i + 1; k < n; k++)
			assert_string_not_equal(r->id, fg_sec_rule_at(k)->id);
	}
	assert_null(fg_sec_rule_find("no-such-rule"));
	assert_null(fg_sec_rule_find(NULL));
	assert_null(fg_sec_rule_at(n));
}

static void test_metadata(void **state)
{
	static const char *const categories[] = { "identity", "network", "data-protection", "threat", NULL };
	(void)state;
	for (size_t i = 0; i < fg_sec_rule_count(); i++) {
		const struct fg_sec_rule *r = fg_sec_rule_at(i);
		bool known = false;
		assert_true(strlen(r->title) > 0 && strchr(r->title, '\n') == NULL);
		assert_true(strlen(r->rationale) > 20);
		assert_true(strlen(r->remediation) > 10);
		assert_true(r->severity >= FG_SEV_LOW && r->severity <= FG_SEV_CRITICAL);
		assert_true(r->sources != 0 && r->sources < (1 << FG_SRC_COUNT));
		for (int k = 0; categories[k]; k++)
			known |= strcmp(categories[k], r->category) == 0;
		assert_true(known);
		/* every query is scoped to the connector and returns three columns */
		assert_non_null(strstr(r->sql, "$1"));
		assert_non_null(strstr(r->sql, "SELECT"));
	}
}

static void test_sources(void **state)
{
	(void)state;
	/* rules that read the login history say so, so a missing view skips them */
	assert_true(fg_sec_rule_find("failed-login-burst-user")->sources & FG_SRC_LOGIN_HISTORY);
	assert_true(fg_sec_rule_find("ioc-ip-login")->sources & FG_SRC_IOC_LIST);
	assert_true(fg_sec_rule_find("data-protection-params")->sources == FG_SRC_PARAMETERS);
	assert_true(fg_sec_rule_find("admin-count")->sources & FG_SRC_GRANTS_TO_ROLES);
	assert_true(fg_sec_rule_find("admin-idle-timeout")->sources & FG_SRC_SESSION_POLICIES);
	assert_true(fg_sec_rule_find("rare-client-app")->sources & FG_SRC_CLIENT_APPS);
	for (size_t i = 0; i < fg_sec_rule_count(); i++) {
		const struct fg_sec_rule *r = fg_sec_rule_at(i);
		if (strstr(r->sql, "sec_admin_holders"))
			assert_true((r->sources &
				     (FG_SRC_USERS | FG_SRC_GRANTS_TO_USERS | FG_SRC_GRANTS_TO_ROLES)) ==
				    (FG_SRC_USERS | FG_SRC_GRANTS_TO_USERS | FG_SRC_GRANTS_TO_ROLES));
		if (strstr(r->sql, "sec_login_history"))
			assert_true(r->sources & FG_SRC_LOGIN_HISTORY);
		if (strstr(r->sql, "sec_query_history"))
			assert_true(r->sources & FG_SRC_QUERY_HISTORY);
		if (strstr(r->sql, "sec_sessions"))
			assert_true(r->sources & FG_SRC_SESSIONS);
		if (strstr(r->sql, "sec_users"))
			assert_true(r->sources & FG_SRC_USERS);
		if (strstr(r->sql, "sec_client_apps"))
			assert_true(r->sources & FG_SRC_CLIENT_APPS);
		if (strstr(r->sql, "sec_session_policies"))
			assert_true(r->sources & (FG_SRC_SESSION_POLICIES | FG_SRC_POLICY_REFERENCES));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
