/*
 * libFuzzer harness: every section loader over arbitrary text, then the
 * redactor.  The whole input is loaded as a config file and checked by
 * fg_confcheck() (each part's loader, as --check-config runs them, its
 * summary to /dev/null).  Inputs naming a file (a *_file key) are not
 * loaded: a fuzzer must not read /dev/zero or a FIFO.
 *
 * Then its first two lines are registered as secrets and the rest is
 * redacted: a secret without '*' (the mask itself) never appears in the
 * output, and fg_redact_url() never crashes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confcheck.h"
#include "config.h"
#include "log.h"
#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void check_config(const char *text)
{
	struct fg_config *cfg = NULL;

	if (strstr(text, "_file") != NULL)
		return;
	if (fg_config_load_string(text, "fuzz.conf", &cfg) == 0) {
		(void)fg_confcheck(cfg, true, devnull);
		fg_config_free(cfg);
	}
	fg_secret_clear();
}

/* A secret the redactor must hide wherever it appears in the output. */
static int checkable(const char *s)
{
	return strlen(s) >= 4 && strchr(s, '*') == NULL;
}

static void check_redact(char *text)
{
	char *s1 = text, *s2, *rest, *out;

	if ((s2 = strchr(s1, '\n')) == NULL)
		return;
	*s2++ = '\0';
	if ((rest = strchr(s2, '\n')) == NULL)
		return;
	*rest++ = '\0';
	fg_secret_add(s1);
	fg_secret_add(s2);
	if ((out = fg_redact(rest)) != NULL) {
		if ((checkable(s1) && strstr(out, s1) != NULL) || (checkable(s2) && strstr(out, s2) != NULL))
			abort();
		free(out);
	}
	free(fg_redact_url(rest));
	free(fg_redact_url(s1));
	fg_secret_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (devnull == NULL) {
		fg_log_init("fuzz");
		fg_log_set_level(FG_LOG_ERROR);
		setenv("FUZZ_VAR", "value", 1);
		if ((devnull = fopen("/dev/null", "w")) == NULL)
			abort();
	}
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_config(text);
	check_redact(text);
	free(text);
	return 0;
}
