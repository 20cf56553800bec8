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

import functools
from collections import Counter
from itertools import chain

import pyoxigraph as ox
from rdflib import Literal

from ..namespaces import ENA
from ..report import node_of, term_text
from .engines.fast_data import FastData, to_ox, to_rdflib
from .engines.fast_data import term_text as ox_text

_DEFAULT = ox.DefaultGraph()
_NOTHING = object()  # a term no store holds
_NOT_PREDICATES = (ox.Literal, ox.BlankNode)
_ENA = str(ENA)
_O = ox.Variable("o")
_FINEST = 4096  # groups times values beyond which a reader looks a predicate up per subject instead


class StoreView:
    """rdflib-style reads over a FastData store's default graph, minus what the engine added."""

    def __init__(self, data: FastData, hidden: set | None = None):
        self.data = data
        self.hidden = hidden if hidden is not None else set()  # ox.Quad the engine added (vocabularies, claims)
        self._terms: dict = {}  # pyoxigraph term -> rdflib term (as written), converted once
        self._ox_terms: dict = {}  # and back, for the terms asked about
        self._keys: dict = {}  # rdflib subject -> its N-Triples text (reader)
        self._hidden_named = None  # (how many statements were hidden, their subjects and objects): _hidden_terms

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
        pattern = (self._ox(subject), self._ox(predicate), self._ox(obj))
        if _NOTHING in pattern or pattern[0].__class__ is ox.Literal or pattern[1].__class__ in _NOT_PREDICATES:
            return  # no statement has a literal subject, or a literal or blank node as its predicate
        about = pattern[0] if pattern[0] is not None else pattern[2]
        yield from self._own(self.data.store.quads_for_pattern(*pattern, _DEFAULT), about)

    def _own(self, quads, about=None):
        """The data's own of `quads`: neither the engine's statements (ena: predicates) nor those it added. `about`:
        a term every one of `quads` has as subject or object; when no added statement names it, none of them can
        be one (and is not looked up: an HTML page at national scale asks who points at 30,000 resources, and
        hashing each of 123,000 statements to look it up took 0.4 s)."""
        hidden = self.hidden
        if hidden and about is not None and about not in self._hidden_terms():
            hidden = None
        for quad in quads:
            if quad.predicate.value.startswith(_ENA) or (hidden and quad in hidden):
                continue
            yield quad

    def _hidden_terms(self) -> frozenset:
        """Every subject and object of the statements the engine added (read again if more were added)."""
        known = self._hidden_named
        if known is None or known[0] != len(self.hidden):
            known = self._hidden_named = (len(self.hidden), frozenset(
                chain.from_iterable((quad.subject, quad.object) for quad in self.hidden)))
        return known[1]

    @staticmethod
    def _store_term(resource: str):
        """The store term a term's text (report.term_text) names; None for one the store cannot hold (a
        description key's focus)."""
        try:
            return ox.BlankNode(resource[2:]) if resource.startswith("_:") else ox.NamedNode(resource)
        except ValueError:
            return None

    def properties(self, subject, predicates=None) -> dict:
        """predicate -> values of one resource, only `predicates` when given."""
        found: dict = {}
        term = self._term
        for quad in self._quads(subject):
            predicate = term(quad.predicate)
            if predicates is None or predicate in predicates:
                found.setdefault(predicate, []).append(term(quad.object))
        return found

    def descriptions(self, predicates) -> dict:
        """view.descriptions for the store: every statement of `predicates` read once, each term read as text
        (no rdflib term is made: a national catalog has a hundred thousand titles)."""
        found: dict = {}
        hidden, originals, named, literal = self._hidden_of(predicates), self.data.originals, ox.NamedNode, ox.Literal
        for predicate in predicates:
            if str(predicate).startswith(_ENA):
                continue  # the engine's own statements (as _quads)
            left_out, by_subject = hidden.get(predicate), found.setdefault(predicate, {})
            for quad in self.data.store.quads_for_pattern(None, self._ox(predicate), None, _DEFAULT):
                if left_out and quad in left_out:
                    continue
                subject, value = quad.subject, quad.object  # as texts (fast_data.term_text, written out: fewer calls)
                subject = subject.value if subject.__class__ is named else "_:" + subject.value
                cls = value.__class__
                if cls is literal:
                    if originals:
                        value = originals.get(value, value)  # as written (FastData.original)
                    value = (value.value, value.language)
                else:
                    value = value.value if cls is named else "_:" + value.value
                values = by_subject.get(subject)
                if values is None:
                    by_subject[subject] = [value]
                else:
                    values.append(value)
        return found

    def referring(self, resource: str, predicate=None):
        """view.referring for the store."""
        term = self._store_term(resource)
        if term is None:
            return
        named = ox.NamedNode
        for quad in self._own(self.data.store.quads_for_pattern(None, self._ox(predicate), term, _DEFAULT), term):
            subject = quad.subject
            yield subject.value if subject.__class__ is named else "_:" + subject.value

    def objects_of(self, resource: str):
        """view.objects_of for the store."""
        term = self._store_term(resource)
        if term is None:
            return
        named, blank = ox.NamedNode, ox.BlankNode
        for quad in self._own(self.data.store.quads_for_pattern(term, None, None, _DEFAULT), term):
            value = quad.object
            cls = value.__class__
            yield value.value if cls is named else "_:" + value.value if cls is blank else self.data.original(
                value).value

    def reader(self, predicates, presence=frozenset()):
        """view.reader for the store. When nothing is looked up per subject (below), subjects with the same values
        share one answer (made once: a national catalog's distributions say much the same), so a caller may keep
        what it worked out from an answer per answer while the reader lives. For the predicates in `presence`
        only whether a value has content is asked, and the store answers it (`_with_content`): (PRESENT,) or no
        entry.

        A predicate with few distinct values (formats, licences; every presence) is read at once, as one set of
        subjects (N-Triples texts) per value, and the subjects sorted into groups that say the same with set
        operations: no Python step per statement, of which a national catalog has half a million here. One with
        many (titles, distributions), or that would split the groups too finely, is looked up per subject asked
        about (in bulk it read every resource's). Values of one predicate come in no particular order."""
        keys, codes, values = [], {}, []  # predicates in order; store term -> its number -> the term
        at_once = []  # (number, _parts) of the predicates read at once
        looked_up = []  # (number, store predicate, quads the engine added) of those looked up per subject
        hidden = self._hidden_of(predicates)

        def code_of(value):
            code = codes.get(value)
            if code is None:
                code = codes[value] = len(values)
                values.append(value)
            return code

        for predicate in sorted(predicates):  # one order for every subject: equal answers have equal signatures
            if str(predicate).startswith(_ENA):
                continue  # the engine's own statements (as _quads)
            number = len(keys)
            keys.append(predicate)
            parts = self._parts(predicate, predicate in presence, hidden.get(predicate), code_of)
            if parts is None:
                looked_up.append((number, self._ox(predicate), hidden.get(predicate)))
            else:
                at_once.append((number, parts))
        groups = {(): set().union(*(subjects for _, parts in at_once for subjects in parts.values()))}
        for number, parts in at_once:
            if len(groups) * len(parts) > _FINEST:  # set operations per group and value would cost more
                looked_up.append((number, self._ox(keys[number]), hidden.get(keys[number])))
                continue
            refined = {}
            for signature, members in groups.items():
                rest = members
                for value, subjects in parts.items():
                    found = members & subjects
                    if found:
                        refined[(*signature, (number, value))] = found
                        rest = rest - found
                if rest:
                    refined[signature] = rest
            groups = refined
        group_of: dict = {}  # subject text -> the number of its group
        signatures = list(groups)
        for group, signature in enumerate(signatures):
            group_of.update(dict.fromkeys(groups[signature], group))
        del groups, codes, at_once
        answers: dict = {}  # group -> its answer (of a reader that looks nothing up)
        store, term, original, present = self.data.store, self._term, self.data.original, (PRESENT,)
        key_of, ox_term = self._key, self._ox

        def made(group, looked: list) -> dict:
            found = {number: (value if value is PRESENT else [values[code] for code in (
                value if value.__class__ is tuple else (value,))]) for number, value in (
                    signatures[group] if group is not None else ())}
            found.update((number, terms) for (number, _, _), terms in zip(looked_up, looked) if terms)
            made = {}
            for number in sorted(found):
                if found[number] is PRESENT:
                    made[keys[number]] = present
                else:  # literals converted for this reader only (kept in the term cache they would outlive it)
                    made[keys[number]] = [to_rdflib(original(value)) if value.__class__ is ox.Literal
                                          else term(value) for value in found[number]]
            return made

        def answer(subject):
            group = group_of.get(key_of(subject))
            if not looked_up:
                found = answers.get(group)
                if found is None:
                    found = answers[group] = made(group, [])
                return found
            subject, looked = ox_term(subject), []  # looked-up values differ from subject to subject: made anew
            for _, iri, left_out in looked_up:
                quads = store.quads_for_pattern(subject, iri, None, _DEFAULT)
                looked.append([quad.object for quad in quads if quad not in left_out] if left_out else
                              [quad.object for quad in quads])
            return made(group, looked)

        return answer

    def _parts(self, predicate, presence: bool, left_out, code_of, most: int = 64) -> dict | None:
        """value (PRESENT, a number, or a tuple of numbers for a subject with several) -> the subjects with it,
        read as sets of N-Triples texts; None when `predicate` has more than `most` distinct values."""
        iri = self._ox(predicate)
        if presence:
            parts = {PRESENT: self._with_content(predicate)}
        else:
            distinct = [row[0] for row in self.data.store.query(
                f"SELECT DISTINCT ?o WHERE {{ ?s {iri} ?o }} LIMIT {most + 1}")]
            if len(distinct) > most:
                return None
            parts = {code_of(value): self._subjects_of(iri, value) for value in distinct}
            counted = Counter(chain.from_iterable(parts.values()))
            several = {subject for subject, times in counted.items() if times > 1}
            for subject in several:  # a subject with several values: the tuple of them (in one order)
                found = tuple(code for code, subjects in parts.items() if subject in subjects)
                parts.setdefault(found, set()).add(subject)
            for code in [code for code in parts if code.__class__ is int]:
                parts[code] -= several
        for subject in {quad.subject for quad in left_out or ()}:  # only what the data itself says counts
            text = str(subject)
            for subjects in parts.values():
                subjects.discard(text)
            found = [quad.object for quad in self.data.store.quads_for_pattern(subject, iri, None, _DEFAULT)
                     if quad not in left_out]
            if presence:
                if any(value.__class__ is not ox.Literal or value.value.strip() for value in found):
                    parts[PRESENT].add(text)
            elif found:
                found = tuple(code_of(value) for value in found)
                parts.setdefault(found[0] if len(found) == 1 else found, set()).add(text)
        return {value: subjects for value, subjects in parts.items() if subjects}

    def _subjects_of(self, iri, value) -> set:
        """The N-Triples texts of the subjects with `value` for the predicate `iri` (read as one TSV text: each
        line is the value's text, a tab and the subject's)."""
        text = self.data.store.query(f"SELECT ?o ?s WHERE {{ ?s {iri} ?o }}", substitutions={_O: value}).serialize(
            format=ox.QueryResultsFormat.TSV).decode()
        lines = text.split("\n", 2)  # the header, the first line, the rest
        if len(lines) < 3:
            return set()
        lead = lines[1][:lines[1].index("\t") + 1]  # the value's text (TSV escapes a tab in it)
        found = set(("\n" + lines[1] + "\n" + lines[2]).replace("\n" + lead, "\n").split("\n"))
        found.discard("")
        return found

    def _key(self, subject) -> str:
        """A subject's N-Triples text (how readers key subjects)."""
        found = self._keys.get(subject)
        if found is None:
            found = self._keys[subject] = str(self._ox(subject))
        return found

    def _hidden_of(self, predicates) -> dict:
        """predicate -> the quads of it the engine added (left out of what a reader reads)."""
        wanted = {self._ox(predicate): predicate for predicate in predicates}
        found: dict = {}
        for quad in self.hidden:
            predicate = wanted.get(quad.predicate)
            if predicate is not None:
                found.setdefault(predicate, set()).add(quad)
        return found

    def _with_content(self, predicate) -> set:
        """The N-Triples texts of the subjects with a value of `predicate` that has content (score.has_content:
        not a literal, or a literal with more than white space in it), asked of the store in one query."""
        iri = self._ox(predicate)
        return _texts(self.data.store.query(
            f'SELECT ?s WHERE {{ ?s {iri} ?o FILTER(!isLiteral(?o) || REGEX(STR(?o), "[^{_spaces()}]")) }}'))

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

    def referring(self, resource: str, predicate=None):
        return chain.from_iterable(referring(view, resource, predicate) for view in self.views)

    def objects_of(self, resource: str):
        return chain.from_iterable(objects_of(view, resource) for view in self.views)

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
    when done (the score reads every dataset once); a StoreView reads most predicates once for all of them.

    For the predicates in `presence` the reader only asks whether a value has content: a StoreView then gives
    (PRESENT,) when one has, else no entry (converting a national catalog's keywords and URLs to rdflib terms took
    most of the score's time); other data gives the values themselves. A StoreView's reader gives subjects with
    the same values one shared answer when it looks nothing up per subject (StoreView.reader)."""
    if isinstance(data, StoreView):
        return data.reader(predicates, presence)
    return lambda subject: properties(data, subject, predicates)


def _texts(solutions) -> set:
    """The N-Triples texts of a one-variable SELECT's terms, read as one TSV text (a solution object per row
    cost as much again)."""
    found = set(solutions.serialize(format=ox.QueryResultsFormat.TSV).decode().split("\n")[1:])
    found.discard("")  # after the last line
    return found


@functools.cache
def _spaces() -> str:
    """The characters str.strip() takes away (str.isspace: none outside the first plane), as a class for the
    store's regular expressions (x{..} escapes, the backslash doubled for a SPARQL string)."""
    return "".join(f"\\\\x{{{code:X}}}" for code in range(0x10000) if chr(code).isspace())


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


