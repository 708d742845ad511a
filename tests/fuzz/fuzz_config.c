/* fuzz_config: the configuration parser. */
#include "buf.h"
#include "config.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = BUF_INIT;
	struct config *c = config_parse((const char *)data, size, "f.conf",
	    &err);

	if (c == NULL)
		FUZZ_ASSERT(err.len > 0);
	else {
		FUZZ_ASSERT(err.len == 0);
		FUZZ_ASSERT(c->gopher_port <= 65535 && c->gemini_port <= 65535);
		FUZZ_ASSERT(c->gopher_port != 0 || c->gemini_port != 0);
		FUZZ_ASSERT(c->wrap >= 20);
	}
	config_free(c);
	buf_release(&err);
	return 0;
}
