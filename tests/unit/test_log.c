/* test_log: access-log lines, written to a file and read back. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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
	log_access("192.0.2.7", "gopher", request, status, bytes, 12034,
	    "capsule.example");
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
	ck_assert_str_eq(rest, "] 192.0.2.7 gopher \"/a b\" 20 1234 12.034 "
	    "capsule.example\n");
	free(text);
}
END_TEST

START_TEST(test_log_access_escapes)
{
	char *text = log_one("q\"\\\r\n\t\x7f", 59, 0);

	ck_assert_ptr_nonnull(strstr(text,
	    " gopher \"q\\\"\\\\\\x0d\\x0a\\x09\\x7f\" 59 0 12.034 "
	    "capsule.example\n"));
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
	ck_assert_ptr_nonnull(strstr(text,
	    "\\x01...\" 59 7 12.034 capsule.example\n"));
	ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
	free(text);
	free(request);
}
END_TEST

/* Whether the file holds needle (a missing file holds nothing). */
static bool
file_has(const char *path, const char *needle)
{
	struct stat st;
	size_t len;
	char *text;
	bool has;

	if (stat(path, &st) == -1 || st.st_size == 0)
		return false;
	text = test_read_file(path, &len);
	has = strstr(text, needle) != NULL;
	free(text);
	return has;
}

START_TEST(test_log_access_file_buffered_and_reopened)
{
	char folder[] = "/tmp/capsuled-log-XXXXXX";
	struct buf err = BUF_INIT, path = BUF_INIT, moved = BUF_INIT;

	ck_assert_ptr_nonnull(mkdtemp(folder));
	buf_printf(&path, "%s/access.log", folder);
	buf_printf(&moved, "%s/access.log.1", folder);
	ck_assert_int_eq(log_access_open(path.data, &err), 0);
	log_access("192.0.2.1", "gemini", "first", 20, 1, 1000,
	    "capsule.example");
	/* Gathered in this thread's buffer until a flush. */
	ck_assert(!file_has(path.data, "\"first\""));
	log_access_flush();
	ck_assert(file_has(path.data,
	    "\"first\" 20 1 1.000 capsule.example\n"));
	/* logrotate moves the file, SIGUSR1 reopens it by name. */
	ck_assert_int_eq(rename(path.data, moved.data), 0);
	log_access_reopen();
	log_access("192.0.2.1", "gemini", "second", 20, 1, 1,
	    "capsule.example");
	log_access_flush();
	ck_assert(file_has(path.data, "\"second\""));
	ck_assert(!file_has(path.data, "\"first\""));
	ck_assert(!file_has(moved.data, "\"second\""));
	ck_assert_int_eq(log_access_open("off", &err), 0);
	unlink(path.data);
	unlink(moved.data);
	rmdir(folder);
	buf_release(&err);
	buf_release(&path);
	buf_release(&moved);
}
END_TEST

/* Runs the flush with stderr going to a file; returns what it said. */
static char *
log_flush_said(void)
{
	char path[] = "/tmp/capsuled-stderr-XXXXXX";
	int fd, saved;
	size_t len;
	char *text;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	log_access_flush();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	text = test_read_file(path, &len);
	unlink(path);
	return text;
}

/* A full disk: the error and the lines lost are said, then the return. */
START_TEST(test_log_access_write_errors_are_told)
{
	char path[] = "/tmp/capsuled-log-XXXXXX";
	struct buf err = BUF_INIT;
	char *said;
	int fd;

	log_init(LOG_LEVEL_INFO);
	ck_assert_int_eq(log_access_open("/dev/full", &err), 0);
	log_access("192.0.2.1", "gemini", "lost one", 20, 1, 1,
	    "capsule.example");
	log_access("192.0.2.1", "gemini", "lost two", 20, 1, 1,
	    "capsule.example");
	said = log_flush_said();
	ck_assert_msg(strstr(said, "error: writing the access log: No space "
	    "left on device; 2 lines lost so far\n") != NULL, "%s", said);
	free(said);
	/* Within the minute, another loss is counted but not said. */
	log_access("192.0.2.1", "gemini", "lost three", 20, 1, 1,
	    "capsule.example");
	said = log_flush_said();
	ck_assert_str_eq(said, "");
	free(said);
	/* Space is back: the next write says so, with the count. */
	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	ck_assert_int_eq(log_access_open(path, &err), 0);
	log_access("192.0.2.1", "gemini", "kept", 20, 1, 1,
	    "capsule.example");
	said = log_flush_said();
	ck_assert_msg(strstr(said, "writing the access log again; 3 lines "
	    "lost\n") != NULL, "%s", said);
	free(said);
	log_access("192.0.2.1", "gemini", "kept too", 20, 1, 1,
	    "capsule.example");
	said = log_flush_said();
	ck_assert_str_eq(said, "");
	free(said);
	ck_assert_int_eq(log_access_open("off", &err), 0);
	log_init(LOG_LEVEL_ERROR);
	unlink(path);
	buf_release(&err);
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
	tcase_add_test(tc, test_log_access_file_buffered_and_reopened);
	tcase_add_test(tc, test_log_access_write_errors_are_told);
	suite_add_tcase(s, tc);
	return s;
}