def descriptions(data, predicates) -> dict:
    """predicate -> {resource text (report.term_text) -> values} of every statement of `predicates` in any data (an
    rdflib Graph, a StoreView or a UnionView), read in one pass per predicate, for readers that look many resources
    up by their text (the HTML report's cards). A value is a (text, language tag or None) pair for a literal (its
    lexical form), else its text."""
    if isinstance(data, StoreView):
        return data.descriptions(predicates)
    found: dict = {predicate: {} for predicate in predicates}
    if isinstance(data, UnionView):
        for view in data.views:
            for predicate, by_subject in descriptions(view, predicates).items():
                mine = found[predicate]
                for resource, values in by_subject.items():
                    mine.setdefault(resource, []).extend(values)
        return found
    for predicate in predicates:
        by_subject = found[predicate]
        for subject, value in data.subject_objects(predicate):
            by_subject.setdefault(term_text(subject), []).append(described_value(value))
    return found


def described_value(value):
    """An rdflib term in descriptions' form: a literal as (lexical form, language tag or None), else its text."""
    return (str(value), value.language) if isinstance(value, Literal) else term_text(value)


def referring(data, resource: str, predicate=None):
    """The texts of the subjects of the statements whose object is `resource` (a term's text, report.term_text), of
    `predicate` when given (an rdflib term), in any data, one per statement."""
    if isinstance(data, (StoreView, UnionView)):
        return data.referring(resource, predicate)
    return (term_text(subject) for subject in data.subjects(predicate, node_of(resource)))


def objects_of(data, resource: str):
    """The texts (report.term_text) of the objects of the statements whose subject is `resource` (a term's text), in
    any data, one per statement: `referring` the other way round."""
    if isinstance(data, (StoreView, UnionView)):
        return data.objects_of(resource)
    return (term_text(value) for value in data.objects(node_of(resource)))


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


__all__ = ["StoreView", "UnionView", "union", "properties", "descriptions", "referring", "reader", "PRESENT"]
