"""Cases 40-54 of security.md section 4: harvesting over HTTP from a loopback server that serves the faults.

Every failing source: exit 3 (remote), one `error: <URL>: …` line on stderr, no traceback, and the server's
hit count shows that nothing was requested where nothing may be. The harvest owner's own tests
(tests/test_harvest.py, tests/test_http.py) go deeper into the client; these hold the CLI to the contract.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from ena_grunddata.errors import RemoteError
from hostile_support import assert_error, assert_no_traceback
from httpserver import LocalServer, Reply, chunked, drip, fail_then, gzip_bomb, silent

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix ex: <https://example.se/> .
"""
TURTLE = "text/turtle; charset=utf-8"
FAST = ("--delay", "0")


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def catalog(*datasets: str, extra: str = "") -> str:
    body = PREFIXES + 'ex:cat a dcat:Catalog ; dcterms:title "Katalog"@sv'
    body += "".join(f" ; dcat:dataset ex:{d}" for d in datasets) + " .\n"
    body += "".join(f'ex:{d} a dcat:Dataset ; dcterms:title "{d}"@sv .\n' for d in datasets)
    return body + extra


def page(n: int, next_url: str | None) -> str:
    view = f"<?page={n}> a hydra:PartialCollectionView" + (f" ; hydra:next <{next_url}>" if next_url else "")
    return catalog(f"d{n}") + view + " .\n"


def harvest(cli_run, store: Path, *args):
    return cli_run("harvest", "--store", store, *FAST, *map(str, args))


def store_files(store: Path) -> dict:
    """Snapshots and their metadata: bytes and modification time."""
    folder = store / "sources"
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(store: Path) -> list[str]:
    return [str(p) for p in store.rglob("*") if p.name.endswith((".tmp", ".new", ".old")) or ".staging" in p.name]


# --------------------------------------------------------------------------------------------- addresses

LOOPBACK_SPELLINGS = ["127.0.0.1", "localhost", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0.0.0.0",
                      "[::1]", "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.1"]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_case_40_non_global_addresses_refused_before_connecting(server, cli_run, tmp_path, audit, host):
    server.add("/catalog", catalog("a"), content_type=TURTLE)
    url = f"http://{host}:{server.port}/catalog"
    run = harvest(cli_run, tmp_path / "s", "--retries", 0, url)
    assert_error(run, 3, "refused", where=f"{url}: ")
    assert server.count() == 0
    assert not [arg for event, arg in audit if event == "socket.connect"]


@pytest.mark.parametrize("location", ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data/",
                                      "http://0.0.0.0:{port}/catalog", "ftp://127.0.0.1/x"])
def test_case_41_redirect_to_a_forbidden_target_refused_at_that_hop(server, cli_run, tmp_path, location):
    location = location.format(port=server.port)
    server.add("/start", "", status=302, headers={"Location": location})
    server.add("/catalog", catalog("a"), content_type=TURTLE)
    run = harvest(cli_run, tmp_path / "s", "--allow-private", "--retries", 0, server.url("/start"))
    assert_error(run, 3, "refused")
    assert server.count("/start") == 1 and server.count("/catalog") == 0
    assert "root:" not in run.stdout + run.stderr


@pytest.mark.parametrize("loop", [True, False])
def test_case_42_redirect_loop_or_long_chain_stops_after_the_limit(server, cli_run, tmp_path, loop):
    for n in range(20):
        target = (n + 1) % 2 if loop else n + 1
        server.add(f"/r{n}", "", status=302, headers={"Location": server.url(f"/r{target}")})
    run = harvest(cli_run, tmp_path / "s", "--allow-private", "--retries", 0, server.url("/r0"))
    assert_error(run, 3, "redirect")
    assert server.count() <= 6  # limit 5, plus the first request (requests alone makes 31)


# --------------------------------------------------------------------------------------------- slow and big


def test_case_43_silent_server_times_out(server, cli_run, tmp_path):
    server.add_handler("/catalog", silent(6))
    run = harvest(cli_run, tmp_path / "s", "--allow-private", "--retries", 0, "--read-timeout", 2,
                  server.url("/catalog"))
    assert_error(run, 3, where=server.url("/catalog"))
    assert run.seconds < 4, run.seconds


def test_case_44_slow_drip_hits_the_total_deadline(server, cli_run, tmp_path):
    server.add_handler("/catalog", drip(b" ", interval=0.5, total=100))
    run = harvest(cli_run, tmp_path / "s", "--allow-private", "--retries", 0, "--read-timeout", 5,
                  "--http-deadline", 2, server.url("/catalog"))
    assert_error(run, 3, where=server.url("/catalog"))
    assert run.seconds < 4, run.seconds  # the per-read timeout (5 s) alone would never fire


