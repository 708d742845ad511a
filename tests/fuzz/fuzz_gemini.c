/* fuzz_gemini: the Gemini request parser and URL normaliser.  A request
 * that passes never names a path above the root. */
#include <string.h>

#include "fuzz.h"
#include "gemini.h"
#include "url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char www[] = "www.localhost";
	static char *const aliases[] = { www };
	static const struct gemini_server server = { "localhost", aliases, 1,
	    1965 };
	struct gemini_request req;
	char line[GEMINI_MAX_REQUEST + 2], copy[GEMINI_MAX_REQUEST + 2];
	const char *why;
	enum gemini_status st;

	if (size > GEMINI_MAX_REQUEST + 1)
		return 0;
	memcpy(line, data, size);
	st = gemini_parse(line, size, &server, &req, &why);
	if (st != GEMINI_SUCCESS) {
		FUZZ_ASSERT(why != NULL);
		FUZZ_ASSERT(st == GEMINI_BAD_REQUEST ||
		    st == GEMINI_PROXY_REFUSED);
		return 0;
	}
	FUZZ_ASSERT(req.path[0] == '/');
	FUZZ_ASSERT(strstr(req.path, "/../") == NULL);
	FUZZ_ASSERT(strstr(req.path, "//") == NULL);
	FUZZ_ASSERT(strcmp(req.path, "/..") != 0);
	/* Normalised already: normalising again changes nothing. */
	strcpy(copy, req.path);
	FUZZ_ASSERT(url_normalize_path(copy) == 0);
	FUZZ_ASSERT(strcmp(copy, req.path) == 0);
	return 0;
}
