/*
 * attr_rollup.c - bounded group sums (see attr_rollup.h).
 *
 * Open addressing over an index of slots (0: empty, else entry + 1);
 * entries in one array, their keys in one growing arena addressed by
 * offset, so neither realloc moves what a slot points at.  The slot
 * array stays at most half full.
 */
#include "attr_rollup.h"
#include "copytext.h"
#include "exitcode.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint64_t hash;
	size_t key, keylen; /* in the arena */
	long long count;
	struct fg_dec a, b;
};

struct fg_rollup {
	size_t cap;
	struct entry *v;
	size_t n, nalloc;
	uint32_t *slot;
	size_t nslot; /* a power of two, or 0 */
	char *arena;
	size_t alen, acap;
	FILE *spill;
	size_t spilled;
};

/* FNV-1a over 8 bytes at a time, then mixed (keys share long prefixes). */
static uint64_t hash_of(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 1099511628211ULL;
	}
	w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w ^ n) * 1099511628211ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

struct fg_rollup *fg_rollup_new(size_t cap)
{
	struct fg_rollup *r = calloc(1, sizeof(*r));
	if (r != NULL)
		r->cap = cap < 1 ? 1 : cap;
	return r;
}

void fg_rollup_free(struct fg_rollup *r)
{
	if (r == NULL)
		return;
	if (r->spill)
		fclose(r->spill);
	free(r->v);
	free(r->slot);
	free(r->arena);
	free(r);
}

size_t fg_rollup_spilled(const struct fg_rollup *r)
{
	return r->spilled;
}

/* Format entry e as its line into buf (at least keylen + 3 * 64 bytes). */
static size_t format_line(const struct fg_rollup *r, const struct entry *e, char *buf)
{
	size_t len = e->keylen;
	memcpy(buf, r->arena + e->key, len);
	len += (size_t)sprintf(buf + len, "\t%lld\t", e->count);
	len += (size_t)fg_dec_format(e->a, -1, buf + len, 64);
	buf[len++] = '\t';
	len += (size_t)fg_dec_format(e->b, -1, buf + len, 64);
	buf[len++] = '\n';
	return len;
}

static int emit_entries(const struct fg_rollup *r, int (*put)(void *, const char *, size_t), void *arg)
{
	char *buf = NULL;
	size_t bufcap = 0;
	int rc = 0;

	for (size_t i = 0; i < r->n && rc == 0; i++) {
		const struct entry *e = &r->v[i];
		if (e->keylen + 3 * 64 > bufcap) {
			bufcap = e->keylen + 3 * 64;
			char *p = realloc(buf, bufcap);
			if (p == NULL) {
				rc = FG_ERR_INTERNAL;
				break;
			}
			buf = p;
		}
		rc = put(arg, buf, format_line(r, e, buf));
	}
	free(buf);
	return rc;
}

/* Write the groups in memory to the temporary file and empty the table. */
static int spill(struct fg_rollup *r)
{
	int rc;
	if (r->spill == NULL && (r->spill = tmpfile()) == NULL)
		return FG_ERR_INTERNAL;
	if ((rc = emit_entries(r, fg_copy_file_put, r->spill)) < 0)
		return rc;
	r->spilled += r->n;
	r->n = 0;
	r->alen = 0;
	memset(r->slot, 0, r->nslot * sizeof(*r->slot));
	return 0;
}

static int grow_slots(struct fg_rollup *r)
{
	size_t n = r->nslot ? r->nslot * 2 : 1024;
	uint32_t *s = calloc(n, sizeof(*s));
	if (s == NULL)
		return FG_ERR_INTERNAL;
	for (size_t i = 0; i < r->n; i++) {
		size_t k = (size_t)r->v[i].hash & (n - 1);
		while (s[k] != 0)
			k = (k + 1) & (n - 1);
		s[k] = (uint32_t)(i + 1);
	}
	free(r->slot);
	r->slot = s;
	r->nslot = n;
	return 0;
}

/* A new entry for key, or NULL when out of memory. */
static struct entry *insert(struct fg_rollup *r, const char *key, size_t keylen, uint64_t h, size_t k)
{
	if (r->n == r->nalloc) {
		size_t n = r->nalloc ? r->nalloc * 2 : 256;
		if (n > r->cap)
			n = r->cap;
		struct entry *v = realloc(r->v, n * sizeof(*v));
		if (v == NULL)
			return NULL;
		r->v = v;
		r->nalloc = n;
	}
	if (r->alen + keylen > r->acap) {
		size_t n = r->acap ? r->acap : 4096;
		while (n < r->alen + keylen)
			n *= 2;
		char *a = realloc(r->arena, n);
		if (a == NULL)
			return NULL;
		r->arena = a;
		r->acap = n;
	}
	struct entry *e = &r->v[r->n];
	memcpy(r->arena + r->alen, key, keylen);
	*e = (struct entry){ .hash = h, .key = r->alen, .keylen = keylen };
	r->alen += keylen;
	r->slot[k] = (uint32_t)(++r->n);
	return e;
}

int fg_rollup_add(struct fg_rollup *r, const char *key, size_t keylen, long long count, struct fg_dec a,
		  struct fg_dec b, const char **why)
{
	uint64_t h = hash_of(key, keylen);
	struct entry *e = NULL;
	int rc;

	for (int pass = 0; e == NULL; pass++) {
		if ((r->n + 1) * 2 > r->nslot && (rc = grow_slots(r)) < 0)
			return rc;
		size_t k = (size_t)h & (r->nslot - 1);
		for (; r->slot[k] != 0; k = (k + 1) & (r->nslot - 1)) {
			struct entry *x = &r->v[r->slot[k] - 1];
			if (x->hash == h && x->keylen == keylen &&
			    memcmp(r->arena + x->key, key, keylen) == 0) {
				e = x;
				break;
			}
		}
		if (e != NULL)
			break;
		if (r->n == r->cap) {
			if (pass > 0)
				return FG_ERR_INTERNAL;
			if ((rc = spill(r)) < 0)
				return rc;
			continue;
		}
		if ((e = insert(r, key, keylen, h, k)) == NULL)
			return FG_ERR_INTERNAL;
	}
	if ((count > 0 && e->count > LLONG_MAX - count) || (count < 0 && e->count < LLONG_MIN - count)) {
		*why = "count out of range";
		return FG_ERR_DATA;
	}
	if (fg_dec_add(e->a, a, &e->a) < 0 || fg_dec_add(e->b, b, &e->b) < 0) {
		*why = "sum out of range";
		return FG_ERR_DATA;
	}
	e->count += count;
	return 0;
}

int fg_rollup_emit(struct fg_rollup *r, int (*put)(void *arg, const char *line, size_t len), void *arg)
{
	int rc = r->spill != NULL ? fg_copy_replay(r->spill, "attribution sums", put, arg) : 0;
	return rc < 0 ? rc : emit_entries(r, put, arg);
}
