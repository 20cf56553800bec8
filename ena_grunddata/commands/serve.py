"""ena-grunddata serve: serve a catalog at /datasets/dcat for dataportal.se (or any DCAT harvester) to fetch."""

from __future__ import annotations

import signal

import click

from ..publish.gate import InvalidCatalog
from ..publish.serve import DEFAULT_PAGE_SIZE, Poller, listen, make_app, make_server, serve_until_interrupted
from .options import (config_options, gate_options, input_options, lang_option, limits_from, refused, rules_from,
                      rules_options, say_override)


@click.command("serve")
@click.argument("sources", nargs=-1, required=True)
@rules_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 or :: only when the server should be reachable from other "
                   "machines).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 = any free port, printed at start).")
@click.option("--public-url", default=None, metavar="URL",
              help="The address harvesters use, e.g. https://data.example.se (behind a proxy): page IRIs are made "
                   "from it. Without it they use the address the server listens on, never the client's Host header.")
@click.option("--page-size", type=click.IntRange(min=1), default=DEFAULT_PAGE_SIZE, show_default=True,
              help="Datasets per page when a client asks for ?page=N (Hydra paging).")
@click.option("--poll-interval", type=click.FloatRange(min=0.1), default=2.0, show_default=True,
              help="Seconds between checks of the source files for changes.")
@gate_options("serve")
@lang_option
@input_options
@config_options
def command(sources, profiles, extra_shapes, vocabularies, domain, host, port, public_url, page_size, poll_interval,
            allow_invalid, skip_validation, lang, input_format, max_input_bytes, timeout, allow_private):
    """Serve a catalog: /datasets/dcat (RDF/XML; Turtle, JSON-LD and N-Triples by Accept or ?format=),
    an HTML page at /, and /healthz. Source files are re-read when they change.

    The catalog is validated first, and again on every reload: violations, or placeholders (TODO) left from
    `init`, are not served (exit 1 at start; on a reload the last valid version stays and /healthz says degraded)
    unless --allow-invalid is given. Ctrl-C stops the server (exit 130).

    \b
    Example:
        ena-grunddata serve catalog.ttl --port 8080
        ena-grunddata serve katalog/ --host 0.0.0.0 --public-url https://data.example.se
    """
    # Ctrl-C stops the server even when the shell that started it ignored SIGINT (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    listener = listen(host, port)  # a busy port is said before a long first load
    try:
        app = make_app(list(sources), input_format=input_format,
                       limits=limits_from(max_input_bytes, timeout, allow_private), page_size=page_size,
                       poll_interval=poll_interval, lang=lang, validate=not skip_validation,
                       rules=rules_from(profiles, extra_shapes, vocabularies, domain), allow_invalid=allow_invalid,
                       public_url=public_url, log=lambda line: click.echo(line, err=True), poll_on_request=False)
    except InvalidCatalog as error:
        listener.close()
        raise refused(error, "serve", ", ".join(sources), lang) from None
    except BaseException:
        listener.close()
        raise
    say_override(app.snapshot.verdict, "serve", lang)
    server = make_server(app, host, port, listener=listener)
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"serving {len(app.snapshot.graph)} triples at http://{shown_host}:{server.server_port}/datasets/dcat "
               "(Ctrl-C to stop)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"note: listening on {host}: reachable from other machines", err=True)
        if public_url is None:
            click.echo("note: page IRIs use the address the server listens on; give --public-url with the address "
                       "harvesters use", err=True)
    poller = Poller(app, poll_interval)
    poller.start()
    try:
        serve_until_interrupted(server)
    finally:
        poller.stopped.set()
