/* fuzz_search: queries against the reading list's index. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "render.h"
#include "search.h"
#include "utf8.h"

#include "fuzz.h"

static struct search_index *index_once;

static const char list[] =
    "# L\n\n## A\n\n* [Consistency Models](https://jepsen.io/c) - Jepsen\n"
    "* [Caf\xc3\xa9](https://x.example/) - \xc3\x89mile\n\n## B\n\n"
    "Some [text](t.md) and [more](gopher://g.example/1/x).\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct search_result *r;
	const char *why;
	int n;

	if (index_once == NULL) {
		struct doc *doc = doc_parse(list, sizeof(list) - 1);
		struct render_opts opts;

		render_opts_init(&opts);
		index_once = search_new();
		search_add_doc(index_once, doc, &opts, &opts);
		doc_free(doc);
	}
	n = search_query(index_once, (const char *)data, size, &r, &why);
	if (n == -1) {
		bool control = false;

		for (size_t i = 0; i < size; i++)
			control |= data[i] < ' ' || data[i] == 0x7f;
		/* Refused only for the reasons the rules give. */
		FUZZ_ASSERT(why != NULL);
		FUZZ_ASSERT(size > SEARCH_MAX_QUERY || control ||
		    !utf8_is_valid((const char *)data, size));
		return 0;
	}
	FUZZ_ASSERT(n >= 0 && (size_t)n <= search_count(index_once));
	search_group(r, (size_t)n);
	free(r);
	return 0;
}
