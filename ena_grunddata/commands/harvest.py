"""ena-grunddata harvest: fetch catalogs into the embedded store and report what changed."""

from __future__ import annotations

import json
import os
import sys

import click

from .. import http
from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_REMOTE, EXIT_USAGE, UsageError, terminal_text
from ..harvest.run import (DEFAULT_MAX_PAGES, DEFAULT_MAX_SUB_CATALOGS, DEFAULT_SHRINK_THRESHOLD, KINDS, Options,
                           SourceSpec, harvest, parse_query_option, specs_from_config, total_changes)
from ..harvest.store import Store
from .options import (config_options, emit, http_deadline_option, input_options, limits_from, output_option,
                      rules_from, rules_options)

DEFAULT_STORE = "harvest-store"
DEFAULT_DELAY = 0.5


@click.command("harvest")
@click.argument("sources", nargs=-1)
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
              help=f"Folder of the embedded store (default: {DEFAULT_STORE}, or store: in the config).")
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
              help="YAML file listing sources with names and per-source options.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format.")
@output_option
@click.option("--validate", "run_validation", is_flag=True,
              help="Validate each harvested source; summary per source and per publisher (exit 1 on violations).")
@rules_options
@click.option("--type", "kind", type=click.Choice(KINDS), default="auto", show_default=True,
              help="Kind of the sources named on the command line (auto: URLs with /store/search are EntryStore, "
                   "other URLs catalog documents, the rest local files or folders).")
@click.option("--query", default=None, metavar="PRESET",
              help="EntryStore query: datasets (default), grunddata, or publisher=IRI.")
@click.option("--accept-shrink", is_flag=True, help="Apply a harvest even if the source shrank past the threshold.")
@click.option("--shrink-threshold", type=click.FloatRange(0, 1), default=DEFAULT_SHRINK_THRESHOLD,
              show_default=True, help="Share of entities a source may lose before the harvest is held back.")
@click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_MAX_PAGES, show_default=True,
              help="Most pages to read from one paged source.")
@click.option("--max-sub-catalogs", type=click.IntRange(min=0), default=DEFAULT_MAX_SUB_CATALOGS, show_default=True,
              help="Most sub-catalogs (dcterms:hasPart) one source may make harvest fetch.")
@click.option("--delay", type=click.FloatRange(min=0), default=None,
              help=f"Seconds between two requests to the same host (default {DEFAULT_DELAY}, or delay: in the config).")
@click.option("--retries", type=click.IntRange(min=0, max=10), default=3, show_default=True,
              help="Extra attempts after a connection error or a 408/425/429/5xx answer.")
@click.option("--connect-timeout", type=click.FloatRange(min=0.1), default=http.CONNECT_TIMEOUT, show_default=True,
              help="Seconds to wait for a connection.")
@click.option("--read-timeout", type=click.FloatRange(min=0.1), default=http.READ_TIMEOUT, show_default=True,
              help="Seconds to wait for any data from the server.")
@http_deadline_option
@input_options
@config_options(flag="--project-config")
def command(sources, store_dir, config, fmt, output, run_validation, profiles, extra_shapes, vocabularies, domain,
            kind, query, accept_shrink, shrink_threshold, max_pages, max_sub_catalogs, delay, retries, connect_timeout,
            read_timeout, http_deadline, input_format, max_input_bytes, timeout, allow_private):
    """Harvest DCAT-AP-SE catalogs (URLs, EntryStore search APIs, files or folders) into a local store.

    Prints what changed since the last harvest of each source. A failing source does not stop the others
    and never replaces its last good snapshot.

    \b
    Exit codes: 0 all sources harvested; 1 --validate found violations; 2 usage or a local input error;
    3 a source failed remotely (network, HTTP error, unparsable answer) or shrank past the threshold.

    \b
    Examples:
        ena-grunddata harvest https://example.se/datasets/dcat
        ena-grunddata harvest --query grunddata https://admin.dataportal.se/store/search
        ena-grunddata harvest --config sources.yaml --format json -o changes.json
    """
    overrides = {"max_pages": max_pages, "max_sub_catalogs": max_sub_catalogs, "shrink_threshold": shrink_threshold,
                 "accept_shrink": accept_shrink,
                 "input_format": input_format}
    specs, settings = [], {}
    if config:
        specs, settings = specs_from_config(config, overrides)
    for location in sources:
        spec = SourceSpec(location=location, kind=kind, max_pages=max_pages, max_sub_catalogs=max_sub_catalogs,
                          shrink_threshold=shrink_threshold,
                          accept_shrink=accept_shrink, input_format=input_format)
        parse_query_option(spec, query)
        specs.append(spec)
    if not specs:
        raise UsageError("name at least one source (a URL, a file or folder) or give --config")
    if not run_validation and (profiles or extra_shapes or vocabularies or domain):
        raise UsageError("--profile, --shapes, --vocabulary and --domain apply to --validate; add --validate")
    deadline = http_deadline if http_deadline is not None else http.DEFAULT_DEADLINE
    policy = http.Policy(connect_timeout=connect_timeout, read_timeout=read_timeout, deadline=deadline,
                         max_bytes=max_input_bytes, retries=retries, allow_private=allow_private,
                         delay=delay if delay is not None else _number(settings, "delay", DEFAULT_DELAY, config))
    options = Options(policy=policy, limits=limits_from(max_input_bytes, timeout, allow_private),
                      validate=run_validation, rules=rules_from(profiles, extra_shapes, vocabularies, domain),
                      progress=progress_printer())
    store = Store(store_dir or settings.get("store") or DEFAULT_STORE)
    results = harvest(specs, store, options)
    for result in results:
        if result.failed:
            click.echo(f"error: {terminal_text(result.error)}", err=True)
    emit(render_json(results) if fmt == "json" else render_text(results, store), output)
    raise click.exceptions.Exit(exit_code(results))


