"""Several capsules in one process: SNI picks the capsule and its
certificate on the Gemini port, each capsule's own gopher_port serves it,
and reloads add, change, keep and remove capsules one by one."""
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time

import capsule

LISTS = "lists.example.org"
NOTES = "notes.example.org"


def small_capsule(folder, title):
    content = os.path.join(folder, "content")
    os.makedirs(content)
    with open(os.path.join(content, "index.md"), "w") as f:
        f.write("# %s\n\n## Links\n\n- [A link](https://example.org/) - "
                "Someone\n" % title)
    return content


def cert_for(folder, host):
    os.makedirs(folder, exist_ok=True)
    return capsule.make_cert(folder, host)


def block(name, content, cert, extra=""):
    return ("capsule %s {\n\tcontent %s\n\tcert %s\n\tkey %s\n%s}\n" %
            (name, content, cert[0], cert[1], extra))


def setup(binary, root):
    folder = capsule.tempdir()
    ctx = {"binary": binary, "folder": folder}
    ctx["lists_content"] = small_capsule(os.path.join(folder, "lists"),
                                         "Lists capsule")
    ctx["notes_content"] = small_capsule(os.path.join(folder, "notes"),
                                         "Notes capsule")
    ctx["lists_cert"] = cert_for(os.path.join(folder, "lists"), LISTS)
    ctx["notes_cert"] = cert_for(os.path.join(folder, "notes"), NOTES)
    ctx["lists_gopher"] = capsule.free_port()
    ctx["blocks"] = (
        block(LISTS, ctx["lists_content"], ctx["lists_cert"],
              "\talias www.%s  # a comment\n\tgopher_port %d\n\tlang de\n" %
              (LISTS, ctx["lists_gopher"])) +
        block(NOTES, ctx["notes_content"], ctx["notes_cert"]))
    ctx["server"] = capsule.Server(binary, folder, extra=ctx["blocks"])
    return ctx


def teardown(ctx):
    # Under the sanitizers a leak makes the exit status non-zero.
    status = ctx["server"].stop()
    log = ctx["server"].read_log()
    shutil.rmtree(ctx["folder"], ignore_errors=True)
    assert status == 0, log[-3000:]


def after_each(ctx):
    assert ctx["server"].alive(), ctx["server"].read_log()[-3000:]


def der(cert_path):
    with open(cert_path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def client():
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE
    return tls


def gem(server, request, sni, session=None, tls=None):
    """(header, body, the certificate's DER, the session, reused)."""
    tls = tls or client()
    raw = socket.create_connection(("127.0.0.1", server.gemini_port),
                                   timeout=10)
    with tls.wrap_socket(raw, server_hostname=sni, session=session) as s:
        s.sendall(request + b"\r\n")
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ssl.SSLError, ConnectionResetError):
                break
            if not chunk:
                break
            data += chunk
        peer = s.getpeercert(binary_form=True)
        head, _, body = data.partition(b"\r\n")
        return (head.decode(), body.decode(errors="replace"), peer,
                s.session, s.session_reused)


def url(server, host, path="/"):
    return b"gemini://%s:%d%s" % (host.encode(), server.gemini_port,
                                  path.encode())


def gopher(port, selector):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(selector + b"\r\n")
        return capsule.read_all(s).decode(errors="replace")


