/* test_answer: the Gemini and Gopher answer functions, called through
 * their protocol tables, for every status and item type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "gemini.h"
#include "gopher.h"
#include "proto.h"
#include "store.h"
#include "tests.h"

#define NOWHERE	"\t\terror.host\t1\r\n"

static char folder[64];
static struct store *snapshot;

static void
put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", folder, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
answer_setup(void)
{
	struct store_params p = { folder, "capsule.example", 70, 1965, "en",
	    70, NULL, false, 0, 0, NULL };
	struct buf err = BUF_INIT;
	char path[256];

	strcpy(folder, "/tmp/capsuled-answer-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(folder));
	snprintf(path, sizeof(path), "%s/sub", folder);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	put("index.md", "# Home\n\n* [Designing Data-Intensive Applications]"
	    "(https://dataintensive.net/) - Martin Kleppmann\n");
	put("sub/notes.txt", "notes\n");
	put("sub/photo.png", "\x89PNG");
	snapshot = build_snapshot(&p, &err);
	ck_assert_msg(snapshot != NULL, "%s", buf_str(&err));
	buf_release(&err);
}

static void
answer_teardown(void)
{
	char cmd[128];

	store_unref(snapshot);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", folder);
	ck_assert_int_eq(system(cmd), 0);
}

/* Answers one line through a protocol's table, as the capsule called
 * name (NULL: capsule.example, also www.capsule.example) would. */
static void
answer(const struct proto *proto, const char *line, const char *name,
    struct reply *reply)
{
	static char www[] = "www.capsule.example";
	static char *const aliases[] = { www };
	struct proto_ctx ctx = { snapshot, name != NULL ? name :
	    "capsule.example", aliases, name != NULL ? 0 : 1, 1965 };
	char copy[2048];
	size_t len = strlen(line);

	memset(reply, 0, sizeof(*reply));
	memcpy(copy, line, len + 1);
	proto->answer(&ctx, copy, len, reply);
}

static const struct {
	const char		*line;
	enum reply_status	 status;
	int			 logged;
	const char		*head;	/* the whole head, or NULL: an entry */
} gemini_cases[] = {
	{ "gemini://capsule.example/", REPLY_FOUND, 20, NULL },
	{ "gemini://capsule.example/sub/notes.txt", REPLY_FOUND, 20, NULL },
	{ "gemini://capsule.example/search", REPLY_INPUT, 10,
	  "10 Search the reading list\r\n" },
	{ "gemini://capsule.example/sub", REPLY_REDIRECT, 31,
	  "31 /sub/\r\n" },
	{ "gemini://capsule.example/nothing", REPLY_NOT_FOUND, 51,
	  "51 Not found\r\n" },
	{ "gemini://capsule.example/#x", REPLY_BAD_REQUEST, 59,
	  "59 fragment in URL\r\n" },
	{ "gemini://other.example/", REPLY_REFUSED, 53,
	  "53 another host\r\n" },
	{ "https://capsule.example/", REPLY_REFUSED, 53,
	  "53 not a gemini:// URL\r\n" },
	{ "gemini://capsule.example/search?%zz", REPLY_BAD_REQUEST, 59,
	  "59 malformed percent-encoding in query\r\n" },
	{ "gemini://capsule.example/search?nothing%20here", REPLY_FOUND, 20,
	  "20 text/gemini; charset=utf-8; lang=en\r\n# Search: nothing here"
	  "\n\nNo entry matches.\n\n=> /search Search again\n=> / Home\n" },
	{ "gemini://capsule.example/search?", REPLY_INPUT, 10,
	  "10 Search the reading list\r\n" },
	{ "gemini://capsule.example/search/2?", REPLY_INPUT, 10,
	  "10 Search the reading list\r\n" },
	{ "gemini://capsule.example/search?%20", REPLY_INPUT, 10,
	  "10 Search the reading list\r\n" },
	{ "gemini://capsule.example/search?+", REPLY_INPUT, 10,
	  "10 Search the reading list\r\n" },
	{ "gemini://capsule.example/search?nothing+here", REPLY_FOUND, 20,
	  "20 text/gemini; charset=utf-8; lang=en\r\n# Search: nothing here"
	  "\n\nNo entry matches.\n\n=> /search Search again\n=> / Home\n" },
	{ "gemini://capsule.example/search?kleppmann", REPLY_FOUND, 20,
	  "20 text/gemini; charset=utf-8; lang=en\r\n# Search: kleppmann\n\n"
	  "1 entry matches.\n\n## Other\n=> https://dataintensive.net/ "
	  "Designing Data-Intensive Applications - Martin Kleppmann\n\n"
	  "=> /search Search again\n=> / Home\n" },
};

