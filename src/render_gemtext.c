/* render_gemtext: a document as gemtext (text/gemini). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "url.h"

/* A gemtext rule: no marker, and short enough for a phone screen. */
#define GEMTEXT_RULE	"----------------------------------------"

static bool
gemtext_starts_marker(const char *s, size_t len)
{
	return (len >= 1 && (s[0] == '*' || s[0] == '#' || s[0] == '>')) ||
	    (len >= 2 && s[0] == '=' && s[1] == '>') ||
	    (len >= 3 && strncmp(s, "```", 3) == 0);
}

/* A text line that would read as a gemtext line type is kept text by a
 * leading space, which clients show as it is. */
static void
gemtext_text_line(struct buf *out, const char *prefix, const char *s,
    size_t len)
{
	buf_adds(out, prefix);
	if (*prefix == '\0' && gemtext_starts_marker(s, len))
		buf_addc(out, ' ');
	buf_add(out, s, len);
	buf_addc(out, '\n');
}

/* Appends text as one line's worth: a control byte would end the line or
 * hide what follows, so each becomes a space. */
static void
gemtext_one_line(struct buf *out, const char *text, size_t len)
{
	size_t start = out->len;

	buf_add(out, text, len);
	for (size_t i = start; i < out->len; i++)
		if ((unsigned char)out->data[i] < ' ' || out->data[i] == 0x7f)
			out->data[i] = ' ';
}

/* The line of link l (NULL for a line made alone) to url. */
static void
gemtext_link_line(struct buf *out, const struct doc_link *l,
    const char *url, const char *label, size_t label_len,
    const struct doc_block *b, const struct render_opts *opts)
{
	size_t start = out->len;
	size_t md_len = render_md_link_len(url);
	size_t path_len = md_len > 0 ? md_len : strcspn(url, "?#");
	struct buf abs = BUF_INIT;

	buf_adds(out, "=> ");
	if (opts->absolute && url_is_relative(url)) {
		url_resolve_path(&abs, opts->base, url, path_len);
		url_encode(out, buf_str(&abs), abs.len);
		buf_release(&abs);
		url += path_len;
	} else if (md_len > 0) {
		url_encode(out, url, md_len);
		url += md_len;
	}
	/* A Markdown page is served rendered: a.md#x -> a.gmi#x. */
	if (md_len > 0) {
		buf_adds(out, ".gmi");
		url += 3;
	}
	url_encode(out, url, strlen(url));
	if (label_len > 0) {
		struct buf shown = BUF_INIT;

		render_label(&shown, label, label_len, b);
		buf_addc(out, ' ');
		gemtext_one_line(out, buf_str(&shown), shown.len);
		buf_release(&shown);
	}
	buf_addc(out, '\n');
	render_mark_link(opts, l, start, out->len);
}

static void
gemtext_links(const struct doc_block *b, const struct render_opts *opts,
    struct buf *out)
{
	for (size_t i = 0; i < b->nlinks; i++)
		if (render_shows_link(&b->links[i]))
			gemtext_link_line(out, &b->links[i], b->links[i].url,
			    b->links[i].label, strlen(b->links[i].label), b,
			    opts);
}

void
render_gemtext_heading(struct buf *out, int level, const char *text,
    size_t len)
{
	buf_addn(out, '#', level < 1 ? 1 : level < 3 ? (size_t)level : 3);
	buf_addc(out, ' ');
	gemtext_one_line(out, text, len);
	buf_addc(out, '\n');
}

void
render_gemtext_blank(struct buf *out)
{
	buf_addc(out, '\n');
}

void
render_gemtext_text(struct buf *out, const char *text, size_t len)
{
	struct buf line = BUF_INIT;

	gemtext_one_line(&line, text, len);
	gemtext_text_line(out, "", buf_str(&line), line.len);
	buf_release(&line);
}

void
render_gemtext_link(struct buf *out, const char *url, const char *label,
    const struct render_opts *opts)
{
	gemtext_link_line(out, NULL, url, label, strlen(label), NULL, opts);
}

