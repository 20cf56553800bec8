"""Serve a catalog over HTTP the way dataportal.se harvests it: one document at /datasets/dcat.

A WSGI application (Werkzeug) built by `make_app(sources, ...)`: content negotiation (RDF/XML by default), strong
validators (ETag, Last-Modified) with 304 answers, HEAD, gzip, optional Hydra paging, an HTML page at `/` and
`/healthz`. When a source file changes the catalog is read again through the loader; a version that fails to load
is not served (the last good one stays, and one line is logged).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import math
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.namespace import RDF, XSD
from werkzeug.exceptions import BadRequest, HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ..canonical import sorted_ntriples, subject_blocks
from ..errors import EnaError, UsageError
from .documents import Catalog, CatalogIndex, load_catalog, write, write_checked
from .export import SERIALISATIONS, catalog_page
from ..load import Limits, expand_sources, is_url
from ..namespaces import DCAT, HYDRA
from ..report import LANGUAGES, Report

FORMAT_NAMES = {"rdfxml": "rdfxml", "xml": "rdfxml", "rdf": "rdfxml", "turtle": "turtle", "ttl": "turtle",
                "jsonld": "jsonld", "json-ld": "jsonld", "ntriples": "ntriples", "nt": "ntriples"}
SUFFIXES = {"rdf": "rdfxml", "ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples"}
DEFAULT_FORMAT = "rdfxml"  # what dataportal.se expects (dcat-ap-se.md §5)
DEFAULT_PAGE_SIZE = 100
GZIP_MIN_BYTES = 1024

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
                 poll_on_request: bool = True):
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
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._reload_lock = threading.Lock()
        self._last_poll = time.monotonic()
        self._failed_signature = None
        self.last_error: str | None = None
        self.snapshot = self._load(self._signature())  # a first failure is the caller's error (exit 2)

    # ----------------------------------------------------------------------------------------- loading

    def _signature(self) -> tuple:
        """What the source files look like now: path, mtime and size of each (URLs and stdin are not polled)."""
        entries = []
        for source in expand_sources(self.sources):
            if source == "-" or is_url(source):
                continue
            try:
                stat = Path(source).stat()
                entries.append((source, stat.st_mtime_ns, stat.st_size))
            except OSError as error:
                entries.append((source, type(error).__name__, 0))
        return tuple(entries)

    def _load(self, signature: tuple) -> Snapshot:
        catalog = load_catalog(self.sources, input_format=self.input_format, limits=self.limits)
        report = None
        if self.validate:
            from .export import validate_catalog

            report = validate_catalog(catalog, self.sources, input_format=self.input_format, limits=self.limits)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        mtimes = [entry[1] for entry in signature if isinstance(entry[1], int)]
        modified = (dt.datetime.fromtimestamp(max(mtimes) // 10**9, dt.timezone.utc) if mtimes else now)
        index = catalog.index()
        snapshot = Snapshot(graph=index, report=report, signature=signature, last_modified=min(modified, now),
                            loaded_at=now, sources=catalog.sources, catalog=catalog)
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
            if signature == self.snapshot.signature or signature == self._failed_signature:
                return False
            try:
                snapshot = self._load(signature)
            except EnaError as error:
                self._failed_signature = signature
                self.last_error = str(error)
                self.log(f"warning: {error} (still serving the version loaded at {self.snapshot.loaded_at:%H:%M:%S})")
                return False
            self.snapshot, self._failed_signature, self.last_error = snapshot, None, None
            self.log(f"reloaded: {len(snapshot.graph)} triples from {len(snapshot.sources)} sources")
            return True
        finally:
            self._reload_lock.release()

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
        return response(environ, start_response)

    def on_catalog(self, request: Request, suffix: str | None = None) -> Response:
        snapshot = self.snapshot
        if suffix and suffix not in SUFFIXES:
            raise NotFound()
        fmt = negotiate(request, SUFFIXES.get(suffix) if suffix else None)
        page = page_number(request)
        if page is None:
            representation = self._representation(snapshot, fmt)
        else:
            part = snapshot.paging.page(page, self.page_size, page_url_maker(request))
            if part is None:
                raise NotFound(f"no page {page}")
            representation = make_representation(write(part, fmt), SERIALISATIONS[fmt].media_type)
        return respond(request, representation, snapshot, vary="Accept, Accept-Encoding")

    def on_page(self, request: Request) -> Response:
        snapshot = self.snapshot
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

    def on_health(self, request: Request) -> Response:
        snapshot = self.snapshot
        body = {"status": "ok", "triples": len(snapshot.graph),
                "datasets": len(snapshot.paging.datasets),
                "loaded_at": snapshot.loaded_at.isoformat(), "sources": snapshot.sources,
                "findings": snapshot.report.summary if snapshot.report is not None else None,
                "last_reload_error": self.last_error}
        response = Response(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")
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


def page_number(request: Request) -> int | None:
    value = request.args.get("page")
    if value is None:
        return None
    if not value.isdigit() or int(value) < 1:
        raise BadRequest("page must be a whole number from 1")
    return int(value)


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
    return response.make_conditional(request)


def page_url_maker(request: Request):
    base = request.base_url
    others = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]

    def url(page: int) -> str:
        return f"{base}?{urlencode(others + [('page', str(page))])}"

    return url


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


def make_server(app: CatalogApp, host: str = "127.0.0.1", port: int = 8000):
    """A threaded Werkzeug server for `app` (port 0 = any free port: read it from server.server_port)."""
    from werkzeug.serving import make_server as werkzeug_server

    return werkzeug_server(host, port, app, threaded=True)
