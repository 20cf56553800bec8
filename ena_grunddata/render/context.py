"""What the richer report formats need besides the Report: rule metadata, the data as loaded, document text.

The data is what the pipeline loaded and validated (validation/pipeline.py `Validated.data`): an rdflib Graph or a
view over the fast engine's store, both asked the same rdflib-style questions here.

Renderers never validate again: the findings come from the Report. The context only answers questions the Report
cannot: what a rule is about (from the shapes), which datasets exist (cards for clean ones too, scores), and on
which line of its file a property is written (so code hosts annotate the right line: render/lines.py).
"""

from __future__ import annotations

import functools
import os
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from ..load import Document, is_url
from ..namespaces import DCAT, DCTERMS, ENA, FOAF, VCARD
from ..report import Finding, Report, Severity, node_of, term_text
from ..validation.view import described_value, descriptions, objects_of, properties, referring
from ..text import pick
from .lines import LineFinder

_UNKNOWN = object()  # a line not worked out yet
_MIN_COUNT = str(SH.MinCountConstraintComponent)
CARD_CLASSES = (DCAT.Catalog, DCAT.Dataset, DCAT.DataService, DCAT.DatasetSeries)
USER_PROFILE = "user"


@dataclass(frozen=True)
class Rule:
    """One finding code as the shapes define it."""

    code: str
    severity: Severity
    messages: dict
    comment: str = ""
    profile: str = USER_PROFILE
    shape: str | None = None
    min_count: int | None = None  # the shape's sh:minCount

    def message(self, lang: str) -> str:
        return pick(self.messages, lang) or self.code


@dataclass
class ReportContext:
    graph: object | None = None  # the data as loaded (an rdflib Graph or a validation.view.StoreView)
    documents: dict[str, Document] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    domain: str | None = None  # --domain, for the HTML domain filter
    origins: object | None = None  # load.Origins: which file describes a resource
    cwd: str = field(default_factory=os.getcwd)
    _finders: dict = field(default_factory=dict, repr=False)  # source -> LineFinder, built on first use
    _uris: dict = field(default_factory=dict, repr=False)  # source -> artifact URI
    _lines: dict = field(default_factory=dict, repr=False)  # (source, line, path, value) -> exact line
    last_use: bool = False  # set by the caller when no renderer will read the context after the current one
    _scores: object | None = field(default=None, repr=False)
    _pending: object | None = field(default=None, repr=False)  # gives the scores being worked out (score_later)

    @property
    def scores(self):
        """score.Scores, when asked for (None otherwise); waits for them while they are being worked out."""
        if self._pending is not None:
            self._scores, self._pending = self._pending(), None
        return self._scores

    @scores.setter
    def scores(self, value) -> None:
        self._scores, self._pending = value, None

    def done_with_data(self) -> None:
        """A renderer has read all it needs from the data: on the context's last use, let it go (the store of a
        national catalog is most of the process's memory, and the rendered page is about to be built). Scores
        still being worked out from the data are waited for first."""
        if self.last_use:
            self.scores  # noqa: B018 - waits for them
            self.graph = None
            self.origins = None  # the fast engine's origins look sources up in its store: they hold it too
            from ..validation.pipeline import release_freed_memory

            release_freed_memory()

    def rule(self, finding: Finding) -> Rule:
        """The rule behind a finding; codes the shapes do not describe get one built from the finding."""
        return self.rules.get(finding.code) or Rule(finding.code, finding.severity, dict(finding.messages),
                                                     shape=finding.shape)

    def line_of(self, finding: Finding) -> int | None:
        """The line of the finding's property inside its resource's block, else the resource's line. A finding
        that the property is missing (sh:minCount 1) is on the resource's line: a search of the block would find
        the property written for another resource there (a dataset's own dcterms:identifier, for its blank-node
        publisher that has none)."""
        line, path = finding.line, finding.path
        if line is None or not path:
            return line
        if finding.component == _MIN_COUNT:
            rule = self.rules.get(finding.code)
            if rule is not None and rule.min_count == 1 and rule.shape == finding.shape:
                return line
        # (a blank node is placed on its parent's line: whether the focus is one is part of the question)
        key = (finding.source, line, path, finding.value, finding.focus.startswith("_:"))
        found = self._lines.get(key, _UNKNOWN)  # formats ask more than once per finding (junit: case and message)
        if found is _UNKNOWN:
            if finding.source not in self.documents:
                return line
            found = self._lines[key] = self._line_of(finding)
        return found

    def _line_of(self, finding: Finding) -> int | None:
        finder = self._finders.get(finding.source)
        if finder is None:
            finder = self._finders[finding.source] = LineFinder(self.documents[finding.source])
        # a blank node is placed on the line of the resource that refers to it: its property is nested there
        line = finder.property_line(finding.line, finding.path, nested=finding.focus.startswith("_:"))
        if line is None:
            return finding.line
        return finder.value_line(line, finding.value) or line if finding.value else line

    def uri_of(self, source: str | None) -> str | None:
        """A SARIF/JUnit artifact URI: relative to the working directory when the file is below it."""
        if source not in self._uris:
            self._uris[source] = self._uri_of(source)
        return self._uris[source]

    def _uri_of(self, source: str | None) -> str | None:
        if not source or source.startswith("<"):
            return None
        if is_url(source):
            return source
        cwd = Path(self.cwd).resolve()
        path = (cwd / source).resolve()  # a relative source is relative to where validate ran
        try:
            return path.relative_to(cwd).as_posix()
        except ValueError:
            return path.as_uri()