START_TEST(test_gemini_answers)
{
	struct reply r;

	answer(&gemini_proto, gemini_cases[_i].line, NULL, &r);
	ck_assert_int_eq(r.status, gemini_cases[_i].status);
	ck_assert_int_eq(gemini_proto.log_status(r.status),
	    gemini_cases[_i].logged);
	if (gemini_cases[_i].head == NULL) {
		ck_assert_uint_eq(r.head.len, 0);
		ck_assert_ptr_nonnull(r.entry);
	} else {
		ck_assert_ptr_null(r.entry);
		ck_assert_str_eq(buf_str(&r.head), gemini_cases[_i].head);
	}
	buf_release(&r.head);
}
END_TEST

START_TEST(test_gemini_answer_entries_and_errors)
{
	struct reply r;

	answer(&gemini_proto, "gemini://capsule.example/", NULL, &r);
	ck_assert_ptr_eq(r.entry, store_gemini(snapshot, "/", NULL));
	answer(&gemini_proto, "gemini://WWW.capsule.example/", NULL, &r);
	ck_assert_ptr_eq(r.entry, store_gemini(snapshot, "/", NULL));
	/* The handshake picked another capsule: this one's host is refused
	 * (the client checked the other's certificate). */
	answer(&gemini_proto, "gemini://capsule.example/", "other.example",
	    &r);
	ck_assert_int_eq(r.status, REPLY_REFUSED);
	buf_release(&r.head);
	/* What the transport asks of the protocol. */
	memset(&r, 0, sizeof(r));
	gemini_proto.error(&r, REPLY_SLOW_DOWN, "5");
	ck_assert_str_eq(buf_str(&r.head), "44 5\r\n");
	ck_assert_int_eq(gemini_proto.log_status(r.status), 44);
	gemini_proto.error(&r, REPLY_BAD_REQUEST,
	    "request longer than 1024 bytes");
	ck_assert_str_eq(buf_str(&r.head),
	    "59 request longer than 1024 bytes\r\n");
	gemini_proto.error(&r, REPLY_NOT_FOUND, "Not found");
	ck_assert_str_eq(buf_str(&r.head), "51 Not found\r\n");
	gemini_proto.error(&r, REPLY_UNAVAILABLE, "busy\r\n20 x");
	/* No META can add a line. */
	ck_assert_str_eq(buf_str(&r.head), "40 busy  20 x\r\n");
	ck_assert_int_eq(gemini_proto.log_status(REPLY_NONE), 0);
	buf_release(&r.head);
}
END_TEST

/* Gopher search answers end as Gemini's do: search again, home. */
#define SEARCH_FOOTER	"7Search again\t/search\tcapsule.example\t70\r\n" \
			"1Home\t/\tcapsule.example\t70\r\n"

static const struct {
	const char		*line;
	enum reply_status	 status;
	int			 logged;
	const char		*head;	/* the whole head, or NULL: an entry */
	const char		*entry;	/* the entry's selector */
} gopher_cases[] = {
	{ "", REPLY_FOUND, 20, NULL, "" },
	{ "/sub/", REPLY_FOUND, 20, NULL, "/sub/" },
	{ "sub", REPLY_FOUND, 20, NULL, "/sub/" },
	{ "/sub/notes.txt", REPLY_FOUND, 20, NULL, "/sub/notes.txt" },
	{ "/sub/photo.png\t+", REPLY_FOUND, 20, NULL, "/sub/photo.png" },
	{ "/index.txt", REPLY_FOUND, 20, NULL, "/index.txt" },
	{ "/sub/%6Eotes.txt", REPLY_FOUND, 20, NULL, "/sub/notes.txt" },
	{ "/search", REPLY_INPUT, 10, "iSearch the reading list: send words "
	  "after a TAB (a type 7 item)" NOWHERE ".\r\n", NULL },
	{ "/search\tnothing", REPLY_FOUND, 20, "iSearch: nothing" NOWHERE
	  "iNo entry matches." NOWHERE "i" NOWHERE SEARCH_FOOTER ".\r\n",
	  NULL },
	{ "/search\tKLEPP", REPLY_FOUND, 20, "iSearch: KLEPP" NOWHERE
	  "i1 entry matches." NOWHERE "i" NOWHERE "iOther" NOWHERE
	  "hDesigning Data-Intensive Applications - Martin Kleppmann\t"
	  "URL:https://dataintensive.net/\tcapsule.example\t70\r\n"
	  "i" NOWHERE SEARCH_FOOTER ".\r\n", NULL },
	{ "/search\t\x01", REPLY_BAD_REQUEST, 59,
	  "3control byte in query" NOWHERE ".\r\n", NULL },
	{ "URL:javascript:alert(1)", REPLY_BAD_REQUEST, 59,
	  "3URL scheme not allowed" NOWHERE ".\r\n", NULL },
	{ "/nothing", REPLY_NOT_FOUND, 51,
	  "3Not found: /nothing" NOWHERE ".\r\n", NULL },
	{ "/../etc/passwd", REPLY_REFUSED, 59,
	  "3refused: the path climbs above the root" NOWHERE ".\r\n", NULL },
	{ "/a\rb", REPLY_BAD_REQUEST, 59,
	  "3CR or LF inside request" NOWHERE ".\r\n", NULL },
};

