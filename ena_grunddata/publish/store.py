"""Publish a catalog into a SPARQL 1.1 store: replace one named graph, then count what the store holds.

Write path: Graph Store Protocol `PUT <gsp>?graph=<IRI>` (one request, so the store replaces the graph atomically),
or, as a fallback, one SPARQL Update request `DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }`. A request
without a graph parameter would replace a store's whole default graph or dataset, so none is ever built. Request
bodies come from rdflib's N-Triples serialisation of terms that were checked first; no user string is pasted into
SPARQL text. Every request goes through the guarded client (ena_grunddata.http); credentials come from
ENA_GRUNDDATA_TOKEN (Bearer) or ENA_GRUNDDATA_USER + ENA_GRUNDDATA_PASSWORD (Basic) and are never shown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .. import http
from ..errors import RemoteError, UsageError
from ..load import Limits
from . import gate
from .export import load_for_publishing
from ..namespaces import DCAT

from ..load.sparql_store import (  # noqa: F401  (the store protocol, re-exported for publish's callers)
    AUTH_ENV, METHODS, VERIFY, GSP_MISSING, _BAD_IRI, _SCHEME, Layout, LAYOUTS, Endpoints, endpoints_for, check_graph_iri, ntriples, update_request, count_query, send, count_triples, check_answer, first_line, scrub)


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


def default_graph_iri(graph: Graph) -> str:
    catalogs = sorted({c for c in graph.subjects(RDF.type, DCAT.Catalog) if isinstance(c, URIRef)})
    if len(catalogs) != 1:
        found = "no catalog" if not catalogs else f"{len(catalogs)} catalogs"
        raise UsageError(f"{found} with an IRI in the input; name the target graph with --graph IRI")
    return str(catalogs[0])


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
