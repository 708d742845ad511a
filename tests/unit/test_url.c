/* test_url: parsing, percent-coding and dot segments. */
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "url.h"

static const struct {
	const char	*in;
	const char	*out;	/* NULL: refused, climbs above the root */
} normalize_cases[] = {
	{ "/", "/" },
	{ "/a/b/c", "/a/b/c" },
	{ "/a/./b", "/a/b" },
	{ "/a/b/../c", "/a/c" },
	{ "/a/b/..", "/a/" },
	{ "/a/b/.", "/a/b/" },
	{ "/a//b///c/", "/a/b/c/" },
	{ "/a/..", "/" },
	{ "/..", NULL },
	{ "/a/../..", NULL },
	{ "/a/../../etc/passwd", NULL },
	{ "/.../x", "/.../x" },
	{ "/..a/b", "/..a/b" },
};

START_TEST(test_url_normalize)
{
	char *p = strdup(normalize_cases[_i].in);
	int rc = url_normalize_path(p);

	if (normalize_cases[_i].out == NULL)
		ck_assert_msg(rc == -1, "%s was not refused",
		    normalize_cases[_i].in);
	else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(p, normalize_cases[_i].out);
	}
	free(p);
}
END_TEST

START_TEST(test_url_decode)
{
	char s1[] = "a%20b%2Fc%41", s2[] = "bad%4", s3[] = "bad%zz";
	size_t len;

	ck_assert_int_eq(url_decode(s1, &len), 0);
	ck_assert_str_eq(s1, "a b/cA");
	ck_assert_uint_eq(len, 6);
	ck_assert_int_eq(url_decode(s2, &len), -1);
	ck_assert_int_eq(url_decode(s3, &len), -1);
}
END_TEST

START_TEST(test_url_encode)
{
	struct buf b = BUF_INIT;
	const char *in = "https://x.example/a b\"<>\xc3\xa9%41%zz";

	url_encode(&b, in, strlen(in));
	ck_assert_str_eq(b.data,
	    "https://x.example/a%20b%22%3C%3E%C3%A9%41%25zz");
	buf_release(&b);
}
END_TEST

START_TEST(test_url_parse_full)
{
	char s[] = "GEMINI://user@Host.Example:1965/a/b?q=1#frag";
	const char *err = NULL;
	struct url u;

	ck_assert_int_eq(url_parse(s, &u, &err), 0);
	ck_assert_str_eq(u.scheme, "gemini");
	ck_assert_str_eq(u.userinfo, "user");
	ck_assert_str_eq(u.host, "Host.Example");
	ck_assert_str_eq(u.port, "1965");
	ck_assert_str_eq(u.path, "/a/b");
	ck_assert_str_eq(u.query, "q=1");
	ck_assert_str_eq(u.fragment, "frag");
}
END_TEST

START_TEST(test_url_parse_forms)
{
	char s1[] = "gemini://host", s2[] = "gemini://[::1]:70/x",
	    s3[] = "/relative", s4[] = "gemini://h:7x/", s5[] = "mailto:a@b";
	const char *err = NULL;
	struct url u;

	ck_assert_int_eq(url_parse(s1, &u, &err), 0);
	ck_assert_str_eq(u.host, "host");
	ck_assert_str_eq(u.path, "");
	ck_assert_ptr_null(u.port);
	ck_assert_int_eq(url_parse(s2, &u, &err), 0);
	ck_assert_str_eq(u.host, "::1");
	ck_assert_str_eq(u.port, "70");
	ck_assert_str_eq(u.path, "/x");
	ck_assert_int_eq(url_parse(s3, &u, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(url_parse(s4, &u, &err), -1);
	ck_assert_int_eq(url_parse(s5, &u, &err), 0);
	ck_assert_ptr_null(u.host);
	ck_assert_str_eq(u.path, "a@b");
}
END_TEST

START_TEST(test_url_resolve)
{
	struct buf b = BUF_INIT;

	url_resolve_path(&b, "/a/b/", "c", 1);
	ck_assert_str_eq(b.data, "/a/b/c");
	buf_clear(&b);
	url_resolve_path(&b, "/a/b/", "../c", 4);
	ck_assert_str_eq(b.data, "/a/c");
	buf_clear(&b);
	url_resolve_path(&b, "/a/", "../../../x", 10);
	ck_assert_str_eq(b.data, "/x");
	buf_clear(&b);
	url_resolve_path(&b, "/a/", "/abs", 4);
	ck_assert_str_eq(b.data, "/abs");
	buf_release(&b);
}
END_TEST

START_TEST(test_url_scheme_len)
{
	ck_assert_uint_eq(url_scheme_len("https://x", 9), 5);
	ck_assert_uint_eq(url_scheme_len("a+b.c-d:x", 9), 7);
	ck_assert_uint_eq(url_scheme_len("page.md", 7), 0);
	ck_assert_uint_eq(url_scheme_len("1http:x", 7), 0);
	ck_assert_uint_eq(url_scheme_len("./a:b", 5), 0);
}
END_TEST

Suite *
url_test_suite(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_url_normalize, 0,
	    sizeof(normalize_cases) / sizeof(normalize_cases[0]));
	tcase_add_test(tc, test_url_decode);
	tcase_add_test(tc, test_url_encode);
	tcase_add_test(tc, test_url_parse_full);
	tcase_add_test(tc, test_url_parse_forms);
	tcase_add_test(tc, test_url_resolve);
	tcase_add_test(tc, test_url_scheme_len);
	suite_add_tcase(s, tc);
	return s;
}