CAP = 1024 * 1024


@pytest.mark.parametrize("kind", ["no-length", "lying-length", "chunked", "gzip-bomb"])
def test_case_45_bodies_over_the_cap_are_cut_on_decoded_bytes(server, cli_run, tmp_path, kind):
    body = (PREFIXES + "".join(f'ex:d{n} dcterms:title "{"x" * 100}" .\n' for n in range(20_000))).encode()
    assert len(body) > 2 * CAP

    def no_length(request):
        handler = request.handler
        handler.send_response(200)
        handler.send_header("Content-Type", TURTLE)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True

    handlers = {"no-length": no_length,
                "lying-length": lambda request: Reply(200, body, headers={"Content-Length": "100"},
                                                      content_type=TURTLE),
                "chunked": chunked(body, TURTLE),
                "gzip-bomb": lambda request: gzip_bomb(256 * 1024 * 1024)}
    server.add_handler("/catalog", handlers[kind])
    store = tmp_path / "s"
    run = harvest(cli_run, store, "--allow-private", "--retries", 0, "--max-input-bytes", CAP,
                  server.url("/catalog"))
    assert run.exit_code == 3, run.stderr
    assert_no_traceback(run)
    if kind != "lying-length":  # a body longer than its Content-Length is cut by the HTTP layer itself
        assert "over the limit of 1,048,576 bytes" in run.stderr
    assert store_files(store) == {}


def test_case_45_gzip_bomb_memory_stays_bounded(server, cli_process, tmp_path):
    server.add_handler("/catalog", lambda request: gzip_bomb(256 * 1024 * 1024))  # 256 times the cap
    run = cli_process("harvest", "--store", tmp_path / "s", *FAST, "--allow-private", "--retries", 0,
                      "--max-input-bytes", CAP, server.url("/catalog"))
    assert run.exit_code == 3 and "over the limit" in run.stderr
    assert run.peak_rss_mib < 400, run.peak_rss_mib  # 256 MiB inflated would be far above


@pytest.mark.parametrize("content_type", ["text/html", "application/x-unknown"])
def test_case_46_non_rdf_answers_are_not_parsed(server, cli_run, tmp_path, content_type):
    server.add("/catalog", "<html><body>Log in</body></html>", content_type=content_type)
    run = harvest(cli_run, tmp_path / "s", "--allow-private", "--retries", 0, server.url("/catalog"))
    assert_error(run, 3, where=server.url("/catalog"))
    if content_type == "text/html":
        assert "expected RDF, got text/html" in run.stderr


# --------------------------------------------------------------------------------------------- retries


def test_case_47_503_then_200_succeeds_after_a_retry(server, cli_run, tmp_path):
    server.add_handler("/catalog", fail_then(1, Reply(200, catalog("a"), content_type=TURTLE)))
    run = harvest(cli_run, tmp_path / "s", "--allow-private", "--retries", 2, server.url("/catalog"))
    assert run.exit_code == 0, run.stderr
    assert server.count("/catalog") == 2


def test_case_47_retry_after_is_honoured(server, cli_run, tmp_path):
    server.add_handler("/catalog", fail_then(1, Reply(200, catalog("a"), content_type=TURTLE), status=429,
                                             headers={"Retry-After": "2"}))
    run = harvest(cli_run, tmp_path / "s", "--allow-private", "--retries", 2, server.url("/catalog"))
    assert run.exit_code == 0, run.stderr
    assert server.count("/catalog") == 2
    assert 1.8 <= run.seconds < 10, run.seconds


def test_case_47_a_huge_retry_after_is_capped_and_attempts_are_bounded(server):
    from ena_grunddata import http

    server.add("/catalog", "busy", status=429, headers={"Retry-After": "86400"})
    policy = http.Policy(retries=2, retry_after_max=0.5, allow_private=True)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="429"):
        http.fetch(server.url("/catalog"), policy=policy)
    assert time.monotonic() - started < 5  # capped: not a day
    assert server.count("/catalog") <= 3


@pytest.mark.parametrize("status", [404, 401, 403])
def test_case_48_client_errors_are_not_retried(server, cli_run, tmp_path, status):
    server.add("/catalog", "no", status=status, content_type="text/plain")
    run = harvest(cli_run, tmp_path / "s", "--allow-private", "--retries", 3, server.url("/catalog"))
    assert_error(run, 3, str(status), where=server.url("/catalog"))
    assert server.count("/catalog") == 1


# --------------------------------------------------------------------------------------------- paging


