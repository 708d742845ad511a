#!/usr/bin/env python3
"""Integration tests: run the real capsuled binary and check what it says.

Usage: run.py BINARY

Each test is a function named test_*; they run in file order.  Server tests
start capsuled on free loopback ports with a generated config and
certificate, and check after every case that the server is still alive.
The last line is "N passed, N failed".
"""
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import cases_render  # noqa: E402

MODULES = [cases_render]

import cases_server  # noqa: E402
import cases_shape  # noqa: E402
import cases_gfm  # noqa: E402
import cases_search  # noqa: E402
import cases_paging  # noqa: E402
import cases_selfhost  # noqa: E402
import cases_vhosts  # noqa: E402
import hostile  # noqa: E402

MODULES += [cases_server, cases_shape, cases_gfm, cases_search, cases_paging, cases_selfhost,
            cases_vhosts, hostile]


def main():
    if len(sys.argv) < 2:
        print("usage: run.py BINARY [MODULE ...]", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    only = set(sys.argv[2:])
    modules = [m for m in MODULES if not only or m.__name__ in only]
    passed = failed = 0
    for mod in modules:
        ctx = mod.setup(binary, ROOT) if hasattr(mod, "setup") else None
        try:
            tests = [(n, f) for n, f in vars(mod).items()
                     if n.startswith("test_") and callable(f)]
            for name, fn in tests:
                try:
                    fn(ctx if ctx is not None else binary)
                    if hasattr(mod, "after_each"):
                        mod.after_each(ctx)
                    passed += 1
                    print("ok   %s.%s" % (mod.__name__, name))
                except Exception:
                    failed += 1
                    print("FAIL %s.%s" % (mod.__name__, name))
                    traceback.print_exc(file=sys.stdout)
        finally:
            if hasattr(mod, "teardown"):
                mod.teardown(ctx)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
