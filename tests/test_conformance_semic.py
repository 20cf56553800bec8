"""SEMIC's DCAT-AP SHACL test cases (SEMICeu/dcat-ap_shacl, TopBraid dash:GraphValidationTestCase with the expected
sh:ValidationReport), where DCAT-AP-SE agrees with DCAT-AP.

Every expected result on a catalog or dataset of the test data must also be a Violation of ours (same focus node,
same path) when DCAT-AP-SE has the same rule: cardinalities, node kinds, dates, and values that must come from a
closed list (theme taxonomy, themes, frequencies; the catalog licence, which DCAT-AP-SE fixes to CC0). Where
DCAT-AP-SE deliberately differs, the expected result is skipped, with the reason:
- sh:class range checks on dcterms:rights, foaf:homepage (DCAT-AP-SE never demands rdf:type triples on referenced
  resources; it checks IRIs and value lists instead) and dcterms:spatial (DCAT-AP-SE allows any location IRI, e.g.
  GeoNames, not only the EU continent table);
- results on vocabulary concept schemes and on agents the test imports but does not contain (not in the data graph).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

from ena_grunddata.validation.pipeline import validate

TESTS = Path("reference/dcat-ap/semic-dcat-ap_shacl-tests")
DASH = Namespace("http://datashapes.org/dash#")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
CASES = ["catalogue", "catalogue-1", "catalogue-optional", "datatype-disjunction", "mdrcv1"]
CLOSED_OR_TYPED_VALUES = {DCT + "issued", DCT + "modified", DCAT + "themeTaxonomy", DCAT + "theme",
                          DCT + "accrualPeriodicity", DCT + "license"}
DIFFERENT_BY_DESIGN = {DCT + "rights", FOAF + "homepage", DCT + "spatial"}


def expected_results(test_file: Path) -> list[tuple[str, str, str]]:
    graph = Graph().parse(test_file, format="turtle")
    results = []
    for case in graph.subjects(RDF.type, DASH.GraphValidationTestCase):
        for report in graph.objects(case, DASH.expectedResult):
            for result in graph.objects(report, SH.result):
                results.append((str(graph.value(result, SH.focusNode)), str(graph.value(result, SH.resultPath)),
                                str(graph.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]))
    return results


def agreed(results, data: Graph) -> list[tuple[str, str]]:
    resources = {str(s) for cls in ("Catalog", "Dataset") for s in data.subjects(RDF.type, URIRef(DCAT + cls))}
    keep = []
    for focus, path, component in results:
        if focus not in resources:
            continue
        if component in ("MinCountConstraintComponent", "MaxCountConstraintComponent", "NodeKindConstraintComponent"):
            keep.append((focus, path))
        elif path in CLOSED_OR_TYPED_VALUES:
            keep.append((focus, path))
        else:
            assert path in DIFFERENT_BY_DESIGN, f"unclassified expected result {focus} {path} {component}"
    return keep


@pytest.mark.parametrize("case", CASES)
def test_semic_expected_violations_where_dcat_ap_se_agrees(shared_dir: Path, case: str):
    data_file = shared_dir / TESTS / f"{case}.ttl"
    expected = agreed(expected_results(shared_dir / TESTS / f"{case}.test.ttl"),
                      Graph().parse(data_file, format="turtle"))
    assert expected, f"{case}: no expected result to compare"
    report = validate([str(data_file)], profiles=["dcat-ap-se"])
    ours = {(f.focus, f.path) for f in report.findings if f.severity.label == "violation"}
    missing = [e for e in expected if e not in ours]
    assert not missing, f"{case}: SEMIC expects violations we do not report: {missing}"
