/*
 * libFuzzer harness: the IoC address file.  Each line goes through
 * fg_sec_ioc_line(): an accepted address is non-empty, made of address
 * characters only, and reads back as itself.  The whole input is then
 * loaded as ioc_ip_file by fg_secscan_settings() (through a memfd, so no
 * file is written): every address it keeps was accepted.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "secscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *line)
{
	char out[64], again[64];
	int k = fg_sec_ioc_line(line, out, sizeof(out));

	if (k < -1 || k > 1)
		abort();
	if (k != 1)
		return;
	if (strlen(out) < 2 || strlen(out) >= sizeof(out))
		abort();
	for (const char *p = out; *p; p++)
		if (!isxdigit((unsigned char)*p) && strchr(":./", *p) == NULL)
			abort();
	if (fg_sec_ioc_line(out, again, sizeof(again)) != 1 || strcmp(out, again) != 0)
		abort();
}

static void check_file(const uint8_t *data, size_t size)
{
	struct fg_config *cfg = NULL;
	struct fg_sec_settings s;
	char text[128];
	int fd = memfd_create("ioc", 0);

	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(text, sizeof(text), "[secscan]\nioc_ip_file = /proc/self/fd/%d\n", fd);
	if (fg_config_load_string(text, "fuzz.conf", &cfg) != 0)
		abort();
	if (fg_secscan_settings(cfg, &s) == 0 && s.ioc_ips != NULL) {
		size_t i;
		json_t *v;
		json_array_foreach(s.ioc_ips, i, v)
		{
			char out[64];
			if (fg_sec_ioc_line(json_string_value(v), out, sizeof(out)) != 1)
				abort();
		}
	}
	fg_secscan_settings_release(&s);
	fg_config_free(cfg);
out:
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	char *text, *line, *next;

	if (!init) {
		fg_log_init("fuzz");
		fg_log_set_level(FG_LOG_ERROR);
		init = 1;
	}
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		check_line(line);
	}
	free(text);
	check_file(data, size);
	return 0;
}
