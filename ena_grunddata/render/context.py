"""What the richer report formats need besides the Report: rule metadata, the data as loaded, document text.

The data is what the pipeline loaded and validated (validation/pipeline.py `Validated.data`): an rdflib Graph or a
view over the fast engine's store, both asked the same rdflib-style questions here.

Renderers never validate again: the findings come from the Report. The context only answers questions the Report
cannot: what a rule is about (from the shapes), which datasets exist (cards for clean ones too, scores), and on
which line of its file a property is written (so code hosts annotate the right line).
"""

from __future__ import annotations

import functools
import os
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from ..load import Document, Lines, is_url
from ..namespaces import DCAT, DCTERMS, ENA, FOAF, VCARD
from ..report import Finding, Report, Severity, node_of, term_text
from ..validation.view import described_value, descriptions, objects_of, properties, referring
from ..text import pick

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
        key = (finding.source, line, path, finding.value)
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
        line = finder.property_line(finding.line, finding.path)
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


_described: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_typed: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


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
    known = _typed.get(graph)
    if known is None:
        known = _typed[graph] = Typed(graph)
    return known


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
    known = _described.get(graph)
    if known is None:
        known = _described[graph] = Described(graph)
    return known


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


# --------------------------------------------------------------------------------------------- lines

_PREFIX_TTL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_PREFIX_XML = re.compile(r"""xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']""")


def property_line(document: Document, subject_line: int, path: str) -> int | None:
    return LineFinder(document).property_line(subject_line, path)


def value_line(document: Document, property_line_number: int, value: str | None) -> int | None:
    return LineFinder(document).value_line(property_line_number, value)