def build_context(loaded, *, profiles=None, shapes=(), vocabularies=(), domain=None, limits=None,
                  report: Report | None = None, with_score: bool = False, score_names: bool = True) -> ReportContext:
    """Everything the html/markdown/junit/sarif renderers and the score read, from what validate loaded.
    `score_names`: whether a format shows the scores' dataset titles (score.scores_of's `named`)."""
    context = ReportContext(graph=loaded.graph, documents={d.name: d for d in loaded.documents},
                            rules=rules_for(profiles, shapes, limits), domain=domain, origins=loaded.origins)
    if with_score:
        from ..validation.profiles import load_vocabularies
        from ..validation.score import score_later

        # worked out beside the cards, waited for when a page first shows a score or the data goes
        context._pending = score_later(loaded.graph, report, load_vocabularies(vocabularies, limits),
                                       named=score_names)
    return context


def rules_for(profiles, shapes=(), limits=None) -> dict[str, Rule]:
    """Rules of the built-in profiles (shapes cached from validation) and of the user's shapes files."""
    from ..load import parse_document, read_document
    from ..validation.profiles import builtin_vocabularies, load_shapes

    rules = dict(_builtin_rules(tuple(load_shapes(profiles, (), builtin_vocabularies()).profiles)))
    for source in shapes:
        user = parse_document(read_document(str(source), limits=limits or _limits()), limits)
        for code, rule in rule_catalog(user).items():
            rules.setdefault(code, rule)
    return rules


@functools.lru_cache(maxsize=None)
def _builtin_rules(profiles: tuple[str, ...]) -> dict[str, Rule]:
    from ..validation.profiles import builtin_vocabularies, load_shapes

    return rule_catalog(load_shapes(list(profiles), (), builtin_vocabularies()).graph)


def _limits():
    from ..load import Limits

    return Limits()


# --------------------------------------------------------------------------------------------- rules


def rule_catalog(shapes: Graph) -> dict[str, Rule]:
    """code -> Rule for every shape that carries ena:code."""
    owners = profile_of_codes()
    rules = {}
    for shape, code in shapes.subject_objects(ENA.code):
        code = str(code)
        if code in rules:
            continue
        severity = shapes.value(shape, SH.severity)
        rules[code] = Rule(code=code, severity=Severity.parse(severity) if severity is not None else Severity.VIOLATION,
                           messages=texts(shapes, shape, SH.message) or sparql_messages(shapes, shape),
                           comment=texts(shapes, shape, RDFS.comment).get("en", ""),
                           profile=owners.get(code, USER_PROFILE),
                           shape=str(shape) if isinstance(shape, URIRef) else None,
                           min_count=_integer(shapes.value(shape, SH.minCount)))
    return rules


def _integer(value) -> int | None:
    try:
        return int(value) if isinstance(value, Literal) else None
    except (TypeError, ValueError):
        return None


def texts(graph: Graph, subject, predicate) -> dict[str, str]:
    found = {}
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal):
            found.setdefault(value.language or "en", str(value))
    return found


def sparql_messages(graph: Graph, shape) -> dict[str, str]:
    for constraint in graph.objects(shape, SH.sparql):
        messages = texts(graph, constraint, SH.message)
        if messages:
            return messages
    return {}


@functools.lru_cache(maxsize=1)
def profile_of_codes() -> dict[str, str]:
    """Which built-in profile defines each code: the profile's own (last) shapes file."""
    from ..validation.profiles import PROFILES, shipped_statements

    owners: dict[str, str] = {}
    for name, files in PROFILES.items():
        for _, predicate, code in shipped_statements(files[-1]):
            if predicate == ENA.code:
                owners.setdefault(str(code), name)
    return owners


