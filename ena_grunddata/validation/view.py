"""The data as validated, for the renderers and the score: read from the loaded store, never parsed again.

The pipeline loads the input once. The fast engine keeps it in a pyoxigraph store (validation/engines/fast_data.py);
the reference engine keeps an rdflib graph. Renderers (labels, kinds, cards, domains) and the quality score ask a
handful of rdflib-style questions (`subjects`, `objects`, `predicate_objects`, `subject_predicates`, `triples`,
and `properties` below); an rdflib Graph answers them itself, and `StoreView` answers them from the store, in rdflib terms, with
every literal as the publisher wrote it.

What the engine added to its store for its own purposes is not data and stays hidden: the vocabularies (background
knowledge for SPARQL constraints), statements in the ena: namespace (intended domain, registry facts), and the
canonical subject a near-miss grunddata spelling is read as. So a report reads the same whichever engine ran.
"""

from __future__ import annotations

from itertools import chain

import pyoxigraph as ox

from ..namespaces import ENA
from .engines.fast_data import FastData, to_ox, to_rdflib

_DEFAULT = ox.DefaultGraph()
_NOTHING = object()  # a term no store holds
_NOT_PREDICATES = (ox.Literal, ox.BlankNode)
_ENA = str(ENA)
_NO_PROPERTIES: dict = {}


class StoreView:
    """rdflib-style reads over a FastData store's default graph, minus what the engine added."""

    def __init__(self, data: FastData, hidden: set | None = None):
        self.data = data
        self.hidden = hidden if hidden is not None else set()  # ox.Quad the engine added (vocabularies, claims)
        self._terms: dict = {}  # pyoxigraph term -> rdflib term (as written), converted once
        self._ox_terms: dict = {}  # and back, for the terms asked about
        self._indexes: dict = {}  # frozenset of predicates -> subject -> their values (StoreView.properties)

    def _term(self, term):
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = to_rdflib(self.data.original(term))
        return found

    def _ox(self, term):
        if term is None:
            return None
        found = self._ox_terms.get(term)
        if found is None:
            try:
                found = to_ox(term)
            except (ValueError, TypeError):  # not an RDF term the store can hold (a description key's focus)
                found = _NOTHING
            self._ox_terms[term] = found
        return found

    def _quads(self, subject=None, predicate=None, obj=None):
        hidden = self.hidden
        pattern = (self._ox(subject), self._ox(predicate), self._ox(obj))
        if _NOTHING in pattern or pattern[0].__class__ is ox.Literal or pattern[1].__class__ in _NOT_PREDICATES:
            return  # no statement has a literal subject, or a literal or blank node as its predicate
        for quad in self.data.store.quads_for_pattern(*pattern, _DEFAULT):
            if quad.predicate.value.startswith(_ENA) or (hidden and quad in hidden):
                continue
            yield quad

    def properties(self, subject, predicates=None) -> dict:
        """predicate -> values of one resource (read it, never change it), only `predicates` when given. With
        `predicates`, the first call reads every statement of those predicates at once (renderers and the score
        ask for every dataset and distribution of a national catalog: one scan per predicate instead of one
        lookup per resource)."""
        if predicates is not None:
            index = self._indexes.get(predicates)
            if index is None:
                index = self._indexes[predicates] = self.index(predicates)
            return index.get(self._ox(subject), _NO_PROPERTIES)  # shared: callers read, never change it
        found: dict = {}
        term = self._term
        for quad in self._quads(subject):
            found.setdefault(term(quad.predicate), []).append(term(quad.object))
        return found

    def index(self, predicates, presence=frozenset()) -> dict:
        """pyoxigraph subject -> {predicate: values} for every statement of `predicates` (values in the order a
        lookup per subject gives: the store orders a subject's values of one predicate alike in both indexes).
        Literals are converted for this index only (a catalog's descriptions are read once: kept in the view's
        term cache they would outlive the reader). For the predicates in `presence` only whether a value has
        content is asked (see `reader`): the values are (PRESENT,) or the blank literals (`_presence`)."""
        index: dict = {}
        term, original, literals = self._term, self.data.original, {}
        for predicate in predicates:
            if predicate in presence:
                self._presence(index, predicate)
                continue
            for quad in self._quads(None, predicate, None):
                value = quad.object
                if value.__class__ is ox.Literal:
                    converted = literals.get(value)
                    if converted is None:
                        converted = literals[value] = to_rdflib(original(value))
                else:
                    converted = term(value)
                index.setdefault(quad.subject, {}).setdefault(term(quad.predicate), []).append(converted)
        return index

    def _presence(self, index: dict, predicate) -> None:
        """Into `index`: (PRESENT,) for each subject with a value of `predicate` that has content, else a list of
        its blank literals (all a reader of `presence` asks; a national catalog has hundreds of thousands)."""
        original, present = self.data.original, (PRESENT,)
        key = self._term(self._ox(predicate))
        for quad in self._quads(None, predicate, None):
            found = index.get(quad.subject)
            if found is None:
                found = index[quad.subject] = {}
            elif found.get(key) is present:
                continue
            value = quad.object
            if value.__class__ is ox.Literal and not original(value).value.strip():
                found.setdefault(key, []).append(to_rdflib(original(value)))
            else:
                found[key] = present

    def triples(self, pattern):
        subject, predicate, obj = pattern
        for quad in self._quads(subject, predicate, obj):
            yield self._term(quad.subject), self._term(quad.predicate), self._term(quad.object)

    def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002 - rdflib's keyword
        found = (self._term(quad.subject) for quad in self._quads(None, predicate, object))
        return _unique(found) if unique else found

    def objects(self, subject=None, predicate=None, unique=False):
        found = (self._term(quad.object) for quad in self._quads(subject, predicate, None))
        return _unique(found) if unique else found

    def predicate_objects(self, subject=None, unique=False):
        for quad in self._quads(subject, None, None):
            yield self._term(quad.predicate), self._term(quad.object)

    def subject_predicates(self, object=None, unique=False):  # noqa: A002
        for quad in self._quads(None, None, object):
            yield self._term(quad.subject), self._term(quad.predicate)


