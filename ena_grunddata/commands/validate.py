"""ena-grunddata validate: check DCAT-AP-SE metadata against the profiles."""

from __future__ import annotations

import click

from ..errors import EXIT_FINDINGS, EXIT_OK
from ..render.formats import FORMATS
from ..validation.pipeline import ENGINES
from .options import config_options, policy_from, project_config, emit, input_options, lang_option, limits_from, output_option, rules_options


@click.command("validate")
@click.argument("sources", nargs=-1, required=True)
@rules_options
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@output_option
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Exit 1 when a finding of this severity or worse is found.")
@click.option("--max-findings", type=click.IntRange(min=0), default=None,
              help="Show at most this many findings in text output (counts stay exact).")
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
@lang_option
@input_options
@config_options
def command(sources, profiles, extra_shapes, vocabularies, domain, fmt, output, fail_on, max_findings, engine,
            score, changed_only, merge, baseline, write_baseline, reports, lang, input_format, max_input_bytes, timeout, allow_private):
    """Validate DCAT-AP-SE metadata (files, folders, URLs or - for standard input).

    \b
    Example:
        ena-grunddata validate catalog.rdf
        ena-grunddata validate --profile grunddata --lang sv --format json -o report.json examples/
    """
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