# --------------------------------------------------------------------------------------------- resources


def card_resources(graph: Graph | None) -> list[str]:
    """Catalogs, datasets, services and series: the resources a person reads a report about."""
    if graph is None:
        return []
    known = typed(graph)
    return sorted(set().union(*(known[str(cls)] for cls in CARD_CLASSES)))


text_of = term_text  # the one term <-> text pair (report.py)
term_of = node_of


class Owners:
    """Which card each finding belongs on: its focus's when that is a card resource, else the one card resource
    that points at the focus (a distribution's dataset), else the focus's own card. Findings are added by focus;
    each focus's owner is asked of the data once, when first needed (a page that shows only its first cards asks
    only about the resources those cards point at)."""

    def __init__(self, graph, cards: set):
        self.graph, self.cards = graph, cards
        self.by_focus: dict[str, list] = {}  # focus -> its findings' entries, in the order added
        self._owner: dict[str, str] = {}  # focus -> its card, once asked
        self._owned: dict[str, list] | None = None  # card -> the other foci it owns (resolve_all)

    def add(self, focus: str, entry) -> None:
        entries = self.by_focus.get(focus)
        if entries is None:
            self.by_focus[focus] = [entry]
        else:
            entries.append(entry)

    def of(self, focus: str) -> str:
        owner = self._owner.get(focus)
        if owner is None:
            owner = self._owner[focus] = self._ask(focus)
        return owner

    def _ask(self, focus: str) -> str:
        if self.graph is None or focus in self.cards:
            return focus
        owner = None
        for text in referring(self.graph, focus):  # an agent shared by thousands: stop at a second owner
            if text in self.cards and text != owner:
                if owner is not None:
                    return focus
                owner = text
        return owner or focus

    def resolve_all(self) -> None:
        """Ask every focus's owner now, and keep which foci each card owns."""
        self._owned = {}
        for focus in self.by_focus:
            if focus not in self.cards:
                owner = self.of(focus)
                if owner != focus:
                    self._owned.setdefault(owner, []).append(focus)

    def owned_by(self, card: str) -> list[str]:
        """The foci other than `card` whose findings go on its card: only a resource a card points at can be one."""
        if card not in self.cards:
            return []
        if self._owned is not None:
            return self._owned.get(card, [])
        by_focus = self.by_focus
        pointed = set(objects_of(self.graph, card))
        return [focus for focus in pointed if focus in by_focus and focus not in self.cards
                and self.of(focus) == card]

    def findings_of(self, card: str) -> list:
        """The entries of every finding on `card`, in the order they were added (entries start with their
        number in that order)."""
        found = list(self.by_focus.get(card, ()))
        owned = self.owned_by(card)
        if owned:
            for focus in owned:
                found += self.by_focus[focus]
            found.sort(key=_first)
        return found

    def unowned(self):
        """The foci that are no card resource and that no single card resource points at: each has a card."""
        return [focus for focus in self.by_focus if focus not in self.cards and self.of(focus) == focus]


def _first(entry):
    return entry[0]


# What the renderers read from one loaded data, kept while the data lives: its Typed and its Described
_kept: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def kept(graph, kind):
    """The one `kind(graph)` of the data (Typed, Described), made when first asked for."""
    per_data = _kept.get(graph)
    if per_data is None:
        per_data = _kept[graph] = {}
    known = per_data.get(kind)
    if known is None:
        known = per_data[kind] = kind(graph)
    return known


LABELS = (DCTERMS.title, FOAF.name, VCARD.fn, RDFS.label, SKOS.prefLabel)
DESCRIBING = frozenset([*LABELS, DCTERMS.subject])  # what labels and domains read
KINDS = tuple((str(cls), str(cls).rsplit("#", 1)[-1]) for cls in (*CARD_CLASSES, DCAT.Distribution))  # preferred first
AGENT_CLASSES = (FOAF.Organization, FOAF.Agent, FOAF.Person)
CONTACT_CLASSES = (VCARD.Organization, VCARD.Individual, VCARD.Kind)
_AGENTS, _CONTACTS = tuple(map(str, AGENT_CLASSES)), tuple(map(str, CONTACT_CLASSES))


def typed(graph) -> "Typed":
    """class IRI -> the texts of the resources of that class, for the classes cards, kinds and roles are told by
    (one pass per class, when first asked for: JUnit's clean cards need only the card classes, not a national
    catalog's distributions)."""
    return kept(graph, Typed)


