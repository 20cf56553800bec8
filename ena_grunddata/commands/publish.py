"""ena-grunddata publish: replace one named graph in a SPARQL store with a catalog, and verify it."""

from __future__ import annotations

import json

import click

from ..publish.gate import InvalidCatalog
from ..publish.store import LAYOUTS, METHODS, publish
from .options import (config_options, deprecated_alias, gate_options, http_deadline_option, input_options,
                      lang_option, limits_from, refused, rules_from, rules_options, say_override)


@click.command("publish")
@click.argument("sources", nargs=-1, required=True)
@rules_options
@click.option("--to", "to", required=True, metavar="URL",
              help="Base URL of the store (see --store-layout), e.g. http://localhost:7878 for Oxigraph.")
@click.option("--graph", default=None, metavar="IRI",
              help="Named graph to replace (default: the IRI of the one dcat:Catalog in the input).")
@click.option("--store-layout", "layout", type=click.Choice(list(LAYOUTS)), default="oxigraph", show_default=True,
              help="Where the store keeps its Graph Store, query and update endpoints below --to.")
@click.option("--method", type=click.Choice(METHODS), default="auto", show_default=True,
              help="gsp = Graph Store Protocol PUT; update = SPARQL Update DROP + INSERT DATA; auto = gsp, and "
                   "update when the store has no Graph Store endpoint (404/405/415/501).")
@click.option("--dry-run", is_flag=True, help="Load, check and build the request, print what would be sent; "
                                              "send nothing.")
@click.option("--verify", type=click.Choice(["count", "content"]), default="count", show_default=True,
              help="After writing: count the graph's triples (count), or also read every statement back and "
                   "compare, lexical forms included (content).")
@click.option("--retries", type=click.IntRange(min=0), default=None,
              help="Extra attempts after a connection error or 5xx (default 3 for PUT and the count query; "
                   "a SPARQL Update POST is never retried).")
@http_deadline_option
@deprecated_alias("--request-timeout", "request_timeout", "--http-deadline", type=click.FloatRange(min=0.1))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format of the result line.")
@gate_options("publish")
@lang_option
@input_options
@config_options
def command(sources, to, graph, layout, method, dry_run, verify, retries, http_deadline, request_timeout, fmt,
            allow_invalid, skip_validation, profiles, extra_shapes, vocabularies, domain, lang, input_format,
            max_input_bytes, timeout, allow_private):
    """Replace one named graph in a SPARQL 1.1 store with the catalog, then count its triples in the store.

    The catalog is validated first: violations, or placeholders (TODO) left from `init`, stop it (exit 1, nothing
    sent) unless --allow-invalid is given.

    Credentials come from the environment only: ENA_GRUNDDATA_TOKEN (Bearer) or ENA_GRUNDDATA_USER and
    ENA_GRUNDDATA_PASSWORD (Basic). A store on loopback or a private network needs --allow-private.

    \b
    Example:
        ena-grunddata publish catalog.ttl --to http://localhost:7878 --allow-private
        ena-grunddata publish catalog.ttl --to https://store.example.se/ds --store-layout fuseki --dry-run
    """
    if request_timeout is not None and http_deadline is None:
        http_deadline = request_timeout
    try:
        result = publish(list(sources), to, graph=graph, layout=layout, method=method, dry_run=dry_run,
                         verify=verify, allow_private=allow_private, retries=retries, timeout=http_deadline,
                         input_format=input_format, limits=limits_from(max_input_bytes, timeout, allow_private),
                         rules=rules_from(profiles, extra_shapes, vocabularies, domain),
                         validate=not skip_validation, allow_invalid=allow_invalid)
    except InvalidCatalog as error:
        raise refused(error, "publish", to, lang) from None
    say_override(result.verdict, "publish", lang)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    verb = "PUT" if result.method == "gsp" else "POST (SPARQL Update)"
    if result.dry_run:
        click.echo(f"dry run: would {verb} {result.sent_triples} triples ({result.body_bytes:,} bytes) to "
                   f"{result.endpoint}, replacing graph <{result.graph}>; nothing was sent")
        return
    click.echo(f"published {result.sent_triples} triples to graph <{result.graph}> at {result.endpoint} "
               f"({verb}, HTTP {result.status}, {result.seconds:.2f} s); the store now holds "
               f"{result.counted_triples} triples in that graph")
