"""Renderers: one function per output format, all reading the same Report."""

from __future__ import annotations

import functools
import json
from types import GeneratorType
import re

from rdflib import Graph, URIRef

from ..errors import terminal_lines
from ..messages import severity, tr
from ..namespaces import bind_prefixes
from ..report import Report
from .halves import in_two


_NAMES = bind_prefixes(Graph()).namespace_manager


@functools.lru_cache(maxsize=8192)  # a report names few properties, each on thousands of lines
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


def render_chunks(report: Report, fmt: str, *, lang: str = "en", max_findings: int | None = None, context=None):
    """The rendered report as pieces of text, for a writer that passes them on (`atomic.emit`): text, JSON, SARIF,
    JUnit and the HTML page are written as they are made, so a report whose findings are on disk
    (report.SpilledFindings) never exists whole in memory; the other formats come as one piece."""
    if fmt == "text":
        return text_chunks(report, lang, max_findings=max_findings)
    if fmt == "json":
        document = report.to_dict(lang, lazy=True)
        if isinstance(report.findings, list):  # at national scale by two processes at once (render/halves.py)
            document["findings"] = in_two(report.findings, lambda finding: compact_json(finding.to_dict(lang)),
                                          ",\n", wrap=EncodedJSON)
        return json_chunks(document)
    if fmt in ("sarif", "html", "junit"):
        return _lazy(fmt, f"{fmt}_chunks")(report, lang=lang, max_findings=max_findings, context=context)
    return iter([render(report, fmt, lang=lang, max_findings=max_findings, context=context)])


def render_json(report: Report, lang: str = "en") -> str:
    return streamed_json(report.to_dict(lang, lazy=True))


def streamed_json(document) -> str:
    """Compact JSON in which every list given as a generator is written one item per line, each item encoded on
    its own: json's C encoder (used only without indentation) and never a tree of every finding in memory at once.
    A national catalog has hundreds of thousands of findings."""
    return "".join(json_chunks(document))  # joined once at the end: the report text is built a single time


def json_chunks(document):
    """streamed_json's text, piece by piece."""
    streams = []

    def mark(value):
        if isinstance(value, GeneratorType):
            streams.append(value)
            return f"\u0000stream {len(streams) - 1}\u0000"
        if isinstance(value, dict):
            return {key: mark(item) for key, item in value.items()}
        if isinstance(value, list):
            return [mark(item) for item in value]
        return value

    for index, piece in enumerate(_MARK.split(compact_json(mark(document)))):  # text, stream number, text, …
        if index % 2 == 0:
            yield piece
            continue
        opening = "[\n"
        for item in streams[int(piece)]:
            yield opening + (item if isinstance(item, EncodedJSON) else compact_json(item))
            opening = ",\n"
        yield "[]" if opening == "[\n" else "\n]"
    yield "\n"


class EncodedJSON(str):
    """An item of a streamed list already written as compact JSON (as compact_json writes it): passed on as it is."""


_MARK = re.compile(r'"\\u0000stream (\d+)\\u0000"')


# json.dumps(value, ensure_ascii=False, separators=(",", ":")) without making an encoder for each of a national
# report's hundreds of thousands of findings: JSONEncoder.encode builds json's C encoder anew on every call (half
# the cost of a finding's line), so the C encoder is built once here, with the same settings (where the C part of
# json is missing, JSONEncoder.encode does the work)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_C_ENCODER = (json.encoder.c_make_encoder(None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",",
                                          False, False, True)
              if json.encoder.c_make_encoder is not None else None)


def compact_json(value) -> str:
    if _C_ENCODER is None or isinstance(value, str):
        return _ENCODER.encode(value)
    return "".join(_C_ENCODER(value, 0))


def render_turtle(report: Report) -> str:
    graph = bind_prefixes(report.to_graph())
    return graph.serialize(format="turtle")