class Typed(dict):
    """typed's answer: a class's resources are read when first asked for (a dict of what was read). It holds the
    data weakly, as the cache that keeps it does (the data must be free to go)."""

    def __init__(self, graph):
        super().__init__()
        self._graph = weakref.ref(graph)

    def __missing__(self, cls: str) -> set:
        found = self[cls] = set(referring(self._graph(), cls, RDF.type))
        return found


class Described:
    """The DESCRIBING values of resources (a literal as a (text, language) pair, any other term as its text:
    view.descriptions' form), per predicate. Read for every resource at once after `read_all` (a page with every
    card asks about every dataset and distribution: labels and domains), else per resource when first asked about
    (a page cut short asks about a few thousand of a national catalog's hundred thousand)."""

    def __init__(self, graph):
        self._graph = weakref.ref(graph)  # held weakly, as the cache that keeps this (the data must be free to go)
        self._all: dict | None = None  # predicate -> {resource text -> values}
        self._one: dict = {}  # resource text -> {predicate -> values}

    def read_all(self) -> None:
        if self._all is None:
            self._all = descriptions(self._graph(), DESCRIBING)
            self._one = {}

    def of(self, predicate, resource: str):
        if self._all is not None:
            return self._all[predicate].get(resource, ())
        found = self._one.get(resource)
        if found is None:
            found = self._one[resource] = {
                key: [described_value(value) for value in values]
                for key, values in properties(self._graph(), term_of(resource), DESCRIBING).items()}
        return found.get(predicate, ())


def described(graph) -> Described:
    """The Described of the data (one per data, kept while it lives)."""
    return kept(graph, Described)


def label_of(graph: Graph | None, resource: str, lang: str) -> str:
    """dcterms:title (or foaf:name, vcard:fn, rdfs:label, skos:prefLabel) in the language asked for, else any."""
    if graph is None:
        return ""
    known = described(graph)
    for predicate in LABELS:
        found = known.of(predicate, resource)
        if found:
            values = [v for v in found if v.__class__ is tuple]  # literals
            if values:
                sole = _sole(values, lang)
                return sole if sole is not None else pick(values, lang) or ""
    return ""


def _sole(values: list, lang: str) -> str | None:
    """What `pick` gives when it needs no comparing: the one text there is, or the one non-blank text in the
    language asked for (its first choice); None when pick has to choose. A national page asks for a hundred
    thousand labels, most of them one text or one per language."""
    if len(values) == 1:
        text = values[0][0]
        return text if text.strip() else ""
    wanted, sole = lang.lower() if lang else "", None
    if not wanted:
        return None
    for text, tag in values:
        if tag and tag.lower() == wanted and text.strip():
            if sole is not None:
                return None
            sole = text
    return sole


def kind_of(graph: Graph | None, resource: str) -> str:
    """The local name of the resource's DCAT class (Dataset, DataService…), or ''."""
    if graph is None:
        return ""
    known = typed(graph)
    for cls, kind in KINDS:
        if resource in known[cls]:
            return kind
    return ""


def role_of(graph: Graph | None, resource: str) -> str:
    """"Agent" or "Contact" for resources that are not DCAT ones (publishers, contact points), else ''."""
    if graph is None:
        return ""
    known = typed(graph)
    if any(resource in known[cls] for cls in _AGENTS):
        return "Agent"
    if any(resource in known[cls] for cls in _CONTACTS):
        return "Contact"
    return ""


def relation_to(graph: Graph | None, resource: str) -> tuple[str, str] | None:
    """(referring resource, property IRI) of the first statement that points at `resource`: how a blank node is
    reached, so people read "its temporal coverage" instead of a blank-node label."""
    if graph is None:
        return None
    term = term_of(resource)
    for subject, predicate in sorted(graph.subject_predicates(term), key=lambda sp: (isinstance(sp[0], BNode),
                                                                                     str(sp[0]), str(sp[1]))):
        if subject != term:
            return text_of(subject), str(predicate)
    return None


def domains_of(graph: Graph | None, resource: str, domain: str | None) -> list[str]:
    """Base-data domains a resource is marked for (dcterms:subject in the grunddata scheme, or --domain)."""
    marked = kind_of(graph, resource) in ("Dataset", "DataService", "DatasetSeries")
    found = [domain] if domain and marked else []  # as validate --domain marks them
    if graph is not None:
        for subject in described(graph).of(DCTERMS.subject, resource):
            text = subject if subject.__class__ is str else subject[0]  # a literal's lexical form
            if "grunddata" in text:
                found.append(text.rstrip("/").rsplit("/", 1)[-1])
    return sorted(set(found))
