/* test_config: the configuration file parser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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

/* What a capsule block needs, for the tests below. */
#define BLOCK_FILES	"\tcontent /srv/b\n\tcert b.pem\n\tkey b.key\n"

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
	/* Capsule blocks. */
	{ "capsule b.example {\n" BLOCK_FILES "\tworkers 2\n}\n",
	  "x.conf:5: workers: a setting of the whole process: top level only" },
	{ "capsule b.example {\n" BLOCK_FILES "\tlisten *\n}\n",
	  "x.conf:5: listen: a setting of the whole process: top level only" },
	{ "capsule b.example {\n\thostname c.example\n}\n",
	  "x.conf:2: hostname: a capsule's name is its block's; more names "
	  "are aliases" },
	{ "capsule b.example {\n" BLOCK_FILES,
	  "x.conf:1: capsule b.example: block not closed" },
	{ "\n\ncapsule b.example {\n" BLOCK_FILES "capsule c.example {\n",
	  "x.conf:7: capsule: capsule blocks do not nest" },
	{ "}\n", "x.conf:1: } without a capsule block" },
	{ "capsule b.example\n", "x.conf:1: capsule: expected \"capsule NAME "
	  "{\"" },
	{ "capsule b/x {\n}\n", "x.conf:1: capsule: not a host name" },
	{ "capsule {\n}\n", "x.conf:1: capsule: expected \"capsule NAME {\"" },
	{ "capsule b.example {\n\tcert b.pem\n\tkey b.key\n}\n",
	  "x.conf:1: capsule b.example: no content" },
	{ "capsule b.example {\n\tcontent /b\n\tkey b.key\n}\n",
	  "x.conf:1: capsule b.example: no cert" },
	{ "capsule b.example {\n\tcontent /b\n\tcert b.pem\n}\n",
	  "x.conf:1: capsule b.example: no key" },
	{ "hostname a.example\ncapsule A.example {\n" BLOCK_FILES "}\n",
	  "x.conf:2: A.example is already a name of capsule a.example" },
	{ "capsule b.example {\n" BLOCK_FILES "}\ncapsule c.example {\n"
	  BLOCK_FILES "\talias B.EXAMPLE\n}\n",
	  "x.conf:6: B.EXAMPLE is already a name of capsule b.example" },
	{ "capsule b.example {\n" BLOCK_FILES "\talias b.example\n}\n",
	  "x.conf:1: b.example is already a name of capsule b.example" },
	{ "capsule b.example {\n" BLOCK_FILES "\talias a;b\n}\n",
	  "x.conf:5: alias: not a host name" },
	{ "capsule b.example {\n" BLOCK_FILES "\tlang e n\n}\n",
	  "x.conf:5: lang: not a language tag" },
	{ "capsule b.example {\n" BLOCK_FILES "\tgopher_port 0\n}\n",
	  "x.conf:5: gopher_port: value out of range or not a number" },
	{ "capsule b.example {\n" BLOCK_FILES "\tgopher_port 70\n}\n",
	  "x.conf:1: capsule b.example: gopher_port 70 is the top level's" },
	{ "capsule b.example {\n" BLOCK_FILES "\tgopher_port 1965\n}\n",
	  "x.conf:1: capsule b.example: gopher_port 1965 is the top level's" },
	{ "capsule b.example {\n" BLOCK_FILES "\tgopher_port 7\n}\n"
	  "capsule c.example {\n" BLOCK_FILES "\tgopher_port 7\n}\n",
	  "x.conf:7: capsule c.example: gopher_port 7 is capsule b.example's" },
	{ "chroot yes\ncapsule b.example {\n" BLOCK_FILES "}\n",
	  "x.conf:2: capsule b.example: chroot serves one content folder, and "
	  "cannot be used with capsule blocks" },
	{ "capsule b.example {\n" BLOCK_FILES "\tbogus 1\n}\n",
	  "x.conf:5: bogus: unknown setting" },
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

