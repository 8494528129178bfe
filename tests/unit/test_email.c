/* E-mail: addresses, RFC 2047 subjects, quoted-printable, MIME structure,
 * and refusal of CR/LF anywhere in a header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"
#include "url.h"

static void test_addresses(void **state)
{
	(void)state;
	assert_true(fg_email_addr_valid("ops@example.com"));
	assert_true(fg_email_addr_valid("first.last+tag@sub.example.co.uk"));
	assert_false(fg_email_addr_valid("ops@example.com\r\nBcc: x@evil.org"));
	assert_false(fg_email_addr_valid("ops@example.com\n"));
	assert_false(fg_email_addr_valid("no-at-sign"));
	assert_false(fg_email_addr_valid("a@b@c.com"));
	assert_false(fg_email_addr_valid("a b@c.com"));
	assert_false(fg_email_addr_valid("<a@c.com>"));
	assert_false(fg_email_addr_valid("@c.com"));
	assert_false(fg_email_addr_valid("a@localhost"));
	char *a = fg_email_addr_extract("Flake Guard <alerts@example.com>");
	assert_string_equal(a, "alerts@example.com");
	free(a);
	a = fg_email_addr_extract("alerts@example.com");
	assert_string_equal(a, "alerts@example.com");
	free(a);
	assert_null(fg_email_addr_extract("X <alerts@example.com>\r\nBcc: y@z.org"));
	assert_null(fg_email_addr_extract("X <alerts@example.com"));
}

/* Loopback is where the URL really connects, not how its text begins. */
static void test_loopback(void **state)
{
	(void)state;
	assert_true(fg_url_is_loopback("smtp://127.0.0.1:2525"));
	assert_true(fg_url_is_loopback("smtp://127.9.8.7"));
	assert_true(fg_url_is_loopback("smtp://localhost"));
	assert_true(fg_url_is_loopback("smtp://robot:pw@localhost:25"));
	assert_true(fg_url_is_loopback("smtp://[::1]:25"));
	assert_true(fg_url_is_loopback("http://[::ffff:127.0.0.1]:8080/hook"));
	assert_false(fg_url_is_loopback("smtps://smtp.example.com:465"));
	assert_false(fg_url_is_loopback("smtp://localhost@192.0.2.2"));
	assert_false(fg_url_is_loopback("smtp://localhost:25@192.0.2.2"));
	assert_false(fg_url_is_loopback("smtp://127.0.0.1@192.0.2.2:25"));
	assert_false(fg_url_is_loopback("smtp://[::1]@192.0.2.2"));
	assert_false(fg_url_is_loopback("smtp://127.0.0.1.invalid"));
	assert_false(fg_url_is_loopback("smtp://localhost.invalid"));
	assert_false(fg_url_is_loopback("smtp://0.0.0.0"));
	assert_false(fg_url_is_loopback("not a url"));
	assert_false(fg_url_is_loopback(""));

	char *user, *pw;
	assert_true(fg_url_credentials("smtp://robot:p%40ss@mail.example.com", true, &user, &pw));
	assert_string_equal(user, "robot");
	assert_string_equal(pw, "p@ss");
	free(user);
	free(pw);
	assert_true(fg_url_credentials("smtp://robot:p%40ss@mail.example.com", false, &user, &pw));
	assert_string_equal(pw, "p%40ss");
	free(user);
	free(pw);
	assert_true(fg_url_credentials("smtp://mail.example.com", true, &user, &pw));
	assert_null(user);
	assert_null(pw);

	/* the default smtp_tls follows: required unless really loopback */
	const char *urls[] = { "smtp://localhost@192.0.2.2", "smtp://127.0.0.1:2525" };
	for (int i = 0; i < 2; i++) {
		char text[256];
		struct fg_config *cfg;
		struct fg_email_conf em;
		snprintf(text, sizeof(text), "[email]\nfrom = a@example.com\nsmtp_url = %s\n", urls[i]);
		assert_int_equal(fg_config_load_string(text, "t.conf", &cfg), 0);
		assert_int_equal(fg_email_conf_load(cfg, &em), 0);
		assert_int_equal(em.smtp_tls_required, i == 0);
		fg_email_conf_release(&em);
		fg_config_free(cfg);
	}
}

static void test_rfc2047(void **state)
{
	(void)state;
	char *s = fg_email_encode_header("plain ASCII subject");
	assert_string_equal(s, "plain ASCII subject");
	free(s);
	s = fg_email_encode_header("caf\xc3\xa9");
	assert_string_equal(s, "=?UTF-8?B?Y2Fmw6k=?=");
	free(s);
	/* a line break is made a space: one line, no header injected */
	s = fg_email_encode_header("hello\r\nBcc: victim@example.org");
	assert_string_equal(s, "hello  Bcc: victim@example.org");
	free(s);
	s = fg_email_encode_header("hello\nX: y");
	assert_string_equal(s, "hello X: y");
	free(s);
	s = fg_email_encode_header("caf\xc3\xa9\r\nBcc: a@b.org");
	assert_non_null(s);
	assert_null(strstr(s, "Bcc"));
	free(s);

	/* a long ASCII title is folded at spaces: no line over 78 with "Subject: " */
	char longt[2001];
	for (int i = 0; i < 400; i++)
		memcpy(longt + 5 * i, "word ", 5);
	longt[1999] = 'x';
	longt[2000] = '\0';
	s = fg_email_encode_header(longt);
	assert_non_null(s);
	size_t col = strlen("Subject: ");
	for (const char *q = s; *q; q++) {
		if (*q == '\r') {
			assert_true(q[1] == '\n' && q[2] == ' ');
			col = 0;
			q++;
			continue;
		}
		col++;
		assert_true(col <= 78);
	}
	free(s);

	/* long: several encoded-words, each <= 75 chars, never splitting a character */
	char in[301];
	for (int i = 0; i < 100; i++)
		memcpy(in + 3 * i, "\xe2\x82\xac", 3); /* € */
	in[300] = '\0';
	s = fg_email_encode_header(in);
	assert_non_null(s);
	int words = 0;
	for (char *w = s; (w = strstr(w, "=?UTF-8?B?")) != NULL; w++) {
		char *end = strstr(w, "?=");
		assert_non_null(end);
		assert_true(end + 2 - w <= 75);
		assert_int_equal((end - (w + 10)) % 4, 0);
		words++;
	}
	assert_int_equal(words, 7); /* 15 euro signs (45 bytes) per word */
	assert_non_null(strstr(s, "?=\r\n =?UTF-8?B?"));
	free(s);
}

