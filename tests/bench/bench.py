#!/usr/bin/env python3
"""make bench: capsuled against molly-brown (Gemini), gophernicus (Gopher)
and two floors written for this benchmark, in one run on this machine.

The servers run in a private network namespace (molly-brown binds every
address) pinned to CPU 0; the load generator is pinned to CPU 1.  Servers
alternate run by run (A B C A B C ...) so that a drifting machine weighs
on all alike.  Server CPU per request is user+sys of the server's
processes (children included) over a run, divided by the answers.

The OpenSSL floor also runs with resumed sessions, and a third copy of it
(-H) only completes handshakes and keeps the connections: what resumption
saves OpenSSL itself, and what OpenSSL alone holds per idle connection,
measured beside capsuled's figures.

Last, the capsules row: capsuled with one configured capsule against
capsuled with 1 000 (each its own certificate and a copy of the seed
list), requests spread over 10 of them by SNI: Gemini CPU per request and
handshake latency, as a ratio, and the memory an idle configured capsule
costs.  BENCH_PART=capsules runs that row alone.

Usage: bench.py BUILD_DIR [SECONDS_PER_RUN]
"""
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
NS = "capsuled-bench"
TICK = os.sysconf("SC_CLK_TCK")
CONCURRENCY = (1, 16, 128)
# Runs per server and concurrency, alternating; BENCH_ROUNDS overrides.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def raise_limits():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def in_ns(cpu, *cmd):
    return ["ip", "netns", "exec", NS, "taskset", "-c", str(cpu)] + \
        [str(c) for c in cmd]


def start(cmd, **kw):
    return subprocess.Popen(cmd, preexec_fn=raise_limits,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **kw)


def descendants(pid):
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                kids.setdefault(int(fields[1]), []).append(int(p))
            except OSError:
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_seconds(pid):
    """user+sys of pid and its live descendants, reaped children too."""
    total = 0
    for p in descendants(pid):
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
        except OSError:
            pass
    return total / TICK


def rss_kib(pid, field="VmRSS"):
    total = 0
    for p in descendants(pid):
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def wait_port(port):
    deadline = time.time() + 15
    while time.time() < deadline:
        r = subprocess.run(["ip", "netns", "exec", NS, "python3", "-c",
                            "import socket; socket.create_connection(("
                            "'127.0.0.1', %d), 1).close()" % port],
                           capture_output=True)
        if r.returncode == 0:
            return
        time.sleep(0.1)
    raise SystemExit("bench: nothing listens on port %d" % port)


def loadgen(lg, mode, port, request, conc, seconds, resume=False,
            expect=None):
    cmd = in_ns(1, lg, "-m", mode, "-p", port, "-q", request, "-c", conc,
                "-t", seconds)
    if resume:
        cmd.append("-r")
    if expect:
        cmd += ["-e", expect]
    r = subprocess.run(cmd, capture_output=True, text=True,
                       preexec_fn=raise_limits, timeout=seconds + 60)
    words = r.stdout.split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}


# capsuled hands memory back within this long of the last connection
# closing (SERVER_TRIM_SECONDS and one more): each idle measurement waits
# as long first, so that no server is still settling from the runs before
# it while the connections are held.
SETTLE_SECONDS = 6


def idle_cost(lg, mode, port, pid, n=1000):
    time.sleep(SETTLE_SECONDS)
    before = rss_kib(pid)
    p = subprocess.Popen(in_ns(1, lg, "-m", mode, "-p", port, "-i", n),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, preexec_fn=raise_limits)
    line = p.stdout.readline().split()
    time.sleep(1)
    after = rss_kib(pid)
    p.stdin.close()
    p.wait(timeout=30)
    ready = int(line[1]) if len(line) > 1 else 0
    return (after - before) / max(ready, 1), ready


