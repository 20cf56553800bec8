"""Harvest on compact forms: snapshots and entity hashes from canonical N-Triples, and stores written by an older
definition of the hash keep reporting only real changes."""

from __future__ import annotations

import json

from rdflib import Graph
from rdflib.compare import isomorphic

from ena_grunddata.load import Document, parse_document

CATALOG = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://e.se/cat> a dcat:Catalog ; dcat:dataset <https://e.se/d1>, <https://e.se/d2>, <https://e.se/d3> .
<https://e.se/d1> a dcat:Dataset ; dcterms:title "Ett"@sv ; dcat:contactPoint [ vcard:fn "Kontakt" ] ;
    dcat:distribution <https://e.se/d1/csv> .
<https://e.se/d1/csv> a dcat:Distribution ; dcat:byteSize "0012"^^xsd:decimal .
<https://e.se/d2> a dcat:Dataset ; dcterms:title "Två"@sv ; dcterms:temporal [ a dcterms:PeriodOfTime ;
    dcat:startDate "2020-01-01T00:00:00.000+00:00"^^xsd:dateTime ] .
<https://e.se/d3> a dcat:Dataset ; dcterms:title "Tre"@sv .
"""


def harvest(run_cli, store, source) -> dict:
    result = run_cli("harvest", "--store", store, "--format", "json", source)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_snapshot_is_the_catalog_with_every_lexical_form(tmp_path, run_cli):
    # 18 statements: catalog 4, d1 4 + contact 1 + distribution 2, d2 3 + period 2, d3 2
    source = tmp_path / "catalog.ttl"
    source.write_text(CATALOG, encoding="utf-8")
    report = harvest(run_cli, tmp_path / "store", source)
    assert report["sources"][0]["counts"] == {"triples": 18, "entities": 5, "catalogs": 1, "datasets": 3,
                                              "services": 0, "distributions": 1}
    snapshot = next((tmp_path / "store").glob("sources/*/snapshot.nt")).read_bytes()
    assert b'"0012"^^<http://www.w3.org/2001/XMLSchema#decimal>' in snapshot
    assert b'"2020-01-01T00:00:00.000+00:00"^^' in snapshot
    lines = snapshot.decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines)) == 18
    expected = parse_document(Document("c.ttl", CATALOG.encode(), "turtle", "https://e.se/"))
    assert isomorphic(Graph().parse(data=snapshot.decode("utf-8"), format="nt"), expected)


def test_a_store_with_hashes_of_an_older_definition_reports_no_false_changes(tmp_path, run_cli):
    source = tmp_path / "catalog.ttl"
    source.write_text(CATALOG, encoding="utf-8")
    store = tmp_path / "store"
    harvest(run_cli, store, source)
    folder = next(store.glob("sources/*"))
    meta = json.loads((folder / "meta.json").read_text())
    good = json.loads((folder / "entities.json").read_text())
    del meta["hash_version"]  # as written before the hash definition changed
    (folder / "meta.json").write_text(json.dumps(meta))
    (folder / "entities.json").write_text(json.dumps({iri: "0" * 64 for iri in good}))
    report = harvest(run_cli, store, source)
    assert report["changes"]["updated"] == 0 and report["changes"]["unchanged"] == 5
    assert json.loads((folder / "entities.json").read_text()) == good  # rewritten with today's definition
    source.write_text(CATALOG.replace('"Tre"@sv', '"Tre (ändrad)"@sv'), encoding="utf-8")
    report = harvest(run_cli, store, source)
    assert report["changes"]["updatedURIs"] == ["https://e.se/d3"] and report["changes"]["unchanged"] == 4


def test_a_change_inside_an_embedded_blank_node_updates_only_its_dataset(tmp_path, run_cli):
    source = tmp_path / "catalog.ttl"
    source.write_text(CATALOG, encoding="utf-8")
    store = tmp_path / "store"
    harvest(run_cli, store, source)
    source.write_text(CATALOG.replace('"2020-01-01T00:00:00.000+00:00"', '"2021-01-01T00:00:00.000+00:00"'),
                      encoding="utf-8")
    report = harvest(run_cli, store, source)
    assert report["changes"]["updatedURIs"] == ["https://e.se/d2"]
