/* clock: time elapsed on the monotonic clock, for logs and deadlines. */
#ifndef CAPSULED_CLOCK_H
#define CAPSULED_CLOCK_H

#include <time.h>

/* Now, on the monotonic clock (not libevent's cached one). */
void		clock_now(struct timespec *now);
/* Microseconds from *since to now; 0 if the clock seems to go back. */
unsigned long long clock_since_us(const struct timespec *since);

#endif
