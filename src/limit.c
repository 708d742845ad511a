/* limit: per-address limits on open connections and on request rate.
 * One table for all workers, under a mutex: it is touched once when a
 * connection opens, once per request, once when it closes. */
#include "limit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"

/* Addresses idle this long are forgotten when the table is swept. */
#define LIMITS_FORGET_SECONDS	120.0

struct limits_entry {
	char		 addr[64];	/* "" marks a free slot */
	unsigned	 conns;
	double		 tokens;
	double		 last;		/* when tokens was last filled */
	bool		 used;
};

struct limits {
	pthread_mutex_t		 lock;
	struct limits_entry	*slots;
	unsigned		 cap;		/* a power of two */
	unsigned		 count;
	double			 swept;
};

struct limits *
limits_new(void)
{
	struct limits *l = xcalloc(1, sizeof(*l));

	pthread_mutex_init(&l->lock, NULL);
	l->cap = 256;
	l->slots = xcalloc(l->cap, sizeof(*l->slots));
	return l;
}

void
limits_free(struct limits *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->slots);
	free(l);
}

static uint32_t
limits_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct limits_entry *
limits_slot(struct limits_entry *slots, unsigned cap, const char *addr)
{
	unsigned i = limits_hash(addr) & (cap - 1);

	while (slots[i].used && strcmp(slots[i].addr, addr) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Whether an entry is still worth keeping: open connections, or seen of
 * late. */
static bool
limits_live(const struct limits_entry *e, double now)
{
	return e->used && (e->conns > 0 ||
	    now - e->last < LIMITS_FORGET_SECONDS);
}

/* Rebuilds the table without forgotten addresses, larger if need be. */
static void
limits_rebuild(struct limits *l, double now)
{
	unsigned cap = l->cap, live = 0;
	struct limits_entry *fresh;

	for (unsigned i = 0; i < l->cap; i++)
		live += limits_live(&l->slots[i], now);
	while (live * 2 >= cap)
		cap *= 2;
	fresh = xcalloc(cap, sizeof(*fresh));
	for (unsigned i = 0; i < l->cap; i++) {
		struct limits_entry *e = &l->slots[i];

		if (limits_live(e, now))
			*limits_slot(fresh, cap, e->addr) = *e;
	}
	free(l->slots);
	l->slots = fresh;
	l->cap = cap;
	l->count = live;
	l->swept = now;
}

/* The entry for addr, made if new; the lock is held. */
static struct limits_entry *
limits_get(struct limits *l, const char *addr, double now)
{
	struct limits_entry *e;

	if ((l->count + 1) * 4 > l->cap * 3)
		limits_rebuild(l, now);
	e = limits_slot(l->slots, l->cap, addr);
	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->used = true;
		strncpy(e->addr, addr, sizeof(e->addr) - 1);
		e->tokens = -1;
		e->last = now;
		l->count++;
	}
	return e;
}

double
limits_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool
limits_conn_open(struct limits *l, const char *addr, unsigned max)
{
	struct limits_entry *e;
	bool ok;

	pthread_mutex_lock(&l->lock);
	e = limits_get(l, addr, limits_now());
	if ((ok = e->conns < max))
		e->conns++;
	pthread_mutex_unlock(&l->lock);
	return ok;
}

void
limits_conn_close(struct limits *l, const char *addr)
{
	struct limits_entry *e;

	pthread_mutex_lock(&l->lock);
	e = limits_slot(l->slots, l->cap, addr);
	if (e->used && e->conns > 0)
		e->conns--;
	pthread_mutex_unlock(&l->lock);
}

bool
limits_request(struct limits *l, const char *addr, unsigned rate,
    double now, unsigned *retry)
{
	struct limits_entry *e;
	bool ok;

	pthread_mutex_lock(&l->lock);
	e = limits_get(l, addr, now);
	/* A token bucket: rate tokens a second, at most rate saved. */
	if (e->tokens < 0)
		e->tokens = rate;
	else {
		e->tokens += (now - e->last) * rate;
		if (e->tokens > (double)rate)
			e->tokens = rate;
	}
	e->last = now;
	if ((ok = e->tokens >= 1.0))
		e->tokens -= 1.0;
	else {
		double wait = (1.0 - e->tokens) / rate;

		*retry = (unsigned)wait;
		if (*retry < wait)
			(*retry)++;
	}
	pthread_mutex_unlock(&l->lock);
	return ok;
}

unsigned
limits_tracked(struct limits *l)
{
	unsigned n;

	pthread_mutex_lock(&l->lock);
	n = l->count;
	pthread_mutex_unlock(&l->lock);
	return n;
}
