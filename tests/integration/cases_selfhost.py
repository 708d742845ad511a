"""Self-hosting: install, privileges, reload, logs, shutdown, PROXY
protocol and HAProxy."""
import os
import pty
import pwd
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import threading
import time

import capsule

ROOT = capsule.ROOT


def setup(binary, root):
    return {"binary": binary}


def wait_for(pred, timeout=10, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(step)
    return False


def start(binary, extra="", **kw):
    folder = capsule.tempdir()
    os.chmod(folder, 0o755)
    return capsule.Server(binary, folder, extra=extra, **kw)


def finish(server):
    status = server.stop()
    log = server.read_log()
    shutil.rmtree(server.folder, ignore_errors=True)
    assert status == 0, "exit status %r:\n%s" % (status, log)


def front(server):
    return server.gemini(b"gemini://localhost/\r\n")[0]


def test_version_help_and_exit_statuses(ctx):
    b = ctx["binary"]
    r = subprocess.run([b, "--version"], capture_output=True)
    assert r.returncode == 0 and r.stdout.startswith(b"capsuled "), r
    r = subprocess.run([b, "--help"], capture_output=True)
    assert r.returncode == 0 and b"usage: capsuled" in r.stdout, r
    r = subprocess.run([b, "-x"], capture_output=True)
    assert r.returncode == 2, r
    r = subprocess.run([b, "-f", "/nonexistent.conf"], capture_output=True)
    assert r.returncode == 2 and b"/nonexistent.conf" in r.stderr, r
    # A port already taken: a run-time failure, status 1.
    server = start(b)
    try:
        conf = os.path.join(server.folder, "clash.conf")
        with open(server.config) as f, open(conf, "w") as g:
            g.write(f.read().replace(
                "gemini_port %d" % server.gemini_port,
                "gemini_port %d" % capsule.free_port()))
        r = subprocess.run([b, "-f", conf], capture_output=True, timeout=20)
        assert r.returncode == 1, r
        assert b"Address already in use" in r.stderr, r.stderr
    finally:
        finish(server)


def test_every_setting_documented_and_example_valid(ctx):
    """capsuled.conf(5) and the example config name every setting the
    parser takes, and the example, uncommented, is a valid config."""
    import re
    with open(os.path.join(ROOT, "src", "config.c")) as f:
        source = f.read()
    parsed = set(re.findall(r'strcmp\(key, "(\w+)"\)', source)) | \
        set(re.findall(r'\{ "(\w+)", &c->', source))
    with open(os.path.join(ROOT, "etc", "capsuled.conf.5")) as f:
        man = set()
        for line in f:
            if line.startswith(".It Ic "):
                man |= set(re.findall(r"Ic (\w+)", line))
    with open(os.path.join(ROOT, "etc", "capsuled.conf")) as f:
        # Settings, and the lines of the capsule block shown.
        example = [line[1:] for line in f
                   if re.match(r"#(\t?\w+ \S|\}$)", line)]
    keys = set(line.split()[0] for line in example) - {"}"}
    assert len(parsed) > 20, parsed
    assert man == parsed, (man ^ parsed)
    assert keys == parsed, (keys ^ parsed)
    folder = capsule.tempdir()
    try:
        content = capsule.make_content(folder)
        cert, key = capsule.make_cert(folder)
        conf = os.path.join(folder, "example.conf")
        paths = {"content": content, "cert": cert, "key": key}
        with open(conf, "w") as f:
            for line in example:
                name = line.split()[0]
                if name in ("user", "group", "chroot"):
                    continue  # the test does not run as that user
                f.write("%s %s\n" % (name, paths[name]) if name in paths
                        else line)
        assert any(l.startswith("capsule ") for l in example), example
        r = subprocess.run([ctx["binary"], "-n", "-f", conf],
                           capture_output=True, timeout=60)
        assert r.returncode == 0, r
        # The block's capsule is listed with its names.
        assert b"capsule lists.example.org, also www.lists.example.org" \
            in r.stdout, r.stdout
        with open(conf, "a") as f:
            f.write("workers_per_cpu 2\n")
        r = subprocess.run([ctx["binary"], "-n", "-f", conf],
                           capture_output=True, timeout=60)
        assert r.returncode == 2 and b"unknown setting" in r.stderr, r
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_drops_root_for_user(ctx):
    if os.geteuid() != 0:
        print("skipped: dropping privileges needs root")
        return
    nobody = pwd.getpwnam("nobody")
    server = start(ctx["binary"], extra="user nobody\n")
    try:
        # The ports are bound before root is dropped: once the server
        # answers, the drop is done (or the server has exited).
        assert server.gemini(b"gemini://localhost/\r\n")[0].startswith(
            b"20 ")
        with open("/proc/%d/status" % server.proc.pid) as f:
            status = f.read()
        uids = [l for l in status.splitlines() if l.startswith("Uid:")][0]
        gids = [l for l in status.splitlines() if l.startswith("Gid:")][0]
        assert uids.split()[1:] == [str(nobody.pw_uid)] * 4, uids
        assert gids.split()[1:] == [str(nobody.pw_gid)] * 4, gids
        assert front(server).startswith(b"20 "), "not serving"
        assert b"running as root" not in server.read_log().encode()
    finally:
        finish(server)


def test_chroot_serves_content_only(ctx):
    if os.geteuid() != 0:
        print("skipped: chroot needs root")
        return
    # LeakSanitizer reads /proc, which a chroot does not have: in the
    # sanitizer build, leaks are checked by every other test instead.
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    server = start(ctx["binary"], extra="user nobody\nchroot yes\n",
                   env=env)
    try:
        assert front(server).startswith(b"20 ")
        assert os.readlink("/proc/%d/root" % server.proc.pid) == \
            os.path.realpath(server.content)
        # Content changes still reload inside the chroot.
        with open(os.path.join(server.content, "new.md"), "w") as f:
            f.write("# Fresh page\n")
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: server.gemini(
            b"gemini://localhost/new.gmi\r\n")[0].startswith(b"20 "))
    finally:
        finish(server)


