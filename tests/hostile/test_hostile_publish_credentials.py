"""Cases 55-62 of security.md section 4: publishing into a store, credentials and logging, internal errors.

The fake store is a loopback server that records every request (method, path, headers, body).
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from hostile_support import assert_error, assert_no_traceback, write
from httpserver import LocalServer, Reply

CATALOG = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://data.example.se/katalog> a dcat:Catalog ; dcterms:title "Katalog"@sv ;
    dcat:dataset <https://data.example.se/ds/1> .
<https://data.example.se/ds/1> a dcat:Dataset ; dcterms:title "Vägnät"@sv .
"""
SECRET, SECRET2, TOKEN = "SECRET-pw-4711", "SECRET2-query-0815", "SECRET-token-42"


@pytest.fixture
def store():
    with LocalServer() as running:
        yield running


def mutations(server) -> list[tuple[str, str]]:
    return [(hit.method, hit.path) for hit in server.hits if hit.method in ("PUT", "POST", "DELETE", "PATCH")
            and not (hit.method == "POST" and b"INSERT" not in hit.body and b"DROP" not in hit.body
                     and b"DELETE" not in hit.body.upper() and b"CLEAR" not in hit.body.upper())]


def publish(cli_run, *args, env=None):
    # These cases are about the store and credentials; the gate before them is tested in tests/test_gate.py.
    return cli_run("publish", *map(str, args), "--allow-private", "--no-validate", env=env)


# --------------------------------------------------------------------------------------------- publish


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_case_55_a_failing_store_gets_one_atomic_request_and_nothing_after(store, cli_run, tmp_path, method):
    """A replace is one request (GSP PUT, or one SPARQL Update with DROP and INSERT DATA together): the store
    applies it whole or not at all. After a 500 nothing else that changes the store is sent."""
    store.add_handler("/store", lambda request: Reply(500, "boom", content_type="text/plain"))
    store.add_handler("/update", lambda request: Reply(500, "boom", content_type="text/plain"))
    data = write(tmp_path, "catalog.ttl", CATALOG)
    run = publish(cli_run, data, "--to", store.url(""), "--method", method, "--retries", 2)
    assert_error(run, 3, "500")
    changing = mutations(store)
    assert changing, "the publish attempt must reach the store"
    assert len({m for m, _ in changing}) == 1  # only PUTs, or only update POSTs: never a DELETE then a PUT
    if method == "update":
        assert len(changing) == 1  # a non-idempotent POST is never retried
        assert b"DROP" in store.hits[0].body.upper() or b"CLEAR" in store.hits[0].body.upper()


@pytest.mark.parametrize("iri", ["https://x.se/a>b", "https://x.se/a}b", "https://x.se/a\\u000Ab"])
def test_case_56_unsafe_iris_are_refused_before_any_request(store, cli_run, tmp_path, iri):
    data = write(tmp_path, "bad.ttl", CATALOG + f'<{iri}> <http://purl.org/dc/terms/title> "x" .\n')
    run = publish(cli_run, data, "--to", store.url(""), "--graph", "https://data.example.se/g")
    line = assert_error(run, 2, where=f"{data}:6: ")  # the loader refuses it (a syntax error or an invalid IRI)
    assert "invalid IRI" in line or "bad syntax" in line
    assert store.count() == 0


def test_case_57_payload_too_large_is_one_clear_line_and_no_chunking(store, cli_run, tmp_path):
    store.add_handler("/store", lambda request: Reply(413, "too large", content_type="text/plain"))
    data = write(tmp_path, "catalog.ttl", CATALOG)
    run = publish(cli_run, data, "--to", store.url(""), "--retries", 2)
    line = assert_error(run, 3, "too large")
    assert "bytes" in line
    assert [hit.method for hit in store.hits] == ["PUT"]


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("kind", ["basic", "bearer"])
def test_case_58_authentication_failures_never_show_the_credentials(store, cli_run, tmp_path, status, kind):
    env = ({"ENA_GRUNDDATA_USER": "publisher", "ENA_GRUNDDATA_PASSWORD": SECRET} if kind == "basic"
           else {"ENA_GRUNDDATA_TOKEN": TOKEN})
    # a store that echoes what it received, as some do in their error pages
    store.add_handler("/store", lambda request: Reply(status, f"you sent {request.header('Authorization')}",
                                                      content_type="text/plain"))
    data = write(tmp_path, "catalog.ttl", CATALOG)
    run = publish(cli_run, data, "--to", store.url(""), "--retries", 0, env=env)
    line = assert_error(run, 3, "authentication failed for")
    assert store.hits and store.hits[0].header("Authorization")  # the credential was sent, to the store only
    encoded = base64.b64encode(f"publisher:{SECRET}".encode()).decode()
    for secret in (SECRET, TOKEN, encoded):
        assert secret not in run.stdout + run.stderr
    assert "@" not in line.split("authentication failed for", 1)[1]  # no userinfo in the endpoint shown


