/* Config loading: keys, sections, ${VAR}, _file twins, permissions, getters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "capture.h"
#include "config.h"
#include "config_value.h"
#include "exitcode.h"
#include "log.h"
#include "redact.h"

static char dir[] = "/tmp/fgconfXXXXXX";

static const char *write_file(const char *name, const char *text, mode_t mode)
{
	static char path[4][512];
	static int slot;
	char *p = path[slot++ % 4];
	snprintf(p, 512, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

/* Load a file; return rc and keep stderr in capture_buf. */
static int load(const char *text, mode_t mode, struct fg_config **cfg)
{
	const char *p = write_file("flakeguard.conf", text, mode);
	capture_begin();
	int rc = fg_config_load(p, cfg);
	capture_end();
	return rc;
}

/*
 * load(), then the secrets every section needs (as --check-config does):
 * a secret that cannot be read is kept with its section, not an error of
 * the load.
 */
static int load_all(const char *text, mode_t mode, struct fg_config **cfg)
{
	const char *p = write_file("flakeguard.conf", text, mode);
	capture_begin();
	int rc = fg_config_load(p, cfg);
	if (rc == 0) {
		rc = fg_config_check_sections(*cfg, NULL);
		fg_config_free(*cfg);
		*cfg = NULL;
	}
	capture_end();
	return rc;
}

static void test_valid_config(void **state)
{
	(void)state;
	struct fg_config *cfg;
	setenv("FG_TEST_PRICE", "3.25", 1);
	int rc = load("[database]\nconninfo = dbname=x\n\n[connector prod]\nodbc = DSN=snow\n"
		      "credit_price = ${FG_TEST_PRICE}\n; comment\n[connector dev]\nodbc = DSN=dev\n"
		      "[channel ops]\ntype = slack\nurl = ${FG_TEST_PRICE}x\n",
		      0600, &cfg);
	assert_int_equal(rc, 0);
	const struct fg_conf_section *s = fg_config_section(cfg, "connector", "prod");
	assert_non_null(s);
	assert_string_equal(fg_conf_get(s, "credit_price"), "3.25");
	assert_string_equal(fg_conf_get(s, "odbc"), "DSN=snow");
	const struct fg_conf_section *first = fg_config_next(cfg, NULL, "connector");
	assert_string_equal(first->name, "prod");
	assert_string_equal(fg_config_next(cfg, first, "connector")->name, "dev");
	assert_null(fg_config_next(cfg, fg_config_next(cfg, first, "connector"), "connector"));
	fg_config_free(cfg);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct fg_config *cfg = (void *)1;
	capture_begin();
	int rc = fg_config_load("/nonexistent/flakeguard.conf", &cfg);
	const char *err = capture_end();
	assert_int_equal(rc, FG_ERR_CONFIG);
	assert_null(cfg);
	assert_non_null(strstr(err, "cannot open config file '/nonexistent/flakeguard.conf'"));
}

static void test_unknown_key_names_file_line(void **state)
{
	(void)state;
	struct fg_config *cfg;
	int rc = load("[database]\nconninfo =\n\n[connector prod]\nodbc = DSN=x\ncredit_prize = 3\n", 0600,
		      &cfg);
	assert_int_equal(rc, FG_ERR_CONFIG);
	assert_null(cfg);
	assert_non_null(strstr(
		capture_buf, "flakeguard.conf:6: unknown key 'credit_prize' in section '[connector prod]'"));
}

static void test_unknown_section(void **state)
{
	(void)state;
	struct fg_config *cfg;
	assert_int_equal(load("[datbase]\nconninfo = x\n", 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, ":1: unknown section '[datbase]'"));
	/* one error for the section, not one per key */
	assert_int_equal(load("[conector prod]\nodbc = x\ncredit_price = 1\nlookback_days = 3\n", 0600, &cfg),
			 FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, ":1: unknown section '[conector prod]'"));
	assert_null(strstr(strstr(capture_buf, "unknown section") + 1, "unknown section"));
	assert_int_equal(load("[connector]\nodbc = x\n", 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "needs a name"));
	assert_int_equal(load("[database main]\nconninfo = x\n", 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "takes no name"));
}