def test_root_without_user_warns(ctx):
    if os.geteuid() != 0:
        print("skipped: only root is warned")
        return
    server = start(ctx["binary"])
    try:
        assert "running as root" in server.read_log()
    finally:
        finish(server)


def test_sighup_reload_keeps_old_content_when_broken(ctx):
    server = start(ctx["binary"], extra="watch no\n")
    index = os.path.join(server.content, "index.md")
    try:
        with open(index, "w") as f:
            f.write("# Edited front page\n")
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: b"# Edited front page" in front(server))
        # A page too large to render breaks the build: nothing changes.
        huge = os.path.join(server.content, "huge.md")
        with open(huge, "wb") as f:
            f.truncate(16 * 1024 * 1024 + 1)
        with open(index, "w") as f:
            f.write("# Never served\n")
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "reload failed" in server.read_log())
        assert "huge.md: larger than" in server.read_log()
        assert b"# Edited front page" in front(server)
        # A broken config is refused the same way.
        with open(server.config, "a") as f:
            f.write("bogus_setting 1\n")
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "bogus_setting: unknown setting" in
                        server.read_log())
        assert b"# Edited front page" in front(server)
        os.unlink(huge)
        with open(server.config) as f:
            text = f.read().replace("bogus_setting 1\n", "")
        with open(server.config, "w") as f:
            f.write(text)
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: b"# Never served" in front(server))
    finally:
        finish(server)


