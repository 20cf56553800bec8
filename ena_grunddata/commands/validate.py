"""ena-grunddata validate: check DCAT-AP-SE metadata against the profiles."""

from __future__ import annotations

import click

from ..errors import EXIT_FINDINGS, EXIT_OK, UsageError
from ..render.formats import FORMATS
from ..validation.pipeline import ENGINES
from .options import (config_options, emit, http_deadline_option, input_options, lang_option, limits_from, output_option,
                      policy_from, project_config, rules_options)


def endpoint_options(function):
    """`validate --endpoint`: run the checks inside a SPARQL store (validation.engines.endpoint)."""
    from ..load.sparql_store import LAYOUTS

    function = http_deadline_option(function)  # with --endpoint: seconds one query may take (default 600)
    function = click.option("--page-size", type=click.IntRange(min=1), default=None,
                            help="With --endpoint: rows fetched per request, in ordered pages (default: "
                                 "each check's whole answer in one request, read row by row; 9999 for "
                                 "virtuoso, below its default ResultSetMaxRows).")(function)
    function = click.option("--store-layout", type=click.Choice(list(LAYOUTS)), default="oxigraph",
                            show_default=True, help="With --endpoint: where the store keeps its query, update and "
                                                    "Graph Store endpoints (as for publish).")(function)
    function = click.option("--graph", default=None, metavar="IRI",
                            help="With --endpoint: the named graph to validate (default: the one graph that "
                                 "holds a dcat:Catalog).")(function)
    function = click.option("--endpoint", default=None, metavar="URL",
                            help="Validate the catalog inside this SPARQL store (base URL, see --store-layout) "
                                 "instead of files; a store on loopback needs --allow-private.")(function)
    return function


@click.command("validate")
@click.argument("sources", nargs=-1, required=False)
@rules_options
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@output_option
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Exit 1 when a finding of this severity or worse is found.")
@click.option("--max-findings", type=click.IntRange(min=0), default=None,
              help="Show at most this many findings: text output, markdown's table (50 unless given), the HTML "
                   "page's cards (5,000 unless given). Counts stay exact.")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
              help="Validation engine: fast (shapes compiled to SPARQL on pyoxigraph), pyshacl (the reference), "
                   "auto (fast when it covers the shapes, else pyshacl with a note).")
@click.option("--score", is_flag=True,
              help="Add the metadata quality score (text, markdown; html always has it). See `score`.")
@click.option("--changed-only", "changed_only", default=None, metavar="GIT_REF",
              help="Validate only the files changed since this git ref, plus the files beside them that they refer to.")
@click.option("--merge/--no-merge", default=False,
              help="Validate all sources as one graph (for a catalog spread over several files). Default: every "
                   "file on its own.")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Fail only on findings not in this baseline (matched by code, focus, path and value); report "
                   "baselined findings that are gone.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Record today's findings in FILE (for --baseline).")
@click.option("--report", "reports", multiple=True, metavar="FORMAT:FILE",
              help="Also write the same report in another format to a file, e.g. markdown:summary.md (repeatable).")
@endpoint_options
@lang_option
@input_options
@config_options
def command(sources, profiles, extra_shapes, vocabularies, domain, fmt, output, fail_on, max_findings, engine,
            score, changed_only, merge, baseline, write_baseline, reports, endpoint, graph, store_layout, page_size,
            http_deadline, lang, input_format, max_input_bytes, timeout, allow_private):
    """Validate DCAT-AP-SE metadata (files, folders, URLs or - for standard input).

    \b
    Example:
        ena-grunddata validate catalog.rdf
        ena-grunddata validate --profile grunddata --lang sv --format json -o report.json examples/
        ena-grunddata validate --endpoint http://localhost:7878 --graph https://example.se/catalog --allow-private
    """
    if endpoint is not None or not sources:
        report, text = validate_at_endpoint(
            sources, endpoint, graph=graph, layout=store_layout, page_size=page_size, request_timeout=http_deadline,
            profiles=profiles, extra_shapes=extra_shapes, vocabularies=vocabularies, domain=domain, fmt=fmt,
            fail_on=fail_on, max_findings=max_findings, engine=engine, score=score, changed_only=changed_only,
            reports=reports, lang=lang, limits=limits_from(max_input_bytes, timeout, allow_private))
        emit(text, output)
        raise click.exceptions.Exit(EXIT_OK if report.conforms else EXIT_FINDINGS)
    if graph is not None or page_size is not None:
        raise UsageError("--graph and --page-size go with --endpoint URL")
    from ..render import reporting  # html/markdown/junit/sarif, --score and --changed-only live there

    limits = limits_from(max_input_bytes, timeout, allow_private)
    policy = policy_from(project_config(), baseline=baseline, write_baseline=write_baseline, limits=limits)

    report, text = reporting.validate_and_render(
        list(sources), profiles=list(profiles) or None, shapes=extra_shapes, vocabularies=vocabularies,
        domain=domain, engine=engine, fail_on=fail_on, input_format=input_format,
        limits=limits, fmt=fmt, lang=lang,
        max_findings=max_findings, score=score, changed_only=changed_only, reports=reports, merge=merge,
        policy=policy)
    for note in report.notes:  # e.g. "pyshacl used for user shapes with sh:expression"
        click.echo(f"note: {note}", err=True)
    if report.sources or not report.input_errors:  # nothing could be read: the error lines alone say it
        emit(text, output)
    for error in report.input_errors:  # per source: the others were validated and reported; this one could not be
        click.echo(f"error: {error}", err=True)
    if report.input_errors:
        raise click.exceptions.Exit(max(error.exit_code for error in report.input_errors))
    raise click.exceptions.Exit(EXIT_OK if report.conforms else EXIT_FINDINGS)


def validate_at_endpoint(sources, endpoint, *, graph, layout, page_size, request_timeout, profiles, extra_shapes,
                         vocabularies, domain, fmt, fail_on, max_findings, engine, score, changed_only, reports,
                         lang, limits):
    from ..render.formats import render_chunks
    from ..validation.engines.endpoint import validate_endpoint

    if endpoint is None:
        raise UsageError("give the files, folders or URLs to validate, or --endpoint URL of a SPARQL store")
    if sources:
        raise UsageError("give either files to validate or --endpoint URL, not both")
    refused = [name for name, given in (("--changed-only", changed_only), ("--score", score),
                                        ("--report", reports), ("--engine pyshacl", engine == "pyshacl"))
               if given]
    if fmt in ("html", "markdown", "junit", "sarif"):
        refused.append(f"--format {fmt}")
    if refused:
        raise UsageError(f"{refused[0]} does not work with --endpoint (the data stays in the store; formats: "
                         "text, json, turtle)")
    report = validate_endpoint(endpoint, graph=graph, layout=layout, profiles=list(profiles) or None,
                               shapes=extra_shapes, vocabularies=vocabularies, domain=domain, fail_on=fail_on,
                               allow_private=limits.allow_private, timeout=request_timeout, page_size=page_size,
                               limits=limits)
    # written as it is rendered: at national scale the report's findings wait on disk (report.FindingSpill)
    return report, render_chunks(report, fmt, lang=lang, max_findings=max_findings)
