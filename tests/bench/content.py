#!/usr/bin/env python3
"""make bench-content: what capsuled costs as a capsule grows.

For capsules of 100, 1 000 and 10 000 generated pages (gencontent.py) and
one page of 20 000 entries, in one run:
- build: capsuled -n against cmark-gfm's own command-line tool rendering
  the same files to HTML with the same extensions (median of 3 each);
- resident memory serving, and its ratio to the Markdown bytes;
- a reload after one page is edited: the time until the edit is served
  and the peak resident memory against the steady one;
- search over Gopher: latency p50/p99 and answer size for a common word,
  a rare word and no match (Gemini answer sizes too).

Usage: content.py BUILD_DIR   (BENCH_CONTENT_PAGES="100 1000" to choose)
"""
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gencontent  # noqa: E402

QUERIES = [("common", "distributed"), ("rare", gencontent.RARE),
           ("none", "qqqqqq")]
SEARCHES = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median_seconds(cmd, runs=3, **kw):
    times = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, **kw)
        times.append(time.monotonic() - start)
    return statistics.median(times)


def md_files(folder):
    out = []
    for top, _, names in os.walk(folder):
        out += [os.path.join(top, n) for n in sorted(names)
                if n.endswith(".md")]
    return sorted(out)


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def gopher(port, request):
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return time.monotonic() - start, data


def gemini(port, request):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(request)
            data = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except ssl.SSLError:
                    break
                if not chunk:
                    break
                data += chunk
    return data


def write_config(folder, content, gopher_port, gemini_port):
    path = os.path.join(folder, "capsuled.conf")
    with open(path, "w") as f:
        f.write("hostname localhost\nlisten 127.0.0.1\ngopher_port %d\n"
                "gemini_port %d\ncontent %s\ncert %s\nkey %s\n"
                "access_log off\n" % (
                    gopher_port, gemini_port, content,
                    os.path.join(ROOT, "certs", "cert.pem"),
                    os.path.join(ROOT, "certs", "key.pem")))
    return path


def wait_serving(proc, log):
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        assert proc.poll() is None, open(log).read()
        if "capsuled serving" in open(log).read():
            return
        time.sleep(0.05)
    raise RuntimeError("server did not start")


def start_serving(binary, config, folder):
    """Starts the server; returns once it serves and has settled."""
    log = os.path.join(folder, "server.log")
    proc = subprocess.Popen([binary, "-f", config],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        wait_serving(proc, log)
    except BaseException:
        proc.kill()
        raise
    time.sleep(0.5)
    return proc


def measure_reload(proc, gopher_port, page_path, selector):
    """Edits one page; seconds until the edit is served, and peak RSS."""
    with open("/proc/%d/clear_refs" % proc.pid, "w") as f:
        f.write("5")    # resets the peak (VmHWM) to the current RSS
    marker = "editmarker%d" % int(time.time())
    start = time.monotonic()
    with open(page_path, "a") as f:
        f.write("\n* [Edited %s](https://edit.example/)\n" % marker)
    while time.monotonic() - start < 120:
        _, data = gopher(gopher_port, selector + b"\r\n")
        if marker.encode() in data:
            return time.monotonic() - start, status_kib(proc.pid, "VmHWM")
        time.sleep(0.02)
    return float("nan"), status_kib(proc.pid, "VmHWM")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def run_case(binary, name, pages, big):
    folder = tempfile.mkdtemp(prefix="capsuled-bench-content-")
    content = os.path.join(folder, "content")
    md_bytes = gencontent.generate(content, pages, big)
    gport, mport = free_port(), free_port()
    config = write_config(folder, content, gport, mport)
    files = md_files(content)
    build = median_seconds([binary, "-n", "-f", config])
    gfm = median_seconds(["cmark-gfm", "-e", "table", "-e", "autolink",
                          "-e", "strikethrough", "-e", "tasklist", "-e",
                          "footnotes", "-t", "html"] + files)
    proc = start_serving(binary, config, folder)
    try:
        rss = status_kib(proc.pid, "VmRSS")
        anon = status_kib(proc.pid, "RssAnon")
        print("%-12s %9.1f MB md  build %6.2f s, cmark-gfm %6.2f s: %5.2fx"
              "  RSS %8.1f MiB: %5.2fx md (anonymous %.1f MiB: %.2fx)" % (
                  name, md_bytes / 1e6, build, gfm, build / gfm,
                  rss / 1024, rss * 1024 / md_bytes, anon / 1024,
                  anon * 1024 / md_bytes))
        if pages > 0:
            page = os.path.join(content, "f000", "p00000.md")
            sel = b"/f000/p00000"
        else:
            # Over page_max, the page itself is served summed up: the
            # entry added at its end shows in its plain text.
            page, sel = files[0], b"/index.txt"
        took, peak = measure_reload(proc, gport, page, sel)
        print("%-12s reload after one edit: served in %.2f s, peak RSS "
              "%.1f MiB: %.2fx steady" % (name, took, peak / 1024,
                                          peak / rss))
        for label, word in QUERIES:
            times = []
            for _ in range(SEARCHES):
                t, data = gopher(gport, b"/search\t" + word.encode() +
                                 b"\r\n")
                times.append(t)
            gem = gemini(mport, b"gemini://localhost/search?" +
                         word.encode() + b"\r\n")
            print("%-12s search %-6s p50 %7.2f ms p99 %7.2f ms, answer "
                  "%8d B gopher, %8d B gemini" % (
                      name, label, percentile(times, 0.5) * 1e3,
                      percentile(times, 0.99) * 1e3, len(data), len(gem)))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def run_seed(binary):
    """The capsule make run serves: goal 8 MiB plus 5x its Markdown."""
    folder = tempfile.mkdtemp(prefix="capsuled-bench-seed-")
    content = os.path.join(ROOT, "content")
    md_bytes = sum(os.path.getsize(f) for f in md_files(content))
    gopher_port, gemini_port = free_port(), free_port()
    config = write_config(folder, content, gopher_port, gemini_port)
    proc = start_serving(binary, config, folder)
    try:
        for when in ("started", "served"):
            rss = status_kib(proc.pid, "VmRSS")
            anon = status_kib(proc.pid, "RssAnon")
            files = status_kib(proc.pid, "RssFile")
            print("%-12s %9.1f KB md  RSS %.1f MiB %s (goal %.1f MiB): "
                  "anonymous %.1f MiB, shared libraries' pages %.1f MiB" % (
                      "seed", md_bytes / 1e3, rss / 1024, when,
                      8 + 5 * md_bytes / 2**20, anon / 1024, files / 1024))
            # Then as readers use it: each answer of both protocols.
            for _ in range(10):
                gopher(gopher_port, b"/\r\n")
                gopher(gopher_port, b"/0/index.txt\r\n")
                gopher(gopher_port, b"/search\tpaxos\r\n")
                gemini(gemini_port, b"gemini://localhost/\r\n")
                gemini(gemini_port, b"gemini://localhost/search?paxos\r\n")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    binary = os.path.join(sys.argv[1], "capsuled")
    sizes = [int(n) for n in os.environ.get(
        "BENCH_CONTENT_PAGES", "100 1000 10000").split()]
    print("bench-content: goals at 10 000 pages: RSS <= 5x the Markdown, "
          "build <= 1.5x cmark-gfm, edit served < 0.5 s with peak <= 1.2x, "
          "answers <= 64 KiB, search p99 < 20 ms")
    run_seed(binary)
    for pages in sizes:
        run_case(binary, "%d pages" % pages, pages, 0)
    run_case(binary, "20000 entries", 0, 20000)


if __name__ == "__main__":
    main()
