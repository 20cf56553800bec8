"""The catalog as published by `export` and `serve`: canonical N-Triples in, every format out, checked.

National scale without a second graph: sources are parsed by pyoxigraph's native parsers (the loader's safety
rules hold; description files and some JSON-LD come through rdflib) straight into N-Triples, which are sorted, freed of
duplicates and given stable blank-node labels (ena_grunddata.canonical). Every format is written by pyoxigraph's
serialisers from those quads (never through a store, which would rewrite literals), with the project's fixed
prefixes, and read back with pyoxigraph's parsers into N-Triples that must equal the source bytes: a statement
lost or a lexical form changed is an error, never a silently changed catalog. The same input therefore gives the
same bytes on every run and machine. `export` writes its three formats from one parse of the canonical statements
(fan_out); the JSON-LD file is read back as published, a slice of nodes at a time (jsonld_statements).

The HTML page and the Hydra page index are built from a subset of the canonical lines set aside while loading:
`CatalogIndex` keeps only the statements the page and paging need, as rdflib terms, behind the small part of
rdflib's Graph API that `catalog_page` uses.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from ..canonical import _TYPE_FIRST, RDF_TYPE_LINE, BlankGraph, blank_labels, relabelled, sorted_unique
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
# The alternatives of _SUSPECT found faster than by the regex over a whole catalog: one long byte string, a pattern
# led by `<` (which sre searches for quickly), and backslashes (rare in N-Triples), each then matched where it stands.
_SUSPECT_PLACEHOLDER = b"<https://relative.invalid/"
_SUSPECT_FILE = re.compile(rb"(?i)<file:")
_NO_SCHEME = re.compile(rb"<(?:[^A-Za-z]|[A-Za-z][A-Za-z0-9+.\-]*[^A-Za-z0-9+.\-:])")
_BLANK_SUBJECT = re.compile(rb"\n_:")
_BLANK_OBJECT = re.compile(rb" _:[^ \n\"]+ \.\n")


# --------------------------------------------------------------------------------------------- loading


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector paused for a while (reference counting still frees everything).

    Loading and indexing a national catalog make millions of small containers (lines, terms, index entries), and
    every collection of the oldest generation walks all of them again: at 25,000 datasets that was a fifth of
    export's time. What is built here forms no reference cycles, so nothing waits for the collector; validation is
    not run inside."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Catalog:
    """One loaded version of the catalog: canonical N-Triples and where they came from.

    `index_ntriples` is the part of the statements the page and the paging read (see CatalogIndex), when it was set
    aside while loading (None: the index reads every statement).
    """

    ntriples: bytes
    sources: list[str]
    documents: list[Document] = field(default_factory=list)
    index_ntriples: bytes | None = None
    prefixes: dict = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return self.ntriples.count(b"\n")

    def index(self) -> CatalogIndex:
        index = CatalogIndex(self.triples)
        statements = self.ntriples if self.index_ntriples is None else self.index_ntriples
        index.keep_all(ox.parse(statements, format=NTRIPLES))
        return index


def load_catalog(sources, *, input_format=None, limits: Limits | None = None, page_subset: bool = True) -> Catalog:
    """Read every source (the loader's rules), refuse unpublishable terms, and make canonical N-Triples.

    Each document goes from pyoxigraph's parser straight into N-Triples (no Python object per statement); the
    lines that touch blank nodes get stable labels, and all are sorted without duplicates (rdf:type first within a
    subject: while sorting, a marker that sorts first stands in for rdf:type). `page_subset`: also set aside the
    lines the page and paging read (`serve` indexes them; `export` indexes while it writes).
    """
    limits = limits or Limits()
    documents = read_inputs(sources, input_format=input_format, limits=limits)
    lines: list = []
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
        suspects = _suspect_positions(data)
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
        lines.extend(data.split(b"\n"))
        del data
    if blank:
        lines = _relabel_blank_nodes(lines, b"".join(blank))
    del blank
    ordered = sorted_unique(lines)
    del lines
    subset = None
    if page_subset:
        wanted = INDEXED_TOKENS
        typed = _TYPE_FIRST.strip()
        subset = [line for line in ordered
                  if (line.startswith(wanted, at := line.index(b" ") + 1)
                      and (not line.startswith(typed, at) or line.endswith(INDEXED_TYPE_ENDINGS)))
                  or b" _:" in line]
        subset.append(b"")
        subset = b"\n".join(subset).replace(_TYPE_FIRST, RDF_TYPE_LINE)
    ordered.append(b"")  # a last empty line: the join ends with a newline (no further copy of the catalog)
    ntriples = b"\n".join(ordered).replace(_TYPE_FIRST, RDF_TYPE_LINE)
    del ordered
    return Catalog(ntriples, [d.name for d in documents], documents, index_ntriples=subset,
                   prefixes=used_prefixes(ntriples))


def _suspect_positions(data: bytes) -> list[int]:
    """Every place where `_SUSPECT` matches in `data` (finditer's places, and any overlapping ones)."""
    found = [match.start() for match in _SUSPECT_FILE.finditer(data)]
    at = data.find(_SUSPECT_PLACEHOLDER)
    while at != -1:
        found.append(at)
        at = data.find(_SUSPECT_PLACEHOLDER, at + 1)
    match = _SUSPECT.match
    at = data.find(b"\\")
    while at != -1:
        if match(data, at):
            found.append(at)
        at = data.find(b"\\", at + 1)
    return found


def _lines_at(data: bytes, positions) -> bytes:
    """The whole lines of N-Triples `data` that contain the given byte positions (each once)."""
    spans = set()
    for position in positions:
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        spans.add((start, len(data) if end == -1 else end))
    return b"".join(data[start:end] + b"\n" for start, end in sorted(spans))


def _relabel_blank_nodes(lines: list, blank: bytes) -> list:
    """`lines` with those that touch blank nodes replaced by the same statements with stable labels (canonical.py).
    `lines` hold rdf:type as the sorting marker; `blank` is plain N-Triples."""
    old = set(blank.replace(RDF_TYPE_LINE, _TYPE_FIRST).split(b"\n"))
    kept = [line for line in lines if line not in old]
    graph = BlankGraph()
    for quad in ox.parse(blank, format=NTRIPLES):
        graph.add(quad.subject, quad.predicate, quad.object)
    labels = blank_labels(graph)
    written = ox.serialize(relabelled(graph, labels), format=NTRIPLES) or b""
    kept.extend(written.replace(RDF_TYPE_LINE, _TYPE_FIRST).split(b"\n"))
    return kept


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
    key. write_checked reads the result back with pyoxigraph's JSON-LD parser (jsonld_statements) and insists on the
    same statements.
    """
    context = ",".join(f'"{p}":"{ns}"' for p, ns in sorted(prefixes.items()))
    body = expanded
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        ns = namespace.encode("utf-8")
        short = prefix.encode("utf-8") + b":"
        for before in _JSONLD_PLACES:
            body = body.replace(before + ns, before + short)
    return _JSONLD_GRAPH[0] + context.encode("utf-8") + _JSONLD_GRAPH[1] + body + _JSONLD_GRAPH[2]


_JSONLD_GRAPH = (b'{"@context":{', b'},"@graph":', b"}\n")  # how _jsonld wraps the nodes
# Between two top-level nodes of pyoxigraph's JSON-LD: a node ends with its last property's array, and `{"` never
# occurs inside a JSON string (a quote in a string is escaped), nor does a value object hold an array.
_JSONLD_NODE_BREAK = b']},{"@id":'
JSONLD_CHUNK = 1 << 20  # bytes of nodes parsed at a time


def jsonld_statements(compacted: bytes, *, chunk: int = JSONLD_CHUNK):
    """The statements of a document `_jsonld` wrote, parsed by pyoxigraph's JSON-LD parser a slice of nodes at a
    time, each slice under the document's own @context (its blank-node labels are kept as written, so the slices
    name the same nodes).

    Why slices: pyoxigraph reads a top-level @graph only once it has buffered all of it (the object might carry an
    @id after it, making it a named graph), which at national scale costs more memory than the catalog. Another
    layout than _jsonld's, or a slice that is not well-formed JSON, raises ValueError.
    """
    head_end = compacted.find(_JSONLD_GRAPH[1])
    if not compacted.startswith(_JSONLD_GRAPH[0]) or head_end == -1 or not compacted.endswith(b"]" + _JSONLD_GRAPH[2]):
        raise ValueError("not the layout of an exported JSON-LD document")
    head = compacted[:head_end + len(_JSONLD_GRAPH[1])] + b"["
    start, end = head_end + len(_JSONLD_GRAPH[1]), len(compacted) - len(_JSONLD_GRAPH[2])
    if compacted[start:start + 1] != b"[":
        raise ValueError("not the layout of an exported JSON-LD document")
    start += 1  # inside the array: nodes from `start` to the closing bracket at end - 1
    tail = b"]" + _JSONLD_GRAPH[2]
    while start < end - 1:
        cut = compacted.find(_JSONLD_NODE_BREAK, start + chunk, end - 1)
        stop = end - 1 if cut == -1 else cut + 2  # after the node's closing `]}`
        yield from ox.parse(head + compacted[start:stop] + tail, format=OX_FORMATS["jsonld"])
        start = stop + 1  # past the comma


def _read_as_absolute(compacted: bytes, prefixes: dict) -> bool:
    """Whether a shortened IRI reads as `p://x`, which JSON-LD takes for an absolute IRI, not prefix p (JSON-LD 1.1
    §4.1.4), whatever the parser at hand does."""
    for prefix in prefixes:
        short = prefix.encode("utf-8") + b"://"
        if short in compacted and any(before + short in compacted for before in _JSONLD_PLACES):
            return True
    return False


def read_back(data: bytes, fmt: str) -> bytes:
    """The statements of a written document as N-Triples (blank-node labels as written)."""
    try:
        return ox.serialize(ox.parse(data, format=OX_FORMATS[fmt]), format=NTRIPLES) or b""
    except (SyntaxError, ValueError) as error:
        raise InputError(f"the {fmt} serialisation does not parse back ({error}); refusing to publish it",
                         where="catalog") from None


def reads_back(ntriples: bytes, parse, fmt: str | None = None) -> bool:
    """Whether the statements `parse()` gives are exactly those of `ntriples`, lexical forms included.

    They are written as N-Triples and compared with `ntriples` as they come (no second copy of the catalog); only
    if they differ, `parse()` is called again and the lines are compared in any order (a parser may emit another).
    With `fmt`, a document that does not parse is an error that names it; else SyntaxError/ValueError pass on."""
    try:
        comparing = _Comparing(ntriples)
        ox.serialize(parse(), comparing, format=NTRIPLES)
        if comparing.same and comparing.at == len(ntriples):
            return True
        return same_ntriples(ntriples, ox.serialize(parse(), format=NTRIPLES) or b"")
    except (SyntaxError, ValueError) as error:
        if fmt is None:
            raise
        raise InputError(f"the {fmt} serialisation does not parse back ({error}); refusing to publish it",
                         where="catalog") from None


class _Comparing:
    """A binary file that compares what is written to it with `expected`, from the start."""

    def __init__(self, expected: bytes):
        self.expected, self.at, self.same = memoryview(expected), 0, True

    def write(self, chunk) -> int:
        end = self.at + len(chunk)
        if self.same and self.expected[self.at:end] != chunk:
            self.same = False
        self.at = end
        return len(chunk)

    def flush(self) -> None:
        pass


def same_ntriples(expected: bytes, actual: bytes) -> bool:
    if expected == actual:
        return True
    if len(expected) != len(actual):
        return False
    return sorted(expected.split(b"\n")) == sorted(actual.split(b"\n"))  # a parser may emit another order


def write_checked(ntriples: bytes, fmt: str, *, keep=None, prefixes: dict | None = None, quads=None) -> bytes:
    """Write, then read back with pyoxigraph's parser: the same statements, lexical forms included, or an error."""
    prefixes = used_prefixes(ntriples) if prefixes is None else prefixes
    data = _written(fmt, lambda: write(ntriples, fmt, keep=keep, prefixes=prefixes, quads=quads))
    return checked(ntriples, fmt, data, prefixes)


def write_checked_all(ntriples: bytes, formats, *, prefixes: dict | None = None,
                      index: CatalogIndex | None = None) -> dict[str, bytes]:
    """write_checked for several formats, all written from one parse of the statements (and `index`, if given,
    filled from the same parse).

    Parsing is the costly part of writing (a Python object per statement), so it is done once: each serialiser runs
    in its own thread and reads the same batches of parsed statements (fan_out), only a few batches held at a time.
    No parallelism is sought (the threads take turns); the files come out the same as one by one."""
    prefixes = used_prefixes(ntriples) if prefixes is None else prefixes
    formats = list(formats)
    writers = [lambda quads, fmt=fmt: _written(fmt, lambda: write(ntriples, fmt, prefixes=prefixes, quads=quads))
               for fmt in formats]
    written = fan_out(ox.parse(ntriples, format=NTRIPLES), writers + ([index.keep_all] if index is not None else []))
    files = {}
    for fmt in formats:
        files[fmt] = checked(ntriples, fmt, written.pop(0), prefixes)
    return files


def _written(fmt: str, write_it) -> bytes:
    try:
        return write_it()
    except (SyntaxError, ValueError) as error:  # e.g. a predicate RDF/XML cannot write as an XML name
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        raise InputError(f"cannot be written as {fmt}: {first_line}", where="catalog") from None


FAN_OUT_BATCH = 4096  # statements per batch handed to every consumer


def fan_out(quads, consumers, *, batch: int = FAN_OUT_BATCH, backlog: int = 2) -> list:
    """Each consumer (a callable taking an iterable of quads) run in its own thread on the same stream of `quads`,
    which is read once, in batches; the results in the consumers' order. A consumer's error is raised here once all
    have finished; a consumer that stops early lets the rest of the stream pass."""
    import itertools
    import queue
    import threading

    queues = [queue.Queue(maxsize=backlog) for _ in consumers]
    results: list = [None] * len(consumers)
    errors: list = [None] * len(consumers)

    def run(number):
        inbox = queues[number]

        def items():
            while (part := inbox.get()) is not None:
                yield from part

        stream = items()
        try:
            results[number] = consumers[number](stream)
        except BaseException as error:  # noqa: BLE001 (re-raised in the calling thread)
            errors[number] = error
        for _ in stream:  # let the producer go on to the end
            pass

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(len(consumers))]
    for thread in threads:
        thread.start()
    try:
        source = iter(quads)
        while part := list(itertools.islice(source, batch)):
            for inbox in queues:
                inbox.put(part)
    finally:
        for inbox in queues:
            inbox.put(None)
        for thread in threads:
            thread.join()
    for error in errors:
        if error is not None:
            raise error
    return results


