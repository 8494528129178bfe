/*
 * decimal.h - exact decimal numbers for money and credits.
 *
 * A value is a signed 128-bit integer count of 10^-12 units: exact for
 * every amount flakeguard handles (Snowflake credits have 9 decimals, prices
 * a few; the integer range is about 1.7e26).  No C floating point is ever
 * used for money.  PostgreSQL keeps the same values as NUMERIC.
 */
#ifndef FG_DECIMAL_H
#define FG_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>

#define FG_DEC_SCALE 12

struct fg_dec {
	__int128 v; /* value * 10^FG_DEC_SCALE */
};

/*
 * Parse [+-]digits[.digits][(e|E)[+-]digits].  Returns 0, or -1 when the
 * text is not a number, overflows, or has more than FG_DEC_SCALE significant
 * fractional digits.  *why (may be NULL) gets a static reason.
 */
int fg_dec_parse(const char *s, struct fg_dec *out, const char **why);
/* Same for the first len bytes of s. */
int fg_dec_parsen(const char *s, size_t len, struct fg_dec *out, const char **why);

/*
 * Format with exactly `places` decimals (0..12), rounding half away from
 * zero; places < 0 means "as many as needed, at least none".  Returns the
 * length written, or -1 when buf is too small.  64 bytes always suffice.
 */
int fg_dec_format(struct fg_dec d, int places, char *buf, size_t len);

static inline struct fg_dec fg_dec_zero(void)
{
	struct fg_dec d = { 0 };
	return d;
}
struct fg_dec fg_dec_from_int(long long n);
/* a + b, a - b; return -1 on overflow. */
int fg_dec_add(struct fg_dec a, struct fg_dec b, struct fg_dec *out);
int fg_dec_sub(struct fg_dec a, struct fg_dec b, struct fg_dec *out);
/* a * b rounded half away from zero to the scale; -1 on overflow. */
int fg_dec_mul(struct fg_dec a, struct fg_dec b, struct fg_dec *out);
/* a / b rounded half away from zero; -1 on division by zero or overflow. */
int fg_dec_div(struct fg_dec a, struct fg_dec b, struct fg_dec *out);
int fg_dec_cmp(struct fg_dec a, struct fg_dec b);
static inline bool fg_dec_is_neg(struct fg_dec d)
{
	return d.v < 0;
}
static inline bool fg_dec_is_zero(struct fg_dec d)
{
	return d.v == 0;
}

/* Canonical text of a decimal string (no exponent, trimmed zeros). */
int fg_dec_canonical(const char *s, char *buf, size_t len, const char **why);

#endif
