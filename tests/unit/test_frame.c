/* test_frame: the request framer's table of cases. */
#include <string.h>

#include "frame.h"
#include "tests.h"

static const struct frame_rules gemini_rules = { 8, false, false };
static const struct frame_rules gopher_rules = { 8, true, true };

static const struct {
	const char		*data;
	bool			 eof;
	const struct frame_rules *rules;
	enum frame_result	 result;
	size_t			 line_len;
	size_t			 used;
} cases[] = {
	/* Gemini: CR LF only, closing ends nothing. */
	{ "abc\r\n", false, &gemini_rules, FRAME_LINE, 3, 5 },
	{ "\r\n", false, &gemini_rules, FRAME_LINE, 0, 2 },
	{ "abc\r\nrest", false, &gemini_rules, FRAME_LINE, 3, 5 },
	{ "abc", false, &gemini_rules, FRAME_MORE, 0, 0 },
	{ "abc\r", false, &gemini_rules, FRAME_MORE, 0, 0 },
	{ "abc", true, &gemini_rules, FRAME_MORE, 0, 0 },
	{ "abc\n", false, &gemini_rules, FRAME_BARE_LF, 3, 4 },
	{ "12345678\r\n", false, &gemini_rules, FRAME_LINE, 8, 10 },
	{ "12345678\r", false, &gemini_rules, FRAME_MORE, 0, 0 },
	{ "12345678", false, &gemini_rules, FRAME_MORE, 0, 0 },
	{ "123456789", false, &gemini_rules, FRAME_TOO_LONG, 0, 0 },
	{ "123456789\r\n", false, &gemini_rules, FRAME_TOO_LONG, 0, 0 },
	{ "123456789", true, &gemini_rules, FRAME_TOO_LONG, 0, 0 },
	{ "1234567890\n", false, &gemini_rules, FRAME_TOO_LONG, 0, 0 },
	/* Gopher: LF alone ends a line, and so does closing. */
	{ "abc\n", false, &gopher_rules, FRAME_LINE, 3, 4 },
	{ "abc\r\n", false, &gopher_rules, FRAME_LINE, 3, 5 },
	{ "\n", false, &gopher_rules, FRAME_LINE, 0, 1 },
	{ "abc", false, &gopher_rules, FRAME_MORE, 0, 0 },
	{ "abc", true, &gopher_rules, FRAME_LINE, 3, 3 },
	{ "abc\r", true, &gopher_rules, FRAME_LINE, 3, 4 },
	{ "", true, &gopher_rules, FRAME_MORE, 0, 0 },
	{ "12345678", true, &gopher_rules, FRAME_LINE, 8, 8 },
	/* The same too-long line, however it ends. */
	{ "123456789\r\n", false, &gopher_rules, FRAME_TOO_LONG, 0, 0 },
	{ "123456789\n", false, &gopher_rules, FRAME_TOO_LONG, 0, 0 },
	{ "123456789\n", false, &gemini_rules, FRAME_TOO_LONG, 0, 0 },
	{ "123456789", true, &gopher_rules, FRAME_TOO_LONG, 0, 0 },
	{ "123456789", false, &gopher_rules, FRAME_TOO_LONG, 0, 0 },
};

START_TEST(test_frame_cases)
{
	size_t line_len = 99, used = 99;
	enum frame_result r = frame_line(cases[_i].data,
	    strlen(cases[_i].data), cases[_i].eof, cases[_i].rules,
	    &line_len, &used);

	ck_assert_msg(r == cases[_i].result, "case %d: result %d, want %d",
	    _i, r, cases[_i].result);
	ck_assert_msg(line_len == cases[_i].line_len,
	    "case %d: line_len %zu", _i, line_len);
	ck_assert_msg(used == cases[_i].used, "case %d: used %zu", _i, used);
}
END_TEST

/* Whatever the length, no more than max + 2 bytes are looked at. */
START_TEST(test_frame_looks_no_further_than_max)
{
	char data[64];
	size_t line_len, used;

	memset(data, 'x', sizeof(data));
	data[40] = '\n';
	ck_assert_int_eq(frame_line(data, sizeof(data), false, &gopher_rules,
	    &line_len, &used), FRAME_TOO_LONG);
	ck_assert_uint_eq(used, 0);
}
END_TEST

Suite *
frame_test_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_frame_cases, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_frame_looks_no_further_than_max);
	suite_add_tcase(s, tc);
	return s;
}
