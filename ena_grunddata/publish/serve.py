"""Serve a catalog over HTTP the way dataportal.se harvests it: one document at /datasets/dcat.

A WSGI application (Werkzeug) built by `make_app(sources, ...)`: content negotiation (RDF/XML by default), strong
validators (ETag, Last-Modified) with 304 answers, HEAD, gzip, optional Hydra paging, an HTML page at `/` and
`/healthz`. When a source file changes the catalog is read again through the loader and passes the gate
(publish.gate); a version that fails to load or is refused is not served (the last good one stays, one line is logged
and `/healthz` says `degraded`). `make_server` adds the command-line contract: one `error:` line for an address it
cannot listen on, plain access-log lines, and time limits for idle and slow connections.
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import hashlib
import io
import json
import math
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
from rdflib import BNode
from rdflib.namespace import RDF, XSD
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, NotFound, ServiceUnavailable
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .. import http
from ..canonical import sorted_ntriples, subject_blocks
from ..errors import EnaError, UsageError, terminal_text
from .documents import Catalog, CatalogIndex, gc_paused, write, write_checked
from .export import SERIALISATIONS, catalog_for_publishing, catalog_page
from .gate import InvalidCatalog, Verdict, check_catalog, enforce, refusal
from ..load import Limits, expand_sources, is_url
from ..namespaces import DCAT, HYDRA
from ..report import LANGUAGES, Report

FORMAT_NAMES = {"rdfxml": "rdfxml", "xml": "rdfxml", "rdf": "rdfxml", "turtle": "turtle", "ttl": "turtle",
                "jsonld": "jsonld", "json-ld": "jsonld", "ntriples": "ntriples", "nt": "ntriples"}
SUFFIXES = {"rdf": "rdfxml", "ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples"}
DEFAULT_FORMAT = "rdfxml"  # what dataportal.se expects (dcat-ap-se.md §5)
DEFAULT_PAGE_SIZE = 100
GZIP_MIN_BYTES = 1024
REQUEST_HEAD_SECONDS = 15.0  # a connection must send a whole request line and headers within this (idle or slow)
SEND_SECONDS = 60.0  # a client that reads nothing of an answer for this long is dropped

READ = ["GET"]  # Werkzeug adds HEAD; anything else is 405
URLS = Map([
    Rule("/", endpoint="page", methods=READ),
    Rule("/index.html", endpoint="page", methods=READ),
    Rule("/datasets/dcat", endpoint="catalog", methods=READ),
    Rule("/datasets/dcat.<suffix>", endpoint="catalog", methods=READ),
    Rule("/healthz", endpoint="health", methods=READ),
], strict_slashes=False)


@dataclass
class Snapshot:
    """One successfully loaded version of the catalog, with its rendered representations (filled on demand).

    `graph` is the index of what the page and paging read (len() is the number of statements); `catalog` holds
    the canonical statements every representation is written from; `paging` the page index, built at load.
    """

    graph: CatalogIndex
    report: Report | None
    signature: tuple
    last_modified: dt.datetime
    loaded_at: dt.datetime
    sources: list[str]
    cache: dict = field(default_factory=dict)
    verdict: Verdict | None = None  # what the gate found (publish.gate)
    catalog: Catalog | None = None
    paging: PageIndex | None = None


@dataclass
class Representation:
    body: bytes
    media_type: str
    etag: str
    _gzipped: bytes | None = None

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:  # compressed once, on the first request that accepts gzip
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


class CatalogApp:
    """The WSGI application. Thread-safe: a reload swaps in a whole new Snapshot."""

    def __init__(self, sources, *, input_format=None, limits: Limits | None = None, page_size=DEFAULT_PAGE_SIZE,
                 poll_interval: float = 2.0, lang: str = "en", validate: bool = True, log=None,
                 poll_on_request: bool = True, rules=None, allow_invalid: bool = False, public_url: str | None = None,
                 strict: bool = True):
        if lang not in LANGUAGES:
            raise UsageError(f"unknown language '{lang}' (known: {', '.join(LANGUAGES)})")
        if page_size < 1:
            raise UsageError("--page-size must be at least 1")
        self.sources = [str(s) for s in sources]
        self.input_format = input_format
        self.limits = limits or Limits()
        self.page_size = page_size
        self.poll_interval = poll_interval
        self.poll_on_request = poll_on_request  # off when a Poller thread does it (a request never waits)
        self.lang = lang
        self.validate = validate
        self.rules = rules
        self.allow_invalid = allow_invalid
        self.public_url = check_public_url(public_url)
        self.log = log or (lambda line: print(terminal_text(line), file=sys.stderr, flush=True))
        self._reload_lock = threading.Lock()
        self._last_poll = time.monotonic()
        self._failed_signature = None
        self.last_error: str | None = None
        self.snapshot: Snapshot | None = None
        signature = self._signature()
        try:
            self.snapshot = self._load(signature)
        except (EnaError, InvalidCatalog) as error:
            if strict:
                raise  # the command's error: exit 2 for input, 1 for a refused catalog
            self._failed_signature, self.last_error = signature, self._describe(error)  # /healthz: failing
            self.log(f"warning: {self.last_error} (nothing to serve yet)")

    # ----------------------------------------------------------------------------------------- loading

    def _signature(self) -> tuple:
        """What the source files look like now: path, mtime and size of each (URLs and stdin are not polled)."""
        entries = []
        for source in expand_sources(self.sources, follow_symlinks=self.limits.follow_symlinks):
            if source == "-" or is_url(source):
                continue
            try:
                stat = Path(source).stat()
                entries.append((source, stat.st_mtime_ns, stat.st_size))
            except OSError as error:
                entries.append((source, type(error).__name__, 0))
        return tuple(entries)

    def _load(self, signature: tuple) -> Snapshot:
        catalog = catalog_for_publishing(self.sources, self.rules, input_format=self.input_format, limits=self.limits)
        verdict = enforce(check_catalog(catalog, self.sources, self.rules, validate=self.validate,
                                        input_format=self.input_format, limits=self.limits), self.allow_invalid)
        report = verdict.report
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        mtimes = [entry[1] for entry in signature if isinstance(entry[1], int)]
        modified = (dt.datetime.fromtimestamp(max(mtimes) // 10**9, dt.timezone.utc) if mtimes else now)
        with gc_paused():
            index = catalog.index()
            snapshot = Snapshot(graph=index, report=report, signature=signature, last_modified=min(modified, now),
                                loaded_at=now, sources=catalog.sources, catalog=catalog, verdict=verdict)
            # The RDF/XML document is ready before a harvester asks (large catalogs take seconds), and so is the
            # page index.
            snapshot.cache[("catalog", DEFAULT_FORMAT)] = make_representation(
                write_checked(catalog.ntriples, DEFAULT_FORMAT, prefixes=catalog.prefixes),
                SERIALISATIONS[DEFAULT_FORMAT].media_type)
            snapshot.paging = PageIndex.of(catalog.ntriples, index)
        return snapshot

    @staticmethod
    def _representation(snapshot: Snapshot, fmt: str) -> Representation:
        key = ("catalog", fmt)
        representation = snapshot.cache.get(key)
        if representation is None:
            representation = snapshot.cache[key] = make_representation(
                write_checked(snapshot.catalog.ntriples, fmt, prefixes=snapshot.catalog.prefixes),
                SERIALISATIONS[fmt].media_type)
        return representation

    def reload_if_changed(self) -> bool:
        """Load again when a source changed; keep the last good version when the new one fails. True = reloaded.

        Requests arriving while a reload runs are answered from the current version rather than kept waiting.
        """
        if not self._reload_lock.acquire(blocking=False):
            return False
        try:
            self._last_poll = time.monotonic()
            signature = self._signature()
            current = self.snapshot
            if current is not None and signature == current.signature:
                self._failed_signature = self.last_error = None  # the sources are back to the version served
                return False
            if signature == self._failed_signature:
                return False
            try:
                snapshot = self._load(signature)
            except (EnaError, InvalidCatalog) as error:
                self._failed_signature = signature
                self.last_error = self._describe(error)
                still = (f"still serving the version loaded at {current.loaded_at:%H:%M:%S}" if current is not None
                         else "nothing to serve yet")
                self.log(f"warning: {self.last_error} ({still})")
                return False
            self.snapshot, self._failed_signature, self.last_error = snapshot, None, None
            self.log(f"reloaded: {len(snapshot.graph)} triples from {len(snapshot.sources)} sources")
            return True
        finally:
            self._reload_lock.release()

    def _describe(self, error: Exception) -> str:
        if isinstance(error, InvalidCatalog):
            return f"{', '.join(self.sources)}: {refusal(error.verdict, 'serve')}"
        return str(error)

    def _poll(self) -> None:
        if self.poll_on_request and time.monotonic() - self._last_poll >= self.poll_interval:
            self.reload_if_changed()

    # ----------------------------------------------------------------------------------------- WSGI

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            self._poll()
            endpoint, arguments = URLS.bind_to_environ(environ).match()
            response = getattr(self, f"on_{endpoint}")(request, **arguments)
        except HTTPException as error:
            response = error.get_response(environ)
        except Exception as error:  # a bug of ours: one line in the log, never a traceback, and a plain 500
            first_line = (str(error).strip().splitlines() or [""])[0][:300]
            self.log(f"internal error: {type(error).__name__}: {first_line} ({request.method} {request.path})")
            response = InternalServerError().get_response(environ)
        return response(environ, start_response)

    def _serving(self) -> Snapshot:
        snapshot = self.snapshot
        if snapshot is None:
            unavailable = ServiceUnavailable("no valid version of the catalog has been loaded yet; see /healthz")
            unavailable.retry_after = max(1, math.ceil(self.poll_interval))
            raise unavailable
        return snapshot

    def on_catalog(self, request: Request, suffix: str | None = None) -> Response:
        snapshot = self._serving()
        if suffix and suffix not in SUFFIXES:
            raise NotFound()
        fmt = negotiate(request, SUFFIXES.get(suffix) if suffix else None)
        page = page_number(request)
        if page is None:
            representation = self._representation(snapshot, fmt)
        else:
            path = "/datasets/dcat" + (f".{suffix}" if suffix else "")
            part = snapshot.paging.page(page, self.page_size, page_url_maker(request, self.public_url, path))
            if part is None:
                raise NotFound(f"no page {page}")
            representation = make_representation(write(part, fmt), SERIALISATIONS[fmt].media_type)
        return respond(request, representation, snapshot, vary="Accept, Accept-Encoding")

    def on_page(self, request: Request) -> Response:
        snapshot = self._serving()
        lang = request.args.get("lang", self.lang)
        if lang not in LANGUAGES:
            lang = self.lang
        key = ("page", lang)
        representation = snapshot.cache.get(key)
        if representation is None:
            from ..validation.profiles import load_vocabularies

            downloads = [("RDF/XML", "/datasets/dcat"), ("Turtle", "/datasets/dcat?format=turtle"),
                         ("JSON-LD", "/datasets/dcat?format=jsonld"), ("N-Triples", "/datasets/dcat?format=nt")]
            text = catalog_page(snapshot.graph, vocabularies=load_vocabularies(), report=snapshot.report, lang=lang,
                                downloads=downloads)
            representation = snapshot.cache[key] = make_representation(text.encode("utf-8"), "text/html")
        return respond(request, representation, snapshot, vary="Accept-Encoding")

    def health(self) -> dict:
        """`status` ok | degraded | failing and the `reason` (null when ok), with what is being served."""
        snapshot = self.snapshot
        if snapshot is None:
            return {"status": "failing", "reason": f"nothing to serve: {self.last_error}", "validated": None,
                    "triples": None, "datasets": None, "loaded_at": None,
                    "sources": [http.redact(source) if is_url(source) else source for source in self.sources],
                    "findings": None, "last_reload_error": self.last_error}
        reasons = []
        if self.last_error is not None:
            reasons.append(f"serving an older version (loaded at {snapshot.loaded_at.isoformat()}): the newest "
                           f"was not taken: {self.last_error}")
        verdict = snapshot.verdict
        if verdict is not None and verdict.blocked:
            reasons.append(f"serving a catalog with {verdict.problems()} (--allow-invalid)")
        return {"status": "degraded" if reasons else "ok", "reason": "; ".join(reasons) or None,
                "validated": snapshot.report is not None, "triples": len(snapshot.graph),
                "datasets": len(snapshot.paging.datasets),
                "loaded_at": snapshot.loaded_at.isoformat(),
                "sources": [http.redact(source) if is_url(source) else source for source in snapshot.sources],
                "findings": snapshot.report.summary if snapshot.report is not None else None,
                "last_reload_error": self.last_error}

    def on_health(self, request: Request) -> Response:
        body = self.health()
        response = Response(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8",
                            status=503 if body["status"] == "failing" else 200)
        response.headers["Cache-Control"] = "no-store"
        return response


def make_app(sources, **options) -> CatalogApp:
    """The WSGI application for `sources` (see CatalogApp for the options)."""
    return CatalogApp(sources, **options)


# --------------------------------------------------------------------------------------------- HTTP details


def negotiate(request: Request, forced: str | None) -> str:
    """?format= wins, then the path suffix, then Accept; RDF/XML when nothing matches (harvesters send odd Accepts)."""
    wanted = request.args.get("format")
    if wanted is not None:
        fmt = FORMAT_NAMES.get(wanted.strip().lower())
        if fmt is None:
            raise BadRequest(f"unknown format '{wanted}' (known: rdfxml, turtle, jsonld, ntriples)")
        return fmt
    if forced:
        return forced
    offered = [SERIALISATIONS[name].media_type for name in ("rdfxml", "turtle", "jsonld", "ntriples")]
    best = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else None
    return next((name for name, s in SERIALISATIONS.items() if s.media_type == best), DEFAULT_FORMAT)


_PAGE = re.compile(r"[0-9]{1,9}")  # ASCII digits only ("²" and "٣" are str.isdigit too), and no 5,000-digit ints


def page_number(request: Request) -> int | None:
    value = request.args.get("page")
    if value is None:
        return None
    if not _PAGE.fullmatch(value) or int(value) < 1:
        raise BadRequest("page must be a whole number from 1")
    return int(value)


def check_public_url(url: str | None) -> str | None:
    """--public-url: the http(s) address harvesters use, without query or fragment; stored without a final slash."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or \
            re.search(r"[\x00-\x20<>\"{}|\\^`]", url):
        raise UsageError(f"--public-url must be an http(s) URL without spaces, ?query or #fragment, not '{url}'")
    return url.rstrip("/")


