/*
 * decimal.c - exact fixed-point arithmetic on 128-bit integers.
 *
 * Invariant: |v| <= 10^38 (two such values may overflow __int128 when
 * added: additions check for it).
 */
#include "decimal.h"

#include <string.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

#define POW10_12 ((i128)1000000000000LL)
/* 10^38: the largest magnitude we accept (NUMERIC(38,x) territory). */
#define DEC_MAX ((i128)10000000000000000000ULL * (i128)10000000000000000000ULL)
static inline i128 dec_max(void)
{
	return DEC_MAX;
}

static int set_why(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -1;
}

int fg_dec_parsen(const char *s, size_t len, struct fg_dec *out, const char **why)
{
	const char *p = s, *end = s + len;
	bool neg = false, any = false;
	i128 v = 0, max = dec_max();
	int frac = 0; /* fractional digits consumed */
	int dropped_nonzero = 0;
	long exp = 0;

	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	/* digits before the point */
	while (p < end && *p >= '0' && *p <= '9') {
		if (v > max / 10)
			return set_why(why, "number too large");
		v = v * 10 + (*p - '0');
		any = true;
		p++;
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			any = true;
			if (v > max / 10) {
				if (*p != '0')
					dropped_nonzero = 1;
				frac++;
				p++;
				continue;
			}
			v = v * 10 + (*p - '0');
			frac++;
			p++;
		}
	}
	if (!any)
		return set_why(why, "not a number");
	if (p < end && (*p == 'e' || *p == 'E')) {
		bool eneg = false, edig = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		while (p < end && *p >= '0' && *p <= '9') {
			if (exp < 1000)
				exp = exp * 10 + (*p - '0');
			edig = true;
			p++;
		}
		if (!edig)
			return set_why(why, "malformed exponent");
		if (eneg)
			exp = -exp;
	}
	if (p != end)
		return set_why(why, "not a number");
	if (dropped_nonzero)
		return set_why(why, "too many digits");
	/* value = v * 10^(exp - frac); we want v * 10^(exp - frac + SCALE) */
	long shift = exp - frac + FG_DEC_SCALE;
	if (v == 0)
		shift = 0;
	while (shift > 0) {
		if (v > max / 10)
			return set_why(why, "number too large");
		v *= 10;
		shift--;
	}
	while (shift < 0) {
		if (v % 10 != 0)
			return set_why(why, "more than 12 decimal places");
		v /= 10;
		shift++;
	}
	out->v = neg ? -v : v;
	return 0;
}

int fg_dec_parse(const char *s, struct fg_dec *out, const char **why)
{
	if (s == NULL)
		return set_why(why, "not a number");
	return fg_dec_parsen(s, strlen(s), out, why);
}

struct fg_dec fg_dec_from_int(long long n)
{
	struct fg_dec d = { (i128)n * POW10_12 };
	return d;
}

static int check(i128 v, struct fg_dec *out)
{
	i128 max = dec_max();
	if (v > max || v < -max)
		return -1;
	out->v = v;
	return 0;
}

int fg_dec_add(struct fg_dec a, struct fg_dec b, struct fg_dec *out)
{
	i128 v;
	return __builtin_add_overflow(a.v, b.v, &v) ? -1 : check(v, out);
}

int fg_dec_sub(struct fg_dec a, struct fg_dec b, struct fg_dec *out)
{
	i128 v;
	return __builtin_sub_overflow(a.v, b.v, &v) ? -1 : check(v, out);
}

int fg_dec_cmp(struct fg_dec a, struct fg_dec b)
{
	return a.v < b.v ? -1 : a.v > b.v;
}

/* Round-half-away division of non-negative numerator by positive divisor. */
static u128 div_round(u128 n, u128 d)
{
	u128 q = n / d, r = n % d;
	if (r * 2 >= d)
		q++;
	return q;
}

