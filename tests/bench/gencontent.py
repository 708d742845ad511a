#!/usr/bin/env python3
"""Generates a capsule for make bench-content, the same bytes every time.

Usage: gencontent.py FOLDER PAGES [ENTRIES_ON_ONE_PAGE]

PAGES pages of about 3.4 KB of Markdown each, 100 to a folder, shaped like
a reading list: a title, a contents block of anchors, sections of ~40
linked entries with authors (some nested, some tasks), a table now and
then.  With ENTRIES_ON_ONE_PAGE, the front page instead holds that many
entries (one big list).  Words are drawn from a fixed vocabulary by a
seeded generator, so that "distributed" is common and "zymurgy" rare.
"""
import os
import random
import sys

COMMON = ["distributed", "systems", "consensus", "storage", "network",
          "database", "design", "notes", "paper", "talk"]
WORDS = COMMON + ["raft", "paxos", "gossip", "quorum", "replica", "shard",
                  "latency", "clock", "vector", "lease", "failure", "log",
                  "stream", "queue", "cache", "index", "query", "lock",
                  "commit", "snapshot", "merkle", "bloom", "hash", "ring"]
RARE = "zymurgy"


def title(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def entry(rng, i, page):
    words = title(rng, rng.randint(3, 7))
    # One entry in 5000 has the rare word.
    if (page * 40 + i) % 5000 == 17:
        words += " " + RARE
    host = rng.choice(["example.org", "papers.example", "blog.example",
                       "www.youtube.com", "github.com"])
    return "[%s](https://%s/%d/%d) - %s %s" % (
        words, host, page, i, title(rng, 1), title(rng, 1))


def page_text(rng, page, entries=40):
    sections = max(1, entries // 10)
    names = ["%s %d" % (title(rng, 2), s) for s in range(sections)]
    out = ["# %s" % title(rng, 3), "",
           "A generated reading list, page %d." % page, "", "## Contents", ""]
    for name in names:
        anchor = name.lower().replace(" ", "-")
        out.append("- [%s](#%s)" % (name, anchor))
    i = 0
    for s, name in enumerate(names):
        out += ["", "## %s" % name, ""]
        for _ in range(entries // sections):
            if i % 9 == 4:
                out.append("  * %s" % entry(rng, i, page))
            elif i % 13 == 6:
                out.append("- [x] %s" % entry(rng, i, page))
            else:
                out.append("* %s" % entry(rng, i, page))
            i += 1
        if s % 3 == 2:
            out += ["", "| Name | Year |", "|:--|--:|",
                    "| [%s](https://t.example/%d/%d) | %d |" % (
                        title(rng, 2), page, s, 1990 + s),
                    "| %s | %d |" % (title(rng, 2), 2000 + s)]
    return "\n".join(out) + "\n"


def generate(folder, pages, big=0):
    rng = random.Random(1965)
    total = 0
    os.makedirs(folder, exist_ok=True)
    for p in range(pages):
        sub = os.path.join(folder, "f%03d" % (p // 100))
        os.makedirs(sub, exist_ok=True)
        text = page_text(rng, p)
        with open(os.path.join(sub, "p%05d.md" % p), "w") as f:
            f.write(text)
        total += len(text)
    text = page_text(rng, pages, big) if big else \
        "# Generated capsule\n\nSee the folders.\n"
    with open(os.path.join(folder, "index.md"), "w") as f:
        f.write(text)
    return total + len(text)


if __name__ == "__main__":
    n = generate(sys.argv[1], int(sys.argv[2]),
                 int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    print(n)
