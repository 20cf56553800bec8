"""The quality score, point by point, on hand-made metadata (docs/quality-score.md is the table checked here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph

from ena_grunddata.report import Finding, Report
from ena_grunddata.validation.score import CHECKS, DIMENSIONS, MAX_POINTS, format_code, rating, render_score_text, score

DOCS = Path(__file__).resolve().parent.parent / "docs" / "quality-score.md"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.se/> .
"""
FULL = PREFIXES + """
ex:catalog a dcat:Catalog ; dcat:dataset ex:full, ex:empty .
ex:full a dcat:Dataset ; dcterms:title "Full"@sv ;
    dcat:keyword "väg"@sv ; dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TRAN> ;
    dcterms:spatial <http://sws.geonames.org/2661886/> ; dcterms:temporal ex:period ;
    dcterms:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dcat:contactPoint ex:contact ; dcterms:publisher ex:agency ;
    dcterms:issued "2024-01-01"^^xsd:date ; dcterms:modified "2024-02-01"^^xsd:date ;
    dcat:distribution ex:csv .
ex:csv a dcat:Distribution ;
    dcat:accessURL ex:files ; dcat:downloadURL <https://example.se/files/vag.csv> ;
    dcterms:format "text/csv" ; dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ; dcterms:rights ex:rights ;
    dcat:byteSize "1024"^^xsd:nonNegativeInteger .
ex:empty a dcat:Dataset .
"""


def scores_of(data: str, report: Report | None = None):
    return score(Graph().parse(data=data, format="turtle"), report or Report(findings=[]))


def by_resource(scores):
    return {entry.resource.rsplit("/", 1)[-1]: entry for entry in scores.datasets}


def test_a_complete_dataset_gets_every_point_and_an_empty_one_only_conformity():
    datasets = by_resource(scores_of(FULL))
    assert MAX_POINTS == 405
    assert datasets["full"].total == 405 and datasets["full"].rating == "excellent"
    assert datasets["empty"].points == {c.key: (30.0 if c.key == "conformity" else 0.0) for c in CHECKS}
    assert datasets["empty"].rating == "bad"


def test_catalog_score_is_the_mean_of_its_datasets():
    catalog = scores_of(FULL).catalogs[0]
    assert catalog.total == round((405 + 30) / 2, 1) and catalog.rating == "sufficient"
    assert catalog.to_dict()["datasets"] == ["https://example.se/empty", "https://example.se/full"]


def test_a_violation_on_the_dataset_or_its_distribution_costs_the_conformity_points():
    for focus in ("https://example.se/full", "https://example.se/csv"):
        report = Report([Finding("X", "violation", focus)])
        assert by_resource(scores_of(FULL, report))["full"].points["conformity"] == 0
    warning = Report([Finding("X", "warning", "https://example.se/full")])
    assert by_resource(scores_of(FULL, warning))["full"].points["conformity"] == 30
    unrelated = Report([Finding("X", "violation", "https://example.se/elsewhere")])
    assert by_resource(scores_of(FULL, unrelated))["full"].points["conformity"] == 30
    assert by_resource(score(Graph().parse(data=FULL, format="turtle"), None))["full"].points["conformity"] == 0


def test_distribution_points_are_shared_by_the_distributions():
    data = PREFIXES + """
ex:half a dcat:Dataset ; dcat:distribution ex:a, ex:b .
ex:a a dcat:Distribution ; dcat:downloadURL <https://example.se/a.csv> ; dcterms:byteSize "1" .
ex:b a dcat:Distribution ; dcat:accessURL <https://example.se/b> .
"""
    points = by_resource(scores_of(data))["half"].points
    assert points["download_url"] == 25 and points["access_url"] == 25
    assert points["byte_size"] == 0  # dcterms:byteSize is not dcat:byteSize


@pytest.mark.parametrize("value,machine,open_format,vocabulary", [
    ('"text/csv"', True, True, True),  # a notation in the media-type vocabulary
    ("<http://publications.europa.eu/resource/authority/file-type/CSV>", True, True, True),
    ("<http://publications.europa.eu/resource/authority/file-type/XLSX>", True, False, True),
    ('"application/pdf"', False, True, True),
    ('"application/x-made-up"', False, False, False),
])
def test_format_checks(value, machine, open_format, vocabulary):
    data = PREFIXES + f"""
ex:d a dcat:Dataset ; dcat:distribution ex:x .
ex:x a dcat:Distribution ; dcterms:format {value} .
"""
    points = by_resource(scores_of(data))["d"].points
    assert points["format"] == 20
    assert (points["machine_readable"], points["non_proprietary"], points["format_vocabulary"]) == (
        20 * machine, 20 * open_format, 10 * vocabulary)


