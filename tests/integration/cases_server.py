"""capsuled serving: Gemini over TLS and Gopher, byte for byte."""
import hashlib
import warnings
import os
import re
import shutil
import socket
import ssl
import subprocess
import time

import capsule

GEM_HEADER = b"20 text/gemini; charset=utf-8; lang=en\r\n"


def setup(binary, root):
    folder = capsule.tempdir()
    server = capsule.Server(binary, folder)
    server.binary = binary
    return server


def after_each(server):
    assert server.alive(), "the server died:\n" + server.read_log()


def teardown(server):
    if server is None:
        return
    status = server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)
    assert status == 0, "exit status %r" % status


def render(server, fmt, md):
    args = [server.binary, "render", "-H", "localhost", "-P",
            str(server.gopher_port), fmt, md]
    return subprocess.run(args, check=True, capture_output=True).stdout


def url(server, path="/"):
    return ("gemini://localhost:%d%s" % (server.gemini_port, path)).encode()


# --- Gemini -----------------------------------------------------------

# The table of contents as a tree: each subsection under its section
# (indented in menus), its name not repeated on every line.
SECTIONS = [("resources", "Resources", 0), ("articles", "Articles", 1),
            ("books", "Books", 1), ("courses", "Courses", 1),
            ("hacker-news-threads", "Hacker News threads", 1),
            ("youtube-playlists", "YouTube Playlists", 1),
            ("youtube-videos", "YouTube Videos", 1)]


def test_gemini_front_page(server):
    body, clean = server.gemini(url(server) + b"\r\n")
    page = render(server, "gemtext",
                  os.path.join(server.content, "index.md"))
    title = b"# Distributed Systems\n\n"
    assert page.startswith(title)
    toc = "".join("=> /index/%s.gmi %s\n" % s[:2] for s in SECTIONS)
    toc += "\n=> /search Search the reading list\n\n"
    gopher = ("\n=> gopher://localhost:%d/ This capsule on Gopher\n" %
              server.gopher_port).encode()
    assert body == GEM_HEADER + title + toc.encode() + \
        page[len(title):] + gopher, body[:600]
    assert clean, "no TLS close_notify after the body"


def test_gemini_root_forms(server):
    front, _ = server.gemini(url(server) + b"\r\n")
    for path in (b"", b"/index.gmi", b"/./", b"/sub/.."):
        got, _ = server.gemini(url(server, "") + path + b"\r\n")
        assert got == front, (path, got[:80])


def test_gemini_default_port_and_host_case(server):
    host_only = b"gemini://LOCALHOST:%d/\r\n" % server.gemini_port
    body, _ = server.gemini(host_only)
    assert body.startswith(GEM_HEADER), body[:80]


def test_gemini_tls13_and_tls12(server):
    for version in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        body, clean = server.gemini(url(server) + b"\r\n", tls_max=version,
                                    tls_min=version)
        assert body.startswith(GEM_HEADER) and clean, version


