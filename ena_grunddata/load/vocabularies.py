"""The vocabularies (SKOS code lists and the domain registry): the ones shipped inside the package, and the user's
own `--vocabulary` files read through the safe loader."""

from __future__ import annotations

import functools

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .. import resources
from ..errors import InputError
from ..namespaces import GRUNDDATA_SCHEME
from .model import Limits
from .parse_rdflib import parse_document
from .sources import read_document


@functools.lru_cache(maxsize=None)
def builtin_vocabularies() -> Graph:
    graph = Graph()
    for entry in resources.vocabulary_files():
        graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle", publicID=f"urn:ena:vocab:{entry.name}")
    return graph


def load_vocabularies(extra=(), limits: Limits | None = None) -> Graph:
    """Built-in vocabularies plus user files; a user file's statements replace ours for the same subject and
    property (so a domain's responsible agency can be overridden, not doubled)."""
    if not extra:
        return builtin_vocabularies()
    graph = Graph()
    graph += builtin_vocabularies()
    for source in extra:
        document = read_document(str(source), limits=limits or Limits())
        if document.format == "description":  # reading one needs the vocabularies: it would ask for itself
            raise InputError("a vocabulary is RDF (SKOS concepts: Turtle, RDF/XML, JSON-LD, …), not a description "
                             "file", where=document.name)
        user = parse_document(document, limits)
        for subject, predicate in set(user.subject_predicates()):
            graph.remove((subject, predicate, None))
        graph += user
    return graph


def resolve_domain(graph: Graph, text: str) -> URIRef:
    """The domain concept `--domain` names: its slug (foretag), its Swedish or English label (Företag, Business),
    or its IRI, in any letter case. Anything else is a usage error that suggests the nearest slug."""
    import difflib
    import unicodedata

    from ..errors import UsageError

    def folded(value: str) -> str:
        plain = unicodedata.normalize("NFKD", value.casefold())
        return " ".join("".join(c for c in plain if not unicodedata.combining(c)).replace("-", " ").split())

    names: dict[str, URIRef] = {}  # folded name -> concept
    slugs: dict[URIRef, str] = {}
    for concept in graph.subjects(SKOS.inScheme, URIRef(GRUNDDATA_SCHEME)):
        if not isinstance(concept, URIRef):
            continue
        slug = str(graph.value(concept, SKOS.notation) or str(concept).rsplit("/", 1)[-1])
        slugs[concept] = slug
        for name in (slug, str(concept), *(str(label) for label in graph.objects(concept, SKOS.prefLabel)),
                     *(str(label) for label in graph.objects(concept, SKOS.altLabel))):
            names.setdefault(folded(name), concept)
    wanted = folded(str(text))
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6) or sorted(
        name for name in names if len(wanted) >= 4 and name.startswith(wanted))[:1]
    hint = f"did you mean '{slugs[names[close[0]]]}'? " if close else ""
    raise UsageError(f"unknown domain '{text}' ({hint}known: {', '.join(sorted(slugs.values())) or 'none'})")
