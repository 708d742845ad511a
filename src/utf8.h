/* utf8: validation and column counting for UTF-8 text. */
#ifndef CAPSULED_UTF8_H
#define CAPSULED_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Returns the length (1-4) of the well-formed UTF-8 sequence at s, which
 * holds len > 0 bytes, or 0 when the bytes there are not UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF included).  Stores the
 * code point in *cp when cp is not NULL.
 */
size_t	utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Returns whether all len bytes of s are well-formed UTF-8. */
bool	utf8_is_valid(const char *s, size_t len);
/*
 * Returns how many columns s takes: one per code point, and one per byte
 * that is not part of a well-formed sequence.
 */
size_t	utf8_columns(const char *s, size_t len);
/*
 * Returns how many terminal cells s takes: two for East Asian wide
 * characters and emoji, none for combining marks, one for the rest.
 */
size_t	utf8_width(const char *s, size_t len);
/*
 * Returns how many bytes of s fit in cols columns without splitting a
 * character.
 */
size_t	utf8_prefix_for_columns(const char *s, size_t len, size_t cols);

/*
 * Returns the lower-case form of code point cp for Latin (ASCII, Latin-1,
 * Latin Extended-A), Greek and Cyrillic letters; others are unchanged.
 */
uint32_t utf8_fold(uint32_t cp);
/* Appends cp to out as UTF-8 (out holds at least 4 bytes); returns the
 * number of bytes written. */
size_t	utf8_encode(uint32_t cp, char *out);
/* Whether cp belongs in a word: letters and digits, not punctuation,
 * spaces or symbols. */
bool	utf8_is_word(uint32_t cp);

#endif