def _number(settings, key, default, where):
    try:
        return float(settings.get(key, default))
    except (TypeError, ValueError):
        raise UsageError(f"'{key}' must be a number", where=where) from None


def exit_code(results) -> int:
    """Remote failures (3) outrank local input errors (2), which outrank validation violations (1)."""
    codes = {result.exit_code for result in results if result.failed}
    if EXIT_REMOTE in codes:
        return EXIT_REMOTE
    if codes:
        return EXIT_USAGE
    if any(result.validation and result.validation["summary"].get("violation") for result in results):
        return EXIT_FINDINGS
    return EXIT_OK


def render_json(results) -> str:
    failed = sum(1 for result in results if result.failed)
    document = {
        "sources": [result.to_dict() for result in results],
        "changes": total_changes(results).to_dict(),
        "summary": {"sources": len(results), "failed": failed, "harvested": len(results) - failed},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_text(results, store) -> str:
    lines = []
    for result in results:
        name = result.spec.name or result.spec.shown
        if result.status == "failed":
            lines.append(f"FAILED     {name}: {result.error}")
            continue
        counts = result.counts
        line = (f"{result.status.upper():<10} {name}: {counts.get('datasets', 0)} datasets, "
                f"{counts.get('services', 0)} services, {counts.get('triples', 0)} triples")
        if result.pages > 1:
            line += f", {result.pages} pages"
        lines.append(line)
        if result.changes is not None:
            lines.append("           " + change_line(result.changes.to_dict()))
        if result.status == "shrink-refused":
            lines.append(f"           {result.error}")
        for warning in result.warnings:
            lines.append(f"           warning: {warning}")
        if result.validation:
            summary = result.validation["summary"]
            lines.append(f"           validation: {summary['violation']} violations, {summary['warning']} warnings, "
                         f"{summary['info']} info")
            for row in result.validation["publishers"]:
                label = f"{row['name']} <{row['publisher']}>" if row["name"] else row["publisher"]
                lines.append(f"             {label}: {row['violation']} violations, {row['warning']} warnings, "
                             f"{row['info']} info")
    total = total_changes(results).to_dict()
    failed = sum(1 for result in results if result.failed)
    lines.append(f"total: {len(results)} sources ({failed} failed); {change_line(total)}")
    lines.append(f"store: {store.root}")
    return "\n".join(terminal_text(line) for line in lines) + "\n"  # server-sent text never starts a line


def change_line(changes: dict) -> str:
    text = (f"added {changes['added']}, removed {changes['removed']}, updated {changes['updated']}, "
            f"unchanged {changes['unchanged']}")
    return text


def progress_printer():
    """A one-line progress display on a terminal (stderr); nothing in CI or when stderr is redirected."""
    stream = sys.stderr
    if os.environ.get("CI") or not hasattr(stream, "isatty") or not stream.isatty():
        return None
    width = {"last": 0}

    def show(text):
        if text is None:
            stream.write("\r" + " " * width["last"] + "\r")
        else:
            text = terminal_text(text)[:100]
            stream.write("\r" + text.ljust(width["last"]))
            width["last"] = len(text)
        stream.flush()

    return show