START_TEST(test_gopher_answers)
{
	struct reply r;

	answer(&gopher_proto, gopher_cases[_i].line, NULL, &r);
	ck_assert_int_eq(r.status, gopher_cases[_i].status);
	ck_assert_int_eq(gopher_proto.log_status(r.status),
	    gopher_cases[_i].logged);
	if (gopher_cases[_i].head == NULL) {
		ck_assert_uint_eq(r.head.len, 0);
		ck_assert_ptr_nonnull(r.entry);
		ck_assert_ptr_eq(r.entry, store_gopher(snapshot,
		    gopher_cases[_i].entry, NULL));
	} else {
		ck_assert_ptr_null(r.entry);
		ck_assert_str_eq(buf_str(&r.head), gopher_cases[_i].head);
	}
	buf_release(&r.head);
}
END_TEST

/* Each kind of file gets its item type in the generated menu. */
START_TEST(test_gopher_item_types)
{
	const struct store_entry *menu = store_gopher(snapshot, "/sub/", NULL);
	const char *lines[] = {
		"1Parent folder\t/\tcapsule.example\t70\r\n",
		"0notes.txt\t/sub/notes.txt\tcapsule.example\t70\r\n",
		"pphoto.png\t/sub/photo.png\tcapsule.example\t70\r\n",
	};

	ck_assert_ptr_nonnull(menu);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(memmem(menu->part[0].data, menu->len, lines[i],
		    strlen(lines[i])) != NULL, "%s not in %.*s", lines[i],
		    (int)menu->len, menu->part[0].data);
}
END_TEST

START_TEST(test_gopher_error_answers)
{
	struct reply r;

	memset(&r, 0, sizeof(r));
	gopher_proto.error(&r, REPLY_SLOW_DOWN, "5");
	ck_assert_str_eq(buf_str(&r.head), "3Too many requests from your "
	    "address; retry in 5 s" NOWHERE ".\r\n");
	ck_assert_int_eq(gopher_proto.log_status(r.status), 44);
	gopher_proto.error(&r, REPLY_BAD_REQUEST, "bad\tfield\r\nx");
	/* No message can add a field or a line. */
	ck_assert_str_eq(buf_str(&r.head), "3bad field  x" NOWHERE ".\r\n");
	gopher_proto.error(&r, REPLY_NOT_FOUND, "Not found");
	ck_assert_int_eq(gopher_proto.log_status(r.status), 51);
	ck_assert_int_eq(gopher_proto.log_status(REPLY_UNAVAILABLE), 40);
	ck_assert_int_eq(gopher_proto.log_status(REPLY_NONE), 0);
	buf_release(&r.head);
}
END_TEST

Suite *
answer_test_suite(void)
{
	Suite *s = suite_create("answer");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, answer_setup, answer_teardown);
	tcase_add_loop_test(tc, test_gemini_answers, 0,
	    sizeof(gemini_cases) / sizeof(gemini_cases[0]));
	tcase_add_test(tc, test_gemini_answer_entries_and_errors);
	tcase_add_loop_test(tc, test_gopher_answers, 0,
	    sizeof(gopher_cases) / sizeof(gopher_cases[0]));
	tcase_add_test(tc, test_gopher_item_types);
	tcase_add_test(tc, test_gopher_error_answers);
	suite_add_tcase(s, tc);
	return s;
}
