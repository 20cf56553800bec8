"""publish into a real Oxigraph server (and into fake stores that fail): one named graph replaced, counts checked."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ena_grunddata import http
from ena_grunddata.load import Document, parse_document
from ena_grunddata.namespaces import DCAT, DCTERMS
from oxigraph_fixture import oxigraph_url  # noqa: F401  (session fixture)
from publish_data import CATALOG_IRI, CATALOG_TTL, answering_server, catalog_graph, swedish_title_in, write_catalog

# Oxigraph stores numbers and booleans by value ("01"^^xsd:integer comes back as "1"), so the graphs compared
# after a round trip through it use canonical lexical forms only.
CANONICAL_TTL = "\n".join(line for line in CATALOG_TTL.splitlines() if not line.strip().startswith("ex:"))
OTHER_GRAPH = "https://data.example.se/graf/annan"
SECRET = "hemligt-Lösen-4711"


def graph_in_store(store: str, graph_iri: str) -> Graph:
    response = http.request("GET", f"{store}/store?graph={quote(graph_iri, safe='')}",
                            accept="application/n-triples", allow_private=True, retries=0)
    if response.status == 404:
        return Graph()
    assert response.status == 200
    return parse_document(Document(name="store", data=response.content, format="ntriples",
                                   base="https://x.invalid/"))


def run_publish(run_cli, *args):
    # These tests are about the store; the gate before it (validation, placeholders) is tested in test_gate.py.
    return run_cli("publish", *args, "--allow-private", "--no-validate")


def test_publish_replaces_only_its_named_graph(tmp_path, run_cli, oxigraph_url):  # noqa: F811
    other = write_catalog(tmp_path, CANONICAL_TTL.replace("Badplatser", "Annan graf"), name="other.ttl")
    assert run_publish(run_cli, other, "--to", oxigraph_url, "--graph", OTHER_GRAPH).exit_code == 0
    other_before = graph_in_store(oxigraph_url, OTHER_GRAPH)
    assert len(other_before) > 0

    first = write_catalog(tmp_path, CANONICAL_TTL)
    result = run_publish(run_cli, first, "--to", oxigraph_url)
    assert result.exit_code == 0, result.stderr
    expected = catalog_graph(CANONICAL_TTL)
    assert f"published {len(expected)} triples to graph <{CATALOG_IRI}>" in result.stdout
    assert f"the store now holds {len(expected)} triples in that graph" in result.stdout
    stored = graph_in_store(oxigraph_url, CATALOG_IRI)
    assert isomorphic(stored, expected) and swedish_title_in(stored)

    smaller_text = CANONICAL_TTL.replace("dcat:dataset <https://data.example.se/dataset/fastighet>,", "dcat:dataset")
    smaller = write_catalog(tmp_path, smaller_text, name="smaller.ttl")
    result = run_publish(run_cli, smaller, "--to", oxigraph_url, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["counted_triples"] == report["sent_triples"] == len(catalog_graph(smaller_text))
    assert report["method"] == "gsp" and report["status"] in (200, 204)
    assert isomorphic(graph_in_store(oxigraph_url, CATALOG_IRI), catalog_graph(smaller_text))  # replaced, not merged
    assert isomorphic(graph_in_store(oxigraph_url, OTHER_GRAPH), other_before)  # untouched


def test_sparql_update_path_and_fallback(tmp_path, run_cli, oxigraph_url):  # noqa: F811
    source = write_catalog(tmp_path, CANONICAL_TTL)
    graph_iri = "https://data.example.se/graf/uppdatering"
    result = run_publish(run_cli, source, "--to", oxigraph_url, "--graph", graph_iri, "--method", "update")
    assert result.exit_code == 0, result.stderr
    assert "POST (SPARQL Update)" in result.stdout
    assert isomorphic(graph_in_store(oxigraph_url, graph_iri), catalog_graph(CANONICAL_TTL))
    # Oxigraph has no /data: the fuseki layout's PUT gets 404, and auto falls back to /update (also at the root).
    changed = write_catalog(tmp_path, CANONICAL_TTL.replace("Badplatser", "Badplatser vid Vättern"), name="c.ttl")
    result = run_publish(run_cli, changed, "--to", oxigraph_url, "--graph", graph_iri, "--store-layout", "fuseki",
                         "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["method"] == "update"
    stored = graph_in_store(oxigraph_url, graph_iri)
    assert (None, DCTERMS.title, Literal("Badplatser vid Vättern", lang="sv")) in stored
    assert (None, DCTERMS.title, Literal("Badplatser", lang="sv")) not in stored


def test_lexical_forms_are_sent_as_written(tmp_path, run_cli):
    # What reaches the store is exactly the source's statements (a fake store records the body).
    with answering_server(500) as server:
        result = run_publish(run_cli, write_catalog(tmp_path), "--to", server.url, "--retries", "0")
    bodies = server.bodies
    assert result.exit_code == 3
    sent = parse_document(Document(name="sent", data=bodies[0], format="ntriples", base="https://x.invalid/"))
    assert isomorphic(sent, catalog_graph())
    assert b'"01"^^<http://www.w3.org/2001/XMLSchema#integer>' in bodies[0]
    assert "Åre och Östersund".encode("utf-8") in bodies[0]


def test_dry_run_sends_nothing(tmp_path, run_cli):
    with answering_server(204) as server:
        result = run_publish(run_cli, write_catalog(tmp_path), "--to", server.url, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("dry run: would PUT") and "nothing was sent" in result.stdout
    assert server.hits == []


@pytest.mark.parametrize("status, words", [
    (401, "authentication failed for"),
    (403, "authentication failed for"),
    (500, "HTTP 500 Internal Server Error"),
    (413, "bytes as too large"),
])
@pytest.mark.parametrize("credentials", ["basic", "bearer"])
def test_store_failures_give_one_line_and_no_secret(tmp_path, run_cli, monkeypatch, status, words, credentials):
    if credentials == "basic":
        monkeypatch.setenv("ENA_GRUNDDATA_USER", "publisher")
        monkeypatch.setenv("ENA_GRUNDDATA_PASSWORD", SECRET)
    else:
        monkeypatch.setenv("ENA_GRUNDDATA_TOKEN", SECRET)
    echo = f"denied: you sent {SECRET}".encode("utf-8")  # a server that echoes what it got
    with answering_server(status, echo) as server:
        result = run_publish(run_cli, write_catalog(tmp_path), "--to", server.url, "--retries", "0")
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {server.url}/store?graph=") and words in lines[0]
    assert SECRET not in result.stdout + result.stderr
    assert [method for method, _ in server.hits] == ["PUT"]  # 401/403/413/500 are not a missing GSP endpoint
    assert all("?graph=" in path for _, path in server.hits)


def test_server_errors_are_retried_for_put(tmp_path, run_cli):
    with answering_server(503) as server:
        started = time.monotonic()
        result = run_publish(run_cli, write_catalog(tmp_path), "--to", server.url, "--retries", "1")
    assert result.exit_code == 3 and "HTTP 503" in result.stderr
    assert len(server.hits) == 2 and time.monotonic() - started < 10


def test_a_sparql_update_is_never_retried(tmp_path, run_cli):
    with answering_server(503) as server:
        result = run_publish(run_cli, write_catalog(tmp_path), "--to", server.url, "--method", "update",
                             "--retries", "2")
    assert result.exit_code == 3 and "HTTP 503" in result.stderr
    assert server.hits == [("POST", "/update")]
    assert server.bodies[0].startswith(b"DROP SILENT GRAPH <https://data.example.se/katalog> ;\nINSERT DATA {")


@pytest.mark.parametrize("args, message", [
    (["--graph", "https://x.se/a>b"], "--graph must be an absolute IRI"),
    (["--graph", "https://x.se/a}b"], "--graph must be an absolute IRI"),
    (["--graph", "relative/graph"], "--graph must be an absolute IRI"),
])
def test_unsafe_graph_names_are_refused_before_any_request(tmp_path, run_cli, args, message):
    with answering_server(204) as server:
        result = run_publish(run_cli, write_catalog(tmp_path), "--to", server.url, *args)
    assert result.exit_code == 2 and message in result.stderr and server.hits == []


@pytest.mark.parametrize("text, message", [
    ("<https://x.se/a> <https://x.se/p> <rel/ative> .", "relative IRI"),
    ("<https://x.se/a> <https://x.se/p> <https://x.se/a}b> .", "invalid IRI"),
    ('<https://x.se/a> <https://x.se/p> <https://x.se/a\\u003Eb> .', "invalid IRI"),
    ('<https://x.se/a> <https://x.se/p> <https://x.se/a\\u000Ab> .', "invalid IRI"),
])
def test_unsafe_data_is_refused_before_any_request(tmp_path, run_cli, text, message):
    bad = write_catalog(tmp_path, text, name="bad.ttl")
    with answering_server(204) as server:
        result = run_publish(run_cli, bad, "--to", server.url, "--graph", "https://x.se/g")
    assert result.exit_code == 2 and message in result.stderr and server.hits == []


def test_loopback_needs_allow_private(tmp_path, run_cli):
    with answering_server(204) as server:
        result = run_cli("publish", write_catalog(tmp_path), "--to", server.url)
    assert result.exit_code == 3 and "--allow-private" in result.stderr and server.hits == []


def test_the_graph_must_be_named_when_there_is_no_single_catalog(tmp_path, run_cli):
    two = CANONICAL_TTL + f"\n<https://data.example.se/katalog2> a <{DCAT.Catalog}> .\n"
    with answering_server(204) as server:
        result = run_publish(run_cli, write_catalog(tmp_path, two), "--to", server.url)
    assert result.exit_code == 2 and "--graph" in result.stderr and server.hits == []


def test_a_few_thousand_triples(tmp_path, run_cli, oxigraph_url):  # noqa: F811
    graph = Graph()
    catalog = URIRef("https://data.example.se/stor-katalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    for number in range(500):
        dataset = URIRef(f"https://data.example.se/stor/{number}")
        graph.add((catalog, DCAT.dataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.title, Literal(f"Datamängd nr {number} — åäö", lang="sv")))
        graph.add((dataset, DCTERMS.description, Literal(f"Beskrivning {number}: Örebro, Gävle, Malmö", lang="sv")))
        for part in range(4):
            graph.add((dataset, DCTERMS.relation, URIRef(f"https://data.example.se/stor/{number}/del/{part}")))
    source = tmp_path / "big.nt"
    source.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    started = time.monotonic()
    result = run_publish(run_cli, source, "--to", oxigraph_url, "--format", "json")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["counted_triples"] == len(graph) == 4001
    assert elapsed < 30
    assert isomorphic(graph_in_store(oxigraph_url, str(catalog)), graph)


def test_verify_content_catches_a_store_that_rewrites_literals(tmp_path, run_cli, oxigraph_url):  # noqa: F811
    graph_iri = "https://data.example.se/graf/innehall"
    canonical = write_catalog(tmp_path, CANONICAL_TTL, name="canonical.ttl")
    result = run_publish(run_cli, canonical, "--to", oxigraph_url, "--graph", graph_iri, "--verify", "content")
    assert result.exit_code == 0, result.stderr  # Swedish text and everything else came back exactly
    # Oxigraph stores "01"^^xsd:integer by value and gives back "1": counts agree, content does not.
    written = write_catalog(tmp_path)
    assert run_publish(run_cli, written, "--to", oxigraph_url, "--graph", graph_iri).exit_code == 0
    result = run_publish(run_cli, written, "--to", oxigraph_url, "--graph", graph_iri, "--verify", "content")
    assert result.exit_code == 3
    line = result.stderr.strip()
    assert "verification failed:" in line and "came back different" in line and "\n" not in line


@pytest.mark.parametrize("target, message", [
    ("ftp://127.0.0.1/store", "--to must be an http(s) URL"),
    ("http://127.0.0.1:1/store?graph=https://x.se/g", "without ?query"),
])
def test_the_store_url_is_checked(tmp_path, run_cli, target, message):
    result = run_publish(run_cli, write_catalog(tmp_path), "--to", target)
    assert result.exit_code == 2 and message in result.stderr
