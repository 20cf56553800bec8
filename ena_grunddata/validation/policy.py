"""What a repository decided about its findings, applied to a Report before it is rendered: severity overrides and
ignores from the project configuration, suppression comments in the data, and a baseline.

Order: suppression comments and configuration ignores take findings out (they are listed as suppressed, with the
reason, and never count toward --fail-on); findings about the suppressions themselves are added; severity overrides
apply to what is left; then the baseline takes out what it knows. `--write-baseline` records what is left after
comments and ignores (baselined findings included).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..load import Document, Limits, is_url, read_document
from ..report import Finding, Report, Severity
from . import suppressions as comments


@dataclass(frozen=True)
class IgnoreRule:
    code: str
    files: tuple[str, ...] = ()  # globs relative to `Policy.folder`
    focus: tuple[str, ...] = ()
    reason: str = ""


@dataclass
class Policy:
    ignore: list[IgnoreRule] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    folder: str | None = None  # where the configuration is (file globs are relative to it)
    config_name: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    limits: Limits | None = None

    def apply(self, report: Report, documents: list[Document] | None) -> Report:
        findings = list(report.findings)
        suppressed = list(report.suppressed)
        findings, ignored = self.apply_ignores(findings)
        suppressed += ignored
        found, problems = [], []
        for document in self.documents_of(report, documents):
            kept, trouble = comments.scan(document, self.limits)
            found += kept
            problems += trouble
        if found or problems:
            findings, silenced, unused = comments.apply(findings, found)
            suppressed += silenced
            findings += problems + unused
        findings = [self.overridden(f) for f in findings]
        gone = []
        if self.write_baseline:
            from .baseline import write_baseline

            write_baseline(findings, self.write_baseline)
        if self.baseline:
            from .baseline import apply_baseline

            findings, known, gone = apply_baseline(findings, self.baseline)
            suppressed += known
        if (not ignored and not found and not problems and not gone and len(findings) == len(report.findings)
                and all(mine is theirs for mine, theirs in zip(findings, report.findings))):
            return report  # nothing suppressed, overridden or known: the report as it is (sorted and linked already)
        notes = list(report.notes)
        if gone:
            notes.append(f"{len(gone)} finding(s) of the baseline {self.baseline} are gone (fixed): "
                         + "; ".join(f"{g['code']} {g['focus']}" for g in gone[:5]) + (" …" if len(gone) > 5 else ""))
        return Report(findings=findings, profiles=report.profiles, sources=report.sources, fail_on=report.fail_on,
                      notes=notes, guidance=report.guidance, suppressed=suppressed,
                      input_errors=report.input_errors, baseline_gone=gone, undescribed=report.undescribed)

    def documents_of(self, report: Report, documents) -> list[Document]:
        """The documents to look for comments in: those the run kept, else the local files read again (only the
        ones that mention ena-grunddata at all are parsed)."""
        if documents:
            return list(documents)
        found = []
        for name in report.sources:
            if name in ("-", "<stdin>") or is_url(name):
                continue
            try:
                with open(name, "rb") as handle:
                    if comments.MARKER not in handle.read():
                        continue
                found.append(read_document(name, limits=self.limits or Limits()))
            except OSError:
                continue
        return found

    def apply_ignores(self, findings: list[Finding]) -> tuple[list, list]:
        if not self.ignore:
            return findings, []
        kept, ignored = [], []
        for finding in findings:
            rule = next((r for r in self.ignore if self.matches(r, finding)), None)
            if rule is None:
                kept.append(finding)
            else:
                reason = rule.reason or f"ignored in {self.config_name or 'the configuration'}"
                ignored.append(Finding(**{**finding.__dict__, "suppressed": reason, "suppressed_by": "config"}))
        return kept, ignored

    def matches(self, rule: IgnoreRule, finding: Finding) -> bool:
        if rule.code != finding.code:
            return False
        if rule.focus and finding.focus not in rule.focus:
            return False
        if rule.files:
            if not finding.source:
                return False
            names = {finding.source.replace(os.sep, "/")}
            if self.folder and not is_url(finding.source):
                try:
                    names.add(os.path.relpath(Path(finding.source).resolve(), self.folder).replace(os.sep, "/"))
                except ValueError:
                    pass
            return any(fnmatch.fnmatchcase(name, glob) for name in names for glob in rule.files)
        return True

    def overridden(self, finding: Finding) -> Finding:
        wanted = self.severity.get(finding.code)
        if wanted is None or Severity.parse(wanted) == finding.severity:
            return finding
        return Finding(**{**finding.__dict__, "severity": Severity.parse(wanted)})
