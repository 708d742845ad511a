/* test_limit: per-address connection and rate limits. */
#include <stdio.h>

#include "limit.h"
#include "tests.h"

START_TEST(test_limit_connections)
{
	struct limits *l = limits_new();

	ck_assert(limits_conn_open(l, "192.0.2.1", 2));
	ck_assert(limits_conn_open(l, "192.0.2.1", 2));
	ck_assert(!limits_conn_open(l, "192.0.2.1", 2));
	/* Another address has its own count. */
	ck_assert(limits_conn_open(l, "192.0.2.2", 2));
	limits_conn_close(l, "192.0.2.1");
	ck_assert(limits_conn_open(l, "192.0.2.1", 2));
	limits_free(l);
}
END_TEST

START_TEST(test_limit_rate)
{
	struct limits *l = limits_new();
	unsigned retry = 0;

	/* A burst of rate requests, then one a 1/rate second. */
	for (int i = 0; i < 5; i++)
		ck_assert(limits_request(l, "a", 5, 100.0, &retry));
	ck_assert(!limits_request(l, "a", 5, 100.0, &retry));
	ck_assert_uint_eq(retry, 1);
	ck_assert(!limits_request(l, "a", 5, 100.1, &retry));
	ck_assert(limits_request(l, "a", 5, 100.25, &retry));
	ck_assert(limits_request(l, "b", 5, 100.25, &retry));
	/* A slow rate asks for a longer wait. */
	ck_assert(limits_request(l, "c", 1, 0.0, &retry));
	ck_assert(!limits_request(l, "c", 1, 0.0, &retry));
	ck_assert_uint_eq(retry, 1);
	limits_free(l);
}
END_TEST

START_TEST(test_limit_forgets_idle_addresses)
{
	struct limits *l = limits_new();
	char addr[32];
	unsigned retry;

	for (int i = 0; i < 5000; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
		ck_assert(limits_request(l, addr, 10, (double)i, &retry));
	}
	/* Only addresses seen in the last two minutes are kept: those of
	 * 4880 to 4999. */
	ck_assert_uint_eq(limits_tracked(l, 4999.0), 120);
	/* One with a connection open is kept however long it is idle. */
	ck_assert(limits_conn_open(l, "192.0.2.9", 4));
	ck_assert_uint_eq(limits_tracked(l, 1e12), 1);
	limits_conn_close(l, "192.0.2.9");
	ck_assert_uint_eq(limits_tracked(l, 1e12), 0);
	limits_free(l);
}
END_TEST

Suite *
limit_test_suite(void)
{
	Suite *s = suite_create("limit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_limit_connections);
	tcase_add_test(tc, test_limit_rate);
	tcase_add_test(tc, test_limit_forgets_idle_addresses);
	suite_add_tcase(s, tc);
	return s;
}
