/*
 * classes.c - group CPUs whose compiled models are identical in every field
 * that decides a verdict (svmc_class_key) into classes, for the fleet
 * matrix: thousands of hosts, a few dozen classes.  A key is hashed
 * (FNV-1a) into an open-addressing index and compared exactly on a hash
 * match, so two profiles under different names that behave the same land in
 * one class and a hash collision can never merge two that differ.
 */
#include <stdlib.h>
#include <string.h>

#include "svmcheck/migrate.h"

void svmc_classes_init(struct svmc_classes *t)
{
	memset(t, 0, sizeof(*t));
}

void svmc_classes_free(struct svmc_classes *t)
{
	free(t->v);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

static int reindex(struct svmc_classes *t, size_t cap)
{
	size_t *ix = calloc(cap, sizeof(*ix));

	if (!ix)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = (size_t)t->v[i].hash & (cap - 1);
		while (ix[h])
			h = (h + 1) & (cap - 1);
		ix[h] = i + 1;
	}
	free(t->index);
	t->index = ix;
	t->index_cap = cap;
	return 0;
}

enum svmc_err svmc_classes_add(struct svmc_classes *t, const struct svmc_compiled *c, size_t *idx)
{
	struct svmc_class_key k;
	uint64_t h;
	size_t slot;

	svmc_class_key(c, &k);
	h = svmc_class_hash(&k);
	if (t->index_cap) {
		for (slot = (size_t)h & (t->index_cap - 1); t->index[slot];
		     slot = (slot + 1) & (t->index_cap - 1)) {
			struct svmc_class *cl = &t->v[t->index[slot] - 1];
			if (cl->hash == h && svmc_class_equal(&cl->key, &k)) {
				cl->members++;
				*idx = t->index[slot] - 1;
				return SVMC_OK;
			}
		}
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? 2 * t->cap : 16;
		struct svmc_class *nv = realloc(t->v, ncap * sizeof(*nv));
		if (!nv)
			return SVMC_ERR_NOMEM;
		t->v = nv;
		t->cap = ncap;
	}
	t->v[t->n].key = k;
	t->v[t->n].hash = h;
	t->v[t->n].comp = *c;
	t->v[t->n].members = 1;
	*idx = t->n++;
	if (2 * t->n >= t->index_cap) {
		if (reindex(t, t->index_cap ? 2 * t->index_cap : 64) != 0) {
			t->n--;
			return SVMC_ERR_NOMEM;
		}
	} else {
		for (slot = (size_t)h & (t->index_cap - 1); t->index[slot];
		     slot = (slot + 1) & (t->index_cap - 1))
			;
		t->index[slot] = t->n;
	}
	return SVMC_OK;
}
