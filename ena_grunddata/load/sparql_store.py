"""Talking to a SPARQL 1.1 store: where its endpoints are (the store layouts), requests through the guarded client,
answers checked, triples counted. Shared by `publish` (writing a graph) and `validate --endpoint` (reading one where it
lives), so it sits in the loading stage, below both."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from rdflib import BNode, Graph, URIRef

from ..errors import RemoteError, UsageError
from .safety import load_json

if TYPE_CHECKING:
    from .. import http


def _http():
    """The guarded HTTP client, imported when a store is first talked to: `validate` names the store layouts for its
    options at every start, and the client (requests, urllib3) costs a twentieth of a second to import."""
    from .. import http

    return http


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


def endpoints_for(store_url: str, layout: str) -> Endpoints:
    if layout not in LAYOUTS:
        raise UsageError(f"unknown store layout '{layout}' (known: {', '.join(LAYOUTS)})")
    parts = urlsplit(store_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--to must be an http(s) URL of a SPARQL store, not '{_http().redact(store_url)}'")
    if parts.query or parts.fragment:
        raise UsageError("--to must be the store's base URL without ?query or #fragment (publish adds ?graph=)")
    return Endpoints(store=store_url.rstrip("/"), layout=LAYOUTS[layout])


def check_graph_iri(iri: str) -> URIRef:
    if not _SCHEME.match(iri) or _BAD_IRI.search(iri) or iri.lower().startswith("file:"):
        raise UsageError(f"--graph must be an absolute IRI without spaces, quotes, <>, {{}} or |: {iri!r}")
    return URIRef(iri)


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


def send(method: str, url: str, body: bytes, content_type: str, options: dict) -> http.Response:
    if method == "POST":
        options = dict(options, retries=0)  # a SPARQL Update is never sent twice, whatever --retries says
    return _http().request(method, url, body=body, headers={"Content-Type": f"{content_type}; charset=utf-8"},
                           accept="*/*", auth_env=AUTH_ENV, **options)


def count_triples(endpoints: Endpoints, graph_iri: URIRef, options: dict) -> int:
    url = f"{endpoints.query}?{urlencode({'query': count_query(graph_iri)})}"
    response = _http().request("GET", url, accept="application/sparql-results+json", auth_env=AUTH_ENV, **options)
    check_answer(response, endpoints.query, 0)
    try:
        results = load_json(response.content.decode("utf-8"))  # always UTF-8, whatever the header says
        return int(results["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise RemoteError("the count query did not return SPARQL JSON results with ?n",
                          where=_http().redact(endpoints.query)) from None


def check_answer(response: http.Response, url: str, body_bytes: int) -> None:
    """One clear line for every failure; never a credential (the URL is redacted, secrets are scrubbed)."""
    status = response.status
    if status < 300:
        return
    client = _http()
    shown = client.redact(url)
    reason = f"HTTP {status} {client.status_reason(status)}".strip()
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
        secrets = list(_http().credentials_from_env(AUTH_ENV, None).values())
    except RemoteError:
        secrets = []
    secrets += [value for value in (os.environ.get(f"{AUTH_ENV}_TOKEN"), os.environ.get(f"{AUTH_ENV}_PASSWORD"))
                if value]
    return _http().redact_text(text, secrets)
