"""Glue for `validate`: choose the sources (--changed-only), run the one pipeline per group, render.

Every format goes the same way: the pipeline loads each group once and validates it (validation/pipeline.py);
the rich formats (html, markdown, junit, sarif), `--score` and `--report` read what they need besides the Report
(labels, kinds, cards, domains, exact lines, score inputs) from the same loaded data and documents, never from a
second parse.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

import click

from ..errors import UsageError
from ..process import keep_until_exit
from ..validation.profiles import resolve_profiles
from ..validation.view import union
from .formats import render, render_chunks
from .context import ReportContext, build_context
from ..report import Report
from ..load import Loaded, OriginsUnion

NEEDS_CONTEXT = ("html", "markdown", "junit", "sarif")  # rule metadata and documents (exact lines)
NEEDS_DATA = ("html", "junit")  # the loaded data too: cards, labels, kinds, domains
SCORE_FORMATS = ("text", "markdown", "html")
STREAMED = ("text", "json", "sarif", "html", "junit")  # formats.render_chunks writes these piece by piece
SMALL = ("markdown",)  # at most a table of findings (markdown.DEFAULT_MAX_ROWS): rendered whole, it stays small


def validate_and_render(sources, *, profiles=None, shapes=(), vocabularies=(), domain=None, engine="auto",
                        fail_on="violation", input_format=None, limits=None, fmt="text", lang="en",
                        max_findings=None, score=False, changed_only=None, reports=(), merge=False,
                        policy=None) -> tuple[Report, str | Iterator[str]]:
    """`policy` (validation/policy.py): suppressions, configuration rule settings and a baseline, applied to
    the findings before anything is rendered."""
    from ..validation.pipeline import release_freed_memory, run
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
    wants_context = fmt in NEEDS_CONTEXT or score or bool(extra)
    # The data as loaded is kept (one store or graph per group) only for formats that read it, and the score.
    wants_data = score or any(name in NEEDS_DATA for name in (fmt, *(name for name, _ in extra)))
    # Written piece by piece (or small), reports need none of the memory the store would give back: the command
    # line's process lets the store lie (process.keep_until_exit) instead of freeing it (0.44 s at 25,000 datasets)
    lets_store_lie = (not wants_data and fmt in STREAMED + SMALL
                      and all(name in SMALL for name, _ in extra))
    views, origins = [], []

    def validate_group(group):
        validated = run(group, engine=engine, fail_on=fail_on, input_format=input_format, limits=limits, **options)
        if wants_data:
            views.append(validated.data)
            origins.append(validated.loaded.origins)
        elif lets_store_lie:
            keep_until_exit(validated)
        return validated.report, validated.loaded.documents

    report, documents = validate_groups(groups, validate_group, merge=merge, limits=limits)
    if not wants_data:
        release_freed_memory()  # the stores let go (not those left lying): the report is rendered in their memory
    report = policy.apply(report, documents) if policy is not None else report
    if not wants_context:
        if fmt in STREAMED:  # written as it is made (atomic.emit): the report text never exists whole
            return report, render_chunks(report, fmt, lang=lang, max_findings=max_findings)
        return report, render(report, fmt, lang=lang, max_findings=max_findings)
    wants_score = score or fmt == "html" or any(name == "html" for name, _ in extra)
    loaded = Loaded(graph=union(views), sources=report.sources, documents=documents,
                    origins=origins[0] if len(origins) == 1 else OriginsUnion(origins) if origins else None)
    # the scores' dataset titles are shown by text and markdown (the page names datasets on its cards)
    names = score or any(name == "markdown" for name in (fmt, *(name for name, _ in extra)))
    context = build_context(loaded, limits=limits, report=report, with_score=wants_score, score_names=names,
                            **options)
    del loaded, views[:], origins[:]  # from here on the context holds the only reference to the loaded data
    if report.sources or not report.input_errors:  # nothing could be read: no report says otherwise (as -o)
        write_reports(report, extra, lang, max_findings, context)
    # The main format is the last to read the data: one rendered whole may let it go early, to build its text in
    # the memory the store gives back. One written piece by piece needs no such room: the command line's process
    # lets the data lie (freeing a national catalog's store takes half a second), a library caller's goes with
    # the context.
    context.last_use = fmt not in STREAMED
    if wants_data and fmt in STREAMED:
        keep_until_exit(context)
    if fmt not in STREAMED:
        return report, render(report, fmt, lang=lang, max_findings=max_findings, context=context)
    chunks = render_chunks(report, fmt, lang=lang, max_findings=max_findings, context=context)
    if score and fmt == "text":
        from ..validation.score import render_score_text

        chunks = chain(chunks, ["\n" + render_score_text(context.scores, lang)])
    return report, chunks


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
