"""Search answers in pages: at most search_results entries and 64 KiB an
answer, links (Gemini) and type 7 items (Gopher) to the next and the
previous page, none lost in between."""
import os
import re
import shutil

import capsule

ANSWER_MAX = 64 * 1024


def setup(binary, root):
    folder = capsule.tempdir()
    content = os.path.join(folder, "content")
    os.makedirs(content)
    lines = ["# Paging", "", "## Many", ""]
    for i in range(120):
        lines.append("- [Common entry %d](https://c.example/%d) - Author"
                     % (i, i))
    # Long entries: 600 of them cannot fit in one 64 KiB answer.
    lines += ["", "## Long", ""]
    for i in range(600):
        lines.append("- [Bulky entry %d %s](https://b.example/%d) - %s"
                     % (i, "word " * 20, i, "author " * 20))
    with open(os.path.join(content, "index.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return capsule.Server(binary, folder, content=content,
                          extra="search_results 50\n")


def after_each(server):
    assert server.alive(), server.read_log()


def teardown(server):
    assert server.stop() == 0, server.read_log()
    shutil.rmtree(server.folder, ignore_errors=True)


def gem(server, path):
    data, _ = server.gemini(b"gemini://localhost" + path + b"\r\n")
    return data


def shown_titles(body, word):
    return re.findall(r"=> \S+ (%s entry \d+)" % word, body)


def test_gemini_pages_of_fifty(server):
    seen = []
    path = b"/search?common"
    pages = 0
    while path is not None:
        data = gem(server, path)
        assert len(data) <= ANSWER_MAX, len(data)
        header, body = data.decode().split("\r\n", 1)
        assert header.startswith("20 "), header
        titles = shown_titles(body, "Common")
        assert 0 < len(titles) <= 50, titles
        first = len(seen) + 1
        assert "120 entries match; %d-%d shown." % (
            first, first + len(titles) - 1) in body, body[:200]
        if pages > 0:
            assert "Previous results" in body, body[-300:]
        seen += titles
        nxt = re.search(r"=> (\S+) Next results", body)
        path = nxt.group(1).encode() if nxt else None
        pages += 1
    assert pages == 3, pages
    assert seen == ["Common entry %d" % i for i in range(120)], seen


def test_gemini_answer_never_exceeds_64_kib(server):
    seen, path = 0, b"/search?bulky"
    while path is not None:
        data = gem(server, path)
        assert len(data) <= ANSWER_MAX, len(data)
        body = data.decode()
        titles = shown_titles(body, "Bulky")
        seen += len(titles)
        nxt = re.search(r"=> (\S+) Next results", body)
        path = nxt.group(1).encode() if nxt else None
    assert seen == 600, seen


def test_gopher_pages_with_type_7_items(server):
    port = server.gopher_port
    menu = server.gopher(b"/search\tcommon\r\n").decode()
    assert "i120 entries match; 1-50 shown.\t" in menu, menu[:300]
    assert ("7Next results (51-100): send the same words\t/search/51\t"
            "localhost\t%d\r\n" % port) in menu, menu[-400:]
    second = server.gopher(b"/search/51\tcommon\r\n").decode()
    assert "i120 entries match; 51-100 shown.\t" in second
    assert "hCommon entry 50 - " in second and "hCommon entry 49 - " not in \
        second, second[:400]
    assert ("7Previous results (1-50): send the same words\t/search\t"
            not in second)
    assert "7Previous results (1-50): send the same words\t/search/1\t" \
        in second, second[-500:]
    last = server.gopher(b"/search/101\tcommon\r\n").decode()
    assert "101-120 shown" in last and "Next results" not in last
    for sel in (b"/search\tbulky", b"/search/301\tbulky"):
        assert len(server.gopher(sel + b"\r\n")) <= ANSWER_MAX


def test_past_the_end_and_bad_page_numbers(server):
    body = gem(server, b"/search/500?common").decode()
    assert "120 entries match; none from 500 on." in body, body
    assert "Previous results" in body, body
    assert gem(server, b"/search/0?common").startswith(b"51 "), \
        gem(server, b"/search/0?common")
    assert gem(server, b"/search/x?common").startswith(b"51 ")
