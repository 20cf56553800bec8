"""The one report model. Every engine produces Findings; every renderer reads a Report; nothing recomputes."""

from __future__ import annotations

import contextlib
import enum
import json
import os
import sqlite3
import tempfile
import weakref
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from .messages import FALLBACK, LANGUAGES  # noqa: F401  (LANGUAGES re-exported: the --lang choices)
from .text import pick


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @property
    def label(self) -> str:
        """"violation", "warning" or "info" (asked once or twice per finding: read from a table, as an enum's `name`
        is a Python-level descriptor; 213,842 asks took 0.38 s of a national SARIF report)."""
        return _LABELS[self]

    @classmethod
    def parse(cls, value) -> Severity:
        if isinstance(value, Severity):
            return value
        text = str(value)
        if text.startswith(str(SH)):
            text = text[len(str(SH)):]
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (violation, warning or info)") from None

    @property
    def iri(self) -> URIRef:
        return SH[self.name.capitalize()]


_LABELS = {level: level.name.lower() for level in Severity}

DEFAULT_LANG = FALLBACK


@dataclass(frozen=True)
class Finding:
    """One problem with one resource, as data: renderers, docs and tests read `code`, never message text."""

    code: str
    severity: Severity
    focus: str
    path: str | None = None
    value: str | None = None
    messages: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    shape: str | None = None
    source: str | None = None
    line: int | None = None
    component: str | None = None  # sh:sourceConstraintComponent, for the SHACL report graph
    suppressed: str | None = None  # why it does not count: the reason of a suppression comment, config, baseline
    suppressed_by: str | None = None  # "comment", "config" or "baseline" (SARIF: inSource / external)
    # A description-file finding about a key: the RDF resource the key belongs to and (in `path`) the key's
    # property, so the SHACL findings this key's error explains can be linked to it.
    resource: str | None = None
    key_name: str | None = None  # description files: the YAML/JSON key of `path` (the user's term for it)
    cause: tuple | None = None  # key() of the finding that explains this one (set by the Report, never by engines)

    def __post_init__(self):
        object.__setattr__(self, "severity", Severity.parse(self.severity))
        if not isinstance(self.messages, MappingProxyType):
            object.__setattr__(self, "messages", MappingProxyType(dict(self.messages)))

    @classmethod
    def checked(cls, code: str, severity: Severity, focus: str, path, value, messages: MappingProxyType, shape,
                component, source, line) -> Finding:
        """A finding from parts already in their types (a Severity, a MappingProxyType), made without __init__'s
        conversions: an engine makes 200,000 at national scale, and this takes half the time of Finding(...)."""
        finding = object.__new__(cls)
        # every field set in field order: the instance keeps the class's shared-key dict (192 bytes; keyword
        # arguments made a dict of its own, 464 bytes, 60 MB more for a national report). One store per field: 0.6 µs
        # a finding, against 1.4 µs through update(zip(...)) (tests/test_reports.py holds it to the dataclass).
        fields = vars(finding)
        fields["code"] = code
        fields["severity"] = severity
        fields["focus"] = focus
        fields["path"] = path
        fields["value"] = value
        fields["messages"] = messages
        fields["shape"] = shape
        fields["source"] = source
        fields["line"] = line
        fields["component"] = component
        fields["suppressed"] = fields["suppressed_by"] = fields["resource"] = fields["key_name"] = None
        fields["cause"] = None
        return finding

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The message in `lang`, else as text.pick falls back; the code when there is none."""
        return pick(self.messages, lang) or self.code

    @property
    def caused_by(self) -> str | None:
        """The code of the finding that explains this one (fix that first), or None."""
        return self.cause[0] if self.cause else None

    def key(self) -> tuple:
        """What makes two findings the same problem (used to compare engines and runs)."""
        return (self.code, self.severity.label, self.focus, self.path, self.value)

    def to_dict(self, lang: str = DEFAULT_LANG) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.label,
            "focus": self.focus,
            "path": self.path,
            "value": self.value,
            "message": self.message(lang),
            "shape": self.shape,
            "source": self.source,
            "line": self.line,
            "key": self.key_name,
            "caused_by": self.caused_by,
            **({"suppressed": self.suppressed, "suppressed_by": self.suppressed_by}
               if self.suppressed_by else {}),
        }


_FIELDS = tuple(Finding.__dataclass_fields__)


def sort_key(finding: Finding):
    return (finding.source or "", finding.line or 0, finding.focus, -finding.severity, finding.code,
            finding.path or "", finding.value or "")


@dataclass
class Report:
    """The outcome of validating some sources against some profiles."""

    # A list, in report order. Given a FindingSpill that went to disk (validate --endpoint past SPILL_AT findings)
    # it becomes SpilledFindings: iterable in the same order, with len(), but no indexing.
    findings: list[Finding]
    profiles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.VIOLATION
    notes: list[str] = field(default_factory=list)  # e.g. "pyshacl ran for user shapes"
    guidance: bool = False  # grunddata-marked resources were validated: show the human checklist
    suppressed: list[Finding] = field(default_factory=list)  # listed, never counted (validation/suppressions.py)
    input_errors: list = field(default_factory=list)  # sources that could not be read (EnaError), per-source mode
    baseline_gone: list[dict] = field(default_factory=list)  # baselined findings no longer found
    # Focus resources that are referred to but described in no source (the loader knows; None: unknown, then a
    # focus none of whose findings has a source counts as undescribed). Used to link root causes.
    undescribed: frozenset | None = None

    def __post_init__(self):
        self.fail_on = Severity.parse(self.fail_on)
        if isinstance(self.findings, FindingSpill):
            self.findings = self.findings.ordered(self.undescribed)  # a list again when they were few
        if not isinstance(self.findings, SpilledFindings):  # (spilled ones are sorted and linked already)
            findings = (_with_cause(f, None) if f.cause is not None else f for f in self.findings)
            self.findings = link_causes(sorted(findings, key=sort_key), self.undescribed)
        self.suppressed = sorted(self.suppressed, key=sort_key)

    def roots(self):
        """Each finding that no other explains, with the findings it explains (in report order). A generator of
        short-lived pairs: at national scale a list of 200,000 pairs costs seconds of garbage collection."""
        if isinstance(self.findings, SpilledFindings):
            yield from _roots_in_one_pass(self.findings)
            return
        explained: dict[int, list[Finding]] = {}  # id(cause) -> what it explains
        orphans: set[int] = set()  # findings whose cause is not right before them (a list reordered by hand)
        current = None
        for finding in self.findings:  # link_causes puts consequences right after their cause
            if finding.cause is None:
                current = finding
            elif current is not None and current.key() == finding.cause:
                explained.setdefault(id(current), []).append(finding)
            else:
                orphans.add(id(finding))
        for finding in self.findings:
            if finding.cause is None or id(finding) in orphans:
                yield finding, explained.get(id(finding), ())

    @property
    def causes(self) -> list[Finding]:
        """Findings that explain others, in report order: what to fix first."""
        return [root for root, consequences in self.roots() if consequences]

    @property
    def summary(self) -> dict[str, int]:
        counts = (self.findings.counts if isinstance(self.findings, SpilledFindings)
                  else Counter(f.severity for f in self.findings))
        return {s.label: counts.get(s, 0) for s in (Severity.VIOLATION, Severity.WARNING, Severity.INFO)}

    @property
    def conforms(self) -> bool:
        if isinstance(self.findings, SpilledFindings):
            return not any(count and severity >= self.fail_on for severity, count in self.findings.counts.items())
        return not any(f.severity >= self.fail_on for f in self.findings)

    @property
    def resources(self) -> int:
        """How many resources have findings (the same IRI in two sources is two resources)."""
        if isinstance(self.findings, SpilledFindings):
            return self.findings.resources
        return len({(f.source, f.focus) for f in self.findings})

    def with_threshold(self, fail_on) -> Report:
        return Report(self.findings, self.profiles, self.sources, Severity.parse(fail_on), self.notes, self.guidance,
                      self.suppressed, self.input_errors, self.baseline_gone, self.undescribed)

    def to_dict(self, lang: str = DEFAULT_LANG, lazy: bool = False) -> dict:
        """The documented JSON contract (README, "JSON output"). `lazy`: the finding lists as generators, so a
        writer can encode one finding at a time (render/formats.py streamed_json)."""
        listed = (lambda items: (f.to_dict(lang) for f in items)) if lazy else (lambda items: [f.to_dict(lang)
                                                                                                for f in items])
        return {
            "conforms": self.conforms,
            "profiles": list(self.profiles),
            "sources": list(self.sources),
            "summary": self.summary,
            "findings": listed(self.findings),
            **({"suppressed": listed(self.suppressed)} if self.suppressed else {}),
            **({"baseline_gone": list(self.baseline_gone)} if self.baseline_gone else {}),
        }

    def to_graph(self) -> Graph:
        """The standard SHACL validation report graph, built from the findings."""
        graph = Graph()
        graph.bind("sh", SH)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for finding in self.findings:
            result = BNode()
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.resultSeverity, finding.severity.iri))
            graph.add((result, SH.focusNode, term_from_text(finding.focus)))
            if finding.path:
                graph.add((result, SH.resultPath, term_from_text(finding.path)))
            if finding.value is not None:
                graph.add((result, SH.value, term_from_text(finding.value, literal=True)))
            if finding.shape:
                graph.add((result, SH.sourceShape, term_from_text(finding.shape)))
            if finding.component:
                graph.add((result, SH.sourceConstraintComponent, URIRef(finding.component)))
            for lang, text in finding.messages.items():
                graph.add((result, SH.resultMessage, Literal(text, lang=lang or None)))
        return graph


# ------------------------------------------------------------------------------------------------ root causes
#
# One wrong digit in an organisation number, an agent nobody describes, a key the schema rejects: each makes
# several rules fail that would all pass once it is fixed. The report names the cause once and files the findings
# it explains under it (`cause`), in every format. Findings are never dropped: counts stay exact.

# A publisher identity that cannot be right: what is said about "that publisher" follows from it.
IDENTITY_CAUSES = ("GD-PUBLISHER-IRI", "GD-PUBLISHER-LUHN")
IDENTITY_CONSEQUENCES = frozenset({"GD-PUBLISHER-AUTHORISED", "GD-PUBLISHER-NAME", "GD-PUBLISHER-IDENTIFIER",
                                   "GD-PUBLISHER-TYPE", "GD-PUBLISHER-GROUP", "GD-PUBLISHER-LUHN"})
SAME_RESOURCE_CONSEQUENCES = frozenset({"GD-CATALOG-PUBLISHER"})  # the catalog's publisher differs: the typo
# A resource referred to but described nowhere: the finding that asks to describe it explains its "has no …".
DESCRIBE_CAUSES = ("GD-PUBLISHER-NAME",)
DESCRIBE_CONSEQUENCES = frozenset({"GD-PUBLISHER-IDENTIFIER", "GD-PUBLISHER-TYPE"})


def link_causes(findings: list[Finding], undescribed_focuses=None) -> list[Finding]:
    """`findings` (sorted) with `cause` set, reordered: resources with a cause first; within a resource,
    violations before warnings and causes before the rest; each cause directly followed by what it explains."""
    if not findings:
        return findings
    codes = {f.code for f in findings}
    if nothing_to_link(codes, undescribed_focuses):
        return findings  # nothing can explain anything (the common case at national scale): no work
    linked = _lead(findings, undescribed_focuses)
    if linked is None:
        return findings
    lead, indices = linked
    placed = set(indices)
    return [lead.get(i, findings[i]) for i in indices] + [f for i, f in enumerate(findings) if i not in placed]


def nothing_to_link(codes, undescribed_focuses) -> bool:
    """No finding can explain another: no identity cause, no schema finding, no undescribed resource."""
    return undescribed_focuses is not None and not undescribed_focuses and not set(codes).intersection(
        IDENTITY_CAUSES) and not any(code.startswith("SCHEMA-") for code in codes)


def _lead(findings: list[Finding], undescribed_focuses=None, located: bool | None = None):
    """(index -> the finding with its cause set, the indices that go first in their order: resources with a cause,
    each cause directly followed by what it explains) of sorted `findings`, or None when nothing explains anything.
    `located`: whether any finding (of all, when `findings` is a part) names a source."""
    cause_of: dict[int, int] = {}  # index -> index of its cause
    by_focus: dict[str, list[int]] = {}
    by_value: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        by_focus.setdefault(finding.focus, []).append(index)
        if finding.value is not None:
            by_value.setdefault(finding.value, []).append(index)
    located = any(f.source for f in findings) if located is None else located

    def undescribed(resource: str | None) -> bool:
        """Referred to, but no source describes it."""
        if resource is None or resource not in by_focus or resource.startswith("_:"):
            return False
        if undescribed_focuses is not None:
            return resource in undescribed_focuses
        return located and all(findings[i].source is None for i in by_focus[resource])

    def explain(consequence: int, cause: int) -> None:
        if consequence in cause_of:
            return
        cause = _root(cause_of, cause)
        if consequence != cause:
            cause_of[consequence] = cause

    for index, cause in enumerate(findings):
        if cause.code in IDENTITY_CAUSES and index not in cause_of:
            for other in by_focus[cause.focus]:
                other_finding = findings[other]
                if (other_finding.code in IDENTITY_CONSEQUENCES and other_finding.value == cause.value) or \
                        other_finding.code in SAME_RESOURCE_CONSEQUENCES:
                    explain(other, index)
            if undescribed(cause.value):
                for other in by_focus[cause.value]:
                    explain(other, index)
        if cause.code.startswith("SCHEMA-") and cause.resource and cause.path:
            for other in by_focus.get(cause.resource, ()):
                if findings[other].path == cause.path and not findings[other].code.startswith("SCHEMA-"):
                    explain(other, index)
    candidates = (undescribed_focuses & by_focus.keys() if undescribed_focuses is not None
                  else [r for r in by_focus if findings[by_focus[r][0]].source is None])
    for resource in sorted(candidates, key=lambda r: by_focus[r][0]):
        if not undescribed(resource):
            continue
        referrers = [i for i in by_value.get(resource, ()) if findings[i].source is not None]
        if not referrers:
            continue
        cause = min(referrers, key=lambda i: (findings[i].code not in DESCRIBE_CAUSES, -findings[i].severity, i))
        for other in by_focus[resource]:
            explain(other, cause)
        for other in by_focus[findings[cause].focus]:
            if findings[other].code in DESCRIBE_CONSEQUENCES and findings[other].value == resource:
                explain(other, cause)
    if not cause_of:
        return None
    cause_of = {consequence: _root(cause_of, cause) for consequence, cause in cause_of.items()}  # one level
    explained: dict[int, list[int]] = {}
    for consequence, cause in cause_of.items():
        explained.setdefault(cause, []).append(consequence)
    linked = {consequence: _with_cause(findings[consequence], findings[cause].key())
              for consequence, cause in cause_of.items()}
    lead = {findings[cause].focus for cause in explained}
    groups: dict[str, list[int]] = {}  # resources with a cause: they come first, in report order
    for index, finding in enumerate(findings):  # the others keep their order (by severity within a resource)
        if index not in cause_of and finding.focus in lead:
            groups.setdefault(finding.focus, []).append(index)
    result: list[int] = []
    for roots in groups.values():
        for root in sorted(roots, key=lambda r: (-findings[r].severity, r not in explained, r)):
            result.append(root)
            focus = findings[root].focus  # what it explains on its own resource first, then elsewhere
            result.extend(sorted(explained.get(root, ()),
                                 key=lambda c: (findings[c].focus != focus, -findings[c].severity, c)))
    return linked, result


def _root(cause_of: dict[int, int], index: int) -> int:
    while index in cause_of:
        index = cause_of[index]
    return index


def _with_cause(finding: Finding, cause: tuple | None) -> Finding:
    return Finding(**{**finding.__dict__, "cause": cause})


def term_text(term) -> str | None:
    """Full IRI, `_:label` for blank nodes, lexical form for literals."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def node_of(text: str):
    """The resource a finding's focus names: a blank node for `_:label`, else an IRI (term_text's inverse)."""
    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def term_from_text(text: str, literal: bool = False):
    if text.startswith("_:"):
        return BNode(text[2:])
    if literal and not looks_like_iri(text):
        return Literal(text)
    return URIRef(text) if looks_like_iri(text) else Literal(text, datatype=XSD.string)


