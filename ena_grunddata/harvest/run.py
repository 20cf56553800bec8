"""Harvest DCAT-AP-SE catalogs into the embedded store and report what changed.

Sources: a catalog document URL (with dcterms:hasPart sub-catalogs, one level, fetched from their own IRI when the
document only names them, as dataportal.se does), a Hydra-paged catalog (hydra:next / hydra:nextPage), the
EntryStore search API of dataportal.se, or a local file or folder. Every byte goes through the one HTTP client
(ena_grunddata.http) and the one loader (ena_grunddata.load), so the same safety rules apply everywhere.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

from rdflib import BNode, Graph, URIRef

from .. import http
from .changes import HASH_VERSION, ChangeReport, Harvested, Statements, compare, temporary_file
from ..errors import EXIT_REMOTE, EnaError, InputError, RemoteError, StoreError, UsageError
from ..load import (ACCEPT_HEADER, Document, Limits, RefusedByOxigraph, check_text, choose_format, is_url,
                    parse_document, parse_document_oxigraph, read_documents, strip_bom, time_budget)
from ..namespaces import DCAT, DCTERMS, FOAF, GRUNDDATA_PREFIXES, HYDRA
from ..text import pick
from ..load.safety import JsonItems, JsonProblem
from .store import Store, slug_for

KINDS = ("auto", "document", "entrystore", "file")
ENTRYSTORE_PRESETS = ("datasets", "grunddata", "publisher")
ENTRYSTORE_PAGE = 100
DEFAULT_MAX_PAGES = 1000
DEFAULT_MAX_SUB_CATALOGS = 100
DEFAULT_SHRINK_THRESHOLD = 0.5
PAGING_TYPES = (HYDRA.PartialCollectionView, HYDRA.PagedCollection)


@dataclass
class SourceSpec:
    """One source as the user named it (command line or config file)."""

    location: str  # URL or local path
    name: str | None = None
    kind: str = "auto"
    query: str = "datasets"  # EntryStore preset
    publisher: str | None = None  # for the "publisher" preset
    solr_query: str | None = None  # a raw Solr query instead of a preset
    max_pages: int = DEFAULT_MAX_PAGES
    shrink_threshold: float = DEFAULT_SHRINK_THRESHOLD
    accept_shrink: bool = False
    auth_env: str | None = None
    header_env: dict | None = None
    input_format: str | None = None
    max_sub_catalogs: int = DEFAULT_MAX_SUB_CATALOGS  # dcterms:hasPart catalogs one source may make us fetch

    @property
    def remote(self) -> bool:
        return is_url(self.location)

    @property
    def slug(self) -> str:
        return slug_for(http.redact(self.location) if self.remote else _absolute(self.location), self.name)

    @property
    def shown(self) -> str:
        return http.redact(self.location) if self.remote else self.location

    def resolved_kind(self) -> str:
        if self.kind != "auto":
            return self.kind
        if not self.remote:
            return "file"
        return "entrystore" if "/store/search" in urlsplit(self.location).path else "document"


@dataclass
class Options:
    policy: http.Policy = field(default_factory=http.Policy)
    limits: Limits = field(default_factory=Limits)
    validate: bool = False
    profiles: list | None = None
    progress: object = None  # callable(str) or None
    rules: object = None  # validation.ruleset.Rules for --validate (profiles, shapes, vocabularies, domain)


@dataclass
class Fetched:
    statements: Statements | None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    pages: int = 0
    documents: list = field(default_factory=list)  # redacted URLs or paths read
    source_hash: str | None = None
    warnings: list = field(default_factory=list)


@dataclass
class SourceResult:
    spec: SourceSpec
    status: str  # new | updated | unchanged | not-modified | failed | shrink-refused
    changes: ChangeReport | None = None
    counts: dict = field(default_factory=dict)
    error: str | None = None
    exit_code: int = 0
    warnings: list = field(default_factory=list)
    validation: dict | None = None
    pages: int = 0

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "shrink-refused")

    def to_dict(self) -> dict:
        return {
            "name": self.spec.name or self.spec.slug,
            "source": self.spec.shown,
            "kind": self.spec.resolved_kind(),
            "status": self.status,
            "error": self.error,
            "warnings": list(self.warnings),
            "pages": self.pages,
            "counts": dict(self.counts),
            "changes": self.changes.to_dict() if self.changes is not None else None,
            **({"validation": self.validation} if self.validation is not None else {}),
        }


# --------------------------------------------------------------------------------------------- the run


def harvest(specs: list[SourceSpec], store: Store, options: Options | None = None) -> list[SourceResult]:
    """Harvest every source in turn; a failing source is reported and the others still run."""
    options = options or Options()
    store.open()
    slugs = {}
    for spec in specs:
        other = slugs.setdefault(spec.slug, spec)
        if other is not spec:
            raise UsageError(f"two sources share the store name '{spec.slug}' (give them different names)")
    results = []
    for number, spec in enumerate(specs, start=1):
        _progress(options, f"[{number}/{len(specs)}] {spec.name or spec.shown}")
        results.append(harvest_source(spec, store, options))
    _progress(options, None)
    return results


def total_changes(results: list[SourceResult]) -> ChangeReport:
    total = ChangeReport()
    for result in results:
        if result.changes is not None:
            total = total + result.changes
    return total


def harvest_source(spec: SourceSpec, store: Store, options: Options) -> SourceResult:
    slug = spec.slug
    previous_meta = None
    started = _now()
    try:
        previous_meta = store.meta(slug)
        fetched = fetch_source(spec, previous_meta, options)
        result = apply(spec, fetched, store, previous_meta, options)
    except EnaError as error:
        code = EXIT_REMOTE if spec.remote and not isinstance(error, StoreError) else error.exit_code
        message = str(error) if error.where else f"{spec.shown}: {error}"  # every error line names its source
        result = SourceResult(spec, "failed", error=message, exit_code=code)
    store.record_attempt(slug, {"source": spec.shown, "started": started, "finished": _now(),
                                "status": result.status, "error": result.error, "warnings": result.warnings})
    return result


def apply(spec, fetched: Fetched, store: Store, previous_meta: dict | None, options: Options) -> SourceResult:
    """Compare with the last good snapshot, guard against shrinking, then swap the snapshot in."""
    slug = spec.slug
    before = store.entity_hashes(slug) if previous_meta else {}
    if fetched.not_modified:
        if not previous_meta or before is None or "counts" not in previous_meta:
            raise RemoteError("the server answered 304 Not Modified but there is no usable stored snapshot",
                              where=spec.shown)
        result = SourceResult(spec, "not-modified", compare(before, before), counts=dict(previous_meta["counts"]),
                              pages=fetched.pages, warnings=fetched.warnings)
        if options.validate:
            _validate(result, store.snapshot_graph(slug) or Graph(), options)
        return result
    budget = options.limits.timeout  # --timeout bounds the change computation too (hashing, canonical snapshot)
    with time_budget(budget, spec.shown):
        harvested = fetched.statements.finish()
    try:
        return _apply_harvested(spec, fetched, store, previous_meta, options, harvested, before)
    finally:
        harvested.close()  # the snapshot's temporary file


def _apply_harvested(spec, fetched: Fetched, store: Store, previous_meta: dict | None, options: Options,
                     harvested: Harvested, before: dict | None) -> SourceResult:
    slug = spec.slug
    after, counts = harvested.hashes, harvested.counts
    changes = compare(before or {}, after)
    result = SourceResult(spec, "new" if previous_meta is None else "updated", changes, counts=counts,
                          pages=fetched.pages, warnings=fetched.warnings)
    shrink = shrink_share(previous_meta, counts)
    if shrink is not None and shrink > spec.shrink_threshold and not spec.accept_shrink:
        old = previous_meta["counts"]
        result.status = "shrink-refused"
        result.exit_code = EXIT_REMOTE
        result.error = (f"{spec.shown}: the source shrank from {old['entities']} to {counts['entities']} entities "
                        f"and {old['triples']} to {counts['triples']} triples ({shrink:.0%} smaller, over the "
                        f"{spec.shrink_threshold:.0%} threshold); the previous snapshot is kept (rerun with "
                        "--accept-shrink to apply it)")
        _validate(result, harvested, options)
        return result
    snapshot = harvested.file
    snapshot_hash = harvested.content_hash
    meta = {
        "source": spec.shown,
        "name": spec.name,
        "kind": spec.resolved_kind(),
        "harvested": _now(),
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
        "source_hash": fetched.source_hash,
        "content_hash": snapshot_hash,
        "pages": fetched.pages,
        "documents": fetched.documents,
        "counts": counts,
        "hash_version": HASH_VERSION,
        "status": "ok",
        "warnings": fetched.warnings,
        "errors": [],
    }
    try:
        if previous_meta and previous_meta.get("content_hash") == snapshot_hash:
            result.status = "unchanged"
            if previous_meta.get("hash_version") != HASH_VERSION:
                store.write(slug, snapshot, meta, after)  # entity hashes of an older definition: replace them
            elif (previous_meta.get("etag"), previous_meta.get("last_modified")) != \
                    (fetched.etag, fetched.last_modified):
                store.write_meta(slug, meta)  # new validators, same data: keep the snapshot file as it is
        else:
            store.write(slug, snapshot, meta, after)
    except OSError as error:
        raise StoreError(f"cannot write the store: {error.strerror or error}", where=str(store.root)) from None
    _validate(result, harvested, options)
    return result


def shrink_share(previous_meta: dict | None, counts: dict) -> float | None:
    """How much smaller the new harvest is than the stored one (entities, else triples); None without history."""
    if not previous_meta or "counts" not in previous_meta:
        return None
    old = previous_meta["counts"]
    for key in ("entities", "triples"):
        if old.get(key):
            return max(0.0, (old[key] - counts[key]) / old[key])
    return None


# --------------------------------------------------------------------------------------------- fetching


def fetch_source(spec: SourceSpec, previous_meta: dict | None, options: Options) -> Fetched:
    kind = spec.resolved_kind()
    if kind == "file":
        return fetch_files(spec, options)
    if not spec.remote:
        raise UsageError(f"a {kind} source needs an http(s) URL", where=spec.location)
    if kind == "entrystore":
        return fetch_entrystore(spec, options)
    return fetch_document(spec, previous_meta, options)


def fetch_files(spec: SourceSpec, options: Options) -> Fetched:
    documents = read_documents([spec.location], input_format=spec.input_format, limits=options.limits)
    if not documents:
        raise InputError("no RDF files found", where=spec.location)
    statements = Statements()
    digest = hashlib.sha256()
    for document in documents:
        add_document(statements, document, options.limits)
        digest.update(document.data)
    return Fetched(statements, pages=len(documents), documents=[d.name for d in documents],
                   source_hash="sha256:" + digest.hexdigest())


def add_document(statements: Statements, document: Document, limits: Limits, *, paging: bool = False) -> list:
    """Parse one document through the one loader (pyoxigraph's parsers; rdflib for description files
    and what only rdflib reads) into `statements`; returns its Hydra paging statements when `paging`."""
    found: list = []

    def sink(quads):
        found.append(statements.add(quads, paging=paging))

    try:
        graph = parse_document_oxigraph(document, limits, sink)
    except RefusedByOxigraph:  # nothing of the document was kept (Statements.add merges only at the end)
        found.clear()
        graph = parse_document(document, limits)
    if graph is not None:
        from ..validation.engines.fast_data import to_ox
        import pyoxigraph as ox

        sink(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)
    return found[0] if found else []


def _get(url: str, spec: SourceSpec, options: Options, *, accept: str, etag=None, last_modified=None,
         spool: bool = False):
    """Credentials configured for a source go to that source's origin only: never to a sub-catalog or page on
    another origin (the client also drops them on a redirect that leaves the origin)."""
    own = http.origin_of(url) == http.origin_of(spec.location)
    return http.fetch(url, accept=accept, max_bytes=options.limits.max_input_bytes, policy=options.policy,
                      etag=etag, last_modified=last_modified, auth_env=spec.auth_env if own else None,
                      header_env=spec.header_env if own else None, spool=spool)


def parse_response(response: http.Response, spec: SourceSpec, options: Options, statements: Statements, *,
                   paging: bool = False) -> list:
    """Bytes from the network become a Document and go through the one loader into `statements`."""
    name = http.redact(response.url)
    check_text(response.content, name)
    data = strip_bom(response.content)
    media = (response.content_type or "").split(";")[0].strip().lower()
    if not spec.input_format and media in ("text/html", "application/xhtml+xml"):
        raise InputError(f"expected RDF, got {media}", where=name)
    fmt = spec.input_format or choose_format(name, response.content_type, data)
    if fmt == "description":
        raise InputError(f"expected RDF, got {response.content_type or 'an unknown type'}", where=name)
    document = Document(name=name, data=data, format=fmt, base=response.url)
    return add_document(statements, document, options.limits, paging=paging)


def fetch_document(spec: SourceSpec, previous_meta: dict | None, options: Options) -> Fetched:
    """A catalog document, following Hydra paging and then named sub-catalogs."""
    # Only a snapshot made of exactly one document can be vouched for by that document's validators.
    conditional = bool(previous_meta) and previous_meta.get("pages") == 1 \
        and len(previous_meta.get("documents") or []) == 1 and previous_meta.get("source") == spec.shown
    etag = previous_meta.get("etag") if conditional else None
    last_modified = previous_meta.get("last_modified") if conditional else None
    fetched = Fetched(Statements())
    digest = hashlib.sha256()
    visited: set[str] = set()
    page_hashes: set[str] = set()
    url = spec.location
    while url:
        if fetched.pages >= spec.max_pages:
            raise RemoteError(f"more than {spec.max_pages} pages (raise --max-pages if the catalog is that big)",
                              where=spec.shown)
        _progress(options, f"{spec.name or spec.shown}: page {fetched.pages + 1}")
        first = fetched.pages == 0
        response = _get(url, spec, options, accept=ACCEPT_HEADER,
                        etag=etag if first else None, last_modified=last_modified if first else None)
        if response.not_modified and first:
            return Fetched(None, not_modified=True, etag=response.etag or etag,
                           last_modified=response.last_modified or last_modified, pages=1,
                           documents=[http.redact(url)])
        fetched.pages += 1
        fetched.documents.append(http.redact(response.url))
        visited.update({_normal(url), _normal(response.url)})
        page_hash = hashlib.sha256(response.content).hexdigest()
        if page_hash in page_hashes:
            fetched.warnings.append(f"page loop: {http.redact(response.url)} repeats an earlier page; paging stopped")
            break
        page_hashes.add(page_hash)
        digest.update(response.content)
        if first:
            fetched.etag, fetched.last_modified = response.etag, response.last_modified
        hydra = parse_response(response, spec, options, fetched.statements, paging=True)
        following = next_page(hydra, response.url)
        url = None
        if following:
            check_next_page(following, response.url, spec)
            if _normal(following) in visited:
                fetched.warnings.append(f"page loop: hydra:next of {http.redact(response.url)} points back to "
                                        f"{http.redact(following)}; paging stopped")
            else:
                url = following
    if fetched.pages > 1:  # validators of page 1 say nothing about the other pages
        fetched.etag = fetched.last_modified = None
    subs = [sub for sub in named_sub_catalogs(fetched.statements) if _normal(str(sub)) not in visited]
    if len(subs) > spec.max_sub_catalogs:
        raise RemoteError(f"the catalog names {len(subs)} sub-catalogs to fetch, more than {spec.max_sub_catalogs} "
                          "(raise --max-sub-catalogs if the catalog is that big)", where=spec.shown)
    for sub in subs:
        _progress(options, f"{spec.name or spec.shown}: sub-catalog {sub}")
        response = _get(str(sub), spec, options, accept=ACCEPT_HEADER)
        fetched.documents.append(http.redact(response.url))
        digest.update(response.content)
        parse_response(response, spec, options, fetched.statements)
    fetched.source_hash = "sha256:" + digest.hexdigest()
    return fetched


def _normal(url: str) -> str:
    return urldefrag(url)[0]


def next_page(hydra: list, page_url: str) -> str | None:
    """hydra:next (or the older hydra:nextPage) of the paging node, an IRI or a literal, made absolute.

    `hydra` holds the page's paging statements (subject, predicate IRI, object) of its paging views."""
    candidates = []
    views: dict = {}
    for subject, predicate, obj in hydra:
        views.setdefault(subject, {}).setdefault(predicate, obj)
    for values in views.values():
        for predicate in (str(HYDRA.next), str(HYDRA.nextPage)):
            value = values.get(predicate)
            if value is not None and value.value.strip():
                candidates.append(value.value.strip())
                break
    return urljoin(page_url, sorted(candidates)[0]) if candidates else None


