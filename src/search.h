/* search: the index of a capsule's entries, and queries over it. */
#ifndef CAPSULED_SEARCH_H
#define CAPSULED_SEARCH_H

#include <stdbool.h>
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
 * A page's share of the index: its entries (list items, paragraphs and
 * table rows with links), each held as where its lines are in the page's
 * gemtext and menu, and their words as a sorted vocabulary with postings.
 * Built once with the page and shared, as it is, by every snapshot that
 * serves the page.
 */
struct search_part;

/* A match: entry number entry of part. */
struct search_result {
	const struct search_part	*part;
	size_t				 entry;
	const char			*section;	/* its label, "A > B" */
	size_t				 label;		/* which label in the
							 * index: results with
							 * one stand together */
};

/*
 * Makes the part of doc, whose gemtext (absolute links) and menu were
 * rendered with the marks gmi and map.  The part points into those
 * renderings: search_part_set_text() says where they are once final.
 */
struct search_part	*search_part_build(const struct doc *doc,
			    const struct render_marks *gmi,
			    const struct render_marks *map);
/*
 * The same in two steps, so that the words are read while the renderings
 * are made: search_part_start() reads doc's entries and their words;
 * search_part_finish() frees the maker it returned (doc must live until
 * then) and makes the part, once gmi and map are marked.
 */
struct search_maker;
struct search_maker	*search_part_start(const struct doc *doc);
struct search_part	*search_part_finish(struct search_maker *m,
			    const struct render_marks *gmi,
			    const struct render_marks *map);
void			 search_part_set_text(struct search_part *part,
			    const char *gmi, const char *map);
/* Frees the part; search_part_free(NULL) does nothing. */
void			 search_part_free(struct search_part *part);
/* The bytes the part holds, for the capsule's totals. */
size_t			 search_part_bytes(const struct search_part *part);

/* A new, empty index; never NULL. */
struct search_index	*search_new(void);
/* Frees the index (not the parts it was given); NULL does nothing. */
void			 search_free(struct search_index *index);
/* Adds part, borrowed: it must outlive the index. */
void			 search_add_part(struct search_index *index,
			    const struct search_part *part);
/*
 * Renders doc (gemini for its gemtext, with absolute links, as results
 * are served from /search; gopher for its menu; both borrowed for the
 * call) and adds its part, which the index owns.  For tests and tools.
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
			    struct search_result **results,
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
void			 search_group(struct search_result *results, size_t n);

/*
 * A search as both protocols answer it: the entries that match, grouped
 * by section (search_group()).  results belongs to the answer and is
 * freed by search_answer_release(); the entries live as long as the index.
 */
struct search_answer {
	size_t			 n;		/* entries that match */
	size_t			 first;		/* the first one shown */
	struct search_result	*results;	/* from first on, at most
						 * the page size */
	size_t			 nresults;
};

/* Entries one search answer shows at most, unless set otherwise. */
#define SEARCH_RESULTS_DEFAULT	50
/* No search answer is longer than this, header to last line. */
#define SEARCH_ANSWER_MAX	(64 * 1024)
/* What the head and foot of an answer may take, links to pages included. */
#define SEARCH_ANSWER_FRAME	2048

/* Where the Gopher items of the answers point (the builder's host and
 * port); search_gopher_host() gives them back. */
void			 search_set_gopher_origin(struct search_index *index,
			    const char *host, unsigned port);
const char		*search_gopher_host(const struct search_index *index,
			    unsigned *port);
/* Sets how many entries one answer shows (the search_results setting). */
void			 search_set_page_size(struct search_index *index,
			    size_t n);
size_t			 search_page_size(const struct search_index *index);
/* A result's lines in one protocol, gemtext or menu items: *len bytes. */
const char		*search_result_text(const struct search_result *r,
			    bool gopher, size_t *len);
/* The sections a result stands in, "Resources > Articles", or "". */
const char		*search_result_section(const struct search_result *r);
/*
 * How many results of a from first one answer shows: at most the page
 * size, and as many as fit in SEARCH_ANSWER_MAX with the frame and a
 * heading (heading_cost bytes and its label) for each section; one at
 * least while results remain.
 */
size_t			 search_page_count(const struct search_index *index,
			    const struct search_answer *a, size_t first,
			    bool gopher, size_t heading_cost);
/*
 * Whether path is the search: "/search", or "/search/N" for the answer
 * from the Nth entry on (N from 1); stores N - 1 in *first.
 */
bool			 search_page_path(const char *path, size_t *first);
/* Writes the heading of a section of results in one protocol. */
typedef void	 search_heading_fn(struct buf *out, const char *label);
/*
 * Appends results first to first + shown, each section under a heading,
 * within SEARCH_ANSWER_MAX less the frame (an entry too long alone is
 * cut to its whole lines).
 */
void			 search_write_results(struct buf *out,
			    const struct search_answer *a, size_t first,
			    size_t shown, bool gopher,
			    search_heading_fn *heading);
/* How many of the len bytes of text an answer with room bytes left can
 * take: all, or its whole lines that fit. */
size_t			 search_fit(const char *text, size_t len, size_t room);

/*
 * search_query() then search_group(), keeping the results from first on
 * that one answer may show; 0, or -1 with *why set.
 */
int			 search_answer(const struct search_index *index,
			    const char *query, size_t len, size_t first,
			    struct search_answer *answer, const char **why);
void			 search_answer_release(struct search_answer *answer);
/*
 * Appends "No entry matches.", "N entries match." or, when the answer
 * shows entries first+1 to first+shown of n, "N entries match; 51-100
 * shown."
 */
void			 search_summary(struct buf *out, size_t n,
			    size_t first, size_t shown);
/* The heading an entry's results stand under ("Other" outside one). */
const char		*search_section_label(const struct search_result *r);

#endif
