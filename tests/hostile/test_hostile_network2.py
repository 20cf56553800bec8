"""Round two (issue #16), the network families, against a real loopback server:

- 4: the total HTTP deadline holds while a server sends its status line and headers one byte at a time.
- 6: credentials configured for a source go to its origin only (not to sub-catalogs elsewhere, not across
  redirects); secret-looking URL parts are redacted everywhere a URL is shown; credentials a server echoes
  back are masked in every form (base64 of Basic included).
- 8: cloud metadata endpoints are refused even with --allow-private, in every spelling; the number of
  sub-catalogs one document can make harvest fetch is bounded.
- 10: a gzip body of several members is decoded whole; a cut one is refused; one bad EntryStore entry is
  skipped with a warning.
- 1: a JSON answer nested hundreds of thousands of levels (EntryStore, SPARQL store) is a remote error, not 70.
"""

from __future__ import annotations

import base64
import gzip
import json
import time

import pytest

from ena_grunddata import http
from ena_grunddata.errors import RemoteError
from hostile_support import assert_error, assert_no_traceback, write
from httpserver import LocalServer, Reply

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.se/> .
"""
TURTLE = "text/turtle; charset=utf-8"
SECRET, TOKEN, USER, PASSWORD = "Sekret-key-7741", "Sekret-token-9926", "harvest-user", "Sekret-pass-5521"


def catalog(*datasets: str, extra: str = "") -> str:
    body = PREFIXES + 'ex:cat a dcat:Catalog ; dcterms:title "Katalog"@sv'
    body += "".join(f" ; dcat:dataset ex:{d}" for d in datasets) + " .\n"
    return body + "".join(f'ex:{d} a dcat:Dataset ; dcterms:title "{d}"@sv .\n' for d in datasets) + extra


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.fixture
def other():
    with LocalServer() as running:  # another origin (another port)
        yield running


def harvest(cli_run, store, *args, env=None):
    return cli_run("harvest", "--store", store, "--delay", "0", "--allow-private", *map(str, args), env=env)


# --------------------------------------------------------------------------------------------- family 4


def header_drip(interval: float = 0.3):
    def handler(request):
        h = request.handler
        try:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nX-Slow: " + b"y" * 10_000:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(interval)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        h.close_connection = True

    return handler


def test_the_total_deadline_holds_while_headers_drip(server, cli_run, tmp_path):
    server.add_handler("/catalog", header_drip())
    run = harvest(cli_run, tmp_path / "s", "--retries", 0, "--read-timeout", 5, "--http-deadline", 2,
                  server.url("/catalog"))
    assert_error(run, 3, "deadline", where=server.url("/catalog"))
    assert run.seconds < 5, run.seconds  # each byte resets the 5 s read timeout: only the deadline can stop it


def test_the_deadline_holds_for_headers_in_the_library_too(server):
    server.add_handler("/catalog", header_drip(0.2))
    started = time.monotonic()
    with pytest.raises(RemoteError, match="deadline"):
        http.fetch(server.url("/catalog"), allow_private=True, timeout=1.5, policy=http.Policy(retries=2))
    assert time.monotonic() - started < 4


# --------------------------------------------------------------------------------------------- family 6


def test_source_credentials_never_reach_a_sub_catalog_on_another_origin(server, other, cli_run, tmp_path):
    other.add("/sub", catalog("s1"), content_type=TURTLE)
    server.add("/sub", catalog("s2"), content_type=TURTLE)
    main = catalog("a", extra=f"ex:cat dcterms:hasPart <{other.url('/sub')}>, <{server.url('/sub')}> .\n"
                              f"<{other.url('/sub')}> a dcat:Catalog .\n<{server.url('/sub')}> a dcat:Catalog .\n")
    server.add("/catalog", main, content_type=TURTLE)
    config = write(tmp_path, "sources.yaml", f"sources:\n  - name: cat\n    url: {server.url('/catalog')}\n"
                                             "    auth_env: CAT\n    header_env: {X-Api-Key: CAT_KEY}\n")
    run = cli_run("harvest", "--store", tmp_path / "s", "--delay", 0, "--allow-private", "--config", config,
                  env={"CAT_TOKEN": TOKEN, "CAT_KEY": SECRET})
    assert run.exit_code == 0, run.stderr
    (own,) = server.requests_to("/sub")
    assert own.header("Authorization") == f"Bearer {TOKEN}" and own.header("X-Api-Key") == SECRET
    (foreign,) = other.requests_to("/sub")
    assert foreign.header("Authorization") is None and foreign.header("X-Api-Key") is None


SECRET_PARAMETERS = ["token", "key", "password", "pass", "pw", "secret", "jwt", "code", "signature", "sig", "auth",
                     "API_KEY", "Access_Token", "X-Amz-Signature", "PASSWD"]


@pytest.mark.parametrize("name", SECRET_PARAMETERS)
def test_secret_looking_query_parameters_are_redacted(name):
    shown = http.redact(f"https://user:{SECRET}@example.se/p?page=2&{name}={SECRET}#x&{name}={SECRET}")
    assert SECRET not in shown and "user" not in shown
    assert "page=2" in shown and "example.se/p" in shown


def test_redacted_everywhere_a_url_is_shown(server, cli_run, tmp_path):
    """Error lines, every report format, the store's files and folder names, --debug included."""
    server.add("/catalog", "nope", status=404, content_type="text/plain")
    url = server.url(f"/catalog?Token={SECRET}&Signature={SECRET}&pw={SECRET}")
    store = tmp_path / "s"
    for fmt in ("text", "json"):
        for debug in ((), ("--debug",)):
            run = cli_run(*debug, "harvest", "--store", store, "--delay", 0, "--allow-private", "--retries", 0,
                          "-f", fmt, url)
            assert run.exit_code == 3
            assert SECRET not in run.stdout + run.stderr
    assert SECRET not in "".join(str(p) for p in store.rglob("*"))
    assert SECRET not in "".join(p.read_text(errors="replace") for p in store.rglob("*") if p.is_file())
    source = server.url(f"/data.ttl?key={SECRET}")
    server.add("/data.ttl", PREFIXES + "ex:d a dcat:Dataset ; dcterms:title \"\"\"x\n\"\"\"@xx-bad_tag .\n",
               content_type=TURTLE)
    for fmt in ("text", "json", "markdown", "html", "sarif", "junit", "turtle"):
        run = cli_run("validate", "--allow-private", "-f", fmt, source)
        assert SECRET not in run.stdout + run.stderr, fmt