@pytest.mark.parametrize("chain", [["1", "2", "1"], ["1", "1"], ["1", "2", "3", "2"]])
def test_case_49_paging_loops_are_detected(server, cli_run, tmp_path, chain):
    nexts = {chain[i]: chain[i + 1] for i in range(len(chain) - 1)}
    server.add_handler("/p", lambda request: Reply(200, page(int(request.query["page"][0]), server.url(
        f"/p?page={nexts[request.query['page'][0]]}")), content_type=TURTLE))
    run = harvest(cli_run, tmp_path / "s", "--allow-private", server.url("/p?page=1"))
    assert run.exit_code in (0, 3), run.stderr
    assert_no_traceback(run)
    assert server.count("/p") <= 4


@pytest.mark.parametrize("target", ["other-origin", "file:///etc/passwd", "ftp://127.0.0.1/p2"])
def test_case_50_next_page_off_origin_or_scheme_is_refused(server, cli_run, tmp_path, target):
    with LocalServer() as other:
        other.add("/p2", catalog("x"), content_type=TURTLE)
        next_url = other.url("/p2") if target == "other-origin" else target
        server.add("/p1", page(1, next_url), content_type=TURTLE)
        run = harvest(cli_run, tmp_path / "s", "--allow-private", server.url("/p1"))
        assert run.exit_code == 3, run.stderr
        assert_error(run, 3)
        assert other.count() == 0
        assert "root:" not in run.stdout + run.stderr


def test_case_51_endless_paging_stops_at_max_pages_without_a_snapshot(server, cli_run, tmp_path):
    server.add_handler("/p", lambda request: Reply(200, page(int(request.query["page"][0]), server.url(
        f"/p?page={int(request.query['page'][0]) + 1}")), content_type=TURTLE))
    store = tmp_path / "s"
    run = harvest(cli_run, store, "--allow-private", "--max-pages", 4, server.url("/p?page=1"))
    assert_error(run, 3, "4 pages")
    assert server.count("/p") == 4
    assert store_files(store) == {} and leftovers(store) == []


# --------------------------------------------------------------------------------------------- the store


def paged_source(server, failing_page=None):
    def handler(request):
        n = int(request.query.get("page", ["1"])[0])
        if n == failing_page:
            return Reply(500, "boom", content_type="text/plain")
        return Reply(200, page(n, server.url(f"/p?page={n + 1}") if n < 5 else None), content_type=TURTLE)

    server.add_handler("/p", handler)


def test_case_52_a_failing_page_keeps_the_previous_snapshot(server, cli_run, tmp_path):
    store = tmp_path / "s"
    paged_source(server)
    assert harvest(cli_run, store, "--allow-private", server.url("/p")).exit_code == 0
    before = store_files(store)
    assert before
    paged_source(server, failing_page=3)
    run = harvest(cli_run, store, "--allow-private", "--retries", 1, server.url("/p"))
    assert_error(run, 3, "500", where=f"{server.url('/p')}")
    snapshots = {k: v for k, v in store_files(store).items() if "snapshot" in k}
    assert snapshots == {k: v for k, v in before.items() if "snapshot" in k}
    assert leftovers(store) == []


@pytest.mark.parametrize("shrunk", [PREFIXES + "ex:cat a dcat:Catalog .\n", catalog("a")])
def test_case_53_an_empty_or_shrunken_source_keeps_the_previous_snapshot(server, cli_run, tmp_path, shrunk):
    store = tmp_path / "s"
    server.add("/catalog", catalog("a", "b", "c", "d", "e"), content_type=TURTLE)
    assert harvest(cli_run, store, "--allow-private", server.url("/catalog")).exit_code == 0
    before = {k: v for k, v in store_files(store).items() if "snapshot" in k}
    server.add("/catalog", shrunk, content_type=TURTLE)
    run = harvest(cli_run, store, "--allow-private", server.url("/catalog"))
    assert_error(run, 3, "--accept-shrink")
    assert {k: v for k, v in store_files(store).items() if "snapshot" in k} == before


def test_case_54_two_identical_harvests_give_a_byte_identical_snapshot(server, cli_run, tmp_path):
    store = tmp_path / "s"
    server.add("/catalog", catalog("b", "a", "c"), content_type=TURTLE)  # no ETag: a full second download
    first = harvest(cli_run, store, "--allow-private", "-f", "json", server.url("/catalog"))
    assert first.exit_code == 0, first.stderr
    snap = {k: v[0] for k, v in store_files(store).items() if "snapshot" in k}
    second = harvest(cli_run, store, "--allow-private", "-f", "json", server.url("/catalog"))
    assert second.exit_code == 0, second.stderr
    assert {k: v[0] for k, v in store_files(store).items() if "snapshot" in k} == snap
    changes = json.loads(second.stdout)["changes"]
    assert changes["added"] == changes["removed"] == changes["updated"] == 0 and changes["unchanged"] > 0
