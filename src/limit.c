/* limit: per-address limits on open connections and on request rate.
 * One table for all workers, under a mutex: it is touched once when a
 * connection opens, once per request, once when it closes. */
#include "limit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "hmap.h"

/* Addresses idle this long are forgotten when the table is swept. */
#define LIMITS_FORGET_SECONDS	120.0
/* The table is swept when it holds this many, or twice what was left. */
#define LIMITS_SWEEP_MIN	256

struct limits_entry {
	unsigned	 conns;
	double		 tokens;	/* < 0: not filled yet */
	double		 last;		/* when tokens was last filled */
};

struct limits {
	pthread_mutex_t		 lock;
	struct hmap		 addrs;		/* address -> limits_entry */
	size_t			 sweep_at;	/* sweep when this many */
};

struct limits *
limits_new(void)
{
	struct limits *l = xcalloc(1, sizeof(*l));

	pthread_mutex_init(&l->lock, NULL);
	l->sweep_at = LIMITS_SWEEP_MIN;
	return l;
}

void
limits_free(struct limits *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	hmap_free(&l->addrs, free);
	free(l);
}

/* Whether an entry is still worth keeping: open connections, or seen of
 * late.  arg points to the time now. */
static bool
limits_live(void *value, void *arg)
{
	const struct limits_entry *e = value;
	double now = *(const double *)arg;

	return e->conns > 0 || now - e->last < LIMITS_FORGET_SECONDS;
}

/* Forgets the addresses that are no longer live; the lock is held. */
static void
limits_sweep(struct limits *l, double now)
{
	hmap_keep_if(&l->addrs, limits_live, &now, free);
	l->sweep_at = l->addrs.count * 2 > LIMITS_SWEEP_MIN ?
	    l->addrs.count * 2 : LIMITS_SWEEP_MIN;
}

/* The entry for addr, made if new; the lock is held. */
static struct limits_entry *
limits_get(struct limits *l, const char *addr, double now)
{
	struct limits_entry **slot;
	bool added;

	if (l->addrs.count >= l->sweep_at)
		limits_sweep(l, now);
	slot = (struct limits_entry **)hmap_slot(&l->addrs, addr, &added);
	if (added) {
		*slot = xcalloc(1, sizeof(**slot));
		(*slot)->tokens = -1;
		(*slot)->last = now;
	}
	return *slot;
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
	e = hmap_get(&l->addrs, addr);
	if (e != NULL && e->conns > 0)
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
limits_tracked(struct limits *l, double now)
{
	unsigned n;

	pthread_mutex_lock(&l->lock);
	limits_sweep(l, now);
	n = (unsigned)l->addrs.count;
	pthread_mutex_unlock(&l->lock);
	return n;
}
