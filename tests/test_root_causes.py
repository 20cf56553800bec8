"""Root causes first (issue 17, point 1) and findings in the user's terms (point 2).

The example: a domain owner mistypes the last digit of the organisation number in the publisher IRI. 202100-5489
(Bolagsverket) passes the Luhn check; 202100-5488 cannot (only one check digit fits the first nine digits), so the
one thing to fix is GD-PUBLISHER-LUHN. Everything said about the undescribed agent SE2021005488 and the other
publisher checks on the same dataset follow from that typo.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph

from ena_grunddata.report import Finding, Report

TYPO = "http://dataportal.se/organisation/SE2021005488"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char) * (2 if index % 2 else 1)
        total += number - 9 if number > 9 else number
    return total % 10 == 0


def test_the_example_number_really_fails_its_check_digit():
    assert luhn_ok("2021005489") and not luhn_ok("2021005488")


def filled_starter(run_cli, tmp_path) -> str:
    starter = tmp_path / "start.yaml"
    assert run_cli("init", "--domain", "foretag", "-o", starter).exit_code == 0
    text = starter.read_text(encoding="utf-8").replace("TODO@TODO.se", "info@bolagsverket.se")
    return text.replace("TODO: ", "").replace("TODO.se", "bolagsverket.se").replace("/TODO", "/grunddata")


@pytest.fixture
def typo(run_cli, tmp_path):
    """The dataset's publisher written as an IRI with the wrong last digit (the agent is described as 5489)."""
    text = filled_starter(run_cli, tmp_path)
    text = text.replace("    publisher: agency\n    domain: foretag", f"    publisher: {TYPO}\n    domain: foretag", 1)
    path = tmp_path / "katalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def typo_turtle(typo, tmp_path, run_cli):
    """The same catalog as Turtle: root causes do not depend on the input format."""
    path = tmp_path / "katalog.ttl"
    assert run_cli("describe", typo, "-o", path, "--format", "turtle").exit_code == 0
    return path


@pytest.mark.parametrize("which", ["typo", "typo_turtle"])
def test_json_marks_every_consequence_of_the_typo_with_its_cause(run_cli, request, which):
    source = request.getfixturevalue(which)
    report = json.loads(run_cli("validate", source, "--format", "json").stdout)
    findings = report["findings"]
    assert findings[0]["code"] == "GD-PUBLISHER-LUHN" and findings[0]["caused_by"] is None
    about_typo = [f for f in findings if f["focus"] == TYPO]
    assert about_typo and all(f["caused_by"] == "GD-PUBLISHER-LUHN" for f in about_typo)
    same_publisher = [f for f in findings if f["value"] == TYPO and f["code"] != "GD-PUBLISHER-LUHN"]
    assert {f["code"] for f in same_publisher} >= {"GD-PUBLISHER-AUTHORISED", "GD-PUBLISHER-NAME"}
    assert all(f["caused_by"] == "GD-PUBLISHER-LUHN" for f in same_publisher)
    explained = [f for f in findings if f["caused_by"]]
    assert findings[1:1 + len(explained)] == explained  # grouped right under the cause
    # Findings that have nothing to do with the typo stay on their own.
    assert all(f["caused_by"] is None for f in findings if f["focus"] != TYPO and f["value"] != TYPO
               and f["code"] != "GD-CATALOG-PUBLISHER")
    assert sum(report["summary"].values()) == len(findings)  # counts stay exact


def test_text_leads_with_the_cause_and_indents_what_it_explains(run_cli, typo):
    result = run_cli("validate", typo)
    lines = result.stdout.splitlines()
    assert "GD-PUBLISHER-LUHN" in lines[1] and lines[1].startswith("  violation")
    assert "fix this first" in lines[3]
    consequences = [line for line in lines if line.startswith("      ") and "[" in line]
    assert any("SE-AGENT-NAME-MISSING" in line for line in consequences)
    assert f"about {TYPO}" in result.stdout


