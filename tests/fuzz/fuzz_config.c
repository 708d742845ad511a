/* fuzz_config: the configuration parser, capsule blocks included.  A
 * config that parses has a default capsule, every capsule has what it
 * needs, no name is two capsules', and a copy is equal to it; parsed for
 * a reload, it is the same. */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"

#include "fuzz.h"

static void
check_capsules(const struct config *c)
{
	struct config *copy = config_dup(c);

	for (size_t i = 0; i < c->ncapsules; i++) {
		const struct config_capsule *cc = &c->capsules[i];

		FUZZ_ASSERT(cc->content != NULL && cc->cert != NULL &&
		    cc->key != NULL && cc->lang != NULL);
		FUZZ_ASSERT(cc->wrap >= 20 && cc->search_results >= 1 &&
		    cc->page_max >= 1024);
		FUZZ_ASSERT(config_find_capsule(c, cc->name) == cc);
		for (size_t j = 0; j < cc->naliases; j++)
			FUZZ_ASSERT(config_find_capsule(c, cc->aliases[j]) ==
			    cc);
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(cc->gopher_port == 0 ||
			    cc->gopher_port != c->capsules[j].gopher_port);
		FUZZ_ASSERT(config_capsule_equal(cc, &copy->capsules[i]));
	}
	config_free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = BUF_INIT;
	struct config *c = config_parse((const char *)data, size, "f.conf",
	    &err), *reload;

	if (c == NULL)
		FUZZ_ASSERT(err.len > 0);
	else {
		FUZZ_ASSERT(err.len == 0);
		FUZZ_ASSERT(c->gopher_port <= 65535 && c->gemini_port <= 65535);
		FUZZ_ASSERT(c->gopher_port != 0 || c->gemini_port != 0);
		FUZZ_ASSERT(c->wrap >= 20);
		FUZZ_ASSERT(c->ncapsules >= 1);
		FUZZ_ASSERT(strcmp(c->capsules[0].name, c->hostname) == 0);
		check_capsules(c);
	}
	/* What parses whole parses for a reload too, with no capsule
	 * failed; and a reload parse never leaves a capsule half-made. */
	buf_clear(&err);
	reload = config_parse_reload((const char *)data, size, "f.conf",
	    &err);
	FUZZ_ASSERT(c == NULL || reload != NULL);
	for (size_t i = 0; reload != NULL && i < reload->ncapsules; i++) {
		const struct config_capsule *cc = &reload->capsules[i];

		FUZZ_ASSERT(i > 0 || cc->error == NULL);
		FUZZ_ASSERT(c == NULL || (cc->error == NULL &&
		    config_capsule_equal(cc, &c->capsules[i])));
		FUZZ_ASSERT(cc->error != NULL || (cc->content != NULL &&
		    cc->cert != NULL && cc->key != NULL));
	}
	config_free(reload);
	config_free(c);
	buf_release(&err);
	return 0;
}
