"""ena-grunddata score: the metadata quality score per dataset and per catalog (docs/quality-score.md)."""

from __future__ import annotations

import click

from ..errors import EXIT_FINDINGS, EXIT_OK
from ..validation.profiles import load_vocabularies
from ..validation.score import MAX_POINTS, render_score_json, render_score_text, score
from ..validation.pipeline import run
from .options import (config_options, emit, input_options, lang_option, limits_from, output_option, rules_from,
                      rules_options)


@click.command("score")
@click.argument("sources", nargs=-1, required=True)
@rules_options
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--min-score", type=click.IntRange(0, MAX_POINTS), default=None,
              help="Exit 1 when a dataset scores below this many points.")
@output_option
@lang_option
@input_options
@config_options
def command(sources, profiles, extra_shapes, vocabularies, domain, fmt, min_score, output, lang, input_format,
            max_input_bytes, timeout, allow_private):
    """Score metadata quality per dataset and catalog (405 points, in the spirit of the data.europa.eu MQA).

    \b
    Example:
        ena-grunddata score catalog.ttl
        ena-grunddata score --format json --min-score 221 examples/
    """
    limits = limits_from(max_input_bytes, timeout, allow_private)
    rules = rules_from(profiles, extra_shapes, vocabularies, domain, limits=limits)
    validated = run(list(sources), input_format=input_format, limits=limits, **rules.keywords())
    report = rules.judged(validated.report, validated.loaded.documents)
    scores = score(validated.data, report, load_vocabularies(vocabularies, limits))
    emit(render_score_json(scores) if fmt == "json" else render_score_text(scores, lang), output)
    below = min_score is not None and any(d.total < min_score for d in scores.datasets)
    raise click.exceptions.Exit(EXIT_FINDINGS if below else EXIT_OK)
