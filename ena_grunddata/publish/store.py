"""Publish a catalog into a SPARQL 1.1 store: replace one named graph, then count what the store holds.

Write path: Graph Store Protocol `PUT <gsp>?graph=<IRI>` (one request, so the store replaces the graph atomically),
or, as a fallback, one SPARQL Update request `DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }`. A request
without a graph parameter would replace a store's whole default graph or dataset, so none is ever built. Request
bodies come from rdflib's N-Triples serialisation of terms that were checked first; no user string is pasted into
SPARQL text. Every request goes through the guarded client (ena_grunddata.http); credentials come from
ENA_GRUNDDATA_TOKEN (Bearer) or ENA_GRUNDDATA_USER + ENA_GRUNDDATA_PASSWORD (Basic) and are never shown.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from .. import http
from ..errors import RemoteError, UsageError
from ..load import Limits
from ..load.safety import load_json
from . import gate
from .export import load_for_publishing
from ..namespaces import DCAT

AUTH_ENV = "ENA_GRUNDDATA"  # ENA_GRUNDDATA_TOKEN, or ENA_GRUNDDATA_USER + ENA_GRUNDDATA_PASSWORD
METHODS = ("auto", "gsp", "update")
VERIFY = ("count", "content")
# Answers from a GSP endpoint that mean "no Graph Store Protocol here": try SPARQL Update instead.
GSP_MISSING = frozenset({404, 405, 415, 501})
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class Layout:
    """Where a store keeps its endpoints, relative to the URL given with --to."""

    name: str
    gsp: str
    query: str
    update: str
    graph_parameter: str = "graph"
    body_type: str = "application/n-triples"
    # Virtuoso refuses blank nodes in INSERT DATA ("not allowed in a constant clause") but takes them in an
    # INSERT template with an empty WHERE, which inserts the same statements (fresh blank nodes, once).
    insert_template: bool = False


LAYOUTS = {
    layout.name: layout
    for layout in (
        Layout("oxigraph", gsp="/store", query="/query", update="/update"),  # --to http://host:7878
        Layout("fuseki", gsp="/data", query="/query", update="/update"),  # --to http://host:3030/DATASET
        Layout("graphdb", gsp="/rdf-graphs/service", query="", update="/statements"),  # --to …/repositories/REPO
        # --to http://host:8890; Virtuoso names the parameter graph-uri and reads N-Triples as Turtle.
        Layout("virtuoso", gsp="/sparql-graph-crud", query="/sparql", update="/sparql",
               graph_parameter="graph-uri", body_type="text/turtle", insert_template=True),
    )
}


@dataclass
class Endpoints:
    store: str  # as given, without a trailing slash
    layout: Layout

    @property
    def query(self) -> str:
        return self.store + self.layout.query

    @property
    def update(self) -> str:
        return self.store + self.layout.update

    def graph_store(self, graph_iri: str) -> str:
        """The GSP URL of one named graph; refuses to build one that could address the whole store."""
        url = f"{self.store}{self.layout.gsp}?{urlencode({self.layout.graph_parameter: graph_iri})}"
        named = parse_qs(urlsplit(url).query).get(self.layout.graph_parameter, [""])
        if named != [graph_iri] or not graph_iri:
            raise UsageError("internal safety check: a Graph Store request must name exactly one graph")
        return url


@dataclass
class Published:
    graph: str
    endpoint: str  # redacted
    method: str  # "gsp" or "update"
    status: int | None  # None on a dry run
    sent_triples: int
    body_bytes: int
    counted_triples: int | None  # None on a dry run
    seconds: float
    dry_run: bool = False
    verdict: object = None  # publish.gate.Verdict

    def to_dict(self) -> dict:
        document = {k: v for k, v in self.__dict__.items() if k != "verdict"}
        report = getattr(self.verdict, "report", None)
        document["findings"] = report.summary if report is not None else None  # None: not validated
        return document


def endpoints_for(store_url: str, layout: str) -> Endpoints:
    if layout not in LAYOUTS:
        raise UsageError(f"unknown store layout '{layout}' (known: {', '.join(LAYOUTS)})")
    parts = urlsplit(store_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--to must be an http(s) URL of a SPARQL store, not '{http.redact(store_url)}'")
    if parts.query or parts.fragment:
        raise UsageError("--to must be the store's base URL without ?query or #fragment (publish adds ?graph=)")
    return Endpoints(store=store_url.rstrip("/"), layout=LAYOUTS[layout])


def check_graph_iri(iri: str) -> URIRef:
    if not _SCHEME.match(iri) or _BAD_IRI.search(iri) or iri.lower().startswith("file:"):
        raise UsageError(f"--graph must be an absolute IRI without spaces, quotes, <>, {{}} or |: {iri!r}")
    return URIRef(iri)


def default_graph_iri(graph: Graph) -> str:
    catalogs = sorted({c for c in graph.subjects(RDF.type, DCAT.Catalog) if isinstance(c, URIRef)})
    if len(catalogs) != 1:
        found = "no catalog" if not catalogs else f"{len(catalogs)} catalogs"
        raise UsageError(f"{found} with an IRI in the input; name the target graph with --graph IRI")
    return str(catalogs[0])


def ntriples(graph: Graph) -> bytes:
    """The graph as N-Triples, written term by term by rdflib's N-Triples writer, with blank nodes renamed
    b0, b1, … (labels valid in N-Triples and SPARQL whatever the input used). Not through a second Graph: that
    costs seconds per 100k triples."""
    from rdflib.plugins.serializers.nt import _nt_row  # what Graph.serialize(format="nt") writes each line with

    names: dict = {}

    def term(node):
        if isinstance(node, BNode):
            return names.setdefault(node, BNode(f"b{len(names)}"))
        return node

    return "".join(_nt_row(tuple(term(t) for t in triple)) for triple in graph).encode("utf-8")


def update_request(graph_iri: URIRef, body: bytes, template: bool = False) -> bytes:
    """DROP + INSERT DATA in one request: the store applies both or neither (`template`: INSERT … WHERE {})."""
    target = graph_iri.n3()  # rdflib refuses to write an IRI that would break out of <…>
    insert = "INSERT" if template else "INSERT DATA"
    return (f"DROP SILENT GRAPH {target} ;\n{insert} {{ GRAPH {target} {{\n".encode("utf-8") + body
            + (b"}} WHERE {}\n" if template else b"}}\n"))


def count_query(graph_iri: URIRef) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph_iri.n3()} {{ ?s ?p ?o }} }}"


# --------------------------------------------------------------------------------------------- publishing


def publish(sources, to: str, *, graph: str | None = None, layout: str = "oxigraph", method: str = "auto",
            dry_run: bool = False, verify: str = "count", allow_private: bool = False, retries: int | None = None,
            timeout: float | None = None, input_format=None, limits: Limits | None = None, rules=None,
            validate: bool = True, allow_invalid: bool = False) -> Published:
    """Replace one named graph in the store at `to` with the catalog in `sources`, then verify by counting.

    The catalog passes the gate first (publish.gate: no violation, no placeholder left from `init`, unless
    `allow_invalid`; `validate=False` skips it); a refused catalog raises gate.InvalidCatalog and nothing is sent.
    """
    if method not in METHODS:
        raise UsageError(f"unknown method '{method}' (known: {', '.join(METHODS)})")
    if verify not in VERIFY:
        raise UsageError(f"unknown verification '{verify}' (known: {', '.join(VERIFY)})")
    endpoints = endpoints_for(to, layout)
    loaded = load_for_publishing(sources, rules, input_format=input_format, limits=limits)
    graph_iri = check_graph_iri(graph or default_graph_iri(loaded.graph))
    first = "update" if method == "update" else "gsp"
    url = endpoints.update if first == "update" else endpoints.graph_store(str(graph_iri))
    http.check_url(url, allow_private)  # a refused target is said before the (long) validation; nothing is sent
    verdict = gate.enforce(gate.check(loaded, rules, validate=validate, limits=limits), allow_invalid)
    body = ntriples(loaded.graph)
    options = {"allow_private": allow_private, "retries": retries, "timeout": timeout}
    start = time.monotonic()
    if dry_run:
        return Published(graph=str(graph_iri), endpoint=http.redact(url), method=first, status=None,
                         sent_triples=len(loaded.graph), body_bytes=len(body), counted_triples=None,
                         seconds=time.monotonic() - start, dry_run=True, verdict=verdict)
    if first == "gsp":
        response = send("PUT", url, body, endpoints.layout.body_type, options)
        if method == "auto" and response.status in GSP_MISSING:
            first, url = "update", endpoints.update
    if first == "update":
        body = update_request(graph_iri, body, endpoints.layout.insert_template)
        response = send("POST", url, body, "application/sparql-update", options)
    check_answer(response, url, len(body))
    counted = count_triples(endpoints, graph_iri, options)
    if verify == "content" and counted == len(loaded.graph):
        compare_content(loaded.graph, endpoints, graph_iri, options)
    seconds = time.monotonic() - start
    if counted != len(loaded.graph):
        raise RemoteError(f"verification failed: graph <{graph_iri}> holds {counted} triples after publishing, "
                          f"expected {len(loaded.graph)} (a store that keeps literals by value merges forms such "
                          'as "1" and "01")', where=http.redact(endpoints.query))
    return Published(graph=str(graph_iri), endpoint=http.redact(url), method=first, status=response.status,
                     sent_triples=len(loaded.graph), body_bytes=len(body), counted_triples=counted, seconds=seconds,
                     verdict=verdict)


def send(method: str, url: str, body: bytes, content_type: str, options: dict) -> http.Response:
    if method == "POST":
        options = dict(options, retries=0)  # a SPARQL Update is never sent twice, whatever --retries says
    return http.request(method, url, body=body, headers={"Content-Type": f"{content_type}; charset=utf-8"},
                        accept="*/*", auth_env=AUTH_ENV, **options)


def count_triples(endpoints: Endpoints, graph_iri: URIRef, options: dict) -> int:
    url = f"{endpoints.query}?{urlencode({'query': count_query(graph_iri)})}"
    response = http.request("GET", url, accept="application/sparql-results+json", auth_env=AUTH_ENV, **options)
    check_answer(response, endpoints.query, 0)
    try:
        results = load_json(response.content.decode("utf-8"))  # always UTF-8, whatever the header says
        return int(results["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise RemoteError("the count query did not return SPARQL JSON results with ?n",
                          where=http.redact(endpoints.query)) from None


def compare_content(graph: Graph, endpoints: Endpoints, graph_iri: URIRef, options: dict) -> None:
    """Read the graph back (CONSTRUCT, N-Triples) and insist on the same statements, lexical forms included:
    catches a store that rewrites literals ("01"^^xsd:integer stored as "1") or mangles characters."""
    import pyoxigraph

    from .export import _blurred, _oxigraph_key, _rdflib_key

    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph_iri.n3()} {{ ?s ?p ?o }} }}"
    url = f"{endpoints.query}?{urlencode({'query': query})}"
    # The answer is about as large as the N-Triples sent; allow for a store that writes longer lines.
    room = max(http.DEFAULT_MAX_BYTES, 3 * sum(len(str(term)) + 8 for triple in graph for term in triple))
    response = http.request("GET", url, accept="application/n-triples", auth_env=AUTH_ENV, max_bytes=room, **options)
    check_answer(response, endpoints.query, 0)
    try:  # N-Triples is UTF-8 by definition, whatever the Content-Type says
        stored = _blurred(((t.subject, t.predicate, t.object) for t in
                           pyoxigraph.parse(response.content, format=pyoxigraph.RdfFormat.N_TRIPLES)), _oxigraph_key)
    except (SyntaxError, ValueError) as error:
        raise RemoteError(f"cannot read the graph back as N-Triples: {error}", where=http.redact(endpoints.query)) \
            from None
    missing = _blurred(graph, _rdflib_key) - stored
    if missing:
        example = next(iter(missing))
        raise RemoteError(f"verification failed: {sum(missing.values())} statements came back different from what "
                          f"was sent, e.g. {describe_statement(example)}", where=http.redact(endpoints.query))


def describe_statement(key: tuple) -> str:
    def term(part):
        if part is None:
            return "[]"
        if isinstance(part, tuple):
            _, value, language, datatype = part
            return f'"{value}"' + (f"@{language}" if language else f"^^<{datatype}>")
        return f"<{part}>"

    return " ".join(term(part) for part in key)


def check_answer(response: http.Response, url: str, body_bytes: int) -> None:
    """One clear line for every failure; never a credential (the URL is redacted, secrets are scrubbed)."""
    status = response.status
    if status < 300:
        return
    shown = http.redact(url)
    reason = f"HTTP {status} {http.status_reason(status)}".strip()
    if status in (401, 403):
        raise RemoteError(f"authentication failed for {shown} ({reason}); set ENA_GRUNDDATA_TOKEN, or "
                          "ENA_GRUNDDATA_USER and ENA_GRUNDDATA_PASSWORD", where=shown)
    if status == 413:
        raise RemoteError(f"the store refused a request body of {body_bytes:,} bytes as too large ({reason}); raise "
                          "its upload limit (publish does not split a graph: that would break the atomic replace)",
                          where=shown)
    detail = first_line(response.content)
    raise RemoteError(f"{reason}" + (f": {detail}" if detail else ""), where=shown)


def first_line(content: bytes, limit: int = 200) -> str:
    text = content.decode("utf-8", errors="replace")
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return scrub(line[:limit])


def scrub(text: str) -> str:
    """Remove our secrets from text a server sent back (some servers echo what they received), in every form:
    as sent, base64 of Basic's user:password, URL-encoded; and redact any URL in it."""
    try:
        secrets = list(http.credentials_from_env(AUTH_ENV, None).values())
    except RemoteError:
        secrets = []
    secrets += [value for value in (os.environ.get(f"{AUTH_ENV}_TOKEN"), os.environ.get(f"{AUTH_ENV}_PASSWORD"))
                if value]
    return http.redact_text(text, secrets)