static void test_duplicates(void **state)
{
	(void)state;
	struct fg_config *cfg;
	assert_int_equal(load("[database]\nconninfo = a\nconninfo = b\n", 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf,
			       ":3: key 'conninfo' in section '[database]' is set twice (first at line 2)"));
	assert_int_equal(load("[connector a]\nodbc = a\n[connector a]\ncurrency = b\n", 0600, &cfg),
			 FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "defined twice"));
	/* repeatable keys */
	assert_int_equal(load("[channel w]\ntype = webhook\nheader = A: 1\nheader = B: 2\n", 0600, &cfg), 0);
	fg_config_free(cfg);
}

static void test_syntax_error(void **state)
{
	(void)state;
	struct fg_config *cfg;
	assert_int_equal(load("[database]\nconninfo = a\nthis line is wrong\n", 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, ":3: syntax error"));
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	struct fg_config *cfg;
	/* a stray Latin-1 byte, an overlong '/', a UTF-16 surrogate */
	static const char *const bad[] = { "caf\xe9", "\xc0\xaf", "\xed\xa0\x80" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[database]\nconninfo =\n[connector a]\ncurrency = %s\n",
			 bad[i]);
		assert_int_equal(load(text, 0600, &cfg), FG_ERR_CONFIG);
		assert_non_null(strstr(capture_buf, ":4: value of 'currency' is not valid UTF-8"));
	}
	setenv("FG_TEST_LATIN1", "\xe9t\xe9", 1);
	assert_int_equal(load("[connector a]\ncurrency = ${FG_TEST_LATIN1}\n", 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, ":2: value of 'currency' is not valid UTF-8"));
	assert_int_equal(load("[database]\n[connector caf\xe9]\ncurrency = EUR\n", 0600, &cfg),
			 FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, ":2: section name is not valid UTF-8"));
	/* valid text in any script loads */
	assert_int_equal(
		load("[connector z\xc3\xbcrich]\ncurrency = \xe2\x82\xac \xf0\x9f\x9a\x80\n", 0600, &cfg), 0);
	assert_string_equal(fg_conf_get(fg_config_section(cfg, "connector", "z\xc3\xbcrich"), "currency"),
			    "\xe2\x82\xac \xf0\x9f\x9a\x80");
	fg_config_free(cfg);
}

static void test_unset_variable(void **state)
{
	(void)state;
	struct fg_config *cfg;
	unsetenv("FG_TEST_UNSET_VAR");
	assert_int_equal(load_all("[database]\nconninfo = host=${FG_TEST_UNSET_VAR}\n", 0600, &cfg),
			 FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf,
			       ":2: environment variable 'FG_TEST_UNSET_VAR' used by 'conninfo' is not set"));
	assert_int_equal(load("[database]\nconninfo = ${FG_TEST\n", 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "unterminated"));
}

static void test_variable_not_reexpanded(void **state)
{
	(void)state;
	struct fg_config *cfg;
	/* a value that itself contains ${...} is taken literally: no loops */
	setenv("FG_TEST_LOOP", "${FG_TEST_LOOP}", 1);
	assert_int_equal(load("[connector a]\ncurrency = ${FG_TEST_LOOP}\n", 0600, &cfg), 0);
	assert_string_equal(fg_conf_get(fg_config_section(cfg, "connector", "a"), "currency"),
			    "${FG_TEST_LOOP}");
	fg_config_free(cfg);
}

