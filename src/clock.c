/* clock: time elapsed on the monotonic clock, for logs and deadlines. */
#include "clock.h"

void
clock_now(struct timespec *now)
{
	clock_gettime(CLOCK_MONOTONIC, now);
}

unsigned long long
clock_since_us(const struct timespec *since)
{
	struct timespec now;
	long long us;

	clock_now(&now);
	us = (long long)(now.tv_sec - since->tv_sec) * 1000000 +
	    (now.tv_nsec - since->tv_nsec) / 1000;
	return us > 0 ? (unsigned long long)us : 0;
}