def test_gemini_tls13_prefers_aes128(server):
    """The server's suite order wins over a client listing AES-256
    first (OpenSSL's own default order)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    raw = socket.create_connection(("127.0.0.1", server.gemini_port),
                                   timeout=5)
    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        assert tls.cipher()[0] == "TLS_AES_128_GCM_SHA256", tls.cipher()
        tls.sendall(url(server) + b"\r\n")
        assert tls.recv(4096).startswith(b"20 "), "no answer"


def test_gemini_refuses_tls11(server):
    warnings.simplefilter("ignore", DeprecationWarning)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    raw = socket.create_connection(("127.0.0.1", server.gemini_port),
                                   timeout=5)
    try:
        ctx.wrap_socket(raw, server_hostname="localhost")
    except ssl.SSLError as e:
        # The refusal comes from the server, as a protocol_version alert.
        assert "ALERT_PROTOCOL_VERSION" in str(e), e
        return
    finally:
        raw.close()
    raise AssertionError("a TLS 1.1 handshake succeeded")


BAD_REQUESTS = [
    b"\r\n",
    b"/index.gmi\r\n",
    b"localhost/\r\n",
    b"gemini://user@localhost/\r\n",
    b"gemini://localhost/#frag\r\n",
    b"gemini://localhost/\xff\xfe\r\n",
    b"gemini://localhost/a\x00b\r\n",
    b"gemini://localhost/%zz\r\n",
    b"gemini://localhost/%00\r\n",
    b"gemini:///\r\n",
]


def test_gemini_bad_requests_get_59(server):
    for req in BAD_REQUESTS:
        body, clean = server.gemini(req)
        assert body.startswith(b"59 ") and body.endswith(b"\r\n"), (req, body)
        assert body.count(b"\r\n") == 1 and clean, (req, body)


def test_gemini_overlong_request(server):
    path = b"/" + b"a" * 1100
    body, _ = server.gemini(b"gemini://localhost" + path + b"\r\n")
    assert body.startswith(b"59 "), body
    # Exactly 1024 bytes is allowed: not found, not malformed.
    prefix = b"gemini://localhost/"
    req = prefix + b"b" * (1024 - len(prefix))
    assert len(req) == 1024
    body, _ = server.gemini(req + b"\r\n")
    assert body == b"51 Not found\r\n", body
    body, _ = server.gemini(req + b"c\r\n")
    assert body.startswith(b"59 "), body


def test_gemini_no_crlf_within_limit(server):
    body, _ = server.gemini(b"gemini://localhost/" + b"x" * 2000)
    assert body.startswith(b"59 "), body


def test_gemini_proxy_refused(server):
    for req in (b"https://localhost/\r\n", b"gopher://localhost/\r\n",
                b"gemini://example.org/\r\n",
                b"gemini://localhost:1/\r\n"):
        body, _ = server.gemini(req)
        assert body.startswith(b"53 "), (req, body)


def test_gemini_host_must_be_the_picked_capsules(server):
    # A name no capsule has, or none, gets the default capsule: its
    # certificate, and its names in the request.
    body, _ = server.gemini(url(server) + b"\r\n", sni="other.example")
    assert body.startswith(GEM_HEADER), body
    body, _ = server.gemini(url(server) + b"\r\n", sni=None)
    assert body.startswith(GEM_HEADER), body
    body, _ = server.gemini(b"gemini://other.example:%d/\r\n" %
                            server.gemini_port, sni="other.example")
    assert body.startswith(b"53 "), body


def test_gemini_bare_lf_closes_without_answer(server):
    body, _ = server.gemini(url(server) + b"\n")
    assert body == b"", body


def test_gemini_traversal_refused(server):
    for path in (b"/../secret.txt", b"/%2e%2e/secret.txt",
                 b"/sub/../../secret.txt", b"/%2E%2E%2Fsecret.txt",
                 b"/files/%2e%2e/%2e%2e/secret.txt"):
        body, _ = server.gemini(b"gemini://localhost" + path + b"\r\n")
        assert body.startswith(b"59 "), (path, body)
    for path in (b"/files/escape.txt", b"/..%5csecret.txt",
                 b"/.hidden.gmi"):
        body, _ = server.gemini(b"gemini://localhost" + path + b"\r\n")
        assert body == b"51 Not found\r\n", (path, body)
        assert b"SECRET" not in body


def test_gemini_symlink_inside_is_served(server):
    body, _ = server.gemini(b"gemini://localhost/files/alias.txt\r\n")
    assert body == b"20 text/plain; charset=utf-8\r\nplain notes\n", body


def test_gemini_folder_redirect_and_not_found(server):
    body, _ = server.gemini(b"gemini://localhost/sub\r\n")
    assert body == b"31 /sub/\r\n", body
    body, _ = server.gemini(b"gemini://localhost/nothing.gmi\r\n")
    assert body == b"51 Not found\r\n", body


def test_gemini_subfolder_pages(server):
    body, _ = server.gemini(b"gemini://localhost/sub/\r\n")
    assert body == GEM_HEADER + b"# Sub folder\n\nSee the page and home.\n" \
        b"=> /sub/page.gmi the page\n=> /index.gmi home\n", body
    body, _ = server.gemini(b"gemini://localhost/sub/page.gmi\r\n")
    assert body.startswith(GEM_HEADER + b"# A page\n"), body


def test_gemini_listing_without_index(server):
    body, _ = server.gemini(b"gemini://localhost/files/\r\n")
    assert body.startswith(GEM_HEADER + b"# Index of /files/\n"), body
    for line in (b"=> ../ Parent folder", b"=> image.png image.png",
                 b"=> notes.txt notes.txt", b"=> alias.txt alias.txt"):
        assert line + b"\n" in body, (line, body)
    assert b"escape.txt" not in body


def test_gemini_static_mime_types(server):
    cases = {
        b"/files/image.png": b"20 image/png\r\n",
        b"/files/notes.txt": b"20 text/plain; charset=utf-8\r\n",
        b"/files/static.gmi": GEM_HEADER,
        b"/files/blob.xyz": b"20 application/octet-stream\r\n",
        b"/robots.txt": b"20 text/plain; charset=utf-8\r\n",
    }
    for path, header in cases.items():
        body, _ = server.gemini(b"gemini://localhost" + path + b"\r\n")
        with open(server.content + path.decode(), "rb") as f:
            assert body == header + f.read(), (path, body[:60])


def test_gemini_streams_large_file(server):
    body, clean = server.gemini(b"gemini://localhost/files/big.bin\r\n",
                                timeout=30)
    header = b"20 application/octet-stream\r\n"
    assert body.startswith(header), body[:60]
    with open(os.path.join(server.content, "files", "big.bin"), "rb") as f:
        expected = f.read()
    assert len(body) - len(header) == capsule.BIG_FILE_SIZE
    assert hashlib.sha256(body[len(header):]).digest() == \
        hashlib.sha256(expected).digest()
    assert clean


# --- Gopher -----------------------------------------------------------

def test_gopher_front_page(server):
    menu = server.gopher(b"\r\n")
    page = render(server, "gophermap",
                  os.path.join(server.content, "index.md"))
    title = (b"iDistributed Systems\t\terror.host\t1\r\n"
             b"i===================\t\terror.host\t1\r\n")
    assert page.startswith(title)
    blank = "i\t\terror.host\t1\r\n"
    toc = blank + "".join("1%s%s\t/index/%s\tlocalhost\t%d\r\n" % (
        "  " * depth, label, slug, server.gopher_port)
        for slug, label, depth in SECTIONS)
    toc += "7Search the reading list\t/search\tlocalhost\t%d\r\n" % \
        server.gopher_port
    expected = title + toc.encode() + page[len(title):]
    extras = ("i\t\terror.host\t1\r\n"
              "0This page as plain text\t/index.txt\tlocalhost\t%d\r\n"
              "hThis capsule on Gemini\tURL:gemini://localhost:%d/\t"
              "localhost\t%d\r\n" % (server.gopher_port, server.gemini_port,
                                      server.gopher_port)).encode()
    assert menu == expected[:-3] + extras + b".\r\n", menu[-300:]
    link = ("hConsistency Models - Jepsen\tURL:https://jepsen.io/"
            "consistency\tlocalhost\t%d\r\n" % server.gopher_port).encode()
    assert link in menu


def test_gopher_selector_forms(server):
    front = server.gopher(b"\r\n")
    for req in (b"/\r\n", b"\n", b"/\n", b"/index\r\n", b"\t+\r\n",
                b"/\t$\r\n", b"/\t!\r\n", b"/\tsome words\r\n"):
        assert server.gopher(req) == front, req


def test_gopher_selector_without_newline_then_eof(server):
    with socket.create_connection(("127.0.0.1", server.gopher_port),
                                  timeout=5) as s:
        s.sendall(b"/sub/page")
        s.shutdown(socket.SHUT_WR)
        data = capsule.read_all(s)
    assert data.startswith(b"iA page\t"), data[:80]


def test_gopher_text_item(server):
    text = server.gopher(b"/sub/page.txt\r\n")
    assert text == (b"A page\r\n======\r\n\r\n..dotted line\r\n\r\n"
                    b"Text with a link [1].\r\n\r\nReferences\r\n"
                    b"----------\r\n\r\n[1] https://example.org/x\r\n.\r\n"), text
    front = server.gopher(b"/index.txt\r\n")
    assert front.startswith(b"Distributed Systems\r\n====") and \
        front.endswith(b"\r\n.\r\n")
    assert b"\n" not in front.replace(b"\r\n", b"")


def test_gopher_subfolder_menus(server):
    menu = server.gopher(b"/sub/\r\n")
    port = str(server.gopher_port).encode()
    assert b"1the page\t/sub/page\tlocalhost\t" + port + b"\r\n" in menu
    assert b"1home\t/\tlocalhost\t" + port + b"\r\n" in menu
    assert server.gopher(b"/sub\r\n") == menu
    listing = server.gopher(b"/files/\r\n")
    for item in (b"pimage.png\t/files/image.png\t",
                 b"0notes.txt\t/files/notes.txt\t",
                 b"9blob.xyz\t/files/blob.xyz\t",
                 b"1Parent folder\t/\t"):
        assert item in listing, (item, listing)
    assert listing.endswith(b".\r\n")


def test_gopher_static_file_raw(server):
    data = server.gopher(b"/files/image.png\r\n")
    with open(os.path.join(server.content, "files", "image.png"), "rb") as f:
        assert data == f.read()
    big = server.gopher(b"/files/big.bin\r\n", timeout=30)
    assert len(big) == capsule.BIG_FILE_SIZE


def test_gopher_not_found(server):
    data = server.gopher(b"/nothing\r\n")
    assert data == b"3Not found: /nothing\t\terror.host\t1\r\n.\r\n", data


def test_gopher_traversal_refused(server):
    for sel in (b"/../secret.txt", b"../secret.txt", b"/files/../../x",
                b"/files/escape.txt", b"/%2e%2e/secret.txt"):
        data = server.gopher(sel + b"\r\n")
        assert data.startswith(b"3") and data.endswith(b".\r\n"), (sel, data)
        assert b"SECRET" not in data


def test_gopher_bad_requests(server):
    nowhere = b"\t\terror.host\t1\r\n.\r\n"
    for req, why in ((b"/a\x00b\r\n", b"NUL byte in request"),
                     (b"/" + b"x" * 1100 + b"\r\n",
                      b"request longer than 1024 bytes"),
                     (b"/" + b"y" * 3000, b"request longer than 1024 bytes"),
                     (b"/a\rb\r\n", b"CR or LF inside request")):
        data = server.gopher(req)
        assert data == b"3" + why + nowhere, (req[:20], data)


def test_gopher_url_page(server):
    data = server.gopher(b"URL:https://example.org/a?b=1&c=<2>\r\n")
    assert b'content="2; url=https://example.org/a?b=1&amp;c=&lt;2&gt;"' \
        in data, data
    assert b'<a href="https://example.org/a?b=1&amp;c=&lt;2&gt;">' in data
    assert b"<2>" not in data
    data = server.gopher(b'URL:https://x.example/"><script>x</script>\r\n')
    assert b"<script>" not in data and b"&quot;&gt;&lt;script&gt;" in data
    for bad in (b"URL:javascript:alert(1)", b"URL:data:text/html,x",
                b"URL:no-scheme", b"URL:http://a b/"):
        data = server.gopher(bad + b"\r\n")
        assert data.startswith(b"3") and b"<" not in data, (bad, data)


def test_gopher_caps(server):
    caps = server.gopher(b"caps.txt\r\n")
    assert caps.startswith(b"CAPS\n") and b"\nPathDelimeter=/\n" in caps
    assert b"\nServerSoftware=capsuled\n" in caps
    assert b"\nServerDefaultEncoding=utf-8\n" in caps
    assert server.gopher(b"/caps.txt\r\n") == caps


# --- Real clients -----------------------------------------------------

def test_curl_gopher(server):
    r = subprocess.run(["curl", "-s", "--max-time", "10",
                        "gopher://127.0.0.1:%d/" % server.gopher_port],
                       capture_output=True)
    assert r.returncode == 0, r
    assert b"Consistency Models - Jepsen" in r.stdout


def test_lynx_gopher(server):
    r = subprocess.run(["lynx", "-dump", "-nolist",
                        "gopher://127.0.0.1:%d/" % server.gopher_port],
                       capture_output=True, timeout=30,
                       env=dict(os.environ, TERM="dumb"))
    assert r.returncode == 0, r
    assert b"Consistency Models - Jepsen" in r.stdout, r.stdout[:500]
    r = subprocess.run(["lynx", "-dump", "gopher://127.0.0.1:%d/0/index.txt"
                        % server.gopher_port], capture_output=True,
                       timeout=30, env=dict(os.environ, TERM="dumb"))
    assert b"Consistency Models [7] - Jepsen" in r.stdout, r.stdout[:500]


def test_openssl_s_client_gemini(server):
    r = subprocess.run(["openssl", "s_client", "-quiet", "-connect",
                        "127.0.0.1:%d" % server.gemini_port, "-servername",
                        "localhost"], input=url(server) + b"\r\n",
                       capture_output=True, timeout=30)
    assert r.stdout.startswith(GEM_HEADER), r
    assert b"=> https://jepsen.io/consistency Consistency Models - Jepsen" \
        in r.stdout


# --- Connections and logs ---------------------------------------------

def test_access_log(server):
    server.gemini(url(server, "/sub/") + b"\r\n")
    server.gopher(b"/nothing\r\n")
    time.sleep(0.2)
    log = server.read_log()
    lines = [l for l in log.splitlines() if '"' in l]
    gem = 'gemini "gemini://localhost:%d/sub/" 20 ' % server.gemini_port
    assert any(" 127.0.0.1 " + gem in l for l in lines), log[-2000:]
    assert any('127.0.0.1 gopher "/nothing" 51 ' in l for l in lines)
    last = [l for l in lines if gem in l][-1].split()
    assert last[-3].isdigit() and int(last[-3]) > len(GEM_HEADER)
    # Milliseconds, to the microsecond, then the capsule that answered.
    assert re.fullmatch(r"\d+\.\d{3}", last[-2]), last
    assert last[-1] == "localhost", last


def test_config_check_mode(server):
    r = subprocess.run([server.binary, "-n", "-f", server.config],
                       capture_output=True)
    assert r.returncode == 0, r
    bad = os.path.join(server.folder, "bad.conf")
    with open(bad, "w") as f:
        f.write("hostname localhost\n# fine\ngopher_port 99999\n")
    r = subprocess.run([server.binary, "-n", "-f", bad], capture_output=True)
    assert r.returncode == 2, r
    assert (bad + ":3: gopher_port").encode() in r.stderr, r.stderr
    with open(bad, "w") as f:
        f.write("content %s/nowhere\n" % server.folder)
    r = subprocess.run([server.binary, "-n", "-f", bad], capture_output=True)
    assert r.returncode == 2 and b"nowhere" in r.stderr, r


def test_idle_client_times_out(server):
    extra = "read_timeout 1\nmax_connections 3\n"
    folder = capsule.tempdir()
    limited = capsule.Server(server.binary, folder, extra=extra,
                             content=server.content,
                             cert=(server.cert, server.key))
    try:
        # A client that starts a selector and stops is closed once the
        # read timeout has passed.  (One that sends nothing at all stays
        # in the kernel's queue: the listener defers accepting.)
        start = time.time()
        with socket.create_connection(("127.0.0.1", limited.gopher_port),
                                      timeout=10) as s:
            s.sendall(b"/sub")
            assert capsule.read_all(s) == b""
        took = time.time() - start
        assert 0.8 < took < 5, took
        # Three idle clients fill the cap; a fourth that asks at once is
        # served at once, and the oldest idle one is closed for it.
        idle = []
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", limited.gopher_port),
                                         timeout=5)
            s.sendall(b"/")
            idle.append(s)
            time.sleep(0.05)
        time.sleep(0.2)
        start = time.time()
        data = limited.gopher(b"/sub/page\r\n")
        took = time.time() - start
        assert data.startswith(b"iA page"), data
        assert took < 0.5, "waited for a slot: %.2f s" % took
        assert capsule.read_all(idle[0]) == b""
        for s in idle:
            s.close()
        assert limited.alive()
    finally:
        assert limited.stop() == 0
        shutil.rmtree(folder, ignore_errors=True)
