/*
 * Statements from sql/: binding by name, composing, and every embedded
 * statement's parameters -- pinned here, and bound by the code that runs
 * it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "fg_sql_costs.h"
#include "fg_sql_notify.h"
#include "fg_sql_outbox.h"
#include "fg_sql_secscan.h"
#include "fg_sql_snapshot.h"
#include "log.h"
#include "sqlfile.h"

/* The parts with statements in sql/<part>/. */
static const struct {
	const char *name;
	const struct fg_sql *const *sql;
} parts[] = {
	{ "costs", fg_sql_costs },     { "outbox", fg_sql_outbox },     { "budgets", fg_sql_budgets },
	{ "secscan", fg_sql_secscan }, { "snapshot", fg_sql_snapshot }, { "notify", fg_sql_notify },
};

/*
 * Every statement and its parameters.  A statement whose parameters change
 * changes here and at its caller (test_callers checks the caller).
 */
static const struct {
	const char *path;
	const char *params; /* space-separated, any order */
} expected[] = {
	{ "budgets/anomaly/evaluate.sql", "connectors currencies dimensions sensitivities lookback_weeks"
					  " min_history_days min_daily_costs min_change_percents"
					  " min_change_amounts dips severity_from severity_names eval_from"
					  " eval_to scan_from" },
	{ "budgets/anomaly/incidents.sql", "normal_connectors normal_dimensions normal_series normal_days" },
	{ "budgets/anomaly/list.sql", "since connector" },
	{ "budgets/anomaly/record.sql", "connectors dimensions series days directions severities actuals"
					" expecteds spreads deviations lows highs ndays explanations"
					" contributors" },
	{ "budgets/anomaly/resolve.sql", "normal_connectors normal_dimensions normal_series normal_days" },
	{ "budgets/anomaly/resolved.sql", "ids" },
	{ "budgets/attribution/contributors.sql", "keys connectors levels since until prev_since prev_until"
						  " spends all_warehouses wh_keys wh_names name_keys names"
						  " name_regexes" },
	{ "budgets/attribution/explain.sql", "connector since until total dims all_warehouses warehouses"
					     " with_qas attr_dim attr_names attr_regexes" },
	{ "budgets/coverage.sql", "connectors since as_of" },
	{ "budgets/deactivate.sql", "names" },
	{ "budgets/evaluate.sql",
	  "as_of scan_from sample_monday start1 start2 start3 start4 start5 start6"
	  " budget_names budget_connectors budget_amounts budget_periods budget_pairs"
	  " budget_attr period_names period_starts period_ends period_slots connectors"
	  " attr_connectors attr_units attr_entities attr_names attr_regexes"
	  " unit_connectors unit_services unit_entities pair_units pair_periods"
	  " multi_budgets multi_pairs" },
	{ "budgets/history_read.sql", "budget until days" },
	{ "budgets/history_write.sql", "snapshot_date budgets connectors periods period_starts period_ends"
				       " spends amounts currencies percents forecasts" },
	{ "budgets/mirror.sql", "names connectors amounts currencies periods scopes thresholds forecasts"
				" notify active" },
	{ "budgets/resolve.sql", "as_of" },
	{ "budgets/resolve_mark.sql", "as_of now" },
	{ "budgets/record_alerts.sql", "keys budgets periods period_starts period_ends thresholds kinds"
				       " severities spends amounts percents forecasts" },
	{ "costs/attribution/idle.sql", "connector since until unseen currency" },
	{ "costs/attribution/idle_clear.sql", "connector since until" },
	{ "costs/attribution/rates.sql", "since until credit_price" },
	{ "costs/attribution/restore_costs.sql", "connector days" },
	{ "costs/attribution/restore_queries.sql", "connector days" },
	{ "costs/attribution/rollup.sql", "connector" },
	{ "costs/attribution/rollup_clear.sql", "connector days" },
	{ "costs/attribution/set_aside_costs.sql", "connector since until" },
	{ "costs/attribution/set_aside_queries.sql", "connector since until" },
	{ "costs/attribution/state.sql", "connector available now reason" },
	{ "costs/delete_unreported.sql", "connector since until" },
	{ "costs/diff.sql", "connector since until currency" },
	{ "costs/extract/attribution.sql", "since until scan_from scan_before" },
	{ "costs/extract/attribution_queries.sql", "since until scan_from scan_before top_queries" },
	{ "costs/extract/daily.sql", "since until" },
	{ "costs/extract/rates.sql", "since until" },
	{ "costs/extract/storage.sql", "since until" },
	{ "costs/extract/transfer.sql", "since until scan_from scan_before" },
	{ "costs/extract/warehouse.sql", "since until scan_from scan_before" },
	{ "costs/price.sql", "credit_price storage_price transfer_price" },
	{ "costs/price_days.sql", "since until" },
	{ "costs/upsert.sql", "connector currency now" },
	{ "costs/watermark.sql", "connector day now" },
	{ "secscan/collect/client_apps.sql", "since until" },
	{ "secscan/collect/grants_to_roles.sql", "" },
	{ "secscan/collect/grants_to_users.sql", "" },
	{ "secscan/collect/login_history.sql", "since until" },
	{ "secscan/collect/network_policies.sql", "" },
	{ "secscan/collect/password_policies.sql", "" },
	{ "secscan/collect/policy_references.sql", "" },
	{ "secscan/collect/query_history.sql", "since until recent_since" },
	{ "secscan/collect/roles.sql", "" },
	{ "secscan/collect/session_policies.sql", "" },
	{ "secscan/collect/sessions.sql", "since until" },
	{ "secscan/collect/users.sql", "" },
	{ "secscan/findings/notify.sql", "connector channels min_severity rule_meta" },
	{ "secscan/findings/read.sql", "connector" },
	{ "secscan/findings/resolve.sql", "connector now evaluated" },
	{ "secscan/findings/resolved.sql", "connector now rule_meta" },
	{ "secscan/findings/upsert.sql", "connector now" },
	{ "secscan/prune/client_apps.sql", "connector now days" },
	{ "secscan/prune/login_history.sql", "connector now days" },
	{ "secscan/prune/query_history.sql", "connector now days" },
	{ "secscan/prune/sessions.sql", "connector now days" },
	{ "secscan/rules/admin-count.sql", "connector settings" },
	{ "secscan/rules/admin-default-role.sql", "connector" },
	{ "secscan/rules/admin-idle-timeout.sql", "connector" },
	{ "secscan/rules/admin-no-email.sql", "connector" },
	{ "secscan/rules/admin-no-mfa.sql", "connector settings" },
	{ "secscan/rules/admin-owned-task-proc.sql", "connector" },
	{ "secscan/rules/admin-role-granted.sql", "connector now settings" },
	{ "secscan/rules/admin-role-nested.sql", "connector" },
	{ "secscan/rules/copy-into-external-url.sql", "connector now settings" },
	{ "secscan/rules/data-protection-params.sql", "connector" },
	{ "secscan/rules/exfil-chain.sql", "connector now settings" },
	{ "secscan/rules/failed-login-burst-ip.sql", "connector now settings" },
	{ "secscan/rules/failed-login-burst-user.sql", "connector now settings" },
	{ "secscan/rules/grant-to-public.sql", "connector" },
	{ "secscan/rules/ioc-client-app.sql", "connector now settings" },
	{ "secscan/rules/ioc-ip-login.sql", "connector now settings" },
	{ "secscan/rules/key-not-rotated.sql", "connector now settings" },
	{ "secscan/rules/keypair-user-password-login.sql", "connector now settings" },
	{ "secscan/rules/legacy-service-user.sql", "connector" },
	{ "secscan/rules/login-after-failures.sql", "connector now settings" },
	{ "secscan/rules/manage-grants-granted.sql", "connector now settings" },
	{ "secscan/rules/mfa-bypass-active.sql", "connector now" },
	{ "secscan/rules/network-policy-changed.sql", "connector now settings" },
	{ "secscan/rules/network-policy-open.sql", "connector" },
	{ "secscan/rules/no-account-network-policy.sql", "connector" },
	{ "secscan/rules/password-login-no-mfa.sql", "connector now settings" },
	{ "secscan/rules/password-old.sql", "connector now settings" },
	{ "secscan/rules/password-policy-weak.sql", "connector" },
	{ "secscan/rules/person-looks-like-service.sql", "connector now settings" },
	{ "secscan/rules/rare-client-app.sql", "connector now" },
	{ "secscan/rules/scim-token-created.sql", "connector now settings" },
	{ "secscan/rules/security-integration-changed.sql", "connector now settings" },
	{ "secscan/rules/service-user-no-network-policy.sql", "connector settings" },
	{ "secscan/rules/service-user-password.sql", "connector settings" },
	{ "secscan/rules/share-changed.sql", "connector now settings" },
	{ "secscan/rules/sso-user-has-password.sql", "connector settings" },
	{ "secscan/rules/sso-user-password-login.sql", "connector now settings" },
	{ "secscan/rules/stale-user.sql", "connector now settings" },
	{ "secscan/rules/user-password-no-mfa.sql", "connector settings" },
	{ "secscan/sources/history_days.sql", "connector now days" },
	{ "secscan/sources/read.sql", "connector source rows now" },
	{ "secscan/sources/unavailable.sql", "connector source now reason" },
	{ "outbox/batch.sql", "rows" },
	{ "outbox/remind.sql", "channels" },
	{ "notify/group.sql", "channels kind top" },
	{ "snapshot/configs.sql", "now days" },
	{ "snapshot/cost_summary.sql", "since until" },
	{ "snapshot/freshness.sql", "connectors max_ages today" },
	{ "snapshot/status.sql", "jobs lock_ids exclusive intervals now lock_class" },
};

