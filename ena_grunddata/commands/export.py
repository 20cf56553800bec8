"""ena-grunddata export: write a folder a static web server can serve for dataportal.se to harvest."""

from __future__ import annotations

import click

from ..errors import EXIT_FINDINGS
from ..publish.export import HARVEST_PATH, InvalidCatalog, export
from ..render.formats import render
from .options import config_options, input_options, lang_option, limits_from, rules_options


@click.command("export")
@click.argument("sources", nargs=-1, required=True)
@rules_options
@click.option("--to", "to", required=True, type=click.Path(file_okay=False),
              help="Folder to write (replaced as a whole: empty, new, or an earlier export).")
@click.option("--allow-invalid", is_flag=True, help="Export even when validation finds violations.")
@click.option("--no-validate", "skip_validation", is_flag=True,
              help="Do not validate (faster for very large catalogs; index.html then says 'not validated').")
@lang_option
@input_options
@config_options
def command(sources, to, allow_invalid, skip_validation, profiles, extra_shapes, vocabularies, domain, lang, input_format,
            max_input_bytes, timeout, allow_private):
    """Export a catalog as datasets/dcat (RDF/XML), datasets/dcat.ttl, datasets/dcat.jsonld and index.html.

    The folder is written whole or not at all. A catalog with violations is refused (exit 1) unless
    --allow-invalid is given; --lang chooses the language of index.html.

    \b
    Example:
        ena-grunddata export catalog.ttl --to public/ --lang sv
    """
    try:
        result = export(list(sources), to, allow_invalid=allow_invalid, validate=not skip_validation, lang=lang, profiles=list(profiles) or None,
                        shapes=extra_shapes, vocabularies=vocabularies, domain=domain, input_format=input_format,
                        limits=limits_from(max_input_bytes, timeout, allow_private))
    except InvalidCatalog as refused:
        click.echo(render(refused.report, "text", lang=lang, max_findings=20), err=True, nl=False)
        count = refused.report.summary["violation"]
        click.echo(f"error: {to}: not exported: the catalog has {count} violation{'s' * (count != 1)} "
                   "(fix them, or pass --allow-invalid)", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS) from None
    status = "not validated"
    if result.report is not None:
        summary = result.report.summary
        status = f"{summary['violation']} violations, {summary['warning']} warnings, {summary['info']} infos"
    click.echo(f"exported {result.triples} triples to {result.folder}/{HARVEST_PATH} (+ .ttl, .jsonld, index.html); "
               f"{status}")
