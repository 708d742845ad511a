/* mdarena: the memory cmark-gfm parses into, thrown away in one go. */
#ifndef CAPSULED_MDARENA_H
#define CAPSULED_MDARENA_H

#include <cmark-gfm.h>

/*
 * The allocator to hand cmark_parser_new_with_mem().  Everything allocated
 * through it lives until mdarena_release() on the same thread: freeing a
 * node does nothing.
 */
cmark_mem	*mdarena_mem(void);
/* Ends a parse: the tree and the parser's memory are gone, the chunks are
 * kept for the next parse of this thread. */
void		 mdarena_release(void);
/* Gives the kept chunks back to the system. */
void		 mdarena_trim(void);

#endif
