/* fuzz_frame: the request framer, fed whole and byte by byte. */
#include <stdbool.h>
#include <string.h>

#include "frame.h"
#include "fuzz.h"

/* Small limits, so that the fuzzer reaches them. */
static const struct frame_rules fuzz_rules[] = {
	{ 16, false, false },	/* Gemini's shape */
	{ 16, true, true },	/* Gopher's shape */
};

static void
fuzz_one(const char *data, size_t size, const struct frame_rules *rules)
{
	size_t line_len, used, part_len, part_used;
	enum frame_result whole, part;

	whole = frame_line(data, size, false, rules, &line_len, &used);
	FUZZ_ASSERT(used <= size && line_len <= used);
	if (whole == FRAME_LINE) {
		FUZZ_ASSERT(line_len <= rules->max);
		FUZZ_ASSERT(memchr(data, '\n', line_len) == NULL);
		FUZZ_ASSERT(data[used - 1] == '\n');
	}
	if (whole == FRAME_MORE)
		FUZZ_ASSERT(size <= rules->max + 1 &&
		    memchr(data, '\n', size) == NULL);
	/*
	 * However the bytes arrive, the first prefix that decides decides
	 * as the whole does: every read path gives the same outcome.
	 */
	for (size_t k = 0; k <= size; k++) {
		part = frame_line(data, k, false, rules, &part_len, &part_used);
		if (part == FRAME_MORE)
			continue;
		FUZZ_ASSERT(part == whole);
		if (part == FRAME_LINE || part == FRAME_BARE_LF)
			FUZZ_ASSERT(part_len == line_len && part_used == used);
		break;
	}
	/* At the end of input a Gopher line that was waiting is whole. */
	if (whole == FRAME_MORE && rules->eof_ends && size > 0) {
		part = frame_line(data, size, true, rules, &part_len,
		    &part_used);
		FUZZ_ASSERT(part == FRAME_LINE && part_used == size);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64)
		return 0;
	for (size_t i = 0; i < sizeof(fuzz_rules) / sizeof(fuzz_rules[0]);
	    i++)
		fuzz_one((const char *)data, size, &fuzz_rules[i]);
	return 0;
}
