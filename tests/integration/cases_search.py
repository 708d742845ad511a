"""Search and navigation over real sockets, in both protocols."""
import os
import shutil
import signal
import time

import capsule

GEM = b"20 text/gemini; charset=utf-8; lang=en\r\n"


def setup(binary, root):
    folder = capsule.tempdir()
    content = os.path.join(folder, "content")
    os.makedirs(content)
    shutil.copy(os.path.join(root, "content", "index.md"), content)
    return capsule.Server(binary, folder, content=content,
                          extra="watch no\n")


def after_each(server):
    assert server.alive(), server.read_log()


def teardown(server):
    status = server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)
    assert status == 0


def gem(server, path):
    return server.gemini(b"gemini://localhost" + path + b"\r\n")[0]


def test_gemini_search_prompt(server):
    assert gem(server, b"/search") == b"10 Search the reading list\r\n"
    assert gem(server, b"/search?") == b"10 Search the reading list\r\n"


def test_gemini_search_results(server):
    body = gem(server, b"/search?jepsen")
    assert body == GEM + (
        b"# Search: jepsen\n\n1 entry matches.\n\n"
        b"## Resources > Articles\n"
        b"=> https://jepsen.io/consistency Consistency Models - Jepsen\n"
        b"\n=> /search Search again\n=> / Home\n"), body


def test_gemini_search_words_case_and_prefix(server):
    body = gem(server, b"/search?KLEPP%20cambridge")
    assert b"\n1 entry matches.\n" in body, body
    assert b"Martin Kleppmann, University of Cambridge" in body
    body = gem(server, b"/search?kleppmann")
    assert b"\n2 entries match.\n" in body, body
    # Grouped under their sections, in the list's order.
    assert body.index(b"## Resources > Courses") < \
        body.index(b"## Resources > YouTube Playlists")
    body = gem(server, b"/search?zzzz")
    assert b"\nNo entry matches.\n" in body, body


def test_gemini_search_by_section_and_host(server):
    body = gem(server, b"/search?books")
    # Title matches ("books" in an HN thread title) before section ones.
    first = body.index(b"=> ")
    assert body[first:].startswith(
        b"=> https://news.ycombinator.com/item?id=28391738"), body
    assert b"\n6 entries match.\n" in body, body
    body = gem(server, b"/search?ycombinator")
    assert b"\n2 entries match.\n" in body, body


def test_gemini_search_refuses_bad_queries(server):
    for q in (b"a" * 257, b"%01", b"%FF", b"%zz", b"a%00b"):
        body = gem(server, b"/search?" + q)
        assert body.startswith(b"59 "), (q, body)
    assert gem(server, b"/search?" + b"a" * 256).startswith(b"20 ")


def test_gopher_search(server):
    port = server.gopher_port
    menu = server.gopher(b"/search\tjepsen\r\n")
    assert menu == (
        b"iSearch: jepsen\t\terror.host\t1\r\n"
        b"i1 entry matches.\t\terror.host\t1\r\n"
        b"i\t\terror.host\t1\r\n"
        b"iResources > Articles\t\terror.host\t1\r\n"
        b"hConsistency Models - Jepsen\tURL:https://jepsen.io/consistency"
        b"\tlocalhost\t%d\r\n"
        b"i\t\terror.host\t1\r\n"
        b"7Search again\t/search\tlocalhost\t%d\r\n"
        b"1Home\t/\tlocalhost\t%d\r\n.\r\n" % (port, port, port)), menu
    none = server.gopher(b"/search\tnothing here\r\n")
    assert b"iNo entry matches.\t" in none and none.endswith(b".\r\n")
    bad = server.gopher(b"/search\t" + b"x" * 300 + b"\r\n")
    assert bad.startswith(b"3query longer than 256 bytes"), bad
    plain = server.gopher(b"/search\r\n")
    assert plain.startswith(b"iSearch the reading list")


def test_section_pages(server):
    body = gem(server, b"/index/books.gmi")
    assert body == GEM + (
        b"# Books - Distributed Systems\n\n"
        b"Distributed Systems > Resources > Books\n\n"
        b"=> / Distributed Systems\n"
        b"=> /index/resources.gmi Resources\n\n"
        b"### Books\n\n"
        b"=> https://www.amazon.co.uk/dp/1543057381 Distributed Systems - "
        b"Maarten van Steen, Andrew S. Tanenbaum\n"
        b"=> http://book.mixu.net/distsys/index.html Distributed systems "
        b"for fun and profit - Mikito Takada\n"
        b"=> https://www.brendangregg.com/systems-performance-2nd-edition-"
        b"book.html Systems Performance: Enterprise and the Cloud - "
        b"Brendan Gregg\n"
        b"=> https://www.amazon.co.uk/dp/1838430210 Understanding "
        b"Distributed Systems - Roberto Vitillo\n"
        b"\n=> /index/resources.gmi Up: Resources\n"), body
    top = gem(server, b"/index/resources.gmi")
    assert top.startswith(GEM + b"# Resources - Distributed Systems\n\n"
                          b"Distributed Systems > Resources\n\n"
                          b"=> / Distributed Systems\n\n"
                          b"## Resources\n\n### Articles\n"), top[:200]
    assert top.endswith(b"\n=> / Up: Distributed Systems\n"), top[-80:]
    menu = server.gopher(b"/index/books\r\n")
    assert menu.startswith(
        b"iBooks - Distributed Systems\t\terror.host\t1\r\n"
        b"i===========================\t\terror.host\t1\r\n"
        b"i\t\terror.host\t1\r\n"
        b"iDistributed Systems > Resources > Books\t\terror.host\t1\r\n"
        b"i\t\terror.host\t1\r\n"
        b"1Distributed Systems\t/\tlocalhost\t%d\r\n"
        b"1Resources\t/index/resources\tlocalhost\t%d\r\n"
        b"i\t\terror.host\t1\r\n"
        b"iBooks\t\terror.host\t1\r\ni~~~~~\t" % (
            server.gopher_port, server.gopher_port)), menu[:400]
    assert menu.endswith(b"1Up: Resources\t/index/resources\tlocalhost\t%d"
                         b"\r\n.\r\n" % server.gopher_port), menu[-120:]
    assert gem(server, b"/index/nothing.gmi") == b"51 Not found\r\n"


def test_robots_generated_when_absent(server):
    assert gem(server, b"/robots.txt") == (
        b"20 text/plain; charset=utf-8\r\nUser-agent: *\nDisallow:\n")
    caps = server.gopher(b"caps.txt\r\n")
    assert caps.startswith(b"CAPS\n") and b"PathDelimeter=/\n" in caps


def test_search_follows_reload(server):
    index = os.path.join(server.content, "index.md")
    with open(index, "a") as f:
        f.write("\n### Added\n\n* [Zookeeper paper](https://zk.example/)"
                " - Hunt\n")
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline:
        if b"1 entry matches" in gem(server, b"/search?zookeeper"):
            break
        time.sleep(0.05)
    body = gem(server, b"/search?zookeeper")
    assert b"## Resources > Added\n=> https://zk.example/ Zookeeper" \
        b" paper - Hunt\n" in body, body
    added = gem(server, b"/index/added.gmi")
    assert added.startswith(GEM + b"# Added - ") and \
        b"\n### Added\n" in added, added