def looks_like_iri(text: str) -> bool:
    scheme, colon, rest = text.partition(":")
    return bool(colon) and scheme.isalpha() and " " not in text and (rest.startswith("//") or scheme in (
        "urn", "mailto", "tel", "data"))


# ------------------------------------------------------------------------------------------------ many findings
#
# A national catalog validated inside its store (validate --endpoint) has millions of findings: as objects they
# would take gigabytes. The engine hands them to a FindingSpill, which keeps them as objects while they are few and
# moves them to a temporary SQLite file (the standard library's sqlite3) past `spill_at`. The Report then holds
# either the list it always had or SpilledFindings: the same findings, sorted by sort_key and linked to their
# causes exactly as link_causes does, read back one at a time; counts are kept by the database, not by a scan.

SPILL_AT = 100_000  # findings held as objects before they go to disk
_COLUMNS = ("code", "severity", "focus", "path", "value", "messages", "shape", "source", "line", "component",
            "suppressed", "suppressed_by", "resource", "key_name")
_ORDER = ("COALESCE(source, ''), COALESCE(line, 0), focus, severity DESC, code, COALESCE(path, ''), "
          "COALESCE(value, ''), id")  # sort_key, then the order they came in (sorted() is stable)
_BATCH = 10_000


class FindingSpill:
    """Findings collected for a Report (`Report(findings=spill)`), held as objects up to `spill_at`, then on
    disk. `append`/`extend` as on a list."""

    def __init__(self, spill_at: int | None = None):
        self.spill_at = SPILL_AT if spill_at is None else spill_at
        self._held: list[Finding] = []
        self._db: sqlite3.Connection | None = None
        self._texts: dict[int, tuple] = {}  # id(messages) -> (messages, JSON text): a shape's messages are shared

    def append(self, finding: Finding) -> None:
        self._held.append(finding)
        if len(self._held) > (self.spill_at if self._db is None else _BATCH):
            self._flush()

    def extend(self, findings) -> None:
        for finding in findings:
            self.append(finding)

    def __len__(self) -> int:
        stored = self._db.execute("SELECT COUNT(*) FROM raw").fetchone()[0] if self._db is not None else 0
        return stored + len(self._held)

    def ordered(self, undescribed=None):
        """The findings in report order: a list when they stayed few, else SpilledFindings."""
        if self._db is None:
            held, self._held = self._held, []
            return held
        self._flush()
        db, self._db = self._db, None
        return SpilledFindings(db, undescribed)

    def _flush(self) -> None:
        if self._db is None:
            self._db = _temporary_database()
        self._db.executemany(f"INSERT INTO raw ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                             [self._row(finding) for finding in self._held])
        self._held = []

    def _row(self, f: Finding) -> tuple:
        cached = self._texts.get(id(f.messages))
        if cached is None or cached[0] is not f.messages:
            if len(self._texts) > 4096:
                self._texts.clear()
            cached = self._texts[id(f.messages)] = (f.messages, json.dumps(dict(f.messages), ensure_ascii=False))
        # `cause` is not kept: the Report links causes itself (engines never set it)
        return (f.code, int(f.severity), f.focus, f.path, f.value, cached[1], f.shape, f.source, f.line,
                f.component, f.suppressed, f.suppressed_by, f.resource, f.key_name)


def _temporary_database() -> sqlite3.Connection:
    handle, path = tempfile.mkstemp(prefix="ena-grunddata-findings-", suffix=".sqlite")
    os.close(handle)
    db = sqlite3.connect(path, check_same_thread=False, factory=_Database)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -32768", "temp_store = FILE"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, code TEXT, severity INTEGER, focus TEXT, path TEXT, "
               "value TEXT, messages TEXT, shape TEXT, source TEXT, line INTEGER, component TEXT, suppressed TEXT, "
               "suppressed_by TEXT, resource TEXT, key_name TEXT, lead INTEGER DEFAULT 0)")
    weakref.finalize(db, _remove_file, path)  # also at exit
    return db


