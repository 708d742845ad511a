#!/usr/bin/env python3
"""Weighs the worker renewal (a fresh thread per worker once the server
is quiet, see worker_renew()) against glibc's own knob for the same
problem, GLIBC_TUNABLES=glibc.malloc.tcache_count=0, side by side.

Usage: bursts.py BUILD NORENEW_BINARY [ROUNDS]

For each variant: capsuled with two workers serves ROUNDS bursts of 2 000
idle Gemini connections (handshake done, nothing sent), each closed and
followed by a quiet wait past the trim tick; it prints the anonymous RSS
after the first and the last burst.  Then the server's CPU per request
(Gopher and Gemini, 16 in flight, one connection per request).
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import bench  # noqa: E402
import capsule  # noqa: E402

IDLE = 2000
QUIET = 7       # seconds: past SERVER_TRIM_SECONDS (5) and a tick


def start(binary, folder, env):
    gopher, gemini = capsule.free_port(), capsule.free_port()
    cert, key = capsule.make_cert(folder)
    conf = os.path.join(folder, "bursts.conf")
    with open(conf, "w") as f:
        f.write("hostname localhost\nlisten 127.0.0.1\ngopher_port %d\n"
                "gemini_port %d\ncontent %s\ncert %s\nkey %s\nworkers 2\n"
                "max_connections 8192\nmax_per_address 8192\n"
                "access_log off\n" % (gopher, gemini,
                                      os.path.join(capsule.ROOT, "content"),
                                      cert, key))
    full = dict(os.environ)
    full.update(env)
    proc = subprocess.Popen([binary, "-f", conf], env=full,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", gemini), 1).close()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise SystemExit("bursts: the server did not start")
            time.sleep(0.1)
    return proc, gopher, gemini


def burst(loadgen, port):
    held = subprocess.Popen([loadgen, "-m", "gemini", "-a", "127.0.0.1",
                             "-p", str(port), "-i", str(IDLE)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    line = held.stdout.readline()
    assert line.startswith("idle %d " % IDLE), line
    held.stdin.close()
    held.wait()


def cpu_per_request(loadgen, pid, mode, port, request):
    before = bench.cpu_seconds(pid)
    out = subprocess.run([loadgen, "-m", mode, "-a", "127.0.0.1", "-p",
                          str(port), "-q", request, "-c", "16", "-t", "3"],
                         capture_output=True, text=True, check=True).stdout
    used = bench.cpu_seconds(pid) - before
    fields = out.split()
    requests = int(fields[fields.index("requests") + 1])
    errors = int(fields[fields.index("errors") + 1])
    assert errors == 0, out
    return used / requests * 1e6


def main():
    build, norenew = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    loadgen = os.path.join(build, "bench", "loadgen")
    variants = [
        ("renewal (as shipped)", os.path.join(build, "capsuled"), {}),
        ("tcache_count=0, no renewal", norenew,
         {"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"}),
        ("neither", norenew, {}),
    ]
    print("bursts: %d rounds of %d idle Gemini connections, 2 workers"
          % (rounds, IDLE))
    print("%-28s %12s %12s %14s %14s" % ("variant", "RSS 1st KiB",
                                         "RSS last KiB", "gopher us/req",
                                         "gemini us/req"))
    for name, binary, env in variants:
        folder = tempfile.mkdtemp(prefix="capsuled-bursts-")
        proc, gopher, gemini = start(binary, folder, env)
        try:
            rss = []
            for _ in range(rounds):
                burst(loadgen, gemini)
                time.sleep(QUIET)
                rss.append(bench.rss_kib(proc.pid, "RssAnon"))
            # loadgen reads \r\n escapes in the request.
            gph = cpu_per_request(loadgen, proc.pid, "gopher", gopher,
                                  "/\\r\\n")
            gem = cpu_per_request(loadgen, proc.pid, "gemini", gemini,
                                  "gemini://localhost/\\r\\n")
            print("%-28s %12d %12d %14.1f %14.1f" % (name, rss[0], rss[-1],
                                                     gph, gem))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            subprocess.run(["rm", "-rf", folder])


if __name__ == "__main__":
    main()
