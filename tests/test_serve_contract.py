"""serve keeps the command-line contract, run as a real process on 127.0.0.1: exit 130 on Ctrl-C, exit 2 with one
line for an address it cannot listen on, one Date header, plain log lines, time limits, 400 for bad query values,
page IRIs never taken from the client's Host header."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from publish_data import write_catalog

ANSI = re.compile(r"\x1b\[")


class Served:
    """`ena-grunddata serve` as a subprocess, standard error collected line by line."""

    def __init__(self, *args):
        self.process = subprocess.Popen([sys.executable, "-m", "ena_grunddata", "serve", *map(str, args)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stderr], daemon=True).start()
        match = re.search(r"http://[^ ]+:(\d+)/datasets/dcat", self.wait_for("serving "))
        self.port = int(match.group(1))

    def wait_for(self, prefix: str, seconds: float = 60) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line starting with {prefix!r}; saw {self.seen}")

    def drain(self) -> list[str]:
        while True:
            try:
                self.seen.append(self.lines.get(timeout=0.5))
            except queue.Empty:
                return self.seen

    def raw(self, request: bytes) -> bytes:
        """Send bytes as they are (a Host header of our choosing) and read the whole answer."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as connection:
            connection.sendall(request)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def served(tmp_path):
    running = Served(write_catalog(tmp_path), "--port", "0", "--no-validate", "--page-size", "1")
    yield running
    running.stop()


def get(served: Served, target: str, host: str = "127.0.0.1") -> tuple[int, list[tuple[str, str]], bytes]:
    answer = served.raw(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
    return int(lines[0].split()[1]), headers, body


def test_ctrl_c_exits_130(served):
    assert get(served, "/datasets/dcat")[0] == 200
    assert served.stop() == 130
    assert served.drain()[-1].startswith("error: interrupted")


def test_a_busy_port_is_exit_2_with_one_line(served, tmp_path):
    source = write_catalog(tmp_path, name="other.ttl")
    result = subprocess.run([sys.executable, "-m", "ena_grunddata", "serve", str(source), "--port",
                             str(served.port), "--no-validate"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: cannot listen on 127.0.0.1:{served.port}: the address is already "
                                          "in use (another server listens there; choose another --port)"]
    assert result.stdout == ""


@pytest.mark.parametrize("host, words", [
    ("no-such-host.invalid", "unknown address"),
    ("203.0.113.7", "not one of this machine's"),  # TEST-NET-3: never an address of this machine
    ("999.1.1.1", "unknown address"),
])
def test_a_bad_bind_address_is_exit_2_with_one_line(tmp_path, host, words):
    result = subprocess.run([sys.executable, "-m", "ena_grunddata", "serve", str(write_catalog(tmp_path)),
                             "--host", host, "--port", "0"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ") and words in result.stderr


def test_one_date_header_on_every_answer(served):
    for target in ("/datasets/dcat", "/", "/healthz", "/datasets/dcat?page=1", "/nowhere", "/datasets/dcat?page=x"):
        _, headers, _ = get(served, target)
        assert [name for name, _ in headers if name.lower() == "date"] == ["Date"], target


def test_plain_log_lines_when_not_on_a_terminal(served):
    for target in ("/datasets/dcat", "/nowhere", "/datasets/dcat?page=x", "/healthz"):
        get(served, target)
    served.stop()
    lines = served.drain()
    assert any('"GET /nowhere HTTP/1.1" 404' in line for line in lines)
    assert not [line for line in lines if ANSI.search(line)]


@pytest.mark.parametrize("query", [
    "page=x", "page=0", "page=-1", "page=1.5", "page=%C2%B2",  # superscript two: str.isdigit, but not a number
    "page=%D9%A3",  # Arabic-Indic three
    "page=" + "9" * 5000,  # more digits than Python turns into an int by default
    "page=%00", "page=%ff", "format=%ff", "format=", "format=xml%00",
])
def test_malformed_query_values_are_400_and_no_traceback(served, query):
    status, _, _ = get(served, f"/datasets/dcat?{query}")
    assert status == 400
    assert get(served, "/healthz")[0] == 200  # still serving
    served.stop()
    logged = "".join(served.drain())
    assert "Traceback" not in logged and "internal error" not in logged


def test_page_iris_never_come_from_the_host_header(served):
    status, _, body = get(served, "/datasets/dcat?page=1&format=nt&x=%3Cscript%3E", host="evil.example")
    assert status == 200
    text = body.decode("utf-8")
    assert "evil.example" not in text and "<script" not in text and "x=" not in text
    assert f"<http://127.0.0.1:{served.port}/datasets/dcat?format=nt&page=2>" in text


def test_page_iris_come_from_public_url(tmp_path):
    running = Served(write_catalog(tmp_path), "--port", "0", "--no-validate", "--page-size", "1",
                     "--public-url", "https://data.example.se/")
    try:
        _, _, body = get(running, "/datasets/dcat.nt?page=1", host="evil.example")
        text = body.decode("utf-8")
        assert "<https://data.example.se/datasets/dcat.nt?page=2>" in text and "evil.example" not in text
    finally:
        running.stop()


@pytest.mark.parametrize("url", ["data.example.se", "ftp://data.example.se", "https://x.se/?a=1", "https://x.se/#f",
                                 "https://x.se/a b"])
def test_a_bad_public_url_is_exit_2(tmp_path, run_cli, url):
    result = run_cli("serve", write_catalog(tmp_path), "--port", "0", "--no-validate", "--public-url", url)
    assert result.exit_code == 2 and result.stderr.startswith("error: --public-url must be")


def test_idle_and_slow_connections_are_closed(tmp_path, monkeypatch):
    """In-process with a short limit: a connection that sends nothing, or one byte now and then, is closed."""
    from ena_grunddata.publish import serve

    monkeypatch.setattr(serve, "REQUEST_HEAD_SECONDS", 1.0)
    logged = []
    app = serve.make_app([write_catalog(tmp_path)], validate=False, log=logged.append)
    server = serve.make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as idle:
            start = time.monotonic()
            assert idle.recv(100) == b""  # closed by the server
            assert time.monotonic() - start < 5
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as slow:
            start = time.monotonic()
            closed = False
            for byte in b"GET /datasets/dcat HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40:
                try:
                    slow.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.2)
                if time.monotonic() - start > 4:
                    break
            if not closed:
                slow.settimeout(5)
                try:
                    closed = slow.recv(100) == b""
                except OSError:
                    closed = True
            assert closed and time.monotonic() - start < 8
        assert app.snapshot is not None  # the server still answers others
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as fine:
            fine.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert fine.recv(12).startswith(b"HTTP/1.1 200")
    finally:
        server.shutdown()
        server.server_close()
