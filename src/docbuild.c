/* docbuild: documents that capsuled makes itself (listings, contents). */
#include "docbuild.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct docbuild {
	struct doc	*doc;
	struct buf	 arena;		/* every string, NUL-terminated */
	int		 lists;		/* lists started so far */
	bool		 in_list;	/* the last block was a link */
};

struct docbuild *
docbuild_new(void)
{
	struct docbuild *b = xcalloc(1, sizeof(*b));

	b->doc = xcalloc(1, sizeof(*b->doc));
	/* Offset 0 is the empty string, as in a parsed document. */
	buf_addc(&b->arena, '\0');
	return b;
}

/* Copies text with every control byte turned into a space; its offset. */
static size_t
docbuild_intern(struct docbuild *b, const char *text, size_t *len)
{
	size_t off = b->arena.len;

	buf_adds(&b->arena, text);
	for (size_t i = off; i < b->arena.len; i++)
		if ((unsigned char)b->arena.data[i] < ' ' ||
		    b->arena.data[i] == 0x7f)
			b->arena.data[i] = ' ';
	*len = b->arena.len - off;
	buf_addc(&b->arena, '\0');
	return off;
}

static struct doc_block *
docbuild_block(struct docbuild *b, enum doc_kind kind, const char *text)
{
	struct doc_block *blk = doc_push_block(b->doc, kind);

	blk->text_off = docbuild_intern(b, text, &blk->len);
	if (kind != DOC_ITEM)
		b->in_list = false;
	return blk;
}

void
docbuild_heading(struct docbuild *b, int level, const char *text)
{
	struct doc_block *blk = docbuild_block(b, DOC_HEADING, text);

	blk->level = level < 1 ? 1 : level > 3 ? 3 : level;
}

void
docbuild_text(struct docbuild *b, const char *text)
{
	docbuild_block(b, DOC_PARAGRAPH, text);
}

/* One link item: its text is its label, and the link covers all of it. */
static struct doc_link *
docbuild_item(struct docbuild *b, const char *url, const char *label,
    int depth)
{
	struct doc_block *blk;
	struct doc_link *l;
	size_t len;

	if (!b->in_list)
		b->lists++;
	blk = docbuild_block(b, DOC_ITEM, label);
	b->in_list = true;
	blk->list = b->lists;
	blk->list_depth = depth < 1 ? 1 : depth;
	l = doc_push_link(b->doc);
	l->url_off = docbuild_intern(b, url, &len);
	l->label_off = blk->text_off;
	l->end = blk->len;
	blk->nlinks = 1;
	return l;
}

void
docbuild_link(struct docbuild *b, const char *url, const char *label,
    int depth)
{
	docbuild_item(b, url, label, depth);
}

void
docbuild_search(struct docbuild *b, const char *url, const char *label)
{
	docbuild_item(b, url, label, 1)->is_search = true;
}

void
docbuild_end_list(struct docbuild *b)
{
	b->in_list = false;
}

struct doc *
docbuild_finish(struct docbuild *b)
{
	struct doc *doc = b->doc;

	doc->arena = buf_detach(&b->arena, NULL);
	doc_fix_pointers(doc);
	free(b);
	return doc;
}
