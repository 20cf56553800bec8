"""Catalogs and small HTTP helpers shared by the export, serve and publish tests."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer

from rdflib import Graph, Literal, URIRef

CATALOG_IRI = "https://data.example.se/katalog"
TITLE_SV = "Fastighetsgränser och ägarförhållanden i Åre och Östersund"

# Swedish text everywhere, a blank-node contact point, two domains and lexical forms rdflib likes to rewrite.
CATALOG_TTL = f"""
@prefix dcat:    <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf:    <http://xmlns.com/foaf/0.1/> .
@prefix vcard:   <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:      <https://data.example.se/ns#> .

<{CATALOG_IRI}> a dcat:Catalog ;
    dcterms:title "Exempelkommunens datakatalog — åäö ÅÄÖ"@sv, "Example municipality catalog"@en ;
    dcterms:description "Datamängder från Exempelkommunen."@sv ;
    dcterms:publisher <https://data.example.se/org> ;
    dcat:dataset <https://data.example.se/dataset/fastighet>, <https://data.example.se/dataset/foretag>,
        <https://data.example.se/dataset/badplatser> .

<https://data.example.se/org> a foaf:Organization ; foaf:name "Exempelkommunen i Göteborg"@sv .

<https://data.example.se/dataset/fastighet> a dcat:Dataset ;
    dcterms:title "{TITLE_SV}"@sv, "Property boundaries"@en ;
    dcterms:description "Beskrivning med citattecken \\"så här\\" och <b>taggar</b> & mer."@sv ;
    dcterms:publisher <https://data.example.se/org> ;
    dcterms:subject <https://www.dataportal.se/terminology/grunddata/fastighets-och-geografisk-information> ;
    dcterms:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dcat:landingPage <https://data.example.se/fastighet> ;
    dcat:contactPoint [ a vcard:Organization ; vcard:fn "Kundtjänst Lantmäteri"@sv ] ;
    ex:version "01"^^xsd:integer ;
    ex:weight "1.5E0"^^xsd:double ;
    ex:flag "1"^^xsd:boolean ;
    ex:ratio "1"^^xsd:decimal ;
    dcat:distribution <https://data.example.se/distribution/fastighet-gml> .

<https://data.example.se/distribution/fastighet-gml> a dcat:Distribution ;
    dcterms:title "Nedladdning (GML) — ändrad årsvis"@sv ;
    dcat:downloadURL <https://data.example.se/filer/fastighet.gml> ;
    dcterms:format "application/gml+xml" .

<https://data.example.se/dataset/foretag> a dcat:Dataset ;
    dcterms:title "Företag i kommunen"@sv ;
    dcterms:subject <https://dataportal.se/concepts/grunddata/foretag> ;
    dcterms:accessRights <http://publications.europa.eu/resource/authority/access-right/RESTRICTED> ;
    dcterms:publisher <https://data.example.se/org> .

<https://data.example.se/dataset/badplatser> a dcat:Dataset ;
    dcterms:title "Badplatser"@sv ;
    dcterms:publisher <https://data.example.se/org> .
"""

# A dataset with no title and no description: a violation under dcat-ap-se whatever else the shapes check.
INVALID_TTL = """
@prefix dcat:    <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://data.example.se/katalog> a dcat:Catalog ; dcat:dataset <https://data.example.se/dataset/x> .
<https://data.example.se/dataset/x> a dcat:Dataset .
"""


def write_catalog(folder, text: str = CATALOG_TTL, name: str = "catalog.ttl"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def catalog_graph(text: str = CATALOG_TTL) -> Graph:
    from ena_grunddata.load import Document, parse_document

    return parse_document(Document(name="catalog.ttl", data=text.encode("utf-8"), format="turtle",
                                   base="https://relative.invalid/catalog.ttl"))


def swedish_title_in(graph: Graph) -> bool:
    return (URIRef("https://data.example.se/dataset/fastighet"), URIRef("http://purl.org/dc/terms/title"),
            Literal(TITLE_SV, lang="sv")) in graph


class ThreadedServer:
    """A loopback HTTP server in a thread; `hits` counts requests."""

    def __init__(self, handler_class):
        self.hits = []
        self.bodies = []
        outer = self

        class Counting(handler_class):
            def log_message(self, *args):
                pass

            def parse_request(self):
                # counted once the request line is read, before it is answered: counted after the answer, the
                # client could finish (and the test look) before the handler's thread had counted it
                parsed = super().parse_request()
                if parsed:
                    outer.hits.append((self.command, self.path))
                return parsed

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
        self.server.outer = self
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def static_server(folder) -> ThreadedServer:
    """Any static web server will do for an export folder; this is Python's own."""

    class InFolder(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

    return ThreadedServer(InFolder)


def answering_server(status: int, body: bytes = b"", headers: dict | None = None) -> ThreadedServer:
    """Answers every request with `status` (a fake store that fails, refuses or accepts); records the bodies."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.server.outer.bodies.append(self.rfile.read(length) if length else b"")
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

    return ThreadedServer(Handler)