class LineFinder:
    """Exact lines in one document. Lines and patterns are computed once: a catalog has many findings."""

    def __init__(self, document: Document):
        self.document = document
        self.lines = Lines(document.text)
        self._patterns: dict = {}
        self._blocks: dict = {}  # subject line -> its block's lines (several findings share a resource)
        self._terms_for, self._terms = None, {}  # the last Turtle block's terms (turtle_terms)
        self._text_for, self._text = None, ""  # the last block's text (block_text)
        self._spellings: dict = {}  # property -> texts its Turtle spellings contain
        self._prefixes = None
        self._namespaces = None  # prefix -> namespaces (namespaces)
        self._paths: dict = {}  # property -> whether it can be written here (_written)
        self._count = len(self.lines)
        self._turtle = document.format in ("turtle", "trig")

    def prefixes(self) -> list:
        """(prefix, namespace) pairs the document declares, read once (not once per property)."""
        if self._prefixes is None:
            fmt = self.document.format
            found = _PREFIX_TTL if fmt in ("turtle", "trig") else _PREFIX_XML if fmt == "rdfxml" else None
            self._prefixes = found.findall(self.lines.text) if found is not None else []
        return self._prefixes

    def span(self, first: int, last: int) -> str:
        """Lines `first` to `last` (numbered from 1) as one text, joined by line feeds."""
        starts, text = self.lines.starts, self.lines.text
        return text[starts[first - 1]:starts[last] - 1 if last < len(starts) else len(text)]

    def block(self, subject_line: int) -> range:
        if subject_line not in self._blocks:
            self._blocks[subject_line] = block_lines(self.document.format, self.lines, subject_line)
        return self._blocks[subject_line]

    def _written(self, path: str) -> bool:
        """Whether `path` is a property the document can write (not a complex path: property_line's question),
        kept per path (a national report asks hundreds of thousands of times about a few dozen)."""
        found = self._paths.get(path)
        if found is None:
            found = self._paths[path] = not (path.startswith(("^", "(", "_:")) or "/<" in path) and (
                self.pattern(path) is not None)
        return found

    def pattern(self, path: str):
        if path not in self._patterns:
            spellings = property_spellings(self.document, path, self.prefixes())
            self._patterns[path] = re.compile("|".join(spellings)) if spellings else None
        return self._patterns[path]

    def block_text(self, subject_line: int) -> str:
        """The resource's block as one text (the last block asked for is kept)."""
        if self._text_for != subject_line:
            block = self.block(subject_line)
            self._text_for, self._text = subject_line, self.span(block[0], block[-1])
        return self._text

    def turtle_spellings(self, path: str) -> list[str]:
        """Texts one of which every Turtle spelling of `path` contains (`a` aside): <path>, prefix:local."""
        if path not in self._spellings:
            self._spellings[path] = [f"<{path}>"] + [f"{prefix}:{path[len(namespace):]}"
                                                     for prefix, namespace in self.prefixes()
                                                     if len(path) > len(namespace) and path.startswith(namespace)]
        return self._spellings[path]

    def turtle_terms(self, subject_line: int) -> dict:
        """IRI -> the first line of the resource's Turtle block that writes it (in full, as a prefixed name, or
        as `a` for rdf:type): each block is read once, however many findings its resource has (the same
        spellings property_spellings gives, read the other way round). The block is read as one piece of text
        (quoted literals and terms never run over a line end), its line ends found with the terms."""
        if self._terms_for != subject_line:  # findings come sorted: a resource's findings are consecutive
            text = _STRING_IN_LINE.sub('""', self.block_text(subject_line))
            self._terms_for, self._terms = subject_line, terms_in(text, self.namespaces(), subject_line)
        return self._terms

    def namespaces(self) -> dict:
        """prefix -> the namespaces the document declares for it (read once)."""
        if self._namespaces is None:
            self._namespaces = {}
            for prefix, namespace in self.prefixes():
                self._namespaces.setdefault(prefix, []).append(namespace)
        return self._namespaces

    def turtle_line(self, subject_line: int, path: str) -> int | None:
        """The first line of the resource's Turtle block that writes `path` (not rdf:type, which `a` spells):
        the line turtle_terms gives, found without reading the whole block's terms. Only a line holding one of
        the property's spellings can write it (terms and quoted literals never run over a line end, so each line
        is read as turtle_terms reads it), and most findings are about the first such line."""
        text = self._text if self._text_for == subject_line else self.block_text(subject_line)
        spellings = self._spellings.get(path) or self.turtle_spellings(path)
        start, end = 0, len(text)
        while start <= end:
            at = -1
            for spelling in spellings:
                found = text.find(spelling, start)
                if found >= 0 and (at < 0 or found < at):
                    at = found
            if at < 0:
                return None
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line_end = end if line_end < 0 else line_end
            if path in terms_in(_STRING_IN_LINE.sub('""', text[line_start:line_end]), self.namespaces(), 0):
                return subject_line + text.count("\n", 0, line_start)
            start = line_end + 1
        return None

    def property_line(self, subject_line: int, path: str) -> int | None:
        """Best effort: the first line of the resource's block (from `subject_line`) that writes `path`.

        The block runs until the next resource starts (a line at the left margin in Turtle, a new rdf:about in
        RDF/XML, a new "@id" in JSON-LD, a line indented no deeper in YAML). None when the property is not written
        there (a missing property: the resource's own line is the right place then).
        """
        lines, fmt = self.lines, self.document.format
        if not 0 < subject_line <= self._count or not self._written(path):
            return None
        if self._turtle:
            # Most findings are about a property the resource lacks: no spelling of it is in the block's text, and
            # only the lines that hold one are read (it may be inside a literal or another term there).
            if path != _RDF_TYPE:
                return self.turtle_line(subject_line, path)
            return self.turtle_terms(subject_line).get(path)
        pattern = self.pattern(path)
        block = self.block(subject_line)
        own_keys = key_column(lines[block[1] - 1]) if fmt == "description" and len(block) > 1 else None
        for number in block:
            text = lines[number - 1]
            if own_keys is not None and key_column(text) != own_keys and number != subject_line:
                continue  # YAML: a key of a nested entry (a distribution's title is not the dataset's)
            if pattern.search(strip_strings(text, fmt)):
                return number
        return None

    def value_line(self, property_line_number: int, value: str | None) -> int | None:
        """Turtle lists values with commas over several lines: the line of the offending value, if it is there."""
        if not value or self.document.format not in ("turtle", "trig"):
            return None
        for number in range(property_line_number, len(self.lines) + 1):
            text = self.lines[number - 1]
            if f'"{value}"' in text or f"<{value}>" in text:
                return number
            if text.rstrip().endswith((";", ".")):
                return None
        return None