static void test_secret_file(void **state)
{
	(void)state;
	struct fg_config *cfg;
	const char *secret =
		write_file("slack-url", "https://hooks.slack.com/services/T000/B000/XXXXSECRET\n", 0600);
	char text[1024];
	snprintf(text, sizeof(text), "[channel ops]\ntype = slack\nurl_file = %s\n", secret);
	assert_int_equal(load(text, 0644, &cfg), 0); /* the file itself holds no secret */
	const struct fg_conf_entry *e = fg_conf_entry(fg_config_section(cfg, "channel", "ops"), "url");
	assert_non_null(e);
	assert_true(e->secret);
	assert_string_equal(e->value, "https://hooks.slack.com/services/T000/B000/XXXXSECRET");
	fg_config_free(cfg);

	/* a secret that cannot be read fails only whoever needs its section */
	assert_int_equal(load("[channel ops]\ntype = slack\nurl_file = /nonexistent/secret\n", 0600, &cfg),
			 0);
	assert_string_equal(capture_buf, "");
	assert_int_equal(fg_config_check_sections(cfg, (const char *const[]){ "database", NULL }), 0);
	capture_begin();
	assert_int_equal(fg_conf_section_check(cfg, fg_config_section(cfg, "channel", "ops")), FG_ERR_CONFIG);
	assert_int_equal(fg_conf_section_check(cfg, fg_config_section(cfg, "channel", "ops")), FG_ERR_CONFIG);
	capture_end();
	assert_non_null(
		strstr(capture_buf, ":3: cannot read secret file '/nonexistent/secret' for 'url_file'"));
	/* once per run */
	assert_null(strstr(strstr(capture_buf, "cannot read") + 1, "cannot read"));
	fg_config_free(cfg);
	assert_int_equal(
		load_all("[channel ops]\ntype = slack\nurl_file = /nonexistent/secret\n", 0600, &cfg),
		FG_ERR_CONFIG);
	/* _file twin only for secret keys */
	assert_int_equal(load("[channel ops]\ntype_file = /etc/hostname\n", 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "unknown key 'type_file'"));
	if (geteuid() != 0) {
		const char *unreadable = write_file("unreadable", "x\n", 0000);
		snprintf(text, sizeof(text), "[email]\nsmtp_password_file = %s\n", unreadable);
		assert_int_equal(load_all(text, 0600, &cfg), FG_ERR_CONFIG);
		assert_non_null(strstr(capture_buf, "Permission denied"));
	}
	snprintf(text, sizeof(text), "[email]\nsmtp_password_file = %s\n", dir);
	assert_int_equal(load_all(text, 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "is not a regular file"));
}

/* Kubernetes mounts secrets as symlinks (key -> ..data/key): they work;
 * a dangling link or a link to a directory is a clear error. */
static void test_symlinked_secret(void **state)
{
	(void)state;
	struct fg_config *cfg;
	char text[1024], target[600], link[600];
	const char *real = write_file("real-secret", "s3cr3t-value\n", 0600);
	snprintf(target, sizeof(target), "%s", real);
	snprintf(link, sizeof(link), "%s/linked-secret", dir);
	unlink(link);
	assert_int_equal(symlink(target, link), 0);
	snprintf(text, sizeof(text), "[email]\nsmtp_password_file = %s\n", link);
	assert_int_equal(load(text, 0600, &cfg), 0);
	assert_string_equal(fg_conf_get(fg_config_section(cfg, "email", NULL), "smtp_password"),
			    "s3cr3t-value");
	fg_config_free(cfg);
	unlink(link);
	assert_int_equal(symlink("/nonexistent/secret", link), 0);
	assert_int_equal(load_all(text, 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "cannot read secret file"));
	assert_null(strstr(capture_buf, "s3cr3t"));
	unlink(link);
	assert_int_equal(symlink(dir, link), 0);
	assert_int_equal(load_all(text, 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "is not a regular file"));
	unlink(link);
}

static void test_world_readable_secret(void **state)
{
	(void)state;
	struct fg_config *cfg;
	const char *text =
		"[channel ops]\ntype = slack\nurl = https://hooks.slack.com/services/T1/B1/SECRETTOKEN\n";
	assert_int_equal(load(text, 0644, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "chmod 600"));
	assert_null(strstr(capture_buf, "SECRETTOKEN"));
	assert_int_equal(load(text, 0640, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "its group"));
	assert_int_equal(load(text, 0600, &cfg), 0);
	fg_config_free(cfg);
	/* a password in a conninfo string is a secret too */
	assert_int_equal(load("[database]\nconninfo = host=db password=hunter2x\n", 0644, &cfg),
			 FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "chmod 600"));
	assert_int_equal(load("[connector a]\nodbc = DSN=x;PWD=hunter2x\n", 0604, &cfg), FG_ERR_CONFIG);
	/* ...unless it comes from the environment */
	setenv("FG_TEST_PW", "hunter2x", 1);
	assert_int_equal(
		load("[connector a]\nodbc = DSN=x;PWD=${FG_TEST_PW}\n[channel c]\nurl = ${FG_TEST_PW}\n",
		     0644, &cfg),
		0);
	fg_config_free(cfg);
	/* a conninfo without a password is not a secret */
	assert_int_equal(load("[database]\nconninfo = host=db user=x\n", 0644, &cfg), 0);
	fg_config_free(cfg);
}

