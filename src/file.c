/* file: reading a whole file into memory, with a limit. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
file_read(const char *path, size_t max, struct buf *out, struct buf *err)
{
	char chunk[65536];
	struct stat st;
	size_t start = out->len;
	ssize_t n;
	int fd;

	/* Not blocking: a FIFO put where a file was would wait for a writer
	 * for ever, and the build or reload with it. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		goto err;
	}
	if (!S_ISREG(st.st_mode)) {
		buf_printf(err, "%s: not a regular file", path);
		goto err;
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
