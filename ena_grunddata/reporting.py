"""Glue for `validate`: choose the sources (--changed-only), validate, build what rich formats need, render.

text/json/turtle without --score or --changed-only go through `validate()` exactly as before; the other formats
load once and keep the loaded graph and documents for the renderers (cards, scores, exact lines).
"""

from __future__ import annotations

import click

from .errors import UsageError
from .load import load
from .profiles import resolve_profiles
from .render import render
from .render_context import ReportContext, build_context
from .report import Report
from .validate import validate, validate_loaded

NEEDS_CONTEXT = ("html", "markdown", "junit", "sarif")
SCORE_FORMATS = ("text", "markdown", "html")


def validate_and_render(sources, *, profiles=None, shapes=(), vocabularies=(), domain=None, engine="auto",
                        fail_on="violation", input_format=None, limits=None, fmt="text", lang="en",
                        max_findings=None, score=False, changed_only=None) -> tuple[Report, str]:
    if score and fmt not in SCORE_FORMATS:
        raise UsageError(f"--score works with --format {'|'.join(SCORE_FORMATS)}; for JSON use "
                         "`ena-grunddata score --format json` (the validate JSON keeps its documented keys)")
    if changed_only:
        from .changed import changed_sources

        sources = changed_sources(sources, changed_only, limits=limits)
        if not sources:
            click.echo(f"note: no description or RDF file changed since {changed_only}: nothing to validate",
                       err=True)
            report = Report(findings=[], profiles=resolve_profiles(profiles), sources=[], fail_on=fail_on)
            return report, render(report, fmt, lang=lang, max_findings=max_findings, context=ReportContext())
    options = dict(profiles=profiles, shapes=shapes, vocabularies=vocabularies, domain=domain)
    if fmt not in NEEDS_CONTEXT and not score:
        report = validate(sources, engine=engine, fail_on=fail_on, input_format=input_format, limits=limits,
                          **options)
        return report, render(report, fmt, lang=lang, max_findings=max_findings)
    loaded = load(sources, input_format=input_format, limits=limits)
    report = validate_loaded(loaded, engine=engine, fail_on=fail_on, limits=limits, **options)
    context = build_context(loaded, limits=limits, report=report, with_score=score or fmt == "html", **options)
    text = render(report, fmt, lang=lang, max_findings=max_findings, context=context)
    if score and fmt == "text":
        from .score import render_score_text

        text += "\n" + render_score_text(context.scores, lang)
    return report, text