def check_next_page(following: str, page_url: str, spec: SourceSpec) -> None:
    """Paging stays on the catalog's origin and scheme; anything else is refused before any request."""
    here, there = urlsplit(page_url), urlsplit(following)
    if there.scheme not in ("http", "https"):
        raise RemoteError(f"refused: hydra:next uses the {there.scheme or 'no'} scheme: "
                          f"{http.redact(following)}", where=spec.shown)
    if http.origin_of(following)[1:] != http.origin_of(page_url)[1:] or \
            (here.scheme == "https" and there.scheme == "http"):
        raise RemoteError(f"refused: hydra:next leaves the catalog's origin: {http.redact(following)}",
                          where=spec.shown)


def named_sub_catalogs(statements: Statements) -> list[str]:
    """dcterms:hasPart catalogs that the document only names (no triples beyond their type): fetch those."""
    import pyoxigraph as ox

    catalogs = statements.typed.get(str(DCAT.Catalog), set())
    candidates = {part for main, part in statements.has_part
                  if main in catalogs and part.__class__ is ox.NamedNode and is_url(part.value)}
    return sorted(part.value for part in candidates - statements.described(candidates))


# --------------------------------------------------------------------------------------------- EntryStore


def entrystore_search_url(location: str) -> str:
    parts = urlsplit(location)
    path = parts.path.rstrip("/")
    if not path.endswith("/store/search"):
        path = path + ("/search" if path.endswith("/store") else "/store/search")
    return f"{parts.scheme}://{parts.netloc}{path}"


