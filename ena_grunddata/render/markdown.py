"""Markdown for pull-request comments and CI job summaries: verdict, counts, top rules, a capped findings table."""

from __future__ import annotations

import re
from collections import Counter

from .formats import SEVERITY_WORD, short
from .context import ReportContext
from ..errors import terminal_text
from ..report import Report

DEFAULT_MAX_ROWS = 50  # a PR comment stays readable; counts above the table are always exact
TOP_RULES = 10

WORDS = {
    "en": {"title": "ena-grunddata validation", "conforms": "conforms", "not": "does not conform",
           "fail_on": "fail-on", "violation": "Violations", "warning": "Warnings", "info": "Infos",
           "resources": "Resources", "sources": "Sources", "top": "Top rules", "rule": "Rule",
           "severity": "Severity", "count": "Count", "message": "Message", "findings": "Findings",
           "resource": "Resource", "property": "Property", "where": "Where", "more": "more",
           "none": "No findings.", "score": "Quality score", "dataset": "Dataset", "points": "Points",
           "rating": "Rating", "catalog": "catalog", "fix_first": "Fix these first",
           "explains": "explains {n} more findings", "explains_one": "explains one more finding",
           "caused_by": "caused by"},
    "sv": {"title": "ena-grunddata validering", "conforms": "uppfyller kraven", "not": "uppfyller inte kraven",
           "fail_on": "gräns", "violation": "Fel", "warning": "Varningar", "info": "Upplysningar",
           "resources": "Resurser", "sources": "Källor", "top": "Vanligaste reglerna", "rule": "Regel",
           "severity": "Allvarlighet", "count": "Antal", "message": "Meddelande", "findings": "Anmärkningar",
           "resource": "Resurs", "property": "Egenskap", "where": "Var", "more": "till",
           "none": "Inga anmärkningar.", "score": "Kvalitetspoäng", "dataset": "Datamängd", "points": "Poäng",
           "rating": "Betyg", "catalog": "katalog", "fix_first": "Rätta detta först",
           "explains": "förklarar {n} anmärkningar till", "explains_one": "förklarar en anmärkning till",
           "caused_by": "orsakas av"},
}


def render_markdown(report: Report, *, lang: str = "en", max_findings: int | None = None,
                    context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    words = WORDS.get(lang, WORDS["en"])
    lines = [heading(report, lang, words), "", *counts_table(report, words), ""]
    if not report.findings:
        lines += [words["none"], ""]
    else:
        lines += fix_first(report, lang, words)
        lines += top_rules(report, lang, words) + [""]
        lines += findings_table(report, lang, words, context,
                                DEFAULT_MAX_ROWS if max_findings is None else max_findings)
    from .suppressed import markdown_lines

    lines += markdown_lines(report, lang, cell)
    if context.scores is not None:
        lines += score_table(context.scores, lang, words)
    return "\n".join(lines).rstrip("\n") + "\n"


def heading(report: Report, lang: str, words: dict) -> str:
    mark = "✅" if report.conforms else "❌"
    verdict = words["conforms"] if report.conforms else words["not"]
    threshold = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])[report.fail_on.label]
    return f"### {mark} {words['title']}: {verdict} ({words['fail_on']}: {threshold})"


def counts_table(report: Report, words: dict) -> list[str]:
    counts = report.summary
    resources = len({f.focus for f in report.findings})
    return [f"| {words['violation']} | {words['warning']} | {words['info']} | {words['resources']} | "
            f"{words['sources']} |",
            "|---:|---:|---:|---:|---:|",
            f"| {counts['violation']} | {counts['warning']} | {counts['info']} | {resources} | "
            f"{len(report.sources)} |"]


def fix_first(report: Report, lang: str, words: dict) -> list[str]:
    """The findings that explain others, each with how many it explains: what to fix first."""
    roots = [(root, consequences) for root, consequences in report.roots() if consequences]
    if not roots:
        return []
    lines = [f"**{words['fix_first']}**", ""]
    for root, consequences in roots:
        where = f" ({cell(root.source)}:{root.line})" if root.source and root.line else ""
        lines.append(f"- `{root.code}` {cell(root.message(lang))}{where} — "
                     f"{words['explains_one' if len(consequences) == 1 else 'explains'].format(n=len(consequences))}")
    return lines + [""]


def top_rules(report: Report, lang: str, words: dict) -> list[str]:
    severity_word = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])
    counted = Counter(f.code for f in report.findings)
    first = {}
    for finding in report.findings:
        first.setdefault(finding.code, finding)
    causes = {f.code for f in report.causes}
    order = sorted(counted, key=lambda code: (code not in causes, -first[code].severity, -counted[code], code))
    lines = [f"**{words['top']}**", "", f"| {words['rule']} | {words['severity']} | {words['count']} | "
             f"{words['message']} |", "|---|---|---:|---|"]
    for code in order[:TOP_RULES]:
        lines.append(f"| `{code}` | {severity_word[first[code].severity.label]} | {counted[code]} | "
                     f"{cell(first[code].message(lang))} |")
    if len(order) > TOP_RULES:
        lines.append(f"| … {len(order) - TOP_RULES} {words['more']} | | | |")
    return lines


def findings_table(report: Report, lang: str, words: dict, context: ReportContext, cap: int) -> list[str]:
    severity_word = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])
    ordered = report.findings  # causes first, each followed by what it explains; then by resource and severity
    shown = ordered[:cap]
    lines = [f"<details><summary>{words['findings']} ({len(shown)}/{len(ordered)})</summary>", "",
             f"| {words['severity']} | {words['resource']} | {words['property']} | {words['message']} | "
             f"{words['rule']} | {words['where']} |", "|---|---|---|---|---|---|"]
    for finding in shown:
        line = context.line_of(finding)
        where = f"{finding.source}:{line}" if finding.source and line else (finding.source or "")
        mark = "↳ " if finding.cause else ""
        because = f" ({words['caused_by']} `{finding.caused_by}`)" if finding.cause else ""
        lines.append(f"| {mark}{severity_word[finding.severity.label]} | {cell(finding.focus)} | "
                     f"{cell(finding.key_name or short(finding.path))} "
                     f"| {cell(finding.message(lang))}{because} | `{finding.code}` | {cell(where)} |")
    if len(ordered) > len(shown):
        lines.append("")
        lines.append(f"… {len(ordered) - len(shown)} {words['more']}")
    lines += ["", "</details>", ""]
    return lines


def score_table(scores, lang: str, words: dict) -> list[str]:
    from ..validation.score import MAX_POINTS, RATING_WORDS, number

    ratings = RATING_WORDS.get(lang, RATING_WORDS["en"])
    lines = [f"**{words['score']}** (max {MAX_POINTS})", "",
             f"| {words['dataset']} | {words['points']} | {words['rating']} |", "|---|---:|---|"]
    for entry in scores.datasets:
        lines.append(f"| {cell(entry.title or entry.resource)} | {number(entry.total)} | {ratings[entry.rating]} |")
    for catalog in scores.catalogs:
        if catalog.total is not None:
            lines.append(f"| {words['catalog']}: {cell(catalog.title or catalog.resource)} | "
                         f"{number(catalog.total)} | {ratings[catalog.rating]} |")
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

