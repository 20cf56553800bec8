"""The one IRI and language-tag policy: terms that stores and the fast engine refuse are input errors."""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef

from ..errors import InputError
from .model import Document

_BAD_IRI_CHARACTER = re.compile(r'[\x00-\x20<>"{}|\\^`]')
# The fast engine's own names (stand-in datatypes, focus sets, markers). Written in input they could change a
# result in one engine and not the other, so both refuse them.
RESERVED_IRI_PREFIX = "urn:ena:fast:"
RESERVED_PROBLEM = f"IRIs starting {RESERVED_IRI_PREFIX} are reserved for the tool's own use"


# What a document must contain to make an IRI with the scheme `urn:` (any case): the scheme written out, or
# written with escapes (Turtle and N-Triples \u0075, JSON \u0075, XML &#117;). JSON-LD can also join a compact
# IRI's prefix and suffix into it ("u": "ur" … "u:n:…"), so JSON-LD is always asked.
_MAY_NAME_URN = (b"urn:", b"\\u", b"&#")


def may_name_reserved(document: Document) -> bool:
    """Whether the statements of `document` can hold an IRI starting urn:ena:fast: (False only when they cannot:
    then a store need not be searched for one, a scan of every statement)."""
    if document.format == "jsonld":
        return True
    data, step = document.data, 1 << 20
    texts = (str(document.base or "").lower().encode("utf-8", "replace"),
             *(data[start:start + step + 4].lower() for start in range(0, len(data), step)))  # slices overlap
    return any(needle in text for text in texts for needle in _MAY_NAME_URN)


def iri_problem(iri: str) -> str | None:
    """Why an IRI cannot be published (None: fine). rdflib accepts IRIs that every serialiser, SPARQL store and
    the fast engine (pyoxigraph, RFC 3987) refuse later, e.g. `0ttps://x` or `http://a:b/`."""
    if iri[:len(RESERVED_IRI_PREFIX)].lower() == RESERVED_IRI_PREFIX:
        return RESERVED_PROBLEM
    if _BAD_IRI_CHARACTER.search(iri):
        return "characters such as spaces, quotes and angle brackets must be percent-encoded"
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - a dependency; the character check above still holds
        return None
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as error:
        return f"not a valid absolute IRI: {str(error).strip() or 'rejected'}"
    return None


def language_problem(tag: str) -> str | None:
    """rdflib accepts tags such as `v` that BCP 47, RDF stores and the fast engine refuse."""
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - a dependency
        return None
    try:
        pyoxigraph.Literal("x", language=tag)
    except ValueError as error:
        return str(error).strip().rstrip(".").lower() or "rejected"
    return None


def check_terms(document: Document, graph: Graph) -> None:
    """Refuse terms that would corrupt any output later: bad IRIs and language tags, surrogates, controls."""
    seen = set()
    checked = set()  # datatype IRIs and language tags repeat across literals: check each once
    for triple in graph:
        for term in triple:
            if term in seen or isinstance(term, BNode):
                continue
            seen.add(term)
            iri = term if isinstance(term, URIRef) else getattr(term, "datatype", None)
            problem = iri_problem(str(iri)) if iri is not None and iri not in checked else None
            checked.add(iri)
            if problem:
                shown = str(iri).encode("unicode_escape").decode("ascii")
                raise InputError(f"invalid IRI <{shown}> ({problem})", where=document.name,
                                 line=_line_of_iri(document, str(iri)))
            if isinstance(term, Literal) and term.language and term.language not in checked \
                    and language_problem(term.language):
                raise InputError(f"invalid language tag '@{term.language}' ({language_problem(term.language)}; use a "
                                 "BCP 47 tag such as sv or en-GB)", where=document.name,
                                 line=_line_of(document.text, "@" + term.language))
            checked.add(getattr(term, "language", None))
            if isinstance(term, Literal) and _SURROGATE.search(term):
                raise InputError("a literal contains a lone surrogate code point (not valid Unicode)",
                                 where=document.name, line=_line_of_pattern(document.text, _SURROGATE_ESCAPE))
            if isinstance(term, Literal) and _CONTROL_CHARACTER.search(term):
                code = ord(_CONTROL_CHARACTER.search(term).group(0))
                raise InputError(f"a literal contains the control character U+{code:04X}, which RDF/XML and most "
                                 "tools cannot carry; remove it", where=document.name,
                                 line=_line_of_pattern(document.text, _CONTROL_ESCAPE))


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\U0000[dD][89a-fA-F][0-9a-fA-F]{2}")
# The one control-character policy: C0 controls other than tab, line feed and carriage return (XML 1.0 cannot hold
# them; NUL ends C strings), written raw or as a \u / \U escape. load/safety.py scans bytes with the same patterns.
CONTROL_CLASS = "[\x00-\x08\x0b\x0c\x0e-\x1f]"
CONTROL_ESCAPE = r"\\(?:u|U0000)(?:000[0-8bBcCeEfF]|001[0-9a-fA-F])"
_CONTROL_CHARACTER = re.compile(CONTROL_CLASS)
_CONTROL_ESCAPE = re.compile(f"{CONTROL_CLASS}|{CONTROL_ESCAPE}")


def _line_of_pattern(text: str, pattern: re.Pattern) -> int | None:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _line_of_iri(document: Document, iri: str) -> int | None:
    """The line of an IRI as written: whole, or (escaped or relative in the source) up to its first bad character."""
    line = _line_of(document.text, iri)
    if line is not None:
        return line
    written = iri[len(document.base):] if iri.startswith(document.base) and len(iri) > len(document.base) else iri
    prefix = written[:_BAD_IRI_CHARACTER.search(written).start()] if _BAD_IRI_CHARACTER.search(written) else written
    if not prefix:
        return None
    match = re.search(re.escape(prefix) + r"(?![\w>])", document.text)
    return document.text.count("\n", 0, match.start()) + 1 if match else None


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    if index < 0:
        return None
    return text.count("\n", 0, index) + 1


def _escaped(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")
