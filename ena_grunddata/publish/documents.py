"""The catalog as published by `export` and `serve`: canonical N-Triples in, every format out, checked.

National scale without a second graph: sources are parsed by pyoxigraph's native parsers (the loader's safety
rules hold; description files and some JSON-LD come through rdflib) straight into N-Triples, which are sorted, freed of
duplicates and given stable blank-node labels (ena_grunddata.canonical). Every format is written by pyoxigraph's
serialisers from those quads (never through a store, which would rewrite literals), with the project's fixed
prefixes, and read back with pyoxigraph's parsers into N-Triples that must equal the source bytes: a statement
lost or a lexical form changed is an error, never a silently changed catalog. The same input therefore gives the
same bytes on every run and machine.

The HTML page and the Hydra page index are built from the same canonical statements in the one pass that writes
RDF/XML: `CatalogIndex` keeps only the statements the page and paging need, as rdflib terms, behind the small part
of rdflib's Graph API that `catalog_page` uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from ..canonical import _TYPE_FIRST, RDF_TYPE_LINE, BlankGraph, blank_labels, relabelled
from ..errors import InputError
from ..load import Document, Limits, RefusedByOxigraph, parse_document, parse_document_oxigraph, read_inputs
from ..namespaces import DCAT, DCTERMS, FOAF, PREFIXES, SKOS, VCARD
from ..validation.engines.fast_data import to_ox, to_rdflib

NTRIPLES = ox.RdfFormat.N_TRIPLES
OX_FORMATS = {"rdfxml": ox.RdfFormat.RDF_XML, "turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
              "ntriples": NTRIPLES}
EXTRA_PREFIXES = {"oa": "http://www.w3.org/ns/oa#"}
# Fixed prefixes with their usual names (the publisher's own prefix names are not kept: output must not depend on
# how the input was written). Only those a document uses are declared.
FIXED_PREFIXES = {**{prefix: str(namespace) for prefix, namespace in PREFIXES.items()}, **EXTRA_PREFIXES}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

PLACEHOLDER_BASE = "https://relative.invalid/"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# In N-Triples bytes: what might be an unpublishable term (the lines found are checked precisely; usually there
# are none). pyoxigraph's parsers resolve every IRI, so a missing scheme is looked for only in rdflib's output.
_SUSPECT = re.compile(rb"<https://relative\.invalid/|<[fF][iI][lL][eE]:|\\u00[01][0-9A-Fa-f]|\\[bf]"
                      rb"|\\u[Ff][Ff][Ff][EeFf]")
_NO_SCHEME = re.compile(rb"<(?:[^A-Za-z]|[A-Za-z][A-Za-z0-9+.\-]*[^A-Za-z0-9+.\-:])")
_BLANK_SUBJECT = re.compile(rb"\n_:")
_BLANK_OBJECT = re.compile(rb" _:[^ \n\"]+ \.\n")


# --------------------------------------------------------------------------------------------- loading


@dataclass
class Catalog:
    """One loaded version of the catalog: canonical N-Triples and where they came from.

    `index_ntriples` is the part of the statements the page and the paging read (see CatalogIndex).
    """

    ntriples: bytes
    sources: list[str]
    documents: list[Document] = field(default_factory=list)
    index_ntriples: bytes = b""
    prefixes: dict = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return self.ntriples.count(b"\n")

    def index(self) -> CatalogIndex:
        index = CatalogIndex(self.triples)
        for quad in ox.parse(self.index_ntriples, format=NTRIPLES):
            index.keep(quad)
        return index


def load_catalog(sources, *, input_format=None, limits: Limits | None = None) -> Catalog:
    """Read every source (the loader's rules), refuse unpublishable terms, and make canonical N-Triples.

    Each document goes from pyoxigraph's parser straight into N-Triples (no Python object per statement); the
    lines are then a set (no duplicates), the few that touch blank nodes get stable labels, and all are sorted
    (rdf:type first within a subject: while sorting, a marker that sorts first stands in for rdf:type).
    """
    limits = limits or Limits()
    documents = read_inputs(sources, input_format=input_format, limits=limits)
    lines: set = set()
    blank: list[bytes] = []
    for document in documents:
        written: list[bytes] = []

        def sink(quads, written=written):
            written.append(ox.serialize(quads, format=NTRIPLES) or b"")

        try:
            graph = parse_document_oxigraph(document, limits, sink)
        except RefusedByOxigraph:  # what pyoxigraph read before it stopped is dropped
            graph = parse_document(document, limits)
            written.clear()
        if graph is not None:  # a description file, JSON-LD sent to rdflib, or a document only rdflib reads
            sink(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)
        data = b"".join(written)
        del written
        suspects = [match.start() for match in _SUSPECT.finditer(data)]
        if graph is not None:
            suspects += [match.start() for match in _NO_SCHEME.finditer(data)]
        if suspects:
            _check_terms(ox.parse(_lines_at(data, suspects), format=NTRIPLES), document)
        at = [match.start() + 1 for match in _BLANK_SUBJECT.finditer(data)]
        at += [match.start() for match in _BLANK_OBJECT.finditer(data)]
        if data.startswith(b"_:"):
            at.append(0)
        if at:
            blank.append(_lines_at(data, at))
        data = data.replace(RDF_TYPE_LINE, _TYPE_FIRST)
        lines.update(data.split(b"\n"))
        del data
    lines.discard(b"")
    if blank:
        _relabel_blank_nodes(lines, b"".join(blank))
    del blank
    ordered = sorted(lines)
    del lines
    ntriples = (b"\n".join(ordered) + b"\n").replace(_TYPE_FIRST, RDF_TYPE_LINE) if ordered else b""
    wanted = INDEXED_TOKENS
    subset = b"\n".join([line for line in ordered if line.split(b" ", 2)[1] in wanted or b" _:" in line])
    del ordered
    return Catalog(ntriples, [d.name for d in documents], documents,
                   index_ntriples=subset.replace(_TYPE_FIRST, RDF_TYPE_LINE) + b"\n" if subset else b"",
                   prefixes=used_prefixes(ntriples))


def _lines_at(data: bytes, positions) -> bytes:
    """The whole lines of N-Triples `data` that contain the given byte positions (each once)."""
    spans = set()
    for position in positions:
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        spans.add((start, len(data) if end == -1 else end))
    return b"".join(data[start:end] + b"\n" for start, end in sorted(spans))


def _relabel_blank_nodes(lines: set, blank: bytes) -> None:
    """Replace the lines that touch blank nodes by the same statements with stable labels (canonical.py).
    `lines` hold rdf:type as the sorting marker; `blank` is plain N-Triples."""
    lines.difference_update(blank.replace(RDF_TYPE_LINE, _TYPE_FIRST).split(b"\n"))
    lines.discard(b"")
    graph = BlankGraph()
    for quad in ox.parse(blank, format=NTRIPLES):
        graph.add(quad.subject, quad.predicate, quad.object)
    labels = blank_labels(graph)
    written = ox.serialize(relabelled(graph, labels), format=NTRIPLES) or b""
    lines.update(written.replace(RDF_TYPE_LINE, _TYPE_FIRST).split(b"\n"))
    lines.discard(b"")


def _without_blanks(quads, blanks: BlankGraph):
    blank = ox.BlankNode
    for quad in quads:
        if quad.subject.__class__ is blank or quad.object.__class__ is blank:
            blanks.add(quad.subject, quad.predicate, quad.object)
        else:
            yield quad


def _check_terms(quads, document: Document) -> None:
    """The rules of export.check_publishable on pyoxigraph terms; the error names the file and the subject's line."""
    seen: set = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object):
            problem = None
            if term.__class__ is ox.NamedNode:
                if term.value not in seen:
                    problem = iri_problem(term.value)
                    seen.add(term.value)
            elif term.__class__ is ox.Literal:
                problem = iri_problem(term.datatype.value) if term.datatype.value not in seen else None
                if problem is None and _NOT_XML.search(term.value):
                    subject = quad.subject.value
                    problem = f"a literal of <{subject}> contains a control character that RDF/XML cannot carry"
            if problem:
                line = None
                if quad.subject.__class__ is ox.NamedNode:
                    from ..load import subject_lines

                    line = subject_lines(document).get(quad.subject.value)
                raise InputError(problem, where=document.name, line=line)


