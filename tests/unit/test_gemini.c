/* test_gemini: request checking and headers. */
#include <string.h>

#include "gemini.h"
#include "tests.h"

static char www[] = "www.capsule.example", other[] = "other.name";
static char *const aliases[] = { www, other };
static const struct gemini_server server = { "capsule.example", aliases,
    2, 1965 };

static const struct {
	const char		*line;
	enum gemini_status	 status;
	const char		*path;	/* when status is 20 */
	const char		*query;
} requests[] = {
	{ "gemini://capsule.example/", 20, "/", NULL },
	{ "gemini://capsule.example", 20, "/", NULL },
	{ "gemini://CAPSULE.example:1965/a/./b/../c.gmi", 20, "/a/c.gmi",
	  NULL },
	{ "gemini://capsule.example/search?dist%20sys", 20, "/search",
	  "dist%20sys" },
	{ "gemini://capsule.example/a%20b", 20, "/a b", NULL },
	{ "GEMINI://capsule.example/", 20, "/", NULL },
	{ "gemini://capsule.example:/", 20, "/", NULL },
	{ "", 59, NULL, NULL },
	{ "/relative", 59, NULL, NULL },
	{ "gemini://u@capsule.example/", 59, NULL, NULL },
	{ "gemini://capsule.example/#f", 59, NULL, NULL },
	{ "gemini://capsule.example/\x01", 59, NULL, NULL },
	{ "gemini://capsule.example/%2", 59, NULL, NULL },
	{ "gemini://capsule.example/%00x", 59, NULL, NULL },
	{ "gemini://capsule.example/../x", 59, NULL, NULL },
	{ "gemini://capsule.example/%2e%2e/x", 59, NULL, NULL },
	{ "gemini://capsule.example/a/%2E%2E%2F..%2Fx", 59, NULL, NULL },
	{ "gemini://capsule.example/\xc3", 59, NULL, NULL },
	{ "gemini://[::1/", 59, NULL, NULL },
	{ "https://capsule.example/", 53, NULL, NULL },
	{ "gemini://other.example/", 53, NULL, NULL },
	{ "gemini://capsule.example:1966/", 53, NULL, NULL },
	{ "gemini://www.capsule.example/", 20, "/", NULL },
	{ "gemini://Other.Name/x", 20, "/x", NULL },
	{ "gemini://name/", 53, NULL, NULL },
	{ "gemini://www.capsule.example.evil/", 53, NULL, NULL },
};

START_TEST(test_gemini_parse)
{
	char line[GEMINI_MAX_REQUEST + 1];
	struct gemini_request req;
	const char *why = NULL;
	enum gemini_status st;
	size_t len = strlen(requests[_i].line);

	memcpy(line, requests[_i].line, len + 1);
	st = gemini_parse(line, len, &server, &req, &why);
	ck_assert_msg(st == requests[_i].status, "%s: got %d (%s)",
	    requests[_i].line, st, why ? why : "");
	if (st == GEMINI_SUCCESS) {
		ck_assert_str_eq(req.path, requests[_i].path);
		if (requests[_i].query == NULL)
			ck_assert_ptr_null(req.query);
		else
			ck_assert_str_eq(req.query, requests[_i].query);
	} else
		ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(test_gemini_parse_lengths)
{
	char line[2100];
	struct gemini_request req;
	const char *why;
	size_t len;

	strcpy(line, "gemini://capsule.example/");
	len = strlen(line);
	memset(line + len, 'a', 1024 - len);
	ck_assert_int_eq(gemini_parse(line, 1024, &server, &req, &why),
	    GEMINI_SUCCESS);
	memset(line + len, 'a', 1025 - len);
	ck_assert_int_eq(gemini_parse(line, 1025, &server, &req, &why),
	    GEMINI_BAD_REQUEST);
}
END_TEST

START_TEST(test_gemini_header)
{
	struct buf b = BUF_INIT;

	gemstatus_header(&b, GEMINI_SLOW_DOWN, "5");
	gemstatus_header(&b, GEMINI_SUCCESS, "text/gemini");
	ck_assert_str_eq(b.data, "44 5\r\n20 text/gemini\r\n");
	buf_release(&b);
}
END_TEST

Suite *
gemini_test_suite(void)
{
	Suite *s = suite_create("gemini");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_gemini_parse, 0,
	    sizeof(requests) / sizeof(requests[0]));
	tcase_add_test(tc, test_gemini_parse_lengths);
	tcase_add_test(tc, test_gemini_header);
	suite_add_tcase(s, tc);
	return s;
}
