"""ena-grunddata schema: print the JSON Schema of the description format (for editors and CI)."""

from __future__ import annotations

import click

from ..description import api
from ..description.schema import schema_text
from .options import emit, output_option, vocabulary_option


@click.command("schema")
@output_option
@vocabulary_option
def command(output, vocabularies):
    """Print the JSON Schema (draft 2020-12) of the YAML/JSON description format, code lists included.

    \b
    Example:
        ena-grunddata schema -o description.schema.json
        # then, first line of a YAML file:  # yaml-language-server: $schema=description.schema.json
    """
    emit(schema_text(api.json_schema(vocabularies)), output)