SOLR_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/\s])')
DATASETS_QUERY = r"rdfType:http\:\/\/www.w3.org\/ns\/dcat#Dataset AND public:true"


def solr_escape(text: str) -> str:
    """A value as one Solr term: every character the query parser treats specially gets a backslash."""
    return SOLR_SPECIAL.sub(r"\\\1", text)


def entrystore_field(predicate: str, literal: bool = False) -> str:
    """EntryStore's Solr field for the statements of an entry's metadata with this predicate: the first 8 hex
    digits of the MD5 of the predicate IRI, under metadata.predicate.uri (IRI values) or .literal_s (literals)."""
    digest = hashlib.md5(predicate.encode("utf-8")).hexdigest()[:8]
    return f"metadata.predicate.{'literal_s' if literal else 'uri'}.{digest}"


def entrystore_query(spec: SourceSpec) -> str:
    """The Solr query sent: public datasets, narrowed on the server for the grunddata and publisher presets
    (keep_entry still checks every answer, so a server that ignores a filter cannot slip data in)."""
    if spec.solr_query:
        return spec.solr_query
    if spec.query not in ENTRYSTORE_PRESETS:
        raise UsageError(f"unknown EntryStore query preset '{spec.query}' (known: {', '.join(ENTRYSTORE_PRESETS)})")
    if spec.query == "publisher" and not spec.publisher:
        raise UsageError("the 'publisher' query needs the publisher's IRI (publisher: in the config, or "
                         "--query publisher=IRI)")
    if spec.query == "grunddata":
        subject = entrystore_field(str(DCTERMS.subject))
        marked = " OR ".join(f"{subject}:{solr_escape(prefix)}*" for prefix in GRUNDDATA_PREFIXES)
        return f"{DATASETS_QUERY} AND ({marked})"
    if spec.query == "publisher":
        return f"{DATASETS_QUERY} AND {entrystore_field(str(DCTERMS.publisher))}:{solr_escape(spec.publisher)}"
    return DATASETS_QUERY