def make_representation(body: bytes, media_type: str) -> Representation:
    return Representation(body=body, media_type=media_type, etag=hashlib.sha256(body).hexdigest()[:32])


def respond(request: Request, representation: Representation, snapshot: Snapshot, *, vary: str) -> Response:
    """Body, validators and compression for one representation; Werkzeug answers 304 and HEAD from them."""
    body, etag = representation.body, representation.etag
    gzipped = len(body) >= GZIP_MIN_BYTES and request.accept_encodings["gzip"] > 0
    if gzipped:
        body = representation.gzipped
        etag += "-gzip"  # a different byte sequence needs its own strong validator
    response = Response(body, content_type=f"{representation.media_type}; charset=utf-8")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.last_modified = snapshot.last_modified
    response.headers["Vary"] = vary
    response.headers["Cache-Control"] = "no-cache"  # always revalidate: one small request when unchanged
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public catalog, readable from any web page
    response = response.make_conditional(request)
    response.headers.remove("Date")  # make_conditional adds one; the HTTP server adds its own (one Date header)
    return response


def page_url_maker(request: Request, public_url: str | None = None, path: str = "/datasets/dcat"):
    """Page IRIs: under --public-url when given, else the address the server listens on (SERVER_NAME and
    SERVER_PORT), never the client's Host header. Only the format parameter is carried over."""
    base = public_url or server_origin(request.environ)
    others = [("format", value) for value in request.args.getlist("format")[:1]]

    def url(page: int) -> str:
        return f"{base}{path}?{urlencode(others + [('page', str(page))])}"

    return url


