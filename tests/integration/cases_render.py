"""capsuled render: the command-line renderer."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
INDEX = os.path.join(ROOT, "content", "index.md")


def run(binary, *args):
    return subprocess.run([binary, "render", *args], capture_output=True,
                          timeout=30)


def test_render_gemtext_front_page(binary):
    r = run(binary, "gemtext", INDEX)
    assert r.returncode == 0, r
    assert r.stdout.startswith(b"# Distributed Systems\n\n## Resources\n")
    assert (b"\n=> https://jepsen.io/consistency Consistency Models - "
            b"Jepsen\n") in r.stdout
    assert r.stderr == b""


def test_render_gophermap_host_and_port(binary):
    r = run(binary, "-H", "capsule.example", "-P", "7070", "gophermap",
            INDEX)
    assert r.returncode == 0, r
    assert (b"hConsistency Models - Jepsen\tURL:https://jepsen.io/"
            b"consistency\tcapsule.example\t7070\r\n") in r.stdout
    assert r.stdout.endswith(b"\r\n.\r\n")


def test_render_gophermap_defaults(binary):
    r = run(binary, "gophermap", INDEX)
    assert b"\tlocalhost\t70\r\n" in r.stdout
    assert b"\tcapsule.example\t" not in r.stdout


def test_render_text(binary):
    r = run(binary, "text", INDEX)
    assert r.returncode == 0, r
    assert b"* Consistency Models [7] - Jepsen\n" in r.stdout
    assert b"\n[7] https://jepsen.io/consistency\n" in r.stdout


def test_render_missing_file(binary):
    r = run(binary, "gemtext", "/nonexistent/page.md")
    assert r.returncode == 2, r
    assert r.stdout == b""
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and "/nonexistent/page.md" in lines[0], lines


def test_render_unknown_format(binary):
    r = run(binary, "html", INDEX)
    assert r.returncode == 2, r
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and "html" in lines[0], lines


def test_render_bad_port(binary):
    r = run(binary, "-P", "99999", "gophermap", INDEX)
    assert r.returncode == 2, r
    assert b"99999" in r.stderr
