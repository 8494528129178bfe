/*
 * budget_units.c - distinct scope units and (unit, period) pairs.
 *
 * Budgets share units: ten budgets of one warehouse name the same unit,
 * and most units recur in several periods.  The evaluation computes each
 * unit once and each (unit, period) pair once, so it numbers them here,
 * from 1 in order of first use.  Units are found through an
 * open-addressing table of unit numbers (linear probing, at most half
 * full), pairs through a table indexed by unit number and period.
 */
#include "budget_units.h"
#include "exitcode.h"

#include <stdlib.h>
#include <string.h>

void fg_budget_units_init(struct fg_budget_units *u)
{
	memset(u, 0, sizeof(*u));
}

void fg_budget_units_release(struct fg_budget_units *u)
{
	free(u->unit);
	free(u->pair_unit);
	free(u->pair_period);
	free(u->slot);
	free(u->pair_of);
	fg_budget_units_init(u);
}

/* FNV-1a over the three names, with a separator no name holds. */
static unsigned hash_unit(const char *c, const char *s, const char *e)
{
	const char *parts[3] = { c, s, e };
	unsigned h = 2166136261u;

	for (int i = 0; i < 3; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
			h = (h ^ *p) * 16777619u;
		h = (h ^ 0x1fu) * 16777619u;
	}
	return h;
}

/* Grow the index to nslots (a power of two) and re-insert every unit. */
static int rehash(struct fg_budget_units *u, int nslots)
{
	int *slot = calloc((size_t)nslots, sizeof(*slot));

	if (slot == NULL)
		return FG_ERR_INTERNAL;
	for (int k = 0; k < u->nunits; k++) {
		unsigned i = u->unit[k].hash & (unsigned)(nslots - 1);
		while (slot[i] != 0)
			i = (i + 1) & (unsigned)(nslots - 1);
		slot[i] = k + 1;
	}
	free(u->slot);
	u->slot = slot;
	u->nslots = nslots;
	return 0;
}

/* Room for one more unit in the unit array and the pair table. */
static int grow_units(struct fg_budget_units *u)
{
	int cap = u->cap ? 2 * u->cap : 64;
	struct fg_budget_unit *unit = realloc(u->unit, (size_t)cap * sizeof(*unit));
	int *pair_of;

	if (unit == NULL)
		return FG_ERR_INTERNAL;
	u->unit = unit;
	pair_of = realloc(u->pair_of, (size_t)cap * FG_PERIOD_COUNT * sizeof(*pair_of));
	if (pair_of == NULL)
		return FG_ERR_INTERNAL;
	memset(pair_of + (size_t)u->cap * FG_PERIOD_COUNT, 0,
	       (size_t)(cap - u->cap) * FG_PERIOD_COUNT * sizeof(*pair_of));
	u->pair_of = pair_of;
	u->cap = cap;
	return 0;
}

/* The number of the unit, added when new; or FG_ERR_INTERNAL. */
static int unit_number(struct fg_budget_units *u, const char *c, const char *s, const char *e)
{
	unsigned h = hash_unit(c, s, e), i;
	int rc;

	if (2 * (u->nunits + 1) > u->nslots && (rc = rehash(u, u->nslots ? 2 * u->nslots : 128)) < 0)
		return rc;
	for (i = h & (unsigned)(u->nslots - 1); u->slot[i] != 0; i = (i + 1) & (unsigned)(u->nslots - 1)) {
		const struct fg_budget_unit *x = &u->unit[u->slot[i] - 1];
		if (x->hash == h && strcmp(x->connector, c) == 0 && strcmp(x->service, s) == 0 &&
		    strcmp(x->entity, e) == 0)
			return u->slot[i];
	}
	if (u->nunits == u->cap && (rc = grow_units(u)) < 0)
		return rc;
	u->unit[u->nunits] = (struct fg_budget_unit){ c, s, e, h };
	u->slot[i] = ++u->nunits;
	return u->nunits;
}

int fg_budget_units_pair(struct fg_budget_units *u, const char *connector, const char *service,
			 const char *entity, enum fg_period period)
{
	int unit = unit_number(u, connector, service, entity);
	int *pair;

	if (unit < 0)
		return unit;
	pair = &u->pair_of[(size_t)(unit - 1) * FG_PERIOD_COUNT + period];
	if (*pair != 0)
		return *pair;
	if (u->npairs == u->pcap) {
		int cap = u->pcap ? 2 * u->pcap : 64;
		int *pu = realloc(u->pair_unit, (size_t)cap * sizeof(*pu));
		if (pu == NULL)
			return FG_ERR_INTERNAL;
		u->pair_unit = pu;
		enum fg_period *pp = realloc(u->pair_period, (size_t)cap * sizeof(*pp));
		if (pp == NULL)
			return FG_ERR_INTERNAL;
		u->pair_period = pp;
		u->pcap = cap;
	}
	u->pair_unit[u->npairs] = unit;
	u->pair_period[u->npairs] = period;
	*pair = ++u->npairs;
	return *pair;
}