def test_tls_resumption_across_workers(ctx):
    """Tickets resume on any worker, and each resumption brings a fresh
    ticket (TLS 1.3 clients use a ticket once)."""
    server = start(ctx["binary"], extra="workers 4\n")
    request = b"gemini://localhost:%d/\r\n" % server.gemini_port
    try:
        def fetch(*args):
            r = subprocess.run(
                ["openssl", "s_client", "-connect",
                 "127.0.0.1:%d" % server.gemini_port, "-servername",
                 "localhost", "-ign_eof"] + list(args), input=request,
                capture_output=True, timeout=30)
            assert b"\n20 text/gemini" in r.stdout, r.stdout[-500:]
            return r.stdout
        ticket = os.path.join(server.folder, "ticket0.pem")
        assert b"New, TLSv1.3" in fetch("-sess_out", ticket)
        # SO_REUSEPORT spreads the connections over the four workers.
        for i in range(1, 9):
            fresh = os.path.join(server.folder, "ticket%d.pem" % i)
            out = fetch("-sess_in", ticket, "-sess_out", fresh)
            assert b"Reused, TLSv1.3" in out, out[-800:]
            assert os.path.exists(fresh), "no fresh ticket after resuming"
            ticket = fresh
    finally:
        finish(server)


def worker_threads(server):
    """The ids of the server's threads other than the main one."""
    tasks = set(os.listdir("/proc/%d/task" % server.proc.pid))
    tasks.discard(str(server.proc.pid))
    return tasks


def test_workers_renewed_after_burst_keep_connections(ctx):
    """After a burst, once the server is quiet again, each worker's loop
    moves to a fresh thread (whose end empties malloc's per-thread cache);
    connections open at that moment go on on the new threads."""
    server = start(ctx["binary"], extra="workers 2\nread_timeout 120\n")
    try:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
        held_gemini = tls.wrap_socket(socket.create_connection(
            ("127.0.0.1", server.gemini_port), timeout=60),
            server_hostname="localhost")
        held_gopher = socket.create_connection(
            ("127.0.0.1", server.gopher_port), timeout=60)
        held_gopher.sendall(b"/files/no")  # a bufferevent holds half a line
        before = worker_threads(server)
        assert len(before) >= 2, before
        # A burst of 1 000 connections closed makes renewing worth it
        # even with the two held connections open.
        for _ in range(1000):
            assert server.gopher(b"\r\n").endswith(b".\r\n")
        assert wait_for(lambda: not (worker_threads(server) & before),
                        timeout=60), (before, worker_threads(server))
        held_gemini.sendall(b"gemini://localhost/\r\n")
        answer = capsule.read_all(held_gemini)
        assert answer.startswith(b"20 text/gemini"), answer[:200]
        held_gopher.sendall(b"tes.txt\r\n")
        answer = capsule.read_all(held_gopher)
        assert answer.startswith(b"plain notes"), answer[:200]
        held_gemini.close()
        held_gopher.close()
        assert front(server).startswith(b"20 text/gemini")
    finally:
        finish(server)


def test_reload_swaps_certificate(ctx):
    server = start(ctx["binary"], extra="watch no\n")
    try:
        def fingerprint():
            out = subprocess.run(
                ["openssl", "s_client", "-connect",
                 "127.0.0.1:%d" % server.gemini_port, "-servername",
                 "localhost"], input=b"", capture_output=True, timeout=20)
            return subprocess.run(["openssl", "x509", "-noout",
                                   "-fingerprint"], input=out.stdout,
                                  capture_output=True).stdout
        before = fingerprint()
        assert b"Fingerprint" in before
        os.unlink(server.cert)
        os.unlink(server.key)
        capsule.make_cert(server.folder)
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "new certificate" in server.read_log())
        assert fingerprint() != before
        # A bad certificate: logged, the current one stays.
        with open(server.cert, "w") as f:
            f.write("not a certificate\n")
        after = fingerprint()
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "cannot load certificate" in
                        server.read_log())
        assert fingerprint() == after
    finally:
        finish(server)


