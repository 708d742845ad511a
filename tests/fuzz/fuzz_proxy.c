/* fuzz_proxy: the PROXY protocol v1/v2 header parser. */
#include "proxy.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_info info;
	const char *why;
	size_t used;

	switch (proxy_parse(data, size, &info, &used, &why)) {
	case PROXY_DONE:
		FUZZ_ASSERT(used > 0 && used <= size);
		FUZZ_ASSERT(used <= PROXY_MAX_HEADER);
		FUZZ_ASSERT(info.local || info.srclen > 0);
		break;
	case PROXY_INVALID:
		FUZZ_ASSERT(why != NULL);
		break;
	case PROXY_NEED_MORE:
		FUZZ_ASSERT(size < PROXY_MAX_HEADER);
		break;
	}
	return 0;
}