def fetch_entrystore(spec: SourceSpec, options: Options) -> Fetched:
    """Page through /store/search (limit 100, stable sort by URI) and read each entry's RDF/JSON metadata.

    Memory follows what is kept, not the answers: each answer is spooled to a temporary file by the HTTP client
    and read entry by entry (load.safety.JsonItems), and each entry's N-Triples go to another temporary file,
    which the loader reads once, whole, at the end."""
    search = entrystore_search_url(spec.location)
    query = entrystore_query(spec)
    fetched = Fetched(Statements())
    digest = hashlib.sha256()
    skipped_entries: list[str] = []
    offset = 0
    previous_page = None
    with _EntryLines(options.limits.max_input_bytes, spec.shown) as entries:
        while True:
            if fetched.pages >= spec.max_pages:
                raise RemoteError(f"more than {spec.max_pages} pages (raise --max-pages)", where=spec.shown)
            _progress(options, f"{spec.name or spec.shown}: entries {offset}-{offset + ENTRYSTORE_PAGE}")
            url = search + "?" + urlencode({"type": "solr", "query": query, "limit": ENTRYSTORE_PAGE,
                                            "offset": offset, "sort": "uri asc"})
            response = _get(url, spec, options, accept="application/json", spool=True)
            fetched.pages += 1
            with closing(response):
                _digest_file(digest, response.body)
                count, page_hash, total = _read_entrystore_page(response, spec, options, offset, entries,
                                                                fetched.warnings, skipped_entries)
            if count and page_hash == previous_page:
                raise RemoteError(f"the search API answered offset {offset} with the same entries as the page "
                                  "before (it ignores offset?); stopped", where=spec.shown)
            previous_page = page_hash
            offset += count
            if not count or (total is not None and offset >= total):
                break
        warned = len(fetched.warnings)
        parsed = _parse_entries(entries, http.redact(search), search, options, fetched.warnings)
    skipped_entries.extend(fetched.warnings[warned:])
    if parsed is None and skipped_entries:  # nothing good at all: that is a broken source, not a warning
        raise RemoteError(f"every entry was refused; the first: {skipped_entries[0]}", where=spec.shown)
    if parsed is not None:
        fetched.statements = parsed
    fetched.documents.append(http.redact(search))
    fetched.source_hash = "sha256:" + digest.hexdigest()
    return fetched