def server_origin(environ) -> str:
    scheme = environ.get("wsgi.url_scheme", "http")
    host = str(environ.get("SERVER_NAME") or "localhost")
    port = str(environ.get("SERVER_PORT") or "")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    default = (scheme == "http" and port == "80") or (scheme == "https" and port == "443")
    return f"{scheme}://{host}" + ("" if default or not port else f":{port}")


# --------------------------------------------------------------------------------------------- Hydra paging


def _token(term) -> bytes:
    """How a subject starts its lines in N-Triples."""
    if isinstance(term, BNode):
        return b"_:" + str(term).encode("utf-8")
    return b"<" + str(term).encode("utf-8") + b">"


@dataclass
class PageIndex:
    """Which statements go on which page, computed once per loaded version (a page request only copies bytes).

    The canonical N-Triples are sorted by subject, so each subject's statements are one slice of bytes. A dataset
    owns itself, its distributions and the blank nodes reachable from them (a distribution shared by two datasets
    belongs to both); the catalog's own statements go on every page (its dcat:dataset links only to the datasets of
    that page); everything else goes on page 1. Together the pages hold every statement of the catalog.
    """

    ntriples: bytes
    datasets: list  # dataset IRIs, sorted
    slices: dict  # dataset -> [(start, end)] of the statements it owns
    catalog_lines: bytes  # the catalogs' statements other than links to owned datasets
    dataset_links: dict  # dataset -> the catalogs' dcat:dataset lines naming it
    rest: bytes  # statements of subjects that are neither owned nor a catalog

    @classmethod
    def of(cls, ntriples: bytes, index: CatalogIndex) -> PageIndex:
        datasets = sorted(set(index.subjects(RDF.type, DCAT.Dataset)), key=str)
        catalogs = set(index.subjects(RDF.type, DCAT.Catalog))
        owner: dict = {}
        for dataset in datasets:
            todo = [dataset, *index.objects(dataset, DCAT.distribution)]
            seen = set()
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                owner.setdefault(_token(node), []).append(dataset)
                todo.extend(index.blank_edges.get(node, ()))
        owned_tokens = {_token(d): d for d in datasets}
        catalog_tokens = {_token(c) for c in catalogs} - owner.keys()
        slices: dict = {d: [] for d in datasets}
        catalog_parts, rest = [], []
        links: dict = {}
        link = b" <" + str(DCAT.dataset).encode("utf-8") + b"> "
        for token, start, end in subject_blocks(ntriples):
            if token in owner:
                for dataset in owner[token]:
                    slices[dataset].append((start, end))
            elif token in catalog_tokens:
                for line in ntriples[start:end].splitlines(keepends=True):
                    named = line[len(token):]
                    target = owned_tokens.get(named[len(link):-3]) if named.startswith(link) else None
                    if target is None:
                        catalog_parts.append(line)
                    else:
                        links.setdefault(target, []).append(line)
            else:
                rest.append(ntriples[start:end])
        return cls(ntriples, datasets, slices, b"".join(catalog_parts), links, b"".join(rest))

    def page(self, page: int, size: int, url_of) -> bytes | None:
        """The N-Triples of page `page` with its Hydra paging statements, or None past the last page."""
        last = max(1, math.ceil(len(self.datasets) / size))
        if page > last:
            return None
        chosen = self.datasets[(page - 1) * size: page * size]
        parts = [self.catalog_lines]
        for dataset in chosen:
            parts.extend(self.ntriples[start:end] for start, end in self.slices[dataset])
            parts.extend(self.dataset_links.get(dataset, ()))
        if page == 1:
            parts.append(self.rest)
        parts.append(hydra_ntriples(page, last, size, len(self.datasets), url_of))
        return sorted_ntriples(parts, type_first=True)


