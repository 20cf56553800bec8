"""Scalar values both ways: a YAML value <-> an RDF term, per value kind. Parse keeps a value only when
converting it back gives the very same term, so RDF -> YAML -> RDF never changes a triple."""

from __future__ import annotations

import contextlib
import contextvars
import re

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from ..namespaces import GSP, PREFIXES


# The vocabularies a description file may take codes from while it is loaded (`validate --vocabulary FILE`):
# set by the validation pipeline around loading, read when a description is built (description.api).
active_vocabularies: contextvars.ContextVar = contextvars.ContextVar("ena_description_vocabularies", default=())


@contextlib.contextmanager
def vocabularies_in_use(vocabularies):
    """While loading for `validate --vocabulary FILE`, description files accept the codes FILE defines."""
    token = active_vocabularies.set(tuple(str(v) for v in vocabularies or ()))
    try:
        yield
    finally:
        active_vocabularies.reset(token)


NOPE = object()  # "this term cannot be written as this kind of value"

_DATE = re.compile(r"^-?\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
_YEAR = re.compile(r"^-?\d{4}$")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
IRI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$"
DATE_PATTERN = (r"^-?\d{4}(-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?$")


class Vocab:
    """Friendly codes (skos:notation) of the loaded vocabularies, per scheme."""

    def __init__(self, graph):
        self.iri_of: dict[str, dict[str, URIRef]] = {}
        self.notation_of: dict[str, dict[URIRef, str]] = {}
        for concept, scheme in graph.subject_objects(SKOS.inScheme):
            notation = graph.value(concept, SKOS.notation)
            if notation is None or not isinstance(concept, URIRef):
                continue
            self.iri_of.setdefault(str(scheme), {})[str(notation)] = concept
            self.notation_of.setdefault(str(scheme), {})[concept] = str(notation)

    def notations(self, schemes) -> list[str]:
        return sorted({n for s in schemes for n in self.iri_of.get(s, {})})

    def to_iri(self, schemes, value: str):
        for scheme in schemes:
            if value in self.iri_of.get(scheme, {}):
                return self.iri_of[scheme][value]
        return None

    def notation(self, schemes, iri):
        for scheme in schemes:
            if iri in self.notation_of.get(scheme, {}):
                return self.notation_of[scheme][iri]
        return None

    def in_schemes(self, schemes, iri) -> bool:
        return self.notation(schemes, iri) is not None


def is_iri(value) -> bool:
    return isinstance(value, str) and bool(_SCHEME.match(value)) and not _BAD_IRI.search(value)


def date_type(text: str):
    if _DATE.match(text):
        return XSD.date
    if _DATETIME.match(text):
        return XSD.dateTime
    if _YEAR.match(text):
        return XSD.gYear
    return None


def expand_curie(text: str) -> URIRef | None:
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return URIRef(str(PREFIXES[prefix]) + local)
    return URIRef(text) if is_iri(text) else None


def curie(iri: URIRef) -> str:
    best = None
    for prefix, namespace in PREFIXES.items():
        namespace = str(namespace)
        local = str(iri)[len(namespace):]
        if str(iri).startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w.-]*", local or "-"):
            if best is None or len(namespace) > best[1]:
                best = (f"{prefix}:{local}", len(namespace))
    return best[0] if best else str(iri)


# --- YAML -> RDF ---------------------------------------------------------------------------------------------------

def scalar_to_term(kind: str, value, field, vocab: Vocab):
    """One YAML scalar as an RDF term, or None when it does not fit (the schema check says why)."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    if kind == "literal":
        return Literal(value) if isinstance(value, str) else None
    if kind == "iri":
        return URIRef(value) if is_iri(value) else None
    if kind in ("email", "tel"):
        if not isinstance(value, str) or not value:
            return None
        if _SCHEME.match(value) and not (kind == "tel" and value.startswith("+")):
            return URIRef(value) if is_iri(value) else None
        text = value if kind == "email" else re.sub(r"\s+", "", value)
        text = ("mailto:" if kind == "email" else "tel:") + text
        return URIRef(text) if is_iri(text) else None
    if kind == "code":
        if not isinstance(value, str):
            return None
        concept = vocab.to_iri(field.schemes, value)
        if concept is not None:
            return concept
        return URIRef(value) if is_iri(value) and ":" in value else None
    if kind == "date":
        text = str(value)
        datatype = date_type(text)
        return Literal(text, datatype=datatype) if datatype else None
    if kind == "decimal":
        if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)",
                                                                                       value)):
            return Literal(str(value), datatype=XSD.decimal)
        return None
    if kind == "integer":
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return Literal(str(value), datatype=XSD.nonNegativeInteger)
        return None
    if kind == "duration":
        return Literal(value, datatype=XSD.duration) if isinstance(value, str) else None
    if kind == "wkt":
        return Literal(value, datatype=GSP.wktLiteral) if isinstance(value, str) else None
    return None


def text_terms(value) -> list:
    """`text` values: a plain string (no language) or {lang: str | [str]}."""
    if isinstance(value, str):
        return [Literal(value)]
    terms = []
    if isinstance(value, dict):
        for lang, texts in value.items():
            for text in texts if isinstance(texts, list) else [texts]:
                if isinstance(text, str):
                    try:
                        terms.append(Literal(text, lang=str(lang)))
                    except ValueError:
                        pass  # a malformed language tag: the schema check reports it
    return terms


# --- RDF -> YAML ---------------------------------------------------------------------------------------------------

def term_to_scalar(kind: str, term, field, vocab: Vocab):
    """The YAML value for one term, or NOPE. Callers check the round trip with scalar_to_term."""
    if isinstance(term, BNode):
        return NOPE
    if kind == "literal":
        ok = isinstance(term, Literal) and term.language is None and term.datatype is None
        return str(term) if ok else NOPE
    if isinstance(term, Literal):
        if kind == "date" and term.datatype in (XSD.date, XSD.dateTime, XSD.gYear):
            return str(term)
        if kind == "decimal" and term.datatype == XSD.decimal:
            return str(term)
        if kind == "integer" and term.datatype == XSD.nonNegativeInteger:
            return int(str(term)) if str(term).isdigit() and str(int(str(term))) == str(term) else str(term)
        if kind == "duration" and term.datatype == XSD.duration:
            return str(term)
        if kind == "wkt" and term.datatype == GSP.wktLiteral:
            return str(term)
        return NOPE
    if kind == "iri":
        return str(term)
    if kind == "email":
        return str(term)[7:] if str(term).startswith("mailto:") else str(term)
    if kind == "tel":
        return str(term)[4:] if str(term).startswith("tel:") else str(term)
    if kind == "code":
        notation = vocab.notation(field.schemes, term)
        if notation is not None:
            return notation
        return NOPE if field.strict else str(term)
    return NOPE


def round_trips(kind, term, field, vocab) -> object:
    value = term_to_scalar(kind, term, field, vocab)
    if value is NOPE or scalar_to_term(kind, value, field, vocab) != term:
        return NOPE
    if field.pattern and not re.search(field.pattern, str(value)):
        return NOPE  # the schema would refuse it: keep it under `extra` instead
    return value