def test_serve_redacts_urls_in_healthz_and_its_logs(tmp_path):
    """`serve`: /healthz and the warning naming a source URL show it redacted; so does the access log, for a
    request whose query carries a secret-looking parameter (a harvester's token)."""
    import threading

    from ena_grunddata.publish.serve import make_app, make_server

    logged = []
    source = f"http://user:{SECRET}@127.0.0.1:9/c.ttl?token={SECRET}&sig={SECRET}"
    app = make_app([source], validate=False, poll_interval=0, log=logged.append, strict=False)
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        health = http.request("GET", base + "/healthz", allow_private=True, retries=0)
        http.request("GET", base + f"/datasets/dcat?page=1&access_token={SECRET}", allow_private=True, retries=0)
    finally:
        server.shutdown()
        server.server_close()
    assert json.loads(health.content)["sources"] == ["http://***@127.0.0.1:9/c.ttl?token=***&sig=***"]
    assert SECRET not in health.content.decode("utf-8")
    assert any("/datasets/dcat?page=1&access_token=***" in line for line in logged), logged
    assert not [line for line in logged if SECRET in line]


def test_credentials_echoed_back_by_a_store_are_masked_in_every_form(server, cli_run, tmp_path):
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

    def echo(request):
        return Reply(400, f"bad request; you sent Authorization: {request.header('Authorization')} "
                          f"(user {USER}, password {PASSWORD}, encoded {basic})", content_type="text/plain")

    server.add_handler("/store", echo)
    data = write(tmp_path, "c.ttl", catalog("a"))
    run = cli_run("publish", data, "--to", server.url("/store"), "--allow-private", "--no-validate",
                  env={"ENA_GRUNDDATA_USER": USER, "ENA_GRUNDDATA_PASSWORD": PASSWORD})
    assert run.exit_code == 3, run.stderr
    assert_no_traceback(run)
    for secret in (PASSWORD, basic):
        assert secret not in run.stdout + run.stderr


