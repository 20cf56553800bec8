"""pyoxigraph's native parser for the fast engine, under the same safety rules as the rdflib path."""

from __future__ import annotations

import hashlib
import re

from ..errors import InputError
from .model import Document, Limits
from .parse_rdflib import no_network, parse_document, time_budget
from .safety import check_control_characters, check_safe, jsonld_streams

# --------------------------------------------------------------------------------------------- fast parsing

OXIGRAPH_FORMATS = {"rdfxml": "RDF_XML", "turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS",
                    "trig": "TRIG", "jsonld": "JSON_LD"}


class RefusedByOxigraph(Exception):
    """pyoxigraph refused a document that rdflib reads: the caller takes rdflib's graph instead."""


# Formats of triples only, which a store can load whole into its default graph.
TRIPLE_FORMATS = {"rdfxml", "turtle", "ntriples"}


def parse_document_oxigraph(document: Document, limits: Limits | None = None, sink=None, native=None):
    """Parse with pyoxigraph's native parser (for the fast engine) and hand the quads to `sink`.

    The same safety rules as parse_document hold (check_safe, no network, time budget). Description files, and
    JSON-LD that load.safety.jsonld_streams cannot vouch for (a rule broken, a context by reference, what rdflib
    reads otherwise), go through parse_document and come back as an rdflib Graph (else None is returned). JSON-LD
    is checked without its JSON tree, so only pyoxigraph's parser holds the document. On a syntax error
    rdflib parses again so the error names file and line; if rdflib accepts what pyoxigraph refused,
    RefusedByOxigraph is raised and the caller reads the document with parse_document.

    `native(data, format, base_iri)`, when given, may load a document of triples whole instead (it returns True
    when it did; FastData.load_native); the checks and error messages are the same.
    """
    limits = limits or Limits()
    if document.format not in OXIGRAPH_FORMATS:
        return parse_document(document, limits)
    if not document.data.strip():
        raise InputError("empty input: no RDF to read", where=document.name)
    if document.format in ("turtle", "trig"):
        # Only the nesting bound is left out: it protects rdflib's recursive parser, pyoxigraph parses nesting
        # iteratively (200,000 levels parse fine), and a fallback to rdflib checks again. Control characters
        # would still corrupt every output.
        check_control_characters(document)
    elif document.format == "jsonld":  # the checks in check_safe's order, so that a refusal is the same line
        shape: dict = {}
        if not jsonld_streams(document, limits.max_nesting, shape):
            return parse_document(document, limits)  # the JSON tree, the same checks as before, then rdflib
        check_control_characters(document)
    else:
        check_safe(document, limits)
    import pyoxigraph

    data, fmt = oxigraph_input(document)
    try:
        with no_network(), time_budget(limits.timeout, document.name):
            if native is not None and loaded_natively(document) and native(data, fmt, document.base):
                return None
            if document.format == "jsonld" and graph_in_slices(shape):
                quads = jsonld_slices(data, document.base)
            else:
                quads = pyoxigraph.parse(data, format=fmt, base_iri=document.base, rename_blank_nodes=True)
            if document.format in ("nquads", "trig", "jsonld"):  # named graphs are merged, as in parse_document
                quads = (pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in quads)
            sink(quads)
    except InputError:
        raise
    except RecursionError:
        raise InputError("nesting too deep to parse", where=document.name) from None
    except MemoryError:  # pyoxigraph caps one token at 16 MiB ("buffer maximal size"); rdflib reads it
        raise RefusedByOxigraph(document.name) from None
    except (SyntaxError, ValueError, OSError, UnicodeError):
        parse_document(document, limits)  # raises InputError with rdflib's file:line message
        raise RefusedByOxigraph(document.name) from None
    return None


def oxigraph_input(document: Document):
    """(bytes, pyoxigraph format) that parse_document_oxigraph gives pyoxigraph for a document of its formats."""
    import pyoxigraph

    data = document.data
    if document.format == "rdfxml" and b"\r" in data:  # XML 1.0 §2.11 line ends, as rdflib (expat) reads them
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data, getattr(pyoxigraph.RdfFormat, OXIGRAPH_FORMATS[document.format])


def loaded_natively(document: Document) -> bool:
    """Whether parse_document_oxigraph hands `document` to `native` (a whole document of triples), when it gets
    that far (not empty, its checks pass) and `native` is given."""
    return document.format in TRIPLE_FORMATS


# --------------------------------------------------------------------------------------------- JSON-LD in slices

SLICE_NODES = 200  # @graph nodes given to pyoxigraph at a time (2,000 held 40 MiB more for a 12 MiB page, at the same speed)


def graph_in_slices(shape: dict) -> bool:
    """Whether a JSON-LD document (checked by jsonld_streams, which filled `shape`) is an object holding only
    @graph (an array) and at most one @context: then its nodes can be parsed a slice at a time.

    pyoxigraph holds a top object's @graph as parsed JSON values until the object ends (an @id after it would make
    it a named graph), several times the text's size; a slice at a time it holds one slice."""
    keys = shape.get("keys") or []
    return shape.get("top") == "start_map" and shape.get("graph") == "start_array" \
        and sorted(keys) in (["@graph"], ["@context", "@graph"])


def jsonld_slices(data: bytes, base: str | None):
    """The triples of a document that graph_in_slices accepted: its @graph's nodes read one at a time (ijson), and
    every SLICE_NODES of them parsed by pyoxigraph as a document of their own under the same @context.

    A blank-node label names one node in the whole document, so each is renamed the same way in every slice
    (a prefix drawn once per document keeps documents apart; the labels pyoxigraph draws for unnamed nodes are
    random, so they stay apart too)."""
    import io
    import json
    import secrets

    import ijson
    import pyoxigraph

    context = list(ijson.items(io.BytesIO(data), "@context", use_float=False))
    prefix = "s" + secrets.token_hex(8) + "x"
    blank, quad = pyoxigraph.BlankNode, pyoxigraph.Quad
    fmt = pyoxigraph.RdfFormat.JSON_LD

    def renamed(node):
        if node.__class__ is not blank:
            return node
        label = node.value
        if not _PLAIN_LABEL(label):
            label = hashlib.sha256(label.encode("utf-8")).hexdigest()[:32]
        return blank(prefix + label)

    def parse(nodes: list):
        text = json.dumps({**({"@context": context[0]} if context else {}), "@graph": nodes}, ensure_ascii=False)
        for q in pyoxigraph.parse(text.encode("utf-8"), format=fmt, base_iri=base, rename_blank_nodes=False):
            yield quad(renamed(q.subject), q.predicate, renamed(q.object))

    nodes: list = []
    for node in ijson.items(io.BytesIO(data), "@graph.item", use_float=False):
        nodes.append(node)
        if len(nodes) == SLICE_NODES:
            yield from parse(nodes)
            nodes = []
    if nodes:
        yield from parse(nodes)


_PLAIN_LABEL = re.compile(r"[A-Za-z0-9]+").fullmatch
