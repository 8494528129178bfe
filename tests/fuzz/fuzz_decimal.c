/* libFuzzer harness: decimal parsing, formatting and arithmetic. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_dec a, b, r;
	char buf[64], buf2[64];
	const char *why;
	const char *s = (const char *)data;
	const char *bar = memchr(s, '|', size);
	size_t la = bar ? (size_t)(bar - s) : size;

	if (fg_dec_parsen(s, la, &a, &why) != 0)
		return 0;
	/* format -> parse round trip is exact */
	if (fg_dec_format(a, -1, buf, sizeof(buf)) < 0)
		abort();
	if (fg_dec_parse(buf, &b, &why) != 0 || fg_dec_cmp(a, b) != 0)
		abort();
	for (int p = 0; p <= 12; p++)
		if (fg_dec_format(a, p, buf2, sizeof(buf2)) < 0)
			abort();
	if (bar && fg_dec_parsen(bar + 1, size - la - 1, &b, &why) == 0) {
		if (fg_dec_add(a, b, &r) == 0 && fg_dec_sub(r, b, &r) == 0 && fg_dec_cmp(r, a) != 0)
			abort();
		(void)fg_dec_mul(a, b, &r);
		(void)fg_dec_div(a, b, &r);
	}
	return 0;
}
