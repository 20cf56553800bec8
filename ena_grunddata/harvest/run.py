"""Harvest DCAT-AP-SE catalogs into the embedded store and report what changed.

Sources: a catalog document URL (with dcterms:hasPart sub-catalogs, one level, fetched from their own IRI when the
document only names them, as dataportal.se does), a Hydra-paged catalog (hydra:next / hydra:nextPage), the
EntryStore search API of dataportal.se, or a local file or folder. Every byte goes through the one HTTP client
(ena_grunddata.http) and the one loader (ena_grunddata.load), so the same safety rules apply everywhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from .. import http
from .changes import Canon, ChangeReport, canonical_ntriples, compare, entity_hashes
from ..errors import EXIT_REMOTE, EnaError, InputError, RemoteError, UsageError
from ..load import (ACCEPT_HEADER, Document, Limits, Origins, choose_format, is_url, parse_document, read_documents,
                    strip_bom)
from ..namespaces import DCAT, DCTERMS, FOAF, GRUNDDATA_PREFIXES, HYDRA
from .store import Store, content_hash, slug_for

KINDS = ("auto", "document", "entrystore", "file")
ENTRYSTORE_PRESETS = ("datasets", "grunddata", "publisher")
ENTRYSTORE_PAGE = 100
DEFAULT_MAX_PAGES = 1000
DEFAULT_SHRINK_THRESHOLD = 0.5
PAGING_TYPES = (HYDRA.PartialCollectionView, HYDRA.PagedCollection)


class StoreError(InputError):
    """Our own folder cannot be written: a local problem (exit 2) even for a remote source."""


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
    graph: Graph | None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    pages: int = 0
    documents: list = field(default_factory=list)  # redacted URLs or paths read
    source_hash: str | None = None
    warnings: list = field(default_factory=list)
    origins: object = None  # load.Origins of local files read for --validate: findings name file and line
    read: list = field(default_factory=list)  # those Documents (suppression comments are looked up in them)


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
    previous_meta = store.meta(slug)
    started = _now()
    try:
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
        if before is None or "counts" not in previous_meta:
            raise RemoteError("the server answered 304 Not Modified but there is no usable stored snapshot",
                              where=spec.shown)
        result = SourceResult(spec, "not-modified", compare(before, before), counts=dict(previous_meta["counts"]),
                              pages=fetched.pages, warnings=fetched.warnings)
        if options.validate:
            _validate(result, store.snapshot_graph(slug) or Graph(), options)
        return result
    graph = fetched.graph
    canon = Canon(graph)
    after = entity_hashes(graph, canon)
    changes = compare(before or {}, after)
    counts = counts_of(graph, after)
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
        _validate(result, graph, options, fetched)
        return result
    snapshot = canonical_ntriples(graph, canon)
    snapshot_hash = content_hash(snapshot)
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
        "status": "ok",
        "warnings": fetched.warnings,
        "errors": [],
    }
    try:
        if previous_meta and previous_meta.get("content_hash") == snapshot_hash:
            result.status = "unchanged"
            if (previous_meta.get("etag"), previous_meta.get("last_modified")) != \
                    (fetched.etag, fetched.last_modified):
                store.write_meta(slug, meta)  # new validators, same data: keep the snapshot file as it is
        else:
            store.write(slug, snapshot, meta, after)
    except OSError as error:
        raise StoreError(f"cannot write the store: {error.strerror or error}", where=str(store.root)) from None
    _validate(result, graph, options, fetched)
    return result


def counts_of(graph: Graph, hashes: dict) -> dict:
    return {
        "triples": len(graph),
        "entities": len(hashes),
        "catalogs": _count_typed(graph, DCAT.Catalog),
        "datasets": _count_typed(graph, DCAT.Dataset),
        "services": _count_typed(graph, DCAT.DataService),
        "distributions": _count_typed(graph, DCAT.Distribution),
    }


def _count_typed(graph: Graph, cls) -> int:
    return sum(1 for _ in graph.subjects(RDF.type, cls, unique=True))


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
    graph = Graph()
    digest = hashlib.sha256()
    origins = Origins() if options.validate else None
    for document in documents:
        part = parse_document(document, options.limits)
        if origins is not None:
            origins.add(document, part)
        graph += part
        digest.update(document.data)
    return Fetched(graph, pages=len(documents), documents=[d.name for d in documents],
                   source_hash="sha256:" + digest.hexdigest(), origins=origins,
                   read=documents if options.validate else [])


def _get(url: str, spec: SourceSpec, options: Options, *, accept: str, etag=None, last_modified=None):
    return http.fetch(url, accept=accept, max_bytes=options.limits.max_input_bytes, policy=options.policy,
                      etag=etag, last_modified=last_modified, auth_env=spec.auth_env, header_env=spec.header_env)


def parse_response(response: http.Response, spec: SourceSpec, options: Options) -> Graph:
    """Bytes from the network become a Document and go through the one loader."""
    name = http.redact(response.url)
    data = strip_bom(response.content)
    media = (response.content_type or "").split(";")[0].strip().lower()
    if not spec.input_format and media in ("text/html", "application/xhtml+xml"):
        raise InputError(f"expected RDF, got {media}", where=name)
    fmt = spec.input_format or choose_format(name, response.content_type, data)
    if fmt == "description":
        raise InputError(f"expected RDF, got {response.content_type or 'an unknown type'}", where=name)
    document = Document(name=name, data=data, format=fmt, base=response.url)
    return parse_document(document, options.limits)


def fetch_document(spec: SourceSpec, previous_meta: dict | None, options: Options) -> Fetched:
    """A catalog document, following Hydra paging and then named sub-catalogs."""
    # Only a snapshot made of exactly one document can be vouched for by that document's validators.
    conditional = bool(previous_meta) and previous_meta.get("pages") == 1 \
        and len(previous_meta.get("documents") or []) == 1 and previous_meta.get("source") == spec.shown
    etag = previous_meta.get("etag") if conditional else None
    last_modified = previous_meta.get("last_modified") if conditional else None
    fetched = Fetched(Graph())
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
        page = parse_response(response, spec, options)
        following = next_page(page, response.url)
        strip_paging(page)
        fetched.graph += page
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
    for sub in named_sub_catalogs(fetched.graph):
        if _normal(str(sub)) in visited:
            continue  # the sub-catalog's IRI is a page already read
        _progress(options, f"{spec.name or spec.shown}: sub-catalog {sub}")
        response = _get(str(sub), spec, options, accept=ACCEPT_HEADER)
        fetched.documents.append(http.redact(response.url))
        digest.update(response.content)
        fetched.graph += parse_response(response, spec, options)
    fetched.source_hash = "sha256:" + digest.hexdigest()
    return fetched


def _normal(url: str) -> str:
    return urldefrag(url)[0]


def next_page(graph: Graph, page_url: str) -> str | None:
    """hydra:next (or the older hydra:nextPage) of the paging node, an IRI or a literal, made absolute."""
    candidates = []
    for cls in PAGING_TYPES:
        for view in graph.subjects(RDF.type, cls):
            for predicate in (HYDRA.next, HYDRA.nextPage):
                value = graph.value(view, predicate)
                if value is not None and str(value).strip():
                    candidates.append(str(value).strip())
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


def strip_paging(graph: Graph) -> None:
    """Drop the paging block: it changes with every page size and is not catalog metadata."""
    for cls in PAGING_TYPES:
        for view in list(graph.subjects(RDF.type, cls)):
            graph.remove((view, None, None))
    for triple in list(graph):
        if str(triple[1]).startswith(str(HYDRA)):
            graph.remove(triple)


def named_sub_catalogs(graph: Graph) -> list[URIRef]:
    """dcterms:hasPart catalogs that the document only names (no triples beyond their type): fetch those."""
    subs = set()
    for main in graph.subjects(RDF.type, DCAT.Catalog):
        for part in graph.objects(main, DCTERMS.hasPart):
            if not isinstance(part, URIRef) or not is_url(str(part)):
                continue
            described = {(p, o) for p, o in graph.predicate_objects(part)} - {(RDF.type, DCAT.Catalog)}
            if not described:
                subs.add(part)
    return sorted(subs)


# --------------------------------------------------------------------------------------------- EntryStore


def entrystore_search_url(location: str) -> str:
    parts = urlsplit(location)
    path = parts.path.rstrip("/")
    if not path.endswith("/store/search"):
        path = path + ("/search" if path.endswith("/store") else "/store/search")
    return f"{parts.scheme}://{parts.netloc}{path}"


def entrystore_query(spec: SourceSpec) -> str:
    """The Solr query sent. Presets ask for public datasets; the finer filters are applied to the answers."""
    if spec.solr_query:
        return spec.solr_query
    if spec.query not in ENTRYSTORE_PRESETS:
        raise UsageError(f"unknown EntryStore query preset '{spec.query}' (known: {', '.join(ENTRYSTORE_PRESETS)})")
    if spec.query == "publisher" and not spec.publisher:
        raise UsageError("the 'publisher' query needs the publisher's IRI (publisher: in the config, or "
                         "--query publisher=IRI)")
    return r"rdfType:http\:\/\/www.w3.org\/ns\/dcat#Dataset AND public:true"


def fetch_entrystore(spec: SourceSpec, options: Options) -> Fetched:
    """Page through /store/search (limit 100, stable sort by URI) and read each entry's RDF/JSON metadata."""
    search = entrystore_search_url(spec.location)
    query = entrystore_query(spec)
    fetched = Fetched(Graph())
    digest = hashlib.sha256()
    lines: list[str] = []
    offset = 0
    previous_page = None
    while True:
        if fetched.pages >= spec.max_pages:
            raise RemoteError(f"more than {spec.max_pages} pages (raise --max-pages)", where=spec.shown)
        _progress(options, f"{spec.name or spec.shown}: entries {offset}-{offset + ENTRYSTORE_PAGE}")
        url = search + "?" + urlencode({"type": "solr", "query": query, "limit": ENTRYSTORE_PAGE,
                                        "offset": offset, "sort": "uri asc"})
        response = _get(url, spec, options, accept="application/json")
        fetched.pages += 1
        digest.update(response.content)
        children, total = entrystore_children(response)
        page_hash = hashlib.sha256(json.dumps(children, sort_keys=True).encode("utf-8")).hexdigest()
        if children and page_hash == previous_page:
            raise RemoteError(f"the search API answered offset {offset} with the same entries as the page before "
                              "(it ignores offset?); stopped", where=spec.shown)
        previous_page = page_hash
        for number, child in enumerate(children):
            metadata = child.get("metadata") if isinstance(child, dict) else None
            if not metadata:
                continue
            entry_lines, subjects = rdfjson_to_ntriples(metadata, f"e{offset + number}", http.redact(url))
            if keep_entry(spec, entry_lines, subjects):
                lines.extend(entry_lines)
        offset += len(children)
        if not children or (total is not None and offset >= total):
            break
    document = Document(name=http.redact(search), data="".join(lines).encode("utf-8"), format="ntriples",
                        base=search)
    fetched.graph = parse_document(document, options.limits) if lines else Graph()
    fetched.documents.append(http.redact(search))
    fetched.source_hash = "sha256:" + digest.hexdigest()
    return fetched


