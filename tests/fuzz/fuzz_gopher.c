/* fuzz_gopher: the Gopher selector parser. */
#include <string.h>

#include "fuzz.h"
#include "gopher.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[GOPHER_MAX_SELECTOR + 2];
	struct gopher_request req;
	const char *why;

	if (size > GOPHER_MAX_SELECTOR + 1)
		return 0;
	memcpy(line, data, size);
	if (gopher_parse(line, size, &req, &why) == -1) {
		FUZZ_ASSERT(why != NULL);
		return 0;
	}
	FUZZ_ASSERT(strpbrk(req.selector, "\t\r\n") == NULL);
	if (req.search != NULL)
		FUZZ_ASSERT(strpbrk(req.search, "\t\r\n") == NULL);
	return 0;
}