class UnionView:
    """Several views read as one (per-source validation keeps one store per source)."""

    def __init__(self, views):
        self.views = [view for view in views if view is not None]

    def _each(self, name, *args, **kwargs):
        return chain.from_iterable(getattr(view, name)(*args, **kwargs) for view in self.views)

    def triples(self, pattern):
        return self._each("triples", pattern)

    def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002
        found = self._each("subjects", predicate, object)
        return _unique(found) if unique else found

    def objects(self, subject=None, predicate=None, unique=False):
        found = self._each("objects", subject, predicate)
        return _unique(found) if unique else found

    def predicate_objects(self, subject=None, unique=False):
        return self._each("predicate_objects", subject)

    def subject_predicates(self, object=None, unique=False):  # noqa: A002
        return self._each("subject_predicates", object)


class _Present:
    """A value of a statement the reader only needs to know is there with content (not a blank literal)."""

    __slots__ = ()

    def __repr__(self):
        return "PRESENT"


PRESENT = _Present()


def reader(data, predicates: frozenset, presence: frozenset = frozenset()):
    """subject -> properties(data, subject, predicates), for a reader of many subjects that lets the index go
    when done (the score reads every dataset once); a StoreView reads each predicate once for all of them.

    For the predicates in `presence` the reader only asks whether a value has content: a StoreView then gives
    (PRESENT,) when one has, else the blank literals (converting a national catalog's keywords and URLs to rdflib
    terms took most of the score's time); other data gives the values themselves."""
    if isinstance(data, StoreView):
        index = data.index(predicates, presence)
        return lambda subject: index.get(data._ox(subject), _NO_PROPERTIES)
    return lambda subject: properties(data, subject, predicates)


def properties(data, subject, predicates: frozenset | None = None) -> dict:
    """predicate -> values of `subject` in any data (an rdflib Graph, a StoreView or a UnionView), read in one
    pass; only `predicates` when given."""
    if isinstance(data, StoreView):
        return data.properties(subject, predicates)
    found: dict = {}
    for predicate, value in data.predicate_objects(subject):
        if predicates is None or predicate in predicates:
            found.setdefault(predicate, []).append(value)
    return found


def _unique(terms):
    seen = set()
    for term in terms:
        if term not in seen:
            seen.add(term)
            yield term


def union(views):
    """One view of several (None when there is none; the view itself when there is one)."""
    views = [view for view in views if view is not None]
    if not views:
        return None
    return views[0] if len(views) == 1 else UnionView(views)


__all__ = ["StoreView", "UnionView", "union", "properties", "reader", "PRESENT"]
