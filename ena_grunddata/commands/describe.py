"""ena-grunddata describe: a YAML/JSON description -> DCAT-AP-SE RDF, or (--from-rdf) any RDF -> a description."""

from __future__ import annotations

import json

import click

from ..description import api
from ..atomic import atomic_write
from ..errors import EXIT_FINDINGS, EXIT_OK, InputError
from ..load import load, time_budget
from ..messages import tr
from ..publish.stable import serialize_stable, stable_graph
from .options import (deprecated_alias, emit, input_options, lang_option, limits_from, output_option,
                      vocabulary_option)

RDF_FORMATS = {"rdfxml": "pretty-xml", "turtle": "turtle", "jsonld": "json-ld"}
YAML_HEADER = ("# DCAT-AP-SE description for ena-grunddata (`ena-grunddata describe FILE` turns it into RDF).\n"
               "# Editor help: ena-grunddata schema -o description.schema.json\n"
               "# yaml-language-server: $schema=description.schema.json\n")


def print_problems(outcome, lang: str) -> None:
    """`error:` lines first (what stops `describe`), then `warning:` lines, each in file order; then the counts."""
    problems = sorted(outcome.problems, key=lambda p: -p[0].severity)  # stable: keeps file order
    for finding, column, _ in problems:
        label = "error" if finding.severity.label == "violation" else finding.severity.label
        click.echo(f"{label}: " + api.error_line(finding, column, lang), err=True)
    if problems:
        errors = sum(1 for f, _, _ in problems if f.severity.label == "violation")
        click.echo(tr("describe.counts", lang, e=errors, w=len(problems) - errors)
                   + (tr("describe.nothing_written", lang) if errors else ""), err=True)


@click.command("describe")
@click.argument("source")
@output_option
@vocabulary_option
@click.option("--rdf-format", "rdf_format", type=click.Choice(list(RDF_FORMATS)), default=None,
              help="RDF format to write (default rdfxml: RDF/XML is what dataportal.se harvests).")
# -f/--format is the report format in the other commands; here it was the RDF format, now --rdf-format.
@deprecated_alias(("-f", "--format"), "old_format", "--rdf-format", type=click.Choice(list(RDF_FORMATS)))
@click.option("--from-rdf", is_flag=True,
              help="The reverse: read SOURCE as RDF (any format, file or URL) and write a description "
                   "(YAML, or JSON when --output ends in .json).")
@click.option("--no-write-back", is_flag=True,
              help="Do not write new identifiers into SOURCE; use UUIDs derived from each resource's IRI instead.")
@lang_option
@input_options
def command(source, output, rdf_format, old_format, from_rdf, no_write_back, vocabularies, lang, input_format, max_input_bytes,
            timeout, allow_private):
    """Turn a YAML/JSON description into DCAT-AP-SE RDF (RDF/XML by default), or back with --from-rdf.

    Schema problems are all listed as FILE:LINE:COLUMN: JSON-PATH: message, and nothing is written (exit 1).
    Datasets, services and series without an `identifier` get a UUID, written back into SOURCE once (one inserted
    line each; comments and layout are kept), so the next run gives the same RDF.

    \b
    Example:
        ena-grunddata describe katalog.yaml -o katalog.rdf
        ena-grunddata describe katalog.yaml --rdf-format turtle
        ena-grunddata describe --from-rdf https://example.se/datasets/dcat -o katalog.yaml
    """
    fmt = rdf_format or old_format or "rdfxml"
    if from_rdf:
        loaded = load([source], input_format=input_format,
                      limits=limits_from(max_input_bytes, timeout, allow_private))
        data = api.describe_graph(stable_graph(loaded.graph), vocabularies=vocabularies)  # same input, same bytes
        if output and output.lower().endswith(".json"):
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            text = api.dump_yaml(data, YAML_HEADER)
        emit(text, output)
        raise click.exceptions.Exit(EXIT_OK)
    no_write_back = no_write_back or source == "-"  # standard input cannot be written back to
    with time_budget(timeout, source):  # --timeout covers description files too (`extra:` statements included)
        outcome = api.build_description(source, vocabularies=vocabularies, write_ids=not no_write_back,
                                        max_bytes=max_input_bytes)
    print_problems(outcome, lang)
    if not outcome.ok:
        raise click.exceptions.Exit(EXIT_FINDINGS)
    updated = None if no_write_back else api.text_with_identifiers(outcome)
    if outcome.built.minted and not no_write_back and updated is None:
        click.echo(f"warning: {source}: cannot insert identifiers here (flow-style mapping?); using UUIDs derived "
                   "from the IRIs instead", err=True)
        outcome = api.build_description(source, vocabularies=vocabularies, write_ids=False,
                                        max_bytes=max_input_bytes)
    emit(serialize_stable(outcome.built.graph, RDF_FORMATS[fmt]), output)  # same input, same bytes
    if updated is not None:
        try:
            atomic_write(source, updated)
        except OSError as error:
            raise InputError(f"cannot write the new identifiers back: {error.strerror or error}", where=source) \
                from None
        click.echo(f"{source}: wrote {len(outcome.built.minted)} new identifier(s) into the file", err=True)
    raise click.exceptions.Exit(EXIT_OK)
