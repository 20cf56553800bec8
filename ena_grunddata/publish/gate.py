"""The one gate before anything leaves the machine (`export`, `publish`, `serve`).

A catalog goes out only when validation (the options of `validate`, and the same policy: suppression comments, the
configuration's ignore and severity) finds no violation and no placeholder that
`init` wrote is left in it. Placeholders are found twice over: in description files (SCHEMA-PLACEHOLDER, with line and
column) and in the loaded RDF itself (PUBLISH-PLACEHOLDER), so a starter turned into Turtle with `describe` is caught
too. `--allow-invalid` lets a refused catalog through and `--no-validate` skips the gate; both are said in the output.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from rdflib import BNode, Literal

from ..description.starter import PLACEHOLDER  # what `ena-grunddata init` writes where the author must fill in
from ..load import Limits, Loaded
from ..messages import both, count, tr
from ..report import Finding, Report, term_text
from ..validation.ruleset import Rules

PLACEHOLDER_CODES = ("SCHEMA-PLACEHOLDER", "PUBLISH-PLACEHOLDER")
# The placeholder as a word of its own: "TODO: titel", https://data.TODO.se/, TODO@TODO.se; not "TODOS" or "ATODO".
_PLACEHOLDER_WORD = re.compile(rf"(?<![A-Za-z0-9]){PLACEHOLDER}(?![A-Za-z0-9])")


@dataclass
class Verdict:
    """What the gate found. `report` is None when validation was skipped (--no-validate)."""

    report: Report | None
    violations: int = 0
    placeholders: int = 0

    @property
    def validated(self) -> bool:
        return self.report is not None

    @property
    def blocked(self) -> bool:
        return self.validated and bool(self.violations or self.placeholders)

    def problems(self, lang: str = "en") -> str:
        """'2 violations and 5 placeholders (TODO) left from `init`', in the user's language."""
        parts = []
        if self.violations:
            parts.append(count(self.violations, "violation", lang))
        if self.placeholders:
            parts.append(tr("gate.placeholders.one" if self.placeholders == 1 else "gate.placeholders.other", lang,
                            n=self.placeholders, placeholder=PLACEHOLDER))
        return tr("gate.and", lang, first=parts[0], second=parts[1]) if len(parts) == 2 else "".join(parts)