START_TEST(test_config_capsule_blocks)
{
	const char *text = "hostname top.example\nlang fr\nwrap 60\n"
	    "gopher_port 7070\n"
	    "capsule Lists.Example {   # a comment\n" BLOCK_FILES
	    "\talias www.lists.example\n\talias l.example\n"
	    "\tgopher_port 7071\n\tlang de\n\tpage_max 2048\n}\n"
	    "capsule notes.example\t{\n\tcontent /srv/n\n\tcert n.pem\n"
	    "\tkey n.key\n}\n"
	    "search_results 9\n";
	struct buf err = BUF_INIT;
	struct config *c = config_parse(text, strlen(text), "x.conf", &err);
	const struct config_capsule *top, *lists, *notes;
	struct config *copy;

	ck_assert_msg(c != NULL, "%s", buf_str(&err));
	ck_assert_uint_eq(c->ncapsules, 3);
	top = &c->capsules[0];
	lists = &c->capsules[1];
	notes = &c->capsules[2];
	/* The default capsule is the top level, set after the blocks too. */
	ck_assert_str_eq(top->name, "top.example");
	ck_assert_uint_eq(top->gopher_port, 7070);
	ck_assert_uint_eq(top->search_results, 9);
	ck_assert_str_eq(top->content, "content");
	ck_assert_str_eq(lists->name, "Lists.Example");
	ck_assert_uint_eq(lists->line, 5);
	ck_assert_uint_eq(lists->naliases, 2);
	ck_assert_str_eq(lists->aliases[1], "l.example");
	ck_assert_str_eq(lists->content, "/srv/b");
	ck_assert_str_eq(lists->cert, "b.pem");
	ck_assert_uint_eq(lists->gopher_port, 7071);
	ck_assert_str_eq(lists->lang, "de");
	ck_assert_uint_eq(lists->page_max, 2048);
	/* What a block leaves out is the top level's. */
	ck_assert_uint_eq(lists->wrap, 60);
	ck_assert_uint_eq(lists->search_results, 9);
	ck_assert_str_eq(notes->lang, "fr");
	ck_assert_uint_eq(notes->gopher_port, 0);
	ck_assert_uint_eq(notes->page_max, 64 * 1024);
	/* Found by any of its names, in any case. */
	ck_assert_ptr_eq(config_find_capsule(c, "WWW.lists.example"), lists);
	ck_assert_ptr_eq(config_find_capsule(c, "lists.example"), lists);
	ck_assert_ptr_eq(config_find_capsule(c, "top.example"), top);
	ck_assert_ptr_null(config_find_capsule(c, "other.example"));
	/* A copy is deep and equal; a change is seen. */
	copy = config_dup(c);
	ck_assert_uint_eq(copy->ncapsules, 3);
	ck_assert_ptr_ne(copy->capsules[1].aliases[0], lists->aliases[0]);
	ck_assert(config_capsule_equal(&copy->capsules[1], lists));
	copy->capsules[1].wrap = 61;
	ck_assert(!config_capsule_equal(&copy->capsules[1], lists));
	ck_assert(!config_capsule_equal(&copy->capsules[2], lists));
	config_free(copy);
	config_free(c);
	buf_release(&err);
}
END_TEST

