"""ena-grunddata harvest against real HTTP servers on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from rdflib import Graph

from httpserver import LocalServer, Reply, fail_then, gzip_bomb, silent

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix ex: <https://example.se/> .
"""
TURTLE = "text/turtle; charset=utf-8"
FAST = ("--delay", "0", "--allow-private")


def catalog(*datasets: str, catalog_iri: str = "ex:cat", extra: str = "") -> str:
    body = PREFIXES + f"{catalog_iri} a dcat:Catalog ; dcterms:title \"Katalog\"@sv ; dcterms:publisher ex:org"
    body += "".join(f" ; dcat:dataset ex:{d}" for d in datasets) + " .\n"
    body += "ex:org a foaf:Agent ; foaf:name \"Myndigheten\" .\n"
    body += "".join(f"ex:{d} a dcat:Dataset ; dcterms:title \"{d}\"@sv ; dcterms:publisher ex:org .\n"
                    for d in datasets)
    return body + extra


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def harvest_json(run_cli, *args):
    result = run_cli("harvest", "--format", "json", *FAST, *args)
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else None
    return result, report


def snapshot(store: Path) -> Graph:
    files = list((store / "sources").glob("*/snapshot.nt"))
    assert len(files) == 1, files
    return Graph().parse(files[0], format="nt")