def test_licence_and_access_rights_vocabularies():
    data = PREFIXES + """
ex:known a dcat:Dataset ; dcat:distribution ex:k ;
    dcterms:accessRights <http://publications.europa.eu/resource/authority/access-right/RESTRICTED> .
ex:k a dcat:Distribution ; dcterms:license <http://creativecommons.org/licenses/by/4.0/> .
ex:own a dcat:Dataset ; dcat:distribution ex:o ; dcterms:accessRights ex:ourRules .
ex:o a dcat:Distribution ; dcterms:license ex:ourLicence .
"""
    datasets = by_resource(scores_of(data))
    assert [datasets["known"].points[k] for k in ("license", "license_vocabulary", "access_rights",
                                                   "access_rights_vocabulary")] == [20, 10, 10, 5]
    assert [datasets["own"].points[k] for k in ("license", "license_vocabulary", "access_rights",
                                                 "access_rights_vocabulary")] == [20, 0, 10, 0]


def test_empty_literals_do_not_count():
    data = PREFIXES + 'ex:d a dcat:Dataset ; dcat:keyword "  " ; dcterms:issued "2024-01-01" .\n'
    points = by_resource(scores_of(data))["d"].points
    assert (points["keyword"], points["issued"]) == (0, 5)


def test_rating_bands_and_format_codes():
    assert [rating(p) for p in (405, 351, 350, 221, 220, 121, 120, 0)] == [
        "excellent", "excellent", "good", "good", "sufficient", "sufficient", "bad", "bad"]
    assert format_code("text/csv+zip") == "text/csv"
    assert format_code("<https://www.iana.org/assignments/media-types/application/json>".strip("<>")) == \
        "application/json"


def test_dimensions_add_up():
    entry = by_resource(scores_of(FULL))["full"]
    assert sum(entry.dimension(d)[1] for d in DIMENSIONS) == MAX_POINTS
    assert [entry.dimension(d)[1] for d in DIMENSIONS] == [100, 100, 110, 75, 20]


def test_text_in_swedish_lists_what_is_missing():
    text = render_score_text(scores_of(FULL), "sv")
    assert "405/405 utmärkt" in text
    assert "saknas: nyckelord (dcat:keyword) (-30)" in text
    assert "katalog https://example.se/catalog  217.5/405 tillräcklig (medel av 2 datamängder)" in text


@pytest.mark.parametrize("lang, words", [("en", "(mean of 1 dataset)"), ("sv", "(medel av 1 datamängd)")])
def test_a_catalog_of_one_dataset_says_so_in_the_singular(lang, words):
    one = FULL.replace("dcat:dataset ex:full, ex:empty .", "dcat:dataset ex:full .")
    text = render_score_text(scores_of(one), lang)
    assert words in text and "datasets)" not in text and "datamängder)" not in text


def test_docs_table_matches_the_checks():
    table = DOCS.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| (\d+) \| (dataset|distribution) \|", table, re.MULTILINE)
    assert [(k, d, int(p), level) for k, d, p, level in rows] == [
        (c.key, c.dimension, c.points, c.level) for c in CHECKS]


def test_score_command_json_and_min_score(run_cli, tmp_path):
    path = tmp_path / "full.ttl"
    path.write_text(FULL, encoding="utf-8")
    result = run_cli("score", path, "--format", "json", "--min-score", "300")
    assert result.exit_code == 1, result.stderr  # the empty dataset is below 300
    document = json.loads(result.stdout)
    assert set(document) == {"max", "datasets", "catalogs"}
    totals = {d["resource"]: d["total"] for d in document["datasets"]}
    assert totals["https://example.se/empty"] <= 30 and totals["https://example.se/full"] >= 300


def test_validate_score_flag(run_cli, tmp_path):
    path = tmp_path / "full.ttl"
    path.write_text(FULL, encoding="utf-8")
    text = run_cli("validate", path, "--score", "--lang", "sv")
    assert "Kvalitetspoäng (högst 405" in text.stdout
    refused = run_cli("validate", path, "--score", "--format", "json")
    assert refused.exit_code == 2
    assert "ena-grunddata score --format json" in refused.stderr