def _digest_file(digest, handle) -> None:
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)


def _read_entrystore_page(response: http.Response, spec: SourceSpec, options: Options, offset: int,
                          entries: _EntryLines, warnings: list, skipped_entries: list) -> tuple[int, str, int | None]:
    """One search answer, entry by entry: (entries in it, hash of its entries, the answer's `results`)."""
    where = http.redact(response.url)
    children = JsonItems(response.body, ("resource", "children"), options.limits.max_nesting)
    page_hash = hashlib.sha256()
    count = 0
    try:
        for child in children:
            page_hash.update(json.dumps(child, sort_keys=True).encode("utf-8") + b"\n")
            number, count = offset + count, count + 1
            metadata = child.get("metadata") if isinstance(child, dict) else None
            if not metadata:
                continue
            label = _entry_label(child, number)
            try:
                entry_lines, subjects = rdfjson_to_ntriples(metadata, f"e{number}", where)
            except RemoteError as problem:  # one bad entry must not cost the source all its good ones
                warnings.append(f"{label} skipped: {problem.message}")
                skipped_entries.append(warnings[-1])
                continue
            if keep_entry(spec, entry_lines, subjects):
                entries.add(label, entry_lines)
    except JsonProblem as problem:
        raise RemoteError(f"not an EntryStore search answer (invalid JSON: {problem.message})", where=where) \
            from None
    if not children.found:
        raise RemoteError("not an EntryStore search answer (no resource.children)", where=where)
    total = children.top.get("results")
    return count, page_hash.hexdigest(), total if isinstance(total, int) and not isinstance(total, bool) else None


class _EntryLines:
    """The kept entries' N-Triples in a temporary file, and where each entry starts (for skipping one).

    They are one document to the loader, under the same cap as any input (`--max-input-bytes`): N-Triples spell
    out each statement's subject and predicate, so an answer listing many values under a very long IRI would
    otherwise keep far more than it sent."""

    def __init__(self, limit: int, where: str):
        self.limit, self.where = limit, where
        self.handle = temporary_file()
        self.starts: list[tuple[str, int, int]] = []  # (label, byte offset, line offset) of each entry
        self.size = self.lines = 0

    def __enter__(self) -> _EntryLines:
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def add(self, label: str, lines: list[str]) -> None:
        data = "".join(lines).encode("utf-8")
        if self.size + len(data) > self.limit:
            raise RemoteError(f"the entries' statements come to more than {self.limit:,} bytes of N-Triples (raise "
                              "it with --max-input-bytes)", where=self.where)
        self.starts.append((label, self.size, self.lines))
        try:
            self.handle.write(data)
        except OSError as error:  # a full disk
            raise StoreError(f"cannot write a temporary file: {error.strerror or error}",
                             where=tempfile.gettempdir()) from None
        self.size += len(data)
        self.lines += len(lines)

    def read(self) -> bytes:
        self.handle.seek(0)
        return self.handle.read()


