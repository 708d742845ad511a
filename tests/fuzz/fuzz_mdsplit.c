/*
 * fuzz_mdsplit: any Markdown parsed in parts as small as mdsplit allows
 * gives the document it gives parsed whole: the same three renderings,
 * and every block and link on the same line.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"

#include "describe.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *md = (const char *)data;
	struct buf whole = BUF_INIT, parts = BUF_INIT;

	if (size > 64 * 1024)
		return 0;
	describe_markdown(md, size, SIZE_MAX, &whole);
	describe_markdown(md, size, 1, &parts);
	FUZZ_ASSERT(whole.len == parts.len &&
	    memcmp(buf_str(&whole), buf_str(&parts), whole.len) == 0);
	buf_release(&whole);
	buf_release(&parts);
	return 0;
}