def iri_problem(text: str) -> str | None:
    if text.startswith(PLACEHOLDER_BASE):
        return (f"relative IRI <{text[len(PLACEHOLDER_BASE):]}> has no base; give an absolute IRI (or @base) "
                "before publishing")
    if not _SCHEME.match(text):
        return f"relative IRI <{text}> cannot be published; give an absolute IRI"
    if text.lower().startswith("file:"):
        return f"local file IRI <{text}> cannot be published"
    if _NOT_XML.search(text):
        return "an IRI contains a control character"
    return None


# --------------------------------------------------------------------------------------------- writing


def used_prefixes(ntriples: bytes) -> dict[str, str]:
    return {prefix: namespace for prefix, namespace in FIXED_PREFIXES.items()
            if b"<" + namespace.encode("utf-8") in ntriples}


def write(ntriples: bytes, fmt: str, *, keep=None, prefixes: dict | None = None, quads=None) -> bytes:
    """Canonical N-Triples as `fmt` (rdfxml, turtle, jsonld, ntriples); `keep(quad)` sees every statement.
    `prefixes`: those the statements use (computed when not given); `quads`: the statements already parsed (a
    list, when several formats are written from them)."""
    if fmt == "ntriples":
        if keep is not None:
            for quad in ox.parse(ntriples, format=NTRIPLES):
                keep(quad)
        return ntriples
    prefixes = used_prefixes(ntriples) if prefixes is None else prefixes
    quads = ox.parse(ntriples, format=NTRIPLES) if quads is None else iter(quads)
    if keep is not None:
        quads = _tee(quads, keep)
    if fmt == "turtle":
        return _turtle(ntriples, quads, prefixes)
    if fmt == "jsonld":
        return _jsonld(ox.serialize(quads, format=OX_FORMATS["jsonld"]) or b"[]", prefixes)
    return ox.serialize(quads, format=OX_FORMATS[fmt], prefixes=prefixes) or _EMPTY[fmt]