def terms_in(text: str, namespaces: dict, number: int) -> dict:
    """IRI -> the number of the first line of `text` (Turtle with quoted literals blanked, its first line numbered
    `number`) that writes it in full, as a prefixed name (`namespaces`: prefix -> namespaces) or as `a`."""
    found: dict = {}
    for newline, iri, prefix, local, keyword in _TURTLE_TERM_OR_LINE_END.findall(text):
        if newline:
            number += 1
        elif keyword:
            found.setdefault(_RDF_TYPE, number)
        elif prefix or local or not iri:
            local = local.rstrip(".")
            for namespace in namespaces.get(prefix, ()) if local else ():
                found.setdefault(namespace + local, number)
        else:
            found.setdefault(iri, number)
    return found


def key_column(text: str) -> int:
    stripped = text.lstrip()
    return indent(text) + (2 if stripped.startswith("- ") else 0)


def property_spellings(document: Document, path: str, prefixes: list) -> list[str]:
    """Regular expressions for the ways the property IRI can be written in this document (`prefixes`: the
    document's (prefix, namespace) declarations, LineFinder.prefixes)."""
    namespace, local = split_iri(path)
    if not local:
        return []
    escaped_local = re.escape(local)
    spellings = [re.escape(f"<{path}>")] if document.format != "description" else []
    if document.format in ("turtle", "trig"):
        for prefix, iri in prefixes:
            if iri == namespace:
                spellings.append(rf"(?<![\w:-]){re.escape(prefix)}:{escaped_local}(?![\w.-]*[\w-])")
        if path == str(RDF.type):
            spellings.append(r"(?<![\w:-])a(?=\s)")
    elif document.format == "rdfxml":
        for prefix, iri in prefixes:
            if iri == namespace:
                spellings.append(rf"<{re.escape(prefix)}:{escaped_local}[\s/>]")
    elif document.format == "jsonld":
        spellings += [rf'"{re.escape(path)}"\s*:', rf'"(?:[\w.-]+:)?{escaped_local}"\s*:']
    elif document.format == "description":  # keys are the local names in snake_case: contactPoint -> contact_point
        from ..description.api import key_of_predicate

        snake = re.escape(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local).lower())
        key = key_of_predicate().get(path)  # the format's own key: dcterms:accessRights -> access
        keys = "|".join(dict.fromkeys([escaped_local, snake, *([re.escape(key)] if key else [])]))
        spellings.append(rf"^\s*(?:-\s*)?(?:{keys})\s*:")
    return spellings


def split_iri(iri: str) -> tuple[str, str]:
    for separator in ("#", "/"):
        if separator in iri:
            head, _, tail = iri.rpartition(separator)
            if tail:
                return head + separator, tail
    return iri, ""


def block_lines(fmt: str, lines: Lines, start: int) -> range:
    end = len(lines)
    if fmt in ("turtle", "trig"):  # one search of the text: the next line that starts a resource at the margin
        found = _TURTLE_MARGIN.search(lines.text, lines.starts[start] - 1) if start < end else None
        return range(start, (lines.number_at(found.start() + 1) - 1 if found else end) + 1)
    first_indent = indent(lines[start - 1])
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if fmt == "rdfxml" and re.search(r"\brdf:about\s*=", text):
            end = number - 1
            break
        if fmt == "jsonld" and '"@id"' in text and indent(text) <= first_indent:
            end = number - 1
            break
        if fmt == "description" and indent(text) <= first_indent:
            end = number - 1
            break
    return range(start, end + 1)


def indent(text: str) -> int:
    return len(text) - len(text.lstrip())


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
# A Turtle line that starts a resource: no indentation and neither a comment nor the close of a nested term (found
# by the line feed before it, which the regular expression engine looks for much faster than a line start).
_TURTLE_MARGIN = re.compile(r"\n[^\s#\])}]")
# A Turtle line's terms: an IRI in full, a prefixed name (its local part without a final "."), or `a` (followed by
# white space on its line). Neither these nor a quoted literal run over a line end (_STRING_IN_LINE: _STRING within a
# line), so a block's lines are read as one text, line ends found among the terms (the first group).
_TURTLE_TERM_OR_LINE_END = re.compile(
    r"(\n)|<([^<>\s]*)>|(?<![\w:-])([\w.-]*):([\w.-]*)|(?<![\w:-])(a)(?=[^\S\n])")
_STRING_IN_LINE = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_RDF_TYPE = str(RDF.type)


def strip_strings(text: str, fmt: str) -> str:
    """Drop quoted literals so a property name inside a title does not count (JSON keys are strings: keep)."""
    if fmt in ("turtle", "trig"):
        return _STRING.sub('""', text)
    return text