def hydra_ntriples(page: int, last: int, size: int, total: int, url_of) -> bytes:
    """The paging statements in both styles harvesters read (PartialCollectionView and PagedCollection)."""
    try:
        here = ox.NamedNode(url_of(page))
        quads = [ox.Quad(here, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(HYDRA.PartialCollectionView))),
                 ox.Quad(here, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(HYDRA.PagedCollection)))]
        integer = ox.NamedNode(str(XSD.integer))
        quads.append(ox.Quad(here, ox.NamedNode(str(HYDRA.totalItems)), ox.Literal(str(total), datatype=integer)))
        quads.append(ox.Quad(here, ox.NamedNode(str(HYDRA.itemsPerPage)), ox.Literal(str(size), datatype=integer)))
        for predicates, number in (((HYDRA.first, HYDRA.firstPage), 1), ((HYDRA.last, HYDRA.lastPage), last),
                                   ((HYDRA.next, HYDRA.nextPage), page + 1 if page < last else None),
                                   ((HYDRA.previous, HYDRA.previousPage), page - 1 if page > 1 else None)):
            if number is not None:
                for predicate in predicates:
                    quads.append(ox.Quad(here, ox.NamedNode(str(predicate)), ox.NamedNode(url_of(number))))
    except ValueError:  # the request's host or path does not make an IRI
        raise BadRequest("the request URL cannot name a page") from None
    return ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)


