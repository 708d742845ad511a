/* utf8: validation and column counting for UTF-8 text. */
#include "utf8.h"

size_t
utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		c = s[0];
		n = 1;
		min = 0;
	} else if ((s[0] & 0xe0) == 0xc0) {
		c = s[0] & 0x1f;
		n = 2;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		c = s[0] & 0x0f;
		n = 3;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		c = s[0] & 0x07;
		n = 4;
		min = 0x10000;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and values past Unicode. */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	if (cp != NULL)
		*cp = c;
	return n;
}

bool
utf8_is_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, NULL)) == 0)
			return false;
		i += n;
	}
	return true;
}

size_t
utf8_columns(const char *s, size_t len)
{
	size_t i = 0, n, cols = 0;

	while (i < len) {
		n = (unsigned char)s[i] < 0x80 ? 1 :
		    utf8_decode(s + i, len - i, NULL);
		i += n ? n : 1;
		cols++;
	}
	return cols;
}

size_t
utf8_prefix_for_columns(const char *s, size_t len, size_t cols)
{
	size_t i = 0, n;

	while (i < len && cols > 0) {
		n = (unsigned char)s[i] < 0x80 ? 1 :
		    utf8_decode(s + i, len - i, NULL);
		i += n ? n : 1;
		cols--;
	}
	return i;
}
