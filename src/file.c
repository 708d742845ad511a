/* file: reading a whole file into memory, with a limit. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int
file_read(const char *path, size_t max, struct buf *out, struct buf *err)
{
	char chunk[65536];
	size_t start = out->len;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			buf_printf(err, "%s: %s", path, strerror(errno));
			goto err;
		}
		if (out->len - start + (size_t)n > max) {
			buf_printf(err, "%s: larger than %zu bytes", path, max);
			goto err;
		}
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
err:
	close(fd);
	buf_truncate(out, start);
	return -1;
}