def render_text(report: Report, lang: str = "en", *, max_findings: int | None = None) -> str:
    """One block per resource; a finding that explains others comes first, its consequences indented under it."""
    return "".join(text_chunks(report, lang, max_findings=max_findings))


def text_chunks(report: Report, lang: str = "en", *, max_findings: int | None = None):
    """render_text's text, a few lines at a time (one resource's block)."""
    lines = []
    shown = 0
    value_word, about_word = tr("report.value", lang), tr("report.about", lang)
    width = max(len(severity(label, lang)) for label in ("violation", "warning", "info"))  # the severity column

    # A national report has 200,000 findings of a few hundred kinds: a finding's first line is made once per kind
    # (its messages are one object per rule, held by the findings while this runs, so their id is a safe key).
    heads: dict = {}

    def add(finding, indent: str, about: str | None) -> None:
        kind = (indent, finding.severity, finding.code, finding.path, finding.key_name, id(finding.messages))
        head = heads.get(kind)
        if head is None:
            label = severity(finding.severity.label, lang)
            head = heads[kind] = (f"{indent}{label:<{width}} {property_term(finding):<24} {finding.message(lang)}  "
                                  f"[{finding.code}]")
        lines.append(head)
        where = f"  ({finding.source}:{finding.line})" if about and finding.source and finding.line else ""
        if finding.value is not None:
            lines.append(f"{indent}{'':<{width}} {'':<24} {value_word}: {finding.value}")
        if about:
            lines.append(f"{indent}{'':<{width}} {'':<24} {about_word} {about}{where}")

    focus = block = None
    for root, consequences in report.roots():  # a resource's findings are consecutive
        if max_findings is not None and shown >= max_findings:
            break
        if (root.source, root.focus) != block:  # per source: the same IRI in two files is two resources
            if block is not None:
                lines.append("")
                yield terminal_lines(lines)
                lines = []
            block, focus = (root.source, root.focus), root.focus
            where = f"{root.source}:{root.line}" if root.source and root.line else (root.source or "")
            lines.append(f"{short(focus) if focus.startswith('_:') else focus}" + (f"  ({where})" if where else ""))
        shown += 1
        add(root, "  ", None)
        if consequences:
            explains = (tr("text.explains_one", lang) if len(consequences) == 1
                        else tr("text.explains", lang, n=len(consequences)))
            lines.append(f"    ↳ {explains}")
        for consequence in consequences:
            if max_findings is not None and shown >= max_findings:
                break
            shown += 1
            add(consequence, "      ", consequence.focus if consequence.focus != focus else None)
    if block is not None:
        lines.append("")
    hidden = len(report.findings) - shown
    if hidden > 0:
        lines.append(f"… {hidden} {tr('text.more', lang)}")
        lines.append("")
    from .suppressed import text_lines

    lines.extend(text_lines(report, lang))
    if report.guidance:
        lines.extend(guidance_lines(lang))
    lines.append(summary_line(report, lang))
    yield terminal_lines(lines)  # data never starts a line of its own


def property_term(finding) -> str:
    """The property in the user's terms: the YAML key for a description file, else the prefixed RDF name."""
    return finding.key_name or short(finding.path)


def guidance_lines(lang: str) -> list[str]:
    try:
        from ..validation.domains import guidance
    except ImportError:
        return []
    items = guidance(lang)
    if not items:
        return []
    return [tr("report.checklist", lang), *[f"  [ ] {item}" for item in items], ""]


def summary_line(report: Report, lang: str = "en") -> str:
    counts = report.summary
    parts = ", ".join(f"{counts[key]} {severity(key, lang, plural=True)}" for key in ("violation", "warning", "info"))
    resources = report.resources
    verdict = tr("report.conforms" if report.conforms else "report.not_conforms", lang)
    return tr("text.summary", lang, counts=parts, resources=resources, sources=len(report.sources), verdict=verdict,
              fail_on=tr("report.fail_on", lang), threshold=severity(report.fail_on.label, lang))


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
