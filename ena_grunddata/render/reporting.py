"""Glue for `validate`: choose the sources (--changed-only), validate, build what rich formats need, render.

text/json/turtle without --score or --report go through `validate()` exactly as before (its fast path included);
the other formats load once into an rdflib graph and keep it, with the documents, for the renderers (cards,
scores, exact lines), then validate that with `validate_loaded()`, which picks the same engine.
"""

from __future__ import annotations

import click

from ..errors import UsageError
from ..load import load
from ..validation.profiles import resolve_profiles
from .formats import render
from .context import ReportContext, build_context
from ..report import Report
from ..validation.pipeline import validate, validate_loaded

NEEDS_CONTEXT = ("html", "markdown", "junit", "sarif")
SCORE_FORMATS = ("text", "markdown", "html")


def validate_and_render(sources, *, profiles=None, shapes=(), vocabularies=(), domain=None, engine="auto",
                        fail_on="violation", input_format=None, limits=None, fmt="text", lang="en",
                        max_findings=None, score=False, changed_only=None, reports=(), merge=False,
                        policy=None) -> tuple[Report, str]:
    """`policy` (validation/policy.py): suppressions, configuration rule settings and a baseline, applied to
    the findings before anything is rendered."""
    from ..validation.sources import source_groups, validate_groups

    extra = [parse_report_option(option) for option in reports]
    if score and fmt not in SCORE_FORMATS:
        raise UsageError(f"--score works with --format {'|'.join(SCORE_FORMATS)}; for JSON use "
                         "`ena-grunddata score --format json` (the validate JSON keeps its documented keys)")
    groups = source_groups(sources, merge=merge, changed_only=changed_only, limits=limits)
    if changed_only and not groups:
        click.echo(f"note: no description or RDF file changed since {changed_only}: nothing to validate",
                   err=True)
        report = Report(findings=[], profiles=resolve_profiles(profiles), sources=[], fail_on=fail_on)
        report = policy.apply(report, []) if policy is not None else report
        write_reports(report, extra, lang, max_findings, ReportContext())
        return report, render(report, fmt, lang=lang, max_findings=max_findings, context=ReportContext())
    options = dict(profiles=profiles, shapes=shapes, vocabularies=vocabularies, domain=domain)
    # standard input can be read once: its run keeps the documents, so findings can point at the referring line
    if fmt not in NEEDS_CONTEXT and not score and not extra and not any(str(s) == "-" for s in sources):
        report, documents = validate_groups(groups, lambda group: (validate(
            group, engine=engine, fail_on=fail_on, input_format=input_format, limits=limits, **options), None),
            merge=merge, limits=limits)
        report = policy.apply(report, documents) if policy is not None else report
        return report, render(report, fmt, lang=lang, max_findings=max_findings)
    from ..description.api import vocabularies_in_use
    from ..load import Loaded, Origins

    whole = Loaded(graph=None, sources=[], origins=Origins(), documents=[])

    def run(group):
        # The rdflib graph is kept: cards, scores and exact lines need it (validate() may not build one).
        loaded = load(group, input_format=input_format, limits=limits)
        result = validate_loaded(loaded, engine=engine, fail_on=fail_on, limits=limits, **options)
        if whole.graph is None:
            whole.graph = loaded.graph
        else:
            whole.graph += loaded.graph
        whole.sources += [s for s in loaded.sources if s not in whole.sources]
        whole.origins.merge(loaded.origins)
        known = {d.name for d in whole.documents}
        whole.documents += [d for d in loaded.documents if d.name not in known]
        return result, loaded.documents

    with vocabularies_in_use(vocabularies):  # as validate(): description files know --vocabulary codes
        report, documents = validate_groups(groups, run, merge=merge, limits=limits)
    report = policy.apply(report, documents) if policy is not None else report
    if whole.graph is None:
        from rdflib import Graph

        whole.graph = Graph()
    wants_score = score or fmt == "html" or any(name == "html" for name, _ in extra)
    context = build_context(whole, limits=limits, report=report, with_score=wants_score, **options)
    write_reports(report, extra, lang, max_findings, context)
    text = render(report, fmt, lang=lang, max_findings=max_findings, context=context)
    if score and fmt == "text":
        from ..validation.score import render_score_text

        text += "\n" + render_score_text(context.scores, lang)
    return report, text


def parse_report_option(option: str) -> tuple[str, str]:
    """`--report FORMAT:FILE` -> (format, file)."""
    from .formats import FORMATS

    name, colon, path = option.partition(":")
    if not colon or not path or name not in FORMATS:
        raise UsageError(f"--report takes FORMAT:FILE with FORMAT one of {'|'.join(FORMATS)} (got '{option}')")
    return name, path


def write_reports(report: Report, extra, lang: str, max_findings, context: ReportContext) -> None:
    """Each extra format rendered from the same report and written whole (atomically)."""
    from ..atomic import emit

    for name, path in extra:
        emit(render(report, name, lang=lang, max_findings=max_findings, context=context), path)
