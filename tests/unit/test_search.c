/* test_search: the index, matching rules, ordering and limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "render.h"
#include "search.h"
#include "tests.h"
#include "utf8.h"

static const char list_md[] =
    "# List\n\n"
    "## Papers\n\n"
    "* [Time, Clocks](https://lamport.example/clocks) - Leslie Lamport\n"
    "* [Paxos Made Simple](https://lamport.example/paxos) - Lamport\n"
    "* [Raft](https://raft.github.io/) - Diego Ongaro\n\n"
    "## Lamport's books\n\n"
    "* [Specifying Systems](https://books.example/tla) - L. Lamport\n"
    "* [Caf\xc3\xa9 \xc3\x89tudes](https://cafe.example/) - \xc3\x89MILE\n";

static struct search_index *
make_index(void)
{
	struct search_index *index = search_new();
	struct doc *doc = doc_parse(list_md, sizeof(list_md) - 1);
	struct render_opts opts;

	render_opts_init(&opts);
	search_add_doc(index, doc, &opts, &opts);
	doc_free(doc);
	return index;
}

/* The titles found for query, as "title|title|". */
static void
titles(const struct search_index *index, const char *query, struct buf *out)
{
	struct search_result *r;
	const char *why;
	int n = search_query(index, query, strlen(query), &r, &why);
	size_t len;

	ck_assert_msg(n >= 0, "%s: %s", query, why);
	for (int i = 0; i < n; i++) {
		/* The gemtext line "=> URL Title - Author\n": keep Title. */
		const char *t = strchr(search_result_text(&r[i], false, &len) +
		    3, ' ') + 1;

		buf_add(out, t, strcspn(t, "-\n") - 1);
		buf_addc(out, '|');
	}
	free(r);
}

static const struct {
	const char	*query;
	const char	*titles;
} queries[] = {
	{ "raft", "Raft|" },
	{ "RAFT", "Raft|" },
	{ "ongaro", "Raft|" },
	{ "ong", "Raft|" },			/* a prefix */
	{ "aft", "" },				/* not inside a word */
	{ "paxos simple", "Paxos Made Simple|" },	/* every word */
	{ "paxos raft", "" },
	{ "github", "Raft|" },			/* the link's host */
	{ "papers", "Time, Clocks|Paxos Made Simple|Raft|" },	/* section */
	/* Author matches before section matches, then list order. */
	{ "lamport", "Time, Clocks|Paxos Made Simple|Specifying Systems|"
	  "Caf\xc3\xa9 \xc3\x89tudes|" },
	/* Title matches before author matches. */
	{ "specifying lamport", "Specifying Systems|" },
	{ "clocks", "Time, Clocks|" },
	{ "books", "Specifying Systems|Caf\xc3\xa9 \xc3\x89tudes|" },
	{ "caf\xc3\xa9", "Caf\xc3\xa9 \xc3\x89tudes|" },
	{ "CAF\xc3\x89", "Caf\xc3\xa9 \xc3\x89tudes|" },	/* Latin case */
	{ "\xc3\xa9mile", "Caf\xc3\xa9 \xc3\x89tudes|" },
	{ "\xc3\xa9tu", "Caf\xc3\xa9 \xc3\x89tudes|" },
	{ "caf", "Caf\xc3\xa9 \xc3\x89tudes|" },
	{ "nothing", "" },
	{ "  ,,, ", "" },			/* no words: no match */
};

START_TEST(test_search_queries)
{
	struct search_index *index = make_index();
	struct buf got = BUF_INIT;

	ck_assert_uint_eq(search_count(index), 5);
	titles(index, queries[_i].query, &got);
	ck_assert_msg(strcmp(buf_str(&got), queries[_i].titles) == 0,
	    "%s: got %s", queries[_i].query, buf_str(&got));
	buf_release(&got);
	search_free(index);
}
END_TEST

START_TEST(test_search_title_outranks_list_order)
{
	struct search_index *index = make_index();
	struct search_result *r;
	const char *why;
	/* "specifying" is in a title late in the list; "lamport" in the
	 * author of earlier entries: the title match goes first. */
	int n = search_query(index, "lamport specifying", 18, &r, &why);

	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(search_result_section(&r[0]), "Lamport's books");
	free(r);
	search_free(index);
}
END_TEST

START_TEST(test_search_limits)
{
	struct search_index *index = make_index();
	struct search_result *r;
	const char *why = NULL;
	char big[SEARCH_MAX_QUERY + 2];

	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(search_query(index, big, SEARCH_MAX_QUERY + 1, &r,
	    &why), -1);
	ck_assert_str_eq(why, "query longer than 256 bytes");
	ck_assert_int_eq(search_query(index, big, SEARCH_MAX_QUERY, &r, &why),
	    0);
	free(r);
	ck_assert_int_eq(search_query(index, "a\tb", 3, &r, &why), -1);
	ck_assert_str_eq(why, "control byte in query");
	ck_assert_int_eq(search_query(index, "caf\xc3", 4, &r, &why), -1);
	ck_assert_str_eq(why, "query is not UTF-8");
	search_free(index);
}
END_TEST

