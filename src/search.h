/* search: the index of a capsule's entries, and queries over it. */
#ifndef CAPSULED_SEARCH_H
#define CAPSULED_SEARCH_H

#include <stddef.h>

#include "buf.h"
#include "doc.h"
#include "render.h"

/* Longer queries are refused. */
#define SEARCH_MAX_QUERY	256

enum search_field {
	SEARCH_TITLE,
	SEARCH_AUTHOR,
	SEARCH_SECTION,
	SEARCH_HOST,
	SEARCH_NFIELDS,
};

/*
 * One entry: a list item or paragraph with links.  Its strings live as
 * long as the index.
 */
struct search_entry {
	char		*section;	/* "Resources > Articles", or "" */
	char		*gemtext;	/* its link lines, absolute links */
	char		*gophermap;	/* its menu items */
	char		*words[SEARCH_NFIELDS]; /* " folded words " per field */
	size_t		 order;		/* place in the capsule */
};

struct search_index;

/* A new, empty index; never NULL. */
struct search_index	*search_new(void);
/* Frees the index; search_free(NULL) does nothing. */
void			 search_free(struct search_index *index);
/*
 * Adds every entry of doc.  gemini renders its link lines (with
 * absolute links, as results are served from /search) and gopher its
 * menu items; both are borrowed for the call.
 */
void			 search_add_doc(struct search_index *index,
			    const struct doc *doc,
			    const struct render_opts *gemini,
			    const struct render_opts *gopher);
size_t			 search_count(const struct search_index *index);
/*
 * Finds the entries that match every word of query (len bytes): each word
 * must be a whole word or the start of one in the title, author, section
 * or link host, case-insensitively.  Best matches come first (title
 * before author before section), then in the capsule's order.  Returns
 * how many matched and stores them in *results, which the caller frees;
 * or -1 with *why set when the query is too long, not UTF-8 or holds
 * control bytes.  A query without words matches nothing.
 */
int			 search_query(const struct search_index *index,
			    const char *query, size_t len,
			    const struct search_entry ***results,
			    const char **why);
/*
 * Appends the words of s folded to lower case as " w1 w2 ... ", the form
 * entries keep and queries are matched in.
 */
void			 search_fold_words(struct buf *out, const char *s,
			    size_t len);
/*
 * Reorders n results so that those of one section stand together, the
 * sections in the order of their best result; within one, best first.
 */
void			 search_group(const struct search_entry **results,
			    size_t n);

/*
 * A search as both protocols answer it: the entries that match, grouped
 * by section (search_group()).  results belongs to the answer and is
 * freed by search_answer_release(); the entries live as long as the index.
 */
struct search_answer {
	const struct search_entry	**results;
	size_t				  n;
};

/* search_query() then search_group(); 0, or -1 with *why set. */
int			 search_answer(const struct search_index *index,
			    const char *query, size_t len,
			    struct search_answer *answer, const char **why);
void			 search_answer_release(struct search_answer *answer);
/* Appends "No entry matches." or "N entries match." */
void			 search_summary(struct buf *out, size_t n);
/* The heading an entry's results stand under ("Other" outside one). */
const char		*search_section_label(const struct search_entry *entry);

#endif
