"""Suppressed findings in every format: listed with their reason, never counted (validation/policy.py).

Suppressions by comment or by the configuration are listed one by one. Findings known from a baseline are many
on a legacy catalog: text, Markdown and HTML give their number in one line (JSON, JUnit and SARIF list them all).
"""

from __future__ import annotations

from html import escape

from ..report import Finding, Report

WORDS = {
    "en": {"title": "Suppressed (not counted)", "baseline": "{n} finding(s) known from the baseline are not shown",
           "gone": "{n} finding(s) of the baseline are gone (fixed)", "rule": "Rule", "resource": "Resource",
           "where": "Where", "reason": "Reason", "comment": "comment", "config": "configuration",
           "baseline_kind": "baseline"},
    "sv": {"title": "Undantagna (räknas inte)", "baseline": "{n} anmärkning(ar) som finns i baslinjen visas inte",
           "gone": "{n} anmärkning(ar) i baslinjen finns inte längre (åtgärdade)", "rule": "Regel",
           "resource": "Resurs", "where": "Plats", "reason": "Motivering", "comment": "kommentar",
           "config": "konfiguration", "baseline_kind": "baslinje"},
}


def words_for(lang: str) -> dict:
    return WORDS.get(lang, WORDS["en"])


def listed(report: Report) -> list[Finding]:
    return [f for f in report.suppressed if f.suppressed_by != "baseline"]


def baselined(report: Report) -> int:
    return sum(f.suppressed_by == "baseline" for f in report.suppressed)


def where(finding: Finding) -> str:
    if finding.source and finding.line:
        return f"{finding.source}:{finding.line}"
    return finding.source or ""


def text_lines(report: Report, lang: str) -> list[str]:
    words = words_for(lang)
    lines = []
    if listed(report):
        lines.append(f"{words['title']}:")
        for finding in listed(report):
            place = f"  ({where(finding)})" if where(finding) else ""
            lines.append(f"  {finding.code}  {finding.focus}{place}")
            lines.append(f"    {words[finding.suppressed_by]}: {finding.suppressed}")
    if baselined(report):
        lines.append(words["baseline"].format(n=baselined(report)))
    if report.baseline_gone:
        lines.append(words["gone"].format(n=len(report.baseline_gone)))
    return lines + [""] if lines else []


def markdown_lines(report: Report, lang: str, cell) -> list[str]:
    words = words_for(lang)
    lines = []
    if listed(report):
        lines += [f"<details><summary>{words['title']} ({len(listed(report))})</summary>", "",
                  f"| {words['rule']} | {words['resource']} | {words['where']} | {words['reason']} |",
                  "|---|---|---|---|"]
        for finding in listed(report):
            lines.append(f"| `{finding.code}` | {cell(finding.focus)} | {cell(where(finding))} | "
                         f"{cell(words[finding.suppressed_by] + ': ' + (finding.suppressed or ''))} |")
        lines += ["", "</details>", ""]
    if baselined(report):
        lines += [words["baseline"].format(n=baselined(report)), ""]
    if report.baseline_gone:
        lines += [words["gone"].format(n=len(report.baseline_gone)), ""]
    return lines


def html_section(report: Report, lang: str) -> str:
    words = words_for(lang)
    if not report.suppressed and not report.baseline_gone:
        return ""
    parts = ['<section class="suppressed">', f"<h2>{escape(words['title'])}</h2>"]
    if listed(report):
        parts.append(f"<table><tr><th>{escape(words['rule'])}</th><th>{escape(words['resource'])}</th>"
                     f"<th>{escape(words['where'])}</th><th>{escape(words['reason'])}</th></tr>")
        for finding in listed(report):
            parts.append(f"<tr><td><code>{escape(finding.code)}</code></td><td><code>{escape(finding.focus)}</code>"
                         f"</td><td>{escape(where(finding))}</td><td>{escape(words[finding.suppressed_by])}: "
                         f"{escape(finding.suppressed or '')}</td></tr>")
        parts.append("</table>")
    if baselined(report):
        parts.append(f"<p>{escape(words['baseline'].format(n=baselined(report)))}</p>")
    if report.baseline_gone:
        parts.append(f"<p>{escape(words['gone'].format(n=len(report.baseline_gone)))}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def junit_suite(root, report: Report, lang: str, context, classname) -> int:
    """One suite of skipped test cases, one per suppressed finding; returns how many."""
    import xml.etree.ElementTree as ET

    if not report.suppressed:
        return 0
    words = words_for(lang)
    suite = ET.SubElement(root, "testsuite", name="ena-grunddata suppressed", tests=str(len(report.suppressed)),
                          failures="0", errors="0", skipped=str(len(report.suppressed)))
    for finding in report.suppressed:
        case = ET.SubElement(suite, "testcase", classname=classname(finding.source or "ena-grunddata", context),
                             name=f"{finding.code} {finding.focus}")
        uri = context.uri_of(finding.source)
        if uri:
            case.set("file", uri)
        if finding.line:
            case.set("line", str(finding.line))
        ET.SubElement(case, "skipped", message=f"{words[finding.suppressed_by]}: {finding.suppressed}")
    return len(report.suppressed)


SARIF_KIND = {"comment": "inSource", "config": "external", "baseline": "external"}


def sarif_suppressions(finding: Finding) -> list[dict]:
    return [{"kind": SARIF_KIND.get(finding.suppressed_by, "external"), "status": "accepted",
             "justification": finding.suppressed or ""}]