class _Database(sqlite3.Connection):
    """A connection that can be watched (weakref.finalize removes its file when the findings go)."""


def _remove_file(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


class SpilledFindings:
    """Findings in a temporary SQLite file, in report order (what Report.__post_init__ makes of a list): iterate
    them (each pass reads them back one at a time), len(), `counts` per severity, `resources`."""

    def __init__(self, db: sqlite3.Connection, undescribed=None):
        self._db = db
        self._messages: dict[str, MappingProxyType] = {}
        self.counts = Counter({Severity(severity): count for severity, count in
                               db.execute("SELECT severity, COUNT(*) FROM raw GROUP BY severity")})
        self._length = sum(self.counts.values())
        self.resources = db.execute("SELECT COUNT(*) FROM (SELECT DISTINCT source, focus FROM raw)").fetchone()[0]
        codes = [row[0] for row in db.execute("SELECT DISTINCT code FROM raw")]
        self._lead: list[Finding] = []  # the resources with a cause, first (few; kept as objects)
        if not nothing_to_link(codes, undescribed):
            self._link(undescribed)
        db.execute(f"CREATE TABLE ordered AS SELECT {', '.join(_COLUMNS)} FROM raw WHERE lead = 0 ORDER BY {_ORDER}")
        db.execute("DROP TABLE raw")

    def __len__(self) -> int:
        return self._length

    def __bool__(self) -> bool:
        return self._length > 0

    def __iter__(self):
        yield from self._lead
        for row in self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM ordered ORDER BY rowid"):
            yield self._finding(row)

    def _finding(self, row) -> Finding:
        values = dict(zip(_COLUMNS, row))
        text = values["messages"]
        messages = self._messages.get(text)
        if messages is None:
            if len(self._messages) > 4096:
                self._messages.clear()
            messages = self._messages[text] = MappingProxyType(json.loads(text))
        values["messages"] = messages
        values["severity"] = Severity(values["severity"])
        return Finding(**values)

    def _link(self, undescribed) -> None:
        """link_causes on the findings of every resource a cause can reach (all of their findings, so the
        linking is the same as on the whole list); those go first, the others keep their order."""
        db = self._db
        located = db.execute("SELECT EXISTS (SELECT 1 FROM raw WHERE source IS NOT NULL AND source != '')"
                             ).fetchone()[0] == 1
        reached: set[str] = set()
        causes = " OR ".join(["code IN (" + ", ".join("?" * len(IDENTITY_CAUSES)) + ")", "code LIKE 'SCHEMA-%'"])
        for focus, value, resource in db.execute(f"SELECT focus, value, resource FROM raw WHERE {causes}",
                                                 IDENTITY_CAUSES):
            reached.update(term for term in (focus, value, resource) if term is not None)
        if undescribed is not None:
            candidates = set(undescribed)
        elif located:
            candidates = {row[0] for row in db.execute("SELECT DISTINCT focus FROM raw WHERE source IS NULL")}
        else:
            candidates = set()  # nothing is located: nothing counts as undescribed
        db.execute("CREATE TEMPORARY TABLE reached (focus TEXT PRIMARY KEY)")
        if candidates:
            db.execute("CREATE TEMPORARY TABLE candidates (focus TEXT PRIMARY KEY)")
            db.executemany("INSERT OR IGNORE INTO candidates VALUES (?)", ((c,) for c in candidates))
            reached.update(row[0] for row in db.execute(
                "SELECT DISTINCT raw.focus FROM raw JOIN candidates ON raw.value = candidates.focus "
                "WHERE raw.source IS NOT NULL"))  # the resources that refer to an undescribed one
            reached.update(candidates)
        db.executemany("INSERT OR IGNORE INTO reached VALUES (?)", ((focus,) for focus in reached))
        rows = db.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM raw WHERE focus IN (SELECT focus FROM reached) "
                          f"ORDER BY {_ORDER}").fetchall()
        part = [self._finding(row[1:]) for row in rows]
        linked = _lead(part, undescribed, located) if part else None
        if linked is None:
            return
        lead, indices = linked
        self._lead = [lead.get(i, part[i]) for i in indices]
        db.executemany("UPDATE raw SET lead = 1 WHERE id = ?", ((rows[i][0],) for i in indices))


def _roots_in_one_pass(findings):
    """Report.roots for findings read back from disk: each cause is directly followed by what it explains
    (link_causes), so one pass pairs them, holding one resource's group at a time."""
    current, explained = None, []
    for finding in findings:
        if finding.cause is not None and current is not None and current.key() == finding.cause:
            explained.append(finding)
            continue
        if current is not None:
            yield current, tuple(explained)
        current, explained = finding, []
        if finding.cause is not None:  # explained by nothing right before it: a root of its own
            yield finding, ()
            current = None
    if current is not None:
        yield current, tuple(explained)
