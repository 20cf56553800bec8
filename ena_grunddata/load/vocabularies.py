"""The vocabularies (SKOS code lists and the domain registry): the ones shipped inside the package, and the user's
own `--vocabulary` files read through the safe loader."""

from __future__ import annotations

import functools

from rdflib import Graph

from .. import resources
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
        user = parse_document(read_document(str(source), limits=limits or Limits()), limits)
        for subject, predicate in set(user.subject_predicates()):
            graph.remove((subject, predicate, None))
        graph += user
    return graph
