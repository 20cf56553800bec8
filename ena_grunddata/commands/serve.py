"""ena-grunddata serve: serve a catalog at /datasets/dcat for dataportal.se (or any DCAT harvester) to fetch."""

from __future__ import annotations

import click

from ..publish.serve import DEFAULT_PAGE_SIZE, Poller, make_app, make_server
from .options import config_options, input_options, lang_option, limits_from


@click.command("serve")
@click.argument("sources", nargs=-1, required=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 or :: only when the server should be reachable from other "
                   "machines).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 = any free port, printed at start).")
@click.option("--page-size", type=click.IntRange(min=1), default=DEFAULT_PAGE_SIZE, show_default=True,
              help="Datasets per page when a client asks for ?page=N (Hydra paging).")
@click.option("--poll-interval", type=click.FloatRange(min=0.1), default=2.0, show_default=True,
              help="Seconds between checks of the source files for changes.")
@click.option("--no-validate", "skip_validation", is_flag=True,
              help="Do not validate on load (faster for very large catalogs; the page then says 'not validated').")
@lang_option
@input_options
@config_options
def command(sources, host, port, page_size, poll_interval, skip_validation, lang, input_format, max_input_bytes,
            timeout, allow_private):
    """Serve a catalog: /datasets/dcat (RDF/XML; Turtle, JSON-LD and N-Triples by Accept or ?format=),
    an HTML page at /, and /healthz. Source files are re-read when they change.

    \b
    Example:
        ena-grunddata serve catalog.ttl --port 8080
    """
    app = make_app(list(sources), input_format=input_format, limits=limits_from(max_input_bytes, timeout, allow_private),
                   page_size=page_size, poll_interval=poll_interval, lang=lang, validate=not skip_validation,
                   log=lambda line: click.echo(line, err=True), poll_on_request=False)
    server = make_server(app, host, port)
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"serving {len(app.snapshot.graph)} triples at http://{shown_host}:{server.server_port}/datasets/dcat "
               "(Ctrl-C to stop)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"note: listening on {host}: reachable from other machines", err=True)
    poller = Poller(app, poll_interval)
    poller.start()
    try:
        server.serve_forever()
    finally:
        poller.stopped.set()
        server.server_close()