START_TEST(test_search_entries_render_like_the_page)
{
	struct search_index *index = make_index();
	struct search_result *r;
	const char *why, *text;
	size_t len;

	ck_assert_int_eq(search_query(index, "raft", 4, &r, &why), 1);
	text = search_result_text(&r[0], false, &len);
	ck_assert_uint_eq(len, 47);
	ck_assert(memcmp(text,
	    "=> https://raft.github.io/ Raft - Diego Ongaro\n", 47) == 0);
	text = search_result_text(&r[0], true, &len);
	ck_assert_uint_eq(len, 63);
	ck_assert(memcmp(text, "hRaft - Diego Ongaro\t"
	    "URL:https://raft.github.io/\tlocalhost\t70\r\n", 63) == 0);
	ck_assert_str_eq(search_result_section(&r[0]), "Papers");
	free(r);
	search_free(index);
}
END_TEST

START_TEST(test_search_group_by_section)
{
	static const char md[] =
	    "## A\n\n* [one](https://x.example/1)\n\n"
	    "## B\n\n* [two](https://x.example/2)\n\n"
	    "## A\n\n* [three](https://x.example/3)\n\n"
	    "## C\n\n* [four](https://x.example/4)\n\n"
	    "## B\n\n* [five](https://x.example/5)\n";
	struct search_index *index = search_new();
	struct doc *doc = doc_parse(md, sizeof(md) - 1);
	struct render_opts opts;
	struct search_result *r;
	const char *why;
	struct buf got = BUF_INIT;

	render_opts_init(&opts);
	search_add_doc(index, doc, &opts, &opts);
	ck_assert_int_eq(search_query(index, "x", 1, &r, &why), 5);
	search_group(r, 5);
	/* Sections in order of their best (first) result, and within a
	 * section the results keep their rank. */
	for (size_t i = 0; i < 5; i++) {
		size_t len;
		const char *t = search_result_text(&r[i], false, &len);

		buf_adds(&got, search_result_section(&r[i]));
		buf_addc(&got, ' ');
		buf_add(&got, t + 23, strcspn(t + 23, "\n"));
		buf_addc(&got, '|');
	}
	ck_assert_str_eq(buf_str(&got), "A one|A three|B two|B five|C four|");
	buf_release(&got);
	free(r);
	doc_free(doc);
	search_free(index);
}
END_TEST

START_TEST(test_search_fold_words)
{
	struct buf b = BUF_INIT;
	const char *s = "Hello, WORLD\xe2\x80\x94" "Caf\xc3\x89 \xc5\xb8 "
	    "\xd0\x9c\xd0\x98\xd0\xa0 \xce\xa3";

	search_fold_words(&b, s, strlen(s));
	ck_assert_str_eq(b.data, " hello world caf\xc3\xa9 \xc3\xbf "
	    "\xd0\xbc\xd0\xb8\xd1\x80 \xcf\x83 ");
	ck_assert_uint_eq(utf8_fold(0x100), 0x101);
	ck_assert_uint_eq(utf8_fold(0x139), 0x13a);
	ck_assert_uint_eq(utf8_fold(0xd7), 0xd7);
	buf_release(&b);
}
END_TEST

START_TEST(test_search_page_words)
{
	struct buf b = BUF_INIT;
	size_t first = 99;

	search_summary(&b, 0, 0, 0);
	ck_assert_str_eq(buf_str(&b), "No entry matches.");
	buf_clear(&b);
	search_summary(&b, 1, 0, 1);
	ck_assert_str_eq(buf_str(&b), "1 entry matches.");
	buf_clear(&b);
	search_summary(&b, 120, 50, 50);
	ck_assert_str_eq(buf_str(&b), "120 entries match; 51-100 shown.");
	buf_clear(&b);
	search_summary(&b, 120, 499, 0);
	ck_assert_str_eq(buf_str(&b), "120 entries match; none from 500 on.");
	buf_release(&b);
	ck_assert(search_page_path("/search", &first) && first == 0);
	ck_assert(search_page_path("/search/51", &first) && first == 50);
	ck_assert(!search_page_path("/search/0", &first));
	ck_assert(!search_page_path("/search/5x", &first));
	ck_assert(!search_page_path("/searches", &first));
	ck_assert(!search_page_path("/search/", &first));
	/* Too long: whole lines only. */
	ck_assert_uint_eq(search_fit("ab\ncd\n", 6, 100), 6);
	ck_assert_uint_eq(search_fit("ab\ncd\n", 6, 5), 3);
	ck_assert_uint_eq(search_fit("abcdef\n", 7, 3), 0);
}
END_TEST

Suite *
search_test_suite(void)
{
	Suite *s = suite_create("search");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_search_queries, 0,
	    sizeof(queries) / sizeof(queries[0]));
	tcase_add_test(tc, test_search_title_outranks_list_order);
	tcase_add_test(tc, test_search_limits);
	tcase_add_test(tc, test_search_entries_render_like_the_page);
	tcase_add_test(tc, test_search_group_by_section);
	tcase_add_test(tc, test_search_fold_words);
	tcase_add_test(tc, test_search_page_words);
	suite_add_tcase(s, tc);
	return s;
}