def test_markdown_html_sarif_and_junit_lead_with_the_cause(run_cli, typo, tmp_path):
    markdown = run_cli("validate", typo, "--format", "markdown").stdout
    first_code = re.search(r"`([A-Z][A-Z0-9-]+)`", markdown.split("**Fix these first**", 1)[1]).group(1)
    assert first_code == "GD-PUBLISHER-LUHN"
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "`GD-" in line or "`SE-" in line]
    table = [line for line in rows if "↳" in line or line.startswith("| violation") or line.startswith("| warning")]
    assert "GD-PUBLISHER-LUHN" in table[0] and "↳" in table[1]

    sarif = json.loads(run_cli("validate", typo, "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert results[0]["ruleId"] == "GD-PUBLISHER-LUHN" and "causedBy" not in results[0]["properties"]
    assert results[1]["properties"]["causedBy"] == "GD-PUBLISHER-LUHN"

    html = run_cli("validate", typo, "--format", "html").stdout
    first_finding = html.index('data-code="')
    assert html[first_finding:].startswith('data-code="GD-PUBLISHER-LUHN"')

    junit = ET.fromstring(run_cli("validate", typo, "--format", "junit").stdout.split("\n", 1)[1])
    texts = [f.text for f in junit.iter("failure") if f.get("type") == "SE-AGENT-NAME-MISSING"]
    assert texts and "caused by GD-PUBLISHER-LUHN" in texts[0]


def test_an_undescribed_publisher_with_a_valid_number_is_explained_by_the_request_to_describe_it(run_cli, tmp_path):
    # 2021000837 (Statistics Sweden) passes Luhn, but nothing in this catalog describes it.
    text = filled_starter(run_cli, tmp_path).replace(
        "    publisher: agency\n    domain: foretag",
        "    publisher: http://dataportal.se/organisation/SE2021000837\n    domain: foretag", 1)
    path = tmp_path / "k.yaml"
    path.write_text(text, encoding="utf-8")
    findings = json.loads(run_cli("validate", path, "--format", "json").stdout)["findings"]
    assert findings[0]["code"] == "GD-PUBLISHER-NAME"
    agent = [f for f in findings if f["focus"] == "http://dataportal.se/organisation/SE2021000837"]
    assert agent and {f["caused_by"] for f in agent} == {"GD-PUBLISHER-NAME"}


def test_a_misspelt_key_explains_the_missing_property_in_yaml_terms(run_cli, tmp_path):
    text = filled_starter(run_cli, tmp_path).replace("    contact_point: contact\n", "    contact_pont: contact\n", 1)
    path = tmp_path / "k.yaml"
    path.write_text(text, encoding="utf-8")
    findings = json.loads(run_cli("validate", path, "--format", "json").stdout)["findings"]
    typo_line = text.splitlines().index("    contact_pont: contact") + 1
    first = findings[0]
    assert (first["code"], first["line"], first["key"]) == ("SCHEMA-UNKNOWN-KEY", typo_line, "contact_pont")
    explained = [f for f in findings if f["caused_by"] == "SCHEMA-UNKNOWN-KEY"]
    assert {f["code"] for f in explained} == {"GD-CONTACT-POINT", "SE-DATASET-CONTACTPOINT-RECOMMENDED"}
    for finding in explained:  # the YAML key in the message, the RDF property kept in `path`
        assert finding["key"] == "contact_point" and "`contact_point`" in finding["message"]
        assert "dcat:contactPoint" not in finding["message"]
        assert finding["path"] == "http://www.w3.org/ns/dcat#contactPoint"


def test_turtle_findings_keep_rdf_terms(run_cli, typo_turtle):
    findings = json.loads(run_cli("validate", typo_turtle, "--format", "json").stdout)["findings"]
    assert all(f["key"] is None for f in findings)


def finding(code, focus, severity="warning", value=None, source="k.ttl", line=1, path=None):
    return Finding(code=code, severity=severity, focus=focus, value=value, source=source, line=line, path=path,
                   messages={"en": code})


def test_violations_come_before_warnings_and_causes_before_the_rest_within_a_resource():
    dataset = "https://example.se/ds"
    findings = [finding("A-WARNING", dataset, line=3),
                finding("GD-PUBLISHER-AUTHORISED", dataset, "violation", TYPO, line=3),
                finding("B-VIOLATION", dataset, "violation", line=3),
                finding("GD-PUBLISHER-LUHN", dataset, "violation", TYPO, line=3),
                finding("SE-AGENT-NAME-MISSING", TYPO, "violation", source=None, line=None)]
    report = Report(findings, undescribed=frozenset({TYPO}))
    assert [f.code for f in report.findings] == ["GD-PUBLISHER-LUHN", "GD-PUBLISHER-AUTHORISED",
                                                 "SE-AGENT-NAME-MISSING", "B-VIOLATION", "A-WARNING"]
    assert [len(c) for _, c in report.roots()] == [2, 0, 0]
    again = report.with_threshold("warning")  # relinked, not linked twice
    assert [f.caused_by for f in again.findings] == [f.caused_by for f in report.findings]


def test_a_described_agent_with_its_own_findings_is_not_blamed_on_the_typo():
    dataset = "https://example.se/ds"
    findings = [finding("GD-PUBLISHER-LUHN", dataset, "violation", TYPO, line=3),
                finding("SE-AGENT-CLASSIFICATION-RECOMMENDED", TYPO, line=9)]
    report = Report(findings, undescribed=frozenset())
    assert [f.caused_by for f in report.findings] == [None, None]


def test_the_shacl_report_graph_is_unchanged_by_linking():
    dataset = "https://example.se/ds"
    findings = [finding("GD-PUBLISHER-LUHN", dataset, "violation", TYPO),
                finding("GD-PUBLISHER-NAME", dataset, "violation", TYPO)]
    graph = Report(findings).to_graph()
    assert isinstance(graph, Graph) and len(list(graph.subjects(None, None, unique=True))) == 3
