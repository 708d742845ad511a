/* test_utf8: validation and column counting. */
#include <string.h>

#include "tests.h"
#include "utf8.h"

static const struct {
	const char	*bytes;
	int		 valid;
} utf8_cases[] = {
	{ "plain ASCII", 1 },
	{ "caf\xc3\xa9", 1 },
	{ "\xe2\x82\xac euro", 1 },
	{ "\xf0\x9f\x98\x80 emoji", 1 },
	{ "\xc3", 0 },			/* cut short */
	{ "\xc0\xaf", 0 },		/* overlong '/' */
	{ "\xe0\x80\xaf", 0 },		/* overlong */
	{ "\xed\xa0\x80", 0 },		/* surrogate */
	{ "\xf4\x90\x80\x80", 0 },	/* past U+10FFFF */
	{ "\xff", 0 },
	{ "a\x80z", 0 },		/* lone continuation */
};

START_TEST(test_utf8_validity)
{
	const char *s = utf8_cases[_i].bytes;

	ck_assert_msg(utf8_is_valid(s, strlen(s)) == utf8_cases[_i].valid,
	    "case %d", _i);
}
END_TEST

START_TEST(test_utf8_columns)
{
	ck_assert_uint_eq(utf8_columns("abc", 3), 3);
	ck_assert_uint_eq(utf8_columns("caf\xc3\xa9", 5), 4);
	ck_assert_uint_eq(utf8_columns("\xf0\x9f\x98\x80!", 5), 2);
	/* An invalid byte takes a column of its own. */
	ck_assert_uint_eq(utf8_columns("a\xffz", 3), 3);
}
END_TEST

START_TEST(test_utf8_prefix_never_splits)
{
	const char *s = "\xc3\xa9\xc3\xa9\xc3\xa9";

	ck_assert_uint_eq(utf8_prefix_for_columns(s, 6, 2), 4);
	ck_assert_uint_eq(utf8_prefix_for_columns(s, 6, 9), 6);
	ck_assert_uint_eq(utf8_prefix_for_columns(s, 6, 0), 0);
}
END_TEST

START_TEST(test_utf8_decode_code_point)
{
	uint32_t cp = 0;

	ck_assert_uint_eq(utf8_decode("\xe2\x82\xac", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0x20ac);
	ck_assert_uint_eq(utf8_decode("\xe2\x82", 2, &cp), 0);
}
END_TEST

Suite *
utf8_test_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_utf8_validity, 0,
	    sizeof(utf8_cases) / sizeof(utf8_cases[0]));
	tcase_add_test(tc, test_utf8_columns);
	tcase_add_test(tc, test_utf8_prefix_never_splits);
	tcase_add_test(tc, test_utf8_decode_code_point);
	suite_add_tcase(s, tc);
	return s;
}