/* 256-bit free multiply: split into 64-bit halves to detect overflow. */
int fg_dec_mul(struct fg_dec a, struct fg_dec b, struct fg_dec *out)
{
	bool neg = (a.v < 0) != (b.v < 0);
	u128 x = a.v < 0 ? (u128)-a.v : (u128)a.v;
	u128 y = b.v < 0 ? (u128)-b.v : (u128)b.v;
	/* split x = xh*S + xl with S = 10^12 so each product fits */
	u128 S = (u128)POW10_12;
	u128 xh = x / S, xl = x % S;
	/* x*y/S = xh*y + xl*y/S */
	if (xh != 0 && y > ((u128)-1) / xh)
		return -1;
	u128 hi = xh * y;
	u128 lo;
	if (xl != 0 && y > ((u128)-1) / xl) {
		/* xl < 10^12, so split y too */
		u128 yh = y / S, yl = y % S;
		lo = xl * yh + div_round(xl * yl, S);
	} else {
		lo = div_round(xl * y, S);
	}
	u128 r = hi + lo;
	if (r < hi || r > (u128)dec_max())
		return -1;
	out->v = neg ? -(i128)r : (i128)r;
	return 0;
}

int fg_dec_div(struct fg_dec a, struct fg_dec b, struct fg_dec *out)
{
	if (b.v == 0)
		return -1;
	bool neg = (a.v < 0) != (b.v < 0);
	u128 x = a.v < 0 ? (u128)-a.v : (u128)a.v;
	u128 y = b.v < 0 ? (u128)-b.v : (u128)b.v;
	/* x*S/y computed digit by digit to avoid overflow of x*S */
	u128 q = x / y, r = x % y;
	for (int i = 0; i < FG_DEC_SCALE; i++) {
		if (q > (u128)dec_max() / 10)
			return -1;
		r *= 10;
		q = q * 10 + r / y;
		r %= y;
	}
	if (r * 2 >= y)
		q++;
	if (q > (u128)dec_max())
		return -1;
	out->v = neg ? -(i128)q : (i128)q;
	return 0;
}

int fg_dec_format(struct fg_dec d, int places, char *buf, size_t len)
{
	char digits[64];
	int nd = 0;
	bool neg = d.v < 0;
	u128 v = neg ? (u128)-d.v : (u128)d.v;
	int keep = places < 0 ? FG_DEC_SCALE : (places > FG_DEC_SCALE ? FG_DEC_SCALE : places);

	if (places >= 0 && keep < FG_DEC_SCALE) {
		u128 div = 1;
		for (int i = keep; i < FG_DEC_SCALE; i++)
			div *= 10;
		v = div_round(v, div);
	}
	/* v now has `keep` decimals */
	do {
		digits[nd++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v != 0 || nd <= keep);
	int frac = keep;
	if (places < 0) {
		/* trim trailing zeros of the fraction */
		int trim = 0;
		while (trim < frac && digits[trim] == '0')
			trim++;
		memmove(digits, digits + trim, (size_t)(nd - trim));
		nd -= trim;
		frac -= trim;
	}
	bool is_zero = true;
	for (int i = 0; i < nd; i++)
		if (digits[i] != '0')
			is_zero = false;
	size_t need = (size_t)nd + (frac > 0 ? 1 : 0) + (neg && !is_zero ? 1 : 0) + 1;
	if (need > len)
		return -1;
	size_t w = 0;
	if (neg && !is_zero)
		buf[w++] = '-';
	for (int i = nd - 1; i >= 0; i--) {
		buf[w++] = digits[i];
		if (i == frac && frac > 0)
			buf[w++] = '.';
	}
	buf[w] = '\0';
	return (int)w;
}

int fg_dec_canonical(const char *s, char *buf, size_t len, const char **why)
{
	struct fg_dec d;
	if (fg_dec_parse(s, &d, why) < 0)
		return -1;
	if (fg_dec_format(d, -1, buf, len) < 0)
		return set_why(why, "number too long");
	return 0;
}