# --------------------------------------------------------------------------------------------- running


class Poller(threading.Thread):
    """Checks the source files every `interval` seconds, so a change is picked up even with no requests."""

    def __init__(self, app: CatalogApp, interval: float):
        super().__init__(name="ena-grunddata-poller", daemon=True)
        self.app, self.interval = app, interval
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(self.interval):
            try:
                self.app.reload_if_changed()
            except Exception as error:  # never let the poller die silently
                self.app.log(f"warning: reload failed: {type(error).__name__}: {error}")


def listen(host: str = "127.0.0.1", port: int = 8000) -> socket.socket:
    """A listening socket, or a UsageError with one line for an address that cannot be used (in use, not on this
    machine, unknown, not allowed). Done before a long first load, so a busy port is said at once."""
    from werkzeug.serving import select_address_family

    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    family = select_address_family(host, port)
    if family not in (socket.AF_INET, socket.AF_INET6):
        raise UsageError(f"cannot listen on {shown}: only IPv4 and IPv6 addresses are supported", where="--host")
    try:
        address = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)[0][4]
    except (socket.gaierror, UnicodeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"cannot listen on {shown}: unknown address ({reason})", where="--host") from None
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise UsageError(f"cannot listen on {shown}: {_listen_problem(error)}") from None
    return listener


