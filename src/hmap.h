/* hmap: a hash map from strings to pointers (open addressing). */
#ifndef CAPSULED_HMAP_H
#define CAPSULED_HMAP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The map owns copies of its keys; the values are the caller's, which
 * hmap_free() and hmap_keep_if() hand to a drop function when given one.
 * Not locked: a map shared between threads is either immutable (the
 * snapshot's) or behind its owner's lock (the limits').
 */
struct hmap_slot {
	char	*key;		/* NULL: free */
	void	*value;
};

struct hmap {
	struct hmap_slot	*slots;
	size_t			 cap;	/* 0 or a power of two */
	size_t			 count;
};

#define HMAP_INIT	{ NULL, 0, 0 }

/* The value for key, or NULL. */
void	*hmap_get(const struct hmap *map, const char *key);
/* Adds key (copied) with value unless key is there; returns whether it
 * was added. */
bool	 hmap_put(struct hmap *map, const char *key, void *value);
/*
 * The place of key's value, added (with a NULL value, and *added set)
 * when key is new.  The pointer lives until the map next changes.
 */
void	**hmap_slot(struct hmap *map, const char *key, bool *added);
/* Keeps only the values for which keep(value, arg) holds; the others go
 * to drop (unless NULL), and the table shrinks to fit. */
void	 hmap_keep_if(struct hmap *map, bool (*keep)(void *, void *),
	    void *arg, void (*drop)(void *));
/* Frees the map, each value to drop unless NULL; the map is left empty.
 * hmap_free() of an empty map does nothing. */
void	 hmap_free(struct hmap *map, void (*drop)(void *));

#endif