/*
 * Statements named through a macro and bound elsewhere: how they are
 * named (the macro, then the rest of the path as a C name) and the file
 * that binds them.  The others are named as fg_sql_<path> and bound in the
 * function that names them, or, when it binds none of their names (they
 * come from its caller) or names them in a file-scope table, in the same
 * file.
 */
static const struct {
	const char *prefix;
	const char *macro;
	const char *binder;
} binders[] = {
	{ "secscan/rules/", "SQL(", "lib/secscan/secscan_eval.c" },
	/* named in attr_read.c's table of queries, run by costsync_attr.c */
	{ "costs/attribution/restore_", "fg_sql_costs_attribution_restore_", "lib/costs/costsync_attr.c" },
	{ "costs/attribution/set_aside_", "fg_sql_costs_attribution_set_aside_",
	  "lib/costs/costsync_attr.c" },
};

static const struct fg_sql q = {
	.path = "test/q.sql",
	.named = "SELECT * FROM t WHERE a = :a AND b = :b OR :a IS NULL AND c = :c",
	.pq = "SELECT * FROM t WHERE a = $1 AND b = $2 OR $1 IS NULL AND c = $3",
	.pq_names = (const char *const[]){ "a", "b", "c" },
	.pq_n = 3,
	.odbc = "SELECT * FROM t WHERE a = ? AND b = ? OR ? IS NULL AND c = ?",
	.odbc_names = (const char *const[]){ "a", "b", "a", "c" },
	.odbc_n = 4,
};

