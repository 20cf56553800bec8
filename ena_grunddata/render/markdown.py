"""Markdown for pull-request comments and CI job summaries: verdict, counts, top rules, a capped findings table."""

from __future__ import annotations

import re
from collections import Counter

from .formats import short
from .context import ReportContext
from ..errors import terminal_text
from ..messages import capital, severity, tr
from ..report import Report

DEFAULT_MAX_ROWS = 50  # a PR comment stays readable; counts above the table are always exact
TOP_RULES = 10

def render_markdown(report: Report, *, lang: str = "en", max_findings: int | None = None,
                    context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    lines = [heading(report, lang), "", *counts_table(report, lang), ""]
    if not report.findings:
        lines += [tr("report.no_findings", lang), ""]
    else:
        lines += fix_first(report, lang)
        lines += top_rules(report, lang) + [""]
        lines += findings_table(report, lang, context, DEFAULT_MAX_ROWS if max_findings is None else max_findings)
    from .suppressed import markdown_lines

    lines += markdown_lines(report, lang, cell)
    if context.scores is not None:
        lines += score_table(context.scores, lang)
    return "\n".join(lines).rstrip("\n") + "\n"


def heading(report: Report, lang: str) -> str:
    mark = "✅" if report.conforms else "❌"
    verdict = tr("report.conforms" if report.conforms else "report.not_conforms", lang)
    threshold = severity(report.fail_on.label, lang)
    return f"### {mark} {tr('markdown.title', lang)}: {verdict} ({tr('report.fail_on', lang)}: {threshold})"


def counts_table(report: Report, lang: str) -> list[str]:
    counts = report.summary
    resources = len({f.focus for f in report.findings})
    severities = " | ".join(capital(severity(key, lang, plural=True)) for key in ("violation", "warning", "info"))
    return [f"| {severities} | {tr('report.resources', lang)} | {tr('report.sources', lang)} |",
            "|---:|---:|---:|---:|---:|",
            f"| {counts['violation']} | {counts['warning']} | {counts['info']} | {resources} | "
            f"{len(report.sources)} |"]


def fix_first(report: Report, lang: str) -> list[str]:
    """The findings that explain others, each with how many it explains: what to fix first."""
    roots = [(root, consequences) for root, consequences in report.roots() if consequences]
    if not roots:
        return []
    lines = [f"**{tr('report.fix_first', lang)}**", ""]
    for root, consequences in roots:
        where = f" ({cell(root.source)}:{root.line})" if root.source and root.line else ""
        explains = (tr("report.explains_one", lang) if len(consequences) == 1
                    else tr("report.explains", lang, n=len(consequences)))
        lines.append(f"- `{root.code}` {cell(root.message(lang))}{where} — {explains}")
    return lines + [""]


def top_rules(report: Report, lang: str) -> list[str]:
    counted = Counter(f.code for f in report.findings)
    first = {}
    for finding in report.findings:
        first.setdefault(finding.code, finding)
    causes = {f.code for f in report.causes}
    order = sorted(counted, key=lambda code: (code not in causes, -first[code].severity, -counted[code], code))
    lines = [f"**{tr('markdown.top', lang)}**", "", f"| {tr('report.rule', lang)} | {tr('report.severity', lang)} | "
             f"{tr('markdown.count', lang)} | {tr('markdown.message', lang)} |", "|---|---|---:|---|"]
    for code in order[:TOP_RULES]:
        lines.append(f"| `{code}` | {severity(first[code].severity.label, lang)} | {counted[code]} | "
                     f"{cell(first[code].message(lang))} |")
    if len(order) > TOP_RULES:
        lines.append(f"| … {len(order) - TOP_RULES} {tr('markdown.more', lang)} | | | |")
    return lines


def findings_table(report: Report, lang: str, context: ReportContext, cap: int) -> list[str]:
    ordered = report.findings  # causes first, each followed by what it explains; then by resource and severity
    shown = ordered[:cap]
    caused_by = tr("markdown.caused_by", lang)
    lines = [f"<details><summary>{tr('markdown.findings', lang)} ({len(shown)}/{len(ordered)})</summary>", "",
             f"| {tr('report.severity', lang)} | {capital(tr('kind.resource', lang))} | "
             f"{tr('markdown.property', lang)} | {tr('markdown.message', lang)} | {tr('report.rule', lang)} | "
             f"{tr('report.where', lang)} |", "|---|---|---|---|---|---|"]
    for finding in shown:
        line = context.line_of(finding)
        where = f"{finding.source}:{line}" if finding.source and line else (finding.source or "")
        mark = "↳ " if finding.cause else ""
        because = f" ({caused_by} `{finding.caused_by}`)" if finding.cause else ""
        lines.append(f"| {mark}{severity(finding.severity.label, lang)} | {cell(finding.focus)} | "
                     f"{cell(finding.key_name or short(finding.path))} "
                     f"| {cell(finding.message(lang))}{because} | `{finding.code}` | {cell(where)} |")
    if len(ordered) > len(shown):
        lines.append("")
        lines.append(f"… {len(ordered) - len(shown)} {tr('markdown.more', lang)}")
    lines += ["", "</details>", ""]
    return lines


def score_table(scores, lang: str) -> list[str]:
    from ..validation.score import MAX_POINTS, number, rating_word

    lines = [f"**{tr('score.title', lang)}** (max {MAX_POINTS})", "",
             f"| {capital(tr('kind.dataset', lang))} | {tr('score.points', lang)} | {tr('score.rating', lang)} |",
             "|---|---:|---|"]
    for entry in scores.datasets:
        lines.append(f"| {cell(entry.title or entry.resource)} | {number(entry.total)} | "
                     f"{rating_word(entry.rating, lang)} |")
    catalog_word = tr("kind.catalog", lang)
    for catalog in scores.catalogs:
        if catalog.total is not None:
            lines.append(f"| {catalog_word}: {cell(catalog.title or catalog.resource)} | "
                         f"{number(catalog.total)} | {rating_word(catalog.rating, lang)} |")
    return lines + [""]


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]()#!~|])")


def cell(text: str | None) -> str:
    """The one escaping function for Markdown: data renders inert in a table cell or a PR comment.

    No pipes or line breaks that would break the table, no HTML, no live links, images, emphasis or headings
    (every Markdown punctuation mark is backslash-escaped), no autolinked URLs or addresses and no @-mentions
    or #-references (a word joiner, U+2060, after `@` and `#` and inside `://` and `www.`), no control or bidi
    characters (escaped as on a terminal).
    """
    if not text:
        return ""
    text = terminal_text(" ".join(str(text).split()))
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, entity)
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    for trigger, inert in (("@", "@\u2060"), ("://", ":\u2060//"), ("www.", "www\u2060."), ("#", "#\u2060")):
        text = text.replace(trigger, inert)
    return text

