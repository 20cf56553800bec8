"""Renderers: one function per output format, all reading the same Report."""

from __future__ import annotations

import json

from rdflib import Graph, URIRef

from ..errors import terminal_text
from ..namespaces import bind_prefixes
from ..report import Report


_NAMES = bind_prefixes(Graph()).namespace_manager


def short(iri: str | None) -> str:
    """A prefixed name where we know the namespace, else the IRI in angle brackets."""
    if iri is None:
        return ""
    if iri.startswith("_:"):
        return iri
    if iri.startswith("^") or iri.startswith("(") or "/<" in iri:
        return iri  # a complex path, already written in SPARQL syntax
    try:
        prefix, namespace, local = _NAMES.compute_qname(URIRef(iri), generate=False)
        return f"{prefix}:{local}" if local else f"<{iri}>"
    except (ValueError, KeyError, Exception):
        return f"<{iri}>"


def render(report: Report, fmt: str, *, lang: str = "en", max_findings: int | None = None, context=None) -> str:
    """`context` (render_context.ReportContext) carries what only some formats need: the data graph for
    cards and scores, rule metadata, document text for exact lines. It is never needed for text/json/turtle."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"no renderer for {fmt}") from None
    return renderer(report, lang=lang, max_findings=max_findings, context=context)


def render_json(report: Report, lang: str = "en") -> str:
    return json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2) + "\n"


def render_turtle(report: Report) -> str:
    graph = bind_prefixes(report.to_graph())
    return graph.serialize(format="turtle")


TEXT = {
    "en": {"value": "value", "none": "No findings.", "conforms": "conforms", "not": "does not conform",
           "resources": "resources", "sources": "sources", "more": "more findings not shown (counts are exact)",
           "violation": "violations", "warning": "warnings", "info": "infos", "fail_on": "fail-on",
           "checklist": "Also check by hand (metadata cannot show these):", "about": "about",
           "explains": "fix this first: it explains the {n} findings below",
           "explains_one": "fix this first: it explains the finding below"},
    "sv": {"value": "värde", "none": "Inga anmärkningar.", "conforms": "uppfyller kraven", "not":
           "uppfyller inte kraven", "resources": "resurser", "sources": "källor",
           "more": "anmärkningar visas inte (antalen stämmer)", "violation": "fel", "warning": "varningar",
           "info": "upplysningar", "fail_on": "gräns",
           "checklist": "Kontrollera också manuellt (metadata kan inte visa detta):", "about": "gäller",
           "explains": "rätta detta först: det förklarar de {n} anmärkningarna nedan",
           "explains_one": "rätta detta först: det förklarar anmärkningen nedan"},
}
SEVERITY_WORD = {"en": {"violation": "violation", "warning": "warning", "info": "info"},
                 "sv": {"violation": "fel", "warning": "varning", "info": "info"}}


def render_text(report: Report, lang: str = "en", *, max_findings: int | None = None) -> str:
    """One block per resource; a finding that explains others comes first, its consequences indented under it."""
    words = TEXT.get(lang, TEXT["en"])
    lines = []
    shown = 0

    def add(finding, indent: str, about: str | None) -> None:
        label = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])[finding.severity.label]
        where = f"  ({finding.source}:{finding.line})" if about and finding.source and finding.line else ""
        lines.append(f"{indent}{label:<9} {property_term(finding):<24} {finding.message(lang)}  [{finding.code}]")
        if finding.value is not None:
            lines.append(f"{indent}{'':<9} {'':<24} {words['value']}: {finding.value}")
        if about:
            lines.append(f"{indent}{'':<9} {'':<24} {words['about']} {about}{where}")

    focus = block = None
    for root, consequences in report.roots():  # a resource's findings are consecutive
        if max_findings is not None and shown >= max_findings:
            break
        if (root.source, root.focus) != block:  # per source: the same IRI in two files is two resources
            if block is not None:
                lines.append("")
            block, focus = (root.source, root.focus), root.focus
            where = f"{root.source}:{root.line}" if root.source and root.line else (root.source or "")
            lines.append(f"{short(focus) if focus.startswith('_:') else focus}" + (f"  ({where})" if where else ""))
        shown += 1
        add(root, "  ", None)
        if consequences:
            key = "explains_one" if len(consequences) == 1 else "explains"
            lines.append(f"    ↳ {words[key].format(n=len(consequences))}")
        for consequence in consequences:
            if max_findings is not None and shown >= max_findings:
                break
            shown += 1
            add(consequence, "      ", consequence.focus if consequence.focus != focus else None)
    if block is not None:
        lines.append("")
    hidden = len(report.findings) - shown
    if hidden > 0:
        lines.append(f"… {hidden} {words['more']}")
        lines.append("")
    from .suppressed import text_lines

    lines.extend(text_lines(report, lang))
    if report.guidance:
        lines.extend(guidance_lines(lang, words))
    lines.append(summary_line(report, lang))
    return "\n".join(terminal_text(line) for line in lines) + "\n"  # data never starts a line of its own


def property_term(finding) -> str:
    """The property in the user's terms: the YAML key for a description file, else the prefixed RDF name."""
    return finding.key_name or short(finding.path)


def guidance_lines(lang: str, words: dict) -> list[str]:
    try:
        from ..validation.domains import guidance
    except ImportError:
        return []
    items = guidance(lang)
    if not items:
        return []
    return [words["checklist"], *[f"  [ ] {item}" for item in items], ""]


def summary_line(report: Report, lang: str = "en") -> str:
    words = TEXT.get(lang, TEXT["en"])
    counts = report.summary
    parts = ", ".join(f"{counts[key]} {words[key]}" for key in ("violation", "warning", "info"))
    resources = len({(f.source, f.focus) for f in report.findings})
    verdict = words["conforms"] if report.conforms else words["not"]
    threshold = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])[report.fail_on.label]
    in_, from_ = ("i", "från") if lang == "sv" else ("in", "from")
    return (f"{parts} {in_} {resources} {words['resources']} {from_} {len(report.sources)} {words['sources']}: "
            f"{verdict} ({words['fail_on']}: {threshold})")


def _lazy(module: str, function: str):
    """Renderers in their own modules, imported only when their format is asked for."""
    def run(report, **options):
        import importlib

        return getattr(importlib.import_module(f"ena_grunddata.render.{module}"), function)(report, **options)
    return run


# format name -> function(report, *, lang, max_findings, context) -> str
RENDERERS = {
    "text": lambda report, lang, max_findings, context: render_text(report, lang, max_findings=max_findings),
    "json": lambda report, lang, max_findings, context: render_json(report, lang),
    "turtle": lambda report, lang, max_findings, context: render_turtle(report),
    "html": _lazy("html", "render_html"),
    "markdown": _lazy("markdown", "render_markdown"),
    "junit": _lazy("junit", "render_junit"),
    "sarif": _lazy("sarif", "render_sarif"),
}
FORMATS = tuple(RENDERERS)