static void test_qp(void **state)
{
	(void)state;
	char *s = fg_email_qp("a=b caf\xc3\xa9 \nline two\t\n");
	assert_string_equal(s, "a=3Db caf=C3=A9=20\r\nline two=09\r\n");
	free(s);
	char in[201];
	memset(in, 'x', 200);
	in[200] = '\0';
	s = fg_email_qp(in);
	for (char *line = s; *line;) {
		char *eol = strstr(line, "\r\n");
		assert_non_null(eol);
		assert_true(eol - line <= 76);
		line = eol + 2;
	}
	free(s);
}

static struct fg_email_msg msg(const char *const *to, int nto, const char *subject)
{
	struct fg_email_msg m = {
		.from = "Flake Guard <alerts@example.com>",
		.to = to,
		.nto = nto,
		.subject = subject,
		.text = "budget passed 90%\nspend: 912.50 USD\n",
		.html = "<p>budget</p>\n",
		.date = 1773568800,
		.message_id = "<x.1@example.com>",
		.boundary = "=_b1",
	};
	return m;
}

static void test_render(void **state)
{
	(void)state;
	const char *to[] = { "a@example.com", "b@example.com" };
	char err[128] = "";
	struct fg_email_msg m = msg(to, 2,
				    "[flakeguard] high: \xc3\xbc"
				    "ber budget");
	char *s = fg_email_render(&m, err, sizeof(err));
	assert_non_null(s);
	assert_non_null(strstr(s, "From: Flake Guard <alerts@example.com>\r\n"));
	assert_non_null(strstr(s, "To: a@example.com,\r\n b@example.com\r\n"));
	assert_non_null(strstr(s, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(s, "Date: Sun, 15 Mar 2026 10:00:00 +0000\r\n"));
	assert_non_null(strstr(s, "Message-ID: <x.1@example.com>\r\n"));
	assert_non_null(strstr(s, "Auto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(s, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(s, "Content-Type: multipart/alternative; boundary=\"=_b1\"\r\n"));
	char *text = strstr(s, "Content-Type: text/plain; charset=UTF-8");
	char *html = strstr(s, "Content-Type: text/html; charset=UTF-8");
	assert_non_null(text);
	assert_non_null(html);
	assert_true(text < html); /* text first, HTML last (preferred) */
	assert_non_null(strstr(s, "\r\n--=_b1--\r\n"));
	/* every newline is CRLF */
	for (char *p = s; *p; p++)
		if (*p == '\n')
			assert_true(p > s && p[-1] == '\r');
	free(s);
}

static void test_injection(void **state)
{
	(void)state;
	const char *to[] = { "a@example.com" };
	const char *bad_to[] = { "a@example.com\r\nBcc: evil@example.org" };
	char err[128] = "";
	/* a subject with a line break is sent as one line, not refused */
	struct fg_email_msg m = msg(to, 1, "hi\r\nBcc: evil@example.org");
	char *out = fg_email_render(&m, err, sizeof(err));
	assert_non_null(out);
	assert_non_null(strstr(out, "Subject: hi  Bcc: evil@example.org\r\n"));
	assert_null(strstr(out, "\r\nBcc:"));
	free(out);
	m = msg(bad_to, 1, "hi");
	err[0] = '\0';
	assert_null(fg_email_render(&m, err, sizeof(err)));
	assert_non_null(strstr(err, "recipient"));
	m = msg(to, 1, "hi");
	m.from = "x <a@example.com>\nBcc: evil@example.org";
	assert_null(fg_email_render(&m, err, sizeof(err)));
	m = msg(to, 1, "hi");
	m.message_id = "<a@b>\r\nBcc: evil@example.org";
	assert_null(fg_email_render(&m, err, sizeof(err)));
	m = msg(to, 0, "hi");
	assert_null(fg_email_render(&m, err, sizeof(err)));
}

static void test_compose(void **state)
{
	(void)state;
	struct fg_notification n = { .id = 1,
				     .channel = "m",
				     .kind = "budget",
				     .severity = FG_SEV_HIGH,
				     .title = "budget <prod> passed 90%",
				     .body = "spend & more" };
	n.fields = json_loads("{\"budget\":\"prod\",\"spend\":\"912.50\",\"currency\":\"USD\"}", 0, NULL);
	char *subj, *text, *html;
	assert_int_equal(fg_email_compose(&n, &subj, &text, &html), 0);
	assert_string_equal(subj, "[flakeguard] high: budget <prod> passed 90%");
	assert_non_null(strstr(text, "spend: 912.50 USD\n"));
	assert_non_null(strstr(html, "budget &lt;prod&gt; passed 90%"));
	assert_non_null(strstr(html, "spend &amp; more"));
	free(subj);
	free(text);
	free(html);
	json_decref(n.fields);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses), cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_rfc2047),   cmocka_unit_test(test_qp),
		cmocka_unit_test(test_render),    cmocka_unit_test(test_injection),
		cmocka_unit_test(test_compose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
