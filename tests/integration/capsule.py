"""Helpers for the server tests: a test capsule, a running capsuled, and
Gopher and Gemini clients over real sockets."""
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Bytes of the file that is too large to be kept in memory.
BIG_FILE_SIZE = 3 * 1024 * 1024 + 17


def free_port():
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(folder, host="localhost"):
    cert = os.path.join(folder, "cert.pem")
    key = os.path.join(folder, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
         cert, "-days", "30", "-subj", "/CN=" + host, "-addext",
         "subjectAltName=DNS:" + host],
        check=True, capture_output=True)
    return cert, key


def make_content(folder):
    """The reading list as front page, plus one of every kind of file."""
    content = os.path.join(folder, "content")
    os.makedirs(os.path.join(content, "sub"))
    os.makedirs(os.path.join(content, "files"))
    shutil.copy(os.path.join(ROOT, "content", "index.md"), content)
    with open(os.path.join(content, "sub", "index.md"), "w") as f:
        f.write("# Sub folder\n\nSee [the page](page.md) and "
                "[home](../index.md).\n")
    with open(os.path.join(content, "sub", "page.md"), "w") as f:
        f.write("# A page\n\n.dotted line\n\nText with [a link]"
                "(https://example.org/x).\n")
    with open(os.path.join(content, "files", "notes.txt"), "w") as f:
        f.write("plain notes\n")
    with open(os.path.join(content, "files", "static.gmi"), "w") as f:
        f.write("# Static gemtext\n")
    with open(os.path.join(content, "files", "image.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with open(os.path.join(content, "files", "blob.xyz"), "wb") as f:
        f.write(b"\x00\x01binary")
    with open(os.path.join(content, "files", "big.bin"), "wb") as f:
        f.write(os.urandom(BIG_FILE_SIZE))
    with open(os.path.join(content, "robots.txt"), "w") as f:
        f.write("User-agent: *\nDisallow: /private/\n")
    with open(os.path.join(folder, "secret.txt"), "w") as f:
        f.write("SECRET outside the content folder\n")
    os.symlink(os.path.join(folder, "secret.txt"),
               os.path.join(content, "files", "escape.txt"))
    os.symlink("notes.txt", os.path.join(content, "files", "alias.txt"))
    with open(os.path.join(content, ".hidden.md"), "w") as f:
        f.write("# hidden\n")
    return content


class Server:
    """capsuled running on free loopback ports with a generated config."""

    def __init__(self, binary, folder, extra="", content=None, cert=None,
                 env=None):
        self.binary = binary
        self.folder = folder
        self.gopher_port = free_port()
        self.gemini_port = free_port()
        self.content = content or make_content(folder)
        self.cert, self.key = cert or make_cert(folder)
        self.config = os.path.join(folder, "capsuled.conf")
        with open(self.config, "w") as f:
            f.write("hostname localhost\nlisten 127.0.0.1\n"
                    "gopher_port %d\ngemini_port %d\ncontent %s\n"
                    "cert %s\nkey %s\n%s" % (
                        self.gopher_port, self.gemini_port, self.content,
                        self.cert, self.key, extra))
        self.log_path = os.path.join(folder, "server.log")
        self.log = open(self.log_path, "wb")
        # CAPSULED_WRAPPER runs the server under a tool (valgrind).
        wrapper = os.environ.get("CAPSULED_WRAPPER", "").split()
        self.proc = subprocess.Popen(wrapper + [binary, "-f", self.config],
                                     stdout=self.log, stderr=self.log,
                                     env=env)
        self.wait_ready()

    def wait_ready(self):
        deadline = time.time() + (120 if os.environ.get(
            "CAPSULED_WRAPPER") else 20)
        while time.time() < deadline:
            assert self.proc.poll() is None, self.read_log()
            # The listeners take connections before the server has
            # finished starting (the content watch comes later): ready is
            # when it says it is serving.
            if "capsuled serving " not in self.read_log():
                time.sleep(0.05)
                continue
            try:
                socket.create_connection(
                    ("127.0.0.1", self.gemini_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("server did not start: " + self.read_log())

    def read_log(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def gopher(self, request, timeout=10):
        """Sends request bytes as they are; returns every byte answered."""
        with socket.create_connection(("127.0.0.1", self.gopher_port),
                                      timeout=timeout) as s:
            s.sendall(request)
            return read_all(s)

    def gemini(self, request, sni="localhost", timeout=10, tls_max=None,
               tls_min=None):
        """Returns (answer bytes, whether close_notify ended them)."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if tls_max is not None:
            ctx.maximum_version = tls_max
        if tls_min is not None:
            ctx.minimum_version = tls_min
        raw = socket.create_connection(("127.0.0.1", self.gemini_port),
                                       timeout=timeout)
        with ctx.wrap_socket(raw, server_hostname=sni,
                             suppress_ragged_eofs=False) as s:
            s.sendall(request)
            data = b""
            clean = False
            while True:
                try:
                    chunk = s.recv(65536)
                except ssl.SSLEOFError:
                    break
                except (ConnectionResetError, BrokenPipeError):
                    break
                if not chunk:
                    clean = True
                    break
                data += chunk
            return data, clean


def read_all(s):
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def tempdir():
    return tempfile.mkdtemp(prefix="capsuled-test-")