_EMPTY = {"rdfxml": b'<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf='
                    b'"http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n</rdf:RDF>', "turtle": b""}


def _tee(quads, keep):
    for quad in quads:
        keep(quad)
        yield quad


# Turtle: pyoxigraph writes a number or boolean bare whenever Turtle's grammar allows it (01, +1, .5), and other
# readers (rdflib) turn a bare 01 into 1. A bare form is kept only when it is the canonical lexical form; the few
# statements with another form are written as N-Triples lines (valid Turtle) in their sorted place.
_SHORT_FORMS = {
    b"integer": re.compile(rb"-?(0|[1-9][0-9]*)\Z"),
    b"decimal": re.compile(rb"-?(0|[1-9][0-9]*)\.[0-9]+\Z"),
    b"double": re.compile(rb"-?[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+\Z"),
    b"boolean": re.compile(rb"(true|false)\Z"),
}
_NUMBER_LINE = re.compile(rb'"\^\^<http://www\.w3\.org/2001/XMLSchema#(integer|decimal|double|boolean)> \.\n')


# What Turtle's grammar lets pyoxigraph write bare, per datatype.
_BARE_FORMS = {
    b"integer": re.compile(rb"[+-]?[0-9]+\Z"),
    b"decimal": re.compile(rb"[+-]?[0-9]*\.[0-9]+\Z"),
    b"double": re.compile(rb"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
    b"boolean": re.compile(rb"(true|false)\Z"),
}


def _unsafe_bare_lines(ntriples: bytes) -> list[tuple[int, int]]:
    spans = []
    for match in _NUMBER_LINE.finditer(ntriples):
        opening = ntriples.rfind(b'"', 0, match.start())
        lexical = ntriples[opening + 1:match.start()]
        kind = match.group(1)
        if _BARE_FORMS[kind].match(lexical) and not _SHORT_FORMS[kind].match(lexical):
            start = ntriples.rfind(b"\n", 0, match.start()) + 1
            spans.append((start, match.end()))
    return spans


def _turtle(ntriples: bytes, quads, prefixes: dict) -> bytes:
    spans = _unsafe_bare_lines(ntriples)
    if not spans:
        return ox.serialize(quads, format=OX_FORMATS["turtle"], prefixes=prefixes) or b""
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items())).encode("utf-8")
    out = [header]
    position = 0
    for start, end in spans + [(len(ntriples), len(ntriples))]:
        if start > position:
            body = ox.serialize(ox.parse(ntriples[position:start], format=NTRIPLES), format=OX_FORMATS["turtle"],
                                prefixes=prefixes) or b""
            out.append(_strip_prefix_lines(body))
        out.append(ntriples[start:end])
        position = end
    for _ in quads:  # let `keep` (if any) see every statement
        pass
    return b"".join(out)