void
render_gemtext_links(const struct doc_block *b,
    const struct render_opts *opts, struct buf *out)
{
	if (doc_is_link_entry(b))
		gemtext_link_line(out, &b->links[0], b->links[0].url,
		    b->text, b->len, b, opts);
	else
		gemtext_links(b, opts, out);
}

static void
gemtext_prose(const struct doc_block *b, const struct render_opts *opts,
    struct buf *out)
{
	char first[32];
	const char *quote = b->quote_depth > 0 ? "> " : "";
	const char *line = b->text, *nl, *end = b->text + b->len;

	if (doc_is_link_entry(b)) {
		gemtext_link_line(out, &b->links[0], b->links[0].url,
		    b->text, b->len, b, opts);
		return;
	}
	if (!doc_is_only_links(b)) {
		if (b->kind == DOC_ITEM && b->number > 0)
			snprintf(first, sizeof(first), "%s%d. ", quote,
			    b->number);
		else
			snprintf(first, sizeof(first), "%s%s", quote,
			    b->kind == DOC_ITEM ? "* " : "");
		for (;;) {
			nl = memchr(line, '\n', (size_t)(end - line));
			gemtext_text_line(out, line == b->text ? first : quote,
			    line, (size_t)((nl ? nl : end) - line));
			if (nl == NULL)
				break;
			line = nl + 1;
		}
	}
	gemtext_links(b, opts, out);
}

static void
gemtext_code(const struct doc_block *b, struct buf *out)
{
	const char *line = b->text, *nl, *end = b->text + b->len;

	buf_adds(out, "```");
	buf_adds(out, b->info);
	buf_addc(out, '\n');
	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		/* A fence inside the block would end it early. */
		if (strncmp(line, "```", 3) == 0 && line + 3 <= end)
			buf_addc(out, ' ');
		buf_add(out, line, (size_t)((nl ? nl : end) - line));
		buf_addc(out, '\n');
		line = nl ? nl + 1 : end;
	}
	buf_adds(out, "```\n");
}

/*
 * A table is preformatted text, its columns aligned (clients scroll a
 * wide one), and the links of its cells follow as link lines.
 */
static void
gemtext_table(const struct doc_block *b, const struct render_opts *opts,
    struct buf *out)
{
	struct render_table t;
	struct buf line = BUF_INIT;

	render_table_init(&t, b);
	buf_adds(out, "```table\n");
	for (size_t r = 0; r < b->nrows; r++) {
		render_table_line(&t, r, &line);
		if (strncmp(buf_str(&line), "```", 3) == 0)
			buf_addc(out, ' ');
		buf_add(out, buf_str(&line), line.len);
		buf_addc(out, '\n');
		if (r == 0) {
			render_table_line(&t, SIZE_MAX, &line);
			buf_add(out, buf_str(&line), line.len);
			buf_addc(out, '\n');
		}
	}
	buf_adds(out, "```\n");
	gemtext_links(b, opts, out);
	buf_release(&line);
	render_table_free(&t);
}

void
render_gemtext(const struct doc *doc, const struct render_opts *opts,
    struct buf *out)
{
	const struct doc_block *prev = NULL;

	for (size_t i = 0; i < doc->nblocks; i++) {
		const struct doc_block *b = &doc->blocks[i];

		if (render_blank_between(prev, b))
			buf_addc(out, '\n');
		prev = b;
		render_mark_block(opts, b, out->len, false);
		switch (b->kind) {
		case DOC_HEADING:
			render_gemtext_heading(out, b->level, b->text, b->len);
			gemtext_links(b, opts, out);
			break;
		case DOC_PARAGRAPH:
		case DOC_ITEM:
			gemtext_prose(b, opts, out);
			break;
		case DOC_CODE:
			gemtext_code(b, out);
			break;
		case DOC_RULE:
			buf_adds(out, GEMTEXT_RULE "\n");
			break;
		case DOC_TABLE:
			gemtext_table(b, opts, out);
			break;
		}
		render_mark_block(opts, b, out->len, true);
	}
}