static void test_bind(void **state)
{
	struct fg_sql_bound b;
	(void)state;
	/* any order; NULL binds SQL NULL */
	const struct fg_sql_arg args[] = { { "c", "3" }, { "a", "1" }, { "b", NULL } };
	assert_int_equal(fg_sql_bind(&q, FG_SQL_PQ, args, FG_SQL_COUNT(args), &b), 0);
	assert_string_equal(b.text, q.pq);
	assert_int_equal(b.n, 3);
	assert_string_equal(b.values[0], "1");
	assert_null(b.values[1]);
	assert_string_equal(b.values[2], "3");
	/* ODBC: a at both of its ? */
	assert_int_equal(fg_sql_bind(&q, FG_SQL_ODBC, args, FG_SQL_COUNT(args), &b), 0);
	assert_string_equal(b.text, q.odbc);
	assert_int_equal(b.n, 4);
	assert_string_equal(b.values[0], "1");
	assert_null(b.values[1]);
	assert_string_equal(b.values[2], "1");
	assert_string_equal(b.values[3], "3");
}

static void test_bind_refused(void **state)
{
	struct fg_sql_bound b;
	const struct fg_sql_arg missing[] = { { "a", "1" }, { "c", "3" } };
	const struct fg_sql_arg unknown[] = { { "a", "1" }, { "b", "2" }, { "c", "3" }, { "d", "4" } };
	const struct fg_sql_arg twice[] = { { "a", "1" }, { "b", "2" }, { "c", "3" }, { "a", "1" } };
	(void)state;
	fg_log_clear_last_error();
	assert_int_equal(fg_sql_bind(&q, FG_SQL_PQ, missing, FG_SQL_COUNT(missing), &b), FG_ERR_INTERNAL);
	assert_non_null(strstr(fg_log_last_error(), "test/q.sql': parameter :b is not bound"));
	assert_int_equal(fg_sql_bind(&q, FG_SQL_ODBC, unknown, FG_SQL_COUNT(unknown), &b), FG_ERR_INTERNAL);
	assert_non_null(strstr(fg_log_last_error(), "no parameter :d to bind"));
	assert_int_equal(fg_sql_bind(&q, FG_SQL_PQ, twice, FG_SQL_COUNT(twice), &b), FG_ERR_INTERNAL);
	assert_non_null(strstr(fg_log_last_error(), "parameter :a bound twice"));
	assert_int_equal(fg_sql_bind(&q, FG_SQL_NAMED, twice, 3, &b), FG_ERR_INTERNAL);
}

