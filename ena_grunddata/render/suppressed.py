"""Suppressed findings in every format: listed with their reason, never counted (validation/policy.py).

Suppressions by comment or by the configuration are listed one by one. Findings known from a baseline are many
on a legacy catalog: text, Markdown and HTML give their number in one line (JSON, JUnit and SARIF list them all).
"""

from __future__ import annotations

from html import escape

from ..messages import capital, tr
from ..report import Finding, Report

KIND_IDS = {"comment": "suppressed.by.comment", "config": "suppressed.by.config", "baseline": "suppressed.by.baseline"}


def kind_word(finding: Finding, lang: str) -> str:
    """What suppressed the finding, in words: comment, configuration or baseline."""
    return tr(KIND_IDS[finding.suppressed_by], lang)


def listed(report: Report) -> list[Finding]:
    return [f for f in report.suppressed if f.suppressed_by != "baseline"]


def baselined(report: Report) -> int:
    return sum(f.suppressed_by == "baseline" for f in report.suppressed)


def where(finding: Finding) -> str:
    if finding.source and finding.line:
        return f"{finding.source}:{finding.line}"
    return finding.source or ""


def text_lines(report: Report, lang: str) -> list[str]:
    lines = []
    if listed(report):
        lines.append(f"{tr('suppressed.title', lang)}:")
        for finding in listed(report):
            place = f"  ({where(finding)})" if where(finding) else ""
            lines.append(f"  {finding.code}  {finding.focus}{place}")
            lines.append(f"    {kind_word(finding, lang)}: {finding.suppressed}")
    if baselined(report):
        lines.append(tr("suppressed.baseline", lang, n=baselined(report)))
    if report.baseline_gone:
        lines.append(tr("suppressed.gone", lang, n=len(report.baseline_gone)))
    return lines + [""] if lines else []


def headers(lang: str) -> tuple[str, ...]:
    return (tr("report.rule", lang), capital(tr("kind.resource", lang)), tr("report.where", lang),
            tr("suppressed.reason", lang))


def markdown_lines(report: Report, lang: str, cell) -> list[str]:
    lines = []
    if listed(report):
        lines += [f"<details><summary>{tr('suppressed.title', lang)} ({len(listed(report))})</summary>", "",
                  "| " + " | ".join(headers(lang)) + " |", "|---|---|---|---|"]
        for finding in listed(report):
            lines.append(f"| `{finding.code}` | {cell(finding.focus)} | {cell(where(finding))} | "
                         f"{cell(kind_word(finding, lang) + ': ' + (finding.suppressed or ''))} |")
        lines += ["", "</details>", ""]
    if baselined(report):
        lines += [tr("suppressed.baseline", lang, n=baselined(report)), ""]
    if report.baseline_gone:
        lines += [tr("suppressed.gone", lang, n=len(report.baseline_gone)), ""]
    return lines


def html_section(report: Report, lang: str) -> str:
    if not report.suppressed and not report.baseline_gone:
        return ""
    parts = ['<section class="suppressed">', f"<h2>{escape(tr('suppressed.title', lang))}</h2>"]
    if listed(report):
        parts.append("<table><tr>" + "".join(f"<th>{escape(header)}</th>" for header in headers(lang)) + "</tr>")
        for finding in listed(report):
            parts.append(f"<tr><td><code>{escape(finding.code)}</code></td><td><code>{escape(finding.focus)}</code>"
                         f"</td><td>{escape(where(finding))}</td><td>{escape(kind_word(finding, lang))}: "
                         f"{escape(finding.suppressed or '')}</td></tr>")
        parts.append("</table>")
    if baselined(report):
        parts.append(f"<p>{escape(tr('suppressed.baseline', lang, n=baselined(report)))}</p>")
    if report.baseline_gone:
        parts.append(f"<p>{escape(tr('suppressed.gone', lang, n=len(report.baseline_gone)))}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def junit_suite(report: Report, lang: str, context, classname) -> tuple[list[str] | None, int]:
    """One suite of skipped test cases, one per suppressed finding (its pieces at level 1, render/xmltext.py), and
    how many; (None, 0) when nothing is suppressed."""
    from .xmltext import empty, nested, opening

    if not report.suppressed:
        return None, 0
    cases = []
    for finding in report.suppressed:
        pairs = [("classname", classname(finding.source or "ena-grunddata", context)),
                 ("name", f"{finding.code} {finding.focus}")]
        uri = context.uri_of(finding.source)
        if uri:
            pairs.append(("file", uri))
        if finding.line:
            pairs.append(("line", finding.line))
        skipped = empty("skipped", (("message", f"{kind_word(finding, lang)}: {finding.suppressed}"),))
        cases.append(f"{opening('testcase', pairs)}\n      {skipped}\n    </testcase>")
    count = len(report.suppressed)
    return nested("testsuite", (("name", "ena-grunddata suppressed"), ("tests", count), ("failures", 0),
                                ("errors", 0), ("skipped", count)), cases, 1), count


SARIF_KIND = {"comment": "inSource", "config": "external", "baseline": "external"}


def sarif_suppressions(finding: Finding) -> list[dict]:
    return [{"kind": SARIF_KIND.get(finding.suppressed_by, "external"), "status": "accepted",
             "justification": finding.suppressed or ""}]