/* For a reload, a block's mistake fails that capsule alone. */
START_TEST(test_config_reload_fails_blocks_alone)
{
	const char *text = "hostname a.example\n"
	    "capsule b.example {\n" BLOCK_FILES "\tlang e n\n\twrap 5\n}\n"
	    "capsule c.example {\n\tcontent /c\n\tkey c.key\n}\n"
	    "capsule d.example {\n" BLOCK_FILES "\talias B.example\n}\n"
	    "capsule e.example {\n" BLOCK_FILES "\tworkers\n}\n"
	    "capsule f.example {\n" BLOCK_FILES "\tgopher_port 7\n}\n";
	struct buf err = BUF_INIT;
	struct config *c = config_parse_reload(text, strlen(text), "x.conf",
	    &err);

	ck_assert_msg(c != NULL, "%s", buf_str(&err));
	ck_assert_uint_eq(c->ncapsules, 6);
	ck_assert_ptr_null(c->capsules[0].error);
	/* The first reason is kept. */
	ck_assert_str_eq(c->capsules[1].error,
	    "x.conf:6: lang: not a language tag");
	ck_assert_str_eq(c->capsules[2].error,
	    "x.conf:9: capsule c.example: no cert");
	ck_assert_str_eq(c->capsules[3].error,
	    "x.conf:13: B.example is already a name of capsule b.example");
	ck_assert_str_eq(c->capsules[4].error,
	    "x.conf:23: workers: missing value");
	ck_assert_ptr_null(c->capsules[5].error);
	ck_assert_uint_eq(c->capsules[5].gopher_port, 7);
	/* Never equal to anything: a failed capsule is not reused as is. */
	ck_assert(!config_capsule_equal(&c->capsules[1], &c->capsules[1]));
	config_free(c);
	/* The same file fails as a whole where it is not a reload. */
	ck_assert_ptr_null(config_parse(text, strlen(text), "x.conf", &err));
	ck_assert_str_eq(buf_str(&err), "x.conf:6: lang: not a language tag");
	buf_clear(&err);
	/* The top level and the blocks' shape still fail the whole file. */
	ck_assert_ptr_null(config_parse_reload("wrap 5\n", 7, "x.conf",
	    &err));
	ck_assert_str_eq(buf_str(&err),
	    "x.conf:1: wrap: value out of range or not a number");
	buf_clear(&err);
	text = "capsule b.example {\n" BLOCK_FILES "capsule c.example {\n}\n}\n";
	ck_assert_ptr_null(config_parse_reload(text, strlen(text), "x.conf",
	    &err));
	ck_assert_str_eq(buf_str(&err),
	    "x.conf:5: capsule: capsule blocks do not nest");
	buf_release(&err);
}
END_TEST

/* Seventeen aliases are one too many. */
START_TEST(test_config_too_many_aliases)
{
	struct buf text = BUF_INIT, err = BUF_INIT;

	buf_adds(&text, "capsule b.example {\n" BLOCK_FILES);
	for (int i = 0; i <= CONFIG_MAX_ALIASES; i++)
		buf_printf(&text, "\talias a%d.example\n", i);
	buf_adds(&text, "}\n");
	ck_assert_ptr_null(config_parse(text.data, text.len, "x.conf", &err));
	ck_assert_str_eq(buf_str(&err), "x.conf:21: alias: too many aliases");
	buf_release(&text);
	buf_release(&err);
}
END_TEST

START_TEST(test_config_missing_file)
{
	struct buf err = BUF_INIT;

	ck_assert_ptr_null(config_load("/nonexistent/capsuled.conf", false,
	    &err));
	ck_assert_str_eq(buf_str(&err), "/nonexistent/capsuled.conf: "
	    "No such file or directory");
	buf_release(&err);
}
END_TEST

/* A FIFO in the config's place: refused at once, not waited on for a
 * writer (which would hang a start or a reload). */
START_TEST(test_config_fifo_refused)
{
	char dir[] = "/tmp/capsuled-conf-XXXXXX", path[64];
	struct buf err = BUF_INIT;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/capsuled.conf", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_ptr_null(config_load(path, false, &err));
	ck_assert_msg(strstr(err.data, ": not a regular file") != NULL &&
	    strncmp(err.data, path, strlen(path)) == 0, "%s", err.data);
	buf_release(&err);
	unlink(path);
	rmdir(dir);
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
	ck_assert_ptr_null(config_load(path, false, &err));
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
	tcase_add_test(tc, test_config_capsule_blocks);
	tcase_add_test(tc, test_config_too_many_aliases);
	tcase_add_test(tc, test_config_reload_fails_blocks_alone);
	tcase_add_test(tc, test_config_missing_file);
	tcase_add_test(tc, test_config_oversized_file);
	tcase_add_test(tc, test_config_fifo_refused);
	tcase_add_test(tc, test_config_number);
	suite_add_tcase(s, tc);
	return s;
}