class InvalidCatalog(Exception):
    """The gate refused the catalog and the user did not pass --allow-invalid."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        self.report = verdict.report
        super().__init__(verdict.problems())


def check(loaded: Loaded, rules: Rules | None = None, *, validate: bool = True,
          limits: Limits | None = None) -> Verdict:
    """Validate `loaded` with `rules` and look for placeholders; decide nothing yet (see `enforce`)."""
    if not validate:
        return Verdict(report=None)
    from ..validation.pipeline import run

    rules = rules or Rules()
    return _verdict(run(loaded=loaded, limits=limits, **rules.keywords()).report, placeholder_findings(loaded), rules,
                    loaded.documents)


def check_catalog(catalog, sources, rules: Rules | None = None, *, validate: bool = True, input_format=None,
                  limits: Limits | None = None) -> Verdict:
    """`check` for the national-scale path of export and serve (canonical statements, publish.documents)."""
    if not validate:
        return Verdict(report=None)
    report = validate_catalog(catalog, sources, rules=rules, input_format=input_format, limits=limits)
    return _verdict(report, catalog_placeholder_findings(catalog), rules or Rules(), catalog.documents)


def validate_catalog(catalog, sources, *, rules=None, input_format=None,
                     limits: Limits | None = None) -> Report:
    """Validate the documents the catalog was read from (never read twice: standard input can be read once)."""
    from ..validation.pipeline import run
    from ..validation.ruleset import Rules

    keywords = (rules or Rules()).keywords()
    return run(documents=catalog.documents, input_format=input_format, limits=limits, **keywords).report


def _verdict(report: Report, extra: list[Finding], rules: Rules, documents) -> Verdict:
    if extra:
        report = dataclasses.replace(report, findings=report.findings + extra)
    report = rules.judged(report, documents)  # suppression comments, configured ignore and severity
    return Verdict(report=report, violations=report.summary["violation"],
                   placeholders=sum(1 for f in report.findings if f.code in PLACEHOLDER_CODES))


def enforce(verdict: Verdict, allow_invalid: bool = False) -> Verdict:
    if verdict.blocked and not allow_invalid:
        raise InvalidCatalog(verdict)
    return verdict


def placeholder_findings(loaded: Loaded) -> list[Finding]:
    """One warning per distinct term of the loaded RDF that still holds the placeholder.

    Resources built from description files are left to the description check, which names the YAML key, line and
    column of the same value.
    """
    described = {d.name for d in loaded.documents if d.format == "description"}
    if loaded.documents and not any(_may_hold_placeholder(d) for d in loaded.documents if d.name not in described):
        return []  # the bytes say so at once; walking a national catalog's graph takes seconds
    found: dict = {}
    for triple in loaded.graph:
        for term in triple:
            if isinstance(term, BNode) or term in found or PLACEHOLDER not in term:
                continue
            if not _PLACEHOLDER_WORD.search(term):
                continue
            subject = triple[0]
            source, line = loaded.origins.locate(subject, loaded.graph)
            if source in described:
                continue
            value = str(term)
            found[term] = _placeholder_finding(term_text(subject), None if term is subject else str(triple[1]),
                                               value, source, line, _shorten(value, term))
    return list(found.values())


# How the placeholder could be spelt in a document without its four letters in a row: escapes (Turtle, N-Triples,
# JSON-LD \u0054, RDF/XML &#84; or &#x54;), or a UTF-16 RDF/XML document (NUL bytes between the letters). A document
# with none of these and no "TODO" cannot hold a placeholder.
_ESCAPES = (b"\\u", b"\\U", b"&#", b"\x00")


def catalog_placeholder_findings(catalog) -> list[Finding]:
    """placeholder_findings on canonical N-Triples: only the lines holding the placeholder are parsed (pyoxigraph
    has undone every escape, so the four letters stand in a row); located by the line that describes the subject."""
    import pyoxigraph as ox

    from ..load import subject_lines

    data, needle = catalog.ntriples, PLACEHOLDER.encode()
    if needle not in data:
        return []
    lines, start = [], data.find(needle)
    while start >= 0:
        begin = data.rfind(b"\n", 0, start) + 1
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        lines.append(data[begin:end])
        start = data.find(needle, end)
    described = any(d.format == "description" for d in catalog.documents)
    where: dict = {}
    for document in catalog.documents:
        if document.format != "description":
            for iri, line in subject_lines(document).items():
                where.setdefault(iri, (document.name, line))
    found: dict = {}
    for quad in ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_TRIPLES):
        for term, path in ((quad.subject, None), (quad.object, quad.predicate.value)):
            if isinstance(term, ox.BlankNode) or not _PLACEHOLDER_WORD.search(term.value):
                continue
            key = (type(term).__name__, term.value)
            if key in found:
                continue
            subject = quad.subject
            focus = f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else subject.value
            source, line = where.get(subject.value, (None, None))
            if source is None and described:
                continue  # built from a description file: SCHEMA-PLACEHOLDER names its key, line and column
            value = term.value
            shown = _shorten(value, Literal(value) if isinstance(term, ox.Literal) else None)
            found[key] = _placeholder_finding(focus, path, value, source, line, shown)
    return list(found.values())


def _may_hold_placeholder(document) -> bool:
    data = document.data
    return PLACEHOLDER.encode() in data or any(escape in data for escape in _ESCAPES)


def _placeholder_finding(focus: str, path, value: str, source, line, shown: str) -> Finding:
    return Finding(
        code="PUBLISH-PLACEHOLDER", severity="warning", focus=focus, path=path, value=value, source=source, line=line,
        messages=both("gate.placeholder_finding", placeholder=PLACEHOLDER, shown=shown))


def _shorten(value: str, term) -> str:
    text = value if len(value) <= 80 else value[:77] + "…"
    return f'"{text}"' if isinstance(term, Literal) else f"<{text}>"


# --------------------------------------------------------------------------------------------- words

VERBS = {  # action -> message ids of (done, verb, verbing)
    "export": ("gate.export.done", "gate.export.verb", "gate.export.verbing"),
    "publish": ("gate.publish.done", "gate.publish.verb", "gate.publish.verbing"),
    "serve": ("gate.serve.done", "gate.serve.verb", "gate.serve.verbing"),
}


def refusal(verdict: Verdict, action: str, lang: str = "en") -> str:
    done, verb, _ = VERBS[action]
    return tr("gate.refused", lang, done=tr(done, lang), verb=tr(verb, lang), problems=verdict.problems(lang))


def override_note(verdict: Verdict, action: str, lang: str = "en") -> str | None:
    """What the output says when the gate was overridden or skipped; None when it passed cleanly."""
    if not verdict.validated:
        return tr("gate.skipped", lang)
    if verdict.blocked:
        return tr("gate.allowed", lang, verbing=tr(VERBS[action][2], lang), problems=verdict.problems(lang))
    return None