def wait_for(what, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if what():
            return True
        time.sleep(0.05)
    return False


def test_sni_picks_capsule_and_certificate(ctx):
    s = ctx["server"]
    head, body, peer, _, _ = gem(s, url(s, LISTS), LISTS)
    assert head.startswith("20 "), head
    assert body.startswith("# Lists capsule\n"), body
    assert peer == der(ctx["lists_cert"][0])
    head, body, peer, _, _ = gem(s, url(s, NOTES), NOTES)
    assert body.startswith("# Notes capsule\n"), body
    assert peer == der(ctx["notes_cert"][0])
    head, body, peer, _, _ = gem(s, url(s, "localhost"), "localhost")
    assert body.startswith("# Distributed Systems\n"), body
    assert peer == der(s.cert)


def test_names_are_case_blind_and_aliases_pick_too(ctx):
    s = ctx["server"]
    for sni, host in (("www." + LISTS, "www." + LISTS), (LISTS.upper(),
                      LISTS), ("www." + LISTS, LISTS),
                      (LISTS, "WWW." + LISTS.upper())):
        head, body, peer, _, _ = gem(s, url(s, host), sni)
        assert head.startswith("20 "), (sni, host, head)
        assert body.startswith("# Lists capsule\n"), (sni, host, body)
        assert peer == der(ctx["lists_cert"][0]), (sni, host)


def test_another_capsules_host_is_53(ctx):
    s = ctx["server"]
    for sni, host in ((LISTS, NOTES), (LISTS, "localhost"),
                      (NOTES, "www." + LISTS), ("localhost", LISTS),
                      (None, NOTES), ("unknown.example", LISTS)):
        head, body, _, _, _ = gem(s, url(s, host), sni)
        assert head.startswith("53 "), (sni, host, head)
        assert body == "", body


def test_no_sni_or_unknown_name_gets_the_default(ctx):
    s = ctx["server"]
    for sni in (None, "unknown.example"):
        head, body, peer, _, _ = gem(s, url(s, "localhost"), sni)
        assert head.startswith("20 "), (sni, head)
        assert body.startswith("# Distributed Systems\n"), body
        assert peer == der(s.cert), sni


def test_sessions_do_not_cross_capsules(ctx):
    s = ctx["server"]
    tls = client()
    _, _, _, session, reused = gem(s, url(s, LISTS), LISTS, tls=tls)
    assert not reused
    _, body, _, _, reused = gem(s, url(s, LISTS), LISTS, session=session,
                                tls=tls)
    assert reused, "a ticket resumes on its own capsule"
    assert body.startswith("# Lists capsule\n"), body
    head, body, peer, _, reused = gem(s, url(s, NOTES), NOTES,
                                      session=session, tls=tls)
    assert not reused, "a lists ticket resumed on notes"
    assert peer == der(ctx["notes_cert"][0])
    assert body.startswith("# Notes capsule\n"), body


def test_each_gopher_port_serves_its_capsule(ctx):
    s = ctx["server"]
    menu = gopher(ctx["lists_gopher"], b"")
    assert "Lists capsule" in menu, menu
    items = [l.split("\t") for l in menu.split("\r\n") if "\t" in l]
    assert items and all(i[2:4] == [LISTS, str(ctx["lists_gopher"])]
                         for i in items if i[0][0] in "017"), items
    menu = gopher(s.gopher_port, b"")
    assert "Distributed Systems" in menu and LISTS not in menu, menu[:500]
    assert "\tlocalhost\t%d" % s.gopher_port in menu


def test_links_to_the_other_protocol_are_the_capsules(ctx):
    s = ctx["server"]
    head, body, _, _, _ = gem(s, url(s, LISTS), LISTS)
    assert head == "20 text/gemini; charset=utf-8; lang=de", head
    assert "=> gopher://%s:%d/ " % (LISTS, ctx["lists_gopher"]) in body, \
        body
    # Notes has no gopher_port: Gemini only, no link to Gopher.
    head, body, _, _, _ = gem(s, url(s, NOTES), NOTES)
    assert head == "20 text/gemini; charset=utf-8; lang=en", head
    assert "gopher://" not in body, body
    for host in (LISTS, NOTES):
        head, body, _, _, _ = gem(s, url(s, host, "/robots.txt"), host)
        assert head.startswith("20 text/plain"), (host, head)
        head, body, _, _, _ = gem(s, url(s, host, "/search?link"), host)
        assert head.startswith("20 "), head
        assert "A link" in body, body


def test_access_log_and_status_name_the_capsule(ctx):
    s = ctx["server"]
    gem(s, url(s, NOTES, "/nothing"), NOTES)
    gopher(ctx["lists_gopher"], b"/nothing")
    s.proc.send_signal(signal.SIGUSR2)
    assert wait_for(lambda: "status: capsule %s: " % NOTES in s.read_log())
    log = s.read_log()
    assert re.search(r'gemini "gemini://%s:\d+/nothing" 51 \d+ [\d.]+ %s\n'
                     % (re.escape(NOTES), re.escape(NOTES)), log), log[-2000:]
    assert re.search(r'gopher "/nothing" 51 \d+ [\d.]+ %s\n'
                     % re.escape(LISTS), log), log[-2000:]
    m = re.findall(r"status: capsule %s: (\d+) requests, (\d+) pages" %
                   re.escape(NOTES), log)
    assert m and int(m[-1][0]) >= 2 and m[-1][1] != "0", m
    assert "3 capsules" in log


def test_check_lists_each_capsule(ctx):
    s = ctx["server"]
    r = subprocess.run([s.binary, "-n", "-f", s.config],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "capsule localhost (the default); gopher port %d" % \
        s.gopher_port in out, out
    assert "capsule %s, also www.%s; gopher port %d" % (
        LISTS, LISTS, ctx["lists_gopher"]) in out, out
    assert "capsule %s; Gemini only" % NOTES in out, out
    assert len(re.findall(r"^\d+ pages \(", out, re.M)) == 3, out


def bad_config(ctx, text):
    path = os.path.join(ctx["folder"], "bad.conf")
    with open(path, "w") as f:
        f.write(text)
    r = subprocess.run([ctx["binary"], "-n", "-f", path],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stderr, path


def test_config_errors_name_file_and_line(ctx):
    s = ctx["server"]
    lists = block(LISTS, ctx["lists_content"], ctx["lists_cert"])
    for text, line, what in (
            (lists.replace("}\n", "\tworkers 2\n}\n"), 5,
             "workers: a setting of the whole process"),
            (lists.replace("}\n", ""), 1, "block not closed"),
            (lists + lists, 6, "already a name of capsule"),
            ("content %s\n%s" % (s.content, lists.replace(
                "\tcert %s\n" % ctx["lists_cert"][0], "")), 2, "no cert"),
            (lists.replace("}\n", "capsule a.example {\n}\n}\n"), 5,
             "capsule blocks do not nest"),
            ("}\n", 1, "} without a capsule block")):
        rc, err, path = bad_config(ctx, text)
        assert rc == 2, (text, err)
        assert "%s:%d: " % (path, line) in err and what in err, (text, err)


def write_config(ctx, blocks):
    s = ctx["server"]
    with open(s.config) as f:
        text = f.read()
    top = text[:text.index("capsule ")] if "capsule " in text else text
    with open(s.config, "w") as f:
        f.write(top + blocks)


def reloads(server):
    return server.read_log().count("reload done: ")


def sighup(ctx):
    s = ctx["server"]
    before = reloads(s)
    s.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: reloads(s) > before), s.read_log()[-2000:]


def test_a_failing_capsule_keeps_serving_while_others_change(ctx):
    s = ctx["server"]
    broken = os.path.join(ctx["folder"], "broken.pem")
    with open(broken, "w") as f:
        f.write("not a certificate\n")
    with open(os.path.join(ctx["notes_content"], "index.md"), "a") as f:
        f.write("\nA line for the notes.\n")
    blocks = ctx["blocks"].replace("cert %s\n" % ctx["lists_cert"][0],
                                   "cert %s\n" % broken)
    write_config(ctx, blocks)
    try:
        sighup(ctx)
        log = s.read_log()
        assert "capsule %s: reload failed, still serving its old content" \
            % LISTS in log, log[-2000:]
        assert "cannot load certificate" in log
        head, body, peer, _, _ = gem(s, url(s, LISTS), LISTS)
        assert head.startswith("20 ") and "Lists capsule" in body, head
        assert peer == der(ctx["lists_cert"][0])
        # The others took their change.
        assert wait_for(lambda: "A line for the notes." in
                        gem(s, url(s, NOTES), NOTES)[1])
        # A content folder gone: the same.
        blocks = ctx["blocks"].replace(
            "content %s\n" % ctx["lists_content"],
            "content %s\n" % os.path.join(ctx["folder"], "gone"))
        write_config(ctx, blocks)
        sighup(ctx)
        assert gem(s, url(s, LISTS), LISTS)[1].startswith("# Lists")
        assert s.read_log().count("capsule %s: reload failed" % LISTS) == 2
        # A mistake in its block: the same, and notes takes its edit.
        with open(os.path.join(ctx["notes_content"], "index.md"), "a") as f:
            f.write("\nA second line for the notes.\n")
        write_config(ctx, ctx["blocks"].replace("\tlang de\n",
                                                "\tlang d e\n\tworkers 2\n"))
        sighup(ctx)
        log = s.read_log()
        assert re.search(r"capsule %s: reload failed, still serving its old "
                         r"content: \S+:\d+: lang: not a language tag" %
                         re.escape(LISTS), log), log[-2000:]
        head, body, _, _, _ = gem(s, url(s, LISTS), LISTS)
        assert head == "20 text/gemini; charset=utf-8; lang=de", head
        assert wait_for(lambda: "A second line for the notes." in
                        gem(s, url(s, NOTES), NOTES)[1])
    finally:
        write_config(ctx, ctx["blocks"])
        sighup(ctx)


def test_content_change_reloads_that_capsule_alone(ctx):
    s = ctx["server"]
    before = s.read_log().count("capsule %s: reload done" % LISTS)
    with open(os.path.join(ctx["lists_content"], "extra.md"), "w") as f:
        f.write("# Extra page\n")
    assert wait_for(lambda: gem(s, url(s, LISTS, "/extra.gmi"), LISTS)[0]
                    .startswith("20 "))
    log = s.read_log()
    assert log.count("capsule %s: reload done" % LISTS) == before + 1, log
    # The watch reloaded lists alone: no other capsule's line since.
    tail = log[log.rindex("capsule %s: reload done" % LISTS):]
    assert "capsule localhost: reload done" not in tail, tail
    assert gem(s, url(s, NOTES, "/extra.gmi"), NOTES)[0].startswith("51 ")


def test_add_and_remove_capsules_by_sighup(ctx):
    s = ctx["server"]
    folder = os.path.join(ctx["folder"], "added")
    content = small_capsule(folder, "Added capsule")
    cert = cert_for(folder, "added.example")
    port = capsule.free_port()
    added = block("added.example", content, cert,
                  "\tgopher_port %d\n" % port)
    write_config(ctx, ctx["blocks"] + added)
    sighup(ctx)
    assert "capsule added.example: added" in s.read_log()
    head, body, peer, _, _ = gem(s, url(s, "added.example"), "added.example")
    assert body.startswith("# Added capsule\n"), (head, body)
    assert peer == der(cert[0])
    assert wait_for(lambda: "Added capsule" in gopher(port, b""))
    # Removed: its port closes, its name gets the default capsule.
    write_config(ctx, ctx["blocks"])
    sighup(ctx)
    assert "capsule added.example: removed" in s.read_log()

    def refused():
        try:
            gopher(port, b"")
            return False
        except ConnectionRefusedError:
            return True
    assert wait_for(refused)
    head, _, peer, _, _ = gem(s, url(s, "added.example"), "added.example")
    assert head.startswith("53 "), head
    assert peer == der(s.cert)
    # The others are as they were.
    assert gem(s, url(s, LISTS), LISTS)[1].startswith("# Lists capsule")
    assert "Lists capsule" in gopher(ctx["lists_gopher"], b"")


def test_a_config_that_fails_keeps_every_capsule(ctx):
    s = ctx["server"]
    write_config(ctx, ctx["blocks"] + "capsule open.example {\n")
    try:
        before = s.read_log().count("reload failed, still serving the old")
        s.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: s.read_log().count(
            "reload failed, still serving the old") > before)
        assert "block not closed" in s.read_log()
        for host in (LISTS, NOTES, "localhost"):
            assert gem(s, url(s, host), host)[0].startswith("20 "), host
    finally:
        write_config(ctx, ctx["blocks"])
        sighup(ctx)


def test_more_capsules_than_inotify_instances_are_all_watched(ctx):
    # A user has 128 inotify instances (fs.inotify.max_user_instances);
    # every capsule's folder is watched through one.
    folder = os.path.join(ctx["folder"], "many")
    cert = cert_for(os.path.join(folder, "cert"), "many.example")
    blocks = []
    for i in range(140):
        content = small_capsule(os.path.join(folder, "c%d" % i),
                                "Capsule %d" % i)
        blocks.append(block("c%d.example" % i, content, cert))
    server = capsule.Server(ctx["binary"], folder, extra="".join(blocks))
    try:
        assert "content changes will need SIGHUP" not in server.read_log()
        last = os.path.join(folder, "c139", "content", "new.md")
        with open(last, "w") as f:
            f.write("# New page\n")
        assert wait_for(lambda: gem(server, url(server, "c139.example",
                                                "/new.gmi"),
                                    "c139.example")[0].startswith("20 "))
        assert "capsule c139.example: reload done" in server.read_log()
        assert "capsule c138.example: reload done" not in server.read_log()
    finally:
        assert server.stop() == 0, server.read_log()[-2000:]


def free_low_port():
    for port in range(900, 1024):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    return None


def test_a_low_port_after_dropping_root_is_said_clearly(ctx):
    port = free_low_port()
    if os.geteuid() != 0 or port is None:
        print("skipped: needs root and a free port under 1024")
        return
    folder = capsule.tempdir()
    os.chmod(folder, 0o755)
    server = capsule.Server(ctx["binary"], folder, extra="user nobody\n")
    try:
        added = os.path.join(folder, "added")
        content = small_capsule(added, "Added capsule")
        cert = cert_for(added, "added.example")
        os.chmod(cert[1], 0o644)   # readable once root is given up
        with open(server.config, "a") as f:
            f.write(block("added.example", content, cert,
                          "\tgopher_port %d\n" % port))
        server.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "cannot open gopher port %d" % port in
                        server.read_log()), server.read_log()[-2000:]
        assert "a port under 1024 needs root" in server.read_log()
        # Served on Gemini all the same.
        head, body, _, _, _ = gem(server, url(server, "added.example"),
                                  "added.example")
        assert body.startswith("# Added capsule"), (head, body)
    finally:
        status = server.stop()
        log = server.read_log()
        shutil.rmtree(folder, ignore_errors=True)
        assert status == 0, log[-2000:]
