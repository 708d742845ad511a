/* test_gophermap: the bytes of menu lines. */
#include "gophermap.h"
#include "tests.h"

START_TEST(test_gophermap_lines)
{
	struct buf b = BUF_INIT;

	gophermap_item(&b, '1', "A\tmenu\r\n", 8, "/sel\tx", "host", 70);
	gophermap_info(&b, "info", 4);
	gophermap_error(&b, "Not found");
	gophermap_end(&b);
	ck_assert_str_eq(b.data,
	    "1A menu  \t/sel x\thost\t70\r\n"
	    "iinfo\t\terror.host\t1\r\n"
	    "3Not found\t\terror.host\t1\r\n"
	    ".\r\n");
	buf_release(&b);
}
END_TEST

Suite *
gophermap_test_suite(void)
{
	Suite *s = suite_create("gophermap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_gophermap_lines);
	suite_add_tcase(s, tc);
	return s;
}
