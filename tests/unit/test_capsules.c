/* test_capsules: generations of several capsules, loaded and reloaded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capsule.h"
#include "capsules.h"
#include "config.h"
#include "gen.h"
#include "store.h"
#include "tests.h"

static char root[64];

/* Makes root/name/index.md with a heading. */
static void
make_capsule(const char *name, const char *title)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/index.md", root, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "# %s\n\nA line.\n", title);
	fclose(f);
}

static void
capsules_setup(void)
{
	strcpy(root, "/tmp/capsuled-capsules-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	make_capsule("top", "Top");
	make_capsule("lists", "Lists");
	make_capsule("notes", "Notes");
}

static void
capsules_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* A config of the top capsule and the blocks for lists (in folder
 * lists_dir) and, with notes, notes. */
static struct config *
make_config(const char *lists_dir, bool notes)
{
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct config *c;

	buf_printf(&text, "hostname top.example\ngopher_port 7070\n"
	    "content %s/top\n"
	    "capsule lists.example {\n\tcontent %s/%s\n\tcert c\n\tkey k\n"
	    "\talias www.lists.example\n\tgopher_port 7071\n}\n", root, root,
	    lists_dir);
	if (notes)
		buf_printf(&text, "capsule notes.example {\n\tcontent %s/notes\n"
		    "\tcert c\n\tkey k\n}\n", root);
	c = config_parse(text.data, text.len, "x.conf", &err);
	ck_assert_msg(c != NULL, "%s", buf_str(&err));
	buf_release(&text);
	buf_release(&err);
	return c;
}

static struct gen *
load(struct config *cfg, const struct gen *old, const char *only,
    struct buf *err)
{
	struct capsules_how how = { true, false, only, NULL };

	return capsules_load(cfg, old, &how, err);
}

START_TEST(test_capsules_lookups)
{
	struct buf err = BUF_INIT;
	struct gen *g = load(make_config("lists", true), NULL, NULL, &err);
	struct capsule *top, *lists;

	ck_assert_msg(g != NULL, "%s", buf_str(&err));
	ck_assert_uint_eq(g->ncapsules, 3);
	top = gen_default(g);
	lists = g->capsules[1];
	ck_assert_str_eq(top->config.name, "top.example");
	ck_assert_ptr_eq(gen_find(g, "lists.example", 13), lists);
	ck_assert_ptr_eq(gen_find(g, "WWW.Lists.Example", 17), lists);
	/* The length is the name's: no NUL needed after it. */
	ck_assert_ptr_eq(gen_find(g, "lists.examplexyz", 13), lists);
	ck_assert_ptr_null(gen_find(g, "lists.exampl", 12));
	ck_assert_ptr_null(gen_find(g, "other.example", 13));
	ck_assert_ptr_eq(gen_find(g, "NOTES.example", 13), g->capsules[2]);
	ck_assert_ptr_eq(gen_gopher(g, 7071), lists);
	ck_assert_ptr_eq(gen_gopher(g, 7070), top);
	ck_assert_ptr_null(gen_gopher(g, 7072));
	ck_assert(capsule_has_name(lists, "www.LISTS.example"));
	ck_assert(!capsule_has_name(lists, "notes.example"));
	/* Each capsule has its own snapshot. */
	ck_assert_ptr_nonnull(store_gemini(lists->store, "/", NULL));
	ck_assert_ptr_ne(lists->store, top->store);
	gen_unref(g);
	buf_release(&err);
}
END_TEST

START_TEST(test_capsules_failing_one_keeps_its_old)
{
	struct buf err = BUF_INIT;
	struct gen *g1 = load(make_config("lists", true), NULL, NULL, &err);
	struct gen *g2;

	ck_assert_msg(g1 != NULL, "%s", buf_str(&err));
	/* lists now names a folder that is not there: it stays as it was,
	 * and the config of the new generation says what is served. */
	g2 = load(make_config("gone", true), g1, NULL, &err);
	ck_assert_msg(g2 != NULL, "%s", buf_str(&err));
	ck_assert_uint_eq(g2->ncapsules, 3);
	ck_assert_ptr_eq(g2->capsules[1], g1->capsules[1]);
	ck_assert_ptr_nonnull(strstr(g2->config->capsules[1].content,
	    "/lists"));
	/* The others were loaded again, and share their unchanged pages. */
	ck_assert_ptr_ne(g2->capsules[2], g1->capsules[2]);
	ck_assert_uint_eq(store_reused(g2->capsules[2]->store), 1);
	/* Counts carry over to the capsule made again. */
	ck_assert_ptr_eq(g2->capsules[2]->counts, g1->capsules[2]->counts);
	gen_unref(g1);
	gen_unref(g2);
	buf_release(&err);
}
END_TEST

START_TEST(test_capsules_block_with_a_mistake_keeps_its_old)
{
	struct buf err = BUF_INIT, text = BUF_INIT;
	struct gen *g1 = load(make_config("lists", true), NULL, NULL, &err);
	struct config *cfg;
	struct gen *g2;

	ck_assert_msg(g1 != NULL, "%s", buf_str(&err));
	buf_printf(&text, "hostname top.example\ngopher_port 7070\n"
	    "content %s/top\ncapsule lists.example {\n\tcontent %s/lists\n"
	    "\tcert c\n\tkey k\n\tlang e n\n}\n"
	    "capsule notes.example {\n\tcontent %s/notes\n\tcert c\n"
	    "\tkey k\n\twrap 40\n}\n", root, root, root);
	cfg = config_parse_reload(text.data, text.len, "x.conf", &err);
	ck_assert_msg(cfg != NULL, "%s", buf_str(&err));
	g2 = load(cfg, g1, NULL, &err);
	ck_assert_ptr_nonnull(g2);
	/* lists keeps what it served, alias and port included; notes takes
	 * its change. */
	ck_assert_ptr_eq(g2->capsules[1], g1->capsules[1]);
	ck_assert_ptr_null(g2->config->capsules[1].error);
	ck_assert_uint_eq(g2->config->capsules[1].naliases, 1);
	ck_assert_ptr_eq(gen_gopher(g2, 7071), g2->capsules[1]);
	ck_assert_uint_eq(g2->capsules[2]->config.wrap, 40);
	gen_unref(g1);
	gen_unref(g2);
	buf_release(&text);
	buf_release(&err);
}
END_TEST

START_TEST(test_capsules_only_one_and_removal)
{
	struct buf err = BUF_INIT;
	struct gen *g1 = load(make_config("lists", true), NULL, NULL, &err);
	struct gen *g2, *g3;

	ck_assert_msg(g1 != NULL, "%s", buf_str(&err));
	/* A content change in notes: the others are the same objects. */
	g2 = load(config_dup(g1->config), g1, "notes.example", &err);
	ck_assert_ptr_nonnull(g2);
	ck_assert_ptr_eq(g2->capsules[0], g1->capsules[0]);
	ck_assert_ptr_eq(g2->capsules[1], g1->capsules[1]);
	ck_assert_ptr_ne(g2->capsules[2], g1->capsules[2]);
	/* notes taken out of the config: gone from the generation. */
	g3 = load(make_config("lists", false), g2, NULL, &err);
	ck_assert_ptr_nonnull(g3);
	ck_assert_uint_eq(g3->ncapsules, 2);
	ck_assert_ptr_null(gen_find(g3, "notes.example", 13));
	ck_assert_uint_eq(g3->config->ncapsules, 2);
	gen_unref(g1);
	gen_unref(g2);
	gen_unref(g3);
	buf_release(&err);
}
END_TEST

START_TEST(test_capsules_failing_at_start)
{
	struct buf err = BUF_INIT;

	/* Nothing is served yet: the capsule that fails stops the start. */
	ck_assert_ptr_null(load(make_config("gone", true), NULL, NULL, &err));
	ck_assert_msg(strncmp(err.data, "capsule lists.example: ", 23) == 0,
	    "%s", err.data);
	buf_release(&err);
}
END_TEST

Suite *
capsules_test_suite(void)
{
	Suite *s = suite_create("capsules");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, capsules_setup, capsules_teardown);
	tcase_add_test(tc, test_capsules_lookups);
	tcase_add_test(tc, test_capsules_failing_one_keeps_its_old);
	tcase_add_test(tc, test_capsules_block_with_a_mistake_keeps_its_old);
	tcase_add_test(tc, test_capsules_only_one_and_removal);
	tcase_add_test(tc, test_capsules_failing_at_start);
	suite_add_tcase(s, tc);
	return s;
}