def run_on_terminal(argv, timeout=10):
    """Runs argv with a terminal of its own; its output and exit status,
    or None for the status when it was still running after timeout."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    out, deadline = b"", time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:     # EIO: the child closed its side
                chunk = b""
            out += chunk
            if not chunk:
                break
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
        return out, None
    os.close(fd)
    if not done:
        _, status = os.waitpid(pid, 0)
    return out, os.waitstatus_to_exitcode(status)


def test_encrypted_key_refused_without_a_prompt(ctx):
    """A key with a passphrase, with a terminal to prompt on: capsuled
    says why it cannot use the key and exits, rather than wait for
    someone to type the passphrase (OpenSSL's own way)."""
    server = start(ctx["binary"])
    try:
        locked = os.path.join(server.folder, "locked.pem")
        subprocess.run(["openssl", "pkey", "-in", server.key, "-aes256",
                        "-passout", "pass:secret", "-out", locked],
                       check=True, capture_output=True)
        conf = os.path.join(server.folder, "locked.conf")
        with open(server.config) as f, open(conf, "w") as g:
            g.write(f.read().replace(server.key, locked).replace(
                "gemini_port %d" % server.gemini_port,
                "gemini_port %d" % capsule.free_port()).replace(
                "gopher_port %d" % server.gopher_port,
                "gopher_port %d" % capsule.free_port()))
        out, status = run_on_terminal([ctx["binary"], "-f", conf])
        assert status is not None, "waited at a prompt: %r" % out
        assert status == 2, (status, out)
        assert b"cannot load key: it is encrypted" in out, out
        assert b"pass phrase" not in out, out
        # The server already running kept its key and answers.
        assert front(server).startswith(b"20 text/gemini")
    finally:
        finish(server)


def test_streamed_file_swapped_for_fifo(ctx):
    """A file too big to keep in memory is opened per request: swapped
    for a FIFO, it answers "not found" at once, and the worker that
    tried keeps serving (an open that waited for a writer would stop
    its loop)."""
    server = start(ctx["binary"], extra="watch no\nworkers 1\n")
    try:
        big = os.path.join(server.content, "files", "big.bin")
        os.unlink(big)
        os.mkfifo(big)
        start_time = time.monotonic()
        body, _ = server.gemini(b"gemini://localhost/files/big.bin\r\n",
                                timeout=10)
        assert body.startswith(b"51 "), body[:60]
        assert server.gopher(b"/files/big.bin\r\n", timeout=10).startswith(
            b"3"), "gopher answered otherwise"
        assert time.monotonic() - start_time < 5
        assert front(server).startswith(b"20 text/gemini")
        # A FIFO among the pages: named in the log, skipped, and the
        # reload goes through.
        os.mkfifo(os.path.join(server.content, "pipe.md"))
        with open(os.path.join(server.content, "later.md"), "w") as f:
            f.write("# Added with the FIFO\n")
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "pipe.md: not a file or a folder, not "
                        "served" in server.read_log()), server.read_log()
        assert wait_for(lambda: server.gopher(b"/later\r\n").startswith(
            b"iAdded with the FIFO"))
        assert server.gopher(b"/pipe\r\n").startswith(b"3")
    finally:
        finish(server)


def test_inotify_reload(ctx):
    server = start(ctx["binary"])
    try:
        with open(os.path.join(server.content, "sub", "page.md"), "w") as f:
            f.write("# Changed by itself\n")
        assert wait_for(lambda: server.gemini(
            b"gemini://localhost/sub/page.gmi\r\n")[0].endswith(
                b"# Changed by itself\n"), timeout=10)
        os.makedirs(os.path.join(server.content, "later"))
        with open(os.path.join(server.content, "later", "p.md"), "w") as f:
            f.write("# In a new folder\n")
        assert wait_for(lambda: server.gopher(b"/later/p\r\n").startswith(
            b"iIn a new folder"), timeout=10)
        # A folder made after start-up is watched too.
        with open(os.path.join(server.content, "later", "p.md"), "w") as f:
            f.write("# Edited in the new folder\n")
        assert wait_for(lambda: server.gopher(b"/later/p\r\n").startswith(
            b"iEdited in the new folder"), timeout=10)
    finally:
        finish(server)


