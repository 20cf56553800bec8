"""JUnit XML for CI systems that show test results.

One <testsuite> per source file. In it, one <testcase> per (resource, rule) pair that has findings: a <failure> when
the worst of those findings is at or above --fail-on, otherwise a passing case whose <system-out> lists the findings
(below the threshold they are advice, and a passing case keeps CI green as the exit code does). Each catalog, dataset,
service or series without any finding gets one passing case "conforms", so the suite shows what was checked.
Counts per severity are in each suite's <properties> (findings.violation, findings.warning, findings.info).
"""

from __future__ import annotations

from collections import defaultdict

from .context import ReportContext, card_resources, term_of
from .halves import in_two
from .xmltext import attribute_value, empty, nested, opening, text_content
from ..messages import severity, tr
from ..report import Report, Severity

NO_SOURCE = "ena-grunddata"


def render_junit(report: Report, *, lang: str = "en", max_findings=None, context: ReportContext | None = None) -> str:
    """`max_findings` is ignored: a CI system needs every case.

    Written as text one test case at a time (render/xmltext.py, laid out as ElementTree's `indent` would): a
    national catalog has hundreds of thousands of cases; a tree of all of them took about a gigabyte, and building
    each case as an element to serialise it again cost more than the rest of the run."""
    return "".join(junit_chunks(report, lang=lang, context=context))


def junit_chunks(report: Report, *, lang: str = "en", max_findings=None, context: ReportContext | None = None):
    """render_junit's document, piece by piece (formats.render_chunks): every suite's counts are worked out from
    the findings first, so its cases can follow its opening tag one at a time."""
    context = context or ReportContext()
    cases = defaultdict(list)  # (source, focus, code) -> findings
    counts = defaultdict(lambda: dict.fromkeys(SEVERITIES, 0))
    for finding in report.findings:
        source = finding.source or NO_SOURCE
        cases[(source, finding.focus, finding.code)].append(finding)
        counts[source][finding.severity] += 1
    failing = {key for key, found in cases.items() if worst(found) >= report.fail_on}
    clean = clean_resources(report, context)
    context.done_with_data()  # what junit reads from the data is read: the store can go before the XML is built
    suites = sorted({key[0] for key in cases} | {source for source, _ in clean})
    by_source = defaultdict(list)
    for key in sorted(cases):
        by_source[key[0]].append(key)
    clean_by_source = defaultdict(list)
    for source, resource in clean:
        clean_by_source[source].append(resource)
    failures = {source: sum(key in failing for key in by_source[source]) for source in suites}
    tests = {source: len(by_source[source]) + len(clean_by_source[source]) for source in suites}
    from .suppressed import junit_suite

    skipped_suite, skipped = junit_suite(report, lang, context, classname)  # suppressed findings: skipped cases
    root = (("name", "ena-grunddata"), ("tests", sum(tests.values()) + skipped),
            ("failures", sum(failures.values())), ("errors", 0))

    def pieces():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        if not suites and not skipped_suite:
            yield empty("testsuites", root)
        else:
            # laid out as xmltext.nested lays out an element at level 0 whose children are the suites (level 1),
            # each with its properties and cases at level 2
            yield opening("testsuites", root)
            words = Words(lang)
            for source in suites:
                properties = [empty("property", (("name", f"findings.{level.label}"),
                                                 ("value", counts[source][level]))) for level in SEVERITIES]
                suite_class = classname(source, context)
                # what every case of the suite shares is escaped once: its class name and file (a national
                # catalog's suite has hundreds of thousands of cases)
                uri = context.uri_of(source)
                shared = (f' classname="{attribute_value(suite_class)}"',
                          f' file="{attribute_value(uri)}"' if uri else "")
                yield "\n  "
                yield opening("testsuite", (("name", uri or source), ("tests", tests[source]),
                                            ("failures", failures[source]), ("errors", 0), ("skipped", 0)))
                yield "\n    "
                yield "".join(nested("properties", (), properties, 2))
                def case(key, shared=shared):
                    return build_case(key[1], key[2], cases[key], key in failing, words, context, shared)

                for piece in in_two(by_source[source], case, "\n    "):  # by two processes at national scale
                    yield "\n    "
                    yield piece
                for resource in clean_by_source[source]:
                    yield "\n    "
                    yield empty("testcase", (("classname", suite_class), ("name", f"{resource} conforms")))
                yield "\n  </testsuite>"
            if skipped_suite:
                yield "\n  "
                yield from skipped_suite
            yield "\n</testsuites>"
        yield "\n"

    return pieces()


SEVERITIES = (Severity.VIOLATION, Severity.WARNING, Severity.INFO)


def worst(found) -> Severity:
    return found[0].severity if len(found) == 1 else max(f.severity for f in found)


def build_case(focus, code, found, failed: bool, words: "Words", context: ReportContext, shared) -> str:
    """One <testcase> (its text, at level 2): a failure when `failed` (its worst finding at or above --fail-on).
    `shared`: the suite's class name and file attributes, escaped. Laid out as xmltext.element would write the
    failure or system-out element; what repeats over a national report's 200,000 cases (a rule's message and code
    as attributes) is escaped once (Words)."""
    first = found[0]
    line = context.line_of(first)
    attributes = (f'{shared[0]} name="{attribute_value(f"{code} {focus}")}"{shared[1]}'
                  + (f' line="{line}"' if line else ""))  # a line is a number: nothing to escape
    body = describe(first, words, context, line) if len(found) == 1 else "\n".join(
        describe(f, words, context) for f in found)
    if failed:
        inner = (f'<failure message="{words.message_attribute(first)}" type="{words.attribute(code)}">'
                 f"{text_content(body)}</failure>")
    else:  # as xmltext.element writes it (a finding's text is never empty)
        inner = f"<system-out>{text_content(body)}</system-out>"
    return f"<testcase{attributes}>\n      {inner}\n    </testcase>"


class Words:
    """The words of a report in one language, each found once: a severity's, and a rule's message (one messages
    object per rule, held by its findings while the report is written, so its id is a safe key with the code)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.severities = {level: severity(level.label, lang) for level in SEVERITIES}
        self._messages: dict = {}
        self._attributes: dict = {}  # text -> its escape as an attribute value

    def message(self, finding) -> str:
        key = (id(finding.messages), finding.code)
        text = self._messages.get(key)
        if text is None:
            text = self._messages[key] = finding.message(self.lang)
        return text

    def message_attribute(self, finding) -> str:
        """The rule's message as an attribute value (escaped once per rule)."""
        return self.attribute(self.message(finding))

    def attribute(self, text: str) -> str:
        escaped = self._attributes.get(text)
        if escaped is None:
            escaped = self._attributes[text] = attribute_value(text)
        return escaped


def describe(finding, words: Words, context: ReportContext, line: int | None = None) -> str:
    """A finding as one line of text (`line`: its exact line, when the caller has it already)."""
    where = (f"{finding.source}:{line or context.line_of(finding)}" if finding.source and finding.line else "")
    parts = [words.severities[finding.severity], finding.path or "", words.message(finding)]
    if finding.value is not None:
        parts.append(f"[{finding.value}]")
    if finding.cause:
        parts.append(tr("junit.caused_by", words.lang, code=finding.caused_by))
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
