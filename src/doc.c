/* doc: the document structure that parsers and builders fill in. */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct doc_block *
doc_push_block(struct doc *doc, enum doc_kind kind)
{
	struct doc_block *b;

	if (doc->nblocks == doc->cap) {
		doc->cap = doc->cap ? doc->cap * 2 : 32;
		doc->blocks = xreallocarray(doc->blocks, doc->cap,
		    sizeof(*doc->blocks));
	}
	b = &doc->blocks[doc->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->first_link = doc->nlinks;
	return b;
}

struct doc_link *
doc_push_link(struct doc *doc)
{
	struct doc_link *l;

	if (doc->nlinks == doc->links_cap) {
		doc->links_cap = doc->links_cap ? doc->links_cap * 2 : 16;
		doc->links = xreallocarray(doc->links, doc->links_cap,
		    sizeof(*doc->links));
	}
	l = &doc->links[doc->nlinks++];
	memset(l, 0, sizeof(*l));
	return l;
}

struct doc_cell *
doc_push_cell(struct doc *doc)
{
	struct doc_cell *c;

	if (doc->ncells == doc->cells_cap) {
		doc->cells_cap = doc->cells_cap ? doc->cells_cap * 2 : 16;
		doc->cells = xreallocarray(doc->cells, doc->cells_cap,
		    sizeof(*doc->cells));
	}
	c = &doc->cells[doc->ncells++];
	memset(c, 0, sizeof(*c));
	return c;
}

void
doc_set_url(struct doc *doc, struct doc_link *link, const char *url)
{
	char *copy = xstrdup(url);

	if (doc->nowned == doc->owned_cap) {
		doc->owned_cap = doc->owned_cap ? doc->owned_cap * 2 : 16;
		doc->owned = xreallocarray(doc->owned, doc->owned_cap,
		    sizeof(*doc->owned));
	}
	doc->owned[doc->nowned++] = copy;
	link->url = copy;
}

void
doc_fix_pointers(struct doc *doc)
{
	for (size_t i = 0; i < doc->nlinks; i++) {
		doc->links[i].url = doc->arena + doc->links[i].url_off;
		doc->links[i].label = doc->arena + doc->links[i].label_off;
	}
	for (size_t i = 0; i < doc->nblocks; i++) {
		struct doc_block *b = &doc->blocks[i];

		b->text = doc->arena + b->text_off;
		b->info = doc->arena + b->info_off;
		b->links = b->nlinks > 0 ? doc->links + b->first_link : NULL;
		b->context = doc->arena + b->context_off;
		b->cells = b->kind == DOC_TABLE ? doc->cells + b->first_cell :
		    NULL;
	}
	for (size_t i = 0; i < doc->ncells; i++) {
		struct doc_cell *c = &doc->cells[i];

		c->text = doc->arena + c->text_off;
		c->links = c->nlinks > 0 ? doc->links + c->first_link : NULL;
	}
}

void
doc_free(struct doc *doc)
{
	if (doc == NULL)
		return;
	free(doc->blocks);
	free(doc->links);
	free(doc->cells);
	free(doc->arena);
	for (size_t i = 0; i < doc->nowned; i++)
		free(doc->owned[i]);
	free(doc->owned);
	free(doc);
}

bool
doc_is_link_entry(const struct doc_block *b)
{
	return (b->kind == DOC_PARAGRAPH || b->kind == DOC_ITEM) &&
	    b->nlinks == 1 && !b->links[0].is_image &&
	    b->links[0].start == 0 && memchr(b->text, '\n', b->len) == NULL;
}

bool
doc_is_only_links(const struct doc_block *b)
{
	size_t pos = 0;

	for (size_t i = 0; i < b->nlinks; i++) {
		if (b->links[i].start < pos)
			continue;
		while (pos < b->links[i].start)
			if (b->text[pos++] != ' ')
				return false;
		pos = b->links[i].end;
	}
	while (pos < b->len)
		if (b->text[pos++] != ' ')
			return false;
	return b->nlinks > 0;
}