static void test_compose(void **state)
{
	struct fg_sql c;
	struct fg_sql_bound b;
	const struct fg_sql_arg args[] = { { "a", "1" }, { "b", "2" }, { "c", "3" }, { "x", "9" } };
	(void)state;
	assert_int_equal(fg_sql_compose(&c, "INSERT INTO u SELECT :x, r.* FROM (", &q, ") r -- :y\n"), 0);
	assert_string_equal(c.path, "test/q.sql");
	assert_string_equal(c.pq,
			    "INSERT INTO u SELECT $1, r.* FROM (SELECT * FROM t WHERE a = $2 AND b = $3 OR $2"
			    " IS NULL AND c = $4) r");
	assert_int_equal(c.pq_n, 4);
	assert_string_equal(c.pq_names[0], "x");
	assert_int_equal(c.odbc_n, 5);
	assert_int_equal(fg_sql_bind(&c, FG_SQL_PQ, args, FG_SQL_COUNT(args), &b), 0);
	assert_string_equal(b.values[0], "9");
	assert_string_equal(b.values[3], "3");
	fg_sql_release(&c);
	assert_null(c.owned);
	fg_sql_release(&c);
	assert_int_equal(fg_sql_compose(&c, "SELECT ';' FROM (", &q, ");"), FG_ERR_INTERNAL);
	assert_null(c.owned);
}

/* Whether the space-separated list holds name. */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* Whether s has exactly the parameters of the list, in any order. */
static bool same_names(const struct fg_sql *s, const char *list)
{
	int n = 0;
	for (const char *p = list; *p; p++)
		n += p[0] != ' ' && (p[1] == ' ' || p[1] == '\0');
	for (int k = 0; k < s->pq_n; k++)
		if (!listed(list, s->pq_names[k]))
			return false;
	return n == s->pq_n;
}

static void test_statements(void **state)
{
	size_t nexp = sizeof(expected) / sizeof(expected[0]), seen = 0;
	(void)state;
	for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++)
		for (const struct fg_sql *const *s = parts[p].sql; *s != NULL; s++) {
			size_t i = 0;
			while (i < nexp && strcmp(expected[i].path, (*s)->path) != 0)
				i++;
			if (i == nexp)
				fail_msg("sql/%s: not in the expected list of this test", (*s)->path);
			seen++;
			assert_int_equal(strncmp((*s)->path, parts[p].name, strlen(parts[p].name)), 0);
			if (!same_names(*s, expected[i].params))
				fail_msg("sql/%s: parameters differ from '%s'", (*s)->path,
					 expected[i].params);
			/* both forms, and as many ? as occurrences */
			assert_non_null((*s)->pq);
			assert_non_null((*s)->odbc);
			assert_true((*s)->odbc_n >= (*s)->pq_n);
			assert_null(strchr((*s)->named, '\n'));
		}
	assert_int_equal(seen, nexp);
}

/* The file's text, or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f == NULL)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Whether text[from..to) binds name: { "name", value } or {"name", value}. */
static int binds(const char *text, size_t from, size_t to, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = from; i + n + 3 < to; i++) {
		if (text[i] != '{')
			continue;
		size_t k = i + 1;
		while (text[k] == ' ')
			k++;
		if (text[k] == '"' && strncmp(text + k + 1, name, n) == 0 && text[k + 1 + n] == '"')
			return 1;
	}
	return 0;
}