MAX_SKIPPED_ENTRIES = 50  # beyond this many entries the loader refuses, the source as a whole is in trouble


def _entry_label(child, number: int) -> str:
    entry = child.get("entryId") if isinstance(child, dict) else None
    return f"entry {entry}" if isinstance(entry, (str, int)) and len(str(entry)) < 80 else f"entry #{number + 1}"


def _parse_entries(entries: _EntryLines, name: str, base: str, options: Options,
                   warnings: list) -> Statements | None:
    """Parse the entries' N-Triples as one document; an entry the loader refuses (a bad literal, a bad IRI) is
    dropped with a warning and the rest parsed again, up to MAX_SKIPPED_ENTRIES times."""
    import bisect

    data = entries.read()
    starts = list(entries.starts)  # (label, byte offset, line offset)
    skipped = 0
    while data:
        document = Document(name=name, data=data, format="ntriples", base=base)
        statements = Statements()  # a fresh one per attempt: a refused document leaves nothing behind
        try:
            add_document(statements, document, options.limits)
            return statements
        except InputError as error:
            if error.line is None or skipped >= MAX_SKIPPED_ENTRIES or not starts:
                raise
            problem = error
        del document, statements
        index = max(0, bisect.bisect_right([line for _, _, line in starts], problem.line - 1) - 1)
        label, start, first_line = starts[index]
        end = starts[index + 1][1] if index + 1 < len(starts) else len(data)
        lines = data.count(b"\n", start, end)
        warnings.append(f"{label} skipped: {problem.message}")
        with memoryview(data) as view:
            data = b"".join((view[:start], view[end:]))
        starts = starts[:index] + [(other, at - (end - start), line - lines) for other, at, line in starts[index + 1:]]
        skipped += 1
    return None  # no entry left (or none at all)


def keep_entry(spec: SourceSpec, lines: list[str], subjects: dict) -> bool:
    """The grunddata and publisher presets filter entries here, so a wrong server-side filter cannot hide data."""
    if spec.solr_query or spec.query == "datasets":
        return True
    if spec.query == "grunddata":
        subject_iri = f"<{DCTERMS.subject}>"
        return any(subject_iri in line and any(f"<{prefix}" in line for prefix in GRUNDDATA_PREFIXES)
                   for line in lines)
    publisher = f"<{DCTERMS.publisher}> <{spec.publisher}> ."
    return any(line.rstrip().endswith(publisher) for line in lines)


def rdfjson_to_ntriples(metadata, scope: str, where: str) -> tuple[list[str], dict]:
    """RDF/JSON ({subject: {predicate: [{type, value, lang, datatype}]}}) as N-Triples lines.

    Blank-node labels are made unique per entry (`scope`): each entry's graph is its own blank-node scope.
    IRIs that cannot be written safely are refused here; the loader checks everything again on parsing.
    """
    if not isinstance(metadata, dict):
        raise RemoteError("entry metadata is not RDF/JSON", where=where)
    lines, subjects = [], {}
    for subject, predicates in metadata.items():
        if not isinstance(predicates, dict):
            raise RemoteError("entry metadata is not RDF/JSON", where=where)
        s = _rdfjson_node(subject, scope, where)
        subjects[subject] = True
        for predicate, objects in predicates.items():
            p = _iri(predicate, where)
            for obj in objects if isinstance(objects, list) else []:
                lines.append(f"{s} {p} {_rdfjson_object(obj, scope, where)} .\n")
    return lines, subjects


def _rdfjson_node(value: str, scope: str, where: str) -> str:
    if value.startswith("_:"):
        return _bnode(value, scope)
    return _iri(value, where)


def _bnode(label: str, scope: str) -> str:
    return f"_:{scope}x{hashlib.sha256(label.encode('utf-8')).hexdigest()[:16]}"


_UNSAFE_IRI = set('<>"{}|\\^` \t\r\n')


def _iri(value, where: str) -> str:
    if not isinstance(value, str) or not value or any(ch in _UNSAFE_IRI or ord(ch) < 0x20 for ch in value):
        shown = str(value).encode("unicode_escape").decode("ascii")[:200]
        raise RemoteError(f"invalid IRI in RDF/JSON: <{shown}>", where=where)
    return f"<{value}>"


