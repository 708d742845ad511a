/* hmap: a hash map from strings to pointers (open addressing). */
#include "hmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define HMAP_MIN_CAP	16

/* FNV-1a: short keys (paths, addresses), no adversary who sees the map
 * grow slower than a request. */
static uint64_t
hmap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Where key is, or the free slot where it would go; cap > 0. */
static struct hmap_slot *
hmap_find(const struct hmap *m, const char *key)
{
	size_t i = hmap_hash(key) & (m->cap - 1);

	while (m->slots[i].key != NULL && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

/* Moves every entry into a table of cap slots. */
static void
hmap_resize(struct hmap *m, size_t cap)
{
	struct hmap bigger = { xcalloc(cap, sizeof(struct hmap_slot)), cap,
	    0 };

	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL) {
			*hmap_find(&bigger, m->slots[i].key) = m->slots[i];
			bigger.count++;
		}
	free(m->slots);
	*m = bigger;
}

void *
hmap_get(const struct hmap *m, const char *key)
{
	if (m->cap == 0)
		return NULL;
	return hmap_find(m, key)->value;
}

void **
hmap_slot(struct hmap *m, const char *key, bool *added)
{
	struct hmap_slot *slot;

	/* At most 7/10 full, so that probes stay short. */
	if ((m->count + 1) * 10 > m->cap * 7)
		hmap_resize(m, m->cap ? m->cap * 2 : HMAP_MIN_CAP);
	slot = hmap_find(m, key);
	*added = slot->key == NULL;
	if (*added) {
		slot->key = xstrdup(key);
		slot->value = NULL;
		m->count++;
	}
	return &slot->value;
}

bool
hmap_put(struct hmap *m, const char *key, void *value)
{
	bool added;
	void **slot = hmap_slot(m, key, &added);

	if (added)
		*slot = value;
	return added;
}

void
hmap_keep_if(struct hmap *m, bool (*keep)(void *, void *), void *arg,
    void (*drop)(void *))
{
	size_t cap = HMAP_MIN_CAP;

	for (size_t i = 0; i < m->cap; i++) {
		struct hmap_slot *s = &m->slots[i];

		if (s->key == NULL || keep(s->value, arg))
			continue;
		if (drop != NULL)
			drop(s->value);
		free(s->key);
		s->key = NULL;
		s->value = NULL;
		m->count--;
	}
	/* Rebuilt, not patched: linear probing has no tombstones. */
	while (m->count * 10 >= cap * 7)
		cap *= 2;
	if (m->cap > 0)
		hmap_resize(m, cap);
}

void
hmap_free(struct hmap *m, void (*drop)(void *))
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL) {
			if (drop != NULL)
				drop(m->slots[i].value);
			free(m->slots[i].key);
		}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}
