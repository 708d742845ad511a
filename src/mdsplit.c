/*
 * mdsplit: cuts that leave cmark-gfm's parse unchanged.
 *
 * A cut falls only before an ATX heading at column 0 that follows a blank
 * line.  The blank line has ended every paragraph, table, block quote and
 * HTML block of kinds 6 and 7; the heading, which no container's indent
 * holds and which is never a lazy line, ends every list item.  Only two
 * blocks at the top level run on over both: a fenced code block and an
 * HTML block of kinds 1 to 5 (<pre>, <!--, <?, <!X, <![CDATA[), and the
 * scan follows those from the first line.
 *
 * Whatever the scan cannot be sure of stops the cutting for the rest of the
 * text: a fence or such an HTML block indented 2 or 3 columns (it may sit
 * in a list item, which ends sooner than the block would), either of them
 * among the lines of a paragraph or an HTML block that may be one or the
 * other, and the starts whose kind changed between CommonMark versions.
 * So do link reference definitions and footnotes, which are resolved
 * across the whole text (any "]:"), and a CR alone, which ends a line for
 * CommonMark but not for this scan.  A text that is never cut is parsed
 * whole, as before.
 */
#include "mdsplit.h"

#include <string.h>
#include <strings.h>

enum mdsplit_state {
	MDSPLIT_NORMAL,
	MDSPLIT_FENCE,		/* in a fenced code block at the top */
	MDSPLIT_HTML,		/* in an HTML block of kinds 1 to 5 */
	MDSPLIT_UNTIL_BLANK,	/* in an HTML block of kind 6 or 7, or in
				 * a paragraph: which one is not known */
	MDSPLIT_STUCK,		/* no cut from here on */
};

/* One line of the text, its line ending left out. */
struct mdsplit_line {
	const char	*start;
	const char	*end;
	const char	*first;		/* its first byte that is not blank */
	size_t		 indent;	/* the columns before first */
};

static void
mdsplit_read_line(const struct mdsplit *s, struct mdsplit_line *l,
    size_t *next)
{
	const char *p = s->md + s->pos, *stop = s->md + s->len;
	const char *nl = memchr(p, '\n', (size_t)(stop - p));

	l->start = p;
	l->end = nl != NULL ? nl : stop;
	*next = nl != NULL ? (size_t)(nl + 1 - s->md) : s->len;
	if (l->end > l->start && l->end[-1] == '\r')
		l->end--;
	l->indent = 0;
	for (; p < l->end && (*p == ' ' || *p == '\t'); p++)
		l->indent += *p == '\t' ? 4 - l->indent % 4 : 1;
	l->first = p;
}

static size_t
mdsplit_run(const char *p, const char *end, char c)
{
	size_t n = 0;

	while (p + n < end && p[n] == c)
		n++;
	return n;
}

/* Whether the line opens a fence (CommonMark: no ` in a ``` info). */
static bool
mdsplit_opens_fence(const struct mdsplit_line *l)
{
	size_t n;

	if (l->indent > 3 || l->first == l->end ||
	    (*l->first != '`' && *l->first != '~'))
		return false;
	n = mdsplit_run(l->first, l->end, *l->first);
	if (n < 3)
		return false;
	return *l->first == '~' || memchr(l->first + n, '`',
	    (size_t)(l->end - l->first - n)) == NULL;
}

static bool
mdsplit_closes_fence(const struct mdsplit *s, const struct mdsplit_line *l)
{
	size_t n;

	if (l->indent > 3)
		return false;
	n = mdsplit_run(l->first, l->end, s->fence_char);
	if (n < s->fence_len)
		return false;
	for (const char *p = l->first + n; p < l->end; p++)
		if (*p != ' ' && *p != '\t')
			return false;
	return true;
}

/* Whether p (up to end) starts with word, any case, then a tag's end. */
static bool
mdsplit_tag_named(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - p) < n || strncasecmp(p, word, n) != 0)
		return false;
	return p + n == end || p[n] == ' ' || p[n] == '\t' || p[n] == '>';
}

static bool
mdsplit_has(const char *p, const char *end, const char *marker,
    bool any_case)
{
	size_t n = strlen(marker);

	for (; (size_t)(end - p) >= n; p++)
		if (any_case ? strncasecmp(p, marker, n) == 0 :
		    memcmp(p, marker, n) == 0)
			return true;
	return false;
}

/*
 * The kind (1 to 5) of the HTML block the line opens, 0 for none of them,
 * -1 for a start whose kind differs between CommonMark versions.
 */
