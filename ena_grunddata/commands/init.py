"""ena-grunddata init: write a commented starter description (optionally for one base-data domain)."""

from __future__ import annotations

import click

from ..description.starter import starter_text
from ..validation.profiles import load_vocabularies
from .options import emit, output_option, vocabulary_option


@click.command("init")
@vocabulary_option
@click.option("--domain", default=None, metavar="SLUG",
              help="Base-data domain (see `ena-grunddata domains`), e.g. foretag: fills in the responsible "
                   "agency, the suggested theme and HVD category, and marks the dataset.")
@output_option
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def command(domain, output, force, vocabularies):
    """Write a starter description: fill in every TODO, then `validate` and `describe` it.

    \b
    Example:
        ena-grunddata init --domain foretag -o katalog.yaml
    """
    from pathlib import Path

    from ..errors import UsageError

    if output and output != "-" and Path(output).exists() and not force:
        raise UsageError(f"{output} exists; use --force to overwrite it")
    emit(starter_text(load_vocabularies(vocabularies), domain), output)