def test_reload_under_load(ctx):
    """Every answer is a whole old or new page, never an error or a mix."""
    server = start(ctx["binary"])
    index = os.path.join(server.content, "index.md")
    versions = ["# Version one\n\n* [A](https://a.example/) - x\n",
                "# Version two\n\n" +
                "".join("* [E%d](https://e.example/%d) - y\n" % (i, i)
                        for i in range(300))]
    gem, gopher = set(), set()
    try:
        for v in versions:
            with open(index, "w") as f:
                f.write(v)
            server.proc.send_signal(signal.SIGHUP)
            title = v.splitlines()[0][2:].encode()
            assert wait_for(lambda: title in front(server))
            time.sleep(0.5)
            gem.add(front(server))
            gopher.add(server.gopher(b"/\r\n"))
        assert len(gem) == 2 and len(gopher) == 2
        stop = threading.Event()
        seen = {"ok": 0, "bad": []}

        def load():
            while not stop.is_set():
                try:
                    g = front(server)
                    p = server.gopher(b"/\r\n")
                except OSError as e:
                    seen["bad"].append(repr(e))
                    continue
                for got, valid in ((g, gem), (p, gopher)):
                    if got in valid:
                        seen["ok"] += 1
                    else:
                        seen["bad"].append(got[:120])
        threads = [threading.Thread(target=load) for _ in range(3)]
        for t in threads:
            t.start()
        huge = os.path.join(server.content, "huge.md")
        for round_ in range(8):
            for v in versions:
                tmp = index + ".tmp"
                with open(tmp, "w") as f:
                    f.write(v)
                os.rename(tmp, index)
                server.proc.send_signal(signal.SIGHUP)
                time.sleep(0.15)
            with open(huge, "wb") as f:
                f.truncate(16 * 1024 * 1024 + 1)
            server.proc.send_signal(signal.SIGHUP)
            time.sleep(0.15)
            os.unlink(huge)
            server.proc.send_signal(signal.SIGHUP)
            time.sleep(0.15)
        stop.set()
        for t in threads:
            t.join()
        assert not seen["bad"], seen["bad"][:3]
        assert seen["ok"] > 50, seen
        print("  %d answers under reload, 0 bad" % seen["ok"])
    finally:
        finish(server)


def test_access_log_file_and_reopen(ctx):
    folder = capsule.tempdir()
    log = os.path.join(folder, "access.log")
    server = start(ctx["binary"], extra="access_log %s\n" % log)
    try:
        server.gopher(b"/first\r\n")
        assert wait_for(lambda: os.path.exists(log) and
                        b'"/first" 51' in open(log, "rb").read())
        os.rename(log, log + ".1")
        server.proc.send_signal(signal.SIGUSR1)
        assert wait_for(lambda: os.path.exists(log))
        server.gopher(b"/second\r\n")
        assert wait_for(lambda: b'"/second" 51' in open(log, "rb").read())
        assert b"/second" not in open(log + ".1", "rb").read()
        assert b'"/first"' not in open(log, "rb").read()
        # The error log stays apart from the access log.
        assert '"/first"' not in server.read_log()
        assert "access log reopened" in server.read_log()
    finally:
        finish(server)
        shutil.rmtree(folder, ignore_errors=True)