/* Secrets written the way libpq, ODBC drivers and libcurl read them, not
 * just as "password=", are found: the file is refused with FILE:LINE and
 * the values are masked in every message. */
static void test_secret_check_not_bypassed(void **state)
{
	(void)state;
	struct fg_config *cfg;
	static const struct {
		const char *text, *secret;
		int line;
	} leaky[] = {
		{ "[database]\nconninfo = host=db password = hunter2x\n", "hunter2x", 2 },
		{ "[database]\nconninfo = host=db password\t=\t'hunter 2x'\n", "hunter 2x", 2 },
		/* libpq refuses it, but it is written in the file all the same */
		{ "[database]\nconninfo = host=db PASSWORD = hunter2x\n", "hunter2x", 2 },
		{ "[database]\nconninfo = host=db\n", NULL, 0 },
		{ "[database]\nconninfo = postgresql://app:hunter2x@db/flakeguard\n", "hunter2x", 2 },
		{ "[database]\nconninfo = host=db sslpassword=keypass9\n", "keypass9", 2 },
		{ "[database]\nconninfo = dbname='host=db password=nested77'\n", "nested77", 2 },
		{ "[connector a]\nodbc = DSN=x; PWD = hunter2x ;UID=u\n", "hunter2x", 2 },
		{ "[connector a]\nodbc = DSN=x;pwd={hun;ter2x}\n", "hun;ter2x", 2 },
		{ "[connector a]\nodbc = DSN=x;token=oauthTok3n\n", "oauthTok3n", 2 },
		{ "[email]\nfrom = a@example.com\nsmtp_url = smtp://robot:mailPass1@mail.example.com:587\n",
		  "mailPass1", 3 },
		{ "[email]\nfrom = a@example.com\nsmtp_url = smtp://robot:p%40ssw0rd@mail.example.com\n",
		  "p@ssw0rd", 3 },
	};
	for (size_t i = 0; i < sizeof(leaky) / sizeof(leaky[0]); i++) {
		int rc = load(leaky[i].text, 0644, &cfg);
		if (leaky[i].secret == NULL) {
			assert_int_equal(rc, 0);
			fg_config_free(cfg);
			continue;
		}
		assert_int_equal(rc, FG_ERR_CONFIG);
		char where[64];
		snprintf(where, sizeof(where), "flakeguard.conf:%d: config file holds a secret",
			 leaky[i].line);
		assert_non_null(strstr(capture_buf, where));
		char *r = fg_redact(leaky[i].secret);
		assert_string_equal(r, "***");
		free(r);
	}
	/* blanks around '=' are masked even for a secret never registered */
	char *r = fg_redact("connect failed: password = notRegistered1 host=db");
	assert_string_equal(r, "connect failed: password = *** host=db");
	free(r);
	/* from the environment or a URL without a password: fine */
	setenv("FG_TEST_PW", "envPass77", 1);
	assert_int_equal(load("[database]\nconninfo = host=db password = ${FG_TEST_PW}\n[email]\nfrom = "
			      "a@example.com\nsmtp_url = smtp://robot:${FG_TEST_PW}@mail.example.com\n",
			      0644, &cfg),
			 0);
	fg_config_free(cfg);
	r = fg_redact("envPass77");
	assert_string_equal(r, "***");
	free(r);
	assert_int_equal(
		load("[email]\nfrom = a@example.com\nsmtp_url = smtp://robot@mail.example.com\n", 0644, &cfg),
		0);
	fg_config_free(cfg);
}

/* An empty value at the end of a string libpq cannot parse ends the scan
 * for secrets there; what lies past the terminator is never read. */
static void test_secret_scan_stops_at_end(void **state)
{
	(void)state;
	static const char past_end[] = "x PWD=\0password=leaked1";
	static const char braced[] = "x PWD={\0password=leaked2";

	assert_false(fg_conf_has_password(FG_KEY_CONNINFO, past_end));
	assert_false(fg_conf_has_password(FG_KEY_CONNINFO, braced));
	assert_true(fg_conf_has_password(FG_KEY_CONNINFO, "x PWD= ; password=found1"));
}

static void test_long_line(void **state)
{
	(void)state;
	struct fg_config *cfg;
	char text[1024] = "[connector a]\nodbc = ";
	size_t n = strlen(text);
	memset(text + n, 'x', 400);
	strcpy(text + n + 400, "\ncurrency = USD\n");
	assert_int_equal(load(text, 0600, &cfg), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, ":2: line longer than"));
}

