/* heap: how the server asks glibc's malloc to keep its memory small. */
#ifndef CAPSULED_HEAP_H
#define CAPSULED_HEAP_H

#include <stddef.h>

/* Once, before any thread starts: where large blocks come from. */
void	heap_tune(void);
/*
 * Around the making of pages (from the thread that starts the build
 * threads; builds may overlap): while one runs, blocks up to 1 MiB come
 * from the arenas, not from mappings of their own.
 */
void	heap_build_begin(void);
void	heap_build_end(void);
/* From any thread: gives the free pages of every arena back. */
void	heap_trim(void);
/*
 * From a thread that has just started: gives back the free space at the
 * top of the arena the thread uses, which heap_trim() leaves alone.
 */
void	heap_trim_own_arena(void);
/* KiB the program holds on the heap, mapped blocks included. */
size_t	heap_in_use_kib(void);

#endif
