/* libFuzzer harness: the config loader on arbitrary text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		fg_log_init("fuzz");
		fg_log_set_level(FG_LOG_ERROR);
		setenv("FUZZ_VAR", "value", 1);
		init = 1;
	}
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct fg_config *cfg = NULL;
	if (fg_config_load_string(text, "fuzz.conf", &cfg) == 0) {
		for (const struct fg_conf_section *s = cfg->sections; s; s = s->next) {
			char **items;
			int n;
			for (const struct fg_conf_entry *e = s->entries; e; e = e->next)
				if (fg_conf_list(cfg, s, e->key, &items, &n) == 0)
					fg_conf_list_free(items);
		}
		fg_config_free(cfg);
	}
	fg_secret_clear();
	free(text);
	return 0;
}
