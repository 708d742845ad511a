/* test_buf: the growable byte buffer. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tests.h"

START_TEST(test_buf_grows_and_stays_terminated)
{
	struct buf b = BUF_INIT;

	ck_assert_str_eq(buf_str(&b), "");
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, (char)('a' + i % 26));
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_int_eq(b.data[10000], '\0');
	ck_assert_int_eq(b.data[9999], 'a' + 9999 % 26);
	buf_release(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_buf_printf_and_detach)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *s;

	buf_adds(&b, "port ");
	buf_printf(&b, "%u/%s", 70u, "tcp");
	buf_addn(&b, '.', 3);
	s = buf_detach(&b, &len);
	ck_assert_str_eq(s, "port 70/tcp...");
	ck_assert_uint_eq(len, 14);
	ck_assert_ptr_null(b.data);
	free(s);
	s = buf_detach(&b, &len);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
}
END_TEST

START_TEST(test_buf_truncate_and_binary)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "a\0b", 3);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(memcmp(b.data, "a\0b", 3), 0);
	buf_truncate(&b, 1);
	ck_assert_str_eq(b.data, "a");
	buf_truncate(&b, 5);
	ck_assert_uint_eq(b.len, 1);
	buf_clear(&b);
	ck_assert_str_eq(buf_str(&b), "");
	buf_release(&b);
}
END_TEST

Suite *
buf_test_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_buf_grows_and_stays_terminated);
	tcase_add_test(tc, test_buf_printf_and_detach);
	tcase_add_test(tc, test_buf_truncate_and_binary);
	suite_add_tcase(s, tc);
	return s;
}
