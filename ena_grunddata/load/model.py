"""What the loader works with: formats, limits, documents and loaded graphs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import rdflib

from ..errors import UsageError

# rdflib logs a full traceback for every ill-typed literal; such literals become findings instead.
logging.getLogger("rdflib").setLevel(logging.CRITICAL)
# Keep lexical forms as written ("01"^^xsd:integer stays "01"): we report on data, we do not rewrite it.
rdflib.NORMALIZE_LITERALS = False

MiB = 1024 * 1024
DEFAULT_MAX_INPUT_BYTES = 256 * MiB
DEFAULT_TIMEOUT = 300.0
# Deepest [ ] / ( ) in Turtle, objects/arrays in JSON-LD, elements in RDF/XML. rdflib's parsers recurse per level
# and hit Python's recursion limit at 120-330 levels (fewer when called deep in a stack); real metadata needs < 20.
DEFAULT_MAX_NESTING = 100


@dataclass(frozen=True)
class RdfFormat:
    name: str
    rdflib_name: str
    media_types: tuple[str, ...]
    extensions: tuple[str, ...]


FORMATS = {
    f.name: f
    for f in (
        RdfFormat("rdfxml", "xml", ("application/rdf+xml",), (".rdf", ".owl", ".xml")),
        RdfFormat("turtle", "turtle", ("text/turtle", "application/x-turtle"), (".ttl", ".turtle")),
        RdfFormat("jsonld", "json-ld", ("application/ld+json",), (".jsonld", ".json-ld")),
        RdfFormat("ntriples", "nt", ("application/n-triples",), (".nt",)),
        RdfFormat("nquads", "nquads", ("application/n-quads",), (".nq",)),
        RdfFormat("trig", "trig", ("application/trig",), (".trig",)),
    )
}
FORMAT_ALIASES = {"xml": "rdfxml", "rdf": "rdfxml", "ttl": "turtle", "json-ld": "jsonld", "nt": "ntriples",
                  "nq": "nquads"}
# YAML/JSON description files (the `describe` format) are loaded through the same door.
DESCRIPTION_EXTENSIONS = (".yaml", ".yml", ".json")
ACCEPT_HEADER = ("application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.8, "
                 "application/n-triples;q=0.7, application/trig;q=0.6, application/n-quads;q=0.6, */*;q=0.1")


@dataclass
class Limits:
    """Bounds on every document read: bytes before parsing, seconds of parsing."""

    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    timeout: float | None = DEFAULT_TIMEOUT
    allow_private: bool = False
    max_nesting: int = DEFAULT_MAX_NESTING
    follow_symlinks: bool = False  # symbolic links inside an input folder that lead outside it


@dataclass
class Document:
    """The bytes of one input and what we know about them."""

    name: str  # as shown to the user: the path as given, the URL, or <stdin>
    data: bytes
    format: str  # a key of FORMATS, or "description"
    base: str  # base IRI for relative references
    # What one reading of the text found (load/origins.py: TextIndex): its lines, subjects and prefixes, kept
    # with the document so that the exact-line finder does not read a national catalog's text again.
    index: object = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def normalise_format(name: str | None) -> str | None:
    if name is None:
        return None
    key = name.strip().lower()
    key = FORMAT_ALIASES.get(key, key)
    if key not in FORMATS and key != "description":
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown input format '{name}' (known: {known})")
    return key


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))
