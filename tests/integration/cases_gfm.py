"""A reading list written for GitHub, served: every link the front page
and its section pages offer answers, anchors land on their headings, a
link to another page's heading lands there, relative links to files the
capsule lacks go to source_url (or are listed by -n), and nested items
say what they belong to, in search results too."""
import os
import re
import shutil
import subprocess
import time
import urllib.parse

import capsule

SOURCE = "https://github.com/owner/list/blob/main/"


def setup(binary, root):
    folder = capsule.tempdir()
    content = os.path.join(folder, "content")
    os.makedirs(os.path.join(content, "media"))
    os.makedirs(os.path.join(content, "sub"))
    shutil.copy(os.path.join(root, "tests", "golden", "awesome.md"),
                os.path.join(content, "index.md"))
    with open(os.path.join(content, "media", "logo.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
    # Read after index.md, which links to its headings.
    with open(os.path.join(content, "other.md"), "w") as f:
        f.write("# Other page\n\n## Gopher servers\n\nThe other list of "
                "Gopher servers.\n\n#### Deep heading\n\nDeep text.\n")
    # Read after index.md too, linking back to its headings.
    with open(os.path.join(content, "sub", "page.md"), "w") as f:
        f.write("# Sub page\n\n- [Clients, up there](../index.md#clients)\n"
                "- [Deep on other](../other.md#deep-heading)\n"
                "- [Other, no such anchor](../other.md#nothing)\n")
    return capsule.Server(binary, folder, content=content,
                          extra="source_url %s\n" % SOURCE)


def after_each(server):
    assert server.alive(), server.read_log()


def teardown(server):
    assert server.stop() == 0, server.read_log()
    shutil.rmtree(server.folder, ignore_errors=True)


def gem(server, path):
    data, _ = server.gemini(b"gemini://localhost" + path + b"\r\n")
    header, _, body = data.partition(b"\r\n")
    return header.decode(), body.decode()


def gem_links(body):
    """(url, label) of each link line, outside preformatted text."""
    links, pre = [], False
    for line in body.split("\n"):
        if line.startswith("```"):
            pre = not pre
        elif not pre and line.startswith("=>"):
            url, _, label = line[2:].strip().partition(" ")
            links.append((url, label))
    return links


def internal_path(base, url):
    """The path on this capsule a relative link leads to, or None."""
    if urllib.parse.urlsplit(url).scheme:
        return None
    # urljoin knows no gemini: scheme; the path rules are the same.
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(
        "http://localhost" + base, url))
    return parts.path + ("?" + parts.query if parts.query else "")


def test_gemini_no_link_is_a_fragment(server):
    for path in ("/", "/index/contents.gmi", "/index/servers.gmi",
                 "/sub/page.gmi"):
        header, body = gem(server, path.encode())
        assert header.startswith("20 "), (path, header)
        for url, _ in gem_links(body):
            assert not url.startswith("#"), (path, url)


def test_gemini_every_link_of_front_and_sections_answers(server):
    header, front = gem(server, b"/")
    assert header.startswith("20 text/gemini"), header
    pages = {"/": front}
    for url, _ in gem_links(front):
        path = internal_path("/", url)
        if path is not None and path.startswith("/index/"):
            pages[path] = gem(server, path.encode())[1]
    assert len(pages) >= 10, sorted(pages)
    fetched = 0
    for page, body in pages.items():
        for url, label in gem_links(body):
            path = internal_path(page, url)
            if path is None:
                continue
            header, _ = gem(server, path.encode())
            want = "10 " if path.startswith("/search") else "20 "
            assert header.startswith(want), (page, url, label, header)
            fetched += 1
    assert fetched >= 40, fetched


def test_gemini_anchor_links_hold_their_heading(server):
    _, front = gem(server, b"/")
    contents = dict((label, url) for url, label in gem_links(front))
    cases = {
        "Calendar & Contacts": "## Calendar & Contacts",
        "Gemini servers (in Servers)": "### Gemini servers",
        "Émulateurs et outils": "## Émulateurs et outils",
        # Two headings "Sites": the second anchor is "sites-1".
        "Footnotes": "[^1] Counted by hand",
    }
    for label, text in cases.items():
        assert label in contents, (label, sorted(contents))
        header, body = gem(server, internal_path("/", contents[label])
                           .encode())
        assert header.startswith("20 ") and text in body, (label, body)
    urls = [url for url, label in gem_links(front) if label == "Sites"]
    assert len(urls) >= 2 and urls[0] != urls[1], urls
    first = gem(server, internal_path("/", urls[0]).encode())[1]
    second = gem(server, internal_path("/", urls[1]).encode())[1]
    assert "First sites section" in first, first
    assert "Second sites section" in second, second
    # An anchor that names no heading is the page itself.
    assert internal_path("/", contents["Missing anchor"]) == "/index.gmi"
    # A level-4 heading lands on its section's page.
    _, servers = gem(server, b"/index/gemini-servers.gmi")
    notes = dict((label, url) for url, label in gem_links(servers))
    assert internal_path("/index/", notes["the settings"]) == \
        "/index/gemini-servers.gmi", notes


def test_gemini_links_to_other_pages_headings(server):
    _, front = gem(server, b"/")
    links = dict((label, url) for url, label in gem_links(front))
    assert links["the servers"] == "/other/gopher-servers.gmi", links
    header, body = gem(server, b"/other/gopher-servers.gmi")
    assert header.startswith("20 ") and "other list of Gopher" in body
    _, sub = gem(server, b"/sub/page.gmi")
    links = dict((label, url) for url, label in gem_links(sub))
    assert links["Clients, up there"] == "/index/clients.gmi", links
    assert links["Deep on other"] == "/other/gopher-servers.gmi", links
    assert links["Other, no such anchor"] == "/other.gmi", links


def test_gemini_badges_tables_and_nesting(server):
    _, front = gem(server, b"/")
    lines = front.split("\n")
    assert lines[0] == "# Awesome Small Web", lines[:3]
    links = gem_links(front)
    assert ("https://awesome.re", "Awesome") in links, links
    assert not any(url.endswith(".svg") for url, _ in links), links
    _, gemini = gem(server, b"/index/gemini-servers.gmi")
    assert "```table\nName        | Language | Stars | Notes\n" in gemini
    assert "=> https://github.com/mbrubeck/agate agate\n" in gemini
    _, gopher = gem(server, b"/index/gopher-servers.gmi")
    assert ("=> https://notes.example/gophernicus/errata Errata - Fixes to "
            "the notes. (in Notes by a sysop)\n") in gopher, gopher


def test_source_url_for_files_the_capsule_lacks(server):
    _, front = gem(server, b"/")
    links = dict((label, url) for url, label in gem_links(front))
    assert links["contribution guide"] == SOURCE + "CONTRIBUTING.md"
    assert links["LICENSE"] == SOURCE + "LICENSE", links
    # A file the capsule has stays its own.
    assert links["Small Web logo"] == "https://smallweb.example/", links
    menu = server.gopher(b"\r\n").decode()
    assert ("hcontribution guide\tURL:%sCONTRIBUTING.md\t" % SOURCE) in menu


def gopher_items(menu):
    items = []
    for line in menu.split("\r\n"):
        if line in (".", ""):
            continue
        fields = line.split("\t")
        assert len(fields) == 4, repr(line)
        items.append((fields[0][0], fields[0][1:], fields[1], fields[2],
                      fields[3]))
    return items


def test_gopher_every_item_of_front_and_sections_answers(server):
    port = str(server.gopher_port)
    front = server.gopher(b"\r\n").decode()
    menus = {"": front}
    for kind, _, sel, host, p in gopher_items(front):
        if kind == "1" and host == "localhost" and p == port and \
                sel.startswith("/index/"):
            menus[sel] = server.gopher(sel.encode() + b"\r\n").decode()
    assert len(menus) >= 10, sorted(menus)
    fetched = 0
    for sel_of_menu, menu in menus.items():
        for kind, label, sel, host, p in gopher_items(menu):
            if kind == "i" or host != "localhost" or p != port:
                continue
            request = sel + ("\tservers" if kind == "7" else "")
            answer = server.gopher(request.encode() + b"\r\n")
            assert answer and not answer.startswith(b"3"), \
                (sel_of_menu, label, sel, answer[:80])
            fetched += 1
    assert fetched >= 40, fetched
    items = dict((label, sel) for kind, label, sel, _, _ in
                 gopher_items(front) if kind != "i")
    assert items["Calendar & Contacts"] == "/index/calendar--contacts"
    section = server.gopher(b"/index/calendar--contacts\r\n").decode()
    assert "iCalendar & Contacts\t" in section, section


def test_gopher_wide_table_becomes_rows(server):
    menu = server.gopher(b"/index/sites-1\r\n").decode()
    lines = [item[1] for item in gopher_items(menu) if item[0] == "i"]
    assert "Site: A site with a very long name indeed" in lines, lines
    assert all(len(line) <= 70 for line in lines), lines


def test_search_results_name_the_parent_item(server):
    header, body = gem(server, b"/search?errata")
    assert header.startswith("20 "), header
    assert "Errata - Fixes to the notes. (in Notes by a sysop)" in body
    menu = server.gopher(b"/search\terrata\r\n").decode()
    assert "Errata - Fixes to the notes. (in Notes by a sysop)" in menu


def test_search_finds_table_rows(server):
    header, body = gem(server, b"/search?rust")
    assert header.startswith("20 "), header
    assert "=> https://github.com/mbrubeck/agate agate\n" in body, body
    assert "molly-brown" not in body, body


def test_check_lists_links_the_content_lacks(server):
    config = os.path.join(server.folder, "nosource.conf")
    with open(server.config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(re.sub(r"(?m)^source_url .*\n", "", text))
    done = subprocess.run([server.binary, "-n", "-f", config],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    index = os.path.join(server.content, "index.md")
    assert "%s:9: CONTRIBUTING.md: not in the content folder" % index \
        in done.stderr, done.stderr
    assert "%s:85: LICENSE: not in the content folder" % index \
        in done.stderr, done.stderr
    # Said once each, even for a page rendered after the others; the
    # file the capsule has is not reported.
    assert done.stderr.count("CONTRIBUTING.md: not in") == 1, done.stderr
    assert "media/logo.png" not in done.stderr, done.stderr


def test_section_folder_answers_the_page(server):
    # A client's "parent" button on /index/clients.gmi asks for /index/.
    header, _ = gem(server, b"/index/")
    assert header == "31 /", header
    header, _ = gem(server, b"/other/")
    assert header == "31 /other.gmi", header
    menu = server.gopher(b"/other/\r\n").decode()
    assert menu == server.gopher(b"/other\r\n").decode(), menu
    assert "iOther page\t" in menu, menu


def test_every_section_has_plain_text(server):
    text = server.gopher(b"/index/clients.txt\r\n").decode()
    assert text.startswith("Clients\r\n-------\r\n"), text
    assert "[x] Amfora [" in text and text.endswith("\r\n.\r\n"), text
    assert "References" in text, text


def test_gopher_search_ends_with_search_again_and_home(server):
    port = server.gopher_port
    menu = server.gopher(b"/search\terrata\r\n").decode()
    assert menu.endswith("7Search again\t/search\tlocalhost\t%d\r\n"
                         "1Home\t/\tlocalhost\t%d\r\n.\r\n" % (port, port))


def test_gemini_search_plus_is_a_space_and_empty_asks_again(server):
    header, body = gem(server, b"/search?notes+sysop")
    assert header.startswith("20 "), header
    assert body.startswith("# Search: notes sysop\n"), body
    assert "Errata" in body, body
    for query in (b"/search?%20", b"/search?+", b"/search?%20%20"):
        header, _ = gem(server, query)
        assert header.startswith("10 "), (query, header)


def test_check_prints_the_totals(server):
    done = subprocess.run([server.binary, "-n", "-f", server.config],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    md = sum(os.path.getsize(os.path.join(server.content, p))
             for p in ("index.md", "other.md", os.path.join("sub", "page.md")))
    m = re.search(r"^(\d+) pages \(([\d.]+) KiB of Markdown\), (\d+) files "
                  r"\((\d+) bytes\); memory estimated ([\d.]+) KiB$",
                  done.stdout, re.M)
    assert m, done.stdout
    assert m.group(1) == "3" and m.group(3) == "1", done.stdout
    assert m.group(2) == "%.1f" % (md / 1024), (md, done.stdout)
    assert m.group(4) == "8", done.stdout   # media/logo.png
    # Three small pages: more than their Markdown, less than a MiB.
    assert md / 1024 < float(m.group(5)) < 1024, done.stdout


def reloads_since(server, before, what):
    """The reload lines after the first before ones, once one has what."""
    deadline = time.time() + 10
    while time.time() < deadline:
        said = server.read_log().split("reload done")[before + 1:]
        if any(s.startswith(what) for s in said):
            return said
        time.sleep(0.05)
    raise AssertionError(server.read_log())


def test_reload_remakes_only_what_changed(server):
    # The content watch reloads on each edit.
    before = server.read_log().count("reload done")
    with open(os.path.join(server.content, "sub", "page.md"), "a") as f:
        f.write("\nA line added.\n")
    # Only the edited page is made again; the others are shared.
    said = reloads_since(server, before, ": 3 pages (2 unchanged, kept)")
    assert not any(s.startswith(": 3 pages (0") or
                   s.startswith(": 3 pages (1") for s in said), said
    _, body = gem(server, b"/sub/page.gmi")
    assert "A line added." in body, body
    # A heading that index.md links to changes: index.md is made again,
    # its file unchanged, and its link follows the heading.
    _, body = gem(server, b"/")
    assert ("/other/gopher-servers.gmi", "the servers") in \
        gem_links(body), gem_links(body)
    before = server.read_log().count("reload done")
    other = os.path.join(server.content, "other.md")
    with open(other) as f:
        text = f.read()
    with open(other, "w") as f:
        f.write(text.replace("## Gopher servers", "## Gopher daemons"))
    reloads_since(server, before, ": 3 pages (0 unchanged, kept)")
    _, body = gem(server, b"/")
    assert ("/other.gmi", "the servers") in gem_links(body), gem_links(body)
    header, _ = gem(server, b"/other/gopher-daemons.gmi")
    assert header.startswith("20 "), header
