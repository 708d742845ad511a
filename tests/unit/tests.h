/* tests: the Check suites, one per module, and the helpers they share. */
#ifndef CAPSULED_TESTS_H
#define CAPSULED_TESTS_H

#include <check.h>
#include <stddef.h>

Suite	*buf_test_suite(void);
Suite	*utf8_test_suite(void);
Suite	*url_test_suite(void);
Suite	*wrap_test_suite(void);
Suite	*gophermap_test_suite(void);
Suite	*render_test_suite(void);
Suite	*mdsplit_test_suite(void);
Suite	*config_test_suite(void);
Suite	*gemini_test_suite(void);
Suite	*gopher_test_suite(void);
Suite	*mime_test_suite(void);
Suite	*store_test_suite(void);
Suite	*search_test_suite(void);
Suite	*nav_test_suite(void);
Suite	*proxy_test_suite(void);
Suite	*limit_test_suite(void);
Suite	*log_test_suite(void);
Suite	*heap_test_suite(void);
Suite	*tlsctx_test_suite(void);
Suite	*frame_test_suite(void);
Suite	*answer_test_suite(void);
Suite	*capsules_test_suite(void);

/* Reads a whole file; the caller frees the result.  Fails the test when
 * the file cannot be read. */
char	*test_read_file(const char *path, size_t *len);

#endif