static void test_typed_getters(void **state)
{
	(void)state;
	struct fg_config *cfg;
	int64_t n;
	bool b;
	const char *d;
	char **items;
	int cnt;
	assert_int_equal(
		load("[connector a]\nlookback_days = 7\nbackfill_days = 12x\nenabled = maybe\n"
		     "credit_price = 3.5.1\nstorage_price_tb_month = 23.00\nservice_users = a, b ,,c\n"
		     "query_timeout = 99999999999999999999\n",
		     0600, &cfg),
		0);
	const struct fg_conf_section *s = fg_config_section(cfg, "connector", "a");
	assert_int_equal(fg_conf_int(cfg, s, "lookback_days", 1, 0, 100, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(fg_conf_int(cfg, s, "connect_timeout", 30, 0, 100, &n), 0);
	assert_int_equal(n, 30);
	capture_begin();
	assert_int_equal(fg_conf_int(cfg, s, "backfill_days", 1, 0, 100, &n), FG_ERR_CONFIG);
	assert_int_equal(fg_conf_int(cfg, s, "lookback_days", 1, 10, 100, &n), FG_ERR_CONFIG);
	assert_int_equal(fg_conf_int(cfg, s, "query_timeout", 1, 0, 100, &n), FG_ERR_CONFIG);
	assert_int_equal(fg_conf_bool(cfg, s, "enabled", true, &b), FG_ERR_CONFIG);
	assert_int_equal(fg_conf_decimal(cfg, s, "credit_price", "1", true, &d), FG_ERR_CONFIG);
	const char *err = capture_end();
	assert_non_null(
		strstr(err, ":3: backfill_days: '12x' is not a whole number in section '[connector a]'"));
	assert_non_null(strstr(err, "out of range 10..100"));
	assert_non_null(strstr(err, "enabled: 'maybe' is not a boolean"));
	assert_non_null(strstr(err, "credit_price: '3.5.1' is not a decimal number"));
	assert_int_equal(fg_conf_decimal(cfg, s, "storage_price_tb_month", "1", true, &d), 0);
	assert_string_equal(d, "23.00");
	assert_int_equal(fg_conf_list(cfg, s, "service_users", &items, &cnt), 0);
	assert_int_equal(cnt, 3);
	assert_string_equal(items[0], "a");
	assert_string_equal(items[1], "b");
	assert_string_equal(items[2], "c");
	assert_null(items[3]);
	fg_conf_list_free(items);
	fg_config_free(cfg);
}

static void test_interval(void **state)
{
	(void)state;
	int64_t s;
	assert_int_equal(fg_parse_interval("90", &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(fg_parse_interval("5m", &s), 0);
	assert_int_equal(s, 300);
	assert_int_equal(fg_parse_interval("2d", &s), 0);
	assert_int_equal(s, 172800);
	assert_int_equal(fg_parse_interval("1h", &s), 0);
	assert_int_equal(s, 3600);
	assert_int_equal(fg_parse_interval("x", &s), -1);
	assert_int_equal(fg_parse_interval("-1", &s), -1);
	assert_int_equal(fg_parse_interval("1w", &s), -1);
}

static void test_default_path(void **state)
{
	(void)state;
	unsetenv("FLAKEGUARD_CONFIG");
	assert_string_equal(fg_config_default_path(), "/etc/flakeguard/flakeguard.conf");
	setenv("FLAKEGUARD_CONFIG", "/tmp/x.conf", 1);
	assert_string_equal(fg_config_default_path(), "/tmp/x.conf");
	unsetenv("FLAKEGUARD_CONFIG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_config),
		cmocka_unit_test(test_secret_scan_stops_at_end),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unknown_key_names_file_line),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_unset_variable),
		cmocka_unit_test(test_variable_not_reexpanded),
		cmocka_unit_test(test_secret_file),
		cmocka_unit_test(test_symlinked_secret),
		cmocka_unit_test(test_world_readable_secret),
		cmocka_unit_test(test_secret_check_not_bypassed),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_typed_getters),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_default_path),
	};
	fg_log_init("test");
	if (mkdtemp(dir) == NULL)
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	fg_secret_clear();
	return rc;
}
