"""The one report model. Every engine produces Findings; every renderer reads a Report; nothing recomputes."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @property
    def label(self) -> str:
        return self.name.lower()

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


DEFAULT_LANG = "en"
LANGUAGES = ("en", "sv")


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

    def __post_init__(self):
        object.__setattr__(self, "severity", Severity.parse(self.severity))
        if not isinstance(self.messages, MappingProxyType):
            object.__setattr__(self, "messages", MappingProxyType(dict(self.messages)))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        for choice in (lang, DEFAULT_LANG, ""):
            if self.messages.get(choice):
                return self.messages[choice]
        return next(iter(self.messages.values()), self.code)

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
            **({"suppressed": self.suppressed, "suppressed_by": self.suppressed_by}
               if self.suppressed_by else {}),
        }


def sort_key(finding: Finding):
    return (finding.source or "", finding.line or 0, finding.focus, -finding.severity, finding.code,
            finding.path or "", finding.value or "")


@dataclass
class Report:
    """The outcome of validating some sources against some profiles."""

    findings: list[Finding]
    profiles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.VIOLATION
    notes: list[str] = field(default_factory=list)  # e.g. "pyshacl ran for user shapes"
    guidance: bool = False  # grunddata-marked resources were validated: show the human checklist
    suppressed: list[Finding] = field(default_factory=list)  # listed, never counted (validation/suppressions.py)
    input_errors: list = field(default_factory=list)  # sources that could not be read (EnaError), per-source mode
    baseline_gone: list[dict] = field(default_factory=list)  # baselined findings no longer found

    def __post_init__(self):
        self.fail_on = Severity.parse(self.fail_on)
        self.findings = sorted(self.findings, key=sort_key)
        self.suppressed = sorted(self.suppressed, key=sort_key)

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s.label: counts.get(s, 0) for s in (Severity.VIOLATION, Severity.WARNING, Severity.INFO)}

    @property
    def conforms(self) -> bool:
        return not any(f.severity >= self.fail_on for f in self.findings)

    def with_threshold(self, fail_on) -> Report:
        return Report(self.findings, self.profiles, self.sources, Severity.parse(fail_on), self.notes, self.guidance,
                      self.suppressed, self.input_errors, self.baseline_gone)

    def to_dict(self, lang: str = DEFAULT_LANG) -> dict:
        """The documented JSON contract (README, "JSON output")."""
        return {
            "conforms": self.conforms,
            "profiles": list(self.profiles),
            "sources": list(self.sources),
            "summary": self.summary,
            "findings": [f.to_dict(lang) for f in self.findings],
            **({"suppressed": [f.to_dict(lang) for f in self.suppressed]} if self.suppressed else {}),
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


def term_text(term) -> str | None:
    """Full IRI, `_:label` for blank nodes, lexical form for literals."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


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