def snapshot_files(store: Path) -> dict:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted((store / "sources").rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------- document sources


def test_single_document_with_named_sub_catalog(server, run_cli, tmp_path):
    main = catalog("a", extra=f"ex:cat dcterms:hasPart <{server.url('/sub')}> .\n"
                              f"<{server.url('/sub')}> a dcat:Catalog .\n")
    sub = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <dcat:Catalog rdf:about="{server.url('/sub')}">
    <dcterms:title xml:lang="sv">Delkatalog</dcterms:title>
    <dcat:dataset><dcat:Dataset rdf:about="https://example.se/s1"><dcterms:title>S1</dcterms:title></dcat:Dataset>
    </dcat:dataset>
  </dcat:Catalog>
</rdf:RDF>"""
    server.add("/catalog", main, content_type=TURTLE)
    server.add("/sub", sub, content_type="application/rdf+xml")
    store = tmp_path / "store"
    result, report = harvest_json(run_cli, "--store", store, server.url("/catalog"))
    assert result.exit_code == 0, result.stderr
    source = report["sources"][0]
    assert source["status"] == "new"
    assert source["counts"]["datasets"] == 2 and source["counts"]["catalogs"] == 2
    assert sorted(report["changes"]["addedURIs"]) == sorted(
        ["https://example.se/cat", "https://example.se/org", "https://example.se/a", "https://example.se/s1",
         server.url("/sub")])
    assert server.count("/sub") == 1
    assert "application/rdf+xml" in server.requests_to("/catalog")[0].header("Accept")
    meta = json.loads(next((store / "sources").glob("*/meta.json")).read_text())
    assert meta["counts"]["datasets"] == 2 and meta["content_hash"].startswith("sha256:")


def test_sub_catalog_described_inline_is_not_fetched(server, run_cli, tmp_path):
    main = catalog("a", extra=f"ex:cat dcterms:hasPart <{server.url('/sub')}> .\n"
                              f"<{server.url('/sub')}> a dcat:Catalog ; dcterms:title \"Inline\" .\n")
    server.add("/catalog", main, content_type=TURTLE)
    result, _ = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/catalog"))
    assert result.exit_code == 0
    assert server.count("/sub") == 0


def hydra_page(n: int, next_url: str | None, *, literal=False, legacy=False) -> str:
    kind = "hydra:PagedCollection" if legacy else "hydra:PartialCollectionView"
    predicate = "hydra:nextPage" if legacy else "hydra:next"
    view = f"<?page={n}> a {kind}"
    if next_url:
        view += f' ; {predicate} ' + (f'"{next_url}"' if literal else f"<{next_url}>")
    return catalog(f"d{n}") + view + " ; hydra:itemsPerPage 1 .\n"


def test_three_page_hydra_catalog(server, run_cli, tmp_path):
    pages = {"1": hydra_page(1, server.url("/cat?page=2")),
             "2": hydra_page(2, server.url("/cat?page=3"), literal=True, legacy=True),
             "3": hydra_page(3, None)}
    server.add_handler("/cat", lambda request: Reply(200, pages[request.query.get("page", ["1"])[0]],
                                                     content_type=TURTLE))
    store = tmp_path / "store"
    result, report = harvest_json(run_cli, "--store", store, server.url("/cat"))
    assert result.exit_code == 0, result.stderr
    assert report["sources"][0]["pages"] == 3
    assert report["sources"][0]["counts"]["datasets"] == 3
    assert server.count("/cat") == 3
    graph = snapshot(store)
    assert not [t for t in graph if "hydra" in str(t[1]) or "hydra" in str(t[2])]


@pytest.mark.parametrize("chain", [["1", "2", "1"], ["1", "1"], ["1", "2", "3", "2"]])
def test_page_loop_detected(server, run_cli, tmp_path, chain):
    nexts = {chain[i]: chain[i + 1] for i in range(len(chain) - 1)}
    server.add_handler("/p", lambda request: Reply(
        200, hydra_page(int(request.query["page"][0]), server.url(f"/p?page={nexts[request.query['page'][0]]}")),
        content_type=TURTLE))
    result, report = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/p?page=1"))
    assert result.exit_code == 0, result.stderr
    assert server.count("/p") <= 4
    assert server.count("/p") == len(set(chain))
    assert any("page loop" in w for w in report["sources"][0]["warnings"])


def test_endless_paging_stops_at_max_pages(server, run_cli, tmp_path):
    server.add_handler("/p", lambda request: Reply(
        200, hydra_page(int(request.query["page"][0]),
                        server.url(f"/p?page={int(request.query['page'][0]) + 1}")), content_type=TURTLE))
    store = tmp_path / "store"
    result, report = harvest_json(run_cli, "--store", store, "--max-pages", "5", server.url("/p?page=1"))
    assert result.exit_code == 3
    assert "more than 5 pages" in result.stderr
    assert server.count("/p") == 5
    assert not list((store / "sources").iterdir())


def test_next_page_to_another_origin_refused(server, run_cli, tmp_path):
    with LocalServer() as other:
        other.add("/p2", catalog("x"), content_type=TURTLE)
        server.add("/p1", hydra_page(1, other.url("/p2")), content_type=TURTLE)
        result, _ = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/p1"))
        assert result.exit_code == 3
        assert "leaves the catalog's origin" in result.stderr
        assert other.count() == 0


def test_html_answer_is_not_parsed(server, run_cli, tmp_path):
    server.add("/catalog", "<html><body>Log in</body></html>", content_type="text/html")
    result, _ = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/catalog"))
    assert result.exit_code == 3
    assert "expected RDF, got text/html" in result.stderr


# ------------------------------------------------------------------------------------------- EntryStore


def entrystore_handler(entries: list[dict]):
    def handler(request):
        offset = int(request.query["offset"][0])
        limit = int(request.query["limit"][0])
        children = [{"entryId": str(i), "contextId": "7", "metadata": entries[i]}
                    for i in range(offset, min(offset + limit, len(entries)))]
        return Reply(200, json.dumps({"offset": offset, "limit": limit, "results": len(entries),
                                      "resource": {"children": children}}), content_type="application/json")

    return handler


def rdfjson_dataset(n: int, *, grunddata: bool = False, publisher: str = "https://example.se/org") -> dict:
    iri = f"https://example.se/ds{n}"
    description = {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": [{"type": "uri", "value": "http://www.w3.org/ns/dcat#Dataset"}],
        "http://purl.org/dc/terms/title": [{"type": "literal", "value": f"Data \"{n}\"\nrad två", "lang": "sv"}],
        "http://purl.org/dc/terms/publisher": [{"type": "uri", "value": publisher}],
        "http://www.w3.org/ns/dcat#contactPoint": [{"type": "bnode", "value": "_:c"}],
        "http://purl.org/dc/terms/issued": [{"type": "literal", "value": "2024-01-01",
                                             "datatype": "http://www.w3.org/2001/XMLSchema#date"}],
    }
    if grunddata:
        description["http://purl.org/dc/terms/subject"] = [
            {"type": "uri", "value": "https://www.dataportal.se/terminology/grunddata/fastighet"}]
    return {iri: description, "_:c": {"http://www.w3.org/2006/vcard/ns#fn": [{"type": "literal", "value": "Kontakt"}]}}


def test_entrystore_search_api(server, run_cli, tmp_path):
    entries = [rdfjson_dataset(n, grunddata=n % 50 == 0) for n in range(250)]
    server.add_handler("/store/search", entrystore_handler(entries))
    store = tmp_path / "store"
    result, report = harvest_json(run_cli, "--store", store, server.url("/store/search"))
    assert result.exit_code == 0, result.stderr
    assert report["sources"][0]["kind"] == "entrystore"
    assert report["sources"][0]["counts"]["datasets"] == 250
    hits = server.requests_to("/store/search")
    assert [h.query["offset"][0] for h in hits] == ["0", "100", "200"]
    assert all(h.query["sort"] == ["uri asc"] and h.query["limit"] == ["100"] and h.query["type"] == ["solr"]
               for h in hits)
    assert "dcat#Dataset" in hits[0].query["query"][0]
    graph = snapshot(store)
    titles = {str(o) for o in graph.objects(None, __import__("rdflib").DCTERMS.title)}
    assert 'Data "7"\nrad två' in titles
    assert len({o for s, p, o in graph if "contactPoint" in str(p)}) == 250  # one blank node per entry


def test_entrystore_grunddata_and_publisher_presets(server, run_cli, tmp_path):
    entries = [rdfjson_dataset(n, grunddata=n < 3, publisher=f"https://example.se/org{n % 2}") for n in range(10)]
    server.add_handler("/store/search", entrystore_handler(entries))
    result, report = harvest_json(run_cli, "--store", tmp_path / "a", "--query", "grunddata",
                                  server.url("/store/search"))
    assert result.exit_code == 0, result.stderr
    assert report["sources"][0]["counts"]["datasets"] == 3
    result, report = harvest_json(run_cli, "--store", tmp_path / "b", "--query",
                                  "publisher=https://example.se/org1", server.url("/store"), "--type", "entrystore")
    assert result.exit_code == 0, result.stderr
    assert report["sources"][0]["counts"]["datasets"] == 5


def test_entrystore_ignoring_offset_is_caught(server, run_cli, tmp_path):
    page = {"results": 1000, "resource": {"children": [{"metadata": rdfjson_dataset(1)}]}}
    server.add("/store/search", json.dumps(page), content_type="application/json")
    result, _ = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/store/search"))
    assert result.exit_code == 3
    assert "same entries" in result.stderr
    assert server.count() == 2


def test_entrystore_bad_iri_refused(server, run_cli, tmp_path):
    bad = {"https://example.se/a b": {"http://purl.org/dc/terms/title": [{"type": "literal", "value": "x"}]}}
    server.add_handler("/store/search", entrystore_handler([bad]))
    result, _ = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/store/search"))
    assert result.exit_code == 3
    assert "invalid IRI" in result.stderr


# ------------------------------------------------------------------------------------------- faults


def test_server_failing_twice_then_answering(server, run_cli, tmp_path):
    server.add_handler("/catalog", fail_then(2, Reply(200, catalog("a"), content_type=TURTLE)))
    result, report = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/catalog"))
    assert result.exit_code == 0, result.stderr
    assert server.count("/catalog") == 3
    assert report["sources"][0]["counts"]["datasets"] == 1


def test_second_harvest_is_conditional_and_unchanged(server, run_cli, tmp_path):
    body = catalog("a", "b")

    def handler(request):
        if request.header("If-None-Match") == '"v7"':
            return Reply(304, b"", {"ETag": '"v7"'})
        return Reply(200, body, {"ETag": '"v7"', "Last-Modified": "Fri, 27 Nov 2026 08:00:00 GMT"}, TURTLE)

    server.add_handler("/catalog", handler)
    store = tmp_path / "store"
    first, _ = harvest_json(run_cli, "--store", store, server.url("/catalog"))
    assert first.exit_code == 0
    before = snapshot_files(store)
    second, report = harvest_json(run_cli, "--store", store, server.url("/catalog"))
    assert second.exit_code == 0, second.stderr
    request = server.requests_to("/catalog")[1]
    assert request.header("If-None-Match") == '"v7"'
    assert request.header("If-Modified-Since") == "Fri, 27 Nov 2026 08:00:00 GMT"
    assert report["sources"][0]["status"] == "not-modified"
    assert report["changes"] == {"added": 0, "removed": 0, "updated": 0, "unchanged": 4, "addedURIs": [],
                                 "removedURIs": [], "updatedURIs": []}
    assert snapshot_files(store) == before


def test_unchanged_source_without_validators_gives_identical_snapshot(server, run_cli, tmp_path):
    server.add("/catalog", catalog("a") + "ex:a dcat:contactPoint [ a <http://www.w3.org/2006/vcard/ns#Kind> ] .\n",
               content_type=TURTLE)
    store = tmp_path / "store"
    harvest_json(run_cli, "--store", store, server.url("/catalog"))
    before = snapshot_files(store)
    result, report = harvest_json(run_cli, "--store", store, server.url("/catalog"))
    assert result.exit_code == 0
    assert report["sources"][0]["status"] == "unchanged"
    assert report["changes"]["unchanged"] == 3 and report["changes"]["updated"] == 0
    assert snapshot_files(store) == before


def test_too_slow_server(server, run_cli, tmp_path):
    server.add_handler("/catalog", silent(5))
    started = time.monotonic()
    result, _ = harvest_json(run_cli, "--store", tmp_path / "s", "--read-timeout", "1", "--retries", "0",
                             server.url("/catalog"))
    assert result.exit_code == 3
    assert "no answer within 1 s" in result.stderr
    assert time.monotonic() - started < 4


def test_too_much_data(server, run_cli, tmp_path):
    server.add("/big", catalog(*[f"d{n}" for n in range(200)]), content_type=TURTLE)
    server.add_handler("/bomb", lambda request: gzip_bomb(64 * 1024 * 1024))
    for path in ("/big", "/bomb"):
        result, _ = harvest_json(run_cli, "--store", tmp_path / "s", "--max-input-bytes", "10000",
                                 server.url(path))
        assert result.exit_code == 3
        assert "over the limit of 10,000 bytes" in result.stderr


def test_redirect_to_link_local_refused(server, run_cli, tmp_path):
    server.add("/catalog", "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    result, _ = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/catalog"))
    assert result.exit_code == 3
    assert "refused" in result.stderr and "link-local" in result.stderr


def test_credentials_from_config_not_forwarded_to_other_host(server, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CAT_TOKEN", "SECRET-TOKEN")
    monkeypatch.setenv("CAT_KEY", "SECRET-KEY")
    server.add("/catalog", "", status=302, headers={"Location": server.url("/moved", host="localhost")})
    server.add("/moved", catalog("a"), content_type=TURTLE)
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - name: cat\n    url: {server.url('/catalog')}\n    auth_env: CAT\n"
                      "    header_env: {X-Api-Key: CAT_KEY}\n")
    result, report = harvest_json(run_cli, "--store", tmp_path / "s", "--config", config)
    assert result.exit_code == 0, result.stderr
    assert report["sources"][0]["name"] == "cat"
    first, moved = server.requests_to("/catalog")[0], server.requests_to("/moved")[0]
    assert first.header("Authorization") == "Bearer SECRET-TOKEN" and first.header("X-Api-Key") == "SECRET-KEY"
    assert moved.header("Authorization") is None and moved.header("X-Api-Key") is None
    assert "SECRET" not in result.stdout + result.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "[::1]", "[::ffff:127.0.0.1]",
                                  "169.254.169.254", "0.0.0.0", "localhost"])
def test_address_guard_without_allow_private(server, run_cli, tmp_path, host):
    server.add("/catalog", catalog("a"), content_type=TURTLE)
    result = run_cli("harvest", "--store", tmp_path / "s", "--delay", "0", f"http://{host}:{server.port}/catalog")
    assert result.exit_code == 3
    assert "refused" in result.stderr
    assert server.count() == 0


def test_secrets_in_urls_never_printed(server, run_cli, tmp_path):
    server.add("/x", "no", status=404)
    result = run_cli("harvest", "--store", tmp_path / "s", *FAST, server.url("/x?token=SECRET2"),
                     f"http://user:SECRET@127.0.0.1:{server.port}/y")
    assert result.exit_code == 3
    assert "SECRET" not in result.stdout + result.stderr
    assert result.stderr.count("error: ") == 2
    assert server.count("/y") == 0


# ------------------------------------------------------------------------------------------- store safety


def test_server_stopped_mid_harvest_keeps_earlier_snapshots(run_cli, tmp_path):
    store = tmp_path / "store"
    with LocalServer() as stable, LocalServer() as paged:
        stable.add("/catalog", catalog("s1"), content_type=TURTLE)
        pages = {"1": hydra_page(1, paged.url("/cat?page=2")), "2": hydra_page(2, None)}
        paged.add_handler("/cat", lambda request: Reply(200, pages[request.query.get("page", ["1"])[0]],
                                                        content_type=TURTLE))
        first, _ = harvest_json(run_cli, "--store", store, stable.url("/catalog"), paged.url("/cat"))
        assert first.exit_code == 0, first.stderr
        before = snapshot_files(store)
        assert len(before) == 6  # snapshot.nt, entities.json, meta.json per source

        def page_then_die(request):
            if request.query.get("page", ["1"])[0] == "1":
                return Reply(200, hydra_page(1, paged.url("/cat?page=2")) + "ex:new a dcat:Dataset .\n",
                             content_type=TURTLE)
            import threading

            threading.Thread(target=paged.stop).start()
            request.handler.close_connection = True
            request.handler.connection.close()
            return None

        paged.add_handler("/cat", page_then_die)
        stable.add("/catalog", catalog("s1", "s2"), content_type=TURTLE)
        second, report = harvest_json(run_cli, "--store", store, "--retries", "1", paged.url("/cat"),
                                      stable.url("/catalog"))
    assert second.exit_code == 3
    errors = [line for line in second.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and paged.url("/cat") in errors[0]
    statuses = [s["status"] for s in report["sources"]]
    assert statuses == ["failed", "updated"]
    after = snapshot_files(store)
    paged_files = [p for p in before if "cat-" in p.parent.name and "catalog" not in p.parent.name]
    assert paged_files and all(after[p] == before[p] for p in paged_files)
    assert not [p for p in store.rglob("*") if p.name.endswith((".new", ".old", ".tmp"))]
    attempts = [json.loads(p.read_text()) for p in (store / "attempts").glob("*.json")]
    assert sorted(a["status"] for a in attempts) == ["failed", "updated"]


def test_shrink_is_held_back_until_accepted(server, run_cli, tmp_path):
    server.add("/catalog", catalog("a", "b", "c", "d"), content_type=TURTLE)
    store = tmp_path / "store"
    harvest_json(run_cli, "--store", store, server.url("/catalog"))
    before = snapshot_files(store)
    server.add("/catalog", PREFIXES + "ex:cat a dcat:Catalog .\n", content_type=TURTLE)
    result, report = harvest_json(run_cli, "--store", store, server.url("/catalog"))
    assert result.exit_code == 3
    assert "--accept-shrink" in result.stderr
    assert report["sources"][0]["status"] == "shrink-refused"
    assert report["sources"][0]["changes"]["removed"] == 5
    assert snapshot_files(store) == before
    result, report = harvest_json(run_cli, "--store", store, "--accept-shrink", server.url("/catalog"))
    assert result.exit_code == 0
    assert report["sources"][0]["status"] == "updated"
    assert len(snapshot(store)) == 1


def test_text_report_and_local_folder(run_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.ttl").write_text(catalog("a"))
    (folder / "b.ttl").write_text(PREFIXES + "ex:b a dcat:Dataset .\n")
    result = run_cli("harvest", "--store", tmp_path / "s", folder)
    assert result.exit_code == 0, result.stderr
    assert "NEW" in result.stdout and "added 4" in result.stdout
    assert "total: 1 sources (0 failed)" in result.stdout


def test_local_input_error_exits_2_and_other_sources_still_run(run_cli, tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text(catalog("a"))
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "ex:a a dcat:Dataset ; dcterms:title ex:x ex:y .\n")
    result, report = harvest_json(run_cli, "--store", tmp_path / "s", bad, good)
    assert result.exit_code == 2
    assert [s["status"] for s in report["sources"]] == ["failed", "new"]
    assert "bad.ttl:6" in result.stderr


def test_config_errors(run_cli, tmp_path):
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - url: https://example.se/x\n    colour: blue\n")
    result = run_cli("harvest", "--config", config)
    assert result.exit_code == 2
    assert "unknown key(s): colour" in result.stderr
    result = run_cli("harvest")
    assert result.exit_code == 2


@pytest.mark.parametrize("text, named", [
    # a source setting written at the top level: it would have been ignored, and the shrink guard run as default
    ("shrink-threshold: 2\nsources:\n  - https://example.se/x\n", "unknown top-level key(s): shrink_threshold"),
    ("stor: ./s\nsources:\n  - https://example.se/x\n", "unknown top-level key(s): stor"),
    ("defaults: {max_pagez: 3}\nsources:\n  - https://example.se/x\n", "defaults: unknown key(s): max_pagez"),
])
def test_config_keys_that_are_not_known_are_refused_not_ignored(run_cli, tmp_path, text, named):
    """Every key of a sources file means something or is refused in one line naming the file (issue #16)."""
    config = tmp_path / "sources.yaml"
    config.write_text(text)
    result = run_cli("harvest", "--config", config, "--store", tmp_path / "s")
    assert result.exit_code == 2, result.stderr
    assert named in result.stderr and str(config) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_top_level_settings_are_taken(run_cli, tmp_path, server):
    server.add("/catalog", catalog("a"), content_type=TURTLE)
    config = tmp_path / "sources.yaml"
    config.write_text(f"store: {tmp_path / 'from-file'}\ndelay: 0\nsources:\n  - {server.url('/catalog')}\n")
    result = run_cli("harvest", "--config", config, "--allow-private")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "from-file").is_dir()


def test_validate_summary_per_source_and_publisher(server, run_cli, tmp_path):
    server.add("/catalog", catalog("a"), content_type=TURTLE)
    result, report = harvest_json(run_cli, "--store", tmp_path / "s", "--validate", server.url("/catalog"))
    validation = report["sources"][0]["validation"]
    assert validation["summary"]["violation"] > 0
    assert result.exit_code == 1
    publishers = {row["publisher"]: row for row in validation["publishers"]}
    assert publishers["https://example.se/org"]["name"] == "Myndigheten"
    assert sum(row["violation"] for row in publishers.values()) == validation["summary"]["violation"]


def test_config_file_with_store_defaults_and_named_sources(server, run_cli, tmp_path, monkeypatch):
    server.add("/catalog", catalog("a", "b"), content_type=TURTLE)
    local = tmp_path / "local.ttl"
    local.write_text(catalog("c", catalog_iri="ex:cat2"))
    config = tmp_path / "sources.yaml"
    config.write_text(f"""store: {tmp_path / 'configured-store'}
delay: 0
defaults:
  max_pages: 3
sources:
  - name: remote one
    url: {server.url('/catalog')}
  - name: local
    path: {local}
    type: file
""")
    monkeypatch.chdir(tmp_path)
    result, report = harvest_json(run_cli, "--config", config)
    assert result.exit_code == 0, result.stderr
    assert [s["name"] for s in report["sources"]] == ["remote one", "local"]
    folders = sorted(p.name for p in (tmp_path / "configured-store" / "sources").iterdir())
    assert folders == ["local", "remote-one"]
    assert report["changes"]["added"] == 7  # cat, org, a, b + cat2, org (again, its own source), c


def test_store_refuses_a_folder_that_is_not_a_store(run_cli, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    catalog_file = tmp_path / "c.ttl"
    catalog_file.write_text(catalog("a"))
    result = run_cli("harvest", "--store", tmp_path, catalog_file)
    assert result.exit_code == 2
    assert "not a harvest store" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.ttl", "notes.txt"]


RDFXML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#">
  <dcat:Dataset rdf:about="https://example.se/x"/>
</rdf:RDF>"""
JSONLD = json.dumps({"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@id": "https://example.se/x",
                     "@type": "dcat:Dataset"})
NTRIPLES = "<https://example.se/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " \
           "<http://www.w3.org/ns/dcat#Dataset> .\n"


@pytest.mark.parametrize("content_type, body", [
    ("application/octet-stream", PREFIXES + "ex:x a dcat:Dataset .\n"),
    (None, RDFXML),
    ("application/ld+json", JSONLD),
    ("text/plain", NTRIPLES),
    ("application/rdf+xml; charset=utf-8", RDFXML),
])
def test_format_from_content_type_or_content(server, run_cli, tmp_path, content_type, body):
    server.add("/catalog", body, content_type=content_type)
    result, report = harvest_json(run_cli, "--store", tmp_path / "s", server.url("/catalog"))
    assert result.exit_code == 0, result.stderr
    assert report["changes"]["addedURIs"] == ["https://example.se/x"]
