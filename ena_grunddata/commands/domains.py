"""ena-grunddata domains: list the base-data domains and who is responsible for them."""

from __future__ import annotations

import json

import click

from ..validation.domains import list_domains, render_text
from .options import emit, lang_option, output_option, vocabulary_option


@click.command("domains")
@vocabulary_option
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@output_option
@lang_option
def command(fmt, vocabularies, output, lang):
    """List the base-data domains (grunddatadomäner): labels, responsible agency, producers and rule count.

    \b
    Example:
        ena-grunddata domains
        ena-grunddata domains --format json --vocabulary my-domains.ttl
    """
    domains = list_domains(vocabularies)
    if fmt == "json":
        text = json.dumps({"domains": [domain.to_dict() for domain in domains]}, ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_text(domains, lang)
    emit(text, output)