/*
 * The function around offset at (from a line "{" to a line "}"), or the
 * whole file when at is at file scope (a table of statements).
 */
static void scope_of(const char *text, size_t at, size_t *from, size_t *to)
{
	const char *open = NULL, *close;

	for (const char *p = text; (p = strstr(p, "\n{\n")) != NULL && (size_t)(p - text) < at; p++)
		open = p;
	close = open ? strstr(open, "\n}\n") : NULL;
	if (open == NULL || close == NULL || (size_t)(close - text) < at) {
		*from = 0;
		*to = strlen(text);
		return;
	}
	*from = (size_t)(open - text);
	*to = (size_t)(close - text);
}

/* The file at FG_SOURCE_DIR/rel, or NULL. */
static char *source(const char *rel)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", FG_SOURCE_DIR, rel) >= sizeof(path))
		return NULL;
	return slurp(path);
}

/*
 * Check that the code running s binds its every parameter, at each place
 * file (lib/PART/NAME.c) names it; returns how many places.
 */
static int check_file(const struct fg_sql *s, const char *sym, const char *file)
{
	char *text = source(file);
	size_t len = strlen(sym);
	int refs = 0;

	assert_non_null(text);
	for (const char *p = text; (p = strstr(p, sym)) != NULL; p += len) {
		char next = p[len], *btext = text;
		const char *where = file;
		size_t from, to;
		if ((next >= 'a' && next <= 'z') || (next >= '0' && next <= '9') || next == '_')
			continue;
		refs++;
		scope_of(text, (size_t)(p - text), &from, &to);
		for (size_t b = 0; b < sizeof(binders) / sizeof(binders[0]); b++)
			if (strncmp(s->path, binders[b].prefix, strlen(binders[b].prefix)) == 0) {
				assert_non_null(btext = source(binders[b].binder));
				where = binders[b].binder;
				from = 0;
				to = strlen(btext);
			}
		bool any = false;
		for (int k = 0; k < s->pq_n; k++)
			any |= binds(btext, from, to, s->pq_names[k]);
		if (!any) {
			from = 0;
			to = strlen(btext);
		}
		for (int k = 0; k < s->pq_n; k++)
			if (!binds(btext, from, to, s->pq_names[k]))
				fail_msg("sql/%s: :%s is not bound by the code that runs it (%s)", s->path,
					 s->pq_names[k], where);
		if (btext != text)
			free(btext);
	}
	free(text);
	return refs;
}

static void test_callers(void **state)
{
	(void)state;
	for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
		char dir[512];
		snprintf(dir, sizeof(dir), "%s/lib/%s", FG_SOURCE_DIR, parts[p].name);
		for (const struct fg_sql *const *s = parts[p].sql; *s != NULL; s++) {
			char sym[256], file[512];
			const char *path = (*s)->path, *ref = "fg_sql_";
			int refs = 0;
			struct dirent *e;
			DIR *d = opendir(dir);

			assert_non_null(d);
			for (size_t b = 0; b < sizeof(binders) / sizeof(binders[0]); b++)
				if (strncmp(path, binders[b].prefix, strlen(binders[b].prefix)) == 0) {
					path += strlen(binders[b].prefix);
					ref = binders[b].macro;
				}
			size_t o = (size_t)snprintf(sym, sizeof(sym), "%s", ref);
			for (const char *c = path; *c && strcmp(c, ".sql") != 0 && o + 1 < sizeof(sym); c++)
				sym[o++] = *c == '/' || *c == '-' ? '_' : *c;
			sym[o] = '\0';
			while ((e = readdir(d)) != NULL) {
				size_t n = strlen(e->d_name);
				if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
					continue;
				snprintf(file, sizeof(file), "lib/%s/%s", parts[p].name, e->d_name);
				refs += check_file(*s, sym, file);
			}
			closedir(d);
			if (refs == 0)
				fail_msg("sql/%s: used nowhere in lib/%s/", (*s)->path, parts[p].name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind),    cmocka_unit_test(test_bind_refused),
		cmocka_unit_test(test_compose), cmocka_unit_test(test_statements),
		cmocka_unit_test(test_callers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