def checked(ntriples: bytes, fmt: str, data: bytes, prefixes: dict) -> bytes:
    """`data` (what `write` made of `ntriples` as `fmt`) if pyoxigraph's parser reads it back as the same statements,
    lexical forms included; else an error. (JSON-LD whose compaction does not read back is replaced by the expanded
    form, checked in turn.)"""
    if fmt == "ntriples":
        return data
    if fmt == "jsonld":
        # The compacted document is read back by pyoxigraph's JSON-LD parser, a slice of nodes at a time (whole, it
        # would be buffered: more memory than the catalog). If that fails or differs, the expanded form (no prefixes)
        # is published instead, checked as it is.
        try:
            same = not _read_as_absolute(data, prefixes) and reads_back(ntriples, lambda: jsonld_statements(data))
        except (SyntaxError, ValueError):
            same = False
        if not same:
            data = ox.serialize(ox.parse(ntriples, format=NTRIPLES), format=OX_FORMATS["jsonld"]) or b"[]"
            same = reads_back(ntriples, lambda: ox.parse(data, format=OX_FORMATS[fmt]), fmt)
    else:
        same = reads_back(ntriples, lambda: ox.parse(data, format=OX_FORMATS[fmt]), fmt)
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
INDEXED_TYPE_ENDINGS = tuple(f"<{c}> .".encode("utf-8") for c in sorted(INDEXED_TYPES))  # of a sorted line
INDEXED_TOKENS = tuple(sorted({f"<{p}>".encode("utf-8") for p in INDEXED | {RDF_TYPE}} | {_TYPE_FIRST.strip()}))


