/* fuzz: what every libFuzzer target shares: the entry point and checks
 * that abort (so that libFuzzer reports the input) when broken. */
#ifndef CAPSULED_FUZZ_H
#define CAPSULED_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "invariant broken: %s (%s:%d)\n",	\
		    #cond, __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)

#endif
