/* test_log: access-log lines, written to a file and read back. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "tests.h"

/* Logs one request to a fresh file and returns the file's text. */
static char *
log_one(const char *request, int status, unsigned long long bytes)
{
	char path[] = "/tmp/capsuled-log-XXXXXX";
	struct buf err = BUF_INIT;
	size_t len;
	char *text;
	int fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	ck_assert_int_eq(log_access_open(path, &err), 0);
	log_access("192.0.2.7", "gopher", request, status, bytes, 12);
	ck_assert_int_eq(log_access_open("off", &err), 0);
	text = test_read_file(path, &len);
	unlink(path);
	buf_release(&err);
	return text;
}

START_TEST(test_log_access_line)
{
	char *text = log_one("/a b", 20, 1234);
	const char *rest = strchr(text, ']');

	/* [28/Nov/2026:21:30:00 +0000] then the fields, one line. */
	ck_assert_int_eq(text[0], '[');
	ck_assert_ptr_nonnull(rest);
	ck_assert_str_eq(rest, "] 192.0.2.7 gopher \"/a b\" 20 1234 12\n");
	free(text);
}
END_TEST

START_TEST(test_log_access_escapes)
{
	char *text = log_one("q\"\\\r\n\t\x7f", 59, 0);

	ck_assert_ptr_nonnull(strstr(text,
	    " gopher \"q\\\"\\\\\\x0d\\x0a\\x09\\x7f\" 59 0 12\n"));
	/* One request is one line. */
	ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
	free(text);
}
END_TEST

START_TEST(test_log_access_long_request)
{
	size_t n = 6000;
	char *request = malloc(n + 1);
	char *text;

	/* Control bytes take four columns each: the line would be 24 KB. */
	memset(request, '\x01', n);
	request[n] = '\0';
	text = log_one(request, 59, 7);
	ck_assert_uint_lt(strlen(text), 4608);
	ck_assert_ptr_nonnull(strstr(text, "\\x01...\" 59 7 12\n"));
	ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
	free(text);
	free(request);
}
END_TEST

Suite *
log_test_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("access");

	tcase_add_test(tc, test_log_access_line);
	tcase_add_test(tc, test_log_access_escapes);
	tcase_add_test(tc, test_log_access_long_request);
	suite_add_tcase(s, tc);
	return s;
}