static int
mdsplit_html_kind(const struct mdsplit_line *l)
{
	const char *p = l->first, *end = l->end;

	if (l->indent > 3 || end - p < 2 || *p != '<')
		return 0;
	p++;
	if (mdsplit_tag_named(p, end, "script") ||
	    mdsplit_tag_named(p, end, "pre") ||
	    mdsplit_tag_named(p, end, "style"))
		return 1;
	if (mdsplit_tag_named(p, end, "textarea"))
		return -1;
	if (end - p >= 3 && memcmp(p, "!--", 3) == 0)
		return 2;
	if (*p == '?')
		return 3;
	if (end - p >= 8 && strncasecmp(p, "![CDATA[", 8) == 0)
		return 5;
	if (*p == '!' && end - p >= 2 && p[1] >= 'A' && p[1] <= 'Z')
		return 4;
	if (*p == '!' && end - p >= 2 && p[1] >= 'a' && p[1] <= 'z')
		return -1;
	return 0;
}

/* Whether the line holds the end of an HTML block of the given kind. */
static bool
mdsplit_ends_html(int kind, const char *p, const char *end)
{
	switch (kind) {
	case 1:
		return mdsplit_has(p, end, "</script>", true) ||
		    mdsplit_has(p, end, "</pre>", true) ||
		    mdsplit_has(p, end, "</style>", true);
	case 2:
		return mdsplit_has(p, end, "-->", false);
	case 3:
		return mdsplit_has(p, end, "?>", false);
	case 4:
		return memchr(p, '>', (size_t)(end - p)) != NULL;
	default:
		return mdsplit_has(p, end, "]]>", false);
	}
}

/* Whether a part may start with the line: an ATX heading at column 0. */
static bool
mdsplit_is_cut(const struct mdsplit *s, const struct mdsplit_line *l)
{
	size_t n;

	if (s->state != MDSPLIT_NORMAL || !s->after_blank || l->indent > 0)
		return false;
	n = mdsplit_run(l->first, l->end, '#');
	return n >= 1 && n <= 6 && (l->first + n == l->end ||
	    l->first[n] == ' ' || l->first[n] == '\t');
}

/* A line read where no block that matters is open. */
static void
mdsplit_normal_line(struct mdsplit *s, const struct mdsplit_line *l)
{
	int kind;

	if (mdsplit_opens_fence(l)) {
		if (l->indent >= 2) {
			s->state = MDSPLIT_STUCK;
			return;
		}
		s->state = MDSPLIT_FENCE;
		s->fence_char = *l->first;
		s->fence_len = mdsplit_run(l->first, l->end, *l->first);
		return;
	}
	kind = mdsplit_html_kind(l);
	if (kind < 0 || (kind > 0 && l->indent >= 2)) {
		s->state = MDSPLIT_STUCK;
		return;
	}
	if (kind > 0) {
		if (!mdsplit_ends_html(kind, l->first, l->end)) {
			s->state = MDSPLIT_HTML;
			s->html_kind = kind;
		}
		return;
	}
	if (l->indent <= 3 && l->first < l->end && *l->first == '<')
		s->state = MDSPLIT_UNTIL_BLANK;
}

static void
mdsplit_read(struct mdsplit *s, const struct mdsplit_line *l)
{
	bool blank = l->first == l->end;

	switch (s->state) {
	case MDSPLIT_NORMAL:
		if (!blank)
			mdsplit_normal_line(s, l);
		break;
	case MDSPLIT_FENCE:
		if (mdsplit_closes_fence(s, l))
			s->state = MDSPLIT_NORMAL;
		blank = false;
		break;
	case MDSPLIT_HTML:
		if (mdsplit_ends_html(s->html_kind, l->first, l->end))
			s->state = MDSPLIT_NORMAL;
		blank = false;
		break;
	case MDSPLIT_UNTIL_BLANK:
		if (blank)
			s->state = MDSPLIT_NORMAL;
		else if (mdsplit_opens_fence(l) || mdsplit_html_kind(l) != 0)
			s->state = MDSPLIT_STUCK;
		break;
	default:
		break;
	}
	s->after_blank = blank;
}

/* A CR alone ends a line for CommonMark: this scan would misread it. */
static bool
mdsplit_lone_cr(const char *md, size_t len)
{
	for (const char *p = md, *end = md + len;
	    (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
		if (p + 1 == end || p[1] != '\n')
			return true;
	return false;
}

void
mdsplit_init(struct mdsplit *s, const char *md, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->md = md;
	s->len = len;
	s->state = MDSPLIT_NORMAL;
	if (memmem(md, len, "]:", 2) != NULL || mdsplit_lone_cr(md, len))
		s->state = MDSPLIT_STUCK;
}

size_t
mdsplit_next(struct mdsplit *s, size_t min_bytes)
{
	struct mdsplit_line line;
	size_t next, cut;

	while (s->pos < s->len && s->state != MDSPLIT_STUCK) {
		mdsplit_read_line(s, &line, &next);
		if (s->pos > s->last_cut && s->pos - s->last_cut >= min_bytes &&
		    mdsplit_is_cut(s, &line)) {
			cut = s->last_cut = s->pos;
			mdsplit_read(s, &line);
			s->pos = next;
			return cut;
		}
		mdsplit_read(s, &line);
		s->pos = next;
	}
	s->pos = s->last_cut = s->len;
	return s->len;
}
