/* test_proxy: PROXY protocol v1 and v2 headers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "proxy.h"
#include "tests.h"

static const char *
addr_of(const struct proxy_info *info, char *out, size_t len)
{
	const struct sockaddr_in *sin = (const void *)&info->src;
	const struct sockaddr_in6 *sin6 = (const void *)&info->src;

	if (sin->sin_family == AF_INET)
		return inet_ntop(AF_INET, &sin->sin_addr, out, (socklen_t)len);
	return inet_ntop(AF_INET6, &sin6->sin6_addr, out, (socklen_t)len);
}

START_TEST(test_proxy_v1)
{
	const char *h = "PROXY TCP4 192.0.2.7 10.0.0.1 5555 70\r\n/sel\r\n";
	const char *h6 = "PROXY TCP6 2001:db8::1 ::1 1 2\r\n";
	struct proxy_info info;
	const char *why;
	size_t used;
	char a[64];

	ck_assert_int_eq(proxy_parse((const unsigned char *)h, strlen(h),
	    &info, &used, &why), PROXY_DONE);
	ck_assert_uint_eq(used, strlen(h) - 6);
	ck_assert_str_eq(addr_of(&info, a, sizeof(a)), "192.0.2.7");
	ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&info.src)->sin_port),
	    5555);
	ck_assert_int_eq(proxy_parse((const unsigned char *)h6, strlen(h6),
	    &info, &used, &why), PROXY_DONE);
	ck_assert_str_eq(addr_of(&info, a, sizeof(a)), "2001:db8::1");
	ck_assert_int_eq(proxy_parse((const unsigned char *)"PROXY UNKNOWN\r\n",
	    15, &info, &used, &why), PROXY_DONE);
	ck_assert(info.local);
	/* Unfinished: wait; wrong: refuse. */
	ck_assert_int_eq(proxy_parse((const unsigned char *)"PROX", 4, &info,
	    &used, &why), PROXY_NEED_MORE);
	ck_assert_int_eq(proxy_parse((const unsigned char *)h, 20, &info,
	    &used, &why), PROXY_NEED_MORE);
}
END_TEST

static const char *bad_v1[] = {
	"GET / HTTP/1.0\r\n",
	"PROXY TCP4 192.0.2.7 10.0.0.1 5555\r\n",
	"PROXY TCP4 999.0.2.7 10.0.0.1 5555 70\r\n",
	"PROXY TCP4 192.0.2.7 10.0.0.1 99999 70\r\n",
	"PROXY TCP5 192.0.2.7 10.0.0.1 1 70\r\n",
	"PROXY TCP4 192.0.2.7 10.0.0.1 1 70\n",
	"PROXY TCP4 192.0.2.7 10.0.0.1 1 70 extra\r\n",
};

START_TEST(test_proxy_v1_refused)
{
	struct proxy_info info;
	const char *why = NULL;
	size_t used;

	ck_assert_int_eq(proxy_parse((const unsigned char *)bad_v1[_i],
	    strlen(bad_v1[_i]), &info, &used, &why), PROXY_INVALID);
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(test_proxy_v2)
{
	unsigned char h[64] = "\r\n\r\n\0\r\nQUIT\n";
	struct proxy_info info;
	const char *why;
	size_t used;
	char a[64];

	h[12] = 0x21;		/* version 2, PROXY */
	h[13] = 0x11;		/* TCP over IPv4 */
	h[14] = 0;
	h[15] = 12;
	memcpy(h + 16, "\xc6\x33\x64\x09\x7f\x00\x00\x01\x0f\xa0\x00\x46", 12);
	ck_assert_int_eq(proxy_parse(h, 28, &info, &used, &why), PROXY_DONE);
	ck_assert_uint_eq(used, 28);
	ck_assert_str_eq(addr_of(&info, a, sizeof(a)), "198.51.100.9");
	ck_assert_int_eq(proxy_parse(h, 20, &info, &used, &why),
	    PROXY_NEED_MORE);
	h[12] = 0x20;		/* LOCAL: a health check */
	ck_assert_int_eq(proxy_parse(h, 28, &info, &used, &why), PROXY_DONE);
	ck_assert(info.local);
	h[12] = 0x31;		/* version 3 */
	ck_assert_int_eq(proxy_parse(h, 28, &info, &used, &why),
	    PROXY_INVALID);
	h[12] = 0x21;
	h[14] = 0xff;		/* longer than any header we take */
	ck_assert_int_eq(proxy_parse(h, 28, &info, &used, &why),
	    PROXY_INVALID);
}
END_TEST

Suite *
proxy_test_suite(void)
{
	Suite *s = suite_create("proxy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_proxy_v1);
	tcase_add_loop_test(tc, test_proxy_v1_refused, 0,
	    sizeof(bad_v1) / sizeof(bad_v1[0]));
	tcase_add_test(tc, test_proxy_v2);
	suite_add_tcase(s, tc);
	return s;
}
