"""ena-grunddata export: write the files a static web server can serve for dataportal.se to harvest."""

from __future__ import annotations

import click

from ..publish.export import HARVEST_PATH, export
from ..publish.gate import InvalidCatalog
from ..publish.site import MANIFEST
from .options import (config_options, gate_options, input_options, lang_option, limits_from, refused, rules_from,
                      rules_options, say_override)


@click.command("export")
@click.argument("sources", nargs=-1, required=True)
@rules_options
@click.option("--to", "to", required=True, type=click.Path(),
              help=f"Folder to write into (created if missing; other files in it are kept: export replaces only "
                   f"the files it wrote, listed in {MANIFEST}).")
@gate_options("export")
@lang_option
@input_options
@config_options
def command(sources, to, allow_invalid, skip_validation, profiles, extra_shapes, vocabularies, domain, lang,
            input_format, max_input_bytes, timeout, allow_private):
    """Export a catalog as datasets/dcat (RDF/XML), datasets/dcat.ttl, datasets/dcat.jsonld and index.html.

    The catalog is validated first: violations, or placeholders (TODO) left from `init`, stop it (exit 1) unless
    --allow-invalid is given. Other files in the folder (a static site's pages, .git, CNAME) are never touched;
    each file is replaced whole, so a harvester never reads half of one. --lang chooses the language of index.html.

    \b
    Example:
        ena-grunddata export catalog.ttl --to public/ --lang sv
    """
    try:
        result = export(list(sources), to, allow_invalid=allow_invalid, validate=not skip_validation, lang=lang,
                        rules=rules_from(profiles, extra_shapes, vocabularies, domain), input_format=input_format,
                        limits=limits_from(max_input_bytes, timeout, allow_private))
    except InvalidCatalog as error:
        raise refused(error, "export", to, lang) from None
    say_override(result.verdict, "export", lang)
    status = "not validated"
    if result.report is not None:
        summary = result.report.summary
        status = f"{summary['violation']} violations, {summary['warning']} warnings, {summary['info']} infos"
    click.echo(f"exported {result.triples} triples to {to}/{HARVEST_PATH} (+ .ttl, .jsonld, index.html); "
               f"{status}")