def test_sigterm_finishes_answers_in_flight(ctx):
    server = start(ctx["binary"], extra="shutdown_timeout 20\n")
    try:
        s = socket.create_connection(("127.0.0.1", server.gopher_port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"/files/big.bin\r\n")
        first = s.recv(1000)
        assert first
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        # No new connections once stopping.
        try:
            socket.create_connection(("127.0.0.1", server.gopher_port),
                                     timeout=2).close()
            refused = False
        except OSError:
            refused = True
        assert refused, "still accepting after SIGTERM"
        rest = capsule.read_all(s)
        s.close()
        assert len(first) + len(rest) == capsule.BIG_FILE_SIZE
        assert server.proc.wait(timeout=20) == 0
        assert "stopped" in server.read_log()
    finally:
        finish(server)


def proxy_v2(src, sport, dst="127.0.0.1", dport=70):
    sig = b"\r\n\r\n\x00\r\nQUIT\n"
    addrs = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!HH", sport, dport)
    return sig + bytes([0x21, 0x11]) + struct.pack("!H", len(addrs)) + addrs


def test_proxy_protocol(ctx):
    server = start(ctx["binary"],
                   extra="gopher_proxy yes\ngemini_proxy yes\n")
    try:
        data = server.gopher(b"PROXY TCP4 192.0.2.7 127.0.0.1 5555 70\r\n"
                             b"/sub/page\r\n")
        assert data.startswith(b"iA page"), data
        data = server.gopher(proxy_v2("198.51.100.9", 4000) + b"/nothing\r\n")
        assert data.startswith(b"3Not found"), data
        # Without a header the connection is refused: closed, no answer.
        assert server.gopher(b"/sub/page\r\n") == b""
        assert server.gopher(b"PROXY TCP4 bad\r\n/\r\n") == b""
        # Gemini: the header comes before the TLS handshake.
        raw = socket.create_connection(("127.0.0.1", server.gemini_port))
        raw.sendall(proxy_v2("203.0.113.5", 1234))
        import ssl
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        c.check_hostname = False
        c.verify_mode = ssl.CERT_NONE
        with c.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"gemini://localhost/\r\n")
            body = capsule.read_all(s)
        assert body.startswith(b"20 text/gemini"), body[:60]
        log = server.read_log()
        assert wait_for(lambda: '192.0.2.7 gopher "/sub/page" 20' in
                        server.read_log()), log
        log = server.read_log()
        assert '198.51.100.9 gopher "/nothing" 51' in log, log
        assert '203.0.113.5 gemini "gemini://localhost/" 20' in log, log
    finally:
        finish(server)


