"""Options shared by several commands, defined once."""

from __future__ import annotations

import click

from ..atomic import emit  # noqa: F401  (commands write their output through it)
from ..load import DEFAULT_MAX_INPUT_BYTES, DEFAULT_TIMEOUT, FORMATS, Limits
from ..report import LANGUAGES


def input_options(function):
    """How sources are read: format override and the safety limits."""
    function = click.option("--input-format", type=click.Choice([*sorted(FORMATS), "description"]), default=None,
                            help="Parse every input as this RDF format (or as a YAML/JSON description) instead of "
                                 "guessing from the name, Content-Type or content.")(function)
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


def config_options(function=None, *, flag: str = "--config"):
    """`--config FILE` / `--no-config`: the project configuration (commands/config.py) gives this command's
    option defaults (profiles, domain, vocabularies, shapes, fail-on, merge, lang); the command line wins.
    Rule settings (ignore, severity) are read by `project_config()`. `harvest` names it --project-config, as its
    --config is the list of sources to harvest."""
    def decorate(function):
        function = click.option("--no-config", "no_config", is_flag=True, is_eager=True, expose_value=False,
                                callback=_config_seen,
                                help="Ignore any ena-grunddata.toml / [tool.ena-grunddata] found.")(function)
        function = click.option(flag, "project_config_file", type=click.Path(dir_okay=False), default=None,
                                is_eager=True, expose_value=False, callback=_config_seen, metavar="FILE",
                                help="Project configuration to use (default: ena-grunddata.toml or a pyproject.toml "
                                     "with [tool.ena-grunddata], searched from the current folder upwards).")(function)
        return function
    return decorate(function) if function is not None else decorate


def _config_seen(ctx, param, value):
    """Both options are eager; once both are known, read the configuration and set this command's defaults."""
    seen = ctx.meta.setdefault("ena_grunddata.config_options", {})
    seen[param.name] = value
    if len(seen) < 2:
        return value
    from .config import load_config

    config = load_config(seen["project_config_file"], search=not seen["no_config"]) \
        if not seen["no_config"] else load_config(None, search=False)
    ctx.meta["ena_grunddata.project_config"] = config
    names = {p.name for p in ctx.command.params}
    defaults = {name: value for name, value in config.defaults().items() if name in names}
    if defaults:
        ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return value


def project_config():
    """The project configuration of the running command (an empty one outside a command or with --no-config)."""
    from .config import ProjectConfig

    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if "ena_grunddata.project_config" in ctx.meta:
            return ctx.meta["ena_grunddata.project_config"]
        ctx = ctx.parent
    return ProjectConfig()


def policy_from(config, *, baseline=None, write_baseline=None, limits=None):
    """The validation policy (suppression comments, the configuration's ignore and severity, a baseline)."""
    from ..validation.policy import IgnoreRule, Policy

    return Policy(ignore=[IgnoreRule(i.code, i.files, i.focus, i.reason) for i in config.ignore],
                  severity=dict(config.severity), folder=str(config.folder) if config.path else None,
                  config_name=config.path, baseline=baseline, write_baseline=write_baseline, limits=limits)


def rules_from(profiles=(), extra_shapes=(), vocabularies=(), domain=None, limits=None):
    """The options of `rules_options` as one value: every validating command reads its rules here, with the
    project's policy (suppression comments, the configuration's ignore and severity; no baseline)."""
    from ..validation.ruleset import Rules

    return Rules(profiles=tuple(profiles) or None, shapes=tuple(extra_shapes), vocabularies=tuple(vocabularies),
                 domain=domain, policy=policy_from(project_config(), limits=limits))


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
