"""A small real HTTP server on 127.0.0.1 for tests (no mocks of requests): routes, hit log, faults.

    with LocalServer() as server:
        server.add("/catalog.ttl", TURTLE, content_type="text/turtle")
        server.add_handler("/slow", lambda request: time.sleep(5))
        url = server.url("/catalog.ttl")
        ...
        assert server.count("/catalog.ttl") == 1

A handler gets a `Request` and either returns a `Reply` (or a tuple `(status, body[, headers])`) or writes the
answer itself through `request.handler` (for slow drips, broken connections and the like) and returns None.
Paths match without the query string; `request.query` has the parsed query.
"""

from __future__ import annotations

import zlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a client hanging up mid-answer is what faults test
        pass


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict = field(default_factory=dict)
    content_type: str | None = None


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    handler: BaseHTTPRequestHandler | None = None

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class LocalServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.routes: dict[str, object] = {}
        self.hits: list[Request] = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None
        self._port = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "LocalServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def _any(self):
                owner._handle(self)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _any

        self._server = _QuietServer((self.host, 0), Handler)
        self._port = self._server.server_address[1]
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self) -> int:
        return self._port  # still known after stop(), for messages about the dead server

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    # ------------------------------------------------------------------ routes
    def add(self, path: str, body: bytes | str = b"", *, status: int = 200, content_type: str | None = None,
            headers: dict | None = None) -> None:
        reply = Reply(status=status, body=body, headers=dict(headers or {}), content_type=content_type)
        self.routes[path] = lambda request: reply

    def add_handler(self, path: str, handler) -> None:
        self.routes[path] = handler

    def count(self, path: str | None = None) -> int:
        with self._lock:
            return sum(1 for hit in self.hits if path is None or hit.path == path)

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    # ------------------------------------------------------------------ internals
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(method=handler.command, path=parts.path, query=parse_qs(parts.query),
                          headers=dict(handler.headers.items()), body=body, handler=handler)
        with self._lock:
            self.hits.append(request)
        route = self.routes.get(parts.path)
        if route is None:
            answer = Reply(404, b"not found", content_type="text/plain")
        else:
            try:
                answer = route(request)
            except (BrokenPipeError, ConnectionResetError):
                return
        if answer is None:
            return
        if isinstance(answer, tuple):
            answer = Reply(answer[0], answer[1], dict(answer[2]) if len(answer) > 2 else {})
        send(handler, answer, head=handler.command == "HEAD")


def send(handler: BaseHTTPRequestHandler, reply: Reply, *, head: bool = False) -> None:
    body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
    try:
        handler.send_response(reply.status)
        headers = dict(reply.headers)
        if reply.content_type:
            headers["Content-Type"] = reply.content_type
        if not any(key.lower() == "content-length" for key in headers):
            headers["Content-Length"] = str(len(body))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        if not head and reply.status not in (204, 304):
            handler.wfile.write(body)
        handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        pass


# ---------------------------------------------------------------------- ready-made fault handlers


def drip(byte: bytes = b"x", interval: float = 1.0, total: int = 1000):
    """Send a body one byte per `interval` seconds (a slow-drip server)."""

    def handler(request: Request):
        h = request.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/turtle")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        try:
            for _ in range(total):
                h.wfile.write(byte)
                h.wfile.flush()
                time.sleep(interval)
        except (BrokenPipeError, ConnectionResetError):
            pass
        h.close_connection = True

    return handler


def silent(seconds: float = 10.0):
    """Accept the request and never answer (for `seconds`)."""

    def handler(request: Request):
        time.sleep(seconds)
        request.handler.close_connection = True

    return handler


def gzip_bomb(decoded_size: int, content_type: str = "text/turtle") -> Reply:
    """A gzip body that inflates to `decoded_size` bytes of spaces (a compression ratio near 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1024 * 1024)
    parts, left = [], decoded_size
    while left > 0:
        parts.append(compressor.compress(block[:min(left, len(block))]))
        left -= len(block)
    parts.append(compressor.flush())
    return Reply(200, b"".join(parts), {"Content-Encoding": "gzip"}, content_type)


def chunked(body: bytes, content_type: str = "text/turtle", piece: int = 64 * 1024):
    """Send `body` with Transfer-Encoding: chunked (no Content-Length)."""

    def handler(request: Request):
        h = request.handler
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        try:
            for start in range(0, len(body), piece):
                part = body[start:start + piece]
                h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    return handler


def fail_then(failures: int, reply: Reply, status: int = 503, headers: dict | None = None):
    """Answer `status` the first `failures` times, then `reply`."""
    count = {"n": 0}
    lock = threading.Lock()

    def handler(request: Request):
        with lock:
            count["n"] += 1
            n = count["n"]
        if n <= failures:
            return Reply(status, b"try again", dict(headers or {}), "text/plain")
        return reply

    return handler