def _rdfjson_object(obj, scope: str, where: str) -> str:
    if not isinstance(obj, dict) or "value" not in obj:
        raise RemoteError("entry metadata is not RDF/JSON (an object without type and value)", where=where)
    kind, value = obj.get("type"), obj["value"]
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RemoteError("entry metadata is not RDF/JSON (a value that is not a string)", where=where)
    if kind == "uri":
        return _iri(value, where)
    if kind == "bnode":
        return _bnode(str(value), scope)
    if kind != "literal":
        raise RemoteError(f"unknown RDF/JSON object type {kind!r}", where=where)
    text = (str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))
    if obj.get("lang"):
        lang = str(obj["lang"])
        if not all(ch.isalnum() or ch == "-" for ch in lang):
            raise RemoteError(f"invalid language tag {lang!r} in RDF/JSON", where=where)
        return f'"{text}"@{lang}'
    if obj.get("datatype"):
        return f'"{text}"^^{_iri(obj["datatype"], where)}'
    return f'"{text}"'


# --------------------------------------------------------------------------------------------- validation


def _validate(result: SourceResult, harvested: Harvested | Graph, options: Options) -> None:
    if not options.validate:
        return
    from ..validation.pipeline import validate_graph

    from ..validation.ruleset import Rules

    graph = harvested if isinstance(harvested, Graph) else snapshot_graph(harvested.snapshot)
    rules = options.rules or Rules(profiles=tuple(options.profiles) if options.profiles else None)
    report = validate_graph(graph, sources=[result.spec.shown], **rules.keywords())
    # the project's policy (the configuration's ignore and severity); suppression comments need the documents'
    # lines, which harvest's compact statements do not keep
    report = rules.judged(report, [])
    result.validation = {"summary": report.summary, "conforms": report.conforms,
                         "publishers": per_publisher(report.findings, graph)}


def per_publisher(findings, graph: Graph) -> list[dict]:
    """Findings counted per publisher of the resource they concern (or of the dataset/catalog holding it)."""
    owner = publisher_index(graph)
    table: dict[str, dict] = {}
    for finding in findings:
        focus = BNode(finding.focus[2:]) if finding.focus.startswith("_:") else URIRef(finding.focus)
        publisher = find_publisher(focus, graph, owner)
        key = str(publisher) if publisher is not None else "(no publisher)"
        row = table.setdefault(key, {"publisher": key, "name": _agent_name(graph, publisher),
                                     "violation": 0, "warning": 0, "info": 0})
        row[finding.severity.label] += 1
    return [table[key] for key in sorted(table)]


def publisher_index(graph: Graph) -> dict:
    return {s: o for s, o in graph.subject_objects(DCTERMS.publisher)}


def find_publisher(node, graph: Graph, owner: dict, depth: int = 4):
    seen = set()
    frontier = [node]
    for _ in range(depth):
        following = []
        for current in frontier:
            if current in owner:
                return owner[current]
            seen.add(current)
            following.extend(s for s in graph.subjects(None, current) if s not in seen)
        frontier = following
    return None


def _agent_name(graph: Graph, agent) -> str | None:
    if agent is None:
        return None
    for predicate in (FOAF.name, DCTERMS.title):
        name = pick(graph.objects(agent, predicate), "sv")
        if name is not None:
            return name
    return None


def snapshot_graph(data: bytes) -> Graph:
    """An rdflib graph of canonical N-Triples (only for validation, which runs on rdflib graphs)."""
    if not data.strip():
        return Graph()
    document = Document(name="snapshot.nt", data=data, format="ntriples", base="https://relative.invalid/snapshot")
    return parse_document(document, Limits(max_input_bytes=1 << 62, timeout=None))


# --------------------------------------------------------------------------------------------- helpers


def _progress(options: Options, text: str | None) -> None:
    if options.progress is not None:
        options.progress(text)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _absolute(path: str) -> str:
    from pathlib import Path

    return str(Path(path).resolve())

# --------------------------------------------------------------------------------------------- config file

SOURCE_KEYS = {"name", "url", "path", "type", "query", "publisher", "solr_query", "max_pages", "shrink_threshold",
               "accept_shrink", "auth_env", "header_env", "input_format", "max_sub_catalogs"}

_TEXT = {"type": "string", "minLength": 1}
_SOURCE_SCHEMA = {
    "type": "object",
    "properties": {
        "name": _TEXT, "url": _TEXT, "path": _TEXT, "type": {"enum": list(KINDS)}, "query": _TEXT,
        "publisher": _TEXT, "solr_query": _TEXT, "auth_env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        "input_format": _TEXT, "accept_shrink": {"type": "boolean"},
        "max_pages": {"type": "integer", "minimum": 1}, "max_sub_catalogs": {"type": "integer", "minimum": 0},
        "shrink_threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "header_env": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                       "propertyNames": {"pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"}},
    },
}
# Top-level settings of a sources file (besides sources: and defaults:).
SETTING_KEYS = {"store", "delay"}
_SETTINGS_SCHEMA = {"type": "object", "properties": {"store": _TEXT, "delay": {"type": "number", "minimum": 0}}}


def _config_keys(entry: dict) -> dict:
    """The command line's spellings are accepted in the file too: max-pages is max_pages."""
    return {key.replace("-", "_") if isinstance(key, str) else key: value for key, value in entry.items()}