class CatalogIndex:
    """The statements the page and paging need, with rdflib's objects/subjects/value/len for `catalog_page`."""

    def __init__(self, triples: int = 0):
        self.by_subject: dict = {}  # (subject, predicate) -> [objects]
        self.by_object: dict = {}  # (predicate, object) -> [subjects], for rdf:type only
        self.blank_edges: dict = {}  # subject -> blank nodes it refers to (any predicate)
        self.triples = triples
        self._terms: dict = {}
        self._literals: dict = {}

    def _term(self, term):
        cls = term.__class__
        if cls is ox.Literal:
            key = (term.value, term.language, term.datatype.value)  # repeated values (formats, names) made once
            cached = self._literals.get(key)
            if cached is None:
                cached = self._literals[key] = Literal(key[0], lang=key[1]) if key[1] else to_rdflib(term)
            return cached
        value = term.value
        cached = self._terms.get(value)
        if cached is None:
            # pyoxigraph has validated the IRI already; rdflib's check would only cost time
            cached = self._terms[value] = str.__new__(URIRef, value) if cls is ox.NamedNode else BNode(value)
        return cached

    def keep(self, quad) -> None:
        self.keep_all((quad,))

    def keep_all(self, quads) -> None:
        """Index the statements the page and paging read (see INDEXED); the others are passed over. (The terms
        already made are looked up inline: this runs once per statement of a national catalog.)"""
        term, made, blank, named = self._term, self._terms.get, ox.BlankNode, ox.NamedNode
        by_subject, by_object, blank_edges = self.by_subject, self.by_object, self.blank_edges
        for quad in quads:
            predicate, obj = quad.predicate, quad.object
            iri = predicate.value
            kind = obj.__class__
            if kind is blank:
                subject = quad.subject
                blank_edges.setdefault(made(subject.value) or term(subject), []).append(term(obj))
            if iri in INDEXED:
                subject = quad.subject
                key = (made(subject.value) or term(subject), made(iri) or term(predicate))
                value = (made(obj.value) or term(obj)) if kind is named else term(obj)
                found = by_subject.get(key)
                if found is None:
                    by_subject[key] = [value]
                else:
                    found.append(value)
            elif iri == RDF_TYPE and kind is named and obj.value in INDEXED_TYPES:
                by_object.setdefault((term(predicate), term(obj)), []).append(term(quad.subject))

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
    index.keep_all(ox.parse(ntriples, format=NTRIPLES))
    return index


__all__ = ["Catalog", "CatalogIndex", "load_catalog", "write", "write_checked", "write_checked_all", "read_back",
           "gc_paused", "index_of", "iri_problem", "FIXED_PREFIXES", "BNode", "Literal", "URIRef"]