def _strip_prefix_lines(body: bytes) -> bytes:
    position = 0
    while body.startswith(b"@prefix ", position):
        position = body.index(b"\n", position) + 1
    return body[position:]


_JSONLD_PLACES = (b'{"', b',"', b'"@type":"', b'"@id":"')


def _jsonld(expanded: bytes, prefixes: dict) -> bytes:
    """pyoxigraph's JSON-LD (expanded, literals as {"@value": lexical form}) compacted with the prefixes used.

    Only property names, datatypes and node IRIs are shortened, by plain byte replacement at places where JSON
    structure (not a string value) is certain: pyoxigraph writes arrays of objects only, so `{"` and `,"` open a
    key. `jsonld_expanded` undoes it exactly; write_checked insists that it does.
    """
    context = ",".join(f'"{p}":"{ns}"' for p, ns in sorted(prefixes.items()))
    body = expanded
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        ns = namespace.encode("utf-8")
        short = prefix.encode("utf-8") + b":"
        for before in _JSONLD_PLACES:
            body = body.replace(before + ns, before + short)
    return b'{"@context":{' + context.encode("utf-8") + b'},"@graph":' + body + b"}\n"


def jsonld_expanded(compacted: bytes, prefixes: dict) -> bytes | None:
    """The expanded document `_jsonld` made `compacted` from, or None when the compaction is not plainly
    reversible (then the expanded form is published). A compact IRI `p://x` would be read as an absolute IRI, so
    its presence also refuses the compaction."""
    context = ",".join(f'"{p}":"{ns}"' for p, ns in sorted(prefixes.items())).encode("utf-8")
    head = b'{"@context":{' + context + b'},"@graph":'
    if not compacted.startswith(head) or not compacted.endswith(b"}\n"):
        return None
    body = compacted[len(head):-2]
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: len(item[1])):
        short = prefix.encode("utf-8") + b":"
        for before in _JSONLD_PLACES:
            if before + short + b"//" in body:
                return None
            body = body.replace(before + short, before + namespace.encode("utf-8"))
    return body


def read_back(data: bytes, fmt: str) -> bytes:
    """The statements of a written document as N-Triples (blank-node labels as written)."""
    try:
        return ox.serialize(ox.parse(data, format=OX_FORMATS[fmt]), format=NTRIPLES) or b""
    except (SyntaxError, ValueError) as error:
        raise InputError(f"the {fmt} serialisation does not parse back ({error}); refusing to publish it",
                         where="catalog") from None


def same_ntriples(expected: bytes, actual: bytes) -> bool:
    if expected == actual:
        return True
    if len(expected) != len(actual):
        return False
    return sorted(expected.split(b"\n")) == sorted(actual.split(b"\n"))  # a parser may emit another order


def write_checked(ntriples: bytes, fmt: str, *, keep=None, prefixes: dict | None = None, quads=None) -> bytes:
    """Write, then read back with pyoxigraph's parser: the same statements, lexical forms included, or an error."""
    try:
        data = write(ntriples, fmt, keep=keep, prefixes=prefixes, quads=quads)
    except (SyntaxError, ValueError) as error:  # e.g. a predicate RDF/XML cannot write as an XML name
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        raise InputError(f"cannot be written as {fmt}: {first_line}", where="catalog") from None
    if fmt == "ntriples":
        return data
    if fmt == "jsonld":
        # JSON-LD with a top-level @context is read back only once pyoxigraph has buffered the whole @graph (it
        # might be a named graph): at national scale that costs more memory than the catalog. So the expanded
        # form (a top-level array, which streams) is read back, and the compaction must undo exactly into it.
        expanded = jsonld_expanded(data, prefixes if prefixes is not None else used_prefixes(ntriples))
        same = expanded is not None and same_ntriples(ntriples, read_back(expanded, fmt))
        if not same and expanded is not None:
            expanded = None
        if expanded is None:  # publish the expanded form (no prefixes), checked as it is
            data = ox.serialize(ox.parse(ntriples, format=NTRIPLES), format=OX_FORMATS["jsonld"]) or b"[]"
            same = same_ntriples(ntriples, read_back(data, fmt))
        del expanded
    else:
        back = read_back(data, fmt)
        same = same_ntriples(ntriples, back)
        del back
    if not same:
        raise InputError(f"the {fmt} serialisation does not read back as the same statements; refusing to "
                         "publish a changed catalog", where="catalog")
    return data


