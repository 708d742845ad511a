/* frame: where one request line ends, the same for every read path. */
#include "frame.h"

#include <string.h>

enum frame_result
frame_line(const char *data, size_t len, bool eof,
    const struct frame_rules *rules, size_t *line_len, size_t *used)
{
	/* Past max + 2 bytes the end cannot come in time: look no further. */
	size_t look = len < rules->max + 2 ? len : rules->max + 2;
	const char *nl = memchr(data, '\n', look);
	size_t n;
	bool bare;

	*line_len = *used = 0;
	if (nl != NULL) {
		n = (size_t)(nl - data);
		bare = n == 0 || data[n - 1] != '\r';
		if (!bare)
			n--;
		/* Too long is too long however the line ends, as it would
		 * have been before its end came. */
		if (n > rules->max)
			return FRAME_TOO_LONG;
		*line_len = n;
		*used = (size_t)(nl - data) + 1;
		return bare && !rules->lf_ends ? FRAME_BARE_LF : FRAME_LINE;
	}
	/* What came so far, less a CR that may be the start of CR LF. */
	n = len > 0 && data[len - 1] == '\r' ? len - 1 : len;
	if (n > rules->max)
		return FRAME_TOO_LONG;
	if (!eof || !rules->eof_ends || len == 0)
		return FRAME_MORE;
	*line_len = n;
	*used = len;
	return FRAME_LINE;
}
