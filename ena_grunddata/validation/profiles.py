"""Profiles, shapes and vocabularies: the rules as data.

A profile is a named set of shapes files in `shapes/`. Allowed values are never written in the shapes: a property
shape names a SKOS scheme with `ena:allowedValuesFrom` (IRIs) or `ena:allowedNotationsFrom` (literal notations), and
this module expands that into `sh:in` from the loaded vocabularies, so each list lives once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS, XSD

from .. import resources
from ..load.vocabularies import builtin_vocabularies, load_vocabularies  # noqa: F401  (re-exported)
from ..errors import UsageError
from ..load import Limits, parse_document, read_document
from ..namespaces import ENA, bind_prefixes

# name -> shapes files, in order; a profile brings the profiles it builds on.
PROFILES = {
    "dcat-ap-se": ("dcat-ap-se.ttl",),
    "grunddata": ("dcat-ap-se.ttl", "grunddata.ttl"),
}
DEFAULT_PROFILES = ("dcat-ap-se", "grunddata")


@dataclass
class Shapes:
    """A shapes graph ready for any engine, with the profiles it came from."""

    graph: Graph
    profiles: list[str]
    user_files: list[str]

    def code_of(self, shape) -> str | None:
        code = self.graph.value(shape, ENA.code)
        return str(code) if code is not None else None

    def parent_of(self, shape):
        """The node shape that holds a property shape (for codes set on the node shape only)."""
        return self.graph.value(None, SH.property, shape)


def resolve_profiles(names) -> list[str]:
    names = list(names or DEFAULT_PROFILES)
    unknown = [n for n in names if n not in PROFILES]
    if unknown:
        raise UsageError(f"unknown profile '{unknown[0]}' (known: {', '.join(PROFILES)})")
    return list(dict.fromkeys(names))


def profile_files(profiles) -> list[str]:
    files = []
    for name in profiles:
        for filename in PROFILES[name]:
            if filename not in files:
                files.append(filename)
    return files


def load_shapes(profiles=None, extra_shapes=(), vocabularies: Graph | None = None,
                limits: Limits | None = None) -> Shapes:
    profiles = resolve_profiles(profiles)
    vocabularies = builtin_vocabularies() if vocabularies is None else vocabularies
    if not extra_shapes and vocabularies is builtin_vocabularies():
        return _builtin_shapes(tuple(profiles))
    graph = _shapes_graph(tuple(profiles))
    for source in extra_shapes:
        part = parse_document(read_document(str(source), limits=limits or Limits()), limits)
        check_patterns(part, str(source))
        graph += part
    expand_allowed_values(graph, vocabularies)
    return Shapes(graph=graph, profiles=profiles, user_files=[str(s) for s in extra_shapes])


def check_patterns(shapes: Graph, where: str) -> None:
    """A user's sh:pattern that is not a regular expression: pyshacl stops on it, the fast engine's SPARQL REGEX
    would silently match nothing. Both engines must agree, so it is refused here, before either runs."""
    import re

    for pattern in shapes.objects(None, SH.pattern):
        try:
            re.compile(str(pattern))
        except (re.error, RecursionError, OverflowError) as error:
            raise UsageError(f"sh:pattern {str(pattern)[:60]!r} is not a valid regular expression ({error})",
                             where=where) from None


@functools.lru_cache(maxsize=None)
def _builtin_shapes(profiles: tuple[str, ...]) -> Shapes:
    graph = _shapes_graph(profiles)
    expand_allowed_values(graph, builtin_vocabularies())
    return Shapes(graph=graph, profiles=list(profiles), user_files=[])


def _shapes_graph(profiles: tuple[str, ...]) -> Graph:
    """The shipped shapes of `profiles`. They are the tool's own, so pyoxigraph's parser reads them as written
    (0.06 s against 0.2 s through the loader's rdflib path, whose scans are for the user's input; a test holds the
    two to the same graph)."""
    graph = bind_prefixes(Graph())
    for filename in profile_files(profiles):
        for triple in shipped_statements(filename):
            graph.add(triple)
    return graph


@functools.lru_cache(maxsize=None)
def shipped_statements(filename: str) -> tuple:
    """The statements of one shipped shapes file as rdflib triples, read once per process by pyoxigraph's parser
    (none when a profile's shapes are not written yet)."""
    import pyoxigraph

    from .engines.fast_data import to_rdflib

    entry = resources.shapes_file(filename)
    if not entry.is_file():
        return ()
    return tuple((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                 for quad in pyoxigraph.parse(entry.read_bytes(), format=pyoxigraph.RdfFormat.TURTLE,
                                              base_iri=f"urn:ena:shapes:{filename}", rename_blank_nodes=True))


def concepts_in(vocabularies: Graph, scheme) -> list[URIRef]:
    return sorted(c for c in vocabularies.subjects(SKOS.inScheme, URIRef(scheme)) if isinstance(c, URIRef))


def notations_in(vocabularies: Graph, scheme) -> list[Literal]:
    """Each notation as a plain literal and as ^^xsd:string: the same RDF term, but not to rdflib (and so pyshacl)."""
    texts = {str(n) for c in concepts_in(vocabularies, scheme) for n in vocabularies.objects(c, SKOS.notation)}
    return sorted({Literal(t) for t in texts} | {Literal(t, datatype=XSD.string) for t in texts})


def expand_allowed_values(shapes: Graph, vocabularies: Graph) -> None:
    """Turn `ena:allowedValuesFrom <scheme>` into `sh:in (…)` (and likewise for notations).

    A shape that names several schemes allows the union of them.
    """
    allowed: dict = {}
    for predicate, members in ((ENA.allowedValuesFrom, concepts_in), (ENA.allowedNotationsFrom, notations_in)):
        for shape, scheme in shapes.subject_objects(predicate):
            values = members(vocabularies, scheme)
            if not values:
                raise UsageError(f"shape {shape} takes its values from {scheme}, but no vocabulary defines it")
            allowed.setdefault(shape, set()).update(values)
    for shape, values in allowed.items():
        head = BNode()
        Collection(shapes, head, sorted(values))
        shapes.add((shape, SH["in"], head))
