/* check_main: runs every unit suite and prints Check's summary line. */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "log.h"
#include "tests.h"

char *
test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

int
main(void)
{
	SRunner *sr;
	int failed;

	/* The store warns about links it skips; the tests check those. */
	log_init(LOG_LEVEL_ERROR);
	sr = srunner_create(buf_test_suite());
	srunner_add_suite(sr, utf8_test_suite());
	srunner_add_suite(sr, url_test_suite());
	srunner_add_suite(sr, wrap_test_suite());
	srunner_add_suite(sr, gophermap_test_suite());
	srunner_add_suite(sr, render_test_suite());
	srunner_add_suite(sr, mdsplit_test_suite());
	srunner_add_suite(sr, config_test_suite());
	srunner_add_suite(sr, gemini_test_suite());
	srunner_add_suite(sr, gopher_test_suite());
	srunner_add_suite(sr, mime_test_suite());
	srunner_add_suite(sr, store_test_suite());
	srunner_add_suite(sr, search_test_suite());
	srunner_add_suite(sr, nav_test_suite());
	srunner_add_suite(sr, proxy_test_suite());
	srunner_add_suite(sr, limit_test_suite());
	srunner_add_suite(sr, heap_test_suite());
	srunner_add_suite(sr, log_test_suite());
	srunner_add_suite(sr, tlsctx_test_suite());
	srunner_add_suite(sr, frame_test_suite());
	srunner_add_suite(sr, answer_test_suite());
	srunner_add_suite(sr, capsules_test_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
