"""Options shared by several commands, defined once."""

from __future__ import annotations

import click

from ..atomic import emit  # noqa: F401  (commands write their output through it)
from ..load import DEFAULT_MAX_INPUT_BYTES, DEFAULT_TIMEOUT, FORMATS, Limits
from ..report import LANGUAGES


def input_options(function):
    """How sources are read: format override and the safety limits."""
    function = click.option("--input-format", type=click.Choice(sorted(FORMATS)), default=None,
                            help="Parse every input as this RDF format instead of guessing from the name, "
                                 "Content-Type or content.")(function)
    function = click.option("--max-input-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_INPUT_BYTES,
                            show_default=True, help="Refuse an input larger than this.")(function)
    function = click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT,
                            show_default=True, help="Seconds one input may take to parse.")(function)
    function = click.option("--allow-private", is_flag=True,
                            help="Allow URLs on loopback or private networks (e.g. a local test server).")(function)
    function = click.option("--follow-symlinks", is_flag=True, expose_value=False, callback=_remember,
                            help="Follow symbolic links inside an input folder that lead outside it "
                                 "(refused by default).")(function)
    return function


def _remember(ctx, param, value):
    ctx.meta[f"ena_{param.name}"] = value
    return value


def limits_from(max_input_bytes, timeout, allow_private=False) -> Limits:
    ctx = click.get_current_context(silent=True)
    follow = bool(ctx.meta.get("ena_follow_symlinks")) if ctx is not None else False
    return Limits(max_input_bytes=max_input_bytes, timeout=timeout, allow_private=allow_private,
                  follow_symlinks=follow)


def vocabulary_option(function):
    return click.option("--vocabulary", "vocabularies", multiple=True, type=click.Path(dir_okay=False),
                        help="Extra SKOS vocabulary file: adds or overrides concepts, e.g. base-data domains "
                             "(repeatable).")(function)


def rules_options(function):
    """Which rules apply: profiles, user shapes, vocabularies and an intended base-data domain."""
    from ..validation.profiles import DEFAULT_PROFILES, PROFILES

    function = click.option("--domain", default=None, metavar="SLUG",
                            help="Treat every dataset, service and series as meant for this base-data domain "
                                 "(see `domains`).")(function)
    function = vocabulary_option(function)
    function = click.option("--shapes", "extra_shapes", multiple=True, type=click.Path(dir_okay=False),
                            help="Extra SHACL shapes file of your own (repeatable).")(function)
    function = click.option("-p", "--profile", "profiles", multiple=True, type=click.Choice(list(PROFILES)),
                            help=f"Profile to check against (repeatable; default: "
                                 f"{', '.join(DEFAULT_PROFILES)}).")(function)
    return function


def lang_option(function):
    return click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
                        help="Language of messages.")(function)


def output_option(function):
    return click.option("-o", "--output", type=click.Path(dir_okay=False, writable=False), default=None,
                        help="Write to this file (atomically) instead of standard output.")(function)

