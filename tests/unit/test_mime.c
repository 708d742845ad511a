/* test_mime: extensions to MIME types and Gopher item types. */
#include "mime.h"
#include "tests.h"

START_TEST(test_mime_types)
{
	ck_assert_str_eq(mime_type("/a/b.gmi"), "text/gemini");
	ck_assert_str_eq(mime_type("x.PNG"), "image/png");
	ck_assert_str_eq(mime_type("doc.pdf"), "application/pdf");
	ck_assert_str_eq(mime_type("noext"), "application/octet-stream");
	ck_assert_str_eq(mime_type("dir.d/noext"), "application/octet-stream");
	ck_assert_int_eq(mime_gopher_type("a.txt"), '0');
	ck_assert_int_eq(mime_gopher_type("a.gif"), 'g');
	ck_assert_int_eq(mime_gopher_type("a.jpg"), 'I');
	ck_assert_int_eq(mime_gopher_type("a.html"), 'h');
	ck_assert_int_eq(mime_gopher_type("a.zip"), '5');
	ck_assert_int_eq(mime_gopher_type("a.unknown"), '9');
}
END_TEST

Suite *
mime_test_suite(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_mime_types);
	suite_add_tcase(s, tc);
	return s;
}
