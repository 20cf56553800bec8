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
    return function


def limits_from(max_input_bytes, timeout, allow_private=False) -> Limits:
    return Limits(max_input_bytes=max_input_bytes, timeout=timeout, allow_private=allow_private)


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


def rules_from(profiles=(), extra_shapes=(), vocabularies=(), domain=None):
    """The options of `rules_options` as one value: every validating command reads its rules here."""
    from ..validation.ruleset import Rules

    return Rules(profiles=tuple(profiles) or None, shapes=tuple(extra_shapes), vocabularies=tuple(vocabularies),
                 domain=domain)


def gate_options(action: str):
    """--allow-invalid and --no-validate for a command that sends a catalog out (publish.gate)."""

    def decorate(function):
        function = click.option("--no-validate", "skip_validation", is_flag=True,
                                help=f"Do not validate before you {action} (faster for very large catalogs; "
                                     "violations and placeholders are not checked).")(function)
        function = click.option("--allow-invalid", is_flag=True,
                                help=f"{action.capitalize()} even when validation finds violations or "
                                     "placeholders left from `init` (said in the output).")(function)
        return function

    return decorate


def refused(error, action: str, where: str, lang: str = "en"):
    """The gate said no: the findings (text report, at most 20), then one `error:` line; exit 1."""
    from ..errors import EXIT_FINDINGS
    from ..publish.gate import refusal
    from ..render.formats import render

    click.echo(render(error.report, "text", lang=lang, max_findings=20), err=True, nl=False)
    click.echo(f"error: {where}: {refusal(error.verdict, action, lang)}", err=True)
    return click.exceptions.Exit(EXIT_FINDINGS)


def say_override(verdict, action: str, lang: str = "en") -> None:
    """One line on standard error when the gate was overridden (--allow-invalid) or skipped (--no-validate)."""
    from ..publish.gate import override_note

    note = override_note(verdict, action, lang) if verdict is not None else None
    if note:
        click.echo(f"{'note' if not verdict.validated else 'warning'}: {note}", err=True)


def http_deadline_option(function):
    """The total time of one HTTP request, one name in every command that talks to a server."""
    from ..http import DEFAULT_DEADLINE

    return click.option("--http-deadline", type=click.FloatRange(min=0.1), default=None,
                        help=f"Seconds one request may take in total, retries, redirects and the whole body "
                             f"included (default {DEFAULT_DEADLINE:g}).")(function)


def deprecated_alias(old, param: str, new: str, **kwargs):
    """A hidden option kept under its old name(s): still works, and says which name to use instead."""
    names = (old,) if isinstance(old, str) else tuple(old)

    def warn(ctx, option, value):
        if value is not None and value is not False:
            click.echo(f"warning: {names[-1]} is deprecated here; use {new}", err=True)
        return value

    return click.option(*names, param, hidden=True, default=None, callback=warn, **kwargs)