def test_a_dataset_with_violations_is_never_rated_good_whatever_its_points():
    # MQA: conformance weighs in. 375 points would be "excellent"; with a violation the rating is capped.
    from ena_grunddata.validation.score import DatasetScore, CatalogScore

    points = {c.key: float(c.points) for c in CHECKS}
    points["conformity"] = 0.0
    violating = DatasetScore("https://example.se/ds", "x", points, violations=True)
    assert violating.total == 375 and violating.rating == "sufficient"
    assert rating(375, conforms=False) == "sufficient" and rating(100, conforms=False) == "bad"
    unknown = DatasetScore("https://example.se/ds", "x", points, violations=None)  # not validated: points decide
    assert unknown.rating == "excellent"
    clean = DatasetScore("https://example.se/ok", "y", {c.key: float(c.points) for c in CHECKS}, violations=False)
    assert CatalogScore("https://example.se/c", "c", [clean, violating]).rating == "sufficient"
    assert CatalogScore("https://example.se/c", "c", [clean]).rating == "excellent"


def test_the_score_reads_the_same_from_the_validated_store_as_from_a_graph():
    """The store view only tells the score whether a keyword, URL or date has content (view.reader's presence):
    a blank literal still counts for nothing, a value of any other kind for its points, as read from a graph."""
    from ena_grunddata.load import Document, Limits
    from ena_grunddata.load.parse_oxigraph import parse_document_oxigraph
    from ena_grunddata.validation.engines.fast_data import FastData
    from ena_grunddata.validation.view import StoreView

    data = PREFIXES + """
ex:d a dcat:Dataset ; dcat:keyword "  " ; dcat:theme "" ; dcterms:issued "2024-01-01" ; dcterms:spatial [ ] ;
    dcat:distribution ex:x .
ex:x a dcat:Distribution ; dcat:accessURL <https://example.se/x> ; dcat:byteSize " " ; dcterms:rights "r" .
"""
    store = FastData()
    parse_document_oxigraph(Document(name="s.ttl", format="turtle", base="https://relative.invalid/s.ttl",
                                     data=data.encode()), Limits(), store.add)
    from_store = by_resource(score(StoreView(store), Report(findings=[])))["d"].points
    assert from_store == by_resource(scores_of(data))["d"].points
    assert [from_store[key] for key in ("keyword", "theme", "issued", "spatial", "access_url", "byte_size",
                                        "rights")] == [0, 0, 5, 20, 50, 0, 5]


@pytest.mark.parametrize("finest", [4096, 0])
def test_the_store_reader_counts_the_data_s_own_statements_with_python_s_white_space(finest, monkeypatch):
    """Read from the store (view.reader): a statement the engine added beside the data (a vocabulary, a claim) is not
    the data's and earns nothing; white space is what str.strip takes away (U+3000 and U+00A0 are, U+200B is not); a
    distribution with two formats passes when either does; a dataset without the first property read still counts.
    The same when every property is looked up per subject (finest 0: the reader's way for finely split data)."""
    import pyoxigraph as ox

    from ena_grunddata.validation import view

    monkeypatch.setattr(view, "_FINEST", finest)

    from ena_grunddata.load import Document, Limits
    from ena_grunddata.load.parse_oxigraph import parse_document_oxigraph
    from ena_grunddata.validation.engines.fast_data import FastData
    from ena_grunddata.validation.view import StoreView

    data = PREFIXES + """
ex:d a dcat:Dataset ; dcat:theme "\\u3000" ; dcterms:spatial "\\u00a0\\t" ; dcterms:issued "\\u200b" ;
    dcat:distribution ex:x, ex:y .
ex:x a dcat:Distribution ; dcterms:format "application/pdf", "text/csv" .
ex:y a dcat:Distribution ; dcterms:format "application/pdf" .
"""
    store = FastData()
    parse_document_oxigraph(Document(name="s.ttl", format="turtle", base="https://relative.invalid/s.ttl",
                                     data=data.encode()), Limits(), store.add)
    dataset, distribution = ox.NamedNode("https://example.se/d"), ox.NamedNode("https://example.se/x")
    store.add_background([
        ox.Quad(dataset, ox.NamedNode("http://www.w3.org/ns/dcat#keyword"), ox.Literal("added"), ox.DefaultGraph()),
        ox.Quad(distribution, ox.NamedNode("http://purl.org/dc/terms/license"),
                ox.NamedNode("http://publications.europa.eu/resource/authority/licence/CC0"), ox.DefaultGraph())])
    from_store = by_resource(score(StoreView(store, store.hidden), Report(findings=[])))["d"].points
    assert from_store == by_resource(scores_of(data))["d"].points
    assert [from_store[key] for key in ("keyword", "theme", "spatial", "issued", "format", "machine_readable",
                                        "non_proprietary", "license")] == [0, 0, 0, 5, 20, 10, 20, 0]


