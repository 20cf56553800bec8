"""JUnit XML for CI systems that show test results.

One <testsuite> per source file. In it, one <testcase> per (resource, rule) pair that has findings: a <failure> when
the worst of those findings is at or above --fail-on, otherwise a passing case whose <system-out> lists the findings
(below the threshold they are advice, and a passing case keeps CI green as the exit code does). Each catalog, dataset,
service or series without any finding gets one passing case "conforms", so the suite shows what was checked.
Counts per severity are in each suite's <properties> (findings.violation, findings.warning, findings.info).
"""

from __future__ import annotations

import re
from collections import defaultdict
from xml.etree import ElementTree as ET

from .context import ReportContext, card_resources, term_of
from ..messages import severity, tr
from ..report import Report, Severity

NO_SOURCE = "ena-grunddata"


def render_junit(report: Report, *, lang: str = "en", max_findings=None, context: ReportContext | None = None) -> str:
    """`max_findings` is ignored: a CI system needs every case."""
    context = context or ReportContext()
    cases = defaultdict(list)  # (source, focus, code) -> findings
    for finding in report.findings:
        cases[(finding.source or NO_SOURCE, finding.focus, finding.code)].append(finding)
    clean = clean_resources(report, context)
    context.done_with_data()  # what junit reads from the data is read: the store can go before the XML is built
    suites = sorted({key[0] for key in cases} | {source for source, _ in clean})
    root = ET.Element("testsuites", name="ena-grunddata")
    totals = {"tests": 0, "failures": 0}
    for source in suites:
        suite = ET.SubElement(root, "testsuite", name=context.uri_of(source) or source)
        properties = ET.SubElement(suite, "properties")
        findings = [f for f in report.findings if (f.source or NO_SOURCE) == source]
        for severity in (Severity.VIOLATION, Severity.WARNING, Severity.INFO):
            ET.SubElement(properties, "property", name=f"findings.{severity.label}",
                          value=str(sum(f.severity == severity for f in findings)))
        tests = failures = 0
        for (case_source, focus, code), found in sorted(cases.items()):
            if case_source != source:
                continue
            tests += 1
            failures += add_case(suite, source, focus, code, found, report, lang, context)
        for clean_source, resource in clean:
            if clean_source == source:
                tests += 1
                ET.SubElement(suite, "testcase", classname=classname(source, context), name=f"{resource} conforms")
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        totals["tests"] += tests
        totals["failures"] += failures
    from .suppressed import junit_suite

    skipped = junit_suite(root, report, lang, context, classname)  # suppressed findings: skipped cases
    root.set("tests", str(totals["tests"] + skipped))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_safe(ET.tostring(root, encoding="unicode")) + "\n"


# Characters XML 1.0 forbids even escaped; a literal in the data may hold them (Turtle "\u0001").
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def add_case(suite, source, focus, code, found, report: Report, lang: str, context: ReportContext) -> int:
    case = ET.SubElement(suite, "testcase", classname=classname(source, context), name=f"{code} {focus}")
    line = context.line_of(found[0])
    if context.uri_of(source):
        case.set("file", context.uri_of(source))
    if line:
        case.set("line", str(line))
    body = "\n".join(describe(f, lang, context) for f in found)
    worst = max(f.severity for f in found)
    if worst >= report.fail_on:
        failure = ET.SubElement(case, "failure", message=found[0].message(lang), type=code)
        failure.text = body
        return 1
    ET.SubElement(case, "system-out").text = body
    return 0


def describe(finding, lang: str, context: ReportContext) -> str:
    where = f"{finding.source}:{context.line_of(finding)}" if finding.source and finding.line else ""
    parts = [severity(finding.severity.label, lang), finding.path or "", finding.message(lang)]
    if finding.value is not None:
        parts.append(f"[{finding.value}]")
    if finding.cause:
        parts.append(tr("junit.caused_by", lang, code=finding.caused_by))
    if where:
        parts.append(f"({where})")
    return " ".join(p for p in parts if p)


def classname(source: str, context: ReportContext) -> str:
    return (context.uri_of(source) or source).replace("/", ".")


def clean_resources(report: Report, context: ReportContext) -> list[tuple[str, str]]:
    with_findings = {f.focus for f in report.findings}
    clean = []
    for resource in card_resources(context.graph):
        if resource in with_findings:
            continue
        source = context.origins.source_of(term_of(resource)) if context.origins else None
        clean.append((source or NO_SOURCE, resource))
    return clean