def make_server(app: CatalogApp, host: str = "127.0.0.1", port: int = 8000, listener: socket.socket | None = None):
    """A threaded Werkzeug server for `app` (port 0 = any free port: read it from server.server_port).

    `listener` is a socket from `listen` (made here when not given). Access-log lines are plain text through
    `app.log`; a connection that sends no complete request head within REQUEST_HEAD_SECONDS (idle, or a slow
    sender) is closed.
    """
    from werkzeug.serving import make_server as werkzeug_server

    listener = listener or listen(host, port)
    try:
        server = werkzeug_server(host, port, app, threaded=True, fd=listener.fileno(), request_handler=Handler)
    finally:
        listener.close()  # the server holds its own duplicate of the socket
    server.log = lambda kind, message, *args: app.log((message % args if args else message).splitlines()[0])
    server.server_name, server.server_port = host, server.server_address[1]  # as HTTPServer.server_bind sets them
    return server


def _listen_problem(error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return "the address is already in use (another server listens there; choose another --port)"
    if error.errno == errno.EADDRNOTAVAIL:
        return "the address is not one of this machine's (use 127.0.0.1, 0.0.0.0, :: or an address it has)"
    if error.errno == errno.EACCES:
        return "permission denied (ports below 1024 need privileges; choose another --port)"
    return error.strerror or str(error)


def serve_until_interrupted(server, poll_interval: float = 0.5) -> None:
    """Serve until Ctrl-C, which is raised on (KeyboardInterrupt) instead of being swallowed as Werkzeug does."""
    import socketserver

    try:
        socketserver.BaseServer.serve_forever(server, poll_interval)
    finally:
        server.server_close()


class _HeadDeadline(io.RawIOBase):
    """The connection's reading side: each read waits at most until the handler's deadline (set while a request
    head is expected), so neither an idle connection nor one that sends a byte now and then holds a thread."""

    def __init__(self, handler):
        self.handler = handler

    def readable(self):
        return True

    def readinto(self, buffer):
        deadline = self.handler.head_deadline
        connection = self.handler.connection
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no complete request within the time limit")
            connection.settimeout(remaining)
        return connection.recv_into(buffer)


try:
    from werkzeug.serving import WSGIRequestHandler as _WerkzeugHandler
except ImportError:  # pragma: no cover - werkzeug is a dependency
    _WerkzeugHandler = object


class Handler(_WerkzeugHandler):
    """Werkzeug's request handler with time limits and plain, one-line access-log entries."""

    timeout = SEND_SECONDS
    head_deadline: float | None = None

    def setup(self):
        super().setup()
        self.rfile = io.BufferedReader(_HeadDeadline(self))

    def handle_one_request(self):
        self.head_deadline = time.monotonic() + REQUEST_HEAD_SECONDS
        super().handle_one_request()

    def parse_request(self):
        parsed = super().parse_request()
        self.head_deadline = None  # the head is in: the body and the answer get the ordinary socket timeout
        self.connection.settimeout(SEND_SECONDS)
        return parsed

    def log_request(self, code="-", size="-"):
        line = getattr(self, "requestline", "") or "-"
        parts = line.split(" ")
        if len(parts) == 3:  # METHOD TARGET VERSION: the target's secret-looking query values are not logged
            line = " ".join((parts[0], http.redact(parts[1]), parts[2]))
        line = line if len(line) <= 300 else line[:300] + "…"
        self.log("info", '"%s" %s %s', line, code, size)

    def log(self, type, message, *args):
        text = message % args if args else message
        text = text.translate(self._control_char_table).splitlines()[0] if text else ""
        self.server.log(type, f"{self.address_string()} - - [{self.log_date_time_string()}] {text}")

    def send_header(self, keyword, value):
        if keyword.lower() == "date" and getattr(self, "_date_sent", False):
            return  # one Date header, whoever else adds one
        if keyword.lower() == "date":
            self._date_sent = True
        super().send_header(keyword, value)

    def send_response(self, code, message=None):
        self._date_sent = False
        super().send_response(code, message)