# --------------------------------------------------------------------------------------------- page and paging

# What the HTML page and the Hydra page index read; nothing else is kept in Python objects.
INDEXED = {str(p) for p in (DCTERMS.title, FOAF.name, SKOS.prefLabel, VCARD.fn, DCTERMS.description,
                            DCTERMS.subject, DCAT.distribution, DCAT.dataset, DCTERMS.publisher,
                            DCTERMS.accessRights, DCAT.landingPage, DCAT.endpointURL, DCTERMS["format"],
                            DCAT.downloadURL, DCAT.accessURL)}
INDEXED_TYPES = {str(c) for c in (DCAT.Catalog, DCAT.Dataset, DCAT.DataService)}
INDEXED_TOKENS = {f"<{p}>".encode("utf-8") for p in INDEXED | {RDF_TYPE}} | {_TYPE_FIRST.strip()}


class CatalogIndex:
    """The statements the page and paging need, with rdflib's objects/subjects/value/len for `catalog_page`."""

    def __init__(self, triples: int = 0):
        self.by_subject: dict = {}  # (subject, predicate) -> [objects]
        self.by_object: dict = {}  # (predicate, object) -> [subjects], for rdf:type only
        self.blank_edges: dict = {}  # subject -> blank nodes it refers to (any predicate)
        self.triples = triples
        self._terms: dict = {}

    def _term(self, term):
        cls = term.__class__
        if cls is ox.Literal:
            language = term.language
            if language:
                return Literal(term.value, lang=language)
            return to_rdflib(term)
        value = term.value
        cached = self._terms.get(value)
        if cached is None:
            # pyoxigraph has validated the IRI already; rdflib's check would only cost time
            cached = self._terms[value] = str.__new__(URIRef, value) if cls is ox.NamedNode else BNode(value)
        return cached

    def keep(self, quad) -> None:
        predicate = quad.predicate.value
        obj = quad.object
        if obj.__class__ is ox.BlankNode:
            self.blank_edges.setdefault(self._term(quad.subject), []).append(self._term(obj))
        if predicate in INDEXED:
            key = (self._term(quad.subject), self._term(quad.predicate))
            self.by_subject.setdefault(key, []).append(self._term(obj))
        elif predicate == RDF_TYPE and obj.__class__ is ox.NamedNode and obj.value in INDEXED_TYPES:
            key = (self._term(quad.predicate), self._term(obj))
            self.by_object.setdefault(key, []).append(self._term(quad.subject))

    # the part of rdflib.Graph that catalog_page and the paging use
    def objects(self, subject=None, predicate=None):
        return iter(self.by_subject.get((subject, predicate), ()))

    def subjects(self, predicate=None, obj=None, unique=False):
        return iter(self.by_object.get((predicate, obj), ()))

    def value(self, subject=None, predicate=None):
        found = self.by_subject.get((subject, predicate))
        return found[0] if found else None

    def namespaces(self):
        return iter(())

    def __len__(self) -> int:
        return self.triples


def index_of(ntriples: bytes) -> CatalogIndex:
    index = CatalogIndex(ntriples.count(b"\n"))
    for quad in ox.parse(ntriples, format=NTRIPLES):
        index.keep(quad)
    return index


__all__ = ["Catalog", "CatalogIndex", "load_catalog", "write", "write_checked", "read_back", "index_of",
           "iri_problem", "FIXED_PREFIXES", "BNode", "Literal", "URIRef"]