def test_haproxy_spreads_over_two_instances(ctx):
    if shutil.which("haproxy") is None:
        raise AssertionError("haproxy is not installed (make deps)")
    a = start(ctx["binary"], extra="gopher_proxy yes\ngemini_proxy yes\n")
    b = start(ctx["binary"], extra="gopher_proxy yes\ngemini_proxy yes\n",
              content=a.content, cert=(a.cert, a.key))
    folder = capsule.tempdir()
    gport, mport = capsule.free_port(), capsule.free_port()
    with open(os.path.join(ROOT, "etc", "haproxy.cfg")) as f:
        cfg = f.read()
    # The example's layout, on loopback ports.
    cfg = cfg.replace("log stdout format raw local0\n", "")
    cfg = cfg.replace("bind :70", "bind 127.0.0.1:%d" % gport)
    cfg = cfg.replace("bind :1965", "bind 127.0.0.1:%d" % mport)
    cfg = cfg.replace("10.0.0.11:70", "127.0.0.1:%d" % a.gopher_port)
    cfg = cfg.replace("10.0.0.12:70", "127.0.0.1:%d" % b.gopher_port)
    cfg = cfg.replace("10.0.0.11:1965", "127.0.0.1:%d" % a.gemini_port)
    cfg = cfg.replace("10.0.0.12:1965", "127.0.0.1:%d" % b.gemini_port)
    path = os.path.join(folder, "haproxy.cfg")
    with open(path, "w") as f:
        f.write(cfg)
    hap = subprocess.Popen(["haproxy", "-db", "-f", path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert wait_for(lambda: _can_connect(gport)), hap.stderr
        import ssl
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        c.check_hostname = False
        c.verify_mode = ssl.CERT_NONE
        for _ in range(6):
            # The client speaks from 127.0.0.5; HAProxy from 127.0.0.1.
            s = socket.create_connection(("127.0.0.1", gport),
                                         source_address=("127.0.0.5", 0))
            s.sendall(b"/sub/page\r\n")
            assert capsule.read_all(s).startswith(b"iA page")
            s.close()
            raw = socket.create_connection(("127.0.0.1", mport),
                                           source_address=("127.0.0.5", 0))
            with c.wrap_socket(raw, server_hostname="localhost") as t:
                t.sendall(b"gemini://localhost/\r\n")
                assert capsule.read_all(t).startswith(b"20 ")
        time.sleep(0.3)
        logs = [server.read_log() for server in (a, b)]
        gopher = [log.count('127.0.0.5 gopher "/sub/page" 20')
                  for log in logs]
        gemini = [log.count('127.0.0.5 gemini "gemini://localhost/" 20')
                  for log in logs]
        # Every request went through, spread over both instances, and
        # each logged the client's own address, not HAProxy's.
        assert sum(gopher) == 6 and min(gopher) >= 1, (gopher, logs)
        assert sum(gemini) == 6 and min(gemini) >= 1, (gemini, logs)
        for log in logs:
            assert '127.0.0.1 gopher' not in log
            assert '127.0.0.1 gemini' not in log
    finally:
        hap.terminate()
        hap.wait(timeout=10)
        finish(b)
        finish(a)
        shutil.rmtree(folder, ignore_errors=True)


def _can_connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_systemd_unit_verifies(ctx):
    if shutil.which("systemd-analyze") is None:
        raise AssertionError("systemd-analyze is not installed (make deps)")
    folder = capsule.tempdir()
    try:
        # The unit as make install writes it, pointing at this build.
        with open(os.path.join(ROOT, "etc", "capsuled.service")) as f:
            unit = f.read().replace("/usr/local/bin/capsuled",
                                    ctx["binary"])
        path = os.path.join(folder, "capsuled.service")
        with open(path, "w") as f:
            f.write(unit)
        r = subprocess.run(["systemd-analyze", "verify", "--man=no", path],
                           capture_output=True, timeout=60)
        problems = [l for l in r.stderr.decode().splitlines()
                    if "capsuled.service" in l]
        assert r.returncode == 0 and not problems, r.stderr.decode()
        for opt in ("ProtectSystem=strict", "NoNewPrivileges=yes",
                    "PrivateTmp=yes", "CapabilityBoundingSet="
                    "CAP_NET_BIND_SERVICE", "ExecReload=/bin/kill -HUP"):
            assert opt in unit, opt
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_make_install_and_uninstall(ctx):
    folder = capsule.tempdir()
    try:
        env = dict(os.environ, DESTDIR=folder, PREFIX="/usr")
        r = subprocess.run(["make", "-s", "-C", ROOT, "install",
                            "BIN=" + ctx["binary"]], env=env,
                           capture_output=True)
        assert r.returncode == 0, r
        files = sorted(os.path.relpath(os.path.join(d, f), folder)
                       for d, _, fs in os.walk(folder) for f in fs)
        assert files == ["usr/bin/capsuled",
                         "usr/etc/capsuled.conf.example",
                         "usr/lib/systemd/system/capsuled.service",
                         "usr/share/man/man5/capsuled.conf.5",
                         "usr/share/man/man8/capsuled.8"], files
        with open(os.path.join(folder, "usr/lib/systemd/system/"
                               "capsuled.service")) as f:
            assert "ExecStart=/usr/bin/capsuled -f /usr/etc/capsuled.conf" \
                in f.read()
        r = subprocess.run(["man", "-l", os.path.join(
            folder, "usr/share/man/man8/capsuled.8")], capture_output=True,
            env=dict(os.environ, MANPAGER="cat", PAGER="cat"))
        assert b"SIGHUP" in r.stdout, r
        r = subprocess.run(["make", "-s", "-C", ROOT, "uninstall"], env=env,
                           capture_output=True)
        assert r.returncode == 0, r
        left = [os.path.join(d, f) for d, _, fs in os.walk(folder)
                for f in fs]
        assert left == [], left
    finally:
        shutil.rmtree(folder, ignore_errors=True)