def _store_of(data: str):
    from ena_grunddata.load import Document, Limits
    from ena_grunddata.load.parse_oxigraph import parse_document_oxigraph
    from ena_grunddata.validation.engines.fast_data import FastData
    from ena_grunddata.validation.view import StoreView

    store = FastData()
    parse_document_oxigraph(Document(name="s.ttl", format="turtle", base="https://relative.invalid/s.ttl",
                                     data=data.encode()), Limits(), store.add)
    return StoreView(store)


def test_titles_and_distributions_read_at_once_score_as_read_one_by_one():
    """The score reads every dataset's title and distributions in one pass (texts): a blank-node distribution, a
    title per language and a literal given as a distribution (wrong data, read as the data says: a distribution
    with nothing, half of the access URL points) score the same from the store as from a graph."""
    data = PREFIXES + """
ex:d a dcat:Dataset ; dcterms:title "Vägar"@sv, "Roads"@en ; dcat:distribution ex:x, "oops" .
ex:x a dcat:Distribution ; dcat:accessURL <https://example.se/x> .
ex:e a dcat:Dataset ; dcterms:title "Bridges"@en, "Broar"@sv ; dcat:distribution [ dcat:accessURL <https://example.se/y> ] .
"""
    from_store, from_graph = score(_store_of(data), Report(findings=[])), scores_of(data)
    assert from_store.to_dict() == from_graph.to_dict()
    found = by_resource(from_store)
    assert (found["d"].title, found["d"].points["access_url"]) == ("Vägar", 25.0)
    assert (found["e"].title, found["e"].points["access_url"]) == ("Broar", 50.0)


def test_scores_worked_out_beside_the_caller_are_the_scores(monkeypatch):
    """score_later gives what score gives (worked out on a thread of its own), from findings held and on disk, and
    raises an error of the score where the scores are asked for."""
    from ena_grunddata.report import FindingSpill, SpilledFindings
    from ena_grunddata.validation import score as module

    violation = Finding(focus="https://example.se/full", path=None, code="X", severity="violation",
                        messages={"en": "x"}, source="s.ttl")
    on_disk = FindingSpill(spill_at=0)
    on_disk.append(violation)
    on_disk = Report(findings=on_disk)
    assert isinstance(on_disk.findings, SpilledFindings)
    for report in (Report(findings=[]), Report(findings=[violation]), on_disk):
        found = module.score_later(Graph().parse(data=FULL, format="turtle"), report)()
        assert found.to_dict() == scores_of(FULL, report).to_dict()
        if report.findings:  # the violation costs conformity's points
            assert by_resource(found)["full"].total == MAX_POINTS - 30

    def broken(*args, **kwargs):
        raise RuntimeError("no scores")

    monkeypatch.setattr(module, "affected_by", broken)
    later = module.score_later(Graph().parse(data=FULL, format="turtle"), Report(findings=[]))
    with pytest.raises(RuntimeError, match="no scores"):
        later()


@pytest.mark.parametrize("main, extra", [("html", "markdown"), ("markdown", "html")])
def test_a_markdown_report_beside_the_page_names_the_datasets_it_scores(run_cli, tmp_path, main, extra):
    """The page names datasets on its cards, so a page alone reads no dataset titles for the score; a markdown
    report made in the same run shows them in its score table."""
    data = tmp_path / "c.ttl"
    data.write_text("@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .\n"
                    '<https://example.se/ds/a> a dcat:Dataset ; dcterms:title "Adresser"@sv .\n', encoding="utf-8")
    out = {"html": tmp_path / "r.html", "markdown": tmp_path / "r.md"}
    result = run_cli("validate", data, "--format", main, "-o", out[main], "--report", f"{extra}:{out[extra]}")
    assert result.exit_code == 1, result.stderr
    assert re.search(r"^\| Adresser \| \d", out["markdown"].read_text(encoding="utf-8"), re.MULTILINE)
