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

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from werkzeug.exceptions import BadRequest, HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .. import http
from ..errors import EnaError, UsageError, terminal_text
from .export import SERIALISATIONS, catalog_page, check_publishable, serialise, serialise_checked
from ..load import Limits, expand_sources, is_url, load
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
    """One successfully loaded version of the catalog, with its rendered representations (filled on demand)."""

    graph: Graph
    report: Report | None
    signature: tuple
    last_modified: dt.datetime
    loaded_at: dt.datetime
    sources: list[str]
    cache: dict = field(default_factory=dict)


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
        self.log = log or (lambda line: print(terminal_text(line), file=sys.stderr, flush=True))
        self._reload_lock = threading.Lock()
        self._last_poll = time.monotonic()
        self._failed_signature = None
        self.last_error: str | None = None
        self.snapshot = self._load(self._signature())  # a first failure is the caller's error (exit 2)

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
        loaded = load(self.sources, input_format=self.input_format, limits=self.limits)
        check_publishable(loaded)
        report = None
        if self.validate:
            from ..validation.pipeline import validate_loaded

            report = validate_loaded(loaded, limits=self.limits)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        mtimes = [entry[1] for entry in signature if isinstance(entry[1], int)]
        modified = (dt.datetime.fromtimestamp(max(mtimes) // 10**9, dt.timezone.utc) if mtimes else now)
        snapshot = Snapshot(graph=loaded.graph, report=report, signature=signature,
                            last_modified=min(modified, now), loaded_at=now, sources=loaded.sources)
        self._representation(snapshot, DEFAULT_FORMAT)  # ready before a harvester asks (large catalogs take seconds)
        return snapshot

    @staticmethod
    def _representation(snapshot: Snapshot, fmt: str) -> Representation:
        key = ("catalog", fmt)
        representation = snapshot.cache.get(key)
        if representation is None:
            representation = snapshot.cache[key] = make_representation(
                serialise_checked(snapshot.graph, fmt), SERIALISATIONS[fmt].media_type)
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
            paging = snapshot.cache.get("paging")
            if paging is None:
                paging = snapshot.cache["paging"] = Paging.of(snapshot.graph)
            part = page_graph(snapshot.graph, page, self.page_size, page_url_maker(request), paging)
            if part is None:
                raise NotFound(f"no page {page}")
            representation = make_representation(serialise(part, fmt), SERIALISATIONS[fmt].media_type)
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
                "datasets": len(set(snapshot.graph.subjects(RDF.type, DCAT.Dataset))),
                "loaded_at": snapshot.loaded_at.isoformat(),
                "sources": [http.redact(source) if is_url(source) else source for source in snapshot.sources],
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

    def url(page: int) -> URIRef:
        return URIRef(f"{base}?{urlencode(others + [('page', str(page))])}")

    return url


# --------------------------------------------------------------------------------------------- Hydra paging


@dataclass
class Paging:
    """What every page needs, computed once per loaded version: datasets in order and who owns which subject."""

    datasets: list
    owner: dict  # subject -> datasets that own it
    members: dict  # dataset -> subjects it owns
    catalogs: set

    @classmethod
    def of(cls, graph: Graph) -> Paging:
        datasets = sorted({d for d in graph.subjects(RDF.type, DCAT.Dataset)}, key=str)
        owner = ownership(graph, datasets)
        members: dict = {}
        for subject, owners in owner.items():
            for dataset in owners:
                members.setdefault(dataset, []).append(subject)
        return cls(datasets, owner, members, set(graph.subjects(RDF.type, DCAT.Catalog)))


def page_graph(graph: Graph, page: int, size: int, url_of, paging: Paging | None = None) -> Graph | None:
    """Page `page` of the catalog: its datasets with what they own, the catalog itself, everything else on page 1.

    A dataset owns itself, its distributions and the blank nodes reachable from them, so the pages together hold
    every statement of the catalog. Paging metadata follows both Hydra styles harvesters read (ckanext-dcat's
    PagedCollection with nextPage, and PartialCollectionView with next).
    """
    paging = paging or Paging.of(graph)
    datasets, owner, catalogs = paging.datasets, paging.owner, paging.catalogs
    last = max(1, math.ceil(len(datasets) / size))
    if page > last:
        return None
    chosen = datasets[(page - 1) * size: page * size]
    part = Graph()
    for prefix, namespace in graph.namespaces():
        part.bind(prefix, namespace)
    for subject in {subject for dataset in chosen for subject in paging.members[dataset]}:
        for triple in graph.triples((subject, None, None)):
            part.add(triple)
    for catalog in catalogs - owner.keys():
        for triple in graph.triples((catalog, None, None)):
            if triple[1] != DCAT.dataset or triple[2] in chosen or triple[2] not in owner:
                part.add(triple)
    if page == 1:
        for triple in graph:
            if triple[0] not in owner and triple[0] not in catalogs:
                part.add(triple)
    add_hydra(part, page, last, size, len(datasets), url_of)
    return part


def ownership(graph: Graph, datasets) -> dict:
    """subject -> the datasets that own it (a distribution shared by two datasets belongs to both)."""
    owner: dict = {}
    for dataset in datasets:
        todo = [dataset, *graph.objects(dataset, DCAT.distribution)]
        seen = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            owner.setdefault(node, set()).add(dataset)
            todo.extend(o for o in graph.objects(node, None) if isinstance(o, BNode))
    return owner


def add_hydra(part: Graph, page: int, last: int, size: int, total: int, url_of) -> None:
    here = url_of(page)
    part.bind("hydra", HYDRA)
    part.add((here, RDF.type, HYDRA.PartialCollectionView))
    part.add((here, RDF.type, HYDRA.PagedCollection))
    part.add((here, HYDRA.totalItems, Literal(str(total), datatype=XSD.integer)))
    part.add((here, HYDRA.itemsPerPage, Literal(str(size), datatype=XSD.integer)))
    for predicates, number in (((HYDRA.first, HYDRA.firstPage), 1), ((HYDRA.last, HYDRA.lastPage), last),
                               ((HYDRA.next, HYDRA.nextPage), page + 1 if page < last else None),
                               ((HYDRA.previous, HYDRA.previousPage), page - 1 if page > 1 else None)):
        if number is not None:
            for predicate in predicates:
                part.add((here, predicate, url_of(number)))


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
