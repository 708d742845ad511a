/* render: format names, dispatch, and what the three renderers share. */
#include "render.h"

#include <string.h>
#include <strings.h>

#include "url.h"

void
render_opts_init(struct render_opts *opts)
{
	opts->host = "localhost";
	opts->port = 70;
	opts->base = "/";
	opts->width = RENDER_WIDTH;
	opts->absolute = false;
}

int
render_format_parse(const char *name, enum render_format *fmt)
{
	if (strcmp(name, "gemtext") == 0)
		*fmt = RENDER_GEMTEXT;
	else if (strcmp(name, "gophermap") == 0)
		*fmt = RENDER_GOPHERMAP;
	else if (strcmp(name, "text") == 0)
		*fmt = RENDER_TEXT;
	else
		return -1;
	return 0;
}

void
render_markdown(const char *md, size_t len, enum render_format fmt,
    const struct render_opts *opts, struct buf *out)
{
	struct doc *doc = doc_parse(md, len);

	switch (fmt) {
	case RENDER_GEMTEXT:
		render_gemtext(doc, opts, out);
		break;
	case RENDER_GOPHERMAP:
		render_gophermap(doc, opts, out);
		break;
	case RENDER_TEXT:
		render_text(doc, opts, out);
		break;
	}
	doc_free(doc);
}

bool
render_blank_between(const struct doc_block *prev,
    const struct doc_block *cur)
{
	if (prev == NULL)
		return false;
	return !(prev->list != 0 && prev->list == cur->list &&
	    prev->kind != DOC_CODE && cur->kind != DOC_CODE);
}

bool
render_is_relative(const char *url)
{
	return url_scheme_len(url, strcspn(url, "?#")) == 0 &&
	    strncmp(url, "//", 2) != 0;
}

size_t
render_md_link_len(const char *url)
{
	size_t len = strcspn(url, "?#");

	if (!render_is_relative(url))
		return 0;
	if (len < 4 || strncasecmp(url + len - 3, ".md", 3) != 0 ||
	    url[len - 4] == '/')
		return 0;
	return len - 3;
}
