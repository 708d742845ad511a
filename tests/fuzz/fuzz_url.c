/* fuzz_url: dot-segment removal and percent-decoding of any path. */
#include <string.h>

#include "fuzz.h"
#include "url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4100], again[4100];
	size_t len;
	int depth = 0;

	if (size > sizeof(path) - 2)
		return 0;
	path[0] = '/';
	memcpy(path + 1, data, size);
	path[size + 1] = '\0';
	if (strlen(path) != size + 1)
		return 0;
	if (url_decode(path, &len) == 0)
		FUZZ_ASSERT(len <= size + 1);
	path[strlen(path)] = '\0';
	if (url_normalize_path(path) == -1)
		return 0;
	FUZZ_ASSERT(path[0] == '/');
	/* No segment is "." or "..": nothing climbs. */
	for (const char *p = path; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		FUZZ_ASSERT(strncmp(p, "/../", 4) != 0 &&
		    strcmp(p, "/..") != 0 && strncmp(p, "/./", 3) != 0 &&
		    strcmp(p, "/.") != 0);
		depth++;
	}
	strcpy(again, path);
	FUZZ_ASSERT(url_normalize_path(again) == 0);
	FUZZ_ASSERT(strcmp(again, path) == 0);
	(void)depth;
	return 0;
}
