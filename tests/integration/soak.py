#!/usr/bin/env python3
"""make soak: mixed load with the hostile cases for a set time.

Usage: soak.py BINARY [SECONDS]

Several well-behaved clients fetch the front page over both protocols
while the hostile catalogue runs round after round.  Prints requests
served, errors seen by the well-behaved clients (goal: 0) and the
server's RSS at the start and the end (goal: flat within 10%).
"""
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import hostile  # noqa: E402

# Cases that wait on purpose for timeouts make the soak no harder.
SLOW = {"test_g_slowloris_before_tls", "test_g_never_reads_big_file",
        "test_p_never_reads_big_file", "test_l_rate_limit_gopher",
        "test_l_rate_limit_gemini"}


def rss_parts(server):
    """The server's RSS as anonymous and file-backed KiB."""
    parts = {}
    with open("/proc/%d/status" % server.proc.pid) as f:
        for line in f:
            key = line.split(":")[0]
            if key in ("RssAnon", "RssFile"):
                parts[key] = int(line.split()[1])
    return parts.get("RssAnon", 0), parts.get("RssFile", 0)


def main():
    binary = os.path.abspath(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 300
    server = hostile.setup(binary, None)
    extra = [hostile.Good(server) for _ in range(3)]
    for g in extra:
        g.start()
    cases = [(n, f) for n, f in vars(hostile).items()
             if n.startswith("test_") and n not in SLOW]
    hostile_runs = hostile_failures = 0
    # One pass over every case first: descriptor tables, arenas and
    # caches reach their working size; the soak then measures growth.
    for name, fn in cases:
        fn(server)
    time.sleep(6)
    rss_start = hostile.rss(server)
    hostile.server_status(server)
    heap_start = server.heap_kib
    parts_start = rss_parts(server)
    end = time.time() + seconds
    rng = random.Random(1)
    while time.time() < end:
        name, fn = rng.choice(cases)
        try:
            fn(server)
        except Exception as e:  # a case's own expectation failed
            hostile_failures += 1
            print("case %s: %r" % (name, e))
        hostile_runs += 1
        if not server.alive():
            print("soak: the server died")
            break
    for g in extra + [server.good]:
        g.stop.set()
    for g in extra + [server.good]:
        g.join()
    time.sleep(6)
    rss_end = hostile.rss(server)
    hostile.server_status(server)
    heap_end = server.heap_kib
    parts_end = rss_parts(server)
    served = sum(g.ok for g in extra + [server.good])
    errors = sum(len(g.failures) for g in extra + [server.good])
    status = server.stop()
    print("soak: %.0f s, %d well-behaved requests served, %d errors seen "
          "by them; %d hostile cases run, %d unexpected answers" % (
              seconds, served, errors, hostile_runs, hostile_failures))
    print("soak: server RSS %d KiB at the start (after one warm-up pass "
          "over the cases), %d KiB at the end (%+.1f%%)" % (rss_start,
                                                            rss_end,
                         100.0 * (rss_end - rss_start) / rss_start))
    print("soak: heap in use %d KiB at the start, %d KiB at the end" % (
        heap_start, heap_end))
    print("soak: RSS anonymous/file-backed %d/%d KiB at the start, %d/%d "
          "KiB at the end" % (parts_start + parts_end))
    ok = errors == 0 and hostile_failures == 0 and status == 0 and \
        rss_end <= rss_start * 1.10
    print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
