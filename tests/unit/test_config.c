/* test_config: the configuration file parser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tests.h"

START_TEST(test_config_defaults)
{
	struct buf err = BUF_INIT;
	struct config *c = config_parse("", 0, "x.conf", &err);

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->hostname, "localhost");
	ck_assert_uint_eq(c->gopher_port, 70);
	ck_assert_uint_eq(c->gemini_port, 1965);
	ck_assert_uint_eq(c->nlisten, 0);
	ck_assert_uint_eq(c->read_timeout, 10);
	ck_assert_str_eq(c->lang, "en");
	ck_assert_ptr_null(c->source_url);
	config_free(c);
	buf_release(&err);
}
END_TEST

START_TEST(test_config_values)
{
	const char *text = "# comment\n\n  hostname  capsule.example  # x\n"
	    "listen 127.0.0.1 ::1\nlisten 192.0.2.1\ngopher_port 7070\n"
	    "gemini_port 0\ncontent /srv/c\ncert a.pem\nkey b.pem\n"
	    "lang de-CH\nwrap 60\nread_timeout 5\nwrite_timeout 7\n"
	    "max_connections 10\n"
	    "source_url https://github.com/o/l/blob/main/\n";
	struct buf err = BUF_INIT;
	struct config *c = config_parse(text, strlen(text), "x.conf", &err);

	ck_assert_msg(c != NULL, "%s", buf_str(&err));
	ck_assert_str_eq(c->hostname, "capsule.example");
	ck_assert_str_eq(c->source_url, "https://github.com/o/l/blob/main/");
	ck_assert_uint_eq(c->nlisten, 3);
	ck_assert_str_eq(c->listen[1], "::1");
	ck_assert_str_eq(c->listen[2], "192.0.2.1");
	ck_assert_uint_eq(c->gopher_port, 7070);
	ck_assert_uint_eq(c->gemini_port, 0);
	ck_assert_str_eq(c->content, "/srv/c");
	ck_assert_str_eq(c->cert, "a.pem");
	ck_assert_str_eq(c->key, "b.pem");
	ck_assert_str_eq(c->lang, "de-CH");
	ck_assert_uint_eq(c->wrap, 60);
	ck_assert_uint_eq(c->read_timeout, 5);
	ck_assert_uint_eq(c->write_timeout, 7);
	ck_assert_uint_eq(c->max_connections, 10);
	config_free(c);
	buf_release(&err);
}
END_TEST

static const struct {
	const char	*text;
	const char	*error;
} config_errors[] = {
	{ "hostname a\nbogus 1\n", "x.conf:2: bogus: unknown setting" },
	{ "gopher_port 70000\n", "x.conf:1: gopher_port: value out of range "
	  "or not a number" },
	{ "gopher_port -1\n", "x.conf:1: gopher_port: value out of range "
	  "or not a number" },
	{ "wrap 5\n", "x.conf:1: wrap: value out of range or not a number" },
	{ "hostname\n", "x.conf:1: hostname: missing value" },
	{ "hostname bad/name\n", "x.conf:1: hostname: not a host name" },
	{ "listen a;b\n", "x.conf:1: listen: not an address" },
	{ "lang e n\n", "x.conf:1: lang: not a language tag" },
	{ "source_url ftp://x.example/\n",
	  "x.conf:1: source_url: not an http:// or https:// URL" },
	{ "source_url https://\n",
	  "x.conf:1: source_url: not an http:// or https:// URL" },
	{ "gopher_port 0\ngemini_port 0\n", "x.conf: both gopher_port and "
	  "gemini_port are 0" },
	{ "gopher_port 9\ngemini_port 9\n", "x.conf: gopher_port and "
	  "gemini_port are the same" },
	{ "hostname \xff\n", "x.conf: not a UTF-8 text file" },
};

START_TEST(test_config_errors)
{
	struct buf err = BUF_INIT;
	const char *text = config_errors[_i].text;
	struct config *c = config_parse(text, strlen(text), "x.conf", &err);

	ck_assert_ptr_null(c);
	ck_assert_str_eq(buf_str(&err), config_errors[_i].error);
	buf_release(&err);
}
END_TEST

START_TEST(test_config_missing_file)
{
	struct buf err = BUF_INIT;

	ck_assert_ptr_null(config_load("/nonexistent/capsuled.conf", &err));
	ck_assert_str_eq(buf_str(&err), "/nonexistent/capsuled.conf: "
	    "No such file or directory");
	buf_release(&err);
}
END_TEST

/* A config over the limit is an error, not a config cut short. */
START_TEST(test_config_oversized_file)
{
	char path[] = "/tmp/capsuled-conf-XXXXXX";
	struct buf err = BUF_INIT;
	FILE *f;
	int fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	fputs("hostname first.example\n", f);
	for (size_t n = 0; n <= CONFIG_MAX_SIZE / 16; n++)
		fputs("# padding......\n", f);
	fclose(f);
	ck_assert_ptr_null(config_load(path, &err));
	ck_assert_msg(strstr(err.data, "larger than 1048576 bytes") != NULL &&
	    strncmp(err.data, path, strlen(path)) == 0, "%s", err.data);
	unlink(path);
	buf_release(&err);
}
END_TEST

START_TEST(test_config_number)
{
	unsigned n = 7;

	ck_assert_int_eq(config_number("42", 1, 100, &n), 0);
	ck_assert_uint_eq(n, 42);
	ck_assert_int_eq(config_number("0", 1, 100, &n), -1);
	ck_assert_int_eq(config_number("101", 1, 100, &n), -1);
	ck_assert_int_eq(config_number("-1", 0, 100, &n), -1);
	ck_assert_int_eq(config_number(" 5", 0, 100, &n), -1);
	ck_assert_int_eq(config_number("5x", 0, 100, &n), -1);
	ck_assert_int_eq(config_number("", 0, 100, &n), -1);
	ck_assert_int_eq(config_number("99999999999999999999", 0, 100, &n), -1);
	ck_assert_uint_eq(n, 42);
}
END_TEST

Suite *
config_test_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_config_defaults);
	tcase_add_test(tc, test_config_values);
	tcase_add_loop_test(tc, test_config_errors, 0,
	    sizeof(config_errors) / sizeof(config_errors[0]));
	tcase_add_test(tc, test_config_missing_file);
	tcase_add_test(tc, test_config_oversized_file);
	tcase_add_test(tc, test_config_number);
	suite_add_tcase(s, tc);
	return s;
}
