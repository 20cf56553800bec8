"""Round two, defects found by reading the harvest code (issue #16): the shrink guard holds when the store's
meta.json is corrupt or unreadable, and a server that answers 304 to a first, unconditional request is a remote
failure, not an internal error."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from hostile_support import assert_error
from httpserver import LocalServer

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.se/> .
"""
TURTLE = "text/turtle; charset=utf-8"


def catalog(*datasets: str) -> str:
    body = PREFIXES + 'ex:cat a dcat:Catalog ; dcterms:title "Katalog"@sv'
    body += "".join(f" ; dcat:dataset ex:{d}" for d in datasets) + " .\n"
    return body + "".join(f'ex:{d} a dcat:Dataset ; dcterms:title "{d}"@sv .\n' for d in datasets)


def snapshots(store: Path) -> dict:
    return {str(p.relative_to(store)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(store.rglob("snapshot.nt"))}


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.mark.parametrize("damage", ["garbage", "empty", "not-an-object", "counts-missing", "counts-wrong-type",
                                    "deleted", "a-folder", "nested-deep"])
def test_a_corrupt_meta_json_does_not_skip_the_shrink_guard(server, cli_run, tmp_path, damage):
    store = tmp_path / "store"
    server.add("/catalog", catalog(*[f"d{i}" for i in range(10)]), content_type=TURTLE)
    url = server.url("/catalog")
    assert cli_run("harvest", "--store", store, "--delay", "0", "--allow-private", url).exit_code == 0
    (meta,) = store.glob("sources/*/meta.json")
    if damage == "garbage":
        meta.write_bytes(b"\xff{not json")
    elif damage == "empty":
        meta.write_bytes(b"")
    elif damage == "not-an-object":
        meta.write_text("[1, 2]")
    elif damage == "counts-missing":
        meta.write_text('{"source": "x"}')
    elif damage == "counts-wrong-type":
        meta.write_text('{"counts": {"triples": "many", "entities": null}}')
    elif damage == "deleted":
        meta.unlink()
    elif damage == "nested-deep":  # json.loads raised RecursionError: exit 70
        meta.write_text("[" * 200_000 + "]" * 200_000)
    else:
        meta.unlink()
        meta.mkdir()
    before = snapshots(store)
    server.add("/catalog", catalog(), content_type=TURTLE)  # 21 triples down to 2
    run = cli_run("harvest", "--store", store, "--delay", "0", "--allow-private", url)
    assert_error(run, 3, "--accept-shrink")
    assert snapshots(store) == before


def test_a_304_to_the_very_first_request_is_a_remote_error(server, cli_run, tmp_path):
    server.add("/catalog", b"", status=304)
    run = cli_run("harvest", "--store", tmp_path / "store", "--delay", "0", "--allow-private",
                  server.url("/catalog"))
    assert_error(run, 3, "304")
    assert not list((tmp_path / "store").glob("sources/*/snapshot.nt"))


def test_deep_entity_hashes_are_recomputed(server, cli_run, tmp_path):
    """entities.json nested deep enough to exhaust Python's recursion is unreadable like any corrupt file: the
    hashes are recomputed from the snapshot (json.loads raised RecursionError: exit 70)."""
    store = tmp_path / "store"
    server.add("/catalog", catalog("a", "b"), content_type=TURTLE)
    url = server.url("/catalog")
    assert cli_run("harvest", "--store", store, "--delay", "0", "--allow-private", url).exit_code == 0
    (hashes,) = store.glob("sources/*/entities.json")
    hashes.write_text("[" * 200_000 + "]" * 200_000)
    server.add("/catalog", catalog("a", "b", "c"), content_type=TURTLE)
    run = cli_run("harvest", "--store", store, "--delay", "0", "--allow-private", "-f", "json", url)
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["changes"]["added"] == 1  # dataset c: a and b are unchanged