# --------------------------------------------------------------------------------------------- credentials


def all_text_below(folder: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


def test_case_59_secrets_in_urls_never_appear_in_output_or_store(store, cli_run, tmp_path):
    store.add("/x", "nope", status=404, content_type="text/plain")
    urls = [store.url(f"/x?token={SECRET2}"), f"http://user:{SECRET}@127.0.0.1:{store.port}/y"]
    folder = tmp_path / "s"
    for debug in ((), ("--debug",)):
        run = cli_run(*debug, "harvest", "--store", folder, "--delay", 0, "--allow-private", "--retries", 0,
                      "-f", "json", *urls)
        assert run.exit_code == 3
        assert_no_traceback(run)
        assert run.stderr.count("error: ") == 2
        for secret in (SECRET, SECRET2):
            assert secret not in run.stdout + run.stderr
            assert secret not in all_text_below(folder)  # store metadata and attempt logs
    assert store.count("/y") == 0  # userinfo in a URL is refused, not sent


def test_case_60_credentials_are_not_forwarded_to_another_host(store, cli_run, tmp_path):
    store.add("/catalog", "", status=302, headers={"Location": store.url("/moved", host="localhost")})
    store.add("/moved", CATALOG, content_type="text/turtle")
    config = write(tmp_path, "sources.yaml", f"sources:\n  - name: cat\n    url: {store.url('/catalog')}\n"
                                             "    auth_env: CAT\n    header_env: {X-Api-Key: CAT_KEY}\n")
    run = cli_run("harvest", "--store", tmp_path / "s", "--delay", 0, "--allow-private", "--config", config,
                  env={"CAT_TOKEN": TOKEN, "CAT_KEY": SECRET})
    assert run.exit_code == 0, run.stderr
    first, moved = store.requests_to("/catalog")[0], store.requests_to("/moved")[0]
    assert first.header("Authorization") == f"Bearer {TOKEN}" and first.header("X-Api-Key") == SECRET
    assert moved.header("Authorization") is None and moved.header("X-Api-Key") is None
    assert TOKEN not in run.stdout + run.stderr and SECRET not in run.stdout + run.stderr


def test_case_61_proxy_variables_and_netrc_are_ignored(store, cli_run, tmp_path):
    """Documented choice (SECURITY.md): trust_env is off. No proxy from the environment, no .netrc."""
    store.add("/catalog", CATALOG, content_type="text/turtle")
    home = tmp_path / "home"
    home.mkdir()
    netrc = write(home, ".netrc", f"machine 127.0.0.1 login someone password {SECRET}\n"
                                  f"default login anyone password {SECRET}\n")
    netrc.chmod(0o600)
    with LocalServer() as proxy:
        proxy.add_handler("/", lambda request: Reply(200, CATALOG, content_type="text/turtle"))
        env = {"HTTP_PROXY": proxy.url(""), "http_proxy": proxy.url(""), "HTTPS_PROXY": proxy.url(""),
               "NO_PROXY": "", "no_proxy": "", "HOME": str(home), "NETRC": str(netrc)}
        run = cli_run("harvest", "--store", tmp_path / "s", "--delay", 0, "--allow-private",
                      store.url("/catalog"), env=env)
        assert run.exit_code == 0, run.stderr
        assert proxy.count() == 0
    (hit,) = store.requests_to("/catalog")
    assert hit.header("Authorization") is None
    assert SECRET not in run.stdout + run.stderr


# --------------------------------------------------------------------------------------------- internal errors


def test_case_62_an_internal_error_is_one_line_and_exit_70(tmp_path, cli_run, monkeypatch):
    import importlib

    loader = importlib.import_module("ena_grunddata.load.sources")

    def explode(*args, **kwargs):
        raise RuntimeError("injected failure\nsecond line")

    monkeypatch.setattr(loader, "read_document", explode)
    data = write(tmp_path, "catalog.ttl", CATALOG)
    run = cli_run("validate", data)
    assert run.exit_code == 70
    assert_no_traceback(run)
    assert run.stderr == "internal error: RuntimeError: injected failure (rerun with --debug for details)\n"
    debug = cli_run("--debug", "validate", data)
    assert debug.exit_code == 70
    assert "Traceback (most recent call last)" in debug.stderr and "injected failure" in debug.stderr
