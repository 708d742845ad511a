/* test_gopher: selectors, text items, URL: pages. */
#include <string.h>

#include "gopher.h"
#include "gophermap.h"
#include "tests.h"

static const struct {
	const char	*line;
	int		 rc;
	const char	*selector;
	const char	*search;
	bool		 plus;
} requests[] = {
	{ "", 0, "", NULL, false },
	{ "/a/b", 0, "/a/b", NULL, false },
	{ "/s\tdistributed systems", 0, "/s", "distributed systems", false },
	{ "/\t+", 0, "/", NULL, true },
	{ "/\t$", 0, "/", NULL, true },
	{ "/\t!", 0, "/", NULL, true },
	{ "/s\twords\t+", 0, "/s", "words", true },
	{ "/a\rb", -1, NULL, NULL, false },
};

START_TEST(test_gopher_parse)
{
	char line[64];
	struct gopher_request req;
	const char *why = NULL;
	size_t len = strlen(requests[_i].line);

	memcpy(line, requests[_i].line, len + 1);
	ck_assert_int_eq(gopher_parse(line, len, &req, &why),
	    requests[_i].rc);
	if (requests[_i].rc == -1) {
		ck_assert_ptr_nonnull(why);
		return;
	}
	ck_assert_str_eq(req.selector, requests[_i].selector);
	if (requests[_i].search == NULL)
		ck_assert_ptr_null(req.search);
	else
		ck_assert_str_eq(req.search, requests[_i].search);
	ck_assert_int_eq(req.plus, requests[_i].plus);
}
END_TEST

START_TEST(test_gopher_parse_refuses_nul_and_length)
{
	char line[GOPHER_MAX_SELECTOR + 2];
	struct gopher_request req;
	const char *why;

	memcpy(line, "/a\0b", 5);
	ck_assert_int_eq(gopher_parse(line, 4, &req, &why), -1);
	memset(line, 'x', sizeof(line));
	ck_assert_int_eq(gopher_parse(line, GOPHER_MAX_SELECTOR, &req, &why),
	    0);
	ck_assert_int_eq(gopher_parse(line, GOPHER_MAX_SELECTOR + 1, &req,
	    &why), -1);
}
END_TEST

START_TEST(test_gopher_text_item)
{
	struct buf b = BUF_INIT;
	const char *text = "one\n.two\n\n..three\n";

	gophermap_text_item(&b, text, strlen(text));
	ck_assert_str_eq(b.data, "one\r\n..two\r\n\r\n...three\r\n.\r\n");
	buf_release(&b);
}
END_TEST

START_TEST(test_gopher_url_page)
{
	struct buf b = BUF_INIT;
	const char *why = NULL;

	ck_assert_int_eq(gophermap_url_page(&b, "https://x.example/?a=1&b='2'",
	    &why), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "url=https://x.example/?a=1&amp;"
	    "b=&#39;2&#39;\""));
	ck_assert_ptr_null(strstr(b.data, "'2'"));
	buf_clear(&b);
	ck_assert_int_eq(gophermap_url_page(&b, "javascript:alert(1)", &why), -1);
	ck_assert_str_eq(why, "URL scheme not allowed");
	ck_assert_int_eq(gophermap_url_page(&b, "http://a\tb/", &why), -1);
	ck_assert_int_eq(gophermap_url_page(&b, "relative/path", &why), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_release(&b);
}
END_TEST

Suite *
gopher_test_suite(void)
{
	Suite *s = suite_create("gopher");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_gopher_parse, 0,
	    sizeof(requests) / sizeof(requests[0]));
	tcase_add_test(tc, test_gopher_parse_refuses_nul_and_length);
	tcase_add_test(tc, test_gopher_text_item);
	tcase_add_test(tc, test_gopher_url_page);
	suite_add_tcase(s, tc);
	return s;
}