def entrystore_children(response: http.Response) -> tuple[list, int | None]:
    where = http.redact(response.url)
    try:
        answer = json.loads(response.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RemoteError("not an EntryStore search answer (invalid JSON)", where=where) from None
    resource = answer.get("resource") if isinstance(answer, dict) else None
    children = resource.get("children") if isinstance(resource, dict) else None
    if not isinstance(children, list):
        raise RemoteError("not an EntryStore search answer (no resource.children)", where=where)
    total = answer.get("results")
    return children, total if isinstance(total, int) else None


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


def _validate(result: SourceResult, graph: Graph, options: Options, fetched: Fetched | None = None) -> None:
    if not options.validate:
        return
    from ..validation.pipeline import validate_graph

    from ..validation.ruleset import Rules

    rules = options.rules or Rules(profiles=tuple(options.profiles) if options.profiles else None)
    read = fetched.read if fetched is not None else []
    report = validate_graph(graph, sources=[d.name for d in read] or [result.spec.shown],
                            origins=fetched.origins if read else None, **rules.keywords())
    report = rules.judged(report, read)  # the project's policy, as `validate` applies it (comments: local files)
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
        names = sorted(graph.objects(agent, predicate), key=lambda lit: (getattr(lit, "language", None) != "sv",
                                                                          str(lit)))
        if names:
            return str(names[0])
    return None


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
               "accept_shrink", "auth_env", "header_env", "input_format"}


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
    specs = []
    for number, entry in enumerate(data["sources"], start=1):
        if isinstance(entry, str):
            entry = {"url" if is_url(entry) else "path": entry}
        if not isinstance(entry, dict):
            raise InputError(f"source {number}: expected a mapping or a URL", where=path)
        merged = {**{k: v for k, v in defaults.items() if k in SOURCE_KEYS}, **entry}
        specs.append(spec_from_mapping(merged, overrides, f"{path}: source {number}"))
    settings = {k: v for k, v in data.items() if k not in ("sources", "defaults")}
    return specs, settings


def spec_from_mapping(entry: dict, overrides: dict, where: str) -> SourceSpec:
    unknown = set(entry) - SOURCE_KEYS
    if unknown:
        raise InputError(f"unknown key(s): {', '.join(sorted(unknown))} (known: {', '.join(sorted(SOURCE_KEYS))})",
                         where=where)
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
            input_format=entry.get("input_format") or overrides.get("input_format"))
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
