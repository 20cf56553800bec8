"""publish on both real stores: Graph Store Protocol and SPARQL Update paths, --verify content.

Oxigraph (tests/oxigraph_fixture.py) and Virtuoso (tests/virtuoso_fixture.py; Debian's virtuoso-opensource-7,
always present in CI). Blank nodes go through both paths (Virtuoso refuses them in INSERT DATA: its layout sends
an INSERT template). A literal Virtuoso rewrites (a GeoSPARQL wktLiteral) is caught by --verify content.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ena_grunddata import http
from ena_grunddata.load import load
from ena_grunddata.publish.store import endpoints_for

from oxigraph_fixture import oxigraph_url  # noqa: F401  (session fixture)
from virtuoso_fixture import virtuoso_url  # noqa: F401  (session fixture)

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = [ROOT / "examples" / "grunddata" / "valid" / "person-navet.ttl",
            ROOT / "examples" / "grunddata" / "invalid" / "person-blank-node.ttl"]


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request):
    return request.getfixturevalue(f"{request.param}_url"), request.param


def stored(url: str, layout: str, graph: str) -> Graph:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = http.request("GET", f"{endpoints_for(url, layout).query}?{urlencode({'query': query})}",
                            accept="application/n-triples", allow_private=True)
    assert response.status == 200, response.content[:200]
    return Graph().parse(data=response.content.decode("utf-8"), format="nt")


@pytest.mark.parametrize("method", ["gsp", "update"])
@pytest.mark.parametrize("source", CATALOGS, ids=lambda p: p.stem)
def test_publish_and_verify_content(store, method, source, run_cli):
    url, layout = store
    graph = f"urn:ena-test:publish:{method}:{source.stem}"
    for _ in range(2):  # the second run replaces, never merges
        result = run_cli("publish", source, "--to", url, "--store-layout", layout, "--graph", graph, "--method",
                         method, "--verify", "content", "--allow-private", "--format", "json", "--no-validate")
        assert result.exit_code == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["method"] == method
        assert answer["counted_triples"] == answer["sent_triples"] == len(load([str(source)]).graph)
    assert isomorphic(stored(url, layout, graph), load([str(source)]).graph)


def test_verify_content_catches_virtuosos_rewritten_geometry(virtuoso_url, run_cli, tmp_path):  # noqa: F811
    source = tmp_path / "geo.ttl"
    source.write_text(
        "@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "<https://example.se/cat> a dcat:Catalog ; dcterms:spatial [ dcat:centroid "
        '"POINT(16.5 62.4)"^^<http://www.opengis.net/ont/geosparql#wktLiteral> ] .\n', encoding="utf-8")
    result = run_cli("publish", source, "--to", virtuoso_url, "--store-layout", "virtuoso", "--graph",
                     "urn:ena-test:geo", "--verify", "content", "--allow-private", "--no-validate")
    assert result.exit_code == 3, result.output
    assert "came back different" in result.stderr and "POINT(16.5 62.4)" in result.stderr