def test_redact_text_masks_every_form():
    basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    text = f"echo {basic} {PASSWORD} {PASSWORD.replace('-', '%2D')} see https://x.se/?token={SECRET}"
    shown = http.redact_text(text, [basic])
    assert PASSWORD not in shown and basic.split()[1] not in shown and SECRET not in shown


# --------------------------------------------------------------------------------------------- family 8

METADATA_URLS = ["http://169.254.169.254/latest/meta-data/", "http://169.254.170.2/v2/credentials",
                 "http://100.100.100.200/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/",
                 "http://[::ffff:169.254.169.254]/", "http://[::ffff:100.100.100.200]/",
                 "http://[64:ff9b::a9fe:a9fe]/", "http://2852039166/", "http://0xa9fea9fe/",
                 "http://metadata.google.internal/computeMetadata/v1/", "http://METADATA.GOOGLE.INTERNAL./",
                 "http://metadata/computeMetadata/v1/"]


@pytest.mark.parametrize("url", METADATA_URLS)
def test_cloud_metadata_endpoints_are_refused_even_with_allow_private(audit, url):
    """The check that runs before every request and at every redirect hop (no traffic leaves the machine even
    if the guard regressed: nothing here connects)."""
    with pytest.raises(RemoteError, match="refused.*metadata"):
        http.check_url(url, allow_private=True)
    assert not [arg for event, arg in audit if event == "socket.connect"]


def test_cloud_metadata_through_the_cli_and_a_redirect(server, cli_run, tmp_path, audit):
    server.add("/r", "", status=302, headers={"Location": "http://[::ffff:100.100.100.200]/latest/meta-data/"})
    run = harvest(cli_run, tmp_path / "s", "--retries", 0, server.url("/r"))
    assert_error(run, 3, "metadata")
    assert server.count() == 1
    run = harvest(cli_run, tmp_path / "s", "--retries", 0, "http://metadata.google.internal/computeMetadata/v1/")
    assert_error(run, 3, "metadata")
    assert not [arg for event, arg in audit if event == "socket.connect" and "100.100" in str(arg)]


def test_metadata_addresses_are_refused_by_the_address_check():
    for address in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254", "::ffff:100.100.100.200",
                    "169.254.170.2"):
        assert "metadata" in (http.refusal(address, allow_private=True) or ""), address


def test_the_number_of_sub_catalogs_is_bounded(server, cli_run, tmp_path):
    subs = [server.url(f"/sub/{n}") for n in range(30)]
    main = catalog("a", extra="".join(f"ex:cat dcterms:hasPart <{u}> .\n<{u}> a dcat:Catalog .\n" for u in subs))
    server.add("/catalog", main, content_type=TURTLE)
    run = harvest(cli_run, tmp_path / "s", "--max-sub-catalogs", 10, server.url("/catalog"))
    assert_error(run, 3, "sub-catalogs", "--max-sub-catalogs")
    assert server.count() == 1  # refused before any sub-catalog is fetched
    config = write(tmp_path, "sources.yaml", f"sources:\n  - url: {server.url('/catalog')}\n    max_sub_catalogs: 5\n")
    run = cli_run("harvest", "--store", tmp_path / "s2", "--delay", 0, "--allow-private", "--config", config)
    assert_error(run, 3, "more than 5")


# --------------------------------------------------------------------------------------------- family 10


def test_a_gzip_body_of_several_members_is_decoded_whole(server, cli_run, tmp_path):
    text = catalog(*[f"d{n}" for n in range(40)])
    cut = len(text) // 2
    body = gzip.compress(text[:cut].encode()) + gzip.compress(text[cut:].encode())
    server.add("/catalog", Reply(200, body, {"Content-Encoding": "gzip"}, TURTLE).body,
               headers={"Content-Encoding": "gzip"}, content_type=TURTLE)
    run = harvest(cli_run, tmp_path / "s", "-f", "json", server.url("/catalog"))
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["sources"][0]["counts"]["datasets"] == 40