def _check_config(value, schema: dict, where: str) -> None:
    """One line naming the first value of the wrong type (jsonschema does the checking)."""
    from jsonschema import Draft202012Validator

    error = next(iter(sorted(Draft202012Validator(schema).iter_errors(value), key=lambda e: list(e.path))), None)
    if error is None:
        return
    key = ".".join(str(part) for part in error.path) or "(this entry)"
    shown = json.dumps(error.instance, ensure_ascii=False, default=str)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if error.validator == "type":
        raise InputError(f"{key}: expected {error.validator_value}, got {shown}", where=where)
    raise InputError(f"{key}: {error.message}", where=where)


def specs_from_config(path: str, overrides: dict) -> tuple[list[SourceSpec], dict]:
    """Read a YAML sources file. Returns the sources and top-level settings (store, delay...).

    Per-source keys: name, url | path, type, query, publisher, solr_query, max_pages, shrink_threshold,
    accept_shrink, auth_env, header_env, input_format. `defaults:` gives values for every source.
    """
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError:
        raise InputError("no such file", where=path) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", where=path) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(f"invalid YAML: {getattr(error, 'problem', None) or error}", where=path,
                         line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise InputError("expected a mapping with a non-empty 'sources:' list", where=path)
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise InputError("'defaults:' must be a mapping", where=path)
    defaults = _config_keys(defaults)
    settings = _config_keys({k: v for k, v in data.items() if k not in ("sources", "defaults")})
    # A key the tool does not know is refused, not ignored (a source setting written at the top level, a typo):
    # the user meant something by it
    unknown = set(settings) - SETTING_KEYS
    if unknown:
        raise InputError(f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))} (known: defaults, "
                         f"sources, {', '.join(sorted(SETTING_KEYS))}; a source's settings go under defaults: or the "
                         "source)", where=path)
    unknown = set(defaults) - SOURCE_KEYS
    if unknown:
        raise InputError(f"defaults: unknown key(s): {', '.join(sorted(map(str, unknown)))} "
                         f"(known: {', '.join(sorted(SOURCE_KEYS))})", where=path)
    _check_config(settings, _SETTINGS_SCHEMA, path)
    specs = []
    for number, entry in enumerate(data["sources"], start=1):
        if isinstance(entry, str):
            entry = {"url" if is_url(entry) else "path": entry}
        if not isinstance(entry, dict):
            raise InputError(f"source {number}: expected a mapping or a URL", where=path)
        merged = {**defaults, **_config_keys(entry)}
        specs.append(spec_from_mapping(merged, overrides, f"{path}: source {number}"))
    return specs, settings


def spec_from_mapping(entry: dict, overrides: dict, where: str) -> SourceSpec:
    unknown = set(entry) - SOURCE_KEYS
    if unknown:
        raise InputError(f"unknown key(s): {', '.join(sorted(map(str, unknown)))} "
                         f"(known: {', '.join(sorted(SOURCE_KEYS))})", where=where)
    _check_config(entry, _SOURCE_SCHEMA, where)
    location = entry.get("url") or entry.get("path")
    if not location or (entry.get("url") and entry.get("path")):
        raise InputError("give exactly one of url: or path:", where=where)
    kind = entry.get("type", "auto")
    if kind not in KINDS:
        raise InputError(f"unknown type '{kind}' (known: {', '.join(KINDS)})", where=where)
    header_env = entry.get("header_env")
    if header_env is not None and not (isinstance(header_env, dict)
                                       and all(isinstance(v, str) for v in header_env.values())):
        raise InputError("header_env must map header names to environment variable names", where=where)
    try:
        spec = SourceSpec(
            location=str(location), name=entry.get("name"), kind=kind,
            query=str(entry.get("query", "datasets")), publisher=entry.get("publisher"),
            solr_query=entry.get("solr_query"),
            max_pages=int(entry.get("max_pages", overrides.get("max_pages", DEFAULT_MAX_PAGES))),
            shrink_threshold=float(entry.get("shrink_threshold",
                                             overrides.get("shrink_threshold", DEFAULT_SHRINK_THRESHOLD))),
            accept_shrink=bool(entry.get("accept_shrink", False)) or bool(overrides.get("accept_shrink")),
            auth_env=entry.get("auth_env"), header_env=header_env,
            input_format=entry.get("input_format") or overrides.get("input_format"),
            max_sub_catalogs=int(entry.get("max_sub_catalogs", overrides.get("max_sub_catalogs",
                                                                           DEFAULT_MAX_SUB_CATALOGS))))
    except (TypeError, ValueError) as error:
        raise InputError(f"bad value: {error}", where=where) from None
    parse_query_option(spec, spec.query)
    return spec


def parse_query_option(spec: SourceSpec, value: str | None) -> None:
    """`datasets`, `grunddata`, or `publisher=IRI` (the command line's short form)."""
    if not value:
        return
    if value.startswith("publisher="):
        spec.query, spec.publisher = "publisher", value.split("=", 1)[1]
    else:
        spec.query = value
    if spec.query not in ENTRYSTORE_PRESETS:
        raise UsageError(f"unknown EntryStore query preset '{value}' "
                         f"(known: datasets, grunddata, publisher=IRI)")
