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
    """`max_findings` is ignored: a CI system needs every case.

    Written one test case at a time (each element built, indented as ElementTree's `indent` lays out the whole
    document, serialised and let go): a national catalog has hundreds of thousands of cases, and a tree of all of
    them took about a gigabyte."""
    context = context or ReportContext()
    cases = defaultdict(list)  # (source, focus, code) -> findings
    for finding in report.findings:
        cases[(finding.source or NO_SOURCE, finding.focus, finding.code)].append(finding)
    clean = clean_resources(report, context)
    context.done_with_data()  # what junit reads from the data is read: the store can go before the XML is built
    suites = sorted({key[0] for key in cases} | {source for source, _ in clean})
    by_source = defaultdict(list)
    for key in sorted(cases):
        by_source[key[0]].append(key)
    counts = defaultdict(lambda: dict.fromkeys(SEVERITIES, 0))
    for finding in report.findings:
        counts[finding.source or NO_SOURCE][finding.severity] += 1
    parts = []
    totals = {"tests": 0, "failures": 0}
    for source in suites:
        properties = ET.Element("properties")
        for level in SEVERITIES:
            ET.SubElement(properties, "property", name=f"findings.{level.label}", value=str(counts[source][level]))
        children = [_xml(properties, 2)]
        tests = failures = 0
        for key in by_source[source]:
            case, failed = build_case(source, key[1], key[2], cases[key], report, lang, context)
            children.append(_xml(case, 2))
            tests += 1
            failures += failed
        for clean_source, resource in clean:
            if clean_source == source:
                tests += 1
                children.append(_xml(ET.Element("testcase", classname=classname(source, context),
                                                name=f"{resource} conforms"), 2))
        suite = ET.Element("testsuite", name=context.uri_of(source) or source, tests=str(tests),
                           failures=str(failures), errors="0", skipped="0")
        parts.append(_wrapped(suite, children, 1))
        del children
        totals["tests"] += tests
        totals["failures"] += failures
    from .suppressed import junit_suite

    holder = ET.Element("testsuites")
    skipped = junit_suite(holder, report, lang, context, classname)  # suppressed findings: skipped cases
    parts += [_xml(suite, 1) for suite in holder]  # (each suite in parts: a list of pieces or one string)
    root = ET.Element("testsuites", name="ena-grunddata", tests=str(totals["tests"] + skipped),
                      failures=str(totals["failures"]), errors="0")
    return "".join(['<?xml version="1.0" encoding="UTF-8"?>\n', *_wrapped(root, parts, 0), "\n"])


SEVERITIES = (Severity.VIOLATION, Severity.WARNING, Severity.INFO)


def _xml(element, level: int) -> str:
    """One element as ElementTree writes it inside a document indented by `indent` (two spaces a level)."""
    ET.indent(element, space="  ", level=level)
    element.tail = None
    return xml_safe(ET.tostring(element, encoding="unicode"))


def _wrapped(element, children: list, level: int) -> list[str]:
    """The pieces of an element around children already written at level + 1 (each child a string or a list of
    pieces), as `indent` would lay them out; joined once by the caller."""
    if not children:
        return [_xml(element, level)]
    opening = xml_safe(ET.tostring(element, encoding="unicode"))  # <name attributes /> (no children yet)
    pieces = [opening[:-len(" />")] + ">"]
    inner = "\n" + "  " * (level + 1)
    for child in children:
        pieces.append(inner)
        pieces += child if isinstance(child, list) else (child,)
    pieces.append("\n" + "  " * level + f"</{element.tag}>")
    return pieces


# Characters XML 1.0 forbids even escaped; a literal in the data may hold them (Turtle "\u0001").
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def build_case(source, focus, code, found, report: Report, lang: str, context: ReportContext):
    """One <testcase> and whether it failed."""
    case = ET.Element("testcase", classname=classname(source, context), name=f"{code} {focus}")
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
        return case, 1
    ET.SubElement(case, "system-out").text = body
    return case, 0


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