def main():
    build = os.path.abspath(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    if os.geteuid() != 0:
        raise SystemExit("bench: needs root for its network namespace")
    for tool in ("molly-brown", "gophernicus", "socat", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit("bench: %s is missing (make deps)" % tool)
    lg = os.path.join(build, "bench", "loadgen")
    floor = os.path.join(build, "bench", "floor")
    binary = os.path.join(build, "capsuled")
    work = tempfile.mkdtemp(prefix="capsuled-bench-")
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    subprocess.run(["ip", "-n", NS, "link", "set", "lo", "up"], check=True)
    procs = {}
    try:
        if os.environ.get("BENCH_PART") != "capsules":
            run(build, binary, lg, floor, work, seconds, procs)
        capsules_row(binary, lg, work, seconds, procs)
    finally:
        for p in procs.values():
            p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def run(build, binary, lg, floor, work, seconds, procs):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "30", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True,
                   capture_output=True)
    content = os.path.join(work, "content")
    os.makedirs(content)
    shutil.copy(os.path.join(ROOT, "content", "index.md"), content)

    def capsuled_conf(name, workers, gopher, gemini):
        path = os.path.join(work, name + ".conf")
        with open(path, "w") as f:
            f.write("hostname localhost\nlisten 127.0.0.1\n"
                    "gopher_port %d\ngemini_port %d\ncontent %s\n"
                    "cert %s\nkey %s\nworkers %d\nwatch no\n"
                    "read_timeout 60\nmax_connections 20000\n"
                    "access_log %s/%s.log\n" % (
                        gopher, gemini, content, cert, key, workers, work,
                        name))
        return path

    procs["capsuled"] = start(in_ns(0, binary, "-f",
                                    capsuled_conf("c1", 1, 7070, 1965)))
    procs["capsuled2"] = start(in_ns(0, binary, "-f",
                                     capsuled_conf("c2", 2, 7080, 1975)))
    wait_port(7070)
    wait_port(7080)
    # The same page for every server: what capsuled answers.
    gem_body = subprocess.run(
        ["ip", "netns", "exec", NS, "openssl", "s_client", "-quiet",
         "-connect", "127.0.0.1:1965", "-servername", "localhost"],
        input=b"gemini://localhost/\r\n", capture_output=True,
        timeout=30).stdout
    menu = subprocess.run(["ip", "netns", "exec", NS, "curl", "-s",
                           "gopher://127.0.0.1:7070/"],
                          capture_output=True, timeout=30).stdout
    docs = os.path.join(work, "gemdocs")
    os.makedirs(docs)
    with open(os.path.join(docs, "index.gmi"), "wb") as f:
        f.write(gem_body.split(b"\r\n", 1)[1])
    with open(os.path.join(work, "molly.conf"), "w") as f:
        f.write('Port = 1966\nHostname = "localhost"\nCertPath = "%s"\n'
                'KeyPath = "%s"\nDocBase = "%s"\nAccessLog = "%s/molly.log"'
                '\nErrorLog = "%s/molly.err"\n' % (cert, key, docs, work,
                                                   work))
    # -nm: without shared memory gophernicus keeps no per-client hit
    # count, which would throttle the benchmark's thousands of requests.
    gopherroot = os.path.join(work, "gopher")
    os.makedirs(gopherroot)
    with open(os.path.join(gopherroot, "gophermap"), "wb") as f:
        f.write(menu[:-3] if menu.endswith(b".\r\n") else menu)
    with open(os.path.join(work, "gem-answer"), "wb") as f:
        f.write(gem_body)
    with open(os.path.join(work, "gopher-answer"), "wb") as f:
        f.write(menu)
    procs["molly-brown"] = start(in_ns(0, "molly-brown", "-c",
                                       os.path.join(work, "molly.conf")))
    procs["gophernicus"] = start(in_ns(
        0, "socat", "TCP-LISTEN:7071,bind=127.0.0.1,reuseaddr,fork,"
        "backlog=4096", "EXEC:gophernicus -h localhost -p 7071 -r %s -nv "
        "-nh -nf -nd -ns -nu -na -nr -nm" % gopherroot))
    procs["floor-gopher"] = start(in_ns(0, floor, "-p", 7072, "-f",
                                        os.path.join(work, "gopher-answer")))
    procs["floor-gemini"] = start(in_ns(0, floor, "-p", 1967, "-f",
                                        os.path.join(work, "gem-answer"),
                                        "-c", cert, "-k", key))
    procs["floor-idle"] = start(in_ns(0, floor, "-p", 1968, "-f",
                                      os.path.join(work, "gem-answer"),
                                      "-c", cert, "-k", key, "-H", 1000))
    for port in (1966, 7071, 7072, 1967, 1968):
        wait_port(port)

    gemini = [("capsuled", 1965, False), ("molly-brown", 1966, False),
              ("floor-gemini", 1967, False), ("capsuled-resumed", 1965, True),
              ("floor-gemini-resumed", 1967, True),
              ("capsuled-2-workers", 1975, False)]
    gopher = [("capsuled", 7070), ("gophernicus", 7071),
              ("floor-gopher", 7072), ("capsuled-2-workers", 7080)]
    pid_of = {"capsuled": procs["capsuled"].pid,
              "capsuled-resumed": procs["capsuled"].pid,
              "capsuled-2-workers": procs["capsuled2"].pid,
              "molly-brown": procs["molly-brown"].pid,
              "gophernicus": procs["gophernicus"].pid,
              "floor-gemini": procs["floor-gemini"].pid,
              "floor-gemini-resumed": procs["floor-gemini"].pid,
              "floor-idle": procs["floor-idle"].pid,
              "floor-gopher": procs["floor-gopher"].pid}
    print("bench: %s, %d CPUs, %.0f s per run, %d rounds, servers on CPU 0,"
          " client on CPU 1" % (time.strftime("%Y-%m-%d"), os.cpu_count(),
                                seconds, ROUNDS))
    results = {}
    for proto, servers in (("gemini", gemini), ("gopher", gopher)):
        for conc in CONCURRENCY:
            for _ in range(ROUNDS):
                for entry in servers:
                    name, port = entry[0], entry[1]
                    resume = len(entry) > 2 and entry[2]
                    pid = pid_of[name]
                    c0 = cpu_seconds(pid)
                    r = loadgen(lg, proto, port, "gemini://localhost/\\r\\n"
                                if proto == "gemini" else "\\r\\n", conc,
                                seconds, resume,
                                "20 " if proto == "gemini" else None)
                    used = cpu_seconds(pid) - c0
                    acc = results.setdefault((proto, conc, name), [])
                    acc.append((r, used))
    print()
    report(results, pid_of, lg)


def summarise(runs):
    req = sum(r["requests"] for r, _ in runs)
    cpu = sum(u for _, u in runs)
    return {
        "rps": sum(r["rps"] for r, _ in runs) / len(runs),
        "p50": sorted(r["p50_us"] for r, _ in runs)[len(runs) // 2],
        "p99": max(r["p99_us"] for r, _ in runs),
        "errors": int(sum(r["errors"] for r, _ in runs)),
        "cpu_us": cpu / req * 1e6 if req else float("nan"),
        "resumed": int(sum(r.get("resumed", 0) for r, _ in runs)),
        "requests": int(req),
    }


def ratio(results, key, other):
    """The pooled ratio of server CPU per request, key / other, and the
    range of the ratios of the rounds' paired runs (run i of one against
    run i of the other): how far this machine's drift moves it."""
    mine, theirs = results[key], results[other]
    pooled = summarise(mine)["cpu_us"] / summarise(theirs)["cpu_us"]
    rounds = sorted(summarise([a])["cpu_us"] / summarise([b])["cpu_us"]
                    for a, b in zip(mine, theirs))
    return "%.2fx [%.2f-%.2f]" % (pooled, rounds[0], rounds[-1])


def report(results, pid_of, lg):
    print("%-7s %5s %-20s %9s %9s %9s %7s %11s" % (
        "proto", "conc", "server", "req/s", "p50 us", "p99 us", "errors",
        "cpu us/req"))
    table = {}
    for (proto, conc, name), runs in results.items():
        s = table[(proto, conc, name)] = summarise(runs)
        print("%-7s %5d %-20s %9.0f %9.0f %9.0f %7d %11.1f" % (
            proto, conc, name, s["rps"], s["p50"], s["p99"], s["errors"],
            s["cpu_us"]))
    print("\nratios of server CPU per request (capsuled / other), pooled over"
          " the rounds [lowest-highest of the rounds' paired runs]:")
    for proto, others in (("gemini", ("floor-gemini", "molly-brown")),
                          ("gopher", ("floor-gopher", "gophernicus"))):
        for conc in CONCURRENCY:
            def vs(a, b):
                return ratio(results, (proto, conc, a), (proto, conc, b))
            parts = ["%s %s" % (o, vs("capsuled", o)) for o in others]
            if proto == "gemini":
                res = table[(proto, conc, "capsuled-resumed")]
                parts.append("resumed/full %s (%d of %d resumed)" % (
                    vs("capsuled-resumed", "capsuled"), res["resumed"],
                    res["requests"]))
                # What resumption saves OpenSSL itself, in the floor.
                parts.append("floor's own resumed/full %s" % vs(
                    "floor-gemini-resumed", "floor-gemini"))
            parts.append("2 workers/1 %s" % vs("capsuled-2-workers",
                                              "capsuled"))
            print("  %-6s c=%-3d %s" % (proto, conc, ", ".join(parts)))
    print("\nmemory:")
    print("  capsuled peak RSS after the runs (1 worker): %d KiB" %
          rss_kib(pid_of["capsuled"], "VmHWM"))
    idle = {}
    for name, mode, port in (("capsuled", "gemini", 1965),
                             ("molly-brown", "gemini", 1966),
                             ("floor-idle", "gemini", 1968),
                             ("capsuled", "gopher", 7070),
                             ("gophernicus", "gopher", 7071)):
        per, n = idle_cost(lg, mode, port, pid_of[name])
        idle[(name, mode)] = per
        print("  %-12s %-6s %.2f KiB per idle connection (%d held)" % (
            name, mode, per, n))
    # floor-idle finishes handshakes and keeps the SSL objects, nothing
    # else: what OpenSSL alone holds for a connection awaiting a request.
    print("  idle gemini, capsuled / floor-idle (OpenSSL alone): %.2fx" % (
        idle[("capsuled", "gemini")] / max(idle[("floor-idle", "gemini")],
                                           0.01)))


CAPSULES = 1000
SPREAD = 10


def make_capsules(work, n):
    """n capsules c0000.example ..., each with its own folder holding the
    seed list and its own certificate; returns their names and blocks."""
    names, blocks = [], []
    for i in range(n):
        name = "c%04d.example" % i
        folder = os.path.join(work, "capsules", name)
        os.makedirs(os.path.join(folder, "content"))
        shutil.copy(os.path.join(ROOT, "content", "index.md"),
                    os.path.join(folder, "content"))
        cert, key = (os.path.join(folder, "cert.pem"),
                     os.path.join(folder, "key.pem"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "30", "-subj",
                        "/CN=" + name, "-addext", "subjectAltName=DNS:" +
                        name], check=True, capture_output=True)
        names.append(name)
        blocks.append((name, os.path.join(folder, "content"), cert, key))
    return names, blocks


def capsules_conf(work, label, blocks, port):
    """The first block is the top level (the default capsule)."""
    name, content, cert, key = blocks[0]
    path = os.path.join(work, label + ".conf")
    with open(path, "w") as f:
        f.write("hostname %s\nlisten 127.0.0.1\ngopher_port 0\n"
                "gemini_port %d\ncontent %s\ncert %s\nkey %s\nworkers 1\n"
                "watch no\nread_timeout 60\nmax_connections 20000\n"
                "access_log off\n" % (name, port, content, cert, key))
        for name, content, cert, key in blocks[1:]:
            f.write("capsule %s {\n\tcontent %s\n\tcert %s\n\tkey %s\n"
                    "}\n" % (name, content, cert, key))
    return path


def capsules_row(binary, lg, work, seconds, procs):
    t0 = time.time()
    names, blocks = make_capsules(work, CAPSULES)
    made = time.time() - t0
    one = capsules_conf(work, "one", blocks[:1], 1995)
    many = capsules_conf(work, "many", blocks, 1996)
    t0 = time.time()
    procs["capsules-1"] = start(in_ns(0, binary, "-f", one))
    procs["capsules-%d" % CAPSULES] = start(in_ns(0, binary, "-f", many))
    wait_port(1995)
    wait_port(1996)
    print("\ncapsules: %d made in %.0f s, both servers up in %.1f s" % (
        CAPSULES, made, time.time() - t0))
    spread = ",".join(names[i * (CAPSULES // SPREAD)] for i in
                      range(SPREAD))
    runs = [("1 capsule", 1995, names[0], procs["capsules-1"].pid),
            ("%d capsules" % CAPSULES, 1996, spread,
             procs["capsules-%d" % CAPSULES].pid)]
    # Idle first: both servers have only started.
    time.sleep(SETTLE_SECONDS)
    rss = {label: rss_kib(pid) for label, _, _, pid in runs}
    results = {}
    for conc in (1, 16):
        for _ in range(ROUNDS):
            for label, port, sni, pid in runs:
                cmd = in_ns(1, lg, "-m", "gemini", "-p", port, "-q", "x",
                            "-c", conc, "-t", seconds, "-s", sni, "-e",
                            "20 ")
                c0 = cpu_seconds(pid)
                r = subprocess.run(cmd, capture_output=True, text=True,
                                   preexec_fn=raise_limits,
                                   timeout=seconds + 60)
                words = r.stdout.split()
                got = {words[i]: float(words[i + 1])
                       for i in range(0, len(words), 2)}
                results.setdefault((conc, label), []).append(
                    (got, cpu_seconds(pid) - c0))
    print("%-5s %-15s %9s %11s %12s %12s %7s" % (
        "conc", "server", "req/s", "cpu us/req", "hs p50 us", "hs p99 us",
        "errors"))
    for (conc, label), rs in results.items():
        s = summarise(rs)
        hs50 = sorted(r["hs_p50_us"] for r, _ in rs)[len(rs) // 2]
        hs99 = max(r["hs_p99_us"] for r, _ in rs)
        results[(conc, label)] = (s, hs50, hs99, rs)
        print("%-5d %-15s %9.0f %11.1f %12.0f %12.0f %7d" % (
            conc, label, s["rps"], s["cpu_us"], hs50, hs99, s["errors"]))
    print("ratios, %d capsules (requests over %d of them) / 1 capsule:" % (
        CAPSULES, SPREAD))
    for conc in (1, 16):
        a = results[(conc, "1 capsule")]
        b = results[(conc, "%d capsules" % CAPSULES)]
        rounds = sorted(summarise([y])["cpu_us"] / summarise([x])["cpu_us"]
                        for x, y in zip(a[3], b[3]))
        print("  c=%-3d cpu/request %.2fx [%.2f-%.2f], handshake p50 %.2fx, "
              "p99 %.2fx (goal: at most 1.05x)" % (
                  conc, b[0]["cpu_us"] / a[0]["cpu_us"], rounds[0],
                  rounds[-1], b[1] / a[1], b[2] / a[2]))
    per = (rss["%d capsules" % CAPSULES] - rss["1 capsule"]) / (CAPSULES - 1)
    print("  idle configured capsule (its snapshot of the seed list and its "
          "SSL_CTX): %.1f KiB each (RSS %d KiB with 1, %d KiB with %d; "
          "goal: under 200 KiB)" % (per, rss["1 capsule"],
                                    rss["%d capsules" % CAPSULES], CAPSULES))


if __name__ == "__main__":
    main()
