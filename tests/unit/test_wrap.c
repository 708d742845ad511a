/* test_wrap: word-wrapping by columns. */
#include <string.h>

#include "buf.h"
#include "tests.h"
#include "utf8.h"
#include "wrap.h"

static void
collect_cb(void *ctx, const char *prefix, size_t prefix_len,
    const char *line, size_t len)
{
	struct buf *b = ctx;

	buf_add(b, prefix, prefix_len);
	buf_add(b, line, len);
	buf_addc(b, '|');
}

START_TEST(test_wrap_breaks_at_spaces)
{
	struct buf b = BUF_INIT;
	const char *t = "aaaa bbbb cccc dddd eeee ffff gggg hhhh";

	wrap_text(t, strlen(t), 20, "* ", "  ", collect_cb, &b);
	ck_assert_str_eq(b.data, "* aaaa bbbb cccc|  dddd eeee ffff|"
	    "  gggg hhhh|");
	buf_clear(&b);
	/* A prefix too long for the line is cut to leave 10 columns. */
	wrap_text("xx yy", 5, 20, "> > > > > > > > > > ", "", collect_cb,
	    &b);
	ck_assert_str_eq(b.data, "> > > > > xx yy|");
	buf_release(&b);
}
END_TEST

START_TEST(test_wrap_counts_characters_not_bytes)
{
	struct buf b = BUF_INIT;
	/* 20 two-byte characters, then a word: fits on one 25-column
	 * line only when characters are counted, not bytes. */
	const char *t = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 abc";

	wrap_text(t, strlen(t), 25, "", "", collect_cb, &b);
	ck_assert_uint_eq(b.len, strlen(t) + 1);
	buf_release(&b);
}
END_TEST

START_TEST(test_wrap_splits_long_words_on_characters)
{
	struct buf b = BUF_INIT;
	char word[200];
	const char *line, *bar;

	for (int i = 0; i < 66; i++)
		memcpy(word + i * 3, "\xe2\x82\xac", 3);
	wrap_text(word, 198, 20, "", "", collect_cb, &b);
	for (line = b.data; (bar = strchr(line, '|')) != NULL;
	    line = bar + 1) {
		ck_assert(utf8_is_valid(line, (size_t)(bar - line)));
		ck_assert_uint_le(utf8_columns(line, (size_t)(bar - line)), 20);
	}
	buf_release(&b);
}
END_TEST

START_TEST(test_wrap_hard_breaks_and_empty)
{
	struct buf b = BUF_INIT;

	wrap_text("one\ntwo", 7, 70, "> ", "> ", collect_cb, &b);
	ck_assert_str_eq(b.data, "> one|> two|");
	buf_clear(&b);
	wrap_text("", 0, 70, "* ", "  ", collect_cb, &b);
	ck_assert_str_eq(b.data, "* |");
	buf_release(&b);
}
END_TEST

/* "Title [4] - Author": the dash goes down with the author, never left
 * alone at a line's end. */
START_TEST(test_wrap_keeps_dash_with_next_word)
{
	struct buf b = BUF_INIT;
	const char *t = "aaaa bbbb cccc [4] - Andy Warfield";

	wrap_text(t, strlen(t), 20, "", "", collect_cb, &b);
	ck_assert_str_eq(b.data, "aaaa bbbb cccc [4]|- Andy Warfield|");
	buf_clear(&b);
	t = "aaaa bbbb cccc dd \xe2\x80\x94 Author";
	wrap_text(t, strlen(t), 20, "", "", collect_cb, &b);
	ck_assert_str_eq(b.data, "aaaa bbbb cccc dd|\xe2\x80\x94 Author|");
	buf_clear(&b);
	/* A dash at the very end stays where it is. */
	wrap_text("aaaa -", 6, 20, "", "", collect_cb, &b);
	ck_assert_str_eq(b.data, "aaaa -|");
	buf_release(&b);
}
END_TEST

Suite *
wrap_test_suite(void)
{
	Suite *s = suite_create("wrap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_wrap_breaks_at_spaces);
	tcase_add_test(tc, test_wrap_counts_characters_not_bytes);
	tcase_add_test(tc, test_wrap_splits_long_words_on_characters);
	tcase_add_test(tc, test_wrap_hard_breaks_and_empty);
	tcase_add_test(tc, test_wrap_keeps_dash_with_next_word);
	suite_add_tcase(s, tc);
	return s;
}
