"""Per-source validation: which sources are validated together, and one Report out of several runs.

The rule (README, `validate`): every source is its own graph. A folder stands for the files below it, each on its
own. `merge=True` (`--merge`, or `merge = true` in the project configuration) validates all sources as one graph,
for repositories that spread one catalog over several files. `--changed-only REF` validates each changed file
together with the files beside it that it refers to (load/changed.py).

Per source, a source that cannot be read or parsed does not stop the others: it is kept in `Report.input_errors`
(the command prints one `error:` line for it and exits 2 after writing the report of the rest). With `merge`, the
first unreadable source stops everything, as one graph cannot be built without it.

Every finding gets a place: a finding whose focus is described nowhere (e.g. a `foaf:page` document that is only
referred to) points at the first line that refers to it; failing that, at its source.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import InputError, RemoteError
from ..load import Document, Limits, expand_sources, is_url, read_document
from ..report import Finding, Report

# run(group) -> (report, documents of the group or None when the runner did not keep them)
Runner = Callable[[list], tuple]


def source_groups(sources, *, merge: bool = False, changed_only: str | None = None,
                  limits: Limits | None = None) -> list[list[str]]:
    """The groups of sources validated together, in the order given (a source named twice counts once)."""
    if changed_only:
        from ..load.changed import changed_groups

        groups = changed_groups(sources, changed_only, limits=limits)
        if merge:
            merged = unique(member for group in groups for member in group)
            return [merged] if merged else []
        return groups
    files = unique(expand_sources(sources, follow_symlinks=bool(limits and limits.follow_symlinks)))
    if merge or len(files) <= 1:
        return [list(sources)] if merge or not files else [files]
    return [[name] for name in files]


def unique(items) -> list:
    seen, kept = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def validate_groups(groups: list[list[str]], run: Runner, *, merge: bool = False,
                    limits: Limits | None = None) -> tuple[Report, list]:
    """Run every group; one Report of all findings (each located) and the documents the runs kept."""
    reports, documents, errors = [], [], []
    for group in groups:
        try:
            report, kept = run(group)
        except (InputError, RemoteError) as error:
            if merge or len(groups) == 1:
                raise
            errors.append(error)
            continue
        located = locate_all(report, group, kept, limits)
        reports.append(located)
        documents.extend(kept or [])
    return combine(reports, errors), documents


def combine(reports: list[Report], errors: list) -> Report:
    if len(reports) == 1 and not errors:
        return reports[0]
    findings, seen = [], set()
    for report in reports:
        for finding in report.findings:  # a file shared by two --changed-only groups is reported once
            identity = (finding.key(), finding.source, finding.line)
            if identity not in seen:
                seen.add(identity)
                findings.append(finding)
    first = reports[0] if reports else Report(findings=[])
    return Report(findings=findings, profiles=first.profiles,
                  sources=unique(s for report in reports for s in report.sources),
                  fail_on=first.fail_on, notes=unique(n for report in reports for n in report.notes),
                  guidance=any(report.guidance for report in reports),
                  suppressed=[f for report in reports for f in report.suppressed], input_errors=errors,
                  undescribed=_undescribed(reports))


def _undescribed(reports) -> frozenset | None:
    """Resources no source describes, over every per-source report (None when none of them knows)."""
    known = [report.undescribed for report in reports if report.undescribed is not None]
    return frozenset().union(*known) if known else None


# --------------------------------------------------------------------------------------------- locations


def locate_all(report: Report, group: list[str], documents, limits: Limits | None) -> Report:
    """Give every finding without a file the line that refers to its focus (else the group's one source)."""
    unlocated = [f for f in report.findings if f.source is None]
    if not unlocated:
        return report
    if documents is None:
        documents = reread(group, limits)
    only = documents[0].name if len(documents) == 1 else (report.sources[0] if len(report.sources) == 1 else None)
    places = {}
    findings = []
    for finding in report.findings:
        if finding.source is None:
            if finding.focus not in places:
                places[finding.focus] = reference_place(finding.focus, documents) or (only, None)
            source, line = places[finding.focus]
            if source is not None:
                finding = Finding(**{**finding.__dict__, "source": source, "line": line})
        findings.append(finding)
    report.findings = findings
    report.__post_init__()  # sorted again: the new places change the order
    return report


def reread(group: list[str], limits: Limits | None) -> list[Document]:
    """The documents of a group, read again for their text (local files only; URLs are not fetched twice)."""
    documents = []
    for name in expand_sources(group, follow_symlinks=bool(limits and limits.follow_symlinks)):
        if name == "-" or is_url(name):
            continue
        try:
            documents.append(read_document(name, limits=limits or Limits()))
        except Exception:  # it was read a moment ago; if it vanished, the finding keeps no line
            continue
    return documents


_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_XMLNS = re.compile(r"""xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']""")
_IRI_CHAR = r"[^\s<>\"'{}|\\^`,;()\[\]]"


def reference_place(iri: str, documents: list[Document]) -> tuple[str, int] | None:
    """(document, line) of the first line that names `iri`, written in full or as a prefixed name."""
    if iri.startswith("_:") or iri.startswith("$"):
        return None
    full = re.compile(re.escape(iri) + f"(?!{_IRI_CHAR})")
    for document in documents:
        lines = document.text.splitlines()
        prefixes = {}
        for line in lines:
            for match in list(_PREFIX.finditer(line)) + list(_XMLNS.finditer(line)):
                prefixes[match.group(1)] = match.group(2)
        short = [re.compile(rf"(?<![\w:/]){re.escape(prefix)}:{re.escape(iri[len(ns):])}(?![\w.-])")
                 for prefix, ns in prefixes.items() if ns and iri.startswith(ns) and len(iri) > len(ns)]
        for number, line in enumerate(lines, start=1):
            if _PREFIX.match(line):
                continue
            if full.search(line) or any(pattern.search(line) for pattern in short):
                return document.name, number
    return None