def test_a_cut_gzip_body_is_refused(server, cli_run, tmp_path):
    body = gzip.compress(catalog(*[f"d{n}" for n in range(40)]).encode())
    server.add("/catalog", body[: len(body) // 2], headers={"Content-Encoding": "gzip"}, content_type=TURTLE)
    run = harvest(cli_run, tmp_path / "s", "--retries", 0, server.url("/catalog"))
    assert_error(run, 3, "compressed")
    assert not list((tmp_path / "s").glob("sources/*/snapshot.nt"))


def entrystore(entries):
    def handler(request):
        offset = int(request.query["offset"][0])
        children = [{"entryId": str(i), "metadata": entries[i]} for i in range(offset, min(offset + 100, len(entries)))]
        return Reply(200, json.dumps({"results": len(entries), "resource": {"children": children}}),
                     content_type="application/json")

    return handler


def rdfjson(n: int) -> dict:
    return {f"https://example.se/ds{n}": {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": [{"type": "uri", "value": "http://www.w3.org/ns/dcat#Dataset"}],
        "http://purl.org/dc/terms/title": [{"type": "literal", "value": f"Data {n}", "lang": "sv"}]}}


BAD_ENTRIES = {
    "bad IRI": {"https://example.se/a b": {"http://purl.org/dc/terms/title": [{"type": "literal", "value": "x"}]}},
    "not RDF/JSON": ["a list"],
    "nested value": {"https://example.se/n": {"http://purl.org/dc/terms/title": [{"type": "literal",
                                                                                  "value": {"deep": [1, 2]}}]}},
    "control character": {"https://example.se/c": {"http://purl.org/dc/terms/title": [
        {"type": "literal", "value": "a\u0000b"}]}},
    "bad language tag": {"https://example.se/l": {"http://purl.org/dc/terms/title": [
        {"type": "literal", "value": "x", "lang": "en_US"}]}},
}


@pytest.mark.parametrize("kind", sorted(BAD_ENTRIES))
def test_one_bad_entrystore_entry_is_skipped_with_a_warning(server, cli_run, tmp_path, kind):
    entries = [rdfjson(n) for n in range(5)] + [BAD_ENTRIES[kind]] + [rdfjson(n) for n in range(5, 9)]
    server.add_handler("/store/search", entrystore(entries))
    run = harvest(cli_run, tmp_path / "s", "-f", "json", server.url("/store/search"))
    assert run.exit_code == 0, run.stderr
    source = json.loads(run.stdout)["sources"][0]
    assert source["counts"]["datasets"] == 9
    assert any("entry 5 skipped" in warning for warning in source["warnings"]), source["warnings"]


DEEP = b'{"resource": {"children": ' + b"[" * 300_000 + b"]" * 300_000 + b"}}"


def test_an_entrystore_answer_nested_300000_levels_is_a_remote_error(server, cli_run, tmp_path):
    server.add("/store/search", DEEP, content_type="application/json")
    run = harvest(cli_run, tmp_path / "s", server.url("/store/search"))
    assert_error(run, 3, "EntryStore")


def test_a_sparql_store_answer_nested_300000_levels_is_a_remote_error(server, cli_run, tmp_path):
    def store(request):
        if request.method == "PUT":
            return Reply(204, b"")
        return Reply(200, b'{"results": {"bindings": ' + b"[" * 300_000 + b"]" * 300_000 + b"}}",
                     content_type="application/sparql-results+json")

    server.add_handler("/store", store)
    server.add_handler("/store/query", store)
    server.add_handler("/store/data", store)
    server.add_handler("/query", store)
    server.add_handler("/data", store)
    data = write(tmp_path, "c.ttl", catalog("a"))
    run = cli_run("publish", data, "--to", server.url("/store"), "--allow-private", "--no-validate")
    assert run.exit_code in (2, 3), run.stderr
    assert_no_traceback(run)
    assert len([line for line in run.stderr.splitlines() if line.strip()]) == 1
